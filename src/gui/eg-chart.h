/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-chart.h: a bar chart drawn in snapshot with cairo: columns over time
 * (one or two series) or labeled horizontal bars. Hover shows the value;
 * a click on a bar emits "bar-activated". */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  EG_CHART_COLUMNS,   /* vertical bars left to right, e.g. per minute */
  EG_CHART_BARS,      /* horizontal bars, one labeled row each */
} EgChartKind;

typedef enum {
  EG_CHART_UNIT_COUNT,
  EG_CHART_UNIT_BYTES,
} EgChartUnit;

#define EG_TYPE_CHART (eg_chart_get_type ())
G_DECLARE_FINAL_TYPE (EgChart, eg_chart, EG, CHART, GtkWidget)

GtkWidget *eg_chart_new          (EgChartKind         kind,
                                  EgChartUnit         unit);
/* labels: one per bar; values2 (or NULL): a second series drawn beside the
 * first, named by series2 in the legend. */
void       eg_chart_set_data     (EgChart            *self,
                                  const char * const *labels,
                                  const double       *values,
                                  const double       *values2,
                                  guint               n);
void       eg_chart_set_series   (EgChart            *self,
                                  const char         *series1,
                                  const char         *series2);
guint      eg_chart_get_n_bars   (EgChart            *self);
double     eg_chart_get_value    (EgChart            *self,
                                  guint               index);
/* The second series' value (the chart must have one). */
double     eg_chart_get_value2   (EgChart            *self,
                                  guint               index);
const char *eg_chart_get_label   (EgChart            *self,
                                  guint               index);
/* What hovering the bar shows: its label and value(s). */
char      *eg_chart_dup_value_text (EgChart          *self,
                                  guint               index);
/* The bar under the pointer (drawn brighter), or -1. */
int        eg_chart_get_hover    (EgChart            *self);
/* The bar under (x, y) in widget coordinates, or -1. */
int        eg_chart_bar_at       (EgChart            *self,
                                  double              x,
                                  double              y);

G_END_DECLS
