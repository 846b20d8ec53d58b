/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-window-private.h: the window's insides the tests reach. */
#pragma once

#include "eg-notifier.h"
#include "eg-store.h"
#include "eg-window.h"

G_BEGIN_DECLS

/* Where the engine's "alerts" arrive: the alert list and the notifier. */
void        eg_window_receive_alerts (EgWindow  *self,
                                      GPtrArray *alerts);
EgNotifier *eg_window_get_notifier   (EgWindow  *self);
/* NULL when the database could not be opened. */
EgStore    *eg_window_get_store      (EgWindow  *self);
/* TRUE while an export runs; *n_exported: flows the last one wrote. */
gboolean    eg_window_get_exporting  (EgWindow  *self,
                                      guint64   *n_exported);
/* Takes every toast away (before a screenshot). */
void        eg_window_dismiss_toasts (EgWindow  *self);
/* The name of the page shown: "flows", "alerts", "timeline", ... */
const char *eg_window_get_visible_page (EgWindow *self);
/* The status line at the window's foot. */
GtkWidget  *eg_window_get_status_label (EgWindow *self);

G_END_DECLS
