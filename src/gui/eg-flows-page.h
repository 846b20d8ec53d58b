/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flows-page.h: the live flows table, its filter bar and detail pane. */
#pragma once

#include <gtk/gtk.h>

#include "eg-alert-list.h"
#include "eg-flow-detail.h"
#include "eg-flow-list.h"

G_BEGIN_DECLS

#define EG_TYPE_FLOWS_PAGE (eg_flows_page_get_type ())
G_DECLARE_FINAL_TYPE (EgFlowsPage, eg_flows_page, EG, FLOWS_PAGE, GtkWidget)

void              eg_flows_page_set_models       (EgFlowsPage        *self,
                                                  EgFlowList         *flows,
                                                  EgAlertList        *alerts);
/* For the detail pane: see eg_flow_detail_set_sources. */
void              eg_flows_page_set_sources      (EgFlowsPage        *self,
                                                  EgStore            *store,
                                                  EgExplainer        *explainer);
/* The flows as the table shows them (an EgFlowList). */
GListModel       *eg_flows_page_get_model        (EgFlowsPage        *self);
/* The table and its right-click menu. */
GtkColumnView    *eg_flows_page_get_table        (EgFlowsPage        *self);
GtkPopover       *eg_flows_page_get_context_menu (EgFlowsPage        *self);
/* The table's vertical scrolling. */
GtkAdjustment    *eg_flows_page_get_vadjustment  (EgFlowsPage        *self);
EgFlowDetail     *eg_flows_page_get_detail       (EgFlowsPage        *self);
/* The filter as typed ("" when none). */
const char       *eg_flows_page_get_filter_text  (EgFlowsPage        *self);
/* Shows the filter bar with text and applies it; FALSE with the parse
 * error (also shown under the entry) when it does not parse. */
gboolean          eg_flows_page_set_filter_text  (EgFlowsPage        *self,
                                                  const char         *text,
                                                  GError            **error);
void              eg_flows_page_focus_search     (EgFlowsPage        *self);
/* Shows only these flows (an alert's evidence) until the operator clears
 * it; what names them in the bar above the table. */
void              eg_flows_page_show_uids        (EgFlowsPage        *self,
                                                  const char * const *uids,
                                                  const char         *what);
void              eg_flows_page_show_all         (EgFlowsPage        *self);
/* TRUE while only an alert's evidence is shown. */
gboolean          eg_flows_page_get_restricted   (EgFlowsPage        *self);
GtkSelectionModel *eg_flows_page_get_selection   (EgFlowsPage        *self);
/* The uids of the selected flows. */
GStrv             eg_flows_page_dup_selected_uids (EgFlowsPage       *self);
gboolean          eg_flows_page_get_paused       (EgFlowsPage        *self);
void              eg_flows_page_set_paused       (EgFlowsPage        *self,
                                                  gboolean            paused);

G_END_DECLS
