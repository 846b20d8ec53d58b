/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-dataset-page.h: the labeled dataset: counts by label, labeling the
 * selection or the filter, undo, and the upload to Kafka with its progress.
 * Actions: dataset.upload, dataset.cancel-upload (enabled when they can
 * run). */
#pragma once

#include <gtk/gtk.h>

#include "eg-label-rules-editor.h"
#include "eg-sender.h"
#include "eg-store.h"

G_BEGIN_DECLS

#define EG_TYPE_DATASET_PAGE (eg_dataset_page_get_type ())
G_DECLARE_FINAL_TYPE (EgDatasetPage, eg_dataset_page, EG, DATASET_PAGE, GtkWidget)

/* store NULL: error says why there is no database. */
void     eg_dataset_page_set_store     (EgDatasetPage *self,
                                        EgStore       *store,
                                        const GError  *error);
/* Reads the counts again (in a thread). */
void     eg_dataset_page_refresh       (EgDatasetPage *self);
/* The settings the sender starts with, the SASL password from the keyring
 * (or its file) included. */
EgConfig *eg_dataset_page_dup_upload_config (EgDatasetPage  *self,
                                             GError        **error);
/* Starts uploading the outbox; FALSE with a reason shown on the page. */
gboolean eg_dataset_page_start_upload  (EgDatasetPage *self,
                                        GError       **error);
/* Stops the sender in a thread ("cancelling", then "cancelled"); what is
 * not acknowledged stays pending. */
void     eg_dataset_page_cancel_upload (EgDatasetPage *self);
/* "none", "connecting", "sending", "unreachable" (retrying), "done",
 * "cancelling", "cancelled" or "failed" (could not start). */
const char *eg_dataset_page_get_upload_status (EgDatasetPage *self);
/* The sentence the page shows about the upload. */
const char *eg_dataset_page_get_upload_result (EgDatasetPage *self);
/* NULL when no upload ran; else the sender's state now. */
gboolean eg_dataset_page_get_upload_progress (EgDatasetPage    *self,
                                              EgSenderProgress *progress);
/* Counts as last read: label (NULL: unlabeled) → flows. */
guint64  eg_dataset_page_get_count     (EgDatasetPage *self,
                                        const char    *label);
guint64  eg_dataset_page_get_pending   (EgDatasetPage *self);
EgLabelRulesEditor *eg_dataset_page_get_rules_editor (EgDatasetPage *self);

G_END_DECLS
