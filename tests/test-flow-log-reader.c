/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <netinet/in.h>
#include <string.h>

#include "eg-error.h"
#include "eg-flow-log-reader.h"
#include "eg-test-util.h"

typedef struct {
  GArray    *flows;     /* EgFlow */
  GPtrArray *warnings;  /* char * */
  guint64    n_bad;
  guint64    n_skipped;
  gboolean   has_labels;
  EgFlowLogFormat format;
} Read;

static void
collect_warning (const char *message,
                 gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strdup (message));
}

static void
read_clear (Read *r)
{
  g_clear_pointer (&r->flows, g_array_unref);
  g_clear_pointer (&r->warnings, g_ptr_array_unref);
}

static void
read_all (EgFlowLogReader *reader,
          Read            *r)
{
  g_autoptr(GError) error = NULL;
  EgFlow flow;

  r->flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  r->warnings = g_ptr_array_new_with_free_func (g_free);
  eg_flow_log_reader_set_warning_func (reader, collect_warning, r->warnings);
  while (eg_flow_log_reader_next (reader, &flow, &error))
    g_array_append_val (r->flows, flow);
  g_assert_no_error (error);
  /* At the end, next keeps saying so. */
  g_assert_false (eg_flow_log_reader_next (reader, &flow, &error));
  g_assert_no_error (error);
  r->n_bad = eg_flow_log_reader_get_n_bad_lines (reader);
  r->n_skipped = eg_flow_log_reader_get_n_skipped (reader);
  r->has_labels = eg_flow_log_reader_has_labels (reader);
  r->format = eg_flow_log_reader_get_format (reader);
  if (eg_flow_log_reader_get_size (reader) > 0)
    g_assert_cmpuint (eg_flow_log_reader_get_offset (reader), ==,
                      eg_flow_log_reader_get_size (reader));
}

static gboolean
read_shared (const char *relative,
             Read       *r)
{
  g_autofree char *path = eg_test_shared_path (relative);
  g_autoptr(EgFlowLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return FALSE;
  reader = eg_flow_log_reader_open (path, &error);
  g_assert_no_error (error);
  read_all (reader, r);
  return TRUE;
}

static void
read_data (const char *name,
           const char *data,
           Read       *r)
{
  g_autoptr(EgFlowLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;

  reader = eg_flow_log_reader_new_for_data (name, data, strlen (data), &error);
  g_assert_no_error (error);
  read_all (reader, r);
}

static const EgFlow *
flow_at (Read *r,
         guint i)
{
  g_assert_cmpuint (i, <, r->flows->len);
  return &g_array_index (r->flows, EgFlow, i);
}

static const EgFlow *
find_uid (Read       *r,
          const char *uid)
{
  for (guint i = 0; i < r->flows->len; i++)
    if (strcmp (flow_at (r, i)->uid, uid) == 0)
      return flow_at (r, i);
  g_assert_not_reached ();
}

static guint
count_state (Read        *r,
             EgConnState  state)
{
  guint n = 0;

  for (guint i = 0; i < r->flows->len; i++)
    n += flow_at (r, i)->conn_state == state;
  return n;
}

static guint
count_label (Read       *r,
             const char *label)
{
  guint n = 0;

  for (guint i = 0; i < r->flows->len; i++)
    n += g_strcmp0 (flow_at (r, i)->label, label) == 0;
  return n;
}

static void
assert_addr (const EgAddr *addr,
             const char   *expected)
{
  char buf[EG_ADDR_STRLEN];

  g_assert_cmpstr (eg_addr_to_string (addr, buf), ==, expected);
}

static void
assert_community_id_recomputed (const EgFlow *flow)
{
  EgFlow copy = *flow;

  eg_flow_compute_community_id (&copy);
  g_assert_cmpstr (flow->community_id, ==, copy.community_id);
  g_assert_true (g_str_has_prefix (flow->community_id, "1:"));
}

/* ---- sniffing ---- */

static void
test_sniff (void)
{
  EgFlowLogFormat format;
  static const char binetflow[] = "StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr\n";
  static const char binetflow_tab[] = "StartTime\tDur\tProto\tSrcAddr\n";

  g_assert_true (eg_flow_log_sniff ("#separator \\x09\n", 16, &format));
  g_assert_cmpint (format, ==, EG_FLOW_LOG_ZEEK_TSV);
  g_assert_true (eg_flow_log_sniff ("\t#separator \\x09\n", 17, &format));
  g_assert_cmpint (format, ==, EG_FLOW_LOG_ZEEK_TSV);
  g_assert_true (eg_flow_log_sniff ("\n\n#fields\tts\n", 13, &format));
  g_assert_cmpint (format, ==, EG_FLOW_LOG_ZEEK_TSV);
  g_assert_true (eg_flow_log_sniff ("  {\"ts\":1}\n", 11, &format));
  g_assert_cmpint (format, ==, EG_FLOW_LOG_ZEEK_JSON);
  g_assert_true (eg_flow_log_sniff (binetflow, strlen (binetflow), &format));
  g_assert_cmpint (format, ==, EG_FLOW_LOG_BINETFLOW);
  g_assert_true (eg_flow_log_sniff (binetflow_tab, strlen (binetflow_tab), &format));
  g_assert_cmpint (format, ==, EG_FLOW_LOG_BINETFLOW);

  g_assert_false (eg_flow_log_sniff ("", 0, &format));
  g_assert_false (eg_flow_log_sniff ("   \n\n", 5, &format));
  g_assert_false (eg_flow_log_sniff ("hello world\n", 12, &format));
  /* StartTime alone is not enough; SrcAddr on the next line does not count. */
  g_assert_false (eg_flow_log_sniff ("StartTime,Dur\nSrcAddr\n", 22, &format));
  g_assert_false (eg_flow_log_sniff ("#path\tconn\n", 11, &format));
}

/* ---- Zeek TSV ---- */

static void
test_zeek_tsv_horizontal (void)
{
  Read r = { 0 };
  const EgFlow *f;
  g_autoptr(GHashTable) s0_dsts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!read_shared ("slips-dataset/port-scans/horizontal/conn.log", &r))
    return;
  g_assert_cmpint (r.format, ==, EG_FLOW_LOG_ZEEK_TSV);
  g_assert_cmpuint (r.flows->len, ==, 41);
  g_assert_cmpuint (r.n_bad, ==, 0);
  g_assert_cmpuint (r.warnings->len, ==, 0);
  g_assert_false (r.has_labels);

  /* 928.943457 Cxl7TP23vZQ4RolkJf 10.0.2.112 49168 195.113.214.219 80 tcp http
   * 0.055687 261 1077 SF - - 0 ShADadfF 5 473 5 1281 (empty) */
  f = flow_at (&r, 0);
  g_assert_cmpfloat_with_epsilon (f->ts, 928.943457, 1e-9);
  g_assert_cmpstr (f->uid, ==, "Cxl7TP23vZQ4RolkJf");
  assert_addr (&f->orig_h, "10.0.2.112");
  g_assert_cmpuint (f->orig_p, ==, 49168);
  assert_addr (&f->resp_h, "195.113.214.219");
  g_assert_cmpuint (f->resp_p, ==, 80);
  g_assert_cmpuint (f->proto, ==, IPPROTO_TCP);
  g_assert_cmpstr (f->service, ==, "http");
  g_assert_cmpfloat_with_epsilon (f->duration, 0.055687, 1e-9);
  g_assert_cmpuint (f->orig_bytes, ==, 261);
  g_assert_cmpuint (f->resp_bytes, ==, 1077);
  g_assert_cmpint (f->conn_state, ==, EG_CONN_STATE_SF);
  g_assert_cmpuint (f->missed_bytes, ==, 0);
  g_assert_cmpstr (f->history, ==, "ShADadfF");
  g_assert_cmpuint (f->orig_pkts, ==, 5);
  g_assert_cmpuint (f->orig_ip_bytes, ==, 473);
  g_assert_cmpuint (f->resp_pkts, ==, 5);
  g_assert_cmpuint (f->resp_ip_bytes, ==, 1281);
  g_assert_cmpint (f->origin, ==, EG_FLOW_ORIGIN_ZEEK);
  g_assert_null (f->label);
  g_assert_cmpint (f->label_source, ==, EG_LABEL_SOURCE_NONE);
  g_assert_cmpfloat (f->score, <, 0);
  assert_community_id_recomputed (f);

  /* The last record: a lone SYN, duration and bytes unset ("-"). */
  f = flow_at (&r, 40);
  g_assert_cmpstr (f->uid, ==, "CeSj4A1BN9nBei0fe9");
  assert_addr (&f->resp_h, "188.252.30.130");
  g_assert_null (f->service);
  g_assert_cmpfloat (f->duration, ==, 0);
  g_assert_cmpuint (f->orig_bytes, ==, 0);
  g_assert_cmpint (f->conn_state, ==, EG_CONN_STATE_S0);
  g_assert_cmpstr (f->history, ==, "S");
  g_assert_cmpuint (f->orig_ip_bytes, ==, 52);

  g_assert_cmpuint (count_state (&r, EG_CONN_STATE_S0), ==, 11);
  g_assert_cmpuint (count_state (&r, EG_CONN_STATE_SF), ==, 26);
  g_assert_cmpuint (count_state (&r, EG_CONN_STATE_RSTR), ==, 3);
  g_assert_cmpuint (count_state (&r, EG_CONN_STATE_RSTO), ==, 1);
  for (guint i = 0; i < r.flows->len; i++)
    {
      char buf[EG_ADDR_STRLEN];

      f = flow_at (&r, i);
      if (f->conn_state == EG_CONN_STATE_S0 && f->resp_p == 80)
        g_hash_table_add (s0_dsts, g_strdup (eg_addr_to_string (&f->resp_h, buf)));
    }
  g_assert_cmpuint (g_hash_table_size (s0_dsts), ==, 10);
  read_clear (&r);
}

static void
test_zeek_tsv_leading_tab (void)
{
  Read r = { 0 };
  const EgFlow *f;

  /* The first line is "\t#separator \x09". */
  if (!read_shared ("slips-dataset/test10-mixed-zeek-dir/conn.log", &r))
    return;
  g_assert_cmpint (r.format, ==, EG_FLOW_LOG_ZEEK_TSV);
  g_assert_cmpuint (r.flows->len, ==, 141);
  g_assert_cmpuint (r.n_bad, ==, 0);

  f = flow_at (&r, 0);
  g_assert_cmpstr (f->uid, ==, "CNgrt04tHika5Pgpfi");
  assert_addr (&f->orig_h, "2001:718:2:1663:dc58:6d9:ef13:51a5");
  g_assert_cmpuint (f->orig_p, ==, 54170);
  assert_addr (&f->resp_h, "2001:718:2:1611:0:1:0:90");
  g_assert_cmpuint (f->resp_p, ==, 53);
  g_assert_cmpuint (f->proto, ==, IPPROTO_UDP);
  g_assert_cmpstr (f->service, ==, "dns");
  g_assert_cmpstr (f->history, ==, "Dd");

  f = find_uid (&r, "CQXQn74CvZjGORATgf");
  g_assert_cmpfloat_with_epsilon (f->ts, 1601998398.084330, 1e-6);
  assert_addr (&f->resp_h, "2620:0:862:ed1a::2:b");
  g_assert_cmpstr (f->service, ==, "ssl");
  g_assert_cmpstr (f->history, ==, "ShADadFRfR");
  g_assert_cmpuint (f->orig_pkts, ==, 11);
  g_assert_cmpuint (f->resp_ip_bytes, ==, 4881);
  read_clear (&r);
}

static void
test_zeek_tsv_labeled (void)
{
  Read r = { 0 };
  const EgFlow *f;
  guint n_attack = 0;

  if (!read_shared ("stratosphere-security-datasets/008-zeek-mixed/data/conn.log.labeled", &r))
    return;
  g_assert_cmpuint (r.flows->len, ==, 5663);
  g_assert_cmpuint (r.n_bad, ==, 0);
  g_assert_true (r.has_labels);
  g_assert_cmpuint (count_label (&r, EG_LABEL_MALICIOUS), ==, 4201);
  g_assert_cmpuint (count_label (&r, EG_LABEL_BENIGN), ==, 1402);
  g_assert_cmpuint (count_label (&r, "Background"), ==, 60);
  for (guint i = 0; i < r.flows->len; i++)
    {
      f = flow_at (&r, i);
      g_assert_cmpint (f->label_source, ==, EG_LABEL_SOURCE_IMPORTED);
      if (g_strcmp0 (f->detailed_label, "External-Attack-to-Device") == 0)
        n_attack++;
      /* Interned: one pointer per distinct label. */
      g_assert_true (f->label == g_intern_string (f->label));
    }
  g_assert_cmpuint (n_attack, ==, 4201);

  f = flow_at (&r, 0);
  g_assert_cmpstr (f->uid, ==, "CHLXQF2OBY4onAR0Ug");
  g_assert_cmpstr (f->label, ==, "Benign");
  g_assert_cmpstr (f->detailed_label, ==, "Microsoft");
  g_assert_cmpuint (f->missed_bytes, ==, 5138);
  f = flow_at (&r, 1);
  g_assert_cmpstr (f->label, ==, "Malicious");
  g_assert_cmpint (f->conn_state, ==, EG_CONN_STATE_S0);
  g_assert_cmpuint (f->resp_p, ==, 3933);
  /* "Background" rows carry "(empty)" as their detailed label: unset. */
  for (guint i = 0; i < r.flows->len; i++)
    if (g_strcmp0 (flow_at (&r, i)->label, "Background") == 0)
      g_assert_null (flow_at (&r, i)->detailed_label);
  f = flow_at (&r, 5662);
  g_assert_cmpstr (f->uid, ==, "CroVgv1b49z1onCqv9");
  g_assert_cmpstr (f->history, ==, "SAhDadFf");
  read_clear (&r);
}

static void
test_zeek_tsv_labeled_by_hand (void)
{
  Read r = { 0 };

  if (!read_shared ("slips-dataset/test18-malicious-ctu-sme-11-win/zeek-labeled/conn.log.labeled", &r))
    return;
  g_assert_cmpuint (r.flows->len, ==, 766);
  g_assert_cmpuint (count_label (&r, EG_LABEL_MALICIOUS), ==, 719);
  g_assert_cmpuint (count_label (&r, EG_LABEL_BENIGN), ==, 44);
  g_assert_cmpuint (count_label (&r, "Unknown"), ==, 3);
  g_assert_cmpstr (flow_at (&r, 0)->detailed_label, ==,
                   "From_malicious-To_malicious-Malware_data_exfiltration-RemcosRAT");
  g_assert_cmpint (flow_at (&r, 0)->conn_state, ==, EG_CONN_STATE_REJ);
  read_clear (&r);
}

/* The IoT-23 layout: the last columns joined by runs of spaces, in the
 * #fields line and in the records; the columns in another order. */
static void
test_zeek_tsv_space_quirk (void)
{
  static const char data[] =
    "#separator \\x09\n"
    "#set_separator\t,\n"
    "#empty_field\t(empty)\n"
    "#unset_field\t-\n"
    "#path\tconn\n"
    "#fields\tuid\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tconn_state\textra\ttunnel_parents   label   detailedlabel\n"
    "#types\tstring\ttime\taddr\tport\taddr\tport\tenum\tstring\tstring\tset[string]   string   string\n"
    "CAbc\t1545403816.962094\t192.168.1.195\t41040\t185.244.25.235\t80\ttcp\tS0\tx\t-   Malicious   PartOfAHorizontalPortScan\n"
    "CDef\t1545403824.181240\t192.168.1.195\t41040\t185.244.25.235\t80\ttcp\tSF\tx\t-   Benign   -\n";
  Read r = { 0 };

  read_data ("iot23.log", data, &r);
  g_assert_cmpuint (r.n_bad, ==, 0);
  g_assert_true (r.has_labels);
  g_assert_cmpuint (r.flows->len, ==, 2);
  g_assert_cmpstr (flow_at (&r, 0)->uid, ==, "CAbc");
  g_assert_cmpfloat_with_epsilon (flow_at (&r, 0)->ts, 1545403816.962094, 1e-6);
  g_assert_cmpstr (flow_at (&r, 0)->label, ==, "Malicious");
  g_assert_cmpstr (flow_at (&r, 0)->detailed_label, ==, "PartOfAHorizontalPortScan");
  g_assert_cmpint (flow_at (&r, 0)->label_source, ==, EG_LABEL_SOURCE_IMPORTED);
  g_assert_cmpstr (flow_at (&r, 1)->label, ==, "Benign");
  g_assert_null (flow_at (&r, 1)->detailed_label);
  g_assert_cmpint (flow_at (&r, 1)->conn_state, ==, EG_CONN_STATE_SF);
  read_clear (&r);
}

/* Another separator and other markers, escapes undone, a uid and a
 * community id made where the file has none. */
static void
test_zeek_tsv_header_markers (void)
{
  static const char data[] =
    "#separator \\x7c\n"
    "#unset_field|NONE\n"
    "#empty_field|EMPTY\n"
    "#fields|ts|id.orig_h|id.orig_p|id.resp_h|id.resp_p|proto|service|history|label\n"
    "10.5|10.0.0.1|1234|10.0.0.2|53|udp|NONE|Dd|weird\\x7clabel\n"
    "11.5|10.0.0.1|1235|10.0.0.2|53|udp|dns|EMPTY|-\n";
  Read r = { 0 }, again = { 0 };

  read_data ("pipes.log", data, &r);
  g_assert_cmpuint (r.n_bad, ==, 0);
  g_assert_cmpuint (r.flows->len, ==, 2);
  g_assert_null (flow_at (&r, 0)->service);
  g_assert_cmpstr (flow_at (&r, 0)->label, ==, "weird|label");
  g_assert_cmpstr (flow_at (&r, 1)->service, ==, "dns");
  g_assert_cmpstr (flow_at (&r, 1)->history, ==, "");
  g_assert_null (flow_at (&r, 1)->label);
  g_assert_cmpuint (strlen (flow_at (&r, 0)->uid), >, 10);
  g_assert_true (flow_at (&r, 0)->uid[0] == 'C');
  g_assert_cmpstr (flow_at (&r, 0)->uid, !=, flow_at (&r, 1)->uid);
  assert_community_id_recomputed (flow_at (&r, 0));

  /* The generated uids are the same on every read. */
  read_data ("pipes.log", data, &again);
  g_assert_cmpstr (flow_at (&r, 0)->uid, ==, flow_at (&again, 0)->uid);
  g_assert_cmpstr (flow_at (&r, 1)->uid, ==, flow_at (&again, 1)->uid);
  read_clear (&r);
  read_clear (&again);
}

/* ---- Zeek JSON ---- */

static void
test_zeek_json_vertical (void)
{
  Read r = { 0 };
  const EgFlow *f;
  g_autoptr(GHashTable) ports = g_hash_table_new (NULL, NULL);

  if (!read_shared ("slips-dataset/port-scans/vertical/conn.log", &r))
    return;
  g_assert_cmpint (r.format, ==, EG_FLOW_LOG_ZEEK_JSON);
  g_assert_cmpuint (r.flows->len, ==, 50);
  g_assert_cmpuint (r.n_bad, ==, 0);
  g_assert_false (r.has_labels);
  g_assert_cmpuint (count_state (&r, EG_CONN_STATE_REJ), ==, 43);
  g_assert_cmpuint (count_state (&r, EG_CONN_STATE_SF), ==, 4);
  g_assert_cmpuint (count_state (&r, EG_CONN_STATE_RSTO), ==, 3);

  f = flow_at (&r, 0);
  g_assert_cmpfloat_with_epsilon (f->ts, 1700828217.314165, 1e-6);
  g_assert_cmpstr (f->uid, ==, "CfykLO1IT1nVRJhLA3");
  assert_addr (&f->orig_h, "192.168.1.9");
  g_assert_cmpuint (f->orig_p, ==, 50820);
  assert_addr (&f->resp_h, "45.33.32.156");
  g_assert_cmpuint (f->resp_p, ==, 443);
  g_assert_cmpuint (f->proto, ==, IPPROTO_TCP);
  g_assert_null (f->service);
  g_assert_cmpfloat_with_epsilon (f->duration, 0.20696377754211426, 1e-12);
  g_assert_cmpint (f->conn_state, ==, EG_CONN_STATE_REJ);
  g_assert_cmpstr (f->history, ==, "Sr");
  g_assert_cmpuint (f->orig_pkts, ==, 1);
  g_assert_cmpuint (f->orig_ip_bytes, ==, 60);
  g_assert_cmpuint (f->resp_pkts, ==, 1);
  g_assert_cmpuint (f->resp_ip_bytes, ==, 40);
  g_assert_cmpint (f->origin, ==, EG_FLOW_ORIGIN_ZEEK);
  assert_community_id_recomputed (f);

  f = flow_at (&r, 1);
  g_assert_cmpstr (f->uid, ==, "Cbv8yQ1SWqf3kRDvie");
  g_assert_cmpint (f->conn_state, ==, EG_CONN_STATE_RSTO);
  g_assert_cmpstr (f->history, ==, "ShAR");
  g_assert_cmpuint (f->orig_ip_bytes, ==, 164);

  for (guint i = 0; i < r.flows->len; i++)
    if (!eg_conn_state_is_established (flow_at (&r, i)->conn_state))
      g_hash_table_add (ports, GUINT_TO_POINTER (flow_at (&r, i)->resp_p));
  g_assert_cmpuint (g_hash_table_size (ports), ==, 42);
  read_clear (&r);
}

static void
test_zeek_json_values (void)
{
  static const char data[] =
    "{\"ts\":\"2023-11-24T12:16:57.314165Z\",\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\","
    "\"id.orig_p\":5353,\"id.resp_h\":\"224.0.0.251\",\"id.resp_p\":5353,\"proto\":\"udp\","
    "\"conn_state\":\"S0\",\"orig_pkts\":2,\"tunnel_parents\":[\"Cx\",\"Cy\"],"
    "\"nested\":{\"a\":[1,{\"b\":\"}\"}]},\"local_orig\":true,\"service\":null,"
    "\"label\":\"Malicious\",\"detailedlabel\":\"C\\u0026C \\\"quoted\\\" \\u00e9\","
    "\"community_id\":\"1:abc\"}\n"
    "\n"
    "{\"ts\":1.5,\"id.orig_h\":\"fe80::1\",\"id.resp_h\":\"ff02::1\",\"proto\":\"icmp\","
    "\"id.orig_p\":135,\"id.resp_p\":0,\"conn_state\":\"OTH\"}\n";
  Read r = { 0 };
  const EgFlow *f;

  read_data ("values.json", data, &r);
  g_assert_cmpuint (r.n_bad, ==, 0);
  g_assert_true (r.has_labels);
  g_assert_cmpuint (r.flows->len, ==, 2);
  f = flow_at (&r, 0);
  /* 2023-11-24T12:16:57Z is 1700828217 seconds after the epoch. */
  g_assert_cmpfloat_with_epsilon (f->ts, 1700828217.314165, 1e-6);
  g_assert_cmpuint (f->orig_pkts, ==, 2);
  g_assert_null (f->service);
  g_assert_cmpstr (f->label, ==, "Malicious");
  g_assert_cmpstr (f->detailed_label, ==, "C&C \"quoted\" é");
  g_assert_cmpstr (f->community_id, ==, "1:abc");
  f = flow_at (&r, 1);
  /* Zeek writes "icmp" for ICMPv6 too. */
  g_assert_cmpuint (f->proto, ==, IPPROTO_ICMPV6);
  g_assert_cmpuint (f->orig_p, ==, 135);
  read_clear (&r);
}

/* ---- Argus binetflow ---- */

static void
test_binetflow_tab_labels (void)
{
  Read r = { 0 };
  const EgFlow *f;
  gboolean seen_icmp = FALSE, seen_icmp6 = FALSE, seen_unlabeled = FALSE;

  if (!read_shared ("slips-dataset/test5-mixed.binetflow", &r))
    return;
  g_assert_cmpint (r.format, ==, EG_FLOW_LOG_BINETFLOW);
  g_assert_true (r.has_labels);
  g_assert_cmpuint (r.n_bad, ==, 0);
  /* 300 records: 81 tcp, 211 udp, 1 icmp, 3 ipv6-icmp kept; arp 2, llc, man
   * skipped with one summary warning. */
  g_assert_cmpuint (r.flows->len, ==, 296);
  g_assert_cmpuint (r.n_skipped, ==, 4);
  g_assert_cmpuint (r.warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 0), "arp 2, llc 1, man 1"));
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 0), "test5-mixed.binetflow"));

  g_assert_cmpuint (count_label (&r, EG_LABEL_MALICIOUS), ==, 80 + 197);
  g_assert_cmpuint (count_label (&r, "Background"), ==, 18);

  for (guint i = 0; i < r.flows->len; i++)
    {
      f = flow_at (&r, i);
      g_assert_cmpint (f->origin, ==, EG_FLOW_ORIGIN_BINETFLOW);
      g_assert_cmpuint (f->uid[0], ==, 'C');
      if (f->proto == IPPROTO_ICMP)
        {
          /* Sport 0x0303: type 3, code 3 (port unreachable). */
          assert_addr (&f->resp_h, "8.8.4.4");
          g_assert_cmpuint (f->orig_p, ==, 3);
          g_assert_cmpuint (f->resp_p, ==, 3);
          g_assert_cmpint (f->conn_state, ==, EG_CONN_STATE_OTH);
          g_assert_cmpstr (f->detailed_label, ==, "flow=Background-ICMP");
          seen_icmp = TRUE;
        }
      if (f->proto == IPPROTO_ICMPV6 && f->orig_p == 135)
        {
          assert_addr (&f->orig_h, "::");
          assert_addr (&f->resp_h, "ff02::1:ffdd:53e7");
          seen_icmp6 = TRUE;
        }
      if (f->label == NULL)
        {
          g_assert_cmpstr (f->detailed_label, ==, "flow=TCP-Established-To-Microsoft-7");
          g_assert_cmpint (f->label_source, ==, EG_LABEL_SOURCE_NONE);
          seen_unlabeled = TRUE;
        }
      else
        g_assert_cmpint (f->label_source, ==, EG_LABEL_SOURCE_IMPORTED);
    }
  g_assert_true (seen_icmp && seen_icmp6 && seen_unlabeled);

  /* 1970/01/01 01:00:08.140073  udp 0.0.0.0:68 -> 255.255.255.255:67 INT
   * 1 packet, 344 bytes, flow=Background-UDP-Attempt (the first kept). */
  f = flow_at (&r, 0);
  g_assert_cmpfloat_with_epsilon (f->ts, 3608.140073, 1e-6);
  assert_addr (&f->orig_h, "0.0.0.0");
  g_assert_cmpuint (f->orig_p, ==, 68);
  g_assert_cmpuint (f->resp_p, ==, 67);
  g_assert_cmpint (f->conn_state, ==, EG_CONN_STATE_S0);
  g_assert_cmpstr (f->history, ==, "D");
  g_assert_cmpuint (f->orig_pkts, ==, 1);
  g_assert_cmpuint (f->orig_ip_bytes, ==, 344);
  g_assert_cmpuint (f->orig_bytes, ==, 344 - 28);
  g_assert_cmpuint (f->resp_pkts, ==, 0);
  g_assert_cmpstr (f->label, ==, "Background");
  read_clear (&r);
}

static void
test_binetflow_no_src_pkts (void)
{
  Read r = { 0 };
  const EgFlow *f;
  g_autoptr(GHashTable) dsts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!read_shared ("slips-dataset/test4-malicious.binetflow", &r))
    return;
  g_assert_cmpuint (r.flows->len, ==, 392);
  g_assert_cmpuint (r.n_skipped, ==, 2);
  g_assert_cmpuint (r.n_bad, ==, 0);
  /* The Label column is there but empty. */
  g_assert_cmpuint (count_label (&r, NULL), ==, 392);

  /* 2018/09/27 22:40:52.362768,193.831726,tcp,192.168.2.1,52893,<?>,
   * 192.168.2.12,22,CON,16,16,35,3766,1224 */
  f = flow_at (&r, 0);
  g_assert_cmpfloat_with_epsilon (f->ts, 1538088052.362768, 1e-6);
  g_assert_cmpfloat_with_epsilon (f->duration, 193.831726, 1e-9);
  assert_addr (&f->orig_h, "192.168.2.1");
  g_assert_cmpuint (f->resp_p, ==, 22);
  g_assert_cmpint (f->conn_state, ==, EG_CONN_STATE_S1);
  g_assert_cmpuint (f->orig_pkts + f->resp_pkts, ==, 35);
  /* No SrcPkts: split as the bytes are, 35 * 1224 / 3766 = 11.4. */
  g_assert_cmpuint (f->orig_pkts, ==, 11);
  g_assert_cmpuint (f->orig_ip_bytes, ==, 1224);
  g_assert_cmpuint (f->resp_ip_bytes, ==, 3766 - 1224);

  /* 192.168.2.12 hits 81/tcp on 64 hosts, Argus state REQ: S0. */
  for (guint i = 0; i < r.flows->len; i++)
    {
      char buf[EG_ADDR_STRLEN];

      f = flow_at (&r, i);
      if (f->proto == IPPROTO_TCP && f->resp_p == 81)
        {
          g_assert_cmpint (f->conn_state, ==, EG_CONN_STATE_S0);
          g_hash_table_add (dsts, g_strdup (eg_addr_to_string (&f->resp_h, buf)));
        }
    }
  g_assert_cmpuint (g_hash_table_size (dsts), ==, 64);
  read_clear (&r);
}

static void
test_binetflow_big (void)
{
  Read r = { 0 }, again = { 0 };
  const EgFlow *f;
  guint n_icmp = 0;

  if (!read_shared ("slips-dataset/test2-malicious.binetflow", &r))
    return;
  /* 6,751 flows: 3,925 tcp, 2,754 udp, 65 icmp kept, 7 igmp skipped. */
  g_assert_cmpuint (r.flows->len, ==, 6744);
  g_assert_cmpuint (r.n_skipped, ==, 7);
  g_assert_cmpuint (r.n_bad, ==, 0);
  g_assert_cmpuint (r.warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 0), "igmp 7"));

  /* 2019/04/04 16:23:00.325010,0.027947,udp,10.8.0.69,48427,<->,8.8.8.8,53,
   * CON,0,0,2,142,63,1 */
  f = flow_at (&r, 0);
  g_assert_cmpfloat_with_epsilon (f->ts, 1554394980.325010, 1e-6);
  g_assert_cmpuint (f->proto, ==, IPPROTO_UDP);
  g_assert_cmpint (f->conn_state, ==, EG_CONN_STATE_SF);
  g_assert_cmpstr (f->history, ==, "Dd");
  g_assert_cmpuint (f->orig_pkts, ==, 1);
  g_assert_cmpuint (f->resp_pkts, ==, 1);
  g_assert_cmpuint (f->orig_ip_bytes, ==, 63);
  g_assert_cmpuint (f->resp_ip_bytes, ==, 79);
  assert_community_id_recomputed (f);

  for (guint i = 0; i < r.flows->len; i++)
    if (flow_at (&r, i)->proto == IPPROTO_ICMP)
      {
        n_icmp++;
        g_assert_cmpint (flow_at (&r, i)->conn_state, ==, EG_CONN_STATE_OTH);
      }
  g_assert_cmpuint (n_icmp, ==, 65);

  /* The uids come from the records: the same on every read. */
  g_assert_true (read_shared ("slips-dataset/test2-malicious.binetflow", &again));
  for (guint i = 0; i < r.flows->len; i++)
    g_assert_cmpstr (flow_at (&r, i)->uid, ==, flow_at (&again, i)->uid);
  read_clear (&r);
  read_clear (&again);
}

/* Argus writes no Label column unless asked to; commas or tabs. The same
 * records, read without it, are the same flows with no label. */
static void
assert_same_flow_unlabeled (const EgFlow *a,
                            const EgFlow *b)
{
  g_assert_cmpfloat (a->ts, ==, b->ts);
  g_assert_cmpfloat (a->duration, ==, b->duration);
  g_assert_true (eg_addr_equal (&a->orig_h, &b->orig_h));
  g_assert_true (eg_addr_equal (&a->resp_h, &b->resp_h));
  g_assert_cmpuint (a->orig_p, ==, b->orig_p);
  g_assert_cmpuint (a->resp_p, ==, b->resp_p);
  g_assert_cmpuint (a->proto, ==, b->proto);
  g_assert_cmpint (a->conn_state, ==, b->conn_state);
  g_assert_cmpstr (a->history, ==, b->history);
  g_assert_cmpuint (a->orig_pkts, ==, b->orig_pkts);
  g_assert_cmpuint (a->resp_pkts, ==, b->resp_pkts);
  g_assert_cmpuint (a->orig_ip_bytes, ==, b->orig_ip_bytes);
  g_assert_cmpuint (a->resp_ip_bytes, ==, b->resp_ip_bytes);
  g_assert_cmpstr (a->community_id, ==, b->community_id);
  g_assert_null (b->label);
  g_assert_null (b->detailed_label);
}

static void
test_binetflow_no_label_column (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test5-mixed.binetflow");
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  const char *separators[] = { ",", "\t" };
  Read labeled = { 0 };

  if (path == NULL)
    return;
  g_assert_true (read_shared ("slips-dataset/test5-mixed.binetflow", &labeled));
  g_assert_true (labeled.has_labels);
  g_assert_cmpuint (count_label (&labeled, NULL), <, labeled.flows->len);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);

  for (guint s = 0; s < G_N_ELEMENTS (separators); s++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      Read r = { 0 };

      for (guint i = 0; lines[i] != NULL; i++)
        {
          /* test5 is tab-separated; its last column is Label. */
          g_auto(GStrv) cells = g_strsplit (lines[i], "\t", -1);
          guint n = g_strv_length (cells);

          if (n < 2)
            continue;
          g_free (cells[n - 1]);
          cells[n - 1] = NULL;
          g_autofree char *line = g_strjoinv (separators[s], cells);
          g_string_append (text, line);
          g_string_append_c (text, '\n');
        }
      g_assert_null (strstr (text->str, "Label"));
      read_data ("unlabeled.binetflow", text->str, &r);
      g_assert_false (r.has_labels);
      g_assert_cmpuint (r.n_bad, ==, labeled.n_bad);
      g_assert_cmpuint (r.flows->len, ==, labeled.flows->len);
      for (guint i = 0; i < r.flows->len; i++)
        assert_same_flow_unlabeled (flow_at (&labeled, i), flow_at (&r, i));
      read_clear (&r);
    }
  read_clear (&labeled);
}

static void
test_binetflow_states (void)
{
  Read r = { 0 };

  if (!read_shared ("slips-dataset/test3-mixed.binetflow", &r))
    return;
  g_assert_cmpuint (r.flows->len, ==, 89);
  /* S_: a SYN, no answer. */
  g_assert_cmpint (flow_at (&r, 0)->conn_state, ==, EG_CONN_STATE_S0);
  g_assert_cmpstr (flow_at (&r, 0)->history, ==, "S");
  /* S_RA: a SYN answered by RST+ACK. */
  g_assert_cmpint (flow_at (&r, 1)->conn_state, ==, EG_CONN_STATE_REJ);
  g_assert_cmpstr (flow_at (&r, 1)->history, ==, "Sr");
  /* SPA_SPA over IPv6: established, not closed. */
  assert_addr (&flow_at (&r, 2)->resp_h, "2a00:1450:400c:c00::bd");
  g_assert_cmpint (flow_at (&r, 2)->conn_state, ==, EG_CONN_STATE_S1);
  g_assert_cmpstr (flow_at (&r, 2)->history, ==, "ShADad");
  read_clear (&r);
}

static void
test_binetflow_state_mapping (void)
{
  static const char data[] =
    "StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,SrcPkts,Label\n"
    "2019/04/04 16:00:05.123456,1.0,tcp,10.0.0.1,1000,->,10.0.0.2,80,FSPA_FSPA,0,0,10,1000,500,5,flow=From-Normal-V42-Jist\n"
    "2019/04/04 16:00:06,1.0,tcp,10.0.0.1,1001,->,10.0.0.2,80,SR_SA,0,0,3,200,120,2,flow=From-Botnet-V42-TCP-CC\n"
    "2019/04/04 16:00:07,1.0,tcp,10.0.0.1,1002,->,10.0.0.2,80,FSPA_SPA,0,0,3,200,120,2,flow=To-Background-UDP\n"
    "2019/04/04 16:00:08,1.0,tcp,10.0.0.1,1003,->,10.0.0.2,80,PA_PA,0,0,2,200,100,1,\n"
    "2019/04/04 16:00:09,1.0,udp,10.0.0.1,0x0035,->,10.0.0.2,,INT,0,0,1,80,80,1,\n"
    "2019/04/04 16:00:10,1.0,tcp,10.0.0.1,1004,->,10.0.0.2,80,SRPA_FSRPA,0,0,9,900,400,4,\n";
  Read r = { 0 };

  read_data ("states.binetflow", data, &r);
  g_assert_cmpuint (r.n_bad, ==, 0);
  g_assert_cmpuint (r.flows->len, ==, 6);
  g_assert_cmpfloat_with_epsilon (flow_at (&r, 0)->ts, 1554393605.123456, 1e-6);
  g_assert_cmpint (flow_at (&r, 0)->conn_state, ==, EG_CONN_STATE_SF);
  g_assert_cmpstr (flow_at (&r, 0)->history, ==, "ShADadFf");
  g_assert_cmpstr (flow_at (&r, 0)->label, ==, EG_LABEL_BENIGN);
  g_assert_cmpstr (flow_at (&r, 0)->detailed_label, ==, "flow=From-Normal-V42-Jist");
  g_assert_cmpuint (flow_at (&r, 0)->orig_bytes, ==, 500 - 5 * 40);
  g_assert_cmpint (flow_at (&r, 1)->conn_state, ==, EG_CONN_STATE_RSTO);
  g_assert_cmpstr (flow_at (&r, 1)->label, ==, EG_LABEL_MALICIOUS);
  g_assert_cmpint (flow_at (&r, 2)->conn_state, ==, EG_CONN_STATE_S2);
  g_assert_cmpstr (flow_at (&r, 2)->label, ==, "Background");
  g_assert_cmpint (flow_at (&r, 3)->conn_state, ==, EG_CONN_STATE_OTH);
  g_assert_null (flow_at (&r, 3)->label);
  g_assert_cmpuint (flow_at (&r, 4)->orig_p, ==, 53);
  g_assert_cmpuint (flow_at (&r, 4)->resp_p, ==, 0);
  g_assert_cmpint (flow_at (&r, 4)->conn_state, ==, EG_CONN_STATE_S0);
  g_assert_cmpint (flow_at (&r, 5)->conn_state, ==, EG_CONN_STATE_RSTR);
  read_clear (&r);
}

/* ---- bad input ---- */

static void
test_broken_line (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "conn.log", NULL);
  g_autoptr(GString) data = g_string_new (
    "#separator \\x09\n"
    "#unset_field\t-\n"
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tduration\tconn_state\n");
  g_autoptr(EgFlowLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  Read r = { 0 };

  /* Lines 4-6 good, 7 a bad address, 8 too few fields, 9 a negative
   * duration, 10 a bad port, 11-12 good. */
  g_string_append (data, "1.0\tCa\t10.0.0.1\t1\t10.0.0.2\t80\ttcp\t0.5\tSF\n");
  g_string_append (data, "2.0\tCb\t10.0.0.1\t2\t10.0.0.2\t80\ttcp\t0.5\tSF\n");
  g_string_append (data, "3.0\tCc\t10.0.0.1\t3\t10.0.0.2\t80\ttcp\t0.5\tSF\n");
  g_string_append (data, "4.0\tCd\t10.0.0.999\t4\t10.0.0.2\t80\ttcp\t0.5\tSF\n");
  g_string_append (data, "5.0\tCe\t10.0.0.1\t5\t10.0.0.2\n");
  g_string_append (data, "6.0\tCf\t10.0.0.1\t6\t10.0.0.2\t80\ttcp\t-0.5\tSF\n");
  g_string_append (data, "7.0\tCg\t10.0.0.1\t70000\t10.0.0.2\t80\ttcp\t0.5\tSF\n");
  g_string_append (data, "8.0\tCh\t10.0.0.1\t8\t10.0.0.2\t80\ttcp\t0.5\tSF\n");
  g_string_append (data, "9.0\tCi\t10.0.0.1\t9\t10.0.0.2\t80\ttcp\t0.5\tSF");  /* no newline */
  g_assert_true (g_file_set_contents (path, data->str, data->len, NULL));

  reader = eg_flow_log_reader_open (path, &error);
  g_assert_no_error (error);
  read_all (reader, &r);
  g_assert_cmpuint (r.flows->len, ==, 5);
  g_assert_cmpstr (flow_at (&r, 2)->uid, ==, "Cc");
  g_assert_cmpstr (flow_at (&r, 3)->uid, ==, "Ch");
  g_assert_cmpstr (flow_at (&r, 4)->uid, ==, "Ci");
  g_assert_cmpuint (r.n_bad, ==, 4);
  g_assert_cmpuint (r.warnings->len, ==, 4);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (r.warnings, 0), path));
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 0), "conn.log:7: id.orig_h “10.0.0.999” is not an IP address"));
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 1), "conn.log:8: 5 fields where the #fields line names 9"));
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 2), "conn.log:9: duration “-0.5” is negative"));
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 3), "conn.log:10: id.orig_p “70000” is not a port number"));
  read_clear (&r);
  eg_test_rmdir (dir);
}

static void
test_broken_json_and_binetflow (void)
{
  static const char json[] =
    "{\"ts\":1,\"id.orig_h\":\"10.0.0.1\",\"id.resp_h\":\"10.0.0.2\",\"proto\":\"tcp\",\"conn_state\":\"SF\"}\n"
    "{\"ts\":2,\"id.orig_h\":\"10.0.0.1\",\"id.resp_h\n"
    "{\"ts\":3,\"id.orig_h\":\"10.0.0.1\",\"proto\":\"tcp\",\"conn_state\":\"SF\"}\n"
    "[1,2]\n"
    "{\"ts\":5,\"id.orig_h\":\"10.0.0.1\",\"id.resp_h\":\"10.0.0.2\",\"proto\":\"tcp\",\"conn_state\":\"XX\"}\n"
    "{\"ts\":6,\"id.orig_h\":\"10.0.0.1\",\"id.resp_h\":\"10.0.0.2\",\"proto\":\"tcp\",\"conn_state\":\"S0\"} x\n"
    "{\"ts\":7,\"id.orig_h\":\"10.0.0.1\",\"id.resp_h\":\"10.0.0.2\",\"proto\":\"tcp\",\"conn_state\":\"S0\"}\n";
  static const char binetflow[] =
    "StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,TotPkts,TotBytes,SrcBytes,Label\n"
    "2019/04/04 16:00:05,1.0,tcp,10.0.0.1,1000,->,10.0.0.2,80,S_,1,60,60,\n"
    "2019/13/04 16:00:05,1.0,tcp,10.0.0.1,1000,->,10.0.0.2,80,S_,1,60,60,\n"
    "2019/04/04 16:00:05,-1.0,tcp,10.0.0.1,1000,->,10.0.0.2,80,S_,1,60,60,\n"
    "2019/04/04 16:00:05,1.0,tcp,10.0.0.1,1000,->,10.0.0.2,80,S_,1,60,70,\n"
    "2019/04/04 16:00:05,1.0,tcp,10.0.0.1,0xZZ,->,10.0.0.2,80,S_,1,60,60,\n"
    "2019/04/04 16:00:05,1.0,tcp,10.0.0.1,1000,->,10.0.0.2\n"
    "2019/04/04 16:00:06,1.0,tcp,10.0.0.1,1000,->,10.0.0.2,80,S_,1,60,60,\n";
  Read r = { 0 };

  read_data ("broken.json", json, &r);
  g_assert_cmpuint (r.flows->len, ==, 2);
  g_assert_cmpfloat (flow_at (&r, 1)->ts, ==, 7);
  g_assert_cmpuint (r.n_bad, ==, 5);
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 0), "broken.json:2: broken JSON"));
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 1), "broken.json:3: the record has no id.resp_h"));
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 2), "broken.json:4: broken JSON"));
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 3), "broken.json:5: conn_state “XX”"));
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 4), "broken.json:6: broken JSON"));
  read_clear (&r);

  read_data ("broken.binetflow", binetflow, &r);
  g_assert_cmpuint (r.flows->len, ==, 2);
  g_assert_cmpuint (r.n_bad, ==, 5);
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 0), "broken.binetflow:3: StartTime"));
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 1), "broken.binetflow:4: Dur “-1.0” is negative"));
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 2), "broken.binetflow:5: SrcBytes 70 exceeds TotBytes 60"));
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 3), "broken.binetflow:6: Sport “0xZZ”"));
  g_assert_nonnull (strstr (g_ptr_array_index (r.warnings, 4), "broken.binetflow:7: 7 fields where the header names 13"));
  read_clear (&r);
}

static void
test_empty (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "empty.log", NULL);
  g_autoptr(EgFlowLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  Read r = { 0 };

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  reader = eg_flow_log_reader_open (path, &error);
  g_assert_no_error (error);
  read_all (reader, &r);
  g_assert_cmpuint (r.flows->len, ==, 0);
  g_assert_cmpuint (r.n_bad, ==, 0);
  read_clear (&r);

  /* Blank lines, and a Zeek header without records. */
  read_data ("blank", "\n\n  \n", &r);
  g_assert_cmpuint (r.flows->len, ==, 0);
  read_clear (&r);
  read_data ("header-only", "#separator \\x09\n#fields\tts\tid.orig_h\tid.resp_h\tproto\n", &r);
  g_assert_cmpuint (r.flows->len, ==, 0);
  g_assert_cmpuint (r.n_bad, ==, 0);
  read_clear (&r);
  eg_test_rmdir (dir);
}

static void
assert_open_fails (const char *name,
                   const char *data,
                   gsize       len,
                   int         code,
                   const char *fragment)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(EgFlowLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, data, len, NULL));
  reader = eg_flow_log_reader_open (path, &error);
  g_assert_null (reader);
  g_assert_error (error, EG_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, fragment));
  g_clear_error (&error);

  /* The same from memory. */
  reader = eg_flow_log_reader_new_for_data (name, data, len, &error);
  g_assert_null (reader);
  g_assert_error (error, EG_ERROR, code);
  g_assert_nonnull (strstr (error->message, name));
  eg_test_rmdir (dir);
}

static void
test_not_a_flow_log (void)
{
  static const char text[] = "Dear operator,\nthis is a letter, not a flow log.\n";
  static const guint8 binary[] = { 0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00,
                                   0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00 };
  static const guint8 gzip[] = { 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00 };
  static const char dns_tsv[] =
    "#separator \\x09\n#path\tdns\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\n";
  static const char dns_json[] =
    "{\"ts\":1.0,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\",\"id.resp_h\":\"10.0.0.2\",\"proto\":\"udp\",\"query\":\"example.org\"}\n";
  static const char no_columns[] = "#separator \\x09\n#fields\tts\tquery\n1.0\tx\n";
  g_autoptr(EgFlowLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;

  assert_open_fails ("letter.txt", text, strlen (text), EG_ERROR_FORMAT, "is not a flow log");
  assert_open_fails ("capture.pcap", (const char *) binary, sizeof binary,
                     EG_ERROR_FORMAT, "binary");
  assert_open_fails ("conn.log.gz", (const char *) gzip, sizeof gzip, EG_ERROR_FORMAT, "gunzip");
  assert_open_fails ("dns.log", dns_tsv, strlen (dns_tsv), EG_ERROR_FORMAT, "“dns” log");
  assert_open_fails ("dns.json", dns_json, strlen (dns_json), EG_ERROR_FORMAT, "not a Zeek conn.log");
  assert_open_fails ("short.log", no_columns, strlen (no_columns), EG_ERROR_FORMAT,
                     "no id.orig_h column");

  reader = eg_flow_log_reader_open ("/nonexistent/conn.log", &error);
  g_assert_null (reader);
  g_assert_error (error, EG_ERROR, EG_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/conn.log"));
  g_clear_error (&error);

  /* A directory (a Zeek log directory given instead of its conn.log). */
  {
    g_autofree char *dir = eg_test_mkdtemp ();

    reader = eg_flow_log_reader_open (dir, &error);
    g_assert_null (reader);
    g_assert_error (error, EG_ERROR, EG_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "give the conn.log inside it"));
    eg_test_rmdir (dir);
  }
}

static void
test_other_zeek_logs_refused (void)
{
  g_autofree char *tsv = eg_test_shared_path ("slips-dataset/test10-mixed-zeek-dir/dns.log");
  g_autofree char *json = NULL;
  g_autoptr(EgFlowLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;

  if (tsv == NULL)
    return;
  reader = eg_flow_log_reader_open (tsv, &error);
  g_assert_null (reader);
  g_assert_error (error, EG_ERROR, EG_ERROR_FORMAT);
  g_clear_error (&error);

  json = eg_test_shared_path ("slips-dataset/test9-mixed-zeek-dir/dns.log");
  if (json == NULL)
    return;
  reader = eg_flow_log_reader_open (json, &error);
  g_assert_null (reader);
  g_assert_error (error, EG_ERROR, EG_ERROR_FORMAT);
}

/* A long log read through a small pipe-like path: lines cross buffer
 * boundaries, offsets add up. */
static void
test_many_lines (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "many.log", NULL);
  g_autoptr(GString) data = g_string_new ("#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tconn_state\tlabel\n");
  g_autoptr(EgFlowLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  Read r = { 0 };
  const guint n = 60000;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (data, "%u.%06u\t10.%u.%u.%u\t%u\t192.168.0.1\t443\ttcp\tSF\t%s\r\n",
                            1600000000 + i, i, i >> 16, (i >> 8) & 255, i & 255,
                            1024 + i % 60000, i % 3 ? "Benign" : "Malicious");
  g_assert_true (g_file_set_contents (path, data->str, data->len, NULL));
  reader = eg_flow_log_reader_open (path, &error);
  g_assert_no_error (error);
  read_all (reader, &r);
  g_assert_cmpuint (r.flows->len, ==, n);
  g_assert_cmpuint (r.n_bad, ==, 0);
  g_assert_cmpuint (count_label (&r, EG_LABEL_MALICIOUS), ==, n / 3);
  g_assert_cmpfloat_with_epsilon (flow_at (&r, n - 1)->ts, 1600000000.0 + (n - 1) + (n - 1) / 1e6, 1e-6);
  assert_addr (&flow_at (&r, n - 1)->orig_h, "10.0.234.95");
  read_clear (&r);
  eg_test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/flow-log-reader/sniff", test_sniff);
  g_test_add_func ("/flow-log-reader/zeek-tsv/horizontal", test_zeek_tsv_horizontal);
  g_test_add_func ("/flow-log-reader/zeek-tsv/leading-tab", test_zeek_tsv_leading_tab);
  g_test_add_func ("/flow-log-reader/zeek-tsv/labeled", test_zeek_tsv_labeled);
  g_test_add_func ("/flow-log-reader/zeek-tsv/labeled-by-hand", test_zeek_tsv_labeled_by_hand);
  g_test_add_func ("/flow-log-reader/zeek-tsv/space-quirk", test_zeek_tsv_space_quirk);
  g_test_add_func ("/flow-log-reader/zeek-tsv/header-markers", test_zeek_tsv_header_markers);
  g_test_add_func ("/flow-log-reader/zeek-tsv/many-lines", test_many_lines);
  g_test_add_func ("/flow-log-reader/zeek-json/vertical", test_zeek_json_vertical);
  g_test_add_func ("/flow-log-reader/zeek-json/values", test_zeek_json_values);
  g_test_add_func ("/flow-log-reader/binetflow/tab-labels", test_binetflow_tab_labels);
  g_test_add_func ("/flow-log-reader/binetflow/no-src-pkts", test_binetflow_no_src_pkts);
  g_test_add_func ("/flow-log-reader/binetflow/big", test_binetflow_big);
  g_test_add_func ("/flow-log-reader/binetflow/states", test_binetflow_states);
  g_test_add_func ("/flow-log-reader/binetflow/no-label-column", test_binetflow_no_label_column);
  g_test_add_func ("/flow-log-reader/binetflow/state-mapping", test_binetflow_state_mapping);
  g_test_add_func ("/flow-log-reader/bad/broken-line", test_broken_line);
  g_test_add_func ("/flow-log-reader/bad/broken-json-and-binetflow", test_broken_json_and_binetflow);
  g_test_add_func ("/flow-log-reader/bad/empty", test_empty);
  g_test_add_func ("/flow-log-reader/bad/not-a-flow-log", test_not_a_flow_log);
  g_test_add_func ("/flow-log-reader/bad/other-zeek-logs", test_other_zeek_logs_refused);

  return g_test_run ();
}
