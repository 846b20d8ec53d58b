/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard: the operator console. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "eg-application.h"

/* GSettings aborts the process on a missing schema. Run from the build
 * tree, use the schema compiled there; anywhere else, say what is wrong. */
static gboolean
find_settings_schema (void)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *build_root = g_path_get_dirname (BUILD_SCHEMADIR);
  GSettingsSchemaSource *source;

  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL && exe != NULL
      && g_str_has_prefix (exe, build_root) && exe[strlen (build_root)] == G_DIR_SEPARATOR)
    g_setenv ("GSETTINGS_SCHEMA_DIR", BUILD_SCHEMADIR, TRUE);
  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    return TRUE;
  g_printerr (_("edgeguard: the settings schema %s is not installed. Install Edgeguard "
                "(meson install), or point GSETTINGS_SCHEMA_DIR at a folder where it "
                "is compiled.\n"), APP_ID);
  return FALSE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(EgApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!find_settings_schema ())
    return 1;

  app = eg_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
