/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Zeek's conn_state and history, segment by segment. The expected values
 * are what Zeek logs for the same exchanges. */
#include "eg-packet.h"
#include "eg-tcp-state.h"

typedef struct {
  EgTcpConn conn;
  char      history[EG_HISTORY_LEN];
} Fixture;

#define O TRUE
#define R FALSE
#define SYN EG_TCP_SYN
#define ACK EG_TCP_ACK
#define FIN EG_TCP_FIN
#define RST EG_TCP_RST

static void
seg (Fixture  *fx,
     gboolean  is_orig,
     guint8    flags,
     guint32   seq,
     guint32   ack,
     guint     len)
{
  eg_tcp_conn_process (&fx->conn, is_orig, flags, seq, ack, 1024, len, fx->history);
}

static EgConnState
state (Fixture *fx)
{
  return eg_tcp_conn_state (&fx->conn, fx->history,
                            eg_tcp_conn_size (&fx->conn, TRUE),
                            eg_tcp_conn_size (&fx->conn, FALSE));
}

static void
fixture_init (Fixture *fx)
{
  eg_tcp_conn_init (&fx->conn);
  fx->history[0] = '\0';
}

static void
test_normal_session (void)
{
  Fixture fx;

  fixture_init (&fx);
  seg (&fx, O, SYN, 100, 0, 0);
  seg (&fx, R, SYN | ACK, 500, 101, 0);
  seg (&fx, O, ACK, 101, 501, 0);
  seg (&fx, O, ACK, 101, 501, 10);
  seg (&fx, R, ACK, 501, 111, 0);
  seg (&fx, R, ACK, 501, 111, 20);
  seg (&fx, O, FIN | ACK, 111, 521, 0);
  seg (&fx, R, FIN | ACK, 521, 112, 0);
  seg (&fx, O, ACK, 112, 522, 0);
  g_assert_cmpstr (fx.history, ==, "ShADadFf");
  g_assert_cmpint (state (&fx), ==, EG_CONN_STATE_SF);
  g_assert_cmpuint (eg_tcp_conn_size (&fx.conn, TRUE), ==, 10);
  g_assert_cmpuint (eg_tcp_conn_size (&fx.conn, FALSE), ==, 20);
  g_assert_cmpuint (eg_tcp_conn_missed_bytes (&fx.conn), ==, 0);
  g_assert_true (eg_tcp_conn_is_closed (&fx.conn));
}

static void
test_attempt (void)
{
  Fixture fx;

  fixture_init (&fx);
  seg (&fx, O, SYN, 7, 0, 0);
  seg (&fx, O, SYN, 7, 0, 0);  /* a retransmitted SYN adds no letter */
  g_assert_cmpstr (fx.history, ==, "S");
  g_assert_cmpint (state (&fx), ==, EG_CONN_STATE_S0);
  g_assert_false (eg_tcp_conn_is_closed (&fx.conn));
}

static void
test_rejected (void)
{
  Fixture fx;

  fixture_init (&fx);
  seg (&fx, O, SYN, 7, 0, 0);
  seg (&fx, R, RST | ACK, 0, 8, 0);
  g_assert_cmpstr (fx.history, ==, "Sr");
  g_assert_cmpint (state (&fx), ==, EG_CONN_STATE_REJ);
}

static void
test_scanner_reset (void)
{
  Fixture fx;

  /* nmap's SYN scan on an open port: SYN, SYN-ACK, the scanner's RST. */
  fixture_init (&fx);
  seg (&fx, O, SYN, 1000, 0, 0);
  seg (&fx, R, SYN | ACK, 9000, 1001, 0);
  seg (&fx, O, RST, 1001, 0, 0);
  g_assert_cmpstr (fx.history, ==, "ShR");
  g_assert_cmpint (state (&fx), ==, EG_CONN_STATE_RSTO);

  /* SYN then the originator's own RST, no answer. */
  fixture_init (&fx);
  seg (&fx, O, SYN, 1000, 0, 0);
  seg (&fx, O, RST, 1001, 0, 0);
  g_assert_cmpstr (fx.history, ==, "SR");
  g_assert_cmpint (state (&fx), ==, EG_CONN_STATE_RSTOS0);
}

static void
test_half_open (void)
{
  Fixture fx;

  fixture_init (&fx);
  seg (&fx, O, SYN, 1, 0, 0);
  seg (&fx, O, FIN, 2, 0, 0);
  g_assert_cmpstr (fx.history, ==, "SF");
  g_assert_cmpint (state (&fx), ==, EG_CONN_STATE_SH);

  /* Midstream: data from one side only, no SYN seen. */
  fixture_init (&fx);
  seg (&fx, O, ACK, 5000, 77, 100);
  seg (&fx, O, ACK, 5100, 77, 100);
  g_assert_cmpstr (fx.history, ==, "D");
  g_assert_cmpint (state (&fx), ==, EG_CONN_STATE_OTH);
  g_assert_cmpuint (eg_tcp_conn_size (&fx.conn, TRUE), ==, 200);
}

static void
test_established_no_close (void)
{
  Fixture fx;

  fixture_init (&fx);
  seg (&fx, O, SYN, 100, 0, 0);
  seg (&fx, R, SYN | ACK, 500, 101, 0);
  seg (&fx, O, ACK, 101, 501, 0);
  g_assert_cmpint (state (&fx), ==, EG_CONN_STATE_S1);
  seg (&fx, O, FIN | ACK, 101, 501, 0);
  g_assert_cmpstr (fx.history, ==, "ShAF");
  g_assert_cmpint (state (&fx), ==, EG_CONN_STATE_S2);

  /* The responder closes and the originator never answers: S3. */
  fixture_init (&fx);
  seg (&fx, O, SYN, 100, 0, 0);
  seg (&fx, R, SYN | ACK, 500, 101, 0);
  seg (&fx, O, ACK, 101, 501, 0);
  seg (&fx, R, FIN | ACK, 501, 101, 0);
  g_assert_cmpstr (fx.history, ==, "ShAf");
  g_assert_cmpint (state (&fx), ==, EG_CONN_STATE_S3);
}

static void
test_retransmission (void)
{
  Fixture fx;

  fixture_init (&fx);
  seg (&fx, O, SYN, 100, 0, 0);
  seg (&fx, R, SYN | ACK, 500, 101, 0);
  seg (&fx, O, ACK, 101, 501, 50);
  seg (&fx, O, ACK, 101, 501, 50);
  g_assert_cmpstr (fx.history, ==, "ShDT");
  g_assert_cmpuint (eg_tcp_conn_size (&fx.conn, TRUE), ==, 50);
  /* The 10th retransmission earns another T, the 2nd to 9th do not. */
  for (guint i = 0; i < 9; i++)
    seg (&fx, O, ACK, 101, 501, 50);
  g_assert_cmpstr (fx.history, ==, "ShDTT");
}

static void
test_sequence_wrap (void)
{
  Fixture fx;

  fixture_init (&fx);
  seg (&fx, O, SYN, 0xfffffff0u, 0, 0);
  seg (&fx, R, SYN | ACK, 10, 0xfffffff1u, 0);
  seg (&fx, O, ACK, 0xfffffff1u, 11, 100);
  seg (&fx, O, ACK, 0xfffffff1u + 100, 11, 100);
  g_assert_cmpuint (eg_tcp_conn_size (&fx.conn, TRUE), ==, 200);
}

static void
test_missed_bytes (void)
{
  Fixture fx;

  /* The responder acks 1000 bytes the capture never saw. */
  fixture_init (&fx);
  seg (&fx, O, SYN, 100, 0, 0);
  seg (&fx, R, SYN | ACK, 500, 101, 0);
  seg (&fx, O, ACK, 101, 501, 0);
  seg (&fx, R, ACK, 501, 1101, 0);
  g_assert_cmpuint (eg_tcp_conn_missed_bytes (&fx.conn), ==, 1000);
  g_assert_cmpuint (eg_tcp_conn_size (&fx.conn, TRUE), ==, 1000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tcp-state/normal-session", test_normal_session);
  g_test_add_func ("/tcp-state/attempt", test_attempt);
  g_test_add_func ("/tcp-state/rejected", test_rejected);
  g_test_add_func ("/tcp-state/scanner-reset", test_scanner_reset);
  g_test_add_func ("/tcp-state/half-open", test_half_open);
  g_test_add_func ("/tcp-state/established-no-close", test_established_no_close);
  g_test_add_func ("/tcp-state/retransmission", test_retransmission);
  g_test_add_func ("/tcp-state/sequence-wrap", test_sequence_wrap);
  g_test_add_func ("/tcp-state/missed-bytes", test_missed_bytes);
  return g_test_run ();
}
