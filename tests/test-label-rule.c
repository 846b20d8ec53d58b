/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <netinet/in.h>
#include <string.h>

#include "eg-error.h"
#include "eg-flow-log-reader.h"
#include "eg-label-rule.h"
#include "eg-test-util.h"

static EgFlow
flow_to (const char *dst,
         guint16     dport,
         guint8      proto)
{
  EgFlow flow;

  eg_flow_init (&flow);
  eg_addr_parse ("192.168.1.10", &flow.orig_h);
  eg_addr_parse (dst, &flow.resp_h);
  flow.orig_p = 40000;
  flow.resp_p = dport;
  flow.proto = proto;
  flow.ts = 1677060000.0;  /* 2023-02-22T10:00:00Z */
  flow.conn_state = EG_CONN_STATE_SF;
  return flow;
}

static const char *
label_of (const EgLabelRuleSet *set,
          const EgFlow         *flow,
          const char          **detailed)
{
  const char *label = NULL, *d = NULL;

  if (!eg_label_rule_set_match (set, flow, &label, &d))
    return NULL;
  if (detailed)
    *detailed = d;
  return label;
}

static void
test_semantics (void)
{
  const char *text =
    "# comment\n"
    "Background:\n"
    "    - srcIP=all\n"
    "Benign, DNS\n"
    "    - Proto=UDP & dstPort=53     # a note\n"
    "    - Proto=TCP & dstIP=1.1.1.1 & dstPort=53\n"
    "Malicious, C2:\n"
    "    - dstIP=203.0.113.0/24 & dstPort>=8000 & dstPort<9000\n"
    "Malicious, Late:\n"
    "    - start>=2023-02-22T11:00:00 & State!=S0\n"
    "Weird:\n"
    "    - Proto=ARP\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(EgLabelRuleSet) set = eg_label_rule_set_parse ("t.config", text, &error);
  const char *detailed = NULL;
  EgFlow flow;

  g_assert_no_error (error);
  g_assert_cmpuint (eg_label_rule_set_get_n_rules (set), ==, 5);

  flow = flow_to ("8.8.8.8", 443, IPPROTO_TCP);
  g_assert_cmpstr (label_of (set, &flow, &detailed), ==, "Background");
  g_assert_null (detailed);
  /* Either line of a rule (OR); the later rule wins over Background. */
  flow = flow_to ("8.8.8.8", 53, IPPROTO_UDP);
  g_assert_cmpstr (label_of (set, &flow, &detailed), ==, "Benign");
  g_assert_cmpstr (detailed, ==, "DNS");
  flow = flow_to ("1.1.1.1", 53, IPPROTO_TCP);
  g_assert_cmpstr (label_of (set, &flow, NULL), ==, "Benign");
  flow = flow_to ("1.1.1.2", 53, IPPROTO_TCP);
  g_assert_cmpstr (label_of (set, &flow, NULL), ==, "Background");
  /* All conditions of a line (AND), with ranges. */
  flow = flow_to ("203.0.113.9", 8080, IPPROTO_TCP);
  g_assert_cmpstr (label_of (set, &flow, &detailed), ==, "Malicious");
  g_assert_cmpstr (detailed, ==, "C2");
  flow = flow_to ("203.0.113.9", 9000, IPPROTO_TCP);
  g_assert_cmpstr (label_of (set, &flow, NULL), ==, "Background");
  /* A time window and a state. */
  flow = flow_to ("8.8.8.8", 443, IPPROTO_TCP);
  flow.ts += 3600;
  g_assert_cmpstr (label_of (set, &flow, &detailed), ==, "Malicious");
  g_assert_cmpstr (detailed, ==, "Late");
  flow.conn_state = EG_CONN_STATE_S0;
  g_assert_cmpstr (label_of (set, &flow, NULL), ==, "Background");

  /* Written out and read back, the same rules. */
  {
    g_autofree char *out = eg_label_rule_set_to_string (set);
    g_autoptr(EgLabelRuleSet) again = eg_label_rule_set_parse ("again", out, &error);
    const char *label, *d, *conditions;

    g_assert_no_error (error);
    g_assert_cmpuint (eg_label_rule_set_get_n_rules (again), ==, 5);
    eg_label_rule_set_get_rule (again, 1, &label, &d, &conditions);
    g_assert_cmpstr (label, ==, "Benign");
    g_assert_cmpstr (d, ==, "DNS");
    g_assert_cmpstr (conditions, ==, "Proto=UDP & dstPort=53     # a note\n"
                                     "Proto=TCP & dstIP=1.1.1.1 & dstPort=53");
    flow = flow_to ("8.8.8.8", 53, IPPROTO_UDP);
    g_assert_cmpstr (label_of (again, &flow, NULL), ==, "Benign");
  }
}

static void
test_errors (void)
{
  const struct { const char *text; const char *says; } cases[] = {
    { "  - srcIP=1.2.3.4\n", "t:1: a condition comes before any label line" },
    { "Bad:\n  - srcIP=1.2.3\n", "t:2: “1.2.3” is not an IP address" },
    { "Bad:\n  - color=red\n", "t:2: unknown field “color”" },
    { "Bad:\n  - dstPort=http\n", "t:2: “http” is not a number" },
    { "Bad:\n  - dstPort\n", "t:2: “dstPort” is not a condition" },
    { "Bad:\n  - srcIP>1.2.3.4\n", "can only be compared with = or !=" },
    { "Bad:\n  - State=XYZ\n", "not a Zeek conn_state" },
    { "Bad:\n  - start>yesterday\n", "neither a unix time nor an ISO 8601 date" },
    { "srcIP=1.2.3.4\n", "t:1: “srcIP=1.2.3.4” is neither a label line" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EgLabelRuleSet) set = eg_label_rule_set_parse ("t", cases[i].text, &error);

      g_assert_null (set);
      g_assert_error (error, EG_ERROR, EG_ERROR_FORMAT);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("%s: message “%s” lacks “%s”", cases[i].text, error->message, cases[i].says);
    }
  {
    g_autoptr(GError) error = NULL;
    g_assert_null (eg_label_rule_set_load ("/nonexistent/labels.config", &error));
    g_assert_error (error, EG_ERROR, EG_ERROR_NOT_FOUND);
  }
}

/* netflowlabeler labeled this capture with this labels.config: our rules
 * must give every flow the label it wrote. */
static void
test_netflowlabeler_dataset (void)
{
  g_autofree char *config = eg_test_shared_path ("stratosphere-security-datasets/008-zeek-mixed/labels.config");
  g_autofree char *log = eg_test_shared_path ("stratosphere-security-datasets/008-zeek-mixed/data/conn.log.labeled");
  g_autoptr(GError) error = NULL;
  g_autoptr(EgLabelRuleSet) set = NULL;
  g_autoptr(EgFlowLogReader) reader = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = 0, agree = 0;
  EgFlow flow;

  if (config == NULL || log == NULL)
    return;
  set = eg_label_rule_set_load (config, &error);
  g_assert_no_error (error);
  reader = eg_flow_log_reader_open (log, &error);
  g_assert_no_error (error);
  while (eg_flow_log_reader_next (reader, &flow, &error))
    {
      const char *label = NULL, *detailed = NULL;

      n++;
      g_assert_true (eg_label_rule_set_match (set, &flow, &label, &detailed));
      if (label == flow.label && detailed == flow.detailed_label)
        agree++;
      else if (n - agree <= 5)
        g_test_message ("%s: rules say %s/%s, the file %s/%s", flow.uid, label, detailed,
                        flow.label, flow.detailed_label);
      g_hash_table_insert (counts, (gpointer) label,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, label)) + 1));
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 5663);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Malicious")), ==, 4201);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Benign")), ==, 1402);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Background")), ==, 60);
  g_assert_cmpuint (agree, ==, n);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/label-rule/semantics", test_semantics);
  g_test_add_func ("/label-rule/errors", test_errors);
  g_test_add_func ("/label-rule/netflowlabeler-dataset", test_netflowlabeler_dataset);
  return g_test_run ();
}
