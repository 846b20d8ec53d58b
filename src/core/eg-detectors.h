/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-detectors.h: the rule detectors, fed with scored flows and ARP events
 * in packet-time order, raising EgAlert.
 *
 * Every rule detector reports evidence (a threat level and a confidence)
 * to a per-source accumulator, as Slips does: Σ threat weight ×
 * confidence over the window must pass config->alert_threshold before the
 * source's findings are shown, so one noisy flow pages nobody. Detectors
 * that count (port scans, ICMP and ARP sweeps, SSH guessing, rejected
 * connections) report when their count crosses Slips' thresholds (10,
 * then 100, 1000 ... for a horizontal scan); single-flow findings (a long
 * connection, a large upload, an unknown port, a threat-intel match) and
 * beaconing report every flow, merged into one finding per source,
 * target and port per window. Info (SSH success) weighs nothing and is
 * shown as it comes. Model verdicts accumulate apart, against the same
 * threshold: alone they make an info alert, high once a rule detector's
 * alert was shown against the source.
 *
 * Alert "detector" names are public (README): port-scan-horizontal,
 * port-scan-vertical, icmp-sweep, arp-scan, long-connection, ssh-bruteforce,
 * ssh-success, rejected-connections, large-upload, unknown-port,
 * threat-intel, beaconing, ml-flow.
 */
#pragma once

#include <glib.h>

#include "eg-alert.h"
#include "eg-config.h"
#include "eg-flow.h"
#include "eg-ipinfo.h"
#include "eg-model.h"

G_BEGIN_DECLS

typedef struct _EgDetectors EgDetectors;

/* Reads config->services_path (or the bundled list) and
 * config->threat_intel_path; ipinfo (borrowed, may be NULL) fills the
 * country and AS of alerts and matches ASN indicators. */
EgDetectors *eg_detectors_new          (const EgConfig *config,
                                        EgIpInfo       *ipinfo,
                                        GError        **error);
void         eg_detectors_free         (EgDetectors    *ds);
/* The model's threshold, for ml-flow (flows below it are not evidence). */
void         eg_detectors_set_model_threshold (EgDetectors *ds,
                                        double          threshold);
/* The model that scored the flows (a reference is kept; NULL: none), so
 * ml-flow takes as evidence only classes it has benign training for. */
void         eg_detectors_set_model    (EgDetectors    *ds,
                                        EgModel        *model);
void         eg_detectors_process_flow (EgDetectors    *ds,
                                        const EgFlow   *flow,
                                        GPtrArray      *alerts_out);
void         eg_detectors_process_arp  (EgDetectors    *ds,
                                        double          ts,
                                        const guint8    sha[6],
                                        const guint8    spa[4],
                                        const guint8    tha[6],
                                        const guint8    tpa[4],
                                        guint16         op,
                                        GPtrArray      *alerts_out);
/* End of input: evaluate what is still pending (beaconing). */
void         eg_detectors_flush        (EgDetectors    *ds,
                                        GPtrArray      *alerts_out);
/* A domain indicator matching name or one of its parents, or NULL. */
const char  *eg_detectors_match_domain (EgDetectors    *ds,
                                        const char     *name);

/* Known-service list (services.csv format: name,port,proto,description). */
GHashTable  *eg_services_load          (const char     *path,
                                        GError        **error);
char        *eg_services_default_path  (void);
/* The first of $EDGEGUARD_DATADIR, PKGDATADIR and the source tree's data/
 * that holds relpath, or NULL. */
char        *eg_find_data_file         (const char     *relpath);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgDetectors, eg_detectors_free)

G_END_DECLS
