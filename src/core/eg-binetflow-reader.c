/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-binetflow-reader.c: Argus "binetflow" files (ra -c , output, as the CTU
 * datasets ship them) to Zeek-like flow records.
 *
 * Columns are found by name in the header; the separator (comma or TAB) is
 * the one the header uses. StartTime is UTC. Only TCP, UDP and ICMP(v6)
 * flows are kept; the others (arp, llc, igmp, man, ...) are counted and
 * reported once at the end.
 *
 * Counters: Argus counts whole packets, headers included.
 *   orig_pkts = SrcPkts, resp_pkts = TotPkts - SrcPkts. Without a SrcPkts
 *     column the split is estimated from the byte split.
 *   orig_ip_bytes = SrcBytes, resp_ip_bytes = TotBytes - SrcBytes.
 *   orig_bytes / resp_bytes (Zeek: payload) are estimated as the ip bytes
 *     minus a minimal IP and transport header per packet, never below 0.
 *     Argus's bytes may include the link-layer header, so this estimate is
 *     high by up to 14 bytes per packet; it is an estimate, not a measure.
 * ICMP: Argus writes Sport as 0xCCTT (code, type); Zeek's id.orig_p is the
 *   type and id.resp_p the code, so that is what we keep.
 * Dir ("->", "<->", "<?>", "who") is not used: Argus's Src is the
 *   originator already.
 */
#include "eg-flow-log-reader-private.h"

#include <netinet/in.h>
#include <string.h>

#include "eg-error.h"

static const char * const argus_names[EG_ARGUS_N_COLUMNS] = {
  [EG_ARGUS_START_TIME] = "StartTime",
  [EG_ARGUS_DUR]        = "Dur",
  [EG_ARGUS_PROTO]      = "Proto",
  [EG_ARGUS_SRC_ADDR]   = "SrcAddr",
  [EG_ARGUS_SPORT]      = "Sport",
  [EG_ARGUS_DIR]        = "Dir",
  [EG_ARGUS_DST_ADDR]   = "DstAddr",
  [EG_ARGUS_DPORT]      = "Dport",
  [EG_ARGUS_STATE]      = "State",
  [EG_ARGUS_TOT_PKTS]   = "TotPkts",
  [EG_ARGUS_TOT_BYTES]  = "TotBytes",
  [EG_ARGUS_SRC_BYTES]  = "SrcBytes",
  [EG_ARGUS_SRC_PKTS]   = "SrcPkts",
  [EG_ARGUS_LABEL]      = "Label",
};

static const EgArgusColumn required_columns[] = {
  EG_ARGUS_START_TIME, EG_ARGUS_PROTO, EG_ARGUS_SRC_ADDR, EG_ARGUS_DST_ADDR,
};

static char *
trim (char *s)
{
  char *end;

  while (*s == ' ' || *s == '\t')
    s++;
  end = s + strlen (s);
  while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
    *--end = '\0';
  return s;
}

/* Splits on the separator into reader->values; at most max + 1 fields. */
static guint
split (EgFlowLogReader *reader,
       char            *line,
       guint            max)
{
  guint n = 0;
  char *p = line;

  while (n < max + 1)
    {
      char *q = strchr (p, reader->argus_sep);

      reader->values[n++] = p;
      if (q == NULL)
        break;
      *q = '\0';
      p = q + 1;
    }
  return n;
}

gboolean
eg_binetflow_header (EgFlowLogReader *reader,
                     char            *line,
                     GError         **error)
{
  guint n;

  reader->argus_sep = strchr (line, '\t') != NULL ? '\t' : ',';
  for (guint c = 0; c < EG_ARGUS_N_COLUMNS; c++)
    reader->argus_index[c] = -1;

  n = split (reader, line, EG_ZEEK_MAX_COLUMNS - 1);
  if (n > EG_ZEEK_MAX_COLUMNS - 1)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "%s:%" G_GUINT64_FORMAT ": the header names more than %d columns: "
                   "this is not an Argus binetflow file", reader->name,
                   reader->line_no, EG_ZEEK_MAX_COLUMNS - 1);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      const char *name = trim (reader->values[i]);

      for (guint c = 0; c < EG_ARGUS_N_COLUMNS; c++)
        if (reader->argus_index[c] < 0 && g_ascii_strcasecmp (name, argus_names[c]) == 0)
          reader->argus_index[c] = i;
    }
  for (guint i = 0; i < G_N_ELEMENTS (required_columns); i++)
    if (reader->argus_index[required_columns[i]] < 0)
      {
        g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                     "%s:%" G_GUINT64_FORMAT ": the header has no %s column: this is "
                     "not an Argus binetflow file", reader->name, reader->line_no,
                     argus_names[required_columns[i]]);
        return FALSE;
      }
  reader->argus_n_columns = n;
  reader->has_labels = reader->argus_index[EG_ARGUS_LABEL] >= 0;
  return TRUE;
}

static const char *
column (EgFlowLogReader *reader,
        EgArgusColumn    col)
{
  int i = reader->argus_index[col];

  return i < 0 ? NULL : trim (reader->values[i]);
}

static gboolean
bad (EgFlowLogReader *reader,
     EgArgusColumn    col,
     const char      *value,
     const char      *what)
{
  g_autofree char *shown = g_utf8_make_valid (value, MIN (strlen (value), 60));

  g_string_printf (reader->problem, "%s “%s” is %s", argus_names[col], shown, what);
  return FALSE;
}

/* Decimal or Argus's hexadecimal "0x0303"; empty is 0. */
static gboolean
parse_port (EgFlowLogReader *reader,
            EgArgusColumn    col,
            guint           *port)
{
  const char *value = column (reader, col);
  guint64 v = 0;

  if (value == NULL || *value == '\0')
    {
      *port = 0;
      return TRUE;
    }
  if (value[0] == '0' && (value[1] == 'x' || value[1] == 'X'))
    {
      const char *p = value + 2;

      if (*p == '\0')
        return bad (reader, col, value, "not a port number");
      for (; *p; p++)
        {
          if (!g_ascii_isxdigit (*p) || v > 0xffff)
            return bad (reader, col, value, "not a port number");
          v = v << 4 | g_ascii_xdigit_value (*p);
        }
    }
  else if (!eg_parse_u64 (value, &v))
    return bad (reader, col, value, "not a port number");
  if (v > G_MAXUINT16)
    return bad (reader, col, value, "not a port number");
  *port = (guint) v;
  return TRUE;
}

static gboolean
parse_count (EgFlowLogReader *reader,
             EgArgusColumn    col,
             guint64         *count,
             gboolean        *present)
{
  const char *value = column (reader, col);

  *count = 0;
  if (present)
    *present = FALSE;
  if (value == NULL || *value == '\0')
    return TRUE;
  if (!eg_parse_u64 (value, count))
    return bad (reader, col, value, value[0] == '-' ? "negative" : "not a count");
  if (present)
    *present = TRUE;
  return TRUE;
}

/* Argus's State to Zeek's conn_state, and a Zeek-like history.
 *
 * TCP states are the flags each side sent, "SRC_DST" (S SYN, A ACK, P PSH,
 * F FIN, R RST, U URG, E ECE, C CWR), accumulated over the flow, so their
 * order is lost. Zeek keeps each side's last state, and a RST usually comes
 * last, so a RST wins over a FIN as it does in Zeek:
 *   responder RST: RSTRH if the originator sent nothing, REJ if the
 *     originator sent a SYN and the responder no SYN (S_RA), else RSTR;
 *   originator RST: RSTOS0 (SYN, RST, no answer), OTH (no SYN, no answer),
 *     else RSTO (SR_SA);
 *   both FIN: SF (FSPA_FSPA); originator FIN only: S2, or SH with no answer;
 *   responder FIN only: S3, or SHR when the originator sent nothing;
 *   SYN without answer: S0 (S_); SYN and SYN-ACK: S1 (SPA_SPA); else OTH.
 * Argus's summary states (TCP without flags, UDP, ICMP):
 *   TCP CON: S1 (established, end unknown); INT, REQ: S0; RST: REJ;
 *   FIN, CLO: SF; a Zeek name (S0, SF, ...) as it is. UDP: CON, or packets both ways: SF; one way: S0 (or SHR
 *   from the responder only). ICMP: OTH, as Zeek logs every ICMP flow.
 * History: S h A D a d F f R r in that order, for the flags that were seen
 * (UDP: D and d for the directions that sent packets). */
static void
map_state (EgFlow     *flow,
           const char *state)
{
  const char *us = strchr (state, '_');
  char *h = flow->history;

  if (flow->proto == IPPROTO_ICMP || flow->proto == IPPROTO_ICMPV6)
    {
      flow->conn_state = EG_CONN_STATE_OTH;
      return;
    }

  if (flow->proto == IPPROTO_UDP)
    {
      if (strcmp (state, "CON") == 0 || (flow->orig_pkts > 0 && flow->resp_pkts > 0))
        flow->conn_state = EG_CONN_STATE_SF;
      else if (flow->orig_pkts > 0)
        flow->conn_state = EG_CONN_STATE_S0;
      else if (flow->resp_pkts > 0)
        flow->conn_state = EG_CONN_STATE_SHR;
      else
        flow->conn_state = EG_CONN_STATE_OTH;
      if (flow->orig_pkts > 0)
        *h++ = 'D';
      if (flow->resp_pkts > 0)
        *h++ = 'd';
      *h = '\0';
      return;
    }

  if (us == NULL)
    {
      EgConnState zeek_state;

      /* Some converted files already carry Zeek's names. */
      if (eg_conn_state_from_string (state, &zeek_state))
        {
          flow->conn_state = zeek_state;
          if (zeek_state == EG_CONN_STATE_S0)
            strcpy (flow->history, "S");
          else if (zeek_state == EG_CONN_STATE_REJ)
            strcpy (flow->history, "Sr");
        }
      else if (strcmp (state, "CON") == 0 || strcmp (state, "ACC") == 0)
        flow->conn_state = EG_CONN_STATE_S1;
      else if (strcmp (state, "INT") == 0 || strcmp (state, "REQ") == 0)
        {
          flow->conn_state = EG_CONN_STATE_S0;
          strcpy (flow->history, "S");
        }
      else if (strcmp (state, "RST") == 0)
        flow->conn_state = EG_CONN_STATE_REJ;
      else if (strcmp (state, "FIN") == 0 || strcmp (state, "CLO") == 0)
        flow->conn_state = EG_CONN_STATE_SF;
      else
        flow->conn_state = EG_CONN_STATE_OTH;
      return;
    }

  {
    gsize olen = us - state;
    const char *r = us + 1;
#define O(c) (memchr (state, (c), olen) != NULL)
#define R(c) (strchr (r, (c)) != NULL)
    gboolean o_none = olen == 0, r_none = *r == '\0';

    if (R ('R'))
      flow->conn_state = o_none ? EG_CONN_STATE_RSTRH
        : (O ('S') && !R ('S')) ? EG_CONN_STATE_REJ : EG_CONN_STATE_RSTR;
    else if (O ('R'))
      flow->conn_state = !r_none ? EG_CONN_STATE_RSTO
        : O ('S') ? EG_CONN_STATE_RSTOS0 : EG_CONN_STATE_OTH;
    else if (O ('F') && R ('F'))
      flow->conn_state = EG_CONN_STATE_SF;
    else if (O ('F'))
      flow->conn_state = r_none ? EG_CONN_STATE_SH : EG_CONN_STATE_S2;
    else if (R ('F'))
      flow->conn_state = o_none ? EG_CONN_STATE_SHR : EG_CONN_STATE_S3;
    else if (O ('S') && r_none)
      flow->conn_state = EG_CONN_STATE_S0;
    else if (O ('S') && R ('S'))
      flow->conn_state = EG_CONN_STATE_S1;
    else
      flow->conn_state = EG_CONN_STATE_OTH;

    if (O ('S'))
      *h++ = 'S';
    if (R ('S'))
      *h++ = R ('A') ? 'h' : 's';
    if (O ('A'))
      *h++ = 'A';
    if (O ('P'))
      *h++ = 'D';
    /* A RST+ACK alone (S_RA) is Zeek's "Sr", without an 'a'. */
    if (R ('A') && (R ('S') || R ('P') || R ('F')))
      *h++ = 'a';
    if (R ('P'))
      *h++ = 'd';
    if (O ('F'))
      *h++ = 'F';
    if (R ('F'))
      *h++ = 'f';
    if (O ('R'))
      *h++ = 'R';
    if (R ('R'))
      *h++ = 'r';
    *h = '\0';
#undef O
#undef R
  }
}

static guint64
payload_estimate (const EgFlow *flow,
                  guint64       ip_bytes,
                  guint64       pkts)
{
  guint64 header = flow->orig_h.family == 6 ? 40 : 20;

  header += flow->proto == IPPROTO_TCP ? 20 : 8;
  return ip_bytes > pkts * header ? ip_bytes - pkts * header : 0;
}

static gboolean
parse_record (EgFlowLogReader *reader,
              EgFlow          *flow)
{
  const char *value;
  guint64 tot_pkts, tot_bytes, src_bytes, src_pkts;
  gboolean have_src_pkts;
  guint sport, dport;

  value = column (reader, EG_ARGUS_START_TIME);
  if (!eg_parse_datetime (value, &flow->ts)
      && !(eg_parse_double (value, &flow->ts) && flow->ts >= 0))
    return bad (reader, EG_ARGUS_START_TIME, value, "not a time like 2019/04/04 16:00:05.123456");

  value = column (reader, EG_ARGUS_DUR);
  if (value != NULL && *value != '\0')
    {
      if (!eg_parse_double (value, &flow->duration))
        return bad (reader, EG_ARGUS_DUR, value, "not a number of seconds");
      if (flow->duration < 0)
        return bad (reader, EG_ARGUS_DUR, value, "negative");
    }

  value = column (reader, EG_ARGUS_SRC_ADDR);
  if (!eg_addr_parse (value, &flow->orig_h))
    return bad (reader, EG_ARGUS_SRC_ADDR, value, "not an IP address");
  value = column (reader, EG_ARGUS_DST_ADDR);
  if (!eg_addr_parse (value, &flow->resp_h))
    return bad (reader, EG_ARGUS_DST_ADDR, value, "not an IP address");
  if (flow->orig_h.family != flow->resp_h.family)
    {
      g_string_printf (reader->problem, "SrcAddr and DstAddr mix IPv4 and IPv6");
      return FALSE;
    }
  if (flow->proto == IPPROTO_ICMP && flow->orig_h.family == 6)
    flow->proto = IPPROTO_ICMPV6;

  if (!parse_port (reader, EG_ARGUS_SPORT, &sport)
      || !parse_port (reader, EG_ARGUS_DPORT, &dport))
    return FALSE;
  if (flow->proto == IPPROTO_ICMP || flow->proto == IPPROTO_ICMPV6)
    {
      flow->orig_p = sport & 0xff;
      flow->resp_p = sport >> 8;
    }
  else
    {
      flow->orig_p = sport;
      flow->resp_p = dport;
    }

  if (!parse_count (reader, EG_ARGUS_TOT_PKTS, &tot_pkts, NULL)
      || !parse_count (reader, EG_ARGUS_TOT_BYTES, &tot_bytes, NULL)
      || !parse_count (reader, EG_ARGUS_SRC_BYTES, &src_bytes, NULL)
      || !parse_count (reader, EG_ARGUS_SRC_PKTS, &src_pkts, &have_src_pkts))
    return FALSE;
  if (src_bytes > tot_bytes)
    {
      g_string_printf (reader->problem, "SrcBytes %" G_GUINT64_FORMAT " exceeds TotBytes %"
                       G_GUINT64_FORMAT, src_bytes, tot_bytes);
      return FALSE;
    }
  if (have_src_pkts && src_pkts > tot_pkts)
    {
      g_string_printf (reader->problem, "SrcPkts %" G_GUINT64_FORMAT " exceeds TotPkts %"
                       G_GUINT64_FORMAT, src_pkts, tot_pkts);
      return FALSE;
    }
  if (!have_src_pkts)
    {
      /* Split the packets as the bytes are split. */
      if (tot_bytes == 0 || src_bytes == tot_bytes)
        src_pkts = tot_pkts;
      else
        {
          src_pkts = (guint64) ((double) tot_pkts * src_bytes / tot_bytes + 0.5);
          if (src_bytes > 0 && src_pkts == 0)
            src_pkts = 1;
          if (src_pkts == tot_pkts && tot_pkts > 1)
            src_pkts = tot_pkts - 1;
          src_pkts = MIN (src_pkts, tot_pkts);
        }
    }
  flow->orig_pkts = src_pkts;
  flow->resp_pkts = tot_pkts - src_pkts;
  flow->orig_ip_bytes = src_bytes;
  flow->resp_ip_bytes = tot_bytes - src_bytes;
  flow->orig_bytes = payload_estimate (flow, flow->orig_ip_bytes, flow->orig_pkts);
  flow->resp_bytes = payload_estimate (flow, flow->resp_ip_bytes, flow->resp_pkts);

  value = column (reader, EG_ARGUS_STATE);
  map_state (flow, value ? value : "");

  value = column (reader, EG_ARGUS_LABEL);
  if (value != NULL && *value != '\0')
    {
      flow->label = eg_label_from_ctu (value);
      flow->detailed_label = eg_flow_log_reader_intern (reader, value);
    }
  return TRUE;
}

EgLineResult
eg_binetflow_line (EgFlowLogReader *reader,
                   char            *line,
                   gsize            len,
                   EgFlow          *flow)
{
  const char *proto;
  guint n;

  if (len == 0 || strspn (line, " \t,") == len)
    return EG_LINE_SKIP;
  /* The header again: files concatenated with cat. */
  if (g_str_has_prefix (line, "StartTime"))
    return EG_LINE_SKIP;

  n = split (reader, line, reader->argus_n_columns);
  if (n != reader->argus_n_columns)
    {
      if (n > reader->argus_n_columns)
        g_string_printf (reader->problem, "more than %u fields: the header names %u",
                         reader->argus_n_columns, reader->argus_n_columns);
      else
        g_string_printf (reader->problem, "%u fields where the header names %u",
                         n, reader->argus_n_columns);
      return EG_LINE_BAD;
    }

  eg_flow_init (flow);
  proto = column (reader, EG_ARGUS_PROTO);
  if (!eg_proto_from_string (proto, &flow->proto) || flow->proto == 0)
    {
      if (*proto == '\0')
        {
          g_string_printf (reader->problem, "Proto is empty");
          return EG_LINE_BAD;
        }
      eg_flow_log_reader_skip_protocol (reader, proto);
      return EG_LINE_SKIP;
    }

  if (!parse_record (reader, flow))
    return EG_LINE_BAD;
  eg_flow_log_reader_complete (reader, flow, EG_FLOW_ORIGIN_BINETFLOW, line, len);
  return EG_LINE_RECORD;
}
