/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-scoring-worker.h"

#include <string.h>

#include "eg-alert.h"
#include "eg-thread.h"

typedef struct {
  double  ts;
  guint8  sha[6];
  guint8  spa[4];
  guint8  tha[6];
  guint8  tpa[4];
  guint16 op;
  guint   before;   /* flows queued ahead of it: keeps packet-time order */
} ArpItem;

struct _EgScoringWorker {
  EgScorer     *scorer;
  EgScoredFunc  func;
  gpointer      user_data;
  guint         max_queued;

  GMutex        lock;
  GCond         cond;          /* worker waits for work */
  GCond         space;         /* producers wait for room */
  GArray       *queue;         /* EgFlow */
  GArray       *arps;          /* ArpItem */
  gint64        oldest;        /* monotonic µs when the queue's first flow came */
  gboolean      finishing;
  GThread      *thread;
};

static void
deliver (EgScoringWorker *w,
         EgFlow          *flows,
         guint            n,
         GPtrArray       *alerts)
{
  if (n == 0 && alerts->len == 0)
    return;
  if (w->func)
    w->func (flows, n, alerts, w->user_data);
  g_ptr_array_set_size (alerts, 0);
}

static gpointer
worker_main (gpointer data)
{
  EgScoringWorker *w = data;
  g_autoptr(GArray) batch = g_array_sized_new (FALSE, FALSE, sizeof (EgFlow), EG_SCORING_BATCH);
  g_autoptr(GArray) arps = g_array_new (FALSE, FALSE, sizeof (ArpItem));
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) eg_alert_free);

  for (;;)
    {
      gboolean finishing;
      guint n, done = 0;

      g_mutex_lock (&w->lock);
      for (;;)
        {
          gint64 deadline;

          if (w->finishing || w->queue->len >= EG_SCORING_BATCH)
            break;
          if (w->queue->len == 0 && w->arps->len == 0)
            {
              g_cond_wait (&w->cond, &w->lock);
              continue;
            }
          deadline = w->oldest + EG_SCORING_MAX_DELAY_MS * G_TIME_SPAN_MILLISECOND;
          if (g_get_monotonic_time () >= deadline
              || !g_cond_wait_until (&w->cond, &w->lock, deadline))
            break;
        }
      /* Take everything queued by swapping arrays: removing a batch from
       * the front of a deep queue would move the rest each time. A deep
       * queue makes a big batch, which XGBoost scores fastest anyway. */
      {
        GArray *tmp = batch;
        batch = w->queue;
        w->queue = tmp;
        g_array_set_size (w->queue, 0);
        tmp = arps;
        arps = w->arps;
        w->arps = tmp;
        g_array_set_size (w->arps, 0);
      }
      n = batch->len;
      w->oldest = g_get_monotonic_time ();
      finishing = w->finishing && w->queue->len == 0 && w->arps->len == 0;
      g_cond_broadcast (&w->space);
      g_mutex_unlock (&w->lock);

      for (guint i = 0; i < arps->len; i++)
        {
          ArpItem *a = &g_array_index (arps, ArpItem, i);

          if (a->before > done)
            {
              eg_scorer_process (w->scorer, (EgFlow *) batch->data + done, a->before - done, alerts);
              done = a->before;
            }
          eg_scorer_process_arp (w->scorer, a->ts, a->sha, a->spa, a->tha, a->tpa, a->op, alerts);
        }
      if (done < n)
        eg_scorer_process (w->scorer, (EgFlow *) batch->data + done, n - done, alerts);
      if (finishing)
        eg_scorer_flush (w->scorer, alerts);
      deliver (w, (EgFlow *) batch->data, n, alerts);
      if (finishing)
        break;
    }
  return NULL;
}

EgScoringWorker *
eg_scoring_worker_new (EgScorer     *scorer,
                       guint         max_queued_flows,
                       EgScoredFunc  func,
                       gpointer      user_data)
{
  EgScoringWorker *w = g_new0 (EgScoringWorker, 1);

  w->scorer = scorer;
  w->func = func;
  w->user_data = user_data;
  w->max_queued = MAX (max_queued_flows, EG_SCORING_BATCH);
  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  g_cond_init (&w->space);
  w->queue = g_array_sized_new (FALSE, FALSE, sizeof (EgFlow), EG_SCORING_BATCH);
  w->arps = g_array_new (FALSE, FALSE, sizeof (ArpItem));
  w->thread = eg_thread_new_worker ("eg-scoring", worker_main, w);
  return w;
}

gboolean
eg_scoring_worker_push (EgScoringWorker *w,
                        const EgFlow    *flows,
                        guint            n_flows,
                        gboolean         block)
{
  g_mutex_lock (&w->lock);
  if (w->finishing)
    {
      g_mutex_unlock (&w->lock);
      return FALSE;
    }
  while (w->queue->len + n_flows > w->max_queued && w->queue->len > 0)
    {
      if (!block)
        {
          g_mutex_unlock (&w->lock);
          return FALSE;
        }
      g_cond_wait (&w->space, &w->lock);
    }
  if (w->queue->len == 0)
    w->oldest = g_get_monotonic_time ();
  g_array_append_vals (w->queue, flows, n_flows);
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->lock);
  return TRUE;
}

void
eg_scoring_worker_push_arp (EgScoringWorker *w,
                            double           ts,
                            const guint8     sha[6],
                            const guint8     spa[4],
                            const guint8     tha[6],
                            const guint8     tpa[4],
                            guint16          op)
{
  ArpItem item;

  item.ts = ts;
  memcpy (item.sha, sha, 6);
  memcpy (item.spa, spa, 4);
  memcpy (item.tha, tha, 6);
  memcpy (item.tpa, tpa, 4);
  item.op = op;
  g_mutex_lock (&w->lock);
  if (!w->finishing)
    {
      item.before = w->queue->len;
      if (w->queue->len == 0 && w->arps->len == 0)
        w->oldest = g_get_monotonic_time ();
      g_array_append_val (w->arps, item);
      g_cond_signal (&w->cond);
    }
  g_mutex_unlock (&w->lock);
}

gboolean
eg_scoring_worker_set_model (EgScoringWorker *w,
                             EgModel         *model,
                             GError         **error)
{
  /* The scorer swaps under its own lock; a batch in flight keeps the model
   * it started with, the next one takes the new one. */
  return eg_scorer_set_model (w->scorer, model, error);
}

void
eg_scoring_worker_finish (EgScoringWorker *w)
{
  if (w->thread == NULL)
    return;
  g_mutex_lock (&w->lock);
  w->finishing = TRUE;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->lock);
  g_thread_join (w->thread);
  w->thread = NULL;
}

void
eg_scoring_worker_free (EgScoringWorker *w)
{
  if (w == NULL)
    return;
  eg_scoring_worker_finish (w);
  eg_scorer_free (w->scorer);
  g_array_unref (w->queue);
  g_array_unref (w->arps);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->cond);
  g_cond_clear (&w->space);
  g_free (w);
}
