/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "eg-error.h"
#include "eg-flow-log-reader.h"
#include "eg-flow-writer.h"
#include "eg-test-util.h"

#define BASE_FIELDS "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\t" \
  "duration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\t"   \
  "history\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\tcommunity_id"
#define BASE_TYPES "time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\t" \
  "count\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tstring"

static GArray *
read_flows (EgFlowLogReader *reader)
{
  g_autoptr(GError) error = NULL;
  GArray *flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  EgFlow flow;

  while (eg_flow_log_reader_next (reader, &flow, &error))
    g_array_append_val (flows, flow);
  g_assert_no_error (error);
  g_assert_cmpuint (eg_flow_log_reader_get_n_bad_lines (reader), ==, 0);
  return flows;
}

static GArray *
read_shared (const char *relative)
{
  g_autofree char *path = eg_test_shared_path (relative);
  g_autoptr(EgFlowLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return NULL;
  reader = eg_flow_log_reader_open (path, &error);
  g_assert_no_error (error);
  return read_flows (reader);
}

static GArray *
read_text (const char *text)
{
  g_autoptr(EgFlowLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;

  reader = eg_flow_log_reader_new_for_data ("written", text, strlen (text), &error);
  g_assert_no_error (error);
  return read_flows (reader);
}

/* Writes flows into memory, the way an export writes a file. */
static char *
write_flows (GArray            *flows,
             EgFlowFormat       format,
             EgFlowWriterFlags  flags)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EgFlowWriter) writer = NULL;
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&text, &len);

  g_assert_nonnull (out);
  writer = eg_flow_writer_new (out, format, flags);
  for (guint i = 0; i < flows->len; i++)
    {
      g_assert_true (eg_flow_writer_write (writer, &g_array_index (flows, EgFlow, i), &error));
      g_assert_no_error (error);
    }
  g_assert_true (eg_flow_writer_close (writer, &error));
  g_assert_no_error (error);
  fclose (out);
  g_assert_cmpuint (strlen (text), ==, len);
  return text;
}

static void
assert_same_flow (const EgFlow *a,
                  const EgFlow *b,
                  gboolean      labels)
{
  g_assert_cmpfloat_with_epsilon (a->ts, b->ts, 1e-6);
  g_assert_cmpstr (a->uid, ==, b->uid);
  g_assert_true (eg_addr_equal (&a->orig_h, &b->orig_h));
  g_assert_true (eg_addr_equal (&a->resp_h, &b->resp_h));
  g_assert_cmpuint (a->orig_p, ==, b->orig_p);
  g_assert_cmpuint (a->resp_p, ==, b->resp_p);
  g_assert_cmpuint (a->proto, ==, b->proto);
  g_assert_cmpstr (a->service, ==, b->service);
  g_assert_cmpfloat_with_epsilon (a->duration, b->duration, 5.1e-7);
  g_assert_cmpuint (a->orig_bytes, ==, b->orig_bytes);
  g_assert_cmpuint (a->resp_bytes, ==, b->resp_bytes);
  g_assert_cmpint (a->conn_state, ==, b->conn_state);
  g_assert_cmpuint (a->missed_bytes, ==, b->missed_bytes);
  g_assert_cmpstr (a->history, ==, b->history);
  g_assert_cmpuint (a->orig_pkts, ==, b->orig_pkts);
  g_assert_cmpuint (a->orig_ip_bytes, ==, b->orig_ip_bytes);
  g_assert_cmpuint (a->resp_pkts, ==, b->resp_pkts);
  g_assert_cmpuint (a->resp_ip_bytes, ==, b->resp_ip_bytes);
  g_assert_cmpstr (a->community_id, ==, b->community_id);
  if (labels)
    {
      g_assert_cmpstr (a->label, ==, b->label);
      g_assert_cmpstr (a->detailed_label, ==, b->detailed_label);
      g_assert_cmpint (a->label_source, ==, b->label_source);
    }
}

static void
round_trip (const char        *relative,
            EgFlowFormat       format,
            EgFlowWriterFlags  flags,
            guint              expected)
{
  g_autoptr(GArray) flows = read_shared (relative);
  g_autoptr(GArray) back = NULL;
  g_autofree char *text = NULL;

  if (flows == NULL)
    return;
  g_assert_cmpuint (flows->len, ==, expected);
  text = write_flows (flows, format, flags);
  back = read_text (text);
  g_assert_cmpuint (back->len, ==, flows->len);
  for (guint i = 0; i < flows->len; i++)
    assert_same_flow (&g_array_index (flows, EgFlow, i), &g_array_index (back, EgFlow, i),
                      (flags & EG_FLOW_WRITER_LABELS) != 0);
}

static void
test_round_trip_tsv (void)
{
  round_trip ("slips-dataset/port-scans/horizontal/conn.log",
              EG_FLOW_FORMAT_ZEEK_TSV, 0, 41);
  round_trip ("slips-dataset/test10-mixed-zeek-dir/conn.log",
              EG_FLOW_FORMAT_ZEEK_TSV, 0, 141);
}

static void
test_round_trip_labeled (void)
{
  round_trip ("stratosphere-security-datasets/008-zeek-mixed/data/conn.log.labeled",
              EG_FLOW_FORMAT_ZEEK_TSV, EG_FLOW_WRITER_LABELS, 5663);
  round_trip ("stratosphere-security-datasets/008-zeek-mixed/data/conn.log.labeled",
              EG_FLOW_FORMAT_JSON, EG_FLOW_WRITER_LABELS | EG_FLOW_WRITER_SCORE, 5663);
}

static void
test_round_trip_json (void)
{
  round_trip ("slips-dataset/port-scans/vertical/conn.log",
              EG_FLOW_FORMAT_ZEEK_TSV, 0, 50);
  round_trip ("slips-dataset/port-scans/vertical/conn.log",
              EG_FLOW_FORMAT_JSON, 0, 50);
}

static void
test_round_trip_binetflow (void)
{
  round_trip ("slips-dataset/test5-mixed.binetflow",
              EG_FLOW_FORMAT_ZEEK_TSV, EG_FLOW_WRITER_LABELS, 296);
  round_trip ("slips-dataset/test2-malicious.binetflow",
              EG_FLOW_FORMAT_ZEEK_TSV, EG_FLOW_WRITER_LABELS | EG_FLOW_WRITER_SCORE, 6744);
}

static void
make_flow (EgFlow *flow)
{
  eg_flow_init (flow);
  flow->ts = 1700000000.5;
  g_strlcpy (flow->uid, "CtestUid0000000001", EG_UID_LEN);
  g_assert_true (eg_addr_parse ("192.168.1.9", &flow->orig_h));
  g_assert_true (eg_addr_parse ("45.33.32.156", &flow->resp_h));
  flow->orig_p = 50820;
  flow->resp_p = 443;
  flow->proto = IPPROTO_TCP;
  flow->service = g_intern_static_string ("SSL");
  flow->duration = 1.25;
  flow->orig_bytes = 100;
  flow->resp_bytes = 2000;
  flow->conn_state = EG_CONN_STATE_SF;
  g_strlcpy (flow->history, "ShADadFf", EG_HISTORY_LEN);
  flow->orig_pkts = 5;
  flow->orig_ip_bytes = 368;
  flow->resp_pkts = 6;
  flow->resp_ip_bytes = 2320;
  eg_flow_compute_community_id (flow);
}

/* The expected text with the flow's community id in place of @CID@ (its
 * computation is test-flow's business). */
static char *
with_cid (const char   *expected,
          const EgFlow *flow)
{
  g_auto(GStrv) parts = g_strsplit (expected, "@CID@", -1);

  return g_strjoinv (flow->community_id, parts);
}

static char **
lines_of (const char *text)
{
  return g_strsplit (text, "\n", -1);
}

static void
test_zeek_header (void)
{
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autofree char *text = NULL, *labeled = NULL, *scored = NULL;
  g_autofree char *expected = NULL, *tail = NULL;
  g_auto(GStrv) lines = NULL;
  EgFlow flow;
  guint n;

  make_flow (&flow);
  g_array_append_val (flows, flow);
  text = write_flows (flows, EG_FLOW_FORMAT_ZEEK_TSV, 0);
  lines = lines_of (text);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, ==, 11);  /* 8 header lines, a record, #close, "" */
  g_assert_cmpstr (lines[0], ==, "#separator \\x09");
  g_assert_cmpstr (lines[1], ==, "#set_separator\t,");
  g_assert_cmpstr (lines[2], ==, "#empty_field\t(empty)");
  g_assert_cmpstr (lines[3], ==, "#unset_field\t-");
  g_assert_cmpstr (lines[4], ==, "#path\tconn");
  g_assert_true (g_regex_match_simple ("^#open\t\\d{4}-\\d\\d-\\d\\d-\\d\\d-\\d\\d-\\d\\d$",
                                       lines[5], 0, 0));
  g_assert_cmpstr (lines[6], ==, "#fields\t" BASE_FIELDS);
  g_assert_cmpstr (lines[7], ==, "#types\t" BASE_TYPES);
  expected = with_cid (
                   "1700000000.500000\tCtestUid0000000001\t192.168.1.9\t50820\t45.33.32.156\t443\t"
                   "tcp\tssl\t1.250000\t100\t2000\tSF\t-\t-\t0\tShADadFf\t5\t368\t6\t2320\t-\t"
                   "@CID@", &flow);
  g_assert_cmpstr (lines[8], ==, expected);
  g_assert_true (g_regex_match_simple ("^#close\t\\d{4}-\\d\\d-\\d\\d-\\d\\d-\\d\\d-\\d\\d$",
                                       lines[9], 0, 0));
  g_assert_cmpstr (lines[10], ==, "");

  labeled = write_flows (flows, EG_FLOW_FORMAT_ZEEK_TSV, EG_FLOW_WRITER_LABELS);
  g_assert_nonnull (strstr (labeled, "\n#fields\t" BASE_FIELDS "\tlabel\tdetailedlabel\n"));
  g_assert_nonnull (strstr (labeled, "\n#types\t" BASE_TYPES "\tstring\tstring\n"));
  scored = write_flows (flows, EG_FLOW_FORMAT_ZEEK_TSV,
                        EG_FLOW_WRITER_LABELS | EG_FLOW_WRITER_SCORE);
  g_assert_nonnull (strstr (scored, "\n#fields\t" BASE_FIELDS
                            "\tlabel\tdetailedlabel\tscore\tmodel_version\tlabel_source\n"));
  /* Unscored, unlabeled: "-" but for the label source. */
  tail = with_cid ("\t@CID@\t-\t-\t-\t-\tnone\n", &flow);
  g_assert_nonnull (strstr (scored, tail));
}

/* What zeek-cut does: the separator from the #separator line, the column
 * positions from #fields, then the values picked by name. */
static void
test_zeek_cut (void)
{
  g_autoptr(GArray) flows = read_shared ("slips-dataset/port-scans/horizontal/conn.log");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;
  char sep = 0;
  int col_orig = -1, col_state = -1, col_dur = -1;
  guint record = 0;

  if (flows == NULL)
    return;
  text = write_flows (flows, EG_FLOW_FORMAT_ZEEK_TSV, 0);
  lines = lines_of (text);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      const char *line = lines[i];

      if (g_str_has_prefix (line, "#separator "))
        {
          const char *v = line + strlen ("#separator ");
          g_assert_true (v[0] == '\\' && v[1] == 'x');
          sep = (char) g_ascii_strtoull (v + 2, NULL, 16);
          continue;
        }
      g_assert_cmpint (sep, ==, '\t');
      if (g_str_has_prefix (line, "#fields"))
        {
          fields = g_strsplit (line, (char[]) { sep, 0 }, -1);
          for (guint k = 1; fields[k]; k++)
            {
              if (strcmp (fields[k], "id.orig_h") == 0)
                col_orig = k - 1;
              else if (strcmp (fields[k], "conn_state") == 0)
                col_state = k - 1;
              else if (strcmp (fields[k], "duration") == 0)
                col_dur = k - 1;
            }
          continue;
        }
      if (line[0] == '#')
        continue;
      {
        g_auto(GStrv) values = g_strsplit (line, (char[]) { sep, 0 }, -1);
        const EgFlow *f = &g_array_index (flows, EgFlow, record);
        char buf[EG_ADDR_STRLEN];

        g_assert_cmpuint (g_strv_length (values), ==, g_strv_length (fields) - 1);
        g_assert_cmpstr (values[col_orig], ==, eg_addr_to_string (&f->orig_h, buf));
        g_assert_cmpstr (values[col_state], ==, eg_conn_state_to_string (f->conn_state));
        /* Zeek leaves the duration of a lone packet unset. */
        if (f->duration == 0)
          g_assert_cmpstr (values[col_dur], ==, "-");
        record++;
      }
    }
  g_assert_cmpuint (record, ==, 41);
  g_assert_cmpint (col_orig, ==, 2);
  g_assert_cmpint (col_state, ==, 11);
}

static void
test_json (void)
{
  g_autoptr(GArray) flows = read_shared ("stratosphere-security-datasets/008-zeek-mixed/data/conn.log.labeled");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (flows == NULL)
    return;
  text = write_flows (flows, EG_FLOW_FORMAT_JSON, EG_FLOW_WRITER_LABELS | EG_FLOW_WRITER_SCORE);
  lines = lines_of (text);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++, n++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      const EgFlow *f = &g_array_index (flows, EgFlow, i);
      JsonObject *o;
      JsonNode *ts;
      char buf[EG_ADDR_STRLEN];

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
      o = json_node_get_object (json_parser_get_root (parser));
      ts = json_object_get_member (o, "ts");
      g_assert_cmpint (json_node_get_value_type (ts), ==, G_TYPE_DOUBLE);
      g_assert_cmpfloat_with_epsilon (json_node_get_double (ts), f->ts, 1e-6);
      g_assert_cmpstr (json_object_get_string_member (o, "uid"), ==, f->uid);
      g_assert_cmpstr (json_object_get_string_member (o, "id.orig_h"), ==,
                       eg_addr_to_string (&f->orig_h, buf));
      g_assert_cmpint (json_object_get_int_member (o, "id.resp_p"), ==, f->resp_p);
      g_assert_cmpstr (json_object_get_string_member (o, "proto"), ==, eg_proto_to_string (f->proto));
      g_assert_cmpstr (json_object_get_string_member (o, "conn_state"), ==,
                       eg_conn_state_to_string (f->conn_state));
      g_assert_cmpint (json_object_get_int_member (o, "orig_ip_bytes"), ==, f->orig_ip_bytes);
      g_assert_cmpstr (json_object_get_string_member (o, "label"), ==, f->label);
      g_assert_cmpstr (json_object_get_string_member (o, "label_source"), ==, "imported");
      /* Unset values are missing keys, as in Zeek's JSON logs. */
      g_assert_cmpint (json_object_has_member (o, "service"), ==, f->service != NULL);
      g_assert_cmpint (json_object_has_member (o, "detailedlabel"), ==, f->detailed_label != NULL);
      g_assert_false (json_object_has_member (o, "score"));
      g_assert_false (json_object_has_member (o, "local_orig"));
    }
  g_assert_cmpuint (n, ==, 5663);
}

static void
test_append_json (void)
{
  g_autoptr(GString) out = g_string_new ("prefix:");
  g_autofree char *expected = NULL;
  EgFlow flow;

  make_flow (&flow);
  flow.score = 0.875f;
  flow.model_version = 3;
  flow.label = eg_label_normalize ("malicious");
  flow.label_source = EG_LABEL_SOURCE_MODEL;
  flow.detailed_label = g_intern_static_string ("tab\there \"quoted\"\n");
  eg_flow_append_json (out, &flow, EG_FLOW_WRITER_LABELS | EG_FLOW_WRITER_SCORE);
  expected = with_cid ("prefix:{\"ts\":1700000000.500000,\"uid\":\"CtestUid0000000001\","
                   "\"id.orig_h\":\"192.168.1.9\",\"id.orig_p\":50820,\"id.resp_h\":\"45.33.32.156\","
                   "\"id.resp_p\":443,\"proto\":\"tcp\",\"service\":\"ssl\",\"duration\":1.250000,"
                   "\"orig_bytes\":100,\"resp_bytes\":2000,\"conn_state\":\"SF\",\"missed_bytes\":0,"
                   "\"history\":\"ShADadFf\",\"orig_pkts\":5,\"orig_ip_bytes\":368,\"resp_pkts\":6,"
                   "\"resp_ip_bytes\":2320,\"community_id\":\"@CID@\","
                   "\"label\":\"Malicious\",\"detailedlabel\":\"tab\\u0009here \\\"quoted\\\"\\u000a\","
                   "\"score\":0.875000,\"model_version\":3,\"label_source\":\"model\"}", &flow);
  g_assert_cmpstr (out->str, ==, expected);
}

static void
test_csv (void)
{
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autofree char *text = NULL, *row1 = NULL, *row2 = NULL;
  g_auto(GStrv) lines = NULL;
  EgFlow flow;

  make_flow (&flow);
  flow.label = g_intern_static_string ("Benign");
  flow.detailed_label = g_intern_static_string ("a, \"b\"");
  g_array_append_val (flows, flow);
  flow.duration = 0;
  flow.orig_bytes = flow.resp_bytes = 0;
  flow.service = NULL;
  flow.label = flow.detailed_label = NULL;
  g_array_append_val (flows, flow);

  text = write_flows (flows, EG_FLOW_FORMAT_CSV, EG_FLOW_WRITER_LABELS);
  lines = lines_of (text);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[0], ==,
                   "ts,uid,id.orig_h,id.orig_p,id.resp_h,id.resp_p,proto,service,duration,"
                   "orig_bytes,resp_bytes,conn_state,local_orig,local_resp,missed_bytes,history,"
                   "orig_pkts,orig_ip_bytes,resp_pkts,resp_ip_bytes,tunnel_parents,community_id,"
                   "label,detailedlabel");
  row1 = with_cid ("1700000000.500000,CtestUid0000000001,192.168.1.9,50820,45.33.32.156,443,tcp,"
                   "ssl,1.250000,100,2000,SF,,,0,ShADadFf,5,368,6,2320,,"
                   "@CID@,Benign,\"a, \"\"b\"\"\"", &flow);
  row2 = with_cid ("1700000000.500000,CtestUid0000000001,192.168.1.9,50820,45.33.32.156,443,tcp,"
                   ",,,,SF,,,0,ShADadFf,5,368,6,2320,,@CID@,,", &flow);
  g_assert_cmpstr (lines[1], ==, row1);
  g_assert_cmpstr (lines[2], ==, row2);
  g_assert_cmpstr (lines[3], ==, "");
}

/* Text that would break a TSV line is escaped the way Zeek escapes it,
 * and reads back unchanged. */
static void
test_escaping (void)
{
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GArray) back = NULL;
  g_autofree char *text = NULL;
  EgFlow flow;

  make_flow (&flow);
  flow.label = g_intern_static_string ("custom\tlabel");
  flow.detailed_label = g_intern_static_string ("line\nbreak \\x41 back\\slash");
  g_array_append_val (flows, flow);
  make_flow (&flow);
  flow.label = g_intern_static_string ("Benign");
  flow.detailed_label = g_intern_static_string ("(empty)");
  g_array_append_val (flows, flow);

  text = write_flows (flows, EG_FLOW_FORMAT_ZEEK_TSV, EG_FLOW_WRITER_LABELS);
  g_assert_nonnull (strstr (text, "\tcustom\\x09label\tline\\x0abreak \\x5cx41 back\\x5cslash\n"));
  g_assert_nonnull (strstr (text, "\tBenign\t\\x28empty)\n"));
  back = read_text (text);
  g_assert_cmpuint (back->len, ==, 2);
  g_assert_cmpstr (g_array_index (back, EgFlow, 0).label, ==, "custom\tlabel");
  g_assert_cmpstr (g_array_index (back, EgFlow, 0).detailed_label, ==, "line\nbreak \\x41 back\\slash");
}

static void
test_extended (void)
{
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;
  g_auto(GStrv) values = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  EgFlow flow;
  static const double sizes[] = { 60, 52, 100, 40, 128 };

  make_flow (&flow);
  flow.flags |= EG_FLOW_HAS_PACKET_STATS;
  flow.orig_pkts = G_N_ELEMENTS (sizes);
  flow.resp_pkts = 0;
  flow.resp_ip_bytes = 0;
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    eg_stat_add (&flow.dir[0].size, i, sizes[i]);
  eg_stat_add (&flow.dir[0].iat, 0, 0.5);
  eg_stat_add (&flow.dir[0].iat, 1, 1.5);
  eg_stat_add (&flow.dir[0].iat, 2, 1.0);
  eg_stat_add (&flow.dir[0].iat, 3, 1.0);
  flow.dir[0].n_syn = 1;
  flow.dir[1].n_rst = 2;
  flow.first_sizes[0] = 60;
  flow.first_sizes[1] = -52;
  g_strlcpy (flow.country, "US", sizeof flow.country);
  flow.asn = 63949;
  g_array_append_val (flows, flow);

  text = write_flows (flows, EG_FLOW_FORMAT_ZEEK_TSV, EG_FLOW_WRITER_EXTENDED);
  lines = lines_of (text);
  fields = g_strsplit (lines[6], "\t", -1);
  values = g_strsplit (lines[8], "\t", -1);
  g_assert_cmpuint (g_strv_length (values), ==, g_strv_length (fields) - 1);
  g_assert_cmpuint (g_strv_length (values), ==, 22 + 16 + 12 + 3);
  g_assert_cmpstr (fields[23], ==, "orig_size_min");
  g_assert_cmpstr (values[22], ==, "40.000000");    /* orig_size_min */
  g_assert_cmpstr (values[23], ==, "76.000000");    /* orig_size_mean */
  g_assert_cmpstr (values[24], ==, "128.000000");   /* orig_size_max */
  g_assert_cmpstr (values[27], ==, "1.000000");     /* orig_iat_mean (4 gaps) */
  g_assert_cmpstr (values[30], ==, "-");            /* resp_size_min: no packet */
  g_assert_cmpstr (values[38], ==, "1");            /* orig_syn */
  g_assert_cmpstr (values[46], ==, "2");            /* resp_rst */
  g_assert_cmpstr (values[50], ==, "60,-52");       /* first_sizes */
  g_assert_cmpstr (values[51], ==, "US");
  g_assert_cmpstr (values[52], ==, "63949");

  eg_flow_append_json (out, &flow, EG_FLOW_WRITER_EXTENDED);
  g_assert_nonnull (strstr (out->str, ",\"first_sizes\":[60,-52],\"country\":\"US\",\"asn\":63949}"));
  g_assert_null (strstr (out->str, "resp_size_min"));
}

static void
test_disk_full (void)
{
  g_autoptr(EgFlowWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;
  FILE *out = fopen ("/dev/full", "w");
  EgFlow flow;

  if (out == NULL)
    {
      g_test_skip ("/dev/full is not there");
      return;
    }
  make_flow (&flow);
  writer = eg_flow_writer_new (out, EG_FLOW_FORMAT_ZEEK_TSV, 0);
  /* stdio buffers: the failure shows when a buffer is flushed. */
  for (guint i = 0; i < 1000 && ok; i++)
    ok = eg_flow_writer_write (writer, &flow, &error);
  if (ok)
    ok = eg_flow_writer_close (writer, &error);
  g_assert_false (ok);
  g_assert_error (error, EG_ERROR, EG_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  fclose (out);
}

static void
test_format_from_string (void)
{
  EgFlowFormat format;

  g_assert_true (eg_flow_format_from_string ("zeek", &format));
  g_assert_cmpint (format, ==, EG_FLOW_FORMAT_ZEEK_TSV);
  g_assert_true (eg_flow_format_from_string ("JSON", &format));
  g_assert_cmpint (format, ==, EG_FLOW_FORMAT_JSON);
  g_assert_true (eg_flow_format_from_string ("csv", &format));
  g_assert_cmpint (format, ==, EG_FLOW_FORMAT_CSV);
  g_assert_false (eg_flow_format_from_string ("xml", &format));
  g_assert_false (eg_flow_format_from_string (NULL, &format));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/flow-writer/zeek-tsv/header", test_zeek_header);
  g_test_add_func ("/flow-writer/zeek-tsv/zeek-cut", test_zeek_cut);
  g_test_add_func ("/flow-writer/zeek-tsv/escaping", test_escaping);
  g_test_add_func ("/flow-writer/zeek-tsv/extended", test_extended);
  g_test_add_func ("/flow-writer/round-trip/zeek-tsv", test_round_trip_tsv);
  g_test_add_func ("/flow-writer/round-trip/zeek-json", test_round_trip_json);
  g_test_add_func ("/flow-writer/round-trip/labeled", test_round_trip_labeled);
  g_test_add_func ("/flow-writer/round-trip/binetflow", test_round_trip_binetflow);
  g_test_add_func ("/flow-writer/json/lines", test_json);
  g_test_add_func ("/flow-writer/json/append", test_append_json);
  g_test_add_func ("/flow-writer/csv", test_csv);
  g_test_add_func ("/flow-writer/errors/disk-full", test_disk_full);
  g_test_add_func ("/flow-writer/format-from-string", test_format_from_string);

  return g_test_run ();
}
