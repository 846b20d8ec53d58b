/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-thread.h: the library's long-running worker threads (capture, scoring,
 * store writer, sender), started at a priority the program chooses. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void     eg_thread_set_worker_nice (int          nice);
int      eg_thread_get_worker_nice (void);
GThread *eg_thread_new_worker      (const char  *name,
                                    GThreadFunc  func,
                                    gpointer     data);

G_END_DECLS
