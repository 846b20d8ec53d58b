/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-detector-private.h: what a detector (one file each in detectors/)
 * sees of EgDetectors, and the counting helpers they share. */
#pragma once

#include <netinet/in.h>

#include "eg-detectors.h"
#include "eg-key-table.h"

G_BEGIN_DECLS

typedef struct {
  double        ts;
  guint8        sha[6];
  guint8        spa[4];
  guint8        tha[6];
  guint8        tpa[4];
  guint16       op;
} EgArpEvent;

typedef struct {
  const char *name;
  gpointer  (*create)  (EgDetectors *ds, GError **error);
  void      (*destroy) (gpointer state);
  void      (*flow)    (gpointer state, EgDetectors *ds, const EgFlow *flow);
  void      (*arp)     (gpointer state, EgDetectors *ds, const EgArpEvent *event);
  void      (*flush)   (gpointer state, EgDetectors *ds);
} EgDetectorInfo;

extern const EgDetectorInfo eg_detector_port_scan_horizontal;
extern const EgDetectorInfo eg_detector_port_scan_vertical;
extern const EgDetectorInfo eg_detector_icmp_sweep;
extern const EgDetectorInfo eg_detector_arp_scan;
extern const EgDetectorInfo eg_detector_long_connection;
extern const EgDetectorInfo eg_detector_ssh;
extern const EgDetectorInfo eg_detector_rejected_connections;
extern const EgDetectorInfo eg_detector_large_upload;
extern const EgDetectorInfo eg_detector_unknown_port;
extern const EgDetectorInfo eg_detector_threat_intel;
extern const EgDetectorInfo eg_detector_beaconing;
extern const EgDetectorInfo eg_detector_ml_flow;

struct _EgDetectors {
  EgConfig    *config;
  EgIpInfo    *ipinfo;          /* borrowed, may be NULL */
  GHashTable  *services;        /* GUINT (proto << 16 | port) → name */
  double       model_threshold;
  EgModel     *model;           /* that scored the flows, or NULL */
  GPtrArray   *out;             /* alerts of the current call */
  GHashTable  *once;            /* (detector, src, dst, port, proto) → last alert ts */
  EgKeyTable  *corroborating;   /* (EgAddr src, ts of its last rule alert, low or above) */
  EgKeyTable  *queries;         /* (EgScanKey src and port, ts of its last multicast UDP query) */
  gpointer    *states;          /* one per detector */
  gpointer     threat_intel;    /* the threat-intel detector's state */
  EgKeyTable  *evidence;        /* per-source profiles of the accumulator (eg-evidence.c) */
  guint64      n_reports;
  const char  *ml_flow;         /* interned detector name */
  guint64      n_flows;
};

/* A quick hash of a small fixed-size key (addresses, composite keys). */
guint        eg_hash_bytes             (const void     *data,
                                        gsize           len);

/* EgAddr keys of GHashTable. */
guint        eg_addr_key_hash              (gconstpointer   p);
gboolean     eg_addr_key_equal             (gconstpointer   a,
                                        gconstpointer   b);

/* Slips' threat weights, for the evidence accumulator. */
double       eg_threat_weight          (EgThreatLevel level);

EgAlert     *eg_detectors_alert_new    (EgDetectors    *ds,
                                        const char     *detector,
                                        double          ts,
                                        const EgAddr   *src,
                                        const EgAddr   *dst,
                                        guint16         dport,
                                        guint8          proto,
                                        EgThreatLevel   level,
                                        double          confidence);
/* Fills country/asn of the remote end and appends to the call's output;
 * takes ownership. description is set by the caller before. Rule
 * detectors report evidence instead; this shows it. */
void         eg_detectors_emit         (EgDetectors    *ds,
                                        EgAlert        *alert);

/* Evidence of the same detector, target, port and protocol in one
 * window is one finding: a single-flow rule seen again. Without it each
 * report stands alone (a counting detector's next rung). */
#define EG_EVIDENCE_ONCE 1
/* With ONCE: the port does not tell findings apart (a listed host is one
 * finding whatever port it was reached on). */
#define EG_EVIDENCE_ANY_PORT 2

/* A finding against evidence->src, to the source's accumulated evidence
 * (eg-evidence.c): shown, with the source's other findings, once their
 * Σ threat weight × confidence in the window passes
 * config->alert_threshold. Info is shown at once, weighing nothing.
 * Takes ownership. */
void         eg_detectors_report       (EgDetectors    *ds,
                                        EgAlert        *evidence,
                                        guint           flags);
/* Threat weight × confidence: what one finding adds. */
double       eg_evidence_weight        (const EgAlert  *evidence);
EgKeyTable  *eg_evidence_table_new     (void);
/* TRUE the first time (detector, src, dst, dport, proto) is seen in a
 * window of config->detection_window seconds. */
gboolean     eg_detectors_once         (EgDetectors    *ds,
                                        const char     *detector,
                                        const EgAddr   *src,
                                        const EgAddr   *dst,
                                        guint16         dport,
                                        guint8          proto,
                                        double          ts);
/* TRUE when a rule detector's alert of level low or above against src
 * was shown (its evidence passed the threshold) within the window around
 * ts. */
gboolean     eg_detectors_corroborated (EgDetectors    *ds,
                                        const EgAddr   *src,
                                        double          ts);
const char  *eg_detectors_service_name (EgDetectors    *ds,
                                        guint16         port,
                                        guint8          proto);
/* "port 81/tcp (http-alt)", "port 1337/tcp", "by ICMP" */
char        *eg_detectors_format_port  (EgDetectors    *ds,
                                        guint16         port,
                                        guint8          proto);
gboolean     eg_flow_is_established    (const EgFlow   *flow);
/* An unanswered UDP flow that is really the answer to a multicast or
 * broadcast query (SSDP, mDNS, NetBIOS ...): it comes from a discovery
 * service's port, or goes to the address and port that sent a query to a
 * group within a minute. Flow tables see query and answers as separate
 * flows, and the answers as attempts nobody answered; they are no scan. */
gboolean     eg_detectors_is_query_reply (EgDetectors  *ds,
                                        const EgFlow   *flow);
/* A connection attempt nobody answered (S0, REJ, RSTOS0, SH; UDP without a
 * reply): what a scan leaves. Midstream pieces (OTH, SHR) are not. */
gboolean     eg_flow_is_unanswered_attempt (const EgFlow *flow);
/* Broadcast, multicast or unspecified: never a scan target or a beacon. */
gboolean     eg_addr_is_special        (const EgAddr   *addr);

/* Distinct things (hosts or ports) seen per key over a window, with the
 * evidence flows: what the counting detectors share. */
typedef struct {
  EgAddr  src;
  EgAddr  dst;
  guint16 port;
  guint8  proto;
  guint8  pad;
} EgScanKey;

/* A uid kept inline: no allocation per evidence flow. */
typedef struct {
  char s[EG_UID_LEN];
} EgUid;

/* Most sources touch a host or two: no hash table until they touch more. */
#define EG_SCAN_FEW 4

typedef struct {
  EgScanKey   key;           /* first: the table hashes the state through it */
  double      start;
  double      last;
  EgAddr      few[EG_SCAN_FEW];  /* the first distinct values, inline */
  EgAddr     *set;           /* all of them once there are more: open addressing, */
  guint       set_size;      /* set_size slots (a power of two), family 0xff empty */
  guint       n_distinct;    /* a port is an EgAddr of family 0 */
  /* The first EG_SCAN_MAX_UIDS evidence flows: the first inline (most
   * states never see a second flow, and a state with nothing allocated
   * costs nothing to free), the others in more_uids from the second on. */
  EgUid       first_uid;
  guint       n_uids;
  GArray     *more_uids;     /* EgUid; NULL before a second */
  guint64     pkts;
  guint       n_flows;
  guint       n_answered;
  guint       next_threshold;
} EgScanState;

#define EG_SCAN_MAX_UIDS 100

typedef struct _EgScanTable EgScanTable;

EgScanTable *eg_scan_table_new         (double          window);
void         eg_scan_table_free        (EgScanTable    *table);
/* The state under key; a state older than the window starts over, as
 * Slips' time windows do. first_threshold seeds next_threshold. */
EgScanState *eg_scan_table_get         (EgScanTable    *table,
                                        const EgScanKey *key,
                                        double          ts,
                                        guint           first_threshold);
/* The state under key if there is one still inside the window, else NULL:
 * counting beside a state without creating one. */
EgScanState *eg_scan_table_lookup      (EgScanTable    *table,
                                        const EgScanKey *key,
                                        double          ts);
/* TRUE when value is new to the state. */
gboolean     eg_scan_state_add         (EgScanState    *state,
                                        const EgAddr   *value,
                                        const char     *uid,
                                        guint64         pkts,
                                        double          ts);
/* TRUE once per crossing of 10×, 100× ... the first threshold. */
gboolean     eg_scan_state_crossed     (EgScanState    *state);
void         eg_scan_port_value        (EgAddr         *value,
                                        guint16         port);
/* uids: EgUid, may be NULL (none). */
void         eg_alert_add_uids         (EgAlert        *alert,
                                        GArray         *uids);
/* The state's evidence flows, in the order they came. */
void         eg_alert_add_scan_uids    (EgAlert        *alert,
                                        const EgScanState *state);

G_END_DECLS
