/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-capture.h: frames from a capture file (pcap or pcapng, any byte order,
 * micro- or nanosecond), a live interface, or a pcap stream on a file
 * descriptor (the capture helper's pipe). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _EgCapture EgCapture;

typedef enum {
  EG_CAPTURE_FRAME,    /* a frame is in *frame */
  EG_CAPTURE_TIMEOUT,  /* live: nothing arrived within the timeout */
  EG_CAPTURE_EOF,      /* the file or stream ended cleanly */
  EG_CAPTURE_ERROR,    /* error is set; frames before it were good */
} EgCaptureStatus;

typedef struct {
  double        ts;
  const guint8 *data;    /* valid until the next call */
  guint         caplen;
  guint         wirelen;
} EgFrame;

EgCapture      *eg_capture_open_file   (const char  *path,
                                        GError     **error);
EgCapture      *eg_capture_open_live   (const char  *interface,
                                        const char  *filter,
                                        guint        snaplen,
                                        gboolean     promiscuous,
                                        GError     **error);
EgCapture      *eg_capture_open_fd     (int          fd,
                                        const char  *name,
                                        GError     **error);
gboolean        eg_capture_set_filter  (EgCapture   *capture,
                                        const char  *filter,
                                        GError     **error);
EgCaptureStatus eg_capture_next        (EgCapture   *capture,
                                        EgFrame     *frame,
                                        int          timeout_ms,
                                        GError     **error);
/* From another thread: makes a waiting eg_capture_next return TIMEOUT. */
void            eg_capture_wake        (EgCapture   *capture);
int             eg_capture_get_linktype (EgCapture  *capture);
const char     *eg_capture_get_name    (EgCapture   *capture);
/* Frames the kernel dropped (live); 0 for files. */
guint64         eg_capture_get_drops   (EgCapture   *capture);
/* Progress for files: bytes read and the file size. */
guint64         eg_capture_get_offset  (EgCapture   *capture);
guint64         eg_capture_get_size    (EgCapture   *capture);
void            eg_capture_free        (EgCapture   *capture);

/* Checks a BPF filter without a device: NULL error when valid. */
gboolean        eg_bpf_filter_validate (const char  *filter,
                                        GError     **error);
/* Interface names libpcap reports, for the GUI and error messages. */
GStrv           eg_capture_list_interfaces (GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgCapture, eg_capture_free)

G_END_DECLS
