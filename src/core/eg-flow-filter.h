/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow-filter.h: the flow filter language of the CLI and the GUI's
 * search bar.
 *
 * Grammar (keywords are case-insensitive; "and", "or", "not" bind from
 * loosest to tightest; two terms side by side mean "and"):
 *
 *   expr      := or-expr
 *   or-expr   := and-expr { ("or" | "||") and-expr }
 *   and-expr  := unary { [ "and" | "&&" ] unary }
 *   unary     := ("not" | "!") unary | "(" expr ")" | predicate
 *   predicate := ("src" | "dst" | "host") ADDRESS-OR-CIDR
 *              | ("sport" | "dport" | "port") PORT [ "-" PORT ]
 *              | "proto" (tcp | udp | icmp | NUMBER)
 *              | "service" NAME           (a flow with no service: "none")
 *              | "label" NAME             ("none": unlabeled; "normal" = Benign)
 *              | "detailedlabel" NAME
 *              | "source" (none | model | imported | rule | operator)
 *              | ("state" | "conn_state") ZEEK-STATE
 *              | "uid" UID
 *              | ("score" | "duration" | "bytes" | "pkts") OP NUMBER
 *              | "ts" OP (UNIX-TIME | ISO-8601-DATE)   (the flow's start; UTC
 *                                       unless the date names a zone)
 *   OP        := ">" | ">=" | "<" | "<=" | "=" | "==" | "!="
 *
 * "host" and "port" match either end; "bytes" and "pkts" add both
 * directions. An unscored flow has score -1. Example:
 *
 *   src 10.0.0.0/8 and dport 443 and not label Benign and score > 0.8
 *
 * The empty string matches every flow.
 */
#pragma once

#include <glib.h>

#include "eg-flow.h"

G_BEGIN_DECLS

typedef struct _EgFlowFilter EgFlowFilter;

/* NULL with an EG_ERROR_FORMAT error that names the offending word. */
EgFlowFilter *eg_flow_filter_parse   (const char         *text,
                                      GError            **error);
gboolean      eg_flow_filter_match   (const EgFlowFilter *filter,
                                      const EgFlow       *flow);
/* The text it was parsed from. */
const char   *eg_flow_filter_get_text (const EgFlowFilter *filter);
void          eg_flow_filter_free    (EgFlowFilter       *filter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgFlowFilter, eg_flow_filter_free)

G_END_DECLS
