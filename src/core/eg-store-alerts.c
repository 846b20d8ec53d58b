/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-store-alerts.c: alerts and the flows that are their evidence. */
#include "eg-flow-writer.h"
#include "eg-store-private.h"

#include <errno.h>
#include <string.h>

#include "eg-error.h"

static void
bind_addr (sqlite3_stmt *stmt,
           int           col,
           const EgAddr *addr)
{
  if (addr->family == 0)
    sqlite3_bind_null (stmt, col);
  else
    sqlite3_bind_blob (stmt, col, addr->bytes, eg_addr_len (addr), SQLITE_TRANSIENT);
}

static void
read_addr (sqlite3_stmt *stmt,
           int           col,
           EgAddr       *addr)
{
  int len = sqlite3_column_bytes (stmt, col);
  const guint8 *bytes = sqlite3_column_blob (stmt, col);

  memset (addr, 0, sizeof *addr);
  if (bytes && len == 4)
    eg_addr_set_v4 (addr, bytes);
  else if (bytes && len == 16)
    eg_addr_set_v6 (addr, bytes);
}

static gboolean
insert_alerts_func (EgStore  *store,
                    sqlite3  *db,
                    gpointer  data,
                    GError  **error)
{
  GPtrArray *alerts = data;

  if (store->insert_alert == NULL)
    {
      sqlite3_prepare_v3 (db, "INSERT INTO alerts (ts, detector, src, dst, dport, proto, "
                          "threat_level, confidence, description, country, asn) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", -1,
                          SQLITE_PREPARE_PERSISTENT, &store->insert_alert, NULL);
      sqlite3_prepare_v3 (db, "INSERT INTO alert_evidence (alert_id, uid) VALUES (?, ?)", -1,
                          SQLITE_PREPARE_PERSISTENT, &store->insert_evidence, NULL);
    }
  for (guint i = 0; i < alerts->len; i++)
    {
      EgAlert *alert = alerts->pdata[i];
      sqlite3_stmt *stmt = store->insert_alert;
      gint64 id;

      sqlite3_bind_double (stmt, 1, alert->ts);
      sqlite3_bind_text (stmt, 2, alert->detector, -1, SQLITE_STATIC);
      bind_addr (stmt, 3, &alert->src);
      bind_addr (stmt, 4, &alert->dst);
      sqlite3_bind_int (stmt, 5, alert->dport);
      sqlite3_bind_int (stmt, 6, alert->proto);
      sqlite3_bind_int (stmt, 7, alert->threat_level);
      sqlite3_bind_double (stmt, 8, alert->confidence);
      sqlite3_bind_text (stmt, 9, alert->description, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 10, alert->country[0] ? alert->country : NULL, -1,
                         SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 11, alert->asn);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          eg_store_set_sqlite_error (error, store, db, "storing alerts");
          sqlite3_reset (stmt);
          return FALSE;
        }
      sqlite3_reset (stmt);
      if (sqlite3_changes (db) == 0)
        continue;   /* stored before (schema 6): with its evidence */
      id = sqlite3_last_insert_rowid (db);
      for (guint j = 0; j < alert->uids->len; j++)
        {
          sqlite3_bind_int64 (store->insert_evidence, 1, id);
          sqlite3_bind_text (store->insert_evidence, 2, alert->uids->pdata[j], -1, SQLITE_STATIC);
          if (sqlite3_step (store->insert_evidence) != SQLITE_DONE)
            {
              eg_store_set_sqlite_error (error, store, db, "storing alert evidence");
              sqlite3_reset (store->insert_evidence);
              return FALSE;
            }
          sqlite3_reset (store->insert_evidence);
        }
    }
  return TRUE;
}

void
eg_store_add_alerts (EgStore   *store,
                     GPtrArray *alerts)
{
  if (alerts->len == 0)
    {
      g_ptr_array_unref (alerts);
      return;
    }
  g_ptr_array_set_free_func (alerts, (GDestroyNotify) eg_alert_free);
  eg_store_write_rows_async (store, insert_alerts_func, alerts,
                             (GDestroyNotify) g_ptr_array_unref, 0, alerts->len);
}

GPtrArray *
eg_store_query_alerts (EgStore     *store,
                       const char  *uid,
                       double       from,
                       double       to,
                       GError     **error)
{
  sqlite3 *db = eg_store_lock_reader (store);
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);
  sqlite3_stmt *stmt = NULL, *evidence = NULL;
  int rc;

  if (uid)
    {
      sqlite3_prepare_v2 (db, "SELECT a.id, ts, detector, src, dst, dport, proto, threat_level, "
                          "confidence, description, country, asn FROM alerts a "
                          "WHERE a.id IN (SELECT alert_id FROM alert_evidence WHERE uid = ?1) "
                          "ORDER BY ts, a.id", -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
    }
  else
    {
      sqlite3_prepare_v2 (db, "SELECT id, ts, detector, src, dst, dport, proto, threat_level, "
                          "confidence, description, country, asn FROM alerts "
                          "WHERE ts >= ?1 AND (?2 <= 0 OR ts < ?2) ORDER BY ts, id",
                          -1, &stmt, NULL);
      sqlite3_bind_double (stmt, 1, from);
      sqlite3_bind_double (stmt, 2, to);
    }
  sqlite3_prepare_v2 (db, "SELECT uid FROM alert_evidence WHERE alert_id = ? ORDER BY rowid",
                      -1, &evidence, NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      EgAlert *alert = eg_alert_new ((const char *) sqlite3_column_text (stmt, 2));
      const char *text;

      alert->id = sqlite3_column_int64 (stmt, 0);
      alert->ts = sqlite3_column_double (stmt, 1);
      read_addr (stmt, 3, &alert->src);
      read_addr (stmt, 4, &alert->dst);
      alert->dport = sqlite3_column_int (stmt, 5);
      alert->proto = sqlite3_column_int (stmt, 6);
      alert->threat_level = sqlite3_column_int (stmt, 7);
      alert->confidence = sqlite3_column_double (stmt, 8);
      alert->description = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
      if ((text = (const char *) sqlite3_column_text (stmt, 10)))
        g_strlcpy (alert->country, text, sizeof alert->country);
      alert->asn = sqlite3_column_int64 (stmt, 11);
      sqlite3_bind_int64 (evidence, 1, alert->id);
      while (sqlite3_step (evidence) == SQLITE_ROW)
        eg_alert_add_uid (alert, (const char *) sqlite3_column_text (evidence, 0));
      sqlite3_reset (evidence);
      g_ptr_array_add (alerts, alert);
    }
  if (rc != SQLITE_DONE)
    eg_store_set_sqlite_error (error, store, db, "reading alerts");
  sqlite3_finalize (stmt);
  sqlite3_finalize (evidence);
  eg_store_unlock_reader (store);
  return rc == SQLITE_DONE ? g_steal_pointer (&alerts) : NULL;
}

/* Export */

static gboolean
alert_matches (const EgAlert      *alert,
               const EgFlowFilter *filter)
{
  EgFlow flow;

  if (filter == NULL)
    return TRUE;
  eg_flow_init (&flow);
  flow.ts = alert->ts;
  flow.orig_h = alert->src;
  flow.resp_h = alert->dst;
  flow.resp_p = alert->dport;
  flow.proto = alert->proto;
  if (alert->uids->len == 0)
    return eg_flow_filter_match (filter, &flow);
  for (guint i = 0; i < alert->uids->len; i++)
    {
      g_strlcpy (flow.uid, alert->uids->pdata[i], sizeof flow.uid);
      if (eg_flow_filter_match (filter, &flow))
        return TRUE;
    }
  return FALSE;
}

/* Zeek's TSV escapes: what would break a line, and the two markers. */
static void
append_tsv (GString    *out,
            const char *s)
{
  if (s == NULL)
    {
      g_string_append_c (out, '-');
      return;
    }
  if (*s == '\0')
    {
      g_string_append (out, "(empty)");
      return;
    }
  if (strcmp (s, "-") == 0)
    {
      g_string_append (out, "\\x2d");
      return;
    }
  for (const char *p = s; *p; p++)
    {
      guint8 c = *p;

      if (c < 0x20 || c == 0x7f || c == '\\' || c == ',')
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, c);
    }
}

static void
append_csv (GString    *out,
            const char *s)
{
  if (s != NULL)
    eg_flow_append_csv_value (out, s);
}

#define ALERT_FIELDS "ts", "detector", "src", "dst", "dport", "proto", "threat_level", \
                     "confidence", "description", "uids", "country", "asn"

static void
append_row (GString       *out,
            EgFlowFormat   format,
            const EgAlert *alert)
{
  char src[EG_ADDR_STRLEN], dst[EG_ADDR_STRLEN], num[G_ASCII_DTOSTR_BUF_SIZE];
  char conf[G_ASCII_DTOSTR_BUF_SIZE], port[8], asn[16];
  g_autoptr(GString) uids = g_string_new (NULL);
  gboolean tsv = format == EG_FLOW_FORMAT_ZEEK_TSV;
  const char *cells[12];
  guint n = 0;

  for (guint i = 0; i < alert->uids->len; i++)
    {
      if (i)
        g_string_append_c (uids, tsv ? ',' : ' ');
      if (tsv)
        append_tsv (uids, alert->uids->pdata[i]);
      else
        g_string_append (uids, alert->uids->pdata[i]);
    }
  g_snprintf (port, sizeof port, "%u", alert->dport);
  g_snprintf (asn, sizeof asn, "%u", alert->asn);
  cells[n++] = g_ascii_formatd (num, sizeof num, "%.6f", alert->ts);
  cells[n++] = alert->detector;
  cells[n++] = alert->src.family ? eg_addr_to_string (&alert->src, src) : NULL;
  cells[n++] = alert->dst.family ? eg_addr_to_string (&alert->dst, dst) : NULL;
  cells[n++] = alert->dport || alert->proto == 6 || alert->proto == 17 ? port : NULL;
  cells[n++] = eg_proto_to_string (alert->proto);
  cells[n++] = eg_threat_level_to_string (alert->threat_level);
  cells[n++] = g_ascii_formatd (conf, sizeof conf, "%.3f", alert->confidence);
  cells[n++] = alert->description;
  cells[n++] = uids->str;
  cells[n++] = alert->country[0] ? alert->country : NULL;
  cells[n++] = alert->asn ? asn : NULL;
  g_assert (n == G_N_ELEMENTS (cells));

  for (guint i = 0; i < n; i++)
    {
      if (i)
        g_string_append_c (out, tsv ? '\t' : ',');
      /* The uid set is joined and escaped already: its commas are the set's. */
      if (tsv && i == 9 && cells[i][0])
        g_string_append (out, cells[i]);
      else if (tsv)
        append_tsv (out, cells[i]);
      else
        append_csv (out, cells[i]);
    }
  g_string_append_c (out, '\n');
}

static void
append_header (GString      *out,
               EgFlowFormat  format)
{
  static const char * const fields[] = { ALERT_FIELDS };
  static const char * const types[] = {
    "time", "string", "addr", "addr", "port", "string", "string", "double", "string",
    "set[string]", "string", "count",
  };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *open = g_date_time_format (now, "%Y-%m-%d-%H-%M-%S");

  G_STATIC_ASSERT (G_N_ELEMENTS (fields) == G_N_ELEMENTS (types));
  if (format == EG_FLOW_FORMAT_ZEEK_TSV)
    {
      g_string_append_printf (out, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
                              "#unset_field\t-\n#path\talerts\n#open\t%s\n#fields", open);
      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        g_string_append_printf (out, "\t%s", fields[i]);
      g_string_append (out, "\n#types");
      for (guint i = 0; i < G_N_ELEMENTS (types); i++)
        g_string_append_printf (out, "\t%s", types[i]);
      g_string_append_c (out, '\n');
    }
  else if (format == EG_FLOW_FORMAT_CSV)
    {
      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        g_string_append_printf (out, "%s%s", i ? "," : "", fields[i]);
      g_string_append_c (out, '\n');
    }
}

gboolean
eg_alerts_write (FILE               *out,
                 EgFlowFormat        format,
                 GPtrArray          *alerts,
                 const EgFlowFilter *filter,
                 guint              *n_written,
                 GError            **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = 0;

  append_header (text, format);
  for (guint i = 0; i < alerts->len; i++)
    {
      const EgAlert *alert = alerts->pdata[i];

      if (!alert_matches (alert, filter))
        continue;
      if (format == EG_FLOW_FORMAT_JSON)
        {
          eg_alert_append_json (text, alert);
          g_string_append_c (text, '\n');
        }
      else
        append_row (text, format, alert);
      n++;
      if (text->len > 65536)
        {
          fwrite (text->str, 1, text->len, out);
          g_string_truncate (text, 0);
        }
    }
  if (format == EG_FLOW_FORMAT_ZEEK_TSV)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *close = g_date_time_format (now, "%Y-%m-%d-%H-%M-%S");
      g_string_append_printf (text, "#close\t%s\n", close);
    }
  fwrite (text->str, 1, text->len, out);
  if (fflush (out) != 0 || ferror (out))
    {
      int saved = errno;
      g_set_error (error, EG_ERROR, saved == ENOSPC ? EG_ERROR_NO_SPACE : EG_ERROR_FAILED,
                   "Cannot write the alerts: %s", g_strerror (saved));
      return FALSE;
    }
  if (n_written)
    *n_written = n;
  return TRUE;
}
