/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-test-gui.h"

#include <signal.h>
#include <string.h>

#include <adwaita.h>

#include "eg-flow-filter.h"
#include "eg-test-util.h"
#include "eg-window-private.h"

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

int
eg_test_gui_run (EgApplication **app)
{
  g_autofree char *db_dir = NULL;
  g_autofree char *db_path = NULL;
  int status;

  if ((*app = eg_test_gui_init ("edgeguard.db", &db_path, &db_dir)) == NULL)
    return 77;
  status = g_test_run ();
  g_clear_object (app);
  eg_test_rmdir (db_dir);
  return status;
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
eg_test_gui_wait_until (gboolean (*done) (gpointer data),
                        gpointer   data,
                        guint      timeout_s)
{
  gint64 give_up = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;
  /* Wakes the loop now and then, so a condition nothing signals is still
   * checked and a hang fails instead of blocking forever. */
  guint wake_id = g_timeout_add (50, wake_cb, NULL);

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake_id);
}

static gboolean
drawn (gpointer data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (data);

  /* Frames come only when something asks for one. */
  gtk_widget_queue_draw (data);
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0 &&
         clock != NULL && gdk_frame_clock_get_frame_counter (clock) > 3;
}

void
eg_test_gui_let_frames_pass (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 target;

  eg_test_gui_wait_until (drawn, widget, 120);
  clock = gtk_widget_get_frame_clock (widget);
  target = gdk_frame_clock_get_frame_counter (clock) + 3;
  while (gdk_frame_clock_get_frame_counter (clock) < target)
    {
      gtk_widget_queue_draw (widget);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* In-process: works on any backend, no screen grab. */
void
eg_test_gui_save_screenshot (GtkWidget  *widget,
                             const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("EG_BUILD_DIR") ? g_getenv ("EG_BUILD_DIR") : ".",
                                           "screenshots", NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  int width, height;

  /* A toast would cover what the page shows. */
  if (EG_IS_WINDOW (widget))
    eg_window_dismiss_toasts (EG_WINDOW (widget));
  eg_test_gui_let_frames_pass (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_test_message ("mapped %d size %dx%d", gtk_widget_get_mapped (widget), width, height);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

EgWindow *
eg_test_gui_open_window (EgApplication *app)
{
  EgWindow *window = eg_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 760);
  gtk_window_present (GTK_WINDOW (window));
  return g_object_ref (window);
}

void
eg_test_gui_close_window (EgWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static gboolean
input_finished (gpointer data)
{
  return !eg_window_get_running (data);
}

void
eg_test_gui_open_capture (EgWindow   *window,
                          const char *path)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-file", "s", path));
  g_assert_true (eg_window_get_running (window));
  eg_test_gui_wait_until (input_finished, window, 120);
}

static void
on_counts_changed_cb (EgDatasetPage *page,
                      guint         *n_reads)
{
  (*n_reads)++;
}

static gboolean
counts_read (gpointer data)
{
  return *(guint *) data > 0;
}

void
eg_test_gui_read_counts (EgDatasetPage *page)
{
  guint n_reads = 0;

  g_signal_connect (page, "counts-changed", G_CALLBACK (on_counts_changed_cb), &n_reads);
  eg_dataset_page_refresh (page);
  eg_test_gui_wait_until (counts_read, &n_reads, 120);
  g_signal_handlers_disconnect_by_func (page, on_counts_changed_cb, &n_reads);
}

guint
eg_test_gui_count_stored (EgStore    *store,
                          const char *filter_text)
{
  g_autoptr(EgFlowFilter) filter = eg_flow_filter_parse (filter_text, NULL);
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (filter);
  g_assert_true (eg_store_query_flows (store, filter, 0, 0, 0, 0, flows, &error));
  g_assert_no_error (error);
  return flows->len;
}

/* The broker's answers, one line per command. */
static char *
read_reply (GSubprocess *broker)
{
  GDataInputStream *out = g_object_get_data (G_OBJECT (broker), "eg-test-stdout");
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

GSubprocess *
eg_test_gui_start_broker (char **address)
{
  g_autofree char *broker = g_build_filename (g_getenv ("EG_BUILD_DIR"), "src", "devbroker",
                                              "edgeguard-devbroker", NULL);
  g_autofree char *first = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  if (!g_file_test (broker, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("edgeguard-devbroker is not built");
      return NULL;
    }
  proc = eg_test_spawn_helper (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                               (const char *[]) { broker, NULL }, &error);
  g_assert_no_error (error);
  g_object_set_data_full (G_OBJECT (proc), "eg-test-stdout",
                          g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc)),
                          g_object_unref);
  /* "bootstrap=HOST:PORT,..." */
  first = read_reply (proc);
  g_assert_true (g_str_has_prefix (first, "bootstrap="));
  *address = g_strdup (first + strlen ("bootstrap="));
  return proc;
}

void
eg_test_gui_broker_command (GSubprocess *broker,
                            const char  *command)
{
  GOutputStream *in = g_subprocess_get_stdin_pipe (broker);
  g_autofree char *line = g_strconcat (command, "\n", NULL);
  g_autofree char *reply = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_output_stream_write_all (in, line, strlen (line), NULL, NULL, &error));
  g_assert_no_error (error);
  reply = read_reply (broker);
  g_assert_true (g_str_has_prefix (reply, "ok"));
}

void
eg_test_gui_stop_broker (GSubprocess *broker)
{
  g_subprocess_send_signal (broker, SIGTERM);
  g_subprocess_wait (broker, NULL, NULL);
  g_object_unref (broker);
}
