/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-explainer.h: the model the engine scores with, loaded once more for
 * the console, which asks it why a flow scored as it did and which model
 * version is in use. Loading and explaining run in a worker thread. */
#pragma once

#include <gio/gio.h>

#include "eg-config.h"
#include "eg-flow.h"

G_BEGIN_DECLS

#define EG_TYPE_EXPLAINER (eg_explainer_get_type ())
G_DECLARE_FINAL_TYPE (EgExplainer, eg_explainer, EG, EXPLAINER, GObject)

/* Starts loading config's model in a thread; "notify::model-version"
 * follows when it is loaded. */
EgExplainer *eg_explainer_new               (const EgConfig      *config);
/* 0 until the model is loaded, or when there is none. */
guint32      eg_explainer_get_model_version (EgExplainer         *self);
/* A sentence on why flow scored as it did; NULL without an error when no
 * model is loaded. */
void         eg_explainer_explain_async     (EgExplainer         *self,
                                             const EgFlow        *flow,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char        *eg_explainer_explain_finish    (EgExplainer         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* The same, in the calling thread (a worker's): waits for the load. */
char        *eg_explainer_explain           (EgExplainer         *self,
                                             const EgFlow        *flow,
                                             GError             **error);

G_END_DECLS
