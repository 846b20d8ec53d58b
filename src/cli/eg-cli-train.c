/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard-cli train: labeled flow logs (and a database's labeled rows) in,
 * an XGBoost model and its sidecar out. */
#include "config.h"

#include <stdio.h>

#include "eg-cli.h"
#include "eg-error.h"
#include "eg-features.h"
#include "eg-model.h"
#include "eg-training-set.h"

static void
print_metrics (const char      *title,
               const EgMetrics *m)
{
  printf ("%s: precision %.3f  recall %.3f  F1 %.3f  AUC %.3f  FPR %.3f  "
          "(%" G_GUINT64_FORMAT " flows, %" G_GUINT64_FORMAT " malicious)\n",
          title, m->precision, m->recall, m->f1, m->auc, m->fpr, m->n, m->positives);
}

int
eg_cli_train_main (int    argc,
                   char **argv)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) dbs = NULL;
  g_auto(GStrv) validate = NULL;
  int rounds = 200, depth = 6, version = 0;
  double eta = 0.1, threshold = 0.5, calibrate_fpr = -1;
  gboolean balance_inputs = FALSE;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      "Model to write (MODEL.json or MODEL.ubj; the sidecar MODEL.meta.json goes beside it)", "MODEL" },
    { "db", 'd', 0, G_OPTION_ARG_FILENAME_ARRAY, &dbs,
      "Also train on the labeled rows of this Edgeguard database (repeatable)", "PATH" },
    { "validate", 'V', 0, G_OPTION_ARG_FILENAME_ARRAY, &validate,
      "Labeled capture left out of training whose metrics go into the sidecar (repeatable)", "FILE" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Boosting rounds (200)", "N" },
    { "max-depth", 0, 0, G_OPTION_ARG_INT, &depth, "Tree depth (6)", "N" },
    { "eta", 0, 0, G_OPTION_ARG_DOUBLE, &eta, "Learning rate (0.1)", "X" },
    { "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &threshold,
      "Score from which a flow is labeled malicious (0.5)", "X" },
    { "calibrate-fpr", 0, 0, G_OPTION_ARG_DOUBLE, &calibrate_fpr,
      "Per transport and service, the alert threshold that at most RATE of the benign "
      "--validate flows reach", "RATE" },
    { "balance-inputs", 0, 0, G_OPTION_ARG_NONE, &balance_inputs,
      "Weight each input's malicious and benign flows equally, whatever their numbers", NULL },
    { "model-version", 0, 0, G_OPTION_ARG_INT, &version,
      "Version id to record (default: the time of training)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("INPUT… — train the flow model");
  g_autoptr(GError) error = NULL;
  g_autoptr(EgTrainingSet) set = eg_training_set_new ();
  g_autoptr(EgModel) model = NULL;
  g_autoptr(JsonObject) summary = NULL;
  EgTrainParams params;
  g_autofree float *weights = NULL;

  g_option_context_set_summary (context,
    "Trains the XGBoost flow model from labeled Zeek conn.log files (label\n"
    "Malicious / Benign), CTU-labeled binetflow files and, with --db, the\n"
    "labeled rows of an Edgeguard database. Background and unknown labels are\n"
    "left out and counted.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      eg_cli_error ("%s", error->message);
      return 2;
    }
  if (out == NULL || (argc < 2 && dbs == NULL))
    {
      eg_cli_error ("give --out MODEL and at least one labeled INPUT (or --db); "
                    "see “edgeguard-cli train --help”");
      return 2;
    }
  if (!g_str_has_suffix (out, ".json") && !g_str_has_suffix (out, ".ubj"))
    {
      eg_cli_error ("name the model MODEL.json or MODEL.ubj (XGBoost picks the format "
                    "from the extension), not “%s”", out);
      return 2;
    }
  if (rounds < 1 || depth < 1 || !(eta > 0 && eta <= 1) || !(threshold > 0 && threshold < 1))
    {
      eg_cli_error ("--rounds and --max-depth must be positive, --eta in (0, 1], "
                    "--threshold in (0, 1)");
      return 2;
    }

  if (calibrate_fpr >= 0 && (validate == NULL || calibrate_fpr >= 1))
    {
      eg_cli_error ("--calibrate-fpr needs held-out captures (--validate FILE) and a rate "
                    "in [0, 1)");
      return 2;
    }

  for (int i = 1; i < argc; i++)
    if (!eg_training_set_add_file (set, argv[i], &error))
      {
        eg_cli_error ("%s", error->message);
        return 1;
      }
  for (guint i = 0; dbs && dbs[i]; i++)
    if (!eg_training_set_add_store (set, dbs[i], &error))
      {
        eg_cli_error ("%s", error->message);
        return 1;
      }
  printf ("Read %" G_GUINT64_FORMAT " malicious and %" G_GUINT64_FORMAT " benign flows; "
          "%" G_GUINT64_FORMAT " left out (background, unknown or unlabeled)",
          set->n_malicious, set->n_benign, set->n_left_out);
  if (set->n_bad_lines)
    printf ("; %" G_GUINT64_FORMAT " bad lines skipped", set->n_bad_lines);
  printf ("\n");

  eg_train_params_init (&params);
  if (balance_inputs)
    params.weights = weights = eg_training_set_balanced_weights (set);
  params.rounds = rounds;
  params.max_depth = depth;
  params.eta = eta;
  model = eg_model_train ((const float *) set->rows->data, (const float *) set->labels->data,
                          eg_training_set_get_n_rows (set), EG_N_FEATURES, &params, &error);
  if (model == NULL)
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }
  if (version > 0)
    eg_model_set_version (model, (guint32) version);
  eg_model_set_threshold (model, threshold);
  summary = eg_training_set_summary (set);
  json_object_set_int_member (summary, "rounds", rounds);
  json_object_set_int_member (summary, "max_depth", depth);
  json_object_set_double_member (summary, "eta", eta);
  json_object_set_boolean_member (summary, "balance_inputs", balance_inputs);

  if (validate)
    {
      g_autoptr(EgTrainingSet) vset = eg_training_set_new ();
      g_autofree float *scores = NULL;
      g_autoptr(JsonObject) vsummary = NULL;
      EgMetrics m;

      for (guint i = 0; validate[i]; i++)
        if (!eg_training_set_add_file (vset, validate[i], &error))
          {
            eg_cli_error ("%s", error->message);
            return 1;
          }
      scores = g_new (float, MAX (eg_training_set_get_n_rows (vset), 1));
      if (!eg_model_predict (model, (const float *) vset->rows->data,
                             eg_training_set_get_n_rows (vset), scores, &error))
        {
          eg_cli_error ("%s", error->message);
          return 1;
        }
      if (calibrate_fpr >= 0)
        {
          g_autoptr(JsonObject) calibration = json_object_new ();

          if (!eg_model_calibrate (model, (const float *) vset->rows->data, scores,
                                   (const float *) vset->labels->data,
                                   eg_training_set_get_n_rows (vset), calibrate_fpr))
            {
              eg_cli_error ("--calibrate-fpr: the held-out captures have no benign flow of a "
                            "transport and service the model was trained with benign flows of");
              return 1;
            }
          printf ("Alert thresholds calibrated on the held-out benign flows (at most %.3f "
                  "of each class above its threshold): see \"benign_support\" in the sidecar\n",
                  calibrate_fpr);
          json_object_set_double_member (calibration, "max_fpr", calibrate_fpr);
          json_object_set_member (summary, "threshold_calibration",
                                  json_node_init_object (json_node_alloc (), calibration));
        }
      eg_metrics_compute (scores, (const float *) vset->labels->data,
                          eg_training_set_get_n_rows (vset), threshold, &m);
      print_metrics ("On the held-out captures", &m);
      eg_model_set_metrics (model, &m);
      vsummary = eg_training_set_summary (vset);
      json_object_set_member (summary, "validation",
                              json_node_init_object (json_node_alloc (), vsummary));
    }
  {
    g_autofree float *scores = g_new (float, MAX (eg_training_set_get_n_rows (set), 1));
    EgMetrics m;

    if (!eg_model_predict (model, (const float *) set->rows->data,
                           eg_training_set_get_n_rows (set), scores, &error))
      {
        eg_cli_error ("%s", error->message);
        return 1;
      }
    eg_metrics_compute (scores, (const float *) set->labels->data,
                        eg_training_set_get_n_rows (set), threshold, &m);
    print_metrics ("On the training data (optimistic)", &m);
    json_object_set_object_member (summary, "training_metrics", eg_metrics_to_json (&m));
  }

  eg_model_set_training (model, summary);

  if (!eg_model_save (model, out, &error))
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }
  printf ("Wrote model version %u (feature schema %s) to %s\n",
          eg_model_get_version (model), EG_FEATURE_SCHEMA_ID, out);
  return 0;
}
