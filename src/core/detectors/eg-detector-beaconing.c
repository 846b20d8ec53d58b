/* SPDX-License-Identifier: GPL-2.0-or-later */
/* beaconing: one source opening connections to the same host and port at a
 * steady rhythm, as malware calling home does (the test-cc captures: one
 * HTTPS request every 2 s). The gaps between connection starts must number
 * BEACON_MIN_GAPS or more with a coefficient of variation (spread / mean)
 * under BEACON_MAX_CV. Services that poll by design (DNS, NTP, mDNS,
 * NetBIOS, DHCP, SSDP, LLMNR, MQTT keep-alives) and the telemetry of the
 * operating-system vendors (their own networks, as Slips' organization
 * whitelist) are left out. One alert per beacon until it falls silent for
 * a whole window. Every connection that keeps the rhythm is evidence
 * again (the accumulator makes them one finding per window): a loose
 * rhythm weighs little, and needs more beats or company to be shown. Its
 * uids are the connections whose rhythm was measured (the last
 * BEACON_HISTORY at most); the description gives the total. */
#include "eg-detector-private.h"

#include <math.h>
#include <string.h>

#include "eg-key-table.h"

#define BEACON_HISTORY  32
#define BEACON_MIN_GAPS 10
#define BEACON_MAX_CV   0.15
#define BEACON_MIN_GAP  0.5   /* s: faster is a burst, not a beacon */

/* The last connections of a pair that came back at least once. */
typedef struct {
  double  times[BEACON_HISTORY];
  char    uids[BEACON_HISTORY][EG_UID_LEN];
} History;

/* Most (source, host, port) keys see one connection: they get this much,
 * and the history only when a second one comes. */
typedef struct {
  EgScanKey key;     /* first: the table hashes the struct through it */
  guint     n;       /* connections seen (the ring holds the last ones) */
  double    last_seen;
  double    first_ts;
  char      first_uid[EG_UID_LEN];
  History  *history;
} Beacon;

typedef struct {
  EgKeyTable *beacons;   /* Beacon, keyed by its EgScanKey */
  guint64     n_flows;
} Beacons;

static void
beacon_clear (gpointer p)
{
  Beacon *beacon = p;

  g_free (beacon->history);
}

static gboolean
beacon_silent (gpointer item,
               gpointer unused,
               gpointer data)
{
  const double *limit = data;

  return ((Beacon *) item)->last_seen < *limit;
}

static void
beacon_record (Beacon     *beacon,
               double      ts,
               const char *uid)
{
  History *h;

  if (beacon->n == 0)
    {
      beacon->first_ts = ts;
      g_strlcpy (beacon->first_uid, uid, EG_UID_LEN);
      beacon->n = 1;
      return;
    }
  if (beacon->history == NULL)
    beacon->history = g_new (History, 1);
  h = beacon->history;
  if (beacon->n == 1)
    {
      h->times[0] = beacon->first_ts;
      memcpy (h->uids[0], beacon->first_uid, EG_UID_LEN);
    }
  h->times[beacon->n % BEACON_HISTORY] = ts;
  g_strlcpy (h->uids[beacon->n % BEACON_HISTORY], uid, EG_UID_LEN);
  beacon->n++;
}

static gpointer
create (EgDetectors *ds,
        GError     **error)
{
  Beacons *b = g_new0 (Beacons, 1);

  b->beacons = eg_key_table_new (sizeof (EgScanKey), sizeof (Beacon), beacon_clear);
  return b;
}

static void
destroy (gpointer p)
{
  Beacons *b = p;

  eg_key_table_free (b->beacons);
  g_free (b);
}

static gboolean
polls_by_design (guint16 port)
{
  static const guint16 ports[] = { 53, 67, 68, 123, 137, 138, 1883, 1900, 5353, 5355, 8883 };

  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    if (ports[i] == port)
      return TRUE;
  return FALSE;
}

static gboolean
is_vendor_telemetry (EgDetectors  *ds,
                     const EgAddr *addr)
{
  /* Microsoft, Apple, Google: their update and telemetry services poll on
   * the clock from every machine they sell. */
  static const guint32 asns[] = { 8068, 8075, 714, 6185, 15169, 396982 };
  char country[3];
  guint32 asn;

  if (ds->ipinfo == NULL || !eg_ipinfo_lookup (ds->ipinfo, addr, country, &asn))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (asns); i++)
    if (asns[i] == asn)
      return TRUE;
  return FALSE;
}

static void
on_flow (gpointer      state,
         EgDetectors  *ds,
         const EgFlow *flow)
{
  Beacons *b = state;
  EgScanKey key = { 0 };
  Beacon *beacon;
  gboolean created;
  guint n_times, n_gaps;
  double prev, sum = 0, sumsq = 0, mean, sd, cv;
  EgAlert *alert;
  g_autofree char *port = NULL;
  char src[EG_ADDR_STRLEN], dst[EG_ADDR_STRLEN];

  /* An interim update comes every active timeout, on the clock: it is the
   * same connection, not a beacon. */
  if ((flow->flags & EG_FLOW_INTERIM)
      || (flow->proto != IPPROTO_TCP && flow->proto != IPPROTO_UDP)
      || polls_by_design (flow->resp_p) || eg_addr_is_special (&flow->resp_h))
    return;

  if (++b->n_flows % 65536 == 0)
    {
      double limit = flow->ts - ds->config->detection_window;

      eg_key_table_remove_if (b->beacons, beacon_silent, &limit);
    }

  key.src = flow->orig_h;
  key.dst = flow->resp_h;
  key.port = flow->resp_p;
  key.proto = flow->proto;
  beacon = eg_key_table_insert (b->beacons, &key, &created);
  if (!created && flow->ts - beacon->last_seen > ds->config->detection_window)
    beacon->n = 0;  /* silent for a whole window: a new story */
  beacon_record (beacon, flow->ts, flow->uid);
  beacon->last_seen = flow->ts;

  n_times = MIN (beacon->n, BEACON_HISTORY);
  if (n_times < BEACON_MIN_GAPS + 1)
    return;
  n_gaps = n_times - 1;
  prev = beacon->history->times[(beacon->n - n_times) % BEACON_HISTORY];
  for (guint i = 1; i < n_times; i++)
    {
      double t = beacon->history->times[(beacon->n - n_times + i) % BEACON_HISTORY];
      double gap = t - prev;

      sum += gap;
      sumsq += gap * gap;
      prev = t;
    }
  mean = sum / n_gaps;
  sd = sqrt (MAX (0.0, sumsq / n_gaps - mean * mean));
  cv = mean > 0 ? sd / mean : INFINITY;
  if (mean < BEACON_MIN_GAP || cv >= BEACON_MAX_CV || is_vendor_telemetry (ds, &flow->resp_h))
    return;

  alert = eg_detectors_alert_new (ds, "beaconing", flow->ts, &flow->orig_h, &flow->resp_h,
                                  flow->resp_p, flow->proto, EG_THREAT_HIGH,
                                  /* Random arrivals (Poisson) have a CV of 1, a clock 0. */
                                  1.0 - cv);
  port = eg_detectors_format_port (ds, flow->resp_p, flow->proto);
  alert->description = g_strdup_printf ("%s connected to %s %s %u times, every %.1f s "
                                        "(± %.1f s), like malware calling home",
                                        eg_addr_to_string (&flow->orig_h, src),
                                        eg_addr_to_string (&flow->resp_h, dst), port,
                                        beacon->n, mean, sd);
  for (guint i = 0; i < n_times; i++)
    eg_alert_add_uid (alert, beacon->history->uids[(beacon->n - n_times + i) % BEACON_HISTORY]);
  eg_detectors_report (ds, alert, EG_EVIDENCE_ONCE);
}

const EgDetectorInfo eg_detector_beaconing = {
  .name = "beaconing",
  .create = create,
  .destroy = destroy,
  .flow = on_flow,
};
