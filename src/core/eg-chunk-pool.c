/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-chunk-pool.h"

#include <string.h>
#include <sys/mman.h>

#include "eg-thread.h"

/* How many chunks wait prepared: one at first; twice as many each time a
 * burst of new flows finds none ready, up to MAX_SPARES. */
#define MAX_SPARES 8

struct _EgChunkPool {
  gsize     bytes;
  GThread  *thread;
  GMutex    lock;
  GCond     cond;
  gpointer  spares[MAX_SPARES];  /* prepared, not taken yet */
  guint     n_spares;
  guint     target;
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

      while (!pool->quit && pool->n_spares >= pool->target)
        g_cond_wait (&pool->cond, &pool->lock);
      if (pool->quit)
        break;
      g_mutex_unlock (&pool->lock);
      chunk = prepare_chunk (pool->bytes);
      g_mutex_lock (&pool->lock);
      pool->spares[pool->n_spares++] = chunk;
    }
  g_mutex_unlock (&pool->lock);
  return NULL;
}

EgChunkPool *
eg_chunk_pool_new (gsize chunk_bytes)
{
  EgChunkPool *pool = g_new0 (EgChunkPool, 1);

  pool->bytes = chunk_bytes;
  pool->target = 1;  /* the first chunk is on its way at once */
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->cond);
  pool->thread = eg_thread_new_worker ("eg-chunk-pool", prepare_thread, pool);
  return pool;
}

gpointer
eg_chunk_pool_take (EgChunkPool *pool)
{
  gpointer chunk;

  g_mutex_lock (&pool->lock);
  if (pool->n_spares > 0)
    chunk = pool->spares[--pool->n_spares];
  else
    {
      chunk = NULL;
      pool->target = MIN (pool->target * 2, MAX_SPARES);
    }
  g_cond_signal (&pool->cond);
  g_mutex_unlock (&pool->lock);
  /* Not ready (the first flows of a burst): made here, as before. */
  return chunk ? chunk : prepare_chunk (pool->bytes);
}

guint
eg_chunk_pool_get_n_ready (EgChunkPool *pool)
{
  guint n;

  g_mutex_lock (&pool->lock);
  n = pool->n_spares;
  g_mutex_unlock (&pool->lock);
  return n;
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
  for (guint i = 0; i < pool->n_spares; i++)
    g_aligned_free (pool->spares[i]);
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->cond);
  g_free (pool);
}
