/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-input.h: what a file is, told by its content, never its name. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  EG_INPUT_CAPTURE,   /* pcap or pcapng */
  EG_INPUT_FLOW_LOG,  /* Zeek conn.log (TSV, JSON) or Argus binetflow */
} EgInputKind;

gboolean eg_input_sniff (const char  *path,
                         EgInputKind *kind,
                         GError     **error);

G_END_DECLS
