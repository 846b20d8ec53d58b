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

  GPtrArray           *rows;   /* (group, row) pairs added for this flow */
  EgFlow               flow;
  gboolean             has_flow;
};

G_DEFINE_FINAL_TYPE (EgFlowDetail, eg_flow_detail, GTK_TYPE_WIDGET)

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

  g_return_if_fail (EG_IS_FLOW_DETAIL (self));

  clear_rows (self);
  self->has_flow = flow != NULL;
  if (flow == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  self->flow = *flow;

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
  if (flow->label != NULL)
    text = g_strdup_printf ("%s%s%s (%s)", flow->label,
                            flow->detailed_label != NULL ? " · " : "",
                            flow->detailed_label != NULL ? flow->detailed_label : "",
                            eg_label_source_to_string (flow->label_source));
  else
    text = g_strdup (_("Unlabeled"));
  add_row (self, self->summary_group, _("Label"), text);
  g_clear_pointer (&text, g_free);

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

  if (alerts != NULL && alerts->len > 0)
    {
      for (guint i = 0; i < alerts->len; i++)
        add_alert (self, g_ptr_array_index (alerts, i));
      adw_preferences_group_set_description (self->alerts_group, NULL);
    }
  else
    adw_preferences_group_set_description (self->alerts_group,
                                           _("No alert names this flow as evidence."));

  gtk_stack_set_visible_child_name (self->stack, "flow");
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
}

static void
eg_flow_detail_init (EgFlowDetail *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
