/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-sender.c: the outbox-to-Kafka upload thread. */
#include "eg-sender.h"

#include <librdkafka/rdkafka.h>
#include <math.h>
#include <string.h>

#include "eg-error.h"

#define READ_BATCH        5000     /* outbox rows per read */
#define MAX_IN_FLIGHT     50000    /* produced, not yet acknowledged */
#define PROGRESS_INTERVAL (200 * G_TIME_SPAN_MILLISECOND)
#define IDLE_POLL_MS      200
#define BACKOFF_MIN_MS    500
#define BACKOFF_MAX_MS    30000
/* Rows behind the read cursor (re-queued, or failed and retried) are found
 * by starting over: when nothing is in flight, or this often. */
#define RESCAN_INTERVAL   (2 * G_TIME_SPAN_SECOND)
#define COUNT_INTERVAL    (250 * G_TIME_SPAN_MILLISECOND)

struct _EgSender {
  GObject       parent_instance;

  EgStore      *store;
  EgConfig     *config;
  GMainContext *context;
  GThread      *thread;
  gint          stopping;         /* atomic */
  guint         stop_timeout_ms;

  /* Sender thread only */
  rd_kafka_t   *rk;
  GHashTable   *in_flight;        /* flow_id -> generation */
  GArray       *acked_ids;
  GArray       *acked_generations;
  gint64        cursor;
  gint64        last_rescan;      /* monotonic µs */
  gint64        last_count;
  gint64        backoff_until;    /* monotonic µs */
  guint         backoff_ms;

  /* Shared, under lock */
  GMutex        lock;
  EgSenderProgress progress;
  gint64        last_emit;
  gboolean      emit_scheduled;
};

enum {
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EgSender, eg_sender, G_TYPE_OBJECT)

const char *
eg_sender_state_to_string (EgSenderState state)
{
  switch (state)
    {
    case EG_SENDER_STATE_STOPPED: return "stopped";
    case EG_SENDER_STATE_CONNECTING: return "connecting";
    case EG_SENDER_STATE_SENDING: return "sending";
    case EG_SENDER_STATE_IDLE: return "idle";
    case EG_SENDER_STATE_RETRYING: return "retrying";
    default: return "unknown";
    }
}

/* The message */

static void
append_json_string (GString    *out,
                    const char *str)
{
  const char *run = str;

  g_string_append_c (out, '"');
  /* Runs of plain characters go in one copy: this is the upload's hot path. */
  for (const char *p = str; *p; p++)
    {
      guchar c = *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default: g_string_append_printf (out, "\\u%04x", c); break;
        }
    }
  g_string_append (out, run);
  g_string_append_c (out, '"');
}

static void
append_key (GString    *out,
            const char *key)
{
  /* The first member follows the object's "{"; the others a comma. */
  if (out->len > 0 && out->str[out->len - 1] != '{')
    g_string_append_c (out, ',');
  append_json_string (out, key);
  g_string_append_c (out, ':');
}

static void
append_string_field (GString    *out,
                     const char *key,
                     const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  append_key (out, key);
  append_json_string (out, value);
}

static void
append_double_field (GString    *out,
                     const char *key,
                     double      value,
                     const char *format)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    return;
  append_key (out, key);
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, format, value));
}

static void
append_uint_field (GString    *out,
                   const char *key,
                   guint64     value)
{
  char buf[24], *p = buf + sizeof buf;

  append_key (out, key);
  /* printf is most of the cost of a message otherwise. */
  do
    *--p = '0' + value % 10;
  while ((value /= 10) > 0);
  g_string_append_len (out, p, buf + sizeof buf - p);
}

/* "%.6f" without printf, which is most of a message's cost otherwise. */
static void
append_fixed6_field (GString    *out,
                     const char *key,
                     double      value)
{
  guint64 us, frac;
  char buf[32], *p = buf + sizeof buf;

  if (!(value >= 0 && value < 1e12))
    {
      append_double_field (out, key, value, "%.6f");
      return;
    }
  append_key (out, key);
  us = (guint64) (value * 1e6 + 0.5);
  frac = us % 1000000;
  us /= 1000000;
  for (int i = 0; i < 6; i++, frac /= 10)
    *--p = '0' + frac % 10;
  *--p = '.';
  do
    *--p = '0' + us % 10;
  while ((us /= 10) > 0);
  g_string_append_len (out, p, buf + sizeof buf - p);
}

static void
append_number (GString    *out,
               double      value,
               const char *format)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* JSON has no NaN or infinity. */
  g_string_append (out, isfinite (value) ? g_ascii_formatd (buf, sizeof buf, format, value)
                                         : "null");
}

static void
append_stat (GString      *out,
             const char   *key,
             const EgStat *stat)
{
  append_key (out, key);
  g_string_append (out, "{\"min\":");
  append_number (out, stat->min, "%.9g");
  g_string_append (out, ",\"max\":");
  append_number (out, stat->max, "%.9g");
  g_string_append (out, ",\"sum\":");
  append_number (out, stat->sum, "%.17g");
  g_string_append (out, ",\"sumsq\":");
  append_number (out, stat->sumsq, "%.17g");
  g_string_append_c (out, '}');
}

void
eg_kafka_message_append (GString      *out,
                         const char   *sensor_id,
                         const EgFlow *flow)
{
  GString *obj = out;
  char addr[EG_ADDR_STRLEN];

  g_string_append_c (obj, '{');

  append_uint_field (obj, "schema", EG_KAFKA_SCHEMA_VERSION);
  append_string_field (obj, "sensor_id", sensor_id);
  append_fixed6_field (obj, "ts", flow->ts);
  append_string_field (obj, "uid", flow->uid);
  append_string_field (obj, "id.orig_h", eg_addr_to_string (&flow->orig_h, addr));
  append_uint_field (obj, "id.orig_p", flow->orig_p);
  append_string_field (obj, "id.resp_h", eg_addr_to_string (&flow->resp_h, addr));
  append_uint_field (obj, "id.resp_p", flow->resp_p);
  append_string_field (obj, "proto", eg_proto_to_string (flow->proto));
  append_uint_field (obj, "ip_proto", flow->proto);
  append_string_field (obj, "service", flow->service);
  append_fixed6_field (obj, "duration", flow->duration);
  append_uint_field (obj, "orig_bytes", flow->orig_bytes);
  append_uint_field (obj, "resp_bytes", flow->resp_bytes);
  append_string_field (obj, "conn_state", eg_conn_state_to_string (flow->conn_state));
  append_uint_field (obj, "missed_bytes", flow->missed_bytes);
  append_string_field (obj, "history", flow->history);
  append_uint_field (obj, "orig_pkts", flow->orig_pkts);
  append_uint_field (obj, "orig_ip_bytes", flow->orig_ip_bytes);
  append_uint_field (obj, "resp_pkts", flow->resp_pkts);
  append_uint_field (obj, "resp_ip_bytes", flow->resp_ip_bytes);
  append_string_field (obj, "community_id", flow->community_id);
  append_string_field (obj, "label", flow->label);
  append_string_field (obj, "detailedlabel", flow->detailed_label);
  append_string_field (obj, "label_source", eg_label_source_to_string (flow->label_source));
  if (flow->score >= 0)
    append_double_field (obj, "score", flow->score, "%.6g");
  if (flow->model_version)
    append_uint_field (obj, "model_version", flow->model_version);
  append_string_field (obj, "country", flow->country);
  if (flow->asn)
    append_uint_field (obj, "asn", flow->asn);
  if (flow->flags & EG_FLOW_HAS_PACKET_STATS)
    {
      append_key (obj, "packet_stats");
      g_string_append_c (obj, '{');
      for (guint d = 0; d < 2; d++)
        {
          const EgDirStats *s = &flow->dir[d];

          append_key (obj, d ? "resp" : "orig");
          g_string_append_c (obj, '{');
          append_stat (obj, "size", &s->size);
          append_stat (obj, "iat", &s->iat);
          append_uint_field (obj, "syn", s->n_syn);
          append_uint_field (obj, "fin", s->n_fin);
          append_uint_field (obj, "rst", s->n_rst);
          append_uint_field (obj, "psh", s->n_psh);
          append_uint_field (obj, "ack", s->n_ack);
          append_uint_field (obj, "urg", s->n_urg);
          g_string_append_c (obj, '}');
        }
      g_string_append (obj, ",\"first_sizes\":[");
      for (guint i = 0; i < EG_FIRST_PACKETS; i++)
        g_string_append_printf (obj, "%s%d", i ? "," : "", flow->first_sizes[i]);
      g_string_append (obj, "]}");
    }
  g_string_append_c (obj, '}');
}

char *
eg_kafka_message_key (const char *sensor_id,
                      const char *uid)
{
  return g_strconcat (sensor_id, "/", uid, NULL);
}

/* Progress */

static gboolean
emit_progress_idle (gpointer data)
{
  EgSender *sender = data;

  g_mutex_lock (&sender->lock);
  sender->emit_scheduled = FALSE;
  g_mutex_unlock (&sender->lock);
  g_signal_emit (sender, signals[SIGNAL_PROGRESS], 0);
  return G_SOURCE_REMOVE;
}

/* Called with the lock held. */
static void
schedule_progress_locked (EgSender *sender,
                          gboolean  force)
{
  gint64 now = g_get_monotonic_time ();

  if (sender->emit_scheduled || (!force && now - sender->last_emit < PROGRESS_INTERVAL))
    return;
  sender->last_emit = now;
  sender->emit_scheduled = TRUE;
  {
    /* Always through the loop, never inline: we hold the lock here. */
    g_autoptr(GSource) source = g_idle_source_new ();
    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, emit_progress_idle, g_object_ref (sender), g_object_unref);
    g_source_set_static_name (source, "[eg-sender] progress");
    g_source_attach (source, sender->context);
  }
}

static void
set_state (EgSender      *sender,
           EgSenderState  state,
           const char    *error)
{
  g_mutex_lock (&sender->lock);
  if (error)
    {
      g_free (sender->progress.last_error);
      sender->progress.last_error = g_strdup (error);
    }
  if (sender->progress.state != state)
    {
      sender->progress.state = state;
      schedule_progress_locked (sender, TRUE);
    }
  g_mutex_unlock (&sender->lock);
}

void
eg_sender_get_progress (EgSender         *sender,
                        EgSenderProgress *progress)
{
  g_mutex_lock (&sender->lock);
  *progress = sender->progress;
  progress->last_error = g_strdup (sender->progress.last_error);
  g_mutex_unlock (&sender->lock);
}

void
eg_sender_progress_clear (EgSenderProgress *progress)
{
  g_clear_pointer (&progress->last_error, g_free);
}

/* librdkafka callbacks, run in the sender thread from rd_kafka_poll. */

static void
on_delivery_cb (rd_kafka_t               *rk,
                const rd_kafka_message_t *msg,
                void                     *opaque)
{
  EgSender *sender = opaque;
  gint64 flow_id = (gint64) (gintptr) msg->_private;
  gpointer generation;

  if (!g_hash_table_lookup_extended (sender->in_flight, &flow_id, NULL, &generation))
    return;
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR)
    {
      guint32 gen = GPOINTER_TO_UINT (generation);

      /* Stays in flight until the store has committed "sent", so that the
       * next read of the outbox does not send it twice. */
      g_array_append_val (sender->acked_ids, flow_id);
      g_array_append_val (sender->acked_generations, gen);
      sender->backoff_ms = 0;
      g_mutex_lock (&sender->lock);
      sender->progress.acknowledged++;
      if (sender->progress.state == EG_SENDER_STATE_RETRYING
          || sender->progress.state == EG_SENDER_STATE_CONNECTING)
        sender->progress.state = EG_SENDER_STATE_SENDING;
      g_mutex_unlock (&sender->lock);
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("delivery failed: %s",
                                                  rd_kafka_err2str (msg->err));
      g_hash_table_remove (sender->in_flight, &flow_id);
      g_mutex_lock (&sender->lock);
      sender->progress.failed++;
      sender->progress.in_flight = g_hash_table_size (sender->in_flight);
      g_mutex_unlock (&sender->lock);
      if (msg->err != RD_KAFKA_RESP_ERR__PURGE_QUEUE
          && msg->err != RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
        {
          sender->backoff_ms = CLAMP (sender->backoff_ms * 2, BACKOFF_MIN_MS, BACKOFF_MAX_MS);
          sender->backoff_until = g_get_monotonic_time () + sender->backoff_ms * 1000;
          set_state (sender, EG_SENDER_STATE_RETRYING, message);
        }
    }
}

static void
on_error_cb (rd_kafka_t *rk,
             int         err,
             const char *reason,
             void       *opaque)
{
  EgSender *sender = opaque;
  g_autofree char *message = g_strdup_printf ("%s: %s", rd_kafka_err2name (err), reason);

  /* librdkafka reconnects with its own backoff; we show the state. */
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__TRANSPORT
      || err == RD_KAFKA_RESP_ERR__RESOLVE || err == RD_KAFKA_RESP_ERR__FATAL
      || err == RD_KAFKA_RESP_ERR__AUTHENTICATION || err == RD_KAFKA_RESP_ERR__SSL)
    set_state (sender, EG_SENDER_STATE_RETRYING, message);
  g_debug ("Kafka: %s", message);
}

static void
on_log_cb (const rd_kafka_t *rk,
           int               level,
           const char       *facility,
           const char       *buf)
{
  g_debug ("librdkafka %s: %s", facility, buf);
}

static gboolean
conf_set (rd_kafka_conf_t  *conf,
          const char       *name,
          const char       *value,
          gboolean          secret,
          GError          **error)
{
  char errstr[512];

  if (value == NULL || *value == '\0')
    return TRUE;
  if (rd_kafka_conf_set (conf, name, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK)
    {
      /* The value of a secret never reaches a message. */
      g_set_error (error, EG_ERROR, EG_ERROR_BROKER, "Kafka setting %s%s%s is refused: %s",
                   name, secret ? "" : " = ", secret ? "" : value, errstr);
      return FALSE;
    }
  return TRUE;
}

static rd_kafka_t *
create_producer (EgSender  *sender,
                 GError   **error)
{
  const EgConfig *c = sender->config;
  rd_kafka_conf_t *conf = rd_kafka_conf_new ();
  char errstr[512];
  rd_kafka_t *rk;

  if (!conf_set (conf, "bootstrap.servers", c->bootstrap_servers, FALSE, error)
      || !conf_set (conf, "client.id", c->client_id, FALSE, error)
      || !conf_set (conf, "enable.idempotence", "true", FALSE, error)
      || !conf_set (conf, "acks", "all", FALSE, error)
      || !conf_set (conf, "compression.type", "lz4", FALSE, error)
      || !conf_set (conf, "linger.ms", "20", FALSE, error)
      || !conf_set (conf, "batch.num.messages", "10000", FALSE, error)
      /* Kept in memory while the broker is down; the outbox keeps the rest. */
      || !conf_set (conf, "message.timeout.ms", "120000", FALSE, error)
      || !conf_set (conf, "reconnect.backoff.ms", "100", FALSE, error)
      || !conf_set (conf, "reconnect.backoff.max.ms", "5000", FALSE, error)
      || !conf_set (conf, "security.protocol", c->security_protocol, FALSE, error)
      || !conf_set (conf, "sasl.mechanism", c->sasl_mechanism, FALSE, error)
      || !conf_set (conf, "sasl.username", c->sasl_username, FALSE, error)
      || !conf_set (conf, "sasl.password", c->sasl_password, TRUE, error)
      || !conf_set (conf, "ssl.ca.location", c->ssl_ca_location, FALSE, error))
    {
      rd_kafka_conf_destroy (conf);
      return NULL;
    }
  rd_kafka_conf_set_opaque (conf, sender);
  rd_kafka_conf_set_dr_msg_cb (conf, on_delivery_cb);
  rd_kafka_conf_set_error_cb (conf, on_error_cb);
  rd_kafka_conf_set_log_cb (conf, on_log_cb);

  rk = rd_kafka_new (RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (rk == NULL)
    {
      rd_kafka_conf_destroy (conf);
      g_set_error (error, EG_ERROR, EG_ERROR_BROKER, "Cannot create the Kafka producer: %s",
                   errstr);
      return NULL;
    }
  return rk;
}

/* Acknowledged rows: sent in the store, then out of the in-flight set. */
static void
commit_acked (EgSender *sender)
{
  g_autoptr(GError) error = NULL;
  guint64 pending = 0, sent_total = 0;
  EgOutboxCounts counts;

  if (sender->acked_ids->len > 0)
    {
      eg_store_mark_sent (sender->store, (const gint64 *) sender->acked_ids->data,
                          (const guint32 *) sender->acked_generations->data,
                          sender->acked_ids->len);
      if (!eg_store_flush (sender->store, &error))
        {
          /* They stay pending and go out again: a duplicate, never a loss. */
          g_message ("Marking uploaded flows sent: %s", error->message);
          g_clear_error (&error);
        }
      for (guint i = 0; i < sender->acked_ids->len; i++)
        g_hash_table_remove (sender->in_flight, &g_array_index (sender->acked_ids, gint64, i));
      g_array_set_size (sender->acked_ids, 0);
      g_array_set_size (sender->acked_generations, 0);
    }

  /* Counting reads the outbox: a few times a second, and at once when
   * nothing is in flight (the caller waits for "drained"). */
  if (g_hash_table_size (sender->in_flight) > 0
      && g_get_monotonic_time () - sender->last_count < COUNT_INTERVAL)
    return;
  sender->last_count = g_get_monotonic_time ();
  if (eg_store_get_outbox_counts (sender->store, &counts, NULL))
    {
      pending = counts.pending;
      sent_total = counts.sent;
    }
  g_mutex_lock (&sender->lock);
  sender->progress.in_flight = g_hash_table_size (sender->in_flight);
  sender->progress.pending = pending;
  sender->progress.sent_total = sent_total;
  if (pending == 0 && sender->progress.in_flight == 0
      && sender->progress.state != EG_SENDER_STATE_IDLE)
    {
      sender->progress.state = EG_SENDER_STATE_IDLE;
      schedule_progress_locked (sender, TRUE);
    }
  schedule_progress_locked (sender, FALSE);
  g_mutex_unlock (&sender->lock);
}

/* Produces the next pending rows; the number produced. */
static guint
produce_pending (EgSender *sender)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (EgOutboxRow));
  g_autoptr(GString) value = g_string_sized_new (1024);
  g_autoptr(GError) error = NULL;
  const char *sensor_id = eg_store_get_sensor_id (sender->store);
  guint produced = 0;

  if (g_hash_table_size (sender->in_flight) >= MAX_IN_FLIGHT
      || g_get_monotonic_time () < sender->backoff_until)
    return 0;
  if (!eg_store_get_pending (sender->store, sender->cursor, READ_BATCH, rows, &error))
    {
      set_state (sender, EG_SENDER_STATE_RETRYING, error->message);
      return 0;
    }
  if (rows->len > 0)
    sender->cursor = g_array_index (rows, EgOutboxRow, rows->len - 1).flow_id;
  if (rows->len < READ_BATCH
      && (g_hash_table_size (sender->in_flight) == 0
          || g_get_monotonic_time () - sender->last_rescan > RESCAN_INTERVAL))
    {
      sender->cursor = 0;
      sender->last_rescan = g_get_monotonic_time ();
    }

  for (guint i = 0; i < rows->len && !g_atomic_int_get (&sender->stopping); i++)
    {
      EgOutboxRow *row = &g_array_index (rows, EgOutboxRow, i);
      g_autofree char *key = NULL;
      char schema[16];
      rd_kafka_resp_err_t err;
      gint64 *id;

      if (g_hash_table_contains (sender->in_flight, &row->flow_id))
        continue;
      key = eg_kafka_message_key (sensor_id, row->flow.uid);
      g_string_truncate (value, 0);
      eg_kafka_message_append (value, sensor_id, &row->flow);
      g_snprintf (schema, sizeof schema, "%d", EG_KAFKA_SCHEMA_VERSION);

      for (;;)
        {
          err = rd_kafka_producev (sender->rk,
                                   RD_KAFKA_V_TOPIC (sender->config->topic),
                                   RD_KAFKA_V_KEY (key, strlen (key)),
                                   RD_KAFKA_V_VALUE (value->str, value->len),
                                   RD_KAFKA_V_MSGFLAGS (RD_KAFKA_MSG_F_COPY),
                                   RD_KAFKA_V_HEADER (EG_KAFKA_SCHEMA_HEADER, schema, -1),
                                   RD_KAFKA_V_OPAQUE ((void *) (gintptr) row->flow_id),
                                   RD_KAFKA_V_END);
          if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || g_atomic_int_get (&sender->stopping))
            break;
          rd_kafka_poll (sender->rk, 50);
        }
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        {
          g_autofree char *message = g_strdup_printf ("producing to %s: %s",
                                                      sender->config->topic,
                                                      rd_kafka_err2str (err));
          set_state (sender, EG_SENDER_STATE_RETRYING, message);
          break;
        }
      id = g_new (gint64, 1);
      *id = row->flow_id;
      g_hash_table_insert (sender->in_flight, id, GUINT_TO_POINTER (row->generation));
      produced++;
    }

  if (produced)
    {
      g_mutex_lock (&sender->lock);
      sender->progress.produced += produced;
      sender->progress.in_flight = g_hash_table_size (sender->in_flight);
      if (sender->progress.state == EG_SENDER_STATE_IDLE)
        sender->progress.state = EG_SENDER_STATE_SENDING;
      g_mutex_unlock (&sender->lock);
    }
  return produced;
}

static gpointer
sender_thread (gpointer data)
{
  EgSender *sender = data;

  while (!g_atomic_int_get (&sender->stopping))
    {
      guint produced = produce_pending (sender);
      char errstr[512];

      rd_kafka_poll (sender->rk, produced ? 0 : IDLE_POLL_MS);
      commit_acked (sender);

      if (rd_kafka_fatal_error (sender->rk, errstr, sizeof errstr))
        {
          g_autoptr(GError) error = NULL;

          /* The idempotent producer cannot go on: a new one starts clean;
           * every unacknowledged row is still pending. */
          set_state (sender, EG_SENDER_STATE_RETRYING, errstr);
          rd_kafka_purge (sender->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
          rd_kafka_poll (sender->rk, 0);
          commit_acked (sender);
          rd_kafka_destroy (sender->rk);
          g_hash_table_remove_all (sender->in_flight);
          sender->rk = create_producer (sender, &error);
          if (sender->rk == NULL)
            {
              set_state (sender, EG_SENDER_STATE_STOPPED, error->message);
              return NULL;
            }
        }
    }

  /* Stopping: give what is in flight a chance to be acknowledged. */
  rd_kafka_flush (sender->rk, sender->stop_timeout_ms);
  rd_kafka_poll (sender->rk, 0);
  commit_acked (sender);
  rd_kafka_purge (sender->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll (sender->rk, 0);
  commit_acked (sender);
  rd_kafka_destroy (sender->rk);
  sender->rk = NULL;
  g_hash_table_remove_all (sender->in_flight);
  set_state (sender, EG_SENDER_STATE_STOPPED, NULL);
  return NULL;
}

gboolean
eg_sender_start (EgSender  *sender,
                 GError   **error)
{
  g_return_val_if_fail (sender->thread == NULL, FALSE);

  sender->rk = create_producer (sender, error);
  if (sender->rk == NULL)
    return FALSE;
  g_atomic_int_set (&sender->stopping, 0);
  sender->cursor = 0;
  set_state (sender, EG_SENDER_STATE_CONNECTING, NULL);
  sender->thread = g_thread_new ("eg-sender", sender_thread, sender);
  return TRUE;
}

void
eg_sender_stop (EgSender *sender,
                guint     timeout_ms)
{
  if (sender->thread == NULL)
    return;
  sender->stop_timeout_ms = timeout_ms;
  g_atomic_int_set (&sender->stopping, 1);
  g_thread_join (sender->thread);
  sender->thread = NULL;
}

EgSender *
eg_sender_new (EgStore         *store,
               const EgConfig  *config,
               GError         **error)
{
  EgSender *sender;

  if (config->bootstrap_servers == NULL || *config->bootstrap_servers == '\0')
    {
      g_set_error (error, EG_ERROR, EG_ERROR_BROKER,
                   "No Kafka bootstrap servers are configured; set bootstrap_servers");
      return NULL;
    }
  if (config->topic == NULL || *config->topic == '\0')
    {
      g_set_error (error, EG_ERROR, EG_ERROR_BROKER,
                   "No Kafka topic is configured; set topic");
      return NULL;
    }
  sender = g_object_new (EG_TYPE_SENDER, NULL);
  sender->store = eg_store_ref (store);
  sender->config = eg_config_copy (config);
  return sender;
}

static void
eg_sender_finalize (GObject *object)
{
  EgSender *sender = EG_SENDER (object);

  eg_sender_stop (sender, 0);
  g_clear_pointer (&sender->store, eg_store_unref);
  g_clear_pointer (&sender->config, eg_config_free);
  g_clear_pointer (&sender->context, g_main_context_unref);
  g_clear_pointer (&sender->in_flight, g_hash_table_unref);
  g_clear_pointer (&sender->acked_ids, g_array_unref);
  g_clear_pointer (&sender->acked_generations, g_array_unref);
  eg_sender_progress_clear (&sender->progress);
  g_mutex_clear (&sender->lock);
  G_OBJECT_CLASS (eg_sender_parent_class)->finalize (object);
}

static void
eg_sender_dispose (GObject *object)
{
  /* The thread holds no reference: stop it before anything goes. */
  eg_sender_stop (EG_SENDER (object), 0);
  G_OBJECT_CLASS (eg_sender_parent_class)->dispose (object);
}

static void
eg_sender_class_init (EgSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = eg_sender_dispose;
  object_class->finalize = eg_sender_finalize;

  /**
   * EgSender::progress:
   *
   * Counts or the state changed; read them with eg_sender_get_progress().
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
eg_sender_init (EgSender *sender)
{
  g_mutex_init (&sender->lock);
  sender->context = g_main_context_ref_thread_default ();
  sender->in_flight = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  sender->acked_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sender->acked_generations = g_array_new (FALSE, FALSE, sizeof (guint32));
}
