/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Preferences: the Kafka SASL password reaches the sender's settings and
 * never GSettings. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "eg-dataset-page.h"
#include "eg-preferences-window.h"
#include "eg-secret.h"
#include "eg-test-gui.h"
#include "eg-test-util.h"

static EgApplication *app;

/* No key of the schema holds text in any form. */
static void
assert_not_in_settings (GSettings  *settings,
                        const char *text)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  g_assert_cmpuint (g_strv_length (keys), >, 10);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *printed = g_variant_print (value, FALSE);

      if (strstr (printed, text) != NULL)
        g_error ("the key %s holds the password: %s", keys[i], printed);
    }
}

static char *
upload_password (EgWindow *window)
{
  EgDatasetPage *page = EG_DATASET_PAGE (eg_window_get_page (window, "dataset"));
  g_autoptr(GError) error = NULL;
  g_autoptr(EgConfig) config = eg_dataset_page_dup_upload_config (page, &error);

  g_assert_no_error (error);
  g_assert_nonnull (config);
  return g_strdup (config->sasl_password);
}

static void
set_password (EgPreferencesWindow *prefs,
              const char          *password)
{
  GtkWidget *row = eg_preferences_window_get_password_row (prefs);

  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (row));
  gtk_editable_set_text (GTK_EDITABLE (row), password);
  g_signal_emit_by_name (row, "apply");
}

static void
test_sasl_password (void)
{
  const char *password = "kafka-Pa55-9f3e";
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *path = eg_secret_get_fallback_path ();
  g_autofree char *contents = NULL;
  g_autofree char *in_config = NULL;
  EgPreferencesWindow *prefs;
  EgWindow *window;
  const char *status;
  GStatBuf st;

  g_settings_set_string (settings, "kafka-sasl-username", "edge-01");
  prefs = g_object_ref (eg_preferences_window_new (settings));
  gtk_window_present (GTK_WINDOW (prefs));
  set_password (prefs, password);
  status = eg_preferences_window_get_password_status (prefs);
  g_test_message ("%s", status);
  g_assert_nonnull (status);

  /* The test's D-Bus has no Secret Service: the file, readable by the user
   * alone, and a sentence saying so. */
  g_assert_nonnull (strstr (status, path));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, password);
  assert_not_in_settings (settings, password);
  gtk_window_destroy (GTK_WINDOW (prefs));
  g_assert_finalize_object (prefs);

  /* The sender gets it with the other settings; Preferences shows it. */
  window = eg_test_gui_open_window (app);
  in_config = upload_password (window);
  g_assert_cmpstr (in_config, ==, password);
  g_clear_pointer (&in_config, g_free);
  prefs = g_object_ref (eg_preferences_window_new (settings));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (eg_preferences_window_get_password_row (prefs))),
                   ==, password);

  /* Emptied, it is forgotten. */
  set_password (prefs, "");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  in_config = upload_password (window);
  g_assert_null (in_config);
  gtk_window_destroy (GTK_WINDOW (prefs));
  g_assert_finalize_object (prefs);
  eg_test_gui_close_window (window);
  g_settings_reset (settings, "kafka-sasl-username");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *config_dir = eg_test_mkdtemp ();
  int status;

  /* The password file goes here, not into the user's own config; before
   * anything asks GLib for the directory (it keeps the first answer). */
  g_setenv ("XDG_CONFIG_HOME", config_dir, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gui/preferences/sasl-password", test_sasl_password);
  status = eg_test_gui_run (&app);
  eg_test_rmdir (config_dir);
  return status;
}
