/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-siphash.h: SipHash-1-3, a keyed hash: flow tables keyed with a secret
 * seed cannot be flooded with colliding keys by someone on the wire. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint64 k0;
  guint64 k1;
} EgSipKey;

void    eg_sipkey_init_random (EgSipKey       *key);
guint64 eg_siphash            (const EgSipKey *key,
                               const void     *data,
                               gsize           len);

G_END_DECLS
