/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-alert.h"

#include "eg-flow.h"

static const char * const threat_names[] = { "info", "low", "medium", "high", "critical" };

EgAlert *
eg_alert_new (const char *detector)
{
  EgAlert *alert = g_new0 (EgAlert, 1);

  alert->detector = g_intern_string (detector);
  alert->uids = g_ptr_array_new_with_free_func (g_free);
  return alert;
}

EgAlert *
eg_alert_copy (const EgAlert *alert)
{
  EgAlert *copy = g_memdup2 (alert, sizeof *alert);

  copy->description = g_strdup (alert->description);
  copy->uids = g_ptr_array_new_full (alert->uids->len, g_free);
  for (guint i = 0; i < alert->uids->len; i++)
    g_ptr_array_add (copy->uids, g_strdup (alert->uids->pdata[i]));
  return copy;
}

void
eg_alert_free (EgAlert *alert)
{
  if (alert == NULL)
    return;
  g_free (alert->description);
  g_ptr_array_unref (alert->uids);
  g_free (alert);
}

void
eg_alert_add_uid (EgAlert    *alert,
                  const char *uid)
{
  g_ptr_array_add (alert->uids, g_strdup (uid));
}

const char *
eg_alert_proto_to_string (guint8 proto)
{
  if (proto == EG_ALERT_PROTO_ARP)
    return "arp";
  return eg_proto_to_string (proto);
}

const char *
eg_threat_level_to_string (EgThreatLevel level)
{
  if ((guint) level >= G_N_ELEMENTS (threat_names))
    return "info";
  return threat_names[level];
}

gboolean
eg_threat_level_from_string (const char    *str,
                             EgThreatLevel *level)
{
  for (guint i = 0; i < G_N_ELEMENTS (threat_names); i++)
    if (g_strcmp0 (str, threat_names[i]) == 0)
      {
        *level = i;
        return TRUE;
      }
  return FALSE;
}

static void
append_json_string (GString    *out,
                    const char *str)
{
  g_string_append_c (out, '"');
  for (const char *p = str; *p; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default:
          if ((guchar) *p < 0x20)
            g_string_append_printf (out, "\\u%04x", (guchar) *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

void
eg_alert_append_json (GString       *out,
                      const EgAlert *alert)
{
  char buf[EG_ADDR_STRLEN];
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, "{\"ts\":");
  g_string_append (out, g_ascii_formatd (num, sizeof num, "%.6f", alert->ts));
  g_string_append (out, ",\"detector\":");
  append_json_string (out, alert->detector);
  g_string_append (out, ",\"src\":");
  append_json_string (out, eg_addr_to_string (&alert->src, buf));
  g_string_append (out, ",\"dst\":");
  if (alert->dst.family)
    append_json_string (out, eg_addr_to_string (&alert->dst, buf));
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"dport\":");
  /* No TCP or UDP service listens on port 0: 0 is "none". */
  if (alert->dport)
    g_string_append_printf (out, "%u", alert->dport);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"proto\":");
  append_json_string (out, eg_alert_proto_to_string (alert->proto));
  g_string_append (out, ",\"threat_level\":");
  append_json_string (out, eg_threat_level_to_string (alert->threat_level));
  g_string_append (out, ",\"confidence\":");
  g_string_append (out, g_ascii_formatd (num, sizeof num, "%.3f", alert->confidence));
  g_string_append (out, ",\"description\":");
  append_json_string (out, alert->description ? alert->description : "");
  g_string_append (out, ",\"uids\":[");
  for (guint i = 0; i < alert->uids->len; i++)
    {
      if (i)
        g_string_append_c (out, ',');
      append_json_string (out, alert->uids->pdata[i]);
    }
  g_string_append_c (out, ']');
  if (alert->country[0])
    {
      g_string_append (out, ",\"country\":");
      append_json_string (out, alert->country);
    }
  if (alert->asn)
    g_string_append_printf (out, ",\"asn\":%u", alert->asn);
  g_string_append_c (out, '}');
}
