/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-firewall.h: blocking addresses with nftables. Edgeguard keeps its own
 * table ("inet edgeguard") so it never touches the operator's rules: two
 * sets of blocked addresses (with optional timeouts) and drop rules on the
 * input and forward hooks. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define EG_FIREWALL_TABLE "edgeguard"

/* Creates the table, sets and rules when missing. */
gboolean eg_firewall_ensure  (GError     **error);
/* timeout 0: until unblocked. */
gboolean eg_firewall_block   (const char  *address,
                              guint        timeout_seconds,
                              GError     **error);
gboolean eg_firewall_unblock (const char  *address,
                              GError     **error);
/* nft's listing of the blocked sets. */
char    *eg_firewall_list    (GError     **error);
/* Removes Edgeguard's table and everything in it. */
gboolean eg_firewall_flush   (GError     **error);

G_END_DECLS
