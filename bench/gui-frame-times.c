/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gui-frame-times: how smooth the flows table stays while flows pour in.
 *
 * Presents the real window, sorts the table by destination address (the
 * costliest order to merge into), then feeds batches of synthetic flows the
 * way the engine does (a batch every 100 ms) until the table holds N flows,
 * while the table scrolls by a few rows every frame. Prints the intervals
 * between painted frames (what an operator sees as stutter) and how long
 * each batch blocked the main loop: p50, p99, max.
 *
 *   xvfb-run -a -s '-screen 0 1280x800x24' build/bench/gui-frame-times [N] [BATCH] [ORDER]
 *
 * ORDER: "arrival" (the table's default: new flows go to the end) or "dst"
 * (sorted by destination address: every batch lands all over the table).
 */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "eg-application.h"
#include "eg-flow-list.h"
#include "eg-flow-sorter.h"
#include "eg-flows-page.h"
#include "eg-window.h"

typedef struct {
  EgWindow   *window;
  EgFlowList *flows;
  GArray     *frame_us;    /* gint64 between paints */
  GArray     *batch_us;    /* gint64 per eg_flow_list_add */
  gint64      last_paint;
  guint       target;
  guint       batch;
  guint       added;
  guint       settle_frames;
  GRand      *rand;
  GMainLoop  *loop;
  GtkAdjustment *vadj;
} Bench;

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static void
report (const char *what,
        GArray     *samples)
{
  gint64 *v;
  guint n = samples->len;

  if (n == 0)
    return;
  g_array_sort (samples, compare_gint64);
  v = (gint64 *) samples->data;
  g_print ("%-26s n=%-6u p50=%6.2f ms  p99=%6.2f ms  max=%7.2f ms\n", what, n,
           v[n / 2] / 1000.0, v[MIN (n - 1, (guint) (n * 0.99))] / 1000.0, v[n - 1] / 1000.0);
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   Bench         *bench)
{
  gint64 now = g_get_monotonic_time ();

  if (bench->last_paint != 0 && bench->added > 0)
    {
      gint64 interval = now - bench->last_paint;

      g_array_append_val (bench->frame_us, interval);
    }
  bench->last_paint = now;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Bench *bench = user_data;

  /* Keep the table moving: new rows bind every frame. */
  if (bench->vadj != NULL)
    {
      double value = gtk_adjustment_get_value (bench->vadj) + 60;
      double max = gtk_adjustment_get_upper (bench->vadj) - gtk_adjustment_get_page_size (bench->vadj);

      gtk_adjustment_set_value (bench->vadj, value > max ? 0 : value);
    }
  gtk_widget_queue_draw (widget);
  if (bench->added >= bench->target && ++bench->settle_frames > 120)
    {
      g_main_loop_quit (bench->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
add_batch_cb (gpointer user_data)
{
  Bench *bench = user_data;
  g_autoptr(GArray) batch = g_array_sized_new (FALSE, FALSE, sizeof (EgFlow), bench->batch);
  gint64 start, took;

  for (guint i = 0; i < bench->batch; i++)
    {
      EgFlow flow;
      guint32 src = g_rand_int (bench->rand), dst = g_rand_int (bench->rand);

      eg_flow_init (&flow);
      eg_flow_make_uid (flow.uid, bench->added + i, 42);
      eg_addr_set_v4 (&flow.orig_h, (guint8 *) &src);
      eg_addr_set_v4 (&flow.resp_h, (guint8 *) &dst);
      flow.orig_p = g_rand_int_range (bench->rand, 1024, 65535);
      flow.resp_p = g_rand_int_range (bench->rand, 1, 1024);
      flow.proto = IPPROTO_TCP;
      flow.ts = 1.7e9 + (bench->added + i) * 0.001;
      flow.duration = g_rand_double (bench->rand) * 10;
      flow.orig_bytes = g_rand_int_range (bench->rand, 0, 100000);
      flow.resp_bytes = g_rand_int_range (bench->rand, 0, 100000);
      flow.conn_state = EG_CONN_STATE_SF;
      flow.score = g_rand_double (bench->rand);
      flow.label = flow.score > 0.5 ? EG_LABEL_MALICIOUS : EG_LABEL_BENIGN;
      flow.label_source = EG_LABEL_SOURCE_MODEL;
      g_array_append_val (batch, flow);
    }

  start = g_get_monotonic_time ();
  eg_flow_list_add (bench->flows, (EgFlow *) batch->data, batch->len);
  took = g_get_monotonic_time () - start;
  g_array_append_val (bench->batch_us, took);
  bench->added += batch->len;
  return bench->added < bench->target ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(EgApplication) app = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(EgFlowSorter) sorter = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  Bench bench = { 0 };
  const char *order;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL)
    g_setenv ("GSETTINGS_SCHEMA_DIR", EG_SCHEMA_DIR, TRUE);
  if (!gtk_init_check ())
    {
      g_printerr ("gui-frame-times: no display (run it under xvfb-run)\n");
      return 77;
    }
  adw_init ();

  bench.target = argc > 1 ? atoi (argv[1]) : 150000;
  bench.batch = argc > 2 ? atoi (argv[2]) : 5000;
  order = argc > 3 ? argv[3] : "arrival";
  bench.frame_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.batch_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.rand = g_rand_new_with_seed (7);
  bench.loop = g_main_loop_new (NULL, FALSE);

  dir = g_dir_make_tmp ("edgeguard-bench-XXXXXX", NULL);
  db = g_build_filename (dir, "bench.db", NULL);
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "database-path", db);

  app = eg_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  bench.window = eg_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (bench.window), 1280, 760);
  gtk_window_present (GTK_WINDOW (bench.window));
  bench.flows = eg_window_get_flow_list (bench.window);

  /* Destination order: every batch merges all over the table. */
  if (g_str_equal (order, "dst"))
    {
      sorter = eg_flow_sorter_new (EG_FLOW_FIELD_RESP_H);
      eg_flow_list_set_sorter (bench.flows, GTK_SORTER (sorter));
    }

  while (gtk_widget_get_frame_clock (GTK_WIDGET (bench.window)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (bench.window)), "after-paint",
                    G_CALLBACK (on_after_paint_cb), &bench);
  add_batch_cb (&bench);
  bench.vadj = eg_flows_page_get_vadjustment (EG_FLOWS_PAGE (eg_window_get_page (bench.window, "flows")));
  gtk_widget_add_tick_callback (GTK_WIDGET (bench.window), tick_cb, &bench, NULL);
  g_timeout_add (100, add_batch_cb, &bench);
  g_main_loop_run (bench.loop);

  g_print ("%u flows in the table in %s order, batches of %u every 100 ms\n",
           g_list_model_get_n_items (G_LIST_MODEL (bench.flows)), order, bench.batch);
  report ("frame interval", bench.frame_us);
  report ("batch merge (main loop)", bench.batch_us);

  eg_flow_list_set_sorter (bench.flows, NULL);
  gtk_window_destroy (GTK_WINDOW (bench.window));
  g_rand_free (bench.rand);
  g_main_loop_unref (bench.loop);
  g_array_unref (bench.frame_us);
  g_array_unref (bench.batch_us);
  g_remove (db);
  g_rmdir (dir);
  return 0;
}
