/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-scoring-worker.h: the scoring thread. Flows queue in a bounded queue; a
 * batch closes when it reaches EG_SCORING_BATCH flows or when its oldest
 * flow has waited EG_SCORING_MAX_DELAY_MS, so a busy link is scored in big
 * batches and a quiet one without delay. 2 ms keeps a flow's way from its
 * end to its score under 10 ms even at the p99 (bench/score-bench); at
 * 10,000 flows/s that is batches of ~20, a per-call cost XGBoost shrugs off. */
#pragma once

#include <glib.h>

#include "eg-model.h"
#include "eg-scorer.h"

G_BEGIN_DECLS

#define EG_SCORING_BATCH        1024
#define EG_SCORING_MAX_DELAY_MS 2

typedef struct _EgScoringWorker EgScoringWorker;

/* Called in the worker thread with each scored batch and its new alerts
 * (owned by the worker; steal them with g_ptr_array_steal if kept). */
typedef void (*EgScoredFunc) (EgFlow    *flows,
                              guint      n_flows,
                              GPtrArray *alerts,
                              gpointer   user_data);

EgScoringWorker *eg_scoring_worker_new       (EgScorer        *scorer,
                                              guint            max_queued_flows,
                                              EgScoredFunc     func,
                                              gpointer         user_data);
/* Copies the flows in. FALSE when !block and the queue is full: the caller
 * counts a drop. */
gboolean         eg_scoring_worker_push      (EgScoringWorker *w,
                                              const EgFlow    *flows,
                                              guint            n_flows,
                                              gboolean         block);
void             eg_scoring_worker_push_arp  (EgScoringWorker *w,
                                              double           ts,
                                              const guint8     sha[6],
                                              const guint8     spa[4],
                                              const guint8     tha[6],
                                              const guint8     tpa[4],
                                              guint16          op);
/* Swaps the model between two batches; no flow is lost or scored twice. */
gboolean         eg_scoring_worker_set_model (EgScoringWorker *w,
                                              EgModel         *model,
                                              GError         **error);
/* Flushes the detectors, delivers everything queued, joins the thread. */
void             eg_scoring_worker_finish    (EgScoringWorker *w);
void             eg_scoring_worker_free      (EgScoringWorker *w);

G_END_DECLS
