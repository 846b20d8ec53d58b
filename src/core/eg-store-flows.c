/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-store-flows.c: flow rows in and out. */
#include "eg-store-private.h"

#include <math.h>
#include <string.h>

#include "eg-error.h"

/* EG_FLOW_INTERIM, spelled out for the SQL. */
#define INTERIM_FLAG 2
G_STATIC_ASSERT (EG_FLOW_INTERIM == INTERIM_FLAG);

typedef struct {
  EgDirStats dir[2];
  gint16     first_sizes[EG_FIRST_PACKETS];
} PacketStats;

static void
bind_addr (sqlite3_stmt *stmt,
           int           col,
           const EgAddr *addr)
{
  if (addr->family == 0)
    sqlite3_bind_null (stmt, col);
  else
    sqlite3_bind_blob (stmt, col, addr->bytes, eg_addr_len (addr), SQLITE_STATIC);
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

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           col,
                   const char   *text)
{
  if (text && *text)
    sqlite3_bind_text (stmt, col, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, col);
}

static const char *
column_interned (sqlite3_stmt *stmt,
                 int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  return text ? g_intern_string (text) : NULL;
}

/* A column holds few distinct labels or services: the ones seen last are
 * compared before g_intern_string (a global lock and a hash) is asked. */
static const char *
column_interned_cached (sqlite3_stmt        *stmt,
                        int                  col,
                        EgStoreInternCache  *cache)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);
  guint i;

  if (text == NULL)
    return NULL;
  for (i = 0; i < G_N_ELEMENTS (cache->strings) && cache->strings[i]; i++)
    if (strcmp (cache->strings[i], text) == 0)
      return cache->strings[i];
  i = cache->next++ % G_N_ELEMENTS (cache->strings);
  return cache->strings[i] = g_intern_string (text);
}

static void
column_copy (sqlite3_stmt *stmt,
             int           col,
             char         *buf,
             gsize         size)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);
  /* The length SQLite knows, not a byte-by-byte g_strlcpy. */
  gsize len = text ? MIN ((gsize) sqlite3_column_bytes (stmt, col), size - 1) : 0;

  if (len)
    memcpy (buf, text, len);
  buf[len] = '\0';
}

/* Binds without copying: flow must outlive the statement's next step. */
void
eg_store_bind_flow (sqlite3_stmt *stmt,
                    int           first,
                    const EgFlow *flow)
{
  int c = first;

  sqlite3_bind_text (stmt, c++, flow->uid, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, c++, flow->ts);
  sqlite3_bind_double (stmt, c++, flow->duration);
  bind_addr (stmt, c++, &flow->orig_h);
  sqlite3_bind_int (stmt, c++, flow->orig_p);
  bind_addr (stmt, c++, &flow->resp_h);
  sqlite3_bind_int (stmt, c++, flow->resp_p);
  sqlite3_bind_int (stmt, c++, flow->proto);
  bind_text_or_null (stmt, c++, flow->service);
  sqlite3_bind_int (stmt, c++, flow->conn_state);
  bind_text_or_null (stmt, c++, flow->history);
  sqlite3_bind_int64 (stmt, c++, (gint64) flow->orig_bytes);
  sqlite3_bind_int64 (stmt, c++, (gint64) flow->resp_bytes);
  sqlite3_bind_int64 (stmt, c++, (gint64) flow->missed_bytes);
  sqlite3_bind_int64 (stmt, c++, (gint64) flow->orig_pkts);
  sqlite3_bind_int64 (stmt, c++, (gint64) flow->orig_ip_bytes);
  sqlite3_bind_int64 (stmt, c++, (gint64) flow->resp_pkts);
  sqlite3_bind_int64 (stmt, c++, (gint64) flow->resp_ip_bytes);
  bind_text_or_null (stmt, c++, flow->community_id);
  sqlite3_bind_int (stmt, c++, flow->origin);
  sqlite3_bind_int64 (stmt, c++, flow->flags);
  bind_text_or_null (stmt, c++, flow->country);
  sqlite3_bind_int64 (stmt, c++, flow->asn);
  sqlite3_bind_double (stmt, c++, flow->score);
  sqlite3_bind_int64 (stmt, c++, flow->model_version);
  bind_text_or_null (stmt, c++, flow->label);
  bind_text_or_null (stmt, c++, flow->label ? flow->detailed_label : NULL);
  sqlite3_bind_int (stmt, c++, flow->label ? flow->label_source : EG_LABEL_SOURCE_NONE);
  if (flow->flags & EG_FLOW_HAS_PACKET_STATS)
    {
      PacketStats stats;
      memcpy (stats.dir, flow->dir, sizeof stats.dir);
      memcpy (stats.first_sizes, flow->first_sizes, sizeof stats.first_sizes);
      sqlite3_bind_blob (stmt, c++, &stats, sizeof stats, SQLITE_TRANSIENT);
    }
  else
    sqlite3_bind_null (stmt, c++);
  /* NaN until scored (eg_flow_init): nothing to keep then. */
  if (!isnan (flow->context[0]))
    sqlite3_bind_blob (stmt, c++, flow->context, sizeof flow->context, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, c++);
  g_assert (c - first == EG_STORE_N_FLOW_COLUMNS);
}

void
eg_store_read_flow (sqlite3_stmt *stmt,
                    int           first,
                    EgFlow       *flow)
{
  eg_store_read_flow_cached (stmt, first, flow, NULL);
}

void
eg_store_read_flow_cached (sqlite3_stmt     *stmt,
                           int               first,
                           EgFlow           *flow,
                           EgStoreReadCache *cache)
{
  EgStoreReadCache none = { { { NULL } } };
  int c = first;

  if (cache == NULL)
    cache = &none;

  eg_flow_init (flow);
  column_copy (stmt, c++, flow->uid, sizeof flow->uid);
  flow->ts = sqlite3_column_double (stmt, c++);
  flow->duration = sqlite3_column_double (stmt, c++);
  read_addr (stmt, c++, &flow->orig_h);
  flow->orig_p = sqlite3_column_int (stmt, c++);
  read_addr (stmt, c++, &flow->resp_h);
  flow->resp_p = sqlite3_column_int (stmt, c++);
  flow->proto = sqlite3_column_int (stmt, c++);
  flow->service = column_interned_cached (stmt, c++, &cache->service);
  flow->conn_state = sqlite3_column_int (stmt, c++);
  column_copy (stmt, c++, flow->history, sizeof flow->history);
  flow->orig_bytes = sqlite3_column_int64 (stmt, c++);
  flow->resp_bytes = sqlite3_column_int64 (stmt, c++);
  flow->missed_bytes = sqlite3_column_int64 (stmt, c++);
  flow->orig_pkts = sqlite3_column_int64 (stmt, c++);
  flow->orig_ip_bytes = sqlite3_column_int64 (stmt, c++);
  flow->resp_pkts = sqlite3_column_int64 (stmt, c++);
  flow->resp_ip_bytes = sqlite3_column_int64 (stmt, c++);
  column_copy (stmt, c++, flow->community_id, sizeof flow->community_id);
  flow->origin = sqlite3_column_int (stmt, c++);
  flow->flags = sqlite3_column_int64 (stmt, c++);
  column_copy (stmt, c++, flow->country, sizeof flow->country);
  flow->asn = sqlite3_column_int64 (stmt, c++);
  flow->score = sqlite3_column_double (stmt, c++);
  flow->model_version = sqlite3_column_int64 (stmt, c++);
  flow->label = column_interned_cached (stmt, c++, &cache->label);
  flow->detailed_label = column_interned_cached (stmt, c++, &cache->detailed_label);
  flow->label_source = sqlite3_column_int (stmt, c++);
  if (sqlite3_column_bytes (stmt, c) == sizeof (PacketStats))
    {
      const PacketStats *stats = sqlite3_column_blob (stmt, c);
      memcpy (flow->dir, stats->dir, sizeof flow->dir);
      memcpy (flow->first_sizes, stats->first_sizes, sizeof flow->first_sizes);
    }
  else
    flow->flags &= ~EG_FLOW_HAS_PACKET_STATS;
  c++;
  if (sqlite3_column_bytes (stmt, c) == sizeof flow->context)
    memcpy (flow->context, sqlite3_column_blob (stmt, c), sizeof flow->context);
}

gboolean
eg_store_update_outbox (EgStore     *store,
                        sqlite3     *db,
                        gint64       flow_id,
                        const char  *label,
                        guint32      flags,
                        GError     **error)
{
  if (label && (flags & EG_FLOW_PORT_OF_INTEREST))
    {
      if (store->upsert_outbox == NULL
          && sqlite3_prepare_v3 (db,
                                 "INSERT INTO outbox (flow_id, generation, state, queued_at) "
                                 "VALUES (?1, 1, 0, ?2) ON CONFLICT (flow_id) DO UPDATE SET "
                                 "generation = generation + 1, state = 0, "
                                 "queued_at = excluded.queued_at",
                                 -1, SQLITE_PREPARE_PERSISTENT, &store->upsert_outbox,
                                 NULL) != SQLITE_OK)
        {
          eg_store_set_sqlite_error (error, store, db, "preparing the outbox");
          return FALSE;
        }
      sqlite3_bind_int64 (store->upsert_outbox, 1, flow_id);
      sqlite3_bind_double (store->upsert_outbox, 2, g_get_real_time () / 1e6);
      if (sqlite3_step (store->upsert_outbox) != SQLITE_DONE)
        {
          eg_store_set_sqlite_error (error, store, db, "queuing a flow for upload");
          sqlite3_reset (store->upsert_outbox);
          return FALSE;
        }
      sqlite3_reset (store->upsert_outbox);
      return eg_store_lower_outbox_floor (store, db, flow_id, error);
    }
  else
    {
      sqlite3_stmt *stmt = NULL;
      int rc;

      /* Unlabeled now: what was sent stays sent, what waits is dropped. */
      sqlite3_prepare_v2 (db, "DELETE FROM outbox WHERE flow_id = ? AND state = 0", -1,
                          &stmt, NULL);
      sqlite3_bind_int64 (stmt, 1, flow_id);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        {
          eg_store_set_sqlite_error (error, store, db, "removing a flow from the outbox");
          return FALSE;
        }
    }
  return TRUE;
}

typedef struct {
  EgFlow *flows;
  guint   n;
} FlowsJob;

static void
flows_job_free (gpointer data)
{
  FlowsJob *job = data;

  g_free (job->flows);
  g_free (job);
}

#define FLOW_VALUES \
  "INSERT INTO flows (" EG_STORE_FLOW_COLUMNS ") VALUES (" \
  "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, " \
  "?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30) "

static gboolean
prepare_flow_statements (EgStore  *store,
                         sqlite3  *db,
                         GError  **error)
{
  /* A new flow is a plain insert, the common case and the fast one. */
  const char *insert = FLOW_VALUES "ON CONFLICT (uid) DO NOTHING";
  /* A flow seen before (an interim update, a re-import): the label follows
   * precedence, everything else is the newest word. A flow that arrives
   * again as it is stored (the same capture read twice) changes nothing and
   * returns no row: it is not queued for Kafka again. Nor does an interim
   * record of a flow stored final (a long connection of a capture read
   * again): it would turn the row back by minutes, send that to Kafka, and
   * then the final record once more. */
  const char *upsert =
    FLOW_VALUES
    "ON CONFLICT (uid) DO UPDATE SET "
    "ts = excluded.ts, duration = excluded.duration, orig_h = excluded.orig_h, "
    "orig_p = excluded.orig_p, resp_h = excluded.resp_h, resp_p = excluded.resp_p, "
    "proto = excluded.proto, service = excluded.service, "
    "conn_state = excluded.conn_state, history = excluded.history, "
    "orig_bytes = excluded.orig_bytes, resp_bytes = excluded.resp_bytes, "
    "missed_bytes = excluded.missed_bytes, orig_pkts = excluded.orig_pkts, "
    "orig_ip_bytes = excluded.orig_ip_bytes, resp_pkts = excluded.resp_pkts, "
    "resp_ip_bytes = excluded.resp_ip_bytes, community_id = excluded.community_id, "
    "origin = excluded.origin, flags = excluded.flags, country = excluded.country, "
    "asn = excluded.asn, score = excluded.score, model_version = excluded.model_version, "
    "stats = excluded.stats, context = excluded.context, "
    "label = CASE WHEN excluded.label_source >= label_source "
    "  THEN excluded.label ELSE label END, "
    "detailed_label = CASE WHEN excluded.label_source >= label_source "
    "  THEN excluded.detailed_label ELSE detailed_label END, "
    "label_source = max (label_source, excluded.label_source) "
    "WHERE NOT (excluded.flags & " G_STRINGIFY (INTERIM_FLAG) " AND NOT flags & "
    G_STRINGIFY (INTERIM_FLAG) ") AND ("
    "ts IS NOT excluded.ts OR duration IS NOT excluded.duration "
    "OR orig_h IS NOT excluded.orig_h OR orig_p IS NOT excluded.orig_p "
    "OR resp_h IS NOT excluded.resp_h OR resp_p IS NOT excluded.resp_p "
    "OR proto IS NOT excluded.proto OR service IS NOT excluded.service "
    "OR conn_state IS NOT excluded.conn_state OR history IS NOT excluded.history "
    "OR orig_bytes IS NOT excluded.orig_bytes OR resp_bytes IS NOT excluded.resp_bytes "
    "OR missed_bytes IS NOT excluded.missed_bytes OR orig_pkts IS NOT excluded.orig_pkts "
    "OR orig_ip_bytes IS NOT excluded.orig_ip_bytes OR resp_pkts IS NOT excluded.resp_pkts "
    "OR resp_ip_bytes IS NOT excluded.resp_ip_bytes "
    "OR community_id IS NOT excluded.community_id OR origin IS NOT excluded.origin "
    "OR flags IS NOT excluded.flags OR country IS NOT excluded.country "
    "OR asn IS NOT excluded.asn OR score IS NOT excluded.score "
    "OR model_version IS NOT excluded.model_version OR stats IS NOT excluded.stats "
    "OR context IS NOT excluded.context OR excluded.label_source > label_source "
    "OR (excluded.label_source = label_source AND (excluded.label IS NOT label "
    "    OR excluded.detailed_label IS NOT detailed_label))) "
    "RETURNING id, label, flags, detailed_label, label_source";

  if (store->insert_flow)
    return TRUE;
  if (sqlite3_prepare_v3 (db, insert, -1, SQLITE_PREPARE_PERSISTENT, &store->insert_flow,
                          NULL) != SQLITE_OK
      || sqlite3_prepare_v3 (db, upsert, -1, SQLITE_PREPARE_PERSISTENT, &store->upsert_flow,
                             NULL) != SQLITE_OK)
    {
      eg_store_set_sqlite_error (error, store, db, "preparing the flow insert");
      g_clear_pointer (&store->insert_flow, sqlite3_finalize);
      return FALSE;
    }
  return TRUE;
}

/* A label that arrives with a flow from an operator, a rule or ground truth
 * is a change like any other: one label_changes row per batch and source. */
static gboolean
record_arrival (EgStore       *store,
                sqlite3       *db,
                gint64        *change_ids,
                gint64         flow_id,
                const char    *uid,
                const char    *old_label,
                const char    *old_detailed,
                int            old_source,
                const char    *new_label,
                const char    *new_detailed,
                EgLabelSource  new_source,
                GError       **error)
{
  if (change_ids[new_source] < 0)
    {
      const char *description = new_source == EG_LABEL_SOURCE_IMPORTED ? "imported ground truth"
                                : new_source == EG_LABEL_SOURCE_RULE ? "label rules on arrival"
                                : "operator label on arrival";

      change_ids[new_source] = eg_store_begin_change (store, db,
                                                      new_source == EG_LABEL_SOURCE_IMPORTED
                                                      ? "import" : "arrival",
                                                      NULL, description, error);
      if (change_ids[new_source] < 0)
        return FALSE;
    }
  return eg_store_add_history (store, db, change_ids[new_source], flow_id, uid, old_label,
                               old_detailed, old_source, new_label, new_detailed, new_source,
                               error);
}

/* The label a stored flow has now, before an update replaces it. */
static gboolean
read_label (EgStore     *store,
            sqlite3     *db,
            const char  *uid,
            const char **label,
            const char **detailed,
            int         *source,
            GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (store->select_label == NULL
      && sqlite3_prepare_v3 (db, "SELECT label, detailed_label, label_source FROM flows "
                             "WHERE uid = ?", -1, SQLITE_PREPARE_PERSISTENT,
                             &store->select_label, NULL) != SQLITE_OK)
    {
      eg_store_set_sqlite_error (error, store, db, "preparing the label lookup");
      return FALSE;
    }
  stmt = store->select_label;
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  *label = *detailed = NULL;
  *source = EG_LABEL_SOURCE_NONE;
  if (rc == SQLITE_ROW)
    {
      *label = column_interned (stmt, 0);
      *detailed = column_interned (stmt, 1);
      *source = sqlite3_column_int (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      eg_store_set_sqlite_error (error, store, db, "reading a stored label");
      return FALSE;
    }
  return TRUE;
}

/* The job's new flows that are labeled and of interest, into the outbox in
 * one statement: a statement per row was a fifth of the insert's time. The
 * writer is the only one inserting, so the ids from first to last are the
 * rows this job inserted. */
static gboolean
queue_new_rows (EgStore  *store,
                sqlite3  *db,
                gint64    first,
                gint64    last,
                GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc, n_queued;

  if (first == 0)
    return TRUE;
  sqlite3_prepare_v2 (db, "INSERT INTO outbox (flow_id, generation, state, queued_at) "
                      "SELECT id, 1, 0, ?3 FROM flows WHERE id BETWEEN ?1 AND ?2 "
                      "AND label IS NOT NULL AND flags & ?4 "
                      "ON CONFLICT (flow_id) DO UPDATE SET generation = generation + 1, "
                      "state = 0, queued_at = excluded.queued_at", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, first);
  sqlite3_bind_int64 (stmt, 2, last);
  sqlite3_bind_double (stmt, 3, g_get_real_time () / 1e6);
  sqlite3_bind_int (stmt, 4, EG_FLOW_PORT_OF_INTEREST);
  rc = sqlite3_step (stmt);
  n_queued = sqlite3_changes (db);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      eg_store_set_sqlite_error (error, store, db, "queuing flows for upload");
      return FALSE;
    }
  return n_queued == 0 || eg_store_lower_outbox_floor (store, db, first, error);
}

static gboolean
insert_flows_func (EgStore  *store,
                   sqlite3  *db,
                   gpointer  data,
                   GError  **error)
{
  FlowsJob *job = data;
  gint64 change_ids[EG_LABEL_SOURCE_OPERATOR + 1] = { -1, -1, -1, -1, -1 };
  gint64 first_new = 0, last_new = 0;   /* the ids this job inserted */

  G_STATIC_ASSERT (G_N_ELEMENTS (change_ids) == 5);
  if (!prepare_flow_statements (store, db, error))
    return FALSE;
  store->flows_since_retention += job->n;

  for (guint i = 0; i < job->n; i++)
    {
      EgFlow *flow = &job->flows[i];
      /* Model suggestions are not changes (eg-store.h). */
      gboolean tracked = flow->label && flow->label_source >= EG_LABEL_SOURCE_IMPORTED;
      gint64 id;
      const char *label;
      guint32 flags;
      int rc;

      if (flow->uid[0] == '\0')
        continue;
      if (store->rules && flow->label_source < EG_LABEL_SOURCE_RULE)
        {
          const char *rule_label, *rule_detailed;
          if (eg_label_rule_set_match (store->rules, flow, &rule_label, &rule_detailed))
            {
              flow->label = rule_label;
              flow->detailed_label = rule_detailed;
              flow->label_source = EG_LABEL_SOURCE_RULE;
              tracked = TRUE;
            }
        }
      if (flow->label == NULL || flow->label_source > EG_LABEL_SOURCE_OPERATOR)
        tracked = FALSE;

      eg_store_bind_flow (store->insert_flow, 1, flow);
      rc = sqlite3_step (store->insert_flow);
      sqlite3_reset (store->insert_flow);
      if (rc != SQLITE_DONE)
        {
          eg_store_set_sqlite_error (error, store, db, "storing flows");
          return FALSE;
        }
      if (sqlite3_changes (db) == 1)
        {
          id = sqlite3_last_insert_rowid (db);
          if (first_new == 0)
            first_new = id;
          last_new = id;
          if (tracked
              && !record_arrival (store, db, change_ids, id, flow->uid, NULL, NULL,
                                  EG_LABEL_SOURCE_NONE, flow->label, flow->detailed_label,
                                  flow->label_source, error))
            return FALSE;
          continue;   /* the outbox takes the new rows at the end, in one go */
        }
      else
        {
          sqlite3_stmt *stmt = store->upsert_flow;
          const char *old_label = NULL, *old_detailed = NULL, *new_detailed;
          int old_source = EG_LABEL_SOURCE_NONE, new_source;
          gboolean ok = TRUE;

          if (tracked && !read_label (store, db, flow->uid, &old_label, &old_detailed,
                                      &old_source, error))
            return FALSE;
          eg_store_bind_flow (stmt, 1, flow);
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_DONE)
            {
              /* Stored just so already. */
              sqlite3_reset (stmt);
              continue;
            }
          if (rc != SQLITE_ROW)
            {
              eg_store_set_sqlite_error (error, store, db, "updating flows");
              sqlite3_reset (stmt);
              return FALSE;
            }
          id = sqlite3_column_int64 (stmt, 0);
          label = (const char *) sqlite3_column_text (stmt, 1);
          flags = sqlite3_column_int64 (stmt, 2);
          new_detailed = (const char *) sqlite3_column_text (stmt, 3);
          new_source = sqlite3_column_int (stmt, 4);
          /* Precedence may have kept the stored label: then nothing changed. */
          if (tracked && (g_strcmp0 (old_label, label) != 0
                          || g_strcmp0 (old_detailed, new_detailed) != 0
                          || old_source != new_source))
            ok = record_arrival (store, db, change_ids, id, flow->uid, old_label, old_detailed,
                                 old_source, g_intern_string (label),
                                 new_detailed ? g_intern_string (new_detailed) : NULL,
                                 new_source, error);
          if (ok && label && (flags & EG_FLOW_PORT_OF_INTEREST))
            ok = eg_store_update_outbox (store, db, id, label, flags, error);
          sqlite3_reset (stmt);
          if (!ok)
            return FALSE;
        }
    }
  return queue_new_rows (store, db, first_new, last_new, error);
}

void
eg_store_add_flows (EgStore      *store,
                    const EgFlow *flows,
                    guint         n_flows)
{
  FlowsJob *job;

  if (n_flows == 0)
    return;
  job = g_new (FlowsJob, 1);
  job->flows = g_memdup2 (flows, sizeof (EgFlow) * n_flows);
  job->n = n_flows;
  eg_store_write_rows_async (store, insert_flows_func, job, flows_job_free, n_flows, 0);
}

gboolean
eg_store_query_flows (EgStore             *store,
                      const EgFlowFilter  *filter,
                      double               from,
                      double               to,
                      guint                limit,
                      guint                offset,
                      GArray              *out_flows,
                      GError             **error)
{
  sqlite3 *db = eg_store_lock_reader (store);
  sqlite3_stmt *stmt = NULL;
  EgStoreReadCache cache = { { { NULL } } };
  guint skipped = 0, added = 0;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT " EG_STORE_FLOW_COLUMNS " FROM flows "
                          "WHERE ts >= ?1 AND (?2 <= 0 OR ts < ?2) ORDER BY ts, id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      eg_store_set_sqlite_error (error, store, db, "querying flows");
      eg_store_unlock_reader (store);
      return FALSE;
    }
  sqlite3_bind_double (stmt, 1, from);
  sqlite3_bind_double (stmt, 2, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      EgFlow flow;

      eg_store_read_flow_cached (stmt, 0, &flow, &cache);
      if (!eg_flow_filter_match (filter, &flow))
        continue;
      if (skipped < offset)
        {
          skipped++;
          continue;
        }
      g_array_append_val (out_flows, flow);
      if (limit && ++added >= limit)
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  if (rc != SQLITE_DONE)
    eg_store_set_sqlite_error (error, store, db, "querying flows");
  sqlite3_finalize (stmt);
  eg_store_unlock_reader (store);
  return rc == SQLITE_DONE;
}

gboolean
eg_store_foreach_flow (EgStore             *store,
                       const EgFlowFilter  *filter,
                       double               from,
                       double               to,
                       EgStoreFlowFunc      func,
                       gpointer             user_data,
                       GError             **error)
{
  sqlite3 *db = eg_store_lock_reader (store);
  sqlite3_stmt *stmt = NULL;
  EgStoreReadCache cache = { { { NULL } } };
  int rc;

  sqlite3_prepare_v2 (db, "SELECT " EG_STORE_FLOW_COLUMNS " FROM flows "
                      "WHERE ts >= ?1 AND (?2 <= 0 OR ts < ?2) ORDER BY ts, id", -1, &stmt, NULL);
  sqlite3_bind_double (stmt, 1, from);
  sqlite3_bind_double (stmt, 2, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      EgFlow flow;

      eg_store_read_flow_cached (stmt, 0, &flow, &cache);
      if (eg_flow_filter_match (filter, &flow) && !func (&flow, user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  if (rc != SQLITE_DONE)
    eg_store_set_sqlite_error (error, store, db, "reading flows");
  sqlite3_finalize (stmt);
  eg_store_unlock_reader (store);
  return rc == SQLITE_DONE;
}

gboolean
eg_store_get_flow (EgStore     *store,
                   const char  *uid,
                   EgFlow      *flow,
                   GError     **error)
{
  sqlite3 *db = eg_store_lock_reader (store);
  sqlite3_stmt *stmt = NULL;
  int rc;

  sqlite3_prepare_v2 (db, "SELECT " EG_STORE_FLOW_COLUMNS " FROM flows WHERE uid = ?",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    eg_store_read_flow (stmt, 0, flow);
  else if (rc == SQLITE_DONE)
    g_set_error (error, EG_ERROR, EG_ERROR_NOT_FOUND,
                 "No flow with uid %s in %s", uid, store->path);
  else
    eg_store_set_sqlite_error (error, store, db, "reading a flow");
  sqlite3_finalize (stmt);
  eg_store_unlock_reader (store);
  return rc == SQLITE_ROW;
}

gint64
eg_store_count_flows (EgStore  *store,
                      GError  **error)
{
  sqlite3 *db = eg_store_lock_reader (store);
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  sqlite3_prepare_v2 (db, "SELECT count(*) FROM flows", -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  else
    eg_store_set_sqlite_error (error, store, db, "counting flows");
  sqlite3_finalize (stmt);
  eg_store_unlock_reader (store);
  return n;
}

GArray *
eg_store_count_by_label (EgStore  *store,
                         GError  **error)
{
  sqlite3 *db = eg_store_lock_reader (store);
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (EgLabelCount));
  int rc;

  sqlite3_prepare_v2 (db, "SELECT label, count(*) AS n FROM flows GROUP BY label "
                      "ORDER BY n DESC, label", -1, &stmt, NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      EgLabelCount count = { column_interned (stmt, 0), sqlite3_column_int64 (stmt, 1) };
      g_array_append_val (counts, count);
    }
  if (rc != SQLITE_DONE)
    eg_store_set_sqlite_error (error, store, db, "counting labels");
  sqlite3_finalize (stmt);
  eg_store_unlock_reader (store);
  return rc == SQLITE_DONE ? g_steal_pointer (&counts) : NULL;
}
