/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <netinet/in.h>
#include <string.h>

#include "eg-error.h"
#include "eg-flow-filter.h"

static EgFlow
sample_flow (void)
{
  EgFlow flow;

  eg_flow_init (&flow);
  g_strlcpy (flow.uid, "CAbc123", sizeof flow.uid);
  eg_addr_parse ("10.1.2.3", &flow.orig_h);
  eg_addr_parse ("93.184.216.34", &flow.resp_h);
  flow.orig_p = 51515;
  flow.resp_p = 443;
  flow.proto = IPPROTO_TCP;
  flow.service = g_intern_string ("ssl");
  flow.conn_state = EG_CONN_STATE_SF;
  flow.score = 0.93f;
  flow.ts = 1677060000.25;   /* 2023-02-22T10:00:00.25Z */
  flow.duration = 12.5;
  flow.orig_bytes = 1000;
  flow.resp_bytes = 5000;
  flow.orig_pkts = 10;
  flow.resp_pkts = 12;
  flow.label = eg_label_normalize ("malicious");
  flow.detailed_label = g_intern_string ("C2");
  flow.label_source = EG_LABEL_SOURCE_MODEL;
  return flow;
}

static gboolean
matches (const char   *text,
         const EgFlow *flow)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EgFlowFilter) filter = eg_flow_filter_parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (filter);
  g_assert_cmpstr (eg_flow_filter_get_text (filter), ==, text);
  return eg_flow_filter_match (filter, flow);
}

static void
test_match (void)
{
  EgFlow flow = sample_flow ();
  const char *yes[] = {
    "",
    "src 10.0.0.0/8 and dport 443 and not label Benign and score > 0.8",
    "src 10.1.2.3",
    "dst 93.184.216.0/24",
    "host 93.184.216.34 host 10.1.2.3",
    "port 443", "port 51515", "sport 50000-60000", "dport 443-443",
    "proto tcp", "proto 6", "PROTO TCP",
    "service ssl", "label malicious", "label Malicious", "detailedlabel C2",
    "source model", "state SF", "conn_state sf", "uid CAbc123",
    "score >= 0.93", "score<1", "duration > 12", "bytes = 6000", "pkts == 22",
    "not label none", "not (label benign or dport 80)", "dport 80 or dport 443",
    "! service dns && proto tcp", "label Benign or (src 10.0.0.0/8 and score > 0.9)",
    "ts >= 1677060000 and ts < 1677060000.5", "ts < 2023-02-22T10:00:01",
    "ts >= 2023-02-22T10:00:00.25Z", "ts > 2023-02-22T11:00:00+02:00",
  };
  const char *no[] = {
    "src 192.168.0.0/16", "dst 10.0.0.0/8", "dport 80", "sport 443", "proto udp",
    "service dns", "service none", "label benign", "label none", "detailedlabel other",
    "source operator", "state S0", "uid Cother", "score > 0.95", "score != 0.93",
    "not src 10.0.0.0/8", "src 10.0.0.0/8 and dport 80", "host ::1",
    "label Benign and (src 10.0.0.0/8 or score > 0.9)",
    "ts < 1677060000.25", "ts >= 2023-02-22T10:00:01", "ts < 2023-02-22T11:00:00+02:00",
  };

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    if (!matches (yes[i], &flow))
      g_error ("“%s” should match", yes[i]);
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    if (matches (no[i], &flow))
      g_error ("“%s” should not match", no[i]);

  /* An unlabeled, unscored flow. */
  flow.label = NULL;
  flow.score = -1;
  flow.service = NULL;
  g_assert_true (matches ("label none and score < 0 and service none", &flow));
  g_assert_true (matches ("label normal or label none", &flow));
  g_assert_false (matches ("label Malicious", &flow));

  /* IPv6 */
  eg_addr_parse ("2001:db8::5", &flow.orig_h);
  g_assert_true (matches ("src 2001:db8::/32", &flow));
  g_assert_false (matches ("src 10.0.0.0/8", &flow));
}

static void
test_errors (void)
{
  const struct { const char *text; const char *says; } cases[] = {
    { "srcip 10.0.0.1", "unknown word “srcip”" },
    { "src 10.0.0.300", "not an IP address" },
    { "src", "needs a value" },
    { "dport 70000", "not a port" },
    { "dport 90-80", "not a port" },
    { "proto sctpx", "not a protocol" },
    { "state XX", "not a Zeek conn_state" },
    { "source god", "not a label source" },
    { "score high", "needs a comparison" },
    { "score > lots", "needs a number" },
    { "ts > yesterday", "unix time or an ISO 8601 date" },
    { "(dport 80", "never closed" },
    { "dport 80 )", "unexpected “)”" },
    { "not", "ends where a condition" },
    { "dport 80 and", "ends where a condition" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EgFlowFilter) filter = eg_flow_filter_parse (cases[i].text, &error);

      g_assert_null (filter);
      g_assert_error (error, EG_ERROR, EG_ERROR_FORMAT);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("“%s”: message “%s” lacks “%s”", cases[i].text, error->message, cases[i].says);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/flow-filter/match", test_match);
  g_test_add_func ("/flow-filter/errors", test_errors);
  return g_test_run ();
}
