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

#define EG_INPUT_IDENTITY_LEN 32

/* What names a capture however it is copied, moved or renamed: a SHA-256
 * of its first mebibyte (all of it when shorter). Two files that share
 * their first mebibyte hold the same first packets, which are the same
 * flows. */
gboolean eg_input_identify (const char  *path,
                            guint8       identity[EG_INPUT_IDENTITY_LEN],
                            GError     **error);

G_END_DECLS
