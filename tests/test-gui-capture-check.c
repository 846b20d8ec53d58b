/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The console's capture check, as a user without CAP_NET_RAW: with
 * edgeguard-helper there to capture for it, the check lets the capture
 * start (the engine goes through the helper) instead of refusing. */
#include "config.h"

#include <unistd.h>

#include <pcap/pcap.h>

#include "eg-capture-check.h"
#include "eg-error.h"

static void
test_capture_check_helper (void)
{
  if (getuid () != 0)
    {
      g_test_skip ("needs root, to become a user without the right to capture");
      return;
    }
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      char errbuf[PCAP_ERRBUF_SIZE];
      pcap_t *pcap;

      g_assert_cmpint (setgid (65534), ==, 0);
      g_assert_cmpint (setuid (65534), ==, 0);
      /* As nobody, libpcap itself refuses: the path under test. */
      pcap = pcap_create ("lo", errbuf);
      g_assert_nonnull (pcap);
      g_assert_cmpint (pcap_activate (pcap), ==, PCAP_ERROR_PERM_DENIED);
      pcap_close (pcap);
      g_setenv ("EDGEGUARD_HELPER", "/bin/true", TRUE);
      g_assert_true (eg_capture_check_permission ("lo", &error));
      g_assert_no_error (error);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* As root the interface opens; a missing one says which. */
static void
test_capture_check_missing (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (eg_capture_check_permission ("eg-no-such-if0", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "eg-no-such-if0"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gui/capture-check/helper", test_capture_check_helper);
  g_test_add_func ("/gui/capture-check/missing", test_capture_check_missing);
  return g_test_run ();
}
