/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-flow-sorter.h"

#include "eg-flow-row.h"

struct _EgFlowSorter
{
  GtkSorter   parent_instance;
  EgFlowField field;
};

G_DEFINE_FINAL_TYPE (EgFlowSorter, eg_flow_sorter, GTK_TYPE_SORTER)

/* While probing (main thread only, see eg_flow_sorter_probe_primary) */
static gboolean      probing;
static EgFlowSorter *probed;

static GtkOrdering
eg_flow_sorter_compare (GtkSorter *sorter,
                        gpointer   item1,
                        gpointer   item2)
{
  EgFlowSorter *self = EG_FLOW_SORTER (sorter);
  int order;

  if (G_UNLIKELY (probing))
    {
      /* The column view asks its primary column first. */
      if (probed != NULL)
        return GTK_ORDERING_EQUAL;
      probed = self;
      return GTK_ORDERING_SMALLER;
    }
  order = eg_flow_field_compare (self->field,
                                     eg_flow_row_get_flow (item1),
                                     eg_flow_row_get_flow (item2));

  return order < 0 ? GTK_ORDERING_SMALLER : order > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static GtkSorterOrder
eg_flow_sorter_get_order (GtkSorter *sorter)
{
  return GTK_SORTER_ORDER_PARTIAL;
}

static void
eg_flow_sorter_class_init (EgFlowSorterClass *klass)
{
  GtkSorterClass *sorter_class = GTK_SORTER_CLASS (klass);

  sorter_class->compare = eg_flow_sorter_compare;
  sorter_class->get_order = eg_flow_sorter_get_order;
}

static void
eg_flow_sorter_init (EgFlowSorter *self)
{
}

EgFlowSorter *
eg_flow_sorter_new (EgFlowField field)
{
  EgFlowSorter *self = g_object_new (EG_TYPE_FLOW_SORTER, NULL);

  self->field = field;
  return self;
}

EgFlowField
eg_flow_sorter_get_field (EgFlowSorter *self)
{
  g_return_val_if_fail (EG_IS_FLOW_SORTER (self), EG_FLOW_FIELD_TS);
  return self->field;
}

gboolean
eg_flow_sorter_probe_primary (GtkSorter   *column_view_sorter,
                              EgFlowField *field,
                              gboolean    *descending)
{
  /* Two rows: gtk_sorter_compare answers "equal" for an item and itself. */
  g_autoptr(EgFlowRow) a = eg_flow_row_new_probe ();
  g_autoptr(EgFlowRow) b = eg_flow_row_new_probe ();
  GtkOrdering order;

  g_return_val_if_fail (GTK_IS_SORTER (column_view_sorter), FALSE);

  /* The column view compares with its columns' sorters in turn, the
   * primary one first, and turns the answer round when it is descending:
   * our sorters answer "smaller" once and say who answered. */
  probing = TRUE;
  probed = NULL;
  order = gtk_sorter_compare (column_view_sorter, a, b);
  probing = FALSE;
  if (probed == NULL || order == GTK_ORDERING_EQUAL)
    return FALSE;
  *field = probed->field;
  *descending = order == GTK_ORDERING_LARGER;
  probed = NULL;
  return TRUE;
}
