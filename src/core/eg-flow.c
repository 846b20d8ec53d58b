/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-flow.h"

#include <math.h>
#include <netinet/in.h>
#include <string.h>

static const char * const conn_state_names[EG_CONN_STATE_N_STATES] = {
  "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH",
  "SH", "SHR", "OTH",
};

void
eg_flow_init (EgFlow *flow)
{
  memset (flow, 0, sizeof *flow);
  flow->conn_state = EG_CONN_STATE_OTH;
  flow->score = -1.f;
  for (guint i = 0; i < EG_FLOW_N_CONTEXT; i++)
    flow->context[i] = NAN;
}

const char *
eg_conn_state_to_string (EgConnState state)
{
  if ((guint) state >= EG_CONN_STATE_N_STATES)
    return "OTH";
  return conn_state_names[state];
}

gboolean
eg_conn_state_from_string (const char  *str,
                           EgConnState *state)
{
  for (guint i = 0; i < EG_CONN_STATE_N_STATES; i++)
    if (g_strcmp0 (str, conn_state_names[i]) == 0)
      {
        *state = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
eg_conn_state_is_established (EgConnState state)
{
  switch (state)
    {
    case EG_CONN_STATE_S1:
    case EG_CONN_STATE_SF:
    case EG_CONN_STATE_S2:
    case EG_CONN_STATE_S3:
    case EG_CONN_STATE_RSTO:
    case EG_CONN_STATE_RSTR:
      return TRUE;
    default:
      return FALSE;
    }
}

const char *
eg_proto_to_string (guint8 proto)
{
  switch (proto)
    {
    case IPPROTO_TCP: return "tcp";
    case IPPROTO_UDP: return "udp";
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6: return "icmp";
    default: return "unknown_transport";
    }
}

gboolean
eg_proto_from_string (const char *str,
                      guint8     *proto)
{
  static const struct { const char *name; guint8 proto; } names[] = {
    { "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "icmp", IPPROTO_ICMP },
    { "ipv6-icmp", IPPROTO_ICMPV6 }, { "icmp6", IPPROTO_ICMPV6 },
    { "ipv6icmp", IPPROTO_ICMPV6 }, { "unknown_transport", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (str, names[i].name) == 0)
      {
        *proto = names[i].proto;
        return TRUE;
      }
  return FALSE;
}

static const char * const label_source_names[] = {
  "none", "model", "imported", "rule", "operator",
};

const char *
eg_label_source_to_string (EgLabelSource source)
{
  if ((guint) source >= G_N_ELEMENTS (label_source_names))
    return "none";
  return label_source_names[source];
}

gboolean
eg_label_source_from_string (const char    *str,
                             EgLabelSource *source)
{
  for (guint i = 0; i < G_N_ELEMENTS (label_source_names); i++)
    if (g_strcmp0 (str, label_source_names[i]) == 0)
      {
        *source = i;
        return TRUE;
      }
  return FALSE;
}

/* "malicious", "MALICIOUS" and "Malicious" are one label; custom labels keep
 * their spelling. The result is interned so flows can share it. */
const char *
eg_label_normalize (const char *label)
{
  if (label == NULL || *label == '\0' || strcmp (label, "-") == 0)
    return NULL;
  if (g_ascii_strcasecmp (label, "malicious") == 0)
    return g_intern_static_string (EG_LABEL_MALICIOUS);
  if (g_ascii_strcasecmp (label, "benign") == 0
      || g_ascii_strcasecmp (label, "normal") == 0)
    return g_intern_static_string (EG_LABEL_BENIGN);
  return g_intern_string (label);
}

void
eg_stat_add (EgStat  *stat,
             guint64  n_before,
             double   value)
{
  if (n_before == 0 || value < stat->min)
    stat->min = (float) value;
  if (n_before == 0 || value > stat->max)
    stat->max = (float) value;
  stat->sum += value;
  stat->sumsq += value * value;
}

double
eg_stat_mean (const EgStat *stat,
              guint64       n)
{
  return n ? stat->sum / (double) n : 0.0;
}

double
eg_stat_stddev (const EgStat *stat,
                guint64       n)
{
  double mean, var;

  if (n < 2)
    return 0.0;
  mean = stat->sum / (double) n;
  var = stat->sumsq / (double) n - mean * mean;
  return var > 0 ? sqrt (var) : 0.0;
}

/* Zeek's uids are "C" and base62 digits of random bits; ours come from a
 * keyed hash of the flow's first timestamp and more: unique per run, and the
 * same on every reading of one capture file (eg_flow_table_set_uid_source). */
void
eg_flow_make_uid (char    uid[EG_UID_LEN],
                  guint64 a,
                  guint64 b)
{
  static const char digits[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  guint i = 0;

  uid[i++] = 'C';
  for (guint k = 0; k < 9; k++, a /= 62)
    uid[i++] = digits[a % 62];
  for (guint k = 0; k < 8; k++, b /= 62)
    uid[i++] = digits[b % 62];
  uid[i] = '\0';
}

/* Community ID v1 (corelight/community-id-spec): ICMP types map to the
 * counterpart type, one-way messages keep their direction. */
static gboolean
icmp_counterpart (guint8  proto,
                  guint16 type,
                  guint16 *other)
{
  static const guint8 v4[][2] = { {8, 0}, {0, 8}, {13, 14}, {14, 13}, {15, 16},
                                  {16, 15}, {10, 9}, {9, 10}, {17, 18}, {18, 17} };
  static const guint8 v6[][2] = { {128, 129}, {129, 128}, {133, 134}, {134, 133},
                                  {135, 136}, {136, 135}, {130, 131}, {131, 130},
                                  {139, 140}, {140, 139}, {144, 145}, {145, 144} };
  const guint8 (*table)[2] = proto == IPPROTO_ICMP ? v4 : v6;
  guint n = proto == IPPROTO_ICMP ? G_N_ELEMENTS (v4) : G_N_ELEMENTS (v6);

  for (guint i = 0; i < n; i++)
    if (table[i][0] == type)
      {
        *other = table[i][1];
        return TRUE;
      }
  return FALSE;
}

gboolean
eg_icmp_counterpart (guint8   proto,
                     guint16  type,
                     guint16 *other)
{
  return icmp_counterpart (proto, type, other);
}

void
eg_flow_compute_community_id (EgFlow *flow)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  const EgAddr *src = &flow->orig_h, *dst = &flow->resp_h;
  guint16 sport = flow->orig_p, dport = flow->resp_p, other;
  guint8 digest[20], pad = 0, proto = flow->proto;
  gsize digest_len = sizeof digest;
  guint8 seed[2] = { 0, 0 }, pbuf[2];
  gboolean one_way = FALSE;

  if (flow->orig_h.family == 0)
    {
      flow->community_id[0] = '\0';
      return;
    }
  if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
    one_way = !icmp_counterpart (proto, sport, &other);

  if (!one_way)
    {
      int c = eg_addr_compare (src, dst);
      if (c > 0 || (c == 0 && sport > dport))
        {
          const EgAddr *t = src; src = dst; dst = t;
          guint16 tp = sport; sport = dport; dport = tp;
        }
    }

  g_checksum_update (sha1, seed, 2);
  g_checksum_update (sha1, src->bytes, eg_addr_len (src));
  g_checksum_update (sha1, dst->bytes, eg_addr_len (dst));
  g_checksum_update (sha1, &proto, 1);
  g_checksum_update (sha1, &pad, 1);
  if (proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_ICMP
      || proto == IPPROTO_ICMPV6 || proto == IPPROTO_SCTP)
    {
      pbuf[0] = sport >> 8; pbuf[1] = sport & 0xff;
      g_checksum_update (sha1, pbuf, 2);
      pbuf[0] = dport >> 8; pbuf[1] = dport & 0xff;
      g_checksum_update (sha1, pbuf, 2);
    }
  g_checksum_get_digest (sha1, digest, &digest_len);
  /* "1:" and 28 base64 characters: no allocation, no printf per flow. */
  {
    int state = 0, save = 0;
    gsize n = g_base64_encode_step (digest, digest_len, FALSE, flow->community_id + 2, &state, &save);
    n += g_base64_encode_close (FALSE, flow->community_id + 2 + n, &state, &save);
    flow->community_id[0] = '1';
    flow->community_id[1] = ':';
    flow->community_id[2 + n] = '\0';
  }
}
