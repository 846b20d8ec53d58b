/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The evidence accumulator every rule detector reports through, as Slips'
 * evidence handler does: per source (Slips' profile) and window, Σ threat
 * weight × confidence; an alert needs config->alert_threshold of it.
 *
 * What a detector reports is an EgAlert not yet shown: a finding. Until
 * its source passes the threshold it waits in the source's profile;
 * repeated findings of one detector against one target and port (flags
 * EG_EVIDENCE_ONCE) merge there, uids and all. When the sum passes, every
 * waiting finding of the source becomes an alert, and so does what it
 * reports later in the window (a merged finding once per window). A
 * window that ends below the threshold drops its findings: nobody is
 * paged for them. */
#include "eg-detector-private.h"

#include <math.h>
#include <string.h>

/* A source reporting more distinct findings than this in one window is
 * past any threshold long before: the rest only add weight. */
#define MAX_FINDINGS 256
#define MAX_PROFILES 200000

typedef struct {
  const char *detector;  /* interned */
  EgAddr      dst;
  guint16     port;
  guint8      proto;
  gboolean    once;
  EgAlert    *pending;   /* NULL once shown */
} Finding;

typedef struct {
  EgAddr  src;           /* first: the table's key */
  double  start;
  double  sum;
  GArray *findings;      /* Finding */
} Profile;

static void
findings_clear (GArray *findings)
{
  for (guint i = 0; i < findings->len; i++)
    g_clear_pointer (&g_array_index (findings, Finding, i).pending, eg_alert_free);
  g_array_set_size (findings, 0);
}

static void
profile_clear (gpointer p)
{
  Profile *profile = p;

  if (profile->findings)
    {
      findings_clear (profile->findings);
      g_array_unref (profile->findings);
    }
}

EgKeyTable *
eg_evidence_table_new (void)
{
  return eg_key_table_new (sizeof (EgAddr), sizeof (Profile), profile_clear);
}

static gboolean
profile_old (gpointer item,
             gpointer unused,
             gpointer data)
{
  const double *limit = data;

  return ((Profile *) item)->start < *limit;
}

/* uids of from that into lacks, up to the cap alerts keep. */
static void
merge_uids (EgAlert       *into,
            const EgAlert *from)
{
  for (guint i = 0; i < from->uids->len && into->uids->len < EG_SCAN_MAX_UIDS; i++)
    {
      gboolean have = FALSE;

      for (guint k = 0; k < into->uids->len && !have; k++)
        have = strcmp (into->uids->pdata[k], from->uids->pdata[i]) == 0;
      if (!have)
        eg_alert_add_uid (into, from->uids->pdata[i]);
    }
}

static void
show (EgDetectors *ds,
      Finding     *finding)
{
  eg_detectors_emit (ds, g_steal_pointer (&finding->pending));
}

double
eg_evidence_weight (const EgAlert *evidence)
{
  return eg_threat_weight (evidence->threat_level) * evidence->confidence;
}

void
eg_detectors_report (EgDetectors *ds,
                     EgAlert     *evidence,
                     guint        flags)
{
  Profile *profile;
  Finding *finding = NULL;
  gboolean created, past;
  guint16 port = flags & EG_EVIDENCE_ANY_PORT ? 0 : evidence->dport;
  double window = ds->config->detection_window;

  /* Info claims no malice: Slips weighs it 0, so it could never pass a
   * threshold. It is shown as what it is, information that pages nobody. */
  if (evidence->threat_level == EG_THREAT_INFO)
    {
      eg_detectors_emit (ds, evidence);
      return;
    }

  if (++ds->n_reports % 65536 == 0 || eg_key_table_size (ds->evidence) >= MAX_PROFILES)
    {
      double limit = evidence->ts - window;

      eg_key_table_remove_if (ds->evidence, profile_old, &limit);
      /* A flood of sources all inside the window: start over rather than
       * sweep again at every report. */
      if (eg_key_table_size (ds->evidence) >= MAX_PROFILES)
        eg_key_table_remove_all (ds->evidence);
    }
  profile = eg_key_table_insert (ds->evidence, &evidence->src, &created);
  if (created)
    {
      profile->findings = g_array_new (FALSE, FALSE, sizeof (Finding));
      profile->start = evidence->ts;
    }
  else if (evidence->ts - profile->start > window)
    {
      /* A new window: what did not pass the last one stays unseen. */
      findings_clear (profile->findings);
      profile->start = evidence->ts;
      profile->sum = 0;
    }
  past = profile->sum >= ds->config->alert_threshold - 1e-9;
  profile->sum += eg_evidence_weight (evidence);

  if (flags & EG_EVIDENCE_ONCE)
    for (guint i = 0; i < profile->findings->len && finding == NULL; i++)
      {
        Finding *f = &g_array_index (profile->findings, Finding, i);

        if (f->once && f->detector == evidence->detector && f->port == port
            && f->proto == evidence->proto && memcmp (&f->dst, &evidence->dst, sizeof f->dst) == 0)
          finding = f;
      }
  if (finding && finding->pending == NULL)
    {
      /* Shown already in this window: more of the same adds weight only. */
      eg_alert_free (evidence);
      return;
    }
  if (finding)
    {
      EgAlert *p = finding->pending;

      merge_uids (p, evidence);
      /* The latest says most: a beacon's count, the longest upload. */
      if (evidence->ts >= p->ts)
        {
          g_free (p->description);
          p->description = g_steal_pointer (&evidence->description);
          p->ts = evidence->ts;
        }
      p->threat_level = MAX (p->threat_level, evidence->threat_level);
      p->confidence = MAX (p->confidence, evidence->confidence);
      eg_alert_free (evidence);
    }
  else if (past)
    {
      Finding f = { evidence->detector, evidence->dst, port, evidence->proto,
                    (flags & EG_EVIDENCE_ONCE) != 0, NULL };

      /* Remembered so that more of the same stays one alert. */
      if (f.once && profile->findings->len < MAX_FINDINGS)
        g_array_append_val (profile->findings, f);
      eg_detectors_emit (ds, evidence);
      return;
    }
  else if (profile->findings->len < MAX_FINDINGS)
    {
      Finding f = { evidence->detector, evidence->dst, port, evidence->proto,
                    (flags & EG_EVIDENCE_ONCE) != 0, evidence };

      g_array_append_val (profile->findings, f);
    }
  else
    eg_alert_free (evidence);

  if (profile->sum < ds->config->alert_threshold - 1e-9)
    return;
  for (guint i = 0; i < profile->findings->len; i++)
    {
      Finding *f = &g_array_index (profile->findings, Finding, i);

      if (f->pending)
        show (ds, f);
    }
}
