/* SPDX-License-Identifier: GPL-2.0-or-later */
/* score-bench: how fast Edgeguard scores flows with the bundled model.
 *
 *  1. throughput, batched, on one core: eg_scorer_process (features with
 *     context, XGBoost, IP information, every detector) on batches of 1024,
 *     and the model alone (XGBoost on ready rows);
 *  2. latency at a steady rate (10,000 flows/s by default): a producer
 *     thread hands flows to the scoring worker as a flow table would, and
 *     the time from the hand-off (the flow's end) to its scored delivery is
 *     recorded for each flow: p50, p99, max;
 *  3. the same end to end through the engine: a conn.log whose flows end
 *     at that rate, replayed in real time by EgEngine (its capture thread
 *     emits each flow when its end comes, batches them, the scoring thread
 *     scores them), the time from each flow's end to the sink that gets it
 *     scored. The replay clock starts when the capture thread reads the
 *     first flow, after it built the scorer, which the bench cannot see:
 *     latencies are counted from the fastest flow's, so they are low by
 *     that one's (a fraction of a millisecond).
 *
 * Flows are real: the labeled conn logs in ../shared/data, replayed with
 * shifted times until there are --flows of them (synthetic when the data is
 * absent).
 *
 * The scorer's figure is also given per second of the thread's CPU time,
 * which other processes' time slices do not dilute.
 *
 *   score-bench [--flows N] [--rate R] [--seconds S] [--json]
 */
#include "config.h"

#include <glib/gstdio.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eg-alert.h"
#include "eg-detectors.h"
#include "eg-engine.h"
#include "eg-flow-writer.h"
#include "eg-features.h"
#include "eg-flow-log-reader.h"
#include "eg-model.h"
#include "eg-scorer.h"
#include "eg-scoring-worker.h"

static const char * const inputs[] = {
  "stratosphere-security-datasets/008-zeek-mixed/data/conn.log.labeled",
  "stratosphere-security-datasets/010-zeek-mixed/data/conn.log.labeled",
  "stratosphere-security-datasets/011-zeek-mixed/data/conn.log.labeled",
  "stratosphere-security-datasets/012-zeek-mixed/data/conn.log.labeled",
};

static GArray *
load_base_flows (void)
{
  const char *shared = g_getenv ("EG_SHARED_DATA");
  g_autofree char *root = shared ? g_strdup (shared)
                                 : g_build_filename (SOURCE_DATADIR, "..", "..", "shared", "data", NULL);
  GArray *flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autofree char *path = g_build_filename (root, inputs[i], NULL);
      g_autoptr(EgFlowLogReader) reader = eg_flow_log_reader_open (path, NULL);
      EgFlow flow;

      if (reader == NULL)
        continue;
      while (eg_flow_init (&flow), eg_flow_log_reader_next (reader, &flow, NULL))
        {
          flow.label = NULL;
          flow.label_source = EG_LABEL_SOURCE_NONE;
          g_array_append_val (flows, flow);
        }
    }
  if (flows->len == 0)
    {
      /* No shared data: web-like flows from a few hundred hosts. */
      for (guint k = 0; k < 20000; k++)
        {
          EgFlow f;
          guint8 src[4] = { 192, 168, (guint8) (k / 250 % 4), (guint8) (k % 250 + 1) };
          guint8 dst[4] = { 203, 0, (guint8) (k % 7), (guint8) (k * 7 % 251) };

          eg_flow_init (&f);
          eg_addr_set_v4 (&f.orig_h, src);
          eg_addr_set_v4 (&f.resp_h, dst);
          f.ts = 1000 + k * 0.01;
          f.duration = 0.1 + (k % 13) * 0.3;
          f.proto = 6;
          f.orig_p = 40000 + k % 20000;
          f.resp_p = k % 4 ? 443 : 80;
          f.conn_state = k % 9 ? EG_CONN_STATE_SF : EG_CONN_STATE_S0;
          g_strlcpy (f.history, k % 9 ? "ShADadFf" : "S", sizeof f.history);
          f.orig_pkts = 4 + k % 20;
          f.resp_pkts = k % 9 ? 3 + k % 30 : 0;
          f.orig_bytes = 200 + k % 3000;
          f.resp_bytes = k % 9 ? 1000 + k * 13 % 90000 : 0;
          f.orig_ip_bytes = f.orig_bytes + 40 * f.orig_pkts;
          f.resp_ip_bytes = f.resp_bytes + 40 * f.resp_pkts;
          g_array_append_val (flows, f);
        }
    }
  return flows;
}

/* Replays the base flows, each round later in time, to n flows. */
static EgFlow *
make_flows (GArray *base,
            guint   n)
{
  EgFlow *flows = g_new (EgFlow, n);
  double span = 0, t0 = INFINITY;

  for (guint i = 0; i < base->len; i++)
    {
      const EgFlow *f = &g_array_index (base, EgFlow, i);

      t0 = MIN (t0, f->ts);
      span = MAX (span, f->ts);
    }
  span = span - t0 + 1;
  for (guint i = 0; i < n; i++)
    {
      flows[i] = g_array_index (base, EgFlow, i % base->len);
      flows[i].ts += (i / base->len) * span;
      g_snprintf (flows[i].uid, sizeof flows[i].uid, "B%u", i);
    }
  return flows;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

typedef struct {
  gint64  *pushed_at;   /* µs, per flow index */
  double  *latency;     /* ms, per flow index */
  guint    delivered;
  GMutex   lock;
} Latency;

static void
on_scored (EgFlow    *flows,
           guint      n_flows,
           GPtrArray *alerts,
           gpointer   user_data)
{
  Latency *lat = user_data;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&lat->lock);
  for (guint i = 0; i < n_flows; i++)
    {
      guint idx = (guint) strtoul (flows[i].uid + 1, NULL, 10);

      lat->latency[idx] = (now - lat->pushed_at[idx]) / 1000.0;
    }
  lat->delivered += n_flows;
  g_mutex_unlock (&lat->lock);
}

typedef struct {
  double   first_end;
  double  *latency;     /* ms, per flow index: arrival − end, offset unknown */
  guint    n;
  guint    delivered;
  GMutex   lock;
} EngineLatency;

static void
on_engine_scored (const EgFlow *flows,
                  guint         n_flows,
                  GPtrArray    *alerts,
                  gpointer      user_data)
{
  EngineLatency *lat = user_data;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&lat->lock);
  for (guint i = 0; i < n_flows; i++)
    {
      guint idx = (guint) strtoul (flows[i].uid + 1, NULL, 10);
      double end = flows[i].ts + MAX (flows[i].duration, 0);

      if (flows[i].uid[0] == 'E' && idx < lat->n)
        {
          lat->latency[idx] = (now - (end - lat->first_end) * 1e6) / 1000.0;
          lat->delivered++;
        }
    }
  g_mutex_unlock (&lat->lock);
}

static void
on_engine_finished (EgEngine *engine,
                    gpointer  error,
                    gpointer  user_data)
{
  g_main_loop_quit (user_data);
}

/* Returns the p50, p99 and max latency (ms) from a flow's end to its scored
 * delivery through EgEngine, for n flows ending rate per second. */
static gboolean
engine_latency (const EgConfig *config,
                const EgFlow   *flows,
                guint           n,
                int             rate,
                double         *p50,
                double         *p99,
                double         *pmax)
{
  g_autofree char *dir = g_dir_make_tmp ("score-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "conn.log", NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(EgEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  EngineLatency lat = { 0 };
  const char *paths[] = { path, NULL };
  FILE *out;
  EgFlowWriter *writer;
  double t0 = 1.7e9;

  out = fopen (path, "w");
  if (out == NULL)
    return FALSE;
  writer = eg_flow_writer_new (out, EG_FLOW_FORMAT_ZEEK_TSV, 0);
  for (guint i = 0; i < n; i++)
    {
      EgFlow f = flows[i];
      double duration = MAX (f.duration, 0);

      /* Ends evenly spaced at the rate, in bursts of a millisecond as a
       * capture thread finds them; each keeps its own duration. */
      f.ts = t0 + floor ((double) i * 1000 / rate) / 1000 - duration;
      f.score = -1;
      g_snprintf (f.uid, sizeof f.uid, "E%u", i);
      eg_flow_writer_write (writer, &f, NULL);
    }
  eg_flow_writer_close (writer, NULL);
  eg_flow_writer_free (writer);
  fclose (out);

  lat.n = n;
  lat.first_end = t0;
  lat.latency = g_new0 (double, n);
  g_mutex_init (&lat.lock);
  engine = eg_engine_new (config);
  eg_engine_set_sink (engine, on_engine_scored, &lat);
  g_signal_connect (engine, "finished", G_CALLBACK (on_engine_finished), loop);
  if (!eg_engine_start_files (engine, paths, TRUE, &error))
    {
      fprintf (stderr, "score-bench: %s\n", error->message);
      return FALSE;
    }
  g_main_loop_run (loop);
  g_clear_object (&engine);
  qsort (lat.latency, n, sizeof (double), compare_double);
  for (guint i = n; i-- > 0;)
    lat.latency[i] -= lat.latency[0];
  *p50 = lat.latency[n / 2];
  *p99 = lat.latency[(guint) (n * 0.99)];
  *pmax = lat.latency[n - 1];
  g_free (lat.latency);
  g_mutex_clear (&lat.lock);
  g_unlink (path);
  g_rmdir (dir);
  return lat.delivered == n;
}

/* Time this thread ran: on a shared machine, wall time also counts the
 * slices other processes took from it. */
static double
thread_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main (int    argc,
      char **argv)
{
  int n_flows = 500000, rate = 10000, seconds = 5, passes = 3;
  gboolean json = FALSE, scorer_only = FALSE;
  GOptionEntry entries[] = {
    { "flows", 0, 0, G_OPTION_ARG_INT, &n_flows, "Flows for the throughput run (500000)", "N" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &rate, "Flows per second for the latency run (10000)", "R" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Length of the latency run (5)", "S" },
    { "passes", 0, 0, G_OPTION_ARG_INT, &passes, "Scorer passes, the best reported (3)", "N" },
    { "scorer-only", 0, 0, G_OPTION_ARG_NONE, &scorer_only,
      "Measure the whole scorer only (for profilers: perf, callgrind)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— scoring throughput and latency");
  g_autoptr(GError) error = NULL;
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autoptr(GArray) base = NULL;
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);
  g_autofree EgFlow *flows = NULL, *pristine = NULL;
  g_autofree float *rows = NULL, *scores = NULL;
  EgScorer *scorer;
  g_autoptr(EgModel) model = NULL;
  gint64 t0, t1;
  double scorer_rate, model_rate, xgboost_rate, features_rate, detectors_rate, p50, p99, pmax;
  double e50 = NAN, e99 = NAN, emax = NAN, scorer_cpu_rate, c0, c1;
  gboolean engine_ok;
  guint n_lat;
  Latency lat = { 0 };
  EgScoringWorker *worker;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_flows < 1024
      || rate < 1 || seconds < 1 || passes < 1)
    {
      fprintf (stderr, "score-bench: %s\n", error ? error->message : "bad arguments");
      return 2;
    }

  base = load_base_flows ();
  flows = make_flows (base, n_flows);
  scorer = eg_scorer_new (config, &error);
  if (scorer == NULL)
    {
      fprintf (stderr, "score-bench: %s\n", error->message);
      return 1;
    }
  model = eg_scorer_dup_model (scorer);
  if (model == NULL)
    {
      fprintf (stderr, "score-bench: no bundled model (data/model/default.ubj)\n");
      return 1;
    }

  /* 1a. The whole scorer, batches of 1024, this thread only. Each pass has
   * a fresh scorer (cold tables, as after a start); the best of --passes
   * is reported, since the machine is shared and a pass can be preempted. */
  scorer_rate = scorer_cpu_rate = 0;
  pristine = g_memdup2 (flows, (gsize) n_flows * sizeof (EgFlow));
  for (int pass = 0; pass < passes; pass++)
    {
      EgScorer *fresh = pass == 0 ? scorer : eg_scorer_new (config, NULL);

      /* The scorer writes scores and locations into the flows: start each
       * pass from the same unscored ones. */
      memcpy (flows, pristine, (gsize) n_flows * sizeof (EgFlow));
      c0 = thread_cpu_seconds ();
      t0 = g_get_monotonic_time ();
      for (guint i = 0; i < (guint) n_flows; i += EG_SCORING_BATCH)
        {
          eg_scorer_process (fresh, flows + i, MIN (EG_SCORING_BATCH, (guint) n_flows - i), alerts);
          g_ptr_array_set_size (alerts, 0);
        }
      t1 = g_get_monotonic_time ();
      c1 = thread_cpu_seconds ();
      scorer_rate = MAX (scorer_rate, n_flows / ((t1 - t0) / 1e6));
      scorer_cpu_rate = MAX (scorer_cpu_rate, n_flows / (c1 - c0));
      if (fresh != scorer)
        eg_scorer_free (fresh);
    }
  if (scorer_only)
    {
      printf ("%.0f flows/s, %.0f per CPU second\n", scorer_rate, scorer_cpu_rate);
      eg_scorer_free (scorer);
      return 0;
    }

  /* 1b. The model alone, on the same rows. */
  rows = g_new (float, (gsize) n_flows * EG_N_FEATURES);
  scores = g_new (float, n_flows);
  {
    g_autoptr(EgFeatureContext) ctx = eg_feature_context_new (EG_FEATURE_WINDOW, 1u << 20);

    t0 = g_get_monotonic_time ();
    for (guint i = 0; i < (guint) n_flows; i++)
      eg_features_compute (ctx, &flows[i], rows + (gsize) i * EG_N_FEATURES);
    t1 = g_get_monotonic_time ();
    features_rate = n_flows / ((t1 - t0) / 1e6);
  }
  {
    g_autoptr(EgDetectors) ds = eg_detectors_new (config, NULL, NULL);

    t0 = g_get_monotonic_time ();
    for (guint i = 0; i < (guint) n_flows; i++)
      {
        eg_detectors_process_flow (ds, &flows[i], alerts);
        g_ptr_array_set_size (alerts, 0);
      }
    t1 = g_get_monotonic_time ();
    detectors_rate = n_flows / ((t1 - t0) / 1e6);
  }
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < (guint) n_flows; i += EG_SCORING_BATCH)
    eg_model_predict (model, rows + (gsize) i * EG_N_FEATURES,
                      MIN (EG_SCORING_BATCH, (guint) n_flows - i), scores + i, NULL);
  t1 = g_get_monotonic_time ();
  model_rate = n_flows / ((t1 - t0) / 1e6);
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < (guint) n_flows; i += EG_SCORING_BATCH)
    eg_model_predict_xgboost (model, rows + (gsize) i * EG_N_FEATURES,
                              MIN (EG_SCORING_BATCH, (guint) n_flows - i), scores + i, NULL);
  t1 = g_get_monotonic_time ();
  xgboost_rate = n_flows / ((t1 - t0) / 1e6);
  eg_scorer_free (scorer);

  /* 2. Latency at a steady rate through the scoring worker. */
  n_lat = (guint) MIN ((gint64) rate * seconds, n_flows);
  lat.pushed_at = g_new0 (gint64, n_lat);
  lat.latency = g_new0 (double, n_lat);
  g_mutex_init (&lat.lock);
  worker = eg_scoring_worker_new (eg_scorer_new (config, NULL), 65536, on_scored, &lat);
  {
    /* Hand-offs every millisecond, as a capture worker's batches would come. */
    guint per_tick = MAX (1, rate / 1000);
    gint64 start = g_get_monotonic_time ();

    for (guint i = 0; i < n_lat; i += per_tick)
      {
        guint n = MIN (per_tick, n_lat - i);
        gint64 due = start + (gint64) ((double) i / rate * 1e6);
        gint64 now;

        while ((now = g_get_monotonic_time ()) < due)
          g_usleep (MIN (due - now, 200));
        for (guint k = 0; k < n; k++)
          {
            lat.pushed_at[i + k] = now;
            g_snprintf (flows[i + k].uid, sizeof flows[i + k].uid, "B%u", i + k);
          }
        eg_scoring_worker_push (worker, flows + i, n, TRUE);
      }
  }
  eg_scoring_worker_finish (worker);
  eg_scoring_worker_free (worker);
  qsort (lat.latency, n_lat, sizeof (double), compare_double);
  p50 = lat.latency[n_lat / 2];
  p99 = lat.latency[(guint) (n_lat * 0.99)];
  pmax = lat.latency[n_lat - 1];

  /* 3. End to end through the engine. */
  engine_ok = engine_latency (config, flows, n_lat, rate, &e50, &e99, &emax);

  if (json)
    printf ("{\"flows\":%d,\"scorer_flows_per_s\":%.0f,\"scorer_flows_per_cpu_s\":%.0f,\"model_flows_per_s\":%.0f,\"xgboost_flows_per_s\":%.0f,"
            "\"features_flows_per_s\":%.0f,\"detectors_flows_per_s\":%.0f,\"rate\":%d,\"latency_ms_p50\":%.3f,\"latency_ms_p99\":%.3f,"
            "\"latency_ms_max\":%.3f,\"delivered\":%u,\"engine_latency_ms_p50\":%.3f,"
            "\"engine_latency_ms_p99\":%.3f,\"engine_latency_ms_max\":%.3f}\n",
            n_flows, scorer_rate, scorer_cpu_rate, model_rate, xgboost_rate, features_rate, detectors_rate, rate, p50, p99, pmax,
            lat.delivered, e50, e99, emax);
  else
    {
      printf ("Model version %u, %u base flows replayed to %d\n",
              eg_model_get_version (model), base->len, n_flows);
      printf ("Throughput, batches of %d, one core:\n", EG_SCORING_BATCH);
      printf ("  scorer (features, model, ip info, detectors)  %10.0f flows/s\n", scorer_rate);
      printf ("    per second of this thread's CPU time         %10.0f flows/s\n", scorer_cpu_rate);
      printf ("  model alone, %s         %10.0f flows/s\n",
              eg_model_has_own_trees (model) ? "our flattened trees     " : "XGBoost (not flattened) ",
              model_rate);
      printf ("  model alone, XGBoost in-place predict          %10.0f flows/s\n", xgboost_rate);
      printf ("  features alone (with the 5-min context)        %10.0f flows/s\n", features_rate);
      printf ("  detectors alone                                %10.0f flows/s\n", detectors_rate);
      printf ("Latency from hand-off to scored delivery at %d flows/s (%u flows):\n", rate, n_lat);
      printf ("  p50 %.2f ms   p99 %.2f ms   max %.2f ms\n", p50, p99, pmax);
      printf ("Latency from a flow's end to its score through the engine at %d flows/s:\n", rate);
      printf ("  p50 %.2f ms   p99 %.2f ms   max %.2f ms\n", e50, e99, emax);
    }
  g_free (lat.pushed_at);
  g_free (lat.latency);
  g_mutex_clear (&lat.lock);
  return lat.delivered == n_lat && engine_ok ? 0 : 1;
}
