/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The key table under the features and the detectors: the same answers as
 * GHashTable through a long random mix of inserts, removes and sweeps;
 * items stay where they are; what they own is released. */
#include <string.h>

#include "eg-key-table.h"

typedef struct {
  guint32 key[3];   /* 12 bytes: a tail shorter than a word */
  guint32 value;
  gpointer owned;
} Item;

static guint n_cleared;

static void
item_clear (gpointer p)
{
  Item *item = p;

  g_free (item->owned);
  n_cleared++;
}

static void
make_key (guint32 key[3],
          guint32 n)
{
  key[0] = n;
  key[1] = n * 2654435761u;
  key[2] = 7;
}

static gboolean
value_is_odd (gpointer item,
              gpointer unused,
              gpointer data)
{
  return ((Item *) item)->value % 2 == 1;
}

static void
test_against_ghashtable (void)
{
  g_autoptr(EgKeyTable) table = eg_key_table_new (sizeof (guint32[3]), sizeof (Item), item_clear);
  g_autoptr(GHashTable) ref = g_hash_table_new (g_direct_hash, g_direct_equal);
  GRand *rand = g_rand_new_with_seed (42);

  n_cleared = 0;
  for (guint step = 0; step < 200000; step++)
    {
      guint32 n = g_rand_int_range (rand, 0, 5000);
      guint32 key[3];
      Item *item;
      gboolean created;

      make_key (key, n);
      if (g_rand_int_range (rand, 0, 3) > 0)
        {
          item = eg_key_table_insert (table, key, &created);
          g_assert_cmpint (created, ==, !g_hash_table_contains (ref, GUINT_TO_POINTER (n + 1)));
          if (created)
            {
              g_assert_cmpuint (item->value, ==, 0);
              g_assert_null (item->owned);
              item->owned = g_malloc (8);
            }
          item->value = n;
          g_hash_table_add (ref, GUINT_TO_POINTER (n + 1));
        }
      else if ((item = eg_key_table_lookup (table, key)))
        {
          g_assert_true (g_hash_table_contains (ref, GUINT_TO_POINTER (n + 1)));
          g_assert_cmpuint (item->value, ==, n);
          eg_key_table_remove (table, item);
          g_hash_table_remove (ref, GUINT_TO_POINTER (n + 1));
        }
      else
        g_assert_false (g_hash_table_contains (ref, GUINT_TO_POINTER (n + 1)));
      g_assert_cmpuint (eg_key_table_size (table), ==, g_hash_table_size (ref));
    }

  /* Every key the reference holds is found, and no other. */
  for (guint32 n = 0; n < 5000; n++)
    {
      guint32 key[3];
      Item *item;

      make_key (key, n);
      item = eg_key_table_lookup (table, key);
      g_assert_cmpint (item != NULL, ==, g_hash_table_contains (ref, GUINT_TO_POINTER (n + 1)));
      if (item)
        g_assert_cmpuint (item->value, ==, n);
    }

  /* A sweep removes exactly the items it is told to. */
  eg_key_table_remove_if (table, value_is_odd, NULL);
  for (guint32 n = 0; n < 5000; n++)
    {
      guint32 key[3];
      Item *item;

      make_key (key, n);
      item = eg_key_table_lookup (table, key);
      g_assert_cmpint (item != NULL, ==,
                       n % 2 == 0 && g_hash_table_contains (ref, GUINT_TO_POINTER (n + 1)));
    }
  g_rand_free (rand);
}

static void
test_stable_and_released (void)
{
  EgKeyTable *table = eg_key_table_new (sizeof (guint32[3]), sizeof (Item), item_clear);
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  guint32 key[3];

  n_cleared = 0;
  /* Thousands of inserts grow the index many times: items do not move. */
  for (guint32 n = 0; n < 20000; n++)
    {
      Item *item;

      make_key (key, n);
      item = eg_key_table_insert (table, key, NULL);
      item->value = n;
      item->owned = g_strdup ("x");
      g_ptr_array_add (items, item);
    }
  for (guint32 n = 0; n < 20000; n++)
    {
      make_key (key, n);
      g_assert_true (eg_key_table_lookup (table, key) == items->pdata[n]);
      g_assert_cmpuint (((Item *) items->pdata[n])->value, ==, n);
    }
  eg_key_table_remove_all (table);
  g_assert_cmpuint (n_cleared, ==, 20000);
  g_assert_cmpuint (eg_key_table_size (table), ==, 0);
  make_key (key, 5);
  g_assert_null (eg_key_table_lookup (table, key));
  /* Removed items are reused, and the table frees what is left. */
  for (guint32 n = 0; n < 100; n++)
    {
      Item *item;

      make_key (key, n);
      item = eg_key_table_insert (table, key, NULL);
      item->owned = g_strdup ("y");
    }
  eg_key_table_free (table);
  g_assert_cmpuint (n_cleared, ==, 20100);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/key-table/random/against-ghashtable", test_against_ghashtable);
  g_test_add_func ("/key-table/items/stable-and-released", test_stable_and_released);
  return g_test_run ();
}
