/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-application.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "eg-preferences-window.h"
#include "eg-thread.h"
#include "eg-window.h"

struct _EgApplication
{
  AdwApplication parent_instance;
  GSettings     *settings;
};

G_DEFINE_FINAL_TYPE (EgApplication, eg_application, ADW_TYPE_APPLICATION)

static EgWindow *
get_or_create_window (EgApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (eg_window_new (self));
  return EG_WINDOW (window);
}

static void
eg_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_or_create_window (EG_APPLICATION (app))));
}

/* `edgeguard FILE...`: replay the files in order, as one input. */
static void
eg_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  EgWindow *window = get_or_create_window (EG_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  eg_window_open_files (window, files, n_files);
}

static void
on_quit_activated_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  GApplication *app = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  /* Closing the windows stops their engines cleanly. */
  for (GList *l = windows; l != NULL; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_destroy (window);
    }
  g_application_quit (app);
}

static void
on_about_activated_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The Edgeguard developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-icon", APP_ID,
                        "application-name", _("Edgeguard"),
                        "developer-name", _("The Edgeguard developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Watches the traffic of an edge network, scores every "
                                      "flow with a learned model, raises alerts and builds a "
                                      "labeled dataset to train the next model."),
                        "license-type", GTK_LICENSE_GPL_2_0,
                        "developers", developers,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
on_preferences_activated_cb (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  EgApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  EgPreferencesWindow *prefs = eg_preferences_window_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static const GActionEntry app_actions[] = {
  { "quit", on_quit_activated_cb },
  { "about", on_about_activated_cb },
  { "preferences", on_preferences_activated_cb },
};

static const struct {
  const char *action;
  const char *accels[3];
} accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "win.show-help-overlay", { "<Control>question", NULL } },
  { "win.open", { "<Control>o", NULL } },
  { "win.export", { "<Control>e", NULL } },
  { "win.start-capture", { "<Control>r", NULL } },
  { "win.stop", { "<Control>period", NULL } },
  { "win.find", { "<Control>f", NULL } },
  { "win.pause", { "<Control>p", NULL } },
  { "win.show-details", { "F9", NULL } },
  { "win.label('Benign')", { "<Control>b", NULL } },
  { "win.label('Malicious')", { "<Control>m", NULL } },
  { "win.undo", { "<Control>z", NULL } },
  { "win.show-page('flows')", { "<Alt>1", NULL } },
  { "win.show-page('alerts')", { "<Alt>2", NULL } },
  { "win.show-page('dataset')", { "<Alt>3", NULL } },
  { "win.show-page('charts')", { "<Alt>4", NULL } },
  { "win.show-page('history')", { "<Alt>5", NULL } },
  { "window.close", { "<Control>w", NULL } },
};

static void
eg_application_startup (GApplication *app)
{
  EgApplication *self = EG_APPLICATION (app);
  g_autoptr(GAction) realtime = NULL;

  G_APPLICATION_CLASS (eg_application_parent_class)->startup (app);

  /* On two cores a replay's capture, scoring and store threads would take
   * both from the thread that draws. The scheduler shares a session's CPU
   * among its threads by weight: at nice 19 the workers take 4 % of it
   * while the main thread wants it (24 % at nice 10), and the rest else. */
  eg_thread_set_worker_nice (19);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  realtime = g_settings_create_action (self->settings, "replay-realtime");
  g_action_map_add_action (G_ACTION_MAP (self), realtime);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  notify_init (_("Edgeguard"));
}

static void
eg_application_shutdown (GApplication *app)
{
  if (notify_is_initted ())
    notify_uninit ();
  G_APPLICATION_CLASS (eg_application_parent_class)->shutdown (app);
}

static void
eg_application_finalize (GObject *object)
{
  EgApplication *self = EG_APPLICATION (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (eg_application_parent_class)->finalize (object);
}

static void
eg_application_class_init (EgApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = eg_application_finalize;
  app_class->activate = eg_application_activate;
  app_class->open = eg_application_open;
  app_class->startup = eg_application_startup;
  app_class->shutdown = eg_application_shutdown;
}

static void
eg_application_init (EgApplication *self)
{
  self->settings = g_settings_new (APP_ID);
}

EgApplication *
eg_application_new (void)
{
  return g_object_new (EG_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/edgeguard/Edgeguard",
                       NULL);
}

GSettings *
eg_application_get_settings (EgApplication *self)
{
  g_return_val_if_fail (EG_IS_APPLICATION (self), NULL);
  return self->settings;
}
