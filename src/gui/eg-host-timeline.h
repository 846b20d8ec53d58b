/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-host-timeline.h: what one address did, in order, in plain sentences
 * over time windows, with its country and AS (Slips' timeline). Stored
 * flows from before this session and the live ones of this session. */
#pragma once

#include <gtk/gtk.h>

#include "eg-flow-list.h"
#include "eg-store.h"

G_BEGIN_DECLS

#define EG_TYPE_HOST_TIMELINE (eg_host_timeline_get_type ())
G_DECLARE_FINAL_TYPE (EgHostTimeline, eg_host_timeline, EG, HOST_TIMELINE, GtkWidget)

/* Either may be NULL. */
void        eg_host_timeline_set_sources  (EgHostTimeline *self,
                                           EgStore        *store,
                                           EgFlowList     *live);
/* FALSE with EG_ERROR_FORMAT when address is not one; else reads in a
 * thread, and "loaded" follows. */
gboolean    eg_host_timeline_show         (EgHostTimeline *self,
                                           const char     *address,
                                           GError        **error);
gboolean    eg_host_timeline_get_loading  (EgHostTimeline *self);
/* As shown: the address, its country and AS line, the periods' sentences
 * (one per line, each period headed by its time). */
const char *eg_host_timeline_get_address  (EgHostTimeline *self);
const char *eg_host_timeline_get_location (EgHostTimeline *self);
guint       eg_host_timeline_get_n_periods (EgHostTimeline *self);
char       *eg_host_timeline_dup_text     (EgHostTimeline *self);

G_END_DECLS
