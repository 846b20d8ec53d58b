/* SPDX-License-Identifier: GPL-2.0-or-later */
/* arp-scan: one host asking by ARP for config->arp_scan_min (5) or more
 * addresses within 30 s (Slips). Gratuitous ARP and probes are not asks.
 * An ARP request is no flow, so the alert has no uids: its description
 * names the asking MAC and the first addresses asked for instead. */
#include "eg-detector-private.h"

#include <string.h>

#define ARP_WINDOW 30.0

static gpointer
create (EgDetectors *ds,
        GError     **error)
{
  return eg_scan_table_new (ARP_WINDOW);
}

static void
on_arp (gpointer          state,
        EgDetectors      *ds,
        const EgArpEvent *event)
{
  static const guint8 zero[4];
  EgScanKey key = { 0 };
  EgScanState *scan;
  EgAlert *alert;
  EgAddr target;
  char src[EG_ADDR_STRLEN];
  g_autoptr(GString) targets = g_string_new (NULL);
  guint n;

  if (event->op != 1 || memcmp (event->spa, event->tpa, 4) == 0
      || memcmp (event->spa, zero, 4) == 0)
    return;

  eg_addr_set_v4 (&key.src, event->spa);
  memcpy (key.dst.bytes, event->sha, 6);  /* the MAC, so two hosts sharing an IP stay apart */
  eg_addr_set_v4 (&target, event->tpa);
  scan = eg_scan_table_get (state, &key, event->ts, ds->config->arp_scan_min);
  if (!eg_scan_state_add (scan, &target, NULL, 1, event->ts)
      || !eg_scan_state_crossed (scan))
    return;

  n = scan->n_distinct;
  for (guint i = 0; i < MIN (n, EG_SCAN_FEW); i++)
    {
      char addr[EG_ADDR_STRLEN];

      g_string_append_printf (targets, "%s%s", i ? ", " : "",
                              eg_addr_to_string (&scan->few[i], addr));
    }
  if (n > EG_SCAN_FEW)
    g_string_append_printf (targets, " and %u more", n - EG_SCAN_FEW);
  alert = eg_detectors_alert_new (ds, "arp-scan", event->ts, &key.src, NULL, 0,
                                  EG_ALERT_PROTO_ARP, EG_THREAT_LOW,
                                  MIN (1.0, n / (2.0 * ds->config->arp_scan_min)));
  alert->description = g_strdup_printf ("%s (%02x:%02x:%02x:%02x:%02x:%02x) asked for %u "
                                        "addresses by ARP within %.1f s (ARP scan): %s",
                                        eg_addr_to_string (&key.src, src),
                                        event->sha[0], event->sha[1], event->sha[2],
                                        event->sha[3], event->sha[4], event->sha[5],
                                        n, event->ts - scan->start, targets->str);
  eg_detectors_report (ds, alert, 0);
}

const EgDetectorInfo eg_detector_arp_scan = {
  .name = "arp-scan",
  .create = create,
  .destroy = (GDestroyNotify) eg_scan_table_free,
  .arp = on_arp,
};
