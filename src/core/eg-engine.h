/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-engine.h: the threads that turn traffic into scored flows and alerts.
 *
 *   capture worker  (input → decode → flow table → nDPI)
 *        │ finished and interim flows, in batches (bounded queue)
 *   scoring worker  (features → model → detectors)
 *        │ scored flows, alerts
 *   the caller's GMainContext: "flows", "alerts" and "stats" signals a few
 *   times a second, never per packet; the store writer, when a store is set.
 *
 * Signals are emitted in the GMainContext that was the thread-default one
 * when the engine was created:
 *   "flows"    (GArray *of EgFlow)      a batch; copy what you keep
 *   "alerts"   (GPtrArray *of EgAlert*) same
 *   "stats"    ()                       call eg_engine_get_stats
 *   "warning"  (const char *message)    e.g. a bad line in a flow log
 *   "finished" (gpointer GError *, NULL when the input ended cleanly)
 * "flows" and "alerts" are collected only when a handler was connected
 * before the start: a caller that reads everything from the sink pays for
 * no copies.
 */
#pragma once

#include <glib-object.h>

#include "eg-config.h"
#include "eg-flow.h"

G_BEGIN_DECLS

typedef struct {
  guint64 packets;          /* frames read */
  guint64 bytes;            /* wire bytes read */
  guint64 undecodable;      /* truncated, malformed or unsupported frames */
  guint64 fragments_orphaned; /* fragments whose first piece never came */
  guint64 flows;            /* flows finished (emitted) */
  guint64 active_flows;     /* flows in the table now */
  guint64 peak_active_flows; /* the most flows held at once */
  guint64 peak_table_bytes; /* the flow table's own memory at its largest */
  guint64 peak_dpi_bytes;   /* nDPI's per-flow state at its largest */
  guint64 evictions;        /* flows pushed out by the cap */
  guint64 capture_drops;    /* dropped by the kernel (live) */
  guint64 queue_drops;      /* dropped because the scorer fell behind */
  guint64 view_drops;       /* not shown because the main loop fell behind */
  guint64 flow_log_records; /* records read from flow logs */
  guint64 bad_records;      /* flow-log lines skipped as malformed */
  guint64 alerts;
  double  packets_per_second;
  double  progress;         /* 0..1 for files, -1 for live capture */
  guint32 model_version;
} EgEngineStats;

#define EG_TYPE_ENGINE (eg_engine_get_type ())
G_DECLARE_FINAL_TYPE (EgEngine, eg_engine, EG, ENGINE, GObject)

/* Called in a worker thread with every batch of scored flows and the
 * alerts they raised, before the main loop hears of them: the CLI writes its
 * output here, the store its rows. Nothing is dropped on this path. */
typedef void (*EgEngineSinkFunc) (const EgFlow *flows,
                                  guint         n_flows,
                                  GPtrArray    *alerts,
                                  gpointer      user_data);

EgEngine  *eg_engine_new            (const EgConfig     *config);
/* Set before starting. */
void       eg_engine_set_sink       (EgEngine           *engine,
                                     EgEngineSinkFunc    func,
                                     gpointer            user_data);
const EgConfig *eg_engine_get_config (EgEngine          *engine);

/* Replays files (captures or flow logs, sniffed by content) in order. With
 * realtime, packets are paced by their timestamps. */
gboolean   eg_engine_start_files    (EgEngine           *engine,
                                     const char * const *paths,
                                     gboolean            realtime,
                                     GError            **error);
/* Captures live from config->interface, or from a pcapng stream on fd (the
 * capture helper's pipe) when fd >= 0. */
gboolean   eg_engine_start_live     (EgEngine           *engine,
                                     int                 fd,
                                     GError            **error);
/* Stops the capture; flows still in the table are flushed as finished. */
void       eg_engine_stop           (EgEngine           *engine);
gboolean   eg_engine_is_running     (EgEngine           *engine);
void       eg_engine_get_stats      (EgEngine           *engine,
                                     EgEngineStats      *stats);

G_END_DECLS
