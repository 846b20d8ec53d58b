/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-chunk-pool.h: large aligned chunks of memory, zeroed and faulted in
 * ahead of need by a background thread.
 *
 * The flow table takes a 2 MiB chunk of entries every ~3,000 new flows.
 * The kernel zeroes each page at its first touch, and on a virtual machine
 * a huge page the host has not backed yet costs milliseconds: a tenth of
 * the capture thread's time on a large replay. Done ahead, on another
 * thread, it leaves the capture thread's path. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _EgChunkPool EgChunkPool;

EgChunkPool *eg_chunk_pool_new  (gsize        chunk_bytes);
/* A zeroed chunk of chunk_bytes aligned to chunk_bytes, for g_aligned_free:
 * one prepared ahead when there is one, else one made now (and more are
 * prepared ahead from then on). */
gpointer     eg_chunk_pool_take (EgChunkPool *pool);
/* How many chunks wait prepared now. */
guint        eg_chunk_pool_get_n_ready (EgChunkPool *pool);
/* Frees the chunks prepared ahead, not the ones taken. */
void         eg_chunk_pool_free (EgChunkPool *pool);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgChunkPool, eg_chunk_pool_free)

G_END_DECLS
