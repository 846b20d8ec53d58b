/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-chunk-pool.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BYTES (2 * 1024 * 1024)

/* Chunks taken faster than the pool prepares them and slower, alike:
 * each aligned and zeroed. */
static void
test_take_aligned_zeroed (void)
{
  g_autoptr(EgChunkPool) pool = eg_chunk_pool_new (BYTES);

  for (guint i = 0; i < 12; i++)
    {
      guint8 *chunk = eg_chunk_pool_take (pool);

      g_assert_cmpuint (GPOINTER_TO_SIZE (chunk) % BYTES, ==, 0);
      for (gsize at = 0; at < BYTES; at += 4093)
        g_assert_cmpuint (chunk[at], ==, 0);
      g_assert_cmpuint (chunk[BYTES - 1], ==, 0);
      memset (chunk, 0xa5, BYTES);
      g_aligned_free (chunk);
      if (i % 3 == 0)
        g_usleep (20000);  /* lets the pool get ahead: its spares are used */
    }
}

/* What the pool is for: the chunk it prepared ahead, on its own thread, is
 * in memory when it is taken, so the taker pays no page faults (mincore
 * tells). */
static void
test_take_faulted_in (void)
{
  g_autoptr(EgChunkPool) pool = eg_chunk_pool_new (BYTES);
  long page = sysconf (_SC_PAGESIZE);
  gsize n_pages = BYTES / page;
  g_autofree unsigned char *resident = g_malloc (n_pages);
  guint8 *chunk;
  gsize n_resident = 0;

  /* Waits for the pool, not for a clock: up to 10 s on a loaded machine. */
  for (guint i = 0; i < 1000 && eg_chunk_pool_get_n_ready (pool) == 0; i++)
    g_usleep (10000);
  g_assert_cmpuint (eg_chunk_pool_get_n_ready (pool), ==, 1);
  chunk = eg_chunk_pool_take (pool);
  g_assert_cmpint (mincore (chunk, BYTES, resident), ==, 0);
  for (gsize i = 0; i < n_pages; i++)
    n_resident += resident[i] & 1;
  g_assert_cmpuint (n_resident, ==, n_pages);
  g_aligned_free (chunk);
}

/* A pool freed at once (its first chunk maybe still in preparation) and
 * one freed idle: freeing returns, without waiting forever on the pool
 * thread, and frees nothing twice (the sanitizer build checks that). */
static void
test_free_early (void)
{
  eg_chunk_pool_free (eg_chunk_pool_new (BYTES));
  {
    g_autoptr(EgChunkPool) pool = eg_chunk_pool_new (BYTES);
    g_usleep (20000);
  }
  eg_chunk_pool_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chunk-pool/take/aligned-zeroed", test_take_aligned_zeroed);
  g_test_add_func ("/chunk-pool/take/faulted-in", test_take_faulted_in);
  g_test_add_func ("/chunk-pool/free/early", test_free_early);
  return g_test_run ();
}
