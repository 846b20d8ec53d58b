/* SPDX-License-Identifier: GPL-2.0-or-later */
/* icmp-sweep: one source sending ICMP echo (or timestamp, address mask)
 * requests to many hosts. Alerts at 5 hosts, then 50, 500 ... */
#include "eg-detector-private.h"

#define ICMP_SWEEP_MIN 5

static gpointer
create (EgDetectors *ds,
        GError     **error)
{
  return eg_scan_table_new (ds->config->detection_window);
}

static gboolean
is_probe (const EgFlow *flow)
{
  /* Zeek logs the ICMP type as orig_p. */
  if (flow->proto == IPPROTO_ICMP)
    return flow->orig_p == 8 || flow->orig_p == 13 || flow->orig_p == 17;
  if (flow->proto == IPPROTO_ICMPV6)
    return flow->orig_p == 128;
  return FALSE;
}

static void
on_flow (gpointer      state,
         EgDetectors  *ds,
         const EgFlow *flow)
{
  EgScanKey key = { 0 };
  EgScanState *scan;
  EgAlert *alert;
  char src[EG_ADDR_STRLEN];
  guint n;

  if (!is_probe (flow) || eg_addr_is_special (&flow->resp_h))
    return;

  key.src = flow->orig_h;
  key.proto = flow->proto;
  key.port = flow->orig_p;
  scan = eg_scan_table_get (state, &key, flow->ts, ICMP_SWEEP_MIN);
  if (!eg_scan_state_add (scan, &flow->resp_h, flow->uid, flow->orig_pkts, flow->ts))
    return;
  if (flow->resp_pkts > 0)
    scan->n_answered++;
  if (!eg_scan_state_crossed (scan))
    return;

  n = scan->n_distinct;
  alert = eg_detectors_alert_new (ds, "icmp-sweep", flow->ts, &flow->orig_h, NULL, 0,
                                  flow->proto, EG_THREAT_MEDIUM, 1.0);
  alert->description = g_strdup_printf ("%s pinged %u hosts in a sweep (ICMP %s); %u answered",
                                        eg_addr_to_string (&flow->orig_h, src), n,
                                        flow->orig_p == 13 ? "timestamp"
                                        : flow->orig_p == 17 ? "address mask" : "echo",
                                        scan->n_answered);
  eg_alert_add_scan_uids (alert, scan);
  eg_detectors_report (ds, alert, 0);
}

const EgDetectorInfo eg_detector_icmp_sweep = {
  .name = "icmp-sweep",
  .create = create,
  .destroy = (GDestroyNotify) eg_scan_table_free,
  .flow = on_flow,
};
