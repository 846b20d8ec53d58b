/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-flow-row.h"

struct _EgFlowRow
{
  GObject       parent_instance;
  const EgFlow *flow;   /* &copy, or a borrowed record */
  EgFlow        copy;
};

G_DEFINE_FINAL_TYPE (EgFlowRow, eg_flow_row, G_TYPE_OBJECT)

static void
eg_flow_row_class_init (EgFlowRowClass *klass)
{
}

static void
eg_flow_row_init (EgFlowRow *self)
{
  eg_flow_init (&self->copy);
  self->flow = &self->copy;
}

EgFlowRow *
eg_flow_row_new (const EgFlow *flow)
{
  EgFlowRow *self = g_object_new (EG_TYPE_FLOW_ROW, NULL);

  self->copy = *flow;
  return self;
}

EgFlowRow *
eg_flow_row_new_probe (void)
{
  return g_object_new (EG_TYPE_FLOW_ROW, NULL);
}

void
eg_flow_row_set_borrowed (EgFlowRow    *self,
                          const EgFlow *flow)
{
  g_return_if_fail (EG_IS_FLOW_ROW (self));

  self->flow = flow != NULL ? flow : &self->copy;
}

const EgFlow *
eg_flow_row_get_flow (EgFlowRow *self)
{
  g_return_val_if_fail (EG_IS_FLOW_ROW (self), NULL);

  return self->flow;
}
