/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-cli.h: one entry point per edgeguard-cli subcommand. */
#pragma once

#include <glib.h>

#include "eg-store.h"

G_BEGIN_DECLS

/* Each returns the process exit status: 0 on success, 1 on failure, 2 on a
 * usage error. argv[0] is the subcommand's name. */
int eg_cli_analyze_main (int argc, char **argv);
int eg_cli_train_main   (int argc, char **argv);
int eg_cli_evaluate_main (int argc, char **argv);
int eg_cli_label_main   (int argc, char **argv);
int eg_cli_export_main  (int argc, char **argv);
int eg_cli_upload_main  (int argc, char **argv);
int eg_cli_status_main  (int argc, char **argv);
int eg_cli_import_main  (int argc, char **argv);

/* Print "edgeguard-cli: MESSAGE" on stderr; the one way errors reach users. */
void eg_cli_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* The database of --db, else of the configuration (--config, NULL: the
 * defaults); *out_config (may be NULL) gets the configuration. */
EgStore *eg_cli_open_store (const char  *db_path,
                            const char  *config_path,
                            EgConfig   **out_config,
                            GError     **error);
/* A unix time or an ISO 8601 date (UTC unless it says otherwise). */
gboolean eg_cli_parse_time (const char  *text,
                            double      *ts,
                            GError     **error);

G_END_DECLS
