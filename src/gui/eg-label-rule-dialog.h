/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-label-rule-dialog.h: adds or edits one label rule: its label and the
 * conditions a flow must all meet (protocol, addresses or CIDR blocks, ports
 * or port ranges, Zeek state, time window, and any other condition in the
 * rules' own syntax). */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define EG_TYPE_LABEL_RULE_DIALOG (eg_label_rule_dialog_get_type ())
G_DECLARE_FINAL_TYPE (EgLabelRuleDialog, eg_label_rule_dialog, EG, LABEL_RULE_DIALOG, AdwWindow)

/* conditions: one line of the rules' syntax ("Proto=TCP & dstPort=23"), NULL
 * for a new rule. "saved" (label, detailed label or NULL, conditions) comes
 * when the operator saves a rule that parses. */
EgLabelRuleDialog *eg_label_rule_dialog_new        (GtkWindow         *parent,
                                                    const char        *label,
                                                    const char        *detailed_label,
                                                    const char        *conditions);
/* The rows by name: "label", "detailed-label", "src", "dst", "sport",
 * "dport", "from", "to", "other" (AdwEntryRow), "proto", "state"
 * (AdwComboRow). */
GtkWidget         *eg_label_rule_dialog_get_row    (EgLabelRuleDialog *self,
                                                    const char        *name);
/* The condition line the fields make now; NULL and error when they do not
 * make a valid rule. */
char              *eg_label_rule_dialog_dup_conditions (EgLabelRuleDialog *self,
                                                        GError           **error);
/* The error shown, NULL when none. */
const char        *eg_label_rule_dialog_get_error  (EgLabelRuleDialog *self);

G_END_DECLS
