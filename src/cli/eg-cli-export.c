/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard-cli export: flows (Zeek TSV with the CTU label columns, JSON
 * lines, CSV) or alerts (JSON lines, CSV, Zeek-like TSV) of the database, for
 * a time range and a filter. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "eg-alert.h"
#include "eg-cli.h"
#include "eg-error.h"
#include "eg-flow-writer.h"
#include "eg-store.h"

typedef struct {
  EgFlowWriter *writer;
  GError       *error;
  guint64       n;
} Export;

static gboolean
write_flow (const EgFlow *flow,
            gpointer      user_data)
{
  Export *ex = user_data;

  if (!eg_flow_writer_write (ex->writer, flow, &ex->error))
    return FALSE;
  ex->n++;
  return TRUE;
}

int
eg_cli_export_main (int    argc,
                    char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *filter_text = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *output = NULL;
  gboolean alerts = FALSE, extended = FALSE;
  GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path,
      "Database (default: from the configuration, else $XDG_DATA_HOME/edgeguard/edgeguard.db)",
      "PATH" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration key file", "FILE" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      "zeek (TSV with label and detailedlabel, the default for flows), json (the default "
      "for alerts) or csv", "FORMAT" },
    { "alerts", 'a', 0, G_OPTION_ARG_NONE, &alerts, "Export alerts instead", NULL },
    { "filter", 'F', 0, G_OPTION_ARG_STRING, &filter_text,
      "Only flows (or alerts) that match, e.g. “label Malicious and dport 443”", "EXPR" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, "From TIME (unix time or ISO 8601)", "TIME" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, "Before TIME", "TIME" },
    { "extended", 'x', 0, G_OPTION_ARG_NONE, &extended,
      "Add packet statistics and IP information columns", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (default: stdout)", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— export flows or alerts");
  g_autoptr(GError) error = NULL;
  g_autoptr(EgStore) store = NULL;
  g_autoptr(EgFlowFilter) filter = NULL;
  EgFlowFormat format = EG_FLOW_FORMAT_ZEEK_TSV;
  double from = 0, to = 0;
  FILE *out = stdout;
  int status = 0;

  g_option_context_set_summary (context,
    "Writes the stored flows as Zeek conn.log TSV with the label and detailedlabel\n"
    "columns of the CTU datasets (plus score, model_version and label_source),\n"
    "as JSON lines with Zeek's field names, or as CSV; or the alerts as JSON\n"
    "lines (the default), CSV or Zeek-like TSV (#path alerts). --filter takes the\n"
    "filter language of “edgeguard-cli label --help”; an alert reads as a flow\n"
    "from its source to its destination port, with its evidence flows' uids.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      eg_cli_error ("%s", error->message);
      return 2;
    }
  if (argc > 1)
    {
      eg_cli_error ("unexpected argument “%s”", argv[1]);
      return 2;
    }
  if (format_name && !eg_flow_format_from_string (format_name, &format))
    {
      eg_cli_error ("“%s” is not a format; use zeek, json or csv", format_name);
      return 2;
    }
  if ((filter_text && !(filter = eg_flow_filter_parse (filter_text, &error)))
      || (from_text && !eg_cli_parse_time (from_text, &from, &error))
      || (to_text && !eg_cli_parse_time (to_text, &to, &error)))
    {
      eg_cli_error ("%s", error->message);
      return 2;
    }
  if (!(store = eg_cli_open_store (db_path, config_path, NULL, &error)))
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }
  if (output && !(out = fopen (output, "w")))
    {
      int saved = errno;
      eg_cli_error ("cannot write %s: %s", output, g_strerror (saved));
      return 1;
    }

  if (alerts)
    {
      g_autoptr(GPtrArray) list = eg_store_query_alerts (store, NULL, from, to, &error);
      guint n = 0;

      if (list == NULL || !eg_alerts_write (out, format_name ? format : EG_FLOW_FORMAT_JSON,
                                            list, filter, &n, &error))
        goto failed;
      fprintf (stderr, "%u alerts exported\n", n);
    }
  else
    {
      Export ex = { 0 };
      EgFlowWriterFlags flags = EG_FLOW_WRITER_LABELS | EG_FLOW_WRITER_SCORE;

      if (extended)
        flags |= EG_FLOW_WRITER_EXTENDED;
      ex.writer = eg_flow_writer_new (out, format, flags);
      if (!eg_store_foreach_flow (store, filter, from, to, write_flow, &ex, &error)
          || (ex.error && (g_propagate_error (&error, ex.error), TRUE))
          || !eg_flow_writer_close (ex.writer, &error))
        {
          eg_flow_writer_free (ex.writer);
          goto failed;
        }
      eg_flow_writer_free (ex.writer);
      fprintf (stderr, "%" G_GUINT64_FORMAT " flows exported\n", ex.n);
    }
  if (out != stdout)
    fclose (out);
  return status;

failed:
  eg_cli_error ("%s", error->message);
  if (out != stdout)
    fclose (out);
  return 1;
}
