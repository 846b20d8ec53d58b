/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The upload end to end: flows in a database, edgeguard-devbroker as Kafka,
 * kcat as the independent consumer that checks every message. */
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "eg-error.h"
#include "eg-sender.h"
#include "eg-store.h"
#include "eg-test-util.h"

#define TOPIC "edgeguard.flows.labeled"

typedef struct {
  GSubprocess      *process;
  GOutputStream    *in;
  GDataInputStream *out;
  char             *address;
} Broker;

static char *
build_path (const char *relative)
{
  const char *root = g_getenv ("EG_BUILD_DIR");

  return g_build_filename (root ? root : ".", relative, NULL);
}

static gboolean
have_kcat (void)
{
  g_autofree char *kcat = g_find_program_in_path ("kcat");

  if (kcat == NULL)
    g_test_skip ("kcat is not installed (Debian package kcat)");
  return kcat != NULL;
}

static void
broker_start (Broker *broker)
{
  g_autofree char *exe = build_path ("src/devbroker/edgeguard-devbroker");
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *reply = NULL;

  broker->process = eg_test_spawn_helper (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                          (const char *[]) { exe, "--topic", TOPIC, NULL },
                                          &error);
  g_assert_no_error (error);
  broker->in = g_subprocess_get_stdin_pipe (broker->process);
  broker->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (broker->process));
  line = g_data_input_stream_read_line (broker->out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "bootstrap=127.0.0.1:"));
  broker->address = g_strdup (line + strlen ("bootstrap="));
}

static void
broker_command (Broker     *broker,
                const char *command)
{
  g_autofree char *text = g_strconcat (command, "\n", NULL);
  g_autofree char *reply = NULL;
  g_autofree char *expected = g_strconcat ("ok ", command, NULL);
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (broker->in, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_data_input_stream_read_line (broker->out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reply, ==, expected);
}

static void
broker_stop (Broker *broker)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (broker->process, SIGTERM);
  g_subprocess_wait (broker->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (broker->process));
  g_assert_cmpint (g_subprocess_get_exit_status (broker->process), ==, 0);
  g_clear_object (&broker->out);
  g_clear_object (&broker->process);
  g_clear_pointer (&broker->address, g_free);
}

static const char * const labels[] = { "Malicious", "Benign", "C&C \"quoted\"", "Benign" };

/* n labeled flows of interest, plus some the outbox must not take. */
static EgStore *
make_store (const char *dir,
            guint       first,
            guint       n)
{
  g_autofree char *path = g_build_filename (dir, "sensor.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  EgStore *store = eg_store_open (path, &error);

  g_assert_no_error (error);
  for (guint i = first; i < first + n; i++)
    {
      EgFlow flow;
      guint8 a[4] = { 192, 168, (i >> 8) & 0xff, i & 0xff };
      guint8 b[4] = { 147, 32, 81, 167 };

      eg_flow_init (&flow);
      g_snprintf (flow.uid, sizeof flow.uid, "Cup%08u", i);
      flow.ts = 1700000000.0 + i / 10.0;
      flow.duration = 1.25;
      eg_addr_set_v4 (&flow.orig_h, a);
      eg_addr_set_v4 (&flow.resp_h, b);
      flow.orig_p = 50000 + i % 10000;
      flow.resp_p = 443;
      flow.proto = IPPROTO_TCP;
      flow.conn_state = EG_CONN_STATE_SF;
      flow.service = g_intern_string ("ssl");
      flow.orig_bytes = i;
      flow.resp_bytes = 1000 + i;
      flow.score = 0.5f;
      flow.model_version = 2;
      flow.label = eg_label_normalize (labels[i % G_N_ELEMENTS (labels)]);
      flow.detailed_label = i % 3 == 0 ? g_intern_string ("Detail-x") : NULL;
      flow.label_source = i % 2 ? EG_LABEL_SOURCE_MODEL : EG_LABEL_SOURCE_OPERATOR;
      flow.flags = EG_FLOW_PORT_OF_INTEREST;
      g_array_append_val (flows, flow);
      /* Unlabeled, and not of interest: neither goes out. */
      flow.label = NULL;
      flow.label_source = 0;
      g_snprintf (flow.uid, sizeof flow.uid, "Cno%08u", i);
      g_array_append_val (flows, flow);
      flow.label = g_intern_string ("Benign");
      flow.flags = 0;
      g_snprintf (flow.uid, sizeof flow.uid, "Cnp%08u", i);
      g_array_append_val (flows, flow);
    }
  eg_store_add_flows (store, (EgFlow *) flows->data, flows->len);
  g_assert_true (eg_store_flush (store, &error));
  return store;
}

/* Every message of the topic, checked against the database: returns the
 * number of messages and asserts the number of distinct keys. A key's
 * messages share a partition, so the last one read is the newest: that one
 * must say what the database says. */
static guint
consume_and_check (Broker   *broker,
                   EgStore  *store,
                   guint     expected_keys)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) kcat = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *prefix = g_strconcat (eg_store_get_sensor_id (store), "/", NULL);
  GHashTableIter iter;
  gpointer key_ptr, payload_ptr;
  guint n = 0;

  kcat = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                           &error, "kcat", "-b", broker->address, "-C", "-t", TOPIC,
                           "-e", "-J", "-q", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (kcat, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (kcat), ==, 0);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr(JsonParser) envelope = json_parser_new ();
      JsonObject *env;
      JsonArray *headers;
      const char *key;

      if (*lines[i] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (envelope, lines[i], -1, &error));
      env = json_node_get_object (json_parser_get_root (envelope));
      key = json_object_get_string_member (env, "key");
      g_assert_true (g_str_has_prefix (key, prefix));
      headers = json_object_get_array_member (env, "headers");
      g_assert_cmpuint (json_array_get_length (headers), ==, 2);
      g_assert_cmpstr (json_array_get_string_element (headers, 0), ==, EG_KAFKA_SCHEMA_HEADER);
      g_assert_cmpstr (json_array_get_string_element (headers, 1), ==, "1");
      g_hash_table_replace (keys, g_strdup (key),
                            g_strdup (json_object_get_string_member (env, "payload")));
      n++;
    }
  g_assert_cmpuint (g_hash_table_size (keys), ==, expected_keys);

  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, &key_ptr, &payload_ptr))
    {
      g_autoptr(JsonParser) payload = json_parser_new ();
      const char *key = key_ptr;
      JsonObject *msg;
      const char *uid;
      char addr[EG_ADDR_STRLEN];
      EgFlow flow;

      g_assert_true (json_parser_load_from_data (payload, payload_ptr, -1, &error));
      g_assert_no_error (error);
      msg = json_node_get_object (json_parser_get_root (payload));
      uid = json_object_get_string_member (msg, "uid");
      g_assert_cmpstr (key + strlen (prefix), ==, uid);
      g_assert_true (g_str_has_prefix (uid, "Cup"));
      g_assert_cmpint (json_object_get_int_member (msg, "schema"), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (msg, "sensor_id"), ==,
                       eg_store_get_sensor_id (store));

      g_assert_true (eg_store_get_flow (store, uid, &flow, &error));
      g_assert_cmpstr (json_object_get_string_member (msg, "label"), ==, flow.label);
      g_assert_cmpstr (json_object_get_string_member_with_default (msg, "detailedlabel", NULL),
                       ==, flow.detailed_label);
      g_assert_cmpstr (json_object_get_string_member (msg, "label_source"), ==,
                       eg_label_source_to_string (flow.label_source));
      g_assert_cmpstr (json_object_get_string_member (msg, "id.orig_h"), ==,
                       eg_addr_to_string (&flow.orig_h, addr));
      g_assert_cmpint (json_object_get_int_member (msg, "id.orig_p"), ==, flow.orig_p);
      g_assert_cmpint (json_object_get_int_member (msg, "id.resp_p"), ==, 443);
      g_assert_cmpstr (json_object_get_string_member (msg, "proto"), ==, "tcp");
      g_assert_cmpstr (json_object_get_string_member (msg, "service"), ==, "ssl");
      g_assert_cmpstr (json_object_get_string_member (msg, "conn_state"), ==, "SF");
      g_assert_cmpint (json_object_get_int_member (msg, "orig_bytes"), ==, flow.orig_bytes);
      g_assert_cmpint (json_object_get_int_member (msg, "resp_bytes"), ==, flow.resp_bytes);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (msg, "ts"), flow.ts, 1e-6);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (msg, "score"), 0.5, 1e-6);
      g_assert_cmpint (json_object_get_int_member (msg, "model_version"), ==, 2);
    }
  return n;
}

typedef struct {
  EgSender        *sender;
  EgSenderProgress last;
  guint            n_signals;
  gboolean         saw_retrying;
  GThread         *main_thread;
} Watch;

static void
on_progress (EgSender *sender,
             gpointer  user_data)
{
  Watch *watch = user_data;

  /* Emitted in the caller's main context, not in the sender thread. */
  g_assert_true (g_thread_self () == watch->main_thread);
  eg_sender_progress_clear (&watch->last);
  eg_sender_get_progress (sender, &watch->last);
  watch->n_signals++;
  if (watch->last.state == EG_SENDER_STATE_RETRYING)
    watch->saw_retrying = TRUE;
}

static gboolean
on_too_long (gpointer data)
{
  g_error ("%s took more than 60 s", (const char *) data);
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until cond holds; a guard aborts a hang. */
#define RUN_UNTIL(cond) G_STMT_START {                                        \
    guint guard_ = g_timeout_add_seconds (60, on_too_long, (gpointer) #cond);  \
    while (!(cond))                                                           \
      g_main_context_iteration (NULL, TRUE);                                  \
    g_source_remove (guard_);                                                 \
  } G_STMT_END

#define DRAINED(w) ((w)->last.state == EG_SENDER_STATE_IDLE && (w)->last.pending == 0 \
                    && (w)->last.in_flight == 0)

/* max_in_flight: 0 for the default window. */
static EgSender *
start_sender_with_window (EgStore    *store,
                          Broker     *broker,
                          Watch      *watch,
                          guint       max_in_flight)
{
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autoptr(GError) error = NULL;
  EgSender *sender;

  g_free (config->bootstrap_servers);
  config->bootstrap_servers = g_strdup (broker->address);
  if (max_in_flight > 0)
    config->max_in_flight = max_in_flight;
  config->sasl_password = g_strdup ("s3cret-never-logged");
  sender = eg_sender_new (store, config, &error);
  g_assert_no_error (error);
  memset (watch, 0, sizeof *watch);
  watch->sender = sender;
  watch->main_thread = g_thread_self ();
  g_signal_connect (sender, "progress", G_CALLBACK (on_progress), watch);
  g_assert_true (eg_sender_start (sender, &error));
  g_assert_no_error (error);
  return sender;
}

static EgSender *
start_sender (EgStore    *store,
              Broker     *broker,
              Watch      *watch)
{
  return start_sender_with_window (store, broker, watch, 0);
}

/* Pending progress sources hold the sender: cut it from the watch, which
 * lives on the test's stack. */
static void
drop_sender (EgSender **sender,
             Watch     *watch)
{
  if (*sender == NULL)
    return;
  eg_sender_stop (*sender, 1000);
  g_signal_handlers_disconnect_by_data (*sender, watch);
  g_clear_object (sender);
  eg_sender_progress_clear (&watch->last);
}

static void
assert_outbox_empty (EgStore *store,
                     guint    n_sent)
{
  EgOutboxCounts counts;

  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_assert_cmpuint (counts.pending, ==, 0);
  g_assert_cmpuint (counts.sent, ==, n_sent);
  g_assert_cmpfloat (counts.last_sent_at, >, 0);
}

static void
test_upload_kcat (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(EgSender) sender = NULL;
  Broker broker = { 0 };
  Watch watch;
  EgStore *store;

  if (!have_kcat ())
    return;
  dir = eg_test_mkdtemp ();
  broker_start (&broker);
  store = make_store (dir, 0, 3000);
  sender = start_sender (store, &broker, &watch);
  RUN_UNTIL (DRAINED (&watch));
  g_assert_cmpuint (watch.last.acknowledged, ==, 3000);
  g_assert_cmpuint (watch.last.produced, ==, 3000);
  g_assert_cmpuint (watch.last.sent_total, ==, 3000);
  g_assert_cmpuint (watch.n_signals, >, 0);
  eg_sender_stop (sender, 1000);
  assert_outbox_empty (store, 3000);
  g_assert_cmpuint (consume_and_check (&broker, store, 3000), ==, 3000);

  /* A relabel re-queues the flow; the new label goes out under the same key. */
  {
    const char *uids[] = { "Cup00000001", NULL };
    g_autoptr(GError) error = NULL;
    g_assert_true (eg_store_relabel_uids (store, uids, "Malicious", "Relabeled",
                                          EG_LABEL_SOURCE_OPERATOR, "op", NULL, &error));
    drop_sender (&sender, &watch);
    sender = start_sender (store, &broker, &watch);
    RUN_UNTIL (DRAINED (&watch) && watch.last.acknowledged == 1);
    eg_sender_stop (sender, 1000);
  }
  g_assert_cmpuint (consume_and_check (&broker, store, 3000), ==, 3001);

  drop_sender (&sender, &watch);
  eg_store_unref (store);
  broker_stop (&broker);
  eg_test_rmdir (dir);
}

static void
test_broker_down (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(EgSender) sender = NULL;
  Broker broker = { 0 };
  Watch watch;
  EgStore *store;

  if (!have_kcat ())
    return;
  dir = eg_test_mkdtemp ();
  broker_start (&broker);
  store = make_store (dir, 0, 2000);
  sender = start_sender (store, &broker, &watch);
  RUN_UNTIL (DRAINED (&watch));

  /* The broker goes down; flows keep coming and wait. */
  broker_command (&broker, "down");
  eg_store_unref (make_store (dir, 2000, 2000));
  RUN_UNTIL (watch.saw_retrying && watch.last.produced > 2000 && watch.last.pending > 0);
  g_assert_cmpuint (watch.last.acknowledged, ==, 2000);
  g_assert_cmpuint (watch.last.pending, >, 0);
  /* It comes back: everything arrives, once. */
  broker_command (&broker, "up");
  RUN_UNTIL (DRAINED (&watch) && watch.last.acknowledged == 4000);
  eg_sender_stop (sender, 1000);
  assert_outbox_empty (store, 4000);
  g_assert_cmpuint (consume_and_check (&broker, store, 4000), >=, 4000);

  drop_sender (&sender, &watch);
  eg_store_unref (store);
  broker_stop (&broker);
  eg_test_rmdir (dir);
}

/* A stop while no broker answers does not wait for acknowledgements that
 * cannot come (a console window closing, Ctrl-C), and loses nothing. */
static void
test_stop_broker_down (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(EgSender) sender = NULL;
  Broker broker = { 0 };
  Watch watch;
  EgOutboxCounts counts;
  EgStore *store;

  if (!have_kcat ())
    return;
  dir = eg_test_mkdtemp ();
  broker_start (&broker);
  store = make_store (dir, 0, 3000);
  broker_command (&broker, "down");
  sender = start_sender (store, &broker, &watch);
  RUN_UNTIL (watch.saw_retrying && watch.last.in_flight > 0);
  g_assert_false (eg_sender_progress_awaits_acks (&watch.last));
  /* Ten minutes allowed; waiting for them would trip the alarm. */
  alarm (60);
  eg_sender_stop (sender, 600000);
  alarm (0);
  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_assert_cmpuint (counts.pending, ==, 3000);
  g_assert_cmpuint (counts.sent, ==, 0);
  drop_sender (&sender, &watch);

  /* The broker back, the next upload sends every row. */
  broker_command (&broker, "up");
  sender = start_sender (store, &broker, &watch);
  RUN_UNTIL (DRAINED (&watch));
  eg_sender_stop (sender, 1000);
  assert_outbox_empty (store, 3000);
  g_assert_cmpuint (consume_and_check (&broker, store, 3000), >=, 3000);

  drop_sender (&sender, &watch);
  eg_store_unref (store);
  broker_stop (&broker);
  eg_test_rmdir (dir);
}

/* The broker goes down while batches are in flight, not between them. */
static void
test_broker_down_mid_batch (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(EgSender) sender = NULL;
  Broker broker = { 0 };
  Watch watch;
  EgStore *store;
  guint64 acked_at_cut;

  if (!have_kcat ())
    return;
  dir = eg_test_mkdtemp ();
  broker_start (&broker);
  store = make_store (dir, 0, 12000);
  /* Slow acknowledgements and a window of 1,000 rows: 12,000 rows take a
   * dozen round trips of 400 ms, so the cut after the first acknowledgement
   * falls mid-upload however fast the machine is (with the default window
   * every row went out at once and all could be acknowledged together). */
  broker_command (&broker, "rtt 400");
  sender = start_sender_with_window (store, &broker, &watch, 1000);
  RUN_UNTIL (watch.last.acknowledged > 0 || watch.last.state == EG_SENDER_STATE_IDLE);
  broker_command (&broker, "down");
  acked_at_cut = watch.last.acknowledged;
  RUN_UNTIL (watch.saw_retrying);
  {
    EgOutboxCounts counts;

    g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
    g_test_message ("cut with %" G_GUINT64_FORMAT " acknowledged, %" G_GUINT64_FORMAT
                    " marked sent, %" G_GUINT64_FORMAT " in flight", acked_at_cut, counts.sent,
                    watch.last.in_flight);
    g_assert_cmpuint (acked_at_cut, <, 12000);
    g_assert_cmpuint (counts.pending, >, 0);
  }
  broker_command (&broker, "rtt 0");
  broker_command (&broker, "up");
  RUN_UNTIL (DRAINED (&watch));
  eg_sender_stop (sender, 1000);
  assert_outbox_empty (store, 12000);
  g_assert_cmpuint (consume_and_check (&broker, store, 12000), >=, 12000);

  drop_sender (&sender, &watch);
  eg_store_unref (store);
  broker_stop (&broker);
  eg_test_rmdir (dir);
}

static void
test_produce_errors (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(EgSender) sender = NULL;
  Broker broker = { 0 };
  Watch watch;
  EgStore *store;

  if (!have_kcat ())
    return;
  dir = eg_test_mkdtemp ();
  broker_start (&broker);
  broker_command (&broker, "errors 10");
  store = make_store (dir, 0, 5000);
  sender = start_sender (store, &broker, &watch);
  RUN_UNTIL (DRAINED (&watch));
  eg_sender_stop (sender, 1000);
  assert_outbox_empty (store, 5000);
  /* The idempotent producer retried without duplicating. */
  g_assert_cmpuint (consume_and_check (&broker, store, 5000), ==, 5000);

  drop_sender (&sender, &watch);
  eg_store_unref (store);
  broker_stop (&broker);
  eg_test_rmdir (dir);
}

/* The window of the killed uploader: what it may have sent and not marked. */
#define KILL_WINDOW 1000

/* An upload of 8000 flows by edgeguard-cli, at most KILL_WINDOW in flight,
 * against slow acknowledgements: returned once its first rows are marked
 * sent, with a full window in flight. quiet: "--quiet", or NULL. */
static GSubprocess *
start_slow_upload (Broker             *broker,
                   const char         *dir,
                   EgStore           **store,
                   GSubprocessFlags    flags,
                   const char         *quiet)
{
  g_autofree char *cli = build_path ("src/cli/edgeguard-cli");
  g_autofree char *db = g_build_filename (dir, "sensor.db", NULL);
  g_autofree char *conf = g_build_filename (dir, "window.conf", NULL);
  g_autoptr(GError) error = NULL;
  EgOutboxCounts counts = { 0 };
  GSubprocess *upload;

  g_assert_true (g_file_set_contents (conf, "[kafka]\nmax-in-flight=" G_STRINGIFY (KILL_WINDOW) "\n",
                                      -1, NULL));
  broker_start (broker);
  *store = make_store (dir, 0, 8000);
  broker_command (broker, "rtt 300");
  upload = g_subprocess_new (flags, &error, cli, "upload", "--db", db, "--config", conf,
                             "--bootstrap-servers", broker->address, quiet, NULL);
  g_assert_no_error (error);
  while (counts.sent == 0)
    {
      g_usleep (5000);
      g_assert_true (eg_store_get_outbox_counts (*store, &counts, NULL));
    }
  return upload;
}

/* After an upload that stopped early: the next one sends the rest, and
 * every flow arrives; the number of messages (duplicates included). */
static guint
upload_rest (Broker     *broker,
             EgStore    *store,
             const char *dir)
{
  g_autofree char *cli = build_path ("src/cli/edgeguard-cli");
  g_autofree char *db = g_build_filename (dir, "sensor.db", NULL);
  g_autoptr(GSubprocess) upload = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  broker_command (broker, "rtt 0");
  upload = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, cli, "upload", "--db", db,
                             "--bootstrap-servers", broker->address, "--quiet", NULL);
  g_assert_no_error (error);
  g_subprocess_wait (upload, NULL, &error);
  g_assert_true (g_subprocess_get_if_exited (upload));
  g_assert_cmpint (g_subprocess_get_exit_status (upload), ==, 0);
  assert_outbox_empty (store, 8000);
  /* A duplicate (a row in flight when the first stopped) carries the same
   * key, which consume_and_check counts once. */
  n = consume_and_check (broker, store, 8000);
  g_assert_cmpuint (n, >=, 8000);
  g_test_message ("%u messages for 8000 flows", n);
  return n;
}

static void
test_uploader_killed (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GSubprocess) upload = NULL;
  Broker broker = { 0 };
  EgOutboxCounts counts = { 0 };
  guint64 pending_at_kill;
  EgStore *store;
  guint n;

  if (!have_kcat ())
    return;
  dir = eg_test_mkdtemp ();
  /* The kill lands mid-upload: right after the first rows are marked
   * sent, with a full window in flight. */
  upload = start_slow_upload (&broker, dir, &store, G_SUBPROCESS_FLAGS_NONE, "--quiet");
  g_subprocess_force_exit (upload);
  g_subprocess_wait (upload, NULL, NULL);
  g_assert_false (g_subprocess_get_if_exited (upload));
  g_clear_object (&upload);
  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_test_message ("killed with %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT " pending",
                  counts.sent, counts.pending);
  pending_at_kill = counts.pending;

  /* Started again, it completes. */
  n = upload_rest (&broker, store, dir);
  /* Only what was pending at the kill can arrive twice, and of that only
   * the killed uploader's window: rows it produced and had not marked sent.
   * Neither process sends a row twice by itself. */
  g_assert_cmpuint (n - 8000, <=, pending_at_kill);
  g_assert_cmpuint (n - 8000, <=, KILL_WINDOW);

  eg_store_unref (store);
  broker_stop (&broker);
  eg_test_rmdir (dir);
}

/* Ctrl-C: the upload waits for what is in flight; a second Ctrl-C stops
 * it at once. Nothing is lost either way: the next upload sends the rest. */
static void
test_uploader_interrupted (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) upload = NULL;
  Broker broker = { 0 };
  EgOutboxCounts counts = { 0 };
  EgStore *store;
  guint n;

  if (!have_kcat ())
    return;
  dir = eg_test_mkdtemp ();
  upload = start_slow_upload (&broker, dir, &store, G_SUBPROCESS_FLAGS_STDERR_PIPE, NULL);
  /* Acknowledgements now come long after the upload's wait would end. */
  broker_command (&broker, "rtt 60000");
  g_usleep (100000);
  g_subprocess_send_signal (upload, SIGINT);
  /* The wait has begun once it says so; the second signal ends it. */
  err = eg_test_read_stderr_signalling (upload, "Waiting up to 5 s for ", SIGINT);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "Waiting up to 5 s for "));
  g_assert_nonnull (strstr (err, "Stopped without waiting"));
  g_assert_nonnull (strstr (err, "rows still pending"));
  g_assert_true (g_subprocess_get_if_exited (upload));
  g_assert_cmpint (g_subprocess_get_exit_status (upload), ==, 1);
  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_assert_cmpuint (counts.pending, >, 0);

  n = upload_rest (&broker, store, dir);
  g_assert_cmpuint (n - 8000, <=, KILL_WINDOW);

  eg_store_unref (store);
  broker_stop (&broker);
  eg_test_rmdir (dir);
}

static void
test_message_format (void)
{
  g_autoptr(GString) out = g_string_new ("prefix:");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = eg_kafka_message_key ("sensor-1", "Cabc");
  JsonObject *obj;
  EgFlow flow;

  eg_flow_init (&flow);
  g_strlcpy (flow.uid, "Cabc", sizeof flow.uid);
  eg_addr_parse ("2001:db8::1", &flow.orig_h);
  eg_addr_parse ("2001:db8::2", &flow.resp_h);
  flow.proto = IPPROTO_UDP;
  flow.label = g_intern_string ("Weird \"label\"\n\\");
  flow.label_source = EG_LABEL_SOURCE_RULE;
  flow.flags = EG_FLOW_HAS_PACKET_STATS;
  flow.dir[0].n_syn = 2;
  flow.first_sizes[0] = 90;
  eg_kafka_message_append (out, "sensor-1", &flow);
  g_assert_true (g_str_has_prefix (out->str, "prefix:{"));
  g_assert_true (json_parser_load_from_data (parser, out->str + 7, -1, &error));
  g_assert_no_error (error);
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (obj, "label"), ==, "Weird \"label\"\n\\");
  g_assert_cmpstr (json_object_get_string_member (obj, "label_source"), ==, "rule");
  g_assert_cmpstr (json_object_get_string_member (obj, "proto"), ==, "udp");
  g_assert_cmpstr (json_object_get_string_member (obj, "id.resp_h"), ==, "2001:db8::2");
  g_assert_false (json_object_has_member (obj, "score"));  /* unscored */
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (
                       json_object_get_object_member (obj, "packet_stats"), "orig"), "syn"),
                   ==, 2);
  g_assert_cmpstr (key, ==, "sensor-1/Cabc");
}

static void
test_bad_config (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "s.db", NULL);
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EgStore) store = eg_store_open (path, &error);
  g_autoptr(EgSender) sender = NULL;

  g_free (config->security_protocol);
  config->security_protocol = g_strdup ("sasl_plaintext");
  g_free (config->sasl_mechanism);
  config->sasl_mechanism = g_strdup ("NOPE");
  config->sasl_password = g_strdup ("hunter2");
  sender = eg_sender_new (store, config, &error);
  g_assert_no_error (error);
  g_assert_false (eg_sender_start (sender, &error));
  g_assert_error (error, EG_ERROR, EG_ERROR_BROKER);
  g_assert_null (strstr (error->message, "hunter2"));
  g_clear_error (&error);

  g_clear_pointer (&config->bootstrap_servers, g_free);
  g_assert_null (eg_sender_new (store, config, &error));
  g_assert_error (error, EG_ERROR, EG_ERROR_BROKER);
  g_clear_error (&error);
  eg_test_rmdir (dir);
}

static void
test_bad_tls_ca (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "s.db", NULL);
  g_autofree char *ca = g_build_filename (dir, "ca.pem", NULL);
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EgStore) store = eg_store_open (path, &error);
  g_autoptr(EgSender) sender = NULL;

  /* Missing: said at once, naming the file and the setting. */
  g_free (config->security_protocol);
  config->security_protocol = g_strdup ("ssl");
  config->ssl_ca_location = g_strdup (ca);
  g_assert_null (eg_sender_new (store, config, &error));
  g_assert_error (error, EG_ERROR, EG_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, ca));
  g_assert_nonnull (strstr (error->message, "ssl-ca-location"));
  g_assert_nonnull (strstr (error->message, "does not exist"));
  g_clear_error (&error);

  /* Not a certificate: said on start, naming the file. */
  g_assert_true (g_file_set_contents (ca, "not a certificate\n", -1, NULL));
  sender = eg_sender_new (store, config, &error);
  g_assert_no_error (error);
  g_assert_false (eg_sender_start (sender, &error));
  g_assert_error (error, EG_ERROR, EG_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, ca));
  g_assert_nonnull (strstr (error->message, "cannot be loaded"));
  g_clear_error (&error);
  g_clear_object (&sender);
  eg_test_rmdir (dir);
}

/* Every log message of the process, from any thread. */
static GMutex log_lock;
static GString *log_text;

static void
capture_log (const char     *domain,
             GLogLevelFlags  level,
             const char     *message,
             gpointer        user_data)
{
  g_mutex_lock (&log_lock);
  g_string_append_printf (log_text, "%s: %s\n", domain ? domain : "", message);
  g_mutex_unlock (&log_lock);
}

static gboolean
log_contains (const char *text)
{
  gboolean found;

  g_mutex_lock (&log_lock);
  found = strstr (log_text->str, text) != NULL;
  g_mutex_unlock (&log_lock);
  return found;
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
test_secrets_never_logged (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *password = g_strdup_printf ("Pa55-%08x-word", g_random_int ());
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EgSender) sender = NULL;
  EgSenderProgress progress = { 0 };
  Broker broker = { 0 };
  GLogFunc old_handler;
  EgStore *store;
  guint ticker;

  dir = eg_test_mkdtemp ();
  broker_start (&broker);
  store = make_store (dir, 0, 10);

  /* librdkafka's every debug context, through our log. */
  log_text = g_string_new (NULL);
  old_handler = g_log_set_default_handler (capture_log, NULL);
  g_setenv ("EDGEGUARD_KAFKA_DEBUG", "all", TRUE);
  g_free (config->bootstrap_servers);
  config->bootstrap_servers = g_strdup (broker.address);
  g_free (config->security_protocol);
  config->security_protocol = g_strdup ("sasl_plaintext");
  config->sasl_mechanism = g_strdup ("PLAIN");
  config->sasl_username = g_strdup ("alice");
  config->sasl_password = g_strdup (password);
  sender = eg_sender_new (store, config, &error);
  g_assert_no_error (error);
  g_assert_true (eg_sender_start (sender, &error));
  g_assert_no_error (error);

  /* The mock cluster has no SASL: the client tries to authenticate, fails
   * and retries, logging as it goes. */
  ticker = g_timeout_add (20, tick, NULL);   /* the log comes from other threads */
  RUN_UNTIL (log_contains ("sasl.password = [redacted]")
             && log_contains ("Failed to initialize SASL authentication"));
  g_source_remove (ticker);
  eg_sender_get_progress (sender, &progress);
  eg_sender_stop (sender, 0);
  g_unsetenv ("EDGEGUARD_KAFKA_DEBUG");
  g_log_set_default_handler (old_handler, NULL);

  g_assert_null (strstr (log_text->str, password));
  if (progress.last_error)
    g_assert_null (strstr (progress.last_error, password));
  eg_sender_progress_clear (&progress);

  g_clear_object (&sender);
  g_string_free (g_steal_pointer (&log_text), TRUE);
  eg_store_unref (store);
  broker_stop (&broker);
  eg_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sender/message/format", test_message_format);
  g_test_add_func ("/sender/config/bad", test_bad_config);
  g_test_add_func ("/sender/config/tls-ca", test_bad_tls_ca);
  g_test_add_func ("/sender/secrets/never-logged", test_secrets_never_logged);
  g_test_add_func ("/sender/upload/kcat", test_upload_kcat);
  g_test_add_func ("/sender/faults/broker-down", test_broker_down);
  g_test_add_func ("/sender/faults/broker-down-mid-batch", test_broker_down_mid_batch);
  g_test_add_func ("/sender/faults/produce-errors", test_produce_errors);
  g_test_add_func ("/sender/faults/stop-broker-down", test_stop_broker_down);
  g_test_add_func ("/sender/crash/uploader-sigkill", test_uploader_killed);
  g_test_add_func ("/sender/interrupt/ctrl-c-twice", test_uploader_interrupted);
  return g_test_run ();
}
