/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-flow-detail.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "eg-flow-field.h"
#include "eg-threat-style.h"

struct _EgFlowDetail
{
  GtkWidget            parent_instance;

  GtkStack            *stack;
  AdwPreferencesGroup *summary_group;
  AdwPreferencesGroup *fields_group;
  AdwPreferencesGroup *alerts_group;
  AdwPreferencesGroup *history_group;

  GPtrArray           *rows;   /* (group, row) pairs added for this flow */
  AdwActionRow        *explanation_row;
  EgStore             *store;
  EgExplainer         *explainer;
  GCancellable        *cancellable;
  char                *explanation;
  guint                n_history;
  guint                n_alerts;
  gboolean             loading;
  EgFlow               flow;
  gboolean             has_flow;
};

enum {
  SIGNAL_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EgFlowDetail, eg_flow_detail, GTK_TYPE_WIDGET)

/* What the pane reads off the main thread for the flow it shows. */
typedef struct {
  EgStore     *store;       /* may be NULL */
  EgExplainer *explainer;   /* may be NULL */
  EgFlow       flow;
  gboolean     want_alerts; /* no live alerts given: read the stored ones */
  char        *explanation;
  char        *explain_error;
  GArray      *history;     /* EgLabelChange */
  GPtrArray   *alerts;      /* EgAlert * from the store */
} DetailJob;

static void
detail_job_free (DetailJob *job)
{
  g_clear_pointer (&job->store, eg_store_unref);
  g_clear_object (&job->explainer);
  g_free (job->explanation);
  g_free (job->explain_error);
  g_clear_pointer (&job->history, g_array_unref);
  g_clear_pointer (&job->alerts, g_ptr_array_unref);
  g_free (job);
}

static void
detail_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DetailJob *job = task_data;
  g_autoptr(GError) error = NULL;

  if (job->explainer != NULL)
    {
      job->explanation = eg_explainer_explain (job->explainer, &job->flow, &error);
      if (error != NULL)
        job->explain_error = g_strdup (error->message);
      g_clear_error (&error);
    }
  if (job->store != NULL)
    {
      /* A flow still in the table has no stored history yet: that is no error. */
      job->history = eg_store_get_label_history (job->store, job->flow.uid, NULL);
      if (job->want_alerts)
        job->alerts = eg_store_query_alerts (job->store, job->flow.uid, 0, 0, NULL);
    }
  g_task_return_boolean (task, TRUE);
}

static void
clear_rows (EgFlowDetail *self)
{
  for (guint i = 0; i + 1 < self->rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->rows, i),
                                  g_ptr_array_index (self->rows, i + 1));
  g_ptr_array_set_size (self->rows, 0);
}

static GtkWidget *
add_row (EgFlowDetail        *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* A selectable value: operators copy addresses and uids from here. */
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, group);
  g_ptr_array_add (self->rows, row);
  return row;
}

static void
add_field (EgFlowDetail *self,
           EgFlowField   field)
{
  g_autofree char *value = eg_flow_field_format (field, &self->flow);

  add_row (self, self->fields_group, eg_flow_field_get_title (field), value);
}

static void
add_alert (EgFlowDetail  *self,
           const EgAlert *alert)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *level = gtk_label_new (eg_threat_level_get_title (alert->threat_level));

  gtk_widget_set_valign (level, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (level, "threat");
  gtk_widget_add_css_class (level, eg_threat_level_get_css_class (alert->threat_level));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), alert->detector);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               alert->description != NULL ? alert->description : "");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), level);
  adw_preferences_group_add (self->alerts_group, row);
  g_ptr_array_add (self->rows, self->alerts_group);
  g_ptr_array_add (self->rows, row);
  self->n_alerts++;
}

static void
show_alerts (EgFlowDetail *self,
             GPtrArray    *alerts)
{
  if (alerts != NULL && alerts->len > 0)
    {
      for (guint i = 0; i < alerts->len; i++)
        add_alert (self, g_ptr_array_index (alerts, i));
      adw_preferences_group_set_description (self->alerts_group, NULL);
    }
  else
    adw_preferences_group_set_description (self->alerts_group,
                                           _("No alert names this flow as evidence."));
}

static char *
format_label (const char *label,
              const char *detailed,
              guint8      source)
{
  if (label == NULL)
    return g_strdup (_("Unlabeled"));
  return g_strdup_printf ("%s%s%s (%s)", label, detailed != NULL ? " · " : "",
                          detailed != NULL ? detailed : "",
                          eg_label_source_to_string (source));
}

static void
add_history_row (EgFlowDetail        *self,
                 const EgLabelChange *change)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local ((gint64) change->at);
  g_autofree char *when = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
  g_autofree char *old_label = format_label (change->old_label, change->old_detailed_label,
                                             change->old_source);
  g_autofree char *new_label = format_label (change->new_label, change->new_detailed_label,
                                             change->new_source);
  /* Translators: a label change: "Benign (model) → Malicious (operator)". */
  g_autofree char *text = g_strdup_printf (_("%s → %s"), old_label, new_label);
  g_autofree char *title = g_strdup_printf (_("%s by %s"), when,
                                            change->who != NULL ? change->who : "?");
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  adw_preferences_group_add (self->history_group, row);
  g_ptr_array_add (self->rows, self->history_group);
  g_ptr_array_add (self->rows, row);
  self->n_history++;
}

static void
add_timeline_row (EgFlowDetail *self,
                  const EgAddr *addr)
{
  char text[EG_ADDR_STRLEN];
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = NULL;

  eg_addr_to_string (addr, text);
  title = g_strdup_printf (_("Timeline of %s"), text);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-host-timeline");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", text);
  adw_preferences_group_add (self->summary_group, row);
  g_ptr_array_add (self->rows, self->summary_group);
  g_ptr_array_add (self->rows, row);
}

static void
on_detail_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  DetailJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  EgFlowDetail *self;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return;  /* cancelled: another flow is shown, or the pane is gone */
  self = EG_FLOW_DETAIL (user_data);
  self->loading = FALSE;

  g_free (self->explanation);
  self->explanation = g_steal_pointer (&job->explanation);
  adw_action_row_set_subtitle (self->explanation_row,
                               self->explanation != NULL ? self->explanation
                               : job->explain_error != NULL ? job->explain_error
                               : _("No model is loaded."));

  if (job->history != NULL)
    for (guint i = 0; i < job->history->len; i++)
      add_history_row (self, &g_array_index (job->history, EgLabelChange, i));
  adw_preferences_group_set_description (self->history_group,
                                         self->n_history == 0 ? _("The label never changed.") : NULL);
  if (job->want_alerts)
    show_alerts (self, job->alerts);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

static void
start_loading (EgFlowDetail *self,
               gboolean      want_alerts)
{
  g_autoptr(GTask) task = NULL;
  DetailJob *job = g_new0 (DetailJob, 1);

  job->store = self->store != NULL ? eg_store_ref (self->store) : NULL;
  job->explainer = self->explainer != NULL ? g_object_ref (self->explainer) : NULL;
  job->flow = self->flow;
  job->want_alerts = want_alerts && self->store != NULL;
  self->loading = TRUE;
  task = g_task_new (NULL, self->cancellable, on_detail_loaded_cb, self);
  g_task_set_task_data (task, job, (GDestroyNotify) detail_job_free);
  g_task_run_in_thread (task, detail_thread);
}

void
eg_flow_detail_set_flow (EgFlowDetail *self,
                         const EgFlow *flow,
                         GPtrArray    *alerts)
{
  char orig[EG_ADDR_STRLEN], resp[EG_ADDR_STRLEN];
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *text = NULL;
  GtkWidget *row;

  g_return_if_fail (EG_IS_FLOW_DETAIL (self));

  clear_rows (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->explanation, g_free);
  self->explanation_row = NULL;
  self->n_history = 0;
  self->n_alerts = 0;
  self->loading = FALSE;
  self->has_flow = flow != NULL;
  if (flow == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  self->flow = *flow;
  self->cancellable = g_cancellable_new ();

  /* IPv6 endpoints in brackets, as in URLs: [fe80::1]:443. */
  title = g_strdup_printf ("%s%s%s:%u → %s%s%s:%u",
                           flow->orig_h.family == 6 ? "[" : "",
                           eg_addr_to_string (&flow->orig_h, orig),
                           flow->orig_h.family == 6 ? "]" : "", flow->orig_p,
                           flow->resp_h.family == 6 ? "[" : "",
                           eg_addr_to_string (&flow->resp_h, resp),
                           flow->resp_h.family == 6 ? "]" : "", flow->resp_p);
  adw_preferences_group_set_title (self->summary_group, title);
  subtitle = g_strdup_printf ("%s %s · %s", eg_proto_to_string (flow->proto),
                              flow->service != NULL ? flow->service : "-",
                              eg_conn_state_to_string (flow->conn_state));
  adw_preferences_group_set_description (self->summary_group, subtitle);

  if (flow->score >= 0)
    text = g_strdup_printf (_("%.2f (model version %u)"), flow->score, flow->model_version);
  else
    text = g_strdup (_("Not scored"));
  add_row (self, self->summary_group, _("Score"), text);
  g_clear_pointer (&text, g_free);
  /* The explanation is a sentence: it reads best under its title. */
  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Why This Score"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), self->explainer != NULL
                                                     ? _("Asking the model…")
                                                     : _("No model is loaded."));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_preferences_group_add (self->summary_group, row);
  g_ptr_array_add (self->rows, self->summary_group);
  g_ptr_array_add (self->rows, row);
  self->explanation_row = ADW_ACTION_ROW (row);
  text = format_label (flow->label, flow->detailed_label, flow->label_source);
  add_row (self, self->summary_group, _("Label"), text);
  g_clear_pointer (&text, g_free);
  add_timeline_row (self, &flow->orig_h);
  add_timeline_row (self, &flow->resp_h);

  for (guint f = 0; f < EG_FLOW_N_FIELDS; f++)
    if (f != EG_FLOW_FIELD_SCORE && f != EG_FLOW_FIELD_LABEL && f != EG_FLOW_FIELD_LABEL_SOURCE)
      add_field (self, f);

  text = g_strdup_printf ("%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT,
                          flow->orig_ip_bytes, flow->resp_ip_bytes);
  add_row (self, self->fields_group, _("IP Bytes Out / In"), text);
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("%" G_GUINT64_FORMAT, flow->missed_bytes);
  add_row (self, self->fields_group, _("Missed Bytes"), text);
  g_clear_pointer (&text, g_free);
  if (flow->asn != 0)
    {
      text = g_strdup_printf ("AS%u", flow->asn);
      add_row (self, self->fields_group, _("Remote AS"), text);
      g_clear_pointer (&text, g_free);
    }
  if (flow->community_id[0] != '\0')
    add_row (self, self->fields_group, _("Community ID"), flow->community_id);

  /* Live alerts are at hand; stored ones (History) come with the job. */
  if (alerts != NULL || self->store == NULL)
    show_alerts (self, alerts);
  else
    adw_preferences_group_set_description (self->alerts_group, _("Reading the database…"));
  adw_preferences_group_set_description (self->history_group,
                                         self->store != NULL ? _("Reading the database…")
                                                             : _("No database is open."));
  start_loading (self, alerts == NULL);

  gtk_stack_set_visible_child_name (self->stack, "flow");
}

void
eg_flow_detail_set_sources (EgFlowDetail *self,
                            EgStore      *store,
                            EgExplainer  *explainer)
{
  g_return_if_fail (EG_IS_FLOW_DETAIL (self));

  g_clear_pointer (&self->store, eg_store_unref);
  g_clear_object (&self->explainer);
  self->store = store != NULL ? eg_store_ref (store) : NULL;
  self->explainer = explainer != NULL ? g_object_ref (explainer) : NULL;
}

gboolean
eg_flow_detail_get_loading (EgFlowDetail *self)
{
  g_return_val_if_fail (EG_IS_FLOW_DETAIL (self), FALSE);
  return self->loading;
}

const char *
eg_flow_detail_get_explanation (EgFlowDetail *self)
{
  g_return_val_if_fail (EG_IS_FLOW_DETAIL (self), NULL);
  return self->explanation;
}

guint
eg_flow_detail_get_n_label_changes (EgFlowDetail *self)
{
  g_return_val_if_fail (EG_IS_FLOW_DETAIL (self), 0);
  return self->n_history;
}

guint
eg_flow_detail_get_n_alerts (EgFlowDetail *self)
{
  g_return_val_if_fail (EG_IS_FLOW_DETAIL (self), 0);
  return self->n_alerts;
}

const char *
eg_flow_detail_get_uid (EgFlowDetail *self)
{
  g_return_val_if_fail (EG_IS_FLOW_DETAIL (self), NULL);
  return self->has_flow ? self->flow.uid : NULL;
}

static void
eg_flow_detail_dispose (GObject *object)
{
  EgFlowDetail *self = EG_FLOW_DETAIL (object);
  GtkWidget *child;

  g_ptr_array_set_size (self->rows, 0);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->store, eg_store_unref);
  g_clear_object (&self->explainer);
  gtk_widget_dispose_template (GTK_WIDGET (self), EG_TYPE_FLOW_DETAIL);
  /* The template's unnamed top box is ours to unparent too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (eg_flow_detail_parent_class)->dispose (object);
}

static void
eg_flow_detail_finalize (GObject *object)
{
  EgFlowDetail *self = EG_FLOW_DETAIL (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_free (self->explanation);
  G_OBJECT_CLASS (eg_flow_detail_parent_class)->finalize (object);
}

static void
eg_flow_detail_class_init (EgFlowDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = eg_flow_detail_dispose;
  object_class->finalize = eg_flow_detail_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/edgeguard/Edgeguard/ui/eg-flow-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, EgFlowDetail, stack);
  gtk_widget_class_bind_template_child (widget_class, EgFlowDetail, summary_group);
  gtk_widget_class_bind_template_child (widget_class, EgFlowDetail, fields_group);
  gtk_widget_class_bind_template_child (widget_class, EgFlowDetail, alerts_group);
  gtk_widget_class_bind_template_child (widget_class, EgFlowDetail, history_group);

  /* The explanation, label history and stored alerts of the shown flow
   * have arrived. */
  signals[SIGNAL_LOADED] =
    g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
eg_flow_detail_init (EgFlowDetail *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
