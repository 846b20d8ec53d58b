/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Follows Zeek's TCP session analysis (endpoint states, history letters,
 * sizes from sequence numbers, conn_state) so our conn.log reads like
 * Zeek's. Zeek's weird reporting and reassembly are left out. */
#include "eg-tcp-state.h"

#include <string.h>

#include "eg-packet.h"

#define TOO_LARGE_SEQ_DELTA 1048576

enum {
  HIST_SYN_PKT        = 0x1,
  HIST_FIN_PKT        = 0x2,
  HIST_RST_PKT        = 0x4,
  HIST_FIN_RST_PKT    = 0x8,
  HIST_DATA_PKT       = 0x10,
  HIST_ACK_PKT        = 0x20,
  HIST_MULTI_FLAG_PKT = 0x40,
};

void
eg_tcp_conn_init (EgTcpConn *conn)
{
  memset (conn, 0, sizeof *conn);
  for (guint i = 0; i < 2; i++)
    {
      conn->ep[i].rxmit_thresh = 1;
      conn->ep[i].zero_window_thresh = 1;
    }
}

void
eg_history_add (char     history[EG_HISTORY_LEN],
                gboolean is_orig,
                char     letter)
{
  gsize len = strlen (history);

  if (len + 1 >= EG_HISTORY_LEN)
    return;
  history[len] = is_orig ? g_ascii_toupper (letter) : g_ascii_tolower (letter);
  history[len + 1] = '\0';
}

/* Zeek's Connection::CheckHistory: adds the letter the first time, and
 * returns whether it had been seen before. */
static gboolean
check_history (EgTcpConn *conn,
               gboolean   is_orig,
               guint32    mask,
               char       letter,
               char       history[EG_HISTORY_LEN])
{
  if (!is_orig)
    mask <<= 16;
  if ((conn->hist_seen & mask) == 0)
    {
      conn->hist_seen |= mask;
      eg_history_add (history, is_orig, letter);
      return FALSE;
    }
  return TRUE;
}

/* Letters that repeat on a log10 scale: the 1st, 10th, 100th... event. */
static void
scaled_history (guint32  *counter,
                guint32  *threshold,
                gboolean  is_orig,
                char      letter,
                char      history[EG_HISTORY_LEN])
{
  if (++*counter == *threshold)
    {
      eg_history_add (history, is_orig, letter);
      if (*threshold <= G_MAXUINT32 / 10)
        *threshold *= 10;
    }
}

static void
set_state (EgTcpEndpoint *ep,
           guint8         state)
{
  ep->prev_state = ep->state;
  ep->state = state;
}

static void
init_seqs (EgTcpEndpoint *ep,
           guint32        start,
           guint32        last)
{
  ep->start_seq = start;
  ep->ack_seq = start;
  ep->ack_off = 0;
  ep->last_seq = last;
  ep->last_off = (guint32) (last - start);
  ep->initialized = TRUE;
}

static void
init_endpoint (EgTcpEndpoint *ep,
               guint8         flags,
               guint32        seq,
               guint32        end)
{
  gboolean syn = (flags & EG_TCP_SYN) != 0;

  switch (ep->state)
    {
    case EG_TCP_INACTIVE:
      /* Without a SYN, number as though one came just before. */
      if (syn)
        init_seqs (ep, seq, end);
      else
        init_seqs (ep, seq - 1, seq);
      break;
    case EG_TCP_SYN_SENT:
    case EG_TCP_SYN_ACK_SENT:
      if (syn && seq != ep->start_seq)
        init_seqs (ep, seq, end);
      break;
    case EG_TCP_ESTABLISHED:
    case EG_TCP_PARTIAL:
      if (syn)
        init_seqs (ep, seq, end);
      break;
    case EG_TCP_RESET:
      if (syn && ep->prev_state == EG_TCP_INACTIVE)
        init_seqs (ep, seq, end);
      break;
    default:
      break;
    }
}

static void
update_history (EgTcpConn *conn,
                gboolean   is_orig,
                guint8     flags,
                guint32    rel_seq,
                guint      len,
                char       history[EG_HISTORY_LEN])
{
  EgTcpEndpoint *ep = &conn->ep[is_orig ? 0 : 1];
  guint bits = !!(flags & EG_TCP_SYN) + !!(flags & EG_TCP_FIN) + !!(flags & EG_TCP_RST);

  if (bits > 1)
    {
      if ((flags & EG_TCP_FIN) && (flags & EG_TCP_RST))
        check_history (conn, is_orig, HIST_FIN_RST_PKT, 'I', history);
      else
        check_history (conn, is_orig, HIST_MULTI_FLAG_PKT, 'Q', history);
    }
  else if (bits == 1)
    {
      if (flags & EG_TCP_SYN)
        {
          char code = (flags & EG_TCP_ACK) ? 'H' : 'S';
          /* A SYN with a new sequence number is a new attempt: repeat. */
          if (check_history (conn, is_orig, HIST_SYN_PKT, code, history)
              && rel_seq != ep->hist_last_syn)
            eg_history_add (history, is_orig, code);
          ep->hist_last_syn = rel_seq;
        }
      if (flags & EG_TCP_FIN)
        {
          if (check_history (conn, is_orig, HIST_FIN_PKT, 'F', history)
              && rel_seq + len != ep->hist_last_fin)
            eg_history_add (history, is_orig, 'F');
          ep->hist_last_fin = rel_seq + len;
        }
      if (flags & EG_TCP_RST)
        {
          if (check_history (conn, is_orig, HIST_RST_PKT, 'R', history)
              && rel_seq != ep->hist_last_rst)
            eg_history_add (history, is_orig, 'R');
          ep->hist_last_rst = rel_seq;
        }
    }
  else if (len > 0)
    check_history (conn, is_orig, HIST_DATA_PKT, 'D', history);
  else if (flags & EG_TCP_ACK)
    check_history (conn, is_orig, HIST_ACK_PKT, 'A', history);
}

static void
update_ack_seq (EgTcpEndpoint *ep,
                guint32        ack)
{
  gint32 delta = (gint32) (ack - ep->ack_seq);

  /* An ack of 0 far ahead is more likely broken than a wrap. */
  if (ack == 0 && delta > TOO_LARGE_SEQ_DELTA)
    return;
  if (delta > 0)
    {
      ep->ack_seq = ack;
      ep->ack_off += (guint32) delta;
    }
}

/* Returns the advance of the endpoint's highest sequence number. */
static gint32
update_last_seq (EgTcpEndpoint *ep,
                 guint32        end,
                 guint8         flags,
                 guint          len,
                 gboolean       is_orig,
                 char           history[EG_HISTORY_LEN])
{
  gint32 delta = (gint32) (end - ep->last_seq);

  if ((flags & (EG_TCP_SYN | EG_TCP_RST))
      && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA))
    ;
  else if ((flags & EG_TCP_FIN) && ep->last_seq == ep->start_seq + 1)
    {
      /* Only the SYN and the FIN seen: trust the FIN, even backwards. */
      ep->last_seq = end;
      ep->last_off = (guint32) (end - ep->start_seq);
    }
  else if (ep->state == EG_TCP_RESET)
    ;
  else if (delta > 0)
    {
      ep->last_seq = end;
      ep->last_off += (guint32) delta;
    }
  else if (len > 0)
    scaled_history (&ep->rxmit, &ep->rxmit_thresh, is_orig, 'T', history);
  return delta;
}

static void
update_inactive_state (EgTcpConn     *conn,
                       EgTcpEndpoint *ep,
                       EgTcpEndpoint *peer,
                       gboolean       is_orig,
                       guint8         flags,
                       guint          len)
{
  if (flags & EG_TCP_SYN)
    {
      if (is_orig)
        set_state (ep, (flags & EG_TCP_ACK) ? EG_TCP_SYN_ACK_SENT : EG_TCP_SYN_SENT);
      else
        {
          if (peer->state == EG_TCP_SYN_SENT)
            set_state (peer, EG_TCP_ESTABLISHED);
          set_state (ep, EG_TCP_ESTABLISHED);
        }
    }
  if (flags & EG_TCP_FIN)
    set_state (ep, EG_TCP_CLOSED);
  if (flags & EG_TCP_RST)
    set_state (ep, EG_TCP_RESET);

  if (ep->state == EG_TCP_INACTIVE)
    {
      /* Some stacks ack a SYN before answering it: not a partial start. */
      if (!is_orig && len == 0 && conn->ep[0].state == EG_TCP_SYN_SENT)
        ;
      else if ((flags & EG_TCP_ACK) && peer->state == EG_TCP_ESTABLISHED)
        set_state (ep, EG_TCP_ESTABLISHED);  /* missed only the SYN */
      else
        set_state (ep, EG_TCP_PARTIAL);
    }
}

static void
update_state_machine (EgTcpConn     *conn,
                      EgTcpEndpoint *ep,
                      EgTcpEndpoint *peer,
                      gboolean       is_orig,
                      guint8         flags,
                      guint          len)
{
  switch (ep->state)
    {
    case EG_TCP_INACTIVE:
      update_inactive_state (conn, ep, peer, is_orig, flags, len);
      break;

    case EG_TCP_SYN_SENT:
    case EG_TCP_SYN_ACK_SENT:
      if (flags & EG_TCP_FIN)
        set_state (ep, EG_TCP_CLOSED);
      if (flags & EG_TCP_RST)
        set_state (ep, EG_TCP_RESET);
      break;

    case EG_TCP_ESTABLISHED:
    case EG_TCP_PARTIAL:
      if ((flags & EG_TCP_SYN) && ep->state == EG_TCP_PARTIAL
          && peer->state == EG_TCP_INACTIVE && !(flags & EG_TCP_ACK))
        set_state (ep, EG_TCP_SYN_SENT);
      if ((flags & EG_TCP_FIN) && !(flags & EG_TCP_RST))
        {
          set_state (ep, EG_TCP_CLOSED);
          /* A FIN then a RST from the peer was a normal close after all. */
          if (peer->state == EG_TCP_RESET && peer->prev_state == EG_TCP_CLOSED)
            set_state (peer, EG_TCP_CLOSED);
        }
      if (flags & EG_TCP_RST)
        set_state (ep, EG_TCP_RESET);
      break;

    case EG_TCP_CLOSED:
      /* After a FIN exchange, a RST changes nothing. */
      if ((flags & EG_TCP_RST) && peer->state != EG_TCP_CLOSED)
        set_state (ep, EG_TCP_RESET);
      break;

    case EG_TCP_RESET:
    default:
      break;
    }
}

void
eg_tcp_conn_process (EgTcpConn *conn,
                     gboolean   is_orig,
                     guint8     flags,
                     guint32    seq,
                     guint32    ack,
                     guint16    window,
                     guint      payload_len,
                     char       history[EG_HISTORY_LEN])
{
  EgTcpEndpoint *ep = &conn->ep[is_orig ? 0 : 1];
  EgTcpEndpoint *peer = &conn->ep[is_orig ? 1 : 0];
  guint seg_len = payload_len;
  guint32 end;

  if (flags & EG_TCP_SYN)
    seg_len++;
  if (flags & EG_TCP_FIN)
    seg_len++;
  if (flags & EG_TCP_RST)
    seg_len -= payload_len;  /* data on a RST is not part of the stream */
  end = seq + seg_len;

  init_endpoint (ep, flags, seq, end);
  update_history (conn, is_orig, flags, seq - ep->start_seq, payload_len, history);

  /* Zero windows matter unless the connection is closing anyway. */
  if (window == 0 && !(flags & (EG_TCP_RST | EG_TCP_SYN))
      && peer->state != EG_TCP_CLOSED && ep->state != EG_TCP_RESET)
    scaled_history (&ep->zero_window, &ep->zero_window_thresh, is_orig, 'W', history);

  if ((flags & EG_TCP_FIN) && ep->fin_cnt < G_MAXUINT8)
    ep->fin_cnt++;
  if ((flags & EG_TCP_ACK) && peer->state != EG_TCP_INACTIVE && !(flags & EG_TCP_RST))
    update_ack_seq (peer, ack);

  update_last_seq (ep, end, flags, payload_len, is_orig, history);
  update_state_machine (conn, ep, peer, is_orig, flags, payload_len);
}

gboolean
eg_tcp_conn_is_closed (const EgTcpConn *conn)
{
  guint8 o = conn->ep[0].state, r = conn->ep[1].state;

  return o == EG_TCP_RESET || r == EG_TCP_RESET
         || (o == EG_TCP_CLOSED && r == EG_TCP_CLOSED);
}

guint64
eg_tcp_conn_size (const EgTcpConn *conn,
                  gboolean         is_orig)
{
  const EgTcpEndpoint *ep = &conn->ep[is_orig ? 0 : 1];
  guint64 size;

  if (!ep->initialized)
    return 0;
  size = MAX (ep->last_off, ep->ack_off);
  if (size != 0)
    size--;  /* the SYN's sequence number */
  if (ep->fin_cnt > 0 && size != 0)
    size--;  /* the FIN's */
  return size;
}

/* Bytes the peer acknowledged that we never saw: lost to the capture. A
 * gap of one is an unseen FIN, not data. */
guint64
eg_tcp_conn_missed_bytes (const EgTcpConn *conn)
{
  guint64 missed = 0;

  for (guint i = 0; i < 2; i++)
    {
      const EgTcpEndpoint *ep = &conn->ep[i];
      if (ep->initialized && ep->ack_off > ep->last_off + 1)
        missed += ep->ack_off - ep->last_off;
    }
  return missed;
}

/* Zeek's RSTOS0 test: the history matches ^?S[^HAFGIQ]*R.* */
static gboolean
history_is_syn_then_rst (const char *history)
{
  const char *p = history;

  if (*p == '^')
    p++;
  if (*p != 'S')
    return FALSE;
  for (p++; *p; p++)
    {
      if (*p == 'R')
        return TRUE;
      if (strchr ("HAFGIQ", *p))
        return FALSE;
    }
  return FALSE;
}

EgConnState
eg_tcp_conn_state (const EgTcpConn *conn,
                   const char      *history,
                   guint64          orig_size,
                   guint64          resp_size)
{
  guint8 os = conn->ep[0].state, rs = conn->ep[1].state;
  gboolean o_inactive = os == EG_TCP_INACTIVE || os == EG_TCP_PARTIAL;
  gboolean r_inactive = rs == EG_TCP_INACTIVE || rs == EG_TCP_PARTIAL;

  if (rs == EG_TCP_RESET)
    {
      if (os == EG_TCP_SYN_SENT || os == EG_TCP_SYN_ACK_SENT
          || (os == EG_TCP_RESET && orig_size == 0 && resp_size == 0))
        return EG_CONN_STATE_REJ;
      return o_inactive ? EG_CONN_STATE_RSTRH : EG_CONN_STATE_RSTR;
    }
  if (os == EG_TCP_RESET)
    {
      if (r_inactive)
        return history_is_syn_then_rst (history) ? EG_CONN_STATE_RSTOS0 : EG_CONN_STATE_OTH;
      return EG_CONN_STATE_RSTO;
    }
  if (rs == EG_TCP_CLOSED && os == EG_TCP_CLOSED)
    return EG_CONN_STATE_SF;
  if (os == EG_TCP_CLOSED)
    return r_inactive ? EG_CONN_STATE_SH : EG_CONN_STATE_S2;
  if (rs == EG_TCP_CLOSED)
    return o_inactive ? EG_CONN_STATE_SHR : EG_CONN_STATE_S3;
  if (os == EG_TCP_SYN_SENT && rs == EG_TCP_INACTIVE)
    return EG_CONN_STATE_S0;
  if (os == EG_TCP_ESTABLISHED && rs == EG_TCP_ESTABLISHED)
    return EG_CONN_STATE_S1;
  return EG_CONN_STATE_OTH;
}
