/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ml-flow: flows the model scores over its threshold, as evidence against
 * their source. Σ medium weight × score over the window must pass
 * config->alert_threshold (Slips' accumulated threat level), so one noisy
 * flow pages nobody; one alert per source per window. */
#include "eg-detector-private.h"

#include <string.h>

#define ML_MAX_UIDS 20

typedef struct {
  double     start;
  double     sum;
  guint      n;
  float      max_score;
  double     score_sum;
  gboolean   alerted;
  GArray    *uids;   /* EgUid */
} Evidence;

typedef struct {
  GHashTable *sources;   /* EgAddr * → Evidence * */
  guint64     n_flows;
} MlFlow;

static guint
addr_hash (gconstpointer p)
{
  return eg_hash_bytes (p, sizeof (EgAddr));
}

static gboolean
addr_equal (gconstpointer a,
            gconstpointer b)
{
  return memcmp (a, b, sizeof (EgAddr)) == 0;
}

static void
evidence_free (gpointer p)
{
  Evidence *ev = p;

  g_array_unref (ev->uids);
  g_free (ev);
}

static gpointer
create (EgDetectors *ds,
        GError     **error)
{
  MlFlow *ml = g_new0 (MlFlow, 1);

  ml->sources = g_hash_table_new_full (addr_hash, addr_equal, g_free, evidence_free);
  return ml;
}

static void
destroy (gpointer p)
{
  MlFlow *ml = p;

  g_hash_table_unref (ml->sources);
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

  /* A multicast name query is no attack, whatever its score. */
  if (flow->score < 0 || flow->score < ds->model_threshold || eg_addr_is_special (&flow->resp_h)
      || (flow->flags & EG_FLOW_INTERIM))  /* the same connection again */
    return;

  if (++ml->n_flows % 65536 == 0)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, ml->sources);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (flow->ts - ((Evidence *) value)->start > window)
          g_hash_table_iter_remove (&iter);
    }

  ev = g_hash_table_lookup (ml->sources, &flow->orig_h);
  if (ev == NULL)
    {
      ev = g_new0 (Evidence, 1);
      ev->uids = g_array_new (FALSE, FALSE, sizeof (EgUid));
      ev->start = flow->ts;
      g_hash_table_insert (ml->sources, g_memdup2 (&flow->orig_h, sizeof flow->orig_h), ev);
    }
  else if (flow->ts - ev->start > window)
    {
      ev->start = flow->ts;
      ev->sum = ev->score_sum = 0;
      ev->n = 0;
      ev->max_score = 0;
      ev->alerted = FALSE;
      g_array_set_size (ev->uids, 0);
    }
  ev->n++;
  ev->sum += eg_threat_weight (EG_THREAT_MEDIUM) * flow->score;
  ev->score_sum += flow->score;
  ev->max_score = MAX (ev->max_score, flow->score);
  if (ev->uids->len < ML_MAX_UIDS)
    {
      EgUid u;

      g_strlcpy (u.s, flow->uid, sizeof u.s);
      g_array_append_val (ev->uids, u);
    }
  if (ev->alerted || ev->sum < ds->config->alert_threshold)
    return;
  ev->alerted = TRUE;

  alert = eg_detectors_alert_new (ds, "ml-flow", flow->ts, &flow->orig_h, &flow->resp_h,
                                  flow->resp_p, flow->proto,
                                  ev->max_score >= 0.9 ? EG_THREAT_HIGH : EG_THREAT_MEDIUM,
                                  ev->score_sum / ev->n);
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
