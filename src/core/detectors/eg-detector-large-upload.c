/* SPDX-License-Identifier: GPL-2.0-or-later */
/* large-upload: config->large_upload bytes (100 MB, Slips) or more sent to a
 * public address in one TCP connection: data leaving the network. A video
 * call sends as much over UDP in an hour; that is not an upload. */
#include "eg-detector-private.h"

static void
on_flow (gpointer      state,
         EgDetectors  *ds,
         const EgFlow *flow)
{
  EgAlert *alert;
  g_autofree char *port = NULL;
  g_autofree char *size = NULL;
  char src[EG_ADDR_STRLEN], dst[EG_ADDR_STRLEN];

  if (flow->proto != IPPROTO_TCP || flow->orig_bytes < ds->config->large_upload
      || eg_addr_is_private (&flow->resp_h))
    return;

  alert = eg_detectors_alert_new (ds, "large-upload", flow->ts + flow->duration,
                                  &flow->orig_h, &flow->resp_h, flow->resp_p, flow->proto,
                                  EG_THREAT_HIGH, 0.6);
  port = eg_detectors_format_port (ds, flow->resp_p, flow->proto);
  size = g_format_size (flow->orig_bytes);
  alert->description = g_strdup_printf ("%s uploaded %s to %s %s in one connection",
                                        eg_addr_to_string (&flow->orig_h, src), size,
                                        eg_addr_to_string (&flow->resp_h, dst), port);
  eg_alert_add_uid (alert, flow->uid);
  eg_detectors_report (ds, alert, EG_EVIDENCE_ONCE);
}

const EgDetectorInfo eg_detector_large_upload = {
  .name = "large-upload",
  .flow = on_flow,
};
