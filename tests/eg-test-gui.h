/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-test-gui.h: what every test of the real window sets up first. */
#pragma once

#include "eg-application.h"

G_BEGIN_DECLS

/* After g_test_init: GTK and libadwaita without animations (a screenshot
 * mid-animation shows two states), a database of the test's own in a new
 * temporary directory (*db_dir, for eg_test_rmdir) and the registered
 * application. NULL when there is no display (the test returns 77). */
EgApplication *eg_test_gui_init (const char  *db_name,
                                 char       **db_path,
                                 char       **db_dir);

G_END_DECLS
