/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-key-table.h: a hash table of fixed-size items keyed by their first
 * key_size bytes, for the per-flow counting of features and detectors.
 *
 * GHashTable costs these paths a malloc per new key, a hash callback per
 * probe and a second lookup to insert after a miss. Here items live in
 * chunks that never move (a pointer stays valid until the item is
 * removed), removed items are reused, the index is open addressing with
 * the hash kept beside each slot, and a miss inserts in the same probe.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _EgKeyTable EgKeyTable;

/* item_size >= key_size; the key is the item's first key_size bytes and
 * is compared with memcmp (so padding in it must be zeroed). clear, if
 * set, releases what an item owns when it is removed or the table freed. */
EgKeyTable *eg_key_table_new        (gsize           key_size,
                                     gsize           item_size,
                                     GDestroyNotify  clear);
void        eg_key_table_free       (EgKeyTable     *table);
guint       eg_key_table_size       (EgKeyTable     *table);
/* The item whose key is key, or NULL. */
gpointer    eg_key_table_lookup     (EgKeyTable     *table,
                                     gconstpointer   key);
/* The item whose key is key; a new one (zeroed, key copied in) when there
 * was none, and *created says which. */
gpointer    eg_key_table_insert     (EgKeyTable     *table,
                                     gconstpointer   key,
                                     gboolean       *created);
void        eg_key_table_remove     (EgKeyTable     *table,
                                     gpointer        item);
/* Removes every item for which func returns TRUE. */
void        eg_key_table_remove_if  (EgKeyTable     *table,
                                     GHRFunc         func,
                                     gpointer        data);
void        eg_key_table_remove_all (EgKeyTable     *table);

/* The hash of a small fixed-size key, as the table computes it. */
guint32     eg_key_hash             (gconstpointer   key,
                                     gsize           len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgKeyTable, eg_key_table_free)

G_END_DECLS
