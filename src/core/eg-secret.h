/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-secret.h: the Kafka SASL password, kept out of GSettings (whose
 * values any program of the user reads, and dconf writes unencrypted).
 * It goes to the keyring through the Secret Service; where none answers
 * (a headless edge box, the tests), to a file only the user can read. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* $XDG_CONFIG_HOME/edgeguard/kafka-sasl-password, mode 0600. */
char     *eg_secret_get_fallback_path    (void);
/* Keeps password (NULL or empty: forgets it). *where: a sentence for the
 * operator that says where it went and, for the file, why. */
gboolean  eg_secret_store_sasl_password  (const char  *password,
                                          char       **where,
                                          GError     **error);
/* NULL and no error when none is kept. Blocks on D-Bus: call it when the
 * sender starts, not per flow. */
char     *eg_secret_lookup_sasl_password (GError     **error);

G_END_DECLS
