/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow-log-reader.c: the line reader and format dispatch behind
 * eg-flow-log-reader.h. Lines are read into one large buffer and parsed in
 * place (fields become NUL-terminated slices of it), so a record costs no
 * allocation; the per-format parsers live in eg-zeek-reader.c and
 * eg-binetflow-reader.c. */
#include "eg-flow-log-reader-private.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eg-error.h"

#define READ_CHUNK     (1024 * 1024)
#define MAX_LINE       (64 * 1024 * 1024)
#define HEAD_LEN       4096
#define MAX_WARNINGS   100
#define MAX_INTERNED   65536

/* ---- value parsers shared by the formats ---- */

gboolean
eg_parse_u64 (const char *str,
              guint64    *value)
{
  guint64 v = 0;
  const char *p = str;

  if (*p == '+')
    p++;
  if (*p < '0' || *p > '9')
    return FALSE;
  for (; *p >= '0' && *p <= '9'; p++)
    {
      guint d = *p - '0';
      if (v > (G_MAXUINT64 - d) / 10)
        return FALSE;
      v = v * 10 + d;
    }
  if (*p != '\0')
    return FALSE;
  *value = v;
  return TRUE;
}

gboolean
eg_parse_double (const char *str,
                 double     *value)
{
  const char *p = str;
  guint64 ip = 0, fp = 0;
  guint n_int = 0, n_frac = 0;
  gboolean neg = FALSE;
  char *end = NULL;
  double v;
  static const double pow10[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
    1e13, 1e14, 1e15,
  };

  /* Fast path for what logs hold: [-]digits[.digits] with at most 15
   * integer and 9 decimal digits (Zeek writes 6); exact to the last bit or
   * one off, far below the microseconds the logs carry. */
  if (*p == '-')
    {
      neg = TRUE;
      p++;
    }
  for (; *p >= '0' && *p <= '9' && n_int < 16; p++, n_int++)
    ip = ip * 10 + (*p - '0');
  if (*p == '.')
    for (p++; *p >= '0' && *p <= '9' && n_frac < 10; p++, n_frac++)
      fp = fp * 10 + (*p - '0');
  if (*p == '\0' && n_int + n_frac > 0 && n_int < 16 && n_frac < 10)
    {
      v = (double) ip + (double) fp / pow10[n_frac];
      *value = neg ? -v : v;
      return TRUE;
    }

  errno = 0;
  v = g_ascii_strtod (str, &end);
  if (end == str || *end != '\0' || errno == ERANGE || !isfinite (v))
    return FALSE;
  *value = v;
  return TRUE;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), so no time zone database takes part: logs are UTC. */
static gint64
days_from_civil (gint64 y,
                 guint  m,
                 guint  d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static gboolean
read_digits (const char **p,
             guint        n,
             guint       *value)
{
  guint v = 0;

  for (guint i = 0; i < n; i++)
    {
      char c = (*p)[i];
      if (c < '0' || c > '9')
        return FALSE;
      v = v * 10 + (c - '0');
    }
  *p += n;
  *value = v;
  return TRUE;
}

/* "2019/04/04 16:00:05.123456" (Argus), "2023-11-24T12:16:57.314165Z" or
 * with a "+01:00" offset (Zeek's ISO-8601 JSON); no offset means UTC. */
gboolean
eg_parse_datetime (const char *str,
                   double     *ts)
{
  const char *p = str;
  guint year, mon, day, hour = 0, min = 0, sec = 0;
  double frac = 0, scale = 0.1;
  gint64 offset = 0;

  if (!read_digits (&p, 4, &year) || (*p != '/' && *p != '-'))
    return FALSE;
  p++;
  if (!read_digits (&p, 2, &mon) || (*p != '/' && *p != '-'))
    return FALSE;
  p++;
  if (!read_digits (&p, 2, &day))
    return FALSE;
  if (*p == 'T' || *p == ' ')
    {
      p++;
      if (!read_digits (&p, 2, &hour) || *p++ != ':'
          || !read_digits (&p, 2, &min) || *p++ != ':'
          || !read_digits (&p, 2, &sec))
        return FALSE;
      if (*p == '.' || *p == ',')
        for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
          frac += (*p - '0') * scale;
    }
  if (*p == 'Z')
    p++;
  else if (*p == '+' || *p == '-')
    {
      int sign = *p == '-' ? -1 : 1;
      guint oh, om = 0;

      p++;
      if (!read_digits (&p, 2, &oh))
        return FALSE;
      if (*p == ':')
        p++;
      if (*p != '\0' && !read_digits (&p, 2, &om))
        return FALSE;
      offset = sign * (gint64) (oh * 3600 + om * 60);
    }
  if (*p != '\0' || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23
      || min > 59 || sec > 60)
    return FALSE;

  *ts = (double) (days_from_civil (year, mon, day) * 86400 + hour * 3600
                  + min * 60 + sec - offset) + frac;
  return TRUE;
}

static gboolean
contains_nocase (const char *haystack,
                 const char *needle)
{
  gsize n = strlen (needle);

  for (const char *p = haystack; *p; p++)
    if (g_ascii_strncasecmp (p, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* CTU labels ("flow=From-Botnet-V42-TCP-CC6", "flow=Background-UDP-DNS",
 * "flow=From-Normal-V42-Jist") to the generic label; NULL when the text
 * says neither (the flow stays unlabeled, the text is kept as the detailed
 * label by the caller). */
const char *
eg_label_from_ctu (const char *text)
{
  if (text == NULL || *text == '\0')
    return NULL;
  if (contains_nocase (text, "botnet") || contains_nocase (text, "malware")
      || contains_nocase (text, "malicious"))
    return g_intern_static_string (EG_LABEL_MALICIOUS);
  if (contains_nocase (text, "normal") || contains_nocase (text, "benign"))
    return g_intern_static_string (EG_LABEL_BENIGN);
  if (contains_nocase (text, "background"))
    return g_intern_static_string ("Background");
  return NULL;
}

/* ---- sniffing ---- */

static const char *
skip_blank (const char *p,
            const char *end)
{
  /* A UTF-8 byte order mark, then blank lines and leading blanks. */
  if (end - p >= 3 && (guint8) p[0] == 0xef && (guint8) p[1] == 0xbb
      && (guint8) p[2] == 0xbf)
    p += 3;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
    p++;
  return p;
}

static gboolean
has_prefix_len (const char *p,
                const char *end,
                const char *prefix)
{
  gsize n = strlen (prefix);

  return (gsize) (end - p) >= n && memcmp (p, prefix, n) == 0;
}

static gboolean
line_contains (const char *p,
               const char *end,
               const char *needle)
{
  const char *nl = memchr (p, '\n', end - p);

  if (nl != NULL)
    end = nl;
  return memmem (p, end - p, needle, strlen (needle)) != NULL;
}

gboolean
eg_flow_log_sniff (const char      *head,
                   gsize            len,
                   EgFlowLogFormat *format)
{
  const char *end = head + len;
  const char *p;

  g_return_val_if_fail (head != NULL || len == 0, FALSE);

  p = skip_blank (head, end);
  if (p == end)
    return FALSE;
  if (has_prefix_len (p, end, "#separator") || has_prefix_len (p, end, "#fields"))
    {
      *format = EG_FLOW_LOG_ZEEK_TSV;
      return TRUE;
    }
  if (*p == '{')
    {
      *format = EG_FLOW_LOG_ZEEK_JSON;
      return TRUE;
    }
  if (line_contains (p, end, "StartTime") && line_contains (p, end, "SrcAddr"))
    {
      *format = EG_FLOW_LOG_BINETFLOW;
      return TRUE;
    }
  return FALSE;
}

/* ---- the line reader ---- */

static void
set_read_error (EgFlowLogReader *reader,
                int              saved_errno,
                GError         **error)
{
  g_set_error (error, EG_ERROR,
               saved_errno == ENOENT ? EG_ERROR_NOT_FOUND
               : saved_errno == EACCES ? EG_ERROR_PERMISSION : EG_ERROR_FAILED,
               "Could not read the flow log %s: %s", reader->name,
               g_strerror (saved_errno));
}

/* Reads more bytes after reader->end; FALSE on an I/O error. */
static gboolean
fill (EgFlowLogReader *reader,
      GError         **error)
{
  gssize n;

  if (reader->eof)
    return TRUE;
  if (reader->start > 0 && reader->start == reader->end)
    reader->start = reader->end = 0;
  if (reader->end + 1 >= reader->buf_size)
    {
      if (reader->start > 0)
        {
          memmove (reader->buf, reader->buf + reader->start, reader->end - reader->start);
          reader->end -= reader->start;
          reader->start = 0;
        }
      else
        {
          reader->buf_size *= 2;
          reader->buf = g_realloc (reader->buf, reader->buf_size);
        }
    }
  do
    n = read (reader->fd, reader->buf + reader->end, reader->buf_size - reader->end - 1);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      set_read_error (reader, errno, error);
      return FALSE;
    }
  if (n == 0)
    reader->eof = TRUE;
  reader->end += n;
  return TRUE;
}

int
eg_flow_log_reader_read_line (EgFlowLogReader *reader,
                              char           **line,
                              gsize           *len,
                              GError         **error)
{
  char *p, *nl;
  gsize n;

  if (reader->pending != NULL)
    {
      reader->line_no++;
      *line = reader->pending;
      *len = reader->pending_len;
      reader->pending = NULL;
      return 1;
    }

  for (;;)
    {
      p = reader->buf + reader->start;
      nl = memchr (p, '\n', reader->end - reader->start);
      if (nl != NULL)
        {
          n = nl - p;
          reader->start += n + 1;
          reader->consumed += n + 1;
          break;
        }
      if (reader->eof)
        {
          if (reader->start == reader->end)
            return 0;
          n = reader->end - reader->start;
          reader->start = reader->end;
          reader->consumed += n;
          break;
        }
      if (reader->end - reader->start >= MAX_LINE)
        {
          g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                       "%s:%" G_GUINT64_FORMAT ": a line longer than %d MiB: "
                       "this is not a flow log", reader->name,
                       reader->line_no + 1, MAX_LINE / (1024 * 1024));
          return -1;
        }
      if (!fill (reader, error))
        return -1;
    }

  /* The buffer always keeps one spare byte for this NUL. */
  p[n] = '\0';
  if (n > 0 && p[n - 1] == '\r')
    p[--n] = '\0';
  reader->line_no++;
  *line = p;
  *len = n;
  return 1;
}

/* ---- interning ---- */

static void warn (EgFlowLogReader *reader,
                  const char      *message);

const char *
eg_flow_log_reader_intern (EgFlowLogReader *reader,
                           const char      *value)
{
  GQuark known = g_quark_try_string (value);

  if (known != 0)
    return g_quark_to_string (known);
  if (reader->n_interned >= MAX_INTERNED)
    {
      if (!reader->intern_warned)
        {
          g_autofree char *msg =
            g_strdup_printf ("%s: more than %d distinct labels and services; the "
                             "further new ones are left out", reader->name, MAX_INTERNED);
          reader->intern_warned = TRUE;
          warn (reader, msg);
        }
      return NULL;
    }
  reader->n_interned++;
  return g_intern_string (value);
}

/* ---- completing a record ---- */

void
eg_flow_log_reader_complete (EgFlowLogReader *reader,
                             EgFlow          *flow,
                             EgFlowOrigin     origin,
                             const char      *line,
                             gsize            len)
{
  if (flow->proto == IPPROTO_ICMP && flow->orig_h.family == 6)
    flow->proto = IPPROTO_ICMPV6;
  if (flow->uid[0] == '\0')
    {
      /* Deterministic: the same file gives the same uids on every read. */
      guint64 a = 0xcbf29ce484222325ull, b;

      for (gsize i = 0; i < len; i++)
        a = (a ^ (guint8) line[i]) * 0x100000001b3ull;
      b = (a ^ reader->line_no) * 0x9e3779b97f4a7c15ull;
      b ^= b >> 29;
      eg_flow_make_uid (flow->uid, a, b);
    }
  if (flow->community_id[0] == '\0')
    eg_flow_compute_community_id (flow);
  flow->origin = origin;
  if (flow->label != NULL && flow->label_source == EG_LABEL_SOURCE_NONE)
    flow->label_source = EG_LABEL_SOURCE_IMPORTED;
}

/* ---- warnings ---- */

static void
default_warning (const char *message,
                 gpointer    user_data)
{
  g_message ("%s", message);
}

static void
warn (EgFlowLogReader *reader,
      const char      *message)
{
  if (reader->warning_func != NULL)
    reader->warning_func (message, reader->warning_data);
}

static void
report_bad_line (EgFlowLogReader *reader)
{
  reader->n_bad++;
  if (reader->n_warnings < MAX_WARNINGS)
    {
      g_autofree char *msg =
        g_strdup_printf ("%s:%" G_GUINT64_FORMAT ": %s", reader->name,
                         reader->line_no, reader->problem->str);
      warn (reader, msg);
    }
  else if (reader->n_warnings == MAX_WARNINGS)
    {
      g_autofree char *msg =
        g_strdup_printf ("%s: more than %d bad lines; the rest are only counted",
                         reader->name, MAX_WARNINGS);
      warn (reader, msg);
    }
  reader->n_warnings++;
}

void
eg_flow_log_reader_skip_protocol (EgFlowLogReader *reader,
                                  const char      *proto)
{
  gpointer count;

  reader->n_skipped++;
  if (strlen (proto) > 16)
    proto = "other";
  for (const char *p = proto; *p; p++)
    if (!g_ascii_isgraph (*p))
      proto = "other";
  if (reader->skipped_protos == NULL)
    reader->skipped_protos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (g_hash_table_size (reader->skipped_protos) >= 32
      && !g_hash_table_contains (reader->skipped_protos, proto))
    proto = "other";
  count = g_hash_table_lookup (reader->skipped_protos, proto);
  g_hash_table_insert (reader->skipped_protos, g_strdup (proto),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* One warning for all skipped protocols, at the end of the file. */
static void
report_skipped (EgFlowLogReader *reader)
{
  g_autoptr(GString) msg = NULL;
  g_autofree gpointer *keys = NULL;
  guint n_keys;

  if (reader->summary_done || reader->n_skipped == 0)
    return;
  reader->summary_done = TRUE;

  keys = g_hash_table_get_keys_as_array (reader->skipped_protos, &n_keys);
  qsort (keys, n_keys, sizeof (gpointer), compare_strings);
  msg = g_string_new (NULL);
  g_string_append_printf (msg, "%s: skipped %" G_GUINT64_FORMAT " flows of protocols "
                          "other than TCP, UDP and ICMP (", reader->name,
                          reader->n_skipped);
  for (guint i = 0; i < n_keys; i++)
    g_string_append_printf (msg, "%s%s %u", i ? ", " : "", (char *) keys[i],
                            GPOINTER_TO_UINT (g_hash_table_lookup (reader->skipped_protos, keys[i])));
  g_string_append_c (msg, ')');
  warn (reader, msg->str);
}

/* ---- opening ---- */

static EgFlowLogReader *
reader_new (const char *name)
{
  EgFlowLogReader *reader = g_new0 (EgFlowLogReader, 1);

  reader->name = g_strdup (name);
  reader->fd = -1;
  reader->problem = g_string_new (NULL);
  reader->warning_func = default_warning;
  return reader;
}

/* A printable excerpt of the first line for an error message. */
static char *
first_line_excerpt (const char *p,
                    const char *end)
{
  GString *s = g_string_new (NULL);

  for (; p < end && *p != '\n' && s->len < 40; p++)
    g_string_append_c (s, g_ascii_isprint (*p) ? *p : '?');
  if (p < end && *p != '\n')
    g_string_append (s, "…");
  return g_string_free (s, FALSE);
}

static gboolean
begin (EgFlowLogReader *reader,
       GError         **error)
{
  const char *head, *end, *p;
  char *line;
  gsize len;
  int r;

  /* Enough bytes to judge the format. */
  while (!reader->eof && reader->end < HEAD_LEN)
    if (!fill (reader, error))
      return FALSE;

  head = reader->buf;
  end = reader->buf + MIN (reader->end, HEAD_LEN);
  if (end - head >= 2 && (guint8) head[0] == 0x1f && (guint8) head[1] == 0x8b)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "%s is compressed with gzip: decompress it first (gunzip -k)",
                   reader->name);
      return FALSE;
    }
  if (memchr (head, '\0', end - head) != NULL)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "%s is a binary file, not a flow log: give a Zeek conn.log "
                   "(TSV or JSON) or an Argus binetflow file", reader->name);
      return FALSE;
    }

  p = skip_blank (head, end);
  if (p == end && reader->eof)
    {
      reader->empty = TRUE;
      reader->consumed = reader->end;
      reader->format = EG_FLOW_LOG_ZEEK_TSV;
      return TRUE;
    }
  if (!eg_flow_log_sniff (head, end - head, &reader->format))
    {
      g_autofree char *excerpt = first_line_excerpt (p, end);

      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "%s is not a flow log: its first line “%s” is neither a Zeek "
                   "header (#separator, #fields), a JSON object nor an Argus "
                   "binetflow header (StartTime,…,SrcAddr,…)", reader->name, excerpt);
      return FALSE;
    }

  switch (reader->format)
    {
    case EG_FLOW_LOG_ZEEK_TSV:
      return eg_zeek_tsv_begin (reader, error);

    case EG_FLOW_LOG_ZEEK_JSON:
    case EG_FLOW_LOG_BINETFLOW:
      /* The first non-blank line: JSON is checked for conn.log keys, the
       * binetflow header names the columns. */
      for (;;)
        {
          r = eg_flow_log_reader_read_line (reader, &line, &len, error);
          if (r < 0)
            return FALSE;
          if (r == 0)
            {
              reader->empty = TRUE;
              return TRUE;
            }
          if (len >= 3 && memcmp (line, "\xef\xbb\xbf", 3) == 0)
            line += 3, len -= 3;
          while (*line == ' ' || *line == '\t')
            line++, len--;
          if (len > 0)
            break;
        }
      if (reader->format == EG_FLOW_LOG_BINETFLOW)
        return eg_binetflow_header (reader, line, error);
      if (!eg_zeek_json_begin (reader, line, error))
        return FALSE;
      reader->pending = line;
      reader->pending_len = len;
      reader->line_no--;
      return TRUE;
    }
  g_assert_not_reached ();
}

EgFlowLogReader *
eg_flow_log_reader_open (const char *path,
                         GError    **error)
{
  g_autoptr(EgFlowLogReader) reader = NULL;
  struct stat st;

  g_return_val_if_fail (path != NULL, NULL);

  reader = reader_new (path);
  reader->fd = open (path, O_RDONLY | O_CLOEXEC);
  if (reader->fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, EG_ERROR,
                   saved_errno == ENOENT ? EG_ERROR_NOT_FOUND
                   : saved_errno == EACCES ? EG_ERROR_PERMISSION : EG_ERROR_FAILED,
                   "Could not open the flow log %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  if (fstat (reader->fd, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                       "%s is a directory: give the conn.log inside it", path);
          return NULL;
        }
      if (S_ISREG (st.st_mode))
        reader->size = st.st_size;
    }
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise (reader->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  reader->buf_size = READ_CHUNK;
  reader->buf = g_malloc (reader->buf_size);

  if (!begin (reader, error))
    return NULL;
  return g_steal_pointer (&reader);
}

EgFlowLogReader *
eg_flow_log_reader_new_for_data (const char *name,
                                 const char *data,
                                 gsize       len,
                                 GError    **error)
{
  g_autoptr(EgFlowLogReader) reader = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  reader = reader_new (name ? name : "(memory)");
  reader->buf_size = len + 1;
  reader->buf = g_malloc (reader->buf_size);
  if (len > 0)
    memcpy (reader->buf, data, len);
  reader->end = len;
  reader->eof = TRUE;
  reader->size = len;

  if (!begin (reader, error))
    return NULL;
  return g_steal_pointer (&reader);
}

void
eg_flow_log_reader_set_warning_func (EgFlowLogReader *reader,
                                     EgWarningFunc    func,
                                     gpointer         user_data)
{
  g_return_if_fail (reader != NULL);

  reader->warning_func = func;
  reader->warning_data = user_data;
}

gboolean
eg_flow_log_reader_next (EgFlowLogReader *reader,
                         EgFlow          *flow,
                         GError         **error)
{
  char *line;
  gsize len;

  g_return_val_if_fail (reader != NULL, FALSE);
  g_return_val_if_fail (flow != NULL, FALSE);

  if (reader->empty)
    return FALSE;

  for (;;)
    {
      EgLineResult result;
      int r = eg_flow_log_reader_read_line (reader, &line, &len, error);

      if (r < 0)
        return FALSE;
      if (r == 0)
        {
          report_skipped (reader);
          return FALSE;
        }

      g_string_truncate (reader->problem, 0);
      switch (reader->format)
        {
        case EG_FLOW_LOG_ZEEK_TSV:
          {
            char *p = line;

            while (*p == ' ' || *p == '\t')
              p++;
            if (*p == '#')
              {
                if (!eg_zeek_tsv_header (reader, p, error))
                  return FALSE;
                continue;
              }
            result = eg_zeek_tsv_line (reader, line, len, flow);
          }
          break;
        case EG_FLOW_LOG_ZEEK_JSON:
          result = eg_zeek_json_line (reader, line, len, flow);
          break;
        case EG_FLOW_LOG_BINETFLOW:
          result = eg_binetflow_line (reader, line, len, flow);
          break;
        default:
          g_assert_not_reached ();
        }

      if (result == EG_LINE_RECORD)
        {
          reader->n_records++;
          return TRUE;
        }
      if (result == EG_LINE_BAD)
        report_bad_line (reader);
    }
}

EgFlowLogFormat
eg_flow_log_reader_get_format (EgFlowLogReader *reader)
{
  g_return_val_if_fail (reader != NULL, EG_FLOW_LOG_ZEEK_TSV);

  return reader->format;
}

gboolean
eg_flow_log_reader_has_labels (EgFlowLogReader *reader)
{
  g_return_val_if_fail (reader != NULL, FALSE);

  return reader->has_labels;
}

guint64
eg_flow_log_reader_get_n_bad_lines (EgFlowLogReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->n_bad;
}

guint64
eg_flow_log_reader_get_n_skipped (EgFlowLogReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->n_skipped;
}

guint64
eg_flow_log_reader_get_offset (EgFlowLogReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->consumed;
}

guint64
eg_flow_log_reader_get_size (EgFlowLogReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->size;
}

void
eg_flow_log_reader_free (EgFlowLogReader *reader)
{
  if (reader == NULL)
    return;
  if (reader->fd >= 0)
    close (reader->fd);
  g_clear_pointer (&reader->skipped_protos, g_hash_table_unref);
  g_string_free (reader->problem, TRUE);
  g_free (reader->scratch);
  g_free (reader->buf);
  g_free (reader->name);
  g_free (reader);
}
