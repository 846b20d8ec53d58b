/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ssh-success and ssh-bruteforce, by size as Slips does without ssh.log: a
 * login that works moves more than SSH_SUCCESS_BYTES; many small SSH
 * connections to one server are password guessing. */
#include "eg-detector-private.h"

#include "eg-features.h"

#define SSH_SUCCESS_BYTES 4290  /* Slips' ssh_succesful_detection_threshold */

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
  guint64 size = flow->orig_bytes + flow->resp_bytes;
  g_autofree char *port = NULL;
  char src[EG_ADDR_STRLEN], dst[EG_ADDR_STRLEN];
  EgAlert *alert;

  if (flow->proto != IPPROTO_TCP)
    return;
  if (eg_feature_service_id (flow->service) != EG_SERVICE_SSH
      && !(flow->service == NULL && flow->resp_p == 22))
    return;

  port = eg_detectors_format_port (ds, flow->resp_p, flow->proto);
  eg_addr_to_string (&flow->orig_h, src);
  eg_addr_to_string (&flow->resp_h, dst);

  if (size > SSH_SUCCESS_BYTES)
    {
      if (!eg_detectors_once (ds, "ssh-success", &flow->orig_h, &flow->resp_h,
                              flow->resp_p, flow->proto, flow->ts))
        return;
      alert = eg_detectors_alert_new (ds, "ssh-success", flow->ts + flow->duration,
                                      &flow->orig_h, &flow->resp_h, flow->resp_p,
                                      flow->proto, EG_THREAT_INFO, 0.8);
      alert->description = g_strdup_printf ("%s logged in by SSH to %s %s "
                                            "(%" G_GUINT64_FORMAT " bytes exchanged, more "
                                            "than a failed login)", src, dst, port, size);
      eg_alert_add_uid (alert, flow->uid);
      eg_detectors_report (ds, alert, 0);
    }
  else if (eg_conn_state_is_established (flow->conn_state) || flow->resp_bytes > 0)
    {
      EgScanKey key = { 0 };
      EgScanState *scan;
      EgAddr attempt = { 0 };
      guint n;

      key.src = flow->orig_h;
      key.dst = flow->resp_h;
      key.port = flow->resp_p;
      key.proto = flow->proto;
      scan = eg_scan_table_get (state, &key, flow->ts, ds->config->ssh_bruteforce_min);
      /* Every attempt counts, not distinct ones: number them. */
      eg_scan_port_value (&attempt, 0);
      attempt.bytes[2] = scan->n_flows & 0xff;
      attempt.bytes[3] = (scan->n_flows >> 8) & 0xff;
      attempt.bytes[4] = (scan->n_flows >> 16) & 0xff;
      attempt.bytes[5] = (scan->n_flows >> 24) & 0xff;
      eg_scan_state_add (scan, &attempt, flow->uid, flow->orig_pkts, flow->ts);
      if (!eg_scan_state_crossed (scan))
        return;
      n = scan->n_distinct;
      alert = eg_detectors_alert_new (ds, "ssh-bruteforce", flow->ts + flow->duration,
                                      &flow->orig_h, &flow->resp_h, flow->resp_p,
                                      flow->proto, EG_THREAT_HIGH,
                                      1.0);
      alert->description = g_strdup_printf ("%s made %u SSH connections to %s %s too small "
                                            "for a login that worked (password guessing)",
                                            src, n, dst, port);
      eg_alert_add_scan_uids (alert, scan);
      eg_detectors_report (ds, alert, 0);
    }
}

const EgDetectorInfo eg_detector_ssh = {
  .name = "ssh",
  .create = create,
  .destroy = (GDestroyNotify) eg_scan_table_free,
  .flow = on_flow,
};
