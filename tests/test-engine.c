/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine as the GUI uses it: signals in the caller's main context, in
 * batches, a stop that keeps what was seen, errors that name the input. */
#include <string.h>

#include "eg-alert.h"
#include "eg-engine.h"
#include "eg-error.h"
#include "eg-model.h"
#include "eg-scorer.h"
#include "eg-test-util.h"

typedef struct {
  GMainLoop *loop;
  guint      n_flow_signals;
  guint      n_flows;
  guint      n_final_flows;
  guint      n_alerts;
  guint      n_stats;
  GPtrArray *warnings;
  GError    *error;
  gboolean   finished;
  GThread   *main_thread;
  GHashTable *uids;
} Watch;

static void
on_flows (EgEngine *engine,
          GArray   *flows,
          Watch    *w)
{
  /* Always delivered in the thread that runs the caller's main context. */
  g_assert_true (g_thread_self () == w->main_thread);
  w->n_flow_signals++;
  w->n_flows += flows->len;
  for (guint i = 0; i < flows->len; i++)
    {
      const EgFlow *f = &g_array_index (flows, EgFlow, i);
      if (!(f->flags & EG_FLOW_INTERIM))
        {
          w->n_final_flows++;
          g_hash_table_add (w->uids, g_strdup (f->uid));
        }
    }
}

static void
on_alerts (EgEngine  *engine,
           GPtrArray *alerts,
           Watch     *w)
{
  w->n_alerts += alerts->len;
}

static void
on_stats (EgEngine *engine,
          Watch    *w)
{
  w->n_stats++;
}

static void
on_warning (EgEngine   *engine,
            const char *message,
            Watch      *w)
{
  g_ptr_array_add (w->warnings, g_strdup (message));
}

static void
on_finished (EgEngine *engine,
             GError   *error,
             Watch    *w)
{
  w->finished = TRUE;
  if (error)
    w->error = g_error_copy (error);
  g_main_loop_quit (w->loop);
}

static EgEngine *
watched_engine (Watch          *w,
                const EgConfig *config)
{
  EgEngine *engine = eg_engine_new (config);

  memset (w, 0, sizeof *w);
  w->loop = g_main_loop_new (NULL, FALSE);
  w->warnings = g_ptr_array_new_with_free_func (g_free);
  w->main_thread = g_thread_self ();
  w->uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (engine, "flows", G_CALLBACK (on_flows), w);
  g_signal_connect (engine, "alerts", G_CALLBACK (on_alerts), w);
  g_signal_connect (engine, "stats", G_CALLBACK (on_stats), w);
  g_signal_connect (engine, "warning", G_CALLBACK (on_warning), w);
  g_signal_connect (engine, "finished", G_CALLBACK (on_finished), w);
  return engine;
}

static void
watch_clear (Watch *w)
{
  g_main_loop_unref (w->loop);
  g_ptr_array_unref (w->warnings);
  g_hash_table_unref (w->uids);
  g_clear_error (&w->error);
}

static void
test_files_in_batches (void)
{
  g_autofree char *path = eg_test_shared_path ("ndpi/synscan.pcap");
  g_autoptr(EgEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  EgEngineStats stats;
  Watch w;

  if (path == NULL)
    return;
  engine = watched_engine (&w, NULL);
  g_assert_true (eg_engine_start_files (engine, (const char *[]) { path, NULL }, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (eg_engine_is_running (engine));
  g_main_loop_run (w.loop);

  g_assert_true (w.finished);
  g_assert_no_error (w.error);
  g_assert_false (eg_engine_is_running (engine));
  g_assert_cmpuint (w.n_final_flows, ==, 1994);
  g_assert_cmpuint (g_hash_table_size (w.uids), ==, 1994);
  /* 1994 flows in a handful of signals, never one per flow. */
  g_assert_cmpuint (w.n_flow_signals, >=, 1);
  g_assert_cmpuint (w.n_flow_signals, <=, 20);
  g_assert_cmpuint (w.n_stats, >=, 1);
  /* nmap's SYN scan raises a vertical port-scan alert. */
  g_assert_cmpuint (w.n_alerts, >, 0);
  eg_engine_get_stats (engine, &stats);
  g_assert_cmpuint (stats.packets, ==, 2011);
  g_assert_cmpuint (stats.flows, ==, 1994);
  g_assert_cmpuint (stats.queue_drops, ==, 0);
  g_assert_cmpfloat (stats.progress, ==, 1.0);
  /* The status line names the model that scored. */
  {
    g_autofree char *model_path = eg_model_default_path ();
    g_autoptr(EgModel) model = eg_model_load (model_path, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (eg_model_get_version (model), !=, 0);
    g_assert_cmpuint (stats.model_version, ==, eg_model_get_version (model));
  }
  watch_clear (&w);
}

static void
test_bad_input_named_others_kept (void)
{
  g_autofree char *good = eg_test_shared_path ("ndpi/http.pcapng");
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  g_autoptr(EgEngine) engine = NULL;
  Watch w;

  if (good == NULL)
    return;
  dir = eg_test_mkdtemp ();
  text = g_build_filename (dir, "readme.txt", NULL);
  g_assert_true (g_file_set_contents (text, "hello\n", -1, NULL));
  engine = watched_engine (&w, NULL);
  g_assert_true (eg_engine_start_files (engine, (const char *[]) { text, good, NULL }, FALSE, NULL));
  g_main_loop_run (w.loop);

  g_assert_error (w.error, EG_ERROR, EG_ERROR_FORMAT);
  g_assert_nonnull (strstr (w.error->message, text));
  g_assert_cmpuint (w.warnings->len, ==, 1);
  g_assert_cmpuint (w.n_final_flows, ==, 1);
  watch_clear (&w);
  eg_test_rmdir (dir);
}

static gboolean
stop_soon (gpointer data)
{
  eg_engine_stop (data);
  return G_SOURCE_REMOVE;
}

static void
test_stop_realtime_replay (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test-cc/test-cc-capture-2.pcap");
  g_autoptr(EgEngine) engine = NULL;
  EgEngineStats stats;
  Watch w;
  gint64 started;

  if (path == NULL)
    return;
  /* 67 s of traffic replayed at its own pace; stopped after 1.5 s. */
  engine = watched_engine (&w, NULL);
  started = g_get_monotonic_time ();
  g_assert_true (eg_engine_start_files (engine, (const char *[]) { path, NULL }, TRUE, NULL));
  g_timeout_add (1500, stop_soon, engine);
  g_main_loop_run (w.loop);

  g_assert_no_error (w.error);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_USEC_PER_SEC);
  eg_engine_get_stats (engine, &stats);
  /* Only the first seconds' packets were read, and their flows were kept. */
  g_assert_cmpuint (stats.packets, >, 0);
  g_assert_cmpuint (stats.packets, <, 1084);
  g_assert_cmpuint (w.n_final_flows, >, 0);
  g_assert_cmpuint (w.n_final_flows, ==, stats.flows - (w.n_flows - w.n_final_flows));
  watch_clear (&w);
}

static void
test_live_missing_interface (void)
{
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autoptr(EgEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  Watch w;

  config->interface = g_strdup ("nosuch0");
  engine = watched_engine (&w, config);
  g_assert_true (eg_engine_start_live (engine, -1, &error));
  g_main_loop_run (w.loop);
  g_assert_nonnull (w.error);
  g_assert_true (g_error_matches (w.error, EG_ERROR, EG_ERROR_NOT_FOUND)
                 || g_error_matches (w.error, EG_ERROR, EG_ERROR_PERMISSION));
  g_assert_nonnull (strstr (w.error->message, "nosuch0"));
  watch_clear (&w);

  /* A filter that does not compile is refused before anything starts. */
  g_clear_object (&engine);
  g_free (config->bpf_filter);
  config->bpf_filter = g_strdup ("port eighty");
  engine = watched_engine (&w, config);
  g_assert_false (eg_engine_start_live (engine, -1, &error));
  g_assert_error (error, EG_ERROR, EG_ERROR_FORMAT);
  watch_clear (&w);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/files/batches", test_files_in_batches);
  g_test_add_func ("/engine/files/bad-input", test_bad_input_named_others_kept);
  g_test_add_func ("/engine/realtime/stop", test_stop_realtime_replay);
  g_test_add_func ("/engine/live/missing-interface", test_live_missing_interface);
  return g_test_run ();
}
