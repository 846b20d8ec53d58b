/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-store.c: opening, schema migrations and the writer thread. */
#include "eg-store-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "eg-error.h"
#include "eg-thread.h"

/* "EGDB": tells our files from other SQLite databases. */
#define EG_STORE_APPLICATION_ID 0x45474442

/* The batch a transaction takes before it commits (flows). Random uids
 * touch most pages of the uid index in any batch, and each commit writes
 * them to the WAL again: under a burst, fewer and larger commits. The
 * writer takes only what is queued, so a steady trickle commits at once. */
#define WRITER_BATCH_WEIGHT 100000
/* The queue's bound: add_flows waits beyond it. */
#define QUEUE_MAX_WEIGHT    200000
/* A full disk: how often held jobs are tried again, and how many flows'
 * worth of them memory keeps (each EgFlow is under a kilobyte). */
#define HELD_RETRY          G_TIME_SPAN_SECOND
#define HELD_MAX_WEIGHT     250000
/* WAL pages (4 KiB) after which a checkpoint copies them into the database. */
#define CHECKPOINT_PAGES    8192

/* migrations[i] takes a database from schema i to i + 1. Never edit one
 * that shipped: add the next. */
static const char * const migrations[] = {
  /* 0 -> 1 */
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE flows ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  ts REAL NOT NULL, duration REAL,"
  "  orig_h BLOB, orig_p INTEGER, resp_h BLOB, resp_p INTEGER,"
  "  proto INTEGER, service TEXT, conn_state INTEGER, history TEXT,"
  "  orig_bytes INTEGER, resp_bytes INTEGER, missed_bytes INTEGER,"
  "  orig_pkts INTEGER, orig_ip_bytes INTEGER, resp_pkts INTEGER, resp_ip_bytes INTEGER,"
  "  community_id TEXT, origin INTEGER, flags INTEGER, country TEXT, asn INTEGER,"
  "  score REAL, model_version INTEGER,"
  "  label TEXT, detailed_label TEXT, label_source INTEGER NOT NULL DEFAULT 0,"
  "  stats BLOB);"
  "CREATE INDEX flows_ts ON flows (ts);"
  "CREATE TABLE label_changes ("
  "  id INTEGER PRIMARY KEY, at REAL NOT NULL, who TEXT, kind TEXT NOT NULL,"
  "  description TEXT, undone INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE label_history ("
  "  id INTEGER PRIMARY KEY, change_id INTEGER NOT NULL, flow_id INTEGER NOT NULL,"
  "  uid TEXT NOT NULL,"
  "  old_label TEXT, old_detailed_label TEXT, old_source INTEGER,"
  "  new_label TEXT, new_detailed_label TEXT, new_source INTEGER);"
  "CREATE INDEX label_history_uid ON label_history (uid);"
  "CREATE INDEX label_history_change ON label_history (change_id);"
  "CREATE TABLE label_rules ("
  "  position INTEGER PRIMARY KEY, label TEXT NOT NULL, detailed_label TEXT,"
  "  conditions TEXT NOT NULL);"
  "CREATE TABLE alerts ("
  "  id INTEGER PRIMARY KEY, ts REAL NOT NULL, detector TEXT NOT NULL,"
  "  src BLOB, dst BLOB, dport INTEGER, proto INTEGER, threat_level INTEGER,"
  "  confidence REAL, description TEXT, country TEXT, asn INTEGER);"
  "CREATE INDEX alerts_ts ON alerts (ts);"
  "CREATE TABLE alert_evidence (alert_id INTEGER NOT NULL, uid TEXT NOT NULL);"
  "CREATE INDEX alert_evidence_uid ON alert_evidence (uid);"
  "CREATE INDEX alert_evidence_alert ON alert_evidence (alert_id);"
  "CREATE TABLE models ("
  "  version INTEGER PRIMARY KEY, path TEXT, added_at REAL, metadata TEXT);"
  /* state 0: pending, 1: acknowledged by Kafka. */
  "CREATE TABLE outbox ("
  "  flow_id INTEGER PRIMARY KEY, generation INTEGER NOT NULL DEFAULT 1,"
  "  state INTEGER NOT NULL DEFAULT 0, queued_at REAL, sent_at REAL);"
  "CREATE INDEX outbox_pending ON outbox (flow_id) WHERE state = 0;",
  /* 1 -> 2: retention drops the history of the flows it deletes by id
   * instead of scanning the whole history (which now holds a row for every
   * flow that arrived labeled). */
  "CREATE INDEX label_history_flow ON label_history (flow_id);",
  /* 2 -> 3: no index of the pending rows. Taking a row out of it was half
   * the cost of marking the row sent (and a part of every insert); reads
   * and counts walk the outbox from a floor instead, below which no row is
   * pending (eg_store_lower_outbox_floor). */
  "DROP INDEX outbox_pending;"
  "CREATE TABLE outbox_floor (floor INTEGER NOT NULL);"
  "INSERT INTO outbox_floor VALUES (coalesce ((SELECT min (flow_id) FROM outbox WHERE state = 0),"
  "  (SELECT max (flow_id) + 1 FROM outbox), 0));",
  /* 3 -> 4: the time-window features a flow was scored with, so that a
   * flow read back is explained from the row its score came from. */
  "ALTER TABLE flows ADD COLUMN context BLOB;",
  /* 4 -> 5: no time per sent row (nothing read it; meta's last_sent_at
   * says when the last upload ended). Marking a row sent then flips one
   * integer of the same size, and SQLite rewrites the row in place: half
   * the cost of growing each row by a REAL. */
  "ALTER TABLE outbox DROP COLUMN sent_at;",
  /* 5 -> 6: an alert is stored once. A capture read again raises its alerts
   * again (its flows keep their uids, eg_flow_table_set_uid_source): the
   * same detector, time, source, target, port and words are the same
   * alert. Copies stored before go, with their evidence. */
  "DELETE FROM alert_evidence WHERE alert_id IN (SELECT a.id FROM alerts a WHERE EXISTS ("
  "  SELECT 1 FROM alerts b WHERE b.id < a.id AND b.ts = a.ts AND b.detector = a.detector"
  "  AND b.src IS a.src AND b.dst IS a.dst AND b.dport IS a.dport"
  "  AND b.description IS a.description));"
  "DELETE FROM alerts WHERE EXISTS ("
  "  SELECT 1 FROM alerts b WHERE b.id < alerts.id AND b.ts = alerts.ts"
  "  AND b.detector = alerts.detector AND b.src IS alerts.src AND b.dst IS alerts.dst"
  "  AND b.dport IS alerts.dport AND b.description IS alerts.description);"
  "CREATE UNIQUE INDEX alerts_once ON alerts (ts, detector, coalesce (src, x''),"
  "  coalesce (dst, x''), coalesce (dport, -1), coalesce (description, ''));",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == EG_STORE_SCHEMA_VERSION);

typedef struct {
  EgStoreWriteFunc func;
  gpointer         data;
  GDestroyNotify   free_data;
  guint            weight;
  gboolean         sync;
  gboolean         done;
  GError          *error;
  guint            n_flows, n_alerts;
  gboolean         deferred;   /* not run: a job before it found the disk full */
} Job;

void
eg_store_set_sqlite_error (GError    **error,
                           EgStore    *store,
                           sqlite3    *db,
                           const char *what)
{
  int code = db ? sqlite3_errcode (db) : SQLITE_ERROR;
  int domain_code = EG_ERROR_FAILED;

  if (code == SQLITE_FULL)
    domain_code = EG_ERROR_NO_SPACE;
  else if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
    domain_code = EG_ERROR_FORMAT;
  else if (code == SQLITE_READONLY || code == SQLITE_PERM || code == SQLITE_CANTOPEN)
    domain_code = EG_ERROR_PERMISSION;
  g_set_error (error, EG_ERROR, domain_code, "Database %s: %s failed: %s",
               store->path, what, db ? sqlite3_errmsg (db) : "out of memory");
}

gboolean
eg_store_exec (EgStore     *store,
               sqlite3     *db,
               const char  *sql,
               GError     **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      eg_store_set_sqlite_error (error, store, db, sql);
      return FALSE;
    }
  return TRUE;
}

sqlite3 *
eg_store_lock_reader (EgStore *store)
{
  g_mutex_lock (&store->read_lock);
  return store->read_db;
}

void
eg_store_unlock_reader (EgStore *store)
{
  g_mutex_unlock (&store->read_lock);
}

char *
eg_store_default_path (const EgConfig *config)
{
  if (config && config->database_path && *config->database_path)
    return g_strdup (config->database_path);
  return g_build_filename (g_get_user_data_dir (), "edgeguard", "edgeguard.db", NULL);
}

static gboolean
query_int (EgStore     *store,
           sqlite3     *db,
           const char  *sql,
           gint64      *value,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      eg_store_set_sqlite_error (error, store, db, sql);
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      eg_store_set_sqlite_error (error, store, db, sql);
      return FALSE;
    }
  return TRUE;
}

/* Memory statistics take a global mutex around every allocation SQLite
 * makes (about 7% of the writer's CPU under an insert burst); nothing here
 * reads them. Only possible before SQLite initializes,
 * harmless (SQLITE_MISUSE) after. */
static void
configure_sqlite_once (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      g_once_init_leave (&done, 1);
    }
}

static sqlite3 *
open_connection (EgStore  *store,
                 GError  **error)
{
  sqlite3 *db = NULL;
  int rc;

  configure_sqlite_once ();
  rc = sqlite3_open_v2 (store->path, &db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                            NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_PERMISSION,
                   "Cannot open the database %s: %s; check the path and its permissions",
                   store->path, db ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 10000);
  /* Reads (queries, the sender's outbox scans) without a read() per page. */
  sqlite3_exec (db, "PRAGMA mmap_size = 268435456", NULL, NULL, NULL);
  sqlite3_extended_result_codes (db, 0);
  return db;
}

/* Reads the header before SQLite does, so a wrong file gets a clear word. */
static gboolean
check_file_kind (EgStore  *store,
                 GError  **error)
{
  char head[16] = { 0 };
  FILE *f = g_fopen (store->path, "rb");
  size_t n;

  if (f == NULL)
    return TRUE;  /* created below */
  n = fread (head, 1, sizeof head, f);
  fclose (f);
  if (n == 0)
    return TRUE;  /* an empty file becomes a database */
  if (n < sizeof head || memcmp (head, "SQLite format 3", 16) != 0)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "%s is not an Edgeguard database (not an SQLite file); "
                   "choose another path with --db", store->path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (EgStore  *store,
         sqlite3  *db,
         GError  **error)
{
  gint64 version = 0, app_id = 0, n_tables = 0;

  if (!query_int (store, db, "PRAGMA user_version", &version, error)
      || !query_int (store, db, "PRAGMA application_id", &app_id, error)
      || !query_int (store, db, "SELECT count(*) FROM sqlite_master", &n_tables, error))
    {
      if (error && *error && (*error)->code == EG_ERROR_FORMAT)
        {
          g_clear_error (error);
          g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                       "%s is not an Edgeguard database (not an SQLite file, or damaged); "
                       "choose another path with --db", store->path);
        }
      return FALSE;
    }
  if (n_tables > 0 && app_id != EG_STORE_APPLICATION_ID)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "%s is an SQLite database of another program, not an Edgeguard "
                   "database; choose another path with --db", store->path);
      return FALSE;
    }
  if (version > EG_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_SCHEMA_MISMATCH,
                   "%s was written by a newer Edgeguard (database schema %" G_GINT64_FORMAT
                   ", this version knows up to %d); update Edgeguard or use another database",
                   store->path, version, EG_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  for (gint64 v = version; v < EG_STORE_SCHEMA_VERSION; v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT ";"
                                               "PRAGMA application_id = %d;",
                                               v + 1, EG_STORE_APPLICATION_ID);
      if (!eg_store_exec (store, db, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!eg_store_exec (store, db, migrations[v], error)
          || !eg_store_exec (store, db, bump, error)
          || !eg_store_exec (store, db, "COMMIT", error))
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          g_prefix_error (error, "Upgrading the database schema to %d: ", (int) v + 1);
          return FALSE;
        }
    }
  store->schema_version = EG_STORE_SCHEMA_VERSION;
  return TRUE;
}

static gboolean
ensure_sensor_id (EgStore  *store,
                  sqlite3  *db,
                  GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'sensor_id'", -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    store->sensor_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (store->sensor_id)
    return TRUE;

  store->sensor_id = g_uuid_string_random ();
  sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO meta (key, value) VALUES ('sensor_id', ?)",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, store->sensor_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      eg_store_set_sqlite_error (error, store, db, "creating the sensor id");
      return FALSE;
    }
  /* Two processes may race on a new file: the one that won names the sensor. */
  g_clear_pointer (&store->sensor_id, g_free);
  sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'sensor_id'", -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    store->sensor_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return store->sensor_id != NULL;
}

static gboolean
flush_func (EgStore  *store,
            sqlite3  *db,
            gpointer  data,
            GError  **error)
{
  return TRUE;
}

static gboolean
is_no_space (const GError *error)
{
  return g_error_matches (error, EG_ERROR, EG_ERROR_NO_SPACE);
}

/* One job in a transaction of its own. */
static void
run_job_alone (EgStore *store,
               Job     *job)
{
  sqlite3 *db = store->write_db;

  g_clear_error (&job->error);
  if (!eg_store_exec (store, db, "BEGIN IMMEDIATE", &job->error))
    return;
  if (!job->func (store, db, job->data, &job->error))
    {
      if (job->error == NULL)
        g_set_error (&job->error, EG_ERROR, EG_ERROR_FAILED, "Database %s: write failed",
                     store->path);
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return;
    }
  if (!eg_store_exec (store, db, "COMMIT", &job->error))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

/* The batch in one transaction. Savepoints per job would journal every
 * page they touch (and SQLite's in-memory journal grows quadratically), so
 * on a failure the batch rolls back and each job runs again alone: the bad
 * one fails by itself, the others commit. */
static void
run_jobs (EgStore   *store,
          GPtrArray *batch)
{
  sqlite3 *db = store->write_db;
  g_autoptr(GError) tx_error = NULL;
  gboolean ok;

  if (batch->len == 1)
    {
      run_job_alone (store, batch->pdata[0]);
      return;
    }
  ok = eg_store_exec (store, db, "BEGIN IMMEDIATE", &tx_error);
  for (guint i = 0; i < batch->len && ok; i++)
    {
      Job *job = batch->pdata[i];
      ok = job->func (store, db, job->data, &tx_error);
    }
  if (ok && eg_store_exec (store, db, "COMMIT", &tx_error))
    return;
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  for (guint i = 0, full = FALSE; i < batch->len; i++)
    {
      Job *job = batch->pdata[i];

      /* After a job the disk had no room for, none runs: a later one
       * (a relabel, say) must not overtake the rows it would change. */
      if (full)
        {
          job->deferred = TRUE;
          continue;
        }
      run_job_alone (store, job);
      full = is_no_space (job->error);
    }
}

typedef struct {
  double  max_age;
  guint64 max_bytes;
  EgPruneResult result;
} RetentionJob;

static gboolean
retention_func (EgStore  *store,
                sqlite3  *db,
                gpointer  data,
                GError  **error)
{
  RetentionJob *job = data;

  return eg_store_run_retention (store, db, job->max_age, job->max_bytes, &job->result, error);
}

/* Between batches, in a transaction of its own: the configured limits hold
 * without anyone calling prune, and a writer that stores fast checks often. */
static void
maybe_run_retention (EgStore *store)
{
  RetentionJob data = { 0 };
  Job job = { retention_func, &data, NULL, 0, TRUE, FALSE, NULL };
  gint64 now = g_get_monotonic_time ();
  gboolean due;

  g_mutex_lock (&store->lock);
  data.max_age = store->retention_max_age;
  data.max_bytes = store->retention_max_bytes;
  due = (data.max_age > 0 || data.max_bytes > 0)
        && (store->retention_due
            || store->flows_since_retention >= EG_STORE_RETENTION_EVERY_FLOWS
            || (store->flows_since_retention > 0
                && now - store->retention_last >= EG_STORE_RETENTION_INTERVAL * G_TIME_SPAN_SECOND));
  if (due)
    {
      store->retention_due = FALSE;
      store->flows_since_retention = 0;
      store->retention_last = now;
    }
  g_mutex_unlock (&store->lock);
  if (!due)
    return;

  run_job_alone (store, &job);
  if (job.error)
    {
      g_message ("Retention of %s: %s", store->path, job.error->message);
      g_clear_error (&job.error);
      return;
    }
  if (data.result.n_deleted || data.result.n_kept_pending || data.result.n_kept_unqueued)
    {
      g_autofree char *text = eg_prune_result_describe (&data.result);
      g_message ("Retention of %s: %s", store->path, text);
    }
  g_mutex_lock (&store->lock);
  store->retention_result = data.result;
  store->has_retention_result = TRUE;
  g_mutex_unlock (&store->lock);
}

void
eg_store_set_retention (EgStore *store,
                        double   max_age,
                        guint64  max_bytes)
{
  g_mutex_lock (&store->lock);
  store->retention_max_age = MAX (max_age, 0);
  store->retention_max_bytes = max_bytes;
  store->retention_due = TRUE;
  g_mutex_unlock (&store->lock);
  /* Wakes the writer, which then runs it. */
  eg_store_write_async (store, flush_func, NULL, NULL, 0);
}

void
eg_store_apply_config (EgStore        *store,
                       const EgConfig *config)
{
  eg_store_set_retention (store, config->retention_days * 86400.0, config->retention_bytes);
}

gboolean
eg_store_get_last_retention (EgStore       *store,
                             EgPruneResult *result)
{
  gboolean any;

  g_mutex_lock (&store->lock);
  any = store->has_retention_result;
  if (any)
    *result = store->retention_result;
  g_mutex_unlock (&store->lock);
  return any;
}

static void trim_held (EgStore *store);

static GError *
new_no_space_error (EgStore *store)
{
  return g_error_new (EG_ERROR, EG_ERROR_NO_SPACE, "Database %s: the disk is full", store->path);
}

/* Into the held queue, counted: at its tail (newly held) or its head (tried
 * again, still no room). Under lock. */
static void
push_held (EgStore  *store,
           Job      *job,
           gboolean  at_head)
{
  g_clear_error (&job->error);
  job->deferred = FALSE;
  store->held_weight += job->weight;
  store->held_flows += job->n_flows;
  store->held_alerts += job->n_alerts;
  if (at_head)
    g_queue_push_head (&store->held, job);
  else
    g_queue_push_tail (&store->held, job);
}

/* After its run: a background job that found the disk full goes to the
 * held queue, every other one is done. Under lock. */
static void
finish_job (EgStore *store,
            Job     *job)
{
  if (job->sync)
    {
      /* Its caller tells the operator: a relabel refused, a flush. */
      if (job->deferred && job->error == NULL)
        job->error = store->held_error ? g_error_copy (store->held_error)
                                       : new_no_space_error (store);
      job->done = TRUE;
      return;
    }
  if (job->deferred || is_no_space (job->error))
    {
      if (store->held_error == NULL)
        {
          store->held_error = job->error ? g_error_copy (job->error)
                                         : new_no_space_error (store);
          store->next_retry = g_get_monotonic_time () + HELD_RETRY;
          g_message ("%s: writes wait until there is room", store->held_error->message);
        }
      push_held (store, job, FALSE);
      trim_held (store);
      return;
    }
  /* The first failure waits for eg_store_flush; later ones are only
   * logged (a runtime condition, not a bug). */
  if (job->error && store->async_error == NULL)
    store->async_error = g_steal_pointer (&job->error);
  if (job->error)
    g_message ("%s", job->error->message);
  g_clear_error (&job->error);
  if (job->free_data)
    job->free_data (job->data);
  g_free (job);
}

static Job *
pop_held (EgStore *store)
{
  Job *job = g_queue_pop_head (&store->held);

  store->held_weight -= job->weight;
  store->held_flows -= job->n_flows;
  store->held_alerts -= job->n_alerts;
  return job;
}

static void
give_up_held (EgStore *store,
              Job     *job)
{
  store->lost_flows += job->n_flows;
  store->lost_alerts += job->n_alerts;
  if (job->free_data)
    job->free_data (job->data);
  g_free (job);
}

/* Memory keeps a bound: past it, the oldest held jobs are given up. */
static void
trim_held (EgStore *store)
{
  guint64 lost = store->lost_flows;

  while (store->held_weight > store->held_max_weight && g_queue_get_length (&store->held) > 1)
    give_up_held (store, pop_held (store));
  /* Once: the total goes with the message that ends the episode. */
  if (lost == 0 && store->lost_flows > 0)
    g_message ("%s: %" G_GUINT64_FORMAT " flows wait; older ones are given up, to keep "
               "memory bounded", store->held_error->message, store->held_flows);
}

/* With writes held back, everything new joins them, in order. Under lock. */
static void
hold_queued (EgStore *store)
{
  while (!g_queue_is_empty (&store->jobs))
    {
      Job *job = g_queue_pop_head (&store->jobs);

      store->queued_weight -= job->weight;
      job->deferred = TRUE;
      finish_job (store, job);
    }
  g_cond_broadcast (&store->cond);
}

/* Tries the held jobs again, oldest first, one transaction each, until one
 * still finds no room. Called unlocked; takes the lock. */
static void
retry_held (EgStore *store)
{
  g_mutex_lock (&store->lock);
  while (!g_queue_is_empty (&store->held))
    {
      Job *job = pop_held (store);

      g_mutex_unlock (&store->lock);
      run_job_alone (store, job);
      g_mutex_lock (&store->lock);
      if (is_no_space (job->error))
        {
          push_held (store, job, TRUE);
          store->next_retry = g_get_monotonic_time () + HELD_RETRY;
          break;
        }
      finish_job (store, job);
    }
  if (g_queue_is_empty (&store->held) && store->held_error)
    {
      if (store->lost_flows + store->lost_alerts > 0)
        g_message ("Database %s: there is room again; what waited is stored, but for %"
                   G_GUINT64_FORMAT " flows and %" G_GUINT64_FORMAT " alerts given up",
                   store->path, store->lost_flows, store->lost_alerts);
      else
        g_message ("Database %s: there is room again; every write that waited is stored",
                   store->path);
      g_clear_error (&store->held_error);
    }
  g_cond_broadcast (&store->cond);
  g_mutex_unlock (&store->lock);
}

static gpointer
writer_thread (gpointer data)
{
  EgStore *store = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();

  for (;;)
    {
      guint weight = 0;

      g_mutex_lock (&store->lock);
      if (store->max_pages >= 0)
        {
          g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                                                  store->max_pages ? store->max_pages
                                                                   : G_GINT64_CONSTANT (4294967294));
          store->max_pages = -1;
          g_mutex_unlock (&store->lock);
          sqlite3_exec (store->write_db, sql, NULL, NULL, NULL);
          g_mutex_lock (&store->lock);
        }
      while (g_queue_is_empty (&store->jobs) && !store->closing && store->max_pages < 0
             && (g_queue_is_empty (&store->held) || g_get_monotonic_time () < store->next_retry))
        {
          if (g_queue_is_empty (&store->held))
            g_cond_wait (&store->cond, &store->lock);
          else
            g_cond_wait_until (&store->cond, &store->lock, store->next_retry);
        }
      if (store->max_pages >= 0)
        {
          g_mutex_unlock (&store->lock);
          continue;   /* the limit first */
        }
      if (!g_queue_is_empty (&store->held))
        {
          gboolean closing = store->closing;

          hold_queued (store);
          g_mutex_unlock (&store->lock);
          if (closing || g_get_monotonic_time () >= store->next_retry)
            retry_held (store);
          g_mutex_lock (&store->lock);
          if (closing && !g_queue_is_empty (&store->held))
            {
              /* Closing with the disk still full: the one loss left. */
              guint64 flows = store->lost_flows, alerts = store->lost_alerts;

              while (!g_queue_is_empty (&store->held))
                give_up_held (store, pop_held (store));
              g_message ("%s: closing; %" G_GUINT64_FORMAT " flows and %" G_GUINT64_FORMAT
                         " alerts were not stored", store->held_error->message,
                         store->lost_flows - flows, store->lost_alerts - alerts);
            }
          g_mutex_unlock (&store->lock);
          if (closing)
            break;
          continue;
        }
      if (g_queue_is_empty (&store->jobs))
        {
          gboolean closing = store->closing;

          g_mutex_unlock (&store->lock);
          if (closing)
            break;
          continue;   /* woken for a limit to apply */
        }
      /* Everything queued up to a batch's worth goes in one transaction. */
      while (!g_queue_is_empty (&store->jobs) && weight < WRITER_BATCH_WEIGHT)
        {
          Job *job = g_queue_pop_head (&store->jobs);
          weight += job->weight;
          g_ptr_array_add (batch, job);
        }
      g_mutex_unlock (&store->lock);

      run_jobs (store, batch);
      /* Before the batch's callers wake: a flush after set_retention sees
       * the run done. */
      maybe_run_retention (store);

      g_mutex_lock (&store->lock);
      for (guint i = 0; i < batch->len; i++)
        {
          Job *job = batch->pdata[i];

          store->queued_weight -= job->weight;
          finish_job (store, job);
        }
      g_cond_broadcast (&store->cond);
      g_mutex_unlock (&store->lock);
      g_ptr_array_set_size (batch, 0);
    }
  return NULL;
}

static void
queue_job (EgStore *store,
           Job     *job)
{
  g_mutex_lock (&store->lock);
  /* Back-pressure: a full queue makes the producer wait, it never drops. */
  while (job->weight > 0 && store->queued_weight > 0
         && store->queued_weight + job->weight > QUEUE_MAX_WEIGHT)
    g_cond_wait (&store->cond, &store->lock);
  store->queued_weight += job->weight;
  g_queue_push_tail (&store->jobs, job);
  g_cond_broadcast (&store->cond);
  if (job->sync)
    while (!job->done)
      g_cond_wait (&store->cond, &store->lock);
  g_mutex_unlock (&store->lock);
}

gboolean
eg_store_write_sync (EgStore          *store,
                     EgStoreWriteFunc  func,
                     gpointer          data,
                     GError          **error)
{
  Job job = { func, data, NULL, 0, TRUE, FALSE, NULL };

  queue_job (store, &job);
  if (job.error)
    {
      g_propagate_error (error, job.error);
      return FALSE;
    }
  return TRUE;
}

static void
queue_async (EgStore          *store,
             EgStoreWriteFunc  func,
             gpointer          data,
             GDestroyNotify    free_data,
             guint             weight,
             guint             n_flows,
             guint             n_alerts)
{
  Job *job = g_new0 (Job, 1);

  job->func = func;
  job->data = data;
  job->free_data = free_data;
  job->weight = weight;
  job->n_flows = n_flows;
  job->n_alerts = n_alerts;
  queue_job (store, job);
}

void
eg_store_write_async (EgStore          *store,
                      EgStoreWriteFunc  func,
                      gpointer          data,
                      GDestroyNotify    free_data,
                      guint             weight)
{
  queue_async (store, func, data, free_data, weight, 0, 0);
}

void
eg_store_write_rows_async (EgStore          *store,
                           EgStoreWriteFunc  func,
                           gpointer          data,
                           GDestroyNotify    free_data,
                           guint             n_flows,
                           guint             n_alerts)
{
  queue_async (store, func, data, free_data, n_flows + n_alerts, n_flows, n_alerts);
}

void
eg_store_limit_for_test (EgStore *store,
                         guint64  n_pages,
                         guint64  max_weight)
{
  g_mutex_lock (&store->lock);
  store->max_pages = n_pages;
  store->held_max_weight = max_weight ? max_weight : HELD_MAX_WEIGHT;
  g_cond_broadcast (&store->cond);
  g_mutex_unlock (&store->lock);
}

void
eg_store_get_write_state (EgStore           *store,
                          EgStoreWriteState *state)
{
  g_mutex_lock (&store->lock);
  state->waiting_flows = store->held_flows;
  state->waiting_alerts = store->held_alerts;
  state->lost_flows = store->lost_flows;
  state->lost_alerts = store->lost_alerts;
  state->reason = store->held_error ? g_strdup (store->held_error->message) : NULL;
  g_mutex_unlock (&store->lock);
}

void
eg_store_write_state_clear (EgStoreWriteState *state)
{
  g_clear_pointer (&state->reason, g_free);
}

gboolean
eg_store_flush (EgStore  *store,
                GError  **error)
{
  GError *async_error;
  g_autoptr(GError) sync_error = NULL;

  if (!eg_store_write_sync (store, flush_func, NULL, &sync_error))
    {
      EgStoreWriteState state;

      eg_store_get_write_state (store, &state);
      if (is_no_space (sync_error) && state.waiting_flows + state.waiting_alerts > 0)
        g_set_error (error, EG_ERROR, EG_ERROR_NO_SPACE,
                     "%s; %" G_GUINT64_FORMAT " flows and %" G_GUINT64_FORMAT " alerts wait "
                     "for room", sync_error->message, state.waiting_flows, state.waiting_alerts);
      else
        g_propagate_error (error, g_steal_pointer (&sync_error));
      eg_store_write_state_clear (&state);
      return FALSE;
    }
  g_mutex_lock (&store->lock);
  async_error = g_steal_pointer (&store->async_error);
  g_mutex_unlock (&store->lock);
  if (async_error)
    {
      g_propagate_error (error, async_error);
      return FALSE;
    }
  return TRUE;
}

/* Runs in the writer after each commit. The writer goes on with the next
 * batch while the checkpointer copies the WAL into the database and syncs:
 * a checkpoint in the writer held every insert behind the disk. Should the
 * checkpointer fall far behind, the writer helps, so the WAL stays bounded. */
static int
on_wal_commit (void       *data,
               sqlite3    *db,
               const char *name,
               int         n_pages)
{
  EgStore *store = data;

  if (n_pages >= 4 * CHECKPOINT_PAGES)
    sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  else if (n_pages >= CHECKPOINT_PAGES)
    {
      g_mutex_lock (&store->checkpoint_lock);
      store->checkpoint_due = TRUE;
      g_cond_signal (&store->checkpoint_cond);
      g_mutex_unlock (&store->checkpoint_lock);
    }
  return SQLITE_OK;
}

static gpointer
checkpoint_thread (gpointer data)
{
  EgStore *store = data;

  g_mutex_lock (&store->checkpoint_lock);
  for (;;)
    {
      while (!store->checkpoint_due && !store->checkpoint_stop)
        g_cond_wait (&store->checkpoint_cond, &store->checkpoint_lock);
      if (store->checkpoint_stop)
        break;
      store->checkpoint_due = FALSE;
      g_mutex_unlock (&store->checkpoint_lock);
      /* Passive: never waits for the writer or a reader; what it could not
       * copy goes with the next one. */
      if (sqlite3_wal_checkpoint_v2 (store->checkpoint_db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                     NULL, NULL) != SQLITE_OK)
        g_debug ("Checkpoint of %s: %s", store->path, sqlite3_errmsg (store->checkpoint_db));
      g_mutex_lock (&store->checkpoint_lock);
    }
  g_mutex_unlock (&store->checkpoint_lock);
  return NULL;
}

static void
store_free (EgStore *store)
{
  if (store->writer)
    {
      g_mutex_lock (&store->lock);
      store->closing = TRUE;
      g_cond_broadcast (&store->cond);
      g_mutex_unlock (&store->lock);
      g_thread_join (store->writer);
    }
  if (store->checkpointer)
    {
      g_mutex_lock (&store->checkpoint_lock);
      store->checkpoint_stop = TRUE;
      g_cond_signal (&store->checkpoint_cond);
      g_mutex_unlock (&store->checkpoint_lock);
      g_thread_join (store->checkpointer);
    }
  if (store->checkpoint_db)
    sqlite3_close (store->checkpoint_db);
  sqlite3_finalize (store->insert_flow);
  sqlite3_finalize (store->upsert_flow);
  sqlite3_finalize (store->upsert_outbox);
  sqlite3_finalize (store->lower_floor);
  sqlite3_finalize (store->insert_alert);
  sqlite3_finalize (store->insert_evidence);
  sqlite3_finalize (store->insert_history);
  sqlite3_finalize (store->select_label);
  if (store->write_db)
    sqlite3_close (store->write_db);
  if (store->read_db)
    sqlite3_close (store->read_db);
  g_clear_error (&store->async_error);
  g_clear_error (&store->held_error);
  g_clear_pointer (&store->rules, eg_label_rule_set_free);
  g_mutex_clear (&store->lock);
  g_mutex_clear (&store->read_lock);
  g_cond_clear (&store->cond);
  g_mutex_clear (&store->checkpoint_lock);
  g_cond_clear (&store->checkpoint_cond);
  g_free (store->sensor_id);
  g_free (store->path);
  g_free (store);
}

EgStore *
eg_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(EgStore) store = g_new0 (EgStore, 1);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) rules_error = NULL;

  g_atomic_ref_count_init (&store->ref_count);
  g_mutex_init (&store->lock);
  g_mutex_init (&store->read_lock);
  g_cond_init (&store->cond);
  g_mutex_init (&store->checkpoint_lock);
  g_cond_init (&store->checkpoint_cond);
  g_queue_init (&store->jobs);
  g_queue_init (&store->held);
  store->held_max_weight = HELD_MAX_WEIGHT;
  store->max_pages = -1;
  store->path = g_strdup (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, EG_ERROR, EG_ERROR_PERMISSION,
                   "Cannot create the folder %s for the database: %s", dir, g_strerror (saved));
      return NULL;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "%s is a folder, not a database file; give a file path with --db", path);
      return NULL;
    }
  if (!check_file_kind (store, error))
    return NULL;
  if (!(store->write_db = open_connection (store, error)))
    return NULL;
  if (!migrate (store, store->write_db, error))
    return NULL;
  /* WAL: readers never block the writer; NORMAL is durable at each
   * checkpoint and never corrupts, which is what a sensor needs. */
  if (!eg_store_exec (store, store->write_db,
                      "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                      "PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY;"
                      /* The uid index takes random inserts: keep it in memory. */
                      "PRAGMA cache_size = -65536;", error))
    return NULL;
  if (!ensure_sensor_id (store, store->write_db, error))
    return NULL;
  if (!(store->read_db = open_connection (store, error)))
    return NULL;
  /* Fewer checkpoints (each one syncs) under a write burst, and not in the
   * writer (on_wal_commit). */
  if (!(store->checkpoint_db = open_connection (store, error))
      || !eg_store_exec (store, store->checkpoint_db, "PRAGMA synchronous = NORMAL", error))
    return NULL;
  sqlite3_wal_hook (store->write_db, on_wal_commit, store);
  store->checkpointer = eg_thread_new_worker ("eg-store-checkpoint", checkpoint_thread, store);

  store->rules = eg_store_get_label_rules (store, &rules_error);
  if (rules_error)
    {
      g_propagate_error (error, g_steal_pointer (&rules_error));
      return NULL;
    }

  store->writer = eg_thread_new_worker ("eg-store-writer", writer_thread, store);
  return g_steal_pointer (&store);
}

EgStore *
eg_store_ref (EgStore *store)
{
  g_atomic_ref_count_inc (&store->ref_count);
  return store;
}

void
eg_store_unref (EgStore *store)
{
  if (store && g_atomic_ref_count_dec (&store->ref_count))
    store_free (store);
}

const char *
eg_store_get_path (EgStore *store)
{
  return store->path;
}

const char *
eg_store_get_sensor_id (EgStore *store)
{
  return store->sensor_id;
}

int
eg_store_get_schema_version (EgStore *store)
{
  return store->schema_version;
}

typedef struct {
  guint32  version;
  char    *path;
  char    *metadata;
} ModelJob;

static gboolean
add_model_func (EgStore  *store,
                sqlite3  *db,
                gpointer  data,
                GError  **error)
{
  ModelJob *job = data;
  sqlite3_stmt *stmt = NULL;
  int rc;

  sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO models (version, path, added_at, metadata) "
                      "VALUES (?, ?, ?, ?)", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, job->version);
  sqlite3_bind_text (stmt, 2, job->path, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 3, g_get_real_time () / 1e6);
  sqlite3_bind_text (stmt, 4, job->metadata, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      eg_store_set_sqlite_error (error, store, db, "recording a model");
      return FALSE;
    }
  return TRUE;
}

gboolean
eg_store_add_model (EgStore     *store,
                    guint32      version,
                    const char  *path,
                    const char  *metadata_json,
                    GError     **error)
{
  ModelJob job = { version, (char *) path, (char *) metadata_json };

  return eg_store_write_sync (store, add_model_func, &job, error);
}
