/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-flow-feed.h"

/* What a slice may take when no frame clock paces it (the window is not
 * shown): long enough to keep up with any replay, short enough that input
 * still gets through. */
#define UNPACED_BUDGET_US  20000
/* Left between a slice and the next frame for whatever else runs. */
#define MARGIN_US          3000
#define MIN_BUDGET_US      2000
/* A frame clock that stops ticking (a hidden window) must not stall the
 * table for good. */
#define FRAME_WAIT_MS      100

struct _EgFlowFeed
{
  GObject     parent_instance;

  EgFlowList *list;
  GtkWidget  *paced_by;      /* weak */
  GQueue      batches;       /* GArray of EgFlow, oldest first */
  guint       head_offset;   /* flows of the oldest batch already added */
  guint       idle_id;
  guint       frame_wait_id;
  GdkFrameClock *clock;      /* while waiting for its after-paint */
  gulong      after_paint_id;
  gint64      budget_us;
  guint       n_queued;
  /* What adding a chunk of n flows costs, fixed + per_flow * n, fitted to
   * the last chunks: a flow that gets its row widgets built (the first 200
   * rows) costs a thousand times more than one appended past them, and in
   * a sorted table every chunk pays again for the rows GTK 4.8 binds anew
   * (all whose position moved). */
  double      fixed_us;
  double      per_flow_us;
  double      s_n, s_t, s_nn, s_nt, s_w;   /* decayed sums for the fit */
  guint       last_chunk;
};

enum {
  SIGNAL_DRAINED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EgFlowFeed, eg_flow_feed, G_TYPE_OBJECT)

static void schedule (EgFlowFeed *self);

static void
stop_waiting (EgFlowFeed *self)
{
  if (self->clock != NULL)
    {
      g_clear_signal_handler (&self->after_paint_id, self->clock);
      g_clear_object (&self->clock);
    }
  g_clear_handle_id (&self->frame_wait_id, g_source_remove);
}

/* The frame took its share of the interval; the next slice takes the rest,
 * less a margin. */
static void
on_after_paint_cb (GdkFrameClock *clock,
                   EgFlowFeed    *self)
{
  gint64 interval = 0, presentation = 0;
  gint64 frame_us = g_get_monotonic_time () - gdk_frame_clock_get_frame_time (clock);

  gdk_frame_clock_get_refresh_info (clock, 0, &interval, &presentation);
  if (interval <= 0)
    interval = G_USEC_PER_SEC / 60;
  self->budget_us = CLAMP (interval - frame_us - MARGIN_US, MIN_BUDGET_US, interval / 2);
  stop_waiting (self);
  schedule (self);
}

static gboolean
frame_wait_cb (gpointer user_data)
{
  EgFlowFeed *self = user_data;

  self->frame_wait_id = 0;
  stop_waiting (self);
  self->budget_us = MIN_BUDGET_US;
  schedule (self);
  return G_SOURCE_REMOVE;
}

/* One slice per frame: the frame that shows the rows comes before more. */
static gboolean
wait_for_frame (EgFlowFeed *self)
{
  GdkFrameClock *clock;

  if (self->paced_by == NULL || !gtk_widget_get_mapped (self->paced_by) ||
      (clock = gtk_widget_get_frame_clock (self->paced_by)) == NULL)
    return FALSE;
  self->clock = g_object_ref (clock);
  self->after_paint_id = g_signal_connect (clock, "after-paint",
                                           G_CALLBACK (on_after_paint_cb), self);
  /* Rows that change nothing on screen (filtered out, paused) would not
   * bring a frame on their own. */
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
  self->frame_wait_id = g_timeout_add (FRAME_WAIT_MS, frame_wait_cb, self);
  return TRUE;
}

/* Least squares over the recent chunks, older ones weighing less. */
static void
learn (EgFlowFeed *self,
       guint       n,
       gint64      took_us)
{
  double var, cov;

  self->s_w = self->s_w * 0.7 + 1;
  self->s_n = self->s_n * 0.7 + n;
  self->s_t = self->s_t * 0.7 + took_us;
  self->s_nn = self->s_nn * 0.7 + (double) n * n;
  self->s_nt = self->s_nt * 0.7 + (double) n * took_us;
  var = self->s_nn * self->s_w - self->s_n * self->s_n;
  cov = self->s_nt * self->s_w - self->s_n * self->s_t;
  if (var > 1e-6 * self->s_nn * self->s_w && cov > 0)
    {
      self->per_flow_us = cov / var;
      self->fixed_us = MAX ((self->s_t - self->per_flow_us * self->s_n) / self->s_w, 0);
    }
  else
    {
      /* Chunks all of one size: it all counts as per flow. */
      self->per_flow_us = self->s_t / MAX (self->s_n, 1);
      self->fixed_us = 0;
    }
  self->per_flow_us = MAX (self->per_flow_us, 0.01);
  self->last_chunk = n;
}

static guint
next_chunk (EgFlowFeed *self,
            gint64      left_us)
{
  double n;

  if (self->s_w == 0)
    n = 1;
  else if (self->fixed_us + self->per_flow_us * self->n_queued <= left_us)
    n = self->n_queued;
  else if (left_us > 2 * self->fixed_us)
    n = (left_us - self->fixed_us) / self->per_flow_us;
  else
    /* The fixed part alone fills the slice: take enough flows that it is
     * at most half of the chunk's cost, or the table would never fill. */
    n = self->fixed_us / self->per_flow_us;
  /* Growing at most fourfold per chunk: a cheap chunk does not make the
   * next one, which may build widgets again, overshoot by much. */
  n = MIN (n, MAX (self->last_chunk * 4.0, 4.0));
  return (guint) CLAMP (n, 1, self->n_queued);
}

/* The next n flows, in one call: one change for the views to take. They
 * leave the queue first, so whatever the list's signals run sees the feed
 * as it is after them. */
static void
add_chunk (EgFlowFeed *self,
           guint       n)
{
  g_autoptr(GArray) flows = NULL;
  GArray *head = g_queue_peek_head (&self->batches);
  guint offset = self->head_offset;

  if (head->len - self->head_offset >= n)
    {
      flows = g_array_ref (head);
      self->head_offset += n;
      if (self->head_offset == head->len)
        {
          g_array_unref (g_queue_pop_head (&self->batches));
          self->head_offset = 0;
        }
    }
  else
    {
      flows = g_array_sized_new (FALSE, FALSE, sizeof (EgFlow), n);
      offset = 0;
      while (flows->len < n)
        {
          guint take;

          head = g_queue_peek_head (&self->batches);
          take = MIN (head->len - self->head_offset, n - flows->len);
          g_array_append_vals (flows, &g_array_index (head, EgFlow, self->head_offset), take);
          self->head_offset += take;
          if (self->head_offset == head->len)
            {
              g_array_unref (g_queue_pop_head (&self->batches));
              self->head_offset = 0;
            }
        }
    }
  self->n_queued -= n;
  eg_flow_list_add (self->list, &g_array_index (flows, EgFlow, offset), n);
}

static gboolean
slice_cb (gpointer user_data)
{
  g_autoptr(EgFlowFeed) self = g_object_ref (user_data);
  gint64 start = g_get_monotonic_time (), now = start;
  gint64 deadline = start + self->budget_us;

  while (!g_queue_is_empty (&self->batches) && now < deadline)
    {
      guint n = next_chunk (self, deadline - now);
      gint64 before = now;

      /* One chunk per slice at least; more only while they fit. */
      if (now > start && self->fixed_us + self->per_flow_us * n > deadline - now)
        break;

      add_chunk (self, n);
      now = g_get_monotonic_time ();
      learn (self, n, MAX (now - before, 1));
    }

  if (g_queue_is_empty (&self->batches))
    {
      self->idle_id = 0;
      g_signal_emit (self, signals[SIGNAL_DRAINED], 0);
      return G_SOURCE_REMOVE;
    }
  if (wait_for_frame (self))
    {
      self->idle_id = 0;
      return G_SOURCE_REMOVE;
    }
  self->budget_us = UNPACED_BUDGET_US;
  return G_SOURCE_CONTINUE;
}

static void
schedule (EgFlowFeed *self)
{
  if (self->idle_id != 0 || self->clock != NULL || g_queue_is_empty (&self->batches))
    return;
  /* Below the frame clock's priority, and below input. */
  self->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, slice_cb, self, NULL);
}

void
eg_flow_feed_push (EgFlowFeed *self,
                   GArray     *flows)
{
  g_return_if_fail (EG_IS_FLOW_FEED (self));
  g_return_if_fail (flows != NULL && g_array_get_element_size (flows) == sizeof (EgFlow));

  if (flows->len == 0)
    return;
  /* The engine hands its batch over whole: no copy. */
  g_queue_push_tail (&self->batches, g_array_ref (flows));
  self->n_queued += flows->len;
  schedule (self);
}

void
eg_flow_feed_clear (EgFlowFeed *self)
{
  g_return_if_fail (EG_IS_FLOW_FEED (self));

  stop_waiting (self);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_queue_clear_full (&self->batches, (GDestroyNotify) g_array_unref);
  self->head_offset = 0;
  self->n_queued = 0;
}

gboolean
eg_flow_feed_is_empty (EgFlowFeed *self)
{
  g_return_val_if_fail (EG_IS_FLOW_FEED (self), TRUE);

  return g_queue_is_empty (&self->batches);
}

static void
eg_flow_feed_dispose (GObject *object)
{
  EgFlowFeed *self = EG_FLOW_FEED (object);

  eg_flow_feed_clear (self);
  if (self->paced_by != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->paced_by), (gpointer *) &self->paced_by);
  self->paced_by = NULL;
  g_clear_object (&self->list);
  G_OBJECT_CLASS (eg_flow_feed_parent_class)->dispose (object);
}

static void
eg_flow_feed_class_init (EgFlowFeedClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = eg_flow_feed_dispose;

  /* Every flow pushed is in the list. */
  signals[SIGNAL_DRAINED] =
    g_signal_new ("drained", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
eg_flow_feed_init (EgFlowFeed *self)
{
  g_queue_init (&self->batches);
  self->budget_us = MIN_BUDGET_US;
}

/* paced_by: the widget whose frames the slices fit between (not kept
 * alive by the feed). */
EgFlowFeed *
eg_flow_feed_new (EgFlowList *list,
                  GtkWidget  *paced_by)
{
  EgFlowFeed *self;

  g_return_val_if_fail (EG_IS_FLOW_LIST (list), NULL);
  g_return_val_if_fail (paced_by == NULL || GTK_IS_WIDGET (paced_by), NULL);

  self = g_object_new (EG_TYPE_FLOW_FEED, NULL);
  self->list = g_object_ref (list);
  self->paced_by = paced_by;
  if (paced_by != NULL)
    g_object_add_weak_pointer (G_OBJECT (paced_by), (gpointer *) &self->paced_by);
  return self;
}
