/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard-cli evaluate: a model's quality on labeled flows it is scored
 * on: precision, recall, F1, ROC AUC, false-positive rate, confusion matrix. */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "eg-cli.h"
#include "eg-error.h"
#include "eg-features.h"
#include "eg-model.h"
#include "eg-training-set.h"

int
eg_cli_evaluate_main (int    argc,
                      char **argv)
{
  g_autofree char *model_path = NULL;
  gboolean json = FALSE;
  double threshold = 0;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path, "Model to evaluate", "MODEL" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &threshold,
      "Decision threshold (default: the model's)", "X" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("INPUT… — measure a model");
  g_autoptr(GError) error = NULL;
  g_autoptr(EgTrainingSet) set = eg_training_set_new ();
  g_autoptr(EgModel) model = NULL;
  g_autofree float *scores = NULL;
  EgMetrics m;
  guint n;

  g_option_context_set_summary (context,
    "Scores labeled flow logs (Zeek conn.log with a label column, CTU\n"
    "binetflow) and compares with the labels. Evaluate on captures the model\n"
    "never saw in training.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      eg_cli_error ("%s", error->message);
      return 2;
    }
  if (model_path == NULL || argc < 2)
    {
      eg_cli_error ("give --model MODEL and at least one labeled INPUT; "
                    "see “edgeguard-cli evaluate --help”");
      return 2;
    }
  if (threshold != 0 && !(threshold > 0 && threshold < 1))
    {
      eg_cli_error ("--threshold must be between 0 and 1");
      return 2;
    }
  model = eg_model_load (model_path, &error);
  if (model == NULL)
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }
  for (int i = 1; i < argc; i++)
    if (!eg_training_set_add_file (set, argv[i], &error))
      {
        eg_cli_error ("%s", error->message);
        return 1;
      }
  n = eg_training_set_get_n_rows (set);
  if (n == 0)
    {
      eg_cli_error ("no flow labeled Malicious or Benign in the input "
                    "(%" G_GUINT64_FORMAT " left out): nothing to evaluate", set->n_left_out);
      return 1;
    }
  scores = g_new (float, n);
  if (!eg_model_predict (model, (const float *) set->rows->data, n, scores, &error))
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }
  eg_metrics_compute (scores, (const float *) set->labels->data, n,
                      threshold > 0 ? threshold : eg_model_get_threshold (model), &m);

  if (json)
    {
      g_autoptr(JsonObject) obj = eg_metrics_to_json (&m);
      g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), obj);
      g_autofree char *text = NULL;

      json_object_set_int_member (obj, "left_out", (gint64) set->n_left_out);
      json_object_set_int_member (obj, "model_version", eg_model_get_version (model));
      text = json_to_string (root, FALSE);
      printf ("%s\n", text);
      return 0;
    }

  printf ("Model version %u, threshold %.2f, %u flows (%" G_GUINT64_FORMAT " malicious), "
          "%" G_GUINT64_FORMAT " left out\n",
          eg_model_get_version (model), m.threshold, n, m.positives, set->n_left_out);
  printf ("Precision  %.3f\nRecall     %.3f\nF1         %.3f\n", m.precision, m.recall, m.f1);
  if (isnan (m.auc))
    printf ("ROC AUC    n/a (only one class in the input)\n");
  else
    printf ("ROC AUC    %.3f\n", m.auc);
  printf ("FPR        %.3f\n\n", m.fpr);
  printf ("Confusion matrix  predicted malicious  predicted benign\n");
  printf ("  malicious       %19" G_GUINT64_FORMAT "  %16" G_GUINT64_FORMAT "\n", m.tp, m.fn);
  printf ("  benign          %19" G_GUINT64_FORMAT "  %16" G_GUINT64_FORMAT "\n", m.fp, m.tn);
  return 0;
}
