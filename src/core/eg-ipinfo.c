/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-ipinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <libloc/libloc.h>
#include <libloc/as.h>
#include <libloc/database.h>
#include <libloc/network.h>

#include "eg-error.h"
#include "eg-key-table.h"

#define CACHE_MAX 65536

typedef struct {
  EgAddr   addr;        /* first: the cache's key */
  char     country[3];
  guint32  asn;
  gboolean found;
} CacheEntry;

struct _EgIpInfo {
  struct loc_ctx      *ctx;
  struct loc_database *db;
  EgKeyTable          *cache;     /* CacheEntry, keyed by its address: every flow asks */
  GHashTable          *as_names;  /* asn → char * */
};

EgIpInfo *
eg_ipinfo_new (const char *path,
               GError    **error)
{
  g_autoptr(EgIpInfo) info = g_new0 (EgIpInfo, 1);
  FILE *f;
  int err;

  if (path == NULL)
    path = EG_IPINFO_DEFAULT_DB;
  info->cache = eg_key_table_new (sizeof (EgAddr), sizeof (CacheEntry), NULL);
  info->as_names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  if ((err = loc_new (&info->ctx)) != 0)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED,
                   "Cannot start libloc: %s", g_strerror (err < 0 ? -err : err));
      return NULL;
    }
  f = fopen (path, "r");
  if (f == NULL)
    {
      int saved = errno;

      g_set_error (error, EG_ERROR, saved == ENOENT ? EG_ERROR_NOT_FOUND : EG_ERROR_FAILED,
                   "Cannot open the location database “%s”: %s; install Debian's "
                   "libloc-database package for country and AS information",
                   path, g_strerror (saved));
      return NULL;
    }
  /* Lookups land all over the database's map: on a cold page cache each
   * one waited for its own read from disk, and a replay's first seconds
   * for thousands of them (11 s instead of 1 s for 120,000 flows on a VM
   * disk). One sequential read-ahead of the file, started here and done by
   * the kernel in the background, makes them hits. A hint: no error counts. */
  posix_fadvise (fileno (f), 0, 0, POSIX_FADV_WILLNEED);
  err = loc_database_new (info->ctx, &info->db, f);
  fclose (f);
  if (err != 0 || info->db == NULL)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "“%s” is not a libloc location database: reinstall libloc-database", path);
      return NULL;
    }
  return g_steal_pointer (&info);
}

void
eg_ipinfo_free (EgIpInfo *info)
{
  if (info == NULL)
    return;
  if (info->db)
    loc_database_unref (info->db);
  if (info->ctx)
    loc_unref (info->ctx);
  eg_key_table_free (info->cache);
  g_hash_table_unref (info->as_names);
  g_free (info);
}

static void
lookup_db (EgIpInfo     *info,
           const EgAddr *addr,
           CacheEntry   *entry)
{
  struct in6_addr a6;
  struct loc_network *net = NULL;

  memset (&a6, 0, sizeof a6);
  if (addr->family == 4)
    {
      /* libloc keys IPv4 as IPv4-mapped IPv6. */
      a6.s6_addr[10] = 0xff;
      a6.s6_addr[11] = 0xff;
      memcpy (&a6.s6_addr[12], addr->bytes, 4);
    }
  else
    memcpy (a6.s6_addr, addr->bytes, 16);

  if (loc_database_lookup (info->db, &a6, &net) != 0 || net == NULL)
    return;
  {
    const char *cc = loc_network_get_country_code (net);

    if (cc && strlen (cc) == 2)
      memcpy (entry->country, cc, 3);
  }
  entry->asn = loc_network_get_asn (net);
  entry->found = entry->country[0] != '\0' || entry->asn != 0;
  loc_network_unref (net);
}

gboolean
eg_ipinfo_lookup (EgIpInfo     *info,
                  const EgAddr *addr,
                  char          country[3],
                  guint32      *asn)
{
  CacheEntry *entry;
  gboolean created;

  country[0] = '\0';
  *asn = 0;
  if (info == NULL || addr->family == 0 || eg_addr_is_private (addr))
    return FALSE;
  if (eg_key_table_size (info->cache) >= CACHE_MAX && !eg_key_table_lookup (info->cache, addr))
    eg_key_table_remove_all (info->cache);
  entry = eg_key_table_insert (info->cache, addr, &created);
  if (created)
    lookup_db (info, addr, entry);
  memcpy (country, entry->country, 3);
  *asn = entry->asn;
  return entry->found;
}

const char *
eg_ipinfo_get_as_name (EgIpInfo *info,
                       guint32   asn)
{
  struct loc_as *as = NULL;
  char *name;

  if (info == NULL || asn == 0)
    return NULL;
  if (g_hash_table_lookup_extended (info->as_names, GUINT_TO_POINTER (asn), NULL, (gpointer *) &name))
    return name;
  name = NULL;
  if (loc_database_get_as (info->db, &as, asn) == 0 && as)
    {
      name = g_strdup (loc_as_get_name (as));
      loc_as_unref (as);
    }
  g_hash_table_insert (info->as_names, GUINT_TO_POINTER (asn), name);
  return name;
}
