/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard-cli analyze --alerts on real captures: every line is one JSON
 * object in the public format the README documents (keys, types, values),
 * and every uid it names is a flow of the same input. */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "eg-test-util.h"

static const char * const detectors[] = {
  "port-scan-horizontal", "port-scan-vertical", "icmp-sweep", "arp-scan",
  "long-connection", "ssh-bruteforce", "ssh-success", "rejected-connections",
  "large-upload", "unknown-port", "threat-intel", "beaconing", "ml-flow", NULL
};
static const char * const levels[] = { "info", "low", "medium", "high", "critical", NULL };
static const char * const protos[] = { "tcp", "udp", "icmp", "arp", NULL };

/* The alerts of one run, and the uids of the flows that same run kept in
 * its database (uids are random per run, as Zeek's are). */
static char *
run_alerts (const char  *input,
            GHashTable **uids_out)
{
  const char *build = g_getenv ("EG_BUILD_DIR");
  g_autofree char *cli = g_build_filename (build ? build : ".", "src", "cli", "edgeguard-cli", NULL);
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "flows.db", NULL);
  const char *argv[] = { cli, "analyze", "--no-progress", "--alerts", "--db", db, input, NULL };
  g_autoptr(GError) error = NULL;
  GHashTable *uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3 *conn = NULL;
  sqlite3_stmt *stmt = NULL;
  char *out = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  g_assert_cmpint (sqlite3_open_v2 (db, &conn, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (conn, "SELECT uid FROM flows", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (uids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  sqlite3_close (conn);
  eg_test_rmdir (dir);
  g_assert_cmpuint (g_hash_table_size (uids), >, 0);
  *uids_out = uids;
  return out;
}

static gboolean
in_list (const char         *value,
         const char * const *list)
{
  return value && g_strv_contains (list, value);
}

/* Checks one line against the README's table; returns the object. */
static JsonObject *
check_alert_line (const char *line,
                  GHashTable *uids)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *obj;
  JsonNode *node;
  JsonArray *evidence;
  const char *detector, *proto;
  double confidence;

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  node = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  obj = json_node_get_object (node);

  node = json_object_get_member (obj, "ts");
  g_assert_nonnull (node);
  g_assert_true (json_node_get_value_type (node) == G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_node_get_double (node), >, 0);

  detector = json_object_get_string_member_with_default (obj, "detector", NULL);
  g_assert_true (in_list (detector, detectors));

  node = json_object_get_member (obj, "src");
  g_assert_true (node && json_node_get_value_type (node) == G_TYPE_STRING);
  g_assert_cmpstr (json_node_get_string (node), !=, "");
  node = json_object_get_member (obj, "dst");
  g_assert_true (node && (JSON_NODE_HOLDS_NULL (node)
                          || json_node_get_value_type (node) == G_TYPE_STRING));

  proto = json_object_get_string_member_with_default (obj, "proto", NULL);
  g_assert_true (in_list (proto, protos));
  node = json_object_get_member (obj, "dport");
  g_assert_nonnull (node);
  if (JSON_NODE_HOLDS_NULL (node))
    ;
  else
    {
      g_assert_true (json_node_get_value_type (node) == G_TYPE_INT64);
      g_assert_cmpint (json_node_get_int (node), >=, 1);
      g_assert_cmpint (json_node_get_int (node), <=, 65535);
      /* A port means TCP or UDP. */
      g_assert_true (g_str_equal (proto, "tcp") || g_str_equal (proto, "udp"));
    }

  /* Where there is no single port or target, null, never 0 or "". */
  if (g_str_equal (detector, "port-scan-vertical") || g_str_equal (detector, "icmp-sweep")
      || g_str_equal (detector, "arp-scan") || g_str_equal (proto, "icmp"))
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (obj, "dport")));
  if (g_str_equal (detector, "port-scan-horizontal") || g_str_equal (detector, "icmp-sweep")
      || g_str_equal (detector, "arp-scan"))
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (obj, "dst")));
  else
    g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (obj, "dst")));
  if (g_str_equal (detector, "arp-scan"))
    g_assert_cmpstr (proto, ==, "arp");

  g_assert_true (in_list (json_object_get_string_member_with_default (obj, "threat_level", NULL),
                          levels));
  node = json_object_get_member (obj, "confidence");
  g_assert_true (node && json_node_get_value_type (node) == G_TYPE_DOUBLE);
  confidence = json_node_get_double (node);
  g_assert_cmpfloat (confidence, >=, 0);
  g_assert_cmpfloat (confidence, <=, 1);
  g_assert_cmpuint (strlen (json_object_get_string_member_with_default (obj, "description", "")),
                    >, 20);

  node = json_object_get_member (obj, "uids");
  g_assert_true (node && JSON_NODE_HOLDS_ARRAY (node));
  evidence = json_node_get_array (node);
  /* ARP requests are not flows (README): the only alert without evidence flows. */
  if (g_str_equal (detector, "arp-scan"))
    g_assert_cmpuint (json_array_get_length (evidence), ==, 0);
  else
    g_assert_cmpuint (json_array_get_length (evidence), >=, 1);
  for (guint i = 0; i < json_array_get_length (evidence); i++)
    {
      JsonNode *uid = json_array_get_element (evidence, i);

      g_assert_true (json_node_get_value_type (uid) == G_TYPE_STRING);
      if (!g_hash_table_contains (uids, json_node_get_string (uid)))
        g_error ("%s alert names uid %s, which is no flow of the input", detector,
                 json_node_get_string (uid));
    }

  if (json_object_has_member (obj, "country"))
    g_assert_cmpuint (strlen (json_object_get_string_member (obj, "country")), ==, 2);
  if (json_object_has_member (obj, "asn"))
    g_assert_cmpint (json_object_get_int_member (obj, "asn"), >, 0);
  return json_object_ref (obj);
}

/* Every alert line of input; the alerts as objects. */
static GPtrArray *
alerts_of (const char *relative)
{
  g_autofree char *input = eg_test_shared_path (relative);
  g_autofree char *out = NULL;
  g_autoptr(GHashTable) uids = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  if (input == NULL)
    return alerts;
  out = run_alerts (input, &uids);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (lines[i][0])
      g_ptr_array_add (alerts, check_alert_line (lines[i], uids));
  return alerts;
}

static JsonObject *
find_alert (GPtrArray  *alerts,
            const char *detector)
{
  for (guint i = 0; i < alerts->len; i++)
    if (g_str_equal (json_object_get_string_member (alerts->pdata[i], "detector"), detector))
      return alerts->pdata[i];
  return NULL;
}

static void
test_vertical_scan (void)
{
  g_autoptr(GPtrArray) alerts = alerts_of ("slips-dataset/port-scans/vertical/conn.log");
  JsonObject *scan;

  if (alerts->len == 0)
    return;
  scan = find_alert (alerts, "port-scan-vertical");
  g_assert_nonnull (scan);
  g_assert_cmpstr (json_object_get_string_member (scan, "src"), ==, "192.168.1.9");
  g_assert_cmpstr (json_object_get_string_member (scan, "dst"), ==, "45.33.32.156");
  g_assert_true (json_object_get_null_member (scan, "dport"));
  g_assert_cmpstr (json_object_get_string_member (scan, "proto"), ==, "tcp");
}

static void
test_arp_scan (void)
{
  g_autoptr(GPtrArray) alerts = alerts_of ("slips-dataset/test8-malicious.pcap");
  JsonObject *scan;

  if (alerts->len == 0)
    return;
  scan = find_alert (alerts, "arp-scan");
  g_assert_nonnull (scan);
  g_assert_cmpstr (json_object_get_string_member (scan, "src"), ==, "192.168.1.247");
  g_assert_cmpstr (json_object_get_string_member (scan, "proto"), ==, "arp");
  /* No uid, so the description carries the evidence: the MAC. */
  g_assert_nonnull (strstr (json_object_get_string_member (scan, "description"),
                            "50:ed:3c:39:bc:d9"));
}

static void
test_icmp_sweep (void)
{
  g_autoptr(GPtrArray) alerts = alerts_of ("slips-dataset/test12-icmp-portscan.pcap");
  JsonObject *sweep;

  if (alerts->len == 0)
    return;
  sweep = find_alert (alerts, "icmp-sweep");
  g_assert_nonnull (sweep);
  g_assert_cmpstr (json_object_get_string_member (sweep, "src"), ==, "192.168.1.109");
  g_assert_cmpstr (json_object_get_string_member (sweep, "proto"), ==, "icmp");
}

static void
test_beaconing (void)
{
  g_autoptr(GPtrArray) alerts = alerts_of ("slips-dataset/test-cc/test-cc-capture-1.pcap");
  JsonObject *beacon;

  if (alerts->len == 0)
    return;
  beacon = find_alert (alerts, "beaconing");
  g_assert_nonnull (beacon);
  g_assert_cmpint (json_object_get_int_member (beacon, "dport"), ==, 443);
  /* All the connections whose rhythm raised it (11 at least), not a sample. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (beacon, "uids")), >=, 11);
  /* The remote end located offline, from Debian's libloc database. */
  if (g_file_test ("/usr/share/libloc-location/location.db", G_FILE_TEST_EXISTS))
    {
      g_assert_cmpstr (json_object_get_string_member (beacon, "country"), ==, "US");
      g_assert_cmpint (json_object_get_int_member (beacon, "asn"), ==, 209242);
    }
}

static void
test_mixed_capture (void)
{
  /* Horizontal scans, SSH and model alerts in one capture: only the format. */
  g_autoptr(GPtrArray) alerts = alerts_of ("slips-dataset/test7-malicious.pcap");

  if (alerts->len == 0)
    return;
  g_assert_nonnull (find_alert (alerts, "port-scan-horizontal"));
}

/* The normal nDPI captures that used to raise high and medium model alerts
 * through this very command: nothing above info now. */
static void
test_normal_traffic (void)
{
  const char *captures[] = { "ndpi/android.pcap", "ndpi/rtsp.pcap", "ndpi/iphone.pcap",
                             "ndpi/dns_fragmented.pcap" };

  for (guint k = 0; k < G_N_ELEMENTS (captures); k++)
    {
      g_autoptr(GPtrArray) alerts = alerts_of (captures[k]);

      for (guint i = 0; i < alerts->len; i++)
        if (!g_str_equal (json_object_get_string_member (alerts->pdata[i], "threat_level"), "info"))
          g_error ("%s: %s alert at %s on normal traffic: %s", captures[k],
                   json_object_get_string_member (alerts->pdata[i], "detector"),
                   json_object_get_string_member (alerts->pdata[i], "threat_level"),
                   json_object_get_string_member (alerts->pdata[i], "description"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/alerts/format/vertical-scan", test_vertical_scan);
  g_test_add_func ("/cli/alerts/format/arp-scan", test_arp_scan);
  g_test_add_func ("/cli/alerts/format/icmp-sweep", test_icmp_sweep);
  g_test_add_func ("/cli/alerts/format/beaconing", test_beaconing);
  g_test_add_func ("/cli/alerts/format/mixed-capture", test_mixed_capture);
  g_test_add_func ("/cli/alerts/silence/normal-traffic", test_normal_traffic);
  return g_test_run ();
}
