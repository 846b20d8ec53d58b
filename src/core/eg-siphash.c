/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-siphash.h"

#include <string.h>
#include <sys/random.h>

#define ROTL(x, b) (guint64) (((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                \
  G_STMT_START {                                                \
    v0 += v1; v1 = ROTL (v1, 13); v1 ^= v0; v0 = ROTL (v0, 32); \
    v2 += v3; v3 = ROTL (v3, 16); v3 ^= v2;                     \
    v0 += v3; v3 = ROTL (v3, 21); v3 ^= v0;                     \
    v2 += v1; v1 = ROTL (v1, 17); v1 ^= v2; v2 = ROTL (v2, 32); \
  } G_STMT_END

void
eg_sipkey_init_random (EgSipKey *key)
{
  const char *seed = g_getenv ("EDGEGUARD_SEED");

  /* A fixed seed makes uids reproducible in tests; never in production. */
  if (seed != NULL)
    {
      key->k0 = g_ascii_strtoull (seed, NULL, 10);
      key->k1 = key->k0 ^ G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
      return;
    }
  if (getrandom (key, sizeof *key, 0) != sizeof *key)
    {
      key->k0 = ((guint64) g_random_int () << 32) | g_random_int ();
      key->k1 = ((guint64) g_random_int () << 32) | g_random_int ();
    }
}

guint64
eg_siphash (const EgSipKey *key,
            const void     *data,
            gsize           len)
{
  const guint8 *in = data;
  guint64 v0 = G_GUINT64_CONSTANT (0x736f6d6570736575) ^ key->k0;
  guint64 v1 = G_GUINT64_CONSTANT (0x646f72616e646f6d) ^ key->k1;
  guint64 v2 = G_GUINT64_CONSTANT (0x6c7967656e657261) ^ key->k0;
  guint64 v3 = G_GUINT64_CONSTANT (0x7465646279746573) ^ key->k1;
  guint64 b = ((guint64) len) << 56, m;
  gsize left = len & 7;
  const guint8 *end = in + len - left;

  for (; in != end; in += 8)
    {
      memcpy (&m, in, 8);
      m = GUINT64_FROM_LE (m);
      v3 ^= m;
      SIPROUND;
      v0 ^= m;
    }
  for (gsize i = 0; i < left; i++)
    b |= ((guint64) in[i]) << (8 * i);
  v3 ^= b;
  SIPROUND;
  v0 ^= b;
  v2 ^= 0xff;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}
