/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-label-rules-editor.h: the label rules of the database, in order: add,
 * edit, delete, move; every change is saved at once (the store applies the
 * rules to flows as they arrive) and Apply labels the stored flows. */
#pragma once

#include <gtk/gtk.h>

#include "eg-label-rule-dialog.h"
#include "eg-label-rule.h"
#include "eg-store.h"

G_BEGIN_DECLS

#define EG_TYPE_LABEL_RULES_EDITOR (eg_label_rules_editor_get_type ())
G_DECLARE_FINAL_TYPE (EgLabelRulesEditor, eg_label_rules_editor, EG, LABEL_RULES_EDITOR, GtkWidget)

/* Reads the rules the store holds; NULL: no database. */
void               eg_label_rules_editor_set_store     (EgLabelRulesEditor *self,
                                                        EgStore            *store);
/* The rules as shown (each rule one line of AND-joined conditions); NULL
 * when there is none. */
EgLabelRuleSet    *eg_label_rules_editor_dup_rule_set  (EgLabelRulesEditor *self);
guint              eg_label_rules_editor_get_n_rules   (EgLabelRulesEditor *self);
void               eg_label_rules_editor_get_rule      (EgLabelRulesEditor *self,
                                                        guint               index,
                                                        const char        **label,
                                                        const char        **detailed_label,
                                                        const char        **conditions);
/* The add or edit dialog open now, NULL when none. */
EgLabelRuleDialog *eg_label_rules_editor_get_dialog    (EgLabelRulesEditor *self);
/* TRUE while a save or an apply runs or waits. */
gboolean           eg_label_rules_editor_get_busy      (EgLabelRulesEditor *self);
/* The sentence under the rules: the last result or error. */
const char        *eg_label_rules_editor_get_status    (EgLabelRulesEditor *self);

G_END_DECLS
