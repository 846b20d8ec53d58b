/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow-row.h: one flow as a GObject, made only when a view asks for an
 * item; the list model itself keeps flows in a packed array. */
#pragma once

#include <glib-object.h>

#include "eg-flow.h"

G_BEGIN_DECLS

#define EG_TYPE_FLOW_ROW (eg_flow_row_get_type ())
G_DECLARE_FINAL_TYPE (EgFlowRow, eg_flow_row, EG, FLOW_ROW, GObject)

/* A row that owns a copy of flow. */
EgFlowRow    *eg_flow_row_new          (const EgFlow *flow);
/* A row that borrows flow: for comparisons, never handed out. */
EgFlowRow    *eg_flow_row_new_probe    (void);
void          eg_flow_row_set_borrowed (EgFlowRow    *row,
                                        const EgFlow *flow);
/* Copies flow in and notifies "flow": a view bound to the row shows it. */
void          eg_flow_row_set_flow     (EgFlowRow    *row,
                                        const EgFlow *flow);
const EgFlow *eg_flow_row_get_flow     (EgFlowRow    *row);

G_END_DECLS
