/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard-devbroker: a Kafka development broker for tests and demos.
 *
 * librdkafka's mock cluster speaks the real Kafka protocol over TCP, so
 * edgeguard, kcat and any Kafka client can use it. The bootstrap address is
 * the first line on stdout. Commands on stdin, one per line, let a test make
 * faults: "down", "up", "errors N", "rtt MS", "topic NAME PARTITIONS". Each
 * answers "ok ..." or "error: ..." on stdout.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <glib-unix.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRODUCE_API_KEY 0

typedef struct {
  GMainLoop               *loop;
  rd_kafka_mock_cluster_t *cluster;
  GIOChannel              *input;
  int                      replication;
} Broker;

static void
reply (const char *format,
       ...) G_GNUC_PRINTF (1, 2);

static void
reply (const char *format,
       ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static void
run_command (Broker *broker,
             char   *line)
{
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (line), " \t", -1);
  guint64 n = 0;

  if (words[0] == NULL || *words[0] == '\0')
    return;
  if (strcmp (words[0], "down") == 0)
    {
      rd_kafka_mock_broker_set_down (broker->cluster, -1);
      reply ("ok down");
    }
  else if (strcmp (words[0], "up") == 0)
    {
      rd_kafka_mock_broker_set_up (broker->cluster, -1);
      reply ("ok up");
    }
  else if (strcmp (words[0], "errors") == 0
           && words[1] && g_ascii_string_to_unsigned (words[1], 10, 1, 100000, &n, NULL))
    {
      g_autofree rd_kafka_resp_err_t *errors = g_new (rd_kafka_resp_err_t, n);

      /* Retriable, as a real broker under stress answers. */
      for (guint64 i = 0; i < n; i++)
        errors[i] = RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS;
      rd_kafka_mock_push_request_errors_array (broker->cluster, PRODUCE_API_KEY, n, errors);
      reply ("ok errors %" G_GUINT64_FORMAT, n);
    }
  else if (strcmp (words[0], "rtt") == 0
           && words[1] && g_ascii_string_to_unsigned (words[1], 10, 0, 600000, &n, NULL))
    {
      rd_kafka_mock_broker_set_rtt (broker->cluster, -1, (int) n);
      reply ("ok rtt %" G_GUINT64_FORMAT, n);
    }
  else if (strcmp (words[0], "topic") == 0 && words[1]
           && words[2] && g_ascii_string_to_unsigned (words[2], 10, 1, 1000, &n, NULL))
    {
      rd_kafka_resp_err_t err = rd_kafka_mock_topic_create (broker->cluster, words[1], n,
                                                                 broker->replication);
      if (err)
        reply ("error: topic %s: %s", words[1], rd_kafka_err2str (err));
      else
        reply ("ok topic %s %" G_GUINT64_FORMAT, words[1], n);
    }
  else
    reply ("error: unknown command “%s”; commands: down, up, errors N, rtt MS, "
           "topic NAME PARTITIONS", line);
}

static gboolean
on_input_cb (GIOChannel   *channel,
             GIOCondition  condition,
             gpointer      data)
{
  Broker *broker = data;
  g_autofree char *line = NULL;
  GIOStatus status;

  status = g_io_channel_read_line (channel, &line, NULL, NULL, NULL);
  if (status == G_IO_STATUS_NORMAL && line)
    {
      run_command (broker, line);
      return G_SOURCE_CONTINUE;
    }
  if (status == G_IO_STATUS_AGAIN)
    return G_SOURCE_CONTINUE;
  /* Standard input closed: no more commands, the broker runs on. */
  return G_SOURCE_REMOVE;
}

static gboolean
on_signal_cb (gpointer data)
{
  Broker *broker = data;

  g_main_loop_quit (broker->loop);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *address_file = NULL;
  g_auto(GStrv) topics = NULL;
  int n_brokers = 3, partitions = 4;
  GOptionEntry entries[] = {
    { "address-file", 'a', 0, G_OPTION_ARG_FILENAME, &address_file,
      "Also write the bootstrap address to FILE", "FILE" },
    { "brokers", 'b', 0, G_OPTION_ARG_INT, &n_brokers, "Number of brokers (default 3)", "N" },
    { "topic", 't', 0, G_OPTION_ARG_STRING_ARRAY, &topics, "Create TOPIC at start (repeatable)",
      "TOPIC" },
    { "partitions", 'p', 0, G_OPTION_ARG_INT, &partitions,
      "Partitions of --topic (default 4)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  rd_kafka_conf_t *conf;
  rd_kafka_t *rk;
  char errstr[512];
  Broker broker = { 0 };
  const char *bootstraps;

  setlocale (LC_ALL, "");
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    "A Kafka development broker (librdkafka's mock cluster) for tests and demos.\n\n"
    "Prints “bootstrap=HOST:PORT,...” as its first line and runs until SIGTERM or\n"
    "SIGINT. Commands on standard input, one per line, make faults:\n"
    "  down                   every broker drops connections and refuses new ones\n"
    "  up                     brokers accept connections again\n"
    "  errors N               the next N produce requests fail (retriable)\n"
    "  rtt MS                 add MS milliseconds of round-trip time\n"
    "  topic NAME PARTITIONS  create a topic\n"
    "Each answers “ok ...” or “error: ...” on standard output.\n\n"
    "Note: the mock keeps only the last 5 MiB per partition.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "edgeguard-devbroker: %s\n", error->message);
      return 2;
    }
  if (n_brokers < 1 || n_brokers > 16 || partitions < 1 || partitions > 1000)
    {
      fprintf (stderr, "edgeguard-devbroker: --brokers takes 1 to 16, --partitions 1 to 1000\n");
      return 2;
    }

  /* The mock cluster lives inside a client handle that does nothing else. */
  conf = rd_kafka_conf_new ();
  rd_kafka_conf_set (conf, "log_level", "2", errstr, sizeof errstr);
  rk = rd_kafka_new (RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (rk == NULL)
    {
      fprintf (stderr, "edgeguard-devbroker: cannot create a Kafka handle: %s\n", errstr);
      return 1;
    }
  broker.cluster = rd_kafka_mock_cluster_new (rk, n_brokers);
  if (broker.cluster == NULL)
    {
      fprintf (stderr, "edgeguard-devbroker: cannot start the mock cluster\n");
      rd_kafka_destroy (rk);
      return 1;
    }
  broker.replication = MIN (n_brokers, 3);
  for (guint i = 0; topics && topics[i]; i++)
    {
      rd_kafka_resp_err_t err = rd_kafka_mock_topic_create (broker.cluster, topics[i], partitions,
                                                            broker.replication);
      if (err)
        {
          fprintf (stderr, "edgeguard-devbroker: cannot create topic %s: %s\n", topics[i],
                   rd_kafka_err2str (err));
          return 1;
        }
    }

  bootstraps = rd_kafka_mock_cluster_bootstraps (broker.cluster);
  if (address_file)
    {
      g_autofree char *text = g_strconcat (bootstraps, "\n", NULL);
      if (!g_file_set_contents (address_file, text, -1, &error))
        {
          fprintf (stderr, "edgeguard-devbroker: %s\n", error->message);
          return 1;
        }
    }
  reply ("bootstrap=%s", bootstraps);

  broker.loop = g_main_loop_new (NULL, FALSE);
  broker.input = g_io_channel_unix_new (0);
  g_io_add_watch (broker.input, G_IO_IN | G_IO_HUP | G_IO_ERR, on_input_cb, &broker);
  g_unix_signal_add (SIGTERM, on_signal_cb, &broker);
  g_unix_signal_add (SIGINT, on_signal_cb, &broker);
  g_main_loop_run (broker.loop);

  g_io_channel_unref (broker.input);
  g_main_loop_unref (broker.loop);
  rd_kafka_mock_cluster_destroy (broker.cluster);
  rd_kafka_destroy (rk);
  if (address_file)
    g_unlink (address_file);
  return 0;
}
