/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-charts-page.h: traffic, flows and alerts over time, top talkers,
 * service share and score distribution of the flows the filter shows. */
#pragma once

#include <gtk/gtk.h>

#include "eg-alert-list.h"
#include "eg-chart.h"
#include "eg-flow-list.h"

G_BEGIN_DECLS

#define EG_TYPE_CHARTS_PAGE (eg_charts_page_get_type ())
G_DECLARE_FINAL_TYPE (EgChartsPage, eg_charts_page, EG, CHARTS_PAGE, GtkWidget)

void     eg_charts_page_set_models (EgChartsPage *self,
                                    EgFlowList   *flows,
                                    EgAlertList  *alerts);
/* Recomputes the charts now (they also follow the flows on their own). */
void     eg_charts_page_refresh    (EgChartsPage *self);
/* "traffic", "activity", "talkers", "services", "scores" */
EgChart *eg_charts_page_get_chart  (EgChartsPage *self,
                                    const char   *name);

G_END_DECLS
