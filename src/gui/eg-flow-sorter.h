/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow-sorter.h: orders EgFlowRow items by one field, the way a column
 * header sorts it (addresses as addresses, numbers as numbers). */
#pragma once

#include <gtk/gtk.h>

#include "eg-flow-field.h"

G_BEGIN_DECLS

#define EG_TYPE_FLOW_SORTER (eg_flow_sorter_get_type ())
G_DECLARE_FINAL_TYPE (EgFlowSorter, eg_flow_sorter, EG, FLOW_SORTER, GtkSorter)

EgFlowSorter *eg_flow_sorter_new       (EgFlowField   field);
EgFlowField   eg_flow_sorter_get_field (EgFlowSorter *self);
/* The primary sort of a GtkColumnView whose columns sort by EgFlowSorters
 * (GTK 4.8 has no getter: 4.10 added one). FALSE when it is unsorted. */
gboolean      eg_flow_sorter_probe_primary (GtkSorter   *column_view_sorter,
                                            EgFlowField *field,
                                            gboolean    *descending);

G_END_DECLS
