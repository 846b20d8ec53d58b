/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The window in Simplified Chinese: the operators this product was first
 * written for read it. Needs the zh_CN locale (meson builds one into the
 * build tree with localedef) and the catalog from po/. */
#include "config.h"

#include <locale.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "eg-application.h"
#include "eg-flow-field.h"
#include "eg-label-rule-dialog.h"
#include "eg-test-util.h"
#include "eg-window.h"

static void
test_locale_strings (void)
{
  g_assert_cmpstr (_("Flows"), ==, "网络流");
  g_assert_cmpstr (eg_flow_field_get_title (EG_FLOW_FIELD_ORIG_H), ==, "源地址");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%u flow", "%u flows", 5), ==, "%u 条网络流");
}

static void
test_locale_window (void)
{
  g_autoptr(EgApplication) app = eg_application_new ();
  EgWindow *window;
  GtkWidget *stack;
  AdwViewStackPage *page;
  g_autoptr(GError) error = NULL;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  window = g_object_ref (eg_window_new (app));
  gtk_window_present (GTK_WINDOW (window));

  /* The page titles the view switcher shows come from the translated template. */
  stack = gtk_widget_get_ancestor (eg_window_get_page (window, "flows"), ADW_TYPE_VIEW_STACK);
  g_assert_nonnull (stack);
  page = adw_view_stack_get_page (ADW_VIEW_STACK (stack), eg_window_get_page (window, "flows"));
  g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, "网络流");
  page = adw_view_stack_get_page (ADW_VIEW_STACK (stack), eg_window_get_page (window, "alerts"));
  g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, "告警");
  g_assert_nonnull (strstr (eg_window_get_status_text (window), "包/秒"));

  /* The label rule dialog: its title from the code, its rows from the
   * template. */
  {
    EgLabelRuleDialog *dialog = g_object_ref (eg_label_rule_dialog_new (GTK_WINDOW (window),
                                                                         NULL, NULL, NULL));

    g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "新建标签规则");
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (eg_label_rule_dialog_get_row (dialog, "proto"))),
                     ==, "协议");
    gtk_window_destroy (GTK_WINDOW (dialog));
    g_assert_finalize_object (dialog);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *localedir = g_build_filename (g_getenv ("EG_BUILD_DIR"), "po", NULL);
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *db_dir = NULL;
  g_autofree char *db_path = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (setlocale (LC_ALL, "zh_CN.UTF-8") == NULL)
    {
      g_test_skip ("the zh_CN.UTF-8 locale is not available (LOCPATH or locales-all)");
      return 77;
    }
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* gtk_init would reset the locale from the environment. */
  gtk_disable_setlocale ();
  if (!gtk_init_check ())
    return 77;
  adw_init ();

  /* Never the user's own database. */
  db_dir = eg_test_mkdtemp ();
  db_path = g_build_filename (db_dir, "edgeguard.db", NULL);
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "database-path", db_path);

  g_test_add_func ("/gui/locale/zh_CN/strings", test_locale_strings);
  g_test_add_func ("/gui/locale/zh_CN/window", test_locale_window);
  status = g_test_run ();
  eg_test_rmdir (db_dir);
  return status;
}
