/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The feature schema: names and order, base values from a real conn.log
 * line, context over the window, and the packet statistics set. */
#include <math.h>
#include <string.h>

#include "eg-features.h"
#include "eg-flow-log-reader.h"
#include "eg-test-util.h"

static void
test_schema (void)
{
  const char * const *names = eg_feature_get_names ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = 0;

  for (; names[n]; n++)
    {
      g_assert_true (g_hash_table_add (seen, (gpointer) names[n]));
      g_assert_cmpstr (names[n], ==, eg_feature_get_name (n));
      g_assert_nonnull (eg_feature_get_description (n));
    }
  g_assert_cmpuint (n, ==, EG_N_FEATURES);
  g_assert_cmpstr (EG_FEATURE_SCHEMA_ID, ==, "edgeguard-flow/1");
  /* The order is the schema: a model depends on these positions. */
  g_assert_cmpstr (names[0], ==, "duration");
  g_assert_cmpstr (names[EG_FEAT_DPORT], ==, "dport");
  g_assert_cmpstr (names[EG_FEAT_FIRST_CONTEXT], ==, "src_conns");
  g_assert_cmpstr (names[EG_FEAT_FIRST_EXTENDED], ==, "orig_size_mean");
  /* No shortcuts: no source port, no addresses, no local/remote flags. */
  g_assert_false (g_hash_table_contains (seen, "sport"));
  g_assert_false (g_hash_table_contains (seen, "orig_p"));
  g_assert_false (g_hash_table_contains (seen, "local_orig"));
  g_assert_false (g_hash_table_contains (seen, "local_resp"));
}

static GArray *
read_flows (const char *relative)
{
  g_autofree char *path = eg_test_shared_path (relative);
  g_autoptr(GError) error = NULL;
  g_autoptr(EgFlowLogReader) reader = NULL;
  GArray *flows;
  EgFlow flow;

  if (path == NULL)
    return NULL;
  reader = eg_flow_log_reader_open (path, &error);
  g_assert_no_error (error);
  flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  while (eg_flow_init (&flow), eg_flow_log_reader_next (reader, &flow, &error))
    g_array_append_val (flows, flow);
  g_assert_no_error (error);
  return flows;
}

/* The first line of the vertical scan log:
 * 192.168.1.9:50820 → 45.33.32.156:443 tcp REJ "Sr", 1 packet of 60 bytes
 * each way (40 back), duration 0.207 s. */
static void
test_base_values (void)
{
  g_autoptr(GArray) flows = read_flows ("slips-dataset/port-scans/vertical/conn.log");
  g_autoptr(EgFeatureContext) ctx = NULL;
  float row[EG_N_FEATURES];
  const EgFlow *f;

  if (flows == NULL)
    return;
  f = &g_array_index (flows, EgFlow, 0);
  g_assert_cmpstr (f->uid, ==, "CfykLO1IT1nVRJhLA3");
  ctx = eg_feature_context_new (EG_FEATURE_WINDOW, 1024);
  eg_features_compute (ctx, f, row);
  g_assert_cmpfloat_with_epsilon (row[EG_FEAT_DURATION], 0.20696, 1e-4);
  g_assert_cmpfloat (row[EG_FEAT_PROTO], ==, 6);
  g_assert_cmpfloat (row[EG_FEAT_DPORT], ==, 443);
  g_assert_cmpfloat (row[EG_FEAT_CONN_STATE], ==, EG_CONN_STATE_REJ);
  g_assert_cmpfloat (row[EG_FEAT_HIST_ORIG_SYN], ==, 1);
  g_assert_cmpfloat (row[EG_FEAT_HIST_RESP_RST], ==, 1);
  g_assert_cmpfloat (row[EG_FEAT_HIST_RESP_SYNACK], ==, 0);
  g_assert_cmpfloat (row[EG_FEAT_HIST_LEN], ==, 2);
  g_assert_cmpfloat (row[EG_FEAT_ORIG_PKTS], ==, 1);
  g_assert_cmpfloat (row[EG_FEAT_RESP_IP_BYTES], ==, 40);
  g_assert_cmpfloat (row[EG_FEAT_ORIG_BYTES_PER_PKT], ==, 60);
  g_assert_true (isnan (row[EG_FEAT_RESP_BYTE_SHARE]));  /* no payload either way */
  g_assert_cmpfloat (row[EG_FEAT_SERVICE], ==, EG_SERVICE_NONE);
  g_assert_cmpfloat (row[EG_FEAT_SRC_CONNS], ==, 1);
  g_assert_cmpfloat (row[EG_FEAT_SRC_NOT_ESTABLISHED_SHARE], ==, 1);
  /* A log has no packet statistics: missing, not zero. */
  for (guint i = EG_FEAT_FIRST_EXTENDED; i < EG_N_FEATURES; i++)
    g_assert_true (isnan (row[i]));
}

/* Over the whole vertical scan: one source, one destination, the distinct
 * ports Zeek logged. */
static void
test_context (void)
{
  g_autoptr(GArray) flows = read_flows ("slips-dataset/port-scans/vertical/conn.log");
  g_autoptr(EgFeatureContext) ctx = NULL;
  g_autoptr(GHashTable) ports = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) target_ports = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) dsts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  float row[EG_N_FEATURES];
  guint from_scanner = 0, not_established = 0;
  EgAddr scanner, target;
  char buf[EG_ADDR_STRLEN];

  if (flows == NULL)
    return;
  eg_addr_parse ("192.168.1.9", &scanner);
  eg_addr_parse ("45.33.32.156", &target);
  ctx = eg_feature_context_new (EG_FEATURE_WINDOW, 1024);
  for (guint i = 0; i < flows->len; i++)
    {
      const EgFlow *f = &g_array_index (flows, EgFlow, i);

      eg_features_compute (ctx, f, row);
      if (eg_addr_equal (&f->orig_h, &scanner))
        {
          from_scanner++;
          not_established += !eg_conn_state_is_established (f->conn_state);
          g_hash_table_add (ports, GUINT_TO_POINTER ((guint) f->proto << 16 | f->resp_p));
          g_hash_table_add (dsts, g_strdup (eg_addr_to_string (&f->resp_h, buf)));
          /* The row of each flow counts the flows so far, itself included. */
          g_assert_cmpfloat (row[EG_FEAT_SRC_CONNS], ==, from_scanner);
          g_assert_cmpfloat (row[EG_FEAT_SRC_DISTINCT_DPORTS], ==, g_hash_table_size (ports));
          g_assert_cmpfloat (row[EG_FEAT_SRC_DISTINCT_DSTS], ==, g_hash_table_size (dsts));
          if (eg_addr_equal (&f->resp_h, &target))
            {
              g_hash_table_add (target_ports, GUINT_TO_POINTER ((guint) f->proto << 16 | f->resp_p));
              g_assert_cmpfloat (row[EG_FEAT_PAIR_DISTINCT_DPORTS], ==,
                                 g_hash_table_size (target_ports));
            }
          g_assert_cmpfloat_with_epsilon (row[EG_FEAT_SRC_NOT_ESTABLISHED_SHARE],
                                          (double) not_established / from_scanner, 1e-6);
        }
    }
  g_assert_cmpuint (from_scanner, ==, flows->len);
  g_assert_cmpuint (g_hash_table_size (target_ports), >=, 42);
}

static EgFlow
flow_at (double      ts,
         const char *dst,
         guint16     dport)
{
  EgFlow f;

  eg_flow_init (&f);
  eg_addr_parse ("10.1.1.1", &f.orig_h);
  eg_addr_parse (dst, &f.resp_h);
  f.ts = ts;
  f.proto = 6;
  f.resp_p = dport;
  f.conn_state = EG_CONN_STATE_S0;
  f.orig_pkts = 1;
  return f;
}

static void
test_window (void)
{
  g_autoptr(EgFeatureContext) ctx = eg_feature_context_new (300, 1024);
  float row[EG_N_FEATURES];
  EgFlow f;

  for (guint i = 0; i < 20; i++)
    {
      f = flow_at (100 + i, i % 2 ? "10.2.2.2" : "10.3.3.3", 1000 + i);
      eg_features_compute (ctx, &f, row);
    }
  g_assert_cmpfloat (row[EG_FEAT_SRC_CONNS], ==, 20);
  g_assert_cmpfloat (row[EG_FEAT_SRC_DISTINCT_DSTS], ==, 2);
  g_assert_cmpfloat (row[EG_FEAT_SRC_DISTINCT_DPORTS], ==, 20);
  g_assert_cmpfloat (row[EG_FEAT_PAIR_CONNS], ==, 10);
  g_assert_cmpfloat (row[EG_FEAT_PAIR_DPORT_CONNS], ==, 1);
  g_assert_cmpfloat (row[EG_FEAT_SRC_DPORT_DISTINCT_DSTS], ==, 1);

  /* An interim update of a flow that goes on reads the context, adds nothing. */
  f = flow_at (120, "10.2.2.2", 1019);
  f.flags |= EG_FLOW_INTERIM;
  eg_features_compute (ctx, &f, row);
  g_assert_cmpfloat (row[EG_FEAT_SRC_CONNS], ==, 20);
  eg_features_compute (ctx, &f, row);
  g_assert_cmpfloat (row[EG_FEAT_SRC_CONNS], ==, 20);

  /* Packet time moves on past the window: the old flows are forgotten. */
  f = flow_at (100 + 19 + 301, "10.2.2.2", 1019);
  eg_features_compute (ctx, &f, row);
  g_assert_cmpfloat (row[EG_FEAT_SRC_CONNS], ==, 1);
  g_assert_cmpfloat (row[EG_FEAT_SRC_DISTINCT_DPORTS], ==, 1);

  /* A small cap evicts the oldest instead of growing. */
  {
    g_autoptr(EgFeatureContext) small = eg_feature_context_new (300, 16);

    for (guint i = 0; i < 100; i++)
      {
        f = flow_at (1 + i * 0.01, "10.2.2.2", 2000 + i);
        eg_features_compute (small, &f, row);
      }
    g_assert_cmpfloat (row[EG_FEAT_SRC_CONNS], ==, 16);
    g_assert_cmpfloat (row[EG_FEAT_PAIR_DISTINCT_DPORTS], ==, 16);
  }
}

static void
test_packet_stats (void)
{
  EgFlow f = flow_at (1, "10.2.2.2", 443);
  float row[EG_N_FEATURES];

  f.conn_state = EG_CONN_STATE_SF;
  f.orig_pkts = 3;
  f.resp_pkts = 2;
  f.flags |= EG_FLOW_HAS_PACKET_STATS;
  eg_stat_add (&f.dir[0].size, 0, 60);
  eg_stat_add (&f.dir[0].size, 1, 52);
  eg_stat_add (&f.dir[0].size, 2, 500);
  eg_stat_add (&f.dir[0].iat, 0, 0.1);
  eg_stat_add (&f.dir[0].iat, 1, 0.3);
  eg_stat_add (&f.dir[1].size, 0, 60);
  eg_stat_add (&f.dir[1].size, 1, 1400);
  f.dir[0].n_syn = 1;
  f.dir[1].n_syn = 1;
  f.dir[0].n_psh = 1;
  f.first_sizes[0] = 60;
  f.first_sizes[1] = -60;
  f.first_sizes[2] = 52;
  eg_features_compute_flow_only (&f, row);
  g_assert_cmpfloat_with_epsilon (row[EG_FEAT_ORIG_SIZE_MEAN], 204, 1e-3);
  g_assert_cmpfloat_with_epsilon (row[EG_FEAT_RESP_SIZE_MEAN], 730, 1e-3);
  g_assert_cmpfloat_with_epsilon (row[EG_FEAT_ORIG_IAT_MEAN], 0.2, 1e-6);
  g_assert_true (isnan (row[EG_FEAT_RESP_IAT_MEAN]) == FALSE);
  g_assert_cmpfloat (row[EG_FEAT_ORIG_SYN_COUNT], ==, 1);
  g_assert_cmpfloat (row[EG_FEAT_ORIG_PSH_COUNT], ==, 1);
  g_assert_cmpfloat (row[EG_FEAT_FIRST_SIZE_1], ==, -60);
  g_assert_true (isnan (row[EG_FEAT_FIRST_SIZE_7]));  /* the flow had 5 packets */
  g_assert_true (isnan (row[EG_FEAT_SRC_CONNS]));      /* no context asked for */
}

static void
test_format (void)
{
  g_autofree char *state = eg_feature_format_value (EG_FEAT_CONN_STATE, EG_CONN_STATE_REJ);
  g_autofree char *share = eg_feature_format_value (EG_FEAT_SRC_NOT_ESTABLISHED_SHARE, 0.25f);
  g_autofree char *missing = eg_feature_format_value (EG_FEAT_DURATION, NAN);
  g_autofree char *service = eg_feature_format_value (EG_FEAT_SERVICE, EG_SERVICE_SSL);

  g_assert_cmpstr (state, ==, "REJ");
  g_assert_cmpstr (share, ==, "25%");
  g_assert_cmpstr (missing, ==, "unknown");
  g_assert_cmpstr (service, ==, "ssl");
  g_assert_cmpint (eg_feature_service_id ("ssl,http"), ==, EG_SERVICE_SSL);
  g_assert_cmpint (eg_feature_service_id ("-"), ==, EG_SERVICE_NONE);
  g_assert_cmpint (eg_feature_service_id ("quic"), ==, EG_SERVICE_OTHER);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/features/schema/names", test_schema);
  g_test_add_func ("/features/base/conn-log-line", test_base_values);
  g_test_add_func ("/features/context/vertical-scan", test_context);
  g_test_add_func ("/features/context/window-and-cap", test_window);
  g_test_add_func ("/features/extended/packet-stats", test_packet_stats);
  g_test_add_func ("/features/format/values", test_format);
  return g_test_run ();
}
