/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow-log-reader-private.h: what the line reader shares with the
 * per-format parsers (eg-zeek-reader.c, eg-binetflow-reader.c). */
#pragma once

#include "eg-flow-log-reader.h"

G_BEGIN_DECLS

/* Columns a Zeek conn.log (TSV or JSON) can carry that we read. */
typedef enum {
  EG_ZEEK_IGNORE,
  EG_ZEEK_TS,
  EG_ZEEK_UID,
  EG_ZEEK_ORIG_H,
  EG_ZEEK_ORIG_P,
  EG_ZEEK_RESP_H,
  EG_ZEEK_RESP_P,
  EG_ZEEK_PROTO,
  EG_ZEEK_SERVICE,
  EG_ZEEK_DURATION,
  EG_ZEEK_ORIG_BYTES,
  EG_ZEEK_RESP_BYTES,
  EG_ZEEK_CONN_STATE,
  EG_ZEEK_MISSED_BYTES,
  EG_ZEEK_HISTORY,
  EG_ZEEK_ORIG_PKTS,
  EG_ZEEK_ORIG_IP_BYTES,
  EG_ZEEK_RESP_PKTS,
  EG_ZEEK_RESP_IP_BYTES,
  EG_ZEEK_COMMUNITY_ID,
  EG_ZEEK_LABEL,
  EG_ZEEK_DETAILED_LABEL,
  EG_ZEEK_SCORE,
  EG_ZEEK_MODEL_VERSION,
  EG_ZEEK_LABEL_SOURCE,
  EG_ZEEK_COUNTRY,
  EG_ZEEK_ASN,
  EG_ZEEK_N_FIELDS
} EgZeekField;

/* Argus ra columns, matched by name in the header. */
typedef enum {
  EG_ARGUS_START_TIME,
  EG_ARGUS_DUR,
  EG_ARGUS_PROTO,
  EG_ARGUS_SRC_ADDR,
  EG_ARGUS_SPORT,
  EG_ARGUS_DIR,
  EG_ARGUS_DST_ADDR,
  EG_ARGUS_DPORT,
  EG_ARGUS_STATE,
  EG_ARGUS_TOT_PKTS,
  EG_ARGUS_TOT_BYTES,
  EG_ARGUS_SRC_BYTES,
  EG_ARGUS_SRC_PKTS,
  EG_ARGUS_LABEL,
  EG_ARGUS_N_COLUMNS
} EgArgusColumn;

#define EG_ZEEK_MAX_COLUMNS 512

/* What one line became. */
typedef enum {
  EG_LINE_RECORD,   /* flow filled in */
  EG_LINE_SKIP,     /* nothing to report (header, blank, skipped protocol) */
  EG_LINE_BAD,      /* reader->problem says what is wrong */
} EgLineResult;

struct _EgFlowLogReader {
  char            *name;
  int              fd;               /* -1 when reading from memory */
  char            *buf;
  gsize            buf_size;
  gsize            start;            /* first unconsumed byte */
  gsize            end;              /* end of valid data */
  gboolean         eof;
  guint64          consumed;         /* bytes of the lines handed out */
  guint64          size;
  guint64          line_no;

  char            *pending;          /* a line read while opening */
  gsize            pending_len;

  EgFlowLogFormat  format;
  gboolean         empty;
  gboolean         has_labels;
  guint64          n_bad;
  guint64          n_skipped;
  guint64          n_records;
  guint            n_warnings;
  GHashTable      *skipped_protos;   /* name -> count */
  gboolean         summary_done;
  guint            n_interned;
  gboolean         intern_warned;

  EgWarningFunc    warning_func;
  gpointer         warning_data;
  GString         *problem;

  /* Zeek TSV */
  char             separator[16];
  gsize            separator_len;
  char             unset_field[32];
  char             empty_field[32];
  guint8           columns[EG_ZEEK_MAX_COLUMNS];
  guint            n_columns;
  gboolean         have_fields;
  char            *values[EG_ZEEK_MAX_COLUMNS + 1];

  /* Zeek JSON */
  char            *scratch;
  gsize            scratch_size;

  /* Argus binetflow */
  char             argus_sep;
  int              argus_index[EG_ARGUS_N_COLUMNS];  /* column -> position, -1 */
  guint            argus_n_columns;
};

/* Shared value parsers: TRUE when str is a whole, valid value. */
gboolean     eg_parse_u64        (const char *str,
                                  guint64    *value);
gboolean     eg_parse_double     (const char *str,
                                  double     *value);
gboolean     eg_parse_datetime   (const char *str,
                                  double     *ts);
const char  *eg_label_from_ctu   (const char *text);

/* eg-zeek-reader.c */
gboolean     eg_zeek_tsv_begin   (EgFlowLogReader *reader,
                                  GError         **error);
gboolean     eg_zeek_tsv_header  (EgFlowLogReader *reader,
                                  char            *line,
                                  GError         **error);
EgLineResult eg_zeek_tsv_line    (EgFlowLogReader *reader,
                                  char            *line,
                                  gsize            len,
                                  EgFlow          *flow);
gboolean     eg_zeek_json_begin  (EgFlowLogReader *reader,
                                  const char      *first_line,
                                  GError         **error);
EgLineResult eg_zeek_json_line   (EgFlowLogReader *reader,
                                  char            *line,
                                  gsize            len,
                                  EgFlow          *flow);
EgZeekField  eg_zeek_field_from_name (const char *name);

/* eg-binetflow-reader.c */
gboolean     eg_binetflow_header (EgFlowLogReader *reader,
                                  char            *line,
                                  GError         **error);
EgLineResult eg_binetflow_line   (EgFlowLogReader *reader,
                                  char            *line,
                                  gsize            len,
                                  EgFlow          *flow);

/* eg-flow-log-reader.c: reads the next line, NUL-terminated, without its
 * line end. 1 with a line, 0 at the end, -1 on error. */
int          eg_flow_log_reader_read_line (EgFlowLogReader *reader,
                                  char           **line,
                                  gsize           *len,
                                  GError         **error);
void         eg_flow_log_reader_skip_protocol (EgFlowLogReader *reader,
                                  const char      *proto);
/* g_intern_string with a budget per file: interned strings live for the
 * whole process, so a log with a new label on every line must not grow
 * memory without end. NULL once the budget is spent on other strings. */
const char  *eg_flow_log_reader_intern (EgFlowLogReader *reader,
                                  const char      *value);
/* Fills what the file lacks (uid, community id) and the provenance. */
void         eg_flow_log_reader_complete (EgFlowLogReader *reader,
                                  EgFlow          *flow,
                                  EgFlowOrigin     origin,
                                  const char      *line,
                                  gsize            len);

G_END_DECLS
