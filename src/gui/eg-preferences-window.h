/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-preferences-window.h: capture, detection, notifications, store and
 * Kafka settings, each bound to GSettings; the SASL password goes to the
 * keyring (eg-secret.h) instead. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define EG_TYPE_PREFERENCES_WINDOW (eg_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (EgPreferencesWindow, eg_preferences_window, EG, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

EgPreferencesWindow *eg_preferences_window_new (GSettings *settings);
/* The "Notify For" switch of a detector ("port-scan-horizontal"), or NULL. */
GtkSwitch           *eg_preferences_window_get_detector_switch (EgPreferencesWindow *self,
                                                                const char          *detector);
/* The SASL password row (an AdwPasswordEntryRow; "apply" keeps it). */
GtkWidget           *eg_preferences_window_get_password_row    (EgPreferencesWindow *self);
/* Where the last apply put it, or why it failed; NULL before one. */
const char          *eg_preferences_window_get_password_status (EgPreferencesWindow *self);

G_END_DECLS
