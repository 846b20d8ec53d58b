/* SPDX-License-Identifier: GPL-2.0-or-later */
/* store-insert: how fast the store takes flows (rows/s from
 * eg_store_add_flows to committed), the engine's hot path into SQLite.
 *
 *   store-insert [--flows N] [--db PATH] [--messages FILE]
 *
 * With --db the database is kept (bench/upload.sh uploads it); --messages
 * also writes each flow's Kafka message as "KEY<TAB>JSON" lines, the very
 * payloads the sender produces, for kcat -P to send in the same run. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "eg-sender.h"
#include "eg-store.h"

#define BATCH 2000

int
main (int    argc,
      char **argv)
{
  gint64 n_flows = 500000;
  g_autofree char *db_path = NULL;
  g_autofree char *messages = NULL;
  gboolean unlabeled = FALSE;
  GOptionEntry entries[] = {
    { "flows", 'n', 0, G_OPTION_ARG_INT64, &n_flows, "Flows to insert (500000)", "N" },
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "Keep the database at PATH", "PATH" },
    { "messages", 'm', 0, G_OPTION_ARG_FILENAME, &messages,
      "Write the flows' Kafka messages (KEY<TAB>JSON lines) to FILE", "FILE" },
    { "unlabeled", 'u', 0, G_OPTION_ARG_NONE, &unlabeled,
      "Unlabeled flows: no outbox rows (the cost of the outbox by difference)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— store insert rate");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(EgStore) store = NULL;
  g_autoptr(GArray) batch = g_array_sized_new (FALSE, FALSE, sizeof (EgFlow), BATCH);
  const char *labels[] = { "Benign", "Malicious", "Benign", "Background" };
  gint64 start, elapsed;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_flows <= 0)
    {
      fprintf (stderr, "store-insert: %s\n", error ? error->message : "--flows must be > 0");
      return 2;
    }
  if (db_path == NULL)
    {
      dir = g_dir_make_tmp ("eg-bench-XXXXXX", NULL);
      db_path = g_build_filename (dir, "bench.db", NULL);
    }
  g_unlink (db_path);
  if (!(store = eg_store_open (db_path, &error)))
    {
      fprintf (stderr, "store-insert: %s\n", error->message);
      return 1;
    }

  start = g_get_monotonic_time ();
  for (gint64 i = 0; i < n_flows; i++)
    {
      EgFlow flow;
      guint8 a[4] = { 10, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff };
      guint8 b[4] = { 93, 184, (i >> 4) & 0xff, 34 };

      eg_flow_init (&flow);
      eg_flow_make_uid (flow.uid, (guint64) i * 2654435761u, (guint64) i);
      flow.ts = 1700000000.0 + i / 1000.0;
      flow.duration = (i % 1000) / 10.0;
      eg_addr_set_v4 (&flow.orig_h, a);
      eg_addr_set_v4 (&flow.resp_h, b);
      flow.orig_p = 32768 + i % 28000;
      flow.resp_p = i % 3 ? 443 : 80;
      flow.proto = IPPROTO_TCP;
      flow.conn_state = EG_CONN_STATE_SF;
      flow.service = g_intern_static_string (i % 3 ? "ssl" : "http");
      g_strlcpy (flow.history, "ShADadFf", sizeof flow.history);
      flow.orig_bytes = i % 5000;
      flow.resp_bytes = i % 70000;
      flow.orig_pkts = 4 + i % 20;
      flow.resp_pkts = 3 + i % 30;
      flow.orig_ip_bytes = flow.orig_bytes + 40 * flow.orig_pkts;
      flow.resp_ip_bytes = flow.resp_bytes + 40 * flow.resp_pkts;
      eg_flow_compute_community_id (&flow);
      flow.score = (i % 100) / 100.0f;
      /* A scored flow carries the time-window features it was scored with,
       * and the store keeps them (schema 4). */
      for (guint k = 0; k < EG_FLOW_N_CONTEXT; k++)
        flow.context[k] = (float) ((i + k) % 50);
      flow.model_version = 1;
      flow.label = unlabeled ? NULL : g_intern_static_string (labels[i % G_N_ELEMENTS (labels)]);
      flow.label_source = unlabeled ? EG_LABEL_SOURCE_NONE : EG_LABEL_SOURCE_MODEL;
      flow.flags = EG_FLOW_PORT_OF_INTEREST;
      g_array_append_val (batch, flow);
      if (batch->len == BATCH)
        {
          eg_store_add_flows (store, (EgFlow *) batch->data, batch->len);
          g_array_set_size (batch, 0);
        }
    }
  eg_store_add_flows (store, (EgFlow *) batch->data, batch->len);
  if (!eg_store_flush (store, &error))
    {
      fprintf (stderr, "store-insert: %s\n", error->message);
      return 1;
    }
  elapsed = g_get_monotonic_time () - start;
  printf ("store-insert: %" G_GINT64_FORMAT " flows in %.2f s: %.0f rows/s "
          "(%s, committed)\n", n_flows, elapsed / 1e6, n_flows / (elapsed / 1e6),
          unlabeled ? "flows only" : "flows + outbox");

  if (messages)
    {
      g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (EgOutboxRow));
      g_autoptr(GString) line = g_string_new (NULL);
      FILE *out = fopen (messages, "w");
      gint64 cursor = 0;

      if (out == NULL)
        {
          fprintf (stderr, "store-insert: cannot write %s\n", messages);
          return 1;
        }
      do
        {
          g_array_set_size (rows, 0);
          eg_store_get_pending (store, cursor, 10000, rows, NULL);
          for (guint i = 0; i < rows->len; i++)
            {
              EgOutboxRow *row = &g_array_index (rows, EgOutboxRow, i);
              g_autofree char *key = eg_kafka_message_key (eg_store_get_sensor_id (store),
                                                           row->flow.uid);
              g_string_printf (line, "%s\t", key);
              eg_kafka_message_append (line, eg_store_get_sensor_id (store), &row->flow);
              g_string_append_c (line, '\n');
              fwrite (line->str, 1, line->len, out);
              cursor = row->flow_id;
            }
        }
      while (rows->len > 0);
      fclose (out);
    }
  g_clear_pointer (&store, eg_store_unref);
  if (dir)
    {
      g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
      g_unlink (db_path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (dir);
    }
  return 0;
}
