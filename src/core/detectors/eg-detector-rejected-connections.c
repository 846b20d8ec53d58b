/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rejected-connections: the same host and port refusing (REJ) one source
 * again and again: Slips' "multiple reconnection attempts", 5, then 50 ... */
#include "eg-detector-private.h"

#define REJECTED_MIN 5

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
  EgAddr attempt = { 0 };
  EgAlert *alert;
  g_autofree char *port = NULL;
  char src[EG_ADDR_STRLEN], dst[EG_ADDR_STRLEN];
  guint n;

  if (flow->proto != IPPROTO_TCP || flow->conn_state != EG_CONN_STATE_REJ)
    return;

  key.src = flow->orig_h;
  key.dst = flow->resp_h;
  key.port = flow->resp_p;
  key.proto = flow->proto;
  scan = eg_scan_table_get (state, &key, flow->ts, REJECTED_MIN);
  attempt.bytes[0] = scan->n_flows & 0xff;
  attempt.bytes[1] = (scan->n_flows >> 8) & 0xff;
  attempt.bytes[2] = (scan->n_flows >> 16) & 0xff;
  attempt.bytes[3] = (scan->n_flows >> 24) & 0xff;
  eg_scan_state_add (scan, &attempt, flow->uid, flow->orig_pkts, flow->ts);
  if (!eg_scan_state_crossed (scan))
    return;

  n = scan->n_distinct;
  alert = eg_detectors_alert_new (ds, "rejected-connections", flow->ts, &flow->orig_h,
                                  &flow->resp_h, flow->resp_p, flow->proto,
                                  EG_THREAT_MEDIUM, 1.0);
  port = eg_detectors_format_port (ds, flow->resp_p, flow->proto);
  alert->description = g_strdup_printf ("%s was refused %u times by %s %s and kept trying",
                                        eg_addr_to_string (&flow->orig_h, src), n,
                                        eg_addr_to_string (&flow->resp_h, dst), port);
  eg_alert_add_scan_uids (alert, scan);
  eg_detectors_report (ds, alert, 0);
}

const EgDetectorInfo eg_detector_rejected_connections = {
  .name = "rejected-connections",
  .create = create,
  .destroy = (GDestroyNotify) eg_scan_table_free,
  .flow = on_flow,
};
