/* SPDX-License-Identifier: GPL-2.0-or-later */
/* port-scan-horizontal: one source, one destination port, many destinations
 * that never answered. Alerts at 10 hosts, then 100, 1000 ... (Slips),
 * unless the source's answered connections on that port in the window
 * outnumber its unanswered attempts CLIENT_RATIO times: a desktop that
 * opens two thousand HTTPS sessions a day leaves a hundred SYNs unanswered
 * too (CTU-Normal-43's 147.32.83.165, labeled benign), and that is a busy
 * client, not a scan. Slips' own horizontal-scan sample (10 unanswered,
 * 19 answered) still is one. */
#include "eg-detector-private.h"

#define CLIENT_RATIO 4

static gpointer
create (EgDetectors *ds,
        GError     **error)
{
  return eg_scan_table_new (ds->config->detection_window);
}

static void
on_flow (gpointer      state,
         EgDetectors  *ds,
         const EgFlow *flow)
{
  EgScanKey key = { 0 };
  EgScanState *scan;
  EgAlert *alert;
  g_autofree char *port = NULL;
  char src[EG_ADDR_STRLEN];
  guint n;

  if ((flow->flags & EG_FLOW_INTERIM) || (flow->proto != IPPROTO_TCP && flow->proto != IPPROTO_UDP)
      || eg_addr_is_special (&flow->resp_h))
    return;

  key.src = flow->orig_h;
  key.port = flow->resp_p;
  key.proto = flow->proto;
  if (!eg_flow_is_unanswered_attempt (flow))
    {
      /* An answer: counted beside a scan already under way, never a start. */
      if (eg_flow_is_established (flow) && (scan = eg_scan_table_lookup (state, &key, flow->ts)))
        scan->n_answered++;
      return;
    }
  if (eg_detectors_is_query_reply (ds, flow))
    return;
  scan = eg_scan_table_get (state, &key, flow->ts, ds->config->horizontal_scan_min);
  if (!eg_scan_state_add (scan, &flow->resp_h, flow->uid, flow->orig_pkts, flow->ts)
      || scan->n_answered >= CLIENT_RATIO * scan->n_flows || !eg_scan_state_crossed (scan))
    return;

  n = scan->n_distinct;
  alert = eg_detectors_alert_new (ds, "port-scan-horizontal", flow->ts, &flow->orig_h, NULL,
                                  flow->resp_p, flow->proto, EG_THREAT_HIGH,
                                  MIN (1.0, scan->pkts / 10.0));
  port = eg_detectors_format_port (ds, flow->resp_p, flow->proto);
  alert->description = g_strdup_printf ("%s probed %s on %u hosts; none answered",
                                        eg_addr_to_string (&flow->orig_h, src), port, n);
  eg_alert_add_scan_uids (alert, scan);
  eg_detectors_report (ds, alert, 0);
}

const EgDetectorInfo eg_detector_port_scan_horizontal = {
  .name = "port-scan-horizontal",
  .create = create,
  .destroy = (GDestroyNotify) eg_scan_table_free,
  .flow = on_flow,
};
