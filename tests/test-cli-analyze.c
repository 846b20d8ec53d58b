/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard-cli analyze as a user runs it: good input, bad input, live. */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "eg-store.h"
#include "eg-test-util.h"

typedef struct {
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_cli (Run *run,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *build = g_getenv ("EG_BUILD_DIR");
  const char *arg;
  va_list args;
  int wait_status;

  g_ptr_array_add (argv, g_build_filename (build ? build : ".", "src", "cli", "edgeguard-cli", NULL));
  va_start (args, run);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  /* A crash is never an answer: only clean exits count. */
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

/* The records without the header and footer, whose times differ. */
static char *
records_of (const char *tsv)
{
  g_auto(GStrv) lines = g_strsplit (tsv, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i]; i++)
    if (*lines[i] && *lines[i] != '#')
      g_string_append_printf (out, "%s\n", lines[i]);
  return g_string_free (out, FALSE);
}

static guint
count_records (const char *tsv)
{
  guint n = 0;
  g_auto(GStrv) lines = g_strsplit (tsv, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    if (*lines[i] && *lines[i] != '#')
      n++;
  return n;
}

static void
test_truncated_capture (void)
{
  g_autofree char *path = eg_test_shared_path ("ndpi/fuzz-2021-10-13.pcap");
  g_auto(Run) run = { 0 };

  if (path == NULL)
    return;
  run_cli (&run, "analyze", "--no-progress", path, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, path));
  g_assert_nonnull (strstr (run.err, "damaged after 1 packets"));
  /* The output is still a complete Zeek log. */
  g_assert_true (g_str_has_prefix (run.out, "#separator"));
  g_assert_nonnull (strstr (run.out, "#close"));
}

static void
test_cut_packets (void)
{
  g_autofree char *path = eg_test_shared_path ("ndpi/badpackets.pcap");
  g_auto(Run) run = { 0 };

  if (path == NULL)
    return;
  run_cli (&run, "analyze", "--no-progress", "--stats", path, NULL);
  /* Every frame's IP header claims more than the wire carried. */
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.err, "packets:        93\n"));
  g_assert_nonnull (strstr (run.err, "undecodable:    93\n"));
  g_assert_cmpuint (count_records (run.out), ==, 0);
}

static void
test_not_inputs (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *empty = g_build_filename (dir, "empty.pcap", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.pcap", NULL);
  g_auto(Run) r1 = { 0 };
  g_auto(Run) r2 = { 0 };
  g_auto(Run) r3 = { 0 };

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (g_file_set_contents (text, "just some notes\nnothing else\n", -1, NULL));

  run_cli (&r1, "analyze", "--no-progress", empty, NULL);
  g_assert_cmpint (r1.status, ==, 1);
  g_assert_nonnull (strstr (r1.err, empty));
  g_assert_nonnull (strstr (r1.err, "is empty"));

  run_cli (&r2, "analyze", "--no-progress", text, NULL);
  g_assert_cmpint (r2.status, ==, 1);
  g_assert_nonnull (strstr (r2.err, text));
  g_assert_nonnull (strstr (r2.err, "neither a packet capture"));

  run_cli (&r3, "analyze", "--no-progress", missing, NULL);
  g_assert_cmpint (r3.status, ==, 1);
  g_assert_nonnull (strstr (r3.err, missing));
  g_assert_nonnull (strstr (r3.err, "No such file"));
  eg_test_rmdir (dir);
}

static void
test_unknown_linktype (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "usb.pcap", NULL);
  g_auto(Run) run = { 0 };
  /* A pcap header for link type 189 (USB) and one 8-byte frame. */
  const guint8 pcap[] = {
    0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0xff, 0xff, 0, 0, 189, 0, 0, 0,
    1, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 8, 0, 0, 0,
    1, 2, 3, 4, 5, 6, 7, 8,
  };

  g_assert_true (g_file_set_contents (path, (const char *) pcap, sizeof pcap, NULL));
  run_cli (&run, "analyze", "--no-progress", path, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, path));
  g_assert_nonnull (strstr (run.err, "link type 189"));
  g_assert_nonnull (strstr (run.err, "not supported"));
  eg_test_rmdir (dir);
}

static void
test_missing_interface (void)
{
  g_auto(Run) run = { 0 };

  run_cli (&run, "analyze", "--no-progress", "-i", "nosuch0", "--duration", "1", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "nosuch0"));
  /* Root is told the interface does not exist (and which do); anyone
   * else that capture needs a capability. */
  if (getuid () == 0)
    g_assert_nonnull (strstr (run.err, "no network interface"));
  else
    g_assert_true (strstr (run.err, "not permitted") || strstr (run.err, "no network interface"));
}

/* A model that does not load stops the analysis before it starts, and
 * says which file and why. */
static void
test_damaged_model (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *model = g_build_filename (dir, "damaged.ubj", NULL);
  g_autofree char *config = g_build_filename (dir, "edgeguard.conf", NULL);
  g_autofree char *config_text = g_strdup_printf ("[detection]\nmodel=%s\n", model);
  g_autofree char *demo = eg_test_source_path ("data/demo.pcap");
  g_auto(Run) run = { 0 };

  g_assert_true (g_file_set_contents (model, "{\"learner\": [", -1, NULL));
  g_assert_true (g_file_set_contents (config, config_text, -1, NULL));
  run_cli (&run, "analyze", "--no-progress", "-c", config, demo, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "damaged.ubj"));
  g_assert_nonnull (strstr (run.err, "retrain"));
  g_assert_cmpuint (count_records (run.out), ==, 0);
  eg_test_rmdir (dir);
}

static const char conn_log_head[] =
  "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
  "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t"
  "orig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\t"
  "orig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n"
  "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\t"
  "bool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n";

static void
test_broken_conn_log_line (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "conn.log", NULL);
  g_autofree char *text = NULL;
  g_autofree char *where = NULL;
  g_auto(Run) run = { 0 };

  text = g_strconcat (conn_log_head,
    "1600000000.000000\tCa1\t10.0.0.1\t40000\t10.0.0.2\t80\ttcp\thttp\t1.5\t100\t2000\tSF\t-\t-\t0\tShADadFf\t6\t420\t5\t2300\t-\n",
    "1600000001.000000\tCa2\t10.0.0.1\tnot-a-port\t10.0.0.2\n",
    "1600000002.000000\tCa3\t10.0.0.1\t40001\t10.0.0.3\t443\ttcp\tssl\t2.5\t300\t4000\tSF\t-\t-\t0\tShADadFf\t8\t700\t7\t4400\t-\n",
    NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  run_cli (&run, "analyze", "--no-progress", path, NULL);
  /* The bad line is named; the good ones around it come through. */
  where = g_strdup_printf ("%s:9: ", path);  /* the 9th line */
  g_assert_nonnull (strstr (run.err, where));
  g_assert_cmpuint (count_records (run.out), ==, 2);
  g_assert_nonnull (strstr (run.out, "\tCa1\t"));
  g_assert_nonnull (strstr (run.out, "\tCa3\t"));
  g_assert_null (strstr (run.out, "\tCa2\t"));
  eg_test_rmdir (dir);
}

static void
test_one_bad_input_among_good (void)
{
  g_autofree char *good = eg_test_shared_path ("ndpi/http.pcapng");
  g_autofree char *dir = NULL;
  g_autofree char *empty = NULL;
  g_auto(Run) run = { 0 };

  if (good == NULL)
    return;
  dir = eg_test_mkdtemp ();
  empty = g_build_filename (dir, "empty", NULL);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  run_cli (&run, "analyze", "--no-progress", empty, good, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "is empty"));
  g_assert_cmpuint (count_records (run.out), ==, 1);
  g_assert_nonnull (strstr (run.out, "\t216.58.208.142\t80\ttcp\thttp\t"));
  eg_test_rmdir (dir);
}

/* Our own Zeek TSV is a valid input, and gives back the same records. */
static void
test_roundtrip_through_tsv (void)
{
  g_autofree char *pcap = eg_test_shared_path ("ndpi/android.pcap");
  g_autofree char *dir = NULL;
  g_autofree char *tsv = NULL;
  g_auto(Run) first = { 0 };
  g_auto(Run) second = { 0 };
  g_auto(GStrv) a = NULL;
  g_auto(GStrv) b = NULL;
  guint na = 0, nb = 0;

  if (pcap == NULL)
    return;
  dir = eg_test_mkdtemp ();
  tsv = g_build_filename (dir, "conn.log", NULL);
  run_cli (&first, "analyze", "--no-progress", "-o", tsv, pcap, NULL);
  g_assert_cmpint (first.status, ==, 0);
  run_cli (&second, "analyze", "--no-progress", tsv, NULL);
  g_assert_cmpint (second.status, ==, 0);
  g_clear_pointer (&first.out, g_free);
  g_assert_true (g_file_get_contents (tsv, &first.out, NULL, NULL));

  a = g_strsplit (first.out, "\n", -1);
  b = g_strsplit (second.out, "\n", -1);
  for (guint i = 0; a[i]; i++)
    if (*a[i] && *a[i] != '#')
      {
        g_autofree char *line = g_strconcat (a[i], "\n", NULL);
        g_assert_nonnull (strstr (second.out, line));
        na++;
      }
  for (guint i = 0; b[i]; i++)
    nb += *b[i] && *b[i] != '#';
  g_assert_cmpuint (na, ==, 63);
  g_assert_cmpuint (nb, ==, na);
  eg_test_rmdir (dir);
}

static void
test_json_and_csv (void)
{
  g_autofree char *pcap = eg_test_shared_path ("ndpi/http.pcapng");
  g_auto(Run) json = { 0 };
  g_auto(Run) csv = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *obj;

  if (pcap == NULL)
    return;
  run_cli (&json, "analyze", "--no-progress", "--format", "json", pcap, NULL);
  g_assert_cmpint (json.status, ==, 0);
  json_parser_load_from_data (parser, json.out, -1, &error);
  g_assert_no_error (error);
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (obj, "id.orig_h"), ==, "192.168.1.128");
  g_assert_cmpint (json_object_get_int_member (obj, "id.resp_p"), ==, 80);
  g_assert_cmpstr (json_object_get_string_member (obj, "conn_state"), ==, "SF");
  g_assert_cmpstr (json_object_get_string_member (obj, "history"), ==, "ShADadFf");

  run_cli (&csv, "analyze", "--no-progress", "--format", "csv", pcap, NULL);
  g_assert_cmpint (csv.status, ==, 0);
  g_assert_true (g_str_has_prefix (csv.out, "ts,uid,id.orig_h,id.orig_p,id.resp_h,id.resp_p,proto"));
}

/* Live capture on the loopback interface while this test pings it. */
static void
test_live_loopback (void)
{
  g_auto(Run) run = { 0 };
  GPid ping;
  g_autoptr(GError) error = NULL;

  if (getuid () != 0)
    {
      g_test_skip ("live capture needs root (or CAP_NET_RAW)");
      return;
    }
  g_autofree char *ping_path = g_find_program_in_path ("ping");

  if (ping_path == NULL)
    {
      g_test_skip ("ping is not installed");
      return;
    }
  /* The capture starts first; ping a moment later, from a child. How many
   * echoes land inside the window depends on the machine's speed, so the
   * test checks that each one seen is in the flow, not a fixed count. */
  g_spawn_async (NULL, (char **) (const char *[]) { "sh", "-c", "sleep 1; ping -q -c 10 -i 0.2 127.0.0.1 >/dev/null", NULL },
                 NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &ping, &error);
  g_assert_no_error (error);
  run_cli (&run, "analyze", "--no-progress", "-i", "lo", "--filter", "icmp", "--duration", "4",
           "--stats", NULL);
  g_spawn_close_pid (ping);
  g_assert_cmpint (run.status, ==, 0);
  {
    g_auto(GStrv) lines = g_strsplit (run.out, "\n", -1);
    const char *stats = strstr (run.err, "packets:");
    guint64 packets, orig = 0, resp = 0;
    guint n = 0;

    g_assert_nonnull (stats);
    packets = g_ascii_strtoull (stats + strlen ("packets:"), NULL, 10);
    for (guint i = 0; lines[i]; i++)
      {
        g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);
        if (*lines[i] == '#' || g_strv_length (f) < 20)
          continue;
        /* Echo request type 8, reply 0: one flow per ping process. */
        g_assert_cmpstr (f[3], ==, "8");
        g_assert_cmpstr (f[5], ==, "0");
        g_assert_cmpstr (f[6], ==, "icmp");
        orig += g_ascii_strtoull (f[16], NULL, 10);
        resp += g_ascii_strtoull (f[18], NULL, 10);
        n++;
      }
    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpuint (orig, >, 0);
    g_assert_cmpuint (orig + resp, ==, packets);
  }
}

/* On a terminal a long read shows its progress, and erases it before the
 * statistics; into a pipe, never. */
static void
test_progress_on_terminal (void)
{
  g_autofree char *path = eg_test_shared_path ("ndpi/exe_download.pcap");
  g_autofree char *script = g_find_program_in_path ("script");
  g_autofree char *cli = NULL;
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Run) piped = { 0 };
  const char *progress, *stats;
  int wait_status;

  if (path == NULL)
    return;
  if (script == NULL)
    {
      g_test_skip ("script (util-linux) is not installed");
      return;
    }
  cli = g_build_filename (g_getenv ("EG_BUILD_DIR"), "src", "cli", "edgeguard-cli", NULL);
  /* At its recorded speed the capture lasts 0.76 s: a few progress ticks. */
  command = g_strdup_printf ("'%s' analyze --realtime --stats -o /dev/null '%s'", cli, path);
  g_spawn_sync (NULL, (char **) (const char *[]) { script, "-qec", command, "/dev/null", NULL },
                NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 0);
  progress = strstr (out, "%] ");
  stats = strstr (out, "packets:");
  g_assert_nonnull (progress);
  g_assert_nonnull (strstr (progress, " packets, "));
  g_assert_nonnull (stats);
  g_assert_true (progress < stats);
  /* The line is erased before the statistics start. */
  g_assert_nonnull (g_strrstr_len (out, stats - out, "\r\033[K"));

  run_cli (&piped, "analyze", "--stats", "-o", "/dev/null", path, NULL);
  g_assert_cmpint (piped.status, ==, 0);
  g_assert_null (strstr (piped.err, "%]"));
  g_assert_null (strchr (piped.err, '\r'));
}

/* A short snaplen cuts what is captured, not what is counted: the IP
 * header says how long each packet was. */
static void
test_live_snaplen (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *ping_path = g_find_program_in_path ("ping");
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;
  GPid ping;

  if (getuid () != 0 || ping_path == NULL)
    {
      g_test_skip ("live capture needs root (or CAP_NET_RAW) and ping");
      return;
    }
  g_spawn_async (NULL, (char **) (const char *[]) { "sh", "-c", "sleep 1; ping -q -c 6 -i 0.2 -s 1000 127.0.0.1 >/dev/null", NULL },
                 NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &ping, &error);
  g_assert_no_error (error);
  run_cli (&run, "analyze", "--no-progress", "-i", "lo", "--filter", "icmp", "--snaplen", "96",
           "--no-promiscuous", "--duration", "4", NULL);
  g_spawn_close_pid (ping);
  g_assert_cmpint (run.status, ==, 0);
  lines = g_strsplit (run.out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);
      guint64 pkts, ip_bytes;

      if (*lines[i] == '#' || g_strv_length (f) < 20)
        continue;
      /* 1000 bytes of data (Zeek's ICMP payload), 8 of ICMP header, 20 of
       * IP: 1028 a packet, though only 96 of each were captured. */
      pkts = g_ascii_strtoull (f[16], NULL, 10);
      ip_bytes = g_ascii_strtoull (f[17], NULL, 10);
      g_assert_cmpuint (pkts, >, 0);
      g_assert_cmpuint (ip_bytes, ==, pkts * 1028);
      g_assert_cmpuint (g_ascii_strtoull (f[9], NULL, 10), ==, pkts * 1000);
      n++;
    }
  g_assert_cmpuint (n, ==, 1);
}

/* Flow records in Zeek TSV, and how many of them go to port. */
static guint
count_records_to_port (const char *tsv,
                       const char *port,
                       guint      *to_port)
{
  g_auto(GStrv) lines = g_strsplit (tsv, "\n", -1);
  guint total = 0;

  *to_port = 0;
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);

      if (*lines[i] == '#' || g_strv_length (f) < 20)
        continue;
      total++;
      *to_port += g_str_equal (f[5], port);
    }
  return total;
}

/* Only flows to the ports of interest go into the upload outbox; the rest
 * are analyzed and stored all the same. */
static void
test_ports_of_interest (void)
{
  g_autofree char *demo = eg_test_source_path ("data/demo.pcap");
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "edge.db", NULL);
  g_autofree char *expected = NULL;
  g_auto(Run) analyze = { 0 };
  g_auto(Run) status = { 0 };
  guint total, to_443;

  run_cli (&analyze, "analyze", "--no-progress", "--ports", "443", "--db", db, demo, NULL);
  g_assert_cmpint (analyze.status, ==, 0);
  total = count_records_to_port (analyze.out, "443", &to_443);
  g_assert_cmpuint (to_443, >, 0);
  g_assert_cmpuint (to_443, <, total);

  run_cli (&status, "status", "--db", db, NULL);
  g_assert_cmpint (status.status, ==, 0);
  expected = g_strdup_printf ("Flows:     %u\n", total);
  g_assert_nonnull (strstr (status.out, expected));
  g_free (expected);
  expected = g_strdup_printf ("Outbox:    %u pending", to_443);
  g_assert_nonnull (strstr (status.out, expected));
  eg_test_rmdir (dir);
}

/* analyze --db keeps to the configured retention: a second run prunes
 * the first run's old flows, except those still waiting for Kafka. */
static void
test_db_retention (void)
{
  g_autofree char *demo = eg_test_source_path ("data/demo.pcap");
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "edge.db", NULL);
  g_autofree char *config = g_build_filename (dir, "edgeguard.conf", NULL);
  g_autofree char *expected = NULL;
  g_auto(Run) first = { 0 };
  g_auto(Run) second = { 0 };
  g_auto(Run) status = { 0 };
  guint total, to_443;

  /* The demo capture is from March 2026: older than a day. */
  g_assert_true (g_file_set_contents (config, "[store]\nretention-days=1\n", -1, NULL));
  run_cli (&first, "analyze", "--no-progress", "-c", config, "--ports", "443", "--db", db, demo, NULL);
  g_assert_cmpint (first.status, ==, 0);
  total = count_records_to_port (first.out, "443", &to_443);
  g_assert_cmpuint (to_443, >, 0);

  run_cli (&second, "analyze", "--no-progress", "-c", config, "--ports", "443", "--db", db,
           "-o", "/dev/null", demo, NULL);
  g_assert_cmpint (second.status, ==, 0);
  expected = g_strdup_printf ("%u flows deleted; kept %u labeled flows that wait", total - to_443, to_443);
  g_assert_nonnull (strstr (second.err, expected));
  g_clear_pointer (&expected, g_free);

  /* The second reading stored the capture again (it is old too, but
   * retention ran when the database opened): under the same uids, so the
   * kept flows were updated in place, not stored twice. */
  run_cli (&status, "status", "--db", db, NULL);
  g_assert_cmpint (status.status, ==, 0);
  expected = g_strdup_printf ("Flows:     %u\n", total);
  g_assert_nonnull (strstr (status.out, expected));
  eg_test_rmdir (dir);
}

/* Marks every pending outbox row of db sent, as an upload would; their
 * number. */
static guint
mark_all_sent (const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (EgOutboxRow));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) generations = g_array_new (FALSE, FALSE, sizeof (guint32));
  EgStore *store = eg_store_open (db, &error);
  EgOutboxCounts counts;

  g_assert_no_error (error);
  g_assert_true (eg_store_get_pending (store, 0, G_MAXUINT, rows, &error));
  for (guint i = 0; i < rows->len; i++)
    {
      const EgOutboxRow *row = &g_array_index (rows, EgOutboxRow, i);

      g_array_append_val (ids, row->flow_id);
      g_array_append_val (generations, row->generation);
    }
  eg_store_mark_sent (store, (const gint64 *) ids->data, (const guint32 *) generations->data,
                      ids->len, NULL, NULL);
  g_assert_true (eg_store_flush (store, &error));
  g_assert_true (eg_store_get_outbox_counts (store, &counts, &error));
  g_assert_cmpuint (counts.pending, ==, 0);
  eg_store_unref (store);
  return rows->len;
}

/* How many outbox rows of db are pending. */
static guint64
count_pending (const char *db)
{
  g_autoptr(GError) error = NULL;
  EgStore *store = eg_store_open (db, &error);
  EgOutboxCounts counts;

  g_assert_no_error (error);
  g_assert_true (eg_store_get_outbox_counts (store, &counts, &error));
  eg_store_unref (store);
  return counts.pending;
}

/* An operator who opens the same capture twice, or a copy of it under
 * another name, gets each flow once in the database (and so in the dataset
 * sent to Kafka): its flows take the same uids on every reading. Another
 * capture's flows are new flows. */
static void
test_db_same_capture_twice (void)
{
  g_autofree char *demo = eg_test_source_path ("data/demo.pcap");
  g_autofree char *other = eg_test_shared_path ("ndpi/synscan.pcap");
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "edge.db", NULL);
  g_autofree char *copy = g_build_filename (dir, "renamed.pcap", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *records = NULL;
  g_autofree char *again = NULL;
  g_auto(Run) first = { 0 };
  g_auto(Run) second = { 0 };
  g_auto(Run) third = { 0 };
  g_auto(Run) status = { 0 };
  gsize len;
  guint n;

  run_cli (&first, "analyze", "--no-progress", "--db", db, demo, NULL);
  g_assert_cmpint (first.status, ==, 0);
  n = count_records (first.out);
  g_assert_cmpuint (n, >, 100);
  /* Uploaded: reading the capture again sends nothing again, not even the
   * long connections whose interim records come before their final one. */
  g_assert_cmpuint (mark_all_sent (db), >, 100);
  run_cli (&second, "analyze", "--no-progress", "--db", db, demo, NULL);
  g_assert_cmpint (second.status, ==, 0);
  g_assert_cmpuint (count_pending (db), ==, 0);
  records = records_of (first.out);
  again = records_of (second.out);
  g_assert_true (g_str_equal (again, records));   /* uids too */
  g_assert_true (g_file_get_contents (demo, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  run_cli (&third, "analyze", "--no-progress", "--db", db, copy, NULL);
  g_assert_cmpint (third.status, ==, 0);
  g_free (again);
  again = records_of (third.out);
  g_assert_true (g_str_equal (again, records));

  run_cli (&status, "status", "--db", db, NULL);
  g_assert_cmpint (status.status, ==, 0);
  expected = g_strdup_printf ("Flows:     %u\n", n);
  g_assert_nonnull (strstr (status.out, expected));
  if (other)
    {
      g_auto(Run) fourth = { 0 };
      g_auto(Run) after = { 0 };

      run_cli (&fourth, "analyze", "--no-progress", "--db", db, other, NULL);
      g_assert_cmpint (fourth.status, ==, 0);
      run_cli (&after, "status", "--db", db, NULL);
      g_clear_pointer (&expected, g_free);
      expected = g_strdup_printf ("Flows:     %u\n", n + count_records (fourth.out));
      g_assert_nonnull (strstr (after.out, expected));
    }
  eg_test_rmdir (dir);
}

/* uid -> ts of a Zeek TSV's records. */
static GHashTable *
uids_of (const char *tsv)
{
  g_auto(GStrv) lines = g_strsplit (tsv, "\n", -1);
  GHashTable *uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; lines[i]; i++)
    if (*lines[i] && *lines[i] != '#')
      {
        g_auto(GStrv) fields = g_strsplit (lines[i], "\t", 3);
        double *ts = g_new (double, 1);

        g_assert_nonnull (fields[1]);
        *ts = g_ascii_strtod (fields[0], NULL);
        g_hash_table_insert (uids, g_strdup (fields[1]), ts);
      }
  return uids;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Files of a rotating capture (editcap -c cuts the demo capture in two
 * halves): a flow that begins in the second file has the same uid whether
 * that file is read after the first or alone. Only a flow that began in
 * the first differs, a record of its own. */
static void
test_uids_of_rotated_files (void)
{
  g_autofree char *demo = eg_test_source_path ("data/demo.pcap");
  g_autofree char *editcap = g_find_program_in_path ("editcap");
  g_autofree char *dir = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) joint = NULL;
  g_autoptr(GHashTable) alone = NULL;
  g_auto(Run) both = { 0 };
  g_auto(Run) second = { 0 };
  GHashTableIter iter;
  gpointer uid, ts;
  double start = G_MAXDOUBLE;
  guint same = 0, own = 0;
  int wait_status;
  GDir *d;
  const char *name;

  if (editcap == NULL)
    {
      g_test_skip ("editcap is not installed");
      return;
    }
  dir = eg_test_mkdtemp ();
  prefix = g_build_filename (dir, "part.pcap", NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) (const char *[]) { editcap, "-c", "1613", demo, prefix, NULL },
                               NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &wait_status, NULL));
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (parts, g_build_filename (dir, name, NULL));
  g_dir_close (d);
  g_ptr_array_sort (parts, compare_paths);
  g_assert_cmpuint (parts->len, >=, 2);

  run_cli (&both, "analyze", "--no-progress", parts->pdata[0], parts->pdata[1], NULL);
  g_assert_cmpint (both.status, ==, 0);
  run_cli (&second, "analyze", "--no-progress", parts->pdata[1], NULL);
  g_assert_cmpint (second.status, ==, 0);
  joint = uids_of (both.out);
  alone = uids_of (second.out);
  g_hash_table_iter_init (&iter, alone);
  while (g_hash_table_iter_next (&iter, &uid, &ts))
    start = MIN (start, *(double *) ts);
  g_hash_table_iter_init (&iter, joint);
  while (g_hash_table_iter_next (&iter, &uid, &ts))
    if (*(double *) ts >= start)
      {
        g_assert_true (g_hash_table_contains (alone, uid));
        same++;
      }
  g_hash_table_iter_init (&iter, alone);
  while (g_hash_table_iter_next (&iter, &uid, &ts))
    own += !g_hash_table_contains (joint, uid);
  g_test_message ("%u flows begin in the second file; %u more continue from the first", same, own);
  g_assert_cmpuint (same, >, 50);
  /* The case that shifted every later uid: flows across the cut. */
  g_assert_cmpuint (own, >, 0);
  g_assert_cmpuint (g_hash_table_size (alone), ==, same + own);
  eg_test_rmdir (dir);
}

/* Nanosecond pcaps keep their precision (editcap writes one from ours). */
static void
test_nanosecond_pcap (void)
{
  g_autofree char *src = eg_test_shared_path ("ndpi/http.pcapng");
  g_autofree char *dir = NULL;
  g_autofree char *nsec = NULL;
  g_autofree char *editcap = g_find_program_in_path ("editcap");
  g_auto(Run) run = { 0 };
  int wait_status;

  if (src == NULL)
    return;
  if (editcap == NULL)
    {
      g_test_skip ("editcap is not installed");
      return;
    }
  dir = eg_test_mkdtemp ();
  nsec = g_build_filename (dir, "nsec.pcap", NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) (const char *[]) { editcap, "-F", "nsecpcap", src, nsec, NULL },
                               NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &wait_status, NULL));
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  run_cli (&run, "analyze", "--no-progress", nsec, NULL);
  g_assert_cmpint (run.status, ==, 0);
  /* Same first timestamp and duration as from the microsecond original. */
  g_assert_nonnull (strstr (run.out, "\t192.168.1.128\t42170\t216.58.208.142\t80\ttcp\thttp\t0.042164\t74\t528\tSF\t"));
  eg_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/analyze/bad-input/truncated", test_truncated_capture);
  g_test_add_func ("/cli/analyze/bad-input/cut-packets", test_cut_packets);
  g_test_add_func ("/cli/analyze/bad-input/not-inputs", test_not_inputs);
  g_test_add_func ("/cli/analyze/bad-input/unknown-linktype", test_unknown_linktype);
  g_test_add_func ("/cli/analyze/bad-input/missing-interface", test_missing_interface);
  g_test_add_func ("/cli/analyze/bad-input/damaged-model", test_damaged_model);
  g_test_add_func ("/cli/analyze/bad-input/broken-conn-log-line", test_broken_conn_log_line);
  g_test_add_func ("/cli/analyze/bad-input/one-among-good", test_one_bad_input_among_good);
  g_test_add_func ("/cli/analyze/roundtrip-tsv", test_roundtrip_through_tsv);
  g_test_add_func ("/cli/analyze/formats", test_json_and_csv);
  g_test_add_func ("/cli/analyze/live/loopback", test_live_loopback);
  g_test_add_func ("/cli/analyze/live/snaplen", test_live_snaplen);
  g_test_add_func ("/cli/analyze/db/retention", test_db_retention);
  g_test_add_func ("/cli/analyze/db/same-capture-twice", test_db_same_capture_twice);
  g_test_add_func ("/cli/analyze/uids/rotated-files", test_uids_of_rotated_files);
  g_test_add_func ("/cli/analyze/progress/terminal", test_progress_on_terminal);
  g_test_add_func ("/cli/analyze/ports-of-interest", test_ports_of_interest);
  g_test_add_func ("/cli/analyze/nanosecond-pcap", test_nanosecond_pcap);
  return g_test_run ();
}
