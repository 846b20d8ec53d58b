/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow-list.h: the live flows as a GListModel of EgFlowRow.
 *
 * Flows live in one packed array; the model keeps the positions that pass
 * its query, ordered by its sorter, and makes a row object only when a view
 * asks for one. Batches merge in place (interim updates replace their flow
 * by uid), so a few hundred thousand flows cost their bytes and no more.
 */
#pragma once

#include <gtk/gtk.h>

#include "eg-flow.h"

G_BEGIN_DECLS

#define EG_TYPE_FLOW_LIST (eg_flow_list_get_type ())
G_DECLARE_FINAL_TYPE (EgFlowList, eg_flow_list, EG, FLOW_LIST, GObject)

typedef gboolean (*EgFlowMatchFunc) (const EgFlow *flow,
                                     gpointer      user_data);

EgFlowList   *eg_flow_list_new           (void);
/* Adds a batch; flows whose uid is known replace the older record. */
void          eg_flow_list_add           (EgFlowList   *self,
                                          const EgFlow *flows,
                                          guint         n_flows);
/* Replaces known flows at once, paused or not: the operator's own edits. */
void          eg_flow_list_update        (EgFlowList   *self,
                                          const EgFlow *flows,
                                          guint         n_flows);
void          eg_flow_list_clear         (EgFlowList   *self);
/* Holds exactly flows from now on (a new page of stored flows), in one
 * change that lets views keep their row widgets. */
void          eg_flow_list_replace_all   (EgFlowList   *self,
                                          const EgFlow *flows,
                                          guint         n_flows);
/* Any sorter comparing EgFlowRow items, such as a GtkColumnView's. */
void          eg_flow_list_set_sorter    (EgFlowList   *self,
                                          GtkSorter    *sorter);
/* Shows only flows for which func returns TRUE; NULL shows every flow. */
void          eg_flow_list_set_match_func (EgFlowList     *self,
                                           EgFlowMatchFunc func,
                                           gpointer        user_data,
                                           GDestroyNotify  destroy);
/* While paused, batches wait and the rows stay where they are. */
void          eg_flow_list_set_paused    (EgFlowList   *self,
                                          gboolean      paused);
gboolean      eg_flow_list_get_paused    (EgFlowList   *self);
guint         eg_flow_list_get_n_flows   (EgFlowList   *self);
guint         eg_flow_list_get_n_pending (EgFlowList   *self);
/* The flow shown at position, valid until the next change. */
const EgFlow *eg_flow_list_get_flow      (EgFlowList   *self,
                                          guint         position);
const EgFlow *eg_flow_list_lookup        (EgFlowList   *self,
                                          const char   *uid);
/* The first and last ts of every flow held, shown or not; FALSE when empty. */
gboolean      eg_flow_list_get_time_span (EgFlowList  *self,
                                          double      *first,
                                          double      *last);
/* Calls func for every stored flow, shown or not, in arrival order. */
void          eg_flow_list_foreach       (EgFlowList   *self,
                                          void        (*func) (const EgFlow *flow,
                                                               gpointer      user_data),
                                          gpointer      user_data);

G_END_DECLS
