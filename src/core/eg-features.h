/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-features.h: the feature schema the model is trained and scored on.
 *
 * One row of EG_N_FEATURES floats per flow, in the order of EgFeature. The
 * same code computes it for flows built from packets and for flows read from
 * Zeek conn.log or binetflow, so a model trained on logs scores live traffic.
 *
 * Three groups:
 *  - base: what every source has (Zeek's counters, state, history letters,
 *    service, ratios);
 *  - context: what the same source, and the same source-destination pair,
 *    did in the last EG_FEATURE_WINDOW seconds (Slips' profiles hold the same
 *    idea): connection counts, distinct destinations and ports, the share not
 *    established;
 *  - extended: packet statistics, present only when the flow carries
 *    EG_FLOW_HAS_PACKET_STATS (missing, NaN, otherwise).
 *
 * Deliberately absent: source ports, absolute addresses and local/remote
 * flags. In the labeled captures the labels follow direction, so those are
 * shortcuts that score well on the capture and fail on any other network.
 *
 * Changing a name, the order or a definition means a new
 * EG_FEATURE_SCHEMA_VERSION: a model records the schema it was trained on
 * and is refused on another one.
 */
#pragma once

#include <glib.h>

#include "eg-flow.h"

G_BEGIN_DECLS

#define EG_FEATURE_SCHEMA_NAME    "edgeguard-flow"
#define EG_FEATURE_SCHEMA_VERSION 1
#define EG_FEATURE_SCHEMA_ID      "edgeguard-flow/1"
#define EG_FEATURE_WINDOW         300.0  /* seconds of context */

typedef enum {
  /* base */
  EG_FEAT_DURATION,
  EG_FEAT_PROTO,
  EG_FEAT_DPORT,
  EG_FEAT_CONN_STATE,
  EG_FEAT_HIST_ORIG_SYN,
  EG_FEAT_HIST_RESP_SYNACK,
  EG_FEAT_HIST_ORIG_DATA,
  EG_FEAT_HIST_RESP_DATA,
  EG_FEAT_HIST_ORIG_FIN,
  EG_FEAT_HIST_RESP_FIN,
  EG_FEAT_HIST_ORIG_RST,
  EG_FEAT_HIST_RESP_RST,
  EG_FEAT_HIST_LEN,
  EG_FEAT_ORIG_PKTS,
  EG_FEAT_RESP_PKTS,
  EG_FEAT_ORIG_BYTES,
  EG_FEAT_RESP_BYTES,
  EG_FEAT_ORIG_IP_BYTES,
  EG_FEAT_RESP_IP_BYTES,
  EG_FEAT_SERVICE,
  EG_FEAT_RESP_BYTE_SHARE,
  EG_FEAT_ORIG_BYTES_PER_PKT,
  EG_FEAT_RESP_BYTES_PER_PKT,
  EG_FEAT_PKTS_PER_SECOND,
  EG_FEAT_BYTES_PER_SECOND,
  /* context */
  EG_FEAT_SRC_CONNS,
  EG_FEAT_SRC_DISTINCT_DSTS,
  EG_FEAT_SRC_DISTINCT_DPORTS,
  EG_FEAT_SRC_NOT_ESTABLISHED_SHARE,
  EG_FEAT_PAIR_CONNS,
  EG_FEAT_PAIR_DISTINCT_DPORTS,
  EG_FEAT_PAIR_NOT_ESTABLISHED_SHARE,
  EG_FEAT_PAIR_DPORT_CONNS,
  EG_FEAT_SRC_DPORT_DISTINCT_DSTS,
  /* extended: packet statistics */
  EG_FEAT_ORIG_SIZE_MEAN,
  EG_FEAT_ORIG_SIZE_STD,
  EG_FEAT_RESP_SIZE_MEAN,
  EG_FEAT_RESP_SIZE_STD,
  EG_FEAT_ORIG_IAT_MEAN,
  EG_FEAT_ORIG_IAT_STD,
  EG_FEAT_RESP_IAT_MEAN,
  EG_FEAT_RESP_IAT_STD,
  EG_FEAT_ORIG_SYN_COUNT,
  EG_FEAT_ORIG_FIN_COUNT,
  EG_FEAT_ORIG_RST_COUNT,
  EG_FEAT_ORIG_PSH_COUNT,
  EG_FEAT_RESP_SYN_COUNT,
  EG_FEAT_RESP_FIN_COUNT,
  EG_FEAT_RESP_RST_COUNT,
  EG_FEAT_RESP_PSH_COUNT,
  EG_FEAT_FIRST_SIZE_0,
  EG_FEAT_FIRST_SIZE_1,
  EG_FEAT_FIRST_SIZE_2,
  EG_FEAT_FIRST_SIZE_3,
  EG_FEAT_FIRST_SIZE_4,
  EG_FEAT_FIRST_SIZE_5,
  EG_FEAT_FIRST_SIZE_6,
  EG_FEAT_FIRST_SIZE_7,
  EG_N_FEATURES
} EgFeature;

#define EG_FEAT_FIRST_CONTEXT  EG_FEAT_SRC_CONNS
#define EG_FEAT_FIRST_EXTENDED EG_FEAT_ORIG_SIZE_MEAN

G_STATIC_ASSERT (EG_FEAT_FIRST_EXTENDED - EG_FEAT_FIRST_CONTEXT == EG_FLOW_N_CONTEXT);

/* Service ids of EG_FEAT_SERVICE; the order is part of the schema. */
typedef enum {
  EG_SERVICE_NONE,
  EG_SERVICE_DNS,
  EG_SERVICE_HTTP,
  EG_SERVICE_SSL,
  EG_SERVICE_SSH,
  EG_SERVICE_DHCP,
  EG_SERVICE_NTP,
  EG_SERVICE_SMTP,
  EG_SERVICE_FTP,
  EG_SERVICE_OTHER,
} EgServiceId;

const char         *eg_feature_get_name         (EgFeature feature);
/* A short phrase for people: "distinct destination ports from the source in 5 min". */
const char         *eg_feature_get_description  (EgFeature feature);
/* The names in schema order, NULL-terminated (static). */
const char * const *eg_feature_get_names        (void);
EgServiceId         eg_feature_service_id       (const char *service);
/* A feature's value as a person reads it ("REJ", "tcp", "42", "1.5 s"). */
char               *eg_feature_format_value     (EgFeature feature,
                                                 float     value);

/* The sliding window the context features are computed over. Flows must be
 * added in arrival order (packet time); one context per capture or log. */
typedef struct _EgFeatureContext EgFeatureContext;

EgFeatureContext   *eg_feature_context_new      (double             window,
                                                 guint              max_entries);
void                eg_feature_context_free     (EgFeatureContext  *ctx);
/* Adds the flow to the window, then writes its row (EG_N_FEATURES floats). */
void                eg_features_compute         (EgFeatureContext  *ctx,
                                                 const EgFlow      *flow,
                                                 float             *row);
/* The row flow was scored on: base and extended groups from the flow, the
 * context from flow->context (missing if it was never scored). */
void                eg_features_compute_scored  (const EgFlow      *flow,
                                                 float             *row);
/* Only the base and extended groups; context features are set missing. */
void                eg_features_compute_flow_only (const EgFlow    *flow,
                                                 float             *row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgFeatureContext, eg_feature_context_free)

G_END_DECLS
