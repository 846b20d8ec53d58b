/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow-feed.h: hands the engine's batches of flows to a flow list in
 * slices that fit between two frames, so a fast replay never holds the
 * window's frames back. */
#pragma once

#include <gtk/gtk.h>

#include "eg-flow-list.h"

G_BEGIN_DECLS

#define EG_TYPE_FLOW_FEED (eg_flow_feed_get_type ())
G_DECLARE_FINAL_TYPE (EgFlowFeed, eg_flow_feed, EG, FLOW_FEED, GObject)

EgFlowFeed *eg_flow_feed_new      (EgFlowList *list,
                                   GtkWidget  *paced_by);
void        eg_flow_feed_push     (EgFlowFeed *self,
                                   GArray     *flows);
void        eg_flow_feed_clear    (EgFlowFeed *self);
gboolean    eg_flow_feed_is_empty (EgFlowFeed *self);

G_END_DECLS
