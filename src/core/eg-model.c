/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <xgboost/c_api.h>

#include "eg-error.h"
#include "eg-features.h"

#define SIDECAR_FORMAT "edgeguard-model"
#define SIDECAR_FORMAT_VERSION 1

typedef struct _Forest Forest;

/* Training flows per class (transport × service), for eg_model_knows_benign. */
#define N_PROTO_CLASSES 4   /* tcp, udp, icmp (v4 and v6), other */
#define N_SERVICE_CLASSES (EG_SERVICE_OTHER + 1)

static const char * const proto_class_names[N_PROTO_CLASSES] = { "tcp", "udp", "icmp", "other" };

struct _EgModel {
  gatomicrefcount  ref_count;
  BoosterHandle    booster;
  guint32          version;
  double           threshold;
  char            *schema_id;
  guint            n_features;
  JsonObject      *training;
  JsonObject      *metrics;
  char            *sha256;      /* of the model file, from the sidecar */
  guint            n_threads;   /* last nthread given to XGBoost; 0: its default */
  Forest          *forest;      /* our own evaluator of the same trees, or NULL */
  gboolean         has_support;  /* the sidecar recorded benign_support */
  guint32          benign[N_PROTO_CLASSES][N_SERVICE_CLASSES];
  guint32          malicious[N_PROTO_CLASSES][N_SERVICE_CLASSES];
  float            alert_threshold[N_PROTO_CLASSES][N_SERVICE_CLASSES];  /* 0: none */
  float            alert_default;  /* of classes without their own; 0: none */
};

static guint
proto_class (float proto)
{
  switch ((int) proto)
    {
    case 6: return 0;
    case 17: return 1;
    case 1:
    case 58: return 2;
    default: return 3;
    }
}

static guint
service_class (float service)
{
  if (!(service >= 0 && service < N_SERVICE_CLASSES))
    return EG_SERVICE_OTHER;
  return (guint) service;
}

static void
count_support (EgModel     *model,
               const float *rows,
               const float *labels,
               guint        n_rows,
               guint        n_features)
{
  for (guint i = 0; i < n_rows; i++)
    {
      const float *row = rows + (gsize) i * n_features;
      guint p = proto_class (row[EG_FEAT_PROTO]), sv = service_class (row[EG_FEAT_SERVICE]);

      if (labels[i] > 0.5f)
        model->malicious[p][sv]++;
      else
        model->benign[p][sv]++;
    }
  model->has_support = TRUE;
}

gint64
eg_model_get_benign_support (EgModel *model,
                             guint8   proto,
                             guint    service)
{
  if (!model->has_support)
    return -1;
  return model->benign[proto_class (proto)][service_class (service)];
}

gboolean
eg_model_knows_benign (EgModel *model,
                       guint8   proto,
                       guint    service)
{
  gint64 n = eg_model_get_benign_support (model, proto, service);

  return n < 0 || n >= EG_MODEL_MIN_BENIGN;
}

static int
compare_float_desc (gconstpointer a,
                    gconstpointer b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x < y) - (x > y);
}

/* Just above the (allowed+1)-th highest of scores: flagged means >= t. */
static double
fpr_threshold (GArray *scores,
               double  max_fpr,
               double  floor)
{
  guint allowed;

  g_array_sort (scores, compare_float_desc);
  allowed = (guint) (max_fpr * scores->len);
  if (allowed >= scores->len)
    return floor;
  return CLAMP (nextafterf (g_array_index (scores, float, allowed), 2.0f), floor, 0.999999);
}

gboolean
eg_model_calibrate (EgModel     *model,
                    const float *rows,
                    const float *scores,
                    const float *labels,
                    guint        n_rows,
                    double       max_fpr)
{
  g_autoptr(GArray) pooled = g_array_new (FALSE, FALSE, sizeof (float));
  GArray *by_class[N_PROTO_CLASSES][N_SERVICE_CLASSES] = { { NULL } };
  double pooled_threshold;

  for (guint i = 0; i < n_rows; i++)
    {
      const float *row = rows + (gsize) i * model->n_features;
      guint8 proto = (guint8) row[EG_FEAT_PROTO];
      guint p = proto_class (proto), sv = service_class (row[EG_FEAT_SERVICE]);

      if (labels[i] > 0.5f || !eg_model_knows_benign (model, proto, sv))
        continue;
      g_array_append_val (pooled, scores[i]);
      if (by_class[p][sv] == NULL)
        by_class[p][sv] = g_array_new (FALSE, FALSE, sizeof (float));
      g_array_append_val (by_class[p][sv], scores[i]);
    }
  if (pooled->len == 0)
    return FALSE;
  pooled_threshold = fpr_threshold (pooled, max_fpr, model->threshold);
  for (guint p = 0; p < N_PROTO_CLASSES; p++)
    for (guint sv = 0; sv < N_SERVICE_CLASSES; sv++)
      {
        GArray *class_scores = by_class[p][sv];

        model->alert_threshold[p][sv] = 0;
        if (class_scores && class_scores->len >= EG_MODEL_MIN_CALIBRATION)
          model->alert_threshold[p][sv] = fpr_threshold (class_scores, max_fpr, model->threshold);
        g_clear_pointer (&by_class[p][sv], g_array_unref);
      }
  model->alert_default = pooled_threshold;
  return TRUE;
}

double
eg_model_get_alert_threshold (EgModel *model,
                              guint8   proto,
                              guint    service)
{
  float t = model->alert_threshold[proto_class (proto)][service_class (service)];

  if (t > 0)
    return t;
  return model->alert_default > 0 ? model->alert_default : model->threshold;
}


void
eg_train_params_init (EgTrainParams *params)
{
  memset (params, 0, sizeof *params);
  params->rounds = 200;
  params->max_depth = 6;
  params->eta = 0.1;
  params->subsample = 0.8;
  params->balance = TRUE;
}

/* The trees, flattened for scoring without XGBoost's per-row overhead (its
 * in-place predictor converts every feature of every row to a sparse entry
 * first). Built from XGBoost's own JSON dump of the booster and checked
 * against XGBoost's predictions before use: same trees, same comparisons
 * (x < split goes left, missing takes the default child), same sum. */
typedef struct {
  float   value;      /* split condition, or the leaf's value */
  gint32  left;       /* -1: a leaf */
  gint32  right;
  guint16 feature;
  guint8  default_left;
} ForestNode;

struct _Forest {
  ForestNode *nodes;
  float      *means;     /* per node: the cover-weighted mean of its leaves, or NULL */
  guint      *roots;     /* first node of each tree */
  guint       n_trees;
  guint       n_nodes;
  float       base_margin;
};

static void
forest_free (Forest *forest)
{
  if (forest == NULL)
    return;
  g_free (forest->nodes);
  g_free (forest->means);
  g_free (forest->roots);
  g_free (forest);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Forest, forest_free)

/* Saabas' path attribution, as XGBoost's approximate contributions: along
 * the path a row takes, each split's feature gets the change of the node
 * mean it causes; the bias is the sum of the root means. Contributions
 * plus bias add up to the margin. Without XGBoost's per-call work (it
 * rebuilds every node mean on each call), an explanation costs a walk. */
static void
forest_contributions (const Forest *forest,
                      const float  *row,
                      guint         n_features,
                      double       *contributions,
                      double       *bias)
{
  *bias = forest->base_margin;
  memset (contributions, 0, n_features * sizeof *contributions);
  for (guint t = 0; t < forest->n_trees; t++)
    {
      const ForestNode *tree = forest->nodes + forest->roots[t];
      const float *means = forest->means + forest->roots[t];
      gint32 i = 0;

      *bias += means[0];
      while (tree[i].left >= 0)
        {
          float x = row[tree[i].feature];
          gint32 next;

          if (isnan (x))
            next = tree[i].default_left ? tree[i].left : tree[i].right;
          else
            next = x < tree[i].value ? tree[i].left : tree[i].right;
          contributions[tree[i].feature] += means[next] - means[i];
          i = next;
        }
    }
}

static inline float
forest_margin (const Forest *forest,
               const float  *row)
{
  float sum = 0;


  for (guint t = 0; t < forest->n_trees; t++)
    {
      const ForestNode *tree = forest->nodes + forest->roots[t];
      gint32 i = 0;

      while (tree[i].left >= 0)
        {
          float x = row[tree[i].feature];

          if (isnan (x))
            i = tree[i].default_left ? tree[i].left : tree[i].right;
          else
            i = x < tree[i].value ? tree[i].left : tree[i].right;
        }
      sum += tree[i].value;
    }
  return sum + forest->base_margin;
}

static JsonArray *
member_array (JsonObject *obj,
              const char *name)
{
  JsonNode *node = obj ? json_object_get_member (obj, name) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
member_object (JsonObject *obj,
               const char *name)
{
  JsonNode *node = obj ? json_object_get_member (obj, name) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* NULL when the booster is anything but plain numerical gbtree trees for
 * binary:logistic: XGBoost then scores, as before. */
static Forest *
forest_build (BoosterHandle booster,
              guint         n_features)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(Forest) forest = g_new0 (Forest, 1);
  g_autoptr(GArray) nodes = g_array_new (FALSE, FALSE, sizeof (ForestNode));
  g_autoptr(GArray) roots = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) means = g_array_new (FALSE, TRUE, sizeof (float));
  gboolean has_means = TRUE;
  const char *buf = NULL;
  bst_ulong len = 0;
  JsonObject *learner, *param, *objective, *gb, *gbmodel;
  JsonArray *trees;
  const char *base;
  double p;

  if (XGBoosterSaveModelToBuffer (booster, "{\"format\": \"json\"}", &len, &buf) != 0
      || !json_parser_load_from_data (parser, buf, (gssize) len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  learner = member_object (json_node_get_object (json_parser_get_root (parser)), "learner");
  param = member_object (learner, "learner_model_param");
  objective = member_object (learner, "objective");
  gb = member_object (learner, "gradient_booster");
  gbmodel = member_object (gb, "model");
  trees = member_array (gbmodel, "trees");
  if (param == NULL || objective == NULL || trees == NULL
      || g_strcmp0 (json_object_get_string_member_with_default (objective, "name", ""),
                    "binary:logistic") != 0
      || g_strcmp0 (json_object_get_string_member_with_default (gb, "name", ""), "gbtree") != 0
      || g_strcmp0 (json_object_get_string_member_with_default (param, "num_class", "0"), "0") != 0)
    return NULL;
  base = json_object_get_string_member_with_default (param, "base_score", "0.5");
  p = g_ascii_strtod (base, NULL);
  if (!(p > 0 && p < 1))
    return NULL;
  forest->base_margin = (float) log (p / (1 - p));

  for (guint t = 0; t < json_array_get_length (trees); t++)
    {
      JsonObject *tree = json_array_get_object_element (trees, t);
      JsonArray *left = member_array (tree, "left_children");
      JsonArray *right = member_array (tree, "right_children");
      JsonArray *index = member_array (tree, "split_indices");
      JsonArray *cond = member_array (tree, "split_conditions");
      JsonArray *dflt = member_array (tree, "default_left");
      JsonArray *type = member_array (tree, "split_type");
      JsonArray *cover = member_array (tree, "sum_hessian");
      guint n, root = nodes->len;

      if (left == NULL || right == NULL || index == NULL || cond == NULL || dflt == NULL)
        return NULL;
      n = json_array_get_length (left);
      if (n == 0 || json_array_get_length (right) != n || json_array_get_length (index) != n
          || json_array_get_length (cond) != n || json_array_get_length (dflt) != n
          || (type && json_array_get_length (type) != n))
        return NULL;
      for (guint i = 0; i < n; i++)
        {
          ForestNode node;
          gint64 l = json_array_get_int_element (left, i);
          gint64 r = json_array_get_int_element (right, i);
          gint64 f = json_array_get_int_element (index, i);

          if (type && json_array_get_int_element (type, i) != 0)
            return NULL;  /* categorical splits: leave them to XGBoost */
          /* Children point forward only: no loop, no way out of the tree. */
          if (l >= 0 && (l <= i || l >= n || r <= i || r >= n))
            return NULL;
          if (l < 0 && r >= 0)
            return NULL;
          if (l >= 0 && (f < 0 || f >= n_features))
            return NULL;
          node.left = (gint32) l;
          node.right = (gint32) r;
          node.feature = l >= 0 ? (guint16) f : 0;
          node.value = (float) json_array_get_double_element (cond, i);
          node.default_left = json_array_get_int_element (dflt, i) != 0;
          g_array_append_val (nodes, node);
        }
      if (cover && json_array_get_length (cover) == n)
        {
          /* Children come after their parent: fill the means bottom up. */
          g_array_set_size (means, root + n);
          for (guint i = n; i-- > 0;)
            {
              const ForestNode *node = &g_array_index (nodes, ForestNode, root + i);
              float *m = &g_array_index (means, float, root + i);

              if (node->left < 0)
                *m = node->value;
              else
                {
                  double cl = json_array_get_double_element (cover, node->left);
                  double cr = json_array_get_double_element (cover, node->right);
                  double ml = g_array_index (means, float, root + node->left);
                  double mr = g_array_index (means, float, root + node->right);

                  *m = cl + cr > 0 ? (float) ((ml * cl + mr * cr) / (cl + cr)) : 0;
                }
            }
        }
      else
        has_means = FALSE;
      g_array_append_val (roots, root);
    }
  forest->n_trees = roots->len;
  forest->n_nodes = nodes->len;
  forest->roots = (guint *) g_array_free (g_steal_pointer (&roots), FALSE);
  forest->nodes = (ForestNode *) g_array_free (g_steal_pointer (&nodes), FALSE);
  if (has_means)
    forest->means = (float *) g_array_free (g_steal_pointer (&means), FALSE);
  return g_steal_pointer (&forest);
}

static gboolean predict (EgModel *model, const float *rows, guint n_rows, int type,
                         const float **out, bst_ulong *out_len, GError **error);
static gboolean xgboost_contributions (EgModel *model, const float *row,
                                       double *contributions, double *bias, GError **error);

/* Our trees must give XGBoost's scores, to float precision, on rows that
 * take every kind of branch: anything else and XGBoost keeps the job. */
static void
forest_attach (EgModel *model)
{
  g_autoptr(Forest) forest = forest_build (model->booster, model->n_features);
  enum { N_CHECK = 64 };
  g_autofree float *rows = NULL;
  const float *theirs = NULL;
  bst_ulong len = 0;
  GRand *rand;

  if (forest == NULL)
    return;
  rows = g_new (float, (gsize) N_CHECK * model->n_features);
  rand = g_rand_new_with_seed (7);
  for (guint i = 0; i < N_CHECK * model->n_features; i++)
    {
      double u = g_rand_double (rand);

      /* Missing, zero, small and large values, as flows have them. */
      rows[i] = u < 0.2 ? NAN : u < 0.3 ? 0.0f : (float) (pow (10, g_rand_double_range (rand, -2, 6)));
    }
  g_rand_free (rand);
  if (!predict (model, rows, N_CHECK, 0, &theirs, &len, NULL) || len != N_CHECK)
    return;
  for (guint i = 0; i < N_CHECK; i++)
    {
      float ours = 1.0f / (1.0f + expf (-forest_margin (forest, rows + (gsize) i * model->n_features)));

      if (fabsf (ours - theirs[i]) > 1e-5f)
        {
          g_debug ("Scoring with XGBoost: our trees differ on row %u (%g, XGBoost %g)",
                   i, ours, theirs[i]);
          return;
        }
    }
  /* And our explanations XGBoost's, on a few of the same rows. */
  for (guint i = 0; forest->means && i < 8; i++)
    {
      const float *row = rows + (gsize) i * model->n_features;
      double ours[EG_N_FEATURES], theirs_c[EG_N_FEATURES], our_bias, their_bias;

      if (model->n_features != EG_N_FEATURES
          || !xgboost_contributions (model, row, theirs_c, &their_bias, NULL))
        {
          g_clear_pointer (&forest->means, g_free);
          break;
        }
      forest_contributions (forest, row, model->n_features, ours, &our_bias);
      for (guint f = 0; f <= model->n_features && forest->means; f++)
        {
          double x = f < model->n_features ? ours[f] : our_bias;
          double y = f < model->n_features ? theirs_c[f] : their_bias;

          if (fabs (x - y) > 1e-4 * MAX (1.0, fabs (y)))
            {
              g_debug ("Explaining with XGBoost: our contribution of feature %u differs "
                       "(%g, XGBoost %g)", f, x, y);
              g_clear_pointer (&forest->means, g_free);
            }
        }
    }
  model->forest = g_steal_pointer (&forest);
}

static EgModel *
model_new (BoosterHandle booster)
{
  EgModel *model = g_new0 (EgModel, 1);

  g_atomic_ref_count_init (&model->ref_count);
  model->booster = booster;
  model->threshold = 0.5;
  model->schema_id = g_strdup (EG_FEATURE_SCHEMA_ID);
  model->n_features = EG_N_FEATURES;
  return model;
}

EgModel *
eg_model_ref (EgModel *model)
{
  g_atomic_ref_count_inc (&model->ref_count);
  return model;
}

void
eg_model_unref (EgModel *model)
{
  if (model == NULL || !g_atomic_ref_count_dec (&model->ref_count))
    return;
  if (model->booster)
    XGBoosterFree (model->booster);
  g_free (model->schema_id);
  g_free (model->sha256);
  forest_free (model->forest);
  g_clear_pointer (&model->training, json_object_unref);
  g_clear_pointer (&model->metrics, json_object_unref);
  g_free (model);
}

char *
eg_model_sidecar_path (const char *model_path)
{
  const char *dot = strrchr (model_path, '.');
  const char *slash = strrchr (model_path, '/');

  if (dot && (slash == NULL || dot > slash))
    return g_strdup_printf ("%.*s.meta.json", (int) (dot - model_path), model_path);
  return g_strdup_printf ("%s.meta.json", model_path);
}

/* XGBoost's message without its stack trace. */
static char *
xgb_last_error (void)
{
  const char *msg = XGBGetLastError ();

  return g_strndup (msg, strcspn (msg, "\n"));
}

static gboolean
set_xgb_error (GError    **error,
               EgError     code,
               const char *what)
{
  g_autofree char *msg = xgb_last_error ();

  g_set_error (error, EG_ERROR, code, "%s: %s", what, msg);
  return FALSE;
}

/* A count in a sidecar entry, or -1 when it is missing or not a whole number. */
static gint64
member_count (JsonObject *entry,
              const char *name)
{
  JsonNode *node = json_object_get_member (entry, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (node);
}

static gboolean
read_support (EgModel  *model,
              JsonNode *node)
{
  JsonArray *list;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  list = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *item = json_array_get_element (list, i);
      JsonObject *entry;
      const char *proto, *service;
      gint64 benign, malicious;
      double threshold;
      guint p, sv;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        return FALSE;
      entry = json_node_get_object (item);
      proto = json_object_get_string_member_with_default (entry, "proto", NULL);
      service = json_object_get_string_member_with_default (entry, "service", NULL);
      benign = member_count (entry, "benign");
      malicious = member_count (entry, "malicious");
      if (proto == NULL || service == NULL || benign < 0 || malicious < 0
          || benign > G_MAXUINT32 || malicious > G_MAXUINT32)
        return FALSE;
      for (p = 0; p < N_PROTO_CLASSES; p++)
        if (strcmp (proto, proto_class_names[p]) == 0)
          break;
      for (sv = 0; sv < N_SERVICE_CLASSES; sv++)
        {
          g_autofree char *name = eg_feature_format_value (EG_FEAT_SERVICE, sv);

          if (g_strcmp0 (service, name) == 0)
            break;
        }
      if (p == N_PROTO_CLASSES || sv == N_SERVICE_CLASSES)
        return FALSE;
      model->benign[p][sv] = benign;
      model->malicious[p][sv] = malicious;
      threshold = json_object_get_double_member_with_default (entry, "alert_threshold", 0);
      if (!(threshold >= 0 && threshold < 1))
        return FALSE;
      model->alert_threshold[p][sv] = threshold;
    }
  model->has_support = TRUE;
  return TRUE;
}

static gboolean
read_sidecar (EgModel    *model,
              const char *model_path,
              GError    **error)
{
  g_autofree char *path = eg_model_sidecar_path (model_path);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *obj, *schema;
  JsonArray *names;
  const char *format, *schema_id;
  const char * const *ours = eg_feature_get_names ();

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "The model “%s” has no sidecar “%s”: keep the two files together, "
                   "or retrain with “edgeguard-cli train”", model_path, path);
      return FALSE;
    }
  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "The model sidecar “%s” is not valid JSON (%s): the file is damaged; "
                   "retrain with “edgeguard-cli train”", path, local_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto bad;
  obj = json_node_get_object (root);
  format = json_object_get_string_member_with_default (obj, "format", NULL);
  if (g_strcmp0 (format, SIDECAR_FORMAT) != 0)
    goto bad;
  if (!json_object_has_member (obj, "feature_schema")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "feature_schema")))
    goto bad;
  schema = json_object_get_object_member (obj, "feature_schema");
  schema_id = json_object_get_string_member_with_default (schema, "id", "");
  if (g_strcmp0 (schema_id, EG_FEATURE_SCHEMA_ID) != 0)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_SCHEMA_MISMATCH,
                   "The model “%s” was trained on the feature schema “%s”, but this "
                   "Edgeguard computes “%s”: retrain it with this version's "
                   "“edgeguard-cli train”", model_path, schema_id, EG_FEATURE_SCHEMA_ID);
      return FALSE;
    }
  if (!json_object_has_member (schema, "names")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (schema, "names")))
    goto bad;
  names = json_object_get_array_member (schema, "names");
  for (guint i = 0; i < MAX (json_array_get_length (names), EG_N_FEATURES); i++)
    {
      const char *name = i < json_array_get_length (names)
                         ? json_node_get_string (json_array_get_element (names, i)) : NULL;

      if (i >= EG_N_FEATURES || g_strcmp0 (name, ours[i]) != 0)
        {
          g_set_error (error, EG_ERROR, EG_ERROR_SCHEMA_MISMATCH,
                       "The model “%s” lists feature %u as “%s” where schema %s has “%s”: "
                       "it was trained on another schema; retrain it",
                       model_path, i, name ? name : "(none)", EG_FEATURE_SCHEMA_ID,
                       i < EG_N_FEATURES ? ours[i] : "(none)");
          return FALSE;
        }
    }

  model->version = (guint32) json_object_get_int_member_with_default (obj, "version", 0);
  model->sha256 = g_strdup (json_object_get_string_member_with_default (obj, "model_sha256", NULL));
  model->threshold = json_object_get_double_member_with_default (obj, "threshold", 0.5);
  if (!(model->threshold > 0 && model->threshold < 1))
    model->threshold = 0.5;
  if (json_object_has_member (obj, "training")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "training")))
    model->training = json_object_ref (json_object_get_object_member (obj, "training"));
  if (json_object_has_member (obj, "metrics")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "metrics")))
    model->metrics = json_object_ref (json_object_get_object_member (obj, "metrics"));
  model->alert_default = json_object_get_double_member_with_default (obj, "alert_threshold", 0);
  if (!(model->alert_default >= 0 && model->alert_default < 1))
    model->alert_default = 0;
  if (json_object_has_member (obj, "benign_support")
      && !read_support (model, json_object_get_member (obj, "benign_support")))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "The model sidecar “%s” has a damaged \"benign_support\" list: retrain "
                   "the model or restore the sidecar", path);
      return FALSE;
    }
  return TRUE;

bad:
  g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
               "“%s” is not an Edgeguard model sidecar (it needs \"format\": \"%s\" and a "
               "\"feature_schema\"): retrain with “edgeguard-cli train”", path, SIDECAR_FORMAT);
  return FALSE;
}

EgModel *
eg_model_load (const char *path,
               GError    **error)
{
  g_autoptr(EgModel) model = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  BoosterHandle booster = NULL;
  bst_ulong n_features = 0;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, EG_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? EG_ERROR_NOT_FOUND : EG_ERROR_FAILED,
                   "Cannot read the model “%s”: %s", path, local_error->message);
      return NULL;
    }
  /* Both XGBoost formats (JSON and UBJSON) start with an object. */
  if (len < 2 || contents[0] != '{')
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "“%s” is not an XGBoost model (JSON or UBJ): the file is damaged or "
                   "of another kind; retrain with “edgeguard-cli train”", path);
      return NULL;
    }
  model = model_new (NULL);
  if (!read_sidecar (model, path, error))
    return NULL;

  /* XGBoost's parsers trust their input (a damaged UBJ array length reads
   * out of bounds), so a file must be the one its sidecar describes before
   * XGBoost sees it. */
  {
    g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                        (const guchar *) contents, len);

    if (model->sha256 == NULL || g_ascii_strcasecmp (sum, model->sha256) != 0)
      {
        g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                     "The model “%s” is damaged or was changed: its SHA-256 is not the one "
                     "its sidecar records; retrain with “edgeguard-cli train” or copy both "
                     "files again", path);
        return NULL;
      }
  }

  if (XGBoosterCreate (NULL, 0, &booster) != 0)
    {
      set_xgb_error (error, EG_ERROR_FAILED, "Cannot create an XGBoost booster");
      return NULL;
    }
  model->booster = booster;
  if (XGBoosterLoadModelFromBuffer (booster, contents, len) != 0)
    {
      g_autofree char *msg = xgb_last_error ();

      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "“%s” is not a valid XGBoost model (%s): the file is damaged; "
                   "retrain with “edgeguard-cli train”", path, msg);
      return NULL;
    }
  if (XGBoosterGetNumFeature (booster, &n_features) != 0 || n_features != EG_N_FEATURES)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_SCHEMA_MISMATCH,
                   "The model “%s” takes %lu features but schema %s has %u: it does not "
                   "belong to its sidecar; retrain it", path, (unsigned long) n_features,
                   EG_FEATURE_SCHEMA_ID, EG_N_FEATURES);
      return NULL;
    }
  /* The checks on load are a few rows: on more threads, OpenMP's idle
   * workers would spin beside the scoring thread for a while after. */
  eg_model_set_n_threads (model, 1);
  forest_attach (model);
  return g_steal_pointer (&model);
}

static JsonNode *
sidecar_to_json (EgModel    *model,
                 const char *model_path)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  g_autofree char *base = g_path_get_basename (model_path);
  const char * const *names = eg_feature_get_names ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, SIDECAR_FORMAT);
  json_builder_set_member_name (b, "format_version");
  json_builder_add_int_value (b, SIDECAR_FORMAT_VERSION);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, model->version);
  json_builder_set_member_name (b, "model_file");
  json_builder_add_string_value (b, base);
  json_builder_set_member_name (b, "model_sha256");
  json_builder_add_string_value (b, model->sha256);
  json_builder_set_member_name (b, "saved");
  json_builder_add_string_value (b, created);
  json_builder_set_member_name (b, "threshold");
  json_builder_add_double_value (b, model->threshold);
  json_builder_set_member_name (b, "feature_schema");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, EG_FEATURE_SCHEMA_ID);
  json_builder_set_member_name (b, "window_seconds");
  json_builder_add_double_value (b, EG_FEATURE_WINDOW);
  json_builder_set_member_name (b, "names");
  json_builder_begin_array (b);
  for (guint i = 0; i < EG_N_FEATURES; i++)
    json_builder_add_string_value (b, names[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (model->alert_default > 0)
    {
      json_builder_set_member_name (b, "alert_threshold");
      json_builder_add_double_value (b, model->alert_default);
    }
  if (model->has_support)
    {
      json_builder_set_member_name (b, "benign_support");
      json_builder_begin_array (b);
      for (guint p = 0; p < N_PROTO_CLASSES; p++)
        for (guint sv = 0; sv < N_SERVICE_CLASSES; sv++)
          if (model->benign[p][sv] || model->malicious[p][sv])
            {
              g_autofree char *service = eg_feature_format_value (EG_FEAT_SERVICE, sv);

              json_builder_begin_object (b);
              json_builder_set_member_name (b, "proto");
              json_builder_add_string_value (b, proto_class_names[p]);
              json_builder_set_member_name (b, "service");
              json_builder_add_string_value (b, service);
              json_builder_set_member_name (b, "benign");
              json_builder_add_int_value (b, model->benign[p][sv]);
              json_builder_set_member_name (b, "malicious");
              json_builder_add_int_value (b, model->malicious[p][sv]);
              if (model->alert_threshold[p][sv] > 0)
                {
                  json_builder_set_member_name (b, "alert_threshold");
                  json_builder_add_double_value (b, model->alert_threshold[p][sv]);
                }
              json_builder_end_object (b);
            }
      json_builder_end_array (b);
    }
  if (model->training)
    {
      JsonNode *node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (node, model->training);
      json_builder_set_member_name (b, "training");
      json_builder_add_value (b, node);
    }
  if (model->metrics)
    {
      JsonNode *node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (node, model->metrics);
      json_builder_set_member_name (b, "metrics");
      json_builder_add_value (b, node);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
eg_model_save (EgModel    *model,
               const char *path,
               GError    **error)
{
  g_autofree char *sidecar = eg_model_sidecar_path (path);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  if (!g_str_has_suffix (path, ".json") && !g_str_has_suffix (path, ".ubj"))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_UNSUPPORTED,
                   "Cannot save the model as “%s”: name it MODEL.json or MODEL.ubj "
                   "(XGBoost picks the format from the extension)", path);
      return FALSE;
    }
  if (XGBoosterSaveModel (model->booster, path) != 0)
    {
      g_autofree char *msg = xgb_last_error ();

      g_set_error (error, EG_ERROR, EG_ERROR_FAILED,
                   "Cannot write the model “%s”: %s", path, msg);
      return FALSE;
    }
  {
    g_autofree char *contents = NULL;
    gsize len;

    if (!g_file_get_contents (path, &contents, &len, error))
      return FALSE;
    g_free (model->sha256);
    model->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
  }
  root = sidecar_to_json (model, path);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  return g_file_set_contents (sidecar, text, -1, error);
}

EgModel *
eg_model_train (const float         *rows,
                const float         *labels,
                guint                n_rows,
                guint                n_features,
                const EgTrainParams *params,
                GError             **error)
{
  DMatrixHandle dmat = NULL;
  BoosterHandle booster = NULL;
  g_autoptr(EgModel) model = NULL;
  EgTrainParams defaults;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *depth = NULL, *seed = NULL, *threads = NULL;
  guint64 pos = 0;

  if (params == NULL)
    {
      eg_train_params_init (&defaults);
      params = &defaults;
    }
  if (n_features != EG_N_FEATURES)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_SCHEMA_MISMATCH,
                   "Training rows have %u features, schema %s has %u",
                   n_features, EG_FEATURE_SCHEMA_ID, EG_N_FEATURES);
      return NULL;
    }
  for (guint i = 0; i < n_rows; i++)
    pos += labels[i] > 0.5f;
  if (n_rows == 0 || pos == 0 || pos == n_rows)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED,
                   "Cannot train on %u flows of which %" G_GUINT64_FORMAT " are malicious: "
                   "training needs both malicious and benign labeled flows", n_rows, pos);
      return NULL;
    }

  if (XGDMatrixCreateFromMat (rows, n_rows, n_features, NAN, &dmat) != 0)
    {
      set_xgb_error (error, EG_ERROR_FAILED, "Cannot build the training matrix");
      return NULL;
    }
  if (XGDMatrixSetFloatInfo (dmat, "label", labels, n_rows) != 0)
    goto fail;
  if (params->weights)
    {
      if (XGDMatrixSetFloatInfo (dmat, "weight", params->weights, n_rows) != 0)
        goto fail;
    }
  else if (params->balance)
    {
      /* Some captures are nearly all malicious: equal class weight keeps the
       * model from learning "everything is malicious". */
      g_autofree float *weights = g_new (float, n_rows);
      double wpos = (double) n_rows / (2.0 * pos), wneg = (double) n_rows / (2.0 * (n_rows - pos));

      for (guint i = 0; i < n_rows; i++)
        weights[i] = (float) (labels[i] > 0.5f ? wpos : wneg);
      if (XGDMatrixSetFloatInfo (dmat, "weight", weights, n_rows) != 0)
        goto fail;
    }
  if (XGBoosterCreate (&dmat, 1, &booster) != 0)
    goto fail;
  model = model_new (booster);
  depth = g_strdup_printf ("%u", params->max_depth ? params->max_depth : 6);
  seed = g_strdup_printf ("%u", params->seed);
  if (XGBoosterSetParam (booster, "objective", "binary:logistic") != 0
      || XGBoosterSetParam (booster, "eval_metric", "auc") != 0
      || XGBoosterSetParam (booster, "tree_method", "hist") != 0
      || XGBoosterSetParam (booster, "max_depth", depth) != 0
      || XGBoosterSetParam (booster, "eta", g_ascii_dtostr (buf, sizeof buf, params->eta > 0 ? params->eta : 0.1)) != 0
      || XGBoosterSetParam (booster, "subsample", g_ascii_dtostr (buf, sizeof buf, params->subsample > 0 ? params->subsample : 1.0)) != 0
      || XGBoosterSetParam (booster, "seed", seed) != 0
      || XGBoosterSetParam (booster, "verbosity", "0") != 0)
    goto fail;
  if (params->n_threads)
    {
      threads = g_strdup_printf ("%u", params->n_threads);
      if (XGBoosterSetParam (booster, "nthread", threads) != 0)
        goto fail;
    }
  for (guint i = 0; i < (params->rounds ? params->rounds : 200); i++)
    if (XGBoosterUpdateOneIter (booster, (int) i, dmat) != 0)
      goto fail;
  XGDMatrixFree (dmat);
  model->version = (guint32) (g_get_real_time () / G_USEC_PER_SEC);
  count_support (model, rows, labels, n_rows, n_features);
  forest_attach (model);
  return g_steal_pointer (&model);

fail:
  set_xgb_error (error, EG_ERROR_FAILED, "XGBoost training failed");
  XGDMatrixFree (dmat);
  if (model == NULL && booster)
    XGBoosterFree (booster);
  return NULL;
}

guint32
eg_model_get_version (EgModel *model)
{
  return model->version;
}

void
eg_model_set_version (EgModel *model,
                      guint32  version)
{
  model->version = version;
}

double
eg_model_get_threshold (EgModel *model)
{
  return model->threshold;
}

void
eg_model_set_threshold (EgModel *model,
                        double   threshold)
{
  if (threshold > 0 && threshold < 1)
    model->threshold = threshold;
}

const char *
eg_model_get_schema_id (EgModel *model)
{
  return model->schema_id;
}

guint
eg_model_get_n_features (EgModel *model)
{
  return model->n_features;
}

JsonObject *
eg_model_get_training (EgModel *model)
{
  return model->training;
}

void
eg_model_set_training (EgModel    *model,
                       JsonObject *training)
{
  g_clear_pointer (&model->training, json_object_unref);
  if (training)
    model->training = json_object_ref (training);
}

void
eg_model_set_metrics (EgModel         *model,
                      const EgMetrics *metrics)
{
  g_clear_pointer (&model->metrics, json_object_unref);
  if (metrics)
    model->metrics = eg_metrics_to_json (metrics);
}

void
eg_model_set_n_threads (EgModel *model,
                        guint    n_threads)
{
  g_autofree char *value = NULL;

  /* Setting a parameter while another thread predicts is a race: only
   * change what needs changing (scorers all ask for 1). */
  if (model->n_threads == n_threads)
    return;
  value = g_strdup_printf ("%u", n_threads);
  XGBoosterSetParam (model->booster, "nthread", value);
  model->n_threads = n_threads;
}

static gboolean
predict (EgModel       *model,
         const float   *rows,
         guint          n_rows,
         int            type,
         const float  **out,
         bst_ulong     *out_len,
         GError       **error)
{
  char values[256];
  char config[256];
  const bst_ulong *shape = NULL;
  bst_ulong dim = 0;

  g_snprintf (values, sizeof values,
              "{\"data\":[%" G_GUINTPTR_FORMAT ",true],\"shape\":[%u,%u],"
              "\"typestr\":\"<f4\",\"version\":3}",
              (guintptr) rows, n_rows, model->n_features);
  /* "cache_id": 0 is required, or XGBoost fails with "Invalid cast". */
  g_snprintf (config, sizeof config,
              "{\"type\":%d,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,"
              "\"strict_shape\":false,\"cache_id\":0,\"missing\":NaN}", type);
  if (XGBoosterPredictFromDense (model->booster, values, config, NULL,
                                 &shape, &dim, out) != 0)
    return set_xgb_error (error, EG_ERROR_FAILED, "XGBoost prediction failed");
  *out_len = 1;
  for (bst_ulong i = 0; i < dim; i++)
    *out_len *= shape[i];
  return TRUE;
}

gboolean
eg_model_predict (EgModel     *model,
                  const float *rows,
                  guint        n_rows,
                  float       *scores,
                  GError     **error)
{
  if (n_rows == 0)
    return TRUE;
  if (model->forest)
    {
      for (guint i = 0; i < n_rows; i++)
        scores[i] = 1.0f / (1.0f + expf (-forest_margin (model->forest,
                                                         rows + (gsize) i * model->n_features)));
      return TRUE;
    }
  return eg_model_predict_xgboost (model, rows, n_rows, scores, error);
}

gboolean
eg_model_predict_xgboost (EgModel     *model,
                          const float *rows,
                          guint        n_rows,
                          float       *scores,
                          GError     **error)
{
  const float *out = NULL;
  bst_ulong len = 0;

  if (n_rows == 0)
    return TRUE;
  if (!predict (model, rows, n_rows, 0, &out, &len, error))
    return FALSE;
  if (len != n_rows)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED,
                   "XGBoost returned %lu scores for %u flows", (unsigned long) len, n_rows);
      return FALSE;
    }
  /* The buffer belongs to the booster and this thread: copy it now. */
  memcpy (scores, out, n_rows * sizeof (float));
  return TRUE;
}

gboolean
eg_model_has_own_trees (EgModel *model)
{
  return model->forest != NULL;
}

static int
compare_abs_contribution (gconstpointer a,
                          gconstpointer b)
{
  float x = fabsf (((const EgContribution *) a)->contribution);
  float y = fabsf (((const EgContribution *) b)->contribution);

  return (x < y) - (x > y);
}

/* XGBoost's own approximate contributions (type 3, Saabas' path
 * attribution: like SHAP it sums to the margin, at a fraction of TreeSHAP's
 * cost). In-place prediction has none: this goes through a DMatrix. */
static gboolean
xgboost_contributions (EgModel     *model,
                       const float *row,
                       double      *contributions,
                       double      *bias,
                       GError     **error)
{
  const float *out = NULL;
  bst_ulong len = 1;
  DMatrixHandle dmat = NULL;
  const bst_ulong *shape = NULL;
  bst_ulong dim = 0;

  if (XGDMatrixCreateFromMat (row, 1, model->n_features, NAN, &dmat) != 0)
    {
      set_xgb_error (error, EG_ERROR_FAILED, "Cannot build a matrix for the explanation");
      return FALSE;
    }
  if (XGBoosterPredictFromDMatrix (model->booster, dmat,
                                   "{\"type\":3,\"training\":false,\"iteration_begin\":0,"
                                   "\"iteration_end\":0,\"strict_shape\":false}",
                                   &shape, &dim, &out) != 0)
    {
      XGDMatrixFree (dmat);
      set_xgb_error (error, EG_ERROR_FAILED, "XGBoost contributions failed");
      return FALSE;
    }
  for (bst_ulong i = 0; i < dim; i++)
    len *= shape[i];
  if (len != model->n_features + 1)
    {
      XGDMatrixFree (dmat);
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED,
                   "XGBoost returned %lu contributions for %u features",
                   (unsigned long) len, model->n_features);
      return FALSE;
    }
  for (guint i = 0; i < model->n_features; i++)
    contributions[i] = out[i];
  *bias = out[model->n_features];
  XGDMatrixFree (dmat);
  return TRUE;
}

guint
eg_model_explain (EgModel        *model,
                  const float    *row,
                  EgContribution *top,
                  guint           n_top,
                  float          *score,
                  GError        **error)
{
  EgContribution all[EG_N_FEATURES];
  double contributions[EG_N_FEATURES], margin;
  guint n = 0;

  g_return_val_if_fail (model->n_features == EG_N_FEATURES, 0);
  /* Our trees when they carry their node means (checked against XGBoost on
   * load): a burst of alerts each asking why must not cost a DMatrix each. */
  if (model->forest && model->forest->means)
    forest_contributions (model->forest, row, model->n_features, contributions, &margin);
  else if (!xgboost_contributions (model, row, contributions, &margin, error))
    return 0;
  for (guint i = 0; i < model->n_features; i++)
    {
      margin += contributions[i];
      if (contributions[i] == 0.0)
        continue;
      all[n].feature = i;
      all[n].value = row[i];
      all[n].contribution = (float) contributions[i];
      n++;
    }
  if (score)
    *score = (float) (1.0 / (1.0 + exp (-margin)));
  qsort (all, n, sizeof all[0], compare_abs_contribution);
  n = MIN (n, n_top);
  memcpy (top, all, n * sizeof all[0]);
  return n;
}

char *
eg_model_explain_sentence (const EgContribution *top,
                           guint                 n_top,
                           float                 score)
{
  GString *s = g_string_new (NULL);
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  gboolean malicious = score >= 0.5f;

  /* Name what pushed towards the verdict; the rest is noise to a reader,
   * and so is a feature the flow does not have. */
  for (guint i = 0; i < n_top && reasons->len < 3; i++)
    {
      g_autofree char *value = NULL;

      if ((top[i].contribution > 0) != malicious || isnan (top[i].value))
        continue;
      value = eg_feature_format_value (top[i].feature, top[i].value);
      g_ptr_array_add (reasons, g_strdup_printf ("%s: %s", eg_feature_get_description (top[i].feature),
                                                 value));
    }
  g_string_append_printf (s, "Scored %.2f (%s) ", score,
                          malicious ? "looks malicious" : "looks benign");
  if (reasons->len == 0)
    g_string_append (s, "with no single feature standing out");
  else
    g_string_append (s, "mainly because of ");
  for (guint i = 0; i < reasons->len; i++)
    {
      if (i > 0)
        g_string_append (s, i + 1 == reasons->len ? " and " : ", ");
      g_string_append (s, reasons->pdata[i]);
    }
  g_string_append_c (s, '.');
  return g_string_free (s, FALSE);
}

typedef struct {
  float score;
  float label;
} ScoredLabel;

static int
compare_score (gconstpointer a,
               gconstpointer b)
{
  float x = ((const ScoredLabel *) a)->score, y = ((const ScoredLabel *) b)->score;

  return (x > y) - (x < y);
}

void
eg_metrics_compute (const float *scores,
                    const float *labels,
                    guint        n,
                    double       threshold,
                    EgMetrics   *m)
{
  g_autofree ScoredLabel *sorted = g_new (ScoredLabel, MAX (n, 1));
  double rank_sum = 0;
  guint i = 0;

  memset (m, 0, sizeof *m);
  m->n = n;
  m->threshold = threshold;
  for (guint k = 0; k < n; k++)
    {
      gboolean pos = labels[k] > 0.5f;
      gboolean flagged = scores[k] >= threshold;

      m->positives += pos;
      if (pos && flagged)
        m->tp++;
      else if (pos)
        m->fn++;
      else if (flagged)
        m->fp++;
      else
        m->tn++;
      sorted[k].score = scores[k];
      sorted[k].label = labels[k];
    }
  m->precision = m->tp + m->fp ? (double) m->tp / (m->tp + m->fp) : 0;
  m->recall = m->tp + m->fn ? (double) m->tp / (m->tp + m->fn) : 0;
  m->f1 = m->precision + m->recall > 0
          ? 2 * m->precision * m->recall / (m->precision + m->recall) : 0;
  m->fpr = m->fp + m->tn ? (double) m->fp / (m->fp + m->tn) : 0;

  /* AUC by the rank sum (Mann-Whitney), ties sharing their mean rank. */
  if (m->positives == 0 || m->positives == n)
    {
      m->auc = NAN;
      return;
    }
  qsort (sorted, n, sizeof sorted[0], compare_score);
  while (i < n)
    {
      guint j = i;
      double mean_rank;

      while (j + 1 < n && sorted[j + 1].score == sorted[i].score)
        j++;
      mean_rank = (i + j) / 2.0 + 1.0;
      for (guint k = i; k <= j; k++)
        if (sorted[k].label > 0.5f)
          rank_sum += mean_rank;
      i = j + 1;
    }
  m->auc = (rank_sum - (double) m->positives * (m->positives + 1) / 2.0)
           / ((double) m->positives * (double) (n - m->positives));
}

JsonObject *
eg_metrics_to_json (const EgMetrics *m)
{
  JsonObject *obj = json_object_new ();

  json_object_set_double_member (obj, "precision", m->precision);
  json_object_set_double_member (obj, "recall", m->recall);
  json_object_set_double_member (obj, "f1", m->f1);
  if (isnan (m->auc))
    json_object_set_null_member (obj, "auc");
  else
    json_object_set_double_member (obj, "auc", m->auc);
  json_object_set_double_member (obj, "fpr", m->fpr);
  json_object_set_int_member (obj, "n", (gint64) m->n);
  json_object_set_int_member (obj, "positives", (gint64) m->positives);
  json_object_set_double_member (obj, "threshold", m->threshold);
  json_object_set_int_member (obj, "tp", (gint64) m->tp);
  json_object_set_int_member (obj, "fp", (gint64) m->fp);
  json_object_set_int_member (obj, "tn", (gint64) m->tn);
  json_object_set_int_member (obj, "fn", (gint64) m->fn);
  return obj;
}
