/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-chunk-pool.h"

#include <string.h>

#define BYTES (2 * 1024 * 1024)

/* Chunks taken faster than the pool prepares them and slower, alike:
 * each aligned, zeroed, and distinct; dirtying one leaves the next clean. */
static void
test_take_aligned_zeroed (void)
{
  g_autoptr(EgChunkPool) pool = eg_chunk_pool_new (BYTES);
  g_autoptr(GPtrArray) taken = g_ptr_array_new_with_free_func (g_aligned_free);

  for (guint i = 0; i < 12; i++)
    {
      guint8 *chunk = eg_chunk_pool_take (pool);

      g_assert_cmpuint (GPOINTER_TO_SIZE (chunk) % BYTES, ==, 0);
      for (gsize at = 0; at < BYTES; at += 4093)
        g_assert_cmpuint (chunk[at], ==, 0);
      g_assert_cmpuint (chunk[BYTES - 1], ==, 0);
      for (guint j = 0; j < taken->len; j++)
        g_assert_true (g_ptr_array_index (taken, j) != chunk);
      memset (chunk, 0xa5, BYTES);
      g_ptr_array_add (taken, chunk);
      if (i % 3 == 0)
        g_usleep (20000);  /* lets the pool get ahead: its spare is used */
    }
}

/* A pool freed at once (its first chunk maybe still in preparation) and
 * one never used: nothing leaks (the sanitizer build checks). */
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
  g_test_add_func ("/chunk-pool/free/early", test_free_early);
  return g_test_run ();
}
