/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The charts of the real window: hovering a bar shows its values, a click
 * on a time bucket filters the flows table to the flows of that bucket. */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "eg-charts-page.h"
#include "eg-flows-page.h"
#include "eg-test-gui.h"
#include "eg-test-util.h"
#include "eg-window-private.h"

static EgApplication *app;

static gboolean
allocated (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 100;
}

/* The widget's controller of type. */
static GtkEventController *
controller_of (GtkWidget *widget,
               GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;   /* the widget keeps it */
    }
  g_assert_not_reached ();
}

/* The middle of bar index, halfway up. */
static double
bar_x (EgChart *chart,
       guint    index)
{
  double y = gtk_widget_get_height (GTK_WIDGET (chart)) / 2.0;
  double first = -1, last = -1;

  for (double x = 0; x < gtk_widget_get_width (GTK_WIDGET (chart)); x += 0.5)
    if (eg_chart_bar_at (chart, x, y) == (int) index)
      {
        if (first < 0)
          first = x;
        last = x;
      }
  g_assert_cmpfloat (first, >=, 0);
  return (first + last) / 2;
}

static void
totals (EgFlowList *flows,
        guint      *n,
        double     *out,
        double     *in)
{
  *n = g_list_model_get_n_items (G_LIST_MODEL (flows));
  *out = *in = 0;
  for (guint i = 0; i < *n; i++)
    {
      *out += eg_flow_list_get_flow (flows, i)->orig_bytes;
      *in += eg_flow_list_get_flow (flows, i)->resp_bytes;
    }
}

/* A click on bucket of chart, as the pointer makes it; the table then
 * holds what the charts counted in that bucket. */
static void
click_bucket (EgWindow     *window,
              EgChartsPage *page,
              EgChart      *chart,
              guint         bucket)
{
  EgChart *traffic = eg_charts_page_get_chart (page, "traffic");
  EgChart *activity = eg_charts_page_get_chart (page, "activity");
  EgFlowsPage *flows_page = EG_FLOWS_PAGE (eg_window_get_page (window, "flows"));
  double want_n = eg_chart_get_value (activity, bucket);
  double want_out = eg_chart_get_value (traffic, bucket);
  double want_in = eg_chart_get_value2 (traffic, bucket);
  double x = bar_x (chart, bucket), out, in;
  guint n;

  g_signal_emit_by_name (controller_of (GTK_WIDGET (chart), GTK_TYPE_GESTURE_CLICK), "released",
                         1, x, gtk_widget_get_height (GTK_WIDGET (chart)) / 2.0);
  g_test_message ("bucket %u (%s): “%s”", bucket, eg_chart_get_label (chart, bucket),
                  eg_flows_page_get_filter_text (flows_page));
  g_assert_cmpstr (eg_window_get_visible_page (window), ==, "flows");
  g_assert_true (g_str_has_prefix (eg_flows_page_get_filter_text (flows_page), "ts "));
  totals (eg_window_get_flow_list (window), &n, &out, &in);
  g_assert_cmpfloat (n, ==, want_n);
  g_assert_cmpfloat (out, ==, want_out);
  g_assert_cmpfloat (in, ==, want_in);

  /* Back to every flow and the charts of all of them. */
  g_assert_true (eg_flows_page_set_filter_text (flows_page, "", NULL));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "charts");
  eg_charts_page_refresh (page);
}

static void
test_time_charts (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test7-malicious.pcap");
  EgChartsPage *page;
  EgChart *traffic, *activity;
  EgWindow *window;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *out_text = NULL;
  g_autofree char *in_text = NULL;
  guint n_bars, busiest = 1, last_busy = 0;
  double x;

  if (path == NULL)
    return;
  window = eg_test_gui_open_window (app);
  eg_test_gui_open_capture (window, path);
  page = EG_CHARTS_PAGE (eg_window_get_page (window, "charts"));
  traffic = eg_charts_page_get_chart (page, "traffic");
  activity = eg_charts_page_get_chart (page, "activity");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "charts");
  eg_test_gui_wait_until (allocated, traffic, 60);
  eg_charts_page_refresh (page);
  n_bars = eg_chart_get_n_bars (traffic);
  g_assert_cmpuint (n_bars, >, 2);
  g_assert_cmpuint (eg_chart_get_n_bars (activity), ==, n_bars);

  /* The busiest inner bucket: bounded on both sides. */
  for (guint i = 1; i + 1 < n_bars; i++)
    {
      if (eg_chart_get_value (activity, i) > eg_chart_get_value (activity, busiest))
        busiest = i;
      if (eg_chart_get_value (activity, i) > 0)
        last_busy = i;
    }
  g_assert_cmpfloat (eg_chart_get_value (activity, busiest), >, 0);

  /* Hover: the pointer over the bar brightens it and shows its values. */
  x = bar_x (traffic, busiest);
  g_signal_emit_by_name (controller_of (GTK_WIDGET (traffic), GTK_TYPE_EVENT_CONTROLLER_MOTION),
                         "motion", x, gtk_widget_get_height (GTK_WIDGET (traffic)) / 2.0);
  g_assert_cmpint (eg_chart_get_hover (traffic), ==, busiest);
  out_text = g_format_size ((guint64) eg_chart_get_value (traffic, busiest));
  in_text = g_format_size ((guint64) eg_chart_get_value2 (traffic, busiest));
  expected = g_strdup_printf ("%s\nSent by originators: %s\nSent by responders: %s",
                              eg_chart_get_label (traffic, busiest), out_text, in_text);
  text = eg_chart_dup_value_text (traffic, busiest);
  g_test_message ("hover: %s", text);
  g_assert_cmpstr (text, ==, expected);
  g_signal_emit_by_name (controller_of (GTK_WIDGET (traffic), GTK_TYPE_EVENT_CONTROLLER_MOTION),
                         "leave");
  g_assert_cmpint (eg_chart_get_hover (traffic), ==, -1);

  /* Clicks: an inner bucket of each time chart, the first and the last. */
  click_bucket (window, page, traffic, busiest);
  if (last_busy != busiest && last_busy > 0)
    click_bucket (window, page, activity, last_busy);
  click_bucket (window, page, activity, 0);
  click_bucket (window, page, traffic, n_bars - 1);

  eg_test_gui_close_window (window);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gui/charts/time", test_time_charts);
  return eg_test_gui_run (&app);
}
