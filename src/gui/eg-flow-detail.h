/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow-detail.h: every field of one flow, its alerts and its labels. */
#pragma once

#include <gtk/gtk.h>

#include "eg-alert-list.h"
#include "eg-explainer.h"
#include "eg-flow.h"
#include "eg-store.h"

G_BEGIN_DECLS

#define EG_TYPE_FLOW_DETAIL (eg_flow_detail_get_type ())
G_DECLARE_FINAL_TYPE (EgFlowDetail, eg_flow_detail, EG, FLOW_DETAIL, GtkWidget)

/* Where the explanation, label history and stored alerts come from; either
 * may be NULL. */
void eg_flow_detail_set_sources (EgFlowDetail *self,
                                 EgStore      *store,
                                 EgExplainer  *explainer);
/* flow NULL: nothing selected. alerts: those whose evidence is this flow;
 * NULL reads them from the store (stored flows). The explanation and the
 * label history follow in a thread; "loaded" says they are shown. */
void eg_flow_detail_set_flow (EgFlowDetail *self,
                              const EgFlow *flow,
                              GPtrArray    *alerts);
/* The uid shown, or NULL. */
const char *eg_flow_detail_get_uid (EgFlowDetail *self);
gboolean    eg_flow_detail_get_loading (EgFlowDetail *self);
/* As shown: the model's sentence (NULL before it came or without a model),
 * how many label changes and alerts are listed. */
const char *eg_flow_detail_get_explanation     (EgFlowDetail *self);
guint       eg_flow_detail_get_n_label_changes (EgFlowDetail *self);
guint       eg_flow_detail_get_n_alerts        (EgFlowDetail *self);

G_END_DECLS
