/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard-cli upload: sends the labeled flows waiting in the outbox to
 * Kafka and returns when Kafka has acknowledged all of them. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>

#include "eg-cli.h"
#include "eg-error.h"
#include "eg-secret.h"
#include "eg-sender.h"
#include "eg-store.h"

typedef struct {
  GMainLoop *loop;
  EgSender  *sender;
  gboolean   follow;
  gboolean   tty;
  gboolean   quiet;
  gboolean   interrupted;
  EgSenderState last_state;
} Upload;

#define INTERRUPTED_WAIT_MS 5000

static void
print_progress (Upload                 *up,
                const EgSenderProgress *p,
                gboolean                final)
{
  if (up->quiet)
    return;
  if (up->tty)
    fprintf (stderr, "\r\033[K");
  else if (!final && p->state == up->last_state)
    return;  /* a log gets a line per state change, not a ticker */
  fprintf (stderr, "%s: %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT
           " acknowledged, %" G_GUINT64_FORMAT " pending",
           eg_sender_state_to_string (p->state), p->produced, p->acknowledged, p->pending);
  if (p->state == EG_SENDER_STATE_RETRYING && p->last_error)
    fprintf (stderr, " (%s)", p->last_error);
  if (!up->tty || final)
    fputc ('\n', stderr);
  fflush (stderr);
  up->last_state = p->state;
}

static void
on_sender_progress (EgSender *sender,
                    gpointer  user_data)
{
  Upload *up = user_data;
  g_auto(EgSenderProgress) p = { 0 };

  eg_sender_get_progress (sender, &p);
  print_progress (up, &p, FALSE);
  if (!up->follow && p.state == EG_SENDER_STATE_IDLE && p.pending == 0 && p.in_flight == 0)
    g_main_loop_quit (up->loop);
}

static gboolean
on_signal (gpointer user_data)
{
  Upload *up = user_data;

  up->interrupted = TRUE;
  g_main_loop_quit (up->loop);
  return G_SOURCE_CONTINUE;
}

/* The sender whose stop a second Ctrl-C cuts short: signal handlers take
 * no data. */
static EgSender *stopping_sender;
static volatile sig_atomic_t stopped_waiting;

static void
on_second_signal (int signum)
{
  stopped_waiting = 1;
  eg_sender_stop_waiting (stopping_sender);
}

/* How long an interrupted upload waits for the acknowledgements of what
 * it has in flight, which would otherwise go out again next time (under
 * the same keys). Not at all when there is no broker to acknowledge; a
 * second Ctrl-C ends the wait. */
static guint
interrupted_wait_ms (Upload   *up,
                     EgSender *sender)
{
  g_auto(EgSenderProgress) p = { 0 };
  struct sigaction action = { 0 };

  eg_sender_get_progress (sender, &p);
  if (!eg_sender_progress_awaits_acks (&p))
    return 0;
  /* Before the words that invite the second Ctrl-C. */
  stopping_sender = sender;
  action.sa_handler = on_second_signal;
  sigemptyset (&action.sa_mask);
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGTERM, &action, NULL);
  if (!up->quiet)
    {
      if (up->tty)
        fputc ('\n', stderr);
      fprintf (stderr, "Waiting up to %u s for %" G_GUINT64_FORMAT " acknowledgements "
               "(Ctrl-C again: stop now, they go out again next time)\n",
               INTERRUPTED_WAIT_MS / 1000, p.in_flight);
    }
  return INTERRUPTED_WAIT_MS;
}

/* SASL without a password in the key file: the one the console's
 * Preferences saved (the keyring, or its 0600 file), so a password typed
 * once serves both faces and never sits in the key file. */
static gboolean
take_saved_password (EgConfig  *config,
                     GError   **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  char *password;

  if (config->sasl_mechanism == NULL || *config->sasl_mechanism == '\0'
      || (config->sasl_password != NULL && *config->sasl_password != '\0'))
    return TRUE;
  password = eg_secret_lookup_sasl_password (&local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (password == NULL)
    {
      path = eg_secret_get_fallback_path ();
      g_set_error (error, EG_ERROR, EG_ERROR_NOT_FOUND,
                   "SASL %s needs a password: set sasl-password in the [kafka] group of the "
                   "key file, or save it in the console's Preferences (kept in the keyring, "
                   "or in %s)", config->sasl_mechanism, path);
      return FALSE;
    }
  g_free (config->sasl_password);
  config->sasl_password = password;
  return TRUE;
}

int
eg_cli_upload_main (int    argc,
                    char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *bootstrap = NULL;
  g_autofree char *topic = NULL;
  gboolean follow = FALSE, quiet = FALSE;
  GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path,
      "Database (default: from the configuration, else $XDG_DATA_HOME/edgeguard/edgeguard.db)",
      "PATH" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration key file", "FILE" },
    { "bootstrap-servers", 'b', 0, G_OPTION_ARG_STRING, &bootstrap,
      "Kafka bootstrap servers (overrides the configuration)", "HOST:PORT,..." },
    { "topic", 't', 0, G_OPTION_ARG_STRING, &topic,
      "Kafka topic (default edgeguard.flows.labeled)", "TOPIC" },
    { "follow", 'f', 0, G_OPTION_ARG_NONE, &follow,
      "Keep running and upload new rows as they are queued", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print no progress", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— upload labeled flows to Kafka");
  g_autoptr(GError) error = NULL;
  g_autoptr(EgConfig) config = NULL;
  g_autoptr(EgStore) store = NULL;
  g_autoptr(EgSender) sender = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_auto(EgSenderProgress) p = { 0 };
  Upload up = { 0 };
  guint sigint, sigterm;

  g_option_context_set_summary (context,
    "Sends every labeled flow waiting in the outbox to Kafka (one JSON message\n"
    "per flow, key SENSOR-ID/UID) and returns once Kafka has acknowledged them\n"
    "all. A row is marked sent only on Kafka's acknowledgement: an interrupted\n"
    "upload resumes where it stopped. While the broker is unreachable the\n"
    "upload waits and retries. Ctrl-C waits up to 5 s for the acknowledgements\n"
    "of what is in flight (not when no broker answers); a second Ctrl-C stops\n"
    "at once, and what was not acknowledged goes out on the next upload.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      eg_cli_error ("%s", error->message);
      return 2;
    }
  if (!(store = eg_cli_open_store (db_path, config_path, &config, &error)))
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }
  if (bootstrap)
    {
      g_free (config->bootstrap_servers);
      config->bootstrap_servers = g_steal_pointer (&bootstrap);
    }
  if (topic)
    {
      g_free (config->topic);
      config->topic = g_steal_pointer (&topic);
    }

  if (!take_saved_password (config, &error))
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  if (!(sender = eg_sender_new (store, config, &error)))
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }
  up.loop = loop;
  up.sender = sender;
  up.follow = follow;
  up.quiet = quiet;
  up.tty = isatty (STDERR_FILENO);
  up.last_state = EG_SENDER_STATE_STOPPED;
  g_signal_connect (sender, "progress", G_CALLBACK (on_sender_progress), &up);
  sigint = g_unix_signal_add (SIGINT, on_signal, &up);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &up);
  if (!eg_sender_start (sender, &error))
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  eg_sender_stop (sender, up.interrupted ? interrupted_wait_ms (&up, sender)
                                         : INTERRUPTED_WAIT_MS);
  if (stopped_waiting && !quiet)
    fprintf (stderr, "Stopped without waiting: what was in flight goes out again next time\n");
  eg_sender_get_progress (sender, &p);
  print_progress (&up, &p, TRUE);
  if (!follow && p.pending > 0)
    {
      eg_cli_error ("interrupted: %" G_GUINT64_FORMAT " %s still pending; "
                    "run upload again to send %s", p.pending, p.pending == 1 ? "row" : "rows",
                    p.pending == 1 ? "it" : "them");
      return 1;
    }
  return 0;
}
