/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-capture.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eg-error.h"
#include "eg-packet.h"
#include "eg-pcap-map.h"

struct _EgCapture {
  pcap_t  *pcap;
  char    *name;
  FILE    *file;        /* files: for progress */
  EgPcapMap *map;       /* classic pcap files: read in place */
  guint64  size;
  gboolean live;
  gboolean nsec;
  int      wake_pipe[2];
  guint64  frames;
};

static EgCapture *
capture_new (const char *name)
{
  EgCapture *capture = g_new0 (EgCapture, 1);

  capture->name = g_strdup (name);
  capture->wake_pipe[0] = capture->wake_pipe[1] = -1;
  return capture;
}

void
eg_capture_free (EgCapture *capture)
{
  if (capture == NULL)
    return;
  eg_pcap_map_free (capture->map);
  if (capture->pcap)
    pcap_close (capture->pcap);  /* closes capture->file too */
  for (guint i = 0; i < 2; i++)
    if (capture->wake_pipe[i] >= 0)
      close (capture->wake_pipe[i]);
  g_free (capture->name);
  g_free (capture);
}

static gboolean
check_linktype (EgCapture  *capture,
                GError    **error)
{
  int linktype = pcap_datalink (capture->pcap);

  if (!eg_linktype_supported (linktype))
    {
      const char *name = pcap_datalink_val_to_name (linktype);
      g_set_error (error, EG_ERROR, EG_ERROR_UNSUPPORTED,
                   "%s: link type %d (%s) is not supported; Edgeguard reads Ethernet, "
                   "Linux cooked (SLL, SLL2), raw IP and BSD loopback captures",
                   capture->name, linktype, name ? name : "unknown");
      return FALSE;
    }
  return TRUE;
}

EgCapture *
eg_capture_open_file (const char  *path,
                      GError     **error)
{
  g_autoptr(EgCapture) capture = capture_new (path);
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  struct stat st;

  capture->file = fopen (path, "rb");
  if (capture->file == NULL)
    {
      int saved = errno;
      g_set_error (error, EG_ERROR,
                   saved == ENOENT ? EG_ERROR_NOT_FOUND
                   : saved == EACCES ? EG_ERROR_PERMISSION : EG_ERROR_FAILED,
                   "Cannot open “%s”: %s", path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fileno (capture->file), &st) == 0)
    capture->size = st.st_size;
  /* libpcap freads every record header and body: a large buffer turns a
   * read system call per 4 KiB into one per 256 KiB. */
  setvbuf (capture->file, NULL, _IOFBF, 256 * 1024);

  /* libpcap recognizes pcap and pcapng by their magic, in either byte
   * order, and scales nanosecond captures when asked for nanoseconds. */
  capture->pcap = pcap_fopen_offline_with_tstamp_precision (capture->file,
                                                            PCAP_TSTAMP_PRECISION_NANO,
                                                            errbuf);
  if (capture->pcap == NULL)
    {
      fclose (capture->file);
      capture->file = NULL;
      if (capture->size == 0)
        g_set_error (error, EG_ERROR, EG_ERROR_FORMAT, "“%s” is empty", path);
      else
        g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                     "“%s” is not a packet capture Edgeguard can read (%s)", path, errbuf);
      return NULL;
    }
  capture->nsec = TRUE;
  if (!check_linktype (capture, error))
    return NULL;
  /* libpcap has checked the file header and knows the link type; the
   * records of a classic pcap are then read straight from a map. */
  capture->map = eg_pcap_map_open (fileno (capture->file), pcap_snapshot (capture->pcap));
  return g_steal_pointer (&capture);
}

EgCapture *
eg_capture_open_fd (int          fd,
                    const char  *name,
                    GError     **error)
{
  g_autoptr(EgCapture) capture = capture_new (name);
  char errbuf[PCAP_ERRBUF_SIZE] = "";

  capture->file = fdopen (fd, "rb");
  if (capture->file == NULL)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED, "Cannot read the capture stream %s: %s",
                   name, g_strerror (errno));
      return NULL;
    }
  capture->pcap = pcap_fopen_offline_with_tstamp_precision (capture->file,
                                                            PCAP_TSTAMP_PRECISION_NANO,
                                                            errbuf);
  if (capture->pcap == NULL)
    {
      fclose (capture->file);
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT, "%s: not a pcap stream (%s)", name, errbuf);
      return NULL;
    }
  capture->nsec = TRUE;
  capture->live = TRUE;
  if (!check_linktype (capture, error))
    return NULL;
  return g_steal_pointer (&capture);
}

GStrv
eg_capture_list_interfaces (GError **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_if_t *devs = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (pcap_findalldevs (&devs, errbuf) != 0)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED, "Cannot list network interfaces: %s", errbuf);
      return NULL;
    }
  for (pcap_if_t *d = devs; d; d = d->next)
    g_strv_builder_add (builder, d->name);
  pcap_freealldevs (devs);
  return g_strv_builder_end (builder);
}

static void
set_activate_error (const char  *interface,
                    int          status,
                    pcap_t      *pcap,
                    GError     **error)
{
  if (status == PCAP_ERROR_NO_SUCH_DEVICE)
    {
      g_auto(GStrv) names = eg_capture_list_interfaces (NULL);
      g_autofree char *list = names ? g_strjoinv (", ", names) : g_strdup ("none");
      g_set_error (error, EG_ERROR, EG_ERROR_NOT_FOUND,
                   "There is no network interface “%s”; the interfaces here are: %s",
                   interface, list);
    }
  else if (status == PCAP_ERROR_PERM_DENIED || status == PCAP_ERROR_PROMISC_PERM_DENIED)
    g_set_error (error, EG_ERROR, EG_ERROR_PERMISSION,
                 "Capturing on “%s” is not permitted: it needs the CAP_NET_RAW capability. "
                 "Run the capture through edgeguard-helper, or as root", interface);
  else if (status == PCAP_ERROR_IFACE_NOT_UP)
    g_set_error (error, EG_ERROR, EG_ERROR_FAILED,
                 "The network interface “%s” is down; bring it up and start again", interface);
  else
    g_set_error (error, EG_ERROR, EG_ERROR_FAILED, "Cannot capture on “%s”: %s",
                 interface, pcap_geterr (pcap));
}

EgCapture *
eg_capture_open_live (const char  *interface,
                      const char  *filter,
                      guint        snaplen,
                      gboolean     promiscuous,
                      GError     **error)
{
  g_autoptr(EgCapture) capture = capture_new (interface);
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  int status;

  capture->live = TRUE;
  capture->pcap = pcap_create (interface, errbuf);
  if (capture->pcap == NULL)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED, "Cannot capture on “%s”: %s", interface, errbuf);
      return NULL;
    }
  pcap_set_snaplen (capture->pcap, snaplen ? (int) snaplen : 262144);
  pcap_set_promisc (capture->pcap, promiscuous);
  pcap_set_immediate_mode (capture->pcap, 1);
  pcap_set_buffer_size (capture->pcap, 16 * 1024 * 1024);
  if (pcap_set_tstamp_precision (capture->pcap, PCAP_TSTAMP_PRECISION_NANO) == 0)
    capture->nsec = TRUE;
  status = pcap_activate (capture->pcap);
  if (status < 0)
    {
      set_activate_error (interface, status, capture->pcap, error);
      return NULL;
    }
  if (!check_linktype (capture, error))
    return NULL;
  if (filter && *filter && !eg_capture_set_filter (capture, filter, error))
    return NULL;
  /* Immediate mode ignores the read timeout: poll the fd instead, with a
   * pipe to wake the poll when capture stops. */
  if (pcap_setnonblock (capture->pcap, 1, errbuf) != 0 || pipe2 (capture->wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED, "Cannot prepare capture on “%s”: %s",
                   interface, *errbuf ? errbuf : g_strerror (errno));
      return NULL;
    }
  return g_steal_pointer (&capture);
}

gboolean
eg_capture_set_filter (EgCapture   *capture,
                       const char  *filter,
                       GError     **error)
{
  struct bpf_program prog;

  if (pcap_compile (capture->pcap, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT, "The capture filter “%s” is not valid: %s",
                   filter, pcap_geterr (capture->pcap));
      return FALSE;
    }
  if (pcap_setfilter (capture->pcap, &prog) != 0)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED, "Cannot apply the capture filter “%s”: %s",
                   filter, pcap_geterr (capture->pcap));
      pcap_freecode (&prog);
      return FALSE;
    }
  pcap_freecode (&prog);
  return TRUE;
}

gboolean
eg_bpf_filter_validate (const char  *filter,
                        GError     **error)
{
  pcap_t *dead = pcap_open_dead (DLT_EN10MB, 262144);
  struct bpf_program prog;
  gboolean ok;

  ok = pcap_compile (dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == 0;
  if (ok)
    pcap_freecode (&prog);
  else
    g_set_error (error, EG_ERROR, EG_ERROR_FORMAT, "%s", pcap_geterr (dead));
  pcap_close (dead);
  return ok;
}

static void
set_damaged_error (EgCapture   *capture,
                   const char  *reason,
                   GError     **error)
{
  g_set_error (error, EG_ERROR, EG_ERROR_TRUNCATED,
               "%s: the capture is damaged after %" G_GUINT64_FORMAT " packets (%s); "
               "the packets before it were analyzed",
               capture->name, capture->frames, reason);
}

EgCaptureStatus
eg_capture_next (EgCapture  *capture,
                 EgFrame    *frame,
                 int         timeout_ms,
                 GError    **error)
{
  struct pcap_pkthdr *hdr;
  const u_char *data;
  const char *message = NULL;
  int status;

  if (capture->map)
    {
      EgCaptureStatus st = eg_pcap_map_next (capture->map, frame, &message);
      if (st == EG_CAPTURE_FRAME)
        capture->frames++;
      else if (st == EG_CAPTURE_ERROR)
        set_damaged_error (capture, message, error);
      return st;
    }

  for (;;)
    {
      status = pcap_next_ex (capture->pcap, &hdr, &data);
      if (status == 1)
        {
          frame->ts = hdr->ts.tv_sec + hdr->ts.tv_usec / (capture->nsec ? 1e9 : 1e6);
          frame->data = data;
          frame->caplen = hdr->caplen;
          frame->wirelen = MAX (hdr->len, hdr->caplen);
          capture->frames++;
          return EG_CAPTURE_FRAME;
        }
      if (status == PCAP_ERROR_BREAK)
        return EG_CAPTURE_EOF;
      if (status == PCAP_ERROR)
        {
          set_damaged_error (capture, pcap_geterr (capture->pcap), error);
          return EG_CAPTURE_ERROR;
        }
      /* status 0: live capture with nothing ready */
      if (capture->wake_pipe[0] < 0)
        return EG_CAPTURE_TIMEOUT;
      {
        struct pollfd fds[2] = {
          { .fd = pcap_get_selectable_fd (capture->pcap), .events = POLLIN },
          { .fd = capture->wake_pipe[0], .events = POLLIN },
        };
        int n = poll (fds, 2, timeout_ms);
        if (n < 0 && errno != EINTR)
          {
            g_set_error (error, EG_ERROR, EG_ERROR_FAILED, "%s: waiting for packets failed: %s",
                         capture->name, g_strerror (errno));
            return EG_CAPTURE_ERROR;
          }
        if (n <= 0)
          return EG_CAPTURE_TIMEOUT;
        if (fds[1].revents & POLLIN)
          {
            char buf[16];
            while (read (capture->wake_pipe[0], buf, sizeof buf) > 0)
              ;
            return EG_CAPTURE_TIMEOUT;
          }
        if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
          {
            g_set_error (error, EG_ERROR, EG_ERROR_FAILED,
                         "%s: the interface went away", capture->name);
            return EG_CAPTURE_ERROR;
          }
      }
    }
}

void
eg_capture_wake (EgCapture *capture)
{
  if (capture->wake_pipe[1] >= 0)
    {
      G_GNUC_UNUSED ssize_t n = write (capture->wake_pipe[1], "x", 1);
    }
  else
    pcap_breakloop (capture->pcap);
}

int
eg_capture_get_linktype (EgCapture *capture)
{
  return pcap_datalink (capture->pcap);
}

const char *
eg_capture_get_name (EgCapture *capture)
{
  return capture->name;
}

guint64
eg_capture_get_drops (EgCapture *capture)
{
  struct pcap_stat st;

  if (!capture->live || capture->wake_pipe[0] < 0 || pcap_stats (capture->pcap, &st) != 0)
    return 0;
  return (guint64) st.ps_drop + st.ps_ifdrop;
}

guint64
eg_capture_get_offset (EgCapture *capture)
{
  long off;

  if (capture->map)
    return eg_pcap_map_get_offset (capture->map);
  if (capture->file == NULL || capture->live)
    return 0;
  off = ftell (capture->file);
  return off > 0 ? (guint64) off : 0;
}

guint64
eg_capture_get_size (EgCapture *capture)
{
  return capture->size;
}
