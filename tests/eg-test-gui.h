/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-test-gui.h: what every test of the real window sets up first. */
#pragma once

#include "eg-application.h"
#include "eg-dataset-page.h"
#include "eg-store.h"
#include "eg-window.h"

G_BEGIN_DECLS

/* After g_test_init: GTK and libadwaita without animations (a screenshot
 * mid-animation shows two states), a database of the test's own in a new
 * temporary directory (*db_dir, for eg_test_rmdir) and the registered
 * application. NULL when there is no display (the test returns 77). */
EgApplication *eg_test_gui_init (const char  *db_name,
                                 char       **db_path,
                                 char       **db_dir);

/* After g_test_init and g_test_add_func: eg_test_gui_init with
 * "edgeguard.db" into *app, g_test_run, then the application and the
 * database go. 77 (skip) without a display. */
int            eg_test_gui_run  (EgApplication **app);

/* Spins the main loop until done() holds; fails the test after timeout_s
 * seconds: a hang is a failure, not a wait. */
void           eg_test_gui_wait_until  (gboolean   (*done) (gpointer data),
                                        gpointer     data,
                                        guint        timeout_s);
/* Waits until widget is mapped and drawn, then three frames more. */
void           eg_test_gui_let_frames_pass (GtkWidget  *widget);
/* Saves what widget shows as $EG_BUILD_DIR/screenshots/NAME.png (toasts
 * of a window dismissed first). */
void           eg_test_gui_save_screenshot (GtkWidget  *widget,
                                            const char *name);
/* A presented window of 1280x760 (a reference the caller owns). */
EgWindow      *eg_test_gui_open_window (EgApplication *app);
/* Destroys it and checks nothing else holds it. */
void           eg_test_gui_close_window (EgWindow     *window);
/* Opens a capture through win.open-file and waits until it is read. */
void           eg_test_gui_open_capture (EgWindow     *window,
                                         const char   *path);
/* Reads the page's counts again and waits until they are shown. */
void           eg_test_gui_read_counts  (EgDatasetPage *page);
/* Stored flows that match filter_text (the filter language). */
guint          eg_test_gui_count_stored (EgStore      *store,
                                         const char   *filter_text);
/* edgeguard-devbroker with pipes for fault commands ("rtt MS", "down");
 * *address: its bootstrap servers. NULL after marking the test
 * skipped when it is not built. */
GSubprocess   *eg_test_gui_start_broker (char        **address);
/* One command; asserts the broker answers "ok". */
void           eg_test_gui_broker_command (GSubprocess *broker,
                                           const char  *command);
void           eg_test_gui_stop_broker  (GSubprocess  *broker);

G_END_DECLS
