/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard-cli upload and the SASL password: the key file's, else the one
 * the console's Preferences saved (here its 0600 file: no keyring answers
 * in the tests), else a clear error that says where to put one. */
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "eg-store.h"
#include "eg-test-util.h"

static char *
make_database (const char *dir)
{
  char *path = g_build_filename (dir, "edge.db", NULL);
  g_autoptr(GError) error = NULL;
  EgStore *store = eg_store_open (path, &error);
  EgFlow flow;
  guint8 a[4] = { 10, 0, 0, 7 }, b[4] = { 192, 0, 2, 9 };

  g_assert_no_error (error);
  eg_flow_init (&flow);
  g_strlcpy (flow.uid, "Csasl1", sizeof flow.uid);
  flow.ts = 1700000000.0;
  eg_addr_set_v4 (&flow.orig_h, a);
  eg_addr_set_v4 (&flow.resp_h, b);
  flow.orig_p = 40000;
  flow.resp_p = 443;
  flow.proto = IPPROTO_TCP;
  flow.label = g_intern_string ("Benign");
  flow.label_source = EG_LABEL_SOURCE_OPERATOR;
  flow.flags = EG_FLOW_PORT_OF_INTEREST;
  eg_store_add_flows (store, &flow, 1);
  g_assert_true (eg_store_flush (store, &error));
  eg_store_unref (store);
  return path;
}

/* Runs an upload with XDG_CONFIG_HOME in dir against a broker that is not
 * there, and interrupts it (SIGINT, a Ctrl-C) at its first progress line
 * ("connecting: ...", or "retrying: ..." when the refusal came first): the
 * producer has started then, with the password it was given. Its stderr.
 * An upload that stops by itself (no password) is not interrupted. */
static char *
run_upload (const char *dir,
            const char *config,
            const char *db,
            int        *status)
{
  const char *build = g_getenv ("EG_BUILD_DIR");
  g_autofree char *cli = g_build_filename (build ? build : ".", "src", "cli", "edgeguard-cli", NULL);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) upload = NULL;
  g_autoptr(GError) error = NULL;
  char *err;

  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", dir, TRUE);
  upload = g_subprocess_launcher_spawn (launcher, &error, cli, "upload", "-c", config, "--db", db,
                                        "--bootstrap-servers", "127.0.0.1:1", NULL);
  g_assert_no_error (error);
  /* A hang guard: an upload that neither connects nor ends. */
  alarm (120);
  err = eg_test_read_stderr_signalling (upload, " sent, ", SIGINT);
  alarm (0);
  *status = g_subprocess_get_status (upload);
  return err;
}

/* The upload's progress says from the start how many rows are to go: the
 * one row, none acknowledged, while connecting (or already retrying after
 * the refusal, the row produced), not only in the line it ends with. */
static void
assert_first_progress (const char *err)
{
  g_autoptr(GRegex) regex = g_regex_new ("^(connecting|retrying): [01] sent, 0 acknowledged, "
                                         "1 pending", G_REGEX_MULTILINE, 0, NULL);

  g_assert_true (g_regex_match (regex, err, 0, NULL));
}

static void
test_sasl_password_sources (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *db = make_database (dir);
  g_autofree char *config = g_build_filename (dir, "edgeguard.conf", NULL);
  g_autofree char *with_password = g_build_filename (dir, "with-password.conf", NULL);
  g_autofree char *saved_dir = g_build_filename (dir, "edgeguard", NULL);
  g_autofree char *saved = g_build_filename (saved_dir, "kafka-sasl-password", NULL);
  g_autofree char *err = NULL;
  int status;

  g_assert_true (g_file_set_contents (config, "[kafka]\nsecurity-protocol=SASL_PLAINTEXT\n"
                                      "sasl-mechanism=SCRAM-SHA-256\nsasl-username=edge\n",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (with_password, "[kafka]\nsecurity-protocol=SASL_PLAINTEXT\n"
                                      "sasl-mechanism=PLAIN\nsasl-username=edge\n"
                                      "sasl-password=from-key-file\n", -1, NULL));

  /* None anywhere: said at once, with where to put one; nothing sent. */
  err = run_upload (dir, config, db, &status);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_nonnull (strstr (err, "SASL SCRAM-SHA-256 needs a password"));
  g_assert_nonnull (strstr (err, saved));
  g_clear_pointer (&err, g_free);

  /* The key file's: the producer starts (without a password librdkafka
   * refuses to create one) and waits for the broker until interrupted. */
  err = run_upload (dir, with_password, db, &status);
  g_assert_null (strstr (err, "must be set"));
  assert_first_progress (err);
  /* No broker to acknowledge anything: Ctrl-C stops it without waiting. */
  g_assert_null (strstr (err, "Waiting up to"));
  g_assert_nonnull (strstr (err, "interrupted: 1 row still pending; run upload again to send it"));
  g_clear_pointer (&err, g_free);

  /* The one the console saved. */
  g_assert_cmpint (g_mkdir_with_parents (saved_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (saved, "s3cret\n", -1, NULL));
  err = run_upload (dir, config, db, &status);
  g_assert_null (strstr (err, "needs a password"));
  g_assert_null (strstr (err, "must be set"));
  assert_first_progress (err);
  /* Never logged. */
  g_assert_null (strstr (err, "s3cret"));
  eg_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/upload/sasl-password-sources", test_sasl_password_sources);
  return g_test_run ();
}
