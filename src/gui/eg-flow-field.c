/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-flow-field.h"

#include <string.h>

#include <glib/gi18n.h>

typedef struct {
  const char *id;
  const char *title;
  gboolean    numeric;
  int         width;     /* a column's width until the operator resizes it */
} FieldInfo;

static const FieldInfo fields[EG_FLOW_N_FIELDS] = {
  [EG_FLOW_FIELD_TS]           = { "ts",           N_("Time"),        TRUE, 195 },
  [EG_FLOW_FIELD_ORIG_H]       = { "id.orig_h",    N_("Source"),      FALSE, 130 },
  [EG_FLOW_FIELD_ORIG_P]       = { "id.orig_p",    N_("Src Port"),    TRUE,  80 },
  [EG_FLOW_FIELD_RESP_H]       = { "id.resp_h",    N_("Destination"), FALSE, 130 },
  [EG_FLOW_FIELD_RESP_P]       = { "id.resp_p",    N_("Dst Port"),    TRUE,  80 },
  [EG_FLOW_FIELD_PROTO]        = { "proto",        N_("Protocol"),    FALSE,  80 },
  [EG_FLOW_FIELD_SERVICE]      = { "service",      N_("Service"),     FALSE,  90 },
  [EG_FLOW_FIELD_DURATION]     = { "duration",     N_("Duration"),    TRUE,  85 },
  [EG_FLOW_FIELD_ORIG_BYTES]   = { "orig_bytes",   N_("Bytes Out"),   TRUE,  90 },
  [EG_FLOW_FIELD_RESP_BYTES]   = { "resp_bytes",   N_("Bytes In"),    TRUE,  90 },
  [EG_FLOW_FIELD_CONN_STATE]   = { "conn_state",   N_("State"),       FALSE,  70 },
  [EG_FLOW_FIELD_HISTORY]      = { "history",      N_("History"),     FALSE,  90 },
  [EG_FLOW_FIELD_ORIG_PKTS]    = { "orig_pkts",    N_("Packets Out"), TRUE,  95 },
  [EG_FLOW_FIELD_RESP_PKTS]    = { "resp_pkts",    N_("Packets In"),  TRUE,  95 },
  [EG_FLOW_FIELD_SCORE]        = { "score",        N_("Score"),       TRUE,  65 },
  [EG_FLOW_FIELD_LABEL]        = { "label",        N_("Label"),       FALSE,  95 },
  [EG_FLOW_FIELD_LABEL_SOURCE] = { "label_source", N_("Labeled By"),  FALSE, 100 },
  [EG_FLOW_FIELD_COUNTRY]      = { "country",      N_("Country"),     FALSE,  70 },
  [EG_FLOW_FIELD_UID]          = { "uid",          N_("UID"),         FALSE, 170 },
};

const char *
eg_flow_field_get_id (EgFlowField field)
{
  g_return_val_if_fail (field < EG_FLOW_N_FIELDS, NULL);
  return fields[field].id;
}

gboolean
eg_flow_field_from_id (const char  *id,
                       EgFlowField *field)
{
  for (guint i = 0; i < EG_FLOW_N_FIELDS; i++)
    if (g_strcmp0 (id, fields[i].id) == 0)
      {
        *field = i;
        return TRUE;
      }
  return FALSE;
}

const char *
eg_flow_field_get_title (EgFlowField field)
{
  g_return_val_if_fail (field < EG_FLOW_N_FIELDS, NULL);
  return _(fields[field].title);
}

int
eg_flow_field_get_default_width (EgFlowField field)
{
  g_return_val_if_fail (field < EG_FLOW_N_FIELDS, -1);
  return fields[field].width;
}

gboolean
eg_flow_field_is_numeric (EgFlowField field)
{
  g_return_val_if_fail (field < EG_FLOW_N_FIELDS, FALSE);
  return fields[field].numeric;
}

/* g_date_time_new_from_unix_local looks the local zone up again each
 * time (a stat of /etc/localtime): a quarter of what binding a row cost.
 * The zone is kept while TZ stays what it was. */
static GTimeZone *
dup_local_zone (void)
{
  static GMutex lock;
  static GTimeZone *zone;
  static char *zone_tz;
  const char *tz = g_getenv ("TZ");
  GTimeZone *result;

  g_mutex_lock (&lock);
  if (zone == NULL || g_strcmp0 (tz, zone_tz) != 0)
    {
      g_clear_pointer (&zone, g_time_zone_unref);
      g_free (zone_tz);
      zone_tz = g_strdup (tz);
      zone = g_time_zone_new_local ();
    }
  result = g_time_zone_ref (zone);
  g_mutex_unlock (&lock);
  return result;
}

static char *
format_time (double ts)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc ((gint64) ts);
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *seconds = NULL;

  if (utc != NULL)
    {
      g_autoptr(GTimeZone) zone = dup_local_zone ();

      dt = g_date_time_to_timezone (utc, zone);
    }
  if (dt == NULL)
    return g_strdup ("-");
  seconds = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
  return g_strdup_printf ("%s.%03d", seconds, (int) ((ts - (gint64) ts) * 1000.0));
}

char *
eg_flow_field_format (EgFlowField   field,
                      const EgFlow *flow)
{
  char addr[EG_ADDR_STRLEN];

  switch (field)
    {
    case EG_FLOW_FIELD_TS:
      return format_time (flow->ts);
    case EG_FLOW_FIELD_ORIG_H:
      return g_strdup (eg_addr_to_string (&flow->orig_h, addr));
    case EG_FLOW_FIELD_ORIG_P:
      return g_strdup_printf ("%u", flow->orig_p);
    case EG_FLOW_FIELD_RESP_H:
      return g_strdup (eg_addr_to_string (&flow->resp_h, addr));
    case EG_FLOW_FIELD_RESP_P:
      return g_strdup_printf ("%u", flow->resp_p);
    case EG_FLOW_FIELD_PROTO:
      return g_strdup (eg_proto_to_string (flow->proto));
    case EG_FLOW_FIELD_SERVICE:
      return g_strdup (flow->service != NULL ? flow->service : "-");
    case EG_FLOW_FIELD_DURATION:
      return g_strdup_printf ("%.3f", flow->duration);
    case EG_FLOW_FIELD_ORIG_BYTES:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, flow->orig_bytes);
    case EG_FLOW_FIELD_RESP_BYTES:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, flow->resp_bytes);
    case EG_FLOW_FIELD_CONN_STATE:
      return g_strdup (eg_conn_state_to_string (flow->conn_state));
    case EG_FLOW_FIELD_HISTORY:
      return g_strdup (flow->history[0] != '\0' ? flow->history : "-");
    case EG_FLOW_FIELD_ORIG_PKTS:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, flow->orig_pkts);
    case EG_FLOW_FIELD_RESP_PKTS:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, flow->resp_pkts);
    case EG_FLOW_FIELD_SCORE:
      return flow->score < 0 ? g_strdup ("-") : g_strdup_printf ("%.2f", flow->score);
    case EG_FLOW_FIELD_LABEL:
      return g_strdup (flow->label != NULL ? flow->label : "-");
    case EG_FLOW_FIELD_LABEL_SOURCE:
      return g_strdup (flow->label_source == EG_LABEL_SOURCE_NONE
                       ? "-" : eg_label_source_to_string (flow->label_source));
    case EG_FLOW_FIELD_COUNTRY:
      return g_strdup (flow->country[0] != '\0' ? flow->country : "-");
    case EG_FLOW_FIELD_UID:
      return g_strdup (flow->uid);
    case EG_FLOW_N_FIELDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

static int
compare_strings (const char *a,
                 const char *b)
{
  /* Empty values sort after every real one. */
  if (a == NULL || b == NULL)
    return CMP (a == NULL, b == NULL);
  return g_utf8_collate (a, b);
}

int
eg_flow_field_compare (EgFlowField   field,
                       const EgFlow *a,
                       const EgFlow *b)
{
  switch (field)
    {
    case EG_FLOW_FIELD_TS:           return CMP (a->ts, b->ts);
    case EG_FLOW_FIELD_ORIG_H:       return eg_addr_compare (&a->orig_h, &b->orig_h);
    case EG_FLOW_FIELD_ORIG_P:       return CMP (a->orig_p, b->orig_p);
    case EG_FLOW_FIELD_RESP_H:       return eg_addr_compare (&a->resp_h, &b->resp_h);
    case EG_FLOW_FIELD_RESP_P:       return CMP (a->resp_p, b->resp_p);
    case EG_FLOW_FIELD_PROTO:        return CMP (a->proto, b->proto);
    case EG_FLOW_FIELD_SERVICE:      return compare_strings (a->service, b->service);
    case EG_FLOW_FIELD_DURATION:     return CMP (a->duration, b->duration);
    case EG_FLOW_FIELD_ORIG_BYTES:   return CMP (a->orig_bytes, b->orig_bytes);
    case EG_FLOW_FIELD_RESP_BYTES:   return CMP (a->resp_bytes, b->resp_bytes);
    case EG_FLOW_FIELD_CONN_STATE:
      return strcmp (eg_conn_state_to_string (a->conn_state),
                     eg_conn_state_to_string (b->conn_state));
    case EG_FLOW_FIELD_HISTORY:      return strcmp (a->history, b->history);
    case EG_FLOW_FIELD_ORIG_PKTS:    return CMP (a->orig_pkts, b->orig_pkts);
    case EG_FLOW_FIELD_RESP_PKTS:    return CMP (a->resp_pkts, b->resp_pkts);
    case EG_FLOW_FIELD_SCORE:        return CMP (a->score, b->score);
    case EG_FLOW_FIELD_LABEL:        return compare_strings (a->label, b->label);
    case EG_FLOW_FIELD_LABEL_SOURCE: return CMP (a->label_source, b->label_source);
    case EG_FLOW_FIELD_COUNTRY:      return strcmp (a->country, b->country);
    case EG_FLOW_FIELD_UID:          return strcmp (a->uid, b->uid);
    case EG_FLOW_N_FIELDS:
    default:
      g_return_val_if_reached (0);
    }
}
