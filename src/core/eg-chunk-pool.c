/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-chunk-pool.h"

#include <string.h>
#include <sys/mman.h>

struct _EgChunkPool {
  gsize     bytes;
  GThread  *thread;
  GMutex    lock;
  GCond     cond;
  gpointer  spare;   /* prepared, not taken yet */
  gboolean  wanted;  /* the next one should be prepared */
  gboolean  quit;
};

static gpointer
prepare_chunk (gsize bytes)
{
  gpointer chunk = g_aligned_alloc (1, bytes, bytes);

#ifdef MADV_HUGEPAGE
  madvise (chunk, bytes, MADV_HUGEPAGE);  /* a hint: no error matters */
#endif
  memset (chunk, 0, bytes);  /* the first touch: every page faults in here */
  return chunk;
}

static gpointer
prepare_thread (gpointer data)
{
  EgChunkPool *pool = data;

  g_mutex_lock (&pool->lock);
  for (;;)
    {
      gpointer chunk;

      while (!pool->quit && !(pool->wanted && pool->spare == NULL))
        g_cond_wait (&pool->cond, &pool->lock);
      if (pool->quit)
        break;
      g_mutex_unlock (&pool->lock);
      chunk = prepare_chunk (pool->bytes);
      g_mutex_lock (&pool->lock);
      pool->spare = chunk;
      pool->wanted = FALSE;
    }
  g_mutex_unlock (&pool->lock);
  return NULL;
}

EgChunkPool *
eg_chunk_pool_new (gsize chunk_bytes)
{
  EgChunkPool *pool = g_new0 (EgChunkPool, 1);

  pool->bytes = chunk_bytes;
  pool->wanted = TRUE;  /* the first chunk is on its way at once */
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->cond);
  pool->thread = g_thread_new ("eg-chunk-pool", prepare_thread, pool);
  return pool;
}

gpointer
eg_chunk_pool_take (EgChunkPool *pool)
{
  gpointer chunk;

  g_mutex_lock (&pool->lock);
  chunk = g_steal_pointer (&pool->spare);
  pool->wanted = TRUE;
  g_cond_signal (&pool->cond);
  g_mutex_unlock (&pool->lock);
  /* Not ready (the first flows of a burst): made here, as before. */
  return chunk ? chunk : prepare_chunk (pool->bytes);
}

void
eg_chunk_pool_free (EgChunkPool *pool)
{
  if (pool == NULL)
    return;
  g_mutex_lock (&pool->lock);
  pool->quit = TRUE;
  g_cond_signal (&pool->cond);
  g_mutex_unlock (&pool->lock);
  g_thread_join (pool->thread);
  g_aligned_free (pool->spare);
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->cond);
  g_free (pool);
}
