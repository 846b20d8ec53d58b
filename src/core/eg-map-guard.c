/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-map-guard.c: a SIGBUS handler that puts a zero page where a guarded
 * map lost its file, instead of the signal's default, which kills.
 *
 * The fault is synchronous: it arrives on the thread that touched the
 * page, which is the map's owner, so a slot cannot go away under the
 * handler. Everything the handler touches is a plain word in a static
 * array, and it calls only mmap and sigaction. */
#include "eg-map-guard.h"

#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define N_SLOTS 64

struct _EgMapGuard {
  const guint8 *volatile start;
  volatile gsize         size;
  volatile sig_atomic_t  tripped;
  gint                   used;     /* atomic */
};

static EgMapGuard slots[N_SLOTS];
static struct sigaction previous;
static gsize page_size;

static void
pass_on (int        sig,
         siginfo_t *info,
         void      *context)
{
  if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction)
    previous.sa_sigaction (sig, info, context);
  else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN)
    previous.sa_handler (sig);
  else
    {
      /* Not ours and nobody else's: the default again, and the access,
       * retried on return, kills as it would have. */
      struct sigaction dfl;

      memset (&dfl, 0, sizeof dfl);
      dfl.sa_handler = SIG_DFL;
      sigaction (SIGBUS, &dfl, NULL);
    }
}

static void
on_sigbus (int        sig,
           siginfo_t *info,
           void      *context)
{
  const guint8 *addr = info->si_addr;

  for (guint i = 0; i < N_SLOTS; i++)
    {
      EgMapGuard *g = &slots[i];
      const guint8 *start = g->start;

      if (start == NULL || addr < start || addr >= start + g->size)
        continue;
      /* The file is gone under this page: zeros in its place, and the
       * faulting read, retried on return, reads them. */
      if (mmap ((void *) ((guintptr) addr & ~(guintptr) (page_size - 1)), page_size,
                PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
        break;
      g->tripped = 1;
      return;
    }
  pass_on (sig, info, context);
}

static gboolean
install_handler (void)
{
  static gsize once = 0;
  static gboolean installed = FALSE;

  if (g_once_init_enter (&once))
    {
      struct sigaction sa;

      page_size = sysconf (_SC_PAGESIZE);
      memset (&sa, 0, sizeof sa);
      sa.sa_sigaction = on_sigbus;
      sa.sa_flags = SA_SIGINFO | SA_RESTART;
      sigemptyset (&sa.sa_mask);
      installed = sigaction (SIGBUS, &sa, &previous) == 0;
      g_once_init_leave (&once, 1);
    }
  return installed;
}

EgMapGuard *
eg_map_guard_add (const void *start,
                  gsize       size)
{
  if (!install_handler ())
    return NULL;
  for (guint i = 0; i < N_SLOTS; i++)
    if (g_atomic_int_compare_and_exchange (&slots[i].used, 0, 1))
      {
        EgMapGuard *g = &slots[i];

        g->tripped = 0;
        g->size = size;
        g->start = start;   /* last: the handler reads start first */
        return g;
      }
  return NULL;
}

gboolean
eg_map_guard_tripped (EgMapGuard *guard)
{
  return guard->tripped != 0;
}

void
eg_map_guard_remove (EgMapGuard *guard)
{
  if (guard == NULL)
    return;
  guard->start = NULL;
  guard->size = 0;
  g_atomic_int_set (&guard->used, 0);
}
