/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard-helper: the only Edgeguard program with privileges. It holds
 * CAP_NET_RAW to capture and CAP_NET_ADMIN to block, and does nothing else:
 * the console and the CLI stay unprivileged and read its capture as a pcap
 * stream on a pipe, as Wireshark reads dumpcap's. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "eg-capture.h"
#include "eg-error.h"
#include "eg-firewall.h"

static volatile sig_atomic_t stop;

static void
on_signal (int signum)
{
  stop = 1;
}

static void
fail (const char *message)
{
  fprintf (stderr, "edgeguard-helper: %s\n", message);
}

/* A nanosecond pcap header, then one record per frame. */
static gboolean
write_header (FILE  *out,
              int    linktype,
              guint  snaplen)
{
  guint32 header[6] = { 0xa1b23c4d, 2 | (4u << 16), 0, 0, snaplen, (guint32) linktype };

  return fwrite (header, sizeof header, 1, out) == 1;
}

static gboolean
write_frame (FILE          *out,
             const EgFrame *frame)
{
  guint32 record[4];
  double secs = (double) (gint64) frame->ts;

  record[0] = (guint32) secs;
  record[1] = (guint32) ((frame->ts - secs) * 1e9);
  record[2] = frame->caplen;
  record[3] = frame->wirelen;
  return fwrite (record, sizeof record, 1, out) == 1
         && fwrite (frame->data, 1, frame->caplen, out) == frame->caplen;
}

static int
capture_main (int    argc,
              char **argv)
{
  g_autofree char *interface = NULL;
  g_autofree char *filter = NULL;
  gint snaplen = 262144;
  gboolean no_promisc = FALSE;
  const GOptionEntry entries[] = {
    { "interface", 'i', 0, G_OPTION_ARG_STRING, &interface, "Interface to capture on", "INTERFACE" },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &filter, "BPF capture filter", "FILTER" },
    { "snaplen", 's', 0, G_OPTION_ARG_INT, &snaplen, "Bytes kept per packet", "BYTES" },
    { "no-promiscuous", 0, 0, G_OPTION_ARG_NONE, &no_promisc, "Leave promiscuous mode off", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— capture to standard output");
  g_autoptr(GError) error = NULL;
  g_autoptr(EgCapture) capture = NULL;
  struct sigaction sa = { .sa_handler = on_signal };
  guint pending = 0;
  EgFrame frame;

  g_option_context_set_summary (context,
    "Writes the traffic of INTERFACE to standard output as a pcap stream, until\n"
    "it is stopped (SIGTERM, SIGINT) or the reader goes away.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || interface == NULL)
    {
      fail (error ? error->message : "capture needs --interface");
      return 2;
    }
  if (isatty (STDOUT_FILENO))
    {
      fail ("the capture is a binary stream: redirect it to a file or a program");
      return 2;
    }
  if (snaplen <= 0 || snaplen > 262144)
    snaplen = 262144;

  capture = eg_capture_open_live (interface, filter, snaplen, !no_promisc, &error);
  if (capture == NULL && g_error_matches (error, EG_ERROR, EG_ERROR_PERMISSION))
    {
      g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
      g_autofree char *msg = g_strdup_printf (
        "Capturing on “%s” is not permitted: edgeguard-helper has no CAP_NET_RAW. "
        "Give it with: sudo setcap cap_net_raw,cap_net_admin+ep %s", interface,
        self ? self : "edgeguard-helper");
      fail (msg);
      return 1;
    }
  if (capture == NULL)
    {
      fail (error->message);
      return 1;
    }
  /* No more privileges are needed once the socket is open. */
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  signal (SIGPIPE, SIG_IGN);
  if (!write_header (stdout, eg_capture_get_linktype (capture), snaplen))
    return 1;
  fflush (stdout);

  while (!stop)
    {
      switch (eg_capture_next (capture, &frame, 100, &error))
        {
        case EG_CAPTURE_FRAME:
          if (!write_frame (stdout, &frame))
            return errno == EPIPE ? 0 : 1;
          /* Batch the writes, but never hold a packet back when idle. */
          if (++pending >= 64 && fflush (stdout) == 0)
            pending = 0;
          break;
        case EG_CAPTURE_TIMEOUT:
          if (pending && fflush (stdout) != 0)
            return errno == EPIPE ? 0 : 1;
          pending = 0;
          break;
        case EG_CAPTURE_EOF:
          stop = 1;
          break;
        case EG_CAPTURE_ERROR:
          fail (error->message);
          return 1;
        }
    }
  fflush (stdout);
  return 0;
}

static int
firewall_main (int    argc,
               char **argv)
{
  g_autoptr(GError) error = NULL;
  const char *command = argv[0];
  gint timeout = 0;
  const GOptionEntry entries[] = {
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout, "Unblock by itself after SECONDS", "SECONDS" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[ADDRESS]");
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fail (error->message);
      return 2;
    }
  if (g_str_equal (command, "list"))
    {
      g_autofree char *listing = eg_firewall_list (&error);
      if (listing)
        fputs (listing, stdout);
      ok = listing != NULL;
    }
  else if (g_str_equal (command, "flush"))
    ok = eg_firewall_flush (&error);
  else if (argc != 2)
    {
      fail ("block and unblock need one address");
      return 2;
    }
  else if (g_str_equal (command, "block"))
    ok = eg_firewall_block (argv[1], timeout > 0 ? timeout : 0, &error);
  else
    ok = eg_firewall_unblock (argv[1], &error);

  if (!ok)
    {
      fail (error->message);
      return 1;
    }
  return 0;
}

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: edgeguard-helper COMMAND [OPTION…]\n\n"
           "The one privileged Edgeguard program (CAP_NET_RAW, CAP_NET_ADMIN).\n\n"
           "Commands:\n"
           "  capture -i INTERFACE [-f FILTER]  pcap stream of INTERFACE on standard output\n"
           "  block ADDRESS [--timeout SECONDS]  drop traffic from and to ADDRESS (nftables)\n"
           "  unblock ADDRESS                    stop dropping it\n"
           "  list                               the blocked addresses\n"
           "  flush                              remove Edgeguard's firewall table\n");
}

int
main (int    argc,
      char **argv)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("edgeguard-helper %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (strcmp (argv[1], "capture") == 0)
    return capture_main (argc - 1, argv + 1);
  if (strcmp (argv[1], "block") == 0 || strcmp (argv[1], "unblock") == 0
      || strcmp (argv[1], "list") == 0 || strcmp (argv[1], "flush") == 0)
    return firewall_main (argc - 1, argv + 1);
  fail ("unknown command; run “edgeguard-helper --help”");
  return 2;
}
