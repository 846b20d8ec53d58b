/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-alerts-page.h: alerts grouped by detector and source, with counts,
 * threat level by colour and word, and a way to their evidence flows. */
#pragma once

#include <gtk/gtk.h>

#include "eg-alert-list.h"

G_BEGIN_DECLS

#define EG_TYPE_ALERTS_PAGE (eg_alerts_page_get_type ())
G_DECLARE_FINAL_TYPE (EgAlertsPage, eg_alerts_page, EG, ALERTS_PAGE, GtkWidget)

void          eg_alerts_page_set_model    (EgAlertsPage *self,
                                           EgAlertList  *alerts);
/* Selects the group at position and shows its alerts. */
void          eg_alerts_page_select       (EgAlertsPage *self,
                                           guint         position);
EgAlertGroup *eg_alerts_page_get_selected (EgAlertsPage *self);
/* What "Show Evidence Flows" does: emits "show-evidence" for the selection. */
void          eg_alerts_page_show_evidence (EgAlertsPage *self);
/* Clicks "Source Timeline" (win.show-host-timeline with the selected
 * group's source); FALSE when nothing is selected. */
gboolean      eg_alerts_page_activate_timeline (EgAlertsPage *self);

G_END_DECLS
