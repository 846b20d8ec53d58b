/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-test-flows.h"

#include "eg-capture.h"
#include "eg-packet.h"

static void
on_flow (const EgFlow *flow,
         gpointer      user_data)
{
  EgTestFlows *result = user_data;

  if (!(flow->flags & EG_FLOW_INTERIM))
    g_array_append_vals (result->flows, flow, 1);
}

EgTestFlows *
eg_test_flows_from_capture (const char     *path,
                            const EgConfig *config)
{
  g_autoptr(EgConfig) defaults = eg_config_new ();
  g_autoptr(EgCapture) capture = NULL;
  g_autoptr(EgFlowTable) table = NULL;
  EgTestFlows *result = g_new0 (EgTestFlows, 1);
  GError *error = NULL;
  EgFrame frame;
  EgPacket pkt;
  EgCaptureStatus status;
  int linktype;

  result->flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  capture = eg_capture_open_file (path, &result->error);
  if (capture == NULL)
    return result;
  table = eg_flow_table_new (config ? config : defaults, TRUE, on_flow, result, &error);
  g_assert_no_error (error);
  linktype = eg_capture_get_linktype (capture);

  while ((status = eg_capture_next (capture, &frame, 0, &result->error)) == EG_CAPTURE_FRAME)
    {
      switch (eg_packet_decode_with_len (&pkt, linktype, frame.data, frame.caplen, frame.wirelen))
        {
        case EG_DECODE_OK:
          eg_flow_table_add (table, frame.ts, &pkt, frame.wirelen);
          break;
        case EG_DECODE_ARP:
          result->arp++;
          eg_flow_table_add_non_ip (table, TRUE, frame.wirelen);
          break;
        case EG_DECODE_NOT_IP:
          eg_flow_table_add_non_ip (table, FALSE, frame.wirelen);
          break;
        default:
          eg_flow_table_add_undecodable (table, frame.wirelen);
          break;
        }
    }
  eg_flow_table_get_stats (table, &result->before_flush);
  eg_flow_table_flush (table);
  eg_flow_table_get_stats (table, &result->stats);
  return result;
}

void
eg_test_flows_free (EgTestFlows *result)
{
  g_array_unref (result->flows);
  g_clear_error (&result->error);
  g_free (result);
}

const EgFlow *
eg_test_flows_find (EgTestFlows *result,
                    const char  *a,
                    guint16      a_port,
                    const char  *b,
                    guint16      b_port,
                    guint8       proto)
{
  EgAddr aa, bb;

  g_assert_true (eg_addr_parse (a, &aa));
  g_assert_true (eg_addr_parse (b, &bb));
  for (guint i = 0; i < result->flows->len; i++)
    {
      const EgFlow *f = &g_array_index (result->flows, EgFlow, i);
      if (f->proto != proto)
        continue;
      if ((eg_addr_equal (&f->orig_h, &aa) && f->orig_p == a_port
           && eg_addr_equal (&f->resp_h, &bb) && f->resp_p == b_port)
          || (eg_addr_equal (&f->orig_h, &bb) && f->orig_p == b_port
              && eg_addr_equal (&f->resp_h, &aa) && f->resp_p == a_port))
        return f;
    }
  return NULL;
}
