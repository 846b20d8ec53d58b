/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard-cli import: labeled Zeek conn.log or Argus binetflow files into
 * a database, their labels as imported ground truth. */
#include "config.h"

#include <stdio.h>

#include "eg-cli.h"
#include "eg-error.h"
#include "eg-flow-log-reader.h"
#include "eg-store.h"

#define BATCH 5000

static void
on_warning (const char *message,
            gpointer    user_data)
{
  guint *n_warnings = user_data;

  /* The first few say what is wrong; the count says how much. */
  if ((*n_warnings)++ < 10)
    eg_cli_error ("%s", message);
}

int
eg_cli_import_main (int    argc,
                    char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *config_path = NULL;
  gboolean no_upload = FALSE;
  GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path,
      "Database (default: from the configuration, else $XDG_DATA_HOME/edgeguard/edgeguard.db)",
      "PATH" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration key file", "FILE" },
    { "no-upload", 0, 0, G_OPTION_ARG_NONE, &no_upload,
      "Do not queue the labeled flows for upload to Kafka", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE… — import labeled flow logs");
  g_autoptr(GError) error = NULL;
  g_autoptr(EgConfig) config = NULL;
  g_autoptr(EgStore) store = NULL;
  g_autoptr(GArray) batch = g_array_sized_new (FALSE, FALSE, sizeof (EgFlow), BATCH);
  guint64 total = 0, labeled = 0;
  int status = 0;

  g_option_context_set_summary (context,
    "Reads Zeek conn.log (TSV or JSON) and Argus binetflow files, labeled or not,\n"
    "into the database. Labels in the files (label/detailedlabel columns, CTU\n"
    "labels) become imported ground truth: they replace model labels but never a\n"
    "rule's or an operator's. Labeled flows on the ports of interest are queued\n"
    "for upload unless --no-upload is given. Label rules saved in the database\n"
    "apply to the flows as they come in.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      eg_cli_error ("%s", error->message);
      return 2;
    }
  if (argc < 2)
    {
      eg_cli_error ("import needs at least one flow log; see “edgeguard-cli import --help”");
      return 2;
    }
  if (!(store = eg_cli_open_store (db_path, config_path, &config, &error)))
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(EgFlowLogReader) reader = eg_flow_log_reader_open (argv[i], &error);
      guint n_warnings = 0;
      guint64 n = 0;
      EgFlow flow;

      if (reader == NULL)
        {
          eg_cli_error ("%s", error->message);
          g_clear_error (&error);
          status = 1;
          continue;
        }
      eg_flow_log_reader_set_warning_func (reader, on_warning, &n_warnings);
      while (eg_flow_log_reader_next (reader, &flow, &error))
        {
          if (flow.label)
            labeled++;
          /* The service's port decides, as the engine does. */
          if (!no_upload && eg_config_port_is_of_interest (config, flow.resp_p))
            flow.flags |= EG_FLOW_PORT_OF_INTEREST;
          else
            flow.flags &= ~EG_FLOW_PORT_OF_INTEREST;
          g_array_append_val (batch, flow);
          n++;
          if (batch->len == BATCH)
            {
              eg_store_add_flows (store, (EgFlow *) batch->data, batch->len);
              g_array_set_size (batch, 0);
            }
        }
      eg_store_add_flows (store, (EgFlow *) batch->data, batch->len);
      g_array_set_size (batch, 0);
      if (error)
        {
          eg_cli_error ("%s", error->message);
          g_clear_error (&error);
          status = 1;
        }
      total += n;
      fprintf (stderr, "%s: %" G_GUINT64_FORMAT " flows, %" G_GUINT64_FORMAT " bad lines skipped\n",
               argv[i], n, eg_flow_log_reader_get_n_bad_lines (reader));
    }

  if (!eg_store_flush (store, &error))
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }
  fprintf (stderr, "Imported %" G_GUINT64_FORMAT " flows (%" G_GUINT64_FORMAT " labeled) into %s\n",
           total, labeled, eg_store_get_path (store));
  return status;
}
