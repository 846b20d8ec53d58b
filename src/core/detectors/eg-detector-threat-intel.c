/* SPDX-License-Identifier: GPL-2.0-or-later */
/* threat-intel: flows to or from an address, network or AS on the operator's
 * indicator list, in Slips' own_malicious_iocs.csv format:
 *   IoC (IP / CIDR / domain / ASxxxx), threat level, description[, tag]
 * Domains match the flow's server name (nDPI's TLS SNI, HTTP Host or DNS
 * query) and its parents: a lookup of x.evil.example is a match for
 * evil.example. */
#include "eg-detector-private.h"

#include <string.h>

#include "eg-error.h"
#include "eg-features.h"

typedef struct {
  EgThreatLevel level;
  char         *description;
} Indicator;

typedef struct {
  EgAddr     prefix;
  guint      len;
  Indicator *indicator;
} Network;

typedef struct {
  GHashTable *addrs;     /* EgAddr * → Indicator * (owned) */
  GArray     *networks;  /* Network, indicators owned by `owned` */
  GHashTable *asns;      /* GUINT asn → Indicator * */
  GHashTable *domains;   /* lowercase name → Indicator * */
  GPtrArray  *owned;     /* every Indicator */
  char       *name;      /* file's base name, for descriptions */
} ThreatIntel;

static void
indicator_free (gpointer p)
{
  Indicator *ind = p;

  g_free (ind->description);
  g_free (ind);
}

static void
destroy (gpointer p)
{
  ThreatIntel *ti = p;

  g_hash_table_unref (ti->addrs);
  g_array_unref (ti->networks);
  g_hash_table_unref (ti->asns);
  g_hash_table_unref (ti->domains);
  g_ptr_array_unref (ti->owned);
  g_free (ti->name);
  g_free (ti);
}

static char *
unquote (char *s)
{
  g_strstrip (s);
  if (s[0] == '"' && strlen (s) >= 2 && s[strlen (s) - 1] == '"')
    {
      s[strlen (s) - 1] = '\0';
      s++;
    }
  return g_strstrip (s);
}

static gboolean
load (ThreatIntel *ti,
      const char  *path,
      GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      g_set_error (error, EG_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? EG_ERROR_NOT_FOUND : EG_ERROR_FAILED,
                   "Cannot read the threat-intel list “%s”: %s", path, local_error->message);
      return FALSE;
    }
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) cols = NULL;
      char *ioc;
      Indicator *ind;
      EgAddr addr;
      guint len;
      guint64 asn;
      EgThreatLevel level = EG_THREAT_MEDIUM;

      g_strstrip (lines[i]);
      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      cols = g_strsplit (lines[i], ",", 4);
      ioc = unquote (cols[0]);
      if (*ioc == '\0')
        continue;
      if (cols[1])
        {
          g_autofree char *lower = g_ascii_strdown (unquote (cols[1]), -1);

          if (!eg_threat_level_from_string (lower, &level))
            level = EG_THREAT_MEDIUM;
        }
      ind = g_new0 (Indicator, 1);
      ind->level = level;
      ind->description = g_strdup (cols[1] && cols[2] ? unquote (cols[2]) : ioc);
      g_ptr_array_add (ti->owned, ind);

      if (eg_addr_parse (ioc, &addr))
        g_hash_table_insert (ti->addrs, g_memdup2 (&addr, sizeof addr), ind);
      else if (strchr (ioc, '/') && eg_addr_parse_cidr (ioc, &addr, &len))
        {
          Network net = { addr, len, ind };

          g_array_append_val (ti->networks, net);
        }
      else if (g_ascii_strncasecmp (ioc, "AS", 2) == 0
               && g_ascii_string_to_unsigned (ioc + 2, 10, 1, G_MAXUINT32, &asn, NULL))
        g_hash_table_insert (ti->asns, GUINT_TO_POINTER ((guint) asn), ind);
      else if (strchr (ioc, '.') && !strchr (ioc, ' '))
        g_hash_table_insert (ti->domains, g_ascii_strdown (ioc, -1), ind);
    }
  return TRUE;
}

static gpointer
create (EgDetectors *ds,
        GError     **error)
{
  ThreatIntel *ti = g_new0 (ThreatIntel, 1);

  ti->addrs = g_hash_table_new_full (eg_addr_key_hash, eg_addr_key_equal, g_free, NULL);
  ti->networks = g_array_new (FALSE, FALSE, sizeof (Network));
  ti->asns = g_hash_table_new (NULL, NULL);
  ti->domains = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ti->owned = g_ptr_array_new_with_free_func (indicator_free);
  if (ds->config->threat_intel_path)
    {
      ti->name = g_path_get_basename (ds->config->threat_intel_path);
      if (!load (ti, ds->config->threat_intel_path, error))
        {
          destroy (ti);
          return NULL;
        }
    }
  return ti;
}

static const Indicator *
match (ThreatIntel  *ti,
       EgDetectors  *ds,
       const EgAddr *addr)
{
  Indicator *ind = g_hash_table_lookup (ti->addrs, addr);

  if (ind)
    return ind;
  for (guint i = 0; i < ti->networks->len; i++)
    {
      Network *net = &g_array_index (ti->networks, Network, i);

      if (eg_addr_in_prefix (addr, &net->prefix, net->len))
        return net->indicator;
    }
  if (g_hash_table_size (ti->asns) && ds->ipinfo)
    {
      char country[3];
      guint32 asn;

      if (eg_ipinfo_lookup (ds->ipinfo, addr, country, &asn) && asn)
        return g_hash_table_lookup (ti->asns, GUINT_TO_POINTER (asn));
    }
  return NULL;
}

static const Indicator *
match_domain (ThreatIntel *ti,
              const char  *name)
{
  char lower[EG_SERVER_NAME_LEN];
  gsize i;

  if (name == NULL || name[0] == '\0' || g_hash_table_size (ti->domains) == 0)
    return NULL;
  /* On the stack: this runs for every flow that has a name. */
  for (i = 0; name[i] && i < sizeof lower - 1; i++)
    lower[i] = g_ascii_tolower (name[i]);
  lower[i] = '\0';
  /* evil.example.com matches an indicator for example.com. */
  for (const char *p = lower; p; p = strchr (p, '.') ? strchr (p, '.') + 1 : NULL)
    {
      const Indicator *ind = g_hash_table_lookup (ti->domains, p);

      if (ind)
        return ind;
    }
  return NULL;
}

static void
on_flow (gpointer      state,
         EgDetectors  *ds,
         const EgFlow *flow)
{
  ThreatIntel *ti = state;
  const Indicator *ind;
  gboolean outbound = TRUE, by_name = FALSE;
  double confidence = 1.0;
  EgAlert *alert;
  g_autofree char *port = NULL;
  char src[EG_ADDR_STRLEN], dst[EG_ADDR_STRLEN];

  if (ti->owned->len == 0)
    return;
  ind = match (ti, ds, &flow->resp_h);
  if (ind == NULL && (ind = match_domain (ti, flow->server_name)))
    by_name = TRUE;
  if (ind == NULL)
    {
      ind = match (ti, ds, &flow->orig_h);
      outbound = FALSE;
    }
  if (ind == NULL)
    return;

  /* A connection the listed end answered is sure; a lookup of a listed
   * name, or an attempt nobody answered, may be a typo, a crawler or a
   * stale list: half as sure. */
  if (eg_feature_service_id (flow->service) == EG_SERVICE_DNS || !eg_flow_is_established (flow))
    confidence = 0.5;
  alert = eg_detectors_alert_new (ds, "threat-intel", flow->ts, &flow->orig_h, &flow->resp_h,
                                  flow->resp_p, flow->proto, ind->level, confidence);
  port = eg_detectors_format_port (ds, flow->resp_p, flow->proto);
  eg_addr_to_string (&flow->orig_h, src);
  eg_addr_to_string (&flow->resp_h, dst);
  if (by_name)
    alert->description = g_strdup_printf ("%s %s %s (%s %s), listed as “%s” in %s", src,
                                          eg_feature_service_id (flow->service) == EG_SERVICE_DNS
                                          ? "looked up" : "connected to",
                                          flow->server_name, dst, port, ind->description,
                                          ti->name);
  else if (outbound)
    alert->description = g_strdup_printf ("%s connected to %s %s, listed as “%s” in %s",
                                          src, dst, port, ind->description, ti->name);
  else
    alert->description = g_strdup_printf ("%s, listed as “%s” in %s, connected to %s %s",
                                          src, ind->description, ti->name, dst, port);
  eg_alert_add_uid (alert, flow->uid);
  eg_detectors_report (ds, alert, EG_EVIDENCE_ONCE | EG_EVIDENCE_ANY_PORT);
}

const char *
eg_detectors_match_domain (EgDetectors *ds,
                           const char  *name)
{
  const Indicator *ind = ds->threat_intel ? match_domain (ds->threat_intel, name) : NULL;

  return ind ? ind->description : NULL;
}

const EgDetectorInfo eg_detector_threat_intel = {
  .name = "threat-intel",
  .create = create,
  .destroy = destroy,
  .flow = on_flow,
};
