/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rule detectors on real captures and flow logs: who, whom, which port;
 * and silence on normal traffic. */
#include <string.h>

#include <pcap/pcap.h>

#include "eg-detectors.h"
#include "eg-error.h"
#include "eg-flow-log-reader.h"
#include "eg-packet.h"
#include "eg-test-flows.h"
#include "eg-test-util.h"

static GArray *
read_flow_log (const char *relative)
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
  for (;;)
    {
      eg_flow_init (&flow);
      if (!eg_flow_log_reader_next (reader, &flow, &error))
        break;
      g_array_append_val (flows, flow);
    }
  g_assert_no_error (error);
  return flows;
}

static GArray *
read_capture (const char *relative)
{
  g_autofree char *path = eg_test_shared_path (relative);
  g_autoptr(EgTestFlows) result = NULL;

  if (path == NULL)
    return NULL;
  result = eg_test_flows_from_capture (path, NULL);
  g_assert_no_error (result->error);
  return g_array_ref (result->flows);
}

/* Flows of a capture or log come as the table or the log emits them;
 * detectors expect packet-time order, as the engine delivers. */
static int
compare_ts (gconstpointer a,
            gconstpointer b)
{
  double x = ((const EgFlow *) a)->ts, y = ((const EgFlow *) b)->ts;

  return (x > y) - (x < y);
}

static GPtrArray *
run (const EgConfig *config,
     GArray         *flows)
{
  g_autoptr(EgConfig) defaults = eg_config_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EgIpInfo) ipinfo = eg_ipinfo_new (NULL, NULL);  /* NULL without libloc-database */
  g_autoptr(EgDetectors) ds = eg_detectors_new (config ? config : defaults, ipinfo, &error);
  GPtrArray *alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);

  g_assert_no_error (error);
  g_array_sort (flows, compare_ts);
  for (guint i = 0; i < flows->len; i++)
    eg_detectors_process_flow (ds, &g_array_index (flows, EgFlow, i), alerts);
  eg_detectors_flush (ds, alerts);
  for (guint i = 0; i < alerts->len; i++)
    {
      g_autoptr(GString) json = g_string_new (NULL);

      eg_alert_append_json (json, alerts->pdata[i]);
      g_test_message ("%s", json->str);
    }
  return alerts;
}

static GPtrArray *
only (GPtrArray  *alerts,
      const char *detector)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < alerts->len; i++)
    if (g_strcmp0 (((EgAlert *) alerts->pdata[i])->detector, detector) == 0)
      g_ptr_array_add (out, alerts->pdata[i]);
  return out;
}

static void
assert_addr (const EgAddr *addr,
             const char   *expected)
{
  char buf[EG_ADDR_STRLEN];

  if (expected == NULL)
    g_assert_cmpint (addr->family, ==, 0);
  else
    g_assert_cmpstr (eg_addr_to_string (addr, buf), ==, expected);
}

/* Who, against whom, on which port: what every alert test asserts. */
static void
assert_alert_at (const EgAlert *a,
                 const char    *src,
                 const char    *dst,
                 guint16        dport)
{
  assert_addr (&a->src, src);
  assert_addr (&a->dst, dst);
  g_assert_cmpuint (a->dport, ==, dport);
}

static void
test_horizontal_zeek (void)
{
  g_autoptr(GArray) flows = read_flow_log ("slips-dataset/port-scans/horizontal/conn.log");
  g_autoptr(GPtrArray) alerts = NULL, scans = NULL;
  EgAlert *a;

  if (flows == NULL)
    return;
  alerts = run (NULL, flows);
  scans = only (alerts, "port-scan-horizontal");
  /* Exactly the first bucket: 10 hosts on 80/tcp that never answered. */
  g_assert_cmpuint (scans->len, ==, 1);
  a = scans->pdata[0];
  assert_alert_at (a, "10.0.2.112", NULL, 80);
  g_assert_cmpuint (a->proto, ==, IPPROTO_TCP);
  g_assert_cmpuint (a->uids->len, ==, 10);
  g_assert_cmpuint (a->threat_level, ==, EG_THREAT_HIGH);
  g_assert_nonnull (strstr (a->description, "port 80/tcp (http) on 10 hosts; none answered"));
}

static void
test_horizontal_binetflow (void)
{
  g_autoptr(GArray) t4 = read_flow_log ("slips-dataset/test4-malicious.binetflow");
  g_autoptr(GArray) t3 = read_flow_log ("slips-dataset/test3-mixed.binetflow");
  g_autoptr(GPtrArray) a4 = NULL, a3 = NULL, s4 = NULL, s3 = NULL;
  EgAlert *a;

  if (t4 == NULL || t3 == NULL)
    return;
  a4 = run (NULL, t4);
  s4 = only (a4, "port-scan-horizontal");
  /* The bot scans 81/tcp and 23/tcp, in two one-hour windows: the 10 bucket
   * of each port in each window, never the 100 one. */
  g_assert_cmpuint (s4->len, ==, 4);
  for (guint i = 0; i < s4->len; i++)
    {
      a = s4->pdata[i];
      assert_addr (&a->src, "192.168.2.12");
      assert_addr (&a->dst, NULL);
      g_assert_cmpuint (a->dport, ==, i % 2 == 0 ? 81 : 23);
      g_assert_cmpuint (a->proto, ==, IPPROTO_TCP);
    }
  a = s4->pdata[0];
  g_assert_nonnull (strstr (a->description, "192.168.2.12 probed port 81/tcp (http-alt) on 10 hosts"));
  g_assert_cmpfloat (((EgAlert *) s4->pdata[2])->ts - a->ts, >, 3600);

  a3 = run (NULL, t3);
  s3 = only (a3, "port-scan-horizontal");
  /* SMB probes from one host, RDP probes (28 hosts) from another. */
  g_assert_cmpuint (s3->len, ==, 2);
  a = s3->pdata[0];
  assert_addr (&a->src, "216.73.23.146");
  g_assert_cmpuint (a->dport, ==, 445);
  a = s3->pdata[1];
  assert_addr (&a->src, "46.166.151.160");
  g_assert_cmpuint (a->dport, ==, 3389);
}

static void
test_vertical (void)
{
  g_autoptr(GArray) zeek = read_flow_log ("slips-dataset/port-scans/vertical/conn.log");
  g_autoptr(GArray) t11 = read_flow_log ("slips-dataset/test11-portscan.binetflow");
  g_autoptr(GPtrArray) az = NULL, at = NULL, sz = NULL, st = NULL;
  EgAlert *a;

  if (zeek == NULL || t11 == NULL)
    return;
  az = run (NULL, zeek);
  sz = only (az, "port-scan-vertical");
  /* 42 refused ports: the 5 bucket (the 50 one is not reached). */
  g_assert_cmpuint (sz->len, ==, 1);
  a = sz->pdata[0];
  assert_addr (&a->src, "192.168.1.9");
  assert_addr (&a->dst, "45.33.32.156");
  g_assert_cmpuint (a->proto, ==, IPPROTO_TCP);
  g_assert_cmpuint (a->uids->len, >=, 5);

  at = run (NULL, t11);
  st = only (at, "port-scan-vertical");
  /* 20 ports, all S0: the 5 bucket. */
  g_assert_cmpuint (st->len, ==, 1);
  a = st->pdata[0];
  assert_addr (&a->src, "10.8.0.69");
  assert_addr (&a->dst, "14.1.11.113");
  g_assert_nonnull (strstr (a->description, "10.8.0.69 probed 5 tcp ports on 14.1.11.113; none answered"));
}

static void
test_long_connection (void)
{
  g_autoptr(GArray) t2 = read_flow_log ("slips-dataset/test2-malicious.binetflow");
  g_autoptr(GPtrArray) alerts = NULL, longs = NULL;
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  char a[EG_ADDR_STRLEN], b[EG_ADDR_STRLEN];

  if (t2 == NULL)
    return;
  /* What the detector must find: one alert per source, destination and port
   * that had a flow over 1500 s. */
  for (guint i = 0; i < t2->len; i++)
    {
      const EgFlow *f = &g_array_index (t2, EgFlow, i);

      /* ICMP has types, not ports: its alerts carry none. */
      if (f->duration > 1500 && f->resp_h.bytes[0] < 224
          && !(f->proto == IPPROTO_TCP && (f->resp_p == 5222 || f->resp_p == 5228
                                           || f->resp_p == 8883 || f->resp_p == 1883
                                           || f->resp_p == 5223 || f->resp_p == 993
                                           || f->resp_p == 143)))
        g_hash_table_add (expected, g_strdup_printf ("%s %s %u", eg_addr_to_string (&f->orig_h, a),
                                                     eg_addr_to_string (&f->resp_h, b),
                                                     f->proto == IPPROTO_ICMP ? 0 : f->resp_p));
    }
  g_assert_cmpuint (g_hash_table_size (expected), >, 0);
  /* A long connection alone is low evidence (0.2 × 0.5 = 0.1): at the
   * default threshold only sources with more against them are shown
   * (10.8.0.69, also on unknown ports: 157.240.30.11:443 among them); at
   * 0.1 every one is, 10.8.0.1 and 74.125.133.188 too. Every alert
   * is one of them, once per window however often it comes back. */
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(EgConfig) config = eg_config_new ();

      if (round == 1)
        config->alert_threshold = 0.1;
      alerts = run (config, t2);
      longs = only (alerts, "long-connection");
      g_hash_table_remove_all (found);
      for (guint i = 0; i < longs->len; i++)
        {
          EgAlert *al = longs->pdata[i];
          g_autofree char *key = g_strdup_printf ("%s %s %u", eg_addr_to_string (&al->src, a),
                                                  eg_addr_to_string (&al->dst, b), al->dport);

          g_assert_true (g_hash_table_contains (expected, key));
          g_hash_table_replace (found, g_steal_pointer (&key), NULL);
          g_assert_cmpuint (al->threat_level, ==, EG_THREAT_LOW);
          g_assert_cmpuint (al->uids->len, >=, 1);
        }
      if (round == 0)
        {
          g_assert_cmpuint (g_hash_table_size (found), >, 0);
          g_assert_cmpuint (g_hash_table_size (found), <, g_hash_table_size (expected));
          g_assert_true (g_hash_table_contains (found, "10.8.0.69 157.240.30.11 443"));
        }
      else
        g_assert_cmpuint (g_hash_table_size (found), ==, g_hash_table_size (expected));
      g_clear_pointer (&longs, g_ptr_array_unref);
      g_clear_pointer (&alerts, g_ptr_array_unref);
    }
}

/* test5's three flows over 1500 s are ARP, DHCPv6 to ff02::1:2 and NetBIOS to
 * the broadcast address: streams, not connections. */
static void
test_long_connection_broadcast (void)
{
  g_autoptr(GArray) t5 = read_flow_log ("slips-dataset/test5-mixed.binetflow");
  g_autoptr(GPtrArray) alerts = NULL, longs = NULL;
  guint n_long = 0;

  if (t5 == NULL)
    return;
  for (guint i = 0; i < t5->len; i++)
    n_long += g_array_index (t5, EgFlow, i).duration > 1500;
  g_assert_cmpuint (n_long, ==, 2);  /* the ARP record is not a flow */
  alerts = run (NULL, t5);
  longs = only (alerts, "long-connection");
  g_assert_cmpuint (longs->len, ==, 0);
}

static void
test_threat_intel (void)
{
  g_autoptr(GArray) flows = read_flow_log ("slips-dataset/port-scans/horizontal/conn.log");
  g_autofree char *dir = NULL, *list = NULL;
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autoptr(GPtrArray) alerts = NULL, ti = NULL;
  g_autoptr(GError) error = NULL;
  guint seen_ip = 0, seen_cidr = 0;

  if (flows == NULL)
    return;
  dir = eg_test_mkdtemp ();
  list = g_build_filename (dir, "iocs.csv", NULL);
  g_file_set_contents (list,
                       "# IoC, threat level, description\n"
                       "176.73.204.12, critical, Test C2 server\n"
                       "195.113.214.0/24, medium, Test network\n"
                       "evil.example.com, high, Test domain\n"
                       "AS64512, high, Test AS\n"
                       "not an indicator at all\n", -1, &error);
  g_assert_no_error (error);
  config->threat_intel_path = g_strdup (list);
  alerts = run (config, flows);
  ti = only (alerts, "threat-intel");
  for (guint i = 0; i < ti->len; i++)
    {
      EgAlert *a = ti->pdata[i];
      char dst[EG_ADDR_STRLEN];

      assert_addr (&a->src, "10.0.2.112");
      eg_addr_to_string (&a->dst, dst);
      if (strcmp (dst, "176.73.204.12") == 0)
        {
          seen_ip++;
          g_assert_cmpuint (a->threat_level, ==, EG_THREAT_CRITICAL);
          g_assert_cmpuint (a->dport, ==, 8437);
          g_assert_nonnull (strstr (a->description, "Test C2 server"));
        }
      else
        {
          g_assert_true (g_str_has_prefix (dst, "195.113.214."));
          g_assert_cmpuint (a->threat_level, ==, EG_THREAT_MEDIUM);
          seen_cidr++;
        }
    }
  /* Once per source and destination in the window, not once per flow. */
  g_assert_cmpuint (seen_ip, ==, 1);
  g_assert_cmpuint (seen_cidr, ==, 2);  /* .219 and .221 */
  eg_test_rmdir (dir);

  /* A missing list is an error that names it. */
  {
    g_autoptr(EgConfig) bad = eg_config_new ();
    g_autoptr(EgDetectors) ds = NULL;
    g_autoptr(GError) err = NULL;

    bad->threat_intel_path = g_strdup ("/nonexistent/iocs.csv");
    ds = eg_detectors_new (bad, NULL, &err);
    g_assert_null (ds);
    g_assert_error (err, EG_ERROR, EG_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (err->message, "/nonexistent/iocs.csv"));
  }
}

static void
test_threat_intel_domain (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *list = g_build_filename (dir, "iocs.csv", NULL);
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autoptr(EgDetectors) ds = NULL;
  g_autoptr(GError) error = NULL;

  g_file_set_contents (list, "bncv00.no-ip.info, critical, Variant.Zusy\n", -1, &error);
  config->threat_intel_path = g_strdup (list);
  ds = eg_detectors_new (config, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (eg_detectors_match_domain (ds, "BNCV00.no-ip.info"), ==, "Variant.Zusy");
  g_assert_cmpstr (eg_detectors_match_domain (ds, "x.bncv00.no-ip.info"), ==, "Variant.Zusy");
  g_assert_null (eg_detectors_match_domain (ds, "no-ip.info"));
  eg_test_rmdir (dir);
}

/* Domains against the names nDPI found: the HTTP Host of Emotet's
 * download (ndpi/emotet.pcap) and DNS queries (test-cc capture 2 asks
 * zen.spamhaus.org about addresses; the indicator is the parent). */
static void
test_threat_intel_server_name (void)
{
  g_autoptr(GArray) emotet = read_capture ("ndpi/emotet.pcap");
  g_autoptr(GArray) cc = read_capture ("slips-dataset/test-cc/test-cc-capture-2.pcap");
  g_autofree char *dir = NULL, *list = NULL;
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autoptr(GPtrArray) alerts = NULL, ti = NULL, dns_alerts = NULL, dns_ti = NULL;
  g_autoptr(GError) error = NULL;
  EgAlert *a;

  if (emotet == NULL || cc == NULL)
    return;
  dir = eg_test_mkdtemp ();
  list = g_build_filename (dir, "iocs.csv", NULL);
  g_file_set_contents (list,
                       "gandhitoday.org, high, Emotet download site\n"
                       "zen.spamhaus.org, low, DNS blocklist lookups\n", -1, &error);
  g_assert_no_error (error);
  config->threat_intel_path = g_strdup (list);

  alerts = run (config, emotet);
  ti = only (alerts, "threat-intel");
  g_assert_cmpuint (ti->len, ==, 1);
  a = ti->pdata[0];
  assert_alert_at (a, "10.4.20.102", "107.161.178.210", 80);
  g_assert_cmpuint (a->threat_level, ==, EG_THREAT_HIGH);
  g_assert_nonnull (strstr (a->description, "connected to gandhitoday.org"));
  g_assert_nonnull (strstr (a->description, "Emotet download site"));

  dns_alerts = run (config, cc);
  dns_ti = only (dns_alerts, "threat-intel");
  g_assert_cmpuint (dns_ti->len, >=, 1);
  a = dns_ti->pdata[0];
  assert_alert_at (a, "147.32.80.37", "147.32.80.9", 53);
  g_assert_cmpuint (a->threat_level, ==, EG_THREAT_LOW);
  g_assert_nonnull (strstr (a->description, "looked up "));
  g_assert_nonnull (strstr (a->description, ".zen.spamhaus.org"));
  eg_test_rmdir (dir);
}

/* An AS indicator against the location database: test-cc's C&C server
 * sits in AS209242. */
static void
test_threat_intel_asn (void)
{
  g_autoptr(GArray) cc = read_capture ("slips-dataset/test-cc/test-cc-capture-1.pcap");
  g_autofree char *dir = NULL, *list = NULL;
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autoptr(GPtrArray) alerts = NULL, ti = NULL;
  g_autoptr(GError) error = NULL;
  EgAlert *a = NULL;

  if (cc == NULL)
    return;
  if (!g_file_test ("/usr/share/libloc-location/location.db", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no libloc location database (Debian's libloc-database)");
      return;
    }
  dir = eg_test_mkdtemp ();
  list = g_build_filename (dir, "iocs.csv", NULL);
  g_file_set_contents (list, "AS209242, medium, Test hosting AS\n", -1, &error);
  g_assert_no_error (error);
  config->threat_intel_path = g_strdup (list);
  alerts = run (config, cc);
  ti = only (alerts, "threat-intel");
  /* One per server of that AS the host talked to: .21 is the beacon's. */
  for (guint i = 0; i < ti->len; i++)
    {
      char dst[EG_ADDR_STRLEN];

      if (g_str_equal (eg_addr_to_string (&((EgAlert *) ti->pdata[i])->dst, dst), "141.193.213.21"))
        a = ti->pdata[i];
    }
  g_assert_nonnull (a);
  g_assert_cmpstr (a->country, ==, "US");
  assert_alert_at (a, "147.32.80.37", "141.193.213.21", 443);
  g_assert_cmpuint (a->threat_level, ==, EG_THREAT_MEDIUM);
  g_assert_cmpuint (a->asn, ==, 209242);
  g_assert_nonnull (strstr (a->description, "Test hosting AS"));
  eg_test_rmdir (dir);
}

static void
test_unknown_port (void)
{
  g_autoptr(GArray) rat = read_flow_log ("stratosphere-security-datasets/003-zeek-scenario-malicious/conn.log");
  g_autoptr(GPtrArray) alerts = NULL, unknown = NULL;
  gboolean found = FALSE;

  if (rat == NULL)
    return;
  alerts = run (NULL, rat);
  unknown = only (alerts, "unknown-port");
  /* The Android RAT's C&C on 1337/tcp. */
  for (guint i = 0; i < unknown->len; i++)
    {
      EgAlert *a = unknown->pdata[i];

      if (a->dport == 1337)
        {
          assert_addr (&a->src, "10.8.0.61");
          assert_addr (&a->dst, "147.32.83.234");
          g_assert_nonnull (strstr (a->description, "port 1337/tcp, which no known service uses"));
          found = TRUE;
        }
      g_assert_cmpuint (a->dport, <, 49152);
    }
  g_assert_true (found);
}

static EgFlow
make_flow (const char *src,
           const char *dst,
           guint16     dport,
           double      ts,
           EgConnState state)
{
  EgFlow flow;

  eg_flow_init (&flow);
  g_assert_true (eg_addr_parse (src, &flow.orig_h));
  g_assert_true (eg_addr_parse (dst, &flow.resp_h));
  flow.orig_p = 40000 + (guint16) ((guint) ts % 20000);
  flow.resp_p = dport;
  flow.proto = IPPROTO_TCP;
  flow.ts = ts;
  flow.duration = 0.3;
  flow.conn_state = state;
  flow.orig_pkts = 6;
  flow.resp_pkts = 5;
  flow.orig_bytes = 300;
  flow.resp_bytes = 1200;
  eg_flow_make_uid (flow.uid, (guint64) (ts * 1000), dport);
  return flow;
}

static void
test_beaconing_synthetic (void)
{
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GPtrArray) alerts = NULL, beacons = NULL;
  EgAlert *a;

  /* A beacon every 60 s ± 2 s, and beside it a person browsing at random. */
  for (guint i = 0; i < 20; i++)
    {
      EgFlow f = make_flow ("192.168.1.20", "203.0.113.7", 443, 1000 + i * 60.0 + (i % 3) * 2.0 - 2.0, EG_CONN_STATE_SF);
      EgFlow g = make_flow ("192.168.1.21", "198.51.100.9", 443, 1000 + (i * i * 37 % 997), EG_CONN_STATE_SF);

      g_array_append_val (flows, f);
      g_array_append_val (flows, g);
    }
  /* A long download's interim updates come every 300 s exactly: not a beacon. */
  for (guint i = 0; i < 20; i++)
    {
      EgFlow f = make_flow ("192.168.1.22", "198.51.100.10", 443, 1000 + i * 300.0, EG_CONN_STATE_S1);

      f.flags |= EG_FLOW_INTERIM;
      g_array_append_val (flows, f);
    }
  alerts = run (NULL, flows);
  beacons = only (alerts, "beaconing");
  g_assert_cmpuint (beacons->len, ==, 1);
  a = beacons->pdata[0];
  assert_alert_at (a, "192.168.1.20", "203.0.113.7", 443);
  g_assert_nonnull (strstr (a->description, "11 times, every 60."));
}

static void
test_beaconing_capture (void)
{
  g_autoptr(GArray) flows = read_capture ("slips-dataset/test-cc/test-cc-capture-1.pcap");
  g_autoptr(GPtrArray) alerts = NULL, beacons = NULL;
  EgAlert *a;

  if (flows == NULL)
    return;
  alerts = run (NULL, flows);
  beacons = only (alerts, "beaconing");
  g_assert_cmpuint (beacons->len, ==, 1);
  a = beacons->pdata[0];
  assert_alert_at (a, "147.32.80.37", "141.193.213.21", 443);
}

/* The second test-cc capture: the same C&C pattern to a neighbouring
 * server, 13 connections. Every one of them is evidence. */
static void
test_beaconing_capture_2 (void)
{
  g_autoptr(GArray) flows = read_capture ("slips-dataset/test-cc/test-cc-capture-2.pcap");
  g_autoptr(GPtrArray) alerts = NULL, beacons = NULL;
  EgAlert *a;

  if (flows == NULL)
    return;
  alerts = run (NULL, flows);
  beacons = only (alerts, "beaconing");
  g_assert_cmpuint (beacons->len, ==, 1);
  a = beacons->pdata[0];
  assert_alert_at (a, "147.32.80.37", "141.193.213.20", 443);
  g_assert_cmpuint (a->proto, ==, IPPROTO_TCP);
  g_assert_cmpuint (a->uids->len, >=, 11);
  g_assert_nonnull (strstr (a->description, " times, every "));
}

/* ml-flow accumulates: one flow the model is sure of (0.99) adds 0.2 (the
 * model alone is worth a low detector) × 0.98 of evidence and pages
 * nobody; the third within the window passes alert-threshold 0.5, at info
 * while no rule detector agrees. With the threshold set to 0.15 the first
 * one does. */
static void
test_ml_flow_accumulates (void)
{
  g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GArray) three = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GArray) again = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GPtrArray) alerts = NULL, ml = NULL;
  g_autoptr(EgConfig) eager = eg_config_new ();
  EgAlert *a;

  for (guint i = 0; i < 3; i++)
    {
      EgFlow f = make_flow ("192.168.5.5", "203.0.113.9", 443, 100 + i * 60.0, EG_CONN_STATE_SF);

      f.score = 0.99f;
      if (i == 0)
        {
          g_array_append_val (one, f);
          g_array_append_val (again, f);
        }
      g_array_append_val (three, f);
    }

  alerts = run (NULL, one);
  ml = only (alerts, "ml-flow");
  g_assert_cmpuint (ml->len, ==, 0);
  g_clear_pointer (&ml, g_ptr_array_unref);
  g_clear_pointer (&alerts, g_ptr_array_unref);

  alerts = run (NULL, three);
  ml = only (alerts, "ml-flow");
  g_assert_cmpuint (ml->len, ==, 1);
  a = ml->pdata[0];
  assert_alert_at (a, "192.168.5.5", "203.0.113.9", 443);
  g_assert_cmpuint (a->threat_level, ==, EG_THREAT_INFO);
  g_assert_cmpuint (a->uids->len, ==, 3);
  g_assert_cmpfloat_with_epsilon (a->confidence, 0.98, 1e-3);
  g_clear_pointer (&ml, g_ptr_array_unref);
  g_clear_pointer (&alerts, g_ptr_array_unref);

  eager->alert_threshold = 0.15;
  alerts = run (eager, again);
  ml = only (alerts, "ml-flow");
  g_assert_cmpuint (ml->len, ==, 1);
  g_assert_cmpuint (((EgAlert *) ml->pdata[0])->uids->len, ==, 1);
}

/* A rule detector's evidence against the same source lifts the model's
 * alert to high: five refused connections (rejected-connections, medium,
 * shown on its own: 0.5 × 1.0 passes 0.5) before the model's flows. */
static void
test_ml_flow_corroborated (void)
{
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GPtrArray) alerts = NULL, ml = NULL, rej = NULL;

  for (guint i = 0; i < 5; i++)
    {
      EgFlow f = make_flow ("192.168.5.6", "203.0.113.10", 8081, 50 + i, EG_CONN_STATE_REJ);

      g_array_append_val (flows, f);
    }
  for (guint i = 0; i < 3; i++)
    {
      EgFlow f = make_flow ("192.168.5.6", "203.0.113.9", 443, 100 + i * 60.0, EG_CONN_STATE_SF);

      f.score = 0.99f;
      g_array_append_val (flows, f);
    }
  alerts = run (NULL, flows);
  rej = only (alerts, "rejected-connections");
  g_assert_cmpuint (rej->len, ==, 1);
  ml = only (alerts, "ml-flow");
  g_assert_cmpuint (ml->len, ==, 1);
  g_assert_cmpuint (((EgAlert *) ml->pdata[0])->threat_level, ==, EG_THREAT_HIGH);
}

static void
test_rejected (void)
{
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GPtrArray) alerts = NULL, rej = NULL;
  EgAlert *a;

  for (guint i = 0; i < 7; i++)
    {
      EgFlow f = make_flow ("10.0.0.5", "10.0.0.9", 8080, 100 + i * 3.0, EG_CONN_STATE_REJ);

      g_array_append_val (flows, f);
    }
  alerts = run (NULL, flows);
  rej = only (alerts, "rejected-connections");
  g_assert_cmpuint (rej->len, ==, 1);
  a = rej->pdata[0];
  assert_alert_at (a, "10.0.0.5", "10.0.0.9", 8080);
  g_assert_cmpuint (a->uids->len, ==, 5);
}

/* RemcosRAT's C&C refusing it: 192.168.1.107 keeps reconnecting to
 * 66.63.168.35:5888, refused (REJ) each time. */
static void
test_rejected_capture (void)
{
  g_autoptr(GArray) flows = read_flow_log ("slips-dataset/test18-malicious-ctu-sme-11-win/zeek-labeled/conn.log.labeled");
  g_autoptr(GPtrArray) alerts = NULL, rej = NULL;
  EgAlert *a;

  if (flows == NULL)
    return;
  alerts = run (NULL, flows);
  rej = only (alerts, "rejected-connections");
  g_assert_cmpuint (rej->len, >=, 1);
  for (guint i = 0; i < rej->len; i++)
    {
      a = rej->pdata[i];
      assert_alert_at (a, "192.168.1.107", "66.63.168.35", 5888);
      g_assert_cmpuint (a->uids->len, >=, 5);
      for (guint k = 0; k < a->uids->len; k++)
        for (guint j = 0; j < flows->len; j++)
          if (g_strcmp0 (g_array_index (flows, EgFlow, j).uid, a->uids->pdata[k]) == 0)
            g_assert_cmpuint (g_array_index (flows, EgFlow, j).conn_state, ==, EG_CONN_STATE_REJ);
    }
}

/* The flows of log (sorted) for which keep says yes, in order, n at most. */
static GArray *
first_flows (GArray      *log,
             gboolean   (*keep) (const EgFlow *flow),
             guint        n)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (EgFlow));

  g_array_sort (log, compare_ts);
  for (guint i = 0; i < log->len && out->len < n; i++)
    if (keep (&g_array_index (log, EgFlow, i)))
      g_array_append_val (out, g_array_index (log, EgFlow, i));
  return out;
}

/* The RAT's C&C connections shorter than a long connection: evidence of
 * one detector each. */
static gboolean
is_rat_cc (const EgFlow *flow)
{
  return flow->resp_p == 1337 && eg_conn_state_is_established (flow->conn_state)
         && flow->duration < 1500;
}

static gboolean
is_blocklist_lookup (const EgFlow *flow)
{
  return flow->server_name[0] && g_str_has_suffix (flow->server_name, ".zen.spamhaus.org");
}

/* Evidence accumulates per source (Slips): one noisy flow pages nobody,
 * more of the same from that source make one alert with all of them. On
 * the Android RAT's real C&C connections (unknown-port, medium × 0.8 =
 * 0.4 each) and real DNS lookups of a listed name (threat-intel, a
 * lookup only: high × 0.5 = 0.4 each). */
/* The first one of keep's flows in log alone: silence. The first three:
 * one alert of detector against src, dst and port, with the first two
 * uids (the second passes 0.5; the third joins the alert shown). */
static void
assert_accumulates (const EgConfig *config,
                    GArray         *log,
                    gboolean      (*keep) (const EgFlow *flow),
                    const char     *detector,
                    const char     *src,
                    const char     *dst,
                    guint16         dport,
                    EgThreatLevel   level)
{
  for (guint n = 1; n <= 3; n++)
    {
      g_autoptr(GArray) flows = first_flows (log, keep, n);
      g_autoptr(GPtrArray) alerts = run (config, flows);
      EgAlert *a;

      g_assert_cmpuint (flows->len, ==, n);
      if (n == 1)
        {
          g_assert_cmpuint (alerts->len, ==, 0);
          continue;
        }
      g_assert_cmpuint (alerts->len, ==, 1);
      a = alerts->pdata[0];
      g_assert_cmpstr (a->detector, ==, detector);
      assert_alert_at (a, src, dst, dport);
      g_assert_cmpuint (a->threat_level, ==, level);
      g_assert_cmpuint (a->uids->len, ==, 2);
      g_assert_cmpstr (a->uids->pdata[0], ==, g_array_index (flows, EgFlow, 0).uid);
      g_assert_cmpstr (a->uids->pdata[1], ==, g_array_index (flows, EgFlow, 1).uid);
    }
}

static void
test_evidence_accumulates (void)
{
  g_autoptr(GArray) rat = read_flow_log ("stratosphere-security-datasets/003-zeek-scenario-malicious/conn.log");
  g_autoptr(GArray) cc = read_capture ("slips-dataset/test-cc/test-cc-capture-2.pcap");
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autofree char *dir = NULL, *list = NULL;
  g_autoptr(GError) error = NULL;

  if (rat == NULL || cc == NULL)
    return;
  assert_accumulates (NULL, rat, is_rat_cc, "unknown-port", "10.8.0.61", "147.32.83.234", 1337,
                      EG_THREAT_MEDIUM);

  dir = eg_test_mkdtemp ();
  list = g_build_filename (dir, "iocs.csv", NULL);
  g_file_set_contents (list, "zen.spamhaus.org, high, Test blocklist\n", -1, &error);
  g_assert_no_error (error);
  config->threat_intel_path = g_strdup (list);
  assert_accumulates (config, cc, is_blocklist_lookup, "threat-intel", "147.32.80.37",
                      "147.32.80.9", 53, EG_THREAT_HIGH);
  eg_test_rmdir (dir);
}

/* The threshold and the window are the operator's: at 1.2 three of the
 * RAT's C&C connections are needed, at 0.4 one is enough; with a window
 * shorter than the gap between two of them they never add up. */
static void
test_evidence_configurable (void)
{
  g_autoptr(GArray) rat = read_flow_log ("stratosphere-security-datasets/003-zeek-scenario-malicious/conn.log");
  g_autoptr(GArray) three = NULL;
  g_autoptr(EgConfig) strict = eg_config_new ();
  g_autoptr(EgConfig) eager = eg_config_new ();
  g_autoptr(EgConfig) brief = eg_config_new ();
  g_autoptr(GArray) two = NULL;
  g_autoptr(GPtrArray) a3 = NULL, a2 = NULL, a1 = NULL, ab = NULL;
  double gap;

  if (rat == NULL)
    return;
  three = first_flows (rat, is_rat_cc, 3);
  two = first_flows (rat, is_rat_cc, 2);
  strict->alert_threshold = 1.2;
  eager->alert_threshold = 0.4;
  a2 = run (strict, two);
  g_assert_cmpuint (a2->len, ==, 0);
  a3 = run (strict, three);
  g_assert_cmpuint (a3->len, ==, 1);
  g_assert_cmpuint (((EgAlert *) a3->pdata[0])->uids->len, ==, 3);
  {
    g_autoptr(GArray) one = first_flows (rat, is_rat_cc, 1);

    a1 = run (eager, one);
    g_assert_cmpuint (a1->len, ==, 1);
    assert_alert_at (a1->pdata[0], "10.8.0.61", "147.32.83.234", 1337);
  }
  gap = g_array_index (two, EgFlow, 1).ts - g_array_index (two, EgFlow, 0).ts;
  g_assert_cmpfloat (gap, >, 1);
  brief->detection_window = gap / 2;
  ab = run (brief, two);
  g_assert_cmpuint (ab->len, ==, 0);
}


/* The only flow of 100 MB or more in the shared data is a labeled-benign
 * Teams call (011: 437 MB sent over UDP 3478 in 56 min): large-upload
 * counts TCP only and stays silent. No real capture holds a 100 MB TCP
 * upload, so the positive case below is synthetic; here the same real
 * record, carried over TCP, is one: a large upload (high × 0.6) and a
 * long connection (56 min, low × 0.5) of one source, whose evidence adds
 * up past the threshold (0.58), so both are shown. */
static void
test_large_upload_real (void)
{
  g_autoptr(GArray) flows = read_flow_log ("stratosphere-security-datasets/011-zeek-mixed/data/conn.log.labeled");
  g_autoptr(GArray) call = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GPtrArray) alerts = NULL, up = NULL;
  EgFlow big = { 0 };
  EgAlert *a;

  if (flows == NULL)
    return;
  for (guint i = 0; i < flows->len; i++)
    if (g_array_index (flows, EgFlow, i).orig_bytes >= 100 * 1000 * 1000)
      {
        g_assert_cmpuint (big.proto, ==, 0);
        big = g_array_index (flows, EgFlow, i);  /* a copy: run () sorts flows */
      }
  g_assert_cmpuint (big.proto, ==, IPPROTO_UDP);
  alerts = run (NULL, flows);
  up = only (alerts, "large-upload");
  g_assert_cmpuint (up->len, ==, 0);
  g_clear_pointer (&up, g_ptr_array_unref);
  g_clear_pointer (&alerts, g_ptr_array_unref);

  big.proto = IPPROTO_TCP;
  g_array_append_val (call, big);
  alerts = run (NULL, call);
  up = only (alerts, "large-upload");
  g_assert_cmpuint (up->len, ==, 1);
  a = up->pdata[0];
  assert_alert_at (a, "147.32.83.165", "52.113.203.32", 3478);
  g_assert_cmpstr (a->uids->pdata[0], ==, "CeEJSH1O96vPIZJe01");
  g_clear_pointer (&up, g_ptr_array_unref);
  up = only (alerts, "long-connection");
  g_assert_cmpuint (up->len, ==, 1);
  assert_alert_at (up->pdata[0], "147.32.83.165", "52.113.203.32", 3478);
}

static void
test_large_upload (void)
{
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GPtrArray) alerts = NULL, up = NULL;
  EgFlow big = make_flow ("192.168.1.30", "203.0.113.50", 443, 10, EG_CONN_STATE_SF);
  EgFlow small = make_flow ("192.168.1.31", "203.0.113.50", 443, 11, EG_CONN_STATE_SF);
  EgFlow local = make_flow ("192.168.1.32", "192.168.1.2", 445, 12, EG_CONN_STATE_SF);
  EgAlert *a;

  big.orig_bytes = 150 * 1000 * 1000;
  small.orig_bytes = 99 * 1000 * 1000;
  local.orig_bytes = 500 * 1000 * 1000;  /* a backup to the NAS is not exfiltration */
  g_array_append_val (flows, big);
  g_array_append_val (flows, small);
  g_array_append_val (flows, local);
  /* One upload alone is high × 0.6 = 0.48 of evidence: below the line. */
  alerts = run (NULL, flows);
  up = only (alerts, "large-upload");
  g_assert_cmpuint (up->len, ==, 0);
  g_clear_pointer (&up, g_ptr_array_unref);
  g_clear_pointer (&alerts, g_ptr_array_unref);

  /* A second one within the hour: one alert with both. */
  big.ts = 900;
  big.orig_bytes = 210 * 1000 * 1000;
  eg_flow_make_uid (big.uid, 900000, 443);
  g_array_append_val (flows, big);
  alerts = run (NULL, flows);
  up = only (alerts, "large-upload");
  g_assert_cmpuint (up->len, ==, 1);
  a = up->pdata[0];
  assert_alert_at (a, "192.168.1.30", "203.0.113.50", 443);
  g_assert_cmpuint (a->uids->len, ==, 2);
  g_assert_nonnull (strstr (a->description, "uploaded 210.0"));
}

static void
test_ssh (void)
{
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GPtrArray) alerts = NULL, brute = NULL, ok = NULL;
  EgAlert *a;

  /* Twelve short logins that fail, then one that works. */
  for (guint i = 0; i < 12; i++)
    {
      EgFlow f = make_flow ("198.51.100.66", "192.168.1.10", 22, 50 + i, EG_CONN_STATE_SF);

      f.service = g_intern_static_string ("ssh");
      f.orig_bytes = 1500;
      f.resp_bytes = 2000;
      g_array_append_val (flows, f);
    }
  {
    EgFlow f = make_flow ("198.51.100.66", "192.168.1.10", 22, 70, EG_CONN_STATE_SF);

    f.service = g_intern_static_string ("ssh");
    f.orig_bytes = 5000;
    f.resp_bytes = 9000;
    g_array_append_val (flows, f);
  }
  alerts = run (NULL, flows);
  brute = only (alerts, "ssh-bruteforce");
  ok = only (alerts, "ssh-success");
  g_assert_cmpuint (brute->len, ==, 1);
  a = brute->pdata[0];
  assert_alert_at (a, "198.51.100.66", "192.168.1.10", 22);
  g_assert_cmpuint (a->uids->len, ==, 8);
  g_assert_cmpuint (ok->len, ==, 1);
  a = ok->pdata[0];
  assert_addr (&a->src, "198.51.100.66");
  g_assert_cmpuint (a->threat_level, ==, EG_THREAT_INFO);
}

static void
test_ssh_capture (void)
{
  g_autoptr(GArray) flows = read_capture ("slips-dataset/test19-malicious-ssh/malicious-ssh-bruteforce.pcap");
  g_autoptr(GPtrArray) alerts = NULL, brute = NULL;
  EgAlert *a;

  if (flows == NULL)
    return;
  alerts = run (NULL, flows);
  brute = only (alerts, "ssh-bruteforce");
  /* nmap's ssh-brute from 147.32.80.40 (README: 40 passwords against
   * 902/tcp, SSH found there by nDPI, not by the port). */
  g_assert_cmpuint (brute->len, >=, 1);
  a = brute->pdata[0];
  assert_alert_at (a, "147.32.80.40", "147.32.80.37", 902);
  g_assert_cmpuint (a->proto, ==, IPPROTO_TCP);
  g_assert_cmpuint (a->threat_level, ==, EG_THREAT_HIGH);
  g_assert_cmpuint (a->uids->len, ==, 8);
}

/* ssh-success by size against the honeypot's own ssh.log, whose
 * auth_success says which logins worked: every alert names a login that
 * worked, and the one that failed (3,764 bytes) is in none. */
static void
test_ssh_success_zeek (void)
{
  g_autoptr(GArray) flows = read_flow_log ("stratosphere-security-datasets/006-zeek-scenario-ssh/conn.log");
  g_autofree char *ssh_log = eg_test_shared_path ("stratosphere-security-datasets/006-zeek-scenario-ssh/ssh.log");
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) worked = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) failed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) alerts = NULL, ok = NULL;
  g_autoptr(GError) error = NULL;

  if (flows == NULL || ssh_log == NULL)
    return;
  g_file_get_contents (ssh_log, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) cols = g_strsplit (lines[i], "\t", 9);

      if (lines[i][0] == '#' || g_strv_length (cols) < 8)
        continue;
      /* ts uid orig_h orig_p resp_h resp_p version auth_success */
      g_hash_table_add (g_str_equal (cols[7], "T") ? worked : failed,
                        (gpointer) g_intern_string (cols[1]));
    }
  g_assert_cmpuint (g_hash_table_size (worked), ==, 9);
  g_assert_cmpuint (g_hash_table_size (failed), ==, 1);

  alerts = run (NULL, flows);
  ok = only (alerts, "ssh-success");
  /* Two clients, logins spread over a day: one alert per pair per hour. */
  g_assert_cmpuint (ok->len, ==, 5);
  for (guint i = 0; i < ok->len; i++)
    {
      EgAlert *a = ok->pdata[i];

      assert_addr (&a->dst, "2001:718:2:1663:2d1c:6afd:7fc2:31f8");
      g_assert_cmpuint (a->dport, ==, 902);
      g_assert_cmpuint (a->threat_level, ==, EG_THREAT_INFO);
      g_assert_cmpuint (a->uids->len, ==, 1);
      g_assert_true (g_hash_table_contains (worked, g_intern_string (a->uids->pdata[0])));
      g_assert_false (g_hash_table_contains (failed, g_intern_string (a->uids->pdata[0])));
    }
}

static void
test_icmp_sweep (void)
{
  g_autoptr(GArray) flows = read_capture ("slips-dataset/test12-icmp-portscan.pcap");
  g_autoptr(GPtrArray) alerts = NULL, sweeps = NULL;
  EgAlert *a;

  if (flows == NULL)
    return;
  alerts = run (NULL, flows);
  sweeps = only (alerts, "icmp-sweep");
  g_assert_cmpuint (sweeps->len, >=, 1);
  a = sweeps->pdata[0];
  assert_addr (&a->src, "192.168.1.109");
  assert_addr (&a->dst, NULL);
  g_assert_cmpuint (a->proto, ==, IPPROTO_ICMP);
  g_assert_cmpuint (a->uids->len, ==, 5);
}

static void
test_arp_scan (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test8-malicious.pcap");
  char errbuf[PCAP_ERRBUF_SIZE];
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autoptr(EgDetectors) ds = NULL;
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);
  g_autoptr(GPtrArray) scans = NULL;
  g_autoptr(GError) error = NULL;
  struct pcap_pkthdr *hdr;
  const guint8 *data;
  pcap_t *pcap;
  guint n_arp = 0;
  EgAlert *a;

  if (path == NULL)
    return;
  pcap = pcap_open_offline (path, errbuf);
  g_assert_nonnull (pcap);
  /* An ARP scan is low evidence (Slips): 0.2 × 0.5 at 5 targets, 0.2 × 1
   * at 50, 0.3 in all, which the default threshold (0.5) leaves unseen.
   * With nothing else against the host, 0.3 shows both. */
  config->alert_threshold = 0.3;
  ds = eg_detectors_new (config, NULL, &error);
  g_assert_no_error (error);
  while (pcap_next_ex (pcap, &hdr, &data) == 1)
    {
      EgPacket pkt;

      if (eg_packet_decode (&pkt, pcap_datalink (pcap), data, hdr->caplen) != EG_DECODE_ARP)
        continue;
      n_arp++;
      eg_detectors_process_arp (ds, hdr->ts.tv_sec + hdr->ts.tv_usec / 1e6, pkt.arp_sha,
                                pkt.arp_spa, pkt.arp_tha, pkt.arp_tpa, pkt.arp_op, alerts);
    }
  pcap_close (pcap);
  g_assert_cmpuint (n_arp, >=, 500);
  scans = only (alerts, "arp-scan");
  /* 5 targets, then 50; a /24 has no 500 addresses to ask for. */
  g_assert_cmpuint (scans->len, ==, 2);
  a = scans->pdata[0];
  assert_addr (&a->src, "192.168.1.247");
  assert_addr (&a->dst, NULL);
  g_assert_nonnull (strstr (a->description, "asked for 5 addresses by ARP"));
  g_assert_nonnull (strstr (((EgAlert *) scans->pdata[1])->description, "asked for 50 addresses"));
}

/* Normal traffic pages nobody. */
static void
test_silence_benign (void)
{
  const char *logs[] = {
    "stratosphere-security-datasets/008-zeek-mixed/data/conn.log.labeled",
    "stratosphere-security-datasets/011-zeek-mixed/data/conn.log.labeled",
  };

  for (guint k = 0; k < G_N_ELEMENTS (logs); k++)
    {
      g_autoptr(GArray) flows = read_flow_log (logs[k]);
      g_autoptr(GArray) benign = NULL;
      g_autoptr(GPtrArray) alerts = NULL;

      if (flows == NULL)
        return;
      benign = g_array_new (FALSE, FALSE, sizeof (EgFlow));
      for (guint i = 0; i < flows->len; i++)
        if (g_strcmp0 (g_array_index (flows, EgFlow, i).label, EG_LABEL_BENIGN) == 0)
          g_array_append_val (benign, g_array_index (flows, EgFlow, i));
      g_assert_cmpuint (benign->len, >, 1000);
      alerts = run (NULL, benign);
      /* Silence from everything that claims malice, scans included: the
       * desktop 147.32.83.165 of 011 leaves ~100 HTTPS SYNs a day
       * unanswered among 2,000 sessions, and port-scan-horizontal now
       * tells a busy client from a scanner. What stays is long-connection
       * (desktops keep HTTPS sessions open for hours): Slips' definition,
       * low evidence of a behaviour, and it says so. Each is checked to be
       * what it claims. */
      for (guint i = 0; i < alerts->len; i++)
        {
          EgAlert *al = alerts->pdata[i];

          if (g_strcmp0 (al->detector, "long-connection") == 0)
            {
              g_assert_cmpuint (al->threat_level, ==, EG_THREAT_LOW);
              g_assert_nonnull (strstr (al->description, "open for"));
            }
          else
            g_error ("unexpected alert on benign flows: %s: %s", al->detector, al->description);
        }
    }
}

static void
test_silence_ndpi (void)
{
  const char *captures[] = {
    "ndpi/443-firefox.pcap", "ndpi/http_ipv6.pcap", "ndpi/dns.pcap", "ndpi/http.pcapng",
  };

  for (guint k = 0; k < G_N_ELEMENTS (captures); k++)
    {
      g_autoptr(GArray) flows = read_capture (captures[k]);
      g_autoptr(GPtrArray) alerts = NULL;

      if (flows == NULL)
        return;
      alerts = run (NULL, flows);
      for (guint i = 0; i < alerts->len; i++)
        g_test_message ("%s: %s", ((EgAlert *) alerts->pdata[i])->detector,
                        ((EgAlert *) alerts->pdata[i])->description);
      g_assert_cmpuint (alerts->len, ==, 0);
    }
}

static void
test_alert_json (void)
{
  g_autoptr(GArray) flows = read_flow_log ("slips-dataset/port-scans/horizontal/conn.log");
  g_autoptr(GPtrArray) alerts = NULL, scans = NULL;
  g_autoptr(GString) json = g_string_new (NULL);

  if (flows == NULL)
    return;
  alerts = run (NULL, flows);
  scans = only (alerts, "port-scan-horizontal");
  g_assert_cmpuint (scans->len, ==, 1);
  eg_alert_append_json (json, scans->pdata[0]);
  g_assert_nonnull (strstr (json->str, "\"detector\":\"port-scan-horizontal\",\"src\":\"10.0.2.112\",\"dst\":null,\"dport\":80,\"proto\":\"tcp\",\"threat_level\":\"high\""));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/detectors/port-scan-horizontal/zeek", test_horizontal_zeek);
  g_test_add_func ("/detectors/port-scan-horizontal/binetflow", test_horizontal_binetflow);
  g_test_add_func ("/detectors/port-scan-vertical/zeek-and-binetflow", test_vertical);
  g_test_add_func ("/detectors/long-connection/binetflow", test_long_connection);
  g_test_add_func ("/detectors/long-connection/broadcast", test_long_connection_broadcast);
  g_test_add_func ("/detectors/threat-intel/ip-and-cidr", test_threat_intel);
  g_test_add_func ("/detectors/threat-intel/server-name", test_threat_intel_server_name);
  g_test_add_func ("/detectors/threat-intel/asn", test_threat_intel_asn);
  g_test_add_func ("/detectors/ml-flow/accumulates", test_ml_flow_accumulates);
  g_test_add_func ("/detectors/ml-flow/corroborated", test_ml_flow_corroborated);
  g_test_add_func ("/detectors/beaconing/capture-2", test_beaconing_capture_2);
  g_test_add_func ("/detectors/rejected-connections/capture", test_rejected_capture);
  g_test_add_func ("/detectors/large-upload/real-record", test_large_upload_real);
  g_test_add_func ("/detectors/ssh-success/zeek-ssh-log", test_ssh_success_zeek);
  g_test_add_func ("/detectors/threat-intel/domain", test_threat_intel_domain);
  g_test_add_func ("/detectors/unknown-port/android-rat", test_unknown_port);
  g_test_add_func ("/detectors/beaconing/synthetic", test_beaconing_synthetic);
  g_test_add_func ("/detectors/beaconing/test-cc", test_beaconing_capture);
  g_test_add_func ("/detectors/rejected-connections/synthetic", test_rejected);
  g_test_add_func ("/detectors/large-upload/synthetic", test_large_upload);
  g_test_add_func ("/detectors/ssh/by-size", test_ssh);
  g_test_add_func ("/detectors/ssh/capture", test_ssh_capture);
  g_test_add_func ("/detectors/icmp-sweep/capture", test_icmp_sweep);
  g_test_add_func ("/detectors/arp-scan/capture", test_arp_scan);
  g_test_add_func ("/detectors/evidence/accumulates", test_evidence_accumulates);
  g_test_add_func ("/detectors/evidence/configurable", test_evidence_configurable);
  g_test_add_func ("/detectors/silence/benign-rows", test_silence_benign);
  g_test_add_func ("/detectors/silence/ndpi-captures", test_silence_ndpi);
  g_test_add_func ("/detectors/alert/json", test_alert_json);
  return g_test_run ();
}
