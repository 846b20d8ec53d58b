/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-model.h: the flow classifier (XGBoost) and its sidecar.
 *
 * On disk a model is two files: XGBoost's own format (MODEL.json or
 * MODEL.ubj, chosen by the extension) and a JSON sidecar beside it
 * (MODEL.json → MODEL.meta.json) holding the version id, the feature schema
 * it was trained on, a summary of the training data, its metrics and the
 * decision threshold. A model from another feature schema is refused.
 *
 * An EgModel is reference counted and immutable once loaded or trained, so
 * scoring threads share it and a hot swap frees the old one after the last
 * batch that uses it ends.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _EgModel EgModel;

typedef struct {
  guint64 n;
  guint64 positives;
  guint64 tp, fp, tn, fn;
  double  threshold;
  double  precision;
  double  recall;
  double  f1;
  double  auc;        /* ROC AUC; NaN when only one class is present */
  double  fpr;        /* false-positive rate: fp / (fp + tn) */
} EgMetrics;

typedef struct {
  guint   rounds;       /* boosting rounds: 200 */
  guint   max_depth;    /* 6 */
  double  eta;          /* 0.1 */
  double  subsample;    /* 0.8 */
  guint   n_threads;    /* 0: XGBoost's default */
  gboolean balance;     /* weight classes to equal total weight: TRUE */
  guint   seed;
  const float *weights; /* per row; overrides balance (NULL: none given) */
} EgTrainParams;

typedef struct {
  guint  feature;       /* EgFeature */
  float  value;         /* the flow's value of it */
  float  contribution;  /* to the log-odds: > 0 towards malicious */
} EgContribution;

void         eg_train_params_init        (EgTrainParams       *params);

EgModel     *eg_model_load               (const char          *path,
                                          GError             **error);
/* Writes MODEL and its sidecar; the extension (.json or .ubj) picks the format. */
gboolean     eg_model_save               (EgModel             *model,
                                          const char          *path,
                                          GError             **error);
char        *eg_model_sidecar_path       (const char          *model_path);

/* rows: n_rows × n_features floats (NaN = missing); labels 0/1. */
EgModel     *eg_model_train              (const float         *rows,
                                          const float         *labels,
                                          guint                n_rows,
                                          guint                n_features,
                                          const EgTrainParams *params,
                                          GError             **error);

EgModel     *eg_model_ref                (EgModel             *model);
void         eg_model_unref              (EgModel             *model);

guint32      eg_model_get_version        (EgModel             *model);
void         eg_model_set_version        (EgModel             *model,
                                          guint32              version);
double       eg_model_get_threshold      (EgModel             *model);
void         eg_model_set_threshold      (EgModel             *model,
                                          double               threshold);
const char  *eg_model_get_schema_id      (EgModel             *model);
guint        eg_model_get_n_features     (EgModel             *model);
/* The sidecar's "training" and "metrics" objects (may be NULL). */
JsonObject  *eg_model_get_training       (EgModel             *model);
void         eg_model_set_training       (EgModel             *model,
                                          JsonObject          *training);
void         eg_model_set_metrics        (EgModel             *model,
                                          const EgMetrics     *metrics);
/* Threads XGBoost may use for one predict call; the scorer uses 1. Call it
 * before the model is shared between threads. */
void         eg_model_set_n_threads      (EgModel             *model,
                                          guint                n_threads);

/* Probability of malicious for each row. Thread-safe. Scored by our own
 * flattened copy of the trees when they reproduce XGBoost's scores on load
 * (eg_model_has_own_trees), else by XGBoost. */
gboolean     eg_model_predict            (EgModel             *model,
                                          const float         *rows,
                                          guint                n_rows,
                                          float               *scores,
                                          GError             **error);
/* The same through XGBoost's in-place predictor: the reference. */
gboolean     eg_model_predict_xgboost    (EgModel             *model,
                                          const float         *rows,
                                          guint                n_rows,
                                          float               *scores,
                                          GError             **error);
gboolean     eg_model_has_own_trees      (EgModel             *model);
/* The n_top features that moved this row's score most (XGBoost's per-feature
 * contributions, approximated by path attribution; they add up, with the
 * bias, to the row's margin), largest first. Returns how many were written. */
guint        eg_model_explain            (EgModel             *model,
                                          const float         *row,
                                          EgContribution      *top,
                                          guint                n_top,
                                          float               *score,
                                          GError             **error);
/* "Scored 0.97 mainly because: …" — one sentence for people. */
char        *eg_model_explain_sentence   (const EgContribution *top,
                                          guint                n_top,
                                          float                score);

/* Where the model has learned what benign looks like: a flow's class is its
 * transport and service (tcp/ssl, udp/dns ...); the model's score is
 * evidence only for classes with EG_MODEL_MIN_BENIGN benign training flows
 * or more. The bundled training data has almost no benign UDP, DNS or ICMP
 * (8 benign DNS flows against 46 malicious), so those scores mean "unlike
 * the training network", not "malicious". Models whose sidecar predates the
 * record are trusted everywhere. */
#define EG_MODEL_MIN_BENIGN 100

/* proto: the IP protocol; service: an EgServiceId. */
gboolean     eg_model_knows_benign       (EgModel             *model,
                                          guint8               proto,
                                          guint                service);
/* Benign training flows in the class (-1: not recorded). */
gint64       eg_model_get_benign_support (EgModel             *model,
                                          guint8               proto,
                                          guint                service);
/* Alert thresholds per class, calibrated on benign flows held out of
 * training: for each class the model knows benign for, the lowest score
 * (never below the model's threshold) that at most max_fpr of the held-out
 * benign flows of that class reach. A class with fewer than
 * EG_MODEL_MIN_CALIBRATION such flows gets the threshold of all of them
 * pooled, the cautious choice. Returns FALSE (nothing changed) when the
 * held-out data has no benign flow in a known class. */
#define EG_MODEL_MIN_CALIBRATION 20

gboolean     eg_model_calibrate          (EgModel             *model,
                                          const float         *rows,
                                          const float         *scores,
                                          const float         *labels,
                                          guint                n_rows,
                                          double               max_fpr);
/* The score from which a flow of this class is evidence for ml-flow: the
 * calibrated one, else the model's threshold. */
double       eg_model_get_alert_threshold (EgModel            *model,
                                          guint8               proto,
                                          guint                service);

/* Metrics of scores against 0/1 labels at a threshold. */
void         eg_metrics_compute          (const float         *scores,
                                          const float         *labels,
                                          guint                n,
                                          double               threshold,
                                          EgMetrics           *metrics);
JsonObject  *eg_metrics_to_json          (const EgMetrics     *metrics);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgModel, eg_model_unref)

G_END_DECLS
