/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The absolute path of a file under ../shared/data, or NULL after marking
 * the running test skipped (the data is not shipped with the project). */
char *eg_test_shared_path (const char *relative);

/* A path in the source tree (data/, tests/...). */
char *eg_test_source_path (const char *relative);

/* A fresh temporary directory, removed recursively by eg_test_rmdir. */
char *eg_test_mkdtemp     (void);
void  eg_test_rmdir       (const char *path);

/* A helper process (a broker, a fake daemon) that dies with the test: a
 * failed assertion must not leave it holding the test runner's pipes. */
GSubprocess *eg_test_spawn_helper   (GSubprocessFlags          flags,
                                     const char * const       *argv,
                                     GError                  **error);
void         eg_test_helper_setup   (GSubprocessLauncher      *launcher);

/* Reads the stderr pipe of process to its end, sending it signum once, at
 * the first line that contains words (a Ctrl-C once it says it is ready
 * for one), and waits for it to exit; everything it wrote there. */
char        *eg_test_read_stderr_signalling (GSubprocess *process,
                                             const char  *words,
                                             int          signum);

G_END_DECLS
