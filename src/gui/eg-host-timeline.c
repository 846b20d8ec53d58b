/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-host-timeline.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "eg-error.h"
#include "eg-flow-filter.h"
#include "eg-host-activity.h"
#include "eg-ipinfo.h"

/* Stored flows read for one host at most (about 80 MB of records); a host
 * with more shows its first ones, and the summary line says how many. */
#define MAX_STORED_FLOWS 200000

struct _EgHostTimeline
{
  GtkWidget     parent_instance;

  GtkEntry     *address_entry;
  GtkButton    *show_button;
  GtkStack     *stack;
  AdwStatusPage *status_page;
  GtkLabel     *title_label;
  GtkLabel     *location_label;
  GtkLabel     *summary_label;
  GtkListBox   *period_list;

  EgStore      *store;
  EgFlowList   *live;
  GCancellable *cancellable;
  GPtrArray    *periods;      /* EgHostPeriod * shown */
  char         *address;
  gboolean      loading;
};

enum {
  SIGNAL_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EgHostTimeline, eg_host_timeline, GTK_TYPE_WIDGET)

typedef struct {
  EgStore   *store;
  EgAddr     host;
  char      *address;
  GArray    *flows;       /* EgFlow: the live ones, then the stored ones */
  double     live_since;  /* the oldest live flow; 0: none */
  /* Results */
  GPtrArray *periods;
  char      *location;
  char      *error;
  guint      n_stored;
} TimelineJob;

static void
timeline_job_free (TimelineJob *job)
{
  g_clear_pointer (&job->store, eg_store_unref);
  g_free (job->address);
  g_clear_pointer (&job->flows, g_array_unref);
  g_clear_pointer (&job->periods, g_ptr_array_unref);
  g_free (job->location);
  g_free (job->error);
  g_free (job);
}

static char *
describe_location (const EgAddr *host)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EgIpInfo) info = NULL;
  char country[3] = "";
  guint32 asn = 0;
  const char *as_name;

  if (eg_addr_is_private (host))
    return g_strdup (_("A private address: no country, no AS."));
  /* An EgIpInfo belongs to one thread: this job's. */
  info = eg_ipinfo_new (NULL, &error);
  if (info == NULL)
    return g_strdup_printf (_("Country and AS unknown: %s"), error->message);
  if (!eg_ipinfo_lookup (info, host, country, &asn))
    return g_strdup (_("Not in the location database: country and AS unknown."));
  as_name = asn != 0 ? eg_ipinfo_get_as_name (info, asn) : NULL;
  if (asn == 0)
    return g_strdup_printf (_("Country %s, AS unknown"), country[0] ? country : "?");
  return g_strdup_printf (_("Country %s, AS%u %s"), country[0] ? country : "?", asn,
                          as_name != NULL ? as_name : "");
}

static void
timeline_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  TimelineJob *job = task_data;
  g_autoptr(GError) error = NULL;
  double span;

  if (job->store != NULL)
    {
      g_autofree char *text = g_strdup_printf ("host %s", job->address);
      g_autoptr(EgFlowFilter) filter = eg_flow_filter_parse (text, &error);
      guint before = job->flows->len;

      /* What this session shows live is stored too: read only what came
       * before it, so no flow counts twice. */
      if (filter == NULL ||
          !eg_store_query_flows (job->store, filter, 0, job->live_since, MAX_STORED_FLOWS, 0,
                                 job->flows, &error))
        job->error = g_strdup (error->message);
      job->n_stored = job->flows->len - before;
    }
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  span = 0;
  if (job->flows->len > 0)
    {
      double t0 = G_MAXDOUBLE, t1 = -G_MAXDOUBLE;

      for (guint i = 0; i < job->flows->len; i++)
        {
          double ts = g_array_index (job->flows, EgFlow, i).ts;

          t0 = MIN (t0, ts);
          t1 = MAX (t1, ts);
        }
      span = t1 - t0;
    }
  job->periods = eg_host_activity_summarize (&job->host, (const EgFlow *) job->flows->data,
                                             job->flows->len,
                                             eg_host_activity_pick_window (span));
  job->location = describe_location (&job->host);
  g_task_return_boolean (task, TRUE);
}

static char *
format_period_time (const EgHostPeriod *period)
{
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_local ((gint64) period->start);
  g_autoptr(GDateTime) end = g_date_time_new_from_unix_local ((gint64) period->end);
  g_autofree char *from = g_date_time_format (start, "%Y-%m-%d %H:%M");
  g_autofree char *to = g_date_time_format (end, g_date_time_get_day_of_year (start) ==
                                                 g_date_time_get_day_of_year (end)
                                                 ? "%H:%M" : "%Y-%m-%d %H:%M");

  return g_strdup_printf ("%s – %s", from, to);
}

static GtkWidget *
make_period_row (const EgHostPeriod *period)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  g_autofree char *when = format_period_time (period);
  g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u flow",
                                                         "%s · %u flows", period->n_flows),
                                            when, period->n_flows);
  GtkWidget *heading = gtk_label_new (count);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);
  for (guint i = 0; i < period->sentences->len; i++)
    {
      GtkWidget *label = gtk_label_new (period->sentences->pdata[i]);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_box_append (GTK_BOX (box), label);
    }
  return box;
}

static void
on_timeline_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  TimelineJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  EgHostTimeline *self;
  GtkWidget *child;
  guint n_flows;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return;  /* another address was asked for, or the widget is gone */
  self = EG_HOST_TIMELINE (user_data);
  self->loading = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->show_button), TRUE);

  g_clear_pointer (&self->periods, g_ptr_array_unref);
  self->periods = g_steal_pointer (&job->periods);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->period_list))) != NULL)
    gtk_list_box_remove (self->period_list, child);
  for (guint i = 0; i < self->periods->len; i++)
    gtk_list_box_append (self->period_list, make_period_row (self->periods->pdata[i]));

  gtk_label_set_text (self->title_label, job->address);
  gtk_label_set_text (self->location_label, job->location);
  n_flows = job->flows->len;
  if (job->error != NULL)
    summary = g_strdup_printf (_("The database could not be read: %s"), job->error);
  else if (n_flows == 0)
    summary = g_strdup (_("No flow of this address is live or stored."));
  else
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u flow (%u stored before this session), in %u periods",
                                            "%u flows (%u stored before this session), in %u periods",
                                            n_flows),
                               n_flows, job->n_stored, self->periods->len);
  gtk_label_set_text (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->stack, "timeline");
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

typedef struct {
  const EgAddr *host;
  GArray       *out;
  double        oldest;
} LiveScan;

static void
collect_live (const EgFlow *flow,
              gpointer      user_data)
{
  LiveScan *scan = user_data;

  if (scan->oldest == 0 || flow->ts < scan->oldest)
    scan->oldest = flow->ts;
  if (eg_addr_equal (&flow->orig_h, scan->host) || eg_addr_equal (&flow->resp_h, scan->host))
    g_array_append_val (scan->out, *flow);
}

gboolean
eg_host_timeline_show (EgHostTimeline  *self,
                       const char      *address,
                       GError         **error)
{
  g_autoptr(GTask) task = NULL;
  TimelineJob *job;
  g_autofree char *trimmed = g_strstrip (g_strdup (address != NULL ? address : ""));
  EgAddr host;
  char text[EG_ADDR_STRLEN];

  g_return_val_if_fail (EG_IS_HOST_TIMELINE (self), FALSE);

  if (!eg_addr_parse (trimmed, &host))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   _("“%s” is not an IPv4 or IPv6 address"), trimmed);
      return FALSE;
    }
  eg_addr_to_string (&host, text);
  gtk_editable_set_text (GTK_EDITABLE (self->address_entry), text);
  g_free (self->address);
  self->address = g_strdup (text);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  job = g_new0 (TimelineJob, 1);
  job->store = self->store != NULL ? eg_store_ref (self->store) : NULL;
  job->host = host;
  job->address = g_strdup (text);
  job->flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  if (self->live != NULL)
    {
      /* The whole session, not just what the table's filter shows. */
      LiveScan scan = { &host, job->flows, 0 };

      eg_flow_list_foreach (self->live, collect_live, &scan);
      job->live_since = scan.oldest;
    }
  self->loading = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->show_button), FALSE);
  task = g_task_new (NULL, self->cancellable, on_timeline_loaded_cb, self);
  g_task_set_task_data (task, job, (GDestroyNotify) timeline_job_free);
  g_task_run_in_thread (task, timeline_thread);
  return TRUE;
}

static void
on_show_clicked_cb (GtkWidget      *widget,
                    EgHostTimeline *self)
{
  g_autoptr(GError) error = NULL;

  if (!eg_host_timeline_show (self, gtk_editable_get_text (GTK_EDITABLE (self->address_entry)),
                              &error))
    {
      adw_status_page_set_description (self->status_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
}

void
eg_host_timeline_set_sources (EgHostTimeline *self,
                              EgStore        *store,
                              EgFlowList     *live)
{
  g_return_if_fail (EG_IS_HOST_TIMELINE (self));

  g_clear_pointer (&self->store, eg_store_unref);
  g_clear_object (&self->live);
  self->store = store != NULL ? eg_store_ref (store) : NULL;
  self->live = live != NULL ? g_object_ref (live) : NULL;
}

gboolean
eg_host_timeline_get_loading (EgHostTimeline *self)
{
  g_return_val_if_fail (EG_IS_HOST_TIMELINE (self), FALSE);
  return self->loading;
}

const char *
eg_host_timeline_get_address (EgHostTimeline *self)
{
  g_return_val_if_fail (EG_IS_HOST_TIMELINE (self), NULL);
  return self->address;
}

const char *
eg_host_timeline_get_location (EgHostTimeline *self)
{
  g_return_val_if_fail (EG_IS_HOST_TIMELINE (self), NULL);
  return gtk_label_get_text (self->location_label);
}

guint
eg_host_timeline_get_n_periods (EgHostTimeline *self)
{
  g_return_val_if_fail (EG_IS_HOST_TIMELINE (self), 0);
  return self->periods != NULL ? self->periods->len : 0;
}

char *
eg_host_timeline_dup_text (EgHostTimeline *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (EG_IS_HOST_TIMELINE (self), NULL);

  for (guint i = 0; self->periods != NULL && i < self->periods->len; i++)
    {
      const EgHostPeriod *period = self->periods->pdata[i];
      g_autofree char *when = format_period_time (period);

      g_string_append_printf (text, "%s\n", when);
      for (guint j = 0; j < period->sentences->len; j++)
        g_string_append_printf (text, "  %s\n", (const char *) period->sentences->pdata[j]);
    }
  return g_string_free (text, FALSE);
}

static void
eg_host_timeline_dispose (GObject *object)
{
  EgHostTimeline *self = EG_HOST_TIMELINE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), EG_TYPE_HOST_TIMELINE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->store, eg_store_unref);
  g_clear_object (&self->live);
  G_OBJECT_CLASS (eg_host_timeline_parent_class)->dispose (object);
}

static void
eg_host_timeline_finalize (GObject *object)
{
  EgHostTimeline *self = EG_HOST_TIMELINE (object);

  g_clear_pointer (&self->periods, g_ptr_array_unref);
  g_free (self->address);
  G_OBJECT_CLASS (eg_host_timeline_parent_class)->finalize (object);
}

static void
eg_host_timeline_class_init (EgHostTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = eg_host_timeline_dispose;
  object_class->finalize = eg_host_timeline_finalize;

  /* The timeline asked for is shown. */
  signals[SIGNAL_LOADED] =
    g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/edgeguard/Edgeguard/ui/eg-host-timeline.ui");
  gtk_widget_class_bind_template_child (widget_class, EgHostTimeline, address_entry);
  gtk_widget_class_bind_template_child (widget_class, EgHostTimeline, show_button);
  gtk_widget_class_bind_template_child (widget_class, EgHostTimeline, stack);
  gtk_widget_class_bind_template_child (widget_class, EgHostTimeline, status_page);
  gtk_widget_class_bind_template_child (widget_class, EgHostTimeline, title_label);
  gtk_widget_class_bind_template_child (widget_class, EgHostTimeline, location_label);
  gtk_widget_class_bind_template_child (widget_class, EgHostTimeline, summary_label);
  gtk_widget_class_bind_template_child (widget_class, EgHostTimeline, period_list);
  gtk_widget_class_bind_template_callback (widget_class, on_show_clicked_cb);
}

static void
eg_host_timeline_init (EgHostTimeline *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
