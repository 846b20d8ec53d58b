/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-training-set.h: labeled flows turned into feature rows, for training
 * and evaluating the model.
 *
 * Inputs: labeled Zeek conn.log (label Malicious / Benign), CTU-labeled
 * binetflow (Botnet / Malware malicious, Normal benign) and the labeled rows
 * of an Edgeguard database (operator, rule and imported labels; the model's
 * own suggestions are not ground truth). Background and unknown labels are
 * left out and counted. Context features are computed over every flow of an
 * input, labeled or not, exactly as the scorer does live.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  GArray    *rows;          /* float, n × EG_N_FEATURES */
  GArray    *labels;        /* float: 1 malicious, 0 benign */
  GArray    *groups;        /* guint: which input each row came from */
  guint64    n_malicious;
  guint64    n_benign;
  guint64    n_left_out;    /* Background, unknown, unlabeled */
  guint64    n_bad_lines;
  GPtrArray *inputs;        /* char *: what was read */
} EgTrainingSet;

EgTrainingSet *eg_training_set_new        (void);
void           eg_training_set_free       (EgTrainingSet *set);
/* A conn.log or binetflow file (sniffed by content). */
gboolean       eg_training_set_add_file   (EgTrainingSet *set,
                                           const char    *path,
                                           GError       **error);
/* The labeled rows of an Edgeguard database. */
gboolean       eg_training_set_add_store  (EgTrainingSet *set,
                                           const char    *db_path,
                                           GError       **error);
guint          eg_training_set_get_n_rows (EgTrainingSet *set);
/* Row weights that give every (input, class) cell the same total weight: a
 * small capture of one kind of attack counts as much as a big one of
 * another, and neither class drowns the other. n_rows floats, g_free. */
float         *eg_training_set_balanced_weights (EgTrainingSet *set);
/* {"inputs": [...], "rows": n, "malicious": n, "benign": n, "left_out": n} */
JsonObject    *eg_training_set_summary    (EgTrainingSet *set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgTrainingSet, eg_training_set_free)

G_END_DECLS
