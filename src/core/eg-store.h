/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-store.h: the sensor's database (SQLite, WAL, one file per sensor).
 *
 * Flows, their labels and label history, alerts with their evidence, label
 * rules, models and the upload outbox. Writes go through one writer thread in
 * batched transactions (eg_store_add_flows returns at once); queries use a
 * connection of their own, so readers never block the writer.
 *
 * Label precedence follows EgLabelSource: a label from a lower source never
 * replaces one from a higher source (operator > rule > imported > model).
 * A flow that is labeled and carries EG_FLOW_PORT_OF_INTEREST has a row in the
 * outbox, pending until Kafka acknowledges it (see eg-sender.h).
 */
#pragma once

#include <glib.h>

#include "eg-alert.h"
#include "eg-config.h"
#include "eg-flow.h"
#include "eg-flow-filter.h"
#include "eg-flow-writer.h"
#include "eg-label-rule.h"

G_BEGIN_DECLS

#define EG_STORE_SCHEMA_VERSION 6

typedef struct _EgStore EgStore;

typedef struct {
  const char *label;          /* interned; NULL: unlabeled */
  guint64     n;
} EgLabelCount;

typedef struct {
  gint64      change_id;      /* one relabel operation; undo works on it */
  double      at;             /* unix time */
  char       *who;
  const char *old_label;      /* interned */
  const char *old_detailed_label;
  guint8      old_source;     /* EgLabelSource */
  const char *new_label;
  const char *new_detailed_label;
  guint8      new_source;
  /* interned: "relabel", "rules" (applied to stored flows), "undo",
   * "import" and "arrival" (labeled on the way in, by the caller or by the
   * saved label rules) */
  const char *kind;
} EgLabelChange;

typedef struct {
  guint64 pending;            /* waiting for an acknowledgement */
  guint64 sent;               /* acknowledged by Kafka */
  double  last_sent_at;       /* unix time of the last acknowledgement; 0: never */
} EgOutboxCounts;

typedef struct {
  gint64  flow_id;
  guint32 generation;         /* bumped when a queued row changes again */
  EgFlow  flow;
} EgOutboxRow;

/* Opening and the writer thread */
char       *eg_store_default_path       (const EgConfig *config);
/* Creates the file (and its directory) when missing; migrates an older
 * schema. EG_ERROR_FORMAT: not an Edgeguard database; EG_ERROR_SCHEMA_MISMATCH:
 * written by a newer Edgeguard. */
EgStore    *eg_store_open               (const char     *path,
                                         GError        **error);
EgStore    *eg_store_ref                (EgStore        *store);
/* The last unref commits what is queued and closes the database. */
void        eg_store_unref              (EgStore        *store);
const char *eg_store_get_path           (EgStore        *store);
const char *eg_store_get_sensor_id      (EgStore        *store);
int         eg_store_get_schema_version (EgStore        *store);

/* Queues copies for the writer thread and returns; blocks only while the
 * queue is full (the writer's back-pressure). Label rules are applied to the
 * flows on the way in. */
void        eg_store_add_flows          (EgStore        *store,
                                         const EgFlow   *flows,
                                         guint           n_flows);
/* The store takes the alerts (and the array). */
void        eg_store_add_alerts         (EgStore        *store,
                                         GPtrArray      *alerts);
/* Whether writes reach the disk. When it is full, the flows and alerts
 * already queued and those that come wait in memory, in order, and are
 * tried again every second: none is lost while the operator frees space,
 * up to a bound (about 250,000 flows); past it, and at close, the oldest
 * are given up and counted. */
typedef struct {
  guint64  waiting_flows;   /* held back, stored once there is room */
  guint64  waiting_alerts;
  guint64  lost_flows;      /* given up since the store opened */
  guint64  lost_alerts;
  char    *reason;          /* NULL when writes go through */
} EgStoreWriteState;

void        eg_store_get_write_state    (EgStore           *store,
                                         EgStoreWriteState *state);
void        eg_store_write_state_clear  (EgStoreWriteState *state);
/* Waits until everything queued so far is committed; reports the first
 * failed background write since the last flush, or a full disk that holds
 * writes back. */
gboolean    eg_store_flush              (EgStore        *store,
                                         GError        **error);

/* Flows */
/* Flows with from <= ts < to (to <= 0: no upper bound) that match filter
 * (NULL: all), in time order; limit 0: no limit. Appends EgFlow to out. */
gboolean    eg_store_query_flows        (EgStore             *store,
                                         const EgFlowFilter  *filter,
                                         double               from,
                                         double               to,
                                         guint                limit,
                                         guint                offset,
                                         GArray              *out_flows,
                                         GError             **error);
/* Calls func for each flow of the query above without holding them all in
 * memory; func returns FALSE to stop (the call still succeeds). Queries of
 * other threads wait meanwhile; the writer does not. */
typedef gboolean (*EgStoreFlowFunc) (const EgFlow *flow,
                                     gpointer      user_data);
gboolean    eg_store_foreach_flow       (EgStore             *store,
                                         const EgFlowFilter  *filter,
                                         double               from,
                                         double               to,
                                         EgStoreFlowFunc      func,
                                         gpointer             user_data,
                                         GError             **error);
/* FALSE with EG_ERROR_NOT_FOUND when the uid is not stored. */
gboolean    eg_store_get_flow           (EgStore        *store,
                                         const char     *uid,
                                         EgFlow         *flow,
                                         GError        **error);
gint64      eg_store_count_flows        (EgStore        *store,
                                         GError        **error);
/* EgLabelCount, most frequent first. */
GArray     *eg_store_count_by_label     (EgStore        *store,
                                         GError        **error);

/* Labels. label NULL removes the label. Each call is one change that
 * eg_store_undo can take back; *n_changed counts flows whose label changed
 * (flows whose label comes from a higher source are left alone). */
gboolean    eg_store_relabel_uids       (EgStore            *store,
                                         const char * const *uids,
                                         const char         *label,
                                         const char         *detailed_label,
                                         EgLabelSource       source,
                                         const char         *who,
                                         guint64            *n_changed,
                                         GError            **error);
gboolean    eg_store_relabel_filter     (EgStore            *store,
                                         const EgFlowFilter *filter,
                                         double              from,
                                         double              to,
                                         const char         *label,
                                         const char         *detailed_label,
                                         EgLabelSource       source,
                                         const char         *who,
                                         guint64            *n_changed,
                                         GError            **error);
/* Takes back the last change that is not undone yet; *n_changed 0 when
 * there is nothing to undo. The undo itself is recorded in the history. */
gboolean    eg_store_undo               (EgStore        *store,
                                         const char     *who,
                                         guint64        *n_changed,
                                         GError        **error);
/* EgLabelChange of one flow, oldest first. A flow that arrives labeled by
 * an operator, a rule or imported ground truth (or whose stored label such
 * a flow replaces) has an "arrival"/"import" entry, one change per batch,
 * which undo leaves alone. A model's suggestion is not a change: it is kept
 * on the flow (source model, model_version) and shows up in the history as
 * the old label once something replaces it. Free with eg_label_change_clear
 * (the array's clear func is set). */
GArray     *eg_store_get_label_history  (EgStore        *store,
                                         const char     *uid,
                                         GError        **error);
void        eg_label_change_clear       (EgLabelChange  *change);

/* Label rules: saved in the database, applied to new flows as they arrive. */
gboolean    eg_store_set_label_rules    (EgStore           *store,
                                         EgLabelRuleSet    *rules,
                                         GError           **error);
/* NULL and no error when none are set. */
EgLabelRuleSet *eg_store_get_label_rules (EgStore          *store,
                                         GError           **error);
/* Labels the stored flows with the saved rules (source rule; operator
 * labels stay), as one undoable change. */
gboolean    eg_store_apply_label_rules  (EgStore           *store,
                                         const char        *who,
                                         guint64           *n_changed,
                                         GError           **error);

/* Alerts */
/* EgAlert * of a flow (alerts whose evidence names the uid), or of a time
 * range when uid is NULL. */
GPtrArray  *eg_store_query_alerts       (EgStore        *store,
                                         const char     *uid,
                                         double          from,
                                         double          to,
                                         GError        **error);

/* Writes alerts as JSON lines (the public alert format), CSV, or Zeek-like
 * TSV (#path alerts, the evidence uids as a set). filter (NULL: all) reads an
 * alert as a flow from src to dst:dport over proto, whose uid is any of its
 * evidence uids: address, port, protocol and uid predicates apply; label
 * and score predicates see an unlabeled, unscored flow. *n_written (may be
 * NULL) counts the alerts written. */
gboolean    eg_alerts_write             (FILE               *out,
                                         EgFlowFormat        format,
                                         GPtrArray          *alerts,
                                         const EgFlowFilter *filter,
                                         guint              *n_written,
                                         GError            **error);

/* Models */
gboolean    eg_store_add_model          (EgStore        *store,
                                         guint32         version,
                                         const char     *path,
                                         const char     *metadata_json,
                                         GError        **error);

/* Outbox */
gboolean    eg_store_get_outbox_counts  (EgStore        *store,
                                         EgOutboxCounts *counts,
                                         GError        **error);
/* Pending rows with flow_id > after, in flow_id order; appends EgOutboxRow. */
gboolean    eg_store_get_pending        (EgStore        *store,
                                         gint64          after,
                                         guint           limit,
                                         GArray         *out_rows,
                                         GError        **error);
/* The same without a copy of the rows: func sees each row (valid during the
 * call) and returns FALSE to stop; *n_rows counts the rows it saw. Queries
 * of other threads wait meanwhile; the writer does not. */
typedef gboolean (*EgStoreOutboxFunc) (const EgOutboxRow *row,
                                       gpointer           user_data);
gboolean    eg_store_foreach_pending    (EgStore           *store,
                                         gint64             after,
                                         guint              limit,
                                         EgStoreOutboxFunc  func,
                                         gpointer           user_data,
                                         guint             *n_rows,
                                         GError           **error);
/* Marks rows sent unless they changed since (their generation moved on).
 * Queued to the writer; ids and generations are copied. done (may be NULL)
 * runs in the writer thread once the transaction has ended, committed or
 * not (a failure is reported by the next eg_store_flush); calls come in the
 * order of the eg_store_mark_sent calls. */
typedef void (*EgStoreDoneFunc) (gpointer user_data);
void        eg_store_mark_sent          (EgStore          *store,
                                         const gint64     *flow_ids,
                                         const guint32    *generations,
                                         guint             n,
                                         EgStoreDoneFunc   done,
                                         gpointer          user_data);

/* Retention.
 *
 * A labeled flow that Kafka has not acknowledged is never dropped without
 * saying so: by default retention keeps
 *  - flows pending in the outbox (any label source), and
 *  - flows labeled by an operator, a rule or imported ground truth that never
 *    entered the outbox (not a port of interest, imported with --no-upload):
 *    nothing else holds that work.
 * A model's suggestion that was never queued is not protected: it is the
 * model's guess, made again by scoring, and a sensor whose model labels every
 * flow would otherwise never prune. EG_PRUNE_INCLUDE_UNSENT (the operator's
 * explicit word) drops protected flows too and counts them. */
typedef enum {
  EG_PRUNE_NONE           = 0,
  EG_PRUNE_INCLUDE_UNSENT = 1 << 0,
} EgPruneFlags;

typedef struct {
  guint64 n_deleted;          /* flows deleted */
  guint64 n_kept_pending;     /* kept: waiting in the outbox for Kafka */
  guint64 n_kept_unqueued;    /* kept: labeled, never queued for upload */
  guint64 n_dropped_unsent;   /* INCLUDE_UNSENT: protected flows deleted */
} EgPruneResult;

/* Drops flows older than max_age seconds before now (0: no limit), then the
 * oldest flows until the pages in use are below max_bytes (0: no limit).
 * "Kept" counts protected flows that the limits would have dropped. */
gboolean    eg_store_prune              (EgStore        *store,
                                         double          now,
                                         double          max_age,
                                         guint64         max_bytes,
                                         EgPruneFlags    flags,
                                         EgPruneResult  *result,
                                         GError        **error);
/* Automatic retention (never with INCLUDE_UNSENT): the writer thread prunes
 * with these limits soon after this call, then after every
 * EG_STORE_RETENTION_EVERY_FLOWS stored flows and at least every
 * EG_STORE_RETENTION_INTERVAL seconds while it writes. 0 and 0 turn it off.
 * Each run that deletes or keeps something logs a message. */
#define EG_STORE_RETENTION_EVERY_FLOWS 50000
#define EG_STORE_RETENTION_INTERVAL    600
void        eg_store_set_retention      (EgStore        *store,
                                         double          max_age,
                                         guint64         max_bytes);
/* The retention of config ([store] retention-days, retention-bytes). */
void        eg_store_apply_config       (EgStore        *store,
                                         const EgConfig *config);
/* The last automatic run's result; FALSE when none ran yet. */
gboolean    eg_store_get_last_retention (EgStore        *store,
                                         EgPruneResult  *result);
/* "N flows deleted; kept ..." for a person: what a run did and why. */
char       *eg_prune_result_describe    (const EgPruneResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgStore, eg_store_unref)

G_END_DECLS
