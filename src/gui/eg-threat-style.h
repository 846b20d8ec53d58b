/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-threat-style.h: how a threat level reads: a word and a colour. */
#pragma once

#include "eg-alert.h"

G_BEGIN_DECLS

/* "High", translated. */
const char *eg_threat_level_get_title     (EgThreatLevel level);
/* "threat-high": style.css colours it. */
const char *eg_threat_level_get_css_class (EgThreatLevel level);

G_END_DECLS
