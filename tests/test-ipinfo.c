/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "eg-error.h"
#include "eg-ipinfo.h"

static EgIpInfo *
open_default (void)
{
  g_autoptr(GError) error = NULL;
  EgIpInfo *info = eg_ipinfo_new (NULL, &error);

  if (info == NULL)
    g_test_skip (error->message);
  return info;
}

static void
test_public (void)
{
  g_autoptr(EgIpInfo) info = open_default ();
  EgAddr addr;
  char country[3];
  guint32 asn;

  if (info == NULL)
    return;
  g_assert_true (eg_addr_parse ("8.8.8.8", &addr));
  g_assert_true (eg_ipinfo_lookup (info, &addr, country, &asn));
  g_assert_cmpstr (country, ==, "US");
  g_assert_cmpuint (asn, ==, 15169);
  g_assert_cmpstr (eg_ipinfo_get_as_name (info, asn), !=, NULL);
  /* Cached: the same answer again. */
  g_assert_true (eg_ipinfo_lookup (info, &addr, country, &asn));
  g_assert_cmpuint (asn, ==, 15169);

  /* CTU's university network, where the Stratosphere captures come from. */
  g_assert_true (eg_addr_parse ("147.32.80.37", &addr));
  g_assert_true (eg_ipinfo_lookup (info, &addr, country, &asn));
  g_assert_cmpstr (country, ==, "CZ");
  g_assert_cmpuint (asn, ==, 2852);

  g_assert_true (eg_addr_parse ("2001:4860:4860::8888", &addr));
  g_assert_true (eg_ipinfo_lookup (info, &addr, country, &asn));
  g_assert_cmpuint (asn, ==, 15169);
}

static void
test_private (void)
{
  g_autoptr(EgIpInfo) info = open_default ();
  EgAddr addr;
  char country[3] = "XX";
  guint32 asn = 7;

  if (info == NULL)
    return;
  g_assert_true (eg_addr_parse ("192.168.1.5", &addr));
  g_assert_false (eg_ipinfo_lookup (info, &addr, country, &asn));
  g_assert_cmpstr (country, ==, "");
  g_assert_cmpuint (asn, ==, 0);
}

static void
test_missing_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EgIpInfo) info = eg_ipinfo_new ("/nonexistent/location.db", &error);

  g_assert_null (info);
  g_assert_error (error, EG_ERROR, EG_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "libloc-database"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ipinfo/lookup/public", test_public);
  g_test_add_func ("/ipinfo/lookup/private", test_private);
  g_test_add_func ("/ipinfo/open/missing", test_missing_database);
  return g_test_run ();
}
