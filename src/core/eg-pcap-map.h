/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-pcap-map.h: records of a classic pcap file (format 2.4, either byte
 * order, micro- or nanoseconds) read in place from a memory map.
 *
 * libpcap copies every record twice on the way in (the kernel into stdio's
 * buffer, stdio into its own), which is a tenth of the capture thread's time
 * on a large replay; a map copies nothing. pcapng and anything unusual stay
 * with libpcap, which also validates the file header before this is used. */
#pragma once

#include <glib.h>

#include "eg-capture.h"

G_BEGIN_DECLS

typedef struct _EgPcapMap EgPcapMap;

/* NULL, without an error, when the file is not a classic 2.4 pcap, not a
 * regular file, or cannot be mapped: the caller reads it with libpcap. */
EgPcapMap      *eg_pcap_map_open       (int          fd,
                                        guint        snaplen);
void            eg_pcap_map_free       (EgPcapMap   *map);
/* FRAME, EOF, or ERROR with libpcap's wording for a damaged record in
 * *message (static storage inside map). */
EgCaptureStatus eg_pcap_map_next       (EgPcapMap   *map,
                                        EgFrame     *frame,
                                        const char **message);
guint64         eg_pcap_map_get_offset (EgPcapMap   *map);

G_END_DECLS
