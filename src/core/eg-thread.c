/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-thread.h"

#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

/* 0: workers run at the program's own priority (the CLI wants all of the
 * machine). A desktop program raises it so that on a small machine its
 * workers, busy for seconds on a fast replay, give the cores up whenever
 * the main thread has a frame to draw. */
static gint worker_nice;

void
eg_thread_set_worker_nice (int nice)
{
  g_atomic_int_set (&worker_nice, CLAMP (nice, 0, 19));
}

int
eg_thread_get_worker_nice (void)
{
  return g_atomic_int_get (&worker_nice);
}

typedef struct {
  char        *name;
  GThreadFunc  func;
  gpointer     data;
  int          nice;
} Start;

static gpointer
worker_start (gpointer user_data)
{
  Start *start = user_data;
  GThreadFunc func = start->func;
  gpointer data = start->data;

  /* Linux keeps a nice value per thread: this one only, and the threads
   * it starts inherit it. Failing leaves the thread as it was: slower
   * frames, nothing worse. */
  if (start->nice > 0 && setpriority (PRIO_PROCESS, gettid (), start->nice) != 0)
    g_debug ("Cannot lower the priority of thread %s: %s", start->name, g_strerror (errno));
  g_free (start->name);
  g_free (start);
  return func (data);
}

GThread *
eg_thread_new_worker (const char  *name,
                      GThreadFunc  func,
                      gpointer     data)
{
  Start *start = g_new (Start, 1);

  start->name = g_strdup (name);
  start->func = func;
  start->data = data;
  start->nice = eg_thread_get_worker_nice ();
  return g_thread_new (name, worker_start, start);
}
