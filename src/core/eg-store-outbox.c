/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-store-outbox.c: the upload outbox and retention, which must respect it. */
#include "eg-store-private.h"

#include <stdlib.h>
#include <string.h>

#include "eg-error.h"

gboolean
eg_store_get_outbox_counts (EgStore         *store,
                            EgOutboxCounts  *counts,
                            GError         **error)
{
  sqlite3 *db = eg_store_lock_reader (store);
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* Cheap enough to ask a few times a second: the pending count walks the
   * outbox from its floor, the total counts pages, the time is kept aside. */
  sqlite3_prepare_v2 (db, "SELECT (SELECT count (*) FROM outbox WHERE state = 0 "
                      "AND flow_id >= (SELECT floor FROM outbox_floor)), "
                      "(SELECT count (*) FROM outbox), "
                      "(SELECT value FROM meta WHERE key = 'last_sent_at')", -1, &stmt, NULL);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      counts->pending = sqlite3_column_int64 (stmt, 0);
      counts->sent = sqlite3_column_int64 (stmt, 1) - counts->pending;
      counts->last_sent_at = sqlite3_column_double (stmt, 2);
    }
  else
    eg_store_set_sqlite_error (error, store, db, "counting the outbox");
  sqlite3_finalize (stmt);
  eg_store_unlock_reader (store);
  return rc == SQLITE_ROW;
}

gboolean
eg_store_foreach_pending (EgStore            *store,
                          gint64              after,
                          guint               limit,
                          EgStoreOutboxFunc   func,
                          gpointer            user_data,
                          guint              *n_rows,
                          GError            **error)
{
  sqlite3 *db = eg_store_lock_reader (store);
  sqlite3_stmt *stmt = NULL;
  EgStoreReadCache cache = { { { NULL } } };
  guint n = 0;
  int rc;

  /* The outbox's rowid is the flow's id: both walk forward together, from
   * the cursor or the floor, whichever is further. */
  if (sqlite3_prepare_v2 (db, "SELECT o.flow_id, o.generation, " EG_STORE_FLOW_COLUMNS
                          " FROM outbox o JOIN flows f ON f.id = o.flow_id "
                          "WHERE o.flow_id > max (?1, (SELECT floor FROM outbox_floor) - 1) "
                          "AND o.state = 0 ORDER BY o.flow_id LIMIT ?2",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      eg_store_set_sqlite_error (error, store, db, "reading the outbox");
      eg_store_unlock_reader (store);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, after);
  sqlite3_bind_int64 (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      EgOutboxRow row;

      row.flow_id = sqlite3_column_int64 (stmt, 0);
      row.generation = sqlite3_column_int64 (stmt, 1);
      eg_store_read_flow_cached (stmt, 2, &row.flow, &cache);
      n++;
      if (!func (&row, user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  if (rc != SQLITE_DONE)
    eg_store_set_sqlite_error (error, store, db, "reading the outbox");
  sqlite3_finalize (stmt);
  eg_store_unlock_reader (store);
  if (n_rows)
    *n_rows = n;
  return rc == SQLITE_DONE;
}

static gboolean
append_row (const EgOutboxRow *row,
            gpointer           user_data)
{
  g_array_append_vals (user_data, row, 1);
  return TRUE;
}

gboolean
eg_store_get_pending (EgStore  *store,
                      gint64    after,
                      guint     limit,
                      GArray   *out_rows,
                      GError  **error)
{
  return eg_store_foreach_pending (store, after, limit, append_row, out_rows, NULL, error);
}

gboolean
eg_store_lower_outbox_floor (EgStore  *store,
                             sqlite3  *db,
                             gint64    flow_id,
                             GError  **error)
{
  if (store->lower_floor == NULL
      && sqlite3_prepare_v3 (db, "UPDATE outbox_floor SET floor = ?1 WHERE floor > ?1", -1,
                             SQLITE_PREPARE_PERSISTENT, &store->lower_floor, NULL) != SQLITE_OK)
    {
      eg_store_set_sqlite_error (error, store, db, "preparing the outbox floor");
      return FALSE;
    }
  sqlite3_bind_int64 (store->lower_floor, 1, flow_id);
  if (sqlite3_step (store->lower_floor) != SQLITE_DONE)
    {
      eg_store_set_sqlite_error (error, store, db, "lowering the outbox floor");
      sqlite3_reset (store->lower_floor);
      return FALSE;
    }
  sqlite3_reset (store->lower_floor);
  return TRUE;
}

typedef struct {
  gint64          *ids;
  guint32         *generations;
  guint            n;
  EgStoreDoneFunc  done;
  gpointer         user_data;
} SentJob;

/* The writer frees a job after its transaction ended: the moment to tell. */
static void
sent_job_free (gpointer data)
{
  SentJob *job = data;

  if (job->done)
    job->done (job->user_data);
  g_free (job->ids);
  g_free (job->generations);
  g_free (job);
}

typedef struct {
  gint64  id;
  guint32 generation;
} SentRow;

static int
compare_sent_rows (gconstpointer a,
                   gconstpointer b)
{
  const SentRow *x = a, *y = b;

  return x->id < y->id ? -1 : x->id > y->id;
}

static gboolean
mark_sent_func (EgStore  *store,
                sqlite3  *db,
                gpointer  data,
                GError  **error)
{
  SentJob *job = data;
  sqlite3_stmt *stmt = NULL;
  double now = g_get_real_time () / 1e6;
  g_autofree SentRow *rows = g_new (SentRow, MAX (job->n, 1));
  int n_marked = 0;

  for (guint i = 0; i < job->n; i++)
    rows[i] = (SentRow) { job->ids[i], job->generations[i] };
  qsort (rows, job->n, sizeof *rows, compare_sent_rows);

  /* In id order, a run of consecutive ids of one generation is one
   * statement: every id in its range is a row acknowledged here, so
   * nothing else can match, and a row changes once instead of a statement
   * per row. A row that changed while in flight (another generation) keeps
   * waiting: its new content goes out again under the same key. */
  sqlite3_prepare_v2 (db, "UPDATE outbox SET state = 1 "
                      "WHERE flow_id BETWEEN ?1 AND ?2 AND generation = ?3", -1, &stmt, NULL);
  for (guint i = 0, end; i < job->n; i = end + 1)
    {
      for (end = i; end + 1 < job->n && rows[end + 1].id == rows[end].id + 1
                    && rows[end + 1].generation == rows[i].generation; end++)
        ;
      sqlite3_bind_int64 (stmt, 1, rows[i].id);
      sqlite3_bind_int64 (stmt, 2, rows[end].id);
      sqlite3_bind_int64 (stmt, 3, rows[i].generation);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          eg_store_set_sqlite_error (error, store, db, "marking rows sent");
          sqlite3_finalize (stmt);
          return FALSE;
        }
      n_marked += sqlite3_changes (db);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  if (n_marked == 0)
    return TRUE;
  /* The floor goes up to the first row still pending; it passes each sent
   * row once. */
  if (!eg_store_exec (store, db, "UPDATE outbox_floor SET floor = coalesce ("
                      "(SELECT flow_id FROM outbox WHERE flow_id >= outbox_floor.floor "
                      " AND state = 0 ORDER BY flow_id LIMIT 1), "
                      "(SELECT max (flow_id) + 1 FROM outbox), 0)", error))
    return FALSE;
  sqlite3_prepare_v2 (db, "INSERT INTO meta (key, value) VALUES ('last_sent_at', ?) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value", -1, &stmt, NULL);
  sqlite3_bind_double (stmt, 1, now);
  n_marked = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (n_marked != SQLITE_DONE)
    {
      eg_store_set_sqlite_error (error, store, db, "recording the upload time");
      return FALSE;
    }
  return TRUE;
}

void
eg_store_mark_sent (EgStore          *store,
                    const gint64     *flow_ids,
                    const guint32    *generations,
                    guint             n,
                    EgStoreDoneFunc   done,
                    gpointer          user_data)
{
  SentJob *job;

  /* Even an empty job goes through the queue: done keeps its order. */
  if (n == 0 && done == NULL)
    return;
  job = g_new (SentJob, 1);
  job->done = done;
  job->user_data = user_data;
  job->ids = n ? g_memdup2 (flow_ids, n * sizeof (gint64)) : NULL;
  job->generations = n ? g_memdup2 (generations, n * sizeof (guint32)) : NULL;
  job->n = n;
  eg_store_write_async (store, mark_sent_func, job, sent_job_free, n / 4);
}

typedef struct {
  double        cutoff;
  guint64       max_bytes;
  EgPruneFlags  flags;
  EgPruneResult result;
} PruneJob;

static gboolean
step_int (EgStore     *store,
          sqlite3     *db,
          const char  *sql,
          double       arg,
          gint64      *value,
          GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      eg_store_set_sqlite_error (error, store, db, "pruning");
      return FALSE;
    }
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_double (stmt, 1, arg);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && value)
    *value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      eg_store_set_sqlite_error (error, store, db, "pruning");
      return FALSE;
    }
  return TRUE;
}

/* Why a flow is protected (eg-store.h): 1 pending in the outbox, 2 labeled
 * by a person, a rule or ground truth and never queued, 0 not protected. */
#define PROTECTION \
  "CASE WHEN id IN (SELECT flow_id FROM outbox WHERE state = 0 " \
  " AND flow_id >= (SELECT floor FROM outbox_floor)) THEN 1 " \
  "WHEN label IS NOT NULL AND label_source >= 2 " \
  " AND id NOT IN (SELECT flow_id FROM outbox) THEN 2 ELSE 0 END"
G_STATIC_ASSERT (EG_LABEL_SOURCE_IMPORTED == 2);

/* Deletes the flows listed in temp.prune_ids and counts them. */
static gboolean
delete_listed (EgStore   *store,
               sqlite3   *db,
               PruneJob  *job,
               double    *newest,
               gint64    *n_deleted,
               GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  sqlite3_prepare_v2 (db, "SELECT count (*), total (kind > 0), max (ts) FROM temp.prune_ids",
                      -1, &stmt, NULL);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *n_deleted = sqlite3_column_int64 (stmt, 0);
      job->result.n_deleted += *n_deleted;
      job->result.n_dropped_unsent += (guint64) sqlite3_column_double (stmt, 1);
      if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
        *newest = MAX (*newest, sqlite3_column_double (stmt, 2));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    {
      eg_store_set_sqlite_error (error, store, db, "pruning");
      return FALSE;
    }
  return eg_store_exec (store, db, "DELETE FROM flows WHERE id IN (SELECT id FROM temp.prune_ids);"
                        "INSERT INTO temp.pruned SELECT id FROM temp.prune_ids;"
                        "DELETE FROM temp.prune_ids;", error);
}

static gboolean
prune_func (EgStore  *store,
            sqlite3  *db,
            gpointer  data,
            GError  **error)
{
  PruneJob *job = data;
  gboolean force = (job->flags & EG_PRUNE_INCLUDE_UNSENT) != 0;
  const char *which = force ? "" : " WHERE kind = 0";
  /* The newest flow a limit reached: protected flows up to it were kept. */
  double reach = 0;
  gboolean size_unmet = FALSE;
  gint64 n = 0;

  /* A job may run twice (see run_jobs in eg-store.c). */
  memset (&job->result, 0, sizeof job->result);
  if (!eg_store_exec (store, db, "CREATE TEMP TABLE IF NOT EXISTS prune_ids "
                      "(id INTEGER PRIMARY KEY, ts REAL, kind INTEGER);"
                      "CREATE TEMP TABLE IF NOT EXISTS pruned (id INTEGER PRIMARY KEY);"
                      "DELETE FROM temp.prune_ids; DELETE FROM temp.pruned;", error))
    return FALSE;

  if (job->cutoff > 0)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO temp.prune_ids SELECT * FROM "
                                              "(SELECT id, ts, " PROTECTION " AS kind FROM flows "
                                              "WHERE ts < ?)%s", which);
      if (!step_int (store, db, sql, job->cutoff, NULL, error)
          || !delete_listed (store, db, job, &reach, &n, error))
        return FALSE;
      reach = MAX (reach, job->cutoff);
    }

  /* Size: the pages in use, since a deleted row frees pages but not the file. */
  for (guint round = 0; job->max_bytes > 0 && round < 8; round++)
    {
      gint64 pages = 0, free_pages = 0, page_size = 0, n_flows = 0;
      double used, per_flow;
      g_autofree char *sql = NULL;

      if (!step_int (store, db, "PRAGMA page_count", 0, &pages, error)
          || !step_int (store, db, "PRAGMA freelist_count", 0, &free_pages, error)
          || !step_int (store, db, "PRAGMA page_size", 0, &page_size, error)
          || !step_int (store, db, "SELECT count (*) FROM flows", 0, &n_flows, error))
        return FALSE;
      used = (double) (pages - free_pages) * page_size;
      size_unmet = used > job->max_bytes;
      if (!size_unmet || n_flows == 0)
        break;
      per_flow = used / n_flows;
      n = (gint64) ((used - job->max_bytes) / per_flow) + 1 + n_flows / 100;
      sql = g_strdup_printf ("INSERT INTO temp.prune_ids SELECT * FROM "
                             "(SELECT id, ts, " PROTECTION " AS kind FROM flows)%s "
                             "ORDER BY ts LIMIT %" G_GINT64_FORMAT, which, n);
      if (!eg_store_exec (store, db, sql, error)
          || !delete_listed (store, db, job, &reach, &n, error))
        return FALSE;
      if (n == 0)
        break;  /* only protected flows are left */
    }

  if (!force && (reach > 0 || size_unmet))
    {
      sqlite3_stmt *stmt = NULL;
      int rc;

      /* With the size unmet, every protected flow stood in its way. */
      sqlite3_prepare_v2 (db, "SELECT total (kind = 1), total (kind = 2) FROM "
                          "(SELECT " PROTECTION " AS kind FROM flows WHERE ?1 OR ts < ?2)",
                          -1, &stmt, NULL);
      sqlite3_bind_int (stmt, 1, size_unmet);
      sqlite3_bind_double (stmt, 2, reach);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          job->result.n_kept_pending = (guint64) sqlite3_column_double (stmt, 0);
          job->result.n_kept_unqueued = (guint64) sqlite3_column_double (stmt, 1);
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_ROW)
        {
          eg_store_set_sqlite_error (error, store, db, "counting kept flows");
          return FALSE;
        }
    }

  if (job->result.n_deleted == 0)
    return TRUE;
  /* What went with the deleted flows, found by their ids. */
  return eg_store_exec (store, db,
                        "DELETE FROM outbox WHERE flow_id IN (SELECT id FROM temp.pruned);"
                        "DELETE FROM label_history WHERE flow_id IN (SELECT id FROM temp.pruned);"
                        "DELETE FROM label_changes WHERE id NOT IN "
                        "  (SELECT change_id FROM label_history);"
                        "DELETE FROM temp.pruned;", error);
}

gboolean
eg_store_prune (EgStore        *store,
                double          now,
                double          max_age,
                guint64         max_bytes,
                EgPruneFlags    flags,
                EgPruneResult  *result,
                GError        **error)
{
  PruneJob job = { max_age > 0 ? now - max_age : 0, max_bytes, flags, { 0 } };

  if (!eg_store_write_sync (store, prune_func, &job, error))
    return FALSE;
  if (result)
    *result = job.result;
  return TRUE;
}

/* Automatic retention, run by the writer thread (eg-store.c). */
gboolean
eg_store_run_retention (EgStore        *store,
                        sqlite3        *db,
                        double          max_age,
                        guint64         max_bytes,
                        EgPruneResult  *result,
                        GError        **error)
{
  PruneJob job = { max_age > 0 ? g_get_real_time () / 1e6 - max_age : 0, max_bytes,
                   EG_PRUNE_NONE, { 0 } };
  gboolean ok = prune_func (store, db, &job, error);

  *result = job.result;
  return ok;
}

char *
eg_prune_result_describe (const EgPruneResult *result)
{
  GString *text = g_string_new (NULL);

  g_string_printf (text, "%" G_GUINT64_FORMAT " flows deleted", result->n_deleted);
  if (result->n_kept_pending)
    g_string_append_printf (text, "; kept %" G_GUINT64_FORMAT " labeled flows that wait for "
                            "Kafka's acknowledgement (upload them first)",
                            result->n_kept_pending);
  if (result->n_kept_unqueued)
    g_string_append_printf (text, "; kept %" G_GUINT64_FORMAT " labeled flows that were never "
                            "queued for upload (export them, or prune with --include-unsent)",
                            result->n_kept_unqueued);
  if (result->n_dropped_unsent)
    g_string_append_printf (text, "; %" G_GUINT64_FORMAT " of the deleted flows were labeled "
                            "and never acknowledged by Kafka (--include-unsent)",
                            result->n_dropped_unsent);
  return g_string_free (text, FALSE);
}
