/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-window.h: the main window: capture controls, pages, status line. */
#pragma once

#include <adwaita.h>

#include "eg-alert-list.h"
#include "eg-application.h"
#include "eg-flow-list.h"

G_BEGIN_DECLS

#define EG_TYPE_WINDOW (eg_window_get_type ())
G_DECLARE_FINAL_TYPE (EgWindow, eg_window, EG, WINDOW, AdwApplicationWindow)

EgWindow    *eg_window_new            (EgApplication *app);
/* Replays the files in order as one input (captures or flow logs). */
void         eg_window_open_files     (EgWindow      *self,
                                       GFile        **files,
                                       int            n_files);
gboolean     eg_window_get_running    (EgWindow      *self);
EgFlowList  *eg_window_get_flow_list  (EgWindow      *self);
EgAlertList *eg_window_get_alert_list (EgWindow      *self);
/* The page widget by name: "flows", "alerts", "dataset", "charts". */
GtkWidget   *eg_window_get_page       (EgWindow      *self,
                                       const char    *name);
/* The status line as shown. */
const char  *eg_window_get_status_text (EgWindow     *self);

G_END_DECLS
