/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow-field.h: the columns a flow shows, how each one reads and sorts.
 * GLib only: the same names and orders serve any face. */
#pragma once

#include <glib.h>

#include "eg-flow.h"

G_BEGIN_DECLS

typedef enum {
  EG_FLOW_FIELD_TS,
  EG_FLOW_FIELD_ORIG_H,
  EG_FLOW_FIELD_ORIG_P,
  EG_FLOW_FIELD_RESP_H,
  EG_FLOW_FIELD_RESP_P,
  EG_FLOW_FIELD_PROTO,
  EG_FLOW_FIELD_SERVICE,
  EG_FLOW_FIELD_DURATION,
  EG_FLOW_FIELD_ORIG_BYTES,
  EG_FLOW_FIELD_RESP_BYTES,
  EG_FLOW_FIELD_CONN_STATE,
  EG_FLOW_FIELD_HISTORY,
  EG_FLOW_FIELD_ORIG_PKTS,
  EG_FLOW_FIELD_RESP_PKTS,
  EG_FLOW_FIELD_SCORE,
  EG_FLOW_FIELD_LABEL,
  EG_FLOW_FIELD_LABEL_SOURCE,
  EG_FLOW_FIELD_COUNTRY,
  EG_FLOW_FIELD_UID,
  EG_FLOW_N_FIELDS
} EgFlowField;

/* Zeek's name ("id.orig_h"), stable: settings store it. */
const char *eg_flow_field_get_id      (EgFlowField   field);
gboolean    eg_flow_field_from_id     (const char   *id,
                                       EgFlowField  *field);
/* The column title, translated. */
const char *eg_flow_field_get_title   (EgFlowField   field);
gboolean    eg_flow_field_is_numeric  (EgFlowField   field);
/* Pixels a column starts with. */
int         eg_flow_field_get_default_width (EgFlowField field);
/* The value as a table cell shows it; empty fields read "-" as in Zeek. */
char       *eg_flow_field_format      (EgFlowField   field,
                                       const EgFlow *flow);
/* Addresses sort as addresses, numbers as numbers, unscored flows last. */
int         eg_flow_field_compare     (EgFlowField   field,
                                       const EgFlow *a,
                                       const EgFlow *b);

G_END_DECLS
