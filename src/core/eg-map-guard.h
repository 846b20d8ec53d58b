/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-map-guard.h: memory-mapped files that shrink while they are read.
 *
 * A file truncated under its map (a rotating tcpdump overwriting it, say)
 * turns every access past its new end into SIGBUS, which kills the process.
 * A guarded range instead reads zeros there, and its owner is told, so it
 * can stop with an error like any other damaged file. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _EgMapGuard EgMapGuard;

/* NULL when every slot is taken (a few dozen maps at once) or the handler
 * cannot be installed: the caller then reads the file without a map. */
EgMapGuard *eg_map_guard_add     (const void *start,
                                  gsize       size);
/* TRUE once an access fell past the file's end (the page read as zeros). */
gboolean    eg_map_guard_tripped (EgMapGuard *guard);
/* Before the range is unmapped. */
void        eg_map_guard_remove  (EgMapGuard *guard);

G_END_DECLS
