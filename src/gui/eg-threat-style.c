/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-threat-style.h"

#include <glib/gi18n.h>

const char *
eg_threat_level_get_title (EgThreatLevel level)
{
  switch (level)
    {
    case EG_THREAT_INFO:     return C_("threat level", "Info");
    case EG_THREAT_LOW:      return C_("threat level", "Low");
    case EG_THREAT_MEDIUM:   return C_("threat level", "Medium");
    case EG_THREAT_HIGH:     return C_("threat level", "High");
    case EG_THREAT_CRITICAL: return C_("threat level", "Critical");
    default:                 return C_("threat level", "Unknown");
    }
}

const char *
eg_threat_level_get_css_class (EgThreatLevel level)
{
  switch (level)
    {
    case EG_THREAT_INFO:     return "threat-info";
    case EG_THREAT_LOW:      return "threat-low";
    case EG_THREAT_MEDIUM:   return "threat-medium";
    case EG_THREAT_HIGH:     return "threat-high";
    case EG_THREAT_CRITICAL: return "threat-critical";
    default:                 return "threat-info";
    }
}
