/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-history-page.h: the flows in the database, by time range and filter,
 * long after they scrolled off the live view. */
#pragma once

#include <gtk/gtk.h>

#include "eg-alert-list.h"
#include "eg-explainer.h"
#include "eg-flow-list.h"
#include "eg-flows-page.h"
#include "eg-store.h"

G_BEGIN_DECLS

#define EG_TYPE_HISTORY_PAGE (eg_history_page_get_type ())
G_DECLARE_FINAL_TYPE (EgHistoryPage, eg_history_page, EG, HISTORY_PAGE, GtkWidget)

/* Flows a page holds; the next page follows from the database. */
#define EG_HISTORY_LIMIT 5000

void        eg_history_page_set_sources (EgHistoryPage *self,
                                         EgStore       *store,
                                         EgExplainer   *explainer);
/* from/to: "2018-03-09 20:50" (local time), ISO 8601, or empty for open;
 * filter: the flow filter language. Loads in a thread; "loaded" follows. */
gboolean    eg_history_page_load      (EgHistoryPage *self,
                                       const char    *from,
                                       const char    *to,
                                       const char    *filter,
                                       GError       **error);
/* The time range and filter as typed now, parsed; *filter NULL when none. */
gboolean    eg_history_page_get_query (EgHistoryPage *self,
                                       double        *from,
                                       double        *to,
                                       EgFlowFilter **filter,
                                       GError       **error);
/* The same for people: "from 2018-03-09 20:50 to now, matching “dport 23”". */
char       *eg_history_page_describe_query (EgHistoryPage *self);
/* The range and filter text of the last query loaded; FALSE before one. */
gboolean    eg_history_page_get_loaded_query (EgHistoryPage *self,
                                              double        *from,
                                              double        *to,
                                              const char   **filter);
EgFlowList *eg_history_page_get_flow_list (EgHistoryPage *self);
/* The stored alerts of the loaded range. */
EgAlertList *eg_history_page_get_alert_list (EgHistoryPage *self);
/* Reads page (from 0) of the loaded query; FALSE when there is none. */
gboolean    eg_history_page_show_page (EgHistoryPage *self,
                                       guint          page);
guint       eg_history_page_get_page  (EgHistoryPage *self,
                                       gboolean      *has_more);
EgFlowsPage *eg_history_page_get_flows_page (EgHistoryPage *self);

G_END_DECLS
