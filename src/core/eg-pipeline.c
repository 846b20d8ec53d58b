/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The scoring stage of the engine: a scoring worker thread (features,
 * model, detectors, ip information) between the capture thread and the
 * engine's outputs, so capture never waits on scoring or output. */
#include "eg-pipeline.h"

#include "eg-scorer.h"
#include "eg-scoring-worker.h"

/* Flows queued for scoring at most: beyond this a live capture drops (and
 * counts) rather than grow without bound; a file replay waits instead.
 * 16 batches, 7.6 MB: the scorer empties it in under 0.1 s, and a deeper
 * queue only held memory (44 MB of peak RSS at the end of a large file). */
#define MAX_QUEUED_FLOWS 16384

struct _EgPipeline {
  EgScoringWorker *worker;
  EgScorer        *scorer;   /* the worker's; lives as long as it does */
  EgPipelineFunc   func;
  gpointer         user_data;
};

static void
on_scored (EgFlow    *flows,
           guint      n_flows,
           GPtrArray *alerts,
           gpointer   user_data)
{
  EgPipeline *pipeline = user_data;

  pipeline->func (flows, n_flows, alerts, pipeline->user_data);
}

EgPipeline *
eg_pipeline_new (const EgConfig *config,
                 EgPipelineFunc  func,
                 gpointer        user_data,
                 GError        **error)
{
  EgPipeline *pipeline;
  EgScorer *scorer = eg_scorer_new (config, error);

  if (scorer == NULL)
    return NULL;
  pipeline = g_new0 (EgPipeline, 1);
  pipeline->func = func;
  pipeline->user_data = user_data;
  pipeline->scorer = scorer;
  pipeline->worker = eg_scoring_worker_new (scorer, MAX_QUEUED_FLOWS, on_scored, pipeline);
  return pipeline;
}

gboolean
eg_pipeline_push (EgPipeline *pipeline,
                  EgFlow     *flows,
                  guint       n_flows,
                  gboolean    block)
{
  return eg_scoring_worker_push (pipeline->worker, flows, n_flows, block);
}

void
eg_pipeline_push_arp (EgPipeline     *pipeline,
                      double          ts,
                      const EgPacket *pkt)
{
  eg_scoring_worker_push_arp (pipeline->worker, ts, pkt->arp_sha, pkt->arp_spa,
                              pkt->arp_tha, pkt->arp_tpa, pkt->arp_op);
}

guint32
eg_pipeline_get_model_version (EgPipeline *pipeline)
{
  return eg_scorer_get_model_version (pipeline->scorer);
}

void
eg_pipeline_finish (EgPipeline *pipeline)
{
  eg_scoring_worker_finish (pipeline->worker);
}

void
eg_pipeline_free (EgPipeline *pipeline)
{
  if (pipeline == NULL)
    return;
  g_clear_pointer (&pipeline->worker, eg_scoring_worker_free);
  g_free (pipeline);
}
