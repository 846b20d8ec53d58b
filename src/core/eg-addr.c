/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-addr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

void
eg_addr_set_v4 (EgAddr       *addr,
                const guint8  bytes[4])
{
  memset (addr, 0, sizeof *addr);
  addr->family = 4;
  memcpy (addr->bytes, bytes, 4);
}

void
eg_addr_set_v6 (EgAddr       *addr,
                const guint8  bytes[16])
{
  addr->family = 6;
  memcpy (addr->bytes, bytes, 16);
}

gboolean
eg_addr_parse (const char *str,
               EgAddr     *addr)
{
  guint8 buf[16];

  if (str == NULL)
    return FALSE;
  if (inet_pton (AF_INET, str, buf) == 1)
    {
      eg_addr_set_v4 (addr, buf);
      return TRUE;
    }
  if (inet_pton (AF_INET6, str, buf) == 1)
    {
      eg_addr_set_v6 (addr, buf);
      return TRUE;
    }
  return FALSE;
}

const char *
eg_addr_to_string (const EgAddr *addr,
                   char          buf[EG_ADDR_STRLEN])
{
  if (addr->family == 4)
    {
      /* By hand: glibc's inet_ntop formats IPv4 through sprintf, and every
       * alert description names two addresses. */
      char *p = buf;

      for (guint i = 0; i < 4; i++)
        {
          guint b = addr->bytes[i];

          if (b >= 100)
            *p++ = '0' + b / 100;
          if (b >= 10)
            *p++ = '0' + b / 10 % 10;
          *p++ = '0' + b % 10;
          *p++ = i < 3 ? '.' : '\0';
        }
    }
  else if (addr->family == 6)
    inet_ntop (AF_INET6, addr->bytes, buf, EG_ADDR_STRLEN);
  else
    g_strlcpy (buf, "-", EG_ADDR_STRLEN);
  return buf;
}

guint
eg_addr_len (const EgAddr *addr)
{
  return addr->family == 6 ? 16 : 4;
}

/* IPv4 sorts before IPv6, then numerically: what an operator expects. */
int
eg_addr_compare (const EgAddr *a,
                 const EgAddr *b)
{
  if (a->family != b->family)
    return a->family < b->family ? -1 : 1;
  return memcmp (a->bytes, b->bytes, eg_addr_len (a));
}

gboolean
eg_addr_equal (const EgAddr *a,
               const EgAddr *b)
{
  return a->family == b->family && memcmp (a->bytes, b->bytes, eg_addr_len (a)) == 0;
}

gboolean
eg_addr_in_prefix (const EgAddr *addr,
                   const EgAddr *prefix,
                   guint         prefix_len)
{
  guint full = prefix_len / 8, rest = prefix_len % 8;

  if (addr->family != prefix->family || prefix_len > eg_addr_len (addr) * 8)
    return FALSE;
  if (memcmp (addr->bytes, prefix->bytes, full) != 0)
    return FALSE;
  if (rest == 0)
    return TRUE;
  guint8 mask = (guint8) (0xff << (8 - rest));
  return (addr->bytes[full] & mask) == (prefix->bytes[full] & mask);
}

gboolean
eg_addr_parse_cidr (const char *str,
                    EgAddr     *prefix,
                    guint      *prefix_len)
{
  g_autofree char *copy = g_strdup (str);
  char *slash = strchr (copy, '/');
  guint64 len;

  if (slash)
    *slash = '\0';
  if (!eg_addr_parse (g_strstrip (copy), prefix))
    return FALSE;
  if (!slash)
    {
      *prefix_len = eg_addr_len (prefix) * 8;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (slash + 1, 10, 0, eg_addr_len (prefix) * 8, &len, NULL))
    return FALSE;
  *prefix_len = (guint) len;
  return TRUE;
}

gboolean
eg_addr_is_private (const EgAddr *addr)
{
  const guint8 *b = addr->bytes;

  if (addr->family == 4)
    return b[0] == 10 || b[0] == 127
           || (b[0] == 172 && (b[1] & 0xf0) == 16)
           || (b[0] == 192 && b[1] == 168)
           || (b[0] == 169 && b[1] == 254)
           || (b[0] == 100 && (b[1] & 0xc0) == 64)
           || b[0] >= 224 || (b[0] == 0);
  if (addr->family == 6)
    {
      static const guint8 loopback[16] = { [15] = 1 };
      return (b[0] & 0xfe) == 0xfc            /* unique local */
             || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)  /* link local */
             || b[0] == 0xff                  /* multicast */
             || memcmp (b, loopback, 16) == 0;
    }
  return FALSE;
}
