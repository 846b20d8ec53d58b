/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-key-table.h"

#include <string.h>

#define CHUNK_BITS 10
#define CHUNK_ITEMS (1u << CHUNK_BITS)
#define MIN_SLOTS 64u

/* Hash and item side by side: a probe costs one cache miss, not two. */
typedef struct {
  guint32 hash;
  guint32 item;   /* item index + 1; 0: an empty slot */
} Slot;

struct _EgKeyTable {
  gsize           key_size;
  gsize           item_size;
  GDestroyNotify  clear;
  guint8        **chunks;       /* of CHUNK_ITEMS items each: items never move */
  guint           n_chunks;
  guint32         n_made;       /* items ever handed out of the chunks */
  guint32         free_head;    /* a removed item's index + 1, linked through its first bytes */
  Slot           *slots;
  guint32         mask;
  guint           size;
};

guint32
eg_key_hash (gconstpointer key,
             gsize         len)
{
  const guint8 *b = key;
  guint64 h = 0x9e3779b97f4a7c15ull ^ len;
  gsize i = 0;

  /* Word at a time, one multiply each (the finalizer below does the
   * mixing): this runs several times per flow. */
  for (; i + 8 <= len; i += 8)
    {
      guint64 w;

      memcpy (&w, b + i, 8);
      h = (h ^ w) * 0xff51afd7ed558ccdull;
      h = (h << 31) | (h >> 33);
    }
  if (i < len)
    {
      guint64 w = 0;

      /* The tail as one word: the last eight bytes, overlapping the word
       * before (a memcpy of a length known only here is a library call,
       * and this runs several times per flow). */
      if (len >= 8)
        memcpy (&w, b + len - 8, 8);
      else
        for (gsize k = 0; k < len; k++)
          w |= (guint64) b[k] << (8 * k);
      h = (h ^ w) * 0xff51afd7ed558ccdull;
    }
  /* Murmur's finalizer: the low bits pick the slot, so they must mix. */
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return (guint32) h;
}

/* Keys are a few dozen bytes: word compares inline beat a call to memcmp.
 * The last word may overlap the one before; equal is equal either way. */
static inline gboolean
keys_equal (const guint8 *a,
            const guint8 *b,
            gsize         len)
{
  guint64 x, y;
  gsize i = 0;

  if (len < 8)
    return memcmp (a, b, len) == 0;
  for (; i + 8 <= len; i += 8)
    {
      memcpy (&x, a + i, 8);
      memcpy (&y, b + i, 8);
      if (x != y)
        return FALSE;
    }
  if (i < len)
    {
      memcpy (&x, a + len - 8, 8);
      memcpy (&y, b + len - 8, 8);
      return x == y;
    }
  return TRUE;
}

static inline guint8 *
item_at (EgKeyTable *table,
         guint32     index)
{
  return table->chunks[index >> CHUNK_BITS] + (gsize) (index & (CHUNK_ITEMS - 1)) * table->item_size;
}

EgKeyTable *
eg_key_table_new (gsize          key_size,
                  gsize          item_size,
                  GDestroyNotify clear)
{
  EgKeyTable *table = g_new0 (EgKeyTable, 1);

  g_return_val_if_fail (key_size > 0 && item_size >= key_size, NULL);
  /* A removed item holds the free list's link in its first bytes. */
  table->item_size = MAX (item_size, sizeof (guint32));
  table->key_size = key_size;
  table->clear = clear;
  table->mask = MIN_SLOTS - 1;
  table->slots = g_new0 (Slot, MIN_SLOTS);
  return table;
}

static void
clear_items (EgKeyTable *table)
{
  if (table->clear == NULL)
    return;
  for (guint32 s = 0; s <= table->mask; s++)
    if (table->slots[s].item)
      table->clear (item_at (table, table->slots[s].item - 1));
}

void
eg_key_table_free (EgKeyTable *table)
{
  if (table == NULL)
    return;
  clear_items (table);
  for (guint i = 0; i < table->n_chunks; i++)
    g_free (table->chunks[i]);
  g_free (table->chunks);
  g_free (table->slots);
  g_free (table);
}

guint
eg_key_table_size (EgKeyTable *table)
{
  return table->size;
}

static guint32
new_item (EgKeyTable *table)
{
  guint32 index;

  if (table->free_head)
    {
      index = table->free_head - 1;
      memcpy (&table->free_head, item_at (table, index), sizeof table->free_head);
      return index;
    }
  if ((table->n_made >> CHUNK_BITS) == table->n_chunks)
    {
      table->chunks = g_renew (guint8 *, table->chunks, table->n_chunks + 1);
      table->chunks[table->n_chunks++] = g_malloc (CHUNK_ITEMS * table->item_size);
    }
  return table->n_made++;
}

static void
free_item (EgKeyTable *table,
           guint32     index)
{
  guint8 *item = item_at (table, index);

  if (table->clear)
    table->clear (item);
  memcpy (item, &table->free_head, sizeof table->free_head);
  table->free_head = index + 1;
}

static void
place (Slot    *slots,
       guint32  mask,
       guint32  hash,
       guint32  item)
{
  guint32 s = hash & mask;

  while (slots[s].item)
    s = (s + 1) & mask;
  slots[s].hash = hash;
  slots[s].item = item;
}

/* Rebuilds the index with n_slots slots, dropping the items func wants
 * removed (none when func is NULL). */
static void
rebuild (EgKeyTable *table,
         guint32     n_slots,
         GHRFunc     func,
         gpointer    data)
{
  Slot *slots = g_new0 (Slot, n_slots);

  for (guint32 s = 0; s <= table->mask; s++)
    {
      guint32 item = table->slots[s].item;

      if (item == 0)
        continue;
      if (func && func (item_at (table, item - 1), NULL, data))
        {
          free_item (table, item - 1);
          table->size--;
          continue;
        }
      place (slots, n_slots - 1, table->slots[s].hash, item);
    }
  g_free (table->slots);
  table->slots = slots;
  table->mask = n_slots - 1;
}

gpointer
eg_key_table_lookup (EgKeyTable    *table,
                     gconstpointer  key)
{
  guint32 hash = eg_key_hash (key, table->key_size);

  for (guint32 s = hash & table->mask; table->slots[s].item; s = (s + 1) & table->mask)
    if (table->slots[s].hash == hash)
      {
        guint8 *item = item_at (table, table->slots[s].item - 1);

        if (keys_equal (item, key, table->key_size))
          return item;
      }
  return NULL;
}

gpointer
eg_key_table_insert (EgKeyTable    *table,
                     gconstpointer  key,
                     gboolean      *created)
{
  guint32 hash = eg_key_hash (key, table->key_size);
  guint32 s, index;
  guint8 *item;

  for (s = hash & table->mask; table->slots[s].item; s = (s + 1) & table->mask)
    if (table->slots[s].hash == hash)
      {
        item = item_at (table, table->slots[s].item - 1);
        if (keys_equal (item, key, table->key_size))
          {
            if (created)
              *created = FALSE;
            return item;
          }
      }
  /* At most half full: probes stay short. */
  if ((table->size + 1) * 2 > table->mask + 1)
    {
      rebuild (table, (table->mask + 1) * 2, NULL, NULL);
      for (s = hash & table->mask; table->slots[s].item; s = (s + 1) & table->mask)
        ;
    }
  index = new_item (table);
  item = item_at (table, index);
  memset (item, 0, table->item_size);
  memcpy (item, key, table->key_size);
  table->slots[s].hash = hash;
  table->slots[s].item = index + 1;
  table->size++;
  if (created)
    *created = TRUE;
  return item;
}

void
eg_key_table_remove (EgKeyTable *table,
                     gpointer    item)
{
  guint32 hash = eg_key_hash (item, table->key_size);
  guint32 i, j;

  for (i = hash & table->mask; table->slots[i].item; i = (i + 1) & table->mask)
    if (table->slots[i].hash == hash && item_at (table, table->slots[i].item - 1) == item)
      break;
  g_return_if_fail (table->slots[i].item != 0);
  free_item (table, table->slots[i].item - 1);
  table->slots[i].item = 0;
  table->size--;

  /* Backward-shift deletion: pull later entries of the run into the hole
   * when their home slot is not between the hole and them. */
  for (j = (i + 1) & table->mask; table->slots[j].item; j = (j + 1) & table->mask)
    {
      guint32 home = table->slots[j].hash & table->mask;
      gboolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);

      if (!movable)
        continue;
      table->slots[i] = table->slots[j];
      table->slots[j].item = 0;
      i = j;
    }
}

void
eg_key_table_remove_if (EgKeyTable *table,
                        GHRFunc     func,
                        gpointer    data)
{
  rebuild (table, table->mask + 1, func, data);
}

static gboolean
always (gpointer key,
        gpointer value,
        gpointer data)
{
  return TRUE;
}

void
eg_key_table_remove_all (EgKeyTable *table)
{
  rebuild (table, MIN_SLOTS, always, NULL);
}
