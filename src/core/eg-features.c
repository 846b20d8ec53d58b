/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-features.h"

#include <math.h>
#include <netinet/in.h>
#include <string.h>

#include "eg-key-table.h"

typedef struct {
  const char *name;
  const char *description;
} FeatureInfo;

static const FeatureInfo features[EG_N_FEATURES] = {
  [EG_FEAT_DURATION] = { "duration", "duration" },
  [EG_FEAT_PROTO] = { "proto", "protocol" },
  [EG_FEAT_DPORT] = { "dport", "destination port" },
  [EG_FEAT_CONN_STATE] = { "conn_state", "connection state" },
  [EG_FEAT_HIST_ORIG_SYN] = { "hist_orig_syn", "originator SYN in the history" },
  [EG_FEAT_HIST_RESP_SYNACK] = { "hist_resp_synack", "responder SYN-ACK in the history" },
  [EG_FEAT_HIST_ORIG_DATA] = { "hist_orig_data", "originator payload in the history" },
  [EG_FEAT_HIST_RESP_DATA] = { "hist_resp_data", "responder payload in the history" },
  [EG_FEAT_HIST_ORIG_FIN] = { "hist_orig_fin", "originator FIN in the history" },
  [EG_FEAT_HIST_RESP_FIN] = { "hist_resp_fin", "responder FIN in the history" },
  [EG_FEAT_HIST_ORIG_RST] = { "hist_orig_rst", "originator RST in the history" },
  [EG_FEAT_HIST_RESP_RST] = { "hist_resp_rst", "responder RST in the history" },
  [EG_FEAT_HIST_LEN] = { "hist_len", "length of the history" },
  [EG_FEAT_ORIG_PKTS] = { "orig_pkts", "packets sent" },
  [EG_FEAT_RESP_PKTS] = { "resp_pkts", "packets received" },
  [EG_FEAT_ORIG_BYTES] = { "orig_bytes", "payload bytes sent" },
  [EG_FEAT_RESP_BYTES] = { "resp_bytes", "payload bytes received" },
  [EG_FEAT_ORIG_IP_BYTES] = { "orig_ip_bytes", "IP bytes sent" },
  [EG_FEAT_RESP_IP_BYTES] = { "resp_ip_bytes", "IP bytes received" },
  [EG_FEAT_SERVICE] = { "service", "service" },
  [EG_FEAT_RESP_BYTE_SHARE] = { "resp_byte_share", "share of the payload sent by the responder" },
  [EG_FEAT_ORIG_BYTES_PER_PKT] = { "orig_bytes_per_pkt", "IP bytes per packet sent" },
  [EG_FEAT_RESP_BYTES_PER_PKT] = { "resp_bytes_per_pkt", "IP bytes per packet received" },
  [EG_FEAT_PKTS_PER_SECOND] = { "pkts_per_second", "packets per second" },
  [EG_FEAT_BYTES_PER_SECOND] = { "bytes_per_second", "IP bytes per second" },
  [EG_FEAT_SRC_CONNS] = { "src_conns", "connections from the source in 5 min" },
  [EG_FEAT_SRC_DISTINCT_DSTS] = { "src_distinct_dsts", "distinct hosts the source contacted in 5 min" },
  [EG_FEAT_SRC_DISTINCT_DPORTS] = { "src_distinct_dports", "distinct ports the source contacted in 5 min" },
  [EG_FEAT_SRC_NOT_ESTABLISHED_SHARE] = { "src_not_established_share", "share of the source's connections not established in 5 min" },
  [EG_FEAT_PAIR_CONNS] = { "pair_conns", "connections between the two hosts in 5 min" },
  [EG_FEAT_PAIR_DISTINCT_DPORTS] = { "pair_distinct_dports", "distinct ports between the two hosts in 5 min" },
  [EG_FEAT_PAIR_NOT_ESTABLISHED_SHARE] = { "pair_not_established_share", "share of connections between the two hosts not established in 5 min" },
  [EG_FEAT_PAIR_DPORT_CONNS] = { "pair_dport_conns", "connections to the same host and port in 5 min" },
  [EG_FEAT_SRC_DPORT_DISTINCT_DSTS] = { "src_dport_distinct_dsts", "distinct hosts the source contacted on this port in 5 min" },
  [EG_FEAT_ORIG_SIZE_MEAN] = { "orig_size_mean", "mean size of packets sent" },
  [EG_FEAT_ORIG_SIZE_STD] = { "orig_size_std", "spread of sizes of packets sent" },
  [EG_FEAT_RESP_SIZE_MEAN] = { "resp_size_mean", "mean size of packets received" },
  [EG_FEAT_RESP_SIZE_STD] = { "resp_size_std", "spread of sizes of packets received" },
  [EG_FEAT_ORIG_IAT_MEAN] = { "orig_iat_mean", "mean gap between packets sent" },
  [EG_FEAT_ORIG_IAT_STD] = { "orig_iat_std", "spread of gaps between packets sent" },
  [EG_FEAT_RESP_IAT_MEAN] = { "resp_iat_mean", "mean gap between packets received" },
  [EG_FEAT_RESP_IAT_STD] = { "resp_iat_std", "spread of gaps between packets received" },
  [EG_FEAT_ORIG_SYN_COUNT] = { "orig_syn_count", "SYN packets sent" },
  [EG_FEAT_ORIG_FIN_COUNT] = { "orig_fin_count", "FIN packets sent" },
  [EG_FEAT_ORIG_RST_COUNT] = { "orig_rst_count", "RST packets sent" },
  [EG_FEAT_ORIG_PSH_COUNT] = { "orig_psh_count", "PSH packets sent" },
  [EG_FEAT_RESP_SYN_COUNT] = { "resp_syn_count", "SYN packets received" },
  [EG_FEAT_RESP_FIN_COUNT] = { "resp_fin_count", "FIN packets received" },
  [EG_FEAT_RESP_RST_COUNT] = { "resp_rst_count", "RST packets received" },
  [EG_FEAT_RESP_PSH_COUNT] = { "resp_psh_count", "PSH packets received" },
  [EG_FEAT_FIRST_SIZE_0] = { "first_size_0", "size of the 1st packet" },
  [EG_FEAT_FIRST_SIZE_1] = { "first_size_1", "size of the 2nd packet" },
  [EG_FEAT_FIRST_SIZE_2] = { "first_size_2", "size of the 3rd packet" },
  [EG_FEAT_FIRST_SIZE_3] = { "first_size_3", "size of the 4th packet" },
  [EG_FEAT_FIRST_SIZE_4] = { "first_size_4", "size of the 5th packet" },
  [EG_FEAT_FIRST_SIZE_5] = { "first_size_5", "size of the 6th packet" },
  [EG_FEAT_FIRST_SIZE_6] = { "first_size_6", "size of the 7th packet" },
  [EG_FEAT_FIRST_SIZE_7] = { "first_size_7", "size of the 8th packet" },
};

static const char * const service_names[] = {
  [EG_SERVICE_NONE] = "-",
  [EG_SERVICE_DNS] = "dns",
  [EG_SERVICE_HTTP] = "http",
  [EG_SERVICE_SSL] = "ssl",
  [EG_SERVICE_SSH] = "ssh",
  [EG_SERVICE_DHCP] = "dhcp",
  [EG_SERVICE_NTP] = "ntp",
  [EG_SERVICE_SMTP] = "smtp",
  [EG_SERVICE_FTP] = "ftp",
  [EG_SERVICE_OTHER] = "other",
};

const char *
eg_feature_get_name (EgFeature feature)
{
  g_return_val_if_fail ((guint) feature < EG_N_FEATURES, NULL);
  return features[feature].name;
}

const char *
eg_feature_get_description (EgFeature feature)
{
  g_return_val_if_fail ((guint) feature < EG_N_FEATURES, NULL);
  return features[feature].description;
}

const char * const *
eg_feature_get_names (void)
{
  static const char **names;

  if (g_once_init_enter (&names))
    {
      const char **n = g_new0 (const char *, EG_N_FEATURES + 1);

      for (guint i = 0; i < EG_N_FEATURES; i++)
        n[i] = features[i].name;
      g_once_init_leave (&names, n);
    }
  return names;
}

EgServiceId
eg_feature_service_id (const char *service)
{
  /* Zeek joins several candidates with commas ("ssl,http"): the first wins. */
  gsize len;

  if (service == NULL || *service == '\0' || strcmp (service, "-") == 0)
    return EG_SERVICE_NONE;
  len = strcspn (service, ",");
#define IS(s) (len == strlen (s) && g_ascii_strncasecmp (service, s, len) == 0)
  if (IS ("dns"))
    return EG_SERVICE_DNS;
  if (IS ("http"))
    return EG_SERVICE_HTTP;
  if (IS ("ssl") || IS ("tls") || IS ("https"))
    return EG_SERVICE_SSL;
  if (IS ("ssh"))
    return EG_SERVICE_SSH;
  if (IS ("dhcp"))
    return EG_SERVICE_DHCP;
  if (IS ("ntp"))
    return EG_SERVICE_NTP;
  if (IS ("smtp"))
    return EG_SERVICE_SMTP;
  if (IS ("ftp") || IS ("ftp-data"))
    return EG_SERVICE_FTP;
#undef IS
  return EG_SERVICE_OTHER;
}

char *
eg_feature_format_value (EgFeature feature,
                         float     value)
{
  if (isnan (value))
    return g_strdup ("unknown");
  switch (feature)
    {
    case EG_FEAT_PROTO:
      return g_strdup (eg_proto_to_string ((guint8) value));
    case EG_FEAT_CONN_STATE:
      if (value >= 0 && value < EG_CONN_STATE_N_STATES)
        return g_strdup (eg_conn_state_to_string ((EgConnState) value));
      return g_strdup ("unknown");
    case EG_FEAT_SERVICE:
      if (value >= 0 && value < G_N_ELEMENTS (service_names))
        return g_strdup (service_names[(guint) value]);
      return g_strdup ("unknown");
    case EG_FEAT_HIST_ORIG_SYN: case EG_FEAT_HIST_RESP_SYNACK:
    case EG_FEAT_HIST_ORIG_DATA: case EG_FEAT_HIST_RESP_DATA:
    case EG_FEAT_HIST_ORIG_FIN: case EG_FEAT_HIST_RESP_FIN:
    case EG_FEAT_HIST_ORIG_RST: case EG_FEAT_HIST_RESP_RST:
      return g_strdup (value > 0 ? "yes" : "no");
    case EG_FEAT_DURATION:
    case EG_FEAT_ORIG_IAT_MEAN: case EG_FEAT_ORIG_IAT_STD:
    case EG_FEAT_RESP_IAT_MEAN: case EG_FEAT_RESP_IAT_STD:
      return g_strdup_printf ("%.3g s", value);
    case EG_FEAT_RESP_BYTE_SHARE:
    case EG_FEAT_SRC_NOT_ESTABLISHED_SHARE:
    case EG_FEAT_PAIR_NOT_ESTABLISHED_SHARE:
      return g_strdup_printf ("%.0f%%", value * 100.0);
    default:
      if (value == floorf (value) && fabsf (value) < 1e9f)
        return g_strdup_printf ("%.0f", value);
      return g_strdup_printf ("%.3g", value);
    }
}

/* Base and extended groups: what the flow itself says. */
static void
compute_flow (const EgFlow *flow,
              float        *row)
{
  const char *h = flow->history;
  double pkts = (double) flow->orig_pkts + (double) flow->resp_pkts;
  double ip_bytes = (double) flow->orig_ip_bytes + (double) flow->resp_ip_bytes;
  double payload = (double) flow->orig_bytes + (double) flow->resp_bytes;
  double dur = flow->duration > 0 ? flow->duration : 0;

  row[EG_FEAT_DURATION] = (float) dur;
  row[EG_FEAT_PROTO] = flow->proto;
  row[EG_FEAT_DPORT] = flow->resp_p;
  row[EG_FEAT_CONN_STATE] = flow->conn_state < EG_CONN_STATE_N_STATES ? flow->conn_state : NAN;

  /* Binetflow has no history: missing, not "no letters". */
  if (h[0] != '\0' && flow->proto == IPPROTO_TCP)
    {
      row[EG_FEAT_HIST_ORIG_SYN] = strchr (h, 'S') != NULL;
      row[EG_FEAT_HIST_RESP_SYNACK] = strchr (h, 'h') != NULL;
      row[EG_FEAT_HIST_ORIG_DATA] = strchr (h, 'D') != NULL;
      row[EG_FEAT_HIST_RESP_DATA] = strchr (h, 'd') != NULL;
      row[EG_FEAT_HIST_ORIG_FIN] = strchr (h, 'F') != NULL;
      row[EG_FEAT_HIST_RESP_FIN] = strchr (h, 'f') != NULL;
      row[EG_FEAT_HIST_ORIG_RST] = strchr (h, 'R') != NULL;
      row[EG_FEAT_HIST_RESP_RST] = strchr (h, 'r') != NULL;
      row[EG_FEAT_HIST_LEN] = (float) strlen (h);
    }
  else
    {
      for (guint i = EG_FEAT_HIST_ORIG_SYN; i <= EG_FEAT_HIST_LEN; i++)
        row[i] = NAN;
    }

  row[EG_FEAT_ORIG_PKTS] = (float) flow->orig_pkts;
  row[EG_FEAT_RESP_PKTS] = (float) flow->resp_pkts;
  row[EG_FEAT_ORIG_BYTES] = (float) flow->orig_bytes;
  row[EG_FEAT_RESP_BYTES] = (float) flow->resp_bytes;
  row[EG_FEAT_ORIG_IP_BYTES] = (float) flow->orig_ip_bytes;
  row[EG_FEAT_RESP_IP_BYTES] = (float) flow->resp_ip_bytes;
  row[EG_FEAT_SERVICE] = eg_feature_service_id (flow->service);
  row[EG_FEAT_RESP_BYTE_SHARE] = payload > 0 ? (float) (flow->resp_bytes / payload) : NAN;
  row[EG_FEAT_ORIG_BYTES_PER_PKT] = flow->orig_pkts ? (float) ((double) flow->orig_ip_bytes / flow->orig_pkts) : NAN;
  row[EG_FEAT_RESP_BYTES_PER_PKT] = flow->resp_pkts ? (float) ((double) flow->resp_ip_bytes / flow->resp_pkts) : NAN;
  /* A rate over a zero duration means nothing: missing. */
  row[EG_FEAT_PKTS_PER_SECOND] = dur > 1e-3 ? (float) (pkts / dur) : NAN;
  row[EG_FEAT_BYTES_PER_SECOND] = dur > 1e-3 ? (float) (ip_bytes / dur) : NAN;

  if (flow->flags & EG_FLOW_HAS_PACKET_STATS)
    {
      const EgDirStats *o = &flow->dir[0], *r = &flow->dir[1];
      guint64 on = flow->orig_pkts, rn = flow->resp_pkts;

      row[EG_FEAT_ORIG_SIZE_MEAN] = on ? (float) eg_stat_mean (&o->size, on) : NAN;
      row[EG_FEAT_ORIG_SIZE_STD] = on ? (float) eg_stat_stddev (&o->size, on) : NAN;
      row[EG_FEAT_RESP_SIZE_MEAN] = rn ? (float) eg_stat_mean (&r->size, rn) : NAN;
      row[EG_FEAT_RESP_SIZE_STD] = rn ? (float) eg_stat_stddev (&r->size, rn) : NAN;
      row[EG_FEAT_ORIG_IAT_MEAN] = on > 1 ? (float) eg_stat_mean (&o->iat, on - 1) : NAN;
      row[EG_FEAT_ORIG_IAT_STD] = on > 1 ? (float) eg_stat_stddev (&o->iat, on - 1) : NAN;
      row[EG_FEAT_RESP_IAT_MEAN] = rn > 1 ? (float) eg_stat_mean (&r->iat, rn - 1) : NAN;
      row[EG_FEAT_RESP_IAT_STD] = rn > 1 ? (float) eg_stat_stddev (&r->iat, rn - 1) : NAN;
      row[EG_FEAT_ORIG_SYN_COUNT] = o->n_syn;
      row[EG_FEAT_ORIG_FIN_COUNT] = o->n_fin;
      row[EG_FEAT_ORIG_RST_COUNT] = o->n_rst;
      row[EG_FEAT_ORIG_PSH_COUNT] = o->n_psh;
      row[EG_FEAT_RESP_SYN_COUNT] = r->n_syn;
      row[EG_FEAT_RESP_FIN_COUNT] = r->n_fin;
      row[EG_FEAT_RESP_RST_COUNT] = r->n_rst;
      row[EG_FEAT_RESP_PSH_COUNT] = r->n_psh;
      for (guint i = 0; i < EG_FIRST_PACKETS; i++)
        row[EG_FEAT_FIRST_SIZE_0 + i] = (i < pkts) ? flow->first_sizes[i] : NAN;
    }
  else
    {
      for (guint i = EG_FEAT_FIRST_EXTENDED; i < EG_N_FEATURES; i++)
        row[i] = NAN;
    }
}

void
eg_features_compute_scored (const EgFlow *flow,
                            float        *row)
{
  compute_flow (flow, row);
  memcpy (row + EG_FEAT_FIRST_CONTEXT, flow->context, sizeof flow->context);
}

void
eg_features_compute_flow_only (const EgFlow *flow,
                               float        *row)
{
  compute_flow (flow, row);
  for (guint i = EG_FEAT_FIRST_CONTEXT; i < EG_FEAT_FIRST_EXTENDED; i++)
    row[i] = NAN;
}

/* The context: one hash table of counters under composite keys, and a FIFO
 * of the flows in the window to undo their counts when they expire. */

typedef enum {
  KEY_SRC,
  KEY_PAIR,
  KEY_SRC_DPORT,
  KEY_TRIPLE,
} KeyKind;

typedef struct {
  EgAddr  src;
  EgAddr  dst;       /* zero unless PAIR or TRIPLE */
  guint16 dport;     /* zero unless SRC_DPORT or TRIPLE */
  guint8  proto;
  guint8  kind;
} CounterKey;

typedef struct {
  CounterKey key;    /* first: the table hashes the struct through it */
  guint32    conns;
  guint32    not_established;
  guint32    distinct_a;   /* SRC: dsts; PAIR: dports; SRC_DPORT: dsts */
  guint32    distinct_b;   /* SRC: dports */
} Counter;

/* What the counters of one flow are keyed by. */
typedef struct {
  EgAddr  src;
  EgAddr  dst;
  guint16 dport;
  guint8  proto;
  guint8  established;
} FlowKeys;

/* A flow in the window holds its four counters, so that leaving the window
 * costs no lookup (a counter lives while a flow in the window counts in it). */
typedef struct {
  double   ts;
  Counter *c[4];        /* by KeyKind */
  guint8   established;
} WindowEntry;

struct _EgFeatureContext {
  double      window;
  guint       max_entries;
  double      now;
  EgKeyTable *counters;   /* Counter, keyed by its CounterKey */
  WindowEntry *ring;
  guint       head;
  guint       len;
};

EgFeatureContext *
eg_feature_context_new (double window,
                        guint  max_entries)
{
  EgFeatureContext *ctx = g_new0 (EgFeatureContext, 1);

  ctx->window = window > 0 ? window : EG_FEATURE_WINDOW;
  ctx->max_entries = MAX (max_entries, 16);
  ctx->counters = eg_key_table_new (sizeof (CounterKey), sizeof (Counter), NULL);
  ctx->ring = g_new (WindowEntry, ctx->max_entries);
  ctx->now = -INFINITY;
  return ctx;
}

void
eg_feature_context_free (EgFeatureContext *ctx)
{
  if (ctx == NULL)
    return;
  eg_key_table_free (ctx->counters);
  g_free (ctx->ring);
  g_free (ctx);
}

static void
make_key (CounterKey     *key,
          KeyKind         kind,
          const FlowKeys *e)
{
  memset (key, 0, sizeof *key);
  key->kind = kind;
  key->src = e->src;
  if (kind == KEY_PAIR || kind == KEY_TRIPLE)
    key->dst = e->dst;
  /* A port means something only with its protocol: 53/udp is not 53/tcp. */
  if (kind == KEY_SRC_DPORT || kind == KEY_TRIPLE)
    {
      key->dport = e->dport;
      key->proto = e->proto;
    }
}

static Counter *
counter_get (EgFeatureContext *ctx,
             KeyKind           kind,
             const FlowKeys   *e,
             gboolean           create)
{
  CounterKey key;

  make_key (&key, kind, e);
  /* One probe finds or makes it; a counter's address stays put. */
  if (create)
    return eg_key_table_insert (ctx->counters, &key, NULL);
  return eg_key_table_lookup (ctx->counters, &key);
}

static void
counter_drop_if_empty (EgFeatureContext *ctx,
                       Counter          *c)
{
  if (c->conns == 0)
    eg_key_table_remove (ctx->counters, c);
}

static void
window_add (EgFeatureContext *ctx,
            const FlowKeys   *e,
            Counter         **out)
{
  Counter *src = out[KEY_SRC] = counter_get (ctx, KEY_SRC, e, TRUE);
  Counter *pair = out[KEY_PAIR] = counter_get (ctx, KEY_PAIR, e, TRUE);
  Counter *sdp = out[KEY_SRC_DPORT] = counter_get (ctx, KEY_SRC_DPORT, e, TRUE);
  Counter *triple = out[KEY_TRIPLE] = counter_get (ctx, KEY_TRIPLE, e, TRUE);

  if (triple->conns++ == 0)
    {
      pair->distinct_a++;
      sdp->distinct_a++;
    }
  if (pair->conns++ == 0)
    src->distinct_a++;
  if (sdp->conns++ == 0)
    src->distinct_b++;
  src->conns++;
  if (!e->established)
    {
      src->not_established++;
      pair->not_established++;
    }
}

static void
window_remove (EgFeatureContext  *ctx,
               const WindowEntry *e)
{
  Counter *src = e->c[KEY_SRC];
  Counter *pair = e->c[KEY_PAIR];
  Counter *sdp = e->c[KEY_SRC_DPORT];
  Counter *triple = e->c[KEY_TRIPLE];

  if (--triple->conns == 0)
    {
      pair->distinct_a--;
      sdp->distinct_a--;
    }
  if (--pair->conns == 0)
    src->distinct_a--;
  if (--sdp->conns == 0)
    src->distinct_b--;
  src->conns--;
  if (!e->established)
    {
      src->not_established--;
      pair->not_established--;
    }
  counter_drop_if_empty (ctx, triple);
  counter_drop_if_empty (ctx, pair);
  counter_drop_if_empty (ctx, sdp);
  counter_drop_if_empty (ctx, src);
}

static void
window_pop (EgFeatureContext *ctx)
{
  window_remove (ctx, &ctx->ring[ctx->head]);
  ctx->head = (ctx->head + 1) % ctx->max_entries;
  ctx->len--;
}

void
eg_features_compute (EgFeatureContext *ctx,
                     const EgFlow     *flow,
                     float            *row)
{
  FlowKeys e = { 0 };
  WindowEntry *entry;
  double ts = flow->ts;
  Counter *src, *pair, *sdp, *triple;

  compute_flow (flow, row);

  /* Packet time, never the wall clock; flows arrive roughly in order, so
   * "now" is the latest start seen and older entries leave from the front. */
  e.src = flow->orig_h;
  e.dst = flow->resp_h;
  e.dport = flow->resp_p;
  e.proto = flow->proto;
  e.established = flow->proto == IPPROTO_TCP
                  ? eg_conn_state_is_established (flow->conn_state)
                  : flow->resp_pkts > 0;
  if (ts > ctx->now)
    ctx->now = ts;
  while (ctx->len > 0 && ctx->ring[ctx->head].ts < ctx->now - ctx->window)
    window_pop (ctx);

  /* An interim update of a flow that goes on is not another connection:
   * it reads the context without adding to it. */
  if (flow->flags & EG_FLOW_INTERIM)
    {
      src = counter_get (ctx, KEY_SRC, &e, FALSE);
      pair = counter_get (ctx, KEY_PAIR, &e, FALSE);
      sdp = counter_get (ctx, KEY_SRC_DPORT, &e, FALSE);
      triple = counter_get (ctx, KEY_TRIPLE, &e, FALSE);
      row[EG_FEAT_SRC_CONNS] = src ? src->conns : 0;
      row[EG_FEAT_SRC_DISTINCT_DSTS] = src ? src->distinct_a : 0;
      row[EG_FEAT_SRC_DISTINCT_DPORTS] = src ? src->distinct_b : 0;
      row[EG_FEAT_SRC_NOT_ESTABLISHED_SHARE] = src ? (float) src->not_established / src->conns : NAN;
      row[EG_FEAT_PAIR_CONNS] = pair ? pair->conns : 0;
      row[EG_FEAT_PAIR_DISTINCT_DPORTS] = pair ? pair->distinct_a : 0;
      row[EG_FEAT_PAIR_NOT_ESTABLISHED_SHARE] = pair ? (float) pair->not_established / pair->conns : NAN;
      row[EG_FEAT_PAIR_DPORT_CONNS] = triple ? triple->conns : 0;
      row[EG_FEAT_SRC_DPORT_DISTINCT_DSTS] = sdp ? sdp->distinct_a : 0;
      return;
    }

  if (ctx->len == ctx->max_entries)
    window_pop (ctx);
  entry = &ctx->ring[(ctx->head + ctx->len) % ctx->max_entries];
  ctx->len++;
  entry->ts = ts;
  entry->established = e.established;
  window_add (ctx, &e, entry->c);
  src = entry->c[KEY_SRC];
  pair = entry->c[KEY_PAIR];
  sdp = entry->c[KEY_SRC_DPORT];
  triple = entry->c[KEY_TRIPLE];

  row[EG_FEAT_SRC_CONNS] = src->conns;
  row[EG_FEAT_SRC_DISTINCT_DSTS] = src->distinct_a;
  row[EG_FEAT_SRC_DISTINCT_DPORTS] = src->distinct_b;
  row[EG_FEAT_SRC_NOT_ESTABLISHED_SHARE] = (float) src->not_established / src->conns;
  row[EG_FEAT_PAIR_CONNS] = pair->conns;
  row[EG_FEAT_PAIR_DISTINCT_DPORTS] = pair->distinct_a;
  row[EG_FEAT_PAIR_NOT_ESTABLISHED_SHARE] = (float) pair->not_established / pair->conns;
  row[EG_FEAT_PAIR_DPORT_CONNS] = triple->conns;
  row[EG_FEAT_SRC_DPORT_DISTINCT_DSTS] = sdp->distinct_a;
}
