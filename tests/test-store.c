/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <gio/gio.h>

#include "eg-error.h"
#include "eg-store.h"
#include "eg-test-util.h"

static void
make_flow (EgFlow      *flow,
           guint        i,
           const char  *label,
           EgLabelSource source,
           guint32      flags)
{
  guint8 a[4] = { 10, 0, (i >> 8) & 0xff, i & 0xff };
  guint8 b[4] = { 93, 184, 216, 34 };

  eg_flow_init (flow);
  g_snprintf (flow->uid, sizeof flow->uid, "Ctest%06u", i);
  flow->ts = 1700000000.0 + i;
  flow->duration = 0.5 + i % 7;
  eg_addr_set_v4 (&flow->orig_h, a);
  eg_addr_set_v4 (&flow->resp_h, b);
  flow->orig_p = 40000 + i % 1000;
  flow->resp_p = i % 2 ? 443 : 80;
  flow->proto = IPPROTO_TCP;
  flow->conn_state = EG_CONN_STATE_SF;
  flow->service = g_intern_string (i % 2 ? "ssl" : "http");
  g_strlcpy (flow->history, "ShADadFf", sizeof flow->history);
  flow->orig_bytes = 100 + i;
  flow->resp_bytes = 2000 + i;
  flow->orig_pkts = 5;
  flow->resp_pkts = 6;
  flow->score = (i % 10) / 10.0f;
  flow->model_version = 3;
  flow->label = eg_label_normalize (label);
  flow->label_source = label ? source : EG_LABEL_SOURCE_NONE;
  flow->flags = flags;
}

static EgStore *
open_store (const char *dir,
            const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  EgStore *store = eg_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
test_open_sensor_id (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *id = NULL;
  EgStore *store = open_store (dir, "a/b/sensor.db");

  g_assert_cmpuint (strlen (eg_store_get_sensor_id (store)), ==, 36);
  g_assert_cmpint (eg_store_get_schema_version (store), ==, EG_STORE_SCHEMA_VERSION);
  g_assert_true (eg_store_add_model (store, 3, "/models/v3.ubj", "{\"auc\":0.97}", NULL));
  id = g_strdup (eg_store_get_sensor_id (store));
  eg_store_unref (store);
  /* Created once, kept after. */
  store = open_store (dir, "a/b/sensor.db");
  g_assert_cmpstr (eg_store_get_sensor_id (store), ==, id);
  eg_store_unref (store);
  eg_test_rmdir (dir);
}

static void
test_open_not_sqlite (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "flows.db", NULL);
  g_autoptr(GError) error = NULL;
  EgStore *store;

  g_file_set_contents (path, "#separator \\x09\n#path\tconn\nthis is a conn.log\n", -1, NULL);
  store = eg_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, EG_ERROR, EG_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "not an Edgeguard database"));
  g_assert_nonnull (strstr (error->message, path));
  eg_test_rmdir (dir);
}

static void
test_open_other_sqlite (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "other.db", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "CREATE TABLE t (x)", NULL, NULL, NULL);
  sqlite3_close (db);
  g_assert_null (eg_store_open (path, &error));
  g_assert_error (error, EG_ERROR, EG_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "another program"));
  eg_test_rmdir (dir);
}

static void
test_open_newer_schema (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "new.db", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  eg_store_unref (open_store (dir, "new.db"));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL);
  sqlite3_close (db);
  g_assert_null (eg_store_open (path, &error));
  g_assert_error (error, EG_ERROR, EG_ERROR_SCHEMA_MISMATCH);
  g_assert_nonnull (strstr (error->message, "newer Edgeguard"));
  g_assert_nonnull (strstr (error->message, "schema 99"));
  eg_test_rmdir (dir);
}

static gint64
sql_int (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* A database of schema 1 (what the first release wrote) opens, is upgraded
 * in place and keeps its flows, labels, history and outbox. */
static void
test_open_upgrade (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(GArray) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sensor = NULL;
  EgOutboxCounts counts;
  EgPruneResult r;
  EgStore *store = open_store (dir, "old.db");
  EgFlow flow;
  sqlite3 *db;

  for (guint i = 0; i < 10; i++)
    {
      make_flow (&flow, i, i < 5 ? "Malicious" : NULL, EG_LABEL_SOURCE_IMPORTED,
                 EG_FLOW_PORT_OF_INTEREST);
      eg_store_add_flows (store, &flow, 1);
    }
  g_assert_true (eg_store_flush (store, NULL));
  sensor = g_strdup (eg_store_get_sensor_id (store));
  eg_store_unref (store);

  /* Schema 6 is schema 1 with one index more, one less, the outbox floor,
   * the flows' context column, no time per sent row and alerts stored once:
   * take it back to 1. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP INDEX label_history_flow; DROP TABLE outbox_floor;"
                                 "ALTER TABLE flows DROP COLUMN context;"
                                 "ALTER TABLE outbox ADD COLUMN sent_at REAL;"
                                 "DROP INDEX alerts_once;"
                                 "CREATE INDEX outbox_pending ON outbox (flow_id) WHERE state = 0;"
                                 "PRAGMA user_version = 1", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sql_int (db, "SELECT count (*) FROM sqlite_master WHERE name = "
                            "'label_history_flow'"), ==, 0);
  /* Two copies of an alert, as a capture read twice left them. */
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO alerts (id, ts, detector, dport, description) "
                                 "VALUES (1, 5.0, 'arp-scan', 0, 'who has'), "
                                 "(2, 5.0, 'arp-scan', 0, 'who has');"
                                 "INSERT INTO alert_evidence VALUES (1, 'Ca'), (2, 'Ca');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = eg_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (eg_store_get_schema_version (store), ==, EG_STORE_SCHEMA_VERSION);
  g_assert_cmpstr (eg_store_get_sensor_id (store), ==, sensor);
  g_assert_cmpint (eg_store_count_flows (store, NULL), ==, 10);
  g_assert_true (eg_store_get_flow (store, "Ctest000003", &flow, NULL));
  g_assert_true (flow.label == g_intern_string ("Malicious"));
  g_assert_cmpint (flow.label_source, ==, EG_LABEL_SOURCE_IMPORTED);
  history = eg_store_get_label_history (store, "Ctest000003", NULL);
  g_assert_cmpuint (history->len, ==, 1);
  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_assert_cmpuint (counts.pending, ==, 5);
  /* Retention works on the upgraded file and takes the history along. */
  g_assert_true (eg_store_prune (store, 1700001000.0, 995, 0, EG_PRUNE_INCLUDE_UNSENT, &r, NULL));
  g_assert_cmpuint (r.n_deleted, ==, 5);
  g_assert_cmpuint (r.n_dropped_unsent, ==, 5);
  eg_store_unref (store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sql_int (db, "PRAGMA user_version"), ==, EG_STORE_SCHEMA_VERSION);
  g_assert_cmpint (sql_int (db, "SELECT count (*) FROM pragma_table_info ('flows') "
                            "WHERE name = 'context'"), ==, 1);
  g_assert_cmpint (sql_int (db, "SELECT count (*) FROM pragma_table_info ('outbox') "
                            "WHERE name = 'sent_at'"), ==, 0);
  g_assert_cmpint (sql_int (db, "SELECT count (*) FROM sqlite_master WHERE name = "
                            "'label_history_flow'"), ==, 1);
  g_assert_cmpint (sql_int (db, "SELECT count (*) FROM sqlite_master WHERE name = "
                            "'outbox_pending'"), ==, 0);
  g_assert_cmpint (sql_int (db, "SELECT count (*) FROM label_history"), ==, 0);
  g_assert_cmpint (sql_int (db, "SELECT count (*) FROM outbox"), ==, 0);
  g_assert_cmpint (sql_int (db, "SELECT count (*) FROM label_changes"), ==, 0);
  g_assert_cmpint (sql_int (db, "SELECT count (*) FROM alerts"), ==, 1);
  g_assert_cmpint (sql_int (db, "SELECT count (*) FROM alert_evidence"), ==, 1);
  sqlite3_close (db);
  eg_test_rmdir (dir);
}

static void
test_flows_roundtrip (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  EgStore *store = open_store (dir, "s.db");
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GError) error = NULL;
  g_autoptr(EgFlowFilter) filter = NULL;
  EgFlow flow, back;
  char buf[EG_ADDR_STRLEN];

  for (guint i = 0; i < 1000; i++)
    {
      make_flow (&flow, i, i % 4 == 0 ? "Malicious" : NULL, EG_LABEL_SOURCE_MODEL,
                 EG_FLOW_PORT_OF_INTEREST);
      g_array_append_val (flows, flow);
    }
  /* One with packet statistics and IPv6. */
  make_flow (&flow, 5000, "Benign", EG_LABEL_SOURCE_MODEL, EG_FLOW_HAS_PACKET_STATS);
  eg_addr_parse ("2001:db8::1", &flow.orig_h);
  flow.dir[0].n_syn = 1;
  flow.dir[1].size.max = 1500;
  flow.first_sizes[0] = 60;
  flow.first_sizes[1] = -60;
  g_strlcpy (flow.country, "CZ", sizeof flow.country);
  flow.asn = 2852;
  flow.detailed_label = g_intern_string ("From-Benign");
  g_array_append_val (flows, flow);

  eg_store_add_flows (store, (EgFlow *) flows->data, flows->len);
  g_assert_true (eg_store_flush (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (eg_store_count_flows (store, NULL), ==, 1001);

  g_assert_true (eg_store_get_flow (store, "Ctest005000", &back, &error));
  g_assert_cmpstr (eg_addr_to_string (&back.orig_h, buf), ==, "2001:db8::1");
  g_assert_cmpstr (eg_addr_to_string (&back.resp_h, buf), ==, "93.184.216.34");
  g_assert_cmpfloat (back.ts, ==, 1700005000.0);
  g_assert_cmpuint (back.orig_bytes, ==, 5100);
  g_assert_cmpuint (back.resp_p, ==, 80);
  g_assert_true (back.service == g_intern_string ("http"));
  g_assert_true (back.label == g_intern_string ("Benign"));
  g_assert_true (back.detailed_label == g_intern_string ("From-Benign"));
  g_assert_cmpint (back.label_source, ==, EG_LABEL_SOURCE_MODEL);
  g_assert_cmpstr (back.history, ==, "ShADadFf");
  g_assert_cmpuint (back.dir[0].n_syn, ==, 1);
  g_assert_cmpfloat (back.dir[1].size.max, ==, 1500);
  g_assert_cmpint (back.first_sizes[1], ==, -60);
  g_assert_cmpstr (back.country, ==, "CZ");
  g_assert_cmpuint (back.asn, ==, 2852);
  g_assert_cmpfloat_with_epsilon (back.score, 0.0, 1e-6);

  g_assert_false (eg_store_get_flow (store, "Cnothere", &back, &error));
  g_assert_error (error, EG_ERROR, EG_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* 250 malicious, half of them on 443; the time range takes 100 of them. */
  filter = eg_flow_filter_parse ("label malicious and dport 443", &error);
  g_assert_no_error (error);
  g_assert_true (eg_store_query_flows (store, filter, 0, 0, 0, 0, out, &error));
  g_assert_cmpuint (out->len, ==, 0);  /* i % 4 == 0 is even: port 80 */
  g_clear_pointer (&filter, eg_flow_filter_free);
  filter = eg_flow_filter_parse ("label malicious and dport 80", NULL);
  g_assert_true (eg_store_query_flows (store, filter, 0, 0, 0, 0, out, &error));
  g_assert_cmpuint (out->len, ==, 250);
  g_array_set_size (out, 0);
  g_assert_true (eg_store_query_flows (store, filter, 1700000000.0, 1700000400.0, 0, 0, out,
                                       &error));
  g_assert_cmpuint (out->len, ==, 100);
  g_array_set_size (out, 0);
  g_assert_true (eg_store_query_flows (store, filter, 0, 0, 10, 5, out, &error));
  g_assert_cmpuint (out->len, ==, 10);
  g_assert_cmpstr (g_array_index (out, EgFlow, 0).uid, ==, "Ctest000020");

  eg_store_unref (store);
  eg_test_rmdir (dir);
}

static const char *
label_of (EgStore    *store,
          const char *uid,
          guint8     *source)
{
  EgFlow flow;

  g_assert_true (eg_store_get_flow (store, uid, &flow, NULL));
  if (source)
    *source = flow.label_source;
  return flow.label;
}

static void
test_labels_precedence (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  EgStore *store = open_store (dir, "s.db");
  g_autoptr(GError) error = NULL;
  const char *uids[] = { "Ctest000001", NULL };
  guint64 n = 0;
  guint8 source;
  EgFlow flow;

  make_flow (&flow, 1, "Benign", EG_LABEL_SOURCE_MODEL, 0);
  eg_store_add_flows (store, &flow, 1);
  g_assert_true (eg_store_relabel_uids (store, uids, "malicious", "C2", EG_LABEL_SOURCE_OPERATOR,
                                        "alice", &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);

  /* The model's next word on the flow leaves the operator's label alone. */
  make_flow (&flow, 1, "Benign", EG_LABEL_SOURCE_MODEL, 0);
  flow.orig_bytes = 99999;
  eg_store_add_flows (store, &flow, 1);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (label_of (store, "Ctest000001", &source) == g_intern_string ("Malicious"));
  g_assert_cmpint (source, ==, EG_LABEL_SOURCE_OPERATOR);
  g_assert_true (eg_store_get_flow (store, "Ctest000001", &flow, NULL));
  g_assert_cmpuint (flow.orig_bytes, ==, 99999);
  g_assert_true (flow.detailed_label == g_intern_string ("C2"));

  /* A rule does not overwrite an operator either; imported ground truth
   * does not overwrite a rule. */
  g_assert_true (eg_store_relabel_uids (store, uids, "Benign", NULL, EG_LABEL_SOURCE_RULE, "r",
                                        &n, NULL));
  g_assert_cmpuint (n, ==, 0);
  make_flow (&flow, 2, "Benign", EG_LABEL_SOURCE_MODEL, 0);
  eg_store_add_flows (store, &flow, 1);
  uids[0] = "Ctest000002";
  g_assert_true (eg_store_relabel_uids (store, uids, "Scan", "Horizontal", EG_LABEL_SOURCE_RULE,
                                        "r", &n, NULL));
  g_assert_cmpuint (n, ==, 1);
  make_flow (&flow, 2, "Benign", EG_LABEL_SOURCE_IMPORTED, 0);
  eg_store_add_flows (store, &flow, 1);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (label_of (store, "Ctest000002", &source) == g_intern_string ("Scan"));
  g_assert_cmpint (source, ==, EG_LABEL_SOURCE_RULE);
  /* The operator overwrites the rule. */
  g_assert_true (eg_store_relabel_uids (store, uids, "normal", NULL, EG_LABEL_SOURCE_OPERATOR,
                                        "bob", &n, NULL));
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (label_of (store, "Ctest000002", &source) == g_intern_string ("Benign"));
  g_assert_cmpint (source, ==, EG_LABEL_SOURCE_OPERATOR);

  eg_store_unref (store);
  eg_test_rmdir (dir);
}

static void
test_labels_undo_history (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  EgStore *store = open_store (dir, "s.db");
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GArray) history = NULL;
  g_autoptr(EgFlowFilter) filter = eg_flow_filter_parse ("dport 443", NULL);
  g_autoptr(GArray) counts = NULL;
  guint64 n = 0;
  EgFlow flow;
  EgLabelChange *c;

  for (guint i = 0; i < 100; i++)
    {
      make_flow (&flow, i, "Benign", EG_LABEL_SOURCE_MODEL, 0);
      g_array_append_val (flows, flow);
    }
  eg_store_add_flows (store, (EgFlow *) flows->data, flows->len);

  /* Everything on 443 becomes Malicious, then 10 of them Suspicious. */
  g_assert_true (eg_store_relabel_filter (store, filter, 0, 0, "Malicious", "TLS-C2",
                                          EG_LABEL_SOURCE_OPERATOR, "alice", &n, NULL));
  g_assert_cmpuint (n, ==, 50);
  g_clear_pointer (&filter, eg_flow_filter_free);
  filter = eg_flow_filter_parse ("dport 443 and uid Ctest000001", NULL);
  g_assert_true (eg_store_relabel_filter (store, filter, 0, 0, "Suspicious", NULL,
                                          EG_LABEL_SOURCE_OPERATOR, "bob", &n, NULL));
  g_assert_cmpuint (n, ==, 1);

  counts = eg_store_count_by_label (store, NULL);
  g_assert_cmpuint (counts->len, ==, 3);
  g_assert_true (g_array_index (counts, EgLabelCount, 0).label == g_intern_string ("Benign"));
  g_assert_cmpuint (g_array_index (counts, EgLabelCount, 0).n, ==, 50);
  g_assert_cmpuint (g_array_index (counts, EgLabelCount, 1).n, ==, 49);
  g_clear_pointer (&counts, g_array_unref);

  history = eg_store_get_label_history (store, "Ctest000001", NULL);
  g_assert_cmpuint (history->len, ==, 2);
  c = &g_array_index (history, EgLabelChange, 0);
  g_assert_true (c->old_label == g_intern_string ("Benign"));
  g_assert_cmpint (c->old_source, ==, EG_LABEL_SOURCE_MODEL);
  g_assert_true (c->new_label == g_intern_string ("Malicious"));
  g_assert_true (c->new_detailed_label == g_intern_string ("TLS-C2"));
  g_assert_cmpstr (c->who, ==, "alice");
  c = &g_array_index (history, EgLabelChange, 1);
  g_assert_true (c->new_label == g_intern_string ("Suspicious"));
  g_assert_cmpstr (c->who, ==, "bob");
  g_clear_pointer (&history, g_array_unref);

  /* Undo takes back the last change, then the one before it. */
  g_assert_true (eg_store_undo (store, "carol", &n, NULL));
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (label_of (store, "Ctest000001", NULL) == g_intern_string ("Malicious"));
  g_assert_true (eg_store_undo (store, "carol", &n, NULL));
  g_assert_cmpuint (n, ==, 50);
  {
    guint8 source;
    g_assert_true (label_of (store, "Ctest000001", &source) == g_intern_string ("Benign"));
    g_assert_cmpint (source, ==, EG_LABEL_SOURCE_MODEL);
  }
  g_assert_true (eg_store_undo (store, "carol", &n, NULL));
  g_assert_cmpuint (n, ==, 0);

  /* The undos are in the history too. */
  history = eg_store_get_label_history (store, "Ctest000001", NULL);
  g_assert_cmpuint (history->len, ==, 4);
  c = &g_array_index (history, EgLabelChange, 3);
  g_assert_cmpstr (c->who, ==, "carol");
  g_assert_true (c->old_label == g_intern_string ("Malicious"));
  g_assert_true (c->new_label == g_intern_string ("Benign"));

  eg_store_unref (store);
  eg_test_rmdir (dir);
}

static void
test_labels_rules (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  EgStore *store = open_store (dir, "s.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(EgLabelRuleSet) rules = NULL;
  g_autoptr(EgLabelRuleSet) back = NULL;
  const char *uids[] = { "Ctest000003", NULL };
  guint64 n = 0;
  guint8 source;
  EgFlow flow;

  for (guint i = 0; i < 10; i++)
    {
      make_flow (&flow, i, "Benign", EG_LABEL_SOURCE_MODEL, 0);
      eg_store_add_flows (store, &flow, 1);
    }
  g_assert_true (eg_store_relabel_uids (store, uids, "Benign", "Checked",
                                        EG_LABEL_SOURCE_OPERATOR, "op", &n, NULL));

  rules = eg_label_rule_set_parse ("rules",
                                   "Background:\n  - srcIP=all\n"
                                   "Malicious, HTTPS-C2:\n  - Proto=TCP & dstPort=443\n", &error);
  g_assert_no_error (error);
  g_assert_true (eg_store_set_label_rules (store, rules, &error));
  back = eg_store_get_label_rules (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (eg_label_rule_set_get_n_rules (back), ==, 2);

  /* Stored flows: every odd one is 443; the operator's flow 3 stays. */
  g_assert_true (eg_store_apply_label_rules (store, "rules", &n, &error));
  g_assert_cmpuint (n, ==, 9);
  g_assert_true (label_of (store, "Ctest000001", &source) == g_intern_string ("Malicious"));
  g_assert_cmpint (source, ==, EG_LABEL_SOURCE_RULE);
  g_assert_true (label_of (store, "Ctest000002", NULL) == g_intern_string ("Background"));
  g_assert_true (label_of (store, "Ctest000003", &source) == g_intern_string ("Benign"));
  g_assert_cmpint (source, ==, EG_LABEL_SOURCE_OPERATOR);

  /* New flows get the rules on the way in. */
  make_flow (&flow, 11, "Benign", EG_LABEL_SOURCE_MODEL, 0);
  eg_store_add_flows (store, &flow, 1);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (eg_store_get_flow (store, "Ctest000011", &flow, NULL));
  g_assert_true (flow.label == g_intern_string ("Malicious"));
  g_assert_true (flow.detailed_label == g_intern_string ("HTTPS-C2"));
  g_assert_cmpint (flow.label_source, ==, EG_LABEL_SOURCE_RULE);

  /* The rules survive a reopen. */
  eg_store_unref (store);
  store = open_store (dir, "s.db");
  make_flow (&flow, 12, NULL, EG_LABEL_SOURCE_NONE, 0);
  eg_store_add_flows (store, &flow, 1);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (label_of (store, "Ctest000012", NULL) == g_intern_string ("Background"));

  eg_store_unref (store);
  eg_test_rmdir (dir);
}

static void
test_labels_history_on_arrival (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  EgStore *store = open_store (dir, "s.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(EgLabelRuleSet) rules = NULL;
  g_autoptr(GArray) history = NULL;
  EgLabelChange *c;
  guint64 n = 99;
  const char *uids[] = { "Ctest000000", NULL };
  EgFlow flows[3];

  rules = eg_label_rule_set_parse ("rules", "Malicious, HTTPS-C2:\n  - dstPort=443\n", &error);
  g_assert_no_error (error);
  g_assert_true (eg_store_set_label_rules (store, rules, &error));

  /* 0: imported ground truth (port 80); 1: labeled by the rule on the way
   * in (443); 2: only a model's suggestion (80). */
  make_flow (&flows[0], 0, "Benign", EG_LABEL_SOURCE_IMPORTED, 0);
  make_flow (&flows[1], 1, "Benign", EG_LABEL_SOURCE_MODEL, 0);
  make_flow (&flows[2], 2, "Benign", EG_LABEL_SOURCE_MODEL, 0);
  eg_store_add_flows (store, flows, 3);
  g_assert_true (eg_store_flush (store, NULL));

  history = eg_store_get_label_history (store, "Ctest000000", NULL);
  g_assert_cmpuint (history->len, ==, 1);
  c = &g_array_index (history, EgLabelChange, 0);
  g_assert_cmpstr (c->kind, ==, "import");
  g_assert_null (c->old_label);
  g_assert_cmpint (c->old_source, ==, EG_LABEL_SOURCE_NONE);
  g_assert_cmpstr (c->new_label, ==, "Benign");
  g_assert_cmpint (c->new_source, ==, EG_LABEL_SOURCE_IMPORTED);
  g_assert_cmpstr (c->who, ==, g_get_user_name ());
  g_clear_pointer (&history, g_array_unref);

  history = eg_store_get_label_history (store, "Ctest000001", NULL);
  g_assert_cmpuint (history->len, ==, 1);
  c = &g_array_index (history, EgLabelChange, 0);
  g_assert_cmpstr (c->kind, ==, "arrival");
  g_assert_cmpstr (c->new_label, ==, "Malicious");
  g_assert_cmpstr (c->new_detailed_label, ==, "HTTPS-C2");
  g_assert_cmpint (c->new_source, ==, EG_LABEL_SOURCE_RULE);
  g_clear_pointer (&history, g_array_unref);

  /* A model's suggestion is not a change. */
  history = eg_store_get_label_history (store, "Ctest000002", NULL);
  g_assert_cmpuint (history->len, ==, 0);
  g_clear_pointer (&history, g_array_unref);

  /* The flow again: new ground truth replaces the old (with its old value
   * in the history); a model's word for it changes nothing. */
  make_flow (&flows[0], 0, "Malicious", EG_LABEL_SOURCE_IMPORTED, 0);
  flows[0].detailed_label = g_intern_string ("Attack");
  eg_store_add_flows (store, flows, 1);
  make_flow (&flows[0], 0, "Background", EG_LABEL_SOURCE_MODEL, 0);
  eg_store_add_flows (store, flows, 1);
  make_flow (&flows[0], 0, "Malicious", EG_LABEL_SOURCE_IMPORTED, 0);
  flows[0].detailed_label = g_intern_string ("Attack");
  eg_store_add_flows (store, flows, 1);
  g_assert_true (eg_store_flush (store, NULL));
  history = eg_store_get_label_history (store, "Ctest000000", NULL);
  g_assert_cmpuint (history->len, ==, 2);
  c = &g_array_index (history, EgLabelChange, 1);
  g_assert_cmpstr (c->kind, ==, "import");
  g_assert_cmpstr (c->old_label, ==, "Benign");
  g_assert_cmpint (c->old_source, ==, EG_LABEL_SOURCE_IMPORTED);
  g_assert_cmpstr (c->new_label, ==, "Malicious");
  g_assert_cmpstr (c->new_detailed_label, ==, "Attack");
  g_clear_pointer (&history, g_array_unref);

  /* Undo takes back the operator's change, never the data's own labels. */
  g_assert_true (eg_store_relabel_uids (store, uids, "Benign", NULL, EG_LABEL_SOURCE_OPERATOR,
                                        "op", NULL, NULL));
  g_assert_true (eg_store_undo (store, "op", &n, NULL));
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (eg_store_undo (store, "op", &n, NULL));
  g_assert_cmpuint (n, ==, 0);
  g_assert_true (label_of (store, "Ctest000000", NULL) == g_intern_string ("Malicious"));
  history = eg_store_get_label_history (store, "Ctest000000", NULL);
  g_assert_cmpuint (history->len, ==, 4);
  g_assert_cmpstr (g_array_index (history, EgLabelChange, 2).kind, ==, "relabel");
  g_assert_cmpstr (g_array_index (history, EgLabelChange, 3).kind, ==, "undo");

  eg_store_unref (store);
  eg_test_rmdir (dir);
}

static void
test_outbox (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  EgStore *store = open_store (dir, "s.db");
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (EgOutboxRow));
  const char *uids[] = { "Ctest000000", NULL };
  EgOutboxCounts counts;
  gint64 ids[2];
  guint32 gens[2];
  EgFlow flow;

  /* Labeled and of interest: queued. Unlabeled or not of interest: not. */
  make_flow (&flow, 0, "Malicious", EG_LABEL_SOURCE_MODEL, EG_FLOW_PORT_OF_INTEREST);
  eg_store_add_flows (store, &flow, 1);
  make_flow (&flow, 1, "Benign", EG_LABEL_SOURCE_MODEL, EG_FLOW_PORT_OF_INTEREST);
  eg_store_add_flows (store, &flow, 1);
  make_flow (&flow, 2, NULL, EG_LABEL_SOURCE_NONE, EG_FLOW_PORT_OF_INTEREST);
  eg_store_add_flows (store, &flow, 1);
  make_flow (&flow, 3, "Benign", EG_LABEL_SOURCE_MODEL, 0);
  eg_store_add_flows (store, &flow, 1);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_assert_cmpuint (counts.pending, ==, 2);
  g_assert_cmpuint (counts.sent, ==, 0);
  g_assert_cmpfloat (counts.last_sent_at, ==, 0);

  g_assert_true (eg_store_get_pending (store, 0, 100, rows, NULL));
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (g_array_index (rows, EgOutboxRow, 0).flow.uid, ==, "Ctest000000");
  g_assert_cmpstr (g_array_index (rows, EgOutboxRow, 1).flow.uid, ==, "Ctest000001");
  for (guint i = 0; i < 2; i++)
    {
      ids[i] = g_array_index (rows, EgOutboxRow, i).flow_id;
      gens[i] = g_array_index (rows, EgOutboxRow, i).generation;
    }

  /* Flow 0 changes while in flight: its acknowledgement does not count. */
  g_assert_true (eg_store_relabel_uids (store, uids, "Benign", NULL, EG_LABEL_SOURCE_OPERATOR,
                                        "op", NULL, NULL));
  eg_store_mark_sent (store, ids, gens, 2, NULL, NULL);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_assert_cmpuint (counts.pending, ==, 1);
  g_assert_cmpuint (counts.sent, ==, 1);
  g_assert_cmpfloat (counts.last_sent_at, >, 1.7e9);
  g_array_set_size (rows, 0);
  g_assert_true (eg_store_get_pending (store, 0, 100, rows, NULL));
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_true (g_array_index (rows, EgOutboxRow, 0).flow.label == g_intern_string ("Benign"));
  g_assert_cmpint (g_array_index (rows, EgOutboxRow, 0).flow.label_source, ==,
                   EG_LABEL_SOURCE_OPERATOR);
  g_assert_cmpuint (g_array_index (rows, EgOutboxRow, 0).generation, ==, gens[0] + 1);

  /* A sent flow that is relabeled goes out again. */
  uids[0] = "Ctest000001";
  g_assert_true (eg_store_relabel_uids (store, uids, "Malicious", NULL, EG_LABEL_SOURCE_OPERATOR,
                                        "op", NULL, NULL));
  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_assert_cmpuint (counts.pending, ==, 2);

  /* Both acknowledged, nothing waits; relabeling the oldest row queues it
   * again below every row acknowledged since, and reads and counts find it. */
  g_array_set_size (rows, 0);
  g_assert_true (eg_store_get_pending (store, 0, 100, rows, NULL));
  g_assert_cmpuint (rows->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      ids[i] = g_array_index (rows, EgOutboxRow, i).flow_id;
      gens[i] = g_array_index (rows, EgOutboxRow, i).generation;
    }
  eg_store_mark_sent (store, ids, gens, 2, NULL, NULL);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_assert_cmpuint (counts.pending, ==, 0);
  g_assert_cmpuint (counts.sent, ==, 2);
  g_array_set_size (rows, 0);
  g_assert_true (eg_store_get_pending (store, 0, 100, rows, NULL));
  g_assert_cmpuint (rows->len, ==, 0);
  uids[0] = "Ctest000000";
  g_assert_true (eg_store_relabel_uids (store, uids, "Malicious", NULL, EG_LABEL_SOURCE_OPERATOR,
                                        "op", NULL, NULL));
  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_assert_cmpuint (counts.pending, ==, 1);
  g_assert_cmpuint (counts.sent, ==, 1);
  g_assert_true (eg_store_get_pending (store, 0, 100, rows, NULL));
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (g_array_index (rows, EgOutboxRow, 0).flow.uid, ==, "Ctest000000");
  g_assert_cmpint (g_array_index (rows, EgOutboxRow, 0).flow_id, ==, ids[0]);

  eg_store_unref (store);
  eg_test_rmdir (dir);
}

/* A flow that arrives again just as it is stored (a capture read twice)
 * is not queued for Kafka again; one that arrives changed, or with a label
 * of a higher source, is. */
static void
test_outbox_same_flow_again (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  EgStore *store = open_store (dir, "s.db");
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (EgOutboxRow));
  g_autofree gint64 *ids = g_new (gint64, 10);
  g_autofree guint32 *gens = g_new (guint32, 10);
  g_autoptr(GArray) history = NULL;
  EgOutboxCounts counts;
  EgFlow flows[10];

  for (guint i = 0; i < 10; i++)
    make_flow (&flows[i], i, "Benign", EG_LABEL_SOURCE_IMPORTED, EG_FLOW_PORT_OF_INTEREST);
  eg_store_add_flows (store, flows, 10);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (eg_store_get_pending (store, 0, 100, rows, NULL));
  g_assert_cmpuint (rows->len, ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      ids[i] = g_array_index (rows, EgOutboxRow, i).flow_id;
      gens[i] = g_array_index (rows, EgOutboxRow, i).generation;
    }
  eg_store_mark_sent (store, ids, gens, 10, NULL, NULL);
  g_assert_true (eg_store_flush (store, NULL));

  /* The same ten again: nothing to send, nothing in the history. */
  eg_store_add_flows (store, flows, 10);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_assert_cmpuint (counts.pending, ==, 0);
  g_assert_cmpuint (counts.sent, ==, 10);
  history = eg_store_get_label_history (store, "Ctest000003", NULL);
  g_assert_cmpuint (history->len, ==, 1);
  g_clear_pointer (&history, g_array_unref);

  /* One longer, one labeled by a rule, one by the model (a lower source:
   * its label does not count, so it is unchanged): two to send again. */
  flows[2].duration += 1.0;
  flows[5].label = g_intern_string ("Malicious");
  flows[5].label_source = EG_LABEL_SOURCE_RULE;
  flows[7].label = g_intern_string ("Malicious");
  flows[7].label_source = EG_LABEL_SOURCE_MODEL;
  eg_store_add_flows (store, flows, 10);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_assert_cmpuint (counts.pending, ==, 2);
  g_array_set_size (rows, 0);
  g_assert_true (eg_store_get_pending (store, 0, 100, rows, NULL));
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (g_array_index (rows, EgOutboxRow, 0).flow.uid, ==, "Ctest000002");
  g_assert_cmpstr (g_array_index (rows, EgOutboxRow, 1).flow.uid, ==, "Ctest000005");
  g_assert_true (g_array_index (rows, EgOutboxRow, 1).flow.label == g_intern_string ("Malicious"));
  eg_store_unref (store);
  eg_test_rmdir (dir);
}

/* Acknowledgements arrive out of order and with holes: a mark covers only
 * the rows acknowledged, also where consecutive ids are marked at once. */
static void
test_outbox_mark_runs (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  EgStore *store = open_store (dir, "s.db");
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (EgOutboxRow));
  EgOutboxCounts counts;
  gint64 ids[8];
  guint32 gens[8];
  guint n = 0;
  EgFlow flow;

  for (guint i = 0; i < 10; i++)
    {
      make_flow (&flow, i, "Malicious", EG_LABEL_SOURCE_MODEL, EG_FLOW_PORT_OF_INTEREST);
      eg_store_add_flows (store, &flow, 1);
    }
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (eg_store_get_pending (store, 0, 100, rows, NULL));
  g_assert_cmpuint (rows->len, ==, 10);
  /* Rows 9 7 8 6 0 1 4 2, in that order: 3 and 5 are not acknowledged. */
  for (guint k = 0; k < 8; k++)
    {
      static const guint order[] = { 9, 7, 8, 6, 0, 1, 4, 2 };
      EgOutboxRow *row = &g_array_index (rows, EgOutboxRow, order[k]);

      ids[n] = row->flow_id;
      gens[n++] = row->generation;
    }
  eg_store_mark_sent (store, ids, gens, n, NULL, NULL);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_assert_cmpuint (counts.pending, ==, 2);
  g_assert_cmpuint (counts.sent, ==, 8);
  g_array_set_size (rows, 0);
  g_assert_true (eg_store_get_pending (store, 0, 100, rows, NULL));
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (g_array_index (rows, EgOutboxRow, 0).flow.uid, ==, "Ctest000003");
  g_assert_cmpstr (g_array_index (rows, EgOutboxRow, 1).flow.uid, ==, "Ctest000005");

  eg_store_unref (store);
  eg_test_rmdir (dir);
}

/* 1000 flows, one per second: 0-99 labeled and pending in the outbox,
 * 100-199 ground truth never queued (not of interest), 200-249 a model's
 * suggestion never queued, 250-299 labeled and acknowledged, the rest
 * unlabeled. */
static void
add_retention_flows (EgStore *store,
                     double   ts0)
{
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (EgOutboxRow));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) gens = g_array_new (FALSE, FALSE, sizeof (guint32));
  EgFlow flow;

  for (guint i = 0; i < 1000; i++)
    {
      if (i < 100)
        make_flow (&flow, i, "Malicious", EG_LABEL_SOURCE_MODEL, EG_FLOW_PORT_OF_INTEREST);
      else if (i < 200)
        make_flow (&flow, i, "Malicious", EG_LABEL_SOURCE_IMPORTED, 0);
      else if (i < 250)
        make_flow (&flow, i, "Benign", EG_LABEL_SOURCE_MODEL, 0);
      else if (i < 300)
        make_flow (&flow, i, "Benign", EG_LABEL_SOURCE_OPERATOR, EG_FLOW_PORT_OF_INTEREST);
      else
        make_flow (&flow, i, NULL, EG_LABEL_SOURCE_NONE, EG_FLOW_PORT_OF_INTEREST);
      flow.ts = ts0 + i;
      g_array_append_val (flows, flow);
    }
  eg_store_add_flows (store, (EgFlow *) flows->data, flows->len);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (eg_store_get_pending (store, 0, 1000, rows, NULL));
  g_assert_cmpuint (rows->len, ==, 150);
  for (guint i = 100; i < 150; i++)
    {
      EgOutboxRow *row = &g_array_index (rows, EgOutboxRow, i);
      g_array_append_val (ids, row->flow_id);
      g_array_append_val (gens, row->generation);
    }
  eg_store_mark_sent (store, (gint64 *) ids->data, (guint32 *) gens->data, ids->len,
                      NULL, NULL);
  g_assert_true (eg_store_flush (store, NULL));
}

static void
test_retention (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  EgStore *store = open_store (dir, "s.db");
  EgPruneResult r;
  EgOutboxCounts counts;
  g_autofree char *text = NULL;
  EgFlow flow;

  add_retention_flows (store, 1700000000.0);

  /* Keep the last 500 s: of the 500 older flows the 100 pending and the 100
   * never-queued ground truth labels stay, and the result says why. */
  g_assert_true (eg_store_prune (store, 1700001000.0, 500, 0, EG_PRUNE_NONE, &r, NULL));
  g_assert_cmpuint (r.n_deleted, ==, 300);
  g_assert_cmpuint (r.n_kept_pending, ==, 100);
  g_assert_cmpuint (r.n_kept_unqueued, ==, 100);
  g_assert_cmpuint (r.n_dropped_unsent, ==, 0);
  g_assert_cmpint (eg_store_count_flows (store, NULL), ==, 700);
  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_assert_cmpuint (counts.pending, ==, 100);
  g_assert_cmpuint (counts.sent, ==, 0);   /* the sent rows went with their flows */
  g_assert_true (eg_store_get_flow (store, "Ctest000150", &flow, NULL));
  g_assert_false (eg_store_get_flow (store, "Ctest000220", &flow, NULL));
  g_assert_false (eg_store_get_flow (store, "Ctest000260", &flow, NULL));
  text = eg_prune_result_describe (&r);
  g_assert_cmpstr (text, ==, "300 flows deleted; kept 100 labeled flows that wait for Kafka's "
                   "acknowledgement (upload them first); kept 100 labeled flows that were "
                   "never queued for upload (export them, or prune with --include-unsent)");

  /* A tiny size limit: everything that is not protected goes, and every
   * protected flow is counted as kept. */
  g_assert_true (eg_store_prune (store, 0, 0, 4096, EG_PRUNE_NONE, &r, NULL));
  g_assert_cmpuint (r.n_deleted, ==, 500);
  g_assert_cmpuint (r.n_kept_pending, ==, 100);
  g_assert_cmpuint (r.n_kept_unqueued, ==, 100);
  g_assert_cmpint (eg_store_count_flows (store, NULL), ==, 200);

  /* The operator's explicit word drops them, and the count says what was lost. */
  g_assert_true (eg_store_prune (store, 1700001000.0, 500, 0, EG_PRUNE_INCLUDE_UNSENT, &r,
                                 NULL));
  g_assert_cmpuint (r.n_deleted, ==, 200);
  g_assert_cmpuint (r.n_dropped_unsent, ==, 200);
  g_assert_cmpuint (r.n_kept_pending + r.n_kept_unqueued, ==, 0);
  g_assert_cmpint (eg_store_count_flows (store, NULL), ==, 0);
  g_assert_true (eg_store_get_outbox_counts (store, &counts, NULL));
  g_assert_cmpuint (counts.pending, ==, 0);

  eg_store_unref (store);
  eg_test_rmdir (dir);
}

static void
test_retention_automatic (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  EgStore *store = open_store (dir, "s.db");
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(EgConfig) config = eg_config_new ();
  double now = g_get_real_time () / 1e6;
  EgPruneResult r;

  /* Nothing runs without a configured limit. */
  add_retention_flows (store, now - 40 * 86400.0);
  g_assert_false (eg_store_get_last_retention (store, &r));
  g_assert_cmpint (eg_store_count_flows (store, NULL), ==, 1000);

  /* 30 days: the writer prunes on its own, soon after the call. */
  config->retention_days = 30;
  eg_store_apply_config (store, config);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (eg_store_get_last_retention (store, &r));
  g_assert_cmpuint (r.n_deleted, ==, 800);
  g_assert_cmpuint (r.n_kept_pending, ==, 100);
  g_assert_cmpuint (r.n_kept_unqueued, ==, 100);
  g_assert_cmpint (eg_store_count_flows (store, NULL), ==, 200);

  /* And again once enough new flows were stored: old ones go, new ones stay. */
  for (guint i = 0; i < EG_STORE_RETENTION_EVERY_FLOWS; i++)
    {
      EgFlow flow;

      make_flow (&flow, 1000 + i, NULL, EG_LABEL_SOURCE_NONE, 0);
      flow.ts = i < 100 ? now - 60 : now - 31 * 86400.0;
      g_array_append_val (flows, flow);
    }
  eg_store_add_flows (store, (EgFlow *) flows->data, flows->len);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_true (eg_store_get_last_retention (store, &r));
  g_assert_cmpuint (r.n_deleted, ==, EG_STORE_RETENTION_EVERY_FLOWS - 100);
  g_assert_cmpint (eg_store_count_flows (store, NULL), ==, 300);

  /* Turned off: nothing more goes. */
  eg_store_set_retention (store, 0, 0);
  eg_store_add_flows (store, (EgFlow *) flows->data, flows->len);
  g_assert_true (eg_store_flush (store, NULL));
  g_assert_cmpint (eg_store_count_flows (store, NULL), ==, 300 + EG_STORE_RETENTION_EVERY_FLOWS - 100);

  eg_store_unref (store);
  eg_test_rmdir (dir);
}

static void
test_alerts (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  EgStore *store = open_store (dir, "s.db");
  GPtrArray *alerts = g_ptr_array_new ();
  g_autoptr(GPtrArray) back = NULL;
  EgAlert *alert;
  char buf[EG_ADDR_STRLEN];

  for (guint i = 0; i < 3; i++)
    {
      alert = eg_alert_new ("port-scan-horizontal");
      alert->ts = 1700000000.0 + i;
      eg_addr_parse ("10.0.0.5", &alert->src);
      alert->dport = 22;
      alert->proto = IPPROTO_TCP;
      alert->threat_level = EG_THREAT_HIGH;
      alert->confidence = 0.75;
      alert->description = g_strdup_printf ("scan %u", i);
      eg_alert_add_uid (alert, "Cshared");
      eg_alert_add_uid (alert, i == 1 ? "Conly1" : "Cother");
      g_ptr_array_add (alerts, alert);
    }
  eg_store_add_alerts (store, alerts);
  g_assert_true (eg_store_flush (store, NULL));

  back = eg_store_query_alerts (store, "Conly1", 0, 0, NULL);
  g_assert_cmpuint (back->len, ==, 1);
  alert = back->pdata[0];
  g_assert_cmpstr (alert->description, ==, "scan 1");
  g_assert_cmpstr (alert->detector, ==, "port-scan-horizontal");
  g_assert_cmpstr (eg_addr_to_string (&alert->src, buf), ==, "10.0.0.5");
  g_assert_cmpint (alert->dst.family, ==, 0);
  g_assert_cmpuint (alert->uids->len, ==, 2);
  g_assert_cmpstr (alert->uids->pdata[1], ==, "Conly1");
  g_assert_cmpfloat (alert->confidence, ==, 0.75);
  g_clear_pointer (&back, g_ptr_array_unref);
  back = eg_store_query_alerts (store, "Cshared", 0, 0, NULL);
  g_assert_cmpuint (back->len, ==, 3);
  g_clear_pointer (&back, g_ptr_array_unref);
  back = eg_store_query_alerts (store, NULL, 1700000001.0, 1700000002.0, NULL);
  g_assert_cmpuint (back->len, ==, 1);
  g_clear_pointer (&back, g_ptr_array_unref);

  /* The same alerts again (a capture read twice): stored once; a new one
   * beside them is. An alert without addresses is one alert too. */
  alerts = g_ptr_array_new ();
  for (guint i = 0; i < 4; i++)
    {
      alert = eg_alert_new (i < 3 ? "port-scan-horizontal" : "arp-scan");
      alert->ts = 1700000000.0 + i;
      if (i < 3)
        eg_addr_parse ("10.0.0.5", &alert->src);
      alert->dport = i < 3 ? 22 : 0;
      alert->description = g_strdup_printf ("scan %u", i);
      eg_alert_add_uid (alert, "Cagain");
      g_ptr_array_add (alerts, alert);
    }
  eg_store_add_alerts (store, alerts);
  alerts = g_ptr_array_new ();
  alert = eg_alert_new ("arp-scan");
  alert->ts = 1700000003.0;
  alert->description = g_strdup ("scan 3");
  g_ptr_array_add (alerts, alert);
  eg_store_add_alerts (store, alerts);
  g_assert_true (eg_store_flush (store, NULL));
  back = eg_store_query_alerts (store, NULL, 0, 0, NULL);
  g_assert_cmpuint (back->len, ==, 4);
  g_clear_pointer (&back, g_ptr_array_unref);
  /* The copies' evidence went with them. */
  back = eg_store_query_alerts (store, "Cagain", 0, 0, NULL);
  g_assert_cmpuint (back->len, ==, 1);
  g_assert_cmpstr (((EgAlert *) back->pdata[0])->detector, ==, "arp-scan");

  eg_store_unref (store);
  eg_test_rmdir (dir);
}

/* The child of the crash test: writes bursts and says what is committed. */
static int
crash_writer (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EgStore) store = eg_store_open (path, &error);
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  guint next = 0;

  if (store == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  for (;;)
    {
      g_array_set_size (flows, 0);
      for (guint i = 0; i < 2000; i++, next++)
        {
          EgFlow flow;
          make_flow (&flow, next, "Malicious", EG_LABEL_SOURCE_MODEL, EG_FLOW_PORT_OF_INTEREST);
          g_snprintf (flow.uid, sizeof flow.uid, "Ccrash%08u", next);
          g_array_append_val (flows, flow);
        }
      eg_store_add_flows (store, (EgFlow *) flows->data, flows->len);
      /* Half the bursts wait for the commit and report it. */
      if ((next / 2000) % 2 == 0)
        {
          if (!eg_store_flush (store, &error))
            return 1;
          printf ("committed %u\n", next);
          fflush (stdout);
        }
    }
  return 0;
}

/* What eg_alerts_write makes of the stored alerts, as text. */
static char *
write_alerts (GPtrArray    *alerts,
              EgFlowFormat  format,
              const char   *filter_text,
              guint        *n)
{
  g_autoptr(EgFlowFilter) filter = filter_text ? eg_flow_filter_parse (filter_text, NULL) : NULL;
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&text, &len);

  g_assert_true (eg_alerts_write (out, format, alerts, filter, n, &error));
  g_assert_no_error (error);
  fclose (out);
  return text;
}

static void
test_alerts_export (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  EgStore *store = open_store (dir, "s.db");
  GPtrArray *alerts = g_ptr_array_new ();
  g_autoptr(GPtrArray) back = NULL;
  g_autofree char *csv = NULL, *tsv = NULL, *json = NULL, *some = NULL;
  g_auto(GStrv) lines = NULL;
  EgAlert *alert;
  guint n = 0;

  alert = eg_alert_new ("port-scan-vertical");
  alert->ts = 1700000000.5;
  eg_addr_parse ("10.0.0.5", &alert->src);
  eg_addr_parse ("192.0.2.7", &alert->dst);
  alert->proto = IPPROTO_TCP;
  alert->threat_level = EG_THREAT_MEDIUM;
  alert->confidence = 0.5;
  alert->description = g_strdup ("10.0.0.5 probed 40 ports, \"quickly\"");
  eg_alert_add_uid (alert, "Ca");
  eg_alert_add_uid (alert, "Cb");
  g_ptr_array_add (alerts, alert);
  alert = eg_alert_new ("threat-intel");
  alert->ts = 1700000100.0;
  eg_addr_parse ("10.0.0.9", &alert->src);
  eg_addr_parse ("198.51.100.1", &alert->dst);
  alert->dport = 443;
  alert->proto = IPPROTO_TCP;
  alert->threat_level = EG_THREAT_HIGH;
  alert->confidence = 1;
  alert->description = g_strdup ("known C2");
  g_strlcpy (alert->country, "RU", sizeof alert->country);
  alert->asn = 64500;
  eg_alert_add_uid (alert, "Cc");
  g_ptr_array_add (alerts, alert);
  eg_store_add_alerts (store, alerts);
  g_assert_true (eg_store_flush (store, NULL));
  back = eg_store_query_alerts (store, NULL, 0, 0, NULL);
  g_assert_cmpuint (back->len, ==, 2);

  csv = write_alerts (back, EG_FLOW_FORMAT_CSV, NULL, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (csv, ==,
                   "ts,detector,src,dst,dport,proto,threat_level,confidence,description,uids,"
                   "country,asn\n"
                   "1700000000.500000,port-scan-vertical,10.0.0.5,192.0.2.7,0,tcp,medium,0.500,"
                   "\"10.0.0.5 probed 40 ports, \"\"quickly\"\"\",Ca Cb,,\n"
                   "1700000100.000000,threat-intel,10.0.0.9,198.51.100.1,443,tcp,high,1.000,"
                   "known C2,Cc,RU,64500\n");

  tsv = write_alerts (back, EG_FLOW_FORMAT_ZEEK_TSV, NULL, &n);
  lines = g_strsplit (tsv, "\n", -1);
  g_assert_cmpstr (lines[4], ==, "#path\talerts");
  g_assert_cmpstr (lines[6], ==, "#fields\tts\tdetector\tsrc\tdst\tdport\tproto\tthreat_level\t"
                   "confidence\tdescription\tuids\tcountry\tasn");
  g_assert_cmpstr (lines[7], ==, "#types\ttime\tstring\taddr\taddr\tport\tstring\tstring\t"
                   "double\tstring\tset[string]\tstring\tcount");
  g_assert_cmpstr (lines[8], ==, "1700000000.500000\tport-scan-vertical\t10.0.0.5\t192.0.2.7\t0\t"
                   "tcp\tmedium\t0.500\t10.0.0.5 probed 40 ports\\x2c \"quickly\"\tCa,Cb\t-\t-");
  g_assert_true (g_str_has_prefix (lines[10], "#close\t"));

  json = write_alerts (back, EG_FLOW_FORMAT_JSON, NULL, &n);
  g_assert_true (g_str_has_prefix (json, "{\"ts\":1700000000.500000,\"detector\":"
                                   "\"port-scan-vertical\""));
  g_assert_cmpuint (n, ==, 2);

  /* The filter reads an alert as a flow: addresses, port, uid. */
  some = write_alerts (back, EG_FLOW_FORMAT_JSON, "dst 198.51.100.0/24 and dport 443", &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_nonnull (strstr (some, "\"known C2\""));
  g_clear_pointer (&some, g_free);
  some = write_alerts (back, EG_FLOW_FORMAT_CSV, "uid Cb", &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_nonnull (strstr (some, "port-scan-vertical"));
  g_clear_pointer (&some, g_free);
  some = write_alerts (back, EG_FLOW_FORMAT_CSV, "src 172.16.0.0/12", &n);
  g_assert_cmpuint (n, ==, 0);

  eg_store_unref (store);
  eg_test_rmdir (dir);
}

static void
test_crash_sigkill (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "crash.db", NULL);
  const char *self = g_test_get_filename (G_TEST_BUILT, "test-store", NULL);
  const char *argv[] = { self, "--crash-writer", path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) out = NULL;
  GPid pid;
  int out_fd, status;
  guint committed = 0;
  sqlite3 *db;
  sqlite3_stmt *stmt;
  EgStore *store;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  out = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (out, TRUE);
  while (committed < 60000)
    {
      g_autofree char *line = NULL;
      g_assert_cmpint (g_io_channel_read_line (out, &line, NULL, NULL, NULL), ==,
                       G_IO_STATUS_NORMAL);
      g_assert_true (sscanf (line, "committed %u", &committed) == 1);
    }
  /* In the middle of the next burst. */
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (status));

  store = eg_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (eg_store_count_flows (store, NULL), >=, committed);
  eg_store_unref (store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  /* Every committed flow is queued for upload: the outbox kept pace. */
  sqlite3_prepare_v2 (db, "SELECT count (*) FROM flows WHERE id NOT IN (SELECT flow_id FROM outbox)",
                      -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  eg_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && strcmp (argv[1], "--crash-writer") == 0)
    return crash_writer (argv[2]);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/open/sensor-id", test_open_sensor_id);
  g_test_add_func ("/store/open/not-sqlite", test_open_not_sqlite);
  g_test_add_func ("/store/open/other-sqlite", test_open_other_sqlite);
  g_test_add_func ("/store/open/newer-schema", test_open_newer_schema);
  g_test_add_func ("/store/open/upgrade-from-1", test_open_upgrade);
  g_test_add_func ("/store/flows/roundtrip", test_flows_roundtrip);
  g_test_add_func ("/store/labels/precedence", test_labels_precedence);
  g_test_add_func ("/store/labels/undo-history", test_labels_undo_history);
  g_test_add_func ("/store/labels/rules", test_labels_rules);
  g_test_add_func ("/store/labels/history-on-arrival", test_labels_history_on_arrival);
  g_test_add_func ("/store/outbox/states", test_outbox);
  g_test_add_func ("/store/outbox/mark-runs", test_outbox_mark_runs);
  g_test_add_func ("/store/outbox/same-flow-again", test_outbox_same_flow_again);
  g_test_add_func ("/store/retention/keeps-unsent", test_retention);
  g_test_add_func ("/store/retention/automatic", test_retention_automatic);
  g_test_add_func ("/store/alerts/evidence", test_alerts);
  g_test_add_func ("/store/alerts/export", test_alerts_export);
  g_test_add_func ("/store/crash/sigkill-during-writes", test_crash_sigkill);
  return g_test_run ();
}
