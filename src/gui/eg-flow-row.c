/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-flow-row.h"

struct _EgFlowRow
{
  GObject       parent_instance;
  const EgFlow *flow;   /* &copy, or a borrowed record */
  EgFlow        copy;
};

enum {
  PROP_0,
  PROP_FLOW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (EgFlowRow, eg_flow_row, G_TYPE_OBJECT)

static void
eg_flow_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  EgFlowRow *self = EG_FLOW_ROW (object);

  switch (prop_id)
    {
    case PROP_FLOW:
      g_value_set_pointer (value, (gpointer) self->flow);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
eg_flow_row_class_init (EgFlowRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = eg_flow_row_get_property;
  /* The record changed under the same row (see eg_flow_row_set_flow). */
  properties[PROP_FLOW] =
    g_param_spec_pointer ("flow", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
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

void
eg_flow_row_set_flow (EgFlowRow    *self,
                      const EgFlow *flow)
{
  g_return_if_fail (EG_IS_FLOW_ROW (self));

  self->copy = *flow;
  self->flow = &self->copy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLOW]);
}

const EgFlow *
eg_flow_row_get_flow (EgFlowRow *self)
{
  g_return_val_if_fail (EG_IS_FLOW_ROW (self), NULL);

  return self->flow;
}
