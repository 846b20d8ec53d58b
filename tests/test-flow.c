/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <netinet/in.h>
#include <string.h>

#include "eg-flow.h"

static void
set_flow (EgFlow     *flow,
          const char *orig,
          guint16     orig_p,
          const char *resp,
          guint16     resp_p,
          guint8      proto)
{
  eg_flow_init (flow);
  g_assert_true (eg_addr_parse (orig, &flow->orig_h));
  g_assert_true (eg_addr_parse (resp, &flow->resp_h));
  flow->orig_p = orig_p;
  flow->resp_p = resp_p;
  flow->proto = proto;
}

/* Vectors from Zeek's own community-id test (seed 0). */
static void
test_community_id_vectors (void)
{
  EgFlow flow;

  set_flow (&flow, "1.2.3.4", 1122, "5.6.7.8", 3344, IPPROTO_TCP);
  eg_flow_compute_community_id (&flow);
  g_assert_cmpstr (flow.community_id, ==, "1:wCb3OG7yAFWelaUydu0D+125CLM=");

  set_flow (&flow, "1.2.3.4", 1122, "5.6.7.8", 3344, IPPROTO_UDP);
  eg_flow_compute_community_id (&flow);
  g_assert_cmpstr (flow.community_id, ==, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=");
}

static void
test_community_id_direction_agnostic (void)
{
  EgFlow a, b;

  set_flow (&a, "10.0.0.1", 40000, "10.0.0.2", 443, IPPROTO_TCP);
  set_flow (&b, "10.0.0.2", 443, "10.0.0.1", 40000, IPPROTO_TCP);
  eg_flow_compute_community_id (&a);
  eg_flow_compute_community_id (&b);
  g_assert_cmpstr (a.community_id, ==, b.community_id);
}

static void
test_conn_state_strings (void)
{
  for (EgConnState s = 0; s < EG_CONN_STATE_N_STATES; s++)
    {
      EgConnState back;
      g_assert_true (eg_conn_state_from_string (eg_conn_state_to_string (s), &back));
      g_assert_cmpint (back, ==, s);
    }
  EgConnState unused;
  g_assert_false (eg_conn_state_from_string ("XYZ", &unused));
  g_assert_true (eg_conn_state_is_established (EG_CONN_STATE_SF));
  g_assert_false (eg_conn_state_is_established (EG_CONN_STATE_S0));
  g_assert_false (eg_conn_state_is_established (EG_CONN_STATE_REJ));
}

static void
test_stats (void)
{
  EgStat s = { 0 };
  double values[] = { 2, 4, 4, 4, 5, 5, 7, 9 };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    eg_stat_add (&s, i, values[i]);
  g_assert_cmpfloat (s.min, ==, 2);
  g_assert_cmpfloat (s.max, ==, 9);
  g_assert_cmpfloat_with_epsilon (eg_stat_mean (&s, 8), 5.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (eg_stat_stddev (&s, 8), 2.0, 1e-9);
}

static void
test_uid_shape (void)
{
  char a[EG_UID_LEN], b[EG_UID_LEN];

  eg_flow_make_uid (a, 1, 2);
  eg_flow_make_uid (b, 1, 3);
  g_assert_cmpint (a[0], ==, 'C');
  g_assert_cmpuint (strlen (a), ==, 18);
  g_assert_cmpstr (a, !=, b);
}

static void
test_label_normalize (void)
{
  g_assert_true (eg_label_normalize ("malicious") == eg_label_normalize ("Malicious"));
  g_assert_cmpstr (eg_label_normalize ("normal"), ==, EG_LABEL_BENIGN);
  g_assert_null (eg_label_normalize ("-"));
  g_assert_null (eg_label_normalize (""));
  g_assert_cmpstr (eg_label_normalize ("Background"), ==, "Background");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/flow/community-id/vectors", test_community_id_vectors);
  g_test_add_func ("/flow/community-id/direction-agnostic", test_community_id_direction_agnostic);
  g_test_add_func ("/flow/conn-state/strings", test_conn_state_strings);
  g_test_add_func ("/flow/stats", test_stats);
  g_test_add_func ("/flow/uid", test_uid_shape);
  g_test_add_func ("/flow/label/normalize", test_label_normalize);
  return g_test_run ();
}
