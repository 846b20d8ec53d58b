/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The real window, driven through its actions: open a capture, wait for
 * flows and alerts, filter, drill into an alert's evidence, screenshot. */
#include "config.h"

#include <netinet/in.h>

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "eg-alert-list.h"
#include "eg-alerts-page.h"
#include "eg-application.h"
#include "eg-charts-page.h"
#include "eg-dataset-page.h"
#include "eg-error.h"
#include "eg-flow-filter.h"
#include "eg-flow-list.h"
#include "eg-flows-page.h"
#include "eg-history-page.h"
#include "eg-host-timeline.h"
#include "eg-preferences-window.h"
#include "eg-store-private.h"
#include "eg-test-gui.h"
#include "eg-test-util.h"
#include "eg-window.h"
#include "eg-window-private.h"

static EgApplication *app;

static void
wait_until (gboolean (*done) (gpointer data),
            gpointer   data)
{
  eg_test_gui_wait_until (done, data, 120);
}

static gboolean
input_finished (gpointer data)
{
  return !eg_window_get_running (data);
}

static void
let_frames_pass (GtkWidget *widget)
{
  eg_test_gui_let_frames_pass (widget);
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  eg_test_gui_save_screenshot (widget, name);
}

static EgWindow *
open_window (void)
{
  return eg_test_gui_open_window (app);
}

static void
close_window (EgWindow *window)
{
  eg_test_gui_close_window (window);
}

static void
open_capture (EgWindow   *window,
              const char *path)
{
  eg_test_gui_open_capture (window, path);
}

static gboolean
detail_loaded (gpointer data)
{
  return eg_flow_detail_get_uid (data) != NULL && !eg_flow_detail_get_loading (data);
}

/* Selects the flow at position alone and waits for its detail pane. */
static EgFlowDetail *
select_flow (EgFlowsPage *page,
             guint        position)
{
  EgFlowDetail *detail = eg_flows_page_get_detail (page);
  EgFlowList *flows = EG_FLOW_LIST (gtk_multi_selection_get_model (GTK_MULTI_SELECTION (eg_flows_page_get_selection (page))));

  gtk_selection_model_unselect_all (eg_flows_page_get_selection (page));
  g_assert_true (gtk_selection_model_select_item (eg_flows_page_get_selection (page), position, TRUE));
  g_assert_cmpstr (eg_flow_detail_get_uid (detail), ==, eg_flow_list_get_flow (flows, position)->uid);
  wait_until (detail_loaded, detail);
  return detail;
}

/* The shown cells of the table. */
static void
collect_shown_cells (GtkWidget *widget,
                     GPtrArray *cells)
{
  if (g_object_get_data (G_OBJECT (widget), "eg-list-item") != NULL &&
      gtk_widget_get_mapped (widget) && gtk_widget_get_height (widget) > 0)
    g_ptr_array_add (cells, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_shown_cells (child, cells);
}

/* A right click on a shown row through the table's gesture; returns the
 * row's position. */
static guint
right_click_row (EgFlowsPage *page)
{
  GtkWidget *table = GTK_WIDGET (eg_flows_page_get_table (page));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (table);
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  GtkWidget *cell;
  guint position;
  double x, y;

  /* One from the middle of the view, clear of the header. */
  collect_shown_cells (table, cells);
  g_assert_cmpuint (cells->len, >, 0);
  cell = cells->pdata[cells->len / 2];
  position = gtk_list_item_get_position (g_object_get_data (G_OBJECT (cell), "eg-list-item"));
  g_assert_true (gtk_widget_translate_coordinates (cell, table, gtk_widget_get_width (cell) / 2.0,
                                                   gtk_widget_get_height (cell) / 2.0, &x, &y));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller) &&
          gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
        g_signal_emit_by_name (controller, "pressed", 1, x, y);
    }
  return position;
}

static guint
count_flows (EgFlowList *flows,
             guint16     resp_p,
             EgConnState state)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (flows)); i++)
    {
      const EgFlow *flow = eg_flow_list_get_flow (flows, i);

      if (flow->resp_p == resp_p && flow->conn_state == state && flow->proto == IPPROTO_TCP)
        n++;
    }
  return n;
}

static void
test_window_empty (void)
{
  EgWindow *window = open_window ();
  GtkWidget *flows_page = eg_window_get_page (window, "flows");

  g_assert_true (EG_IS_FLOWS_PAGE (flows_page));
  g_assert_true (EG_IS_ALERTS_PAGE (eg_window_get_page (window, "alerts")));
  g_assert_cmpuint (eg_flow_list_get_n_flows (eg_window_get_flow_list (window)), ==, 0);
  g_assert_false (eg_window_get_running (window));
  g_assert_nonnull (strstr (eg_window_get_status_text (window), "packets/s"));
  save_screenshot (GTK_WIDGET (window), "empty");
  close_window (window);
}

static void
test_window_open_capture (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test7-malicious.pcap");
  EgWindow *window;
  EgFlowList *flows;
  EgAlertList *alerts;
  EgFlowsPage *flows_page;
  EgAlertsPage *alerts_page;
  g_autoptr(GError) error = NULL;
  guint n_flows, n_telnet_s0, n_groups;
  gboolean found_scan = FALSE;

  if (path == NULL)
    return;

  window = open_window ();
  flows = eg_window_get_flow_list (window);
  alerts = eg_window_get_alert_list (window);
  flows_page = EG_FLOWS_PAGE (eg_window_get_page (window, "flows"));
  alerts_page = EG_ALERTS_PAGE (eg_window_get_page (window, "alerts"));

  open_capture (window, path);

  /* The Hide'n'Seek bot at 192.168.2.16 sends SYNs to telnet on 54 hosts
   * and none answers (tshark: tcp.dstport==23 && SYN && !icmp). */
  n_flows = g_list_model_get_n_items (G_LIST_MODEL (flows));
  g_test_message ("%u flows, %u alerts", n_flows, eg_alert_list_get_n_alerts (alerts));
  g_assert_cmpuint (n_flows, ==, eg_flow_list_get_n_flows (flows));
  g_assert_cmpuint (n_flows, >, 300);
  n_telnet_s0 = count_flows (flows, 23, EG_CONN_STATE_S0);
  g_assert_cmpuint (n_telnet_s0, ==, 54);

  /* The scan is an alert, shown as a group on the Alerts page. */
  n_groups = g_list_model_get_n_items (G_LIST_MODEL (alerts));
  g_assert_cmpuint (n_groups, >, 0);
  for (guint i = 0; i < n_groups; i++)
    {
      g_autoptr(EgAlertGroup) group = g_list_model_get_item (G_LIST_MODEL (alerts), i);

      if (g_str_equal (eg_alert_group_get_detector (group), "port-scan-horizontal"))
        {
          char src[EG_ADDR_STRLEN];

          g_assert_cmpstr (eg_addr_to_string (eg_alert_group_get_src (group), src), ==,
                           "192.168.2.16");
          found_scan = TRUE;
          gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "alerts");
          eg_alerts_page_select (alerts_page, i);
          g_assert_true (eg_alerts_page_get_selected (alerts_page) == group);
        }
    }
  g_assert_true (found_scan);
  save_screenshot (GTK_WIDGET (window), "alerts");

  /* Filter: the table shows exactly the flows the filter names. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "flows");
  g_assert_true (eg_flows_page_set_filter_text (flows_page, "dport 23 and state S0", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flows)), ==, n_telnet_s0);
  g_assert_cmpuint (count_flows (flows, 23, EG_CONN_STATE_S0), ==, n_telnet_s0);

  /* NOT: the rest of the flows. */
  g_assert_true (eg_flows_page_set_filter_text (flows_page, "not (dport 23 and state S0)", &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flows)), ==, n_flows - n_telnet_s0);

  /* A typo keeps the last good filter and says what is wrong. */
  g_assert_false (eg_flows_page_set_filter_text (flows_page, "dport banana", &error));
  g_assert_error (error, EG_ERROR, EG_ERROR_FORMAT);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flows)), ==, n_flows - n_telnet_s0);

  g_assert_true (eg_flows_page_set_filter_text (flows_page, "", &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flows)), ==, n_flows);

  /* Charts count what the table shows; a click on a bar filters the table. */
  {
    EgChartsPage *charts = EG_CHARTS_PAGE (eg_window_get_page (window, "charts"));
    EgChart *services = eg_charts_page_get_chart (charts, "services");
    EgChart *scores = eg_charts_page_get_chart (charts, "scores");
    double in_top = 0, scored = 0, expected_scored = 0;
    guint n_service;

    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "charts");
    eg_charts_page_refresh (charts);
    g_assert_cmpuint (eg_chart_get_n_bars (services), >, 2);
    for (guint i = 0; i < eg_chart_get_n_bars (services); i++)
      in_top += eg_chart_get_value (services, i);
    g_assert_cmpfloat (in_top, <=, n_flows);
    for (guint i = 0; i < eg_chart_get_n_bars (scores); i++)
      scored += eg_chart_get_value (scores, i);
    for (guint i = 0; i < n_flows; i++)
      expected_scored += eg_flow_list_get_flow (flows, i)->score >= 0;
    g_assert_cmpfloat (scored, ==, expected_scored);
    save_screenshot (GTK_WIDGET (window), "charts");

    n_service = eg_chart_get_value (services, 0);
    g_test_message ("top service %s: %u flows", eg_chart_get_label (services, 0), n_service);
    g_signal_emit_by_name (services, "bar-activated", 0);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flows)), ==, n_service);
    g_assert_true (eg_flows_page_set_filter_text (flows_page, "", &error));
  }

  /* The context menu: a right click selects the row under the pointer. */
  let_frames_pass (GTK_WIDGET (window));
  gtk_selection_model_unselect_all (eg_flows_page_get_selection (flows_page));
  {
    guint clicked = right_click_row (flows_page);

    g_assert_true (gtk_selection_model_is_selected (eg_flows_page_get_selection (flows_page), clicked));
  }
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (eg_flows_page_get_context_menu (flows_page))));
  gtk_popover_popdown (eg_flows_page_get_context_menu (flows_page));

  /* Select a flow: the detail pane shows it, the model's reason for its
   * score and the alerts it is evidence for. */
  {
    guint scan_flow = G_MAXUINT;
    EgFlowDetail *detail;
    GPtrArray *live_alerts;

    for (guint i = 0; i < n_flows && scan_flow == G_MAXUINT; i++)
      if (eg_alert_list_lookup_uid (alerts, eg_flow_list_get_flow (flows, i)->uid) != NULL)
        scan_flow = i;
    g_assert_cmpuint (scan_flow, !=, G_MAXUINT);
    live_alerts = eg_alert_list_lookup_uid (alerts, eg_flow_list_get_flow (flows, scan_flow)->uid);
    detail = select_flow (flows_page, scan_flow);
    g_test_message ("explanation: %s", eg_flow_detail_get_explanation (detail));
    g_assert_true (g_str_has_prefix (eg_flow_detail_get_explanation (detail), "Scored "));
    g_assert_cmpuint (eg_flow_detail_get_n_alerts (detail), ==, live_alerts->len);
    g_assert_cmpuint (eg_flow_detail_get_n_label_changes (detail), ==, 0);
    /* The status line names the model the explanation came from. */
    g_assert_null (strstr (eg_window_get_status_text (window), "model none"));
    g_assert_nonnull (strstr (eg_window_get_status_text (window), "model v"));
  }
  /* The selected row in sight, for the shot. */
  gtk_adjustment_set_value (eg_flows_page_get_vadjustment (flows_page), 0);
  save_screenshot (GTK_WIDGET (window), "flows");

  close_window (window);
}

/* The Alerts page and its drill-down, fed through the window the way the
 * engine feeds it, with evidence from the real flows. */
static void
test_window_alert_evidence (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test7-malicious.pcap");
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);
  EgWindow *window;
  EgFlowList *flows;
  EgAlertList *alerts;
  EgAlertsPage *alerts_page;
  EgAlert *alert;
  guint n_flows, n_evidence = 0;

  if (path == NULL)
    return;

  window = open_window ();
  flows = eg_window_get_flow_list (window);
  alerts = eg_window_get_alert_list (window);
  alerts_page = EG_ALERTS_PAGE (eg_window_get_page (window, "alerts"));
  open_capture (window, path);
  n_flows = g_list_model_get_n_items (G_LIST_MODEL (flows));

  alert = eg_alert_new ("telnet-sweep-test");
  g_assert_true (eg_addr_parse ("192.168.2.16", &alert->src));
  alert->ts = eg_flow_list_get_flow (flows, n_flows - 1)->ts;
  alert->dport = 23;
  alert->threat_level = EG_THREAT_HIGH;
  alert->confidence = 0.9;
  alert->description = g_strdup ("192.168.2.16 opened connections to port 23 on 54 hosts, none answered");
  for (guint i = 0; i < n_flows; i++)
    {
      const EgFlow *flow = eg_flow_list_get_flow (flows, i);

      if (flow->resp_p == 23 && flow->conn_state == EG_CONN_STATE_S0)
        {
          eg_alert_add_uid (alert, flow->uid);
          n_evidence++;
        }
    }
  g_assert_cmpuint (n_evidence, ==, 54);
  g_ptr_array_add (batch, alert);
  eg_window_receive_alerts (window, batch);
  /* A second one from the same detector and source joins the group. */
  eg_window_receive_alerts (window, batch);

  g_assert_cmpuint (eg_alert_list_get_n_alerts (alerts), >=, 2);
  g_assert_cmpuint (eg_notifier_get_n_shown (eg_window_get_notifier (window)), ==, 1);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (alerts)); i++)
    {
      g_autoptr(EgAlertGroup) group = g_list_model_get_item (G_LIST_MODEL (alerts), i);

      if (g_str_equal (eg_alert_group_get_detector (group), "telnet-sweep-test"))
        {
          g_assert_cmpuint (eg_alert_group_get_n_alerts (group), ==, 2);
          g_assert_cmpint (eg_alert_group_get_threat (group), ==, EG_THREAT_HIGH);
          gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "alerts");
          eg_alerts_page_select (alerts_page, i);
        }
    }
  g_assert_nonnull (eg_alerts_page_get_selected (alerts_page));
  save_screenshot (GTK_WIDGET (window), "alert-group");

  /* Drill down: the flows page shows exactly the evidence. */
  eg_alerts_page_show_evidence (alerts_page);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flows)), ==, 54);
  for (guint i = 0; i < 54; i++)
    g_assert_cmpuint (eg_flow_list_get_flow (flows, i)->resp_p, ==, 23);
  save_screenshot (GTK_WIDGET (window), "evidence");
  eg_flows_page_show_all (EG_FLOWS_PAGE (eg_window_get_page (window, "flows")));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flows)), ==, n_flows);

  close_window (window);
}

/* The position of the first group of detector. */
static guint
find_group (EgAlertList *alerts,
            const char  *detector)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (alerts)); i++)
    {
      g_autoptr(EgAlertGroup) group = g_list_model_get_item (G_LIST_MODEL (alerts), i);

      if (g_str_equal (eg_alert_group_get_detector (group), detector))
        return i;
    }
  g_assert_not_reached ();
}

static gboolean
timeline_loaded (gpointer data)
{
  return eg_host_timeline_get_address (data) != NULL && !eg_host_timeline_get_loading (data);
}

/* The host timeline, asked for from an alert and from a flow: the telnet
 * sweep of 192.168.2.16 in plain sentences, and a remote host's country
 * and AS. */
static void
test_window_host_timeline (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test7-malicious.pcap");
  g_autoptr(GRegex) sweep = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *text = NULL;
  EgWindow *window;
  EgFlowList *flows;
  EgAlertList *alerts;
  EgAlertsPage *alerts_page;
  EgHostTimeline *timeline;
  const EgFlow *telnet = NULL;
  char remote[EG_ADDR_STRLEN];
  guint n_swept = 0, n_sentences = 0;

  if (path == NULL)
    return;

  window = open_window ();
  flows = eg_window_get_flow_list (window);
  alerts = eg_window_get_alert_list (window);
  alerts_page = EG_ALERTS_PAGE (eg_window_get_page (window, "alerts"));
  timeline = EG_HOST_TIMELINE (eg_window_get_page (window, "timeline"));
  open_capture (window, path);

  /* From the scan alert's "Source Timeline" button. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "alerts");
  eg_alerts_page_select (alerts_page, find_group (alerts, "port-scan-horizontal"));
  g_assert_true (eg_alerts_page_activate_timeline (alerts_page));
  g_assert_cmpstr (eg_window_get_visible_page (window), ==, "timeline");
  wait_until (timeline_loaded, timeline);
  g_assert_cmpstr (eg_host_timeline_get_address (timeline), ==, "192.168.2.16");
  g_assert_cmpstr (eg_host_timeline_get_location (timeline), ==,
                   "A private address: no country, no AS.");
  text = eg_host_timeline_dup_text (timeline);
  g_test_message ("%s", text);
  g_assert_cmpuint (eg_host_timeline_get_n_periods (timeline), >, 0);

  /* Every telnet SYN that went unanswered is in a sentence that says so. */
  sweep = g_regex_new ("opened (\\d+) connections? to port 23/tcp[^,]* on (\\d+ hosts|[0-9.]+), (none answered|no answer)",
                       0, 0, NULL);
  g_regex_match (sweep, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *n = g_match_info_fetch (match, 1);

      n_swept += atoi (n);
      n_sentences++;
      g_match_info_next (match, NULL);
    }
  g_assert_cmpuint (n_sentences, >, 0);
  g_assert_cmpuint (n_swept, ==, count_flows (flows, 23, EG_CONN_STATE_S0));
  save_screenshot (GTK_WIDGET (window), "timeline");

  /* From a flow's detail pane: a public telnet target, with its country. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (flows)) && telnet == NULL; i++)
    {
      const EgFlow *flow = eg_flow_list_get_flow (flows, i);

      if (flow->resp_p == 23 && !eg_addr_is_private (&flow->resp_h))
        telnet = flow;
    }
  g_assert_nonnull (telnet);
  eg_addr_to_string (&telnet->resp_h, remote);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-host-timeline", "s", remote));
  wait_until (timeline_loaded, timeline);
  g_assert_cmpstr (eg_host_timeline_get_address (timeline), ==, remote);
  g_test_message ("%s: %s", remote, eg_host_timeline_get_location (timeline));
  g_assert_true (g_str_has_prefix (eg_host_timeline_get_location (timeline), "Country "));
  g_clear_pointer (&text, g_free);
  text = eg_host_timeline_dup_text (timeline);
  g_assert_nonnull (strstr (text, "received 1 connection on port 23/tcp from 1 host, it did not answer"));

  /* Not an address: said, nothing shown changes. */
  g_assert_false (eg_host_timeline_show (timeline, "banana", NULL));
  g_assert_cmpstr (eg_host_timeline_get_address (timeline), ==, remote);

  close_window (window);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

static void
on_history_loaded_cb (EgHistoryPage *page,
                      guint          n,
                      int           *loaded)
{
  *loaded = n;
}

static gboolean
history_loaded (gpointer data)
{
  return *(int *) data >= 0;
}

static gboolean
export_done (gpointer data)
{
  return !eg_window_get_exporting (data, NULL);
}

static guint64
run_export (EgWindow   *window,
            const char *path,
            const char *format,
            const char *scope)
{
  guint64 n = 0;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "(sss)",
                                             path, format, scope));
  g_assert_true (eg_window_get_exporting (window, NULL));
  wait_until (export_done, window);
  eg_window_get_exporting (window, &n);
  return n;
}

/* The lines of a file that are not Zeek's # headers. */
static GStrv
read_rows (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GStrvBuilder) rows = g_strv_builder_new ();

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && lines[i][0] != '#')
      g_strv_builder_add (rows, lines[i]);
  return g_strv_builder_end (rows);
}

static int
column_of (const char *header,
           const char *sep,
           const char *name)
{
  g_auto(GStrv) names = g_strsplit (header, sep, -1);

  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return i;
  g_assert_not_reached ();
}

/* Export… of the view (CSV, JSON lines) and of a stored time range
 * (labeled Zeek TSV): the files hold exactly those flows. */
static void
test_window_export (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test7-malicious.pcap");
  g_autofree char *dir = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *json = NULL;
  g_autofree char *zeek = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) rows = NULL;
  EgWindow *window;
  EgFlowsPage *flows_page;
  EgHistoryPage *history;
  GtkWindow *dialog;
  int loaded = -1, port_col;

  if (path == NULL)
    return;

  dir = eg_test_mkdtemp ();
  csv = g_build_filename (dir, "telnet.csv", NULL);
  json = g_build_filename (dir, "telnet.json", NULL);
  zeek = g_build_filename (dir, "telnet.log", NULL);
  window = open_window ();
  flows_page = EG_FLOWS_PAGE (eg_window_get_page (window, "flows"));
  history = EG_HISTORY_PAGE (eg_window_get_page (window, "history"));
  open_capture (window, path);
  g_assert_true (eg_flows_page_set_filter_text (flows_page, "dport 23 and state S0", &error));

  /* Export… asks where, in a file chooser that names what it exports. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
  dialog = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, "Export Flows");
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);

  /* The view as CSV: the 54 rows shown, and nothing else. */
  g_assert_cmpuint (run_export (window, csv, "csv", "view"), ==, 54);
  rows = read_rows (csv);
  g_assert_cmpuint (g_strv_length (rows), ==, 1 + 54);
  port_col = column_of (rows[0], ",", "id.resp_p");
  g_assert_cmpint (column_of (rows[0], ",", "label"), >=, 0);
  for (guint i = 1; rows[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (rows[i], ",", -1);

      g_assert_cmpstr (fields[port_col], ==, "23");
    }
  g_clear_pointer (&rows, g_strfreev);

  /* JSON lines: one object a flow, Zeek's field names. */
  g_assert_cmpuint (run_export (window, json, "json", "view"), ==, 54);
  rows = read_rows (json);
  g_assert_cmpuint (g_strv_length (rows), ==, 54);
  for (guint i = 0; rows[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      g_assert_true (json_parser_load_from_data (parser, rows[i], -1, &error));
      g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)),
                                                   "id.resp_p"), ==, 23);
    }
  g_clear_pointer (&rows, g_strfreev);

  /* A stored time range as labeled Zeek TSV: as many rows as History finds. */
  g_assert_true (eg_store_flush (eg_window_get_store (window), &error));
  g_signal_connect (history, "loaded", G_CALLBACK (on_history_loaded_cb), &loaded);
  g_assert_true (eg_history_page_load (history, "2018-03-09", "", "dport 23 and state S0", &error));
  wait_until (history_loaded, &loaded);
  g_assert_cmpint (loaded, >=, 54);
  g_assert_cmpuint (run_export (window, zeek, "zeek", "range"), ==, loaded);
  rows = read_rows (zeek);
  g_assert_cmpuint (g_strv_length (rows), ==, loaded);
  {
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (zeek, &text, NULL, NULL));
    g_assert_true (g_str_has_prefix (text, "#separator"));
    g_assert_nonnull (strstr (text, "\tlabel\tdetailedlabel"));
  }
  g_signal_handlers_disconnect_by_func (history, on_history_loaded_cb, &loaded);

  /* A folder that does not exist: an error that names the file. */
  {
    g_autofree char *bad = g_build_filename (dir, "missing", "x.csv", NULL);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "(sss)",
                                               bad, "csv", "view"));
    wait_until (export_done, window);
    dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    g_assert_nonnull (dialog);
    g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), bad));
    gtk_window_destroy (dialog);
  }

  close_window (window);
  eg_test_rmdir (dir);
}

static gboolean
labeled_malicious (gpointer data)
{
  EgFlowList *flows = data;

  return eg_flow_list_get_flow (flows, 0)->label_source == EG_LABEL_SOURCE_OPERATOR &&
         g_strcmp0 (eg_flow_list_get_flow (flows, 0)->label, EG_LABEL_MALICIOUS) == 0;
}

static gboolean
label_cleared (gpointer data)
{
  EgFlowList *flows = data;

  return eg_flow_list_get_flow (flows, 0)->label_source != EG_LABEL_SOURCE_OPERATOR;
}

/* Relabel a filtered selection through the window's actions, check the
 * database, undo. */
static void
test_window_relabel (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test7-malicious.pcap");
  g_autoptr(GError) error = NULL;
  EgWindow *window;
  EgFlowList *flows;
  EgFlowsPage *flows_page;
  EgStore *store;
  g_autofree char *uid = NULL;
  EgFlow stored;
  guint n;

  if (path == NULL)
    return;

  window = open_window ();
  store = eg_window_get_store (window);
  g_assert_nonnull (store);
  flows = eg_window_get_flow_list (window);
  flows_page = EG_FLOWS_PAGE (eg_window_get_page (window, "flows"));
  open_capture (window, path);

  g_assert_true (eg_flows_page_set_filter_text (flows_page, "dport 23 and state S0", &error));
  n = g_list_model_get_n_items (G_LIST_MODEL (flows));
  g_assert_cmpuint (n, ==, 54);
  g_assert_true (gtk_selection_model_select_range (eg_flows_page_get_selection (flows_page),
                                                   0, n, TRUE));
  uid = g_strdup (eg_flow_list_get_flow (flows, 0)->uid);
  g_assert_cmpint (eg_flow_list_get_flow (flows, 0)->label_source, !=, EG_LABEL_SOURCE_OPERATOR);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.label", "s", "Malicious"));
  wait_until (labeled_malicious, flows);
  for (guint i = 0; i < n; i++)
    {
      const EgFlow *flow = eg_flow_list_get_flow (flows, i);

      g_assert_cmpstr (flow->label, ==, EG_LABEL_MALICIOUS);
      g_assert_cmpint (flow->label_source, ==, EG_LABEL_SOURCE_OPERATOR);
    }
  /* The database holds the operator's label. */
  g_assert_true (eg_store_get_flow (store, uid, &stored, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (stored.label, ==, EG_LABEL_MALICIOUS);
  g_assert_cmpint (stored.label_source, ==, EG_LABEL_SOURCE_OPERATOR);

  /* The detail pane lists the operator's change in the label history. */
  {
    EgFlowDetail *detail = select_flow (flows_page, 0);

    g_assert_cmpstr (eg_flow_detail_get_uid (detail), ==, uid);
    g_assert_cmpuint (eg_flow_detail_get_n_label_changes (detail), ==, 1);
  }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "dataset");
  save_screenshot (GTK_WIDGET (window), "dataset");

  /* Undo takes the label back, in the table and in the database. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  wait_until (label_cleared, flows);
  g_assert_true (eg_store_get_flow (store, uid, &stored, &error));
  g_assert_cmpint (stored.label_source, !=, EG_LABEL_SOURCE_OPERATOR);
  g_assert_cmpint (eg_flow_list_lookup (flows, uid)->label_source, ==, stored.label_source);
  g_assert_cmpstr (eg_flow_list_lookup (flows, uid)->label, ==, stored.label);

  close_window (window);
}

typedef struct {
  EgFlowList *flows;
  const char *uid;
  const char *label;
} LabelWait;

static gboolean
row_labeled (gpointer data)
{
  LabelWait *wait = data;
  const EgFlow *flow = eg_flow_list_lookup (wait->flows, wait->uid);

  return flow != NULL && flow->label_source == EG_LABEL_SOURCE_OPERATOR &&
         g_strcmp0 (flow->label, wait->label) == 0;
}

static guint
count_stored (EgStore    *store,
              const char *filter_text)
{
  return eg_test_gui_count_stored (store, filter_text);
}

/* Labeling acts on the page shown: the History page's selection there;
 * "label everything the filter matches" goes through the store, so the
 * stored flows outside the table get the label too. */
static void
test_window_label_pages (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test7-malicious.pcap");
  g_autoptr(GError) error = NULL;
  EgWindow *window;
  EgFlowList *flows, *stored_list;
  EgFlowsPage *flows_page;
  EgHistoryPage *history;
  EgStore *store;
  g_autofree char *uid = NULL;
  g_autofree char *live_uid = NULL;
  EgFlow stored;
  LabelWait wait;
  int loaded = -1;
  guint n_live, n_stored;

  if (path == NULL)
    return;

  window = open_window ();
  store = eg_window_get_store (window);
  flows = eg_window_get_flow_list (window);
  flows_page = EG_FLOWS_PAGE (eg_window_get_page (window, "flows"));
  history = EG_HISTORY_PAGE (eg_window_get_page (window, "history"));
  stored_list = eg_history_page_get_flow_list (history);
  open_capture (window, path);
  g_assert_true (eg_store_flush (store, &error));

  /* A live selection that must stay untouched. */
  g_assert_true (eg_flows_page_set_filter_text (flows_page, "dport 9527", &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flows)), >, 0);
  gtk_selection_model_select_item (eg_flows_page_get_selection (flows_page), 0, TRUE);
  live_uid = g_strdup (eg_flow_list_get_flow (flows, 0)->uid);

  /* On the History page, win.label labels History's selection. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "history");
  g_signal_connect (history, "loaded", G_CALLBACK (on_history_loaded_cb), &loaded);
  g_assert_true (eg_history_page_load (history, "", "", "dport 8080", &error));
  wait_until (history_loaded, &loaded);
  g_assert_cmpint (loaded, >, 0);
  gtk_selection_model_select_item (eg_flows_page_get_selection (eg_history_page_get_flows_page (history)),
                                   0, TRUE);
  uid = g_strdup (eg_flow_list_get_flow (stored_list, 0)->uid);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.label", "s", "Benign"));
  wait = (LabelWait) { stored_list, uid, EG_LABEL_BENIGN };
  wait_until (row_labeled, &wait);
  g_assert_true (eg_store_get_flow (store, uid, &stored, &error));
  g_assert_cmpstr (stored.label, ==, EG_LABEL_BENIGN);
  g_assert_cmpint (stored.label_source, ==, EG_LABEL_SOURCE_OPERATOR);
  g_assert_true (eg_store_get_flow (store, live_uid, &stored, &error));
  g_assert_cmpint (stored.label_source, !=, EG_LABEL_SOURCE_OPERATOR);
  g_signal_handlers_disconnect_by_func (history, on_history_loaded_cb, &loaded);

  /* Label everything the Flows filter matches: every stored flow of this
   * session's span that matches, the earlier runs of this capture in the
   * database included, not only the rows of this table. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "flows");
  n_live = g_list_model_get_n_items (G_LIST_MODEL (flows));
  n_stored = count_stored (store, "dport 9527");
  g_test_message ("dport 9527: %u live, %u stored", n_live, n_stored);
  g_assert_cmpuint (n_stored, >=, n_live);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.label-shown", "s", "Malicious"));
  wait = (LabelWait) { flows, live_uid, EG_LABEL_MALICIOUS };
  wait_until (row_labeled, &wait);
  g_assert_cmpuint (count_stored (store, "dport 9527 and source operator and label Malicious"), ==,
                    n_stored);
  for (guint i = 0; i < n_live; i++)
    g_assert_cmpstr (eg_flow_list_get_flow (flows, i)->label, ==, EG_LABEL_MALICIOUS);

  /* One undo takes the whole filter labeling back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  wait_until (label_cleared, flows);
  g_assert_cmpuint (count_stored (store, "dport 9527 and source operator"), ==, 0);

  close_window (window);
}

static gboolean
upload_done (gpointer data)
{
  EgDatasetPage *page = data;
  g_auto(EgSenderProgress) progress = { 0 };

  /* The page drops its sender once everything is acknowledged, then reads
   * the outbox counts again. */
  return !eg_dataset_page_get_upload_progress (page, &progress) &&
         eg_dataset_page_get_pending (page) == 0;
}

/* One click on Upload sends the outbox to a Kafka broker
 * (edgeguard-devbroker); kcat, an independent client, reads it back. */
static void
test_window_upload (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test7-malicious.pcap");
  g_autofree char *kcat = g_find_program_in_path ("kcat");
  g_autofree char *addr = NULL;
  g_autofree char *keys = NULL;
  GSubprocess *broker_proc;
  g_autoptr(GSubprocess) kcat_proc = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  EgWindow *window;
  EgDatasetPage *page;
  guint64 pending;
  guint n_keys = 0;

  if (path == NULL)
    return;
  if (kcat == NULL)
    {
      g_test_skip ("kcat is missing");
      return;
    }
  if ((broker_proc = eg_test_gui_start_broker (&addr)) == NULL)
    return;
  g_settings_set_string (settings, "kafka-bootstrap-servers", addr);

  window = open_window ();
  page = EG_DATASET_PAGE (eg_window_get_page (window, "dataset"));
  open_capture (window, path);
  /* Count once everything the capture gave is committed. */
  g_assert_true (eg_store_flush (eg_window_get_store (window), &error));
  g_assert_no_error (error);
  eg_test_gui_read_counts (page);
  pending = eg_dataset_page_get_pending (page);
  g_test_message ("%" G_GUINT64_FORMAT " flows waiting for upload to %s", pending, addr);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "dataset");
  g_assert_true (eg_dataset_page_start_upload (page, &error));
  g_assert_no_error (error);
  wait_until (upload_done, page);
  save_screenshot (GTK_WIDGET (window), "upload");

  /* Everything the outbox held arrived, once, keyed SENSOR-ID/UID. */
  kcat_proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                &error, kcat, "-C", "-b", addr, "-t", "edgeguard.flows.labeled",
                                "-o", "beginning", "-e", "-q", "-f", "%k\n", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (kcat_proc, NULL, NULL, &keys, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (keys, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      {
        g_assert_nonnull (strchr (lines[i], '/'));
        n_keys++;
      }
  g_assert_cmpuint (n_keys, ==, pending);

  close_window (window);
  eg_test_gui_stop_broker (broker_proc);
}

/* Notifications: a per-detector switch in Preferences mutes a detector; a
 * notification carries the action that opens its alert in the window. */
static void
test_window_notify (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);
  g_auto(GStrv) muted = NULL;
  EgWindow *window = open_window ();
  EgNotifier *notifier = eg_window_get_notifier (window);
  EgAlertsPage *alerts_page = EG_ALERTS_PAGE (eg_window_get_page (window, "alerts"));
  EgAlert *alert;
  GtkWindow *prefs;
  GtkSwitch *sw;
  GVariant *target = NULL;
  const char *action;
  char src[EG_ADDR_STRLEN];

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = find_toplevel (EG_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  sw = eg_preferences_window_get_detector_switch (EG_PREFERENCES_WINDOW (prefs), "port-scan-horizontal");
  g_assert_nonnull (sw);
  g_assert_true (gtk_switch_get_active (sw));
  gtk_switch_set_active (sw, FALSE);
  muted = g_settings_get_strv (settings, "notify-muted-detectors");
  g_assert_true (g_strv_contains ((const char * const *) muted, "port-scan-horizontal"));

  /* Muted: a high-severity scan raises no notification. */
  alert = eg_alert_new ("port-scan-horizontal");
  g_assert_true (eg_addr_parse ("192.168.2.16", &alert->src));
  alert->threat_level = EG_THREAT_HIGH;
  alert->confidence = 1;
  alert->description = g_strdup ("192.168.2.16 scanned port 23 on 54 hosts");
  g_ptr_array_add (batch, alert);
  eg_window_receive_alerts (window, batch);
  g_assert_cmpuint (eg_notifier_get_n_shown (notifier), ==, 0);
  g_assert_null (eg_notifier_get_action (notifier, NULL));

  /* Switched on again: it does, and a click opens that alert's group. */
  gtk_switch_set_active (sw, TRUE);
  g_clear_pointer (&muted, g_strfreev);
  muted = g_settings_get_strv (settings, "notify-muted-detectors");
  g_assert_false (g_strv_contains ((const char * const *) muted, "port-scan-horizontal"));
  gtk_window_destroy (prefs);
  alert->ts += 60;
  eg_window_receive_alerts (window, batch);
  g_assert_cmpuint (eg_notifier_get_n_shown (notifier), ==, 1);
  action = eg_notifier_get_action (notifier, &target);
  g_assert_cmpstr (action, ==, "win.show-alert");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "charts");
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), action, target));
  g_assert_cmpstr (eg_window_get_visible_page (window), ==, "alerts");
  g_assert_nonnull (eg_alerts_page_get_selected (alerts_page));
  g_assert_cmpstr (eg_alert_group_get_detector (eg_alerts_page_get_selected (alerts_page)), ==,
                   "port-scan-horizontal");
  g_assert_cmpstr (eg_addr_to_string (eg_alert_group_get_src (eg_alerts_page_get_selected (alerts_page)), src),
                   ==, "192.168.2.16");
  close_window (window);
}

/* Preferences, About and the shortcuts window open from their actions and
 * build from their templates without a warning (warnings are fatal here). */
static void
test_window_dialogs (void)
{
  EgWindow *window = open_window ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWindow *dialog;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  dialog = find_toplevel (ADW_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (dialog);
  save_screenshot (GTK_WIDGET (dialog), "preferences");
  gtk_window_destroy (dialog);

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  dialog = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (dialog);
  gtk_window_destroy (dialog);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  dialog = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (dialog);
  gtk_window_close (dialog);

  /* The settings action toggles the detail pane's setting. */
  g_settings_set_boolean (settings, "show-details", TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-details", NULL));
  g_assert_false (g_settings_get_boolean (settings, "show-details"));
  g_settings_set_boolean (settings, "show-details", TRUE);

  close_window (window);
}

/* Stored flows come back by filter and time range on the History page. */
static void
test_window_history (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test7-malicious.pcap");
  g_autoptr(GError) error = NULL;
  EgWindow *window;
  EgHistoryPage *history;
  EgFlowList *stored;
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) later = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *shared_db = g_settings_get_string (settings, "database-path");
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  int loaded = -1;
  guint n_all;
  double t0;

  if (path == NULL)
    return;

  /* A database of this test's own: every stored flow once (each run of a
   * capture stores its flows again, under new uids). */
  dir = eg_test_mkdtemp ();
  db = g_build_filename (dir, "history.db", NULL);
  g_settings_set_string (settings, "database-path", db);
  window = open_window ();
  g_settings_set_string (settings, "database-path", shared_db);
  history = EG_HISTORY_PAGE (eg_window_get_page (window, "history"));
  stored = eg_history_page_get_flow_list (history);
  g_signal_connect (history, "loaded", G_CALLBACK (on_history_loaded_cb), &loaded);
  open_capture (window, path);
  g_assert_true (eg_store_flush (eg_window_get_store (window), &error));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "history");
  g_assert_true (eg_history_page_load (history, "", "", "dport 23 and state S0", &error));
  g_assert_no_error (error);
  wait_until (history_loaded, &loaded);
  n_all = loaded;
  g_assert_cmpuint (n_all, ==, 54);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (stored)), ==, n_all);
  t0 = eg_flow_list_get_flow (stored, 0)->ts;
  for (guint i = 0; i < n_all; i++)
    {
      const EgFlow *flow = eg_flow_list_get_flow (stored, i);

      g_assert_cmpuint (flow->resp_p, ==, 23);
      g_assert_cmpint (flow->conn_state, ==, EG_CONN_STATE_S0);
      t0 = MIN (t0, flow->ts);
    }
  save_screenshot (GTK_WIDGET (window), "history");

  /* The stored alerts of the range come with the first page. */
  {
    EgAlertList *stored_alerts = eg_history_page_get_alert_list (history);
    gboolean has_more = TRUE;

    g_assert_cmpuint (eg_history_page_get_page (history, &has_more), ==, 0);
    g_assert_false (has_more);
    g_assert_cmpuint (eg_alert_list_get_n_alerts (stored_alerts), >, 0);
    find_group (stored_alerts, "port-scan-horizontal");
  }

  /* A minute from the first one: fewer, and all inside it. */
  first = g_date_time_new_from_unix_local ((gint64) t0);
  from = g_date_time_format (first, "%Y-%m-%d %H:%M:%S");
  later = g_date_time_add_minutes (first, 1);
  to = g_date_time_format (later, "%Y-%m-%d %H:%M:%S");
  loaded = -1;
  g_assert_true (eg_history_page_load (history, from, to, "dport 23 and state S0", &error));
  wait_until (history_loaded, &loaded);
  g_assert_cmpint (loaded, >, 0);
  g_assert_cmpuint (loaded, <, n_all);
  for (guint i = 0; i < (guint) loaded; i++)
    {
      double ts = eg_flow_list_get_flow (stored, i)->ts;

      g_assert_cmpfloat (ts, >=, (gint64) t0);
      g_assert_cmpfloat (ts, <, (gint64) t0 + 60);
    }

  /* A bad time says so and loads nothing. */
  g_assert_false (eg_history_page_load (history, "yesterday-ish", "", "", &error));
  g_assert_error (error, EG_ERROR, EG_ERROR_FORMAT);

  close_window (window);
  eg_test_rmdir (dir);
}

static void
test_window_pause (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test8-malicious.pcap");
  EgWindow *window;
  EgFlowList *flows;
  guint n_flows;

  if (path == NULL)
    return;

  window = open_window ();
  flows = eg_window_get_flow_list (window);

  /* Paused through its action: nothing moves, everything waits. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.pause", NULL));
  g_assert_true (eg_flow_list_get_paused (flows));
  open_capture (window, path);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flows)), ==, 0);
  n_flows = eg_flow_list_get_n_pending (flows);
  g_assert_cmpuint (n_flows, >, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.pause", NULL));
  g_assert_false (eg_flow_list_get_paused (flows));
  g_assert_cmpuint (eg_flow_list_get_n_pending (flows), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flows)), >, 0);
  close_window (window);
}

static void
test_window_bad_file (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "not-a-capture.pcap", NULL);
  EgWindow *window;

  g_assert_true (g_file_set_contents (path, "this is not a capture\n", -1, NULL));
  window = open_window ();
  /* A bad file ends the input with an error the window shows; no crash. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-file", "s", path);
  wait_until (input_finished, window);
  g_assert_cmpuint (eg_flow_list_get_n_flows (eg_window_get_flow_list (window)), ==, 0);
  close_window (window);
  eg_test_rmdir (dir);
}

static gboolean
status_says_disk_full (gpointer data)
{
  return strstr (eg_window_get_status_text (data), "disk full") != NULL;
}

static gboolean
status_says_room_again (gpointer data)
{
  return strstr (eg_window_get_status_text (data), "disk full") == NULL;
}

/* A full disk while a capture is read: the status line says how many flows
 * wait, and once there is room every flow the table shows is in the
 * database (by uid: a capture read before keeps its rows). */
static void
test_window_disk_full (void)
{
  g_autofree char *demo = eg_test_source_path ("data/demo.pcap");
  g_autoptr(GError) error = NULL;
  EgWindow *window = open_window ();
  EgStore *store = eg_window_get_store (window);
  EgFlowList *flows = eg_window_get_flow_list (window);
  EgStoreWriteState state;
  EgFlow stored;

  eg_store_limit_for_test (store, 1, 0);
  open_capture (window, demo);
  wait_until (status_says_disk_full, window);
  g_assert_nonnull (strstr (eg_window_get_status_text (window), "flows wait to be stored"));
  g_assert_true (gtk_widget_has_css_class (eg_window_get_status_label (window), "error"));
  eg_store_get_write_state (store, &state);
  g_assert_nonnull (state.reason);
  g_assert_cmpuint (state.waiting_flows, >, 0);
  g_assert_cmpuint (state.lost_flows, ==, 0);
  eg_store_write_state_clear (&state);

  eg_store_limit_for_test (store, 0, 0);
  wait_until (status_says_room_again, window);
  g_assert_false (gtk_widget_has_css_class (eg_window_get_status_label (window), "error"));
  g_assert_true (eg_store_flush (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (eg_flow_list_get_n_flows (flows), >, 100);
  for (guint i = 0; i < eg_flow_list_get_n_flows (flows); i++)
    {
      g_assert_true (eg_store_get_flow (store, eg_flow_list_get_flow (flows, i)->uid, &stored,
                                        &error));
      g_assert_no_error (error);
    }
  close_window (window);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gui/window/empty", test_window_empty);
  g_test_add_func ("/gui/window/dialogs", test_window_dialogs);
  g_test_add_func ("/gui/window/notify", test_window_notify);
  g_test_add_func ("/gui/window/open-capture", test_window_open_capture);
  g_test_add_func ("/gui/window/alert-evidence", test_window_alert_evidence);
  g_test_add_func ("/gui/window/host-timeline", test_window_host_timeline);
  g_test_add_func ("/gui/window/export", test_window_export);
  g_test_add_func ("/gui/window/relabel", test_window_relabel);
  g_test_add_func ("/gui/window/label-pages", test_window_label_pages);
  g_test_add_func ("/gui/window/history", test_window_history);
  g_test_add_func ("/gui/window/upload", test_window_upload);
  g_test_add_func ("/gui/window/pause", test_window_pause);
  g_test_add_func ("/gui/window/bad-file", test_window_bad_file);
  g_test_add_func ("/gui/window/disk-full", test_window_disk_full);
  return eg_test_gui_run (&app);
}
