/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-alert-list.h"

#include <gio/gio.h>

struct _EgAlertList
{
  GObject     parent_instance;
  GPtrArray  *groups;     /* EgAlertGroup *, first raised first */
  GHashTable *by_key;     /* "detector src" → EgAlertGroup * (borrowed) */
  GHashTable *by_uid;     /* uid → GPtrArray of EgAlert * (borrowed) */
  guint       n_alerts;
};

enum {
  PROP_0,
  PROP_N_ALERTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
eg_alert_list_get_item_type (GListModel *model)
{
  return EG_TYPE_ALERT_GROUP;
}

static guint
eg_alert_list_get_n_items (GListModel *model)
{
  return EG_ALERT_LIST (model)->groups->len;
}

static gpointer
eg_alert_list_get_item (GListModel *model,
                        guint       position)
{
  EgAlertList *self = EG_ALERT_LIST (model);

  if (position >= self->groups->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->groups, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = eg_alert_list_get_item_type;
  iface->get_n_items = eg_alert_list_get_n_items;
  iface->get_item = eg_alert_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (EgAlertList, eg_alert_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static char *
group_key (const EgAlert *alert)
{
  char addr[EG_ADDR_STRLEN];

  return g_strdup_printf ("%s %s", alert->detector, eg_addr_to_string (&alert->src, addr));
}

gboolean
eg_alert_list_find_group (EgAlertList *self,
                          const char  *detector,
                          const char  *src,
                          guint       *position)
{
  g_autofree char *key = NULL;
  EgAlertGroup *group;

  g_return_val_if_fail (EG_IS_ALERT_LIST (self), FALSE);

  key = g_strdup_printf ("%s %s", detector, src);
  group = g_hash_table_lookup (self->by_key, key);
  return group != NULL && g_ptr_array_find (self->groups, group, position);
}

void
eg_alert_list_add (EgAlertList *self,
                   GPtrArray   *alerts)
{
  g_return_if_fail (EG_IS_ALERT_LIST (self));

  if (alerts == NULL || alerts->len == 0)
    return;

  for (guint i = 0; i < alerts->len; i++)
    {
      EgAlert *alert = eg_alert_copy (g_ptr_array_index (alerts, i));
      g_autofree char *key = group_key (alert);
      EgAlertGroup *group = g_hash_table_lookup (self->by_key, key);
      guint position;

      if (group == NULL)
        {
          group = eg_alert_group_new (alert->detector, &alert->src);
          g_ptr_array_add (self->groups, group);
          g_hash_table_insert (self->by_key, g_steal_pointer (&key), group);
          eg_alert_group_add (group, alert);
          g_list_model_items_changed (G_LIST_MODEL (self), self->groups->len - 1, 0, 1);
        }
      else
        {
          eg_alert_group_add (group, alert);
          g_ptr_array_find (self->groups, group, &position);
          g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
        }

      for (guint j = 0; alert->uids != NULL && j < alert->uids->len; j++)
        {
          const char *uid = g_ptr_array_index (alert->uids, j);
          GPtrArray *of_uid = g_hash_table_lookup (self->by_uid, uid);

          if (of_uid == NULL)
            {
              of_uid = g_ptr_array_new ();
              g_hash_table_insert (self->by_uid, g_strdup (uid), of_uid);
            }
          if (!g_ptr_array_find (of_uid, alert, NULL))
            g_ptr_array_add (of_uid, alert);
        }
      self->n_alerts++;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ALERTS]);
}

void
eg_alert_list_clear (EgAlertList *self)
{
  guint n;

  g_return_if_fail (EG_IS_ALERT_LIST (self));

  n = self->groups->len;
  g_hash_table_remove_all (self->by_uid);
  g_hash_table_remove_all (self->by_key);
  g_ptr_array_set_size (self->groups, 0);
  self->n_alerts = 0;
  if (n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ALERTS]);
}

guint
eg_alert_list_get_n_alerts (EgAlertList *self)
{
  g_return_val_if_fail (EG_IS_ALERT_LIST (self), 0);
  return self->n_alerts;
}

GPtrArray *
eg_alert_list_lookup_uid (EgAlertList *self,
                          const char  *uid)
{
  g_return_val_if_fail (EG_IS_ALERT_LIST (self), NULL);
  return g_hash_table_lookup (self->by_uid, uid);
}

static void
eg_alert_list_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  EgAlertList *self = EG_ALERT_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ALERTS:
      g_value_set_uint (value, self->n_alerts);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
eg_alert_list_finalize (GObject *object)
{
  EgAlertList *self = EG_ALERT_LIST (object);

  g_clear_pointer (&self->by_uid, g_hash_table_unref);
  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  G_OBJECT_CLASS (eg_alert_list_parent_class)->finalize (object);
}

static void
eg_alert_list_class_init (EgAlertListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = eg_alert_list_get_property;
  object_class->finalize = eg_alert_list_finalize;

  properties[PROP_N_ALERTS] =
    g_param_spec_uint ("n-alerts", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
eg_alert_list_init (EgAlertList *self)
{
  self->groups = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->by_uid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_ptr_array_unref);
}

EgAlertList *
eg_alert_list_new (void)
{
  return g_object_new (EG_TYPE_ALERT_LIST, NULL);
}
