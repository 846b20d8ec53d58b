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
  /* The configured retention holds whatever command opens the database. */
  if (store && (config->retention_days > 0 || config->retention_bytes > 0))
    eg_store_apply_config (store, config);
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
  gboolean prune = FALSE;
  gboolean include_unsent = FALSE;
  int max_age_days = -1;
  gint64 max_bytes = -1;
  GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path,
      "Database (default: from the configuration, else $XDG_DATA_HOME/edgeguard/edgeguard.db)",
      "PATH" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration key file", "FILE" },
    { "prune", 'p', 0, G_OPTION_ARG_NONE, &prune,
      "First apply the retention of the configuration ([store] retention-days, "
      "retention-bytes) or of the two options below", NULL },
    { "max-age-days", 0, 0, G_OPTION_ARG_INT, &max_age_days,
      "With --prune: drop flows older than DAYS", "DAYS" },
    { "max-size", 0, 0, G_OPTION_ARG_INT64, &max_bytes, "With --prune: keep the database "
      "under BYTES", "BYTES" },
    { "include-unsent", 0, 0, G_OPTION_ARG_NONE, &include_unsent, "With --prune: also drop "
      "labeled flows that Kafka has not acknowledged (they are lost for training)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— show what the database holds");
  g_autoptr(EgConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EgStore) store = NULL;
  g_autoptr(GArray) counts = NULL;
  EgOutboxCounts outbox;
  gint64 total;

  g_option_context_set_summary (context,
    "Counts flows by label, and shows the upload outbox: rows pending, rows\n"
    "acknowledged by Kafka and the time of the last acknowledgement.\n\n"
    "--prune drops the oldest flows first. Labeled flows that Kafka has not\n"
    "acknowledged are kept: those waiting in the outbox, and those labeled by an\n"
    "operator, a rule or an import that were never queued for upload; the counts\n"
    "of both are printed. --include-unsent drops them too. A model's suggestion\n"
    "that was never queued is not kept.\n\n"
    "A configuration with retention prunes the same way (never with\n"
    "--include-unsent) whenever a command opens the database.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      eg_cli_error ("%s", error->message);
      return 2;
    }
  if (!(store = eg_cli_open_store (db_path, config_path, &config, &error)))
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }
  if (prune)
    {
      double max_age = (max_age_days >= 0 ? (guint) max_age_days : config->retention_days) * 86400.0;
      guint64 size = max_bytes >= 0 ? (guint64) max_bytes : config->retention_bytes;
      EgPruneResult result;
      g_autofree char *text = NULL;

      if (max_age == 0 && size == 0)
        {
          eg_cli_error ("--prune: no retention is configured; set [store] retention-days or "
                        "retention-bytes, or give --max-age-days or --max-size");
          return 2;
        }
      if (!eg_store_prune (store, g_get_real_time () / 1e6, max_age, size,
                           include_unsent ? EG_PRUNE_INCLUDE_UNSENT : EG_PRUNE_NONE, &result,
                           &error))
        {
          eg_cli_error ("%s", error->message);
          return 1;
        }
      text = eg_prune_result_describe (&result);
      printf ("Pruned:    %s\n", text);
    }
  else if (include_unsent)
    {
      eg_cli_error ("--include-unsent goes with --prune");
      return 2;
    }
  if ((total = eg_store_count_flows (store, &error)) < 0
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
