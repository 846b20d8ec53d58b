/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-label-rule-dialog.h"

#include <string.h>
#include <glib/gi18n.h>

#include "eg-error.h"
#include "eg-flow.h"
#include "eg-label-rule.h"

struct _EgLabelRuleDialog
{
  AdwWindow    parent_instance;

  AdwEntryRow *label_row;
  AdwEntryRow *detailed_label_row;
  AdwComboRow *proto_row;
  AdwEntryRow *src_row;
  AdwEntryRow *dst_row;
  AdwEntryRow *sport_row;
  AdwEntryRow *dport_row;
  AdwComboRow *state_row;
  AdwEntryRow *from_row;
  AdwEntryRow *to_row;
  AdwEntryRow *other_row;
  GtkLabel    *error_label;
};

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The protocol row's items after "Any", as the rules write them. */
static const char * const protocols[] = { "TCP", "UDP", "ICMP" };

G_DEFINE_FINAL_TYPE (EgLabelRuleDialog, eg_label_rule_dialog, ADW_TYPE_WINDOW)

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
append_condition (GString    *line,
                  const char *field,
                  const char *op,
                  const char *value)
{
  g_autofree char *stripped = g_strstrip (g_strdup (value));

  if (*stripped == '\0')
    return;
  if (line->len)
    g_string_append (line, " & ");
  g_string_append_printf (line, "%s%s%s", field, op, stripped);
}

/* "23" or "1024-65535" */
static void
append_port (GString    *line,
             const char *field,
             const char *value)
{
  g_auto(GStrv) ends = g_strsplit (value, "-", 2);

  if (ends[0] != NULL && ends[1] != NULL)
    {
      append_condition (line, field, ">=", ends[0]);
      append_condition (line, field, "<=", ends[1]);
    }
  else
    append_condition (line, field, "=", value);
}

char *
eg_label_rule_dialog_dup_conditions (EgLabelRuleDialog  *self,
                                     GError            **error)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(EgLabelRuleSet) set = NULL;
  g_autofree char *label = g_strstrip (g_strdup (row_text (self->label_row)));
  g_autofree char *other = g_strstrip (g_strdup (row_text (self->other_row)));
  guint proto = adw_combo_row_get_selected (self->proto_row);
  guint state = adw_combo_row_get_selected (self->state_row);

  g_return_val_if_fail (EG_IS_LABEL_RULE_DIALOG (self), NULL);

  if (proto > 0 && proto <= G_N_ELEMENTS (protocols))
    append_condition (line, "Proto", "=", protocols[proto - 1]);
  append_condition (line, "srcIP", "=", row_text (self->src_row));
  append_condition (line, "dstIP", "=", row_text (self->dst_row));
  append_port (line, "srcPort", row_text (self->sport_row));
  append_port (line, "dstPort", row_text (self->dport_row));
  if (state > 0 && state <= EG_CONN_STATE_N_STATES)
    append_condition (line, "State", "=", eg_conn_state_to_string (state - 1));
  append_condition (line, "start", ">=", row_text (self->from_row));
  append_condition (line, "start", "<", row_text (self->to_row));
  if (*other != '\0')
    g_string_append_printf (line, "%s%s", line->len ? " & " : "", other);

  if (*label == '\0' || strpbrk (label, ",:&=\n") != NULL)
    {
      g_set_error_literal (error, EG_ERROR, EG_ERROR_FORMAT,
                           _("Give the rule a label (a word such as Malicious, without “,” or “:”)."));
      return NULL;
    }
  if (line->len == 0)
    {
      g_set_error_literal (error, EG_ERROR, EG_ERROR_FORMAT,
                           _("Give at least one condition: a rule without one would label no flow."));
      return NULL;
    }
  /* The rules' own parser says what is wrong, as it would for a file. */
  g_string_append_printf (text, "%s:\n  - %s\n", label, line->str);
  set = eg_label_rule_set_parse (_("Rule"), text->str, error);
  if (set == NULL)
    return NULL;
  return g_string_free (g_steal_pointer (&line), FALSE);
}

const char *
eg_label_rule_dialog_get_error (EgLabelRuleDialog *self)
{
  g_return_val_if_fail (EG_IS_LABEL_RULE_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EgLabelRuleDialog *self = EG_LABEL_RULE_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *conditions = eg_label_rule_dialog_dup_conditions (self, &error);
  g_autofree char *label = NULL;
  g_autofree char *detailed = NULL;

  if (conditions == NULL)
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  label = g_strstrip (g_strdup (row_text (self->label_row)));
  detailed = g_strstrip (g_strdup (row_text (self->detailed_label_row)));
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, label,
                 *detailed != '\0' ? detailed : NULL, conditions);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_entry_activated_cb (AdwEntryRow       *row,
                       EgLabelRuleDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "rule.save", NULL);
}

GtkWidget *
eg_label_rule_dialog_get_row (EgLabelRuleDialog *self,
                              const char        *name)
{
  const struct { const char *name; gpointer row; } rows[] = {
    { "label", self->label_row }, { "detailed-label", self->detailed_label_row },
    { "proto", self->proto_row }, { "src", self->src_row }, { "dst", self->dst_row },
    { "sport", self->sport_row }, { "dport", self->dport_row }, { "state", self->state_row },
    { "from", self->from_row }, { "to", self->to_row }, { "other", self->other_row },
  };

  g_return_val_if_fail (EG_IS_LABEL_RULE_DIALOG (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (strcmp (rows[i].name, name) == 0)
      return rows[i].row;
  g_return_val_if_reached (NULL);
}

/* Puts a condition line into the fields; what they cannot hold (other
 * operators, other fields) goes to "More conditions" as written. */
static void
load_conditions (EgLabelRuleDialog *self,
                 const char        *conditions)
{
  g_auto(GStrv) parts = g_strsplit (conditions, "&", -1);
  g_autoptr(GString) other = g_string_new (NULL);
  g_autofree char *sport_lo = NULL, *sport_hi = NULL, *dport_lo = NULL, *dport_hi = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);
      const char *op_at = strpbrk (part, "!=<>");
      g_autofree char *name = NULL;
      g_autofree char *op = NULL;
      const char *value;
      gboolean taken = FALSE;
      gsize op_len;

      if (*part == '\0')
        continue;
      if (op_at != NULL)
        {
          g_autofree char *written = g_strndup (part, op_at - part);

          name = g_ascii_strdown (g_strstrip (written), -1);
          op_len = strspn (op_at, "!=<>");
          op = g_strndup (op_at, op_len);
          value = op_at + op_len;
          while (g_ascii_isspace (*value))
            value++;

          if (strcmp (op, "=") == 0 && strcmp (name, "proto") == 0)
            {
              for (guint j = 0; j < G_N_ELEMENTS (protocols) && !taken; j++)
                if (g_ascii_strcasecmp (value, protocols[j]) == 0)
                  {
                    adw_combo_row_set_selected (self->proto_row, j + 1);
                    taken = TRUE;
                  }
            }
          else if (strcmp (op, "=") == 0 && strcmp (name, "state") == 0)
            {
              g_autofree char *upper = g_ascii_strup (value, -1);
              EgConnState state;

              if ((taken = eg_conn_state_from_string (upper, &state)))
                adw_combo_row_set_selected (self->state_row, state + 1);
            }
          else if (strcmp (op, "=") == 0 && strcmp (name, "srcip") == 0 && *row_text (self->src_row) == '\0')
            gtk_editable_set_text (GTK_EDITABLE (self->src_row), value), taken = TRUE;
          else if (strcmp (op, "=") == 0 && strcmp (name, "dstip") == 0 && *row_text (self->dst_row) == '\0')
            gtk_editable_set_text (GTK_EDITABLE (self->dst_row), value), taken = TRUE;
          else if ((strcmp (name, "srcport") == 0 || strcmp (name, "dstport") == 0)
                   && (strcmp (op, "=") == 0 || strcmp (op, ">=") == 0 || strcmp (op, "<=") == 0))
            {
              gboolean src = name[0] == 's';
              char **lo = src ? &sport_lo : &dport_lo;
              char **hi = src ? &sport_hi : &dport_hi;

              if (strcmp (op, "=") == 0 && *lo == NULL && *hi == NULL)
                *lo = g_strdup (value), *hi = g_strdup (value), taken = TRUE;
              else if (op[0] == '>' && *lo == NULL)
                *lo = g_strdup (value), taken = TRUE;
              else if (op[0] == '<' && *hi == NULL)
                *hi = g_strdup (value), taken = TRUE;
            }
          else if ((strcmp (name, "start") == 0 || strcmp (name, "ts") == 0 || strcmp (name, "date") == 0)
                   && strcmp (op, ">=") == 0 && *row_text (self->from_row) == '\0')
            gtk_editable_set_text (GTK_EDITABLE (self->from_row), value), taken = TRUE;
          else if ((strcmp (name, "start") == 0 || strcmp (name, "ts") == 0 || strcmp (name, "date") == 0)
                   && strcmp (op, "<") == 0 && *row_text (self->to_row) == '\0')
            gtk_editable_set_text (GTK_EDITABLE (self->to_row), value), taken = TRUE;
        }
      if (!taken)
        {
          if (other->len)
            g_string_append (other, " & ");
          g_string_append (other, part);
        }
    }

  /* A port bound alone (dstPort>=1024) stays as written. */
  for (guint k = 0; k < 2; k++)
    {
      char *lo = k == 0 ? sport_lo : dport_lo;
      char *hi = k == 0 ? sport_hi : dport_hi;
      const char *field = k == 0 ? "srcPort" : "dstPort";
      AdwEntryRow *row = k == 0 ? self->sport_row : self->dport_row;
      g_autofree char *text = NULL;

      if (lo != NULL && hi != NULL)
        text = strcmp (lo, hi) == 0 ? g_strdup (lo) : g_strdup_printf ("%s-%s", lo, hi);
      if (text != NULL)
        gtk_editable_set_text (GTK_EDITABLE (row), text);
      else if (lo != NULL || hi != NULL)
        g_string_append_printf (other, "%s%s%s%s", other->len ? " & " : "", field,
                                lo != NULL ? ">=" : "<=", lo != NULL ? lo : hi);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->other_row), other->str);
}

EgLabelRuleDialog *
eg_label_rule_dialog_new (GtkWindow  *parent,
                          const char *label,
                          const char *detailed_label,
                          const char *conditions)
{
  EgLabelRuleDialog *self = g_object_new (EG_TYPE_LABEL_RULE_DIALOG,
                                          "transient-for", parent,
                                          "title", conditions != NULL ? _("Edit Label Rule")
                                                                      : _("New Label Rule"),
                                          NULL);

  if (label != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->label_row), label);
  if (detailed_label != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->detailed_label_row), detailed_label);
  if (conditions != NULL)
    load_conditions (self, conditions);
  return self;
}

static void
eg_label_rule_dialog_class_init (EgLabelRuleDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* (label, detailed label or NULL, condition line) */
  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/edgeguard/Edgeguard/ui/eg-label-rule-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, EgLabelRuleDialog, label_row);
  gtk_widget_class_bind_template_child (widget_class, EgLabelRuleDialog, detailed_label_row);
  gtk_widget_class_bind_template_child (widget_class, EgLabelRuleDialog, proto_row);
  gtk_widget_class_bind_template_child (widget_class, EgLabelRuleDialog, src_row);
  gtk_widget_class_bind_template_child (widget_class, EgLabelRuleDialog, dst_row);
  gtk_widget_class_bind_template_child (widget_class, EgLabelRuleDialog, sport_row);
  gtk_widget_class_bind_template_child (widget_class, EgLabelRuleDialog, dport_row);
  gtk_widget_class_bind_template_child (widget_class, EgLabelRuleDialog, state_row);
  gtk_widget_class_bind_template_child (widget_class, EgLabelRuleDialog, from_row);
  gtk_widget_class_bind_template_child (widget_class, EgLabelRuleDialog, to_row);
  gtk_widget_class_bind_template_child (widget_class, EgLabelRuleDialog, other_row);
  gtk_widget_class_bind_template_child (widget_class, EgLabelRuleDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);
  gtk_widget_class_install_action (widget_class, "rule.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
eg_label_rule_dialog_init (EgLabelRuleDialog *self)
{
  g_autoptr(GtkStringList) states = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_string_list_append (states, _("Any"));
  for (guint i = 0; i < EG_CONN_STATE_N_STATES; i++)
    gtk_string_list_append (states, eg_conn_state_to_string (i));
  adw_combo_row_set_model (self->state_row, G_LIST_MODEL (states));
}
