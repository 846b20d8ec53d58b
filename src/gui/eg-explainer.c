/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-explainer.h"

#include "eg-scorer.h"

struct _EgExplainer
{
  GObject   parent_instance;

  EgConfig *config;
  GMutex    lock;
  GCond     loaded_cond;
  gboolean  loaded;
  EgScorer *scorer;      /* NULL when the model did not load */
  GError   *load_error;
  guint32   model_version;
};

enum {
  PROP_0,
  PROP_MODEL_VERSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (EgExplainer, eg_explainer, G_TYPE_OBJECT)

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  EgExplainer *self = source_object;
  g_autoptr(GError) error = NULL;
  EgScorer *scorer = eg_scorer_new (self->config, &error);

  g_mutex_lock (&self->lock);
  self->scorer = scorer;
  self->load_error = g_steal_pointer (&error);
  self->loaded = TRUE;
  g_cond_broadcast (&self->loaded_cond);
  g_mutex_unlock (&self->lock);
  g_task_return_boolean (task, TRUE);
}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  EgExplainer *self = EG_EXPLAINER (source);
  guint32 version = self->scorer != NULL ? eg_scorer_get_model_version (self->scorer) : 0;

  if (self->load_error != NULL)
    g_debug ("No model for explanations: %s", self->load_error->message);
  if (version != self->model_version)
    {
      self->model_version = version;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_VERSION]);
    }
}

EgExplainer *
eg_explainer_new (const EgConfig *config)
{
  EgExplainer *self;
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (EG_TYPE_EXPLAINER, NULL);
  self->config = eg_config_copy (config);
  task = g_task_new (self, NULL, on_loaded_cb, NULL);
  g_task_run_in_thread (task, load_thread);
  return self;
}

guint32
eg_explainer_get_model_version (EgExplainer *self)
{
  g_return_val_if_fail (EG_IS_EXPLAINER (self), 0);
  return self->model_version;
}

char *
eg_explainer_explain (EgExplainer   *self,
                      const EgFlow  *flow,
                      GError       **error)
{
  EgScorer *scorer;

  g_return_val_if_fail (EG_IS_EXPLAINER (self), NULL);

  g_mutex_lock (&self->lock);
  while (!self->loaded)
    g_cond_wait (&self->loaded_cond, &self->lock);
  scorer = self->scorer;
  g_mutex_unlock (&self->lock);
  /* The scorer lives as long as self, and explaining is thread-safe. */
  return scorer != NULL ? eg_scorer_explain (scorer, flow, error) : NULL;
}

static void
explain_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  char *text = eg_explainer_explain (source_object, task_data, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, text, g_free);
}

void
eg_explainer_explain_async (EgExplainer         *self,
                            const EgFlow        *flow,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (EG_IS_EXPLAINER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, eg_explainer_explain_async);
  g_task_set_task_data (task, g_memdup2 (flow, sizeof *flow), g_free);
  g_task_run_in_thread (task, explain_thread);
}

char *
eg_explainer_explain_finish (EgExplainer   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
eg_explainer_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  EgExplainer *self = EG_EXPLAINER (object);

  switch (prop_id)
    {
    case PROP_MODEL_VERSION:
      g_value_set_uint (value, self->model_version);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
eg_explainer_finalize (GObject *object)
{
  EgExplainer *self = EG_EXPLAINER (object);

  /* Tasks hold a reference: nothing runs when we get here. */
  g_clear_pointer (&self->scorer, eg_scorer_free);
  g_clear_error (&self->load_error);
  g_clear_pointer (&self->config, eg_config_free);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->loaded_cond);
  G_OBJECT_CLASS (eg_explainer_parent_class)->finalize (object);
}

static void
eg_explainer_class_init (EgExplainerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = eg_explainer_get_property;
  object_class->finalize = eg_explainer_finalize;

  properties[PROP_MODEL_VERSION] =
    g_param_spec_uint ("model-version", NULL, NULL, 0, G_MAXUINT32, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
eg_explainer_init (EgExplainer *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->loaded_cond);
}
