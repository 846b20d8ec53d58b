/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-notifier.h: desktop notifications for new high-severity alerts, at
 * most one every few seconds; what arrives in between becomes one digest. */
#pragma once

#include <gio/gio.h>

#include "eg-alert.h"

G_BEGIN_DECLS

#define EG_TYPE_NOTIFIER (eg_notifier_get_type ())
G_DECLARE_FINAL_TYPE (EgNotifier, eg_notifier, EG, NOTIFIER, GObject)

/* Emits "clicked" (action name, target) when the operator clicks a
 * notification. */
EgNotifier *eg_notifier_new             (GSettings  *settings);
void        eg_notifier_add_alerts      (EgNotifier *self,
                                         GPtrArray  *alerts);
/* The window action a click on the last notification activates, with its
 * target (borrowed): win.show-alert((detector, src)) for one alert,
 * win.show-page('alerts') for a digest; NULL before the first. */
const char *eg_notifier_get_action      (EgNotifier *self,
                                         GVariant  **target);
/* The desktop's id of the notification shown last; 0 before. */
guint       eg_notifier_get_notification_id (EgNotifier *self);
/* Notifications shown so far (digests count once). */
guint       eg_notifier_get_n_shown     (EgNotifier *self);
/* Seconds between two notifications; 10 by default. */
void        eg_notifier_set_interval    (EgNotifier *self,
                                         guint       seconds);

G_END_DECLS
