/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-export.h"

#include <errno.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "eg-error.h"

typedef struct {
  GArray       *flows;    /* or */
  EgStore      *store;
  EgFlowFilter *filter;
  double        from;
  double        to;
  char         *path;
  EgFlowFormat  format;
  /* While writing */
  EgFlowWriter *writer;
  GError       *error;
  guint64       n;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_pointer (&job->flows, g_array_unref);
  g_clear_pointer (&job->store, eg_store_unref);
  g_clear_pointer (&job->filter, eg_flow_filter_free);
  g_clear_pointer (&job->writer, eg_flow_writer_free);
  g_clear_error (&job->error);
  g_free (job->path);
  g_free (job);
}

static gboolean
write_one (const EgFlow *flow,
           gpointer      user_data)
{
  ExportJob *job = user_data;

  if (!eg_flow_writer_write (job->writer, flow, &job->error))
    return FALSE;
  job->n++;
  return TRUE;
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(GError) error = NULL;
  FILE *out = fopen (job->path, "w");

  if (out == NULL)
    {
      int saved = errno;

      g_task_return_new_error (task, EG_ERROR, saved == ENOSPC ? EG_ERROR_NO_SPACE : EG_ERROR_FAILED,
                               _("Cannot write %s: %s"), job->path, g_strerror (saved));
      return;
    }
  /* The labeled dataset's columns: label and detailedlabel, then score,
   * model version and label source. */
  job->writer = eg_flow_writer_new (out, job->format, EG_FLOW_WRITER_LABELS | EG_FLOW_WRITER_SCORE);
  if (job->flows != NULL)
    {
      for (guint i = 0; i < job->flows->len && job->error == NULL; i++)
        write_one (&g_array_index (job->flows, EgFlow, i), job);
    }
  else if (!eg_store_foreach_flow (job->store, job->filter, job->from, job->to, write_one, job,
                                   &error))
    g_propagate_error (&job->error, g_steal_pointer (&error));
  if (job->error == NULL)
    eg_flow_writer_close (job->writer, &job->error);
  if (fclose (out) != 0 && job->error == NULL)
    {
      int saved = errno;

      g_set_error (&job->error, EG_ERROR, saved == ENOSPC ? EG_ERROR_NO_SPACE : EG_ERROR_FAILED,
                   _("Cannot write %s: %s"), job->path, g_strerror (saved));
    }
  if (job->error != NULL)
    g_task_return_error (task, g_steal_pointer (&job->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
run (ExportJob           *job,
     const char          *path,
     EgFlowFormat         format,
     GCancellable        *cancellable,
     GAsyncReadyCallback  callback,
     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  job->path = g_strdup (path);
  job->format = format;
  g_task_set_source_tag (task, run);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

void
eg_export_flows_async (GArray              *flows,
                       const char          *path,
                       EgFlowFormat         format,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  ExportJob *job = g_new0 (ExportJob, 1);

  job->flows = flows;
  run (job, path, format, cancellable, callback, user_data);
}

void
eg_export_stored_async (EgStore             *store,
                        EgFlowFilter        *filter,
                        double               from,
                        double               to,
                        const char          *path,
                        EgFlowFormat         format,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  ExportJob *job = g_new0 (ExportJob, 1);

  job->store = eg_store_ref (store);
  job->filter = filter;
  job->from = from;
  job->to = to;
  run (job, path, format, cancellable, callback, user_data);
}

gboolean
eg_export_finish (GAsyncResult  *result,
                  guint64       *n_written,
                  GError       **error)
{
  ExportJob *job = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (n_written != NULL)
    *n_written = job->n;
  return TRUE;
}
