/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow-log-reader.h: Zeek conn.log (TSV or JSON) and Argus binetflow in,
 * EgFlow records out, so flow logs enter the same pipeline as packets.
 *
 * A bad line is skipped and reported ("FILE:LINE: what is wrong") through the
 * warning callback (the first 100 of a file; the rest are only counted);
 * the good records around it are kept. Without a callback of the caller's
 * the warnings go to g_message.
 *
 * What a record gets that the file may lack: a uid (made from a hash of the
 * line, the same on every read), the community id, origin, and
 * label_source EG_LABEL_SOURCE_IMPORTED when it carries a label. The
 * mapping of Argus's fields to Zeek's is documented in
 * eg-binetflow-reader.c.
 */
#pragma once

#include <glib.h>

#include "eg-flow.h"

G_BEGIN_DECLS

typedef enum {
  EG_FLOW_LOG_ZEEK_TSV,
  EG_FLOW_LOG_ZEEK_JSON,
  EG_FLOW_LOG_BINETFLOW,
} EgFlowLogFormat;

typedef struct _EgFlowLogReader EgFlowLogReader;

typedef void (*EgWarningFunc) (const char *message,
                               gpointer    user_data);

/* Recognizes the format from the first bytes (a few KiB are plenty): Zeek
 * TSV when the first non-blank line starts with #separator or #fields, JSON
 * when it starts with "{", binetflow when it names StartTime and SrcAddr.
 * FALSE when none matches. */
gboolean         eg_flow_log_sniff              (const char       *head,
                                                 gsize             len,
                                                 EgFlowLogFormat  *format);

EgFlowLogReader *eg_flow_log_reader_open        (const char       *path,
                                                 GError          **error);
/* Reads from memory (fuzzing, tests); name is used in messages. */
EgFlowLogReader *eg_flow_log_reader_new_for_data (const char      *name,
                                                 const char       *data,
                                                 gsize             len,
                                                 GError          **error);
void             eg_flow_log_reader_set_warning_func (EgFlowLogReader *reader,
                                                 EgWarningFunc     func,
                                                 gpointer          user_data);
/* TRUE with a record; FALSE at the end (error unset) or on an I/O error. */
gboolean         eg_flow_log_reader_next        (EgFlowLogReader  *reader,
                                                 EgFlow           *flow,
                                                 GError          **error);
EgFlowLogFormat  eg_flow_log_reader_get_format  (EgFlowLogReader  *reader);
/* TRUE when the file has a label column (TSV, binetflow) or its first JSON
 * record a "label" key; the values may still be empty. */
gboolean         eg_flow_log_reader_has_labels  (EgFlowLogReader  *reader);
guint64          eg_flow_log_reader_get_n_bad_lines (EgFlowLogReader *reader);
/* Records of protocols we do not model (arp, igmp, ...), skipped silently
 * but for one summary warning at the end. */
guint64          eg_flow_log_reader_get_n_skipped (EgFlowLogReader *reader);
/* Progress: bytes consumed so far and the file's size (0 when unknown). */
guint64          eg_flow_log_reader_get_offset  (EgFlowLogReader  *reader);
guint64          eg_flow_log_reader_get_size    (EgFlowLogReader  *reader);
void             eg_flow_log_reader_free        (EgFlowLogReader  *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgFlowLogReader, eg_flow_log_reader_free)

G_END_DECLS
