/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-history-page.h"

#include <glib/gi18n.h>

#include "eg-alert-list.h"
#include "eg-alerts-page.h"
#include "eg-error.h"
#include "eg-flow-filter.h"
#include "eg-flows-page.h"

struct _EgHistoryPage
{
  GtkWidget     parent_instance;

  GtkEntry     *from_entry;
  GtkEntry     *to_entry;
  GtkEntry     *filter_entry;
  GtkButton    *load_button;
  GtkLabel     *result_label;
  GtkButton    *previous_button;
  GtkButton    *next_button;
  GtkStack     *content_stack;
  EgFlowsPage  *flows_page;
  EgAlertsPage *alerts_page;

  EgStore      *store;
  EgFlowList   *flows;
  EgAlertList  *alerts;
  guint         page;         /* of the loaded query, from 0 */
  gboolean      has_more;     /* another page follows */
  gboolean      loading;
  gboolean      loaded;
  GArray       *rest;         /* EgFlow of a first page still to add */
  guint         rest_done;
  guint         rest_id;
  double        loaded_from;
  double        loaded_to;
  char         *loaded_filter;
  GCancellable *cancellable;
};

enum {
  SIGNAL_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EgHistoryPage, eg_history_page, GTK_TYPE_WIDGET)

typedef struct {
  EgStore      *store;
  EgFlowFilter *filter;
  double        from;
  double        to;
  guint         page;
  gboolean      with_alerts;  /* the first page reads the range's alerts */
  /* Results */
  GArray       *flows;
  GPtrArray    *alerts;
} Query;

static void
query_free (Query *query)
{
  eg_store_unref (query->store);
  g_clear_pointer (&query->filter, eg_flow_filter_free);
  g_clear_pointer (&query->flows, g_array_unref);
  g_clear_pointer (&query->alerts, g_ptr_array_unref);
  g_free (query);
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Query *query = task_data;
  g_autoptr(GError) error = NULL;

  /* One row more than a page says whether another page follows. */
  query->flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  if (!eg_store_query_flows (query->store, query->filter, query->from, query->to,
                             EG_HISTORY_LIMIT + 1, query->page * EG_HISTORY_LIMIT,
                             query->flows, &error) ||
      (query->with_alerts &&
       (query->alerts = eg_store_query_alerts (query->store, NULL, query->from, query->to,
                                               &error)) == NULL))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
update_result (EgHistoryPage *self,
               guint          n_flows)
{
  g_autofree char *flows = NULL;
  g_autofree char *text = NULL;
  guint n_alerts = eg_alert_list_get_n_alerts (self->alerts);

  if (self->page == 0 && !self->has_more)
    flows = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u stored flow", "%u stored flows",
                                          n_flows), n_flows);
  else
    /* Translators: a page of the stored flows: "stored flows 200001–400000". */
    flows = g_strdup_printf (_("stored flows %u–%u%s"), self->page * EG_HISTORY_LIMIT + 1,
                             self->page * EG_HISTORY_LIMIT + n_flows,
                             self->has_more ? _(" (more on the next page)") : "");
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u stored alert",
                                       "%s · %u stored alerts", n_alerts), flows, n_alerts);
  gtk_label_set_text (self->result_label, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->previous_button), self->page > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), self->has_more);
}

#define FIRST_ROWS 256
#define FIRST_ROWS_PER_TURN 8

static void
stop_adding_rest (EgHistoryPage *self)
{
  g_clear_handle_id (&self->rest_id, g_source_remove);
  g_clear_pointer (&self->rest, g_array_unref);
}

static gboolean
add_rest_cb (gpointer user_data)
{
  EgHistoryPage *self = user_data;
  guint n = self->rest->len - self->rest_done, total = self->rest->len;

  /* The first rows a few at a time, then everything else at once: past
   * the rows the view keeps, it builds nothing for them. */
  if (eg_flow_list_get_n_flows (self->flows) < FIRST_ROWS)
    n = MIN (n, FIRST_ROWS_PER_TURN);
  eg_flow_list_add (self->flows, &g_array_index (self->rest, EgFlow, self->rest_done), n);
  self->rest_done += n;
  if (self->rest_done < total)
    return G_SOURCE_CONTINUE;
  self->rest_id = 0;
  g_clear_pointer (&self->rest, g_array_unref);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0, total);
  return G_SOURCE_REMOVE;
}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Query *query = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  EgHistoryPage *self;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  self->loading = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->load_button), TRUE);
  if (error != NULL)
    {
      gtk_label_set_text (self->result_label, error->message);
      g_signal_emit (self, signals[SIGNAL_LOADED], 0, 0);
      return;
    }
  self->page = query->page;
  self->has_more = query->flows->len > EG_HISTORY_LIMIT;
  if (self->has_more)
    g_array_set_size (query->flows, EG_HISTORY_LIMIT);
  if (query->with_alerts)
    {
      eg_alert_list_clear (self->alerts);
      eg_alert_list_add (self->alerts, query->alerts);
    }
  update_result (self, query->flows->len);
  if (eg_flow_list_get_n_flows (self->flows) < FIRST_ROWS && query->flows->len > FIRST_ROWS_PER_TURN)
    {
      /* A table without rows yet: GtkListView builds a widget for each of
       * its first 200 rows, so they come a few per turn. */
      eg_flow_list_replace_all (self->flows, (const EgFlow *) query->flows->data,
                                FIRST_ROWS_PER_TURN);
      self->rest = g_steal_pointer (&query->flows);
      self->rest_done = FIRST_ROWS_PER_TURN;
      self->rest_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, add_rest_cb, self, NULL);
      return;
    }
  /* One change for the whole page, which keeps the table's row widgets. */
  eg_flow_list_replace_all (self->flows, (const EgFlow *) query->flows->data, query->flows->len);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0, query->flows->len);
}

static void start_query (EgHistoryPage *self,
                         guint          page);

static gboolean
parse_time (const char  *text,
            double      *ts,
            GError     **error)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *iso = NULL;

  *ts = 0;
  if (text == NULL || text[0] == '\0')
    return TRUE;
  /* "2018-03-09 20:50" reads as local time, as the table shows it. */
  iso = g_strdelimit (g_strstrip (g_strdup (text)), " ", 'T');
  if (strlen (iso) == 16)
    {
      g_autofree char *with_seconds = g_strconcat (iso, ":00", NULL);

      g_free (iso);
      iso = g_steal_pointer (&with_seconds);
    }
  else if (strlen (iso) == 10)
    {
      g_autofree char *midnight = g_strconcat (iso, "T00:00:00", NULL);

      g_free (iso);
      iso = g_steal_pointer (&midnight);
    }
  dt = g_date_time_new_from_iso8601 (iso, local);
  if (dt == NULL)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   _("“%s” is not a time: write it as 2018-03-09 20:50 or 2018-03-09"), text);
      return FALSE;
    }
  *ts = g_date_time_to_unix (dt) + g_date_time_get_microsecond (dt) / 1e6;
  return TRUE;
}

static void
set_entry_text (GtkEntry   *entry,
                const char *text)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), text != NULL ? text : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
}

gboolean
eg_history_page_load (EgHistoryPage  *self,
                      const char     *from,
                      const char     *to,
                      const char     *filter,
                      GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  double t0, t1;
  EgFlowFilter *parsed = NULL;

  g_return_val_if_fail (EG_IS_HISTORY_PAGE (self), FALSE);

  /* What is loaded is what the entries say (Export reads them). */
  set_entry_text (self->from_entry, from);
  set_entry_text (self->to_entry, to);
  set_entry_text (self->filter_entry, filter);
  if (self->store == NULL)
    {
      g_set_error (&local_error, EG_ERROR, EG_ERROR_NOT_FOUND,
                   _("No database is open: see the Dataset page."));
    }
  else if (parse_time (from, &t0, &local_error) && parse_time (to, &t1, &local_error) &&
           filter != NULL && filter[0] != '\0')
    parsed = eg_flow_filter_parse (filter, &local_error);
  if (local_error != NULL)
    {
      gtk_label_set_text (self->result_label, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_clear_pointer (&parsed, eg_flow_filter_free);
  self->loaded = TRUE;
  self->loaded_from = t0;
  self->loaded_to = t1;
  g_free (self->loaded_filter);
  self->loaded_filter = g_strdup (filter != NULL ? filter : "");
  start_query (self, 0);
  return TRUE;
}

/* Reads a page of the loaded query (the first with the range's alerts). */
static void
start_query (EgHistoryPage *self,
             guint          page)
{
  g_autoptr(GTask) task = NULL;
  Query *query = g_new0 (Query, 1);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  stop_adding_rest (self);
  query->store = eg_store_ref (self->store);
  /* It parsed when the query was loaded. */
  if (self->loaded_filter[0] != '\0')
    query->filter = eg_flow_filter_parse (self->loaded_filter, NULL);
  query->from = self->loaded_from;
  query->to = self->loaded_to;
  query->page = page;
  query->with_alerts = page == 0;
  self->loading = TRUE;
  gtk_label_set_text (self->result_label, _("Reading the database…"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->load_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->previous_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), FALSE);
  task = g_task_new (NULL, self->cancellable, on_loaded_cb, self);
  g_task_set_task_data (task, query, (GDestroyNotify) query_free);
  g_task_run_in_thread (task, query_thread);
}

gboolean
eg_history_page_show_page (EgHistoryPage *self,
                           guint          page)
{
  g_return_val_if_fail (EG_IS_HISTORY_PAGE (self), FALSE);

  if (!self->loaded || self->store == NULL || (page > self->page && !self->has_more))
    return FALSE;
  start_query (self, page);
  return TRUE;
}

guint
eg_history_page_get_page (EgHistoryPage *self,
                          gboolean      *has_more)
{
  g_return_val_if_fail (EG_IS_HISTORY_PAGE (self), 0);
  if (has_more != NULL)
    *has_more = self->has_more;
  return self->page;
}

EgAlertList *
eg_history_page_get_alert_list (EgHistoryPage *self)
{
  g_return_val_if_fail (EG_IS_HISTORY_PAGE (self), NULL);
  return self->alerts;
}

static void
on_previous_clicked_cb (GtkButton     *button,
                        EgHistoryPage *self)
{
  if (self->page > 0)
    eg_history_page_show_page (self, self->page - 1);
}

static void
on_next_clicked_cb (GtkButton     *button,
                    EgHistoryPage *self)
{
  eg_history_page_show_page (self, self->page + 1);
}

/* An alert's evidence among the flows of the page shown. */
static void
on_show_evidence_cb (EgAlertsPage       *page,
                     const char * const *uids,
                     const char         *what,
                     EgHistoryPage      *self)
{
  eg_flows_page_show_uids (self->flows_page, uids, what);
  gtk_stack_set_visible_child_name (self->content_stack, "flows");
}

gboolean
eg_history_page_get_query (EgHistoryPage  *self,
                           double         *from,
                           double         *to,
                           EgFlowFilter  **filter,
                           GError        **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->filter_entry));

  g_return_val_if_fail (EG_IS_HISTORY_PAGE (self), FALSE);

  *filter = NULL;
  if (!parse_time (gtk_editable_get_text (GTK_EDITABLE (self->from_entry)), from, error) ||
      !parse_time (gtk_editable_get_text (GTK_EDITABLE (self->to_entry)), to, error))
    return FALSE;
  if (text[0] != '\0' && (*filter = eg_flow_filter_parse (text, error)) == NULL)
    return FALSE;
  return TRUE;
}

char *
eg_history_page_describe_query (EgHistoryPage *self)
{
  const char *from = gtk_editable_get_text (GTK_EDITABLE (self->from_entry));
  const char *to = gtk_editable_get_text (GTK_EDITABLE (self->to_entry));
  const char *filter = gtk_editable_get_text (GTK_EDITABLE (self->filter_entry));
  g_autofree char *range = NULL;

  g_return_val_if_fail (EG_IS_HISTORY_PAGE (self), NULL);

  range = g_strdup_printf (_("from %s to %s"), from[0] ? from : _("the first"),
                           to[0] ? to : _("now"));
  if (filter[0] == '\0')
    return g_steal_pointer (&range);
  /* Translators: a time range, then the filter the flows match. */
  return g_strdup_printf (_("%s, matching “%s”"), range, filter);
}

static void
on_load_clicked_cb (GtkWidget     *widget,
                    EgHistoryPage *self)
{
  eg_history_page_load (self, gtk_editable_get_text (GTK_EDITABLE (self->from_entry)),
                        gtk_editable_get_text (GTK_EDITABLE (self->to_entry)),
                        gtk_editable_get_text (GTK_EDITABLE (self->filter_entry)), NULL);
}

void
eg_history_page_set_sources (EgHistoryPage *self,
                             EgStore       *store,
                             EgExplainer   *explainer)
{
  g_return_if_fail (EG_IS_HISTORY_PAGE (self));

  g_clear_pointer (&self->store, eg_store_unref);
  if (store != NULL)
    self->store = eg_store_ref (store);
  eg_flows_page_set_sources (self->flows_page, store, explainer);
}

gboolean
eg_history_page_get_loaded_query (EgHistoryPage  *self,
                                  double         *from,
                                  double         *to,
                                  const char    **filter)
{
  g_return_val_if_fail (EG_IS_HISTORY_PAGE (self), FALSE);

  if (!self->loaded)
    return FALSE;
  *from = self->loaded_from;
  *to = self->loaded_to;
  *filter = self->loaded_filter;
  return TRUE;
}

EgFlowsPage *
eg_history_page_get_flows_page (EgHistoryPage *self)
{
  g_return_val_if_fail (EG_IS_HISTORY_PAGE (self), NULL);
  return self->flows_page;
}

EgFlowList *
eg_history_page_get_flow_list (EgHistoryPage *self)
{
  g_return_val_if_fail (EG_IS_HISTORY_PAGE (self), NULL);
  return self->flows;
}

static void
eg_history_page_dispose (GObject *object)
{
  EgHistoryPage *self = EG_HISTORY_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  stop_adding_rest (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), EG_TYPE_HISTORY_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->store, eg_store_unref);
  g_clear_object (&self->flows);
  g_clear_object (&self->alerts);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->loaded_filter, g_free);
  G_OBJECT_CLASS (eg_history_page_parent_class)->dispose (object);
}

static void
eg_history_page_class_init (EgHistoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = eg_history_page_dispose;

  /* (n_flows): a query finished. */
  signals[SIGNAL_LOADED] =
    g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  g_type_ensure (EG_TYPE_FLOWS_PAGE);
  g_type_ensure (EG_TYPE_ALERTS_PAGE);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/edgeguard/Edgeguard/ui/eg-history-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EgHistoryPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, EgHistoryPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, EgHistoryPage, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, EgHistoryPage, load_button);
  gtk_widget_class_bind_template_child (widget_class, EgHistoryPage, result_label);
  gtk_widget_class_bind_template_child (widget_class, EgHistoryPage, flows_page);
  gtk_widget_class_bind_template_child (widget_class, EgHistoryPage, alerts_page);
  gtk_widget_class_bind_template_child (widget_class, EgHistoryPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, EgHistoryPage, previous_button);
  gtk_widget_class_bind_template_child (widget_class, EgHistoryPage, next_button);
  gtk_widget_class_bind_template_callback (widget_class, on_previous_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_show_evidence_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_load_clicked_cb);
}

static void
eg_history_page_init (EgHistoryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->flows = eg_flow_list_new ();
  self->alerts = eg_alert_list_new ();
  eg_flows_page_set_models (self->flows_page, self->flows, NULL);
  eg_alerts_page_set_model (self->alerts_page, self->alerts);
}
