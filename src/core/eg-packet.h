/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-packet.h: decoding one captured frame into what the flow table needs.
 *
 * The decoder never reads past caplen and never allocates: every pointer in
 * EgPacket points into the caller's frame.
 */
#pragma once

#include <glib.h>

#include "eg-addr.h"

G_BEGIN_DECLS

/* libpcap DLT_ values we read; anything else is EG_DECODE_UNSUPPORTED. */
#define EG_LINKTYPE_NULL       0    /* BSD loopback, host byte order family */
#define EG_LINKTYPE_ETHERNET   1
#define EG_LINKTYPE_RAW        101  /* LINKTYPE_RAW (DLT_RAW differs per OS) */
#define EG_LINKTYPE_RAW_DLT12  12   /* DLT_RAW on most BSDs and Linux */
#define EG_LINKTYPE_RAW_DLT14  14   /* DLT_RAW on OpenBSD */
#define EG_LINKTYPE_LOOP       108  /* OpenBSD loopback, network byte order */
#define EG_LINKTYPE_LINUX_SLL  113
#define EG_LINKTYPE_IPV4       228
#define EG_LINKTYPE_IPV6       229
#define EG_LINKTYPE_LINUX_SLL2 276

typedef enum {
  EG_DECODE_OK,           /* an IP packet: addresses and (maybe) ports set */
  EG_DECODE_ARP,          /* an ARP packet: the arp fields are set */
  EG_DECODE_NOT_IP,       /* a valid frame carrying something else (LLDP, STP...) */
  EG_DECODE_TRUNCATED,    /* ends before a header we need */
  EG_DECODE_MALFORMED,    /* a header that contradicts itself */
  EG_DECODE_UNSUPPORTED,  /* a link type we cannot read */
} EgDecodeResult;

typedef enum {
  EG_TUNNEL_NONE,
  EG_TUNNEL_IPIP,   /* IPv4 in IPv4 (proto 4) */
  EG_TUNNEL_6IN4,   /* IPv6 in IPv4 (proto 41) */
  EG_TUNNEL_IP6IP,  /* IPv4 or IPv6 in IPv6 */
  EG_TUNNEL_GRE,    /* proto 47 */
} EgTunnel;

#define EG_TCP_FIN 0x01
#define EG_TCP_SYN 0x02
#define EG_TCP_RST 0x04
#define EG_TCP_PSH 0x08
#define EG_TCP_ACK 0x10
#define EG_TCP_URG 0x20

typedef struct {
  guint8         n_vlans;          /* tags kept: at most 2, deeper ones are skipped */
  guint16        vlan[2];          /* outer first; QinQ has both */

  /* Network layer: the outermost IP header. Tunnels are recognized and
   * flagged, not followed: the flow is the tunnel, as Zeek logs it by default. */
  guint8         ip_version;       /* 4 or 6 */
  EgAddr         src;
  EgAddr         dst;
  const guint8  *l3;               /* the IP header, for nDPI */
  guint          l3_caplen;        /* captured bytes from l3 on */
  guint          ip_len;           /* IP total length from the header */
  guint8         ttl;
  guint8         tunnel;           /* EgTunnel */

  /* Fragments: offset in bytes; id is the IPv4 id or the IPv6 fragment id. */
  gboolean       is_fragment;
  gboolean       more_fragments;
  guint32        frag_id;
  guint          frag_offset;

  /* Transport layer (absent for non-first fragments, and for a first one
   * too short to hold it) */
  guint8         proto;            /* after IPv6 extension headers */
  gboolean       has_ports;        /* ports (or ICMP type/code) were decoded */
  guint16        sport;            /* ICMP: type */
  guint16        dport;            /* ICMP: code */
  guint8         tcp_flags;        /* EG_TCP_*: ECE and CWR are dropped */
  guint32        seq;
  guint32        ack;
  guint16        window;
  guint          payload_len;      /* L4 payload length from the headers */
  const guint8  *payload;
  guint          payload_caplen;   /* captured part of the payload */

  /* ARP (EG_DECODE_ARP) */
  guint16        arp_op;
  guint8         arp_sha[6];
  guint8         arp_spa[4];
  guint8         arp_tha[6];
  guint8         arp_tpa[4];
} EgPacket;

/* A frame captured whole (caplen is its length on the wire). Readers of
 * libpcap, which knows both lengths, should prefer eg_packet_decode_with_len:
 * here a snapshot cut inside the IP packet reads as TRUNCATED. */
EgDecodeResult eg_packet_decode        (EgPacket     *pkt,
                                        int           linktype,
                                        const guint8 *data,
                                        guint         caplen);
/* A frame of `len` bytes on the wire of which `caplen` were captured (libpcap's
 * pcap_pkthdr caplen and len). A snapshot cut that leaves the headers whole
 * still decodes (payload_caplen < payload_len); an IP length beyond `len`
 * means the packet itself lost its tail: TRUNCATED (Zeek's truncated_IP_len). */
EgDecodeResult eg_packet_decode_with_len (EgPacket     *pkt,
                                        int           linktype,
                                        const guint8 *data,
                                        guint         caplen,
                                        guint         len);
gboolean       eg_linktype_supported   (int           linktype);
const char    *eg_decode_result_to_string (EgDecodeResult result);

G_END_DECLS
