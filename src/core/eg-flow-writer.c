/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow-writer.c: flows out as Zeek conn.log TSV, JSON lines or CSV.
 *
 * One table of columns serves the three formats: a flow becomes a row of
 * cells (unset, text, number or vector), then each format spells them.
 *
 * Zeek's own rules we follow: ts and duration with 6 decimals; unset values
 * as "-" in TSV and as missing keys in JSON; service in lower case; an empty
 * set as "(empty)"; bytes that would break a TSV line (the separator,
 * control characters, the backslash) as \xHH, and a string that reads like
 * the unset marker ("-") as \x2d.
 * Zeek logs duration, orig_bytes and resp_bytes only when the duration is
 * above zero. We write duration the same way ("-" when 0), and the two
 * byte counts too when they are both 0; a single-packet flow that carried
 * payload keeps its byte counts, so nothing the record knows is lost.
 * local_orig, local_resp and tunnel_parents are written unset: the flow
 * record does not carry them.
 */
#include "eg-flow-writer.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "eg-error.h"

typedef enum {
  CELL_UNSET,
  CELL_STRING,
  CELL_NUMBER,
  CELL_VECTOR,   /* comma-separated numbers; "[...]" in JSON */
} CellKind;

typedef struct {
  CellKind    kind;
  const char *text;
  char        buf[96];
} Cell;

typedef struct {
  const char *name;
  const char *zeek_type;
} Column;

static const Column base_columns[] = {
  { "ts", "time" }, { "uid", "string" }, { "id.orig_h", "addr" },
  { "id.orig_p", "port" }, { "id.resp_h", "addr" }, { "id.resp_p", "port" },
  { "proto", "enum" }, { "service", "string" }, { "duration", "interval" },
  { "orig_bytes", "count" }, { "resp_bytes", "count" }, { "conn_state", "string" },
  { "local_orig", "bool" }, { "local_resp", "bool" }, { "missed_bytes", "count" },
  { "history", "string" }, { "orig_pkts", "count" }, { "orig_ip_bytes", "count" },
  { "resp_pkts", "count" }, { "resp_ip_bytes", "count" },
  { "tunnel_parents", "set[string]" }, { "community_id", "string" },
};

static const Column label_columns[] = {
  { "label", "string" }, { "detailedlabel", "string" },
};

static const Column score_columns[] = {
  { "score", "double" }, { "model_version", "count" }, { "label_source", "string" },
};

static const Column extended_columns[] = {
  { "orig_size_min", "double" }, { "orig_size_mean", "double" },
  { "orig_size_max", "double" }, { "orig_size_std", "double" },
  { "orig_iat_min", "double" }, { "orig_iat_mean", "double" },
  { "orig_iat_max", "double" }, { "orig_iat_std", "double" },
  { "resp_size_min", "double" }, { "resp_size_mean", "double" },
  { "resp_size_max", "double" }, { "resp_size_std", "double" },
  { "resp_iat_min", "double" }, { "resp_iat_mean", "double" },
  { "resp_iat_max", "double" }, { "resp_iat_std", "double" },
  { "orig_syn", "count" }, { "orig_fin", "count" }, { "orig_rst", "count" },
  { "orig_psh", "count" }, { "orig_ack", "count" }, { "orig_urg", "count" },
  { "resp_syn", "count" }, { "resp_fin", "count" }, { "resp_rst", "count" },
  { "resp_psh", "count" }, { "resp_ack", "count" }, { "resp_urg", "count" },
  { "first_sizes", "vector[int]" }, { "country", "string" }, { "asn", "count" },
};

#define MAX_CELLS (G_N_ELEMENTS (base_columns) + G_N_ELEMENTS (label_columns) \
                   + G_N_ELEMENTS (score_columns) + G_N_ELEMENTS (extended_columns))

struct _EgFlowWriter {
  FILE              *out;
  EgFlowFormat       format;
  EgFlowWriterFlags  flags;
  gboolean           header_done;
  gboolean           closed;
  GString           *line;
  const Column      *columns[MAX_CELLS];
  guint              n_columns;
};

/* ---- cells ---- */

static void
cell_unset (Cell *cell)
{
  cell->kind = CELL_UNSET;
  cell->text = NULL;
}

static void
cell_string (Cell       *cell,
             const char *text)
{
  if (text == NULL || *text == '\0')
    {
      cell_unset (cell);
      return;
    }
  cell->kind = CELL_STRING;
  cell->text = text;
}

/* Decimal digits of v at out; returns how many. */
static guint
put_u64 (char    *out,
         guint64  v)
{
  char tmp[24];
  guint n = 0, i = 0;

  do
    tmp[n++] = '0' + v % 10;
  while ((v /= 10) != 0);
  while (n > 0)
    out[i++] = tmp[--n];
  return i;
}

static void
cell_u64 (Cell    *cell,
          guint64  v)
{
  cell->buf[put_u64 (cell->buf, v)] = '\0';
  cell->kind = CELL_NUMBER;
  cell->text = cell->buf;
}

/* Six decimals without the locale (a GUI in de_DE would write commas). */
static void
cell_fixed6 (Cell   *cell,
             double  v)
{
  cell->kind = CELL_NUMBER;
  cell->text = cell->buf;
  if (!isfinite (v))
    v = 0;
  if (fabs (v) < 9e12)
    {
      gint64 micro = (gint64) llround (v * 1e6);
      guint64 a = micro < 0 ? (guint64) -micro : (guint64) micro;
      guint frac = (guint) (a % 1000000);
      guint i = 0;

      /* By hand: two of these per flow made printf the writer's top cost. */
      if (micro < 0)
        cell->buf[i++] = '-';
      i += put_u64 (cell->buf + i, a / 1000000);
      cell->buf[i++] = '.';
      for (int k = 5; k >= 0; k--, frac /= 10)
        cell->buf[i + k] = '0' + frac % 10;
      cell->buf[i + 6] = '\0';
    }
  else
    g_ascii_formatd (cell->buf, sizeof cell->buf, "%.6f", v);
}

static guint
fill_cells (Cell              *cells,
            const EgFlow      *flow,
            EgFlowWriterFlags  flags)
{
  char addr[EG_ADDR_STRLEN];
  gboolean no_bytes;
  guint n = 0;

  cell_fixed6 (&cells[n++], flow->ts);
  cell_string (&cells[n++], flow->uid);
  eg_addr_to_string (&flow->orig_h, addr);
  g_strlcpy (cells[n].buf, addr, sizeof cells[n].buf);
  cell_string (&cells[n], cells[n].buf);
  n++;
  cell_u64 (&cells[n++], flow->orig_p);
  eg_addr_to_string (&flow->resp_h, addr);
  g_strlcpy (cells[n].buf, addr, sizeof cells[n].buf);
  cell_string (&cells[n], cells[n].buf);
  n++;
  cell_u64 (&cells[n++], flow->resp_p);
  cell_string (&cells[n++], eg_proto_to_string (flow->proto));
  if (flow->service != NULL)
    {
      /* Zeek spells services in lower case: "dns", "ssl", "http". */
      g_strlcpy (cells[n].buf, flow->service, sizeof cells[n].buf);
      for (char *p = cells[n].buf; *p; p++)
        *p = g_ascii_tolower (*p);
      cell_string (&cells[n], cells[n].buf);
    }
  else
    cell_unset (&cells[n]);
  n++;
  no_bytes = flow->duration <= 0 && flow->orig_bytes == 0 && flow->resp_bytes == 0;
  if (flow->duration > 0)
    cell_fixed6 (&cells[n++], flow->duration);
  else
    cell_unset (&cells[n++]);
  if (no_bytes)
    {
      cell_unset (&cells[n++]);
      cell_unset (&cells[n++]);
    }
  else
    {
      cell_u64 (&cells[n++], flow->orig_bytes);
      cell_u64 (&cells[n++], flow->resp_bytes);
    }
  cell_string (&cells[n++], eg_conn_state_to_string (flow->conn_state));
  cell_unset (&cells[n++]);  /* local_orig */
  cell_unset (&cells[n++]);  /* local_resp */
  cell_u64 (&cells[n++], flow->missed_bytes);
  cell_string (&cells[n++], flow->history);
  cell_u64 (&cells[n++], flow->orig_pkts);
  cell_u64 (&cells[n++], flow->orig_ip_bytes);
  cell_u64 (&cells[n++], flow->resp_pkts);
  cell_u64 (&cells[n++], flow->resp_ip_bytes);
  cell_unset (&cells[n++]);  /* tunnel_parents */
  cell_string (&cells[n++], flow->community_id);

  if (flags & EG_FLOW_WRITER_LABELS)
    {
      cell_string (&cells[n++], flow->label);
      cell_string (&cells[n++], flow->detailed_label);
    }

  if (flags & EG_FLOW_WRITER_SCORE)
    {
      if (flow->score >= 0)
        {
          cell_fixed6 (&cells[n++], flow->score);
          cell_u64 (&cells[n++], flow->model_version);
        }
      else
        {
          cell_unset (&cells[n++]);
          cell_unset (&cells[n++]);
        }
      cell_string (&cells[n++], eg_label_source_to_string (flow->label_source));
    }

  if (flags & EG_FLOW_WRITER_EXTENDED)
    {
      gboolean stats = (flow->flags & EG_FLOW_HAS_PACKET_STATS) != 0;

      for (guint d = 0; d < 2; d++)
        {
          guint64 pkts = d == 0 ? flow->orig_pkts : flow->resp_pkts;
          const EgDirStats *ds = &flow->dir[d];

          if (stats && pkts > 0)
            {
              cell_fixed6 (&cells[n++], ds->size.min);
              cell_fixed6 (&cells[n++], eg_stat_mean (&ds->size, pkts));
              cell_fixed6 (&cells[n++], ds->size.max);
              cell_fixed6 (&cells[n++], eg_stat_stddev (&ds->size, pkts));
            }
          else
            for (guint i = 0; i < 4; i++)
              cell_unset (&cells[n++]);
          if (stats && pkts > 1)
            {
              cell_fixed6 (&cells[n++], ds->iat.min);
              cell_fixed6 (&cells[n++], eg_stat_mean (&ds->iat, pkts - 1));
              cell_fixed6 (&cells[n++], ds->iat.max);
              cell_fixed6 (&cells[n++], eg_stat_stddev (&ds->iat, pkts - 1));
            }
          else
            for (guint i = 0; i < 4; i++)
              cell_unset (&cells[n++]);
        }
      for (guint d = 0; d < 2; d++)
        {
          const EgDirStats *ds = &flow->dir[d];
          const guint32 counts[] = { ds->n_syn, ds->n_fin, ds->n_rst, ds->n_psh,
                                     ds->n_ack, ds->n_urg };

          for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
            if (stats)
              cell_u64 (&cells[n++], counts[i]);
            else
              cell_unset (&cells[n++]);
        }
      if (stats)
        {
          Cell *cell = &cells[n++];
          gsize len = 0;

          cell->buf[0] = '\0';
          for (guint i = 0; i < EG_FIRST_PACKETS && flow->first_sizes[i] != 0; i++)
            len += g_snprintf (cell->buf + len, sizeof cell->buf - len, "%s%d",
                               i ? "," : "", flow->first_sizes[i]);
          cell->kind = CELL_VECTOR;
          cell->text = cell->buf;
        }
      else
        cell_unset (&cells[n++]);
      if (flow->country[0] != '\0')
        {
          g_strlcpy (cells[n].buf, flow->country, sizeof flow->country);
          cell_string (&cells[n], cells[n].buf);
        }
      else
        cell_unset (&cells[n]);
      n++;
      if (flow->asn != 0)
        cell_u64 (&cells[n++], flow->asn);
      else
        cell_unset (&cells[n++]);
    }
  g_assert (n <= MAX_CELLS);
  return n;
}

static guint
list_columns (const Column      **columns,
              EgFlowWriterFlags   flags)
{
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (base_columns); i++)
    columns[n++] = &base_columns[i];
  if (flags & EG_FLOW_WRITER_LABELS)
    for (guint i = 0; i < G_N_ELEMENTS (label_columns); i++)
      columns[n++] = &label_columns[i];
  if (flags & EG_FLOW_WRITER_SCORE)
    for (guint i = 0; i < G_N_ELEMENTS (score_columns); i++)
      columns[n++] = &score_columns[i];
  if (flags & EG_FLOW_WRITER_EXTENDED)
    for (guint i = 0; i < G_N_ELEMENTS (extended_columns); i++)
      columns[n++] = &extended_columns[i];
  return n;
}

/* ---- spelling the cells ---- */

static void
append_tsv_string (GString    *out,
                   const char *s)
{
  static const char hex[] = "0123456789abcdef";

  if (strcmp (s, "-") == 0 || strcmp (s, "(empty)") == 0)
    {
      g_string_append_printf (out, "\\x%02x", (guint8) s[0]);
      g_string_append (out, s + 1);
      return;
    }
  for (const char *p = s; *p; p++)
    {
      guint8 c = *p;

      if (c < 0x20 || c == 0x7f || c == '\\')
        {
          g_string_append (out, "\\x");
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 15]);
        }
      else
        g_string_append_c (out, c);
    }
}

static void
append_tsv_row (GString    *out,
                const Cell *cells,
                guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, '\t');
      switch (cells[i].kind)
        {
        case CELL_UNSET:
          g_string_append_c (out, '-');
          break;
        case CELL_STRING:
          append_tsv_string (out, cells[i].text);
          break;
        case CELL_NUMBER:
          g_string_append (out, cells[i].text);
          break;
        case CELL_VECTOR:
          g_string_append (out, *cells[i].text ? cells[i].text : "(empty)");
          break;
        }
    }
  g_string_append_c (out, '\n');
}

static void
append_json_string (GString    *out,
                    const char *s)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate (s, -1, NULL))
    s = valid = g_utf8_make_valid (s, -1);
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      guint8 c = *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

static void
append_json_row (GString       *out,
                 const Column **columns,
                 const Cell    *cells,
                 guint          n)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (guint i = 0; i < n; i++)
    {
      if (cells[i].kind == CELL_UNSET)
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      g_string_append_c (out, '"');
      g_string_append (out, columns[i]->name);
      g_string_append (out, "\":");
      switch (cells[i].kind)
        {
        case CELL_STRING:
          append_json_string (out, cells[i].text);
          break;
        case CELL_NUMBER:
          g_string_append (out, cells[i].text);
          break;
        case CELL_VECTOR:
          g_string_append_c (out, '[');
          g_string_append (out, cells[i].text);
          g_string_append_c (out, ']');
          break;
        case CELL_UNSET:
          break;
        }
    }
  g_string_append_c (out, '}');
}

void
eg_flow_append_csv_value (GString    *out,
                          const char *s)
{
  if (strpbrk (s, ",\"\r\n") == NULL)
    {
      g_string_append (out, s);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_csv_row (GString    *out,
                const Cell *cells,
                guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (cells[i].kind != CELL_UNSET)
        eg_flow_append_csv_value (out, cells[i].text);
    }
  g_string_append_c (out, '\n');
}

void
eg_flow_append_json (GString           *out,
                     const EgFlow      *flow,
                     EgFlowWriterFlags  flags)
{
  const Column *columns[MAX_CELLS];
  Cell cells[MAX_CELLS];
  guint n;

  g_return_if_fail (out != NULL);
  g_return_if_fail (flow != NULL);

  list_columns (columns, flags);
  n = fill_cells (cells, flow, flags);
  append_json_row (out, columns, cells, n);
}

/* ---- the writer ---- */

gboolean
eg_flow_format_from_string (const char   *str,
                            EgFlowFormat *format)
{
  static const struct { const char *name; EgFlowFormat format; } names[] = {
    { "zeek", EG_FLOW_FORMAT_ZEEK_TSV }, { "tsv", EG_FLOW_FORMAT_ZEEK_TSV },
    { "zeek-tsv", EG_FLOW_FORMAT_ZEEK_TSV }, { "conn.log", EG_FLOW_FORMAT_ZEEK_TSV },
    { "json", EG_FLOW_FORMAT_JSON }, { "jsonl", EG_FLOW_FORMAT_JSON },
    { "ndjson", EG_FLOW_FORMAT_JSON }, { "zeek-json", EG_FLOW_FORMAT_JSON },
    { "csv", EG_FLOW_FORMAT_CSV },
  };

  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (str, names[i].name) == 0)
      {
        *format = names[i].format;
        return TRUE;
      }
  return FALSE;
}

EgFlowWriter *
eg_flow_writer_new (FILE              *out,
                    EgFlowFormat       format,
                    EgFlowWriterFlags  flags)
{
  EgFlowWriter *writer;

  g_return_val_if_fail (out != NULL, NULL);

  writer = g_new0 (EgFlowWriter, 1);
  writer->out = out;
  writer->format = format;
  writer->flags = flags;
  writer->line = g_string_sized_new (1024);
  writer->n_columns = list_columns (writer->columns, flags);
  return writer;
}

static gboolean
flush_line (EgFlowWriter *writer,
            GError      **error)
{
  gsize n = writer->line->len;

  if (n > 0 && fwrite (writer->line->str, 1, n, writer->out) != n)
    {
      int saved_errno = errno;

      g_string_truncate (writer->line, 0);
      if (saved_errno == ENOSPC || saved_errno == EDQUOT)
        g_set_error (error, EG_ERROR, EG_ERROR_NO_SPACE,
                     "Could not write the flows: the disk is full. Free some space "
                     "and export again");
      else
        g_set_error (error, EG_ERROR, EG_ERROR_FAILED,
                     "Could not write the flows: %s", g_strerror (saved_errno));
      return FALSE;
    }
  g_string_truncate (writer->line, 0);
  return TRUE;
}

static void
append_zeek_time (GString *out)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = g_date_time_format (now, "%Y-%m-%d-%H-%M-%S");

  g_string_append (out, text);
}

static void
append_header (EgFlowWriter *writer)
{
  GString *out = writer->line;

  switch (writer->format)
    {
    case EG_FLOW_FORMAT_ZEEK_TSV:
      g_string_append (out, "#separator \\x09\n"
                            "#set_separator\t,\n"
                            "#empty_field\t(empty)\n"
                            "#unset_field\t-\n"
                            "#path\tconn\n"
                            "#open\t");
      append_zeek_time (out);
      g_string_append (out, "\n#fields");
      for (guint i = 0; i < writer->n_columns; i++)
        {
          g_string_append_c (out, '\t');
          g_string_append (out, writer->columns[i]->name);
        }
      g_string_append (out, "\n#types");
      for (guint i = 0; i < writer->n_columns; i++)
        {
          g_string_append_c (out, '\t');
          g_string_append (out, writer->columns[i]->zeek_type);
        }
      g_string_append_c (out, '\n');
      break;
    case EG_FLOW_FORMAT_CSV:
      for (guint i = 0; i < writer->n_columns; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          g_string_append (out, writer->columns[i]->name);
        }
      g_string_append_c (out, '\n');
      break;
    case EG_FLOW_FORMAT_JSON:
      break;
    }
  writer->header_done = TRUE;
}

gboolean
eg_flow_writer_write (EgFlowWriter  *writer,
                      const EgFlow  *flow,
                      GError       **error)
{
  Cell cells[MAX_CELLS];
  guint n;

  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (flow != NULL, FALSE);
  g_return_val_if_fail (!writer->closed, FALSE);

  if (!writer->header_done)
    append_header (writer);

  n = fill_cells (cells, flow, writer->flags);
  switch (writer->format)
    {
    case EG_FLOW_FORMAT_ZEEK_TSV:
      append_tsv_row (writer->line, cells, n);
      break;
    case EG_FLOW_FORMAT_JSON:
      append_json_row (writer->line, writer->columns, cells, n);
      g_string_append_c (writer->line, '\n');
      break;
    case EG_FLOW_FORMAT_CSV:
      append_csv_row (writer->line, cells, n);
      break;
    }
  return flush_line (writer, error);
}

gboolean
eg_flow_writer_close (EgFlowWriter  *writer,
                      GError       **error)
{
  g_return_val_if_fail (writer != NULL, FALSE);

  if (writer->closed)
    return TRUE;
  writer->closed = TRUE;

  /* An export of no flow still says what it would have held. */
  if (!writer->header_done)
    append_header (writer);
  if (writer->format == EG_FLOW_FORMAT_ZEEK_TSV)
    {
      g_string_append (writer->line, "#close\t");
      append_zeek_time (writer->line);
      g_string_append_c (writer->line, '\n');
    }
  if (!flush_line (writer, error))
    return FALSE;
  if (fflush (writer->out) != 0 || ferror (writer->out))
    {
      int saved_errno = errno;

      if (saved_errno == ENOSPC || saved_errno == EDQUOT)
        g_set_error (error, EG_ERROR, EG_ERROR_NO_SPACE,
                     "Could not write the flows: the disk is full. Free some space "
                     "and export again");
      else
        g_set_error (error, EG_ERROR, EG_ERROR_FAILED,
                     "Could not write the flows: %s", g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

void
eg_flow_writer_free (EgFlowWriter *writer)
{
  if (writer == NULL)
    return;
  g_string_free (writer->line, TRUE);
  g_free (writer);
}
