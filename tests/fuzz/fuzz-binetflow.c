/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-binetflow: Argus binetflow CSV/TSV. Inputs without a header get the
 * CTU one, so that records are parsed too. */
#include "fuzz-flow-log-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_flow_log (data, size, EG_FLOW_LOG_BINETFLOW,
                 "StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,"
                 "TotPkts,TotBytes,SrcBytes,SrcPkts,Label\n");
  return 0;
}
