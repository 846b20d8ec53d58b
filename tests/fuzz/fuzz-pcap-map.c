/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-pcap-map: any file that libpcap accepts as a classic pcap header is
 * read from its memory map; every frame must lie inside the file, and a
 * damaged record must end the reading with an error, never a crash.
 *
 * Seeds in corpus/pcap-map/: the head of data/demo.pcap in micro- and
 * nanosecond form (editcap -F pcap / -F nsecpcap). */
#include "eg-capture.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  char path[64];
  EgCapture *capture;
  EgFrame frame;
  GError *error = NULL;
  guint64 bytes = 0;
  guint64 sum = 0;
  int fd;

  if (size > 1 << 20)
    return 0;
  fd = memfd_create ("fuzz-pcap", MFD_CLOEXEC);
  if (fd < 0 || write (fd, data, size) != (ssize_t) size)
    abort ();
  snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
  capture = eg_capture_open_file (path, &error);
  if (capture != NULL)
    {
      EgCaptureStatus status;
      while ((status = eg_capture_next (capture, &frame, 0, &error)) == EG_CAPTURE_FRAME)
        {
          /* Each record costs its 16-byte header besides its bytes. */
          bytes += 16 + frame.caplen;
          if (bytes + 24 > size || frame.wirelen < frame.caplen)
            abort ();
          for (guint i = 0; i < frame.caplen; i++)  /* ASan checks every byte */
            sum += frame.data[i];
        }
      if (status == EG_CAPTURE_ERROR && error == NULL)
        abort ();
      if (sum > 255 * (guint64) size)  /* uses the reads, so they stay */
        abort ();
      eg_capture_free (capture);
    }
  g_clear_error (&error);
  close (fd);
  return 0;
}
