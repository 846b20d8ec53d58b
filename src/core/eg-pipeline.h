/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-pipeline.h: what happens to finished flows between the flow table and
 * the engine's outputs: scoring, detectors, ip information. */
#pragma once

#include <glib.h>

#include "eg-config.h"
#include "eg-flow.h"
#include "eg-packet.h"

G_BEGIN_DECLS

typedef struct _EgPipeline EgPipeline;

/* Called in the pipeline's thread with scored flows and new alerts. */
typedef void (*EgPipelineFunc) (const EgFlow *flows,
                                guint         n_flows,
                                GPtrArray    *alerts,
                                gpointer      user_data);

EgPipeline *eg_pipeline_new      (const EgConfig *config,
                                  EgPipelineFunc  func,
                                  gpointer        user_data,
                                  GError        **error);
/* FALSE when !block and the pipeline is full: the caller counts a drop. */
gboolean    eg_pipeline_push     (EgPipeline     *pipeline,
                                  EgFlow         *flows,
                                  guint           n_flows,
                                  gboolean        block);
void        eg_pipeline_push_arp (EgPipeline     *pipeline,
                                  double          ts,
                                  const EgPacket *pkt);
/* The version of the model scoring now; 0 without one. Any thread. */
guint32     eg_pipeline_get_model_version (EgPipeline *pipeline);
/* Delivers everything still queued, then returns. */
void        eg_pipeline_finish   (EgPipeline     *pipeline);
void        eg_pipeline_free     (EgPipeline     *pipeline);

G_END_DECLS
