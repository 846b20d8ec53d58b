/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-zeek-json: Zeek conn.log as JSON lines. A valid first record is put
 * before inputs that would not be taken for a conn.log, so every mutated
 * line reaches the record parser. */
#include "fuzz-flow-log-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_flow_log (data, size, EG_FLOW_LOG_ZEEK_JSON,
                 "{\"ts\":1.5,\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":1,"
                 "\"id.resp_h\":\"10.0.0.2\",\"id.resp_p\":2,\"proto\":\"udp\","
                 "\"conn_state\":\"S0\",\"orig_pkts\":1}\n");
  return 0;
}
