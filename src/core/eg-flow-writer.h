/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow-writer.h: flows out as Zeek TSV (zeek-cut and Slips read it), JSON
 * lines with Zeek's JSON field names, or CSV. */
#pragma once

#include <stdio.h>

#include <glib.h>

#include "eg-flow.h"

G_BEGIN_DECLS

typedef enum {
  EG_FLOW_FORMAT_ZEEK_TSV,
  EG_FLOW_FORMAT_JSON,
  EG_FLOW_FORMAT_CSV,
} EgFlowFormat;

typedef enum {
  EG_FLOW_WRITER_LABELS   = 1 << 0,  /* label, detailedlabel (the CTU layout) */
  EG_FLOW_WRITER_SCORE    = 1 << 1,  /* score, model_version, label_source */
  EG_FLOW_WRITER_EXTENDED = 1 << 2,  /* packet statistics, ip info */
} EgFlowWriterFlags;

typedef struct _EgFlowWriter EgFlowWriter;

gboolean      eg_flow_format_from_string (const char        *str,
                                          EgFlowFormat      *format);
/* The writer does not own out. */
EgFlowWriter *eg_flow_writer_new         (FILE              *out,
                                          EgFlowFormat       format,
                                          EgFlowWriterFlags  flags);
gboolean      eg_flow_writer_write       (EgFlowWriter      *writer,
                                          const EgFlow      *flow,
                                          GError           **error);
/* Writes Zeek's #close line where the format has one, and flushes. */
gboolean      eg_flow_writer_close       (EgFlowWriter      *writer,
                                          GError           **error);
void          eg_flow_writer_free        (EgFlowWriter      *writer);
/* One flow as a JSON object with Zeek's field names, no newline; the Kafka
 * message and the JSON export use it too. */
void          eg_flow_append_json        (GString           *out,
                                          const EgFlow      *flow,
                                          EgFlowWriterFlags  flags);
/* s as one CSV value: quoted, quotes doubled, where it holds a comma, a
 * quote or a line break. */
void          eg_flow_append_csv_value   (GString           *out,
                                          const char        *s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgFlowWriter, eg_flow_writer_free)

G_END_DECLS
