/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-zeek-tsv: Zeek conn.log TSV, header lines included. Inputs without
 * a header get the standard one, so that records are parsed too. */
#include "fuzz-flow-log-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_flow_log (data, size, EG_FLOW_LOG_ZEEK_TSV,
                 "#separator \\x09\n"
                 "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
                 "service\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\t"
                 "local_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\t"
                 "resp_ip_bytes\ttunnel_parents\tlabel\tdetailedlabel\n");
  return 0;
}
