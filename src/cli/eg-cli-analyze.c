/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard-cli analyze: captures, live traffic and flow logs in; Zeek-style
 * flows (TSV, JSON lines, CSV) or alerts (JSON lines) out. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>

#include "eg-alert.h"
#include "eg-cli.h"
#include "eg-engine.h"
#include "eg-error.h"
#include "eg-flow-writer.h"
#include "eg-store.h"

typedef struct {
  GMainLoop    *loop;
  EgEngine     *engine;
  EgFlowWriter *writer;
  FILE         *out;
  gboolean      alerts_only;
  gboolean      progress;
  gboolean      failed;
  GError       *write_error;
  GString      *line;
  EgStore      *store;
  char         *last_warning;  /* the engine's finish error repeats the first */
} Analysis;

/* In the engine's worker thread: every finished flow and alert, in order. */
static void
on_sink (const EgFlow *flows,
         guint         n_flows,
         GPtrArray    *alerts,
         gpointer      user_data)
{
  Analysis *a = user_data;

  /* The store's writer thread takes the rows; this thread goes on. */
  if (a->store)
    {
      GPtrArray *copies = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);
      eg_store_add_flows (a->store, flows, n_flows);
      for (guint i = 0; alerts && i < alerts->len; i++)
        g_ptr_array_add (copies, eg_alert_copy (alerts->pdata[i]));
      eg_store_add_alerts (a->store, copies);
    }
  if (a->write_error)
    return;
  if (a->alerts_only)
    {
      for (guint i = 0; alerts && i < alerts->len; i++)
        {
          g_string_truncate (a->line, 0);
          eg_alert_append_json (a->line, alerts->pdata[i]);
          g_string_append_c (a->line, '\n');
          if (fwrite (a->line->str, 1, a->line->len, a->out) != a->line->len)
            g_set_error (&a->write_error, EG_ERROR, errno == ENOSPC ? EG_ERROR_NO_SPACE : EG_ERROR_FAILED,
                         "Cannot write alerts: %s", g_strerror (errno));
        }
      return;
    }
  for (guint i = 0; i < n_flows && !a->write_error; i++)
    {
      /* Zeek logs a connection once, when it ends. */
      if (flows[i].flags & EG_FLOW_INTERIM)
        continue;
      eg_flow_writer_write (a->writer, &flows[i], &a->write_error);
    }
}

static void
on_engine_warning (EgEngine   *engine,
                   const char *message,
                   gpointer    user_data)
{
  Analysis *a = user_data;

  if (a->progress)
    fputs ("\r\033[K", stderr);
  eg_cli_error ("%s", message);
  if (a->last_warning == NULL)
    a->last_warning = g_strdup (message);
}

static void
on_engine_stats (EgEngine *engine,
                 gpointer  user_data)
{
  Analysis *a = user_data;
  EgEngineStats st;

  if (!a->progress)
    return;
  eg_engine_get_stats (engine, &st);
  if (st.progress >= 0)
    fprintf (stderr, "\r\033[K[%3.0f%%] %" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT " flows",
             st.progress * 100, st.packets + st.flow_log_records, st.flows);
  else
    fprintf (stderr, "\r\033[K%" G_GUINT64_FORMAT " packets (%.0f/s), %" G_GUINT64_FORMAT
             " active flows, %" G_GUINT64_FORMAT " drops",
             st.packets, st.packets_per_second, st.active_flows, st.capture_drops + st.queue_drops);
}

static void
on_engine_finished (EgEngine *engine,
                    GError   *error,
                    gpointer  user_data)
{
  Analysis *a = user_data;

  if (a->progress)
    fputs ("\r\033[K", stderr);
  /* A bad input was reported as it was met; an engine that could not
   * start (a model that does not load) says so only here. */
  if (error && g_strcmp0 (error->message, a->last_warning) != 0)
    eg_cli_error ("%s", error->message);
  if (error)
    a->failed = TRUE;
  g_main_loop_quit (a->loop);
}

static gboolean
on_stop_signal (gpointer user_data)
{
  Analysis *a = user_data;

  eg_engine_stop (a->engine);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_duration_elapsed (gpointer user_data)
{
  Analysis *a = user_data;

  eg_engine_stop (a->engine);
  return G_SOURCE_REMOVE;
}

static void
print_stats (EgEngine *engine)
{
  EgEngineStats st;

  eg_engine_get_stats (engine, &st);
  fprintf (stderr,
           "packets:        %" G_GUINT64_FORMAT "\n"
           "bytes:          %" G_GUINT64_FORMAT "\n"
           "flow records:   %" G_GUINT64_FORMAT "\n"
           "flows:          %" G_GUINT64_FORMAT "\n"
           "alerts:         %" G_GUINT64_FORMAT "\n"
           "peak active:    %" G_GUINT64_FORMAT "\n"
           "flow memory:    %" G_GUINT64_FORMAT " bytes at peak (%" G_GUINT64_FORMAT " per active flow), "
           "nDPI state %" G_GUINT64_FORMAT " bytes at peak\n"
           "evictions:      %" G_GUINT64_FORMAT "\n"
           "drops:          %" G_GUINT64_FORMAT " (capture %" G_GUINT64_FORMAT ", queue %" G_GUINT64_FORMAT ")\n"
           "undecodable:    %" G_GUINT64_FORMAT "\n"
           "orphan frags:   %" G_GUINT64_FORMAT "\n"
           "bad records:    %" G_GUINT64_FORMAT "\n",
           st.packets, st.bytes, st.flow_log_records, st.flows, st.alerts, st.peak_active_flows,
           st.peak_table_bytes, st.peak_active_flows ? st.peak_table_bytes / st.peak_active_flows : 0,
           st.peak_dpi_bytes, st.evictions,
           st.capture_drops + st.queue_drops, st.capture_drops, st.queue_drops,
           st.undecodable, st.fragments_orphaned, st.bad_records);
}

int
eg_cli_analyze_main (int    argc,
                     char **argv)
{
  g_autofree char *format_name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *interface = NULL;
  g_autofree char *filter = NULL;
  g_autofree char *ports = NULL;
  g_autofree char *db = NULL;
  g_auto(GStrv) inputs = NULL;
  gboolean stats = FALSE, alerts = FALSE, labels = FALSE, score = FALSE;
  gboolean extended = FALSE, realtime = FALSE, no_progress = FALSE, no_promisc = FALSE;
  gint snaplen = 0, max_flows = 0;
  double duration = 0;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "Output format: tsv (Zeek conn.log, the default), json or csv", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE instead of standard output", "FILE" },
    { "alerts", 0, 0, G_OPTION_ARG_NONE, &alerts, "Write alerts (one JSON object per line) instead of flows", NULL },
    { "labels", 0, 0, G_OPTION_ARG_NONE, &labels, "Add the label and detailedlabel columns", NULL },
    { "score", 0, 0, G_OPTION_ARG_NONE, &score, "Add the score, model_version and label_source columns", NULL },
    { "extended", 0, 0, G_OPTION_ARG_NONE, &extended, "Add packet statistics and IP information", NULL },
    { "stats", 's', 0, G_OPTION_ARG_NONE, &stats, "Print packets, bytes, flows, evictions, drops and undecodable packets", NULL },
    { "interface", 'i', 0, G_OPTION_ARG_STRING, &interface, "Capture live from INTERFACE", "INTERFACE" },
    { "filter", 0, 0, G_OPTION_ARG_STRING, &filter, "BPF capture filter for live capture", "FILTER" },
    { "snaplen", 0, 0, G_OPTION_ARG_INT, &snaplen, "Bytes captured per packet (default 262144)", "BYTES" },
    { "no-promiscuous", 0, 0, G_OPTION_ARG_NONE, &no_promisc, "Do not put the interface in promiscuous mode", NULL },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration, "Stop live capture after SECONDS", "SECONDS" },
    { "ports", 'p', 0, G_OPTION_ARG_STRING, &ports, "Ports of interest, recorded into the dataset (e.g. 22,80,8000-8080)", "PORTS" },
    { "max-flows", 0, 0, G_OPTION_ARG_INT, &max_flows, "Cap on flows held at once (default 1000000)", "N" },
    { "realtime", 0, 0, G_OPTION_ARG_NONE, &realtime, "Replay files at their recorded speed", NULL },
    { "no-progress", 0, 0, G_OPTION_ARG_NONE, &no_progress, "No progress line on the terminal", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Also keep flows and alerts in this Edgeguard database (created when missing)", "FILE" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Read settings from a key file", "FILE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL, "INPUT…" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[INPUT…]");
  g_autoptr(GError) error = NULL;
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autoptr(EgEngine) engine = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  EgFlowFormat format = EG_FLOW_FORMAT_ZEEK_TSV;
  EgFlowWriterFlags flags = 0;
  Analysis a = { 0 };
  guint sigint_id, sigterm_id;
  gboolean ok;

  g_option_context_set_summary (context,
    "Turns packet captures (pcap, pcapng), Zeek conn.log and Argus binetflow files, "
    "or live traffic, into flows with Zeek's conn.log fields.\n"
    "Inputs are recognized by their content, not their names.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      eg_cli_error ("%s", error->message);
      return 2;
    }
  if ((inputs == NULL) == (interface == NULL))
    {
      eg_cli_error ("give either input files or --interface; run “edgeguard-cli analyze --help”");
      return 2;
    }
  if (config_path && !eg_config_load_key_file (config, config_path, &error))
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }
  if (format_name && !eg_flow_format_from_string (format_name, &format))
    {
      eg_cli_error ("unknown format “%s”: use tsv, json or csv", format_name);
      return 2;
    }
  if (ports && !eg_config_parse_ports (config, ports, &error))
    {
      eg_cli_error ("%s", error->message);
      return 2;
    }
  if (interface)
    {
      g_free (config->interface);
      config->interface = g_strdup (interface);
    }
  if (filter)
    {
      g_free (config->bpf_filter);
      config->bpf_filter = g_strdup (filter);
    }
  if (snaplen > 0)
    config->snaplen = snaplen;
  if (no_promisc)
    config->promiscuous = FALSE;
  if (max_flows > 0)
    config->max_flows = max_flows;

  if (db)
    {
      a.store = eg_store_open (db, &error);
      if (a.store == NULL)
        {
          eg_cli_error ("%s", error->message);
          return 1;
        }
      /* A sensor that runs for months keeps to its configured retention. */
      eg_store_apply_config (a.store, config);
    }

  if (output)
    {
      a.out = fopen (output, "w");
      if (a.out == NULL)
        {
          eg_cli_error ("cannot write “%s”: %s", output, g_strerror (errno));
          return 1;
        }
    }
  else
    a.out = stdout;

  if (labels)
    flags |= EG_FLOW_WRITER_LABELS;
  if (score)
    flags |= EG_FLOW_WRITER_SCORE;
  if (extended)
    flags |= EG_FLOW_WRITER_EXTENDED;
  a.writer = eg_flow_writer_new (a.out, format, flags);
  a.alerts_only = alerts;
  a.line = g_string_new (NULL);
  a.progress = !no_progress && isatty (STDERR_FILENO);

  loop = g_main_loop_new (NULL, FALSE);
  engine = eg_engine_new (config);
  a.loop = loop;
  a.engine = engine;
  eg_engine_set_sink (engine, on_sink, &a);
  g_signal_connect (engine, "warning", G_CALLBACK (on_engine_warning), &a);
  g_signal_connect (engine, "stats", G_CALLBACK (on_engine_stats), &a);
  g_signal_connect (engine, "finished", G_CALLBACK (on_engine_finished), &a);

  if (interface)
    ok = eg_engine_start_live (engine, -1, &error);
  else
    ok = eg_engine_start_files (engine, (const char * const *) inputs, realtime, &error);
  if (!ok)
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }
  if (interface && duration > 0)
    g_timeout_add ((guint) (duration * 1000), on_duration_elapsed, &a);

  /* Ctrl+C stops the capture; flows in the table are still written. */
  sigint_id = g_unix_signal_add (SIGINT, on_stop_signal, &a);
  sigterm_id = g_unix_signal_add (SIGTERM, on_stop_signal, &a);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  if (!alerts && !a.write_error)
    eg_flow_writer_close (a.writer, &a.write_error);
  else
    fflush (a.out);
  if (a.write_error)
    {
      eg_cli_error ("%s%s%s", output ? output : "", output ? ": " : "", a.write_error->message);
      a.failed = TRUE;
    }
  if (a.store)
    {
      g_autoptr(GError) store_error = NULL;
      if (!eg_store_flush (a.store, &store_error))
        {
          eg_cli_error ("%s", store_error->message);
          a.failed = TRUE;
        }
      g_clear_pointer (&a.store, eg_store_unref);
    }
  if (stats)
    print_stats (engine);

  eg_flow_writer_free (a.writer);
  g_string_free (a.line, TRUE);
  if (output && fclose (a.out) != 0)
    {
      eg_cli_error ("cannot write “%s”: %s", output, g_strerror (errno));
      a.failed = TRUE;
    }
  g_clear_error (&a.write_error);
  g_free (a.last_warning);
  return a.failed ? 1 : 0;
}
