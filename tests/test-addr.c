/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-addr.h"

#include <arpa/inet.h>

static void
test_parse_roundtrip (void)
{
  const char *cases[] = { "192.168.1.1", "0.0.0.0", "255.255.255.255", "10.100.9.200", "::1",
                          "2001:db8::8a2e:370:7334", "fe80::1" };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      EgAddr a;
      char buf[EG_ADDR_STRLEN];
      g_assert_true (eg_addr_parse (cases[i], &a));
      g_assert_cmpstr (eg_addr_to_string (&a, buf), ==, cases[i]);
    }
  EgAddr bad;
  g_assert_false (eg_addr_parse ("300.1.1.1", &bad));
  g_assert_false (eg_addr_parse ("example.com", &bad));
  g_assert_false (eg_addr_parse ("", &bad));
}

/* The hand-written IPv4 formatter against the C library's, on every
 * value of each byte. */
static void
test_format_v4_like_inet_ntop (void)
{
  for (guint v = 0; v < 256; v++)
    {
      guint8 bytes[4] = { v, 255 - v, (v * 7) & 0xff, v / 3 };
      char ours[EG_ADDR_STRLEN], libc[INET_ADDRSTRLEN];
      EgAddr a;

      eg_addr_set_v4 (&a, bytes);
      g_assert_nonnull (inet_ntop (AF_INET, bytes, libc, sizeof libc));
      g_assert_cmpstr (eg_addr_to_string (&a, ours), ==, libc);
    }
}

static void
test_compare_numeric (void)
{
  EgAddr a, b, c;

  /* Numeric order, not text order: 9 < 10, and IPv4 before IPv6. */
  eg_addr_parse ("10.0.0.9", &a);
  eg_addr_parse ("10.0.0.10", &b);
  eg_addr_parse ("::1", &c);
  g_assert_cmpint (eg_addr_compare (&a, &b), <, 0);
  g_assert_cmpint (eg_addr_compare (&b, &a), >, 0);
  g_assert_cmpint (eg_addr_compare (&b, &c), <, 0);
  g_assert_cmpint (eg_addr_compare (&a, &a), ==, 0);
}

static void
test_cidr (void)
{
  EgAddr prefix, in, out;
  guint len;

  g_assert_true (eg_addr_parse_cidr ("192.168.0.0/16", &prefix, &len));
  g_assert_cmpuint (len, ==, 16);
  eg_addr_parse ("192.168.200.1", &in);
  eg_addr_parse ("192.169.0.1", &out);
  g_assert_true (eg_addr_in_prefix (&in, &prefix, len));
  g_assert_false (eg_addr_in_prefix (&out, &prefix, len));
  g_assert_true (eg_addr_parse_cidr ("10.1.2.3/20", &prefix, &len));
  eg_addr_parse ("10.1.15.255", &in);
  eg_addr_parse ("10.1.16.0", &out);
  g_assert_true (eg_addr_in_prefix (&in, &prefix, len));
  g_assert_false (eg_addr_in_prefix (&out, &prefix, len));
  g_assert_false (eg_addr_parse_cidr ("10.0.0.0/33", &prefix, &len));
  g_assert_true (eg_addr_parse_cidr ("2001:db8::/32", &prefix, &len));
  eg_addr_parse ("2001:db8:ffff::1", &in);
  g_assert_true (eg_addr_in_prefix (&in, &prefix, len));
}

static void
test_private (void)
{
  const char *priv[] = { "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                         "127.0.0.1", "fe80::1", "fd00::1" };
  const char *pub[] = { "8.8.8.8", "172.32.0.1", "147.32.80.37", "2001:4860::8888" };
  EgAddr a;

  for (guint i = 0; i < G_N_ELEMENTS (priv); i++)
    {
      eg_addr_parse (priv[i], &a);
      g_assert_true (eg_addr_is_private (&a));
    }
  for (guint i = 0; i < G_N_ELEMENTS (pub); i++)
    {
      eg_addr_parse (pub[i], &a);
      g_assert_false (eg_addr_is_private (&a));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/addr/parse/roundtrip", test_parse_roundtrip);
  g_test_add_func ("/addr/format/v4", test_format_v4_like_inet_ntop);
  g_test_add_func ("/addr/compare/numeric", test_compare_numeric);
  g_test_add_func ("/addr/cidr", test_cidr);
  g_test_add_func ("/addr/private", test_private);
  return g_test_run ();
}
