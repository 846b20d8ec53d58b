/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-store-labels.c: relabeling, undo, history and label rules. */
#include "eg-store-private.h"

#include <string.h>

#include "eg-error.h"

typedef struct {
  gint64      flow_id;
  char       *uid;
  const char *old_label;
  const char *old_detailed;
  guint8      old_source;
  const char *new_label;
  const char *new_detailed;
  guint8      new_source;
  guint32     flags;
} Change;

static void
change_clear (gpointer data)
{
  Change *change = data;

  g_free (change->uid);
}

static const char *
column_interned (sqlite3_stmt *stmt,
                 int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  return text ? g_intern_string (text) : NULL;
}

gint64
eg_store_begin_change (EgStore     *store,
                       sqlite3     *db,
                       const char  *kind,
                       const char  *who,
                       const char  *description,
                       GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  sqlite3_prepare_v2 (db, "INSERT INTO label_changes (at, who, kind, description) "
                      "VALUES (?, ?, ?, ?)", -1, &stmt, NULL);
  sqlite3_bind_double (stmt, 1, g_get_real_time () / 1e6);
  sqlite3_bind_text (stmt, 2, who ? who : g_get_user_name (), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, description, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      eg_store_set_sqlite_error (error, store, db, "recording a label change");
      return -1;
    }
  return sqlite3_last_insert_rowid (db);
}

/* One row of label_history, under change_id. */
gboolean
eg_store_add_history (EgStore     *store,
                      sqlite3     *db,
                      gint64       change_id,
                      gint64       flow_id,
                      const char  *uid,
                      const char  *old_label,
                      const char  *old_detailed,
                      int          old_source,
                      const char  *new_label,
                      const char  *new_detailed,
                      int          new_source,
                      GError     **error)
{
  sqlite3_stmt *stmt = store->insert_history;
  int rc;

  if (stmt == NULL
      && sqlite3_prepare_v3 (db, "INSERT INTO label_history (change_id, flow_id, uid, "
                             "old_label, old_detailed_label, old_source, new_label, "
                             "new_detailed_label, new_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             -1, SQLITE_PREPARE_PERSISTENT, &store->insert_history,
                             NULL) != SQLITE_OK)
    {
      eg_store_set_sqlite_error (error, store, db, "preparing the label history");
      return FALSE;
    }
  stmt = store->insert_history;
  sqlite3_bind_int64 (stmt, 1, change_id);
  sqlite3_bind_int64 (stmt, 2, flow_id);
  sqlite3_bind_text (stmt, 3, uid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, old_label, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, old_label ? old_detailed : NULL, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 6, old_source);
  sqlite3_bind_text (stmt, 7, new_label, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, new_label ? new_detailed : NULL, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 9, new_source);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      eg_store_set_sqlite_error (error, store, db, "recording the label history");
      return FALSE;
    }
  return TRUE;
}

/* Writes the changes (flows, history, outbox) under change_id. */
static gboolean
apply_changes (EgStore     *store,
               sqlite3     *db,
               gint64       change_id,
               GArray      *changes,
               GError     **error)
{
  sqlite3_stmt *update = NULL;
  gboolean ok = TRUE;

  sqlite3_prepare_v2 (db, "UPDATE flows SET label = ?, detailed_label = ?, label_source = ? "
                      "WHERE id = ?", -1, &update, NULL);
  for (guint i = 0; i < changes->len && ok; i++)
    {
      Change *c = &g_array_index (changes, Change, i);

      sqlite3_bind_text (update, 1, c->new_label, -1, SQLITE_STATIC);
      sqlite3_bind_text (update, 2, c->new_detailed, -1, SQLITE_STATIC);
      sqlite3_bind_int (update, 3, c->new_source);
      sqlite3_bind_int64 (update, 4, c->flow_id);
      ok = sqlite3_step (update) == SQLITE_DONE;
      sqlite3_reset (update);
      if (!ok)
        eg_store_set_sqlite_error (error, store, db, "relabeling");
      else
        ok = eg_store_add_history (store, db, change_id, c->flow_id, c->uid, c->old_label,
                                   c->old_detailed, c->old_source, c->new_label,
                                   c->new_detailed, c->new_source, error)
             && eg_store_update_outbox (store, db, c->flow_id, c->new_label, c->flags, error);
    }
  sqlite3_finalize (update);
  return ok;
}

typedef struct {
  /* Which flows */
  const char * const *uids;
  const EgFlowFilter *filter;
  double              from, to;
  const EgLabelRuleSet *rules;
  /* To what */
  const char         *label;
  const char         *detailed;
  EgLabelSource       source;
  const char         *who;
  const char         *kind;
  const char         *description;
  guint64             n_changed;
} RelabelJob;

/* Adds a change for a stored row unless precedence forbids it or nothing
 * would change. */
static void
consider (RelabelJob  *job,
          GArray      *changes,
          gint64       flow_id,
          const char  *uid,
          const char  *old_label,
          const char  *old_detailed,
          guint8       old_source,
          guint32      flags,
          const char  *new_label,
          const char  *new_detailed)
{
  Change c;

  if (old_source > job->source)
    return;
  if (old_label == new_label && old_detailed == new_detailed && old_source == job->source)
    return;
  c.flow_id = flow_id;
  c.uid = g_strdup (uid);
  c.old_label = old_label;
  c.old_detailed = old_detailed;
  c.old_source = old_source;
  c.new_label = new_label;
  c.new_detailed = new_label ? new_detailed : NULL;
  c.new_source = job->source;
  c.flags = flags;
  g_array_append_val (changes, c);
}

static gboolean
relabel_func (EgStore  *store,
              sqlite3  *db,
              gpointer  data,
              GError  **error)
{
  RelabelJob *job = data;
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  sqlite3_stmt *stmt = NULL;
  gint64 change_id;

  g_array_set_clear_func (changes, change_clear);

  if (job->uids)
    {
      sqlite3_prepare_v2 (db, "SELECT id, uid, label, detailed_label, label_source, flags "
                          "FROM flows WHERE uid = ?", -1, &stmt, NULL);
      for (guint i = 0; job->uids[i]; i++)
        {
          sqlite3_bind_text (stmt, 1, job->uids[i], -1, SQLITE_STATIC);
          if (sqlite3_step (stmt) == SQLITE_ROW)
            consider (job, changes, sqlite3_column_int64 (stmt, 0),
                      (const char *) sqlite3_column_text (stmt, 1),
                      column_interned (stmt, 2), column_interned (stmt, 3),
                      sqlite3_column_int (stmt, 4), sqlite3_column_int64 (stmt, 5),
                      job->label, job->detailed);
          sqlite3_reset (stmt);
        }
    }
  else
    {
      int rc;

      sqlite3_prepare_v2 (db, "SELECT id, " EG_STORE_FLOW_COLUMNS " FROM flows "
                          "WHERE ts >= ?1 AND (?2 <= 0 OR ts < ?2) ORDER BY id", -1, &stmt, NULL);
      sqlite3_bind_double (stmt, 1, job->from);
      sqlite3_bind_double (stmt, 2, job->to);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          EgFlow flow;
          const char *label = job->label, *detailed = job->detailed;

          eg_store_read_flow (stmt, 1, &flow);
          if (!eg_flow_filter_match (job->filter, &flow))
            continue;
          if (job->rules && !eg_label_rule_set_match (job->rules, &flow, &label, &detailed))
            continue;
          consider (job, changes, sqlite3_column_int64 (stmt, 0), flow.uid,
                    flow.label, flow.detailed_label, flow.label_source, flow.flags,
                    label, detailed);
        }
      if (rc != SQLITE_DONE)
        {
          eg_store_set_sqlite_error (error, store, db, "selecting flows to relabel");
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }
  sqlite3_finalize (stmt);

  job->n_changed = changes->len;
  if (changes->len == 0)
    return TRUE;
  change_id = eg_store_begin_change (store, db, job->kind, job->who, job->description,
                                     error);
  if (change_id < 0)
    return FALSE;
  return apply_changes (store, db, change_id, changes, error);
}

gboolean
eg_store_relabel_uids (EgStore            *store,
                       const char * const *uids,
                       const char         *label,
                       const char         *detailed_label,
                       EgLabelSource       source,
                       const char         *who,
                       guint64            *n_changed,
                       GError            **error)
{
  g_autofree char *description = g_strdup_printf ("%u flows by uid", g_strv_length ((char **) uids));
  RelabelJob job = { 0 };

  job.uids = uids;
  job.label = eg_label_normalize (label);
  job.detailed = job.label && detailed_label && *detailed_label
                 ? g_intern_string (detailed_label) : NULL;
  job.source = source;
  job.who = who;
  job.kind = "relabel";
  job.description = description;
  if (!eg_store_write_sync (store, relabel_func, &job, error))
    return FALSE;
  if (n_changed)
    *n_changed = job.n_changed;
  return TRUE;
}

gboolean
eg_store_relabel_filter (EgStore            *store,
                         const EgFlowFilter *filter,
                         double              from,
                         double              to,
                         const char         *label,
                         const char         *detailed_label,
                         EgLabelSource       source,
                         const char         *who,
                         guint64            *n_changed,
                         GError            **error)
{
  RelabelJob job = { 0 };

  job.filter = filter;
  job.from = from;
  job.to = to;
  job.label = eg_label_normalize (label);
  job.detailed = job.label && detailed_label && *detailed_label
                 ? g_intern_string (detailed_label) : NULL;
  job.source = source;
  job.who = who;
  job.kind = "relabel";
  job.description = filter ? eg_flow_filter_get_text (filter) : "";
  if (!eg_store_write_sync (store, relabel_func, &job, error))
    return FALSE;
  if (n_changed)
    *n_changed = job.n_changed;
  return TRUE;
}

gboolean
eg_store_apply_label_rules (EgStore     *store,
                            const char  *who,
                            guint64     *n_changed,
                            GError     **error)
{
  g_autoptr(EgLabelRuleSet) rules = eg_store_get_label_rules (store, error);
  RelabelJob job = { 0 };

  if (n_changed)
    *n_changed = 0;
  if (rules == NULL)
    return error == NULL || *error == NULL;
  job.rules = rules;
  job.source = EG_LABEL_SOURCE_RULE;
  job.who = who;
  job.kind = "rules";
  job.description = "label rules";
  if (!eg_store_write_sync (store, relabel_func, &job, error))
    return FALSE;
  if (n_changed)
    *n_changed = job.n_changed;
  return TRUE;
}

typedef struct {
  const char *who;
  guint64     n_changed;
} UndoJob;

static gboolean
undo_func (EgStore  *store,
           sqlite3  *db,
           gpointer  data,
           GError  **error)
{
  UndoJob *job = data;
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  sqlite3_stmt *stmt = NULL;
  gint64 target = -1, change_id;
  g_autofree char *description = NULL;
  int rc;

  g_array_set_clear_func (changes, change_clear);
  /* What arrived labeled (import, rules on arrival) is the data itself, not
   * an operator's change to take back. */
  sqlite3_prepare_v2 (db, "SELECT id FROM label_changes WHERE undone = 0 "
                      "AND kind IN ('relabel', 'rules') ORDER BY id DESC LIMIT 1", -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    target = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  job->n_changed = 0;
  if (target < 0)
    return TRUE;

  /* Back to the old values, in reverse order of the change. */
  sqlite3_prepare_v2 (db, "SELECT h.flow_id, h.uid, h.old_label, h.old_detailed_label, "
                      "h.old_source, f.label, f.detailed_label, f.label_source, f.flags "
                      "FROM label_history h JOIN flows f ON f.id = h.flow_id "
                      "WHERE h.change_id = ? ORDER BY h.id DESC", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, target);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Change c;

      c.flow_id = sqlite3_column_int64 (stmt, 0);
      c.uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      c.new_label = column_interned (stmt, 2);
      c.new_detailed = column_interned (stmt, 3);
      c.new_source = sqlite3_column_int (stmt, 4);
      c.old_label = column_interned (stmt, 5);
      c.old_detailed = column_interned (stmt, 6);
      c.old_source = sqlite3_column_int (stmt, 7);
      c.flags = sqlite3_column_int64 (stmt, 8);
      g_array_append_val (changes, c);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      eg_store_set_sqlite_error (error, store, db, "reading the change to undo");
      return FALSE;
    }

  description = g_strdup_printf ("undo of change %" G_GINT64_FORMAT, target);
  change_id = eg_store_begin_change (store, db, "undo", job->who, description, error);
  if (change_id < 0 || !apply_changes (store, db, change_id, changes, error))
    return FALSE;
  sqlite3_prepare_v2 (db, "UPDATE label_changes SET undone = 1 WHERE id = ?", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, target);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      eg_store_set_sqlite_error (error, store, db, "marking a change undone");
      return FALSE;
    }
  job->n_changed = changes->len;
  return TRUE;
}

gboolean
eg_store_undo (EgStore     *store,
               const char  *who,
               guint64     *n_changed,
               GError     **error)
{
  UndoJob job = { who, 0 };

  if (!eg_store_write_sync (store, undo_func, &job, error))
    return FALSE;
  if (n_changed)
    *n_changed = job.n_changed;
  return TRUE;
}

void
eg_label_change_clear (EgLabelChange *change)
{
  g_clear_pointer (&change->who, g_free);
}

GArray *
eg_store_get_label_history (EgStore     *store,
                            const char  *uid,
                            GError     **error)
{
  sqlite3 *db = eg_store_lock_reader (store);
  g_autoptr(GArray) history = g_array_new (FALSE, FALSE, sizeof (EgLabelChange));
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_array_set_clear_func (history, (GDestroyNotify) eg_label_change_clear);
  sqlite3_prepare_v2 (db, "SELECT h.change_id, c.at, c.who, h.old_label, h.old_detailed_label, "
                      "h.old_source, h.new_label, h.new_detailed_label, h.new_source, c.kind "
                      "FROM label_history h JOIN label_changes c ON c.id = h.change_id "
                      "WHERE h.uid = ? ORDER BY h.id", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      EgLabelChange change;

      change.change_id = sqlite3_column_int64 (stmt, 0);
      change.at = sqlite3_column_double (stmt, 1);
      change.who = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      change.old_label = column_interned (stmt, 3);
      change.old_detailed_label = column_interned (stmt, 4);
      change.old_source = sqlite3_column_int (stmt, 5);
      change.new_label = column_interned (stmt, 6);
      change.new_detailed_label = column_interned (stmt, 7);
      change.new_source = sqlite3_column_int (stmt, 8);
      change.kind = column_interned (stmt, 9);
      g_array_append_val (history, change);
    }
  if (rc != SQLITE_DONE)
    eg_store_set_sqlite_error (error, store, db, "reading the label history");
  sqlite3_finalize (stmt);
  eg_store_unlock_reader (store);
  return rc == SQLITE_DONE ? g_steal_pointer (&history) : NULL;
}

typedef struct {
  EgLabelRuleSet *rules;   /* what to save */
  const char     *text;    /* the same, for the writer's own copy */
} RulesJob;

static gboolean
set_rules_func (EgStore  *store,
                sqlite3  *db,
                gpointer  data,
                GError  **error)
{
  RulesJob *job = data;
  sqlite3_stmt *stmt = NULL;
  guint n = job->rules ? eg_label_rule_set_get_n_rules (job->rules) : 0;

  if (!eg_store_exec (store, db, "DELETE FROM label_rules", error))
    return FALSE;
  sqlite3_prepare_v2 (db, "INSERT INTO label_rules (position, label, detailed_label, conditions) "
                      "VALUES (?, ?, ?, ?)", -1, &stmt, NULL);
  for (guint i = 0; i < n; i++)
    {
      const char *label, *detailed, *conditions;

      eg_label_rule_set_get_rule (job->rules, i, &label, &detailed, &conditions);
      sqlite3_bind_int (stmt, 1, i);
      sqlite3_bind_text (stmt, 2, label, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, detailed, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, conditions, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          eg_store_set_sqlite_error (error, store, db, "saving label rules");
          sqlite3_finalize (stmt);
          return FALSE;
        }
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  /* The writer thread is the only user of store->rules. A job may run twice
   * (see run_jobs): each run makes its own copy. */
  g_clear_pointer (&store->rules, eg_label_rule_set_free);
  if (job->text)
    store->rules = eg_label_rule_set_parse ("label rules", job->text, NULL);
  return TRUE;
}

gboolean
eg_store_set_label_rules (EgStore         *store,
                          EgLabelRuleSet  *rules,
                          GError         **error)
{
  g_autofree char *text = NULL;
  RulesJob job = { NULL, NULL };

  if (rules && eg_label_rule_set_get_n_rules (rules) > 0)
    {
      text = eg_label_rule_set_to_string (rules);
      job.rules = rules;
      job.text = text;
    }
  return eg_store_write_sync (store, set_rules_func, &job, error);
}

EgLabelRuleSet *
eg_store_get_label_rules (EgStore  *store,
                          GError  **error)
{
  sqlite3 *db = eg_store_lock_reader (store);
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *name = g_strdup_printf ("%s (label_rules)", store->path);
  gboolean any = FALSE;
  int rc;

  sqlite3_prepare_v2 (db, "SELECT label, detailed_label, conditions FROM label_rules "
                      "ORDER BY position", -1, &stmt, NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *detailed = (const char *) sqlite3_column_text (stmt, 1);
      g_auto(GStrv) lines = g_strsplit ((const char *) sqlite3_column_text (stmt, 2), "\n", -1);

      any = TRUE;
      g_string_append (text, (const char *) sqlite3_column_text (stmt, 0));
      if (detailed)
        g_string_append_printf (text, ", %s", detailed);
      g_string_append (text, ":\n");
      for (guint i = 0; lines[i]; i++)
        if (*lines[i])
          g_string_append_printf (text, "  - %s\n", lines[i]);
    }
  if (rc != SQLITE_DONE)
    eg_store_set_sqlite_error (error, store, db, "reading label rules");
  sqlite3_finalize (stmt);
  eg_store_unlock_reader (store);
  if (rc != SQLITE_DONE || !any)
    return NULL;
  return eg_label_rule_set_parse (name, text->str, error);
}
