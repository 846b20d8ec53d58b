/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-flow-list.h"

#include <string.h>

#include "eg-flow-row.h"

struct _EgFlowList
{
  GObject       parent_instance;

  GArray       *flows;     /* EgFlow, in arrival order */
  GHashTable   *by_uid;    /* uid (in uids) → index + 1 */
  GStringChunk *uids;
  GArray       *visible;   /* guint: indexes into flows, sorted */
  GArray       *pending;   /* EgFlow waiting while paused */
  /* index + 1 → the EgFlowRow a view still holds (weak): handing the same
   * object out again lets GtkListView keep its row widgets across a big
   * items-changed instead of building them all anew. */
  GHashTable   *rows;

  /* While a merged batch is announced insert by insert: the final
   * positions of the batch and how many of them the views know of yet. */
  GArray       *announcing;
  guint         announced;

  GtkSorter    *sorter;
  gulong        sorter_changed_id;
  /* The sorter orders something: a column view's sorter with no sort
   * column calls every pair equal, and asking it costs a call per pair. */
  gboolean      sorting;
  EgFlowRow    *probe_a;
  EgFlowRow    *probe_b;
  EgFlowMatchFunc match;
  gpointer      match_data;
  GDestroyNotify match_destroy;
  gboolean      paused;
};

enum {
  PROP_0,
  PROP_N_ITEMS,
  PROP_N_FLOWS,
  PROP_N_PENDING,
  PROP_PAUSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
eg_flow_list_get_item_type (GListModel *model)
{
  return EG_TYPE_FLOW_ROW;
}

static guint
eg_flow_list_get_n_items (GListModel *model)
{
  EgFlowList *self = EG_FLOW_LIST (model);

  if (self->announcing != NULL)
    return self->visible->len - (self->announcing->len - self->announced);
  return self->visible->len;
}

/* The index shown at position, as the views know the list right now. */
static guint
shown_index_at (EgFlowList *self,
                guint       position)
{
  const guint *final;
  guint n, first_unannounced, p;

  if (self->announcing == NULL || self->announced == self->announcing->len)
    return g_array_index (self->visible, guint, position);

  /* Positions at or before the last announced insert are final already;
   * past it, skip the inserts not announced yet (all lie further on). */
  final = (const guint *) self->announcing->data;
  n = self->announcing->len;
  first_unannounced = self->announced;
  if (first_unannounced > 0 && position <= final[first_unannounced - 1])
    return g_array_index (self->visible, guint, position);
  p = position;
  for (;;)
    {
      guint lo = first_unannounced, hi = n, skipped;

      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (final[mid] <= p)
            lo = mid + 1;
          else
            hi = mid;
        }
      skipped = lo - first_unannounced;
      if (position + skipped == p)
        break;
      p = position + skipped;
    }
  return g_array_index (self->visible, guint, p);
}

static void
on_row_finalized_cb (gpointer  data,
                     GObject  *where_the_object_was)
{
  EgFlowList *self = data;
  gpointer key = g_object_get_data (where_the_object_was, "eg-flow-list-key");

  /* A newer row may have taken the slot since this one was dropped. */
  if (g_hash_table_lookup (self->rows, key) == (gpointer) where_the_object_was)
    g_hash_table_remove (self->rows, key);
}

static void
forget_row (EgFlowList *self,
            guint       index)
{
  gpointer key = GUINT_TO_POINTER (index + 1);
  GObject *row = g_hash_table_lookup (self->rows, key);

  if (row != NULL)
    {
      g_object_weak_unref (row, on_row_finalized_cb, self);
      g_hash_table_remove (self->rows, key);
    }
}

static void
forget_all_rows (EgFlowList *self)
{
  GHashTableIter iter;
  gpointer row;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    g_object_weak_unref (row, on_row_finalized_cb, self);
  g_hash_table_remove_all (self->rows);
}

static gpointer
eg_flow_list_get_item (GListModel *model,
                       guint       position)
{
  EgFlowList *self = EG_FLOW_LIST (model);
  gpointer key;
  EgFlowRow *row;
  guint index;

  if (position >= eg_flow_list_get_n_items (model))
    return NULL;
  index = shown_index_at (self, position);
  key = GUINT_TO_POINTER (index + 1);
  row = g_hash_table_lookup (self->rows, key);
  if (row != NULL)
    return g_object_ref (row);
  row = eg_flow_row_new (&g_array_index (self->flows, EgFlow, index));
  g_object_set_data (G_OBJECT (row), "eg-flow-list-key", key);
  g_object_weak_ref (G_OBJECT (row), on_row_finalized_cb, self);
  g_hash_table_insert (self->rows, key, row);
  return row;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = eg_flow_list_get_item_type;
  iface->get_n_items = eg_flow_list_get_n_items;
  iface->get_item = eg_flow_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (EgFlowList, eg_flow_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static inline const EgFlow *
flow_at (EgFlowList *self,
         guint       index)
{
  return &g_array_index (self->flows, EgFlow, index);
}

static inline guint
visible_at (EgFlowList *self,
            guint       position)
{
  return g_array_index (self->visible, guint, position);
}

/* The sorter's order, then arrival order: a total order, so a flow's
 * position can be found again by binary search. */
static int
compare_indexes (EgFlowList *self,
                 guint       a,
                 guint       b)
{
  if (self->sorting)
    {
      GtkOrdering order;

      eg_flow_row_set_borrowed (self->probe_a, flow_at (self, a));
      eg_flow_row_set_borrowed (self->probe_b, flow_at (self, b));
      order = gtk_sorter_compare (self->sorter, self->probe_a, self->probe_b);
      if (order != GTK_ORDERING_EQUAL)
        return order;
    }
  return (a > b) - (a < b);
}

static int
compare_indexes_cb (gconstpointer a,
                    gconstpointer b,
                    gpointer      user_data)
{
  return compare_indexes (user_data, *(const guint *) a, *(const guint *) b);
}

/* The first position in visible[from..] not before index. */
static guint
lower_bound (EgFlowList *self,
             guint       from,
             guint       index)
{
  guint lo = from, hi = self->visible->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (compare_indexes (self, visible_at (self, mid), index) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static inline gboolean
matches (EgFlowList   *self,
         const EgFlow *flow)
{
  return self->match == NULL || self->match (flow, self->match_data);
}

static void
items_changed (EgFlowList *self,
               guint       position,
               guint       removed,
               guint       added)
{
  if (removed == 0 && added == 0)
    return;
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* The shown positions from scratch: every flow that matches, in order. */
static void
rebuild_visible (EgFlowList *self)
{
  g_array_set_size (self->visible, 0);
  for (guint i = 0; i < self->flows->len; i++)
    if (matches (self, flow_at (self, i)))
      g_array_append_val (self->visible, i);
  /* Without a sort order the indexes are in arrival order already. */
  if (self->sorting)
    g_qsort_with_data (self->visible->data, self->visible->len, sizeof (guint),
                       compare_indexes_cb, self);
}

/* A row a view holds takes the flow at index (it was out of the table). */
static void
move_row (EgFlowList *self,
          EgFlowRow  *row,
          guint       index)
{
  g_object_set_data (G_OBJECT (row), "eg-flow-list-key", GUINT_TO_POINTER (index + 1));
  g_hash_table_insert (self->rows, GUINT_TO_POINTER (index + 1), row);
  eg_flow_row_set_flow (row, flow_at (self, index));
}

/* The rows a view holds for flows the new query hides go to the flows now
 * at their positions: GtkListView gets the same items back where it had
 * them, keeps their widgets and only redraws them, where new items would
 * cost it a widget each (a few hundred rows, a quarter of a second). */
static void
recycle_rows (EgFlowList   *self,
              const GArray *old_visible)
{
  g_autofree guint *old_pos = g_new (guint, self->flows->len);
  g_autofree gboolean *shown = g_new0 (gboolean, self->flows->len);
  g_autoptr(GPtrArray) hidden = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, row;

  for (guint i = 0; i < self->flows->len; i++)
    old_pos[i] = G_MAXUINT;
  for (guint p = 0; p < old_visible->len; p++)
    old_pos[g_array_index (old_visible, guint, p)] = p;
  for (guint p = 0; p < self->visible->len; p++)
    shown[visible_at (self, p)] = TRUE;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &key, &row))
    if (!shown[GPOINTER_TO_UINT (key) - 1])
      {
        g_ptr_array_add (hidden, row);
        g_hash_table_iter_remove (&iter);
      }
  for (guint i = 0, next = 0; i < hidden->len; i++)
    {
      EgFlowRow *r = hidden->pdata[i];
      guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (r), "eg-flow-list-key")) - 1;
      guint p = old_pos[index], now = G_MAXUINT;

      if (p < self->visible->len &&
          !g_hash_table_contains (self->rows, GUINT_TO_POINTER (visible_at (self, p) + 1)))
        now = visible_at (self, p);
      else
        {
          /* Past the end of a shorter list: the view starts again at the
           * top, so the top rows take it. */
          while (next < self->visible->len &&
                 g_hash_table_contains (self->rows, GUINT_TO_POINTER (visible_at (self, next) + 1)))
            next++;
          if (next < self->visible->len)
            now = visible_at (self, next);
        }
      if (now == G_MAXUINT)
        {
          g_object_weak_unref (G_OBJECT (r), on_row_finalized_cb, self);
          continue;
        }
      move_row (self, r, now);
    }
}

/* Rebuilds the shown positions after the query or sorter changed. */
static void
refilter (EgFlowList *self)
{
  guint old_len = self->visible->len;
  g_autoptr(GArray) old_visible = g_array_copy (self->visible);

  rebuild_visible (self);
  recycle_rows (self, old_visible);
  items_changed (self, 0, old_len, self->visible->len);
}

/* Merges sorted indexes into visible; returns the first position touched
 * and appends the final position of each insert to positions. */
static guint
merge_sorted (EgFlowList *self,
              GArray     *added,
              GArray     *positions)
{
  g_autoptr(GArray) merged = NULL;
  guint first = G_MAXUINT, from = 0;

  if (added->len == 0)
    return G_MAXUINT;

  merged = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->visible->len + added->len);
  for (guint i = 0; i < added->len; i++)
    {
      guint index = g_array_index (added, guint, i);
      guint pos = lower_bound (self, from, index);

      g_array_append_vals (merged, &g_array_index (self->visible, guint, from), pos - from);
      if (first == G_MAXUINT)
        first = merged->len;
      g_array_append_val (positions, merged->len);
      g_array_append_val (merged, index);
      from = pos;
    }
  g_array_append_vals (merged, &g_array_index (self->visible, guint, from),
                       self->visible->len - from);
  g_array_unref (self->visible);
  self->visible = g_steal_pointer (&merged);
  return first;
}

/* The last position at which a view holds a row (G_MAXUINT: none). */
static guint
last_held_position (EgFlowList *self)
{
  GHashTableIter iter;
  gpointer key;
  guint last = G_MAXUINT;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint index = GPOINTER_TO_UINT (key) - 1;
      guint pos = lower_bound (self, 0, index);

      if (pos < self->visible->len && visible_at (self, pos) == index)
        last = last == G_MAXUINT ? pos : MAX (last, pos);
    }
  return last;
}

/* Pure inserts go out as insert-only changes, one per run of adjacent new
 * rows: GtkListView then leaves every other row alone, where one big
 * "replace everything" change would make it fetch every item again. */
/* Each insert-only change costs the views a few tens of µs, and one before
 * a row they hold costs them binding again every held row past it (GTK 4.8
 * binds anew each row whose position moved): about 1 ms for its 200 rows,
 * as much as 3,000 rows of one big change, which costs about a third of a
 * µs per row from the first insert to the end, and that binding once.
 * Count the runs of adjacent inserts and pick the cheaper. */
#define RUN_COST_ROWS     100
#define REBIND_COST_ROWS  3000

static gboolean
cheap_to_announce (EgFlowList *self,
                   GArray     *added)
{
  guint n = self->visible->len, held, first_pos, prev_pos;
  guint64 runs_cost, big_cost;

  if (added->len == 1)
    return TRUE;
  held = last_held_position (self);
  first_pos = prev_pos = lower_bound (self, 0, g_array_index (added, guint, 0));
  big_cost = n - first_pos + 1 + (held != G_MAXUINT && first_pos <= held ? REBIND_COST_ROWS : 0);
  runs_cost = RUN_COST_ROWS + (held != G_MAXUINT && first_pos <= held ? REBIND_COST_ROWS : 0);
  for (guint i = 1; i < added->len && runs_cost <= big_cost; i++)
    {
      guint pos = lower_bound (self, prev_pos, g_array_index (added, guint, i));

      if (pos != prev_pos)
        runs_cost += RUN_COST_ROWS + (held != G_MAXUINT && pos <= held ? REBIND_COST_ROWS : 0);
      prev_pos = pos;
    }
  return runs_cost <= big_cost;
}

static void
announce_inserts (EgFlowList *self,
                  GArray     *added)
{
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
  guint old_len = self->visible->len;
  guint start = 0;

  merge_sorted (self, added, positions);
  self->announcing = positions;
  self->announced = 0;
  while (start < positions->len)
    {
      guint end = start + 1;

      while (end < positions->len &&
             g_array_index (positions, guint, end) == g_array_index (positions, guint, end - 1) + 1)
        end++;
      self->announced = end;
      g_list_model_items_changed (G_LIST_MODEL (self), g_array_index (positions, guint, start),
                                  0, end - start);
      start = end;
    }
  self->announcing = NULL;
  if (self->visible->len != old_len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
add_now (EgFlowList   *self,
         const EgFlow *flows,
         guint         n_flows)
{
  g_autoptr(GArray) added = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_flows);
  guint old_len = self->visible->len;
  guint old_n_flows = self->flows->len;
  guint first = G_MAXUINT, merged_first;

  for (guint i = 0; i < n_flows; i++)
    {
      const EgFlow *flow = &flows[i];
      gpointer value = NULL;
      guint index;

      if (flow->uid[0] != '\0' &&
          g_hash_table_lookup_extended (self->by_uid, flow->uid, NULL, &value))
        {
          guint pos;

          /* An interim update: find the old record where it sorts now. */
          index = GPOINTER_TO_UINT (value) - 1;
          pos = lower_bound (self, 0, index);
          if (pos < self->visible->len && visible_at (self, pos) == index)
            {
              g_array_remove_index (self->visible, pos);
              first = MIN (first, pos);
            }
          g_array_index (self->flows, EgFlow, index) = *flow;
          forget_row (self, index);
        }
      else
        {
          index = self->flows->len;
          g_array_append_val (self->flows, *flow);
          if (flow->uid[0] != '\0')
            g_hash_table_insert (self->by_uid,
                                 g_string_chunk_insert_const (self->uids, flow->uid),
                                 GUINT_TO_POINTER (index + 1));
        }
      if (matches (self, flow))
        g_array_append_val (added, index);
    }

  /* A uid seen twice in one batch must appear once. */
  if (added->len > 1)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
      guint out = 0;

      for (guint i = 0; i < added->len; i++)
        {
          guint index = g_array_index (added, guint, i);

          if (g_hash_table_add (seen, GUINT_TO_POINTER (index)))
            g_array_index (added, guint, out++) = index;
        }
      g_array_set_size (added, out);
      g_qsort_with_data (added->data, added->len, sizeof (guint), compare_indexes_cb, self);
    }

  if (first == G_MAXUINT && added->len > 0 && cheap_to_announce (self, added))
    {
      announce_inserts (self, added);
    }
  else
    {
      g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));

      merged_first = merge_sorted (self, added, positions);
      first = MIN (first, merged_first);
      if (first != G_MAXUINT)
        items_changed (self, first, old_len - first, self->visible->len - first);
    }
  if (self->flows->len != old_n_flows)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FLOWS]);
}

void
eg_flow_list_add (EgFlowList   *self,
                  const EgFlow *flows,
                  guint         n_flows)
{
  g_return_if_fail (EG_IS_FLOW_LIST (self));
  g_return_if_fail (flows != NULL || n_flows == 0);

  if (n_flows == 0)
    return;
  if (self->paused)
    {
      g_array_append_vals (self->pending, flows, n_flows);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
      return;
    }
  add_now (self, flows, n_flows);
}

void
eg_flow_list_update (EgFlowList   *self,
                     const EgFlow *flows,
                     guint         n_flows)
{
  g_return_if_fail (EG_IS_FLOW_LIST (self));
  g_return_if_fail (flows != NULL || n_flows == 0);

  if (n_flows > 0)
    add_now (self, flows, n_flows);
}

void
eg_flow_list_clear (EgFlowList *self)
{
  guint old_len;

  g_return_if_fail (EG_IS_FLOW_LIST (self));

  old_len = self->visible->len;
  g_array_set_size (self->flows, 0);
  g_array_set_size (self->visible, 0);
  g_array_set_size (self->pending, 0);
  g_hash_table_remove_all (self->by_uid);
  g_string_chunk_clear (self->uids);
  forget_all_rows (self);
  items_changed (self, 0, old_len, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FLOWS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
}

void
eg_flow_list_replace_all (EgFlowList   *self,
                          const EgFlow *flows,
                          guint         n_flows)
{
  g_autoptr(GPtrArray) beyond = g_ptr_array_new ();
  guint old_len;
  GHashTableIter iter;
  gpointer key, row;

  g_return_if_fail (EG_IS_FLOW_LIST (self));
  g_return_if_fail (flows != NULL || n_flows == 0);

  old_len = self->visible->len;
  g_array_set_size (self->flows, 0);
  g_array_append_vals (self->flows, flows, n_flows);
  g_array_set_size (self->pending, 0);
  g_hash_table_remove_all (self->by_uid);
  g_string_chunk_clear (self->uids);
  for (guint i = 0; i < n_flows; i++)
    if (flows[i].uid[0] != '\0' &&
        !g_hash_table_contains (self->by_uid, flows[i].uid))
      g_hash_table_insert (self->by_uid, g_string_chunk_insert_const (self->uids, flows[i].uid),
                           GUINT_TO_POINTER (i + 1));

  /* The rows views hold keep their slot and take the new record, so the
   * views keep their row widgets (GtkListView reuses a widget whose item
   * comes back) and only redraw them. */
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &key, &row))
    {
      guint index = GPOINTER_TO_UINT (key) - 1;

      if (index < n_flows)
        eg_flow_row_set_flow (row, &g_array_index (self->flows, EgFlow, index));
      else
        {
          g_ptr_array_add (beyond, row);
          g_hash_table_iter_remove (&iter);
        }
    }
  /* Rows past the end of a shorter page go to its top, where the view
   * starts again. */
  for (guint i = 0, next = 0; i < beyond->len; i++)
    {
      while (next < n_flows && g_hash_table_contains (self->rows, GUINT_TO_POINTER (next + 1)))
        next++;
      if (next >= n_flows)
        {
          g_object_weak_unref (beyond->pdata[i], on_row_finalized_cb, self);
          continue;
        }
      move_row (self, beyond->pdata[i], next);
    }

  rebuild_visible (self);
  items_changed (self, 0, old_len, self->visible->len);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FLOWS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
}

static void
on_sorter_changed_cb (GtkSorter       *sorter,
                      GtkSorterChange  change,
                      EgFlowList      *self)
{
  guint len = self->visible->len;
  gboolean was_sorting = self->sorting;

  self->sorting = sorter != NULL && gtk_sorter_get_order (sorter) != GTK_SORTER_ORDER_NONE;
  if (!self->sorting && !was_sorting)
    return;  /* arrival order before and after */
  g_qsort_with_data (self->visible->data, len, sizeof (guint), compare_indexes_cb, self);
  items_changed (self, 0, len, len);
}

void
eg_flow_list_set_sorter (EgFlowList *self,
                         GtkSorter  *sorter)
{
  g_return_if_fail (EG_IS_FLOW_LIST (self));
  g_return_if_fail (sorter == NULL || GTK_IS_SORTER (sorter));

  if (self->sorter == sorter)
    return;
  if (self->sorter != NULL)
    g_clear_signal_handler (&self->sorter_changed_id, self->sorter);
  g_set_object (&self->sorter, sorter);
  if (sorter != NULL)
    self->sorter_changed_id = g_signal_connect (sorter, "changed",
                                                G_CALLBACK (on_sorter_changed_cb), self);
  on_sorter_changed_cb (sorter, GTK_SORTER_CHANGE_DIFFERENT, self);
}

static void
clear_match (EgFlowList *self)
{
  if (self->match_destroy != NULL)
    self->match_destroy (self->match_data);
  self->match = NULL;
  self->match_data = NULL;
  self->match_destroy = NULL;
}

void
eg_flow_list_set_match_func (EgFlowList      *self,
                             EgFlowMatchFunc  func,
                             gpointer         user_data,
                             GDestroyNotify   destroy)
{
  g_return_if_fail (EG_IS_FLOW_LIST (self));

  clear_match (self);
  self->match = func;
  self->match_data = user_data;
  self->match_destroy = destroy;
  refilter (self);
}

void
eg_flow_list_set_paused (EgFlowList *self,
                         gboolean    paused)
{
  g_return_if_fail (EG_IS_FLOW_LIST (self));

  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;
  if (!paused && self->pending->len > 0)
    {
      g_autoptr(GArray) pending = g_steal_pointer (&self->pending);

      self->pending = g_array_new (FALSE, FALSE, sizeof (EgFlow));
      add_now (self, (const EgFlow *) pending->data, pending->len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

gboolean
eg_flow_list_get_paused (EgFlowList *self)
{
  g_return_val_if_fail (EG_IS_FLOW_LIST (self), FALSE);
  return self->paused;
}

guint
eg_flow_list_get_n_flows (EgFlowList *self)
{
  g_return_val_if_fail (EG_IS_FLOW_LIST (self), 0);
  return self->flows->len;
}

guint
eg_flow_list_get_n_pending (EgFlowList *self)
{
  g_return_val_if_fail (EG_IS_FLOW_LIST (self), 0);
  return self->pending->len;
}

const EgFlow *
eg_flow_list_get_flow (EgFlowList *self,
                       guint       position)
{
  g_return_val_if_fail (EG_IS_FLOW_LIST (self), NULL);
  g_return_val_if_fail (position < eg_flow_list_get_n_items (G_LIST_MODEL (self)), NULL);

  return flow_at (self, shown_index_at (self, position));
}

const EgFlow *
eg_flow_list_lookup (EgFlowList *self,
                     const char *uid)
{
  gpointer value;

  g_return_val_if_fail (EG_IS_FLOW_LIST (self), NULL);

  value = g_hash_table_lookup (self->by_uid, uid);
  return value != NULL ? flow_at (self, GPOINTER_TO_UINT (value) - 1) : NULL;
}

void
eg_flow_list_foreach (EgFlowList *self,
                      void      (*func) (const EgFlow *flow,
                                         gpointer      user_data),
                      gpointer    user_data)
{
  g_return_if_fail (EG_IS_FLOW_LIST (self));

  for (guint i = 0; i < self->flows->len; i++)
    func (flow_at (self, i), user_data);
}

gboolean
eg_flow_list_get_time_span (EgFlowList *self,
                            double     *first,
                            double     *last)
{
  g_return_val_if_fail (EG_IS_FLOW_LIST (self), FALSE);

  if (self->flows->len == 0)
    return FALSE;
  *first = G_MAXDOUBLE;
  *last = -G_MAXDOUBLE;
  for (guint i = 0; i < self->flows->len; i++)
    {
      double ts = flow_at (self, i)->ts;

      *first = MIN (*first, ts);
      *last = MAX (*last, ts);
    }
  return TRUE;
}

static void
eg_flow_list_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  EgFlowList *self = EG_FLOW_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->visible->len);
      break;
    case PROP_N_FLOWS:
      g_value_set_uint (value, self->flows->len);
      break;
    case PROP_N_PENDING:
      g_value_set_uint (value, self->pending->len);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
eg_flow_list_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  EgFlowList *self = EG_FLOW_LIST (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      eg_flow_list_set_paused (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
eg_flow_list_dispose (GObject *object)
{
  EgFlowList *self = EG_FLOW_LIST (object);

  if (self->sorter != NULL)
    g_clear_signal_handler (&self->sorter_changed_id, self->sorter);
  g_clear_object (&self->sorter);
  G_OBJECT_CLASS (eg_flow_list_parent_class)->dispose (object);
}

static void
eg_flow_list_finalize (GObject *object)
{
  EgFlowList *self = EG_FLOW_LIST (object);

  g_clear_pointer (&self->flows, g_array_unref);
  g_clear_pointer (&self->visible, g_array_unref);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->by_uid, g_hash_table_unref);
  g_clear_pointer (&self->uids, g_string_chunk_free);
  clear_match (self);
  forget_all_rows (self);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_object (&self->probe_a);
  g_clear_object (&self->probe_b);
  G_OBJECT_CLASS (eg_flow_list_parent_class)->finalize (object);
}

static void
eg_flow_list_class_init (EgFlowListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = eg_flow_list_get_property;
  object_class->set_property = eg_flow_list_set_property;
  object_class->dispose = eg_flow_list_dispose;
  object_class->finalize = eg_flow_list_finalize;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_FLOWS] =
    g_param_spec_uint ("n-flows", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_PENDING] =
    g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
eg_flow_list_init (EgFlowList *self)
{
  self->flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  self->visible = g_array_new (FALSE, FALSE, sizeof (guint));
  self->pending = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  self->by_uid = g_hash_table_new (g_str_hash, g_str_equal);
  self->uids = g_string_chunk_new (4096);
  self->rows = g_hash_table_new (NULL, NULL);
  self->probe_a = eg_flow_row_new_probe ();
  self->probe_b = eg_flow_row_new_probe ();
}

EgFlowList *
eg_flow_list_new (void)
{
  return g_object_new (EG_TYPE_FLOW_LIST, NULL);
}
