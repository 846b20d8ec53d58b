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

  GtkSorter    *sorter;
  gulong        sorter_changed_id;
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
  return EG_FLOW_LIST (model)->visible->len;
}

static gpointer
eg_flow_list_get_item (GListModel *model,
                       guint       position)
{
  EgFlowList *self = EG_FLOW_LIST (model);

  if (position >= self->visible->len)
    return NULL;
  return eg_flow_row_new (eg_flow_list_get_flow (self, position));
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
  if (self->sorter != NULL)
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

/* Rebuilds the shown positions after the query or sorter changed. */
static void
refilter (EgFlowList *self)
{
  guint old_len = self->visible->len;

  g_array_set_size (self->visible, 0);
  for (guint i = 0; i < self->flows->len; i++)
    if (matches (self, flow_at (self, i)))
      g_array_append_val (self->visible, i);
  if (self->sorter != NULL)
    g_qsort_with_data (self->visible->data, self->visible->len, sizeof (guint),
                       compare_indexes_cb, self);
  items_changed (self, 0, old_len, self->visible->len);
}

/* Merges sorted indexes into visible; returns the first position touched. */
static guint
merge_sorted (EgFlowList *self,
              GArray     *added)
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
      g_array_append_val (merged, index);
      from = pos;
    }
  g_array_append_vals (merged, &g_array_index (self->visible, guint, from),
                       self->visible->len - from);
  g_array_unref (self->visible);
  self->visible = g_steal_pointer (&merged);
  return first;
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

  merged_first = merge_sorted (self, added);
  first = MIN (first, merged_first);
  if (first != G_MAXUINT)
    items_changed (self, first, old_len - first, self->visible->len - first);
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
  items_changed (self, 0, old_len, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FLOWS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
}

static void
on_sorter_changed_cb (GtkSorter       *sorter,
                      GtkSorterChange  change,
                      EgFlowList      *self)
{
  guint len = self->visible->len;

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
  g_return_val_if_fail (position < self->visible->len, NULL);

  return flow_at (self, visible_at (self, position));
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
  self->probe_a = eg_flow_row_new_probe ();
  self->probe_b = eg_flow_row_new_probe ();
}

EgFlowList *
eg_flow_list_new (void)
{
  return g_object_new (EG_TYPE_FLOW_LIST, NULL);
}
