/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-cli.h: one entry point per edgeguard-cli subcommand. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each returns the process exit status: 0 on success, 1 on failure, 2 on a
 * usage error. argv[0] is the subcommand's name. */
int eg_cli_analyze_main (int argc, char **argv);

/* Print "edgeguard-cli: MESSAGE" on stderr; the one way errors reach users. */
void eg_cli_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
