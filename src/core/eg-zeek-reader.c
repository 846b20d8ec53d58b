/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-zeek-reader.c: Zeek conn.log in its two encodings.
 *
 * TSV: the header lines (#separator, #unset_field, #fields, ...) say how to
 * read the records; columns are found by name, so their order may vary and
 * unknown columns are ignored. Some CTU files separate the last columns
 * (tunnel_parents, label, detailedlabel) with spaces instead of the
 * separator: both the #fields line and the records are split on runs of
 * spaces where the separator alone gives too few fields.
 *
 * JSON: one object per line with Zeek's key names; nested values are
 * skipped. A small parser of our own: no tree, no allocation per line.
 */
#include "eg-flow-log-reader-private.h"

#include <netinet/in.h>
#include <string.h>

#include "eg-error.h"

#define SEEN(field) (G_GUINT64_CONSTANT (1) << (field))

static const char * const field_names[EG_ZEEK_N_FIELDS] = {
  [EG_ZEEK_IGNORE]         = "",
  [EG_ZEEK_TS]             = "ts",
  [EG_ZEEK_UID]            = "uid",
  [EG_ZEEK_ORIG_H]         = "id.orig_h",
  [EG_ZEEK_ORIG_P]         = "id.orig_p",
  [EG_ZEEK_RESP_H]         = "id.resp_h",
  [EG_ZEEK_RESP_P]         = "id.resp_p",
  [EG_ZEEK_PROTO]          = "proto",
  [EG_ZEEK_SERVICE]        = "service",
  [EG_ZEEK_DURATION]       = "duration",
  [EG_ZEEK_ORIG_BYTES]     = "orig_bytes",
  [EG_ZEEK_RESP_BYTES]     = "resp_bytes",
  [EG_ZEEK_CONN_STATE]     = "conn_state",
  [EG_ZEEK_MISSED_BYTES]   = "missed_bytes",
  [EG_ZEEK_HISTORY]        = "history",
  [EG_ZEEK_ORIG_PKTS]      = "orig_pkts",
  [EG_ZEEK_ORIG_IP_BYTES]  = "orig_ip_bytes",
  [EG_ZEEK_RESP_PKTS]      = "resp_pkts",
  [EG_ZEEK_RESP_IP_BYTES]  = "resp_ip_bytes",
  [EG_ZEEK_COMMUNITY_ID]   = "community_id",
  [EG_ZEEK_LABEL]          = "label",
  [EG_ZEEK_DETAILED_LABEL] = "detailedlabel",
  [EG_ZEEK_SCORE]          = "score",
  [EG_ZEEK_MODEL_VERSION]  = "model_version",
  [EG_ZEEK_LABEL_SOURCE]   = "label_source",
  [EG_ZEEK_COUNTRY]        = "country",
  [EG_ZEEK_ASN]            = "asn",
};

/* The columns of a conn.log whose #fields line is missing. */
static const EgZeekField default_columns[] = {
  EG_ZEEK_TS, EG_ZEEK_UID, EG_ZEEK_ORIG_H, EG_ZEEK_ORIG_P, EG_ZEEK_RESP_H,
  EG_ZEEK_RESP_P, EG_ZEEK_PROTO, EG_ZEEK_SERVICE, EG_ZEEK_DURATION,
  EG_ZEEK_ORIG_BYTES, EG_ZEEK_RESP_BYTES, EG_ZEEK_CONN_STATE, EG_ZEEK_IGNORE,
  EG_ZEEK_IGNORE, EG_ZEEK_MISSED_BYTES, EG_ZEEK_HISTORY, EG_ZEEK_ORIG_PKTS,
  EG_ZEEK_ORIG_IP_BYTES, EG_ZEEK_RESP_PKTS, EG_ZEEK_RESP_IP_BYTES, EG_ZEEK_IGNORE,
};

static const EgZeekField required_fields[] = {
  EG_ZEEK_TS, EG_ZEEK_ORIG_H, EG_ZEEK_RESP_H, EG_ZEEK_PROTO,
};

static gpointer
build_field_table (gpointer data)
{
  GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 1; i < EG_ZEEK_N_FIELDS; i++)
    g_hash_table_insert (table, (gpointer) field_names[i], GUINT_TO_POINTER (i));
  /* Spellings seen in labeled datasets. */
  g_hash_table_insert (table, (gpointer) "Label", GUINT_TO_POINTER (EG_ZEEK_LABEL));
  g_hash_table_insert (table, (gpointer) "detailed-label", GUINT_TO_POINTER (EG_ZEEK_DETAILED_LABEL));
  g_hash_table_insert (table, (gpointer) "detailed_label", GUINT_TO_POINTER (EG_ZEEK_DETAILED_LABEL));
  g_hash_table_insert (table, (gpointer) "detailedLabel", GUINT_TO_POINTER (EG_ZEEK_DETAILED_LABEL));
  return table;
}

EgZeekField
eg_zeek_field_from_name (const char *name)
{
  static GOnce once = G_ONCE_INIT;
  GHashTable *table = g_once (&once, build_field_table, NULL);

  return GPOINTER_TO_UINT (g_hash_table_lookup (table, name));
}

/* Zeek writes bytes it must not show literally (the separator, control
 * characters) as \xHH; undone in place. */
static void
zeek_unescape (char *s)
{
  char *out;

  s = strchr (s, '\\');
  if (s == NULL)
    return;
  for (out = s; *s; )
    {
      if (s[0] == '\\' && s[1] == 'x' && g_ascii_isxdigit (s[2]) && g_ascii_isxdigit (s[3]))
        {
          char c = (char) (g_ascii_xdigit_value (s[2]) << 4 | g_ascii_xdigit_value (s[3]));
          s += 4;
          if (c != '\0')
            *out++ = c;
        }
      else
        *out++ = *s++;
    }
  *out = '\0';
}

static gboolean
bad_value (EgFlowLogReader *reader,
           EgZeekField      field,
           const char      *value,
           const char      *what)
{
  g_autofree char *shown = g_utf8_make_valid (value, MIN (strlen (value), 60));

  g_string_printf (reader->problem, "%s “%s” is %s", field_names[field], shown, what);
  return FALSE;
}

static gboolean
set_count (EgFlowLogReader *reader,
           EgZeekField      field,
           const char      *value,
           guint64         *out)
{
  if (!eg_parse_u64 (value, out))
    return bad_value (reader, field, value,
                      value[0] == '-' ? "negative" : "not a count");
  return TRUE;
}

static gboolean
set_port (EgFlowLogReader *reader,
          EgZeekField      field,
          const char      *value,
          guint16         *out)
{
  guint64 v;

  if (!eg_parse_u64 (value, &v) || v > G_MAXUINT16)
    return bad_value (reader, field, value, "not a port number");
  *out = (guint16) v;
  return TRUE;
}

/* One value that is set (not the unset or empty marker). */
static gboolean
set_field (EgFlowLogReader *reader,
           EgFlow          *flow,
           EgZeekField      field,
           char            *value)
{
  guint64 v;
  double d;

  switch (field)
    {
    case EG_ZEEK_IGNORE:
    case EG_ZEEK_N_FIELDS:
      return TRUE;

    case EG_ZEEK_TS:
      if (!eg_parse_double (value, &flow->ts) && !eg_parse_datetime (value, &flow->ts))
        return bad_value (reader, field, value, "not a time");
      if (flow->ts < 0)
        return bad_value (reader, field, value, "before 1970");
      return TRUE;

    case EG_ZEEK_UID:
      zeek_unescape (value);
      g_strlcpy (flow->uid, value, EG_UID_LEN);
      return TRUE;

    case EG_ZEEK_ORIG_H:
      if (!eg_addr_parse (value, &flow->orig_h))
        return bad_value (reader, field, value, "not an IP address");
      return TRUE;

    case EG_ZEEK_RESP_H:
      if (!eg_addr_parse (value, &flow->resp_h))
        return bad_value (reader, field, value, "not an IP address");
      return TRUE;

    case EG_ZEEK_ORIG_P:
      return set_port (reader, field, value, &flow->orig_p);

    case EG_ZEEK_RESP_P:
      return set_port (reader, field, value, &flow->resp_p);

    case EG_ZEEK_PROTO:
      if (!eg_proto_from_string (value, &flow->proto))
        return bad_value (reader, field, value, "not tcp, udp or icmp");
      return TRUE;

    case EG_ZEEK_SERVICE:
      zeek_unescape (value);
      if (*value != '\0' && strcmp (value, "-") != 0)
        flow->service = eg_flow_log_reader_intern (reader, value);
      return TRUE;

    case EG_ZEEK_DURATION:
      if (!eg_parse_double (value, &d))
        return bad_value (reader, field, value, "not a number of seconds");
      if (d < 0)
        return bad_value (reader, field, value, "negative");
      flow->duration = d;
      return TRUE;

    case EG_ZEEK_ORIG_BYTES:
      return set_count (reader, field, value, &flow->orig_bytes);
    case EG_ZEEK_RESP_BYTES:
      return set_count (reader, field, value, &flow->resp_bytes);
    case EG_ZEEK_MISSED_BYTES:
      return set_count (reader, field, value, &flow->missed_bytes);
    case EG_ZEEK_ORIG_PKTS:
      return set_count (reader, field, value, &flow->orig_pkts);
    case EG_ZEEK_ORIG_IP_BYTES:
      return set_count (reader, field, value, &flow->orig_ip_bytes);
    case EG_ZEEK_RESP_PKTS:
      return set_count (reader, field, value, &flow->resp_pkts);
    case EG_ZEEK_RESP_IP_BYTES:
      return set_count (reader, field, value, &flow->resp_ip_bytes);

    case EG_ZEEK_CONN_STATE:
      {
        EgConnState state;

        if (!eg_conn_state_from_string (value, &state))
          return bad_value (reader, field, value, "not a Zeek connection state");
        flow->conn_state = state;
        return TRUE;
      }

    case EG_ZEEK_HISTORY:
      zeek_unescape (value);
      g_strlcpy (flow->history, value, EG_HISTORY_LEN);
      return TRUE;

    case EG_ZEEK_COMMUNITY_ID:
      /* A value that does not fit is not a v1 community id: recomputed. */
      if (strlen (value) < EG_COMMUNITY_ID_LEN)
        g_strlcpy (flow->community_id, value, EG_COMMUNITY_ID_LEN);
      return TRUE;

    case EG_ZEEK_LABEL:
      zeek_unescape (value);
      if (g_str_has_prefix (value, "flow="))
        flow->label = eg_label_from_ctu (value);
      else if (*value != '\0' && strcmp (value, "-") != 0)
        {
          const char *interned = eg_flow_log_reader_intern (reader, value);

          flow->label = interned ? eg_label_normalize (interned) : NULL;
        }
      return TRUE;

    case EG_ZEEK_DETAILED_LABEL:
      zeek_unescape (value);
      if (*value != '\0' && strcmp (value, "-") != 0 && strcmp (value, "(empty)") != 0)
        flow->detailed_label = eg_flow_log_reader_intern (reader, value);
      return TRUE;

    case EG_ZEEK_SCORE:
      if (!eg_parse_double (value, &d) || d < 0 || d > 1)
        return bad_value (reader, field, value, "not a probability between 0 and 1");
      flow->score = (float) d;
      return TRUE;

    case EG_ZEEK_MODEL_VERSION:
      if (!eg_parse_u64 (value, &v) || v > G_MAXUINT32)
        return bad_value (reader, field, value, "not a model version");
      flow->model_version = (guint32) v;
      return TRUE;

    case EG_ZEEK_LABEL_SOURCE:
      {
        EgLabelSource source;

        if (eg_label_source_from_string (value, &source))
          flow->label_source = source;
        return TRUE;
      }

    case EG_ZEEK_COUNTRY:
      zeek_unescape (value);
      g_strlcpy (flow->country, value, sizeof flow->country);
      return TRUE;

    case EG_ZEEK_ASN:
      if (g_ascii_strncasecmp (value, "AS", 2) == 0)
        value += 2;
      if (!eg_parse_u64 (value, &v) || v > G_MAXUINT32)
        return bad_value (reader, field, value, "not an AS number");
      flow->asn = (guint32) v;
      return TRUE;
    }
  return TRUE;
}

static gboolean
check_required (EgFlowLogReader *reader,
                guint64          seen)
{
  for (guint i = 0; i < G_N_ELEMENTS (required_fields); i++)
    if (!(seen & SEEN (required_fields[i])))
      {
        g_string_printf (reader->problem, "the record has no %s",
                         field_names[required_fields[i]]);
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_flow (EgFlowLogReader *reader,
            EgFlow          *flow)
{
  if (flow->orig_h.family != flow->resp_h.family)
    {
      g_string_printf (reader->problem, "id.orig_h and id.resp_h mix IPv4 and IPv6");
      return FALSE;
    }
  return TRUE;
}

/* ---- TSV ---- */

static void
use_default_columns (EgFlowLogReader *reader)
{
  for (guint i = 0; i < G_N_ELEMENTS (default_columns); i++)
    reader->columns[i] = default_columns[i];
  reader->n_columns = G_N_ELEMENTS (default_columns);
}

gboolean
eg_zeek_tsv_begin (EgFlowLogReader *reader,
                   GError         **error)
{
  char *line;
  gsize len;

  strcpy (reader->separator, "\t");
  reader->separator_len = 1;
  strcpy (reader->unset_field, "-");
  strcpy (reader->empty_field, "(empty)");
  use_default_columns (reader);

  for (;;)
    {
      char *p;
      int r = eg_flow_log_reader_read_line (reader, &line, &len, error);

      if (r < 0)
        return FALSE;
      if (r == 0)
        return TRUE;  /* a header and no record */
      p = line;
      if (reader->line_no == 1 && len >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        continue;
      if (*p == '#')
        {
          if (!eg_zeek_tsv_header (reader, p, error))
            return FALSE;
          continue;
        }
      reader->pending = line;
      reader->pending_len = len;
      reader->line_no--;
      return TRUE;
    }
}

static gboolean
is_separator (EgFlowLogReader *reader,
              const char      *p)
{
  return reader->separator_len == 1 ? *p == reader->separator[0]
    : strncmp (p, reader->separator, reader->separator_len) == 0;
}

static gboolean
parse_fields_line (EgFlowLogReader *reader,
                   char            *names,
                   GError         **error)
{
  guint n = 0;
  guint64 seen = 0;
  char *p = names;

  reader->has_labels = FALSE;
  while (*p)
    {
      char *name;

      while (*p == ' ' || (*p && is_separator (reader, p)))
        p += *p == ' ' ? 1 : reader->separator_len;
      if (*p == '\0')
        break;
      name = p;
      while (*p && *p != ' ' && !is_separator (reader, p))
        p++;
      if (*p)
        {
          gsize skip = *p == ' ' ? 1 : reader->separator_len;
          *p = '\0';
          p += skip;
        }
      if (n == EG_ZEEK_MAX_COLUMNS)
        {
          g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                       "%s:%" G_GUINT64_FORMAT ": the #fields line names more than %d "
                       "columns: this is not a Zeek conn.log", reader->name,
                       reader->line_no, EG_ZEEK_MAX_COLUMNS);
          return FALSE;
        }
      reader->columns[n] = eg_zeek_field_from_name (name);
      seen |= SEEN (reader->columns[n]);
      if (reader->columns[n] == EG_ZEEK_LABEL)
        reader->has_labels = TRUE;
      n++;
    }

  for (guint i = 0; i < G_N_ELEMENTS (required_fields); i++)
    if (!(seen & SEEN (required_fields[i])))
      {
        g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                     "%s:%" G_GUINT64_FORMAT ": the #fields line has no %s column: "
                     "this is not a Zeek conn.log", reader->name, reader->line_no,
                     field_names[required_fields[i]]);
        return FALSE;
      }
  reader->n_columns = n;
  reader->have_fields = TRUE;
  return TRUE;
}

static void
copy_marker (char       *dest,
             gsize       size,
             const char *value)
{
  g_strlcpy (dest, value, size);
  zeek_unescape (dest);
}

gboolean
eg_zeek_tsv_header (EgFlowLogReader *reader,
                    char            *line,
                    GError         **error)
{
  char *key = line + 1, *value, *p;

  /* "#separator \x09" is the one header line separated by a space. */
  if (g_str_has_prefix (line, "#separator"))
    {
      value = line + strlen ("#separator");
      while (*value == ' ' || *value == '\t')
        value++;
      zeek_unescape (value);
      if (*value == '\0' || strlen (value) >= sizeof reader->separator)
        {
          g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                       "%s:%" G_GUINT64_FORMAT ": the #separator line gives no usable "
                       "separator", reader->name, reader->line_no);
          return FALSE;
        }
      strcpy (reader->separator, value);
      reader->separator_len = strlen (value);
      return TRUE;
    }

  for (p = key; *p && *p != ' ' && !is_separator (reader, p); p++)
    ;
  if (*p == '\0')
    return TRUE;  /* "#close" without a value, or a comment */
  value = p + (*p == ' ' ? 1 : reader->separator_len);
  *p = '\0';

  if (strcmp (key, "fields") == 0)
    return parse_fields_line (reader, value, error);
  if (strcmp (key, "unset_field") == 0)
    copy_marker (reader->unset_field, sizeof reader->unset_field, value);
  else if (strcmp (key, "empty_field") == 0)
    copy_marker (reader->empty_field, sizeof reader->empty_field, value);
  else if (strcmp (key, "path") == 0 && strcmp (value, "conn") != 0
           && !g_str_has_prefix (value, "conn"))
    {
      g_autofree char *shown = g_utf8_make_valid (value, MIN (strlen (value), 40));

      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "%s is a Zeek “%s” log, not a conn.log: give the conn.log of the "
                   "same directory", reader->name, shown);
      return FALSE;
    }
  /* #set_separator, #open, #close, #types: nothing to do. */
  return TRUE;
}

/* Splits line into reader->values; returns the number of fields, at most
 * n_columns + 1 (one more means too many). */
static guint
split_tsv (EgFlowLogReader *reader,
           char            *line)
{
  guint n = 0, max = reader->n_columns + 1;
  char *p = line;

  if (reader->separator_len == 1)
    {
      char sep = reader->separator[0];

      while (n < max)
        {
          char *q = strchr (p, sep);

          reader->values[n++] = p;
          if (q == NULL)
            break;
          *q = '\0';
          p = q + 1;
        }
    }
  else
    while (n < max)
      {
        char *q = strstr (p, reader->separator);

        reader->values[n++] = p;
        if (q == NULL)
          break;
        *q = '\0';
        p = q + reader->separator_len;
      }

  /* The CTU quirk: the last columns joined by runs of spaces. */
  if (n < reader->n_columns && reader->separator[0] != ' ')
    {
      char *last = reader->values[n - 1], *q;

      while (n < reader->n_columns && (q = strchr (last, ' ')) != NULL)
        {
          *q++ = '\0';
          while (*q == ' ')
            q++;
          reader->values[n++] = q;
          last = q;
        }
      /* Trailing blanks after the last column are no column. */
      if (strchr (last, ' ') != NULL)
        *strchr (last, ' ') = '\0';
    }
  return n;
}

static gboolean
is_unset (EgFlowLogReader *reader,
          const char      *value)
{
  /* The first byte rules out almost every value without a strcmp. */
  return *value == '\0'
    || (*value == reader->unset_field[0] && strcmp (value, reader->unset_field) == 0)
    || (*value == reader->empty_field[0] && strcmp (value, reader->empty_field) == 0);
}

EgLineResult
eg_zeek_tsv_line (EgFlowLogReader *reader,
                  char            *line,
                  gsize            len,
                  EgFlow          *flow)
{
  guint64 seen = 0;
  guint n;

  if (len == 0 || strspn (line, " \t") == len)
    return EG_LINE_SKIP;

  n = split_tsv (reader, line);
  if (n != reader->n_columns)
    {
      if (n > reader->n_columns)
        g_string_printf (reader->problem, "more than %u fields: the #fields line "
                         "names %u", reader->n_columns, reader->n_columns);
      else
        g_string_printf (reader->problem, "%u fields where the #fields line names %u",
                         n, reader->n_columns);
      return EG_LINE_BAD;
    }

  eg_flow_init (flow);
  for (guint i = 0; i < n; i++)
    {
      EgZeekField field = reader->columns[i];

      if (field == EG_ZEEK_IGNORE || is_unset (reader, reader->values[i]))
        continue;
      if (!set_field (reader, flow, field, reader->values[i]))
        return EG_LINE_BAD;
      seen |= SEEN (field);
    }
  if (!check_required (reader, seen) || !check_flow (reader, flow))
    return EG_LINE_BAD;
  eg_flow_log_reader_complete (reader, flow, EG_FLOW_ORIGIN_ZEEK, line, len);
  return EG_LINE_RECORD;
}

/* ---- JSON ---- */

gboolean
eg_zeek_json_begin (EgFlowLogReader *reader,
                    const char      *first_line,
                    GError         **error)
{
  const char *path = strstr (first_line, "\"_path\"");

  if (path != NULL)
    {
      path += strlen ("\"_path\"");
      while (*path == ' ' || *path == ':')
        path++;
      if (!g_str_has_prefix (path, "\"conn"))
        {
          g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                       "%s is a Zeek log other than conn.log (its _path is not "
                       "“conn”): give the conn.log of the same directory", reader->name);
          return FALSE;
        }
    }
  if (strstr (first_line, "\"id.orig_h\"") == NULL
      || (strstr (first_line, "\"conn_state\"") == NULL
          && strstr (first_line, "\"orig_pkts\"") == NULL))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "%s:%" G_GUINT64_FORMAT ": JSON without the conn.log keys "
                   "(id.orig_h, conn_state, orig_pkts): this is not a Zeek conn.log "
                   "(dns.log, http.log and the like carry no flows)",
                   reader->name, reader->line_no);
      return FALSE;
    }
  reader->has_labels = strstr (first_line, "\"label\"") != NULL;
  return TRUE;
}

static inline const char *
json_ws (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
    p++;
  return p;
}

static gboolean
hex4 (const char *p,
      guint      *value)
{
  guint v = 0;

  for (guint i = 0; i < 4; i++)
    {
      if (!g_ascii_isxdigit (p[i]))
        return FALSE;
      v = v << 4 | g_ascii_xdigit_value (p[i]);
    }
  *value = v;
  return TRUE;
}

/* p at the opening quote; writes the unescaped, NUL-terminated text to out
 * (never longer than the quoted text) and returns the byte after the
 * closing quote, or NULL when the string is broken. */
static const char *
json_string (const char *p,
             char       *out)
{
  p++;
  for (;;)
    {
      char c = *p++;
      guint cp, lo;

      if (c == '"')
        {
          *out = '\0';
          return p;
        }
      if (c == '\0' || (guchar) c < 0x20)
        return NULL;
      if (c != '\\')
        {
          *out++ = c;
          continue;
        }
      switch (*p++)
        {
        case '"': *out++ = '"'; break;
        case '\\': *out++ = '\\'; break;
        case '/': *out++ = '/'; break;
        case 'b': *out++ = '\b'; break;
        case 'f': *out++ = '\f'; break;
        case 'n': *out++ = '\n'; break;
        case 'r': *out++ = '\r'; break;
        case 't': *out++ = '\t'; break;
        case 'u':
          if (!hex4 (p, &cp))
            return NULL;
          p += 4;
          if (cp >= 0xd800 && cp < 0xdc00 && p[0] == '\\' && p[1] == 'u'
              && hex4 (p + 2, &lo) && lo >= 0xdc00 && lo < 0xe000)
            {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
              p += 6;
            }
          else if ((cp >= 0xd800 && cp < 0xe000) || cp == 0)
            cp = 0xfffd;
          out += g_unichar_to_utf8 (cp, out);
          break;
        default:
          return NULL;
        }
    }
}

/* p at '{' or '['; returns the byte after the matching close. */
static const char *
json_skip_nested (const char *p)
{
  guint depth = 0;

  while (*p)
    {
      if (*p == '"')
        {
          for (p++; *p && *p != '"'; p++)
            if (*p == '\\' && p[1] != '\0')
              p++;
          if (*p == '\0')
            return NULL;
        }
      else if (*p == '{' || *p == '[')
        depth++;
      else if (*p == '}' || *p == ']')
        {
          if (--depth == 0)
            return p + 1;
        }
      p++;
    }
  return NULL;
}

static EgLineResult
json_bad (EgFlowLogReader *reader,
          const char      *line,
          const char      *p,
          const char      *what)
{
  g_string_printf (reader->problem, "broken JSON at column %u: %s",
                   (guint) (p - line) + 1, what);
  return EG_LINE_BAD;
}

EgLineResult
eg_zeek_json_line (EgFlowLogReader *reader,
                   char            *line,
                   gsize            len,
                   EgFlow          *flow)
{
  const char *p = json_ws (line);
  guint64 seen = 0;

  if (*p == '\0')
    return EG_LINE_SKIP;
  if (*p != '{')
    return json_bad (reader, line, p, "the line is not a JSON object");

  if (reader->scratch_size < 2 * len + 16)
    {
      reader->scratch_size = MAX (2 * len + 16, 4096);
      reader->scratch = g_realloc (reader->scratch, reader->scratch_size);
    }

  eg_flow_init (flow);
  p = json_ws (p + 1);
  if (*p != '}')
    for (;;)
      {
        char *key = reader->scratch, *value;
        gboolean usable = TRUE;
        EgZeekField field;

        if (*p != '"')
          return json_bad (reader, line, p, "a key was expected");
        p = json_string (p, key);
        if (p == NULL)
          return json_bad (reader, line, line + len, "a broken string");
        value = key + strlen (key) + 1;
        p = json_ws (p);
        if (*p != ':')
          return json_bad (reader, line, p, "“:” was expected");
        p = json_ws (p + 1);

        switch (*p)
          {
          case '"':
            p = json_string (p, value);
            if (p == NULL)
              return json_bad (reader, line, line + len, "a broken string");
            break;
          case '{':
          case '[':
            p = json_skip_nested (p);
            if (p == NULL)
              return json_bad (reader, line, line + len, "an unclosed object or array");
            usable = FALSE;
            break;
          case 't':
          case 'f':
          case 'n':
            {
              const char *word = *p == 't' ? "true" : *p == 'f' ? "false" : "null";

              if (strncmp (p, word, strlen (word)) != 0)
                return json_bad (reader, line, p, "an unknown word");
              p += strlen (word);
              usable = FALSE;
            }
            break;
          default:
            {
              const char *q = p;
              char *out = value;

              while ((*q >= '0' && *q <= '9') || *q == '.' || *q == '-'
                     || *q == '+' || *q == 'e' || *q == 'E')
                *out++ = *q++;
              *out = '\0';
              if (q == p)
                return json_bad (reader, line, p, "a value was expected");
              p = q;
            }
            break;
          }

        field = eg_zeek_field_from_name (key);
        if (usable && field != EG_ZEEK_IGNORE)
          {
            if (!set_field (reader, flow, field, value))
              return EG_LINE_BAD;
            seen |= SEEN (field);
          }

        p = json_ws (p);
        if (*p == ',')
          {
            p = json_ws (p + 1);
            continue;
          }
        if (*p == '}')
          break;
        return json_bad (reader, line, p, "“,” or “}” was expected");
      }
  p = json_ws (p + 1);
  if (*p != '\0')
    return json_bad (reader, line, p, "text after the object");

  if (!check_required (reader, seen) || !check_flow (reader, flow))
    return EG_LINE_BAD;
  eg_flow_log_reader_complete (reader, flow, EG_FLOW_ORIGIN_ZEEK, line, len);
  return EG_LINE_RECORD;
}
