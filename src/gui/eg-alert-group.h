/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-alert-group.h: the alerts one detector raised about one source. */
#pragma once

#include <glib-object.h>

#include "eg-alert.h"

G_BEGIN_DECLS

#define EG_TYPE_ALERT_GROUP (eg_alert_group_get_type ())
G_DECLARE_FINAL_TYPE (EgAlertGroup, eg_alert_group, EG, ALERT_GROUP, GObject)

EgAlertGroup  *eg_alert_group_new             (const char    *detector,
                                               const EgAddr  *src);
/* Takes the alert. */
void           eg_alert_group_add             (EgAlertGroup  *self,
                                               EgAlert       *alert);
const char    *eg_alert_group_get_detector    (EgAlertGroup  *self);
const EgAddr  *eg_alert_group_get_src         (EgAlertGroup  *self);
EgThreatLevel  eg_alert_group_get_threat      (EgAlertGroup  *self);
guint          eg_alert_group_get_n_alerts    (EgAlertGroup  *self);
const EgAlert *eg_alert_group_get_alert       (EgAlertGroup  *self,
                                               guint          i);
const EgAlert *eg_alert_group_get_latest      (EgAlertGroup  *self);
/* Every evidence uid of the group, once each. */
GStrv          eg_alert_group_dup_uids        (EgAlertGroup  *self);

G_END_DECLS
