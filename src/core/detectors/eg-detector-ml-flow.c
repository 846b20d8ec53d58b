/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ml-flow: flows the model scores over their class's alert threshold, as
 * evidence against their source, accumulated over the window as Slips
 * does: each flow adds low weight × confidence, the confidence being
 * how far the score is above the threshold ((score − t) / (1 − t)), and an
 * alert needs config->alert_threshold of it, so one noisy flow pages
 * nobody.
 *
 * The model alone is not trusted to page anyone: across networks it ranks
 * poorly (docs/model-quality.md), and on normal phone traffic it scores TLS
 * to Google as high as a RAT's C&C. So an ml-flow alert is `info` until a
 * rule detector's alert (low or above) is shown against the same source in
 * the window, when it becomes `high`, or until the model's evidence alone
 * passes ML_ALONE_MEDIUM (about fifty flows it is sure of), `medium`. It is
 * raised again, once, when its level goes up. */
#include "eg-detector-private.h"

#include <string.h>

#include "eg-features.h"
#include "eg-key-table.h"

#define ML_MAX_UIDS 20
#define ML_ALONE_MEDIUM 10.0

typedef struct {
  EgAddr     src;    /* first: the table's key */
  double     start;
  double     sum;
  guint      n;
  float      max_score;
  double     confidence_sum;
  int        level;  /* of the last alert raised; -1: none yet */
  GArray    *uids;   /* EgUid */
} Evidence;

typedef struct {
  EgKeyTable *sources;   /* Evidence, keyed by its source */
  guint64     n_flows;
} MlFlow;

static void
evidence_clear (gpointer p)
{
  Evidence *ev = p;

  g_clear_pointer (&ev->uids, g_array_unref);
}

static gboolean
evidence_old (gpointer item,
              gpointer unused,
              gpointer data)
{
  const double *limit = data;

  return ((Evidence *) item)->start < *limit;
}

static gpointer
create (EgDetectors *ds,
        GError     **error)
{
  MlFlow *ml = g_new0 (MlFlow, 1);

  ml->sources = eg_key_table_new (sizeof (EgAddr), sizeof (Evidence), evidence_clear);
  return ml;
}

static void
destroy (gpointer p)
{
  MlFlow *ml = p;

  eg_key_table_free (ml->sources);
  g_free (ml);
}

static void
on_flow (gpointer      state,
         EgDetectors  *ds,
         const EgFlow *flow)
{
  MlFlow *ml = state;
  Evidence *ev;
  EgAlert *alert;
  g_autofree char *port = NULL;
  char src[EG_ADDR_STRLEN], dst[EG_ADDR_STRLEN];
  double window = ds->config->detection_window;
  double threshold = ds->model_threshold, confidence;
  EgThreatLevel level;
  gboolean created;

  /* A multicast name query is no attack, whatever its score. */
  if (flow->score < 0 || flow->score < ds->model_threshold || eg_addr_is_special (&flow->resp_h)
      || (flow->flags & EG_FLOW_INTERIM))  /* the same connection again */
    return;
  /* A class the model never saw benign (DNS, most UDP and ICMP in the
   * bundled training data) scores high for being unfamiliar: no evidence.
   * Elsewhere the score must pass the class's threshold, calibrated on
   * held-out benign flows. */
  if (ds->model)
    {
      guint service = eg_feature_service_id (flow->service);

      if (!eg_model_knows_benign (ds->model, flow->proto, service))
        return;
      /* The operator's threshold, when set, wins over the calibrated ones. */
      if (ds->config->model_threshold <= 0)
        threshold = eg_model_get_alert_threshold (ds->model, flow->proto, service);
      if (flow->score < threshold)
        return;
    }
  confidence = threshold < 1 ? (flow->score - threshold) / (1.0 - threshold) : 0;
  /* At the threshold exactly it is still a little evidence. */
  confidence = CLAMP (confidence, 0.05, 1.0);

  if (++ml->n_flows % 65536 == 0)
    {
      double limit = flow->ts - window;

      eg_key_table_remove_if (ml->sources, evidence_old, &limit);
    }

  ev = eg_key_table_insert (ml->sources, &flow->orig_h, &created);
  if (created)
    {
      ev->uids = g_array_new (FALSE, FALSE, sizeof (EgUid));
      ev->start = flow->ts;
      ev->level = -1;
    }
  else if (flow->ts - ev->start > window)
    {
      ev->start = flow->ts;
      ev->sum = ev->confidence_sum = 0;
      ev->n = 0;
      ev->max_score = 0;
      ev->level = -1;
      g_array_set_size (ev->uids, 0);
    }
  ev->n++;
  /* Low: what a model that ranks poorly across networks is worth alone. */
  ev->sum += eg_threat_weight (EG_THREAT_LOW) * confidence;
  ev->confidence_sum += confidence;
  ev->max_score = MAX (ev->max_score, flow->score);
  if (ev->uids->len < ML_MAX_UIDS)
    {
      EgUid u;

      g_strlcpy (u.s, flow->uid, sizeof u.s);
      g_array_append_val (ev->uids, u);
    }
  if (ev->sum < ds->config->alert_threshold)
    return;
  if (eg_detectors_corroborated (ds, &flow->orig_h, flow->ts))
    level = EG_THREAT_HIGH;
  else if (ev->sum >= ML_ALONE_MEDIUM)
    level = EG_THREAT_MEDIUM;
  else
    level = EG_THREAT_INFO;
  if ((int) level <= ev->level)
    return;
  ev->level = level;

  alert = eg_detectors_alert_new (ds, "ml-flow", flow->ts, &flow->orig_h, &flow->resp_h,
                                  flow->resp_p, flow->proto, level,
                                  ev->confidence_sum / ev->n);
  port = eg_detectors_format_port (ds, flow->resp_p, flow->proto);
  alert->description = g_strdup_printf ("%s made %u connections the model scores as malicious "
                                        "(up to %.2f), the latest to %s %s",
                                        eg_addr_to_string (&flow->orig_h, src), ev->n,
                                        ev->max_score, eg_addr_to_string (&flow->resp_h, dst),
                                        port);
  eg_alert_add_uids (alert, ev->uids);
  eg_detectors_emit (ds, alert);
}

const EgDetectorInfo eg_detector_ml_flow = {
  .name = "ml-flow",
  .create = create,
  .destroy = destroy,
  .flow = on_flow,
};
