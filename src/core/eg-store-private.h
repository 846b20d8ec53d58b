/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-store-private.h: what the eg-store-*.c files share. */
#pragma once

#include <sqlite3.h>

#include "eg-store.h"

G_BEGIN_DECLS

/* Runs in the writer thread inside a transaction (and a savepoint of its
 * own: a failure rolls back this job only). */
typedef gboolean (*EgStoreWriteFunc) (EgStore  *store,
                                      sqlite3  *db,
                                      gpointer  data,
                                      GError  **error);

struct _EgStore {
  gatomicrefcount  ref_count;
  char            *path;
  char            *sensor_id;
  int              schema_version;

  /* Queries: their own connection, one caller at a time. */
  GMutex           read_lock;
  sqlite3         *read_db;

  /* The writer thread and its queue of jobs. */
  sqlite3         *write_db;
  GThread         *writer;
  GMutex           lock;
  GCond            cond;
  GQueue           jobs;
  guint            queued_weight;
  gboolean         closing;
  GError          *async_error;      /* first failed background job */
  /* A full disk: background jobs wait here, in order, and are tried again
   * every HELD_RETRY; sync jobs fail at once. Under lock. */
  GQueue           held;
  GError          *held_error;       /* why they wait; NULL: writes go through */
  guint64          held_weight;
  guint64          held_flows, held_alerts;
  guint64          lost_flows, lost_alerts;   /* given up: over HELD_MAX_WEIGHT, or at close */
  gint64           next_retry;       /* monotonic µs */
  guint64          held_max_weight;
  gint64           max_pages;        /* for the writer to apply; -1: nothing new */

  /* Checkpoints: a thread and a connection of their own. */
  sqlite3         *checkpoint_db;
  GThread         *checkpointer;
  GMutex           checkpoint_lock;
  GCond            checkpoint_cond;
  gboolean         checkpoint_due;
  gboolean         checkpoint_stop;

  /* Writer-thread state */
  sqlite3_stmt    *insert_flow;
  sqlite3_stmt    *upsert_flow;
  sqlite3_stmt    *upsert_outbox;
  sqlite3_stmt    *lower_floor;
  sqlite3_stmt    *insert_alert;
  sqlite3_stmt    *insert_evidence;
  sqlite3_stmt    *insert_history;
  sqlite3_stmt    *select_label;
  EgLabelRuleSet  *rules;            /* under lock: swapped by set_label_rules */
  guint64          flows_since_retention;

  /* Automatic retention, under lock */
  double           retention_max_age;
  guint64          retention_max_bytes;
  gboolean         retention_due;
  gint64           retention_last;   /* monotonic µs */
  gboolean         has_retention_result;
  EgPruneResult    retention_result;
};

#define EG_STORE_FLOW_COLUMNS \
  "uid, ts, duration, orig_h, orig_p, resp_h, resp_p, proto, service, conn_state, " \
  "history, orig_bytes, resp_bytes, missed_bytes, orig_pkts, orig_ip_bytes, " \
  "resp_pkts, resp_ip_bytes, community_id, origin, flags, country, asn, score, " \
  "model_version, label, detailed_label, label_source, stats, context"
#define EG_STORE_N_FLOW_COLUMNS 30

void      eg_store_set_sqlite_error (GError      **error,
                                     EgStore      *store,
                                     sqlite3      *db,
                                     const char   *what);
gboolean  eg_store_exec             (EgStore      *store,
                                     sqlite3      *db,
                                     const char   *sql,
                                     GError      **error);
/* Runs func in the writer thread and waits for its commit. */
gboolean  eg_store_write_sync       (EgStore         *store,
                                     EgStoreWriteFunc func,
                                     gpointer         data,
                                     GError         **error);
/* Queues func; weight counts toward the queue's bound (flows). */
void      eg_store_write_async      (EgStore         *store,
                                     EgStoreWriteFunc func,
                                     gpointer         data,
                                     GDestroyNotify   free_data,
                                     guint            weight);
/* The same, for a job that stores rows: what a full disk holds back is
 * counted in flows and alerts (eg_store_get_write_state). */
void      eg_store_write_rows_async (EgStore         *store,
                                     EgStoreWriteFunc func,
                                     gpointer         data,
                                     GDestroyNotify   free_data,
                                     guint            n_flows,
                                     guint            n_alerts);
/* A full disk without filling one: the writer's connection may grow the
 * file to at most n_pages (0: SQLite's maximum; a size below the file's
 * is its size), and memory holds back held jobs up to max_weight flows.
 * For tests. */
void      eg_store_limit_for_test   (EgStore         *store,
                                     guint64          n_pages,
                                     guint64          max_weight);
sqlite3  *eg_store_lock_reader      (EgStore      *store);
void      eg_store_unlock_reader    (EgStore      *store);

/* eg-store-outbox.c: one retention run in the writer's transaction. */
gboolean  eg_store_run_retention    (EgStore        *store,
                                     sqlite3        *db,
                                     double          max_age,
                                     guint64         max_bytes,
                                     EgPruneResult  *result,
                                     GError        **error);

/* eg-store-labels.c */
/* A row of label_changes; its id, -1 on error. */
gint64    eg_store_begin_change     (EgStore      *store,
                                     sqlite3      *db,
                                     const char   *kind,
                                     const char   *who,
                                     const char   *description,
                                     GError      **error);
gboolean  eg_store_add_history      (EgStore      *store,
                                     sqlite3      *db,
                                     gint64        change_id,
                                     gint64        flow_id,
                                     const char   *uid,
                                     const char   *old_label,
                                     const char   *old_detailed,
                                     int           old_source,
                                     const char   *new_label,
                                     const char   *new_detailed,
                                     int           new_source,
                                     GError      **error);

/* eg-store-flows.c */
void      eg_store_bind_flow        (sqlite3_stmt *stmt,
                                     int           first,
                                     const EgFlow *flow);
void      eg_store_read_flow        (sqlite3_stmt *stmt,
                                     int           first,
                                     EgFlow       *flow);
/* The interned strings of the rows read last, for a loop over many rows. */
typedef struct {
  const char *strings[4];
  guint       next;
} EgStoreInternCache;
typedef struct {
  EgStoreInternCache service;
  EgStoreInternCache label;
  EgStoreInternCache detailed_label;
} EgStoreReadCache;
void      eg_store_read_flow_cached (sqlite3_stmt     *stmt,
                                     int               first,
                                     EgFlow           *flow,
                                     EgStoreReadCache *cache);
/* No outbox row below the floor is pending: every write that makes a row
 * pending (state 0) must lower the floor to it, in the same transaction.
 * Marking rows sent raises it (eg-store-outbox.c). */
gboolean  eg_store_lower_outbox_floor (EgStore    *store,
                                       sqlite3    *db,
                                       gint64      flow_id,
                                       GError    **error);
/* Queues (or re-queues) a flow for upload when it is labeled and of
 * interest; removes a pending row when it lost its label. */
gboolean  eg_store_update_outbox    (EgStore      *store,
                                     sqlite3      *db,
                                     gint64        flow_id,
                                     const char   *label,
                                     guint32       flags,
                                     GError      **error);

G_END_DECLS
