/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-window.h"
#include "eg-window-private.h"

#include <glib/gi18n.h>

#include "eg-alerts-page.h"
#include "eg-capture.h"
#include "eg-capture-check.h"
#include "eg-charts-page.h"
#include "eg-dataset-page.h"
#include "eg-engine.h"
#include "eg-error.h"
#include "eg-explainer.h"
#include "eg-export.h"
#include "eg-flow-feed.h"
#include "eg-flows-page.h"
#include "eg-history-page.h"
#include "eg-host-timeline.h"
#include "eg-notifier.h"
#include "eg-settings-config.h"
#include "eg-store.h"

struct _EgWindow
{
  AdwApplicationWindow parent_instance;

  /* Template */
  GtkDropDown         *interface_dropdown;
  GtkEntry            *filter_entry;
  GtkButton           *capture_button;
  AdwViewStack        *view_stack;
  AdwViewStackPage    *alerts_stack_page;
  AdwToastOverlay     *toast_overlay;
  GtkRevealer         *capture_banner;
  GtkLabel            *capture_banner_label;
  EgFlowsPage         *flows_page;
  EgAlertsPage        *alerts_page;
  EgDatasetPage       *dataset_page;
  EgChartsPage        *charts_page;
  EgHistoryPage       *history_page;
  EgHostTimeline      *host_timeline;
  GtkLabel            *state_label;
  GtkLabel            *status_label;
  GtkProgressBar      *progress_bar;

  GSettings           *settings;
  GtkStringList       *interfaces;
  EgFlowList          *flows;
  EgAlertList         *alerts;
  EgNotifier          *notifier;
  EgEngine            *engine;
  EgStore             *store;         /* NULL when the database cannot open */
  EgExplainer         *explainer;     /* NULL when the settings are not valid */
  EgLabelRuleSet      *rules;         /* the store's label rules, NULL: none */
  GQueue               undo_uids;     /* GStrv of each labeling, newest last */
  GCancellable        *cancellable;
  gint64               last_counts_refresh;
  char                *input_name;   /* what the engine reads, for people */
  gboolean             live;
  gboolean             running;
  gboolean             filter_valid;
  EgFlowFeed          *feed;          /* flows on their way to the table */
  gboolean             finish_pending; /* the input ended; the feed drains */
  GError              *finish_error;
  gboolean             exporting;
  guint64              n_exported;
  AdwToast            *warning_toast;
  GPtrArray           *toasts;        /* AdwToast * shown, not owned */
  guint                n_warnings;
  gboolean             disk_full;       /* the store holds writes back */
  guint                disk_watch;      /* while it does: the status each second */
};

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_PAUSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (EgWindow, eg_window, ADW_TYPE_APPLICATION_WINDOW)

static void
update_actions (EgWindow *self)
{
  gboolean have_iface = g_list_model_get_n_items (G_LIST_MODEL (self->interfaces)) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start-capture",
                                 !self->running && have_iface && self->filter_valid);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", self->running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->interface_dropdown), !self->running && have_iface);
  gtk_widget_set_sensitive (GTK_WIDGET (self->filter_entry), !self->running);

  if (self->running)
    {
      gtk_button_set_icon_name (self->capture_button, "media-playback-stop-symbolic");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->capture_button), "win.stop");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->capture_button), _("Stop"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->capture_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->capture_button), "destructive-action");
    }
  else
    {
      gtk_button_set_icon_name (self->capture_button, "media-record-symbolic");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->capture_button), "win.start-capture");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->capture_button), _("Start Live Capture"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->capture_button), "destructive-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->capture_button), "suggested-action");
    }
}

static void
set_running (EgWindow *self,
             gboolean  running)
{
  if (self->running == running)
    return;
  self->running = running;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
show_error (EgWindow   *self,
            const char *heading,
            const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_toast_dismissed_cb (AdwToast *toast,
                       EgWindow *self)
{
  g_ptr_array_remove_fast (self->toasts, toast);
}

/* Toasts shown are tracked, so they can all be dismissed at once. */
static void
add_toast (EgWindow *self,
           AdwToast *toast)
{
  g_ptr_array_add (self->toasts, toast);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_toast (EgWindow   *self,
            const char *title)
{
  g_autofree char *escaped = g_markup_escape_text (title, -1);

  add_toast (self, adw_toast_new (escaped));
}

void
eg_window_dismiss_toasts (EgWindow *self)
{
  g_autoptr(GPtrArray) toasts = NULL;

  g_return_if_fail (EG_IS_WINDOW (self));

  toasts = g_ptr_array_copy (self->toasts, (GCopyFunc) g_object_ref, NULL);
  g_ptr_array_set_free_func (toasts, g_object_unref);
  for (guint i = 0; i < toasts->len; i++)
    adw_toast_dismiss (toasts->pdata[i]);
}

/* Status line */

static char *
format_count (guint64 n)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

static void update_status (EgWindow *self);

/* With no capture running, nothing else updates the status line. */
static gboolean
on_disk_watch_cb (gpointer data)
{
  update_status (data);
  return G_SOURCE_CONTINUE;
}

/* A full disk: flows wait in memory (eg_store_get_write_state). The status
 * line says how many while it lasts; a toast marks its start and end. */
static void
update_disk_state (EgWindow  *self,
                   char     **status)
{
  EgStoreWriteState state;
  g_autofree char *waiting = NULL;

  if (self->store == NULL)
    return;
  eg_store_get_write_state (self->store, &state);
  if (state.reason != NULL)
    {
      char *full;

      waiting = format_count (state.waiting_flows);
      /* Translators: the status line while the disk is full; %s: the status
       * line, then a number of flows. */
      full = g_strdup_printf (_("%s · disk full: %s flows wait to be stored"), *status, waiting);
      g_free (*status);
      *status = full;
      if (!self->disk_full)
        {
          show_toast (self, _("The disk is full: flows wait in memory and are stored once "
                              "there is room"));
          gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
          self->disk_watch = g_timeout_add_seconds (1, on_disk_watch_cb, self);
        }
      self->disk_full = TRUE;
    }
  else if (self->disk_full)
    {
      g_autofree char *lost = format_count (state.lost_flows);
      g_autofree char *title = state.lost_flows
        ? g_strdup_printf (_("There is room again; %s flows that waited too long were given up"),
                           lost)
        : g_strdup (_("There is room again: the flows that waited are stored"));

      show_toast (self, title);
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
      g_clear_handle_id (&self->disk_watch, g_source_remove);
      self->disk_full = FALSE;
    }
  eg_store_write_state_clear (&state);
}

static void
update_status (EgWindow *self)
{
  EgEngineStats stats = { 0 };
  g_autofree char *pps = NULL;
  g_autofree char *active = NULL;
  g_autofree char *drops = NULL;
  g_autofree char *evictions = NULL;
  g_autofree char *model = NULL;
  g_autofree char *text = NULL;
  g_autofree char *state = NULL;
  g_autofree char *queue = NULL;

  if (self->engine != NULL)
    eg_engine_get_stats (self->engine, &stats);
  queue = self->store != NULL ? format_count (eg_dataset_page_get_pending (self->dataset_page))
                              : g_strdup ("–");

  pps = g_strdup_printf ("%'.0f", stats.packets_per_second);
  active = format_count (stats.active_flows);
  drops = format_count (stats.capture_drops + stats.queue_drops);
  evictions = format_count (stats.evictions);
  /* The engine's stats leave model_version 0; the explainer loads the
   * model the engine scores with. */
  if (stats.model_version == 0 && self->explainer != NULL)
    stats.model_version = eg_explainer_get_model_version (self->explainer);
  model = stats.model_version != 0 ? g_strdup_printf ("v%u", stats.model_version)
                                   : g_strdup (C_("model version", "none"));
  /* Translators: the status line at the bottom of the window. */
  text = g_strdup_printf (_("%s packets/s · %s active flows · %s drops · %s evictions · "
                            "model %s · upload queue %s"),
                          pps, active, drops, evictions, model, queue);
  update_disk_state (self, &text);
  gtk_label_set_text (self->status_label, text);

  if (self->engine == NULL)
    state = g_strdup (_("Idle"));
  else if (self->running && self->live)
    state = g_strdup_printf (_("Capturing on %s"), self->input_name);
  else if (self->running)
    state = g_strdup_printf (_("Reading %s"), self->input_name);
  else
    state = g_strdup_printf (_("Finished %s"), self->input_name);
  gtk_label_set_text (self->state_label, state);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), self->running && !self->live);
  if (stats.progress >= 0)
    gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (stats.progress, 0.0, 1.0));
}

/* Engine */

static void finish_input (EgWindow     *self,
                          const GError *error);

/* The feed puts flows into the table in slices between frames, so a big
 * batch (the flush at the end of a capture holds every flow still open)
 * never keeps a frame from being drawn. */
static void
on_feed_drained_cb (EgFlowFeed *feed,
                    EgWindow   *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->finish_pending)
    return;
  error = g_steal_pointer (&self->finish_error);
  self->finish_pending = FALSE;
  finish_input (self, error);
}

/* What the store does to them on the way in, so the table shows the label
 * the database holds. */
static gboolean
apply_rules (const EgLabelRuleSet *rules,
             EgFlow               *flow)
{
  const char *label, *detailed;

  if (flow->label_source > EG_LABEL_SOURCE_RULE
      || !eg_label_rule_set_match (rules, flow, &label, &detailed))
    return FALSE;
  flow->label = label;
  flow->detailed_label = detailed;
  flow->label_source = EG_LABEL_SOURCE_RULE;
  return TRUE;
}

static void
on_engine_flows_cb (EgEngine *engine,
                    GArray   *flows,
                    EgWindow *self)
{
  for (guint i = 0; self->rules != NULL && i < flows->len; i++)
    if (g_array_index (flows, EgFlow, i).label_source < EG_LABEL_SOURCE_RULE)
      apply_rules (self->rules, &g_array_index (flows, EgFlow, i));
  eg_flow_feed_push (self->feed, flows);
}

static void
clear_incoming (EgWindow *self)
{
  if (self->feed != NULL)
    eg_flow_feed_clear (self->feed);
  self->finish_pending = FALSE;
  g_clear_error (&self->finish_error);
}

void
eg_window_receive_alerts (EgWindow  *self,
                          GPtrArray *alerts)
{
  g_return_if_fail (EG_IS_WINDOW (self));

  eg_alert_list_add (self->alerts, alerts);
  eg_notifier_add_alerts (self->notifier, alerts);
}

static void
on_engine_alerts_cb (EgEngine  *engine,
                     GPtrArray *alerts,
                     EgWindow  *self)
{
  eg_window_receive_alerts (self, alerts);
}

static void
on_engine_stats_cb (EgEngine *engine,
                    EgWindow *self)
{
  gint64 now = g_get_monotonic_time ();

  /* The label counts come from the database: every few seconds is enough. */
  if (now - self->last_counts_refresh > 3 * G_USEC_PER_SEC)
    {
      self->last_counts_refresh = now;
      eg_dataset_page_refresh (self->dataset_page);
    }
  update_status (self);
}

/* In the engine's worker thread: every flow and alert goes to the store. */
static void
store_sink (const EgFlow *flows,
            guint         n_flows,
            GPtrArray    *alerts,
            gpointer      user_data)
{
  EgStore *store = user_data;

  if (n_flows > 0)
    eg_store_add_flows (store, flows, n_flows);
  if (alerts != NULL && alerts->len > 0)
    {
      GPtrArray *copy = g_ptr_array_new_full (alerts->len, (GDestroyNotify) eg_alert_free);

      for (guint i = 0; i < alerts->len; i++)
        g_ptr_array_add (copy, eg_alert_copy (g_ptr_array_index (alerts, i)));
      eg_store_add_alerts (store, copy);
    }
}

static void
on_warning_toast_dismissed_cb (AdwToast *toast,
                               EgWindow *self)
{
  if (self->warning_toast == toast)
    {
      self->warning_toast = NULL;
      self->n_warnings = 0;
    }
}

static void
on_engine_warning_cb (EgEngine   *engine,
                      const char *message,
                      EgWindow   *self)
{
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;

  /* A bad flow log can warn thousands of times: one toast that counts. */
  self->n_warnings++;
  if (self->n_warnings == 1)
    title = g_strdup (message);
  else
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (and %u more warning)",
                                          "%s (and %u more warnings)", self->n_warnings - 1),
                             message, self->n_warnings - 1);
  /* Toast titles are markup in libadwaita 1.2. */
  escaped = g_markup_escape_text (title, -1);
  if (self->warning_toast == NULL)
    {
      self->warning_toast = adw_toast_new (escaped);
      adw_toast_set_timeout (self->warning_toast, 8);
      g_signal_connect (self->warning_toast, "dismissed",
                        G_CALLBACK (on_warning_toast_dismissed_cb), self);
      add_toast (self, self->warning_toast);
    }
  else
    adw_toast_set_title (self->warning_toast, escaped);
}

/* The input ended and every flow it gave is in the table. */
static void
finish_input (EgWindow     *self,
              const GError *error)
{
  set_running (self, FALSE);
  eg_dataset_page_refresh (self->dataset_page);
  update_status (self);
  if (error != NULL)
    {
      g_autofree char *heading = g_strdup_printf (_("Could not read %s"), self->input_name);

      show_error (self, heading, error->message);
    }
  else if (!self->live)
    {
      g_autofree char *title = NULL;
      guint n_flows = eg_flow_list_get_n_flows (self->flows);
      guint n_alerts = eg_alert_list_get_n_alerts (self->alerts);

      title = g_strdup_printf (_("Read %s: %u flows, %u alerts"),
                               self->input_name, n_flows, n_alerts);
      show_toast (self, title);
    }
}

static void
on_engine_finished_cb (EgEngine *engine,
                       gpointer  error_ptr,
                       EgWindow *self)
{
  const GError *error = error_ptr;

  if (eg_flow_feed_is_empty (self->feed))
    {
      finish_input (self, error);
      return;
    }
  /* Running until the last chunk is in the table. */
  self->finish_pending = TRUE;
  self->finish_error = error != NULL ? g_error_copy (error) : NULL;
}

static void
drop_engine (EgWindow *self)
{
  clear_incoming (self);
  if (self->engine == NULL)
    return;
  if (eg_engine_is_running (self->engine))
    eg_engine_stop (self->engine);
  g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);
  set_running (self, FALSE);
}

/* A fresh engine and an empty view for a new input. */
static EgEngine *
new_engine (EgWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EgConfig) config = eg_config_new_from_settings (self->settings, &error);

  if (config == NULL)
    {
      show_error (self, _("The settings are not valid"), error->message);
      return NULL;
    }

  drop_engine (self);
  eg_flow_list_clear (self->flows);
  eg_alert_list_clear (self->alerts);
  eg_flows_page_show_all (self->flows_page);

  self->engine = eg_engine_new (config);
  if (self->store != NULL)
    eg_engine_set_sink (self->engine, store_sink, self->store);
  g_signal_connect (self->engine, "flows", G_CALLBACK (on_engine_flows_cb), self);
  g_signal_connect (self->engine, "alerts", G_CALLBACK (on_engine_alerts_cb), self);
  g_signal_connect (self->engine, "stats", G_CALLBACK (on_engine_stats_cb), self);
  g_signal_connect (self->engine, "warning", G_CALLBACK (on_engine_warning_cb), self);
  g_signal_connect (self->engine, "finished", G_CALLBACK (on_engine_finished_cb), self);
  return self->engine;
}

void
eg_window_open_files (EgWindow  *self,
                      GFile    **files,
                      int        n_files)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  EgEngine *engine;

  g_return_if_fail (EG_IS_WINDOW (self));

  for (int i = 0; i < n_files; i++)
    {
      char *path = g_file_get_path (files[i]);

      if (path == NULL)
        {
          g_autofree char *uri = g_file_get_uri (files[i]);
          g_autofree char *body = g_strdup_printf (_("“%s” is not a local file. Copy it to "
                                                     "this computer and open the copy."), uri);

          show_error (self, _("Cannot open the file"), body);
          return;
        }
      g_ptr_array_add (paths, path);
    }
  if (paths->len == 0)
    return;
  g_ptr_array_add (paths, NULL);

  engine = new_engine (self);
  if (engine == NULL)
    return;

  g_free (self->input_name);
  if (n_files == 1)
    self->input_name = g_file_get_basename (files[0]);
  else
    self->input_name = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d file", "%d files",
                                                     n_files), n_files);
  self->live = FALSE;
  if (!eg_engine_start_files (engine, (const char * const *) paths->pdata,
                              g_settings_get_boolean (self->settings, "replay-realtime"),
                              &error))
    {
      g_autofree char *heading = g_strdup_printf (_("Could not open %s"), self->input_name);

      show_error (self, heading, error->message);
      update_status (self);
      return;
    }
  set_running (self, TRUE);
  adw_view_stack_set_visible_child_name (self->view_stack, "flows");
  update_status (self);
}

static void
start_capture (EgWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *iface = g_settings_get_string (self->settings, "interface");
  EgEngine *engine;

  if (!eg_capture_check_permission (iface, &error))
    {
      gtk_label_set_text (self->capture_banner_label, error->message);
      gtk_revealer_set_reveal_child (self->capture_banner, TRUE);
      return;
    }
  gtk_revealer_set_reveal_child (self->capture_banner, FALSE);

  engine = new_engine (self);
  if (engine == NULL)
    return;
  g_free (self->input_name);
  self->input_name = g_strdup (iface);
  self->live = TRUE;
  if (!eg_engine_start_live (engine, -1, &error))
    {
      g_autofree char *heading = g_strdup_printf (_("Could not capture on %s"), iface);

      show_error (self, heading, error->message);
      return;
    }
  set_running (self, TRUE);
  update_status (self);
}

/* Header bar controls */

static void
on_interface_selected_cb (GtkDropDown *dropdown,
                          GParamSpec  *pspec,
                          EgWindow    *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  const char *name;

  if (selected == GTK_INVALID_LIST_POSITION)
    return;
  name = gtk_string_list_get_string (self->interfaces, selected);
  g_settings_set_string (self->settings, "interface", name);
}

static void
load_interfaces (EgWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ifaces = eg_capture_list_interfaces (&error);
  g_autofree char *wanted = g_settings_get_string (self->settings, "interface");
  guint selected = 0;

  if (ifaces == NULL || ifaces[0] == NULL)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->interface_dropdown),
                                   error != NULL ? error->message
                                                 : _("No network interface can be captured: "
                                                     "open a capture file instead."));
      update_actions (self);
      return;
    }
  for (guint i = 0; ifaces[i] != NULL; i++)
    {
      gtk_string_list_append (self->interfaces, ifaces[i]);
      if (g_strcmp0 (ifaces[i], wanted) == 0)
        selected = i;
    }
  gtk_drop_down_set_selected (self->interface_dropdown, selected);
  on_interface_selected_cb (self->interface_dropdown, NULL, self);
  update_actions (self);
}

static void
on_filter_changed_cb (GtkEditable *editable,
                      EgWindow    *self)
{
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (editable);

  self->filter_valid = eg_bpf_filter_validate (text, &error);
  if (self->filter_valid)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->filter_entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->filter_entry),
                                   _("Capture filter in tcpdump syntax, such as “tcp port 23”"));
      g_settings_set_string (self->settings, "bpf-filter", text);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->filter_entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->filter_entry), error->message);
    }
  update_actions (self);
}

static void
on_banner_close_clicked_cb (GtkButton *button,
                            EgWindow  *self)
{
  gtk_revealer_set_reveal_child (self->capture_banner, FALSE);
}

static void
on_show_evidence_cb (EgAlertsPage       *page,
                     const char * const *uids,
                     const char         *what,
                     EgWindow           *self)
{
  eg_flows_page_show_uids (self->flows_page, uids, what);
  adw_view_stack_set_visible_child_name (self->view_stack, "flows");
}

static void
on_chart_filter_requested_cb (EgChartsPage *page,
                              const char   *text,
                              EgWindow     *self)
{
  eg_flows_page_set_filter_text (self->flows_page, text, NULL);
  adw_view_stack_set_visible_child_name (self->view_stack, "flows");
}

static void
on_n_alerts_changed_cb (EgWindow *self)
{
  guint n = eg_alert_list_get_n_alerts (self->alerts);

  adw_view_stack_page_set_badge_number (self->alerts_stack_page, n);
  adw_view_stack_page_set_needs_attention (self->alerts_stack_page, n > 0);
}

static void
on_notification_clicked_cb (EgWindow   *self,
                            const char *action_name,
                            GVariant   *target)
{
  gtk_widget_activate_action_variant (GTK_WIDGET (self), action_name, target);
}

/* (detector, source): the Alerts page with that group open. */
static void
show_alert_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  EgWindow *self = EG_WINDOW (widget);
  const char *detector, *src;
  guint position;

  g_variant_get (parameter, "(&s&s)", &detector, &src);
  adw_view_stack_set_visible_child_name (self->view_stack, "alerts");
  if (eg_alert_list_find_group (self->alerts, detector, src, &position))
    eg_alerts_page_select (self->alerts_page, position);
  gtk_window_present (GTK_WINDOW (self));
}

/* The page whose flows "the current view" means: History when it is
 * shown, else the live Flows page. */
static EgFlowsPage *
current_flows_page (EgWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "history") == 0)
    return eg_history_page_get_flows_page (self->history_page);
  return self->flows_page;
}

/* Labeling: the store does it in its writer thread; the table shows the
 * labels the store then holds. */

typedef struct {
  EgStore      *store;
  GStrv         uids;       /* the flows to label, or those shown to refresh */
  char         *label;      /* NULL with undo */
  gboolean      undo;
  gboolean      by_filter;  /* every stored flow of filter, from and to */
  EgFlowFilter *filter;     /* NULL: all of them */
  double        from;
  double        to;
  guint64       n_changed;
  GArray       *stored;     /* EgFlow: the flows as stored afterwards */
} LabelJob;

static void
label_job_free (LabelJob *job)
{
  eg_store_unref (job->store);
  g_clear_pointer (&job->filter, eg_flow_filter_free);
  g_strfreev (job->uids);
  g_free (job->label);
  g_clear_pointer (&job->stored, g_array_unref);
  g_free (job);
}

static void
label_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  LabelJob *job = task_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (job->undo)
    ok = eg_store_undo (job->store, g_get_user_name (), &job->n_changed, &error);
  else if (job->by_filter)
    ok = eg_store_relabel_filter (job->store, job->filter, job->from, job->to, job->label, NULL,
                                  EG_LABEL_SOURCE_OPERATOR, g_get_user_name (),
                                  &job->n_changed, &error);
  else
    ok = eg_store_relabel_uids (job->store, (const char * const *) job->uids, job->label, NULL,
                                EG_LABEL_SOURCE_OPERATOR, g_get_user_name (),
                                &job->n_changed, &error);
  if (!ok)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->stored = g_array_sized_new (FALSE, FALSE, sizeof (EgFlow), g_strv_length (job->uids));
  for (guint i = 0; job->uids[i] != NULL; i++)
    {
      EgFlow flow;

      if (eg_store_get_flow (job->store, job->uids[i], &flow, NULL))
        g_array_append_val (job->stored, flow);
    }
  g_task_return_boolean (task, TRUE);
}

static void
update_labels (EgFlowList   *list,
               const GArray *stored_flows)
{
  g_autoptr(GArray) updates = g_array_sized_new (FALSE, FALSE, sizeof (EgFlow), stored_flows->len);

  for (guint i = 0; i < stored_flows->len; i++)
    {
      const EgFlow *stored = &g_array_index (stored_flows, EgFlow, i);
      const EgFlow *shown = eg_flow_list_lookup (list, stored->uid);
      EgFlow flow;

      if (shown == NULL)
        continue;
      flow = *shown;
      flow.label = stored->label;
      flow.detailed_label = stored->detailed_label;
      flow.label_source = stored->label_source;
      g_array_append_val (updates, flow);
    }
  eg_flow_list_update (list, (const EgFlow *) updates->data, updates->len);
}

static void
on_labeled_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  EgWindow *self = user_data;
  LabelJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, job->undo ? _("Could not undo the labeling") : _("Could not label the flows"),
                    error->message);
      return;
    }

  /* Only the labels change in the tables: the rest stays as captured. */
  update_labels (self->flows, job->stored);
  update_labels (eg_history_page_get_flow_list (self->history_page), job->stored);
  eg_dataset_page_refresh (self->dataset_page);

  if (job->undo)
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Undid the label of %u flow",
                                          "Undid the labels of %u flows", job->n_changed),
                             (guint) job->n_changed);
  else
    {
      g_queue_push_tail (&self->undo_uids, g_strdupv (job->uids));
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Labeled %u flow as %s",
                                            "Labeled %u flows as %s", job->n_changed),
                               (guint) job->n_changed, job->label);
    }
  toast = adw_toast_new (title);
  if (!job->undo)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "win.undo");
    }
  add_toast (self, toast);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 !g_queue_is_empty (&self->undo_uids));
}

static LabelJob *
new_label_job (EgWindow   *self,
               GStrv       uids,
               const char *label)
{
  LabelJob *job;

  if (self->store == NULL)
    {
      show_error (self, _("Cannot label without a database"),
                  _("The database could not be opened: see the Dataset page."));
      g_strfreev (uids);
      return NULL;
    }
  job = g_new0 (LabelJob, 1);
  job->store = eg_store_ref (self->store);
  job->uids = uids;
  job->label = g_strdup (label);
  job->undo = label == NULL;
  return job;
}

static void
start_label_job (EgWindow *self,
                 LabelJob *job)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (NULL, self->cancellable, on_labeled_cb, self);
  g_task_set_task_data (task, job, (GDestroyNotify) label_job_free);
  g_task_run_in_thread (task, label_thread);
}

static void
run_label_job (EgWindow   *self,
               GStrv       uids,
               const char *label)
{
  LabelJob *job;

  if (uids == NULL || uids[0] == NULL)
    {
      g_strfreev (uids);
      return;
    }
  if ((job = new_label_job (self, uids, label)) != NULL)
    start_label_job (self, job);
}

/* The selection of the page shown (History's on the History page). */
static void
label_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  EgWindow *self = EG_WINDOW (widget);

  run_label_job (self, eg_flows_page_dup_selected_uids (current_flows_page (self)),
                 g_variant_get_string (parameter, NULL));
}

static GStrv
dup_shown_uids (EgFlowsPage *page)
{
  EgFlowList *list = EG_FLOW_LIST (eg_flows_page_get_model (page));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  GStrv uids = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    uids[i] = g_strdup (eg_flow_list_get_flow (list, i)->uid);
  return uids;
}

/* Everything the filter matches, in the store: the flows that scrolled
 * off the table are labeled too. On the Flows page that is this session's
 * time span; on the History page the range it loaded. An alert's evidence
 * is a list of flows, labeled as such. */
static void
label_shown_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  EgWindow *self = EG_WINDOW (widget);
  EgFlowsPage *page = current_flows_page (self);
  const char *label = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *page_filter = eg_flows_page_get_filter_text (page);
  const char *range_filter = "";
  double from = 0, to = 0;
  LabelJob *job;

  if (eg_flows_page_get_restricted (page))
    {
      run_label_job (self, dup_shown_uids (page), label);
      return;
    }
  if (page == self->flows_page)
    {
      if (!eg_flow_list_get_time_span (self->flows, &from, &to))
        return;
      to += 1e-6;  /* to is exclusive */
    }
  else if (!eg_history_page_get_loaded_query (self->history_page, &from, &to, &range_filter))
    return;

  if (range_filter[0] != '\0' && page_filter[0] != '\0')
    text = g_strdup_printf ("(%s) and (%s)", range_filter, page_filter);
  else
    text = g_strdup (range_filter[0] != '\0' ? range_filter : page_filter);
  if ((job = new_label_job (self, dup_shown_uids (page), label)) == NULL)
    return;
  job->by_filter = TRUE;
  job->from = from;
  job->to = to;
  if (text[0] != '\0' && (job->filter = eg_flow_filter_parse (text, &error)) == NULL)
    {
      show_error (self, _("Could not label the flows"), error->message);
      label_job_free (job);
      return;
    }
  start_label_job (self, job);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EgWindow *self = EG_WINDOW (widget);
  GStrv uids = g_queue_pop_tail (&self->undo_uids);
  LabelJob *job;

  gtk_widget_action_set_enabled (widget, "win.undo", !g_queue_is_empty (&self->undo_uids));
  /* With no flow of it shown (label rules on stored flows only), the store
   * still undoes its last labeling. */
  if (uids == NULL)
    uids = g_new0 (char *, 1);
  if ((job = new_label_job (self, uids, NULL)) != NULL)
    start_label_job (self, job);
}

static void
on_rules_changed_cb (EgLabelRulesEditor *editor,
                     EgWindow           *self)
{
  g_clear_pointer (&self->rules, eg_label_rule_set_free);
  self->rules = eg_label_rules_editor_dup_rule_set (editor);
}

typedef struct {
  const EgLabelRuleSet *rules;
  GArray               *changed;   /* EgFlow */
} RuleMatch;

static void
match_rules_cb (const EgFlow *flow,
                gpointer      user_data)
{
  RuleMatch *match = user_data;
  EgFlow copy = *flow;

  if (apply_rules (match->rules, &copy)
      && (copy.label != flow->label || copy.detailed_label != flow->detailed_label
          || copy.label_source != flow->label_source))
    g_array_append_val (match->changed, copy);
}

/* The store labeled its flows by the rules: the tables follow, and undo
 * takes it back as one labeling. */
static void
on_rules_applied_cb (EgLabelRulesEditor *editor,
                     guint64             n_changed,
                     EgWindow           *self)
{
  EgFlowList *lists[] = { self->flows, eg_history_page_get_flow_list (self->history_page) };
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  g_autofree char *title = NULL;
  AdwToast *toast;

  for (guint i = 0; self->rules != NULL && i < G_N_ELEMENTS (lists); i++)
    {
      g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (EgFlow));
      RuleMatch match = { self->rules, changed };

      eg_flow_list_foreach (lists[i], match_rules_cb, &match);
      for (guint j = 0; j < changed->len; j++)
        g_ptr_array_add (uids, g_strdup (g_array_index (changed, EgFlow, j).uid));
      eg_flow_list_update (lists[i], (const EgFlow *) changed->data, changed->len);
    }
  eg_dataset_page_refresh (self->dataset_page);
  if (n_changed == 0)
    {
      g_ptr_array_foreach (uids, (GFunc) g_free, NULL);
      return;
    }
  g_ptr_array_add (uids, NULL);
  g_queue_push_tail (&self->undo_uids, g_ptr_array_steal (uids, NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo", TRUE);
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The label rules labeled %u stored flow",
                                        "The label rules labeled %u stored flows", n_changed),
                           (guint) n_changed);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo");
  add_toast (self, toast);
}

static void
open_store (EgWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EgConfig) config = eg_config_new_from_settings (self->settings, &error);
  g_autofree char *path = NULL;

  if (config != NULL)
    {
      path = eg_store_default_path (config);
      self->store = eg_store_open (path, &error);
      if (self->store != NULL)
        eg_store_apply_config (self->store, config);
      self->explainer = eg_explainer_new (config);
      g_signal_connect_object (self->explainer, "notify::model-version",
                               G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
    }
  eg_dataset_page_set_store (self->dataset_page, self->store, error);
  on_rules_changed_cb (eg_dataset_page_get_rules_editor (self->dataset_page), self);
  eg_history_page_set_sources (self->history_page, self->store, self->explainer);
  eg_flows_page_set_sources (self->flows_page, self->store, self->explainer);
  eg_host_timeline_set_sources (self->host_timeline, self->store, self->flows);
}

/* Actions */

static void
on_open_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     EgWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      guint n = g_list_model_get_n_items (files);
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      eg_window_open_files (self, (GFile **) array->pdata, array->len);
    }
  g_object_unref (dialog);
}

static void
add_file_filter (GtkFileChooser     *chooser,
                 const char         *name,
                 const char * const *patterns)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EgWindow *self = EG_WINDOW (widget);
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Open Captures or Flow Logs"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
  add_file_filter (GTK_FILE_CHOOSER (native), _("Captures and flow logs"),
                   (const char *[]) { "*.pcap", "*.pcapng", "*.cap", "*.log", "*.labeled",
                                      "*.binetflow", NULL });
  add_file_filter (GTK_FILE_CHOOSER (native), _("Packet captures"),
                   (const char *[]) { "*.pcap", "*.pcapng", "*.cap", NULL });
  add_file_filter (GTK_FILE_CHOOSER (native), _("Zeek and Argus flow logs"),
                   (const char *[]) { "*.log", "*.labeled", "*.binetflow", NULL });
  add_file_filter (GTK_FILE_CHOOSER (native), _("All files"), (const char *[]) { "*", NULL });
  g_signal_connect (native, "response", G_CALLBACK (on_open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
open_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (g_variant_get_string (parameter, NULL));

  eg_window_open_files (EG_WINDOW (widget), &file, 1);
}

static void
start_capture_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  start_capture (EG_WINDOW (widget));
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EgWindow *self = EG_WINDOW (widget);

  if (self->engine != NULL)
    eg_engine_stop (self->engine);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EgWindow *self = EG_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "flows");
  eg_flows_page_focus_search (self->flows_page);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  EgWindow *self = EG_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  if (adw_view_stack_get_child_by_name (self->view_stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, name);
}

/* Export */

typedef struct {
  EgWindow *window;
  char     *path;
  char     *what;       /* what was exported, for people */
} ExportDone;

static void
export_done_free (ExportDone *done)
{
  g_object_unref (done->window);
  g_free (done->path);
  g_free (done->what);
  g_free (done);
}

static void
on_exported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportDone *done = user_data;
  EgWindow *self = done->window;
  g_autoptr(GError) error = NULL;
  guint64 n = 0;

  self->exporting = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", TRUE);
  if (!eg_export_finish (result, &n, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("Could not export the flows"), error->message);
    }
  else
    {
      g_autofree char *name = g_path_get_basename (done->path);
      g_autofree char *title = NULL;

      self->n_exported = n;
      /* Translators: "Exported 54 flows (the flows shown on the Flows page) to flows.csv". */
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %u flow (%s) to %s",
                                            "Exported %u flows (%s) to %s", n),
                               (guint) n, done->what, name);
      show_toast (self, title);
    }
  export_done_free (done);
}

static char *
describe_view (EgWindow *self)
{
  EgFlowsPage *page = current_flows_page (self);
  const char *filter = eg_flows_page_get_filter_text (page);
  guint n = g_list_model_get_n_items (eg_flows_page_get_model (page));
  g_autofree char *what = NULL;

  what = g_strdup_printf (page == self->flows_page
                          ? g_dngettext (GETTEXT_PACKAGE, "the %u flow shown on the Flows page",
                                         "the %u flows shown on the Flows page", n)
                          : g_dngettext (GETTEXT_PACKAGE, "the %u flow shown on the History page",
                                         "the %u flows shown on the History page", n), n);
  if (filter[0] == '\0')
    return g_steal_pointer (&what);
  return g_strdup_printf (_("%s, matching “%s”"), what, filter);
}

static char *
describe_range (EgWindow *self)
{
  g_autofree char *query = eg_history_page_describe_query (self->history_page);

  /* Translators: the History page's query: "from … to now, matching …". */
  return g_strdup_printf (_("the stored flows %s"), query);
}

/* scope: "view" (the rows the page shows, in its order) or "range" (the
 * stored flows of the History page's range and filter). */
static gboolean
export_to (EgWindow    *self,
           const char  *path,
           const char  *format_name,
           const char  *scope,
           GError     **error)
{
  EgFlowFormat format;
  ExportDone *done;

  if (!eg_flow_format_from_string (format_name, &format))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT, _("“%s” is not an export format"), format_name);
      return FALSE;
    }
  if (g_strcmp0 (scope, "range") == 0)
    {
      g_autoptr(EgFlowFilter) filter = NULL;
      double from, to;

      if (self->store == NULL)
        {
          g_set_error (error, EG_ERROR, EG_ERROR_NOT_FOUND,
                       _("No database is open: see the Dataset page."));
          return FALSE;
        }
      if (!eg_history_page_get_query (self->history_page, &from, &to, &filter, error))
        return FALSE;
      done = g_new0 (ExportDone, 1);
      done->what = describe_range (self);
      done->window = g_object_ref (self);
      done->path = g_strdup (path);
      eg_export_stored_async (self->store, g_steal_pointer (&filter), from, to, path, format,
                              self->cancellable, on_exported_cb, done);
    }
  else
    {
      GListModel *model = eg_flows_page_get_model (current_flows_page (self));
      EgFlowList *list = EG_FLOW_LIST (model);
      guint n = g_list_model_get_n_items (model);
      GArray *flows = g_array_sized_new (FALSE, FALSE, sizeof (EgFlow), n);

      /* A copy: the live rows move on while the file is written. */
      for (guint i = 0; i < n; i++)
        g_array_append_vals (flows, eg_flow_list_get_flow (list, i), 1);
      done = g_new0 (ExportDone, 1);
      done->what = describe_view (self);
      done->window = g_object_ref (self);
      done->path = g_strdup (path);
      eg_export_flows_async (flows, path, format, self->cancellable, on_exported_cb, done);
    }
  self->exporting = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", FALSE);
  return TRUE;
}

static void
export_to_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  EgWindow *self = EG_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  const char *path, *format, *scope;

  g_variant_get (parameter, "(&s&s&s)", &path, &format, &scope);
  if (!export_to (self, path, format, scope, &error))
    show_error (self, _("Could not export the flows"), error->message);
}

static void
on_export_response_cb (GtkNativeDialog *dialog,
                       int              response,
                       EgWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      const char *format = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "format");
      const char *scope = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "scope");
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        show_error (self, _("Could not export the flows"),
                    _("Choose a folder on this computer."));
      else if (!export_to (self, path, format != NULL ? format : "csv",
                           scope != NULL ? scope : "view", &error))
        show_error (self, _("Could not export the flows"), error->message);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  EgWindow *self = EG_WINDOW (widget);
  g_autofree char *view = describe_view (self);
  g_autofree char *range = describe_range (self);
  g_autofree char *view_label = g_strdup_printf (_("Export %s"), view);
  g_autofree char *range_label = g_strdup_printf (_("Export %s"), range);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M");
  g_autofree char *name = g_strdup_printf ("edgeguard-flows-%s.csv", stamp);
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Export Flows"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (native), "scope", _("What"),
                               (const char *[]) { "view", "range", NULL },
                               (const char *[]) { view_label, range_label, NULL });
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (native), "scope", "view");
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (native), "format", _("Format"),
                               (const char *[]) { "csv", "json", "zeek", NULL },
                               (const char *[]) { _("CSV"), _("JSON lines (Zeek field names)"),
                                                  _("Labeled Zeek TSV (conn.log with label columns)"),
                                                  NULL });
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (native), "format", "csv");
  g_signal_connect (native, "response", G_CALLBACK (on_export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
show_host_timeline_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  EgWindow *self = EG_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  adw_view_stack_set_visible_child_name (self->view_stack, "timeline");
  if (!eg_host_timeline_show (self->host_timeline, g_variant_get_string (parameter, NULL), &error))
    show_toast (self, error->message);
}

/* GObject */

EgWindow *
eg_window_new (EgApplication *app)
{
  return g_object_new (EG_TYPE_WINDOW, "application", app, NULL);
}

gboolean
eg_window_get_running (EgWindow *self)
{
  g_return_val_if_fail (EG_IS_WINDOW (self), FALSE);
  return self->running;
}

EgStore *
eg_window_get_store (EgWindow *self)
{
  g_return_val_if_fail (EG_IS_WINDOW (self), NULL);
  return self->store;
}

EgFlowList *
eg_window_get_flow_list (EgWindow *self)
{
  g_return_val_if_fail (EG_IS_WINDOW (self), NULL);
  return self->flows;
}

EgAlertList *
eg_window_get_alert_list (EgWindow *self)
{
  g_return_val_if_fail (EG_IS_WINDOW (self), NULL);
  return self->alerts;
}

GtkWidget *
eg_window_get_page (EgWindow   *self,
                    const char *name)
{
  g_return_val_if_fail (EG_IS_WINDOW (self), NULL);
  return adw_view_stack_get_child_by_name (self->view_stack, name);
}

const char *
eg_window_get_visible_page (EgWindow *self)
{
  g_return_val_if_fail (EG_IS_WINDOW (self), NULL);
  return adw_view_stack_get_visible_child_name (self->view_stack);
}

gboolean
eg_window_get_exporting (EgWindow *self,
                         guint64  *n_exported)
{
  g_return_val_if_fail (EG_IS_WINDOW (self), FALSE);
  if (n_exported != NULL)
    *n_exported = self->n_exported;
  return self->exporting;
}

EgNotifier *
eg_window_get_notifier (EgWindow *self)
{
  g_return_val_if_fail (EG_IS_WINDOW (self), NULL);
  return self->notifier;
}

const char *
eg_window_get_status_text (EgWindow *self)
{
  g_return_val_if_fail (EG_IS_WINDOW (self), NULL);
  return gtk_label_get_text (self->status_label);
}

GtkWidget *
eg_window_get_status_label (EgWindow *self)
{
  g_return_val_if_fail (EG_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->status_label);
}

static gboolean
eg_window_close_request (GtkWindow *window)
{
  EgWindow *self = EG_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  drop_engine (self);
  return GTK_WINDOW_CLASS (eg_window_parent_class)->close_request (window);
}

static void
eg_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  EgWindow *self = EG_WINDOW (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, eg_flow_list_get_paused (self->flows));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
eg_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  EgWindow *self = EG_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      eg_flow_list_set_paused (self->flows, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_flows_paused_cb (EgWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

static void
eg_window_dispose (GObject *object)
{
  EgWindow *self = EG_WINDOW (object);

  drop_engine (self);
  g_clear_handle_id (&self->disk_watch, g_source_remove);
  g_clear_object (&self->feed);
  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), EG_TYPE_WINDOW);
  g_queue_clear_full (&self->undo_uids, (GDestroyNotify) g_strfreev);
  g_clear_pointer (&self->store, eg_store_unref);
  g_clear_object (&self->explainer);
  g_clear_pointer (&self->rules, eg_label_rule_set_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->notifier);
  g_clear_object (&self->interfaces);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (eg_window_parent_class)->dispose (object);
}

static void
eg_window_finalize (GObject *object)
{
  EgWindow *self = EG_WINDOW (object);

  g_clear_object (&self->flows);
  g_clear_object (&self->alerts);
  g_free (self->input_name);
  g_ptr_array_unref (self->toasts);
  G_OBJECT_CLASS (eg_window_parent_class)->finalize (object);
}

static void
eg_window_class_init (EgWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->get_property = eg_window_get_property;
  object_class->set_property = eg_window_set_property;
  object_class->dispose = eg_window_dispose;
  object_class->finalize = eg_window_finalize;
  window_class->close_request = eg_window_close_request;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (EG_TYPE_FLOWS_PAGE);
  g_type_ensure (EG_TYPE_ALERTS_PAGE);
  g_type_ensure (EG_TYPE_DATASET_PAGE);
  g_type_ensure (EG_TYPE_CHARTS_PAGE);
  g_type_ensure (EG_TYPE_HISTORY_PAGE);
  g_type_ensure (EG_TYPE_HOST_TIMELINE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/edgeguard/Edgeguard/ui/eg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EgWindow, interface_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, capture_button);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, alerts_stack_page);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, capture_banner);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, capture_banner_label);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, flows_page);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, alerts_page);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, dataset_page);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, charts_page);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, history_page);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, host_timeline);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, EgWindow, progress_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_interface_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_banner_close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_show_evidence_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_chart_filter_requested_cb);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-file", "s", open_file_action);
  gtk_widget_class_install_action (widget_class, "win.start-capture", NULL, start_capture_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.show-alert", "(ss)", show_alert_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-to", "(sss)", export_to_action);
  gtk_widget_class_install_action (widget_class, "win.show-host-timeline", "s",
                                   show_host_timeline_action);
  gtk_widget_class_install_property_action (widget_class, "win.pause", "paused");
  gtk_widget_class_install_action (widget_class, "win.label", "s", label_action);
  gtk_widget_class_install_action (widget_class, "win.label-shown", "s", label_shown_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
}

static void
eg_window_init (EgWindow *self)
{
  g_autoptr(GAction) show_details = NULL;
  g_autofree char *filter = NULL;

  self->settings = g_settings_new (APP_ID);
  self->flows = eg_flow_list_new ();
  self->alerts = eg_alert_list_new ();
  self->interfaces = gtk_string_list_new (NULL);
  self->filter_valid = TRUE;
  self->cancellable = g_cancellable_new ();
  self->toasts = g_ptr_array_new ();
  self->feed = eg_flow_feed_new (self->flows, GTK_WIDGET (self));
  g_signal_connect (self->feed, "drained", G_CALLBACK (on_feed_drained_cb), self);
  g_queue_init (&self->undo_uids);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->notifier = eg_notifier_new (self->settings);
  g_signal_connect_object (self->notifier, "clicked", G_CALLBACK (on_notification_clicked_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  show_details = g_settings_create_action (self->settings, "show-details");
  g_action_map_add_action (G_ACTION_MAP (self), show_details);

  eg_flows_page_set_models (self->flows_page, self->flows, self->alerts);
  eg_charts_page_set_models (self->charts_page, self->flows, self->alerts);
  open_store (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo", FALSE);
  g_signal_connect_object (self->dataset_page, "counts-changed", G_CALLBACK (update_status),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (eg_dataset_page_get_rules_editor (self->dataset_page), "rules-changed",
                           G_CALLBACK (on_rules_changed_cb), self, 0);
  g_signal_connect_object (eg_dataset_page_get_rules_editor (self->dataset_page), "applied",
                           G_CALLBACK (on_rules_applied_cb), self, 0);
  eg_alerts_page_set_model (self->alerts_page, self->alerts);
  g_signal_connect_object (self->alerts, "notify::n-alerts",
                           G_CALLBACK (on_n_alerts_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->flows, "notify::paused",
                           G_CALLBACK (on_flows_paused_cb), self, G_CONNECT_SWAPPED);

  gtk_drop_down_set_model (self->interface_dropdown, G_LIST_MODEL (self->interfaces));
  load_interfaces (self);
  filter = g_settings_get_string (self->settings, "bpf-filter");
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), filter);

  update_actions (self);
  update_status (self);
}
