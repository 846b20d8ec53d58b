/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-test-gui.h"

#include <adwaita.h>

#include "eg-test-util.h"

EgApplication *
eg_test_gui_init (const char  *db_name,
                  char       **db_path,
                  char       **db_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  EgApplication *app;

  if (!gtk_init_check ())
    return NULL;
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  /* GSETTINGS_BACKEND=memory keeps this in-process. */
  *db_dir = eg_test_mkdtemp ();
  *db_path = g_build_filename (*db_dir, db_name, NULL);
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "database-path", *db_path);

  app = eg_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}
