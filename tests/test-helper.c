/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The privileged helper: an unprivileged user captures through it, and its
 * firewall blocks really drop traffic (in a throwaway network namespace). */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "eg-test-util.h"

static char *
build_path (const char *rel)
{
  return g_build_filename (g_getenv ("EG_BUILD_DIR") ? g_getenv ("EG_BUILD_DIR") : ".", rel, NULL);
}

static gboolean
sh (const char  *script,
    char       **out,
    char       **err)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) (const char *[]) { "/bin/sh", "-c", script, NULL },
                               NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error));
  g_assert_no_error (error);
  return g_spawn_check_wait_status (status, NULL);
}

static gboolean
can_run (const char *program)
{
  g_autofree char *path = g_find_program_in_path (program);

  if (getuid () != 0)
    {
      g_test_skip ("needs root to set capabilities and make namespaces");
      return FALSE;
    }
  if (path == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("%s is not installed", program);
      g_test_skip (msg);
      return FALSE;
    }
  return TRUE;
}

static void
test_unprivileged_capture (void)
{
  g_autofree char *helper = build_path ("src/helper/edgeguard-helper");
  g_autofree char *cli = build_path ("src/cli/edgeguard-cli");
  g_autofree char *dir = NULL;
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!can_run ("setcap") || !can_run ("setpriv"))
    return;
  /* A copy of the helper with its two capabilities; the CLI runs as nobody. */
  dir = eg_test_mkdtemp ();
  g_assert_true (g_chmod (dir, 0755) == 0);
  script = g_strdup_printf (
    "set -e; cp %s %s/edgeguard-helper; setcap cap_net_raw,cap_net_admin+ep %s/edgeguard-helper;"
    "(sleep 1.5; ping -q -c 4 -i 0.2 127.0.0.1 >/dev/null) &"
    "EDGEGUARD_HELPER=%s/edgeguard-helper setpriv --reuid=65534 --regid=65534 --clear-groups "
    "%s analyze --no-progress -i lo --filter icmp --duration 4 --stats",
    helper, dir, dir, dir, cli);
  g_assert_true (sh (script, &out, &err));
  g_assert_nonnull (strstr (out, "\t127.0.0.1\t8\t127.0.0.1\t0\ticmp\t"));
  g_assert_nonnull (strstr (err, "flows:          1\n"));

  /* Without the capability the message says how to give it. */
  g_free (script);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  script = g_strdup_printf ("setcap -r %s/edgeguard-helper; EDGEGUARD_HELPER=%s/edgeguard-helper "
                            "setpriv --reuid=65534 --regid=65534 --clear-groups "
                            "%s analyze --no-progress -i lo --duration 1", dir, dir, cli);
  g_assert_false (sh (script, &out, &err));
  g_assert_nonnull (strstr (err, "setcap cap_net_raw,cap_net_admin+ep"));
  eg_test_rmdir (dir);
}

static void
test_firewall_blocks (void)
{
  g_autofree char *helper = build_path ("src/helper/edgeguard-helper");
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!can_run ("unshare") || !can_run ("ping") || !can_run ("ip"))
    return;
  /* In a namespace of its own: nothing outside it is touched. */
  script = g_strdup_printf (
    "unshare --net /bin/sh -c '"
    "set -e; ip link set lo up; H=%s;"
    "ping -c 1 -W 1 127.0.0.2 >/dev/null && echo reachable-before;"
    "$H block 127.0.0.2; $H list | grep -q 127.0.0.2 && echo listed;"
    "ping -c 1 -W 1 127.0.0.2 >/dev/null || echo dropped;"
    "$H unblock 127.0.0.2; ping -c 1 -W 1 127.0.0.2 >/dev/null && echo reachable-after;"
    "$H block \"127.0.0.3; flush ruleset\" || echo refused;"
    "$H flush; nft list ruleset | grep -q edgeguard || echo flushed'", helper);
  sh (script, &out, &err);
  g_assert_cmpstr (out, ==, "reachable-before\nlisted\ndropped\nreachable-after\nrefused\nflushed\n");
  g_assert_nonnull (strstr (err, "is not an IP address"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/helper/capture/unprivileged", test_unprivileged_capture);
  g_test_add_func ("/helper/firewall/blocks", test_firewall_blocks);
  return g_test_run ();
}
