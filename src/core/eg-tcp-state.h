/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-tcp-state.h: Zeek's view of a TCP connection: the two endpoints' state
 * machines, the history letters, payload sizes from sequence numbers, and
 * conn_state. Kept apart from the flow table so it can be tested packet by
 * packet. */
#pragma once

#include <glib.h>

#include "eg-flow.h"

G_BEGIN_DECLS

typedef enum {
  EG_TCP_INACTIVE,
  EG_TCP_SYN_SENT,
  EG_TCP_SYN_ACK_SENT,
  EG_TCP_PARTIAL,
  EG_TCP_ESTABLISHED,
  EG_TCP_CLOSED,
  EG_TCP_RESET,
} EgTcpEndpointState;

typedef struct {
  guint32 start_seq;      /* sequence number of the SYN (or first seq - 1) */
  guint32 last_seq;       /* one past the highest byte sent */
  guint32 ack_seq;        /* highest ack the peer sent for our bytes */
  guint32 hist_last_syn;
  guint32 hist_last_fin;
  guint32 hist_last_rst;
  guint64 last_off;       /* last_seq - start_seq, across wraps */
  guint64 ack_off;        /* ack_seq - start_seq, across wraps */
  guint32 rxmit;          /* retransmitted segments */
  guint32 rxmit_thresh;   /* next count that earns a 'T' (1, 10, 100...) */
  guint32 zero_window;
  guint32 zero_window_thresh;
  guint8  state;          /* EgTcpEndpointState */
  guint8  prev_state;
  guint8  fin_cnt;
  guint8  initialized;
} EgTcpEndpoint;

typedef struct {
  EgTcpEndpoint ep[2];    /* 0: originator, 1: responder */
  guint32       hist_seen;
} EgTcpConn;

void        eg_tcp_conn_init     (EgTcpConn  *conn);
/* Updates the state machines with one segment; appends history letters. */
void        eg_tcp_conn_process  (EgTcpConn  *conn,
                                  gboolean    is_orig,
                                  guint8      flags,
                                  guint32     seq,
                                  guint32     ack,
                                  guint16     window,
                                  guint       payload_len,
                                  char        history[EG_HISTORY_LEN]);
/* TRUE once the connection is over (both closed, or a reset). */
gboolean    eg_tcp_conn_is_closed (const EgTcpConn *conn);
/* Payload bytes one side sent, from sequence numbers as Zeek counts them. */
guint64     eg_tcp_conn_size     (const EgTcpConn *conn,
                                  gboolean         is_orig);
guint64     eg_tcp_conn_missed_bytes (const EgTcpConn *conn);
EgConnState eg_tcp_conn_state    (const EgTcpConn *conn,
                                  const char      *history,
                                  guint64          orig_size,
                                  guint64          resp_size);
/* Appends a letter, upper-case for the originator; history stays bounded. */
void        eg_history_add       (char        history[EG_HISTORY_LEN],
                                  gboolean    is_orig,
                                  char        letter);

G_END_DECLS
