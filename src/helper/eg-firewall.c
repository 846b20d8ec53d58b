/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-firewall.h"

#include <nftables/libnftables.h>
#include <string.h>

#include "eg-addr.h"
#include "eg-error.h"

static const char ruleset[] =
  "table inet " EG_FIREWALL_TABLE " {\n"
  "  set blocked4 { type ipv4_addr; flags interval, timeout; }\n"
  "  set blocked6 { type ipv6_addr; flags interval, timeout; }\n"
  "  chain input {\n"
  "    type filter hook input priority filter - 10; policy accept;\n"
  "    ip saddr @blocked4 drop\n"
  "    ip6 saddr @blocked6 drop\n"
  "  }\n"
  "  chain forward {\n"
  "    type filter hook forward priority filter - 10; policy accept;\n"
  "    ip saddr @blocked4 drop\n"
  "    ip daddr @blocked4 drop\n"
  "    ip6 saddr @blocked6 drop\n"
  "    ip6 daddr @blocked6 drop\n"
  "  }\n"
  "  chain output {\n"
  "    type filter hook output priority filter - 10; policy accept;\n"
  "    ip daddr @blocked4 drop\n"
  "    ip6 daddr @blocked6 drop\n"
  "  }\n"
  "}\n";

/* Runs nft commands; on failure the error carries nft's own words. */
static gboolean
run (const char  *commands,
     char       **output,
     GError     **error)
{
  struct nft_ctx *nft = nft_ctx_new (NFT_CTX_DEFAULT);
  gboolean ok;

  if (nft == NULL)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED, "nftables could not be initialized");
      return FALSE;
    }
  nft_ctx_buffer_output (nft);
  nft_ctx_buffer_error (nft);
  ok = nft_run_cmd_from_buffer (nft, commands) == 0;
  if (!ok)
    {
      g_autofree char *msg = g_strstrip (g_strdup (nft_ctx_get_error_buffer (nft)));
      gboolean perm = strstr (msg, "Operation not permitted") != NULL;
      g_set_error (error, EG_ERROR, perm ? EG_ERROR_PERMISSION : EG_ERROR_FAILED,
                   perm ? "Changing the firewall needs the CAP_NET_ADMIN capability: "
                          "run edgeguard-helper with it (see the README)"
                        : "nftables refused the change: %s", msg);
    }
  else if (output)
    *output = g_strdup (nft_ctx_get_output_buffer (nft));
  nft_ctx_free (nft);
  return ok;
}

gboolean
eg_firewall_ensure (GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *out = NULL;

  /* Listing the table is the cheap way to know it is there. */
  if (run ("list table inet " EG_FIREWALL_TABLE, &out, &local))
    return TRUE;
  if (g_error_matches (local, EG_ERROR, EG_ERROR_PERMISSION))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return run (ruleset, NULL, error);
}

/* The address goes into an nft command: accept only what parses as an
 * address or a prefix, so nothing else can be smuggled in. */
static gboolean
parse_target (const char  *address,
              char       **canonical,
              gboolean    *v6,
              GError     **error)
{
  EgAddr prefix;
  guint len;
  char buf[EG_ADDR_STRLEN];

  if (!eg_addr_parse_cidr (address, &prefix, &len))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "“%s” is not an IP address or prefix (like 192.0.2.7 or 2001:db8::/32)", address);
      return FALSE;
    }
  *v6 = prefix.family == 6;
  if (len == eg_addr_len (&prefix) * 8)
    *canonical = g_strdup (eg_addr_to_string (&prefix, buf));
  else
    *canonical = g_strdup_printf ("%s/%u", eg_addr_to_string (&prefix, buf), len);
  return TRUE;
}

gboolean
eg_firewall_block (const char  *address,
                   guint        timeout_seconds,
                   GError     **error)
{
  g_autofree char *target = NULL;
  g_autofree char *cmd = NULL;
  gboolean v6;

  if (!parse_target (address, &target, &v6, error) || !eg_firewall_ensure (error))
    return FALSE;
  if (timeout_seconds > 0)
    cmd = g_strdup_printf ("add element inet " EG_FIREWALL_TABLE " %s { %s timeout %us }",
                           v6 ? "blocked6" : "blocked4", target, timeout_seconds);
  else
    cmd = g_strdup_printf ("add element inet " EG_FIREWALL_TABLE " %s { %s }",
                           v6 ? "blocked6" : "blocked4", target);
  return run (cmd, NULL, error);
}

gboolean
eg_firewall_unblock (const char  *address,
                     GError     **error)
{
  g_autofree char *target = NULL;
  g_autofree char *cmd = NULL;
  gboolean v6;

  if (!parse_target (address, &target, &v6, error) || !eg_firewall_ensure (error))
    return FALSE;
  cmd = g_strdup_printf ("delete element inet " EG_FIREWALL_TABLE " %s { %s }",
                         v6 ? "blocked6" : "blocked4", target);
  return run (cmd, NULL, error);
}

char *
eg_firewall_list (GError **error)
{
  g_autofree char *v4 = NULL;
  g_autofree char *v6 = NULL;

  /* One listing per call: libnftables 1.0.6 loses its cache between two
   * list commands in one buffer. */
  if (!eg_firewall_ensure (error)
      || !run ("list set inet " EG_FIREWALL_TABLE " blocked4", &v4, error)
      || !run ("list set inet " EG_FIREWALL_TABLE " blocked6", &v6, error))
    return NULL;
  return g_strconcat (v4, v6, NULL);
}

gboolean
eg_firewall_flush (GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *out = NULL;

  if (!run ("list table inet " EG_FIREWALL_TABLE, &out, &local))
    return !g_error_matches (local, EG_ERROR, EG_ERROR_PERMISSION)
           || (g_propagate_error (error, g_steal_pointer (&local)), FALSE);
  return run ("delete table inet " EG_FIREWALL_TABLE, NULL, error);
}
