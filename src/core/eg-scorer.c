/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-scorer.h"

#include <math.h>
#include <string.h>

#include "eg-detectors.h"
#include "eg-error.h"
#include "eg-features.h"
#include "eg-ipinfo.h"

#define CONTEXT_MAX_ENTRIES (1u << 20)
#define MAX_EXPLAINED_PER_BATCH 4

struct _EgScorer {
  EgConfig         *config;
  GMutex            model_lock;   /* guards model: set from any thread */
  EgModel          *model;
  EgFeatureContext *context;
  EgIpInfo         *ipinfo;       /* NULL without the location database */
  EgDetectors      *detectors;
  const char       *malicious;    /* the labels, interned once, not per flow */
  const char       *benign;
  float            *rows;         /* reused batch buffer */
  float            *scores;
  guint             capacity;
};

char *
eg_model_default_path (void)
{
  return eg_find_data_file ("model/default.ubj");
}

EgScorer *
eg_scorer_new (const EgConfig *config,
               GError        **error)
{
  g_autoptr(EgScorer) scorer = g_new0 (EgScorer, 1);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;

  scorer->config = eg_config_copy (config);
  scorer->malicious = g_intern_static_string (EG_LABEL_MALICIOUS);
  scorer->benign = g_intern_static_string (EG_LABEL_BENIGN);
  g_mutex_init (&scorer->model_lock);
  scorer->context = eg_feature_context_new (EG_FEATURE_WINDOW, CONTEXT_MAX_ENTRIES);

  path = config->model_path ? g_strdup (config->model_path) : eg_model_default_path ();
  if (path)
    {
      scorer->model = eg_model_load (path, error);
      if (scorer->model == NULL)
        return NULL;
      /* One scoring thread: XGBoost's own threads would only fight it. */
      eg_model_set_n_threads (scorer->model, 1);
    }
  else
    g_debug ("No bundled model found: flows stay unscored");

  /* Country and AS are a nicety: without the database, flows go without. */
  scorer->ipinfo = eg_ipinfo_new (NULL, &local_error);
  if (scorer->ipinfo == NULL)
    g_debug ("%s", local_error->message);

  scorer->detectors = eg_detectors_new (config, scorer->ipinfo, error);
  if (scorer->detectors == NULL)
    return NULL;
  if (scorer->model)
    eg_detectors_set_model_threshold (scorer->detectors, eg_model_get_threshold (scorer->model));
  return g_steal_pointer (&scorer);
}

void
eg_scorer_free (EgScorer *scorer)
{
  if (scorer == NULL)
    return;
  g_clear_pointer (&scorer->model, eg_model_unref);
  g_mutex_clear (&scorer->model_lock);
  eg_feature_context_free (scorer->context);
  eg_detectors_free (scorer->detectors);
  eg_ipinfo_free (scorer->ipinfo);
  eg_config_free (scorer->config);
  g_free (scorer->rows);
  g_free (scorer->scores);
  g_free (scorer);
}

EgModel *
eg_scorer_dup_model (EgScorer *scorer)
{
  EgModel *model;

  g_mutex_lock (&scorer->model_lock);
  model = scorer->model ? eg_model_ref (scorer->model) : NULL;
  g_mutex_unlock (&scorer->model_lock);
  return model;
}

gboolean
eg_scorer_set_model (EgScorer *scorer,
                     EgModel  *model,
                     GError  **error)
{
  EgModel *old;

  g_return_val_if_fail (model != NULL, FALSE);
  if (g_strcmp0 (eg_model_get_schema_id (model), EG_FEATURE_SCHEMA_ID) != 0
      || eg_model_get_n_features (model) != EG_N_FEATURES)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_SCHEMA_MISMATCH,
                   "Model version %u was trained on feature schema “%s”, not “%s”: "
                   "it cannot score these flows", eg_model_get_version (model),
                   eg_model_get_schema_id (model), EG_FEATURE_SCHEMA_ID);
      return FALSE;
    }
  eg_model_set_n_threads (model, 1);
  g_mutex_lock (&scorer->model_lock);
  old = scorer->model;
  scorer->model = eg_model_ref (model);
  g_mutex_unlock (&scorer->model_lock);
  /* A batch in flight holds its own reference: the old model lives until it ends. */
  g_clear_pointer (&old, eg_model_unref);
  return TRUE;
}

guint32
eg_scorer_get_model_version (EgScorer *scorer)
{
  g_autoptr(EgModel) model = eg_scorer_dup_model (scorer);

  return model ? eg_model_get_version (model) : 0;
}

static void
fill_ipinfo (EgScorer *scorer,
             EgFlow   *flow)
{
  const EgAddr *remote = NULL;

  if (scorer->ipinfo == NULL)
    return;
  if (!eg_addr_is_private (&flow->resp_h))
    remote = &flow->resp_h;
  else if (!eg_addr_is_private (&flow->orig_h))
    remote = &flow->orig_h;
  if (remote)
    eg_ipinfo_lookup (scorer->ipinfo, remote, flow->country, &flow->asn);
}

static void
explain_alert (EgModel     *model,
               const float *row,
               EgAlert     *alert)
{
  EgContribution top[5];
  g_autofree char *sentence = NULL;
  char *description;
  float score;
  guint n = eg_model_explain (model, row, top, G_N_ELEMENTS (top), &score, NULL);

  if (n == 0)
    return;
  sentence = eg_model_explain_sentence (top, n, score);
  sentence[0] = g_ascii_tolower (sentence[0]);
  description = g_strdup_printf ("%s; the latest %s", alert->description, sentence);
  g_free (alert->description);
  alert->description = description;
}

void
eg_scorer_process (EgScorer  *scorer,
                   EgFlow    *flows,
                   guint      n_flows,
                   GPtrArray *alerts_out)
{
  g_autoptr(EgModel) model = eg_scorer_dup_model (scorer);
  g_autoptr(GError) error = NULL;
  gboolean scored = FALSE;
  double threshold = 0.5;
  guint n_explained = 0;

  if (n_flows == 0)
    return;
  if (n_flows > scorer->capacity)
    {
      scorer->capacity = MAX (n_flows, 1024);
      scorer->rows = g_renew (float, scorer->rows, (gsize) scorer->capacity * EG_N_FEATURES);
      scorer->scores = g_renew (float, scorer->scores, scorer->capacity);
    }
  /* Context features see every flow, scored or not, in arrival order. The
   * engine's flow table leaves the Community ID to this thread, which has
   * time to spare while the capture thread has none. */
  for (guint i = 0; i < n_flows; i++)
    {
      if (flows[i].community_id[0] == '\0')
        eg_flow_compute_community_id (&flows[i]);
      eg_features_compute (scorer->context, &flows[i], scorer->rows + (gsize) i * EG_N_FEATURES);
      /* Kept on the flow: its window is gone when someone asks why. */
      memcpy (flows[i].context, scorer->rows + (gsize) i * EG_N_FEATURES + EG_FEAT_FIRST_CONTEXT,
              sizeof flows[i].context);
    }

  if (model)
    {
      threshold = scorer->config->model_threshold > 0 ? scorer->config->model_threshold
                                                       : eg_model_get_threshold (model);
      eg_detectors_set_model_threshold (scorer->detectors, threshold);
      eg_detectors_set_model (scorer->detectors, model);
      scored = eg_model_predict (model, scorer->rows, n_flows, scorer->scores, &error);
      if (!scored)
        g_warning ("Scoring %u flows failed: %s", n_flows, error->message);
    }

  for (guint i = 0; i < n_flows; i++)
    {
      EgFlow *flow = &flows[i];
      guint before = alerts_out ? alerts_out->len : 0;

      if (scored)
        {
          flow->score = scorer->scores[i];
          flow->model_version = eg_model_get_version (model);
          if (flow->label_source <= EG_LABEL_SOURCE_MODEL)
            {
              flow->label = flow->score >= threshold ? scorer->malicious : scorer->benign;
              flow->label_source = EG_LABEL_SOURCE_MODEL;
            }
        }
      if (flow->country[0] == '\0' && flow->asn == 0)
        fill_ipinfo (scorer, flow);
      eg_detectors_process_flow (scorer->detectors, flow, alerts_out);
      /* A model alert says why, from the row the flow was scored on (its
       * context is gone afterwards). */
      for (guint k = before; alerts_out && k < alerts_out->len; k++)
        {
          EgAlert *alert = alerts_out->pdata[k];

          /* A flood of new sources must not buy a flood of explanations. */
          if (scored && n_explained < MAX_EXPLAINED_PER_BATCH
              && g_strcmp0 (alert->detector, "ml-flow") == 0)
            {
              explain_alert (model, scorer->rows + (gsize) i * EG_N_FEATURES, alert);
              n_explained++;
            }
        }
    }
}

void
eg_scorer_process_arp (EgScorer     *scorer,
                       double        ts,
                       const guint8  sha[6],
                       const guint8  spa[4],
                       const guint8  tha[6],
                       const guint8  tpa[4],
                       guint16       op,
                       GPtrArray    *alerts_out)
{
  eg_detectors_process_arp (scorer->detectors, ts, sha, spa, tha, tpa, op, alerts_out);
}

void
eg_scorer_flush (EgScorer  *scorer,
                 GPtrArray *alerts_out)
{
  eg_detectors_flush (scorer->detectors, alerts_out);
}

char *
eg_scorer_explain (EgScorer     *scorer,
                   const EgFlow *flow,
                   GError      **error)
{
  return eg_scorer_explain_full (scorer, flow, NULL, error);
}

char *
eg_scorer_explain_full (EgScorer     *scorer,
                        const EgFlow *flow,
                        float        *score_out,
                        GError      **error)
{
  g_autoptr(EgModel) model = eg_scorer_dup_model (scorer);
  float row[EG_N_FEATURES];
  EgContribution top[5];
  float score = 0;
  guint n;

  if (model == NULL)
    return NULL;
  eg_features_compute_scored (flow, row);
  n = eg_model_explain (model, row, top, G_N_ELEMENTS (top), &score, error);
  if (n == 0 && error && *error)
    return NULL;
  if (score_out)
    *score_out = score;
  return eg_model_explain_sentence (top, n, score);
}
