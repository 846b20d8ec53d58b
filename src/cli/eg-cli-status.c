/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard-cli status: what the database holds, by label, and how far the
 * upload has come. */
#include "config.h"

#include <stdio.h>

#include "eg-cli.h"
#include "eg-error.h"
#include "eg-store.h"

EgStore *
eg_cli_open_store (const char  *db_path,
                   const char  *config_path,
                   EgConfig   **out_config,
                   GError     **error)
{
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autofree char *path = NULL;
  EgStore *store;

  if (config_path && !eg_config_load_key_file (config, config_path, error))
    return NULL;
  path = db_path ? g_strdup (db_path) : eg_store_default_path (config);
  store = eg_store_open (path, error);
  if (store && out_config)
    *out_config = g_steal_pointer (&config);
  return store;
}

static char *
format_time (double ts)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local ((gint64) ts);

  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

int
eg_cli_status_main (int    argc,
                    char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *config_path = NULL;
  GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path,
      "Database (default: from the configuration, else $XDG_DATA_HOME/edgeguard/edgeguard.db)",
      "PATH" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration key file", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— show what the database holds");
  g_autoptr(GError) error = NULL;
  g_autoptr(EgStore) store = NULL;
  g_autoptr(GArray) counts = NULL;
  EgOutboxCounts outbox;
  gint64 total;

  g_option_context_set_summary (context,
    "Counts flows by label, and shows the upload outbox: rows pending, rows\n"
    "acknowledged by Kafka and the time of the last acknowledgement.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      eg_cli_error ("%s", error->message);
      return 2;
    }
  if (!(store = eg_cli_open_store (db_path, config_path, NULL, &error))
      || (total = eg_store_count_flows (store, &error)) < 0
      || !(counts = eg_store_count_by_label (store, &error))
      || !eg_store_get_outbox_counts (store, &outbox, &error))
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }

  printf ("Database:  %s\n", eg_store_get_path (store));
  printf ("Sensor id: %s\n", eg_store_get_sensor_id (store));
  printf ("Flows:     %" G_GINT64_FORMAT "\n", total);
  for (guint i = 0; i < counts->len; i++)
    {
      EgLabelCount *c = &g_array_index (counts, EgLabelCount, i);
      printf ("  %-24s %" G_GUINT64_FORMAT "\n", c->label ? c->label : "(unlabeled)", c->n);
    }
  printf ("Outbox:    %" G_GUINT64_FORMAT " pending, %" G_GUINT64_FORMAT " sent\n",
          outbox.pending, outbox.sent);
  if (outbox.last_sent_at > 0)
    {
      g_autofree char *when = format_time (outbox.last_sent_at);
      printf ("Last upload: %s\n", when);
    }
  else
    printf ("Last upload: never\n");
  return 0;
}
