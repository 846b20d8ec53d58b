/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gui-frame-times: how smooth the console stays while a capture is replayed
 * through the engine as fast as possible into the real window.
 *
 * Writes a capture of N TCP connections (default 400,000, five packets
 * each, spread over ten minutes of packet time), opens it in the window the
 * way `edgeguard FILE` does (engine: decode, flow table, nDPI, model,
 * detectors, store; batches to the main loop a few times a second) once
 * the window has drawn its first frames, while the table scrolls a few
 * rows every frame, then measures the same window idle with the same
 * table: the peer, from the same run. Prints, for both (and for the
 * replay's frames drawn while the table already held 100,000 flows or
 * more, the load the issue names: a big table while a capture pours in),
 * the time each frame took (from the frame clock's before-paint to its
 * after-paint: layout and drawing), the interval between painted frames
 * (what an operator sees as stutter) and the main thread's CPU time in that
 * interval (the rest is other threads and processes): p50, p95, p99, max.
 * Then the main thread's CPU time in each phase of a frame: update (the
 * scroll, which binds the rows it brings in), layout (styles, measuring,
 * allocating) and paint (snapshot, drawing, handing the frame to X), and
 * the rest of the frame's time, off CPU: waiting for the X server's
 * replies (GTK 4.8's X11 backend asks it for the window's monitor and work
 * area, a handful of round trips, in every frame that lays anything out)
 * or for a core.
 *
 *   xvfb-run -a -s '-screen 0 1280x800x24' build/bench/gui-frame-times [N] [ORDER]
 *
 * It draws with GTK's cairo renderer unless GSK_RENDERER says otherwise:
 * under Xvfb the GL renderer runs on Mesa's software llvmpipe, and the
 * run takes ten minutes instead of half of one.
 *
 * ORDER: "arrival" (the table's default) or "dst" (sorted by destination
 * address: every batch lands all over the table).
 *
 * EG_BENCH_FRAMES=1 also prints every measured frame on stderr: when it
 * began (CLOCK_MONOTONIC, as `perf record -k CLOCK_MONOTONIC` stamps its
 * samples), how long it took, the main thread's CPU time in each phase and
 * the flows in the table: which frames are the slow ones, and why.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <time.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>

#include "eg-application.h"
#include "eg-flow-list.h"
#include "eg-flow-sorter.h"
#include "eg-flows-page.h"
#include "eg-window.h"

typedef struct {
  GArray *work_us;       /* gint64: before-paint → after-paint */
  GArray *interval_us;   /* gint64: after-paint → after-paint */
  GArray *cpu_us;        /* gint64: main-thread CPU time in that interval */
  GArray *phase_us[3];   /* gint64: main-thread CPU time in update, layout, paint */
  GArray *off_cpu_us;    /* gint64: frame time less the main thread's CPU time in it */
} Samples;

enum { PHASE_UPDATE, PHASE_LAYOUT, PHASE_PAINT, N_PHASES };

/* "100,000+ flows in the table": the replay's frames from then on are
 * also reported on their own. Before it the table is filling, and GTK 4.8
 * builds the row widgets of its first 200 rows. */
#define FULL_TABLE 100000

typedef struct {
  EgWindow      *window;
  EgFlowList    *flows;
  GtkAdjustment *vadj;
  Samples        replay;
  Samples        replay_full;   /* the replay's frames with FULL_TABLE+ flows shown */
  Samples        idle;
  Samples       *recording;   /* NULL: not recording */
  gint64         frame_start;
  gint64         phase_cpu[N_PHASES + 1];   /* at before-paint, then each phase's end */
  gint64         last_paint;
  gint64         last_cpu;
  guint          n_painted;
  gboolean       log_frames;   /* EG_BENCH_FRAMES: each frame on stderr */
} Bench;

static double
last_phase_ms (const Samples *samples,
               guint          phase)
{
  GArray *a = samples->phase_us[phase];

  return g_array_index (a, gint64, a->len - 1) / 1000.0;
}

static gint64
thread_cpu_time (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

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
  g_print ("%-34s n=%-6u p50=%6.2f ms  p95=%6.2f ms  p99=%6.2f ms  max=%7.2f ms\n", what, n,
           v[n / 2] / 1000.0, v[MIN (n - 1, (guint) (n * 0.95))] / 1000.0,
           v[MIN (n - 1, (guint) (n * 0.99))] / 1000.0, v[n - 1] / 1000.0);
}

static void
on_before_paint_cb (GdkFrameClock *clock,
                    Bench         *bench)
{
  bench->frame_start = g_get_monotonic_time ();
  bench->phase_cpu[0] = thread_cpu_time ();
  for (guint i = 1; i <= N_PHASES; i++)
    bench->phase_cpu[i] = 0;
}

/* Connected after GTK's own handlers of each phase: runs as it ends. */
static void
on_update_end_cb (GdkFrameClock *clock,
                  Bench         *bench)
{
  bench->phase_cpu[PHASE_UPDATE + 1] = thread_cpu_time ();
}

static void
on_layout_end_cb (GdkFrameClock *clock,
                  Bench         *bench)
{
  bench->phase_cpu[PHASE_LAYOUT + 1] = thread_cpu_time ();
}

static void
on_paint_end_cb (GdkFrameClock *clock,
                 Bench         *bench)
{
  bench->phase_cpu[PHASE_PAINT + 1] = thread_cpu_time ();
}

static void
record_frame (Bench   *bench,
              Samples *samples,
              gint64   work,
              gint64   now,
              gint64   cpu)
{
  gint64 off_cpu = work;

  g_array_append_val (samples->work_us, work);
  /* A frame may skip a phase (nothing to lay out): it counts as 0, and
   * the next phase starts where the last one run ended. */
  for (guint i = 0, last = 0; i < N_PHASES; i++)
    {
      gint64 used = 0;

      if (bench->phase_cpu[i + 1] != 0)
        {
          used = bench->phase_cpu[i + 1] - bench->phase_cpu[last];
          last = i + 1;
        }
      g_array_append_val (samples->phase_us[i], used);
      off_cpu -= used;
    }
  /* Waiting for the X server's replies, or for a core. */
  off_cpu = MAX (off_cpu, 0);
  g_array_append_val (samples->off_cpu_us, off_cpu);
  if (bench->last_paint != 0)
    {
      gint64 interval = now - bench->last_paint, used = cpu - bench->last_cpu;

      g_array_append_val (samples->interval_us, interval);
      g_array_append_val (samples->cpu_us, used);
    }
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   Bench         *bench)
{
  gint64 now = g_get_monotonic_time (), cpu = thread_cpu_time ();

  bench->n_painted++;

  if (bench->recording != NULL && bench->frame_start != 0)
    {
      gint64 work = now - bench->frame_start;
      guint n_flows = eg_flow_list_get_n_flows (bench->flows);
      gboolean full = bench->recording == &bench->replay && n_flows >= FULL_TABLE;

      record_frame (bench, bench->recording, work, now, cpu);
      if (full)
        record_frame (bench, &bench->replay_full, work, now, cpu);
      if (bench->log_frames)
        g_printerr ("%s frame %u at %.6f s: %.2f ms; main thread in update %.2f, layout %.2f, "
                    "paint %.2f ms; %u flows\n",
                    bench->recording == &bench->replay ? "replay" : "idle",
                    bench->recording->work_us->len, bench->frame_start / 1e6, work / 1000.0,
                    last_phase_ms (bench->recording, PHASE_UPDATE),
                    last_phase_ms (bench->recording, PHASE_LAYOUT),
                    last_phase_ms (bench->recording, PHASE_PAINT),
                    n_flows);
    }
  bench->last_paint = now;
  bench->last_cpu = cpu;
}

/* Keep the table moving: new rows bind every frame. */
static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Bench *bench = user_data;
  double value = gtk_adjustment_get_value (bench->vadj) + 60;
  double max = gtk_adjustment_get_upper (bench->vadj) - gtk_adjustment_get_page_size (bench->vadj);

  gtk_adjustment_set_value (bench->vadj, value > max ? 0 : value);
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
put_packet (pcap_dumper_t *dumper,
            double         ts,
            guint32        src,
            guint32        dst,
            guint16        sport,
            guint16        dport,
            guint8         flags)
{
  guint8 frame[54] = { 0 };
  struct pcap_pkthdr header = { 0 };
  guint32 sum = 0;

  /* Ethernet, IPv4 (no options), TCP (no options, no payload). */
  frame[12] = 0x08;
  frame[14] = 0x45;
  frame[17] = 40;
  frame[22] = 64;
  frame[23] = IPPROTO_TCP;
  memcpy (frame + 26, &src, 4);
  memcpy (frame + 30, &dst, 4);
  for (guint i = 14; i < 34; i += 2)
    sum += (frame[i] << 8) | frame[i + 1];
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  frame[24] = ~sum >> 8;
  frame[25] = ~sum & 0xff;
  frame[34] = sport >> 8;
  frame[35] = sport & 0xff;
  frame[36] = dport >> 8;
  frame[37] = dport & 0xff;
  frame[46] = 5 << 4;
  frame[47] = flags;
  frame[48] = 0xff;
  header.ts.tv_sec = (time_t) ts;
  header.ts.tv_usec = (suseconds_t) ((ts - (time_t) ts) * 1e6);
  header.caplen = header.len = sizeof frame;
  pcap_dump ((u_char *) dumper, &header, frame);
}

/* n connections, each SYN, SYN-ACK, ACK, FIN-ACK, FIN-ACK (Zeek's SF),
 * started evenly over ten minutes, from 2,000 hosts to random servers. */
static void
write_capture (const char *path,
               guint       n)
{
  pcap_t *dead = pcap_open_dead (DLT_EN10MB, 65535);
  pcap_dumper_t *dumper = pcap_dump_open (dead, path);
  GRand *rand = g_rand_new_with_seed (7);
  const guint16 ports[] = { 443, 80, 22, 53, 8080, 23, 3389, 25 };

  if (dumper == NULL)
    g_error ("cannot write %s: %s", path, pcap_geterr (dead));
  for (guint i = 0; i < n; i++)
    {
      double t = 1.7e9 + i * (600.0 / n);
      guint32 src = g_htonl (0x0a000000 | (i % 2000));
      guint32 dst = g_htonl (g_rand_int (rand));
      guint16 sport = 1024 + i % 60000;
      guint16 dport = ports[g_rand_int_range (rand, 0, G_N_ELEMENTS (ports))];

      put_packet (dumper, t, src, dst, sport, dport, 0x02);
      put_packet (dumper, t + 0.001, dst, src, dport, sport, 0x12);
      put_packet (dumper, t + 0.002, src, dst, sport, dport, 0x10);
      put_packet (dumper, t + 0.003, src, dst, sport, dport, 0x11);
      put_packet (dumper, t + 0.004, dst, src, dport, sport, 0x11);
    }
  pcap_dump_close (dumper);
  pcap_close (dead);
  g_rand_free (rand);
}

static void
samples_init (Samples *samples)
{
  samples->work_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  samples->interval_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  samples->cpu_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < N_PHASES; i++)
    samples->phase_us[i] = g_array_new (FALSE, FALSE, sizeof (gint64));
  samples->off_cpu_us = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
samples_clear (Samples *samples)
{
  g_array_unref (samples->work_us);
  g_array_unref (samples->interval_us);
  g_array_unref (samples->cpu_us);
  for (guint i = 0; i < N_PHASES; i++)
    g_array_unref (samples->phase_us[i]);
  g_array_unref (samples->off_cpu_us);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(EgApplication) app = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(EgFlowSorter) sorter = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *capture = NULL;
  Bench bench = { 0 };
  GdkFrameClock *clock;
  const char *order;
  guint n, n_frames;
  gint64 start, took;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* Under Xvfb GL is Mesa's software llvmpipe: frames would measure the
   * rasteriser in software, not the console. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL)
    g_setenv ("GSETTINGS_SCHEMA_DIR", EG_SCHEMA_DIR, TRUE);
  if (!gtk_init_check ())
    {
      g_printerr ("gui-frame-times: no display (run it under xvfb-run)\n");
      return 77;
    }
  adw_init ();

  /* Enough that the table holds 100,000 flows and more for most of the
   * replay, not only its last frames. */
  n = argc > 1 ? atoi (argv[1]) : 400000;
  bench.log_frames = g_getenv ("EG_BENCH_FRAMES") != NULL;
  order = argc > 2 ? argv[2] : "arrival";
  samples_init (&bench.replay);
  samples_init (&bench.replay_full);
  samples_init (&bench.idle);

  dir = g_dir_make_tmp ("edgeguard-bench-XXXXXX", NULL);
  db = g_build_filename (dir, "bench.db", NULL);
  capture = g_build_filename (dir, "bench.pcap", NULL);
  write_capture (capture, n);
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "database-path", db);
  g_settings_set_boolean (settings, "replay-realtime", FALSE);

  app = eg_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  bench.window = eg_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (bench.window), 1280, 760);
  gtk_window_present (GTK_WINDOW (bench.window));
  bench.flows = eg_window_get_flow_list (bench.window);
  bench.vadj = eg_flows_page_get_vadjustment (EG_FLOWS_PAGE (eg_window_get_page (bench.window, "flows")));

  /* Destination order: every batch merges all over the table. */
  if (g_str_equal (order, "dst"))
    {
      sorter = eg_flow_sorter_new (EG_FLOW_FIELD_RESP_H);
      eg_flow_list_set_sorter (bench.flows, GTK_SORTER (sorter));
    }

  while ((clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench.window))) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint_cb), &bench);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), &bench);
  gtk_widget_add_tick_callback (GTK_WIDGET (bench.window), tick_cb, &bench, NULL);
  /* After the tick callback: GTK connects its update handler with it. */
  g_signal_connect (clock, "update", G_CALLBACK (on_update_end_cb), &bench);
  g_signal_connect (clock, "layout", G_CALLBACK (on_layout_end_cb), &bench);
  g_signal_connect (clock, "paint", G_CALLBACK (on_paint_end_cb), &bench);
  /* The window's first frames build its styles and layout from nothing:
   * the replay starts once the window is up, as an operator's would be. */
  while (bench.n_painted < 30)
    g_main_context_iteration (NULL, TRUE);
  bench.last_paint = 0;

  /* The replay, as `edgeguard bench.pcap` opens it. */
  file = g_file_new_for_path (capture);
  bench.recording = &bench.replay;
  start = g_get_monotonic_time ();
  eg_window_open_files (bench.window, &file, 1);
  while (eg_window_get_running (bench.window))
    g_main_context_iteration (NULL, TRUE);
  took = g_get_monotonic_time () - start;
  bench.recording = NULL;

  /* The peer: the same window and table, idle, scrolling as before. */
  n_frames = bench.replay.work_us->len;
  bench.last_paint = 0;
  bench.recording = &bench.idle;
  while (bench.idle.work_us->len < MAX (n_frames, 120u))
    g_main_context_iteration (NULL, TRUE);
  bench.recording = NULL;

  g_print ("replayed %u connections (%u packets) through the engine in %.1f s: "
           "%u flows in the table, %s order\n", n, n * 5, took / 1e6,
           eg_flow_list_get_n_flows (bench.flows), order);
  report ("frame time, replaying", bench.replay.work_us);
  report ("frame time, replaying, 100k+ shown", bench.replay_full.work_us);
  report ("frame time, idle (peer)", bench.idle.work_us);
  report ("frame interval, replaying", bench.replay.interval_us);
  report ("frame interval, replaying, 100k+", bench.replay_full.interval_us);
  report ("frame interval, idle (peer)", bench.idle.interval_us);
  /* What the main thread itself spent per frame interval: the rest of a
   * long interval is other threads and processes holding the cores. */
  report ("main-thread time, replaying", bench.replay.cpu_us);
  report ("main-thread time, replaying, 100k+", bench.replay_full.cpu_us);
  report ("main-thread time, idle (peer)", bench.idle.cpu_us);
  report ("  in update, replaying", bench.replay.phase_us[PHASE_UPDATE]);
  report ("  in update, idle (peer)", bench.idle.phase_us[PHASE_UPDATE]);
  report ("  in layout, replaying", bench.replay.phase_us[PHASE_LAYOUT]);
  report ("  in layout, idle (peer)", bench.idle.phase_us[PHASE_LAYOUT]);
  report ("  in paint, replaying", bench.replay.phase_us[PHASE_PAINT]);
  report ("  in paint, idle (peer)", bench.idle.phase_us[PHASE_PAINT]);
  report ("  off CPU, replaying", bench.replay.off_cpu_us);
  report ("  off CPU, replaying, 100k+", bench.replay_full.off_cpu_us);
  report ("  off CPU, idle (peer)", bench.idle.off_cpu_us);

  eg_flow_list_set_sorter (bench.flows, NULL);
  gtk_window_destroy (GTK_WINDOW (bench.window));
  samples_clear (&bench.replay);
  samples_clear (&bench.replay_full);
  samples_clear (&bench.idle);
  g_remove (capture);
  g_remove (db);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
  }
  g_rmdir (dir);
  return 0;
}
