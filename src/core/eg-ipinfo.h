/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-ipinfo.h: country and autonomous system of an address, offline, from
 * IPFire's location database (Debian's libloc-database). Lookups are cached;
 * an EgIpInfo belongs to one thread (the scoring worker). */
#pragma once

#include <glib.h>

#include "eg-addr.h"

G_BEGIN_DECLS

#define EG_IPINFO_DEFAULT_DB "/usr/share/libloc-location/location.db"

typedef struct _EgIpInfo EgIpInfo;

/* path NULL: the default database. */
EgIpInfo *eg_ipinfo_new    (const char   *path,
                            GError      **error);
void      eg_ipinfo_free   (EgIpInfo     *info);
/* FALSE when the address is private or not in the database; country is
 * "" then and asn 0. country has room for 2 letters and NUL. */
gboolean  eg_ipinfo_lookup (EgIpInfo     *info,
                            const EgAddr *addr,
                            char          country[3],
                            guint32      *asn);
/* The AS's name ("GOOGLE"), or NULL; owned by the EgIpInfo. */
const char *eg_ipinfo_get_as_name (EgIpInfo *info,
                            guint32       asn);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgIpInfo, eg_ipinfo_free)

G_END_DECLS
