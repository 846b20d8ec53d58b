/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-flow-table.h: packets in, Zeek-like bidirectional flows out.
 *
 * Canonical direction-agnostic keys hashed with a secret seed; one LRU list
 * per timeout class ordered by last packet time, so expiry in packet time
 * walks only what is due; a hard cap that evicts the oldest and counts it.
 */
#pragma once

#include <glib.h>

#include "eg-config.h"
#include "eg-flow.h"
#include "eg-packet.h"

G_BEGIN_DECLS

typedef struct _EgFlowTable EgFlowTable;

/* Called for every finished flow, and for interim updates of long flows
 * (flags has EG_FLOW_INTERIM). The flow is only valid during the call. */
typedef void (*EgFlowFunc) (const EgFlow *flow,
                            gpointer      user_data);

typedef struct {
  guint64 packets;
  guint64 bytes;
  guint64 ip_packets;
  guint64 arp_packets;
  guint64 non_ip;
  guint64 undecodable;
  guint64 fragments;
  guint64 fragments_orphaned;
  guint64 flows_created;
  guint64 flows_emitted;
  guint64 interim_updates;
  guint64 evictions;
  guint64 active;
  guint64 peak_active;
  guint64 dpi_active;      /* flows holding nDPI state now */
  guint64 peak_bytes;      /* the table's own memory at its largest */
  guint64 peak_dpi_bytes;  /* nDPI's per-flow state at its largest */
} EgFlowTableStats;

EgFlowTable *eg_flow_table_new     (const EgConfig     *config,
                                    gboolean            dpi,
                                    EgFlowFunc          func,
                                    gpointer            user_data,
                                    GError            **error);
void         eg_flow_table_free    (EgFlowTable        *table);
/* Accounts one decoded packet of wire length wirelen seen at ts. */
void         eg_flow_table_add     (EgFlowTable        *table,
                                    double              ts,
                                    const EgPacket     *pkt,
                                    guint               wirelen);
/* Counts a frame the decoder rejected. */
void         eg_flow_table_add_undecodable (EgFlowTable *table,
                                    guint               wirelen);
/* Counts a frame that is valid but not IP (ARP, LLDP...). */
void         eg_flow_table_add_non_ip (EgFlowTable     *table,
                                    gboolean            arp,
                                    guint               wirelen);
/* Emits every flow still in the table (end of input, stop). */
void         eg_flow_table_flush   (EgFlowTable        *table);
void         eg_flow_table_get_stats (EgFlowTable      *table,
                                    EgFlowTableStats   *stats);
/* Flows leave with an empty community_id, for a later stage (the
 * scorer) to fill in another thread. */
void         eg_flow_table_set_defer_community_id (EgFlowTable *table,
                                    gboolean            defer);
/* Flows created from here on take uids keyed by the input's identity
 * (eg_input_identify) and by the place of their first packet in it, not by
 * a random key and the table's count: the same capture read again gives
 * its flows the same uids, so the store keeps one row per flow and Kafka
 * one key, instead of a copy per reading; so does a file read alone or
 * after another (only a flow that began in the other differs). Live
 * captures keep random uids. */
void         eg_flow_table_set_uid_source (EgFlowTable *table,
                                    const guint8       *identity,
                                    gsize               len);
/* Bytes of one entry: the flow record and the state that builds it. */
gsize        eg_flow_table_entry_size (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgFlowTable, eg_flow_table_free)

G_END_DECLS
