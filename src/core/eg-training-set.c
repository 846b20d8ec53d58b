/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-training-set.h"

#include <string.h>

#include "eg-error.h"
#include "eg-features.h"
#include "eg-flow-log-reader.h"
#include "eg-store.h"

#define STORE_PAGE 50000

EgTrainingSet *
eg_training_set_new (void)
{
  EgTrainingSet *set = g_new0 (EgTrainingSet, 1);

  set->rows = g_array_new (FALSE, FALSE, sizeof (float));
  set->labels = g_array_new (FALSE, FALSE, sizeof (float));
  set->groups = g_array_new (FALSE, FALSE, sizeof (guint));
  set->inputs = g_ptr_array_new_with_free_func (g_free);
  return set;
}

void
eg_training_set_free (EgTrainingSet *set)
{
  if (set == NULL)
    return;
  g_array_unref (set->rows);
  g_array_unref (set->labels);
  g_array_unref (set->groups);
  g_ptr_array_unref (set->inputs);
  g_free (set);
}

guint
eg_training_set_get_n_rows (EgTrainingSet *set)
{
  return set->labels->len;
}

/* Features for every flow (the context needs them all), a row for the
 * labeled ones. */
static void
add_flow (EgTrainingSet    *set,
          EgFeatureContext *ctx,
          const EgFlow     *flow,
          gboolean          trusted)
{
  float row[EG_N_FEATURES];
  float label;

  eg_features_compute (ctx, flow, row);
  if (trusted && g_strcmp0 (flow->label, EG_LABEL_MALICIOUS) == 0)
    {
      label = 1;
      set->n_malicious++;
    }
  else if (trusted && g_strcmp0 (flow->label, EG_LABEL_BENIGN) == 0)
    {
      label = 0;
      set->n_benign++;
    }
  else
    {
      set->n_left_out++;
      return;
    }
  g_array_append_vals (set->rows, row, EG_N_FEATURES);
  g_array_append_val (set->labels, label);
  g_array_append_val (set->groups, set->inputs->len);  /* this input's index */
}

float *
eg_training_set_balanced_weights (EgTrainingSet *set)
{
  guint n = set->labels->len;
  guint n_groups = set->inputs->len + 1;
  g_autofree guint *counts = g_new0 (guint, 2 * n_groups);
  float *weights = g_new (float, MAX (n, 1));
  guint n_cells = 0;

  for (guint i = 0; i < n; i++)
    counts[2 * g_array_index (set->groups, guint, i) + (g_array_index (set->labels, float, i) > 0.5f)]++;
  for (guint c = 0; c < 2 * n_groups; c++)
    n_cells += counts[c] > 0;
  for (guint i = 0; i < n; i++)
    {
      guint c = 2 * g_array_index (set->groups, guint, i) + (g_array_index (set->labels, float, i) > 0.5f);

      /* Mean weight 1 over the whole set. */
      weights[i] = (float) ((double) n / ((double) n_cells * counts[c]));
    }
  return weights;
}

gboolean
eg_training_set_add_file (EgTrainingSet *set,
                          const char    *path,
                          GError       **error)
{
  g_autoptr(EgFlowLogReader) reader = eg_flow_log_reader_open (path, error);
  g_autoptr(EgFeatureContext) ctx = NULL;
  EgFlow flow;

  if (reader == NULL)
    return FALSE;
  if (!eg_flow_log_reader_has_labels (reader))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "“%s” has no label column: training and evaluation need labeled "
                   "flows (a Zeek conn.log with “label”, or a CTU binetflow with “Label”)", path);
      return FALSE;
    }
  ctx = eg_feature_context_new (EG_FEATURE_WINDOW, 1u << 20);
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;

      eg_flow_init (&flow);
      if (!eg_flow_log_reader_next (reader, &flow, &local_error))
        {
          if (local_error)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          break;
        }
      add_flow (set, ctx, &flow, TRUE);
    }
  set->n_bad_lines += eg_flow_log_reader_get_n_bad_lines (reader);
  g_ptr_array_add (set->inputs, g_strdup (path));
  return TRUE;
}

gboolean
eg_training_set_add_store (EgTrainingSet *set,
                           const char    *db_path,
                           GError       **error)
{
  g_autoptr(EgStore) store = eg_store_open (db_path, error);
  g_autoptr(EgFeatureContext) ctx = NULL;
  g_autoptr(GArray) page = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  guint offset = 0;

  if (store == NULL)
    return FALSE;
  ctx = eg_feature_context_new (EG_FEATURE_WINDOW, 1u << 20);
  do
    {
      g_array_set_size (page, 0);
      if (!eg_store_query_flows (store, NULL, 0, 0, STORE_PAGE, offset, page, error))
        return FALSE;
      for (guint i = 0; i < page->len; i++)
        {
          const EgFlow *flow = &g_array_index (page, EgFlow, i);

          /* The model's own suggestions would teach it what it already thinks. */
          add_flow (set, ctx, flow, flow->label_source > EG_LABEL_SOURCE_MODEL);
        }
      offset += page->len;
    }
  while (page->len == STORE_PAGE);
  g_ptr_array_add (set->inputs, g_strdup (db_path));
  return TRUE;
}

JsonObject *
eg_training_set_summary (EgTrainingSet *set)
{
  JsonObject *obj = json_object_new ();
  JsonArray *inputs = json_array_new ();

  for (guint i = 0; i < set->inputs->len; i++)
    {
      const char *path = set->inputs->pdata[i];
      const char *shared = strstr (path, "/shared/data/");
      g_auto(GStrv) parts = g_strsplit (path, "/", -1);
      guint n = g_strv_length (parts);
      g_autofree char *name = NULL;

      /* No machine-specific prefix: a model built here reads the same
       * elsewhere. Under ../shared/data, the path inside it; else the last
       * three parts. */
      if (shared)
        name = g_strdup (shared + strlen ("/shared/data/"));
      else
        name = g_strjoinv ("/", parts + (n > 3 ? n - 3 : 0));
      json_array_add_string_element (inputs, name);
    }
  json_object_set_array_member (obj, "inputs", inputs);
  json_object_set_int_member (obj, "rows", set->labels->len);
  json_object_set_int_member (obj, "malicious", (gint64) set->n_malicious);
  json_object_set_int_member (obj, "benign", (gint64) set->n_benign);
  json_object_set_int_member (obj, "left_out", (gint64) set->n_left_out);
  json_object_set_int_member (obj, "bad_lines", (gint64) set->n_bad_lines);
  json_object_set_string_member (obj, "feature_schema", EG_FEATURE_SCHEMA_ID);
  return obj;
}
