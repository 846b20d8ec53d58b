/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-capture-check.h"

#include <pcap/pcap.h>

#include <glib/gi18n.h>

#include "eg-error.h"

/* Where the engine looks for edgeguard-helper (eg-engine.c, find_helper):
 * the core does not say, so the same places are asked here. */
static gboolean
helper_available (void)
{
  const char *candidates[] = { g_getenv ("EDGEGUARD_HELPER"), LIBEXECDIR "/edgeguard-helper",
                               BUILD_HELPER };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (candidates[i] != NULL && g_file_test (candidates[i], G_FILE_TEST_IS_EXECUTABLE))
      return TRUE;
  return FALSE;
}

gboolean
eg_capture_check_permission (const char  *iface,
                             GError     **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t *pcap;
  int status;

  g_return_val_if_fail (iface != NULL, FALSE);

  pcap = pcap_create (iface, errbuf);
  if (pcap == NULL)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_NOT_FOUND,
                   _("Cannot open the interface “%s”: %s"), iface, errbuf);
      return FALSE;
    }
  status = pcap_activate (pcap);
  /* Without the right to capture, the engine asks edgeguard-helper to
   * capture for it (Wireshark's dumpcap model): only a missing helper
   * stops the capture here. */
  if ((status == PCAP_ERROR_PERM_DENIED || status == PCAP_ERROR_PROMISC_PERM_DENIED) &&
      helper_available ())
    {
      pcap_close (pcap);
      return TRUE;
    }
  if (status == PCAP_ERROR_PERM_DENIED || status == PCAP_ERROR_PROMISC_PERM_DENIED)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_PERMISSION,
                   _("This user may not capture on “%s”. Live capture needs the "
                     "CAP_NET_RAW capability: grant it to the capture helper with "
                     "“sudo setcap cap_net_raw,cap_net_admin+eip edgeguard-helper”, "
                     "or open a capture file instead."), iface);
      pcap_close (pcap);
      return FALSE;
    }
  if (status < 0)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED,
                   _("Cannot capture on “%s”: %s"), iface, pcap_geterr (pcap));
      pcap_close (pcap);
      return FALSE;
    }
  pcap_close (pcap);
  return TRUE;
}
