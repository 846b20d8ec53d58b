/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-packet.c: one captured frame to addresses, ports and flags.
 *
 * Hot path: every capture worker calls this once per packet, so it neither
 * allocates nor keeps state, and every read is checked against caplen first.
 * Offsets are counted from the start of the frame: `cap` is the captured
 * length, `wire` the length on the wire and `end` the end of the IP packet as
 * its header declares it (Ethernet padding and snapshot cuts make them differ).
 */
#include "eg-packet.h"

#include <string.h>

#define ETHERTYPE_IPV4     0x0800
#define ETHERTYPE_ARP      0x0806
#define ETHERTYPE_VLAN     0x8100
#define ETHERTYPE_QINQ     0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_IPV6     0x86dd
#define ETHERTYPE_MPLS     0x8847
#define ETHERTYPE_MPLS_MC  0x8848
#define ETHERTYPE_PPPOE    0x8864  /* session stage; discovery is not IP */

#define PPP_IPV4           0x0021
#define PPP_IPV6           0x0057

#define IPPROTO_HOPOPTS_   0
#define IPPROTO_ICMP_      1
#define IPPROTO_IPIP_      4
#define IPPROTO_TCP_       6
#define IPPROTO_UDP_       17
#define IPPROTO_IPV6_      41
#define IPPROTO_ROUTING_   43
#define IPPROTO_FRAGMENT_  44
#define IPPROTO_GRE_       47
#define IPPROTO_ESP_       50
#define IPPROTO_AH_        51
#define IPPROTO_ICMPV6_    58
#define IPPROTO_NONE_      59
#define IPPROTO_DSTOPTS_   60
#define IPPROTO_MOBILITY_  135

/* ICMP and ICMPv6 headers are 8 bytes for every type (type, code, checksum
 * and 4 type-specific bytes); Zeek counts the bytes after them as payload. */
#define ICMP_HEADER_LEN    8

static inline guint16
rd16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static inline guint32
rd32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

gboolean
eg_linktype_supported (int linktype)
{
  switch (linktype)
    {
    case EG_LINKTYPE_NULL:
    case EG_LINKTYPE_ETHERNET:
    case EG_LINKTYPE_RAW:
    case EG_LINKTYPE_RAW_DLT12:
    case EG_LINKTYPE_RAW_DLT14:
    case EG_LINKTYPE_LOOP:
    case EG_LINKTYPE_LINUX_SLL:
    case EG_LINKTYPE_IPV4:
    case EG_LINKTYPE_IPV6:
    case EG_LINKTYPE_LINUX_SLL2:
      return TRUE;
    default:
      return FALSE;
    }
}

const char *
eg_decode_result_to_string (EgDecodeResult result)
{
  switch (result)
    {
    case EG_DECODE_OK:          return "ok";
    case EG_DECODE_ARP:         return "arp";
    case EG_DECODE_NOT_IP:      return "not-ip";
    case EG_DECODE_TRUNCATED:   return "truncated";
    case EG_DECODE_MALFORMED:   return "malformed";
    case EG_DECODE_UNSUPPORTED: return "unsupported";
    default:                    return "unknown";
    }
}

/* Data after the IP headers with no transport header to read: a fragment
 * that is not the first, ESP, a tunnel, a protocol without ports. */
static EgDecodeResult
no_l4 (EgPacket     *pkt,
       const guint8 *data,
       guint         off,
       guint         end,
       guint         cap)
{
  pkt->payload = data + off;
  pkt->payload_len = end - off;
  pkt->payload_caplen = MIN (end, cap) - off;
  return EG_DECODE_OK;
}

/* The transport header at `off`; `end` is where the IP packet ends by its
 * own length field. A header that overruns `end` contradicts the IP header
 * (MALFORMED); one that overruns only the capture was cut (TRUNCATED). */
static EgDecodeResult
decode_l4 (EgPacket     *pkt,
           const guint8 *data,
           guint         off,
           guint         end,
           guint         cap)
{
  const guint8 *h = data + off;
  guint avail = end - off;  /* declared bytes from the L4 header on */
  guint hlen;

  switch (pkt->proto)
    {
    case IPPROTO_TCP_:
      hlen = 20;
      break;
    case IPPROTO_UDP_:
      hlen = 8;
      break;
    case IPPROTO_ICMP_:
    case IPPROTO_ICMPV6_:
      hlen = ICMP_HEADER_LEN;
      break;
    default:
      /* Tunnels are the flow, as Zeek logs them by default: not followed. */
      if (pkt->proto == IPPROTO_IPIP_)
        pkt->tunnel = pkt->ip_version == 4 ? EG_TUNNEL_IPIP : EG_TUNNEL_IP6IP;
      else if (pkt->proto == IPPROTO_IPV6_)
        pkt->tunnel = pkt->ip_version == 4 ? EG_TUNNEL_6IN4 : EG_TUNNEL_IP6IP;
      else if (pkt->proto == IPPROTO_GRE_)
        pkt->tunnel = EG_TUNNEL_GRE;
      return no_l4 (pkt, data, off, end, cap);
    }

  /* A first fragment may end before the transport header does (RFC 1858's
   * tiny fragments): legal, if suspicious, and it has no ports to give. */
  if (hlen > avail)
    return pkt->more_fragments ? no_l4 (pkt, data, off, end, cap) : EG_DECODE_MALFORMED;
  if (off + hlen > cap)
    return EG_DECODE_TRUNCATED;

  if (pkt->proto == IPPROTO_TCP_)
    {
      hlen = (guint) (h[12] >> 4) * 4;
      if (hlen < 20)
        return EG_DECODE_MALFORMED;
      if (hlen > avail)
        return pkt->more_fragments ? no_l4 (pkt, data, off, end, cap) : EG_DECODE_MALFORMED;
      if (off + hlen > cap)
        return EG_DECODE_TRUNCATED;
      pkt->sport = rd16 (h);
      pkt->dport = rd16 (h + 2);
      pkt->seq = rd32 (h + 4);
      pkt->ack = rd32 (h + 8);
      pkt->tcp_flags = h[13] & 0x3f;  /* ECE and CWR are not kept */
      pkt->window = rd16 (h + 14);
    }
  else if (pkt->proto == IPPROTO_UDP_)
    {
      pkt->sport = rd16 (h);
      pkt->dport = rd16 (h + 2);
    }
  else
    {
      pkt->sport = h[0];  /* type */
      pkt->dport = h[1];  /* code */
    }

  pkt->has_ports = TRUE;
  pkt->payload = h + hlen;
  pkt->payload_len = avail - hlen;
  pkt->payload_caplen = MIN (end, cap) - off - hlen;
  return EG_DECODE_OK;
}

static EgDecodeResult
decode_ipv4 (EgPacket     *pkt,
             const guint8 *data,
             guint         off,
             guint         cap,
             guint         wire)
{
  const guint8 *h = data + off;
  guint ihl, total, end, frag;

  if (off + 20 > cap)
    return EG_DECODE_TRUNCATED;
  if ((h[0] >> 4) != 4)
    return EG_DECODE_MALFORMED;
  ihl = (guint) (h[0] & 0x0f) * 4;
  if (ihl < 20)
    return EG_DECODE_MALFORMED;
  if (off + ihl > cap)
    return EG_DECODE_TRUNCATED;
  total = rd16 (h + 2);
  /* Captured on the sending host with segmentation offload, the kernel has
   * not filled the length in yet: the frame is the packet. */
  if (total == 0)
    total = wire - off;
  if (total < ihl)
    return EG_DECODE_MALFORMED;

  pkt->ip_version = 4;
  pkt->l3 = h;
  pkt->l3_caplen = cap - off;
  pkt->ip_len = total;
  pkt->ttl = h[8];
  pkt->proto = h[9];
  pkt->src.family = 4;
  memcpy (pkt->src.bytes, h + 12, 4);
  pkt->dst.family = 4;
  memcpy (pkt->dst.bytes, h + 16, 4);

  frag = rd16 (h + 6);
  if (frag & 0x3fff)
    {
      pkt->is_fragment = TRUE;
      pkt->more_fragments = (frag & 0x2000) != 0;
      pkt->frag_id = rd16 (h + 4);
      pkt->frag_offset = (frag & 0x1fff) * 8;
    }

  /* Longer than the frame on the wire (not just the snapshot): the packet
   * lost its tail before it was captured. Zeek drops it (truncated_IP_len). */
  if (total > wire - off)
    return EG_DECODE_TRUNCATED;

  end = off + total;
  off += ihl;
  if (pkt->frag_offset != 0)
    return no_l4 (pkt, data, off, end, cap);
  return decode_l4 (pkt, data, off, end, cap);
}

static EgDecodeResult
decode_ipv6 (EgPacket     *pkt,
             const guint8 *data,
             guint         off,
             guint         cap,
             guint         wire)
{
  const guint8 *h = data + off;
  guint plen, end;
  guint8 nh;

  if (off + 40 > cap)
    return EG_DECODE_TRUNCATED;
  if ((h[0] >> 4) != 6)
    return EG_DECODE_MALFORMED;
  plen = rd16 (h + 4);
  nh = h[6];
  /* Segmentation offload (or a jumbogram): as for IPv4, trust the capture. */
  if (plen == 0 && nh != IPPROTO_NONE_)
    plen = wire - off - 40;

  pkt->ip_version = 6;
  pkt->l3 = h;
  pkt->l3_caplen = cap - off;
  pkt->ip_len = 40 + plen;
  pkt->ttl = h[7];
  pkt->src.family = 6;
  memcpy (pkt->src.bytes, h + 8, 16);
  pkt->dst.family = 6;
  memcpy (pkt->dst.bytes, h + 24, 16);

  if (plen > wire - off - 40)
    return EG_DECODE_TRUNCATED;

  end = off + 40 + plen;
  off += 40;
  for (;;)
    {
      guint hlen;

      pkt->proto = nh;
      switch (nh)
        {
        case IPPROTO_HOPOPTS_:
        case IPPROTO_ROUTING_:
        case IPPROTO_DSTOPTS_:
        case IPPROTO_MOBILITY_:
        case IPPROTO_AH_:
          if (off + 2 > end)
            return EG_DECODE_MALFORMED;
          if (off + 2 > cap)
            return EG_DECODE_TRUNCATED;
          if (nh == IPPROTO_AH_)
            hlen = ((guint) data[off + 1] + 2) * 4;
          else
            hlen = ((guint) data[off + 1] + 1) * 8;
          break;

        case IPPROTO_FRAGMENT_:
          {
            guint16 frag;

            hlen = 8;
            if (off + hlen > end)
              return EG_DECODE_MALFORMED;
            if (off + hlen > cap)
              return EG_DECODE_TRUNCATED;
            frag = rd16 (data + off + 2);
            pkt->frag_id = rd32 (data + off + 4);
            pkt->frag_offset = frag & 0xfff8;
            pkt->more_fragments = (frag & 1) != 0;
            /* An atomic fragment (offset 0, no more) is a whole packet. */
            pkt->is_fragment = pkt->frag_offset != 0 || pkt->more_fragments;
          }
          break;

        case IPPROTO_ESP_:
        case IPPROTO_NONE_:
          /* Encrypted, or nothing: no header after this one to read. */
          return no_l4 (pkt, data, off, end, cap);

        default:
          return decode_l4 (pkt, data, off, end, cap);
        }

      if (off + hlen > end)
        return EG_DECODE_MALFORMED;
      if (off + hlen > cap)
        return EG_DECODE_TRUNCATED;
      nh = data[off];
      off += hlen;
      if (pkt->frag_offset != 0)
        {
          pkt->proto = nh;
          return no_l4 (pkt, data, off, end, cap);
        }
    }
}

static EgDecodeResult
decode_arp (EgPacket     *pkt,
            const guint8 *data,
            guint         off,
            guint         cap)
{
  const guint8 *h = data + off;

  if (off + 8 > cap)
    return EG_DECODE_TRUNCATED;
  /* Ethernet hardware addresses and IPv4 protocol addresses only. */
  if (rd16 (h) != 1 || rd16 (h + 2) != ETHERTYPE_IPV4 || h[4] != 6 || h[5] != 4)
    return EG_DECODE_NOT_IP;
  if (off + 28 > cap)
    return EG_DECODE_TRUNCATED;
  pkt->arp_op = rd16 (h + 6);
  memcpy (pkt->arp_sha, h + 8, 6);
  memcpy (pkt->arp_spa, h + 14, 4);
  memcpy (pkt->arp_tha, h + 18, 6);
  memcpy (pkt->arp_tpa, h + 24, 4);
  return EG_DECODE_ARP;
}

/* What follows an ethertype (or SLL protocol) field ending at `off`. */
static EgDecodeResult
decode_ethertype (EgPacket     *pkt,
                  guint16       type,
                  const guint8 *data,
                  guint         off,
                  guint         cap,
                  guint         wire)
{
  while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD)
    {
      if (off + 4 > cap)
        return EG_DECODE_TRUNCATED;
      /* Keep the outer two tags; deeper stacks are walked but not stored. */
      if (pkt->n_vlans < G_N_ELEMENTS (pkt->vlan))
        pkt->vlan[pkt->n_vlans++] = rd16 (data + off) & 0x0fff;
      type = rd16 (data + off + 2);
      off += 4;
    }

  /* An 802.3 length instead of a type: LLC. Only SNAP with the RFC 1042
   * OUI (00-00-00) carries an ethertype; anything else is not IP. */
  if (type <= 1500)
    {
      if (off + 8 > cap)
        return EG_DECODE_TRUNCATED;
      if (data[off] != 0xaa || data[off + 1] != 0xaa || data[off + 2] != 0x03
          || data[off + 3] != 0 || data[off + 4] != 0 || data[off + 5] != 0)
        return EG_DECODE_NOT_IP;
      type = rd16 (data + off + 6);
      off += 8;
    }

  switch (type)
    {
    case ETHERTYPE_IPV4:
      return decode_ipv4 (pkt, data, off, cap, wire);
    case ETHERTYPE_IPV6:
      return decode_ipv6 (pkt, data, off, cap, wire);
    case ETHERTYPE_ARP:
      return decode_arp (pkt, data, off, cap);
    case ETHERTYPE_PPPOE:
      /* DSL uplinks: 6 bytes of PPPoE, then the PPP protocol. */
      if (off + 8 > cap)
        return EG_DECODE_TRUNCATED;
      switch (rd16 (data + off + 6))
        {
        case PPP_IPV4:
          return decode_ipv4 (pkt, data, off + 8, cap, wire);
        case PPP_IPV6:
          return decode_ipv6 (pkt, data, off + 8, cap, wire);
        default:
          return EG_DECODE_NOT_IP;  /* LCP, IPCP, authentication... */
        }
    case ETHERTYPE_MPLS:
    case ETHERTYPE_MPLS_MC:
      /* Labels up to the bottom of the stack; MPLS does not say what it
       * carries, the first nibble does (a pseudowire's Ethernet is not IP). */
      for (;;)
        {
          if (off + 4 > cap)
            return EG_DECODE_TRUNCATED;
          off += 4;
          if (data[off - 2] & 0x01)
            break;
        }
      if (off + 1 > cap)
        return EG_DECODE_TRUNCATED;
      switch (data[off] >> 4)
        {
        case 4:
          return decode_ipv4 (pkt, data, off, cap, wire);
        case 6:
          return decode_ipv6 (pkt, data, off, cap, wire);
        default:
          return EG_DECODE_NOT_IP;
        }
    default:
      return EG_DECODE_NOT_IP;
    }
}

/* Raw IP: the version nibble says which. */
static EgDecodeResult
decode_raw (EgPacket     *pkt,
            const guint8 *data,
            guint         off,
            guint         cap,
            guint         wire)
{
  if (off + 1 > cap)
    return EG_DECODE_TRUNCATED;
  switch (data[off] >> 4)
    {
    case 4:
      return decode_ipv4 (pkt, data, off, cap, wire);
    case 6:
      return decode_ipv6 (pkt, data, off, cap, wire);
    default:
      return EG_DECODE_MALFORMED;
    }
}

/* BSD loopback: an address family, IPv6 being 24, 28 or 30 by BSD flavour. */
static EgDecodeResult
decode_loopback (EgPacket     *pkt,
                 guint32       family,
                 const guint8 *data,
                 guint         cap,
                 guint         wire)
{
  switch (family)
    {
    case 2:
      return decode_ipv4 (pkt, data, 4, cap, wire);
    case 24:
    case 28:
    case 30:
      return decode_ipv6 (pkt, data, 4, cap, wire);
    default:
      return EG_DECODE_NOT_IP;
    }
}

EgDecodeResult
eg_packet_decode (EgPacket     *pkt,
                  int           linktype,
                  const guint8 *data,
                  guint         caplen)
{
  return eg_packet_decode_with_len (pkt, linktype, data, caplen, caplen);
}

EgDecodeResult
eg_packet_decode_with_len (EgPacket     *pkt,
                           int           linktype,
                           const guint8 *data,
                           guint         caplen,
                           guint         len)
{
  guint32 family;

  memset (pkt, 0, sizeof *pkt);
  /* A pcap header that claims less than it holds: trust the bytes. */
  if (len < caplen)
    len = caplen;

  switch (linktype)
    {
    case EG_LINKTYPE_ETHERNET:
      if (caplen < 14)
        return EG_DECODE_TRUNCATED;
      return decode_ethertype (pkt, rd16 (data + 12), data, 14, caplen, len);

    case EG_LINKTYPE_LINUX_SLL:
      /* packet type, ARPHRD, address length, 8 address bytes, protocol */
      if (caplen < 16)
        return EG_DECODE_TRUNCATED;
      return decode_ethertype (pkt, rd16 (data + 14), data, 16, caplen, len);

    case EG_LINKTYPE_LINUX_SLL2:
      /* protocol, reserved, ifindex, ARPHRD, packet type, address length+8 */
      if (caplen < 20)
        return EG_DECODE_TRUNCATED;
      return decode_ethertype (pkt, rd16 (data), data, 20, caplen, len);

    case EG_LINKTYPE_RAW:
    case EG_LINKTYPE_RAW_DLT12:
    case EG_LINKTYPE_RAW_DLT14:
      return decode_raw (pkt, data, 0, caplen, len);

    case EG_LINKTYPE_IPV4:
      return decode_ipv4 (pkt, data, 0, caplen, len);

    case EG_LINKTYPE_IPV6:
      return decode_ipv6 (pkt, data, 0, caplen, len);

    case EG_LINKTYPE_NULL:
      if (caplen < 4)
        return EG_DECODE_TRUNCATED;
      /* The capturing host's byte order, which need not be ours: families
       * are small, so the non-zero half tells the order. */
      memcpy (&family, data, 4);
      if ((family & 0xffff0000) != 0)
        family = GUINT32_SWAP_LE_BE (family);
      return decode_loopback (pkt, family, data, caplen, len);

    case EG_LINKTYPE_LOOP:
      if (caplen < 4)
        return EG_DECODE_TRUNCATED;
      return decode_loopback (pkt, rd32 (data), data, caplen, len);

    default:
      return EG_DECODE_UNSUPPORTED;
    }
}
