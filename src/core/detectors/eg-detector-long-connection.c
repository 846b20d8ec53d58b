/* SPDX-License-Identifier: GPL-2.0-or-later */
/* long-connection: a connection open longer than config->long_connection
 * (1500 s, Slips). Multicast and broadcast streams are not connections, and
 * push channels (MQTT, XMPP, Apple and Google push, IMAP IDLE) stay open on
 * purpose. */
#include "eg-detector-private.h"

static gboolean
stays_open_by_design (const EgFlow *flow)
{
  static const guint16 ports[] = { 143, 993, 1883, 5222, 5223, 5228, 8883 };

  if (flow->proto != IPPROTO_TCP)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    if (ports[i] == flow->resp_p)
      return TRUE;
  return FALSE;
}

static void
on_flow (gpointer      state,
         EgDetectors  *ds,
         const EgFlow *flow)
{
  EgAlert *alert;
  g_autofree char *port = NULL;
  char src[EG_ADDR_STRLEN], dst[EG_ADDR_STRLEN];

  if (flow->duration <= ds->config->long_connection || eg_addr_is_special (&flow->resp_h)
      || stays_open_by_design (flow))
    return;

  alert = eg_detectors_alert_new (ds, "long-connection", flow->ts + flow->duration,
                                  &flow->orig_h, &flow->resp_h, flow->resp_p, flow->proto,
                                  EG_THREAT_LOW, 0.5);
  port = eg_detectors_format_port (ds, flow->resp_p, flow->proto);
  alert->description = g_strdup_printf ("%s kept a connection to %s %s open for %.0f min "
                                        "(%.0f s)", eg_addr_to_string (&flow->orig_h, src),
                                        eg_addr_to_string (&flow->resp_h, dst), port,
                                        flow->duration / 60.0, flow->duration);
  eg_alert_add_uid (alert, flow->uid);
  eg_detectors_report (ds, alert, EG_EVIDENCE_ONCE);
}

const EgDetectorInfo eg_detector_long_connection = {
  .name = "long-connection",
  .flow = on_flow,
};
