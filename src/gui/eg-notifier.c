/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-notifier.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

struct _EgNotifier
{
  GObject       parent_instance;
  GSettings    *settings;
  guint         interval;
  gint64        last_shown;    /* monotonic µs; 0: never */
  guint         digest_id;     /* timeout that shows what waited */
  GPtrArray    *waiting;       /* EgAlert * copies */
  guint         n_shown;
  NotifyNotification *current;
  char         *action_name;   /* what a click on current does */
  GVariant     *action_target;
};

enum {
  SIGNAL_CLICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EgNotifier, eg_notifier, G_TYPE_OBJECT)

static void
on_notification_clicked_cb (NotifyNotification *notification,
                            char               *action,
                            gpointer            user_data)
{
  EgNotifier *self = user_data;

  g_signal_emit (self, signals[SIGNAL_CLICKED], 0, self->action_name, self->action_target);
}

/* target: floating or NULL. */
static void
show (EgNotifier *self,
      const char *summary,
      const char *body,
      const char *action_name,
      GVariant   *target)
{
  g_autoptr(GError) error = NULL;

  g_free (self->action_name);
  self->action_name = g_strdup (action_name);
  g_clear_pointer (&self->action_target, g_variant_unref);
  self->action_target = target != NULL ? g_variant_ref_sink (target) : NULL;

  self->last_shown = g_get_monotonic_time ();
  self->n_shown++;
  if (!notify_is_initted ())
    return;

  /* One notification that updates, not a stack of them. */
  if (self->current == NULL)
    {
      self->current = notify_notification_new (summary, body, APP_ID);
      notify_notification_set_urgency (self->current, NOTIFY_URGENCY_CRITICAL);
      notify_notification_set_category (self->current, "network.error");
      notify_notification_set_hint_string (self->current, "desktop-entry", APP_ID);
      notify_notification_add_action (self->current, "default", _("Show Alerts"),
                                      on_notification_clicked_cb, self, NULL);
    }
  else
    notify_notification_update (self->current, summary, body, APP_ID);

  if (!notify_notification_show (self->current, &error))
    g_debug ("Could not show a notification: %s", error->message);
}

static void
show_one (EgNotifier    *self,
          const EgAlert *alert)
{
  g_autofree char *summary = NULL;
  char src[EG_ADDR_STRLEN];

  summary = g_strdup_printf (_("%s from %s"), alert->detector, eg_addr_to_string (&alert->src, src));
  /* A click opens this alert's group. */
  show (self, summary, alert->description != NULL ? alert->description : "",
        "win.show-alert", g_variant_new ("(ss)", alert->detector, src));
}

static gboolean
show_digest_cb (gpointer user_data)
{
  EgNotifier *self = user_data;
  g_autofree char *summary = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  guint n = self->waiting->len;

  self->digest_id = 0;
  if (n == 0)
    return G_SOURCE_REMOVE;
  if (n == 1)
    {
      show_one (self, g_ptr_array_index (self->waiting, 0));
      g_ptr_array_set_size (self->waiting, 0);
      return G_SOURCE_REMOVE;
    }

  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new high-severity alert",
                                          "%u new high-severity alerts", n), n);
  for (guint i = 0; i < MIN (n, 3u); i++)
    {
      const EgAlert *alert = g_ptr_array_index (self->waiting, i);

      g_string_append_printf (body, "%s%s", i > 0 ? "\n" : "",
                              alert->description != NULL ? alert->description : alert->detector);
    }
  if (n > 3)
    g_string_append_printf (body, "\n%s", _("…and more on the Alerts page."));
  show (self, summary, body->str, "win.show-page", g_variant_new_string ("alerts"));
  g_ptr_array_set_size (self->waiting, 0);
  return G_SOURCE_REMOVE;
}

static gboolean
wants (EgNotifier    *self,
       const EgAlert *alert)
{
  g_auto(GStrv) muted = NULL;

  if (alert->threat_level < EG_THREAT_HIGH)
    return FALSE;
  if (!g_settings_get_boolean (self->settings, "notify-alerts"))
    return FALSE;
  muted = g_settings_get_strv (self->settings, "notify-muted-detectors");
  return !g_strv_contains ((const char * const *) muted, alert->detector);
}

void
eg_notifier_add_alerts (EgNotifier *self,
                        GPtrArray  *alerts)
{
  gint64 now, next;

  g_return_if_fail (EG_IS_NOTIFIER (self));

  for (guint i = 0; alerts != NULL && i < alerts->len; i++)
    {
      const EgAlert *alert = g_ptr_array_index (alerts, i);

      if (wants (self, alert))
        g_ptr_array_add (self->waiting, eg_alert_copy (alert));
    }
  if (self->waiting->len == 0 || self->digest_id != 0)
    return;

  now = g_get_monotonic_time ();
  next = self->last_shown + (gint64) self->interval * G_USEC_PER_SEC;
  if (self->last_shown == 0 || now >= next)
    {
      /* The first of a burst goes out alone and at once. */
      show_one (self, g_ptr_array_index (self->waiting, 0));
      g_ptr_array_remove_index (self->waiting, 0);
      next = now + (gint64) self->interval * G_USEC_PER_SEC;
    }
  if (self->waiting->len > 0)
    self->digest_id = g_timeout_add ((next - now) / 1000, show_digest_cb, self);
}

const char *
eg_notifier_get_action (EgNotifier  *self,
                        GVariant   **target)
{
  g_return_val_if_fail (EG_IS_NOTIFIER (self), NULL);
  if (target != NULL)
    *target = self->action_target;
  return self->action_name;
}

guint
eg_notifier_get_notification_id (EgNotifier *self)
{
  int id = 0;

  g_return_val_if_fail (EG_IS_NOTIFIER (self), 0);
  if (self->current != NULL)
    g_object_get (self->current, "id", &id, NULL);
  return MAX (id, 0);
}

guint
eg_notifier_get_n_shown (EgNotifier *self)
{
  g_return_val_if_fail (EG_IS_NOTIFIER (self), 0);
  return self->n_shown;
}

void
eg_notifier_set_interval (EgNotifier *self,
                          guint       seconds)
{
  g_return_if_fail (EG_IS_NOTIFIER (self));
  self->interval = seconds;
}

static void
eg_notifier_dispose (GObject *object)
{
  EgNotifier *self = EG_NOTIFIER (object);

  g_clear_handle_id (&self->digest_id, g_source_remove);
  g_clear_object (&self->current);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (eg_notifier_parent_class)->dispose (object);
}

static void
eg_notifier_finalize (GObject *object)
{
  EgNotifier *self = EG_NOTIFIER (object);

  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  g_free (self->action_name);
  g_clear_pointer (&self->action_target, g_variant_unref);
  G_OBJECT_CLASS (eg_notifier_parent_class)->finalize (object);
}

static void
eg_notifier_class_init (EgNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = eg_notifier_dispose;
  object_class->finalize = eg_notifier_finalize;

  /* (action_name, target): the operator clicked a notification; the
   * window activates the action it carries. */
  signals[SIGNAL_CLICKED] =
    g_signal_new ("clicked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_VARIANT);
}

static void
eg_notifier_init (EgNotifier *self)
{
  self->interval = 10;
  self->waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);
}

EgNotifier *
eg_notifier_new (GSettings *settings)
{
  EgNotifier *self = g_object_new (EG_TYPE_NOTIFIER, NULL);

  self->settings = g_object_ref (settings);
  return self;
}
