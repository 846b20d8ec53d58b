/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-alerts-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "eg-threat-style.h"

struct _EgAlertsPage
{
  GtkWidget            parent_instance;

  GtkStack            *stack;
  GtkListBox          *group_list;
  GtkStack            *detail_stack;
  AdwPreferencesGroup *detail_group;
  GtkListBox          *alert_list;
  GtkButton           *evidence_button;
  GtkButton           *timeline_button;

  EgAlertList         *alerts;
  EgAlertGroup        *selected;
};

enum {
  SIGNAL_SHOW_EVIDENCE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EgAlertsPage, eg_alerts_page, GTK_TYPE_WIDGET)

static GtkWidget *
threat_badge (EgThreatLevel level)
{
  GtkWidget *label = gtk_label_new (eg_threat_level_get_title (level));

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "threat");
  gtk_widget_add_css_class (label, eg_threat_level_get_css_class (level));
  return label;
}

static char *
format_ts (double ts)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local ((gint64) ts);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("-");
}

static char *
group_title (EgAlertGroup *group)
{
  char src[EG_ADDR_STRLEN];

  /* Translators: "port-scan-horizontal from 192.168.2.3" */
  return g_strdup_printf (_("%s from %s"), eg_alert_group_get_detector (group),
                          eg_addr_to_string (eg_alert_group_get_src (group), src));
}

static GtkWidget *
create_group_row_cb (gpointer item,
                     gpointer user_data)
{
  EgAlertGroup *group = item;
  const EgAlert *latest = eg_alert_group_get_latest (group);
  guint n = eg_alert_group_get_n_alerts (group);
  g_autofree char *title = group_title (group);
  g_autofree char *count = g_strdup_printf ("%u", n);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *count_label = gtk_label_new (count);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (latest != NULL && latest->description != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), latest->description);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), threat_badge (eg_alert_group_get_threat (group)));
  gtk_widget_set_valign (count_label, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (count_label,
                               g_dngettext (GETTEXT_PACKAGE, "Alert raised once",
                                            "Alerts raised in this group", n));
  gtk_widget_add_css_class (count_label, "alert-count");
  gtk_widget_add_css_class (count_label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), count_label);
  g_object_set_data_full (G_OBJECT (row), "eg-group", g_object_ref (group), g_object_unref);
  return row;
}

static void
show_group (EgAlertsPage *self,
            EgAlertGroup *group)
{
  GtkWidget *child;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  g_auto(GStrv) uids = NULL;
  guint n;

  g_set_object (&self->selected, group);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->alert_list))) != NULL)
    gtk_list_box_remove (self->alert_list, child);
  if (group == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }

  n = eg_alert_group_get_n_alerts (group);
  uids = eg_alert_group_dup_uids (group);
  title = group_title (group);
  description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u alert, threat level %s, %u evidence flow",
                                              "%u alerts, threat level %s, %u evidence flows",
                                              n),
                                 n, eg_threat_level_get_title (eg_alert_group_get_threat (group)),
                                 g_strv_length (uids));
  adw_preferences_group_set_title (self->detail_group, title);
  adw_preferences_group_set_description (self->detail_group, description);
  gtk_widget_set_sensitive (GTK_WIDGET (self->evidence_button), uids[0] != NULL);
  {
    char src[EG_ADDR_STRLEN];

    /* The target first: the action takes an address, never nothing. */
    gtk_actionable_set_action_target (GTK_ACTIONABLE (self->timeline_button), "s",
                                      eg_addr_to_string (eg_alert_group_get_src (group), src));
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->timeline_button),
                                    "win.show-host-timeline");
  }

  /* Newest first: what the operator reads next is what just happened. */
  for (guint i = n; i > 0; i--)
    {
      const EgAlert *alert = eg_alert_group_get_alert (group, i - 1);
      g_autofree char *when = format_ts (alert->ts);
      g_autofree char *subtitle = NULL;
      char dst[EG_ADDR_STRLEN];
      GtkWidget *row = adw_action_row_new ();

      if (alert->dst.family != 0)
        subtitle = g_strdup_printf (_("%s · to %s · confidence %.0f%%"), when,
                                    eg_addr_to_string (&alert->dst, dst),
                                    alert->confidence * 100.0);
      else
        subtitle = g_strdup_printf (_("%s · confidence %.0f%%"), when, alert->confidence * 100.0);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     alert->description != NULL ? alert->description : alert->detector);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 3);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), threat_badge (alert->threat_level));
      gtk_list_box_append (self->alert_list, row);
    }
  gtk_stack_set_visible_child_name (self->detail_stack, "group");
}

static void
on_group_selected_cb (GtkListBox    *box,
                      GtkListBoxRow *row,
                      EgAlertsPage  *self)
{
  show_group (self, row != NULL ? g_object_get_data (G_OBJECT (row), "eg-group") : NULL);
}

static void
on_evidence_clicked_cb (GtkButton    *button,
                        EgAlertsPage *self)
{
  eg_alerts_page_show_evidence (self);
}

void
eg_alerts_page_show_evidence (EgAlertsPage *self)
{
  g_auto(GStrv) uids = NULL;
  g_autofree char *what = NULL;

  g_return_if_fail (EG_IS_ALERTS_PAGE (self));

  if (self->selected == NULL)
    return;
  uids = eg_alert_group_dup_uids (self->selected);
  what = group_title (self->selected);
  g_signal_emit (self, signals[SIGNAL_SHOW_EVIDENCE], 0, uids, what);
}

static void
on_alerts_changed_cb (GListModel   *model,
                      guint         position,
                      guint         removed,
                      guint         added,
                      EgAlertsPage *self)
{
  guint n = g_list_model_get_n_items (model);

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "alerts" : "empty");
  if (self->selected == NULL)
    return;
  /* The list box rebuilt the row of an updated group: keep it selected
   * and its alerts current. */
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(EgAlertGroup) group = g_list_model_get_item (model, i);

      if (group == self->selected)
        {
          g_signal_handlers_block_by_func (self->group_list, on_group_selected_cb, self);
          gtk_list_box_select_row (self->group_list,
                                   gtk_list_box_get_row_at_index (self->group_list, i));
          g_signal_handlers_unblock_by_func (self->group_list, on_group_selected_cb, self);
          show_group (self, group);
        }
    }
  if (removed > 0 && n == 0)
    show_group (self, NULL);
}

void
eg_alerts_page_set_model (EgAlertsPage *self,
                          EgAlertList  *alerts)
{
  g_return_if_fail (EG_IS_ALERTS_PAGE (self));
  g_return_if_fail (self->alerts == NULL);

  self->alerts = g_object_ref (alerts);
  gtk_list_box_bind_model (self->group_list, G_LIST_MODEL (alerts),
                           create_group_row_cb, self, NULL);
  g_signal_connect_object (alerts, "items-changed", G_CALLBACK (on_alerts_changed_cb),
                           self, G_CONNECT_AFTER);
  on_alerts_changed_cb (G_LIST_MODEL (alerts), 0, 0, 0, self);
}

void
eg_alerts_page_select (EgAlertsPage *self,
                       guint         position)
{
  GtkListBoxRow *row;

  g_return_if_fail (EG_IS_ALERTS_PAGE (self));

  row = gtk_list_box_get_row_at_index (self->group_list, position);
  if (row != NULL)
    gtk_list_box_select_row (self->group_list, row);
}

gboolean
eg_alerts_page_activate_timeline (EgAlertsPage *self)
{
  g_return_val_if_fail (EG_IS_ALERTS_PAGE (self), FALSE);

  if (self->selected == NULL)
    return FALSE;
  /* "clicked" at once: "activate" waits for the press animation. */
  g_signal_emit_by_name (self->timeline_button, "clicked");
  return TRUE;
}

EgAlertGroup *
eg_alerts_page_get_selected (EgAlertsPage *self)
{
  g_return_val_if_fail (EG_IS_ALERTS_PAGE (self), NULL);
  return self->selected;
}

static void
eg_alerts_page_dispose (GObject *object)
{
  EgAlertsPage *self = EG_ALERTS_PAGE (object);
  GtkWidget *child;

  if (self->group_list != NULL)
    gtk_list_box_bind_model (self->group_list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), EG_TYPE_ALERTS_PAGE);
  /* The template's unnamed top box is ours to unparent too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selected);
  g_clear_object (&self->alerts);
  G_OBJECT_CLASS (eg_alerts_page_parent_class)->dispose (object);
}

static void
eg_alerts_page_class_init (EgAlertsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = eg_alerts_page_dispose;

  /* (uids, what): the operator asked for the evidence flows of a group. */
  signals[SIGNAL_SHOW_EVIDENCE] =
    g_signal_new ("show-evidence", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRV, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/edgeguard/Edgeguard/ui/eg-alerts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EgAlertsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, EgAlertsPage, group_list);
  gtk_widget_class_bind_template_child (widget_class, EgAlertsPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, EgAlertsPage, detail_group);
  gtk_widget_class_bind_template_child (widget_class, EgAlertsPage, alert_list);
  gtk_widget_class_bind_template_child (widget_class, EgAlertsPage, evidence_button);
  gtk_widget_class_bind_template_child (widget_class, EgAlertsPage, timeline_button);
  gtk_widget_class_bind_template_callback (widget_class, on_group_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_evidence_clicked_cb);
}

static void
eg_alerts_page_init (EgAlertsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
