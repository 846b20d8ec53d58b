/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Notifications for high-severity alerts, checked against a fake
 * notification daemon (python3-dbusmock) on the test's private session bus:
 * the first alert goes out at once, a burst becomes one digest, low alerts
 * and muted detectors stay quiet; a click (the daemon's ActionInvoked)
 * hands over the window action that opens the alert. */
#include "config.h"

#include <gio/gio.h>
#include <libnotify/notify.h>

#include "eg-notifier.h"
#include "eg-test-util.h"

#define TEST_APP_NAME "edgeguard-notifier-test"

static char *log_path;

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static guint
count_notify_calls (const char *needle)
{
  g_autofree char *log = NULL;
  guint n = 0;

  if (!g_file_get_contents (log_path, &log, NULL, NULL))
    return 0;
  for (const char *p = log; (p = strstr (p, " Notify ")) != NULL; p++)
    {
      const char *eol = strchr (p, '\n');
      g_autofree char *line = eol ? g_strndup (p, eol - p) : g_strdup (p);

      /* Other tests may share the bus and this daemon: count our own. */
      if (strstr (line, TEST_APP_NAME) == NULL)
        continue;
      if (needle == NULL || strstr (line, needle) != NULL)
        n++;
    }
  return n;
}

/* Waits for the daemon's log to show n calls (no timing asserted). */
static void
wait_for_calls (guint       n,
                const char *needle)
{
  gint64 give_up = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint wake_id = g_timeout_add (50, wake_cb, NULL);

  while (count_notify_calls (needle) < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake_id);
}

static EgAlert *
make_alert (const char    *detector,
            EgThreatLevel  level,
            const char    *description)
{
  EgAlert *alert = eg_alert_new (detector);

  g_assert_true (eg_addr_parse ("192.168.2.16", &alert->src));
  alert->threat_level = level;
  alert->description = g_strdup (description);
  return alert;
}

static void
test_notifier_digest (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(EgNotifier) notifier = eg_notifier_new (settings);
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);
  g_autoptr(GPtrArray) burst = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);
  g_autoptr(GPtrArray) quiet = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);
  const char *muted[] = { "ssh-success", NULL };

  eg_notifier_set_interval (notifier, 2);
  g_settings_set_strv (settings, "notify-muted-detectors", muted);

  /* Low threat and a muted detector: nothing. */
  g_ptr_array_add (quiet, make_alert ("unknown-port", EG_THREAT_LOW, "a low one"));
  g_ptr_array_add (quiet, make_alert ("ssh-success", EG_THREAT_HIGH, "a muted one"));
  eg_notifier_add_alerts (notifier, quiet);
  g_assert_cmpuint (eg_notifier_get_n_shown (notifier), ==, 0);

  /* The first high alert goes out at once. */
  g_ptr_array_add (first, make_alert ("port-scan-horizontal", EG_THREAT_HIGH,
                                      "192.168.2.16 probed port 23/tcp on 10 hosts"));
  eg_notifier_add_alerts (notifier, first);
  g_assert_cmpuint (eg_notifier_get_n_shown (notifier), ==, 1);
  wait_for_calls (1, "probed port 23/tcp on 10 hosts");

  /* Five more right after: held back, then one digest. */
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *what = g_strdup_printf ("alert number %u", i);

      g_ptr_array_add (burst, make_alert ("port-scan-vertical", EG_THREAT_CRITICAL, what));
    }
  eg_notifier_add_alerts (notifier, burst);
  g_assert_cmpuint (eg_notifier_get_n_shown (notifier), ==, 1);
  wait_for_calls (1, "5 new high-severity alerts");
  g_assert_cmpuint (eg_notifier_get_n_shown (notifier), ==, 2);
  g_assert_cmpuint (count_notify_calls (NULL), ==, 2);
  g_assert_cmpuint (count_notify_calls ("a muted one"), ==, 0);
  g_assert_cmpuint (count_notify_calls ("a low one"), ==, 0);
}

typedef struct {
  char     *action;
  GVariant *target;
} Click;

static void
on_clicked_cb (EgNotifier *notifier,
               const char *action,
               GVariant   *target,
               Click      *click)
{
  click->action = g_strdup (action);
  click->target = target != NULL ? g_variant_ref (target) : NULL;
}

static void
test_notifier_click (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(EgNotifier) notifier = eg_notifier_new (settings);
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder args;
  Click click = { 0 };
  const char *detector, *src;
  gint64 give_up;
  guint id, wake_id;

  g_settings_set_strv (settings, "notify-muted-detectors", NULL);
  g_signal_connect (notifier, "clicked", G_CALLBACK (on_clicked_cb), &click);
  g_ptr_array_add (alerts, make_alert ("icmp-sweep", EG_THREAT_HIGH, "192.168.2.16 pinged 40 hosts"));
  eg_notifier_add_alerts (notifier, alerts);
  wait_for_calls (1, "pinged 40 hosts");
  id = eg_notifier_get_notification_id (notifier);
  g_assert_cmpuint (id, >, 0);

  /* The operator clicks it: the daemon says so on the bus. */
  g_variant_builder_init (&args, G_VARIANT_TYPE ("av"));
  g_variant_builder_add (&args, "v", g_variant_new_uint32 (id));
  g_variant_builder_add (&args, "v", g_variant_new_string ("default"));
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.Notifications",
                                       "/org/freedesktop/Notifications",
                                       "org.freedesktop.DBus.Mock", "EmitSignal",
                                       g_variant_new ("(sssav)", "org.freedesktop.Notifications",
                                                      "ActionInvoked", "us", &args),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  give_up = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  wake_id = g_timeout_add (50, wake_cb, NULL);
  while (click.action == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake_id);
  g_assert_cmpstr (click.action, ==, "win.show-alert");
  g_assert_nonnull (click.target);
  g_variant_get (click.target, "(&s&s)", &detector, &src);
  g_assert_cmpstr (detector, ==, "icmp-sweep");
  g_assert_cmpstr (src, ==, "192.168.2.16");
  g_free (click.action);
  g_variant_unref (click.target);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  gint64 give_up;
  int status;

  g_test_init (&argc, &argv, NULL);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL || !g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_print ("1..0 # SKIP no session bus or no python3 (run under dbus-run-session)\n");
      return 77;
    }

  dir = eg_test_mkdtemp ();
  log_path = g_build_filename (dir, "notifications.log", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  eg_test_helper_setup (launcher);
  daemon = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", "-m", "dbusmock",
                                        "--template", "notification_daemon", NULL);
  g_assert_no_error (error);

  /* Ready when it owns the name. */
  give_up = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(GVariant) reply =
        g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                     "org.freedesktop.DBus", "NameHasOwner",
                                     g_variant_new ("(s)", "org.freedesktop.Notifications"),
                                     G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
      gboolean owned = FALSE;

      if (reply != NULL)
        g_variant_get (reply, "(b)", &owned);
      if (owned)
        break;
      if (g_get_monotonic_time () > give_up)
        {
          g_print ("1..0 # SKIP python3-dbusmock's notification daemon did not start\n");
          g_subprocess_force_exit (daemon);
          return 77;
        }
      g_usleep (100000);
    }

  notify_init (TEST_APP_NAME);
  g_test_add_func ("/gui/notifier/digest", test_notifier_digest);
  g_test_add_func ("/gui/notifier/click", test_notifier_click);
  status = g_test_run ();
  notify_uninit ();
  g_subprocess_force_exit (daemon);
  g_subprocess_wait (daemon, NULL, NULL);
  eg_test_rmdir (dir);
  g_free (log_path);
  return status;
}
