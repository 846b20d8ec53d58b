/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-settings-config.h: the GUI's settings as the core's EgConfig, so the
 * window and `edgeguard-cli --config` drive the same engine. */
#pragma once

#include <gio/gio.h>

#include "eg-config.h"

G_BEGIN_DECLS

EgConfig *eg_config_new_from_settings (GSettings  *settings,
                                       GError    **error);

G_END_DECLS
