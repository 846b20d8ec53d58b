/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The model: training and evaluation end to end on labeled captures, the
 * model file and its sidecar, explanations, and clear errors for files that
 * are damaged or from another feature schema. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "eg-error.h"
#include "eg-features.h"
#include "eg-model.h"
#include "eg-flow-log-reader.h"
#include "eg-scorer.h"
#include "eg-store.h"
#include "eg-test-util.h"
#include "eg-training-set.h"

#define SD "stratosphere-security-datasets/"

static EgTrainingSet *
load_set (const char * const *relatives)
{
  g_autoptr(EgTrainingSet) set = eg_training_set_new ();

  for (guint i = 0; relatives[i]; i++)
    {
      g_autofree char *path = eg_test_shared_path (relatives[i]);
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        return NULL;
      g_assert_true (eg_training_set_add_file (set, path, &error));
      g_assert_no_error (error);
    }
  return g_steal_pointer (&set);
}

static EgModel *
train (EgTrainingSet *set,
       guint          rounds)
{
  g_autoptr(GError) error = NULL;
  EgTrainParams params;
  EgModel *model;

  eg_train_params_init (&params);
  params.rounds = rounds;
  model = eg_model_train ((const float *) set->rows->data, (const float *) set->labels->data,
                          eg_training_set_get_n_rows (set), EG_N_FEATURES, &params, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

static void
evaluate (EgModel       *model,
          EgTrainingSet *set,
          EgMetrics     *m)
{
  g_autoptr(GError) error = NULL;
  guint n = eg_training_set_get_n_rows (set);
  g_autofree float *scores = g_new (float, n);

  g_assert_true (eg_model_predict (model, (const float *) set->rows->data, n, scores, &error));
  g_assert_no_error (error);
  eg_metrics_compute (scores, (const float *) set->labels->data, n,
                      eg_model_get_threshold (model), m);
}

/* Train on three CTU-Normal mixed days, evaluate on a fourth it never saw. */
static void
test_held_out (void)
{
  const char *train_files[] = { SD "008-zeek-mixed/data/conn.log.labeled",
                                SD "010-zeek-mixed/data/conn.log.labeled",
                                SD "012-zeek-mixed/data/conn.log.labeled", NULL };
  const char *test_files[] = { SD "011-zeek-mixed/data/conn.log.labeled", NULL };
  g_autoptr(EgTrainingSet) train_set = load_set (train_files);
  g_autoptr(EgTrainingSet) test_set = NULL;
  g_autoptr(EgModel) model = NULL;
  EgMetrics m;

  if (train_set == NULL)
    return;
  /* The labeled counts the dataset README gives; Background is left out. */
  g_assert_cmpuint (train_set->n_malicious, ==, 4201 + 3373 + 3028);
  g_assert_cmpuint (train_set->n_benign, ==, 1402 + 1937 + 782);
  g_assert_cmpuint (train_set->n_left_out, ==, 60 + 37 + 930);

  test_set = load_set (test_files);
  g_assert_cmpuint (test_set->n_malicious, ==, 3951);
  g_assert_cmpuint (test_set->n_benign, ==, 4771);

  model = train (train_set, 60);
  /* Our flattened trees score exactly as XGBoost does, on every real row. */
  g_assert_true (eg_model_has_own_trees (model));
  {
    guint n = eg_training_set_get_n_rows (test_set);
    g_autofree float *ours = g_new (float, n);
    g_autofree float *theirs = g_new (float, n);

    g_assert_true (eg_model_predict (model, (const float *) test_set->rows->data, n, ours, NULL));
    g_assert_true (eg_model_predict_xgboost (model, (const float *) test_set->rows->data, n,
                                             theirs, NULL));
    for (guint i = 0; i < n; i++)
      g_assert_cmpfloat_with_epsilon (ours[i], theirs[i], 1e-5);
  }
  evaluate (model, test_set, &m);
  g_test_message ("held-out 011: precision %.3f recall %.3f F1 %.3f AUC %.3f FPR %.3f",
                  m.precision, m.recall, m.f1, m.auc, m.fpr);
  g_assert_cmpuint (m.n, ==, 3951 + 4771);
  g_assert_cmpuint (m.positives, ==, 3951);
  g_assert_cmpuint (m.tp + m.fn, ==, 3951);
  g_assert_cmpfloat (m.f1, >=, 0.90);
  g_assert_cmpfloat (m.auc, >=, 0.95);
  g_assert_cmpfloat (m.fpr, <=, 0.05);
}

/* Trained on the same three mixed days (inbound attacks on a device),
 * evaluated on other scenarios entirely: NjRAT's C&C (001) and RemcosRAT
 * on another network (Slips test18). The floors are what the model
 * achieves, not what one would wish: on NjRAT it ranks well (AUC 0.97)
 * but finds two thirds of the C&C flows, below flagging everything (F1
 * 0.98, the capture is 96 % malicious); on RemcosRAT it ranks worse than
 * chance (AUC 0.15, FPR 0.57). That one is a guard against getting worse
 * still, and the reason ml-flow alone never pages anyone
 * (docs/model-quality.md). */
static void
test_other_scenario (void)
{
  const char *train_files[] = { SD "008-zeek-mixed/data/conn.log.labeled",
                                SD "010-zeek-mixed/data/conn.log.labeled",
                                SD "012-zeek-mixed/data/conn.log.labeled", NULL };
  const char *njrat_files[] = { SD "001-zeek-scenario-malicious/labeled-conn.log", NULL };
  const char *remcos_files[] = { "slips-dataset/test18-malicious-ctu-sme-11-win/zeek-labeled/conn.log.labeled",
                                 NULL };
  g_autoptr(EgTrainingSet) train_set = load_set (train_files);
  g_autoptr(EgTrainingSet) njrat = NULL, remcos = NULL;
  g_autoptr(EgModel) model = NULL;
  EgMetrics m;

  if (train_set == NULL)
    return;
  njrat = load_set (njrat_files);
  remcos = load_set (remcos_files);
  if (njrat == NULL || remcos == NULL)
    return;
  model = train (train_set, 60);

  evaluate (model, njrat, &m);
  g_test_message ("NjRAT (001): precision %.3f recall %.3f F1 %.3f AUC %.3f FPR %.3f (%u fp of %u)",
                  m.precision, m.recall, m.f1, m.auc, m.fpr, (guint) m.fp, (guint) (m.fp + m.tn));
  g_assert_cmpuint (m.positives, ==, 244);
  g_assert_cmpuint (m.n - m.positives, ==, 9);
  g_assert_cmpfloat (m.auc, >=, 0.93);
  g_assert_cmpfloat (m.fpr, <=, 0.12);   /* at most one of the nine benign flows */
  g_assert_cmpfloat (m.recall, >=, 0.55);

  evaluate (model, remcos, &m);
  g_test_message ("RemcosRAT (test18): precision %.3f recall %.3f F1 %.3f AUC %.3f FPR %.3f",
                  m.precision, m.recall, m.f1, m.auc, m.fpr);
  g_assert_cmpuint (m.positives, ==, 719);
  g_assert_cmpfloat (m.auc, >=, 0.10);  /* measured 0.15 */
  g_assert_cmpfloat (m.fpr, <=, 0.70);
}

static void
test_metrics (void)
{
  /* 3 malicious, 3 benign; at 0.5: tp 2, fn 1, fp 1, tn 2. */
  const float scores[] = { 0.9f, 0.8f, 0.3f, 0.6f, 0.2f, 0.1f };
  const float labels[] = { 1, 1, 1, 0, 0, 0 };
  EgMetrics m;

  eg_metrics_compute (scores, labels, 6, 0.5, &m);
  g_assert_cmpuint (m.tp, ==, 2);
  g_assert_cmpuint (m.fn, ==, 1);
  g_assert_cmpuint (m.fp, ==, 1);
  g_assert_cmpuint (m.tn, ==, 2);
  g_assert_cmpfloat_with_epsilon (m.precision, 2.0 / 3, 1e-9);
  g_assert_cmpfloat_with_epsilon (m.recall, 2.0 / 3, 1e-9);
  g_assert_cmpfloat_with_epsilon (m.f1, 2.0 / 3, 1e-9);
  g_assert_cmpfloat_with_epsilon (m.fpr, 1.0 / 3, 1e-9);
  /* Of the 9 malicious-benign pairs, 8 are ranked right. */
  g_assert_cmpfloat_with_epsilon (m.auc, 8.0 / 9, 1e-9);

  /* One class only: no AUC, said so. */
  eg_metrics_compute (scores, labels, 3, 0.5, &m);
  g_assert_true (isnan (m.auc));
}

static EgModel *
small_model (void)
{
  const char *files[] = { "slips-dataset/test18-malicious-ctu-sme-11-win/zeek-labeled/conn.log.labeled", NULL };
  g_autoptr(EgTrainingSet) set = load_set (files);

  if (set == NULL)
    return NULL;
  return train (set, 10);
}

static void
test_roundtrip (void)
{
  g_autoptr(EgModel) model = small_model ();
  g_autofree char *dir = NULL;
  const char *names[] = { "m.json", "m.ubj" };
  float row[EG_N_FEATURES];
  EgFlow flow;

  if (model == NULL)
    return;
  dir = eg_test_mkdtemp ();
  eg_flow_init (&flow);
  eg_addr_parse ("10.0.0.1", &flow.orig_h);
  eg_addr_parse ("1.2.3.4", &flow.resp_h);
  flow.proto = 6;
  flow.resp_p = 443;
  flow.conn_state = EG_CONN_STATE_SF;
  flow.orig_pkts = 10;
  flow.resp_pkts = 12;
  flow.orig_bytes = 800;
  flow.resp_bytes = 9000;
  flow.duration = 2.5;
  eg_features_compute_flow_only (&flow, row);

  eg_model_set_version (model, 42);
  eg_model_set_threshold (model, 0.7);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autofree char *sidecar = eg_model_sidecar_path (path);
      g_autoptr(GError) error = NULL;
      g_autoptr(EgModel) loaded = NULL;
      float a, b;

      g_assert_true (eg_model_save (model, path, &error));
      g_assert_no_error (error);
      g_assert_true (g_str_has_suffix (sidecar, "/m.meta.json"));
      g_assert_true (g_file_test (sidecar, G_FILE_TEST_EXISTS));
      loaded = eg_model_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (eg_model_get_version (loaded), ==, 42);
      g_assert_cmpfloat (eg_model_get_threshold (loaded), ==, 0.7);
      g_assert_cmpstr (eg_model_get_schema_id (loaded), ==, EG_FEATURE_SCHEMA_ID);
      g_assert_true (eg_model_predict (model, row, 1, &a, NULL));
      g_assert_true (eg_model_predict (loaded, row, 1, &b, NULL));
      g_assert_cmpfloat (a, ==, b);
      g_assert_cmpfloat (a, >=, 0);
      g_assert_cmpfloat (a, <=, 1);
    }
  eg_test_rmdir (dir);
}

static void
assert_load_fails (const char *path,
                   gint        code,
                   const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EgModel) model = eg_model_load (path, &error);

  g_assert_null (model);
  g_assert_error (error, EG_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, needle));
}

static void
test_bad_files (void)
{
  g_autoptr(EgModel) model = small_model ();
  g_autofree char *dir = NULL, *path = NULL, *sidecar = NULL, *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  if (model == NULL)
    return;
  dir = eg_test_mkdtemp ();
  path = g_build_filename (dir, "m.ubj", NULL);
  sidecar = eg_model_sidecar_path (path);

  assert_load_fails (path, EG_ERROR_NOT_FOUND, "m.ubj");

  g_assert_true (eg_model_save (model, path, &error));
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));

  /* Cut in half: XGBoost refuses it, we say the file is damaged. */
  g_assert_true (g_file_set_contents (path, contents, len / 2, NULL));
  assert_load_fails (path, EG_ERROR_FORMAT, "damaged");

  /* Not a model at all. */
  g_assert_true (g_file_set_contents (path, "PK\3\4 this is a zip", -1, NULL));
  assert_load_fails (path, EG_ERROR_FORMAT, "not an XGBoost model");

  /* One byte changed, same length: the checksum in the sidecar catches it
   * before XGBoost's parser (which trusts its input) sees it. */
  {
    g_autofree char *flipped = g_memdup2 (contents, len);

    flipped[len / 3] ^= 0x5a;
    g_assert_true (g_file_set_contents (path, flipped, len, NULL));
    assert_load_fails (path, EG_ERROR_FORMAT, "SHA-256");
  }

  /* A JSON object that XGBoost cannot read, with a sidecar that vouches for
   * it: XGBoost's own error, as a sentence. */
  {
    const char *bogus = "{\"learner\": 12}";
    g_autofree char *meta = NULL, *sum = NULL, *good_sum = NULL, *changed = NULL;
    g_auto(GStrv) parts = NULL;

    g_assert_true (g_file_get_contents (sidecar, &meta, NULL, NULL));
    good_sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
    sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bogus, strlen (bogus));
    parts = g_strsplit (meta, good_sum, -1);
    g_assert_cmpuint (g_strv_length (parts), ==, 2);
    changed = g_strjoinv (sum, parts);
    g_assert_true (g_file_set_contents (sidecar, changed, -1, NULL));
    g_assert_true (g_file_set_contents (path, bogus, -1, NULL));
    assert_load_fails (path, EG_ERROR_FORMAT, "not a valid XGBoost model");
    g_assert_true (g_file_set_contents (sidecar, meta, -1, NULL));
  }

  /* The model is fine, its sidecar is from another schema. */
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  {
    g_autofree char *meta = NULL;
    g_autofree char *changed = NULL;
    g_auto(GStrv) parts = NULL;

    g_assert_true (g_file_get_contents (sidecar, &meta, NULL, NULL));
    parts = g_strsplit (meta, EG_FEATURE_SCHEMA_ID, -1);
    changed = g_strjoinv ("edgeguard-flow/0", parts);
    g_assert_true (g_file_set_contents (sidecar, changed, -1, NULL));
    assert_load_fails (path, EG_ERROR_SCHEMA_MISMATCH, "edgeguard-flow/0");

    /* Same schema id, a feature renamed. */
    g_strfreev (parts);
    parts = g_strsplit (meta, "\"dport\"", -1);
    g_free (changed);
    changed = g_strjoinv ("\"sport\"", parts);
    g_assert_true (g_file_set_contents (sidecar, changed, -1, NULL));
    assert_load_fails (path, EG_ERROR_SCHEMA_MISMATCH, "sport");

    /* A benign count that is no count: refused, not read as zero (which
     * would silently stop ml-flow for that class). */
    g_strfreev (parts);
    parts = g_strsplit (meta, "\"benign\" : ", 2);
    g_assert_cmpuint (g_strv_length (parts), ==, 2);
    g_free (changed);
    changed = g_strconcat (parts[0], "\"benign\" : \"many\", \"was\" : ", parts[1], NULL);
    g_assert_true (g_file_set_contents (sidecar, changed, -1, NULL));
    assert_load_fails (path, EG_ERROR_FORMAT, "benign_support");

    /* Damaged sidecar, then none. */
    g_assert_true (g_file_set_contents (sidecar, "{\"format\": ", -1, NULL));
    assert_load_fails (path, EG_ERROR_FORMAT, "not valid JSON");
    g_assert_true (g_file_set_contents (sidecar, "[1, 2]", -1, NULL));
    assert_load_fails (path, EG_ERROR_FORMAT, "not an Edgeguard model sidecar");
    g_remove (sidecar);
    assert_load_fails (path, EG_ERROR_FORMAT, "has no sidecar");
  }
  eg_test_rmdir (dir);
}

static void
test_explain (void)
{
  g_autofree char *path = eg_model_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EgModel) model = NULL;
  EgContribution top[5];
  float row[EG_N_FEATURES], score, predicted;
  g_autofree char *sentence = NULL;
  EgFlow flow;
  guint n;

  g_assert_nonnull (path);
  model = eg_model_load (path, &error);
  g_assert_no_error (error);

  /* A refused connection attempt, as a scanner leaves by the thousand. */
  eg_flow_init (&flow);
  eg_addr_parse ("192.168.1.9", &flow.orig_h);
  eg_addr_parse ("45.33.32.156", &flow.resp_h);
  flow.proto = 6;
  flow.resp_p = 8081;
  flow.conn_state = EG_CONN_STATE_REJ;
  g_strlcpy (flow.history, "Sr", sizeof flow.history);
  flow.orig_pkts = 1;
  flow.resp_pkts = 1;
  flow.orig_ip_bytes = 60;
  flow.resp_ip_bytes = 40;
  eg_features_compute_flow_only (&flow, row);

  n = eg_model_explain (model, row, top, G_N_ELEMENTS (top), &score, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, <=, 5);
  /* The contributions add up to the model's own score. */
  g_assert_true (eg_model_predict (model, row, 1, &predicted, NULL));
  g_assert_cmpfloat_with_epsilon (score, predicted, 1e-4);
  for (guint i = 1; i < n; i++)
    g_assert_cmpfloat (fabsf (top[i - 1].contribution), >=, fabsf (top[i].contribution));
  for (guint i = 0; i < n; i++)
    g_assert_true (top[i].feature < EG_N_FEATURES);

  sentence = eg_model_explain_sentence (top, n, score);
  g_test_message ("%s", sentence);
  g_assert_true (g_str_has_prefix (sentence, "Scored "));
  /* It names the strongest feature, present in the flow, that pushed towards
   * the verdict (missing ones are data, not reasons). */
  for (guint i = 0; i < n; i++)
    if (!isnan (top[i].value) && (top[i].contribution > 0) == (score >= 0.5f))
      {
        g_assert_nonnull (strstr (sentence, eg_feature_get_description (top[i].feature)));
        break;
      }
  g_assert_null (strstr (sentence, "unknown"));
}

static void
test_default_model (void)
{
  g_autofree char *path = eg_model_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EgModel) model = NULL;
  JsonObject *training;

  g_assert_nonnull (path);
  model = eg_model_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (eg_model_get_version (model), ==, 2);
  g_assert_cmpstr (eg_model_get_schema_id (model), ==, EG_FEATURE_SCHEMA_ID);
  training = eg_model_get_training (model);
  g_assert_nonnull (training);
  g_assert_cmpint (json_object_get_int_member (training, "rows"), >, 20000);

  /* What it learned benign traffic looks like: TLS and plain TCP of the
   * CTU-Normal devices; DNS (8 benign flows) and ICMP (3) are too few. */
  g_assert_cmpint (eg_model_get_benign_support (model, 6, EG_SERVICE_SSL), >, 4000);
  g_assert_true (eg_model_knows_benign (model, 6, EG_SERVICE_NONE));
  g_assert_cmpint (eg_model_get_benign_support (model, 17, EG_SERVICE_DNS), ==, 8);
  g_assert_false (eg_model_knows_benign (model, 17, EG_SERVICE_DNS));
  g_assert_false (eg_model_knows_benign (model, 1, EG_SERVICE_NONE));
  g_assert_false (eg_model_knows_benign (model, 6, EG_SERVICE_OTHER));
  /* Alert thresholds calibrated on the held-out 012 and test18 benign
   * flows: TLS keeps the model's 0.5 (no held-out benign TLS flow reaches
   * it); UDP needs more than test18's SSDP answers, which score 0.9993;
   * classes with too few held-out flows get the pooled, cautious one. */
  g_assert_cmpfloat (eg_model_get_alert_threshold (model, 6, EG_SERVICE_SSL), ==, 0.5);
  g_assert_cmpfloat (eg_model_get_alert_threshold (model, 17, EG_SERVICE_NONE), >, 0.999);
  g_assert_cmpfloat (eg_model_get_alert_threshold (model, 6, EG_SERVICE_HTTP), >, 0.99);
}

/* Calibration: per class, the lowest threshold at most max_fpr of the
 * held-out benign flows reach; it survives a save and a load. */
static void
test_calibrate (void)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (float));
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) held = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) held_labels = g_array_new (FALSE, TRUE, sizeof (float));
  g_autoptr(EgModel) model = NULL, loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "m.json", NULL);
  g_autofree float *scores = NULL;
  EgTrainParams params;
  guint n = 400;

  /* Training: 200 benign TCP rows and 200 malicious UDP rows. */
  g_array_set_size (rows, (gsize) n * EG_N_FEATURES);
  for (guint i = 0; i < n; i++)
    {
      float *row = &g_array_index (rows, float, (gsize) i * EG_N_FEATURES);
      float label = i % 2;

      for (guint f = 0; f < EG_N_FEATURES; f++)
        row[f] = NAN;
      row[EG_FEAT_PROTO] = label > 0 ? 17 : 6;
      row[EG_FEAT_SERVICE] = EG_SERVICE_NONE;
      row[EG_FEAT_DURATION] = label > 0 ? 5 + i % 7 : i % 5;
      g_array_append_val (labels, label);
    }
  eg_train_params_init (&params);
  params.rounds = 5;
  model = eg_model_train ((float *) rows->data, (float *) labels->data, n, EG_N_FEATURES,
                          &params, &error);
  g_assert_no_error (error);
  g_assert_true (eg_model_knows_benign (model, 6, EG_SERVICE_NONE));
  g_assert_cmpint (eg_model_get_benign_support (model, 6, EG_SERVICE_NONE), ==, 200);
  g_assert_false (eg_model_knows_benign (model, 17, EG_SERVICE_NONE));

  /* Held out: 100 benign TCP rows (the even training rows) scored 0.00,
   * 0.01 ... 0.99; with no row at all there is nothing to calibrate. */
  g_assert_false (eg_model_calibrate (model, (float *) rows->data, NULL, NULL, 0, 0.05));
  scores = g_new (float, 100);
  for (guint i = 0; i < 100; i++)
    {
      scores[i] = i / 100.0f;
      g_array_append_vals (held, &g_array_index (rows, float, (gsize) (2 * i) * EG_N_FEATURES),
                           EG_N_FEATURES);
    }
  g_array_set_size (held_labels, 100);
  g_assert_true (eg_model_calibrate (model, (float *) held->data, scores,
                                     (float *) held_labels->data, 100, 0.05));
  /* 5 % of 100: five benign rows (0.95 ... 0.99) may pass, the sixth not. */
  g_assert_cmpfloat (eg_model_get_alert_threshold (model, 6, EG_SERVICE_NONE), >, 0.94);
  g_assert_cmpfloat (eg_model_get_alert_threshold (model, 6, EG_SERVICE_NONE), <, 0.9401);
  g_assert_true (eg_model_save (model, path, &error));
  g_assert_no_error (error);
  loaded = eg_model_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (eg_model_get_alert_threshold (loaded, 6, EG_SERVICE_NONE),
                                  eg_model_get_alert_threshold (model, 6, EG_SERVICE_NONE), 1e-6);
  g_assert_cmpint (eg_model_get_benign_support (loaded, 6, EG_SERVICE_NONE), ==, 200);
  g_assert_false (eg_model_knows_benign (loaded, 17, EG_SERVICE_NONE));
  eg_test_rmdir (dir);
}

/* The labeled rows of an Edgeguard database: operator, rule and imported
 * labels are ground truth, the model's own suggestions are not. */
static void
test_store (void)
{
  g_autofree char *log = eg_test_shared_path (SD "008-zeek-mixed/data/conn.log.labeled");
  g_autofree char *dir = NULL, *db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EgFlowLogReader) reader = NULL;
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(EgTrainingSet) set = eg_training_set_new ();
  guint64 malicious = 0, benign = 0;
  EgStore *store;
  EgFlow flow;

  if (log == NULL)
    return;
  reader = eg_flow_log_reader_open (log, &error);
  g_assert_no_error (error);
  for (guint i = 0; eg_flow_init (&flow), eg_flow_log_reader_next (reader, &flow, &error); i++)
    {
      flow.label_source = i % 3 == 0 ? EG_LABEL_SOURCE_MODEL
                          : i % 3 == 1 ? EG_LABEL_SOURCE_OPERATOR : EG_LABEL_SOURCE_IMPORTED;
      if (flow.label_source != EG_LABEL_SOURCE_MODEL)
        {
          malicious += g_strcmp0 (flow.label, EG_LABEL_MALICIOUS) == 0;
          benign += g_strcmp0 (flow.label, EG_LABEL_BENIGN) == 0;
        }
      g_array_append_val (flows, flow);
    }
  g_assert_no_error (error);

  dir = eg_test_mkdtemp ();
  db = g_build_filename (dir, "edgeguard.db", NULL);
  store = eg_store_open (db, &error);
  g_assert_no_error (error);
  eg_store_add_flows (store, (EgFlow *) flows->data, flows->len);
  g_assert_true (eg_store_flush (store, &error));
  eg_store_unref (store);

  g_assert_true (eg_training_set_add_store (set, db, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (set->n_malicious, ==, malicious);
  g_assert_cmpuint (set->n_benign, ==, benign);
  g_assert_cmpuint (set->n_malicious + set->n_benign + set->n_left_out, ==, flows->len);
  g_assert_cmpuint (malicious, >, 2000);
  eg_test_rmdir (dir);
}

/* The CLI, end to end: train on two captures, evaluate on a third, --json. */
static void
test_cli (void)
{
  const char *build = g_getenv ("EG_BUILD_DIR");
  g_autofree char *cli = build ? g_build_filename (build, "src", "cli", "edgeguard-cli", NULL) : NULL;
  g_autofree char *a = eg_test_shared_path (SD "010-zeek-mixed/data/conn.log.labeled");
  g_autofree char *b = eg_test_shared_path (SD "012-zeek-mixed/data/conn.log.labeled");
  g_autofree char *held = eg_test_shared_path (SD "008-zeek-mixed/data/conn.log.labeled");
  g_autofree char *dir = NULL, *model = NULL, *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;
  int status;

  if (a == NULL || b == NULL || held == NULL)
    return;
  if (cli == NULL || !g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("edgeguard-cli is not built");
      return;
    }
  dir = eg_test_mkdtemp ();
  model = g_build_filename (dir, "m.json", NULL);
  {
    const char *argv[] = { cli, "train", "--out", model, "--rounds", "40", "--balance-inputs",
                           "--validate", held, a, b, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    g_test_message ("%s%s", out, err);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (out, "Read 6401 malicious and 2719 benign flows; 967 left out"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { cli, "evaluate", "--json", "--model", model, held, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (obj, "n"), ==, 4201 + 1402);
  g_assert_cmpint (json_object_get_int_member (obj, "positives"), ==, 4201);
  g_assert_true (json_object_has_member (obj, "precision"));
  g_assert_true (json_object_has_member (obj, "recall"));
  g_assert_true (json_object_has_member (obj, "auc"));
  g_assert_true (json_object_has_member (obj, "fpr"));
  g_assert_cmpfloat (json_object_get_double_member (obj, "f1"), >=, 0.9);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A damaged model: exit status 1 and a sentence, not a crash. */
  g_assert_true (g_file_set_contents (model, "{\"learner\":", -1, NULL));
  {
    const char *argv[] = { cli, "evaluate", "--model", model, held, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (err, "edgeguard-cli: "));
    g_assert_nonnull (strstr (err, "damaged"));
  }
  eg_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/metrics/hand-computed", test_metrics);
  g_test_add_func ("/model/train-evaluate/held-out-capture", test_held_out);
  g_test_add_func ("/model/train-evaluate/other-scenario", test_other_scenario);
  g_test_add_func ("/model/file/roundtrip", test_roundtrip);
  g_test_add_func ("/model/file/damaged-or-mismatched", test_bad_files);
  g_test_add_func ("/model/explain/contributions", test_explain);
  g_test_add_func ("/model/calibrate/per-class", test_calibrate);
  g_test_add_func ("/model/default/loads", test_default_model);
  g_test_add_func ("/model/cli/train-evaluate", test_cli);
  g_test_add_func ("/model/training-set/store", test_store);
  return g_test_run ();
}
