/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-alert-list.h: the session's alerts as a GListModel of EgAlertGroup,
 * one group per detector and source, with the alerts of each flow. */
#pragma once

#include <glib-object.h>

#include "eg-alert.h"
#include "eg-alert-group.h"

G_BEGIN_DECLS

#define EG_TYPE_ALERT_LIST (eg_alert_list_get_type ())
G_DECLARE_FINAL_TYPE (EgAlertList, eg_alert_list, EG, ALERT_LIST, GObject)

EgAlertList   *eg_alert_list_new            (void);
/* Copies the alerts. */
void           eg_alert_list_add            (EgAlertList  *self,
                                             GPtrArray    *alerts);
void           eg_alert_list_clear          (EgAlertList  *self);
guint          eg_alert_list_get_n_alerts   (EgAlertList  *self);
/* The position of the group of detector and source address src. */
gboolean       eg_alert_list_find_group     (EgAlertList  *self,
                                             const char   *detector,
                                             const char   *src,
                                             guint        *position);
/* The alerts whose evidence names uid (borrowed), or NULL. */
GPtrArray     *eg_alert_list_lookup_uid     (EgAlertList  *self,
                                             const char   *uid);

G_END_DECLS
