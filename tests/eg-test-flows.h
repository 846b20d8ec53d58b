/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs a capture through the decoder and the flow table, for tests. */
#pragma once

#include "eg-config.h"
#include "eg-flow.h"
#include "eg-flow-table.h"

G_BEGIN_DECLS

typedef struct {
  GArray          *flows;   /* EgFlow, final records only */
  EgFlowTableStats stats;
  EgFlowTableStats before_flush;  /* at the end of the input, flows still held */
  guint64          arp;
  GError          *error;   /* set when the capture ended in an error */
} EgTestFlows;

/* NULL config: the defaults. */
EgTestFlows *eg_test_flows_from_capture (const char     *path,
                                         const EgConfig *config);
void         eg_test_flows_free         (EgTestFlows    *result);
/* The flow between two endpoints in either direction, or NULL. */
const EgFlow *eg_test_flows_find        (EgTestFlows    *result,
                                         const char     *a,
                                         guint16         a_port,
                                         const char     *b,
                                         guint16         b_port,
                                         guint8          proto);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgTestFlows, eg_test_flows_free)

G_END_DECLS
