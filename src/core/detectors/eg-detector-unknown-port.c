/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unknown-port: an established TCP connection to a port no known service
 * uses (the services list). Dynamic ports (49152 and up) are where clients
 * live, and a flow whose source port is a known service is a reply seen
 * backwards: neither is reported. Nor is a flow whose service nDPI
 * recognized (RTSP on 8554): its service is known, whatever the port. */
#include "eg-detector-private.h"

static void
on_flow (gpointer      state,
         EgDetectors  *ds,
         const EgFlow *flow)
{
  EgAlert *alert;
  char src[EG_ADDR_STRLEN], dst[EG_ADDR_STRLEN];

  if (flow->proto != IPPROTO_TCP || !eg_conn_state_is_established (flow->conn_state)
      || flow->resp_p >= 49152 || g_hash_table_size (ds->services) == 0
      || (flow->service && flow->service[0] && g_strcmp0 (flow->service, "-") != 0)
      || eg_detectors_service_name (ds, flow->resp_p, flow->proto)
      || eg_detectors_service_name (ds, flow->orig_p, flow->proto)
      || eg_addr_is_special (&flow->resp_h))
    return;

  alert = eg_detectors_alert_new (ds, "unknown-port", flow->ts, &flow->orig_h, &flow->resp_h,
                                  flow->resp_p, flow->proto, EG_THREAT_MEDIUM, 0.8);
  alert->description = g_strdup_printf ("%s connected to %s on port %u/tcp, which no known "
                                        "service uses",
                                        eg_addr_to_string (&flow->orig_h, src),
                                        eg_addr_to_string (&flow->resp_h, dst), flow->resp_p);
  eg_alert_add_uid (alert, flow->uid);
  eg_detectors_report (ds, alert, EG_EVIDENCE_ONCE);
}

const EgDetectorInfo eg_detector_unknown_port = {
  .name = "unknown-port",
  .flow = on_flow,
};
