/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-dataset-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "eg-label-rules-editor.h"
#include "eg-secret.h"
#include "eg-settings-config.h"

struct _EgDatasetPage
{
  GtkWidget            parent_instance;

  GtkStack            *stack;
  AdwStatusPage       *error_page;
  AdwPreferencesGroup *counts_group;
  EgLabelRulesEditor  *rules_editor;
  AdwPreferencesGroup *upload_group;
  GtkLabel            *outbox_label;
  GtkProgressBar      *upload_progress;
  GtkLabel            *upload_result;
  GtkButton           *cancel_button;

  GSettings           *settings;
  EgStore             *store;
  EgSender            *sender;
  GCancellable        *cancellable;
  GPtrArray           *count_rows;
  GArray              *counts;        /* EgLabelCount */
  EgOutboxCounts       outbox;
  guint64              pending_at_start;
  const char          *upload_status;  /* see eg_dataset_page_get_upload_status */
  gboolean             stopping;       /* a cancelled sender is stopping */
  gboolean             refreshing;
  gboolean             refresh_again;
};

enum {
  SIGNAL_COUNTS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EgDatasetPage, eg_dataset_page, GTK_TYPE_WIDGET)

typedef struct {
  GArray         *counts;
  EgOutboxCounts  outbox;
} Counts;

static void
counts_free (Counts *counts)
{
  g_clear_pointer (&counts->counts, g_array_unref);
  g_free (counts);
}

static void
count_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  EgStore *store = task_data;
  g_autoptr(GError) error = NULL;
  Counts *counts = g_new0 (Counts, 1);

  counts->counts = eg_store_count_by_label (store, &error);
  if (counts->counts == NULL ||
      !eg_store_get_outbox_counts (store, &counts->outbox, &error))
    {
      counts_free (counts);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, counts, (GDestroyNotify) counts_free);
}

static char *
format_count (guint64 n)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

static void
show_counts (EgDatasetPage *self)
{
  g_autofree char *outbox = NULL;
  g_autofree char *pending = NULL;
  g_autofree char *sent = NULL;

  for (guint i = 0; i < self->count_rows->len; i++)
    adw_preferences_group_remove (self->counts_group, g_ptr_array_index (self->count_rows, i));
  g_ptr_array_set_size (self->count_rows, 0);

  for (guint i = 0; self->counts != NULL && i < self->counts->len; i++)
    {
      const EgLabelCount *count = &g_array_index (self->counts, EgLabelCount, i);
      g_autofree char *n = format_count (count->n);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *label = gtk_label_new (n);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     count->label != NULL ? count->label : _("Unlabeled"));
      gtk_widget_add_css_class (label, "numeric");
      if (g_strcmp0 (count->label, EG_LABEL_MALICIOUS) == 0)
        gtk_widget_add_css_class (label, "label-malicious");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      adw_preferences_group_add (self->counts_group, row);
      g_ptr_array_add (self->count_rows, row);
    }

  pending = format_count (self->outbox.pending);
  sent = format_count (self->outbox.sent);
  /* Translators: both are numbers of flows. */
  outbox = g_strdup_printf (_("%s labeled flows waiting, %s uploaded"), pending, sent);
  gtk_label_set_text (self->outbox_label, outbox);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dataset.upload",
                                 self->sender == NULL && !self->stopping && self->outbox.pending > 0);
}

static void
on_counted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  EgDatasetPage *self = user_data;
  g_autoptr(GError) error = NULL;
  Counts *counts = g_task_propagate_pointer (G_TASK (result), &error);

  if (counts == NULL)
    {
      /* Cancelled: the page is gone, touch nothing. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->refreshing = FALSE;
      gtk_label_set_text (self->outbox_label, error->message);
      return;
    }
  self->refreshing = FALSE;
  g_clear_pointer (&self->counts, g_array_unref);
  self->counts = g_steal_pointer (&counts->counts);
  self->outbox = counts->outbox;
  counts_free (counts);
  show_counts (self);
  /* A refresh asked for while this one ran may see rows this one missed:
   * "counts-changed" means the counts are as new as the last request. */
  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      eg_dataset_page_refresh (self);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_COUNTS_CHANGED], 0);
}

void
eg_dataset_page_refresh (EgDatasetPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (EG_IS_DATASET_PAGE (self));

  if (self->store == NULL)
    return;
  if (self->refreshing)
    {
      self->refresh_again = TRUE;
      return;
    }
  self->refreshing = TRUE;
  task = g_task_new (NULL, self->cancellable, on_counted_cb, self);
  g_task_set_task_data (task, eg_store_ref (self->store), (GDestroyNotify) eg_store_unref);
  g_task_run_in_thread (task, count_thread);
}

void
eg_dataset_page_set_store (EgDatasetPage *self,
                           EgStore       *store,
                           const GError  *error)
{
  g_autofree char *description = NULL;

  g_return_if_fail (EG_IS_DATASET_PAGE (self));

  g_clear_pointer (&self->store, eg_store_unref);
  eg_label_rules_editor_set_store (self->rules_editor, store);
  if (store == NULL)
    {
      adw_status_page_set_description (self->error_page,
                                       error != NULL ? error->message : NULL);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  self->store = eg_store_ref (store);
  description = g_strdup_printf (_("Flows stored in %s, by label"), eg_store_get_path (store));
  adw_preferences_group_set_description (self->counts_group, description);
  gtk_stack_set_visible_child_name (self->stack, "dataset");
  eg_dataset_page_refresh (self);
}

/* Upload */

static void
stop_sender (EgDatasetPage *self)
{
  if (self->sender == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->sender, self);
  /* Done (nothing in flight), or the window closing mid-upload: a moment
   * for the acknowledgements in flight, none when no broker answers. What
   * is not acknowledged stays pending. */
  eg_sender_stop (self->sender, 2000);
  g_clear_object (&self->sender);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dataset.cancel-upload", FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->upload_progress), FALSE);
}

static void
on_sender_progress_cb (EgSender      *sender,
                       EgDatasetPage *self)
{
  g_auto(EgSenderProgress) progress = { 0 };
  g_autofree char *text = NULL;
  g_autofree char *servers = g_settings_get_string (self->settings, "kafka-bootstrap-servers");
  g_autofree char *acked = NULL;
  g_autofree char *total = NULL;

  eg_sender_get_progress (sender, &progress);
  if (self->pending_at_start > 0)
    gtk_progress_bar_set_fraction (self->upload_progress,
                                   CLAMP ((double) progress.acknowledged / self->pending_at_start,
                                          0.0, 1.0));
  switch (progress.state)
    {
    case EG_SENDER_STATE_RETRYING:
      /* Translators: the first %s is host:port, the second the broker's error. */
      text = g_strdup_printf (_("Cannot reach the Kafka broker at %s: %s. Nothing is lost: "
                                "the upload retries until it gets through or is cancelled."),
                              servers, progress.last_error != NULL ? progress.last_error : _("no answer"));
      gtk_widget_add_css_class (GTK_WIDGET (self->upload_result), "error");
      self->upload_status = "unreachable";
      break;
    case EG_SENDER_STATE_IDLE:
      acked = format_count (progress.acknowledged);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Uploaded %s flow to %s.",
                                           "Uploaded %s flows to %s.", progress.acknowledged),
                              acked, servers);
      gtk_widget_remove_css_class (GTK_WIDGET (self->upload_result), "error");
      self->upload_status = "done";
      break;
    case EG_SENDER_STATE_CONNECTING:
      text = g_strdup_printf (_("Connecting to %s…"), servers);
      self->upload_status = "connecting";
      break;
    case EG_SENDER_STATE_SENDING:
    case EG_SENDER_STATE_STOPPED:
    default:
      acked = format_count (progress.acknowledged);
      total = format_count (self->pending_at_start);
      text = g_strdup_printf (_("%s of %s flows acknowledged"), acked, total);
      self->upload_status = "sending";
      break;
    }
  gtk_label_set_text (self->upload_result, text);
  gtk_widget_set_visible (GTK_WIDGET (self->upload_result), TRUE);

  if (progress.state == EG_SENDER_STATE_IDLE)
    {
      stop_sender (self);
      eg_dataset_page_refresh (self);
    }
}

EgConfig *
eg_dataset_page_dup_upload_config (EgDatasetPage  *self,
                                   GError        **error)
{
  g_autoptr(EgConfig) config = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (EG_IS_DATASET_PAGE (self), NULL);

  if ((config = eg_config_new_from_settings (self->settings, error)) == NULL)
    return NULL;
  /* Read each time, so a password changed in Preferences counts now. */
  g_clear_pointer (&config->sasl_password, g_free);
  config->sasl_password = eg_secret_lookup_sasl_password (&local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&config);
}

gboolean
eg_dataset_page_start_upload (EgDatasetPage  *self,
                              GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(EgConfig) config = NULL;

  g_return_val_if_fail (EG_IS_DATASET_PAGE (self), FALSE);

  if (self->store == NULL || self->sender != NULL || self->stopping)
    return FALSE;
  config = eg_dataset_page_dup_upload_config (self, &local_error);
  if (config != NULL)
    self->sender = eg_sender_new (self->store, config, &local_error);
  if (self->sender != NULL && !eg_sender_start (self->sender, &local_error))
    g_clear_object (&self->sender);
  if (self->sender == NULL)
    {
      gtk_label_set_text (self->upload_result, local_error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->upload_result), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->upload_result), TRUE);
      self->upload_status = "failed";
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  self->pending_at_start = self->outbox.pending;
  g_signal_connect (self->sender, "progress", G_CALLBACK (on_sender_progress_cb), self);
  gtk_progress_bar_set_fraction (self->upload_progress, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->upload_progress), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dataset.upload", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dataset.cancel-upload", TRUE);
  on_sender_progress_cb (self->sender, self);
  return TRUE;
}

static void
stop_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  /* Nothing waits for what is in flight: it stays pending and goes out
   * again next time, under the same key. */
  eg_sender_stop (task_data, 0);
  g_task_return_boolean (task, TRUE);
}

static void
on_stopped_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  EgDatasetPage *self = user_data;

  /* Cancelled: the page is gone. */
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  self->stopping = FALSE;
  self->upload_status = "cancelled";
  gtk_widget_remove_css_class (GTK_WIDGET (self->upload_result), "error");
  gtk_label_set_text (self->upload_result,
                      _("Upload cancelled. Flows not yet acknowledged stay waiting for the next upload."));
  eg_dataset_page_refresh (self);
}

/* The sender stops in a thread: a broker that does not answer must not
 * freeze the window. */
void
eg_dataset_page_cancel_upload (EgDatasetPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (EG_IS_DATASET_PAGE (self));

  if (self->sender == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->sender, self);
  task = g_task_new (NULL, self->cancellable, on_stopped_cb, self);
  g_task_set_task_data (task, g_steal_pointer (&self->sender), g_object_unref);
  g_task_run_in_thread (task, stop_thread);
  self->stopping = TRUE;
  self->upload_status = "cancelling";
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->upload_progress), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dataset.upload", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dataset.cancel-upload", FALSE);
  gtk_label_set_text (self->upload_result, _("Cancelling the upload…"));
}

const char *
eg_dataset_page_get_upload_status (EgDatasetPage *self)
{
  g_return_val_if_fail (EG_IS_DATASET_PAGE (self), NULL);
  return self->upload_status;
}

const char *
eg_dataset_page_get_upload_result (EgDatasetPage *self)
{
  g_return_val_if_fail (EG_IS_DATASET_PAGE (self), NULL);
  return gtk_label_get_text (self->upload_result);
}

gboolean
eg_dataset_page_get_upload_progress (EgDatasetPage    *self,
                                     EgSenderProgress *progress)
{
  g_return_val_if_fail (EG_IS_DATASET_PAGE (self), FALSE);

  if (self->sender == NULL)
    return FALSE;
  eg_sender_get_progress (self->sender, progress);
  return TRUE;
}

guint64
eg_dataset_page_get_count (EgDatasetPage *self,
                           const char    *label)
{
  g_return_val_if_fail (EG_IS_DATASET_PAGE (self), 0);

  for (guint i = 0; self->counts != NULL && i < self->counts->len; i++)
    {
      const EgLabelCount *count = &g_array_index (self->counts, EgLabelCount, i);

      if (g_strcmp0 (count->label, label) == 0)
        return count->n;
    }
  return 0;
}

EgLabelRulesEditor *
eg_dataset_page_get_rules_editor (EgDatasetPage *self)
{
  g_return_val_if_fail (EG_IS_DATASET_PAGE (self), NULL);
  return self->rules_editor;
}

guint64
eg_dataset_page_get_pending (EgDatasetPage *self)
{
  g_return_val_if_fail (EG_IS_DATASET_PAGE (self), 0);
  return self->outbox.pending;
}

static void
upload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  eg_dataset_page_start_upload (EG_DATASET_PAGE (widget), NULL);
}

static void
cancel_upload_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  eg_dataset_page_cancel_upload (EG_DATASET_PAGE (widget));
}

static void
eg_dataset_page_dispose (GObject *object)
{
  EgDatasetPage *self = EG_DATASET_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  stop_sender (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), EG_TYPE_DATASET_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->store, eg_store_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (eg_dataset_page_parent_class)->dispose (object);
}

static void
eg_dataset_page_finalize (GObject *object)
{
  EgDatasetPage *self = EG_DATASET_PAGE (object);

  g_clear_pointer (&self->counts, g_array_unref);
  g_clear_pointer (&self->count_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (eg_dataset_page_parent_class)->finalize (object);
}

static void
eg_dataset_page_class_init (EgDatasetPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = eg_dataset_page_dispose;
  object_class->finalize = eg_dataset_page_finalize;

  /* The counts were read again, as new as the last refresh asked for. */
  signals[SIGNAL_COUNTS_CHANGED] =
    g_signal_new ("counts-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (EG_TYPE_LABEL_RULES_EDITOR);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/edgeguard/Edgeguard/ui/eg-dataset-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EgDatasetPage, stack);
  gtk_widget_class_bind_template_child (widget_class, EgDatasetPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, EgDatasetPage, counts_group);
  gtk_widget_class_bind_template_child (widget_class, EgDatasetPage, rules_editor);
  gtk_widget_class_bind_template_child (widget_class, EgDatasetPage, upload_group);
  gtk_widget_class_bind_template_child (widget_class, EgDatasetPage, outbox_label);
  gtk_widget_class_bind_template_child (widget_class, EgDatasetPage, upload_progress);
  gtk_widget_class_bind_template_child (widget_class, EgDatasetPage, upload_result);
  gtk_widget_class_bind_template_child (widget_class, EgDatasetPage, cancel_button);
  gtk_widget_class_install_action (widget_class, "dataset.upload", NULL, upload_action);
  gtk_widget_class_install_action (widget_class, "dataset.cancel-upload", NULL, cancel_upload_action);
}

static void
eg_dataset_page_init (EgDatasetPage *self)
{
  g_autofree char *topic = NULL;
  g_autofree char *servers = NULL;
  g_autofree char *description = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
  self->count_rows = g_ptr_array_new ();
  self->upload_status = "none";
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dataset.upload", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dataset.cancel-upload", FALSE);

  topic = g_settings_get_string (self->settings, "kafka-topic");
  servers = g_settings_get_string (self->settings, "kafka-bootstrap-servers");
  description = g_strdup_printf (_("Labeled flows on the ports of interest go to the topic %s "
                                   "at %s (change it in Preferences)."), topic, servers);
  adw_preferences_group_set_description (self->upload_group, description);
}
