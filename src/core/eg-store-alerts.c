/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-store-alerts.c: alerts and the flows that are their evidence. */
#include "eg-store-private.h"

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
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1,
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
  eg_store_write_async (store, insert_alerts_func, alerts,
                        (GDestroyNotify) g_ptr_array_unref, alerts->len);
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
