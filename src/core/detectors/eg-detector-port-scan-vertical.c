/* SPDX-License-Identifier: GPL-2.0-or-later */
/* port-scan-vertical: one source, one destination, many ports that never
 * answered. Alerts at config->vertical_scan_min ports, then ten times more.
 * UDP to dynamic ports (49152 and up) does not count: that is where a
 * client hears the answers to its multicast discovery, and a device
 * answering SSDP from random ports (a Chromecast in the RemcosRAT capture)
 * looks like a scan of the querier's ports. The flow table emits the
 * answers before the longer query, so the query cannot vouch for them. A
 * real scan of many ports shows in the ports below. */
#include "eg-detector-private.h"

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
  EgAddr port;
  char src[EG_ADDR_STRLEN], dst[EG_ADDR_STRLEN];

  if ((flow->flags & EG_FLOW_INTERIM) || (flow->proto != IPPROTO_TCP && flow->proto != IPPROTO_UDP)
      || !eg_flow_is_unanswered_attempt (flow) || eg_addr_is_special (&flow->resp_h)
      || eg_detectors_is_query_reply (ds, flow)
      || (flow->proto == IPPROTO_UDP && flow->resp_p >= 49152))
    return;

  key.src = flow->orig_h;
  key.dst = flow->resp_h;
  key.proto = flow->proto;
  scan = eg_scan_table_get (state, &key, flow->ts, ds->config->vertical_scan_min);
  eg_scan_port_value (&port, flow->resp_p);
  if (!eg_scan_state_add (scan, &port, flow->uid, flow->orig_pkts, flow->ts)
      || !eg_scan_state_crossed (scan))
    return;

  alert = eg_detectors_alert_new (ds, "port-scan-vertical", flow->ts, &flow->orig_h,
                                  &flow->resp_h, 0, flow->proto, EG_THREAT_HIGH,
                                  MIN (1.0, (double) scan->pkts / scan->n_distinct));
  alert->description = g_strdup_printf ("%s probed %u %s ports on %s; none answered",
                                        eg_addr_to_string (&flow->orig_h, src),
                                        scan->n_distinct,
                                        eg_proto_to_string (flow->proto),
                                        eg_addr_to_string (&flow->resp_h, dst));
  eg_alert_add_scan_uids (alert, scan);
  eg_detectors_report (ds, alert, 0);
}

const EgDetectorInfo eg_detector_port_scan_vertical = {
  .name = "port-scan-vertical",
  .create = create,
  .destroy = (GDestroyNotify) eg_scan_table_free,
  .flow = on_flow,
};
