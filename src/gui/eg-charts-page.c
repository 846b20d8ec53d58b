/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-charts-page.h"

#include <math.h>

#include <glib/gi18n.h>

#define N_TIME_BUCKETS 60
#define N_TOP          10
#define N_SCORE_BINS   10

struct _EgChartsPage
{
  GtkWidget    parent_instance;

  GtkBox      *traffic_box;
  GtkBox      *activity_box;
  GtkBox      *talkers_box;
  GtkBox      *services_box;
  GtkBox      *scores_box;
  GtkLabel    *scope_label;

  EgChart     *traffic;
  EgChart     *activity;
  EgChart     *talkers;
  EgChart     *services;
  EgChart     *scores;

  EgFlowList  *flows;
  EgAlertList *alerts;
  guint        refresh_id;
  gboolean     dirty;
  /* The time charts' buckets as last drawn */
  double       t0;
  double       bucket_width;
};

enum {
  SIGNAL_FILTER_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EgChartsPage, eg_charts_page, GTK_TYPE_WIDGET)

typedef struct {
  char  *key;
  double value;
} Entry;

static int
compare_entries_desc (gconstpointer a,
                      gconstpointer b)
{
  const Entry *ea = a, *eb = b;

  return (ea->value < eb->value) - (ea->value > eb->value);
}

/* The N largest of a key → total table, as a chart's bars. */
static void
set_top (EgChart    *chart,
         GHashTable *totals)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  GHashTableIter iter;
  gpointer key, value;
  const char *labels[N_TOP];
  double values[N_TOP];
  guint n;

  g_hash_table_iter_init (&iter, totals);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Entry entry = { key, *(double *) value };

      g_array_append_val (entries, entry);
    }
  g_array_sort (entries, compare_entries_desc);
  n = MIN (entries->len, N_TOP);
  for (guint i = 0; i < n; i++)
    {
      labels[i] = g_array_index (entries, Entry, i).key;
      values[i] = g_array_index (entries, Entry, i).value;
    }
  eg_chart_set_data (chart, labels, values, NULL, n);
}

static void
add_total (GHashTable *totals,
           const char *key,
           double      amount)
{
  double *value = g_hash_table_lookup (totals, key);

  if (value == NULL)
    {
      value = g_new0 (double, 1);
      g_hash_table_insert (totals, g_strdup (key), value);
    }
  *value += amount;
}

static char *
format_bucket (double ts)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local ((gint64) ts);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("-");
}

void
eg_charts_page_refresh (EgChartsPage *self)
{
  g_autoptr(GHashTable) talkers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  double out[N_TIME_BUCKETS] = { 0 }, in[N_TIME_BUCKETS] = { 0 };
  double n_flows[N_TIME_BUCKETS] = { 0 }, n_alerts[N_TIME_BUCKETS] = { 0 };
  double bins[N_SCORE_BINS] = { 0 };
  g_autoptr(GPtrArray) time_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) bin_labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *scope = NULL;
  double t0 = G_MAXDOUBLE, t1 = -G_MAXDOUBLE, width;
  guint n;

  g_return_if_fail (EG_IS_CHARTS_PAGE (self));

  self->dirty = FALSE;
  if (self->flows == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->flows));
  for (guint i = 0; i < n; i++)
    {
      const EgFlow *flow = eg_flow_list_get_flow (self->flows, i);

      t0 = MIN (t0, flow->ts);
      t1 = MAX (t1, flow->ts + flow->duration);
    }
  width = n > 0 ? MAX ((t1 - t0) / N_TIME_BUCKETS, 1e-3) : 1;
  self->t0 = t0;
  self->bucket_width = width;

  for (guint i = 0; i < n; i++)
    {
      const EgFlow *flow = eg_flow_list_get_flow (self->flows, i);
      guint bucket = MIN ((guint) ((flow->ts - t0) / width), N_TIME_BUCKETS - 1);
      char addr[EG_ADDR_STRLEN];

      out[bucket] += flow->orig_bytes;
      in[bucket] += flow->resp_bytes;
      n_flows[bucket] += 1;
      add_total (talkers, eg_addr_to_string (&flow->orig_h, addr),
                 flow->orig_bytes + flow->resp_bytes);
      add_total (services, flow->service != NULL ? flow->service : "-", 1);
      if (flow->score >= 0)
        bins[MIN ((guint) (flow->score * N_SCORE_BINS), N_SCORE_BINS - 1)] += 1;
    }

  for (guint g = 0; self->alerts != NULL && n > 0 &&
                    g < g_list_model_get_n_items (G_LIST_MODEL (self->alerts)); g++)
    {
      g_autoptr(EgAlertGroup) group = g_list_model_get_item (G_LIST_MODEL (self->alerts), g);

      for (guint i = 0; i < eg_alert_group_get_n_alerts (group); i++)
        {
          double ts = eg_alert_group_get_alert (group, i)->ts;

          if (ts >= t0 && ts <= t1)
            n_alerts[MIN ((guint) ((ts - t0) / width), N_TIME_BUCKETS - 1)] += 1;
        }
    }

  for (guint i = 0; i < N_TIME_BUCKETS; i++)
    g_ptr_array_add (time_labels, format_bucket (t0 + i * width));
  for (guint i = 0; i < N_SCORE_BINS; i++)
    g_ptr_array_add (bin_labels, g_strdup_printf ("%.1f–%.1f", (double) i / N_SCORE_BINS,
                                                  (double) (i + 1) / N_SCORE_BINS));

  eg_chart_set_data (self->traffic, (const char * const *) time_labels->pdata, out, in,
                     n > 0 ? N_TIME_BUCKETS : 0);
  eg_chart_set_data (self->activity, (const char * const *) time_labels->pdata, n_flows, n_alerts,
                     n > 0 ? N_TIME_BUCKETS : 0);
  set_top (self->talkers, talkers);
  set_top (self->services, services);
  eg_chart_set_data (self->scores, (const char * const *) bin_labels->pdata, bins, NULL,
                     n > 0 ? N_SCORE_BINS : 0);

  scope = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Of the %u flow the Flows page shows; a click on a bar filters it.",
                                        "Of the %u flows the Flows page shows; a click on a bar filters them.",
                                        n), n);
  gtk_label_set_text (self->scope_label, scope);
}

static gboolean
refresh_cb (gpointer user_data)
{
  EgChartsPage *self = user_data;

  if (self->dirty && gtk_widget_get_mapped (GTK_WIDGET (self)))
    eg_charts_page_refresh (self);
  return G_SOURCE_CONTINUE;
}

static void
on_flows_changed_cb (EgChartsPage *self)
{
  self->dirty = TRUE;
}

/* Clicks ask the Flows page to filter by what the bar stands for. */
static void
request_filter (EgChartsPage *self,
                const char   *text)
{
  g_signal_emit (self, signals[SIGNAL_FILTER_REQUESTED], 0, text);
}

static void
on_talker_activated_cb (EgChart      *chart,
                        guint         index,
                        EgChartsPage *self)
{
  g_autofree char *text = g_strdup_printf ("host %s", eg_chart_get_label (chart, index));

  request_filter (self, text);
}

static void
on_service_activated_cb (EgChart      *chart,
                         guint         index,
                         EgChartsPage *self)
{
  const char *service = eg_chart_get_label (chart, index);
  g_autofree char *text = g_strdup_printf ("service %s", g_str_equal (service, "-") ? "none" : service);

  request_filter (self, text);
}

/* ISO 8601 in UTC to the microsecond, as the filter reads it. */
static char *
format_filter_time (double ts)
{
  gint64 usec = llround (ts * G_USEC_PER_SEC);
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) exact = dt != NULL ? g_date_time_add (dt, usec % G_USEC_PER_SEC) : NULL;

  return exact != NULL ? g_date_time_format (exact, "%Y-%m-%dT%H:%M:%S.%fZ") : NULL;
}

/* A click on a time bucket: the flows that started in it. The first and
 * last buckets are open at their outer end, as the charts count them. */
static void
on_time_activated_cb (EgChart      *chart,
                      guint         index,
                      EgChartsPage *self)
{
  g_autofree char *from = format_filter_time (self->t0 + index * self->bucket_width);
  g_autofree char *to = format_filter_time (self->t0 + (index + 1) * self->bucket_width);
  g_autofree char *text = NULL;

  if (from == NULL || to == NULL)
    return;
  if (index == 0)
    text = g_strdup_printf ("ts < %s", to);
  else if (index + 1 >= N_TIME_BUCKETS)
    text = g_strdup_printf ("ts >= %s", from);
  else
    text = g_strdup_printf ("ts >= %s and ts < %s", from, to);
  request_filter (self, text);
}

static void
on_score_activated_cb (EgChart      *chart,
                       guint         index,
                       EgChartsPage *self)
{
  g_autofree char *text = NULL;
  char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (lo, sizeof lo, "%.1f", (double) index / N_SCORE_BINS);
  g_ascii_formatd (hi, sizeof hi, "%.1f", (double) (index + 1) / N_SCORE_BINS);
  if (index + 1 < N_SCORE_BINS)
    text = g_strdup_printf ("score >= %s and score < %s", lo, hi);
  else
    text = g_strdup_printf ("score >= %s", lo);
  request_filter (self, text);
}

void
eg_charts_page_set_models (EgChartsPage *self,
                           EgFlowList   *flows,
                           EgAlertList  *alerts)
{
  g_return_if_fail (EG_IS_CHARTS_PAGE (self));
  g_return_if_fail (self->flows == NULL);

  self->flows = g_object_ref (flows);
  self->alerts = g_object_ref (alerts);
  g_signal_connect_object (flows, "items-changed", G_CALLBACK (on_flows_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (alerts, "items-changed", G_CALLBACK (on_flows_changed_cb),
                           self, G_CONNECT_SWAPPED);
  self->dirty = TRUE;
}

EgChart *
eg_charts_page_get_chart (EgChartsPage *self,
                          const char   *name)
{
  g_return_val_if_fail (EG_IS_CHARTS_PAGE (self), NULL);

  if (g_str_equal (name, "traffic"))
    return self->traffic;
  if (g_str_equal (name, "activity"))
    return self->activity;
  if (g_str_equal (name, "talkers"))
    return self->talkers;
  if (g_str_equal (name, "services"))
    return self->services;
  if (g_str_equal (name, "scores"))
    return self->scores;
  return NULL;
}

static void
eg_charts_page_map (GtkWidget *widget)
{
  EgChartsPage *self = EG_CHARTS_PAGE (widget);

  GTK_WIDGET_CLASS (eg_charts_page_parent_class)->map (widget);
  if (self->dirty)
    eg_charts_page_refresh (self);
  /* Live updates once a second while shown, never per batch. */
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (1, refresh_cb, self);
}

static void
eg_charts_page_unmap (GtkWidget *widget)
{
  EgChartsPage *self = EG_CHARTS_PAGE (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  GTK_WIDGET_CLASS (eg_charts_page_parent_class)->unmap (widget);
}

static void
eg_charts_page_dispose (GObject *object)
{
  EgChartsPage *self = EG_CHARTS_PAGE (object);
  GtkWidget *child;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), EG_TYPE_CHARTS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->flows);
  g_clear_object (&self->alerts);
  G_OBJECT_CLASS (eg_charts_page_parent_class)->dispose (object);
}

static void
eg_charts_page_class_init (EgChartsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = eg_charts_page_dispose;
  widget_class->map = eg_charts_page_map;
  widget_class->unmap = eg_charts_page_unmap;

  /* (filter text): show these flows on the Flows page. */
  signals[SIGNAL_FILTER_REQUESTED] =
    g_signal_new ("filter-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/edgeguard/Edgeguard/ui/eg-charts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EgChartsPage, traffic_box);
  gtk_widget_class_bind_template_child (widget_class, EgChartsPage, activity_box);
  gtk_widget_class_bind_template_child (widget_class, EgChartsPage, talkers_box);
  gtk_widget_class_bind_template_child (widget_class, EgChartsPage, services_box);
  gtk_widget_class_bind_template_child (widget_class, EgChartsPage, scores_box);
  gtk_widget_class_bind_template_child (widget_class, EgChartsPage, scope_label);
}

static EgChart *
add_chart (GtkBox      *box,
           EgChartKind  kind,
           EgChartUnit  unit)
{
  GtkWidget *chart = eg_chart_new (kind, unit);

  gtk_widget_set_vexpand (chart, TRUE);
  gtk_box_append (box, chart);
  return EG_CHART (chart);
}

static void
eg_charts_page_init (EgChartsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->traffic = add_chart (self->traffic_box, EG_CHART_COLUMNS, EG_CHART_UNIT_BYTES);
  eg_chart_set_series (self->traffic, _("Sent by originators"), _("Sent by responders"));
  g_signal_connect (self->traffic, "bar-activated", G_CALLBACK (on_time_activated_cb), self);
  self->activity = add_chart (self->activity_box, EG_CHART_COLUMNS, EG_CHART_UNIT_COUNT);
  eg_chart_set_series (self->activity, _("Flows"), _("Alerts"));
  g_signal_connect (self->activity, "bar-activated", G_CALLBACK (on_time_activated_cb), self);
  self->talkers = add_chart (self->talkers_box, EG_CHART_BARS, EG_CHART_UNIT_BYTES);
  g_signal_connect (self->talkers, "bar-activated", G_CALLBACK (on_talker_activated_cb), self);
  self->services = add_chart (self->services_box, EG_CHART_BARS, EG_CHART_UNIT_COUNT);
  g_signal_connect (self->services, "bar-activated", G_CALLBACK (on_service_activated_cb), self);
  self->scores = add_chart (self->scores_box, EG_CHART_COLUMNS, EG_CHART_UNIT_COUNT);
  g_signal_connect (self->scores, "bar-activated", G_CALLBACK (on_score_activated_cb), self);
}
