/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-alert-group.h"

struct _EgAlertGroup
{
  GObject        parent_instance;
  const char    *detector;   /* interned */
  EgAddr         src;
  EgThreatLevel  threat;
  GPtrArray     *alerts;     /* EgAlert *, in arrival order */
};

G_DEFINE_FINAL_TYPE (EgAlertGroup, eg_alert_group, G_TYPE_OBJECT)

static void
eg_alert_group_finalize (GObject *object)
{
  EgAlertGroup *self = EG_ALERT_GROUP (object);

  g_clear_pointer (&self->alerts, g_ptr_array_unref);
  G_OBJECT_CLASS (eg_alert_group_parent_class)->finalize (object);
}

static void
eg_alert_group_class_init (EgAlertGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = eg_alert_group_finalize;
}

static void
eg_alert_group_init (EgAlertGroup *self)
{
  self->alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);
}

EgAlertGroup *
eg_alert_group_new (const char   *detector,
                    const EgAddr *src)
{
  EgAlertGroup *self = g_object_new (EG_TYPE_ALERT_GROUP, NULL);

  self->detector = g_intern_string (detector);
  self->src = *src;
  return self;
}

void
eg_alert_group_add (EgAlertGroup *self,
                    EgAlert      *alert)
{
  g_return_if_fail (EG_IS_ALERT_GROUP (self));
  g_return_if_fail (alert != NULL);

  if (self->alerts->len == 0 || alert->threat_level > self->threat)
    self->threat = alert->threat_level;
  g_ptr_array_add (self->alerts, alert);
}

const char *
eg_alert_group_get_detector (EgAlertGroup *self)
{
  g_return_val_if_fail (EG_IS_ALERT_GROUP (self), NULL);
  return self->detector;
}

const EgAddr *
eg_alert_group_get_src (EgAlertGroup *self)
{
  g_return_val_if_fail (EG_IS_ALERT_GROUP (self), NULL);
  return &self->src;
}

EgThreatLevel
eg_alert_group_get_threat (EgAlertGroup *self)
{
  g_return_val_if_fail (EG_IS_ALERT_GROUP (self), EG_THREAT_INFO);
  return self->threat;
}

guint
eg_alert_group_get_n_alerts (EgAlertGroup *self)
{
  g_return_val_if_fail (EG_IS_ALERT_GROUP (self), 0);
  return self->alerts->len;
}

const EgAlert *
eg_alert_group_get_alert (EgAlertGroup *self,
                          guint         i)
{
  g_return_val_if_fail (EG_IS_ALERT_GROUP (self), NULL);
  g_return_val_if_fail (i < self->alerts->len, NULL);
  return g_ptr_array_index (self->alerts, i);
}

const EgAlert *
eg_alert_group_get_latest (EgAlertGroup *self)
{
  g_return_val_if_fail (EG_IS_ALERT_GROUP (self), NULL);
  if (self->alerts->len == 0)
    return NULL;
  return g_ptr_array_index (self->alerts, self->alerts->len - 1);
}

GStrv
eg_alert_group_dup_uids (EgAlertGroup *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (EG_IS_ALERT_GROUP (self), NULL);

  for (guint i = 0; i < self->alerts->len; i++)
    {
      const EgAlert *alert = g_ptr_array_index (self->alerts, i);

      for (guint j = 0; alert->uids != NULL && j < alert->uids->len; j++)
        {
          const char *uid = g_ptr_array_index (alert->uids, j);

          if (g_hash_table_add (seen, (gpointer) uid))
            g_strv_builder_add (builder, uid);
        }
    }
  return g_strv_builder_end (builder);
}
