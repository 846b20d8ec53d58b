/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-addr.h: an IPv4 or IPv6 address, compact and comparable as bytes. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define EG_ADDR_STRLEN 46  /* INET6_ADDRSTRLEN */

typedef struct {
  guint8 family;     /* 0 (none), 4 or 6 */
  guint8 bytes[16];  /* IPv4 uses the first four */
} EgAddr;

void      eg_addr_set_v4     (EgAddr       *addr,
                              const guint8  bytes[4]);
void      eg_addr_set_v6     (EgAddr       *addr,
                              const guint8  bytes[16]);
gboolean  eg_addr_parse      (const char   *str,
                              EgAddr       *addr);
const char *eg_addr_to_string (const EgAddr *addr,
                              char          buf[EG_ADDR_STRLEN]);
int       eg_addr_compare    (const EgAddr *a,
                              const EgAddr *b);
gboolean  eg_addr_equal      (const EgAddr *a,
                              const EgAddr *b);
guint     eg_addr_len        (const EgAddr *addr);
gboolean  eg_addr_is_private (const EgAddr *addr);
gboolean  eg_addr_in_prefix  (const EgAddr *addr,
                              const EgAddr *prefix,
                              guint         prefix_len);
gboolean  eg_addr_parse_cidr (const char   *str,
                              EgAddr       *prefix,
                              guint        *prefix_len);

G_END_DECLS
