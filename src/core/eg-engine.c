/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-engine.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>

#include "config.h"

#include "eg-alert.h"
#include "eg-capture.h"
#include "eg-error.h"
#include "eg-flow-log-reader.h"
#include "eg-flow-table.h"
#include "eg-input.h"
#include "eg-packet.h"
#include "eg-pipeline.h"
#include "eg-thread.h"

/* The main loop hears from the workers this often, never per packet. */
#define TICK_MS            200
/* A batch for the scorer closes on size or on age. Small: the scoring
 * worker takes its whole queue at once, so under load it still scores in
 * big batches, while at 10,000 flows/s a flow waits here at most 3.2 ms. */
#define BATCH_FLOWS        32
#define BATCH_AGE_US       (5 * 1000)
/* Flows waiting for the main loop; beyond this the view skips some (the
 * sink and the store still get every one). */
#define MAX_PENDING_VIEW   200000
#define LIVE_POLL_MS       50

struct _EgEngine {
  GObject           parent_instance;

  EgConfig         *config;
  GMainContext     *context;
  GSource          *tick;
  EgEngineSinkFunc  sink;
  gpointer          sink_data;

  /* Set by start, read by the capture thread. */
  GStrv             paths;
  gboolean          realtime;
  int               fd;
  gboolean          live;
  GThread          *thread;
  gint              stop_requested;  /* atomic */
  /* Whether anyone listens to "flows" and "alerts": the CLI writes from
   * the sink and needs no copy of every flow for a view it does not have. */
  gboolean          view_flows;
  gboolean          view_alerts;

  /* Shared with the workers, under lock. */
  GMutex            lock;
  EgCapture        *capture;         /* the one being read, for wake-up */
  GPid              helper_pid;      /* edgeguard-helper capturing for us */
  GArray           *pending_flows;
  GPtrArray        *pending_alerts;
  GPtrArray        *pending_warnings;
  EgEngineStats     stats;
  gboolean          finished;
  GError           *finish_error;

  /* Main thread only */
  gboolean          running;
  gint64            last_tick_us;
  guint64           last_tick_packets;

  /* Capture thread only */
  EgPipeline       *pipeline;
  EgFlowTable      *table;
  GArray           *batch;
  gint64            batch_started_us;
  double            replay_first_ts;
  gint64            replay_started_us;
};

enum {
  SIGNAL_FLOWS,
  SIGNAL_ALERTS,
  SIGNAL_STATS,
  SIGNAL_WARNING,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EgEngine, eg_engine, G_TYPE_OBJECT)

static void
eg_engine_dispose (GObject *object)
{
  EgEngine *self = EG_ENGINE (object);

  eg_engine_stop (self);
  if (self->thread)
    g_clear_pointer (&self->thread, g_thread_join);
  if (self->tick)
    {
      g_source_destroy (self->tick);
      g_clear_pointer (&self->tick, g_source_unref);
    }
  G_OBJECT_CLASS (eg_engine_parent_class)->dispose (object);
}

static void
eg_engine_finalize (GObject *object)
{
  EgEngine *self = EG_ENGINE (object);

  g_clear_pointer (&self->config, eg_config_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->paths, g_strfreev);
  g_clear_pointer (&self->pending_flows, g_array_unref);
  g_clear_pointer (&self->pending_alerts, g_ptr_array_unref);
  g_clear_pointer (&self->pending_warnings, g_ptr_array_unref);
  g_clear_error (&self->finish_error);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (eg_engine_parent_class)->finalize (object);
}

static void
eg_engine_class_init (EgEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = eg_engine_dispose;
  object_class->finalize = eg_engine_finalize;

  signals[SIGNAL_FLOWS] =
    g_signal_new ("flows", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_ALERTS] =
    g_signal_new ("alerts", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_STATS] =
    g_signal_new ("stats", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_WARNING] =
    g_signal_new ("warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
eg_engine_init (EgEngine *self)
{
  g_mutex_init (&self->lock);
  self->fd = -1;
  self->pending_flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  self->pending_alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);
  self->pending_warnings = g_ptr_array_new_with_free_func (g_free);
}

EgEngine *
eg_engine_new (const EgConfig *config)
{
  EgEngine *self = g_object_new (EG_TYPE_ENGINE, NULL);

  self->config = config ? eg_config_copy (config) : eg_config_new ();
  self->context = g_main_context_ref_thread_default ();
  return self;
}

const EgConfig *
eg_engine_get_config (EgEngine *self)
{
  return self->config;
}

void
eg_engine_set_sink (EgEngine         *self,
                    EgEngineSinkFunc  func,
                    gpointer          user_data)
{
  g_return_if_fail (!self->running);
  self->sink = func;
  self->sink_data = user_data;
}

static gboolean
stop_requested (EgEngine *self)
{
  return g_atomic_int_get (&self->stop_requested) != 0;
}

static void
post_warning (EgEngine   *self,
              const char *message)
{
  g_mutex_lock (&self->lock);
  /* A file with a million bad lines must not fill memory with warnings. */
  if (self->pending_warnings->len < 100)
    g_ptr_array_add (self->pending_warnings, g_strdup (message));
  g_mutex_unlock (&self->lock);
}

/* Runs where the pipeline delivers scored flows: the sink sees all of
 * them, the view gets them in the next tick. */
static void
on_scored (const EgFlow *flows,
           guint         n_flows,
           GPtrArray    *alerts,
           gpointer      user_data)
{
  EgEngine *self = user_data;

  if (self->sink)
    self->sink (flows, n_flows, alerts, self->sink_data);

  g_mutex_lock (&self->lock);
  if (!self->view_flows)
    ;
  else if (self->pending_flows->len + n_flows <= MAX_PENDING_VIEW)
    g_array_append_vals (self->pending_flows, flows, n_flows);
  else
    self->stats.view_drops += n_flows;
  for (guint i = 0; self->view_alerts && alerts && i < alerts->len; i++)
    g_ptr_array_add (self->pending_alerts, eg_alert_copy (alerts->pdata[i]));
  self->stats.flows += n_flows;
  self->stats.alerts += alerts ? alerts->len : 0;
  g_mutex_unlock (&self->lock);
}

static void
flush_batch (EgEngine *self)
{
  if (self->batch->len == 0)
    return;
  if (!eg_pipeline_push (self->pipeline, (EgFlow *) self->batch->data,
                         self->batch->len, !self->live))
    {
      g_mutex_lock (&self->lock);
      self->stats.queue_drops += self->batch->len;
      g_mutex_unlock (&self->lock);
    }
  g_array_set_size (self->batch, 0);
}

static void
maybe_flush_batch (EgEngine *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->batch->len == 0)
    self->batch_started_us = now;
  else if (self->batch->len >= BATCH_FLOWS || now - self->batch_started_us >= BATCH_AGE_US)
    {
      flush_batch (self);
      self->batch_started_us = now;
    }
}

static void
on_table_flow (const EgFlow *flow,
               gpointer      user_data)
{
  EgEngine *self = user_data;

  g_array_append_vals (self->batch, flow, 1);
  if (self->batch->len >= BATCH_FLOWS)
    flush_batch (self);
}

static void
update_capture_stats (EgEngine  *self,
                      EgCapture *capture)
{
  EgFlowTableStats ts;
  guint32 model_version = self->pipeline ? eg_pipeline_get_model_version (self->pipeline) : 0;

  eg_flow_table_get_stats (self->table, &ts);
  g_mutex_lock (&self->lock);
  self->stats.model_version = model_version;
  self->stats.packets = ts.packets;
  self->stats.bytes = ts.bytes;
  self->stats.undecodable = ts.undecodable;
  self->stats.fragments_orphaned = ts.fragments_orphaned;
  self->stats.active_flows = ts.active;
  self->stats.peak_active_flows = MAX (self->stats.peak_active_flows, ts.peak_active);
  self->stats.peak_table_bytes = MAX (self->stats.peak_table_bytes, ts.peak_bytes);
  self->stats.peak_dpi_bytes = MAX (self->stats.peak_dpi_bytes, ts.peak_dpi_bytes);
  self->stats.evictions = ts.evictions;
  if (capture)
    {
      guint64 size = eg_capture_get_size (capture);
      self->stats.capture_drops = eg_capture_get_drops (capture);
      self->stats.progress = size ? (double) eg_capture_get_offset (capture) / size : -1;
    }
  g_mutex_unlock (&self->lock);
}

/* Replays at the capture's own pace: sleeps until the packet's time has
 * come, in short naps so a stop is quick. */
static void
pace (EgEngine *self,
      double    ts)
{
  gint64 due;

  if (self->replay_started_us == 0)
    {
      self->replay_first_ts = ts;
      self->replay_started_us = g_get_monotonic_time ();
      return;
    }
  due = self->replay_started_us + (gint64) ((ts - self->replay_first_ts) * G_USEC_PER_SEC);
  while (!stop_requested (self))
    {
      gint64 now = g_get_monotonic_time ();
      if (now >= due)
        break;
      flush_batch (self);
      g_usleep (MIN (due - now, 100000));
    }
}

static gboolean
read_capture (EgEngine   *self,
              EgCapture  *capture,
              GError    **error)
{
  int linktype = eg_capture_get_linktype (capture);
  guint64 n = 0;
  EgFrame frame;
  EgPacket pkt;

  g_mutex_lock (&self->lock);
  self->capture = capture;
  g_mutex_unlock (&self->lock);

  while (!stop_requested (self))
    {
      EgCaptureStatus status = eg_capture_next (capture, &frame, LIVE_POLL_MS, error);

      if (status == EG_CAPTURE_EOF)
        break;
      if (status == EG_CAPTURE_ERROR)
        {
          g_mutex_lock (&self->lock);
          self->capture = NULL;
          g_mutex_unlock (&self->lock);
          return FALSE;
        }
      if (status == EG_CAPTURE_TIMEOUT)
        {
          maybe_flush_batch (self);
          update_capture_stats (self, capture);
          continue;
        }

      if (self->realtime)
        pace (self, frame.ts);

      switch (eg_packet_decode_with_len (&pkt, linktype, frame.data, frame.caplen, frame.wirelen))
        {
        case EG_DECODE_OK:
          eg_flow_table_add (self->table, frame.ts, &pkt, frame.wirelen);
          break;
        case EG_DECODE_ARP:
          eg_flow_table_add_non_ip (self->table, TRUE, frame.wirelen);
          eg_pipeline_push_arp (self->pipeline, frame.ts, &pkt);
          break;
        case EG_DECODE_NOT_IP:
          eg_flow_table_add_non_ip (self->table, FALSE, frame.wirelen);
          break;
        default:
          eg_flow_table_add_undecodable (self->table, frame.wirelen);
          break;
        }

      if ((++n & 1023) == 0)
        {
          maybe_flush_batch (self);
          update_capture_stats (self, capture);
        }
    }

  g_mutex_lock (&self->lock);
  self->capture = NULL;
  g_mutex_unlock (&self->lock);
  update_capture_stats (self, capture);
  return TRUE;
}

static void
on_flow_log_warning (const char *message,
                     gpointer    user_data)
{
  post_warning (user_data, message);
}

static gboolean
read_flow_log (EgEngine    *self,
               const char  *path,
               GError     **error)
{
  g_autoptr(EgFlowLogReader) reader = eg_flow_log_reader_open (path, error);
  EgFlow flow;
  guint64 n = 0;

  if (reader == NULL)
    return FALSE;
  eg_flow_log_reader_set_warning_func (reader, on_flow_log_warning, self);

  while (!stop_requested (self) && eg_flow_log_reader_next (reader, &flow, error))
    {
      if (self->realtime)
        pace (self, flow.ts + MAX (flow.duration, 0));
      if (eg_config_port_is_of_interest (self->config, flow.resp_p))
        flow.flags |= EG_FLOW_PORT_OF_INTEREST;
      on_table_flow (&flow, self);
      if ((++n & 1023) == 0)
        {
          guint64 size = eg_flow_log_reader_get_size (reader);
          maybe_flush_batch (self);
          g_mutex_lock (&self->lock);
          self->stats.flow_log_records += 1024;
          self->stats.progress = size ? (double) eg_flow_log_reader_get_offset (reader) / size : -1;
          g_mutex_unlock (&self->lock);
        }
    }
  g_mutex_lock (&self->lock);
  self->stats.flow_log_records += n & 1023;
  self->stats.bad_records += eg_flow_log_reader_get_n_bad_lines (reader);
  g_mutex_unlock (&self->lock);
  return error == NULL || *error == NULL;
}

static gboolean
read_path (EgEngine    *self,
           const char  *path,
           GError     **error)
{
  EgInputKind kind;

  if (!eg_input_sniff (path, &kind, error))
    return FALSE;
  if (kind == EG_INPUT_FLOW_LOG)
    return read_flow_log (self, path, error);
  else
    {
      g_autoptr(EgCapture) capture = eg_capture_open_file (path, error);
      guint8 identity[EG_INPUT_IDENTITY_LEN];

      if (capture == NULL)
        return FALSE;
      /* Without it (a file gone between the two opens) uids stay random. */
      if (eg_input_identify (path, identity, NULL))
        eg_flow_table_set_uid_source (self->table, identity, sizeof identity);
      return read_capture (self, capture, error);
    }
}

static char *
find_helper (void)
{
  const char *env = g_getenv ("EDGEGUARD_HELPER");
  const char *candidates[] = { env, LIBEXECDIR "/edgeguard-helper", BUILD_HELPER };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (candidates[i] && g_file_test (candidates[i], G_FILE_TEST_IS_EXECUTABLE))
      return g_strdup (candidates[i]);
  return NULL;
}

/* Without the right to capture, ask the privileged helper to capture for
 * us and read its pcap stream (Wireshark's dumpcap model). */
static EgCapture *
open_helper_capture (EgEngine  *self,
                     GError   **error)
{
  g_autofree char *helper = find_helper ();
  g_autofree char *name = NULL;
  g_autofree char *snaplen = g_strdup_printf ("%u", self->config->snaplen);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) local = NULL;
  EgCapture *capture;
  int out_fd, err_fd;
  GPid pid;

  if (helper == NULL)
    return NULL;
  g_ptr_array_add (argv, helper);
  g_ptr_array_add (argv, (char *) "capture");
  g_ptr_array_add (argv, (char *) "--interface");
  g_ptr_array_add (argv, self->config->interface);
  g_ptr_array_add (argv, (char *) "--snaplen");
  g_ptr_array_add (argv, snaplen);
  if (self->config->bpf_filter && *self->config->bpf_filter)
    {
      g_ptr_array_add (argv, (char *) "--filter");
      g_ptr_array_add (argv, self->config->bpf_filter);
    }
  if (!self->config->promiscuous)
    g_ptr_array_add (argv, (char *) "--no-promiscuous");
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                 NULL, NULL, &pid, NULL, &out_fd, &err_fd, &local))
    return NULL;
  g_mutex_lock (&self->lock);
  self->helper_pid = pid;
  g_mutex_unlock (&self->lock);

  name = g_strdup_printf ("%s (through edgeguard-helper)", self->config->interface);
  capture = eg_capture_open_fd (out_fd, name, &local);
  if (capture == NULL)
    {
      /* The helper said why on its standard error: that is the message. */
      char buf[1024];
      ssize_t n = read (err_fd, buf, sizeof buf - 1);
      buf[MAX (n, 0)] = '\0';
      g_strstrip (buf);
      if (g_str_has_prefix (buf, "edgeguard-helper: "))
        memmove (buf, buf + strlen ("edgeguard-helper: "), strlen (buf) - strlen ("edgeguard-helper: ") + 1);
      g_set_error (error, EG_ERROR, EG_ERROR_PERMISSION, "%s",
                   *buf ? buf : local->message);
      kill (pid, SIGTERM);
    }
  close (err_fd);
  return capture;
}

static void
reap_helper (EgEngine *self)
{
  GPid pid;

  g_mutex_lock (&self->lock);
  pid = self->helper_pid;
  self->helper_pid = 0;
  g_mutex_unlock (&self->lock);
  if (pid > 0)
    {
      kill (pid, SIGTERM);
      waitpid (pid, NULL, 0);
      g_spawn_close_pid (pid);
    }
}

static gpointer
capture_thread (gpointer data)
{
  EgEngine *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) first_error = NULL;

  self->batch = g_array_sized_new (FALSE, FALSE, sizeof (EgFlow), BATCH_FLOWS);
  self->pipeline = eg_pipeline_new (self->config, on_scored, self, &error);
  if (self->pipeline)
    self->table = eg_flow_table_new (self->config, TRUE, on_table_flow, self, &error);
  /* The scorer computes it, off the capture thread. */
  if (self->table)
    eg_flow_table_set_defer_community_id (self->table, TRUE);

  if (self->table && self->live)
    {
      g_autoptr(EgCapture) capture = NULL;
      if (self->fd >= 0)
        capture = eg_capture_open_fd (self->fd, "edgeguard-helper", &error);
      else
        capture = eg_capture_open_live (self->config->interface, self->config->bpf_filter,
                                        self->config->snaplen, self->config->promiscuous,
                                        &error);
      if (capture == NULL && g_error_matches (error, EG_ERROR, EG_ERROR_PERMISSION))
        {
          g_autoptr(GError) helper_error = NULL;
          capture = open_helper_capture (self, &helper_error);
          if (capture)
            g_clear_error (&error);
          else if (helper_error)
            {
              g_clear_error (&error);
              error = g_steal_pointer (&helper_error);
            }
        }
      if (capture)
        read_capture (self, capture, &error);
      reap_helper (self);
      if (error)
        post_warning (self, error->message);
    }
  else if (self->table)
    {
      /* One bad file does not stop the others: its error is reported,
       * and what it held before the damage is kept. */
      for (guint i = 0; self->paths[i] && !stop_requested (self); i++)
        {
          if (!read_path (self, self->paths[i], &error))
            {
              post_warning (self, error->message);
              if (first_error == NULL)
                first_error = g_steal_pointer (&error);
              g_clear_error (&error);
            }
        }
    }

  if (self->table)
    {
      /* Every open flow ends now, faster than the scorer takes them: this
       * thread would only wait on the queue, so it does their Community
       * IDs itself. */
      eg_flow_table_set_defer_community_id (self->table, FALSE);
      eg_flow_table_flush (self->table);
      update_capture_stats (self, NULL);
    }
  if (self->pipeline)
    flush_batch (self);
  /* The table's memory goes back while the scorer works off the queue. */
  g_clear_pointer (&self->table, eg_flow_table_free);
  if (self->pipeline)
    eg_pipeline_finish (self->pipeline);
  g_clear_pointer (&self->pipeline, eg_pipeline_free);
  g_clear_pointer (&self->batch, g_array_unref);

  g_mutex_lock (&self->lock);
  self->finished = TRUE;
  self->stats.active_flows = 0;
  self->stats.progress = self->live ? -1 : 1;
  if (error)
    self->finish_error = g_steal_pointer (&error);
  else if (first_error)
    self->finish_error = g_steal_pointer (&first_error);
  g_mutex_unlock (&self->lock);
  /* Tell the caller now, not at the next tick (up to 200 ms late). The
   * tick source lives until its callback has seen "finished". */
  g_source_set_ready_time (self->tick, 0);
  return NULL;
}

static gboolean
on_tick (gpointer data)
{
  EgEngine *self = data;
  g_autoptr(GArray) flows = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GError) error = NULL;
  gboolean finished;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  flows = self->pending_flows;
  self->pending_flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  alerts = self->pending_alerts;
  self->pending_alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);
  warnings = self->pending_warnings;
  self->pending_warnings = g_ptr_array_new_with_free_func (g_free);
  if (self->last_tick_us && now > self->last_tick_us)
    self->stats.packets_per_second =
      (self->stats.packets - self->last_tick_packets) * (double) G_USEC_PER_SEC / (now - self->last_tick_us);
  self->last_tick_us = now;
  self->last_tick_packets = self->stats.packets;
  finished = self->finished;
  if (finished)
    error = g_steal_pointer (&self->finish_error);
  g_mutex_unlock (&self->lock);

  g_object_ref (self);
  for (guint i = 0; i < warnings->len; i++)
    g_signal_emit (self, signals[SIGNAL_WARNING], 0, warnings->pdata[i]);
  if (flows->len)
    g_signal_emit (self, signals[SIGNAL_FLOWS], 0, flows);
  if (alerts->len)
    g_signal_emit (self, signals[SIGNAL_ALERTS], 0, alerts);
  g_signal_emit (self, signals[SIGNAL_STATS], 0);

  if (finished)
    {
      g_clear_pointer (&self->thread, g_thread_join);
      self->running = FALSE;
      g_clear_pointer (&self->tick, g_source_unref);
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0, error);
      g_object_unref (self);
      return G_SOURCE_REMOVE;
    }
  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
start (EgEngine  *self,
       GError   **error)
{
  if (self->running)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED,
                   "Analysis is already running; stop it first");
      return FALSE;
    }
  self->running = TRUE;
  self->finished = FALSE;
  self->view_flows = g_signal_has_handler_pending (self, signals[SIGNAL_FLOWS], 0, TRUE);
  self->view_alerts = g_signal_has_handler_pending (self, signals[SIGNAL_ALERTS], 0, TRUE);
  g_atomic_int_set (&self->stop_requested, 0);
  memset (&self->stats, 0, sizeof self->stats);
  self->stats.progress = self->live ? -1 : 0;
  self->replay_started_us = 0;
  self->last_tick_us = 0;
  self->last_tick_packets = 0;

  self->tick = g_timeout_source_new (TICK_MS);
  g_source_set_callback (self->tick, on_tick, self, NULL);
  g_source_set_static_name (self->tick, "[edgeguard] engine tick");
  g_source_attach (self->tick, self->context);

  self->thread = eg_thread_new_worker ("eg-capture", capture_thread, self);
  return TRUE;
}

gboolean
eg_engine_start_files (EgEngine           *self,
                       const char * const *paths,
                       gboolean            realtime,
                       GError            **error)
{
  g_return_val_if_fail (EG_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (paths != NULL && paths[0] != NULL, FALSE);

  if (self->running)
    return start (self, error);
  g_clear_pointer (&self->paths, g_strfreev);
  self->paths = g_strdupv ((char **) paths);
  self->realtime = realtime;
  self->live = FALSE;
  return start (self, error);
}

gboolean
eg_engine_start_live (EgEngine  *self,
                      int        fd,
                      GError   **error)
{
  g_return_val_if_fail (EG_IS_ENGINE (self), FALSE);

  if (fd < 0 && (self->config->interface == NULL || *self->config->interface == '\0'))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_NOT_FOUND,
                   "No interface to capture on: choose one first");
      return FALSE;
    }
  if (!self->running && self->config->bpf_filter && *self->config->bpf_filter
      && !eg_bpf_filter_validate (self->config->bpf_filter, error))
    return FALSE;
  self->fd = fd;
  self->live = TRUE;
  self->realtime = FALSE;
  return start (self, error);
}

void
eg_engine_stop (EgEngine *self)
{
  g_return_if_fail (EG_IS_ENGINE (self));

  g_atomic_int_set (&self->stop_requested, 1);
  g_mutex_lock (&self->lock);
  if (self->capture)
    eg_capture_wake (self->capture);
  /* The helper's stream ends when the helper does. */
  if (self->helper_pid > 0)
    kill (self->helper_pid, SIGTERM);
  g_mutex_unlock (&self->lock);
}

gboolean
eg_engine_is_running (EgEngine *self)
{
  return self->running;
}

void
eg_engine_get_stats (EgEngine      *self,
                     EgEngineStats *stats)
{
  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}
