/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-test-util.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <gio/gio.h>

char *
eg_test_shared_path (const char *relative)
{
  const char *root = g_getenv ("EG_SHARED_DATA");
  g_autofree char *path = NULL;

  if (root == NULL)
    root = "../shared/data";
  path = g_build_filename (root, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *msg = g_strdup_printf ("shared test data not found: %s", path);
      g_test_skip (msg);
      return NULL;
    }
  return g_steal_pointer (&path);
}

char *
eg_test_source_path (const char *relative)
{
  const char *root = g_getenv ("EG_SOURCE_DIR");

  return g_build_filename (root ? root : ".", relative, NULL);
}

char *
eg_test_mkdtemp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("edgeguard-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
rm_rf (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children)
    {
      GFileInfo *info;
      while ((info = g_file_enumerator_next_file (children, NULL, NULL)))
        {
          g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));
          rm_rf (child);
          g_object_unref (info);
        }
    }
  g_file_delete (file, NULL, NULL);
}

void
eg_test_rmdir (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  rm_rf (file);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

void
eg_test_helper_setup (GSubprocessLauncher *launcher)
{
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
}

GSubprocess *
eg_test_spawn_helper (GSubprocessFlags     flags,
                      const char * const  *argv,
                      GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);

  eg_test_helper_setup (launcher);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

char *
eg_test_read_stderr_signalling (GSubprocess *process,
                                const char  *words,
                                int          signum)
{
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  g_autoptr(GError) error = NULL;
  GString *text = g_string_new (NULL);
  gboolean signalled = FALSE;
  char *line;

  while ((line = g_data_input_stream_read_line (in, NULL, NULL, &error)) != NULL)
    {
      g_string_append_printf (text, "%s\n", line);
      if (!signalled && strstr (line, words) != NULL)
        {
          g_subprocess_send_signal (process, signum);
          signalled = TRUE;
        }
      g_free (line);
    }
  g_assert_no_error (error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  return g_string_free (text, FALSE);
}
