/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-label-rule.h: label rules in the spirit of netflowlabeler's
 * labels.config.
 *
 *   # a comment
 *   Malicious, External-Attack-to-Device:
 *       - dstIP=147.32.81.167
 *   Benign, DNS
 *       - Proto=UDP & srcIP=10.0.0.0/8 & dstPort=53
 *       - Proto=TCP & dstIP=1.1.1.1 & dstPort=53
 *
 * A rule is a label (with an optional detailed label after the comma) and its
 * condition lines; the conditions of a line are joined with AND, the lines of
 * a rule with OR. Rules apply from top to bottom and a later match replaces an
 * earlier one, so the last matching rule gives the label.
 *
 * Fields (case-insensitive): Proto, srcIP, dstIP (address, CIDR or "all"),
 * srcPort, dstPort, State (Zeek conn_state), Service, start (alias ts, Date:
 * unix time or ISO 8601), Duration, Bytes and Packets (both directions).
 * Operators: = != > >= < <=.
 */
#pragma once

#include <glib.h>

#include "eg-flow.h"

G_BEGIN_DECLS

typedef struct _EgLabelRuleSet EgLabelRuleSet;

/* name is used in error messages ("FILE:LINE: what is wrong"). */
EgLabelRuleSet *eg_label_rule_set_parse      (const char           *name,
                                              const char           *text,
                                              GError              **error);
EgLabelRuleSet *eg_label_rule_set_load       (const char           *path,
                                              GError              **error);
guint           eg_label_rule_set_get_n_rules (const EgLabelRuleSet *set);
/* The rule's condition lines joined with newlines. */
void            eg_label_rule_set_get_rule   (const EgLabelRuleSet *set,
                                              guint                 index,
                                              const char          **label,
                                              const char          **detailed_label,
                                              const char          **conditions);
/* The label of the last matching rule; FALSE when none matches. Labels are
 * interned (detailed_label NULL when the rule has none). */
gboolean        eg_label_rule_set_match      (const EgLabelRuleSet *set,
                                              const EgFlow         *flow,
                                              const char          **label,
                                              const char          **detailed_label);
/* The rules in the file format above. */
char           *eg_label_rule_set_to_string  (const EgLabelRuleSet *set);
void            eg_label_rule_set_free       (EgLabelRuleSet       *set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgLabelRuleSet, eg_label_rule_set_free)

G_END_DECLS
