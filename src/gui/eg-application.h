/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define EG_TYPE_APPLICATION (eg_application_get_type ())
G_DECLARE_FINAL_TYPE (EgApplication, eg_application, EG, APPLICATION, AdwApplication)

EgApplication *eg_application_new          (void);
GSettings     *eg_application_get_settings (EgApplication *self);

G_END_DECLS
