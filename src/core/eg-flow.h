/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow.h: the flow record every part of Edgeguard speaks.
 *
 * Field meanings follow Zeek's conn.log exactly (ts, uid, id.orig_h, ...,
 * conn_state, history); the rest is what the model and the labeled dataset
 * need. A flow is a plain struct, not a GObject: the GUI keeps hundreds of
 * thousands of them in packed arrays.
 */
#pragma once

#include <glib.h>

#include "eg-addr.h"

G_BEGIN_DECLS

#define EG_UID_LEN          20  /* "C" + up to 18 base62 digits + NUL */
#define EG_COMMUNITY_ID_LEN 32  /* "1:" + 28 base64 characters + NUL */
#define EG_HISTORY_LEN      24  /* Zeek's letters, each at most a few times */
#define EG_FIRST_PACKETS    8   /* sizes of the first packets, as features */
#define EG_SERVER_NAME_LEN  64  /* longer names are cut: enough for matching */

/* Zeek's conn_state values, in the order Zeek documents them. */
typedef enum {
  EG_CONN_STATE_S0,      /* attempt seen, no reply */
  EG_CONN_STATE_S1,      /* established, not terminated */
  EG_CONN_STATE_SF,      /* normal establishment and termination */
  EG_CONN_STATE_REJ,     /* attempt rejected */
  EG_CONN_STATE_S2,      /* established, close attempt by originator only */
  EG_CONN_STATE_S3,      /* established, close attempt by responder only */
  EG_CONN_STATE_RSTO,    /* established, originator aborted */
  EG_CONN_STATE_RSTR,    /* responder sent a RST */
  EG_CONN_STATE_RSTOS0,  /* originator sent SYN then RST, no SYN-ACK */
  EG_CONN_STATE_RSTRH,   /* responder sent SYN-ACK then RST, no SYN seen */
  EG_CONN_STATE_SH,      /* originator sent SYN then FIN, no SYN-ACK */
  EG_CONN_STATE_SHR,     /* responder sent SYN-ACK then FIN, no SYN seen */
  EG_CONN_STATE_OTH,     /* no SYN seen, midstream traffic */
  EG_CONN_STATE_N_STATES
} EgConnState;

/* Who put the current label on a flow; later values win. */
typedef enum {
  EG_LABEL_SOURCE_NONE,
  EG_LABEL_SOURCE_MODEL,
  EG_LABEL_SOURCE_IMPORTED,  /* ground truth read with a flow log */
  EG_LABEL_SOURCE_RULE,
  EG_LABEL_SOURCE_OPERATOR,
} EgLabelSource;

/* Where the record came from: packet statistics exist only for packets. */
typedef enum {
  EG_FLOW_ORIGIN_PACKETS,
  EG_FLOW_ORIGIN_ZEEK,
  EG_FLOW_ORIGIN_BINETFLOW,
  EG_FLOW_ORIGIN_STORE,
} EgFlowOrigin;

typedef enum {
  EG_FLOW_PORT_OF_INTEREST = 1 << 0,  /* goes into the training dataset */
  EG_FLOW_INTERIM          = 1 << 1,  /* active-timeout update, flow goes on */
  EG_FLOW_EVICTED          = 1 << 2,  /* pushed out by the table's cap */
  EG_FLOW_HAS_PACKET_STATS = 1 << 3,
  EG_FLOW_FRAGMENTED       = 1 << 4,  /* saw IP fragments */
  EG_FLOW_TUNNELED         = 1 << 5,  /* IP-in-IP, 6in4 or GRE payload */
} EgFlowFlags;

/* Running statistics of one quantity; n lives with the caller. */
typedef struct {
  float  min;
  float  max;
  double sum;
  double sumsq;
} EgStat;

/* What one direction of a flow sent, beyond Zeek's counters. */
typedef struct {
  EgStat   size;        /* IP packet length */
  EgStat   iat;         /* seconds between two packets of this direction */
  guint32  n_syn;
  guint32  n_fin;
  guint32  n_rst;
  guint32  n_psh;
  guint32  n_ack;
  guint32  n_urg;
} EgDirStats;

/* The context features of the schema (eg-features.h): counts over the
 * time window around a flow, gone once the window moves on. */
#define EG_FLOW_N_CONTEXT 9

typedef struct {
  /* Zeek conn.log */
  double       ts;
  double       duration;
  char         uid[EG_UID_LEN];
  EgAddr       orig_h;
  EgAddr       resp_h;
  guint16      orig_p;             /* ICMP: the type, as Zeek logs it */
  guint16      resp_p;             /* ICMP: the counterpart type or code */
  guint8       proto;              /* IPPROTO_TCP, IPPROTO_UDP, ... */
  guint8       conn_state;         /* EgConnState */
  guint8       origin;             /* EgFlowOrigin */
  guint8       label_source;       /* EgLabelSource */
  const char  *service;            /* interned; NULL when unknown */
  char         history[EG_HISTORY_LEN];
  guint64      orig_bytes;
  guint64      resp_bytes;
  guint64      missed_bytes;
  guint64      orig_pkts;
  guint64      orig_ip_bytes;
  guint64      resp_pkts;
  guint64      resp_ip_bytes;
  char         community_id[EG_COMMUNITY_ID_LEN];
  char         server_name[EG_SERVER_NAME_LEN]; /* TLS SNI, HTTP Host, DNS query */

  /* What the model needs beyond Zeek's counters (packets only). */
  EgDirStats   dir[2];             /* 0: originator, 1: responder */
  gint16       first_sizes[EG_FIRST_PACKETS]; /* + from orig, - from resp */

  /* Scoring and labeling */
  float        score;              /* probability of malicious; < 0 unscored */
  float        context[EG_FLOW_N_CONTEXT]; /* the time-window features it was scored
                                    * with (eg-features.h); NaN: never scored */
  guint32      model_version;
  const char  *label;              /* interned: "Benign", "Malicious", custom */
  const char  *detailed_label;     /* interned; NULL when none */
  guint32      flags;              /* EgFlowFlags */

  /* Offline IP information about the remote end */
  char         country[3];
  guint32      asn;
} EgFlow;

#define EG_LABEL_BENIGN    "Benign"
#define EG_LABEL_MALICIOUS "Malicious"

void         eg_flow_init                (EgFlow       *flow);
const char  *eg_conn_state_to_string     (EgConnState   state);
gboolean     eg_conn_state_from_string   (const char   *str,
                                          EgConnState  *state);
const char  *eg_proto_to_string          (guint8        proto);
gboolean     eg_proto_from_string        (const char   *str,
                                          guint8       *proto);
const char  *eg_label_source_to_string   (EgLabelSource source);
gboolean     eg_label_source_from_string (const char   *str,
                                          EgLabelSource *source);
gboolean     eg_conn_state_is_established (EgConnState  state);
void         eg_stat_add                 (EgStat       *stat,
                                          guint64       n_before,
                                          double        value);
double       eg_stat_mean                (const EgStat *stat,
                                          guint64       n);
double       eg_stat_stddev              (const EgStat *stat,
                                          guint64       n);
void         eg_flow_make_uid            (char          uid[EG_UID_LEN],
                                          guint64       a,
                                          guint64       b);
void         eg_flow_compute_community_id (EgFlow      *flow);
const char  *eg_label_normalize          (const char   *label);
gboolean     eg_icmp_counterpart         (guint8        proto,
                                          guint16       type,
                                          guint16      *other);

G_END_DECLS
