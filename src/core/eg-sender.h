/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-sender.h: uploads labeled flows from the store's outbox to Kafka.
 *
 * Two background threads: one reads pending outbox rows and writes one JSON
 * message per flow (docs/kafka-message.md) a batch ahead, the other produces
 * them with an idempotent producer (acks=all, compression, batching) and
 * marks a row sent only when Kafka's delivery report acknowledges it. Rows in flight when the process dies stay pending
 * and go out again on the next start, under the same key. A broker that is
 * down means retries with backoff and the RETRYING state, never a lost row.
 *
 * Progress reaches the caller through the "progress" signal, emitted in the
 * GMainContext that was the thread-default one when the sender was made, a
 * few times a second at most.
 */
#pragma once

#include <glib-object.h>

#include "eg-config.h"
#include "eg-flow.h"
#include "eg-store.h"

G_BEGIN_DECLS

#define EG_KAFKA_SCHEMA_VERSION 1
#define EG_KAFKA_SCHEMA_HEADER  "edgeguard-schema"

typedef enum {
  EG_SENDER_STATE_STOPPED,
  EG_SENDER_STATE_CONNECTING,
  EG_SENDER_STATE_SENDING,     /* rows in flight */
  EG_SENDER_STATE_IDLE,        /* everything pending is acknowledged */
  EG_SENDER_STATE_RETRYING,    /* broker unreachable or refusing: backing off */
} EgSenderState;

typedef struct {
  EgSenderState state;
  guint64       produced;      /* handed to Kafka since start */
  guint64       acknowledged;  /* acknowledged since start */
  guint64       failed;        /* delivery failures since start (retried) */
  guint64       in_flight;
  guint64       pending;       /* outbox rows waiting, in flight included */
  guint64       sent_total;    /* outbox rows ever acknowledged */
  char         *last_error;    /* NULL when none; never holds a secret */
} EgSenderProgress;

#define EG_TYPE_SENDER (eg_sender_get_type ())
G_DECLARE_FINAL_TYPE (EgSender, eg_sender, EG, SENDER, GObject)

/* Checks the connection settings; connects only on start. */
EgSender   *eg_sender_new               (EgStore          *store,
                                         const EgConfig   *config,
                                         GError          **error);
gboolean    eg_sender_start             (EgSender         *sender,
                                         GError          **error);
/* Waits up to timeout_ms for what is in flight, then stops the thread; not
 * at all while no broker answers (connecting, retrying). Unacknowledged
 * rows stay pending. */
void        eg_sender_stop              (EgSender         *sender,
                                         guint             timeout_ms);
/* Ends the wait of a stop in progress within 50 ms: what is in flight stays
 * pending. Only an atomic store: callable from a signal handler. */
void        eg_sender_stop_waiting      (EgSender         *sender);
void        eg_sender_get_progress      (EgSender         *sender,
                                         EgSenderProgress *progress);
void        eg_sender_progress_clear    (EgSenderProgress *progress);
/* Whether a stop would wait: rows in flight to a broker that answers. */
gboolean    eg_sender_progress_awaits_acks (const EgSenderProgress *progress);
const char *eg_sender_state_to_string   (EgSenderState     state);

/* The message of one flow (docs/kafka-message.md), no newline. */
void        eg_kafka_message_append     (GString          *out,
                                         const char       *sensor_id,
                                         const EgFlow     *flow);
/* "SENSOR-ID/UID": consumers deduplicate on it. */
char       *eg_kafka_message_key        (const char       *sensor_id,
                                         const char       *uid);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EgSenderProgress, eg_sender_progress_clear)

G_END_DECLS
