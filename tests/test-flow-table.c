/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The flow table against independent oracles on real captures: nDPI's own
 * expected outputs (flows and packets per flow) and tshark's conversation
 * statistics, run here on the same files. */
#include <netinet/in.h>
#include <string.h>

#include "eg-dpi.h"
#include "eg-error.h"
#include "eg-test-flows.h"
#include "eg-test-util.h"

typedef struct {
  char    proto[8];
  EgAddr  a, b;
  guint16 a_port, b_port;
  guint64 a_pkts, a_bytes, b_pkts, b_bytes;
  gboolean bytes_exact;
  char    ndpi_protocol[48];  /* "TLS", "HTTP.Google"... as nDPI printed it */
  gboolean ndpi_dissected;    /* found by dissection, not by port or address */
} Conversation;

static guint8
proto_number (const char *name)
{
  if (g_ascii_strcasecmp (name, "TCP") == 0)
    return IPPROTO_TCP;
  if (g_ascii_strcasecmp (name, "UDP") == 0)
    return IPPROTO_UDP;
  if (g_ascii_strcasecmp (name, "ICMP") == 0)
    return IPPROTO_ICMP;
  if (g_ascii_strcasecmp (name, "IGMP") == 0)
    return 2;
  if (g_ascii_strcasecmp (name, "ICMPV6") == 0 || g_ascii_strcasecmp (name, "IPv6-ICMP") == 0)
    return IPPROTO_ICMPV6;
  return 0;
}

/* "1.2.3.4:80", "[2a00::1]:443" or a bare address. */
static gboolean
parse_endpoint (const char *text,
                EgAddr     *addr,
                guint16    *port)
{
  g_autofree char *copy = g_strdup (text);
  char *colon;

  *port = 0;
  if (copy[0] == '[')
    {
      char *end = strchr (copy, ']');
      if (!end)
        return FALSE;
      *end = '\0';
      if (end[1] == ':')
        *port = (guint16) atoi (end + 2);
      return eg_addr_parse (copy + 1, addr);
    }
  if (eg_addr_parse (copy, addr))
    return TRUE;
  colon = strrchr (copy, ':');
  if (!colon)
    return FALSE;
  *colon = '\0';
  *port = (guint16) atoi (colon + 1);
  return eg_addr_parse (copy, addr);
}

static GArray *
parse_ndpi_expected (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) re = g_regex_new ("^\\t\\d+\\t(\\w+) (\\S+) <?-> (\\S+) (?:\\[VLAN: \\d+\\])?"
                                      "\\[proto: (?:[\\d.]+/)?([^\\]]*)\\].*?"
                                      "\\[(\\d+) pkts/(\\d+) bytes <?-> (\\d+) pkts/(\\d+) bytes\\]",
                                      G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GArray *result = g_array_new (FALSE, TRUE, sizeof (Conversation));

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_regex_match (re, text, 0, &match);
  while (g_match_info_matches (match))
    {
      Conversation c = { 0 };
      g_autofree char *proto = g_match_info_fetch (match, 1);
      g_autofree char *a = g_match_info_fetch (match, 2);
      g_autofree char *b = g_match_info_fetch (match, 3);
      g_autofree char *protocol = g_match_info_fetch (match, 4);
      g_autofree char *ap = g_match_info_fetch (match, 5);
      g_autofree char *ab = g_match_info_fetch (match, 6);
      g_autofree char *bp = g_match_info_fetch (match, 7);
      g_autofree char *bb = g_match_info_fetch (match, 8);

      g_strlcpy (c.proto, proto, sizeof c.proto);
      g_strlcpy (c.ndpi_protocol, protocol, sizeof c.ndpi_protocol);
      {
        g_autofree char *line = g_match_info_fetch (match, 0);
        c.ndpi_dissected = strstr (line, "[Confidence: DPI") != NULL;
      }
      /* nDPI prints "-" for an address it could not make sense of. */
      if (!parse_endpoint (a, &c.a, &c.a_port))
        memset (&c.a, 0, sizeof c.a);
      if (!parse_endpoint (b, &c.b, &c.b_port))
        memset (&c.b, 0, sizeof c.b);
      c.a_pkts = g_ascii_strtoull (ap, NULL, 10);
      c.a_bytes = g_ascii_strtoull (ab, NULL, 10);
      c.b_pkts = g_ascii_strtoull (bp, NULL, 10);
      c.b_bytes = g_ascii_strtoull (bb, NULL, 10);
      g_array_append_val (result, c);
      g_match_info_next (match, NULL);
    }
  return result;
}

static guint
count_flows_between (EgTestFlows        *flows,
                     const Conversation *c,
                     guint64            *pkts)
{
  guint n = 0;
  guint8 proto = proto_number (c->proto);

  *pkts = 0;
  for (guint i = 0; i < flows->flows->len; i++)
    {
      const EgFlow *f = &g_array_index (flows->flows, EgFlow, i);
      gboolean same = (eg_addr_equal (&f->orig_h, &c->a) && eg_addr_equal (&f->resp_h, &c->b))
                      || (eg_addr_equal (&f->orig_h, &c->b) && eg_addr_equal (&f->resp_h, &c->a));
      gboolean ports = proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6
                       || (f->orig_p == c->a_port && f->resp_p == c->b_port)
                       || (f->orig_p == c->b_port && f->resp_p == c->a_port);
      if (same && ports && f->proto == proto)
        {
          n++;
          *pkts += f->orig_pkts + f->resp_pkts;
        }
    }
  return n;
}

/* The one flow of a conversation, or NULL when there are none or several. */
static const EgFlow *
find_only_flow (EgTestFlows        *flows,
                const Conversation *c)
{
  guint8 proto = proto_number (c->proto);
  const EgFlow *found = NULL;

  for (guint i = 0; i < flows->flows->len; i++)
    {
      const EgFlow *f = &g_array_index (flows->flows, EgFlow, i);

      if (f->proto != proto)
        continue;
      if ((eg_addr_equal (&f->orig_h, &c->a) && f->orig_p == c->a_port
           && eg_addr_equal (&f->resp_h, &c->b) && f->resp_p == c->b_port)
          || (eg_addr_equal (&f->orig_h, &c->b) && f->orig_p == c->b_port
              && eg_addr_equal (&f->resp_h, &c->a) && f->resp_p == c->a_port))
        {
          if (found)
            return NULL;
          found = f;
        }
    }
  return found;
}

/* The service nDPI's reference run found, against ours. nDPI's newer
 * versions also guess a protocol from the port or the address, and
 * dissect TLS joined midstream; where there was no exchange that nDPI 4.2
 * can dissect (a scan, a one-sided flow, no handshake seen) Zeek leaves
 * service empty, and so do we. Anything else must agree. */
static void
check_services (const char   *name,
                EgTestFlows  *flows,
                GArray       *expected)
{
  static const struct {
    const char *file;
    guint16     port;
    const char *why;
  } excused[] = {
    { "smtp-starttls.pcap", 25,
      "Zeek names a STARTTLS session by what it started as (smtp); nDPI by what it became" },
  };
  guint agree = 0, guessed = 0, mismatched = 0;

  for (guint i = 0; i < expected->len; i++)
    {
      const Conversation *c = &g_array_index (expected, Conversation, i);
      g_autofree char *master = g_strdup (c->ndpi_protocol);
      const EgFlow *f;
      const char *theirs;
      char a[EG_ADDR_STRLEN], b[EG_ADDR_STRLEN];
      gboolean ok = FALSE;

      if (proto_number (c->proto) != IPPROTO_TCP && proto_number (c->proto) != IPPROTO_UDP)
        continue;
      f = find_only_flow (flows, c);
      if (f == NULL)
        continue;
      if (strchr (master, '.'))
        *strchr (master, '.') = '\0';
      theirs = eg_dpi_service_for_protocol (master);
      if (g_strcmp0 (f->service, theirs) == 0)
        {
          agree++;
          continue;
        }
      if (f->service == NULL
          && (!c->ndpi_dissected || f->orig_bytes == 0 || f->resp_bytes == 0
              || f->conn_state == EG_CONN_STATE_OTH))
        {
          guessed++;
          continue;
        }
      for (guint k = 0; k < G_N_ELEMENTS (excused); k++)
        if (g_str_equal (name, excused[k].file) && f->resp_p == excused[k].port)
          {
            g_test_message ("  %s port %u: %s", name, f->resp_p, excused[k].why);
            ok = TRUE;
          }
      if (ok)
        continue;
      mismatched++;
      g_test_message ("  %s %s:%u -> %s:%u: service %s, nDPI %s", c->proto,
                      eg_addr_to_string (&f->orig_h, a), f->orig_p,
                      eg_addr_to_string (&f->resp_h, b), f->resp_p,
                      f->service ? f->service : "(none)", c->ndpi_protocol);
    }
  g_test_message ("%s: service agrees with nDPI on %u flows; %u that nDPI guessed or "
                  "dissected midstream are left empty, as Zeek does", name, agree, guessed);
  g_assert_cmpuint (mismatched, ==, 0);
}

/* Where Edgeguard and nDPI count differently by design, and why. */
typedef struct {
  const char *file;
  int         flows;   /* our flow count */
  const char *why;
} Difference;

static const Difference differences[] = {
  { "6in4tunnel.pcap", 1,
    "tunnels are recognized, not decapsulated: the 6in4 tunnel is one proto-41 flow" },
  { "dns_fragmented.pcap", 21,
    "every IP fragment counts as a packet of its flow; nDPI skips non-first fragments" },
  { "fuzz-2021-10-13.pcap", 0,
    "the single frame has an unknown loopback family: not IP, no flow" },
  { "icmp-tunnel.pcap", 2,
    "Zeek's 60 s ICMP inactivity timeout splits the 1122 s echo session at its long pause" },
  { "ip_fragmented_garbage.pcap", 1,
    "the fragments' ports are garbage; they form one flow without ports" },
  { "rtsp.pcap", 8,
    "a connection reset and reused 59 s later is a new connection, as in Zeek" },
};

static void
test_ndpi_golden (gconstpointer data)
{
  const char *name = data;
  g_autofree char *rel = g_strconcat ("ndpi/", name, NULL);
  g_autofree char *rel_out = g_strconcat ("ndpi/expected/", name, ".out", NULL);
  g_autofree char *path = eg_test_shared_path (rel);
  g_autofree char *out_path = NULL;
  g_autoptr(EgTestFlows) flows = NULL;
  g_autoptr(GArray) expected = NULL;
  guint mismatched = 0;

  if (path == NULL)
    return;
  out_path = eg_test_shared_path (rel_out);
  if (out_path == NULL)
    return;
  flows = eg_test_flows_from_capture (path, NULL);
  expected = parse_ndpi_expected (out_path);

  g_test_message ("%s: %u flows (nDPI %u), %" G_GUINT64_FORMAT " packets, %"
                  G_GUINT64_FORMAT " undecodable, %" G_GUINT64_FORMAT " arp, error: %s",
                  name, flows->flows->len, expected->len, flows->stats.packets,
                  flows->stats.undecodable, flows->arp,
                  flows->error ? flows->error->message : "none");
  for (guint i = 0; i < expected->len; i++)
    {
      const Conversation *c = &g_array_index (expected, Conversation, i);
      guint64 pkts;
      guint n = count_flows_between (flows, c, &pkts);
      if (n == 0 || pkts != c->a_pkts + c->b_pkts)
        {
          char a[EG_ADDR_STRLEN], b[EG_ADDR_STRLEN];
          mismatched++;
          g_test_message ("  %s %s:%u <-> %s:%u: nDPI %" G_GUINT64_FORMAT " pkts, ours %u flows %"
                          G_GUINT64_FORMAT " pkts", c->proto, eg_addr_to_string (&c->a, a), c->a_port,
                          eg_addr_to_string (&c->b, b), c->b_port, c->a_pkts + c->b_pkts, n, pkts);
        }
    }
  check_services (name, flows, expected);

  /* Only the truncated capture may end in an error, and it names itself. */
  if (g_str_equal (name, "fuzz-2021-10-13.pcap"))
    {
      g_assert_error (flows->error, EG_ERROR, EG_ERROR_TRUNCATED);
      g_assert_nonnull (strstr (flows->error->message, name));
    }
  else
    g_assert_no_error (flows->error);

  for (guint i = 0; i < G_N_ELEMENTS (differences); i++)
    if (g_str_equal (differences[i].file, name))
      {
        g_test_message ("%s differs from nDPI by design: %s", name, differences[i].why);
        g_assert_cmpint (flows->flows->len, ==, differences[i].flows);
        return;
      }
  g_assert_cmpuint (mismatched, ==, 0);
  g_assert_cmpuint (flows->flows->len, ==, expected->len);
}


/* tshark as the oracle: conversation statistics give the frames each way;
 * its dissection gives the IP bytes each way. */
static char *
run_tshark (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_ptr_array_add (argv, (char *) "tshark");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, &error))
    return NULL;
  return g_steal_pointer (&out);
}

typedef struct {
  guint64 frames[2];    /* [0] A→B, [1] B→A */
  guint64 ip_bytes[2];
} Oracle;

static void
check_against_tshark (EgTestFlows        *flows,
                      const Conversation *c,
                      const Oracle       *o,
                      guint              *checked)
{
  guint64 frames[2] = { 0, 0 }, bytes[2] = { 0, 0 };
  guint8 proto = proto_number (c->proto);
  char a[EG_ADDR_STRLEN], b[EG_ADDR_STRLEN];

  for (guint i = 0; i < flows->flows->len; i++)
    {
      const EgFlow *f = &g_array_index (flows->flows, EgFlow, i);
      if (f->proto != proto)
        continue;
      if (eg_addr_equal (&f->orig_h, &c->a) && f->orig_p == c->a_port
          && eg_addr_equal (&f->resp_h, &c->b) && f->resp_p == c->b_port)
        {
          frames[0] += f->orig_pkts; frames[1] += f->resp_pkts;
          bytes[0] += f->orig_ip_bytes; bytes[1] += f->resp_ip_bytes;
        }
      else if (eg_addr_equal (&f->orig_h, &c->b) && f->orig_p == c->b_port
               && eg_addr_equal (&f->resp_h, &c->a) && f->resp_p == c->a_port)
        {
          frames[1] += f->orig_pkts; frames[0] += f->resp_pkts;
          bytes[1] += f->orig_ip_bytes; bytes[0] += f->resp_ip_bytes;
        }
    }
  if (frames[0] != c->a_pkts || frames[1] != c->b_pkts
      || bytes[0] != o->ip_bytes[0] || bytes[1] != o->ip_bytes[1])
    g_test_message ("%s %s:%u -> %s:%u: tshark %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                    " frames %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " IP bytes, ours %"
                    G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " and %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                    c->proto, eg_addr_to_string (&c->a, a), c->a_port, eg_addr_to_string (&c->b, b),
                    c->b_port, c->a_pkts, c->b_pkts, o->ip_bytes[0], o->ip_bytes[1],
                    frames[0], frames[1], bytes[0], bytes[1]);
  g_assert_cmpuint (frames[0], ==, c->a_pkts);
  g_assert_cmpuint (frames[1], ==, c->b_pkts);
  g_assert_cmpuint (bytes[0], ==, o->ip_bytes[0]);
  g_assert_cmpuint (bytes[1], ==, o->ip_bytes[1]);
  (*checked)++;
}

static char *
tuple_key (const char *proto,
           const char *src,
           const char *sport,
           const char *dst,
           const char *dport)
{
  EgAddr s, d;
  char sb[EG_ADDR_STRLEN], db[EG_ADDR_STRLEN];

  /* Normalize the address spelling so tshark's and ours compare. */
  if (!eg_addr_parse (src, &s) || !eg_addr_parse (dst, &d))
    return NULL;
  return g_strdup_printf ("%s %s %s %s %s", proto, eg_addr_to_string (&s, sb), sport,
                          eg_addr_to_string (&d, db), dport);
}

static GHashTable *
tshark_ip_bytes (const char *path)
{
  const char *args[] = { "-r", path, "-T", "fields", "-E", "separator=/t",
                         "-Y", "(tcp or udp) and not icmp and not icmpv6",
                         "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst",
                         "-e", "tcp.srcport", "-e", "udp.srcport", "-e", "tcp.dstport",
                         "-e", "udp.dstport", "-e", "ip.len", "-e", "ipv6.plen", NULL };
  g_autofree char *out = run_tshark (args);
  g_auto(GStrv) lines = NULL;
  GHashTable *sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (out == NULL)
    return sums;
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);
      g_autofree char *key = NULL;
      gboolean v6;
      guint64 *sum;

      /* A tunnel shows two addresses per field: not a plain flow. */
      if (g_strv_length (f) < 10 || strchr (lines[i], ','))
        continue;
      v6 = *f[0] == '\0';
      key = tuple_key (*f[4] ? "TCP" : "UDP", v6 ? f[1] : f[0], *f[4] ? f[4] : f[5],
                       v6 ? f[3] : f[2], *f[6] ? f[6] : f[7]);
      if (key == NULL)
        continue;
      sum = g_hash_table_lookup (sums, key);
      if (sum == NULL)
        {
          sum = g_new0 (guint64, 1);
          g_hash_table_insert (sums, g_steal_pointer (&key), sum);
        }
      *sum += v6 ? g_ascii_strtoull (f[9], NULL, 10) + 40 : g_ascii_strtoull (f[8], NULL, 10);
    }
  return sums;
}

static void
test_tshark_golden (gconstpointer data)
{
  const char *rel = data;
  g_autofree char *path = eg_test_shared_path (rel);
  g_autoptr(EgTestFlows) flows = NULL;
  g_autoptr(GHashTable) ip_bytes = NULL;
  g_autofree char *conv = NULL;
  g_auto(GStrv) lines = NULL;
  const char *args[] = { "-r", NULL, "-q", "-z", "conv,tcp", "-z", "conv,udp", NULL };
  char section[8] = "";
  guint checked = 0;

  if (path == NULL)
    return;
  g_autofree char *tshark = g_find_program_in_path ("tshark");

  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed");
      return;
    }
  args[1] = path;
  conv = run_tshark (args);
  g_assert_nonnull (conv);
  ip_bytes = tshark_ip_bytes (path);
  flows = eg_test_flows_from_capture (path, NULL);
  g_assert_no_error (flows->error);

  lines = g_strsplit (conv, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) tok = NULL;
      Conversation c = { 0 };
      Oracle o = { 0 };
      char *colon;
      guint64 *sum;

      if (g_str_has_prefix (lines[i], "TCP Conversations"))
        g_strlcpy (section, "TCP", sizeof section);
      else if (g_str_has_prefix (lines[i], "UDP Conversations"))
        g_strlcpy (section, "UDP", sizeof section);
      if (!strstr (lines[i], " <-> ") || !*section)
        continue;
      tok = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      {
        /* Collapse the runs of spaces tshark aligns its columns with. */
        g_autoptr(GPtrArray) words = g_ptr_array_new ();
        for (guint k = 0; tok[k]; k++)
          if (*tok[k])
            g_ptr_array_add (words, tok[k]);
        if (words->len < 7)
          continue;
        g_strlcpy (c.proto, section, sizeof c.proto);
        colon = strrchr (words->pdata[0], ':');
        *colon = '\0';
        g_assert_true (eg_addr_parse (words->pdata[0], &c.a));
        c.a_port = (guint16) atoi (colon + 1);
        colon = strrchr (words->pdata[2], ':');
        *colon = '\0';
        g_assert_true (eg_addr_parse (words->pdata[2], &c.b));
        c.b_port = (guint16) atoi (colon + 1);
        c.b_pkts = g_ascii_strtoull (words->pdata[3], NULL, 10);  /* "<-" */
        c.a_pkts = g_ascii_strtoull (words->pdata[6], NULL, 10);  /* "->" */
      }
      {
        char ab[EG_ADDR_STRLEN], bb[EG_ADDR_STRLEN], ap[8], bp[8];
        g_autofree char *k1 = NULL, *k2 = NULL;
        g_snprintf (ap, sizeof ap, "%u", c.a_port);
        g_snprintf (bp, sizeof bp, "%u", c.b_port);
        k1 = tuple_key (section, eg_addr_to_string (&c.a, ab), ap, eg_addr_to_string (&c.b, bb), bp);
        k2 = tuple_key (section, bb, bp, ab, ap);
        if ((sum = g_hash_table_lookup (ip_bytes, k1)))
          o.ip_bytes[0] = *sum;
        if ((sum = g_hash_table_lookup (ip_bytes, k2)))
          o.ip_bytes[1] = *sum;
      }
      check_against_tshark (flows, &c, &o, &checked);
    }
  g_test_message ("%s: %u conversations agree with tshark", rel, checked);
  g_assert_cmpuint (checked, >, 0);
}

static const EgFlow *
find_flow (EgTestFlows *flows,
           const char  *a,
           guint16      a_port,
           const char  *b,
           guint16      b_port)
{
  const EgFlow *f = eg_test_flows_find (flows, a, a_port, b, b_port, IPPROTO_TCP);

  g_assert_nonnull (f);
  return f;
}

/* The answers Zeek gives for these exchanges, segment by segment (checked
 * against tshark's decode of the same frames). */
static void
test_conn_state_scans (void)
{
  g_autofree char *path = eg_test_shared_path ("ndpi/tcp_scan.pcapng");
  g_autofree char *syn_path = NULL;
  g_autoptr(EgTestFlows) flows = NULL;
  const EgFlow *f;
  guint s0 = 0, rej = 0, s1 = 0;
  const struct { guint16 sport, dport; const char *state, *history; } expected[] = {
    { 56272, 80, "RSTO", "ShAR" },    /* connect scan: open port */
    { 56273, 443, "RSTO", "ShAR" },
    { 56274, 445, "REJ", "Sr" },      /* SYN scan: closed port */
    { 43067, 3389, "REJ", "Sr" },
    { 62971, 3390, "RSTR", "Fr" },    /* FIN scan */
    { 57916, 3391, "RSTRH", "r" },    /* NULL scan: no flags, no letter */
    { 63243, 3392, "RSTR", "Fr" },    /* XMAS scan */
  };

  if (path == NULL)
    return;
  flows = eg_test_flows_from_capture (path, NULL);
  g_assert_cmpuint (flows->flows->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      f = find_flow (flows, "192.168.1.178", expected[i].sport, "192.168.1.2", expected[i].dport);
      g_assert_cmpstr (eg_conn_state_to_string (f->conn_state), ==, expected[i].state);
      g_assert_cmpstr (f->history, ==, expected[i].history);
      g_assert_cmpuint (f->orig_bytes, ==, 0);
      g_assert_cmpuint (f->resp_bytes, ==, 0);
    }

  syn_path = eg_test_shared_path ("ndpi/synscan.pcap");
  if (syn_path == NULL)
    return;
  g_clear_pointer (&flows, eg_test_flows_free);
  flows = eg_test_flows_from_capture (syn_path, NULL);
  for (guint i = 0; i < flows->flows->len; i++)
    {
      f = &g_array_index (flows->flows, EgFlow, i);
      if (f->conn_state == EG_CONN_STATE_S0 && g_str_equal (f->history, "S"))
        s0++;
      else if (f->conn_state == EG_CONN_STATE_REJ && g_str_equal (f->history, "Sr"))
        rej++;
      else if (f->conn_state == EG_CONN_STATE_S1 && g_str_equal (f->history, "Sh"))
        s1++;
    }
  /* nmap's SYN scan: mostly unanswered, a few closed, a few open. */
  g_assert_cmpuint (s0, ==, 1986);
  g_assert_cmpuint (rej, ==, 5);
  g_assert_cmpuint (s1, ==, 3);
  g_assert_cmpuint (flows->flows->len, ==, 1994);
}

static void
test_conn_state_normal (void)
{
  g_autofree char *path = eg_test_shared_path ("ndpi/http.pcapng");
  g_autoptr(EgTestFlows) flows = NULL;
  const EgFlow *f;

  if (path == NULL)
    return;
  flows = eg_test_flows_from_capture (path, NULL);
  f = find_flow (flows, "192.168.1.128", 42170, "216.58.208.142", 80);
  /* The originator is the client, whatever order the file lists them. */
  g_assert_cmpuint (f->orig_p, ==, 42170);
  g_assert_cmpstr (eg_conn_state_to_string (f->conn_state), ==, "SF");
  g_assert_cmpstr (f->history, ==, "ShADadFf");
  g_assert_cmpstr (f->service, ==, "http");
  /* Payload bytes, from sequence numbers: tshark's tcp.len sums agree. */
  g_assert_cmpuint (f->orig_bytes, ==, 74);
  g_assert_cmpuint (f->resp_bytes, ==, 528);
  g_assert_cmpuint (f->orig_pkts, ==, 6);
  g_assert_cmpuint (f->resp_pkts, ==, 4);
  g_assert_cmpfloat_with_epsilon (f->duration, 0.042164, 1e-6);
  g_assert_cmpuint (strlen (f->uid), ==, 18);
  g_assert_true (g_str_has_prefix (f->community_id, "1:"));
}

/* The statistics the model reads (sizes, gaps, flag counts per direction),
 * against tshark's per-packet decode of the same frames. */
typedef struct {
  guint64 n;
  double  size_min, size_max, size_sum;
  double  last_ts, iat_min, iat_max, iat_sum;
  guint32 syn, fin, rst, psh, ack;
} DirOracle;

static void
assert_dir_stats (const EgDirStats *ours,
                  guint64           n,
                  const DirOracle  *o)
{
  g_assert_cmpuint (n, ==, o->n);
  if (n == 0)
    return;
  g_assert_cmpfloat (ours->size.min, ==, o->size_min);
  g_assert_cmpfloat (ours->size.max, ==, o->size_max);
  g_assert_cmpfloat_with_epsilon (ours->size.sum, o->size_sum, 1e-6);
  if (n > 1)
    {
      g_assert_cmpfloat_with_epsilon (ours->iat.min, o->iat_min, 2e-6);
      g_assert_cmpfloat_with_epsilon (ours->iat.max, o->iat_max, 2e-6);
      g_assert_cmpfloat_with_epsilon (ours->iat.sum, o->iat_sum, 1e-5);
    }
  g_assert_cmpuint (ours->n_syn, ==, o->syn);
  g_assert_cmpuint (ours->n_fin, ==, o->fin);
  g_assert_cmpuint (ours->n_rst, ==, o->rst);
  g_assert_cmpuint (ours->n_psh, ==, o->psh);
  g_assert_cmpuint (ours->n_ack, ==, o->ack);
}

static void
test_packet_stats_tshark (gconstpointer data)
{
  const char *rel = data;
  g_autofree char *path = eg_test_shared_path (rel);
  const char *args[] = { "-r", NULL, "-T", "fields", "-E", "separator=/t",
                         "-Y", "(tcp or udp) and not icmp and not icmpv6",
                         "-e", "frame.time_epoch",
                         "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst",
                         "-e", "tcp.srcport", "-e", "udp.srcport", "-e", "tcp.dstport",
                         "-e", "udp.dstport", "-e", "ip.len", "-e", "ipv6.plen",
                         "-e", "tcp.flags", NULL };
  g_autoptr(GHashTable) oracle = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(EgTestFlows) flows = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  guint checked = 0;

  g_autofree char *tshark = g_find_program_in_path ("tshark");

  if (path == NULL)
    return;
  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed");
      return;
    }
  args[1] = path;
  out = run_tshark (args);
  g_assert_nonnull (out);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);
      g_autofree char *key = NULL;
      DirOracle *o;
      double ts, size;
      gboolean v6, tcp;
      guint flags;

      if (g_strv_length (f) < 12 || strchr (lines[i], ','))
        continue;  /* a tunnel: two addresses per field */
      v6 = *f[1] == '\0';
      tcp = *f[5] != '\0';
      key = tuple_key (tcp ? "TCP" : "UDP", v6 ? f[2] : f[1], tcp ? f[5] : f[6],
                       v6 ? f[4] : f[3], tcp ? f[7] : f[8]);
      if (key == NULL)
        continue;
      ts = g_ascii_strtod (f[0], NULL);
      size = v6 ? g_ascii_strtod (f[10], NULL) + 40 : g_ascii_strtod (f[9], NULL);
      flags = tcp ? (guint) g_ascii_strtoull (f[11], NULL, 16) : 0;
      o = g_hash_table_lookup (oracle, key);
      if (o == NULL)
        {
          o = g_new0 (DirOracle, 1);
          o->size_min = o->iat_min = G_MAXDOUBLE;
          g_hash_table_insert (oracle, g_strdup (key), o);
        }
      if (o->n > 0)
        {
          double gap = ts - o->last_ts;
          o->iat_min = MIN (o->iat_min, gap);
          o->iat_max = MAX (o->iat_max, gap);
          o->iat_sum += gap;
        }
      o->n++;
      o->last_ts = ts;
      o->size_min = MIN (o->size_min, size);
      o->size_max = MAX (o->size_max, size);
      o->size_sum += size;
      o->syn += !!(flags & 0x02);
      o->fin += !!(flags & 0x01);
      o->rst += !!(flags & 0x04);
      o->psh += !!(flags & 0x08);
      o->ack += !!(flags & 0x10);
    }

  flows = eg_test_flows_from_capture (path, NULL);
  /* A 5-tuple reused by a second connection is two flows: leave it out. */
  for (guint i = 0; i < flows->flows->len; i++)
    {
      const EgFlow *fl = &g_array_index (flows->flows, EgFlow, i);
      char a[EG_ADDR_STRLEN], b[EG_ADDR_STRLEN];
      g_autofree char *key = g_strdup_printf ("%u %s %u %s %u", fl->proto,
                                              eg_addr_to_string (&fl->orig_h, a), fl->orig_p,
                                              eg_addr_to_string (&fl->resp_h, b), fl->resp_p);
      g_hash_table_insert (seen, g_steal_pointer (&key),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (seen, key)) + 1));
    }
  for (guint i = 0; i < flows->flows->len; i++)
    {
      const EgFlow *fl = &g_array_index (flows->flows, EgFlow, i);
      const char *proto = fl->proto == IPPROTO_TCP ? "TCP" : fl->proto == IPPROTO_UDP ? "UDP" : NULL;
      char a[EG_ADDR_STRLEN], b[EG_ADDR_STRLEN], ap[8], bp[8];
      g_autofree char *count_key = NULL;
      g_autofree char *fwd = NULL;
      g_autofree char *rev = NULL;
      DirOracle none = { 0 };
      const DirOracle *o_fwd, *o_rev;

      if (proto == NULL || (fl->flags & (EG_FLOW_FRAGMENTED | EG_FLOW_TUNNELED)))
        continue;
      eg_addr_to_string (&fl->orig_h, a);
      eg_addr_to_string (&fl->resp_h, b);
      count_key = g_strdup_printf ("%u %s %u %s %u", fl->proto, a, fl->orig_p, b, fl->resp_p);
      if (GPOINTER_TO_UINT (g_hash_table_lookup (seen, count_key)) != 1)
        continue;
      g_snprintf (ap, sizeof ap, "%u", fl->orig_p);
      g_snprintf (bp, sizeof bp, "%u", fl->resp_p);
      fwd = tuple_key (proto, a, ap, b, bp);
      rev = tuple_key (proto, b, bp, a, ap);
      o_fwd = g_hash_table_lookup (oracle, fwd);
      o_rev = g_hash_table_lookup (oracle, rev);
      if (o_fwd == NULL && o_rev == NULL)
        continue;  /* fragments only, or what tshark's filter left out */
      assert_dir_stats (&fl->dir[0], fl->orig_pkts, o_fwd ? o_fwd : &none);
      assert_dir_stats (&fl->dir[1], fl->resp_pkts, o_rev ? o_rev : &none);
      checked++;
    }
  g_test_message ("%s: packet statistics of %u flows agree with tshark", rel, checked);
  g_assert_cmpuint (checked, >, 0);
}

/* nDPI's 688-byte state goes as soon as a flow's service and name are
 * known, not when the flow ends: at the end of these captures flows are
 * still open, their classification done and its state gone. */
static void
test_dpi_state_freed (void)
{
  const struct { const char *file; guint64 active; } cases[] = {
    { "ndpi/http.pcapng", 1 },
    { "ndpi/netflix.pcap", 22 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = eg_test_shared_path (cases[i].file);
      g_autoptr(EgTestFlows) flows = NULL;

      if (path == NULL)
        return;
      flows = eg_test_flows_from_capture (path, NULL);
      g_assert_cmpuint (flows->before_flush.active, ==, cases[i].active);
      g_assert_cmpuint (flows->before_flush.dpi_active, ==, 0);
      g_assert_cmpuint (flows->stats.peak_dpi_bytes, >, 0);
      g_assert_cmpuint (flows->stats.dpi_active, ==, 0);
    }
}

/* Synthetic packets straight into the table: timeouts, cap, fragments. */
typedef struct {
  GArray *flows;
} Collector;

static void
collect (const EgFlow *flow,
         gpointer      user_data)
{
  Collector *c = user_data;
  g_array_append_vals (c->flows, flow, 1);
}

static void
make_udp (EgPacket   *pkt,
          const char *src,
          guint16     sport,
          const char *dst,
          guint16     dport,
          guint       payload)
{
  memset (pkt, 0, sizeof *pkt);
  pkt->ip_version = 4;
  g_assert_true (eg_addr_parse (src, &pkt->src));
  g_assert_true (eg_addr_parse (dst, &pkt->dst));
  pkt->proto = IPPROTO_UDP;
  pkt->has_ports = TRUE;
  pkt->sport = sport;
  pkt->dport = dport;
  pkt->payload_len = payload;
  pkt->ip_len = payload + 28;
}

static void
test_expire_idle (void)
{
  g_autoptr(EgConfig) config = eg_config_new ();
  Collector c = { g_array_new (FALSE, FALSE, sizeof (EgFlow)) };
  g_autoptr(EgFlowTable) table = eg_flow_table_new (config, FALSE, collect, &c, NULL);
  EgPacket pkt;

  make_udp (&pkt, "10.0.0.1", 5000, "10.0.0.2", 53, 30);
  eg_flow_table_add (table, 1000.0, &pkt, 72);
  make_udp (&pkt, "10.0.0.2", 53, "10.0.0.1", 5000, 60);
  eg_flow_table_add (table, 1000.5, &pkt, 102);
  /* 59 s of silence in packet time: still the same flow. */
  make_udp (&pkt, "10.0.0.3", 1, "10.0.0.4", 2, 1);
  eg_flow_table_add (table, 1059.0, &pkt, 43);
  g_assert_cmpuint (c.flows->len, ==, 0);
  /* Past 60 s (Zeek's UDP timeout), the first flow ends on its own. */
  eg_flow_table_add (table, 1062.0, &pkt, 43);
  g_assert_cmpuint (c.flows->len, ==, 1);
  {
    const EgFlow *f = &g_array_index (c.flows, EgFlow, 0);
    g_assert_cmpuint (f->orig_pkts, ==, 1);
    g_assert_cmpuint (f->resp_pkts, ==, 1);
    g_assert_cmpuint (f->orig_bytes, ==, 30);
    g_assert_cmpuint (f->resp_bytes, ==, 60);
    g_assert_cmpstr (eg_conn_state_to_string (f->conn_state), ==, "SF");
    g_assert_cmpstr (f->history, ==, "Dd");
    g_assert_cmpfloat_with_epsilon (f->duration, 0.5, 1e-9);
  }
  eg_flow_table_flush (table);
  g_assert_cmpuint (c.flows->len, ==, 2);
  g_array_unref (c.flows);
}

static void
test_server_port_flip (void)
{
  g_autoptr(EgConfig) config = eg_config_new ();
  Collector c = { g_array_new (FALSE, FALSE, sizeof (EgFlow)) };
  g_autoptr(EgFlowTable) table = eg_flow_table_new (config, FALSE, collect, &c, NULL);
  EgPacket pkt;

  /* The capture started with the DNS answer: the server is the responder. */
  make_udp (&pkt, "10.0.0.2", 53, "10.0.0.1", 40000, 80);
  eg_flow_table_add (table, 1.0, &pkt, 122);
  eg_flow_table_flush (table);
  {
    const EgFlow *f = &g_array_index (c.flows, EgFlow, 0);
    g_assert_cmpuint (f->resp_p, ==, 53);
    g_assert_cmpuint (f->resp_pkts, ==, 1);
    g_assert_cmpstr (f->history, ==, "^d");
    g_assert_cmpstr (eg_conn_state_to_string (f->conn_state), ==, "SHR");
  }
  g_array_unref (c.flows);
}

static void
test_cap_evicts_oldest (void)
{
  g_autoptr(EgConfig) config = eg_config_new ();
  Collector c = { g_array_new (FALSE, FALSE, sizeof (EgFlow)) };
  g_autoptr(EgFlowTable) table = NULL;
  EgFlowTableStats stats;
  EgPacket pkt;

  config->max_flows = 100;
  table = eg_flow_table_new (config, FALSE, collect, &c, NULL);
  for (guint i = 0; i < 150; i++)
    {
      make_udp (&pkt, "10.0.0.1", 1000 + i, "10.0.0.2", 9999, 10);
      eg_flow_table_add (table, 100.0 + i * 0.01, &pkt, 52);
    }
  /* 1000-1049 went to make room. Touch 1050, now the oldest, again: the
   * next newcomer pushes out 1051 instead. */
  make_udp (&pkt, "10.0.0.1", 1050, "10.0.0.2", 9999, 10);
  eg_flow_table_add (table, 102.0, &pkt, 52);
  make_udp (&pkt, "10.0.0.1", 60000, "10.0.0.2", 9999, 10);
  eg_flow_table_add (table, 102.1, &pkt, 52);

  eg_flow_table_get_stats (table, &stats);
  g_assert_cmpuint (stats.active, ==, 100);
  g_assert_cmpuint (stats.evictions, ==, 51);
  g_assert_cmpuint (c.flows->len, ==, 51);
  for (guint i = 0; i < c.flows->len; i++)
    {
      const EgFlow *f = &g_array_index (c.flows, EgFlow, i);
      g_assert_true (f->flags & EG_FLOW_EVICTED);
      g_assert_cmpuint (f->orig_p, !=, 1050);
    }
  /* Oldest first. */
  g_assert_cmpuint (g_array_index (c.flows, EgFlow, 0).orig_p, ==, 1000);
  g_assert_cmpuint (g_array_index (c.flows, EgFlow, 50).orig_p, ==, 1051);
  g_array_unref (c.flows);
}

static void
test_active_timeout (void)
{
  g_autoptr(EgConfig) config = eg_config_new ();
  Collector c = { g_array_new (FALSE, FALSE, sizeof (EgFlow)) };
  g_autoptr(EgFlowTable) table = NULL;
  EgPacket pkt;
  guint interim = 0;

  config->active_timeout = 300;
  table = eg_flow_table_new (config, FALSE, collect, &c, NULL);
  /* A packet every 30 s for 20 minutes: one long flow. */
  for (guint i = 0; i <= 40; i++)
    {
      make_udp (&pkt, "10.0.0.1", 4000, "10.0.0.9", 1194, 100);
      eg_flow_table_add (table, 10.0 + i * 30, &pkt, 142);
    }
  eg_flow_table_flush (table);
  for (guint i = 0; i < c.flows->len; i++)
    if (g_array_index (c.flows, EgFlow, i).flags & EG_FLOW_INTERIM)
      interim++;
  g_assert_cmpuint (interim, ==, 4);
  g_assert_cmpuint (c.flows->len, ==, 5);
  g_assert_cmpuint (g_array_index (c.flows, EgFlow, 4).orig_pkts, ==, 41);
  g_assert_false (g_array_index (c.flows, EgFlow, 4).flags & EG_FLOW_INTERIM);
  /* Every update carries the same uid: one flow, seen as it grows. */
  g_assert_cmpstr (g_array_index (c.flows, EgFlow, 0).uid, ==, g_array_index (c.flows, EgFlow, 4).uid);
  g_array_unref (c.flows);
}

static void
test_fragments (void)
{
  g_autoptr(EgConfig) config = eg_config_new ();
  Collector c = { g_array_new (FALSE, FALSE, sizeof (EgFlow)) };
  g_autoptr(EgFlowTable) table = eg_flow_table_new (config, FALSE, collect, &c, NULL);
  EgFlowTableStats stats;
  EgPacket pkt;

  /* First piece with the UDP header, then two more: one flow, 3 packets. */
  make_udp (&pkt, "10.0.0.5", 53, "10.0.0.6", 3333, 3000);
  pkt.is_fragment = TRUE;
  pkt.more_fragments = TRUE;
  pkt.frag_id = 77;
  pkt.ip_len = 1500;
  eg_flow_table_add (table, 5.0, &pkt, 1514);
  pkt.has_ports = FALSE;
  pkt.frag_offset = 1480;
  eg_flow_table_add (table, 5.001, &pkt, 1514);
  pkt.more_fragments = FALSE;
  pkt.frag_offset = 2960;
  pkt.ip_len = 68;
  eg_flow_table_add (table, 5.002, &pkt, 82);
  /* A piece whose first never came cannot be placed: counted, not lost silently. */
  pkt.frag_id = 78;
  pkt.frag_offset = 1480;
  eg_flow_table_add (table, 5.003, &pkt, 82);
  eg_flow_table_flush (table);
  eg_flow_table_get_stats (table, &stats);
  g_assert_cmpuint (c.flows->len, ==, 1);
  g_assert_cmpuint (g_array_index (c.flows, EgFlow, 0).resp_pkts + g_array_index (c.flows, EgFlow, 0).orig_pkts, ==, 3);
  g_assert_cmpuint (g_array_index (c.flows, EgFlow, 0).orig_ip_bytes + g_array_index (c.flows, EgFlow, 0).resp_ip_bytes, ==, 3068);
  g_assert_true (g_array_index (c.flows, EgFlow, 0).flags & EG_FLOW_FRAGMENTED);
  g_assert_cmpuint (stats.fragments, ==, 4);
  g_assert_cmpuint (stats.fragments_orphaned, ==, 1);
  g_array_unref (c.flows);
}

int
main (int argc, char **argv)
{
  static const char *files[] = {
    "443-chrome.pcap", "443-firefox.pcap", "6in4tunnel.pcap", "NTPv4.pcap",
    "WebattackSQLinj.pcap", "android.pcap", "badpackets.pcap", "bets.pcapng",
    "dhcp-fuzz.pcapng", "dns-tunnel-iodine.pcap", "dns.pcap", "dns_fragmented.pcap",
    "emotet.pcap", "exe_download.pcap", "fuzz-2021-10-13.pcap", "http.pcapng",
    "http_ipv6.pcap", "icmp-tunnel.pcap", "ip_fragmented_garbage.pcap", "iphone.pcap",
    "log4j-webapp-exploit.pcap", "malformed_dns.pcap", "malformed_icmp.pcap",
    "mining.pcapng", "netflix.pcap", "rtsp.pcap", "selfsigned.pcap",
    "smtp-starttls.pcap", "ssh.pcap", "synscan.pcap", "tcp_scan.pcapng",
    "tls_malicious_sha1.pcapng", "trickbot.pcap",
  };

  /* Every link type in the data, scans, normal sessions, IPv6, VLANs. */
  static const char *tshark_files[] = {
    "ndpi/http.pcapng", "ndpi/tcp_scan.pcapng", "ndpi/synscan.pcap", "ndpi/ssh.pcap",
    "ndpi/android.pcap", "ndpi/iphone.pcap", "ndpi/netflix.pcap", "ndpi/emotet.pcap",
    "ndpi/smtp-starttls.pcap", "ndpi/http_ipv6.pcap", "ndpi/selfsigned.pcap",
    "ndpi/log4j-webapp-exploit.pcap", "ndpi/bets.pcapng", "ndpi/dns.pcap", "ndpi/rtsp.pcap",
    "ndpi/mining.pcapng", "ndpi/443-firefox.pcap",
    "slips-dataset/test7-malicious.pcap", "slips-dataset/test-cc/test-cc-capture-2.pcap",
    "slips-dataset/test19-malicious-ssh/malicious-ssh-bruteforce.pcap",
  };

  g_setenv ("EDGEGUARD_SEED", "1", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/flow-table/expire/idle", test_expire_idle);
  g_test_add_func ("/flow-table/roles/server-port", test_server_port_flip);
  g_test_add_func ("/flow-table/cap/evicts-oldest", test_cap_evicts_oldest);
  g_test_add_func ("/flow-table/expire/active-timeout", test_active_timeout);
  g_test_add_func ("/flow-table/fragments", test_fragments);
  g_test_add_func ("/flow-table/conn-state/scans", test_conn_state_scans);
  g_test_add_func ("/flow-table/conn-state/normal", test_conn_state_normal);
  g_test_add_func ("/flow-table/dpi/state-freed", test_dpi_state_freed);
  g_test_add_data_func ("/flow-table/stats/tshark/netflix", "ndpi/netflix.pcap", test_packet_stats_tshark);
  g_test_add_data_func ("/flow-table/stats/tshark/443-chrome", "ndpi/443-chrome.pcap",
                        test_packet_stats_tshark);
  g_test_add_data_func ("/flow-table/stats/tshark/ssh-bruteforce",
                        "slips-dataset/test19-malicious-ssh/malicious-ssh-bruteforce.pcap",
                        test_packet_stats_tshark);
  g_test_add_data_func ("/flow-table/stats/tshark/android", "ndpi/android.pcap", test_packet_stats_tshark);
  /* Report every file that differs, not only the first. */
  g_test_set_nonfatal_assertions ();
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *test_path = g_strconcat ("/flow-table/ndpi/", files[i], NULL);
      g_test_add_data_func (test_path, files[i], test_ndpi_golden);
    }
  for (guint i = 0; i < G_N_ELEMENTS (tshark_files); i++)
    {
      g_autofree char *test_path = g_strconcat ("/flow-table/tshark/", tshark_files[i], NULL);
      g_test_add_data_func (test_path, tshark_files[i], test_tshark_golden);
    }
  return g_test_run ();
}
