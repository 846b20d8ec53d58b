/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow-detail.h: every field of one flow, its alerts and its labels. */
#pragma once

#include <gtk/gtk.h>

#include "eg-alert-list.h"
#include "eg-flow.h"

G_BEGIN_DECLS

#define EG_TYPE_FLOW_DETAIL (eg_flow_detail_get_type ())
G_DECLARE_FINAL_TYPE (EgFlowDetail, eg_flow_detail, EG, FLOW_DETAIL, GtkWidget)

/* flow NULL: nothing selected. alerts: those whose evidence is this flow. */
void eg_flow_detail_set_flow (EgFlowDetail *self,
                              const EgFlow *flow,
                              GPtrArray    *alerts);
/* The uid shown, or NULL. */
const char *eg_flow_detail_get_uid (EgFlowDetail *self);

G_END_DECLS
