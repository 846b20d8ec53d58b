/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-detectors.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detectors/eg-detector-private.h"
#include "eg-error.h"

#define ONCE_MAX 200000

/* Items of the corroborating and queries tables. */
typedef struct {
  EgAddr addr;
  double last;
} LastSeen;

typedef struct {
  EgScanKey key;
  double    last;
} LastQuery;

static guint    once_hash  (gconstpointer p);
static void     note_shown (EgDetectors   *ds,
                            const EgAlert *alert);
static void     note_query (EgDetectors  *ds,
                            const EgFlow *flow);
static gboolean once_equal (gconstpointer a,
                            gconstpointer b);

static const EgDetectorInfo * const detectors[] = {
  &eg_detector_port_scan_horizontal,
  &eg_detector_port_scan_vertical,
  &eg_detector_icmp_sweep,
  &eg_detector_arp_scan,
  &eg_detector_long_connection,
  &eg_detector_ssh,
  &eg_detector_rejected_connections,
  &eg_detector_large_upload,
  &eg_detector_unknown_port,
  &eg_detector_threat_intel,
  &eg_detector_beaconing,
  &eg_detector_ml_flow,
};

char *
eg_find_data_file (const char *relpath)
{
  const char *env = g_getenv ("EDGEGUARD_DATADIR");
  const char *dirs[] = { env, PKGDATADIR, SOURCE_DATADIR };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = NULL;

      if (dirs[i] == NULL || *dirs[i] == '\0')
        continue;
      path = g_build_filename (dirs[i], relpath, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

char *
eg_services_default_path (void)
{
  return eg_find_data_file ("services.csv");
}

GHashTable *
eg_services_load (const char *path,
                  GError    **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GHashTable) services = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_auto(GStrv) lines = NULL;
  guint n_good = 0;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) cols = NULL;
      guint64 port;
      guint8 proto;

      g_strstrip (lines[i]);
      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      cols = g_strsplit (lines[i], ",", 4);
      if (g_strv_length (cols) < 3)
        continue;
      g_strstrip (cols[1]);
      g_strstrip (cols[2]);
      if (!g_ascii_string_to_unsigned (cols[1], 10, 0, 65535, &port, NULL))
        continue;
      if (g_ascii_strcasecmp (cols[2], "sctp") == 0)
        proto = IPPROTO_SCTP;
      else if (!eg_proto_from_string (cols[2], &proto))
        continue;
      g_hash_table_insert (services, GUINT_TO_POINTER ((guint) proto << 16 | (guint) port),
                           g_strdup (g_strstrip (cols[0])));
      n_good++;
    }
  if (n_good == 0)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "The service list “%s” has no line of the form “name,port,proto,description”", path);
      return NULL;
    }
  return g_steal_pointer (&services);
}

EgDetectors *
eg_detectors_new (const EgConfig *config,
                  EgIpInfo       *ipinfo,
                  GError        **error)
{
  g_autoptr(EgDetectors) ds = g_new0 (EgDetectors, 1);
  g_autofree char *services_path = NULL;

  ds->config = eg_config_copy (config);
  ds->ipinfo = ipinfo;
  ds->model_threshold = config->model_threshold > 0 ? config->model_threshold : 0.5;
  ds->once = g_hash_table_new_full (once_hash, once_equal, g_free, NULL);
  ds->corroborating = eg_key_table_new (sizeof (EgAddr), sizeof (LastSeen), NULL);
  ds->queries = eg_key_table_new (sizeof (EgScanKey), sizeof (LastQuery), NULL);
  ds->evidence = eg_evidence_table_new ();
  ds->ml_flow = g_intern_static_string ("ml-flow");
  ds->states = g_new0 (gpointer, G_N_ELEMENTS (detectors));

  services_path = config->services_path ? g_strdup (config->services_path)
                                        : eg_services_default_path ();
  if (services_path)
    {
      g_autoptr(GError) local_error = NULL;

      ds->services = eg_services_load (services_path, &local_error);
      if (ds->services == NULL)
        {
          g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                       "Cannot read the known-service list: %s", local_error->message);
          return NULL;
        }
    }
  else
    ds->services = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  for (guint i = 0; i < G_N_ELEMENTS (detectors); i++)
    if (detectors[i]->create)
      {
        ds->states[i] = detectors[i]->create (ds, error);
        if (ds->states[i] == NULL)
          return NULL;
        if (detectors[i] == &eg_detector_threat_intel)
          ds->threat_intel = ds->states[i];
      }
  return g_steal_pointer (&ds);
}

void
eg_detectors_free (EgDetectors *ds)
{
  if (ds == NULL)
    return;
  if (ds->states)
    for (guint i = 0; i < G_N_ELEMENTS (detectors); i++)
      if (ds->states[i] && detectors[i]->destroy)
        detectors[i]->destroy (ds->states[i]);
  g_free (ds->states);
  g_clear_pointer (&ds->model, eg_model_unref);
  g_clear_pointer (&ds->services, g_hash_table_unref);
  g_clear_pointer (&ds->once, g_hash_table_unref);
  g_clear_pointer (&ds->corroborating, eg_key_table_free);
  g_clear_pointer (&ds->evidence, eg_key_table_free);
  g_clear_pointer (&ds->queries, eg_key_table_free);
  eg_config_free (ds->config);
  g_free (ds);
}

void
eg_detectors_set_model_threshold (EgDetectors *ds,
                                  double       threshold)
{
  if (ds->config->model_threshold > 0)
    return;  /* the operator's setting wins over the model's */
  if (threshold > 0 && threshold < 1)
    ds->model_threshold = threshold;
}

void
eg_detectors_set_model (EgDetectors *ds,
                        EgModel     *model)
{
  if (model == ds->model)
    return;
  g_clear_pointer (&ds->model, eg_model_unref);
  ds->model = model ? eg_model_ref (model) : NULL;
}

void
eg_detectors_process_flow (EgDetectors  *ds,
                           const EgFlow *flow,
                           GPtrArray    *alerts_out)
{
  ds->out = alerts_out;
  ds->n_flows++;
  note_query (ds, flow);
  for (guint i = 0; i < G_N_ELEMENTS (detectors); i++)
    if (detectors[i]->flow)
      detectors[i]->flow (ds->states[i], ds, flow);
  ds->out = NULL;
}

void
eg_detectors_process_arp (EgDetectors  *ds,
                          double        ts,
                          const guint8  sha[6],
                          const guint8  spa[4],
                          const guint8  tha[6],
                          const guint8  tpa[4],
                          guint16       op,
                          GPtrArray    *alerts_out)
{
  EgArpEvent event;

  event.ts = ts;
  memcpy (event.sha, sha, 6);
  memcpy (event.spa, spa, 4);
  memcpy (event.tha, tha, 6);
  memcpy (event.tpa, tpa, 4);
  event.op = op;
  ds->out = alerts_out;
  for (guint i = 0; i < G_N_ELEMENTS (detectors); i++)
    if (detectors[i]->arp)
      detectors[i]->arp (ds->states[i], ds, &event);
  ds->out = NULL;
}

void
eg_detectors_flush (EgDetectors *ds,
                    GPtrArray   *alerts_out)
{
  ds->out = alerts_out;
  for (guint i = 0; i < G_N_ELEMENTS (detectors); i++)
    if (detectors[i]->flush)
      detectors[i]->flush (ds->states[i], ds);
  ds->out = NULL;
}

double
eg_threat_weight (EgThreatLevel level)
{
  switch (level)
    {
    case EG_THREAT_INFO: return 0.0;
    case EG_THREAT_LOW: return 0.2;
    case EG_THREAT_MEDIUM: return 0.5;
    case EG_THREAT_HIGH: return 0.8;
    case EG_THREAT_CRITICAL: return 1.0;
    default: return 0.0;
    }
}

EgAlert *
eg_detectors_alert_new (EgDetectors   *ds,
                        const char    *detector,
                        double         ts,
                        const EgAddr  *src,
                        const EgAddr  *dst,
                        guint16        dport,
                        guint8         proto,
                        EgThreatLevel  level,
                        double         confidence)
{
  EgAlert *alert = eg_alert_new (detector);

  alert->ts = ts;
  alert->src = *src;
  if (dst)
    alert->dst = *dst;
  /* An ICMP "port" is a type or code: meaningless to a reader of alerts. */
  alert->dport = proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 ? 0 : dport;
  alert->proto = proto;
  alert->threat_level = level;
  alert->confidence = CLAMP (confidence, 0.0, 1.0);
  return alert;
}

void
eg_detectors_emit (EgDetectors *ds,
                   EgAlert     *alert)
{
  const EgAddr *remote = NULL;

  if (alert->dst.family && !eg_addr_is_private (&alert->dst))
    remote = &alert->dst;
  else if (alert->src.family && !eg_addr_is_private (&alert->src))
    remote = &alert->src;
  if (remote && ds->ipinfo)
    eg_ipinfo_lookup (ds->ipinfo, remote, alert->country, &alert->asn);
  if (alert->detector != ds->ml_flow)
    note_shown (ds, alert);
  if (ds->out)
    g_ptr_array_add (ds->out, alert);
  else
    eg_alert_free (alert);
}

static void
note_shown (EgDetectors   *ds,
            const EgAlert *evidence)
{
  LastSeen *seen;
  gboolean created;

  if (evidence->threat_level < EG_THREAT_LOW)
    return;
  if (eg_key_table_size (ds->corroborating) >= ONCE_MAX)
    eg_key_table_remove_all (ds->corroborating);
  seen = eg_key_table_insert (ds->corroborating, &evidence->src, &created);
  seen->last = created ? evidence->ts : MAX (seen->last, evidence->ts);
}

typedef struct {
  EgScanKey   key;
  const char *detector;  /* interned by the caller's literal: compared by address */
  double      last;
} OnceEntry;

static guint
once_hash (gconstpointer p)
{
  const OnceEntry *e = p;

  return eg_hash_bytes (&e->key, sizeof e->key) ^ g_direct_hash (e->detector);
}

static gboolean
once_equal (gconstpointer a,
            gconstpointer b)
{
  const OnceEntry *x = a, *y = b;

  return x->detector == y->detector && memcmp (&x->key, &y->key, sizeof x->key) == 0;
}

#define QUERY_REPLY_WINDOW 60.0

static void
note_query (EgDetectors  *ds,
            const EgFlow *flow)
{
  EgScanKey key = { 0 };
  LastQuery *query;
  gboolean created;

  if (flow->proto != IPPROTO_UDP || !eg_addr_is_special (&flow->resp_h))
    return;
  key.src = flow->orig_h;
  key.port = flow->orig_p;
  if (eg_key_table_size (ds->queries) >= ONCE_MAX)
    eg_key_table_remove_all (ds->queries);
  query = eg_key_table_insert (ds->queries, &key, &created);
  query->last = created ? flow->ts : MAX (query->last, flow->ts);
}

gboolean
eg_detectors_is_query_reply (EgDetectors  *ds,
                             const EgFlow *flow)
{
  static const guint16 discovery[] = { 53, 67, 68, 137, 138, 1900, 3702, 5353, 5355 };
  EgScanKey key = { 0 };
  const LastQuery *query;

  if (flow->proto != IPPROTO_UDP)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (discovery); i++)
    if (flow->orig_p == discovery[i])
      return TRUE;
  if (eg_key_table_size (ds->queries) == 0)
    return FALSE;
  key.src = flow->resp_h;
  key.port = flow->resp_p;
  query = eg_key_table_lookup (ds->queries, &key);
  return query && fabs (flow->ts - query->last) < QUERY_REPLY_WINDOW;
}

gboolean
eg_detectors_corroborated (EgDetectors  *ds,
                           const EgAddr *src,
                           double        ts)
{
  const LastSeen *seen = eg_key_table_lookup (ds->corroborating, src);

  return seen && fabs (ts - seen->last) < ds->config->detection_window;
}

gboolean
eg_detectors_once (EgDetectors  *ds,
                   const char   *detector,
                   const EgAddr *src,
                   const EgAddr *dst,
                   guint16       dport,
                   guint8        proto,
                   double        ts)
{
  OnceEntry probe;
  OnceEntry *entry;

  memset (&probe, 0, sizeof probe);
  probe.key.src = *src;
  if (dst)
    probe.key.dst = *dst;
  probe.key.port = dport;
  probe.key.proto = proto;
  probe.detector = g_intern_string (detector);
  entry = g_hash_table_lookup (ds->once, &probe);
  /* Flows come in end order, so a later one may have started earlier:
   * "within the window" goes both ways. */
  if (entry && fabs (ts - entry->last) < ds->config->detection_window)
    return FALSE;
  if (entry == NULL)
    {
      if (g_hash_table_size (ds->once) >= ONCE_MAX)
        g_hash_table_remove_all (ds->once);
      entry = g_memdup2 (&probe, sizeof probe);
      g_hash_table_add (ds->once, entry);
    }
  entry->last = MAX (entry->last, ts);
  return TRUE;
}

const char *
eg_detectors_service_name (EgDetectors *ds,
                           guint16      port,
                           guint8       proto)
{
  return g_hash_table_lookup (ds->services, GUINT_TO_POINTER ((guint) proto << 16 | port));
}

char *
eg_detectors_format_port (EgDetectors *ds,
                          guint16      port,
                          guint8       proto)
{
  const char *name = eg_detectors_service_name (ds, port, proto);

  if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
    return g_strdup_printf ("by %s", proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6
                                     ? "ICMP" : eg_proto_to_string (proto));
  if (name)
    return g_strdup_printf ("port %u/%s (%s)", port, eg_proto_to_string (proto), name);
  return g_strdup_printf ("port %u/%s", port, eg_proto_to_string (proto));
}

gboolean
eg_flow_is_established (const EgFlow *flow)
{
  if (flow->proto == IPPROTO_TCP)
    return eg_conn_state_is_established (flow->conn_state);
  /* UDP and ICMP: an answer is what establishes them. */
  return flow->resp_pkts > 0 || flow->resp_bytes > 0
         || (flow->conn_state != EG_CONN_STATE_S0 && flow->conn_state != EG_CONN_STATE_OTH
             && flow->conn_state != EG_CONN_STATE_REJ);
}

gboolean
eg_flow_is_unanswered_attempt (const EgFlow *flow)
{
  if (flow->proto == IPPROTO_TCP)
    return flow->conn_state == EG_CONN_STATE_S0 || flow->conn_state == EG_CONN_STATE_REJ
           || flow->conn_state == EG_CONN_STATE_RSTOS0 || flow->conn_state == EG_CONN_STATE_SH;
  return !eg_flow_is_established (flow);
}

gboolean
eg_addr_is_special (const EgAddr *addr)
{
  static const guint8 zero[16];

  if (addr->family == 4)
    return addr->bytes[0] >= 224 || memcmp (addr->bytes, zero, 4) == 0
           || addr->bytes[3] == 255;
  if (addr->family == 6)
    return addr->bytes[0] == 0xff || memcmp (addr->bytes, zero, 16) == 0;
  return TRUE;
}

/* The scan table. */

struct _EgScanTable {
  double      window;
  EgKeyTable *states;   /* EgScanState, keyed by its EgScanKey */
  guint64     n_gets;
};

guint
eg_hash_bytes (const void *data,
               gsize       len)
{
  return eg_key_hash (data, len);
}

guint
eg_addr_key_hash (gconstpointer p)
{
  return eg_key_hash (p, sizeof (EgAddr));
}

gboolean
eg_addr_key_equal (gconstpointer a,
                   gconstpointer b)
{
  return memcmp (a, b, sizeof (EgAddr)) == 0;
}

/* A scan state's set of distinct values: EgAddr slots, no allocation per
 * value; a family of 0xff marks an empty slot (values have 0, 4 or 6). */
#define SET_EMPTY 0xff

/* TRUE when value was not in set and is now. */
static gboolean
set_insert (EgAddr       *set,
            guint         size,
            const EgAddr *value)
{
  guint i = eg_key_hash (value, sizeof *value) & (size - 1);

  for (; set[i].family != SET_EMPTY; i = (i + 1) & (size - 1))
    if (memcmp (&set[i], value, sizeof *value) == 0)
      return FALSE;
  set[i] = *value;
  return TRUE;
}

static void
set_grow (EgScanState *state)
{
  guint size = state->set_size * 2;
  EgAddr *set = g_malloc (size * sizeof *set);

  memset (set, SET_EMPTY, size * sizeof *set);
  for (guint i = 0; i < state->set_size; i++)
    if (state->set[i].family != SET_EMPTY)
      set_insert (set, size, &state->set[i]);
  g_free (state->set);
  state->set = set;
  state->set_size = size;
}

static void
scan_state_clear (gpointer p)
{
  EgScanState *state = p;

  g_clear_pointer (&state->set, g_free);
  g_clear_pointer (&state->more_uids, g_array_unref);
}

EgScanTable *
eg_scan_table_new (double window)
{
  EgScanTable *table = g_new0 (EgScanTable, 1);

  table->window = window > 0 ? window : 3600;
  table->states = eg_key_table_new (sizeof (EgScanKey), sizeof (EgScanState), scan_state_clear);
  return table;
}

void
eg_scan_table_free (EgScanTable *table)
{
  if (table == NULL)
    return;
  eg_key_table_free (table->states);
  g_free (table);
}

static void
scan_state_reset (EgScanState *state,
                  double       ts,
                  guint        first_threshold)
{
  /* The set's slots stay for the next window: a scan goes on scanning. */
  if (state->set)
    memset (state->set, SET_EMPTY, state->set_size * sizeof *state->set);
  state->n_distinct = 0;
  state->n_uids = 0;
  if (state->more_uids)
    g_array_set_size (state->more_uids, 0);
  state->start = ts;
  state->last = ts;
  state->pkts = 0;
  state->n_flows = 0;
  state->n_answered = 0;
  state->next_threshold = MAX (first_threshold, 1);
}

typedef struct {
  double ts;
  double window;
} Sweep;

static gboolean
scan_state_idle (gpointer item,
                 gpointer unused,
                 gpointer data)
{
  const Sweep *sweep = data;

  return sweep->ts - ((EgScanState *) item)->last > sweep->window;
}

EgScanState *
eg_scan_table_get (EgScanTable     *table,
                   const EgScanKey *key,
                   double           ts,
                   guint            first_threshold)
{
  EgScanState *state;
  gboolean created;

  /* Now and then, forget keys idle for a whole window: memory stays bounded
   * by the traffic of one window. */
  if (++table->n_gets % 65536 == 0)
    {
      Sweep sweep = { ts, table->window };

      eg_key_table_remove_if (table->states, scan_state_idle, &sweep);
    }

  state = eg_key_table_insert (table->states, key, &created);
  if (created || ts - state->start > table->window)
    scan_state_reset (state, ts, first_threshold);
  return state;
}

EgScanState *
eg_scan_table_lookup (EgScanTable     *table,
                      const EgScanKey *key,
                      double           ts)
{
  EgScanState *state = eg_key_table_lookup (table->states, key);

  if (state == NULL || ts - state->start > table->window)
    return NULL;
  return state;
}

gboolean
eg_scan_state_add (EgScanState  *state,
                   const EgAddr *value,
                   const char   *uid,
                   guint64       pkts,
                   double        ts)
{
  state->n_flows++;
  state->pkts += pkts;
  if (ts > state->last)
    state->last = ts;
  if (uid && uid[0] && state->n_uids < EG_SCAN_MAX_UIDS)
    {
      EgUid u;

      g_strlcpy (u.s, uid, sizeof u.s);
      if (state->n_uids == 0)
        state->first_uid = u;
      else
        {
          if (state->more_uids == NULL)
            state->more_uids = g_array_sized_new (FALSE, FALSE, sizeof (EgUid), 4);
          g_array_append_val (state->more_uids, u);
        }
      state->n_uids++;
    }
  if (state->n_distinct <= EG_SCAN_FEW)
    {
      for (guint i = 0; i < state->n_distinct; i++)
        if (memcmp (&state->few[i], value, sizeof *value) == 0)
          return FALSE;
      if (state->n_distinct < EG_SCAN_FEW)
        {
          state->few[state->n_distinct++] = *value;
          return TRUE;
        }
      /* One more than the few: from now on the set holds them all. It is
       * empty here (new, or emptied by the window's reset). */
      if (state->set == NULL)
        {
          state->set_size = 4 * EG_SCAN_FEW;
          state->set = g_malloc (state->set_size * sizeof *state->set);
          memset (state->set, SET_EMPTY, state->set_size * sizeof *state->set);
        }
      for (guint i = 0; i < EG_SCAN_FEW; i++)
        set_insert (state->set, state->set_size, &state->few[i]);
    }
  if (!set_insert (state->set, state->set_size, value))
    return FALSE;
  /* At most half full: probes stay short. */
  if (++state->n_distinct * 2 > state->set_size)
    set_grow (state);
  return TRUE;
}

gboolean
eg_scan_state_crossed (EgScanState *state)
{
  if (state->n_distinct < state->next_threshold)
    return FALSE;
  state->next_threshold *= 10;
  return TRUE;
}

void
eg_scan_port_value (EgAddr  *value,
                    guint16  port)
{
  memset (value, 0, sizeof *value);
  value->bytes[0] = port >> 8;
  value->bytes[1] = port & 0xff;
}

void
eg_alert_add_scan_uids (EgAlert           *alert,
                        const EgScanState *state)
{
  if (state->n_uids > 0)
    eg_alert_add_uid (alert, state->first_uid.s);
  eg_alert_add_uids (alert, state->more_uids);
}

void
eg_alert_add_uids (EgAlert *alert,
                   GArray  *uids)
{
  for (guint i = 0; uids && i < uids->len; i++)
    eg_alert_add_uid (alert, g_array_index (uids, EgUid, i).s);
}
