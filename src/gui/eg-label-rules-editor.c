/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-label-rules-editor.h"

#include <adwaita.h>
#include <glib/gi18n.h>

struct _EgLabelRulesEditor
{
  GtkWidget          parent_instance;

  AdwPreferencesGroup *group;
  GtkListBox         *list;
  GtkLabel           *status_label;

  EgStore            *store;
  GPtrArray          *rules;          /* Rule, in order */
  EgLabelRuleDialog  *dialog;         /* not owned */
  guint               editing;        /* the rule the dialog edits; G_MAXUINT: a new one */
  GCancellable       *cancellable;
  gboolean            running;        /* a job runs */
  gboolean            save_pending;   /* the rules changed since the last save began */
  gboolean            apply_pending;
};

typedef struct {
  char *label;
  char *detailed_label;   /* NULL: none */
  char *conditions;       /* one line, AND-joined */
} Rule;

enum {
  SIGNAL_RULES_CHANGED,
  SIGNAL_APPLIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EgLabelRulesEditor, eg_label_rules_editor, GTK_TYPE_WIDGET)

static void
rule_free (Rule *rule)
{
  g_free (rule->label);
  g_free (rule->detailed_label);
  g_free (rule->conditions);
  g_free (rule);
}

static Rule *
rule_new (const char *label,
          const char *detailed_label,
          const char *conditions)
{
  Rule *rule = g_new0 (Rule, 1);

  rule->label = g_strdup (label);
  rule->detailed_label = detailed_label != NULL && *detailed_label ? g_strdup (detailed_label) : NULL;
  rule->conditions = g_strdup (conditions);
  return rule;
}

/* The rules in the file format (eg-label-rule.h). */
static char *
rules_to_text (GPtrArray *rules)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < rules->len; i++)
    {
      const Rule *rule = rules->pdata[i];

      g_string_append (text, rule->label);
      if (rule->detailed_label != NULL)
        g_string_append_printf (text, ", %s", rule->detailed_label);
      g_string_append_printf (text, ":\n  - %s\n", rule->conditions);
    }
  return g_string_free (text, FALSE);
}

static void
set_status (EgLabelRulesEditor *self,
            const char         *text,
            gboolean            is_error)
{
  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL && *text != '\0');
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static GtkWidget *
row_button (const char *icon_name,
            const char *tooltip,
            const char *action_name,
            guint       index,
            gboolean    sensitive)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", index);
  gtk_widget_set_sensitive (button, sensitive);
  return button;
}

static void
show_rules (EgLabelRulesEditor *self)
{
  GtkListBoxRow *old;

  /* Rows only: the placeholder is a child too. */
  while ((old = gtk_list_box_get_row_at_index (self->list, 0)) != NULL)
    gtk_list_box_remove (self->list, GTK_WIDGET (old));
  for (guint i = 0; i < self->rules->len; i++)
    {
      const Rule *rule = self->rules->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = rule->detailed_label != NULL
                               ? g_strdup_printf ("%s, %s", rule->label, rule->detailed_label)
                               : g_strdup (rule->label);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), rule->conditions);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button ("go-up-symbolic", _("Move Up"), "rules.move-up", i, i > 0));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button ("go-down-symbolic", _("Move Down"), "rules.move-down", i,
                                             i + 1 < self->rules->len));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button ("document-edit-symbolic", _("Edit"), "rules.edit", i, TRUE));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button ("user-trash-symbolic", _("Delete"), "rules.delete", i, TRUE));
      gtk_list_box_append (self->list, row);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "rules.apply",
                                 self->store != NULL && self->rules->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "rules.add", self->store != NULL);
}

/* Saving and applying, one job at a time in a thread: the store's writer
 * may be busy with a capture. */

typedef struct {
  EgStore  *store;
  char     *text;       /* the rules to save; NULL: save nothing */
  gboolean  save;
  gboolean  apply;
  guint64   n_changed;
} Job;

static void
job_free (Job *job)
{
  eg_store_unref (job->store);
  g_free (job->text);
  g_free (job);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;

  if (job->save)
    {
      g_autoptr(EgLabelRuleSet) set = NULL;

      if (job->text != NULL && (set = eg_label_rule_set_parse (_("Label rules"), job->text, &error)) == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (!eg_store_set_label_rules (job->store, set, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  if (job->apply && !eg_store_apply_label_rules (job->store, g_get_user_name (), &job->n_changed, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void run_next_job (EgLabelRulesEditor *self);

static void
on_job_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  EgLabelRulesEditor *self = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* Cancelled: the editor is gone, touch nothing. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->running = FALSE;
      set_status (self, error->message, TRUE);
      run_next_job (self);
      return;
    }
  self->running = FALSE;
  if (job->save)
    g_signal_emit (self, signals[SIGNAL_RULES_CHANGED], 0);
  if (job->apply)
    {
      g_autofree char *n = g_strdup_printf ("%" G_GUINT64_FORMAT, job->n_changed);
      g_autofree char *text = NULL;

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The rules labeled %s stored flow.",
                                           "The rules labeled %s stored flows.", job->n_changed), n);
      set_status (self, text, FALSE);
      g_signal_emit (self, signals[SIGNAL_APPLIED], 0, job->n_changed);
    }
  run_next_job (self);
}

static void
run_next_job (EgLabelRulesEditor *self)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  if (self->running || self->store == NULL || (!self->save_pending && !self->apply_pending))
    return;
  job = g_new0 (Job, 1);
  job->store = eg_store_ref (self->store);
  job->save = self->save_pending;
  job->apply = self->apply_pending;
  if (job->save && self->rules->len > 0)
    job->text = rules_to_text (self->rules);
  self->save_pending = self->apply_pending = FALSE;
  self->running = TRUE;
  task = g_task_new (NULL, self->cancellable, on_job_done_cb, self);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, job_thread);
}

static void
rules_changed (EgLabelRulesEditor *self)
{
  /* A dialog edits a rule by position: the positions changed. */
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  show_rules (self);
  set_status (self, NULL, FALSE);
  self->save_pending = TRUE;
  run_next_job (self);
}

void
eg_label_rules_editor_set_store (EgLabelRulesEditor *self,
                                 EgStore            *store)
{
  g_autoptr(EgLabelRuleSet) set = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (EG_IS_LABEL_RULES_EDITOR (self));

  g_clear_pointer (&self->store, eg_store_unref);
  g_ptr_array_set_size (self->rules, 0);
  set_status (self, NULL, FALSE);
  if (store != NULL)
    {
      self->store = eg_store_ref (store);
      /* A few rows: read here, before the first flow arrives. */
      set = eg_store_get_label_rules (store, &error);
      if (error != NULL)
        set_status (self, error->message, TRUE);
    }
  for (guint i = 0; set != NULL && i < eg_label_rule_set_get_n_rules (set); i++)
    {
      const char *label, *detailed, *conditions;
      g_auto(GStrv) lines = NULL;

      eg_label_rule_set_get_rule (set, i, &label, &detailed, &conditions);
      /* Lines of one rule are joined with OR: as rules of the same label
       * in a row they label the same flows the same way. */
      lines = g_strsplit (conditions, "\n", -1);
      for (guint j = 0; lines[j] != NULL; j++)
        if (*lines[j] != '\0')
          g_ptr_array_add (self->rules, rule_new (label, detailed, lines[j]));
    }
  show_rules (self);
}

EgLabelRuleSet *
eg_label_rules_editor_dup_rule_set (EgLabelRulesEditor *self)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (EG_IS_LABEL_RULES_EDITOR (self), NULL);

  if (self->rules->len == 0)
    return NULL;
  text = rules_to_text (self->rules);
  /* Every rule parsed in its dialog. */
  return eg_label_rule_set_parse (_("Label rules"), text, NULL);
}

guint
eg_label_rules_editor_get_n_rules (EgLabelRulesEditor *self)
{
  g_return_val_if_fail (EG_IS_LABEL_RULES_EDITOR (self), 0);
  return self->rules->len;
}

void
eg_label_rules_editor_get_rule (EgLabelRulesEditor  *self,
                                guint                index,
                                const char         **label,
                                const char         **detailed_label,
                                const char         **conditions)
{
  const Rule *rule;

  g_return_if_fail (EG_IS_LABEL_RULES_EDITOR (self));
  g_return_if_fail (index < self->rules->len);

  rule = self->rules->pdata[index];
  *label = rule->label;
  *detailed_label = rule->detailed_label;
  *conditions = rule->conditions;
}

EgLabelRuleDialog *
eg_label_rules_editor_get_dialog (EgLabelRulesEditor *self)
{
  g_return_val_if_fail (EG_IS_LABEL_RULES_EDITOR (self), NULL);
  return self->dialog;
}

gboolean
eg_label_rules_editor_get_busy (EgLabelRulesEditor *self)
{
  g_return_val_if_fail (EG_IS_LABEL_RULES_EDITOR (self), FALSE);
  return self->running || self->save_pending || self->apply_pending;
}

const char *
eg_label_rules_editor_get_status (EgLabelRulesEditor *self)
{
  g_return_val_if_fail (EG_IS_LABEL_RULES_EDITOR (self), NULL);
  return gtk_label_get_text (self->status_label);
}

/* Actions */

static void
on_dialog_saved_cb (EgLabelRuleDialog  *dialog,
                    const char         *label,
                    const char         *detailed_label,
                    const char         *conditions,
                    EgLabelRulesEditor *self)
{
  Rule *rule = rule_new (label, detailed_label, conditions);

  /* It closes itself once saved. */
  self->dialog = NULL;
  if (self->editing < self->rules->len)
    {
      rule_free (self->rules->pdata[self->editing]);
      self->rules->pdata[self->editing] = rule;
    }
  else
    g_ptr_array_add (self->rules, rule);
  rules_changed (self);
}

static void
on_dialog_destroy_cb (EgLabelRuleDialog  *dialog,
                      EgLabelRulesEditor *self)
{
  if (self->dialog == dialog)
    self->dialog = NULL;
}

static void
open_dialog (EgLabelRulesEditor *self,
             guint               index)
{
  const Rule *rule = index < self->rules->len ? self->rules->pdata[index] : NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->editing = index;
  self->dialog = eg_label_rule_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                           rule != NULL ? rule->label : NULL,
                                           rule != NULL ? rule->detailed_label : NULL,
                                           rule != NULL ? rule->conditions : NULL);
  g_signal_connect_object (self->dialog, "saved", G_CALLBACK (on_dialog_saved_cb), self, 0);
  g_signal_connect_object (self->dialog, "destroy", G_CALLBACK (on_dialog_destroy_cb), self, 0);
  gtk_window_present (GTK_WINDOW (self->dialog));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  open_dialog (EG_LABEL_RULES_EDITOR (widget), G_MAXUINT);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EgLabelRulesEditor *self = EG_LABEL_RULES_EDITOR (widget);
  guint index = g_variant_get_uint32 (parameter);

  if (index < self->rules->len)
    open_dialog (self, index);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  EgLabelRulesEditor *self = EG_LABEL_RULES_EDITOR (widget);
  guint index = g_variant_get_uint32 (parameter);

  if (index >= self->rules->len)
    return;
  rule_free (g_ptr_array_steal_index (self->rules, index));
  rules_changed (self);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EgLabelRulesEditor *self = EG_LABEL_RULES_EDITOR (widget);
  guint index = g_variant_get_uint32 (parameter);
  guint other = g_str_equal (action_name, "rules.move-up") ? index - 1 : index + 1;
  gpointer rule;

  /* index 0 moving up makes other G_MAXUINT: out of range too. */
  if (index >= self->rules->len || other >= self->rules->len)
    return;
  rule = self->rules->pdata[index];
  self->rules->pdata[index] = self->rules->pdata[other];
  self->rules->pdata[other] = rule;
  rules_changed (self);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  EgLabelRulesEditor *self = EG_LABEL_RULES_EDITOR (widget);

  set_status (self, _("Applying the rules to the stored flows…"), FALSE);
  self->apply_pending = TRUE;
  run_next_job (self);
}

static void
eg_label_rules_editor_dispose (GObject *object)
{
  EgLabelRulesEditor *self = EG_LABEL_RULES_EDITOR (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  gtk_widget_dispose_template (GTK_WIDGET (self), EG_TYPE_LABEL_RULES_EDITOR);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->store, eg_store_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (eg_label_rules_editor_parent_class)->dispose (object);
}

static void
eg_label_rules_editor_finalize (GObject *object)
{
  EgLabelRulesEditor *self = EG_LABEL_RULES_EDITOR (object);

  g_ptr_array_unref (self->rules);
  G_OBJECT_CLASS (eg_label_rules_editor_parent_class)->finalize (object);
}

static void
eg_label_rules_editor_class_init (EgLabelRulesEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = eg_label_rules_editor_dispose;
  object_class->finalize = eg_label_rules_editor_finalize;

  /* The store holds the rules shown. */
  signals[SIGNAL_RULES_CHANGED] =
    g_signal_new ("rules-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The stored flows are labeled by the rules: (number of flows changed) */
  signals[SIGNAL_APPLIED] =
    g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/edgeguard/Edgeguard/ui/eg-label-rules-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, EgLabelRulesEditor, group);
  gtk_widget_class_bind_template_child (widget_class, EgLabelRulesEditor, list);
  gtk_widget_class_bind_template_child (widget_class, EgLabelRulesEditor, status_label);
  gtk_widget_class_install_action (widget_class, "rules.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "rules.edit", "u", edit_action);
  gtk_widget_class_install_action (widget_class, "rules.delete", "u", delete_action);
  gtk_widget_class_install_action (widget_class, "rules.move-up", "u", move_action);
  gtk_widget_class_install_action (widget_class, "rules.move-down", "u", move_action);
  gtk_widget_class_install_action (widget_class, "rules.apply", NULL, apply_action);
}

static void
eg_label_rules_editor_init (EgLabelRulesEditor *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  self->cancellable = g_cancellable_new ();
  self->editing = G_MAXUINT;
  placeholder = gtk_label_new (_("No rules: add one with +"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->list, placeholder);
  show_rules (self);
}
