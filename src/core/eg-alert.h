/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-alert.h: what a detector raises; the public alert format (one JSON
 * object per line, documented in the README) is written from this. */
#pragma once

#include <glib.h>

#include "eg-addr.h"

G_BEGIN_DECLS

typedef enum {
  EG_THREAT_INFO,
  EG_THREAT_LOW,
  EG_THREAT_MEDIUM,
  EG_THREAT_HIGH,
  EG_THREAT_CRITICAL,
} EgThreatLevel;

/* ARP has no IP protocol number; 255 is IANA's reserved one, never on the
 * wire, so it cannot clash with a real flow's protocol. */
#define EG_ALERT_PROTO_ARP 255

typedef struct {
  gint64         id;            /* the store's row id; 0 before it is stored */
  double         ts;            /* time of the last evidence */
  const char    *detector;      /* interned: "port-scan-horizontal", ... */
  EgAddr         src;
  EgAddr         dst;           /* family 0: none (a scan of many hosts) */
  guint16        dport;         /* 0: none (a scan of many ports, ICMP, ARP) */
  guint8         proto;         /* IP protocol, or EG_ALERT_PROTO_ARP */
  guint8         threat_level;  /* EgThreatLevel */
  double         confidence;    /* 0..1 */
  char          *description;   /* one sentence an operator understands */
  GPtrArray     *uids;          /* char *: the evidence flows */
  char           country[3];    /* of the remote end, when known */
  guint32        asn;
} EgAlert;

EgAlert     *eg_alert_new                    (const char    *detector);
EgAlert     *eg_alert_copy                   (const EgAlert *alert);
void         eg_alert_free                   (EgAlert       *alert);
void         eg_alert_add_uid                (EgAlert       *alert,
                                              const char    *uid);
/* "tcp", "udp", "icmp", "arp" as the public format writes them. */
const char  *eg_alert_proto_to_string        (guint8         proto);
const char  *eg_threat_level_to_string       (EgThreatLevel  level);
gboolean     eg_threat_level_from_string     (const char    *str,
                                              EgThreatLevel *level);
/* One alert as a JSON object (no newline) in the public format. */
void         eg_alert_append_json            (GString       *out,
                                              const EgAlert *alert);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgAlert, eg_alert_free)

G_END_DECLS
