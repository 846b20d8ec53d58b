/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-export.h: flows to a file in a worker thread, through the core's
 * EgFlowWriter (Zeek TSV with the CTU label columns, JSON lines, CSV):
 * either the rows a page shows, or the stored flows of a time range that
 * match a filter (what `edgeguard-cli export` writes). */
#pragma once

#include <gio/gio.h>

#include "eg-flow-filter.h"
#include "eg-flow-writer.h"
#include "eg-store.h"

G_BEGIN_DECLS

/* Takes flows (EgFlow). */
void     eg_export_flows_async  (GArray              *flows,
                                 const char          *path,
                                 EgFlowFormat         format,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
/* Takes filter (may be NULL); to <= 0: no upper bound. */
void     eg_export_stored_async (EgStore             *store,
                                 EgFlowFilter        *filter,
                                 double               from,
                                 double               to,
                                 const char          *path,
                                 EgFlowFormat         format,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
/* The number of flows written; FALSE with an error naming the file. */
gboolean eg_export_finish       (GAsyncResult        *result,
                                 guint64             *n_written,
                                 GError             **error);

G_END_DECLS
