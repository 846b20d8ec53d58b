/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-scorer.h: everything that happens to a finished flow, without threads:
 * features → model score and label suggestion → country and AS of the
 * remote end → rule detectors. The scoring worker runs one in its thread. */
#pragma once

#include <glib.h>

#include "eg-config.h"
#include "eg-flow.h"
#include "eg-model.h"

G_BEGIN_DECLS

typedef struct _EgScorer EgScorer;

/* Loads config->model_path, or the bundled default model (model/default.ubj
 * under $EDGEGUARD_DATADIR, PKGDATADIR or the source tree's data/). With no
 * bundled model flows stay unscored (score -1) and the detectors still run;
 * a model_path that does not load is an error. */
EgScorer *eg_scorer_new               (const EgConfig *config,
                                       GError        **error);
/* Scores flows in place (score, model_version, label with label_source
 * MODEL unless a stronger source labeled it, country/asn of the remote end)
 * and runs the detectors; new alerts (EgAlert *, owned by the array) are
 * appended to alerts_out. Flows must come in packet-time order. */
void      eg_scorer_process           (EgScorer       *scorer,
                                       EgFlow         *flows,
                                       guint           n_flows,
                                       GPtrArray      *alerts_out);
void      eg_scorer_process_arp       (EgScorer       *scorer,
                                       double          ts,
                                       const guint8    sha[6],
                                       const guint8    spa[4],
                                       const guint8    tha[6],
                                       const guint8    tpa[4],
                                       guint16         op,
                                       GPtrArray      *alerts_out);
/* End of input: evaluate evidence still pending. */
void      eg_scorer_flush             (EgScorer       *scorer,
                                       GPtrArray      *alerts_out);
/* Hot swap; safe while another thread is inside eg_scorer_process. The
 * scorer takes a reference. */
gboolean  eg_scorer_set_model         (EgScorer       *scorer,
                                       EgModel        *model,
                                       GError        **error);
/* A new reference to the current model, or NULL. */
EgModel  *eg_scorer_dup_model         (EgScorer       *scorer);
guint32   eg_scorer_get_model_version (EgScorer       *scorer);
/* Why the model scores one flow as it does, as a sentence, from the row it
 * was scored on: the context features the scorer kept on the flow (a flow
 * never scored, or read back from the store, has them missing). Safe from
 * any thread (the GUI's) while the worker scores. NULL without a model. */
char     *eg_scorer_explain           (EgScorer       *scorer,
                                       const EgFlow   *flow,
                                       GError        **error);
/* The same, and the score the explanation adds up to (score may be NULL). */
char     *eg_scorer_explain_full      (EgScorer       *scorer,
                                       const EgFlow   *flow,
                                       float          *score,
                                       GError        **error);
void      eg_scorer_free              (EgScorer       *scorer);

/* The bundled default model's path, or NULL when none is installed. */
char     *eg_model_default_path       (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgScorer, eg_scorer_free)

G_END_DECLS
