/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-sender.c: the outbox-to-Kafka upload thread. */
#include "eg-sender.h"

#include <librdkafka/rdkafka.h>
#include <math.h>
#include <string.h>

#include "eg-error.h"
#include "eg-thread.h"

#define READ_BATCH        5000     /* outbox rows per read */
#define READ_AHEAD        2        /* batches the reader thread keeps ready */
#define BATCH_WAIT        (10 * G_TIME_SPAN_MILLISECOND)
/* Delivery reports are served this often while producing. */
#define POLL_EVERY        1000
#define PROGRESS_INTERVAL (200 * G_TIME_SPAN_MILLISECOND)
#define IDLE_POLL_MS      50       /* idle: how soon new rows and a stop are seen */
#define ACK_POLL_MS       50
/* Acknowledgements go to the store in batches of this many, or when the
 * first has waited this long: acks of all partitions for a stretch of the
 * outbox meet, and the store marks a run of consecutive rows at once. */
#define ACK_BATCH         8192
#define ACK_HOLD_MS       5
#define BACKOFF_MIN_MS    500
#define BACKOFF_MAX_MS    30000
/* Rows behind the read cursor (re-queued, or failed and retried) are found
 * by starting over, which reads the rows in flight again: when nothing is
 * in flight, soon after a delivery failed, or this often. */
#define RESCAN_INTERVAL   (10 * G_TIME_SPAN_SECOND)
/* While rows are in flight, counting the outbox walks every pending row
 * from the floor: once a second is enough for a progress display (when
 * nothing is in flight it counts at once, to see the end). */
#define COUNT_INTERVAL    (G_TIME_SPAN_SECOND)
/* Idle, the counts change only when rows are queued (found by the next
 * read anyway): counting the whole outbox every poll would be waste. */
#define IDLE_COUNT_INTERVAL (5 * G_TIME_SPAN_SECOND)
/* A stop waits for acknowledgements this long at a time. */
#define STOP_SLICE_MS     50

/* The pipeline between the reader thread and the sender thread: a batch of
 * messages read from the outbox. librdkafka sends the values from the
 * batch's buffer without a copy (the copy, from a buffer the reader thread
 * had just written, was 8% of the upload's CPU samples): a batch is reused
 * only when every message in it has had its delivery report. */
typedef struct _Batch Batch;

typedef struct {
  gint64  flow_id;
  guint32 generation;
  guint32 key_len;
  guint32 value_len;
  gsize   key_offset;
  gsize   value_offset;
  Batch  *batch;        /* the message is the delivery report's opaque */
} Message;

struct _Batch {
  guint    epoch;
  gint     read_seq;    /* removal_seq when the read began */
  guint    n_rows;      /* rows read; fewer than READ_BATCH: the outbox's end */
  GArray  *messages;    /* Message, never more than READ_BATCH: they stay put */
  GString *data;        /* their keys and values */
  guint    next;        /* the first one not produced yet */
  /* Sender thread */
  guint    refs;        /* messages with librdkafka, not yet reported */
  gboolean produced;    /* every message went to librdkafka or was skipped */
};

struct _EgSender {
  GObject       parent_instance;

  EgStore      *store;
  EgConfig     *config;
  GMainContext *context;
  GThread      *thread;
  gint          stopping;         /* atomic */
  guint         stop_timeout_ms;
  gint          stop_waiting;     /* atomic: the stop gives in-flight rows up */

  /* Sender thread only; the pointer also under rk_lock, for eg_sender_stop */
  GMutex        rk_lock;
  rd_kafka_t   *rk;
  rd_kafka_topic_t *rkt;          /* the topic, looked up once */
  GHashTable   *in_flight;        /* flow_id -> generation, until marked sent */
  GArray       *acked_ids;        /* acknowledged, not yet queued to the store */
  GArray       *acked_generations;
  GQueue        committing;       /* GArray of ids queued to the store as sent */
  guint         n_committing;     /* ids in those */
  gint          n_committed;      /* atomic: batches the writer has finished */
  guint         n_batches;        /* batches queued */
  guint64       n_acked;          /* not yet counted in progress */
  char          key_prefix[128];  /* "SENSOR-ID/" */
  gsize         key_prefix_len;
  Batch        *current;         /* being produced */
  gint          removal_seq;      /* atomic: bumped by each removal from in_flight */
  GHashTable   *removed;          /* flow_id -> removal_seq, while a batch read
                                   * before that removal may still come */
  GQueue        removals;         /* GArray of ids, oldest first ... */
  GQueue        removal_seqs;     /* ... and their removal_seq */
  gint64        first_ack;        /* monotonic µs: when acked_ids began */
  gint64        last_rescan;      /* monotonic µs */
  gboolean      rescan_due;       /* a delivery failed: its row is behind */
  gint64        last_count;
  gint64        backoff_until;    /* monotonic µs */
  guint         backoff_ms;

  /* The reader thread reads the outbox and writes the messages ahead of the
   * sender thread, which produces them: the two halves of a row's cost on
   * two cores. Under pipe_lock. */
  GThread      *reader;
  GMutex        pipe_lock;
  GCond         pipe_cond;
  GQueue        ready;            /* Batch *, in outbox order */
  GQueue        spare;            /* Batch *, to reuse */
  GPtrArray    *batches;          /* every Batch, to free */
  guint         epoch;            /* bumped by each request: older reads are void */
  gint64        reader_cursor;    /* the last flow_id read */
  gboolean      reader_parked;    /* at the outbox's end: waits for a request */
  gboolean      restart;          /* a request: read on from restart_after */
  gint64        restart_after;
  gboolean      reader_stop;

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

/* The in-flight set is hit several times per message: on 64-bit systems
 * the id is the key itself, no allocation and no indirection. */
#if GLIB_SIZEOF_VOID_P >= 8
#define IN_FLIGHT_NEW() g_hash_table_new (g_direct_hash, g_direct_equal)
#define IN_FLIGHT_KEY(id) ((gpointer) (gintptr) (id))
#define IN_FLIGHT_ADD(t, id, gen) \
  g_hash_table_insert ((t), IN_FLIGHT_KEY (id), GUINT_TO_POINTER (gen))
#else
#define IN_FLIGHT_NEW() g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL)
#define IN_FLIGHT_KEY(id) (&(id))
#define IN_FLIGHT_ADD(t, id, gen) \
  g_hash_table_insert ((t), g_memdup2 (&(id), sizeof (gint64)), GUINT_TO_POINTER (gen))
#endif

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

/* The message
 *
 * The upload's hot path: written straight into a buffer reserved up front
 * (bounded by the flow's strings), keys as literals, numbers without printf
 * where the format allows. */

typedef struct {
  char *p;
} Out;

#define PUT_LIT(o, lit) \
  G_STMT_START { memcpy ((o)->p, lit, sizeof lit - 1); (o)->p += sizeof lit - 1; } G_STMT_END
/* Every member but the first ("schema") follows a comma. */
#define PUT_KEY(o, key) PUT_LIT (o, ",\"" key "\":")

static inline void
put_mem (Out        *o,
         const char *s,
         gsize       n)
{
  memcpy (o->p, s, n);
  o->p += n;
}

/* Byte by byte: the strings are short, and a memcpy call per run cost more
 * than the copy (a quarter of the reader thread's time). */
static void
put_json_string (Out        *o,
                 const char *str)
{
  static const char hex[] = "0123456789abcdef";
  char *q = o->p;

  *q++ = '"';
  for (const char *p = str; *p; p++)
    {
      guchar c = *p;

      if (G_LIKELY (c >= 0x20 && c != '"' && c != '\\'))
        {
          *q++ = c;
          continue;
        }
      *q++ = '\\';
      switch (c)
        {
        case '"': *q++ = '"'; break;
        case '\\': *q++ = '\\'; break;
        case '\n': *q++ = 'n'; break;
        case '\r': *q++ = 'r'; break;
        case '\t': *q++ = 't'; break;
        default:
          *q++ = 'u';
          *q++ = '0';
          *q++ = '0';
          *q++ = hex[c >> 4];
          *q++ = hex[c & 0xf];
          break;
        }
    }
  *q++ = '"';
  o->p = q;
}

static inline void
put_uint (Out     *o,
          guint64  value)
{
  char *p;
  guint n = 1;

  /* Digits written in place, right to left. */
  for (guint64 v = value; v >= 10; v /= 10)
    n++;
  o->p += n;
  p = o->p;
  do
    *--p = '0' + value % 10;
  while ((value /= 10) > 0);
}

static void
put_int (Out  *o,
         gint  value)
{
  if (value < 0)
    {
      *o->p++ = '-';
      put_uint (o, (guint64) -(gint64) value);
    }
  else
    put_uint (o, value);
}

static void
put_formatd (Out        *o,
             const char *format,
             double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buf, sizeof buf, format, value);
  put_mem (o, buf, strlen (buf));
}

/* JSON has no NaN or infinity. */
static void
put_number (Out        *o,
            const char *format,
            double      value)
{
  if (isfinite (value))
    put_formatd (o, format, value);
  else
    PUT_LIT (o, "null");
}

/* "%.6f" without printf. */
static void
put_fixed6 (Out    *o,
            double  value)
{
  guint64 us, frac;
  char *p;

  if (!(value >= 0 && value < 1e12))
    {
      put_formatd (o, "%.6f", value);
      return;
    }
  us = (guint64) (value * 1e6 + 0.5);
  frac = us % 1000000;
  put_uint (o, us / 1000000);
  *o->p++ = '.';
  p = o->p += 6;
  for (int i = 0; i < 6; i++, frac /= 10)
    *--p = '0' + frac % 10;
}

/* "%.6g" of a float without printf, for the common range: a float times
 * 10^d (d <= 9, 5^9 < 2^21) is exact in a double, so rint rounds exactly as
 * printf does. Elsewhere (tiny, huge) printf itself. */
static void
put_float_g6 (Out   *o,
              float  value)
{
  static const double pow10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };
  double v = value, scaled;
  guint64 r, frac_div;
  int x, d;

  if (v == 0)
    {
      *o->p++ = '0';
      return;
    }
  if (!(v >= 1e-4 && v < 1e5))
    {
      put_formatd (o, "%.6g", v);
      return;
    }
  for (x = 4; x > -4 && v < pow10[x + 4] / 1e4; x--)
    ;
  d = 5 - x;
  scaled = v * pow10[d];
  r = (guint64) rint (scaled);
  if (r >= 1000000)
    {
      /* Rounded up to the next power of ten: one decimal less. */
      if (d == 0)
        {
          put_formatd (o, "%.6g", v);
          return;
        }
      d--;
      r = (guint64) rint (v * pow10[d]);
    }
  frac_div = (guint64) pow10[d];
  put_uint (o, r / frac_div);
  r %= frac_div;
  if (r)
    {
      char buf[16];
      int n = d;

      /* Trailing zeros go, as %g drops them. */
      while (r % 10 == 0)
        {
          r /= 10;
          n--;
        }
      for (int i = n - 1; i >= 0; i--, r /= 10)
        buf[i] = '0' + r % 10;
      *o->p++ = '.';
      put_mem (o, buf, n);
    }
}

/* Dotted quad without inet_ntop, which formats through printf. */
static void
put_addr (Out          *o,
          const EgAddr *addr)
{
  char buf[EG_ADDR_STRLEN];

  if (addr->family == 4)
    {
      *o->p++ = '"';
      for (int i = 0; i < 4; i++)
        {
          if (i)
            *o->p++ = '.';
          put_uint (o, addr->bytes[i]);
        }
      *o->p++ = '"';
    }
  else
    put_json_string (o, eg_addr_to_string (addr, buf));
}

#define PUT_STRING_FIELD(o, key, value) \
  G_STMT_START { \
    const char *v_ = (value); \
    if (v_ && *v_) { PUT_KEY (o, key); put_json_string (o, v_); } \
  } G_STMT_END
#define PUT_UINT_FIELD(o, key, value) \
  G_STMT_START { PUT_KEY (o, key); put_uint (o, value); } G_STMT_END
/* A member that is not a finite number is left out. */
#define PUT_FIXED6_FIELD(o, key, value) \
  G_STMT_START { \
    double v_ = (value); \
    if (isfinite (v_)) { PUT_KEY (o, key); put_fixed6 (o, v_); } \
  } G_STMT_END

static void
put_stat (Out          *o,
          const EgStat *stat)
{
  PUT_LIT (o, "{\"min\":");
  put_number (o, "%.9g", stat->min);
  PUT_LIT (o, ",\"max\":");
  put_number (o, "%.9g", stat->max);
  PUT_LIT (o, ",\"sum\":");
  put_number (o, "%.17g", stat->sum);
  PUT_LIT (o, ",\"sumsq\":");
  put_number (o, "%.17g", stat->sumsq);
  *o->p++ = '}';
}

static gsize
str_len (const char *str)
{
  return str ? strlen (str) : 0;
}

void
eg_kafka_message_append (GString      *out,
                         const char   *sensor_id,
                         const EgFlow *flow)
{
  gsize start = out->len;
  /* Everything but the strings is bounded; a string escapes to at most six
   * bytes a byte. Members and numbers: far below 4096 with packet stats. */
  gsize bound = 4096 + 6 * (str_len (sensor_id) + strnlen (flow->uid, sizeof flow->uid)
                            + strnlen (flow->history, sizeof flow->history)
                            + str_len (flow->service)
                            + strnlen (flow->community_id, sizeof flow->community_id)
                            + str_len (flow->label) + str_len (flow->detailed_label)
                            + strnlen (flow->country, sizeof flow->country)
                            + 2 * EG_ADDR_STRLEN + 64);
  Out o_, *o = &o_;

  g_string_set_size (out, start + bound);
  o->p = out->str + start;

  PUT_LIT (o, "{\"schema\":");
  put_uint (o, EG_KAFKA_SCHEMA_VERSION);
  PUT_STRING_FIELD (o, "sensor_id", sensor_id);
  PUT_FIXED6_FIELD (o, "ts", flow->ts);
  PUT_STRING_FIELD (o, "uid", flow->uid);
  PUT_KEY (o, "id.orig_h");
  put_addr (o, &flow->orig_h);
  PUT_UINT_FIELD (o, "id.orig_p", flow->orig_p);
  PUT_KEY (o, "id.resp_h");
  put_addr (o, &flow->resp_h);
  PUT_UINT_FIELD (o, "id.resp_p", flow->resp_p);
  PUT_STRING_FIELD (o, "proto", eg_proto_to_string (flow->proto));
  PUT_UINT_FIELD (o, "ip_proto", flow->proto);
  PUT_STRING_FIELD (o, "service", flow->service);
  PUT_FIXED6_FIELD (o, "duration", flow->duration);
  PUT_UINT_FIELD (o, "orig_bytes", flow->orig_bytes);
  PUT_UINT_FIELD (o, "resp_bytes", flow->resp_bytes);
  PUT_STRING_FIELD (o, "conn_state", eg_conn_state_to_string (flow->conn_state));
  PUT_UINT_FIELD (o, "missed_bytes", flow->missed_bytes);
  PUT_STRING_FIELD (o, "history", flow->history);
  PUT_UINT_FIELD (o, "orig_pkts", flow->orig_pkts);
  PUT_UINT_FIELD (o, "orig_ip_bytes", flow->orig_ip_bytes);
  PUT_UINT_FIELD (o, "resp_pkts", flow->resp_pkts);
  PUT_UINT_FIELD (o, "resp_ip_bytes", flow->resp_ip_bytes);
  PUT_STRING_FIELD (o, "community_id", flow->community_id);
  PUT_STRING_FIELD (o, "label", flow->label);
  PUT_STRING_FIELD (o, "detailedlabel", flow->detailed_label);
  PUT_STRING_FIELD (o, "label_source", eg_label_source_to_string (flow->label_source));
  if (flow->score >= 0 && isfinite (flow->score))
    {
      PUT_KEY (o, "score");
      put_float_g6 (o, flow->score);
    }
  if (flow->model_version)
    PUT_UINT_FIELD (o, "model_version", flow->model_version);
  PUT_STRING_FIELD (o, "country", flow->country);
  if (flow->asn)
    PUT_UINT_FIELD (o, "asn", flow->asn);
  if (flow->flags & EG_FLOW_HAS_PACKET_STATS)
    {
      PUT_LIT (o, ",\"packet_stats\":{");
      for (guint d = 0; d < 2; d++)
        {
          const EgDirStats *s = &flow->dir[d];

          if (d)
            PUT_LIT (o, ",\"resp\":{\"size\":");
          else
            PUT_LIT (o, "\"orig\":{\"size\":");
          put_stat (o, &s->size);
          PUT_LIT (o, ",\"iat\":");
          put_stat (o, &s->iat);
          PUT_UINT_FIELD (o, "syn", s->n_syn);
          PUT_UINT_FIELD (o, "fin", s->n_fin);
          PUT_UINT_FIELD (o, "rst", s->n_rst);
          PUT_UINT_FIELD (o, "psh", s->n_psh);
          PUT_UINT_FIELD (o, "ack", s->n_ack);
          PUT_UINT_FIELD (o, "urg", s->n_urg);
          *o->p++ = '}';
        }
      PUT_LIT (o, ",\"first_sizes\":[");
      for (guint i = 0; i < EG_FIRST_PACKETS; i++)
        {
          if (i)
            *o->p++ = ',';
          put_int (o, flow->first_sizes[i]);
        }
      PUT_LIT (o, "]}");
    }
  *o->p++ = '}';
  g_assert ((gsize) (o->p - out->str) <= start + bound);
  g_string_truncate (out, o->p - out->str);
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

/* Connecting or retrying: no acknowledgement can come. */
static gboolean
broker_answers (EgSenderState state)
{
  return state != EG_SENDER_STATE_CONNECTING && state != EG_SENDER_STATE_RETRYING;
}

gboolean
eg_sender_progress_awaits_acks (const EgSenderProgress *progress)
{
  return progress->in_flight > 0 && broker_answers (progress->state);
}

/* Whether a stop still has acknowledgements to wait for. */
static gboolean
stop_may_wait (EgSender *sender)
{
  gboolean answers;

  if (g_atomic_int_get (&sender->stop_waiting))
    return FALSE;
  g_mutex_lock (&sender->lock);
  answers = broker_answers (sender->progress.state);
  g_mutex_unlock (&sender->lock);
  return answers;
}

static void
recycle_batch (EgSender *sender,
               Batch    *batch)
{
  g_mutex_lock (&sender->pipe_lock);
  g_queue_push_tail (&sender->spare, batch);
  g_mutex_unlock (&sender->pipe_lock);
}

/* Sender thread: librdkafka is done with one message of the batch. */
static void
release_batch (EgSender *sender,
               Batch    *batch)
{
  g_assert (batch->refs > 0);
  if (--batch->refs == 0 && batch->produced)
    recycle_batch (sender, batch);
}

/* After rd_kafka_destroy: librdkafka holds no message, whatever reports
 * were not served. */
static void
reclaim_batches (EgSender *sender)
{
  /* The reader adds batches under the lock; those it fills have no refs. */
  g_mutex_lock (&sender->pipe_lock);
  for (guint i = 0; i < sender->batches->len; i++)
    {
      Batch *batch = sender->batches->pdata[i];

      if (batch->refs == 0)
        continue;
      batch->refs = 0;
      if (batch->produced)
        g_queue_push_tail (&sender->spare, batch);
    }
  g_mutex_unlock (&sender->pipe_lock);
}

/* librdkafka callbacks, run in the sender thread from rd_kafka_poll. */

static void
on_delivery_cb (rd_kafka_t               *rk,
                const rd_kafka_message_t *msg,
                void                     *opaque)
{
  EgSender *sender = opaque;
  const Message *m = msg->_private;
  gint64 flow_id = m->flow_id;
  gpointer generation;

  release_batch (sender, m->batch);
  if (!g_hash_table_lookup_extended (sender->in_flight, IN_FLIGHT_KEY (flow_id), NULL,
                                     &generation))
    return;
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR)
    {
      guint32 gen = GPOINTER_TO_UINT (generation);

      /* Stays in flight until the store has committed "sent", so that the
       * next read of the outbox does not send it twice. */
      if (sender->acked_ids->len == 0)
        sender->first_ack = g_get_monotonic_time ();
      g_array_append_val (sender->acked_ids, flow_id);
      g_array_append_val (sender->acked_generations, gen);
      sender->n_acked++;
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("delivery failed: %s",
                                                  rd_kafka_err2str (msg->err));
      g_hash_table_remove (sender->in_flight, IN_FLIGHT_KEY (flow_id));
      sender->rescan_due = TRUE;
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

  /* librdkafka reconnects with its own backoff; we show the state. "All
   * brokers are down" follows the transport error that says why
   * (connection refused, no route): that one stays the reason shown. */
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
    {
      gboolean have_reason;

      g_mutex_lock (&sender->lock);
      have_reason = sender->progress.last_error != NULL;
      g_mutex_unlock (&sender->lock);
      set_state (sender, EG_SENDER_STATE_RETRYING, have_reason ? NULL : message);
    }
  else if (err == RD_KAFKA_RESP_ERR__TRANSPORT
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
      || !conf_set (conf, "ssl.ca.location", c->ssl_ca_location, FALSE, error)
      /* librdkafka's own debug contexts (e.g. "all", "broker,security"),
       * logged through g_debug: for an operator chasing a connection. */
      || !conf_set (conf, "debug", g_getenv ("EDGEGUARD_KAFKA_DEBUG"), FALSE, error))
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
      /* OpenSSL's words alone ("x509 certificate routines::system lib")
       * do not say which file. */
      if (c->ssl_ca_location && *c->ssl_ca_location && strstr (errstr, "ssl.ca.location"))
        g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                     "The TLS CA file %s (ssl-ca-location) cannot be loaded: %s; give a PEM "
                     "file of the authority that signed the broker's certificate",
                     c->ssl_ca_location, errstr);
      else
        g_set_error (error, EG_ERROR, EG_ERROR_BROKER, "Cannot create the Kafka producer: %s",
                     errstr);
      return NULL;
    }
  /* A handle of our own: naming the topic in every produce call looks it
   * up (and references it) per message. */
  sender->rkt = rd_kafka_topic_new (rk, c->topic, NULL);
  if (sender->rkt == NULL)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_BROKER, "Kafka topic %s is refused: %s", c->topic,
                   rd_kafka_err2str (rd_kafka_last_error ()));
      rd_kafka_destroy (rk);
      return NULL;
    }
  return rk;
}

static void
on_sent_committed (gpointer user_data)
{
  EgSender *sender = user_data;

  g_atomic_int_inc (&sender->n_committed);
}

/* Acknowledged rows: queued to the store as sent at once; out of the
 * in-flight set once the store has committed them, found without waiting
 * (or waited for when wait). */
static void
commit_acked (EgSender *sender,
              gboolean  wait)
{
  g_autoptr(GError) error = NULL;
  guint64 pending = 0, sent_total = 0;
  EgOutboxCounts counts;
  gint64 now;

  if (sender->acked_ids->len > 0
      && (wait || sender->acked_ids->len >= ACK_BATCH
          || g_get_monotonic_time () - sender->first_ack >= ACK_HOLD_MS * G_TIME_SPAN_MILLISECOND))
    {
      GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), sender->acked_ids->len);

      eg_store_mark_sent (sender->store, (const gint64 *) sender->acked_ids->data,
                          (const guint32 *) sender->acked_generations->data,
                          sender->acked_ids->len, on_sent_committed, sender);
      g_array_append_vals (ids, sender->acked_ids->data, sender->acked_ids->len);
      g_queue_push_tail (&sender->committing, ids);
      sender->n_committing += ids->len;
      sender->n_batches++;
      g_array_set_size (sender->acked_ids, 0);
      g_array_set_size (sender->acked_generations, 0);
    }
  if (sender->n_acked > 0)
    {
      sender->backoff_ms = 0;
      g_mutex_lock (&sender->lock);
      sender->progress.acknowledged += sender->n_acked;
      if (sender->progress.state == EG_SENDER_STATE_RETRYING
          || sender->progress.state == EG_SENDER_STATE_CONNECTING)
        sender->progress.state = EG_SENDER_STATE_SENDING;
      g_mutex_unlock (&sender->lock);
      sender->n_acked = 0;
    }

  if (wait && !g_queue_is_empty (&sender->committing))
    {
      /* Reports the first failure since the last flush: those rows stay
       * pending and go out again, a duplicate, never a loss. */
      if (!eg_store_flush (sender->store, &error))
        {
          g_message ("Marking uploaded flows sent: %s", error->message);
          g_clear_error (&error);
        }
    }
  /* The writer finishes batches in order: the first n_committed are done. */
  while ((guint) g_atomic_int_get (&sender->n_committed) + g_queue_get_length (&sender->committing)
         > sender->n_batches)
    {
      GArray *ids = g_queue_pop_head (&sender->committing);
      gint seq = g_atomic_int_add (&sender->removal_seq, 1) + 1;

      /* A batch the reader read before this removal may still hold these
       * rows as pending: remember when they left (see produce_pending). */
      for (guint i = 0; i < ids->len; i++)
        {
          gint64 id = g_array_index (ids, gint64, i);

          g_hash_table_remove (sender->in_flight, IN_FLIGHT_KEY (id));
          IN_FLIGHT_ADD (sender->removed, id, seq);
        }
      sender->n_committing -= ids->len;
      g_queue_push_tail (&sender->removals, ids);
      g_queue_push_tail (&sender->removal_seqs, GINT_TO_POINTER (seq));
    }

  now = g_get_monotonic_time ();
  /* Counting reads the outbox: a few times a second, and at once when
   * nothing is in flight (the caller waits for "drained"). */
  if (g_hash_table_size (sender->in_flight) > 0
      ? now - sender->last_count < COUNT_INTERVAL
      : sender->progress.state == EG_SENDER_STATE_IDLE
        && now - sender->last_count < IDLE_COUNT_INTERVAL)
    return;
  sender->last_count = now;
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

/* The pipeline between the reader thread and the sender thread */

static Batch *
batch_new (void)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->messages = g_array_sized_new (FALSE, FALSE, sizeof (Message), READ_BATCH);
  batch->data = g_string_sized_new (READ_BATCH * 1024);
  return batch;
}

static void
batch_free (gpointer data)
{
  Batch *batch = data;

  g_array_unref (batch->messages);
  g_string_free (batch->data, TRUE);
  g_free (batch);
}

typedef struct {
  EgSender   *sender;
  Batch      *batch;
  const char *sensor_id;
} ReadRun;

/* Reader thread: one outbox row to its key and message. */
static gboolean
read_row (const EgOutboxRow *row,
          gpointer           user_data)
{
  ReadRun *run = user_data;
  GString *data = run->batch->data;
  Message m;

  m.flow_id = row->flow_id;
  m.generation = row->generation;
  m.batch = run->batch;
  m.key_offset = data->len;
  g_string_append_len (data, run->sender->key_prefix, run->sender->key_prefix_len);
  g_string_append_len (data, row->flow.uid, strnlen (row->flow.uid, sizeof row->flow.uid));
  m.key_len = data->len - m.key_offset;
  m.value_offset = data->len;
  eg_kafka_message_append (data, run->sensor_id, &row->flow);
  m.value_len = data->len - m.value_offset;
  g_array_append_val (run->batch->messages, m);
  return TRUE;
}

static gpointer
reader_thread (gpointer data)
{
  EgSender *sender = data;
  ReadRun run = { sender, NULL, eg_store_get_sensor_id (sender->store) };

  g_mutex_lock (&sender->pipe_lock);
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      Batch *batch;
      gint64 after;
      guint epoch;
      gboolean ok;

      while (!sender->reader_stop && !sender->restart
             && (sender->reader_parked || g_queue_get_length (&sender->ready) >= READ_AHEAD))
        g_cond_wait (&sender->pipe_cond, &sender->pipe_lock);
      if (sender->reader_stop)
        break;
      if (sender->restart)
        {
          sender->reader_cursor = sender->restart_after;
          sender->restart = FALSE;
          sender->reader_parked = FALSE;
        }
      after = sender->reader_cursor;
      epoch = sender->epoch;
      batch = g_queue_pop_head (&sender->spare);
      g_mutex_unlock (&sender->pipe_lock);

      if (batch == NULL)
        {
          batch = batch_new ();
          g_mutex_lock (&sender->pipe_lock);
          g_ptr_array_add (sender->batches, batch);
          g_mutex_unlock (&sender->pipe_lock);
        }
      g_array_set_size (batch->messages, 0);
      g_string_truncate (batch->data, 0);
      batch->next = 0;
      batch->refs = 0;
      batch->produced = FALSE;
      batch->epoch = epoch;
      /* Before the read: a removal counted here committed before it. */
      batch->read_seq = g_atomic_int_get (&sender->removal_seq);
      run.batch = batch;
      ok = eg_store_foreach_pending (sender->store, after, READ_BATCH, read_row, &run,
                                     &batch->n_rows, &error);
      if (!ok)
        set_state (sender, EG_SENDER_STATE_RETRYING, error->message);

      g_mutex_lock (&sender->pipe_lock);
      if (!ok || epoch != sender->epoch)
        {
          /* A failed read waits for the sender's next request; a read that
           * a request overtook is void. */
          g_queue_push_tail (&sender->spare, batch);
          if (!ok && epoch == sender->epoch)
            sender->reader_parked = TRUE;
          continue;
        }
      if (batch->messages->len > 0)
        sender->reader_cursor = g_array_index (batch->messages, Message,
                                               batch->messages->len - 1).flow_id;
      if (batch->n_rows < READ_BATCH)
        sender->reader_parked = TRUE;
      g_queue_push_tail (&sender->ready, batch);
      g_cond_broadcast (&sender->pipe_cond);
    }
  g_mutex_unlock (&sender->pipe_lock);
  return NULL;
}

/* Sender thread: the next batch to produce, or NULL after a short wait. */
static Batch *
next_batch (EgSender *sender)
{
  gint64 until = g_get_monotonic_time () + BATCH_WAIT;
  Batch *batch;

  g_mutex_lock (&sender->pipe_lock);
  batch = g_queue_pop_head (&sender->ready);
  if (batch == NULL && sender->reader_parked && !sender->restart)
    {
      /* The reader is at the end. Rows behind it (re-queued, or failed and
       * retried) are found by starting over: when nothing is in flight, or
       * every RESCAN_INTERVAL; otherwise it reads on for new rows. */
      gint64 now = g_get_monotonic_time ();
      gboolean rescan = g_hash_table_size (sender->in_flight) == 0 || sender->rescan_due
                        || now - sender->last_rescan > RESCAN_INTERVAL;

      sender->restart = TRUE;
      sender->restart_after = rescan ? 0 : sender->reader_cursor;
      sender->epoch++;
      if (rescan)
        {
          sender->last_rescan = now;
          sender->rescan_due = FALSE;
        }
      g_cond_broadcast (&sender->pipe_cond);
    }
  while (batch == NULL && !g_atomic_int_get (&sender->stopping))
    {
      batch = g_queue_pop_head (&sender->ready);
      if (batch == NULL && !g_cond_wait_until (&sender->pipe_cond, &sender->pipe_lock, until))
        break;
    }
  if (batch)
    g_cond_broadcast (&sender->pipe_cond);   /* room for the reader */
  g_mutex_unlock (&sender->pipe_lock);
  return batch;
}

/* Removals older than the batch being produced (and so older than every
 * batch still to come) can no longer make a row look pending. */
static void
forget_removals (EgSender *sender,
                 gint      read_seq)
{
  while (!g_queue_is_empty (&sender->removal_seqs)
         && GPOINTER_TO_INT (g_queue_peek_head (&sender->removal_seqs)) <= read_seq)
    {
      g_autoptr(GArray) ids = g_queue_pop_head (&sender->removals);
      gint seq = GPOINTER_TO_INT (g_queue_pop_head (&sender->removal_seqs));

      for (guint i = 0; i < ids->len; i++)
        {
          gpointer key = IN_FLIGHT_KEY (g_array_index (ids, gint64, i));

          /* A later removal of the same id keeps its entry. */
          if (GPOINTER_TO_INT (g_hash_table_lookup (sender->removed, key)) == seq)
            g_hash_table_remove (sender->removed, key);
        }
    }
}

/* Produces the next messages; the number produced. */
static guint
produce_pending (EgSender *sender)
{
  guint produced = 0;
  Batch *batch;

  if (g_hash_table_size (sender->in_flight) >= sender->config->max_in_flight
      || g_get_monotonic_time () < sender->backoff_until)
    return 0;
  if (sender->current == NULL)
    {
      if (!(sender->current = next_batch (sender)))
        return 0;
      forget_removals (sender, sender->current->read_seq);
    }
  batch = sender->current;

  for (; batch->next < batch->messages->len; batch->next++)
    {
      const Message *m = &g_array_index (batch->messages, Message, batch->next);
      const char *key = batch->data->str + m->key_offset;
      const char *value = batch->data->str + m->value_offset;
      rd_kafka_resp_err_t err;

      if (g_atomic_int_get (&sender->stopping)
          || g_hash_table_size (sender->in_flight) >= sender->config->max_in_flight)
        break;
      if (g_hash_table_contains (sender->in_flight, IN_FLIGHT_KEY (m->flow_id)))
        continue;
      /* Left the in-flight set after this batch was read: acknowledged and
       * marked sent since, the batch's "pending" is stale. */
      if (g_hash_table_size (sender->removed) > 0
          && GPOINTER_TO_INT (g_hash_table_lookup (sender->removed, IN_FLIGHT_KEY (m->flow_id)))
             > batch->read_seq)
        continue;
      for (;;)
        {
          err = rd_kafka_producev (sender->rk,
                                   RD_KAFKA_V_RKT (sender->rkt),
                                   RD_KAFKA_V_KEY (key, m->key_len),
                                   RD_KAFKA_V_VALUE ((void *) value, m->value_len),
                                   RD_KAFKA_V_MSGFLAGS (0),   /* no copy: see Batch */
                                   RD_KAFKA_V_HEADER (EG_KAFKA_SCHEMA_HEADER,
                                                      G_STRINGIFY (EG_KAFKA_SCHEMA_VERSION), 1),
                                   RD_KAFKA_V_OPAQUE ((void *) m),
                                   RD_KAFKA_V_END);
          if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || g_atomic_int_get (&sender->stopping))
            break;
          rd_kafka_poll (sender->rk, 10);
        }
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        {
          g_autofree char *message = g_strdup_printf ("producing to %s: %s",
                                                      sender->config->topic,
                                                      rd_kafka_err2str (err));
          /* The batch waits where it stopped. */
          set_state (sender, EG_SENDER_STATE_RETRYING, message);
          break;
        }
      batch->refs++;
      IN_FLIGHT_ADD (sender->in_flight, m->flow_id, m->generation);
      /* Serves delivery reports as they come, as kcat does. */
      if (++produced % POLL_EVERY == 0)
        rd_kafka_poll (sender->rk, 0);
    }
  if (batch->next >= batch->messages->len)
    {
      sender->current = NULL;
      batch->produced = TRUE;
      if (batch->refs == 0)
        recycle_batch (sender, batch);
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
  /* An empty batch (the end, or only rows in flight) still moved on. */
  return produced ? produced : (sender->current == NULL && batch->messages->len > 0);
}

static void
stop_reader (EgSender *sender)
{
  g_mutex_lock (&sender->pipe_lock);
  sender->reader_stop = TRUE;
  g_cond_broadcast (&sender->pipe_cond);
  g_mutex_unlock (&sender->pipe_lock);
  g_thread_join (sender->reader);
  sender->reader = NULL;
  /* What was read ahead is read again on the next start. */
  if (sender->current)
    g_queue_push_tail (&sender->spare, g_steal_pointer (&sender->current));
  while (!g_queue_is_empty (&sender->ready))
    g_queue_push_tail (&sender->spare, g_queue_pop_head (&sender->ready));
}

/* The producer, out of eg_sender_stop's reach, to destroy. Not under the
 * progress lock: delivery reports served while it goes take that one. */
static rd_kafka_t *
take_producer (EgSender *sender)
{
  rd_kafka_t *rk;

  g_mutex_lock (&sender->rk_lock);
  rk = g_steal_pointer (&sender->rk);
  g_mutex_unlock (&sender->rk_lock);
  return rk;
}

/* The first report (connecting) says how many rows are to go. Counted
 * here, not in eg_sender_start: its caller may be the console's main loop,
 * and counting a million pending rows takes 70 ms. */
static void
report_start (EgSender *sender)
{
  EgOutboxCounts counts;
  gboolean counted = eg_store_get_outbox_counts (sender->store, &counts, NULL);

  g_mutex_lock (&sender->lock);
  if (counted)
    {
      sender->progress.pending = counts.pending;
      sender->progress.sent_total = counts.sent;
    }
  schedule_progress_locked (sender, TRUE);
  g_mutex_unlock (&sender->lock);
}

static gpointer
sender_thread (gpointer data)
{
  EgSender *sender = data;
  rd_kafka_t *rk;

  report_start (sender);
  while (!g_atomic_int_get (&sender->stopping))
    {
      guint produced = produce_pending (sender);
      guint unacked = g_hash_table_size (sender->in_flight) - sender->n_committing
                      - sender->acked_ids->len;
      char errstr[512];

      if (produced || unacked)
        {
          /* Blocks only until the next delivery report, or until held
           * acknowledgements are due. */
          rd_kafka_poll (sender->rk, produced ? 0 : sender->acked_ids->len ? ACK_HOLD_MS : ACK_POLL_MS);
          commit_acked (sender, FALSE);
        }
      else
        {
          gboolean idle;

          /* Nothing to produce and nothing unacknowledged: wait for the
           * store (the in-flight bound may hold back the next rows, the
           * caller may wait for "idle"), then sleep if nothing is left. */
          commit_acked (sender, TRUE);
          g_mutex_lock (&sender->lock);
          idle = sender->progress.state == EG_SENDER_STATE_IDLE
                 || sender->progress.state == EG_SENDER_STATE_RETRYING;
          g_mutex_unlock (&sender->lock);
          rd_kafka_poll (sender->rk, idle ? IDLE_POLL_MS : 0);
        }

      if (rd_kafka_fatal_error (sender->rk, errstr, sizeof errstr))
        {
          g_autoptr(GError) error = NULL;

          /* The idempotent producer cannot go on: a new one starts clean;
           * every unacknowledged row is still pending. */
          set_state (sender, EG_SENDER_STATE_RETRYING, errstr);
          rd_kafka_purge (sender->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
          rd_kafka_poll (sender->rk, 0);
          commit_acked (sender, TRUE);
          g_clear_pointer (&sender->rkt, rd_kafka_topic_destroy);
          rd_kafka_destroy (take_producer (sender));
          reclaim_batches (sender);
          g_hash_table_remove_all (sender->in_flight);
          rk = create_producer (sender, &error);
          g_mutex_lock (&sender->rk_lock);
          sender->rk = rk;
          g_mutex_unlock (&sender->rk_lock);
          if (sender->rk == NULL)
            {
              stop_reader (sender);
              set_state (sender, EG_SENDER_STATE_STOPPED, error->message);
              return NULL;
            }
        }
    }

  /* Stopping: give what is in flight a chance to be acknowledged, in
   * slices, so that eg_sender_stop_waiting ends the wait, and so does a
   * broker that stops answering. Waiting for one that does not answer
   * would only keep the caller (a closing window) for the whole timeout. */
  {
    gint64 until = g_get_monotonic_time () + sender->stop_timeout_ms * G_TIME_SPAN_MILLISECOND;
    gint64 left;

    while ((left = until - g_get_monotonic_time ()) > 0
           && stop_may_wait (sender)
           && rd_kafka_flush (sender->rk, MIN (left / 1000 + 1, STOP_SLICE_MS))
              == RD_KAFKA_RESP_ERR__TIMED_OUT)
      ;
  }
  rd_kafka_poll (sender->rk, 0);
  commit_acked (sender, TRUE);
  rd_kafka_purge (sender->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll (sender->rk, 0);
  commit_acked (sender, TRUE);
  g_clear_pointer (&sender->rkt, rd_kafka_topic_destroy);
  rd_kafka_destroy (take_producer (sender));
  reclaim_batches (sender);
  g_hash_table_remove_all (sender->in_flight);
  stop_reader (sender);
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
  sender->key_prefix_len = g_snprintf (sender->key_prefix, sizeof sender->key_prefix, "%s/",
                                       eg_store_get_sensor_id (sender->store));
  sender->key_prefix_len = MIN (sender->key_prefix_len, sizeof sender->key_prefix - 1);
  sender->epoch = 0;
  sender->reader_cursor = 0;
  /* The reader starts at the floor anyway: the first rescan is due later. */
  sender->last_rescan = g_get_monotonic_time ();
  sender->rescan_due = FALSE;
  sender->reader_parked = FALSE;
  sender->restart = FALSE;
  sender->reader_stop = FALSE;
  /* Connecting from now on; the sender thread reports it once it has
   * counted the rows to go (report_start). */
  g_mutex_lock (&sender->lock);
  sender->progress.state = EG_SENDER_STATE_CONNECTING;
  g_mutex_unlock (&sender->lock);
  sender->reader = eg_thread_new_worker ("eg-sender-read", reader_thread, sender);
  sender->thread = eg_thread_new_worker ("eg-sender", sender_thread, sender);
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
  /* An idle sender waits in rd_kafka_poll: wake it now, not at its timeout
   * (an upload ended 50 ms later than it had to). */
  g_mutex_lock (&sender->rk_lock);
  if (sender->rk)
    {
      rd_kafka_queue_t *main_queue = rd_kafka_queue_get_main (sender->rk);

      rd_kafka_queue_yield (main_queue);
      rd_kafka_queue_destroy (main_queue);
    }
  g_mutex_unlock (&sender->rk_lock);
  g_thread_join (sender->thread);
  sender->thread = NULL;
  g_atomic_int_set (&sender->stop_waiting, 0);
}

void
eg_sender_stop_waiting (EgSender *sender)
{
  g_atomic_int_set (&sender->stop_waiting, 1);
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
  if (config->ssl_ca_location && *config->ssl_ca_location
      && !g_file_test (config->ssl_ca_location, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_NOT_FOUND,
                   "The TLS CA file %s (ssl-ca-location) does not exist; give the PEM file "
                   "of the authority that signed the broker's certificate",
                   config->ssl_ca_location);
      return NULL;
    }
  sender = g_object_new (EG_TYPE_SENDER, NULL);
  sender->store = eg_store_ref (store);
  sender->config = eg_config_copy (config);
  /* A configuration made by hand may leave it 0: never stall. */
  sender->config->max_in_flight = MAX (sender->config->max_in_flight, 1);
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
  g_queue_clear_full (&sender->committing, (GDestroyNotify) g_array_unref);
  g_queue_clear (&sender->ready);
  g_queue_clear_full (&sender->removals, (GDestroyNotify) g_array_unref);
  g_queue_clear (&sender->removal_seqs);
  g_clear_pointer (&sender->removed, g_hash_table_unref);
  g_queue_clear (&sender->spare);
  g_clear_pointer (&sender->batches, g_ptr_array_unref);
  g_mutex_clear (&sender->pipe_lock);
  g_cond_clear (&sender->pipe_cond);
  g_mutex_clear (&sender->rk_lock);
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
  sender->in_flight = IN_FLIGHT_NEW ();
  g_queue_init (&sender->committing);
  g_queue_init (&sender->ready);
  g_queue_init (&sender->removals);
  g_queue_init (&sender->removal_seqs);
  sender->removed = IN_FLIGHT_NEW ();
  g_queue_init (&sender->spare);
  sender->batches = g_ptr_array_new_with_free_func (batch_free);
  g_mutex_init (&sender->pipe_lock);
  g_cond_init (&sender->pipe_cond);
  g_mutex_init (&sender->rk_lock);
  sender->acked_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sender->acked_generations = g_array_new (FALSE, FALSE, sizeof (guint32));
}
