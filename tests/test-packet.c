/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-packet.h"

#include <pcap/pcap.h>
#include <string.h>

#include "eg-test-util.h"

/* Frames are built by hand, byte by byte, so each test states exactly what
 * is on the wire; real captures come after. */

typedef struct {
  guint8 b[2048];
  guint  len;
} Frame;

static void
put (Frame *f, const void *p, guint n)
{
  g_assert_cmpuint (f->len + n, <=, sizeof f->b);
  memcpy (f->b + f->len, p, n);
  f->len += n;
}

static void
put8 (Frame *f, guint8 v)
{
  put (f, &v, 1);
}

static void
put16 (Frame *f, guint16 v)
{
  put8 (f, v >> 8);
  put8 (f, v & 0xff);
}

static void
put32 (Frame *f, guint32 v)
{
  put16 (f, v >> 16);
  put16 (f, v & 0xffff);
}

static void
put_zeros (Frame *f, guint n)
{
  while (n--)
    put8 (f, 0);
}

static void
patch16 (Frame *f, guint at, guint16 v)
{
  f->b[at] = v >> 8;
  f->b[at + 1] = v & 0xff;
}

static const guint8 mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const guint8 mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
static const guint8 ip_a[4] = { 192, 168, 1, 10 };
static const guint8 ip_b[4] = { 93, 184, 216, 34 };
static const guint8 ip6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x0a };
static const guint8 ip6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x01, [15] = 0x0b };

static void
put_eth (Frame *f, guint16 type)
{
  put (f, mac_b, 6);
  put (f, mac_a, 6);
  put16 (f, type);
}

static void
put_vlan (Frame *f, guint16 tci, guint16 next_type)
{
  put16 (f, tci);
  put16 (f, next_type);
}

/* An IPv4 header with `opt_words` words of NOP options; returns its offset
 * for ipv4_finish, which writes the total length once the rest is in. */
static guint
put_ipv4_full (Frame *f, guint8 proto, guint opt_words, guint16 id, guint16 frag)
{
  guint at = f->len;

  put8 (f, 0x40 | (5 + opt_words));
  put8 (f, 0);
  put16 (f, 0);        /* total length, patched */
  put16 (f, id);
  put16 (f, frag);
  put8 (f, 64);        /* ttl */
  put8 (f, proto);
  put16 (f, 0);        /* checksum: not checked */
  put (f, ip_a, 4);
  put (f, ip_b, 4);
  for (guint i = 0; i < opt_words * 4; i++)
    put8 (f, 0x01);
  return at;
}

static guint
put_ipv4 (Frame *f, guint8 proto)
{
  return put_ipv4_full (f, proto, 0, 0x1234, 0x4000 /* DF */);
}

static void
ipv4_finish (Frame *f, guint at)
{
  patch16 (f, at + 2, f->len - at);
}

static guint
put_ipv6 (Frame *f, guint8 next)
{
  guint at = f->len;

  put32 (f, 0x60000000);
  put16 (f, 0);        /* payload length, patched */
  put8 (f, next);
  put8 (f, 57);        /* hop limit */
  put (f, ip6_a, 16);
  put (f, ip6_b, 16);
  return at;
}

static void
ipv6_finish (Frame *f, guint at)
{
  patch16 (f, at + 4, f->len - at - 40);
}

static void
put_tcp (Frame *f, guint16 sport, guint16 dport, guint8 flags, guint opt_words)
{
  put16 (f, sport);
  put16 (f, dport);
  put32 (f, 0x11223344);     /* seq */
  put32 (f, 0xa0b0c0d0);     /* ack */
  put8 (f, (5 + opt_words) << 4);
  put8 (f, flags);
  put16 (f, 29200);          /* window */
  put16 (f, 0);              /* checksum */
  put16 (f, 0);              /* urgent */
  for (guint i = 0; i < opt_words * 4; i++)
    put8 (f, 0x01);
}

static void
put_udp (Frame *f, guint16 sport, guint16 dport, guint payload)
{
  put16 (f, sport);
  put16 (f, dport);
  put16 (f, 8 + payload);
  put16 (f, 0);
}

static void
put_payload (Frame *f, guint n)
{
  for (guint i = 0; i < n; i++)
    put8 (f, 'a' + i % 26);
}

/* Decodes from an exact-size heap copy, so that a read past caplen is a
 * heap overflow that the sanitizers report. */
static EgDecodeResult
decode_len (EgPacket *pkt, int linktype, const guint8 *data, guint caplen, guint len)
{
  g_autofree guint8 *copy = g_memdup2 (data, caplen);
  EgDecodeResult r = eg_packet_decode_with_len (pkt, linktype, copy, caplen, len);

  /* The pointers must not outlive the copy: make them relative to data. */
  if (pkt->l3)
    pkt->l3 = data + (pkt->l3 - copy);
  if (pkt->payload)
    pkt->payload = data + (pkt->payload - copy);
  return r;
}

static EgDecodeResult
decode (EgPacket *pkt, int linktype, const Frame *f)
{
  return decode_len (pkt, linktype, f->b, f->len, f->len);
}

static void
assert_addr4 (const EgAddr *addr, const guint8 want[4])
{
  g_assert_cmpuint (addr->family, ==, 4);
  g_assert_cmpmem (addr->bytes, 4, want, 4);
}

static void
assert_addr6 (const EgAddr *addr, const guint8 want[16])
{
  g_assert_cmpuint (addr->family, ==, 6);
  g_assert_cmpmem (addr->bytes, 16, want, 16);
}

/* Ethernet, IPv4, TCP SYN+ACK with 4 option words and 100 payload bytes. */
static void
build_eth_tcp (Frame *f)
{
  guint ip;

  put_eth (f, 0x0800);
  ip = put_ipv4 (f, 6);
  put_tcp (f, 443, 51000, EG_TCP_SYN | EG_TCP_ACK, 3);
  put_payload (f, 100);
  ipv4_finish (f, ip);
}

static void
test_ethernet_tcp (void)
{
  Frame f = { 0 };
  EgPacket pkt;

  build_eth_tcp (&f);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
  g_assert_cmpuint (pkt.n_vlans, ==, 0);
  g_assert_cmpuint (pkt.ip_version, ==, 4);
  assert_addr4 (&pkt.src, ip_a);
  assert_addr4 (&pkt.dst, ip_b);
  g_assert_true (pkt.l3 == f.b + 14);
  g_assert_cmpuint (pkt.l3_caplen, ==, f.len - 14);
  g_assert_cmpuint (pkt.ip_len, ==, 20 + 32 + 100);
  g_assert_cmpuint (pkt.ttl, ==, 64);
  g_assert_cmpuint (pkt.tunnel, ==, EG_TUNNEL_NONE);
  g_assert_false (pkt.is_fragment);
  g_assert_cmpuint (pkt.proto, ==, 6);
  g_assert_true (pkt.has_ports);
  g_assert_cmpuint (pkt.sport, ==, 443);
  g_assert_cmpuint (pkt.dport, ==, 51000);
  g_assert_cmpuint (pkt.tcp_flags, ==, EG_TCP_SYN | EG_TCP_ACK);
  g_assert_cmpuint (pkt.seq, ==, 0x11223344);
  g_assert_cmpuint (pkt.ack, ==, 0xa0b0c0d0);
  g_assert_cmpuint (pkt.window, ==, 29200);
  g_assert_cmpuint (pkt.payload_len, ==, 100);
  g_assert_cmpuint (pkt.payload_caplen, ==, 100);
  g_assert_true (pkt.payload == f.b + 14 + 20 + 32);
  g_assert_cmpint (pkt.payload[0], ==, 'a');
}

static void
test_ethernet_padding (void)
{
  Frame f = { 0 };
  EgPacket pkt;
  guint ip;

  /* A 2-byte UDP payload padded to Ethernet's 60-byte minimum: the 16 bytes
   * of padding are not payload. */
  put_eth (&f, 0x0800);
  ip = put_ipv4 (&f, 17);
  put_udp (&f, 5353, 53, 2);
  put_payload (&f, 2);
  ipv4_finish (&f, ip);
  put_zeros (&f, 60 - f.len);
  g_assert_cmpuint (f.len, ==, 60);

  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
  g_assert_cmpuint (pkt.ip_len, ==, 30);
  g_assert_cmpuint (pkt.sport, ==, 5353);
  g_assert_cmpuint (pkt.dport, ==, 53);
  g_assert_cmpuint (pkt.payload_len, ==, 2);
  g_assert_cmpuint (pkt.payload_caplen, ==, 2);
  g_assert_cmpuint (pkt.l3_caplen, ==, 46);

  /* The same with the padding cut by the snapshot length: still fine. */
  g_assert_cmpint (decode_len (&pkt, EG_LINKTYPE_ETHERNET, f.b, 44, 60), ==, EG_DECODE_OK);
  g_assert_cmpuint (pkt.payload_len, ==, 2);
}

static void
test_ethernet_vlan (void)
{
  const guint16 tpids[] = { 0x8100, 0x88a8, 0x9100 };
  EgPacket pkt;

  for (guint i = 0; i < G_N_ELEMENTS (tpids); i++)
    {
      Frame f = { 0 };
      guint ip;

      /* Priority 5 and DEI in the TCI must not leak into the id. */
      put_eth (&f, tpids[i]);
      put_vlan (&f, 0xb000 | 125, 0x0800);
      ip = put_ipv4 (&f, 17);
      put_udp (&f, 1024, 53, 10);
      put_payload (&f, 10);
      ipv4_finish (&f, ip);
      g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
      g_assert_cmpuint (pkt.n_vlans, ==, 1);
      g_assert_cmpuint (pkt.vlan[0], ==, 125);
      g_assert_cmpuint (pkt.dport, ==, 53);
      g_assert_true (pkt.l3 == f.b + 18);
    }

  /* QinQ: service tag 421 outside, customer tag 785 inside, IPv6 in. */
  {
    Frame f = { 0 };
    guint ip;

    put_eth (&f, 0x88a8);
    put_vlan (&f, 421, 0x8100);
    put_vlan (&f, 785, 0x86dd);
    ip = put_ipv6 (&f, 17);
    put_udp (&f, 40000, 53, 4);
    put_payload (&f, 4);
    ipv6_finish (&f, ip);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
    g_assert_cmpuint (pkt.n_vlans, ==, 2);
    g_assert_cmpuint (pkt.vlan[0], ==, 421);
    g_assert_cmpuint (pkt.vlan[1], ==, 785);
    assert_addr6 (&pkt.src, ip6_a);
    g_assert_cmpuint (pkt.payload_len, ==, 4);
  }

  /* Three tags: the outer two are kept, the packet still decodes. */
  {
    Frame f = { 0 };
    guint ip;

    put_eth (&f, 0x88a8);
    put_vlan (&f, 10, 0x8100);
    put_vlan (&f, 20, 0x8100);
    put_vlan (&f, 30, 0x0800);
    ip = put_ipv4 (&f, 17);
    put_udp (&f, 1, 2, 0);
    ipv4_finish (&f, ip);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
    g_assert_cmpuint (pkt.n_vlans, ==, 2);
    g_assert_cmpuint (pkt.vlan[0], ==, 10);
    g_assert_cmpuint (pkt.vlan[1], ==, 20);
    g_assert_cmpuint (pkt.dport, ==, 2);
  }
}

static void
test_ethernet_not_ip (void)
{
  EgPacket pkt;

  /* LLDP */
  {
    Frame f = { 0 };
    put_eth (&f, 0x88cc);
    put_zeros (&f, 46);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_NOT_IP);
  }
  /* STP: 802.3 length, LLC 42-42-03 */
  {
    Frame f = { 0 };
    put_eth (&f, 38);
    put8 (&f, 0x42);
    put8 (&f, 0x42);
    put8 (&f, 0x03);
    put_zeros (&f, 43);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_NOT_IP);
  }
  /* SNAP with Cisco's OUI (CDP) */
  {
    Frame f = { 0 };
    const guint8 snap[] = { 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00 };
    put_eth (&f, 46);
    put (&f, snap, sizeof snap);
    put_zeros (&f, 38);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_NOT_IP);
  }
  /* SNAP with the RFC 1042 OUI is IP over 802.3: decoded. */
  {
    Frame f = { 0 };
    const guint8 snap[] = { 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00 };
    guint ip;
    put_eth (&f, 0);
    put (&f, snap, sizeof snap);
    ip = put_ipv4 (&f, 17);
    put_udp (&f, 67, 68, 0);
    ipv4_finish (&f, ip);
    patch16 (&f, 12, f.len - 14);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
    g_assert_cmpuint (pkt.sport, ==, 67);
  }
  /* A VLAN-tagged non-IP frame keeps its tag. */
  {
    Frame f = { 0 };
    put_eth (&f, 0x8100);
    put_vlan (&f, 7, 0x88cc);
    put_zeros (&f, 42);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_NOT_IP);
    g_assert_cmpuint (pkt.n_vlans, ==, 1);
    g_assert_cmpuint (pkt.vlan[0], ==, 7);
  }
}

/* PPPoE session stage (DSL uplinks), as in dns.pcap's QinQ frames. */
static void
build_pppoe (Frame *f, guint16 ppp_proto)
{
  guint ip;

  put_eth (f, 0x8864);
  put8 (f, 0x11);            /* version 1, type 1 */
  put8 (f, 0);               /* session data */
  put16 (f, 0x556a);         /* session id */
  put16 (f, 0);              /* length: not used */
  put16 (f, ppp_proto);
  ip = put_ipv4 (f, 17);
  put_udp (f, 47255, 53, 33);
  put_payload (f, 33);
  ipv4_finish (f, ip);
}

static void
test_ethernet_pppoe (void)
{
  Frame f = { 0 }, lcp = { 0 };
  EgPacket pkt;

  build_pppoe (&f, 0x0021);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
  g_assert_true (pkt.l3 == f.b + 22);
  g_assert_cmpuint (pkt.dport, ==, 53);
  g_assert_cmpuint (pkt.payload_len, ==, 33);
  build_pppoe (&lcp, 0xc021);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &lcp), ==, EG_DECODE_NOT_IP);
}

static void
test_ethernet_mpls (void)
{
  Frame f = { 0 };
  EgPacket pkt;
  guint ip;

  put_eth (&f, 0x8847);
  put32 (&f, (16 << 12) | 255);             /* label 16 */
  put32 (&f, (17 << 12) | 0x100 | 255);     /* label 17, bottom of stack */
  ip = put_ipv6 (&f, 17);
  put_udp (&f, 4789, 4789, 0);
  ipv6_finish (&f, ip);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
  g_assert_true (pkt.l3 == f.b + 22);
  g_assert_cmpuint (pkt.ip_version, ==, 6);
  g_assert_cmpuint (pkt.sport, ==, 4789);

  /* An Ethernet pseudowire with a control word: not IP. */
  f.b[22] = 0;
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_NOT_IP);
}

static void
put_arp (Frame *f, guint16 htype, guint16 op)
{
  put16 (f, htype);
  put16 (f, 0x0800);
  put8 (f, 6);
  put8 (f, 4);
  put16 (f, op);
  put (f, mac_a, 6);
  put (f, ip_a, 4);
  put_zeros (f, 6);
  put (f, ip_b, 4);
}

static void
test_arp (void)
{
  const guint8 zero_mac[6] = { 0 };
  EgPacket pkt;
  Frame f = { 0 };

  put_eth (&f, 0x0806);
  put_arp (&f, 1, 1);
  put_zeros (&f, 18);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_ARP);
  g_assert_cmpuint (pkt.arp_op, ==, 1);
  g_assert_cmpmem (pkt.arp_sha, 6, mac_a, 6);
  g_assert_cmpmem (pkt.arp_spa, 4, ip_a, 4);
  g_assert_cmpmem (pkt.arp_tha, 6, zero_mac, 6);
  g_assert_cmpmem (pkt.arp_tpa, 4, ip_b, 4);

  /* Linux cooked: protocol 0x0806 */
  {
    Frame s = { 0 };
    put16 (&s, 4);           /* sent by us */
    put16 (&s, 1);           /* ARPHRD_ETHER */
    put16 (&s, 6);
    put (&s, mac_a, 6);
    put16 (&s, 0);
    put16 (&s, 0x0806);
    put_arp (&s, 1, 2);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_LINUX_SLL, &s), ==, EG_DECODE_ARP);
    g_assert_cmpuint (pkt.arp_op, ==, 2);
    g_assert_cmpmem (pkt.arp_spa, 4, ip_a, 4);
  }

  /* IEEE 802 hardware (htype 6): not the ARP we read. */
  {
    Frame t = { 0 };
    put_eth (&t, 0x0806);
    put_arp (&t, 6, 1);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &t), ==, EG_DECODE_NOT_IP);
  }

  /* Cut inside the addresses. */
  g_assert_cmpint (decode_len (&pkt, EG_LINKTYPE_ETHERNET, f.b, 14 + 27, f.len), ==,
                   EG_DECODE_TRUNCATED);
}

/* IPv4/UDP 5000 -> 6000 with 12 payload bytes behind an SLL2 header: no
 * capture we have uses SLL2. */
static void
build_sll2_udp (Frame *f)
{
  guint start = f->len, ip;

  put16 (f, 0x0800);         /* protocol */
  put16 (f, 0);              /* reserved */
  put32 (f, 3);              /* interface index */
  put16 (f, 1);              /* ARPHRD_ETHER */
  put8 (f, 0);               /* to us */
  put8 (f, 6);
  put (f, mac_a, 6);
  put16 (f, 0);
  g_assert_cmpuint (f->len - start, ==, 20);
  ip = put_ipv4 (f, 17);
  put_udp (f, 5000, 6000, 12);
  put_payload (f, 12);
  ipv4_finish (f, ip);
}

static void
test_sll2 (void)
{
  Frame f = { 0 };
  EgPacket pkt;

  build_sll2_udp (&f);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_LINUX_SLL2, &f), ==, EG_DECODE_OK);
  g_assert_true (pkt.l3 == f.b + 20);
  assert_addr4 (&pkt.src, ip_a);
  assert_addr4 (&pkt.dst, ip_b);
  g_assert_cmpuint (pkt.sport, ==, 5000);
  g_assert_cmpuint (pkt.dport, ==, 6000);
  g_assert_cmpuint (pkt.payload_len, ==, 12);

  for (guint cut = 0; cut < 20; cut++)
    g_assert_cmpint (decode_len (&pkt, EG_LINKTYPE_LINUX_SLL2, f.b, cut, f.len), ==,
                     EG_DECODE_TRUNCATED);
}

static void
test_sll (void)
{
  Frame f = { 0 };
  EgPacket pkt;
  guint ip;

  put16 (&f, 0);             /* to us */
  put16 (&f, 1);             /* ARPHRD_ETHER */
  put16 (&f, 6);
  put (&f, mac_b, 6);
  put16 (&f, 0);
  put16 (&f, 0x86dd);
  ip = put_ipv6 (&f, 6);
  put_tcp (&f, 8080, 40000, EG_TCP_FIN | EG_TCP_ACK, 0);
  ipv6_finish (&f, ip);

  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_LINUX_SLL, &f), ==, EG_DECODE_OK);
  g_assert_true (pkt.l3 == f.b + 16);
  g_assert_cmpuint (pkt.ip_version, ==, 6);
  assert_addr6 (&pkt.dst, ip6_b);
  g_assert_cmpuint (pkt.tcp_flags, ==, EG_TCP_FIN | EG_TCP_ACK);
  g_assert_cmpuint (pkt.payload_len, ==, 0);
  g_assert_cmpuint (pkt.ip_len, ==, 60);

  /* 802.2 LLC (protocol 4) carrying STP */
  patch16 (&f, 14, 0x0004);
  f.b[16] = 0x42;
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_LINUX_SLL, &f), ==, EG_DECODE_NOT_IP);
}

static void
test_raw (void)
{
  Frame v4 = { 0 }, v6 = { 0 };
  EgPacket pkt;
  guint ip;

  ip = put_ipv4 (&v4, 6);
  put_tcp (&v4, 1234, 80, EG_TCP_PSH | EG_TCP_ACK, 0);
  put_payload (&v4, 7);
  ipv4_finish (&v4, ip);
  ip = put_ipv6 (&v6, 17);
  put_udp (&v6, 1234, 443, 9);
  put_payload (&v6, 9);
  ipv6_finish (&v6, ip);

  const int raws[] = { EG_LINKTYPE_RAW, EG_LINKTYPE_RAW_DLT12, EG_LINKTYPE_RAW_DLT14 };
  for (guint i = 0; i < G_N_ELEMENTS (raws); i++)
    {
      g_assert_cmpint (decode (&pkt, raws[i], &v4), ==, EG_DECODE_OK);
      g_assert_true (pkt.l3 == v4.b);
      g_assert_cmpuint (pkt.dport, ==, 80);
      g_assert_cmpuint (pkt.payload_len, ==, 7);
      g_assert_cmpint (decode (&pkt, raws[i], &v6), ==, EG_DECODE_OK);
      g_assert_cmpuint (pkt.ip_version, ==, 6);
      g_assert_cmpuint (pkt.dport, ==, 443);
      g_assert_cmpuint (pkt.payload_len, ==, 9);
    }
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_IPV4, &v4), ==, EG_DECODE_OK);
  g_assert_cmpuint (pkt.sport, ==, 1234);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_IPV6, &v6), ==, EG_DECODE_OK);
  g_assert_cmpuint (pkt.sport, ==, 1234);
  /* The link type promises one version and the packet has the other. */
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_IPV4, &v6), ==, EG_DECODE_MALFORMED);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_IPV6, &v4), ==, EG_DECODE_MALFORMED);
  v4.b[0] = 0x55;
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_RAW, &v4), ==, EG_DECODE_MALFORMED);
  g_assert_cmpint (decode_len (&pkt, EG_LINKTYPE_RAW, v4.b, 0, 0), ==, EG_DECODE_TRUNCATED);
}

static void
put_family (Frame *f, guint32 family, gboolean big_endian)
{
  guint32 v = big_endian ? GUINT32_TO_BE (family) : GUINT32_TO_LE (family);
  put (f, &v, 4);
}

static void
test_loopback (void)
{
  const guint32 v6_families[] = { 24, 28, 30 };
  EgPacket pkt;

  /* Written by a little- or a big-endian host: both read. */
  for (int be = 0; be < 2; be++)
    {
      Frame f = { 0 };
      guint ip;

      put_family (&f, 2, be);
      ip = put_ipv4 (&f, 6);
      put_tcp (&f, 50000, 4443, EG_TCP_RST, 0);
      ipv4_finish (&f, ip);
      g_assert_cmpint (decode (&pkt, EG_LINKTYPE_NULL, &f), ==, EG_DECODE_OK);
      g_assert_true (pkt.l3 == f.b + 4);
      g_assert_cmpuint (pkt.dport, ==, 4443);
      g_assert_cmpuint (pkt.tcp_flags, ==, EG_TCP_RST);

      for (guint i = 0; i < G_N_ELEMENTS (v6_families); i++)
        {
          Frame g = { 0 };
          put_family (&g, v6_families[i], be);
          ip = put_ipv6 (&g, 58);
          put8 (&g, 128);
          put8 (&g, 0);
          put_zeros (&g, 6);
          ipv6_finish (&g, ip);
          g_assert_cmpint (decode (&pkt, EG_LINKTYPE_NULL, &g), ==, EG_DECODE_OK);
          g_assert_cmpuint (pkt.ip_version, ==, 6);
          g_assert_cmpuint (pkt.sport, ==, 128);
        }
    }

  /* AF_APPLETALK (16) */
  {
    Frame f = { 0 };
    put_family (&f, 16, FALSE);
    put_zeros (&f, 40);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_NULL, &f), ==, EG_DECODE_NOT_IP);
  }

  /* LOOP: always network order */
  {
    Frame f = { 0 };
    guint ip;

    put_family (&f, 24, TRUE);
    ip = put_ipv6 (&f, 17);
    put_udp (&f, 1, 2, 0);
    ipv6_finish (&f, ip);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_LOOP, &f), ==, EG_DECODE_OK);
    g_assert_cmpuint (pkt.dport, ==, 2);
    f.b[3] = 0;
    f.b[0] = 24;   /* little-endian: not LOOP's order */
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_LOOP, &f), ==, EG_DECODE_NOT_IP);
  }
}

static void
test_linktypes (void)
{
  const int supported[] = { 0, 1, 12, 14, 101, 108, 113, 228, 229, 276 };
  const int unsupported[] = { -1, 6, 9, 105, 119, 127, 147, 192, 1000 };
  Frame f = { 0 };
  EgPacket pkt;

  build_eth_tcp (&f);
  for (guint i = 0; i < G_N_ELEMENTS (supported); i++)
    g_assert_true (eg_linktype_supported (supported[i]));
  for (guint i = 0; i < G_N_ELEMENTS (unsupported); i++)
    {
      g_assert_false (eg_linktype_supported (unsupported[i]));
      g_assert_cmpint (decode (&pkt, unsupported[i], &f), ==, EG_DECODE_UNSUPPORTED);
    }
}

static void
test_result_strings (void)
{
  g_assert_cmpstr (eg_decode_result_to_string (EG_DECODE_OK), ==, "ok");
  g_assert_cmpstr (eg_decode_result_to_string (EG_DECODE_ARP), ==, "arp");
  g_assert_cmpstr (eg_decode_result_to_string (EG_DECODE_NOT_IP), ==, "not-ip");
  g_assert_cmpstr (eg_decode_result_to_string (EG_DECODE_TRUNCATED), ==, "truncated");
  g_assert_cmpstr (eg_decode_result_to_string (EG_DECODE_MALFORMED), ==, "malformed");
  g_assert_cmpstr (eg_decode_result_to_string (EG_DECODE_UNSUPPORTED), ==, "unsupported");
  g_assert_cmpstr (eg_decode_result_to_string (42), ==, "unknown");
}

static void
test_ipv4_options (void)
{
  Frame f = { 0 };
  EgPacket pkt;
  guint ip;

  put_eth (&f, 0x0800);
  ip = put_ipv4_full (&f, 17, 3, 7, 0);
  put_udp (&f, 123, 123, 48);
  put_payload (&f, 48);
  ipv4_finish (&f, ip);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
  g_assert_cmpuint (pkt.ip_len, ==, 32 + 8 + 48);
  g_assert_cmpuint (pkt.sport, ==, 123);
  g_assert_cmpuint (pkt.payload_len, ==, 48);
  g_assert_true (pkt.payload == f.b + 14 + 32 + 8);
}

static void
test_ipv4_malformed (void)
{
  Frame f = { 0 };
  EgPacket pkt;

  build_eth_tcp (&f);
  /* IHL 4 */
  f.b[14] = 0x44;
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_MALFORMED);
  f.b[14] = 0x45;
  /* total length shorter than the header */
  patch16 (&f, 16, 19);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_MALFORMED);
  /* room for the IP header, not for TCP's 20 bytes */
  patch16 (&f, 16, 30);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_MALFORMED);
  /* TCP options beyond the IP length */
  patch16 (&f, 16, 45);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_MALFORMED);
  patch16 (&f, 16, f.len - 14);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
  /* TCP data offset 4 */
  f.b[14 + 20 + 12] = 0x40;
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_MALFORMED);
  f.b[14 + 20 + 12] = 0x80;
  /* version 6 behind ethertype IPv4 */
  f.b[14] = 0x65;
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_MALFORMED);
}

/* Segmentation offload: the sender's capture shows total length 0. */
static void
test_ipv4_offload (void)
{
  Frame f = { 0 };
  EgPacket pkt;

  build_eth_tcp (&f);
  patch16 (&f, 16, 0);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
  g_assert_cmpuint (pkt.ip_len, ==, f.len - 14);
  g_assert_cmpuint (pkt.payload_len, ==, 100);
}

/* One UDP datagram of 3000 bytes in three IPv4 fragments of 1480, 1480, 48. */
static void
test_ipv4_fragments (void)
{
  EgPacket pkt;
  Frame first = { 0 }, middle = { 0 }, last = { 0 };
  guint ip;

  put_eth (&first, 0x0800);
  ip = put_ipv4_full (&first, 17, 0, 0xbeef, 0x2000);
  put_udp (&first, 53, 33000, 3000);
  put_payload (&first, 1472 - 1400);   /* captured short: the frame is a prefix */
  ipv4_finish (&first, ip);
  patch16 (&first, ip + 2, 1500);

  g_assert_cmpint (decode_len (&pkt, EG_LINKTYPE_ETHERNET, first.b, first.len, 1514), ==,
                   EG_DECODE_OK);
  g_assert_true (pkt.is_fragment);
  g_assert_true (pkt.more_fragments);
  g_assert_cmpuint (pkt.frag_id, ==, 0xbeef);
  g_assert_cmpuint (pkt.frag_offset, ==, 0);
  g_assert_true (pkt.has_ports);
  g_assert_cmpuint (pkt.sport, ==, 53);
  g_assert_cmpuint (pkt.payload_len, ==, 1472);
  g_assert_cmpuint (pkt.payload_caplen, ==, 72);

  put_eth (&middle, 0x0800);
  ip = put_ipv4_full (&middle, 17, 0, 0xbeef, 0x2000 | (1480 / 8));
  put_payload (&middle, 1480);
  ipv4_finish (&middle, ip);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &middle), ==, EG_DECODE_OK);
  g_assert_true (pkt.is_fragment);
  g_assert_true (pkt.more_fragments);
  g_assert_cmpuint (pkt.frag_offset, ==, 1480);
  g_assert_cmpuint (pkt.proto, ==, 17);
  g_assert_false (pkt.has_ports);
  g_assert_cmpuint (pkt.sport, ==, 0);
  g_assert_cmpuint (pkt.payload_len, ==, 1480);

  /* The last one is too short for a UDP header: it must not be read as one. */
  put_eth (&last, 0x0800);
  ip = put_ipv4_full (&last, 17, 0, 0xbeef, 2960 / 8);
  put_payload (&last, 48);
  ipv4_finish (&last, ip);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &last), ==, EG_DECODE_OK);
  g_assert_true (pkt.is_fragment);
  g_assert_false (pkt.more_fragments);
  g_assert_cmpuint (pkt.frag_offset, ==, 2960);
  g_assert_false (pkt.has_ports);
  g_assert_cmpuint (pkt.payload_len, ==, 48);

  /* A tiny first fragment (RFC 1858) that ends inside the TCP header: no
   * ports, but not malformed; without "more fragments" it would be. */
  {
    Frame tiny = { 0 };

    put_eth (&tiny, 0x0800);
    ip = put_ipv4_full (&tiny, 6, 0, 0xcafe, 0x2000);
    put_tcp (&tiny, 1, 2, EG_TCP_SYN, 0);
    tiny.len -= 12;
    ipv4_finish (&tiny, ip);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &tiny), ==, EG_DECODE_OK);
    g_assert_true (pkt.is_fragment);
    g_assert_cmpuint (pkt.frag_offset, ==, 0);
    g_assert_false (pkt.has_ports);
    g_assert_cmpuint (pkt.payload_len, ==, 8);
    patch16 (&tiny, ip + 6, 0);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &tiny), ==, EG_DECODE_MALFORMED);
  }
}

static void
put_ext (Frame *f, guint8 next, guint8 len_field, guint total)
{
  put8 (f, next);
  put8 (f, len_field);
  put_zeros (f, total - 2);
}

static void
test_ipv6_extensions (void)
{
  EgPacket pkt;

  /* hop-by-hop (8) -> routing (24) -> destination options (16) -> AH (24)
   * -> mobility (8) -> TCP */
  {
    Frame f = { 0 };
    guint ip;

    put_eth (&f, 0x86dd);
    ip = put_ipv6 (&f, 0);
    put_ext (&f, 43, 0, 8);
    put_ext (&f, 60, 2, 24);
    put_ext (&f, 51, 1, 16);
    put_ext (&f, 135, 4, 24);   /* AH counts 4-byte words: (4 + 2) * 4 */
    put_ext (&f, 6, 0, 8);
    put_tcp (&f, 22, 60000, EG_TCP_ACK | EG_TCP_URG, 1);
    put_payload (&f, 33);
    ipv6_finish (&f, ip);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
    g_assert_cmpuint (pkt.ip_len, ==, f.len - 14);
    g_assert_cmpuint (pkt.ttl, ==, 57);
    g_assert_cmpuint (pkt.proto, ==, 6);
    g_assert_true (pkt.has_ports);
    g_assert_cmpuint (pkt.sport, ==, 22);
    g_assert_cmpuint (pkt.tcp_flags, ==, EG_TCP_ACK | EG_TCP_URG);
    g_assert_cmpuint (pkt.payload_len, ==, 33);
    g_assert_true (pkt.l3 == f.b + 14);
    g_assert_false (pkt.is_fragment);

    /* An extension header longer than the payload length */
    patch16 (&f, ip + 4, 20);
    g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_MALFORMED);
  }

  /* ESP and no-next-header end the chain */
  {
    const guint8 ends[] = { 50, 59 };
    for (guint i = 0; i < G_N_ELEMENTS (ends); i++)
      {
        Frame f = { 0 };
        guint ip;

        put_eth (&f, 0x86dd);
        ip = put_ipv6 (&f, 60);
        put_ext (&f, ends[i], 0, 8);
        put_payload (&f, 24);
        ipv6_finish (&f, ip);
        g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
        g_assert_cmpuint (pkt.proto, ==, ends[i]);
        g_assert_false (pkt.has_ports);
        g_assert_cmpuint (pkt.payload_len, ==, 24);
      }
  }
}

static void
test_ipv6_fragments (void)
{
  EgPacket pkt;
  Frame first = { 0 }, later = { 0 };
  guint ip;

  put_eth (&first, 0x86dd);
  ip = put_ipv6 (&first, 44);
  put8 (&first, 17);
  put8 (&first, 0);
  put16 (&first, 0 | 1);
  put32 (&first, 0x28403c0b);
  put_udp (&first, 53, 41000, 2000);
  put_payload (&first, 100);
  ipv6_finish (&first, ip);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &first), ==, EG_DECODE_OK);
  g_assert_true (pkt.is_fragment);
  g_assert_true (pkt.more_fragments);
  g_assert_cmpuint (pkt.frag_id, ==, 0x28403c0b);
  g_assert_cmpuint (pkt.frag_offset, ==, 0);
  g_assert_cmpuint (pkt.proto, ==, 17);
  g_assert_true (pkt.has_ports);
  g_assert_cmpuint (pkt.dport, ==, 41000);
  g_assert_cmpuint (pkt.payload_len, ==, 100);

  put_eth (&later, 0x86dd);
  ip = put_ipv6 (&later, 0);
  put_ext (&later, 44, 0, 8);
  put8 (&later, 17);
  put8 (&later, 0);
  put16 (&later, 1448);
  put32 (&later, 0x28403c0b);
  put_payload (&later, 60);
  ipv6_finish (&later, ip);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &later), ==, EG_DECODE_OK);
  g_assert_true (pkt.is_fragment);
  g_assert_false (pkt.more_fragments);
  g_assert_cmpuint (pkt.frag_offset, ==, 1448);
  g_assert_cmpuint (pkt.proto, ==, 17);
  g_assert_false (pkt.has_ports);
  g_assert_cmpuint (pkt.payload_len, ==, 60);

  /* An atomic fragment (offset 0, no more) is a whole packet. */
  patch16 (&first, 14 + 40 + 2, 0);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &first), ==, EG_DECODE_OK);
  g_assert_false (pkt.is_fragment);
  g_assert_true (pkt.has_ports);
}

static void
test_icmp (void)
{
  EgPacket pkt;
  Frame v4 = { 0 }, v6 = { 0 };
  guint ip;

  put_eth (&v4, 0x0800);
  ip = put_ipv4 (&v4, 1);
  put8 (&v4, 3);             /* destination unreachable */
  put8 (&v4, 13);            /* administratively prohibited */
  put_zeros (&v4, 6);
  put_payload (&v4, 28);
  ipv4_finish (&v4, ip);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &v4), ==, EG_DECODE_OK);
  g_assert_cmpuint (pkt.proto, ==, 1);
  g_assert_true (pkt.has_ports);
  g_assert_cmpuint (pkt.sport, ==, 3);
  g_assert_cmpuint (pkt.dport, ==, 13);
  g_assert_cmpuint (pkt.payload_len, ==, 28);

  put_eth (&v6, 0x86dd);
  ip = put_ipv6 (&v6, 58);
  put8 (&v6, 135);           /* neighbour solicitation */
  put8 (&v6, 0);
  put_zeros (&v6, 6);
  put (&v6, ip6_b, 16);
  ipv6_finish (&v6, ip);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &v6), ==, EG_DECODE_OK);
  g_assert_cmpuint (pkt.proto, ==, 58);
  g_assert_cmpuint (pkt.sport, ==, 135);
  g_assert_cmpuint (pkt.dport, ==, 0);
  g_assert_cmpuint (pkt.payload_len, ==, 16);
}

static void
test_other_proto (void)
{
  Frame f = { 0 };
  EgPacket pkt;
  guint ip;

  put_eth (&f, 0x0800);
  ip = put_ipv4 (&f, 132);   /* SCTP */
  put_payload (&f, 28);
  ipv4_finish (&f, ip);
  g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
  g_assert_cmpuint (pkt.proto, ==, 132);
  g_assert_false (pkt.has_ports);
  g_assert_cmpuint (pkt.tunnel, ==, EG_TUNNEL_NONE);
  g_assert_cmpuint (pkt.payload_len, ==, 28);
}

static void
test_tunnels (void)
{
  const struct {
    guint8 outer;       /* 4 or 6 */
    guint8 proto;
    EgTunnel tunnel;
  } cases[] = {
    { 4, 4, EG_TUNNEL_IPIP },
    { 4, 41, EG_TUNNEL_6IN4 },
    { 4, 47, EG_TUNNEL_GRE },
    { 6, 4, EG_TUNNEL_IP6IP },
    { 6, 41, EG_TUNNEL_IP6IP },
    { 6, 47, EG_TUNNEL_GRE },
  };
  EgPacket pkt;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Frame f = { 0 };
      guint outer, inner;

      put_eth (&f, cases[i].outer == 4 ? 0x0800 : 0x86dd);
      outer = cases[i].outer == 4 ? put_ipv4 (&f, cases[i].proto) : put_ipv6 (&f, cases[i].proto);
      if (cases[i].proto == 47)
        {
          put16 (&f, 0);
          put16 (&f, 0x0800);
        }
      /* The inner packet: its ports must not surface. */
      inner = cases[i].proto == 41 ? put_ipv6 (&f, 17) : put_ipv4 (&f, 17);
      put_udp (&f, 4500, 4500, 0);
      if (cases[i].proto == 41)
        ipv6_finish (&f, inner);
      else
        ipv4_finish (&f, inner);
      if (cases[i].outer == 4)
        ipv4_finish (&f, outer);
      else
        ipv6_finish (&f, outer);

      g_assert_cmpint (decode (&pkt, EG_LINKTYPE_ETHERNET, &f), ==, EG_DECODE_OK);
      g_assert_cmpuint (pkt.ip_version, ==, cases[i].outer);
      g_assert_cmpuint (pkt.proto, ==, cases[i].proto);
      g_assert_cmpuint (pkt.tunnel, ==, cases[i].tunnel);
      g_assert_false (pkt.has_ports);
      g_assert_true (pkt.l3 == f.b + 14);
      g_assert_true (pkt.payload == f.b + 14 + (cases[i].outer == 4 ? 20 : 40));
      if (cases[i].outer == 4)
        assert_addr4 (&pkt.src, ip_a);
      else
        assert_addr6 (&pkt.src, ip6_a);
    }
}

/* Every prefix of a valid frame: a cut inside the headers is TRUNCATED, a
 * cut after them decodes as a snapshot cut, and nothing reads out of bounds
 * (the copy in decode_len is exact-size, the suite runs under ASan). */
static void
check_prefixes (int linktype, const Frame *f, guint headers_end)
{
  EgPacket whole, pkt;

  g_assert_cmpint (decode (&whole, linktype, f), ==, EG_DECODE_OK);
  for (guint cut = 0; cut < f->len; cut++)
    {
      EgDecodeResult r = decode_len (&pkt, linktype, f->b, cut, f->len);

      if (cut < headers_end)
        {
          g_assert_cmpint (r, ==, EG_DECODE_TRUNCATED);
        }
      else
        {
          g_assert_cmpint (r, ==, EG_DECODE_OK);
          g_assert_cmpuint (pkt.sport, ==, whole.sport);
          g_assert_cmpuint (pkt.payload_len, ==, whole.payload_len);
          g_assert_cmpuint (pkt.payload_caplen, ==, cut - headers_end);
          g_assert_cmpuint (pkt.l3_caplen, ==, cut - (whole.l3 - f->b));
        }
      /* Captured whole but shorter than the IP header says: TRUNCATED. */
      if (cut >= headers_end)
        g_assert_cmpint (decode_len (&pkt, linktype, f->b, cut, cut), ==, EG_DECODE_TRUNCATED);
    }
}

static void
build_qinq_ipv6 (Frame *f)
{
  guint ip;

  put_eth (f, 0x88a8);
  put_vlan (f, 421, 0x8100);
  put_vlan (f, 785, 0x86dd);
  ip = put_ipv6 (f, 0);
  put_ext (f, 60, 0, 8);
  put_ext (f, 17, 1, 16);
  put_udp (f, 53, 53, 20);
  put_payload (f, 20);
  ipv6_finish (f, ip);
}

static void
build_sll_icmp_options (Frame *f)
{
  guint ip;

  put16 (f, 0);
  put16 (f, 1);
  put16 (f, 6);
  put (f, mac_a, 6);
  put16 (f, 0);
  put16 (f, 0x0800);
  ip = put_ipv4_full (f, 1, 2, 1, 0);
  put8 (f, 8);
  put8 (f, 0);
  put_zeros (f, 6);
  put_payload (f, 30);
  ipv4_finish (f, ip);
}

static void
build_raw_tcp6 (Frame *f)
{
  guint ip = put_ipv6 (f, 6);

  put_tcp (f, 5, 6, EG_TCP_SYN, 10);
  put_payload (f, 10);
  ipv6_finish (f, ip);
}

static void
build_null_udp (Frame *f)
{
  guint ip;

  put_family (f, 2, FALSE);
  ip = put_ipv4 (f, 17);
  put_udp (f, 7, 7, 5);
  put_payload (f, 5);
  ipv4_finish (f, ip);
}

static void
build_ipv6_first_fragment (Frame *f)
{
  guint ip;

  put_eth (f, 0x86dd);
  ip = put_ipv6 (f, 44);
  put8 (f, 6);
  put8 (f, 0);
  put16 (f, 1);
  put32 (f, 99);
  put_tcp (f, 9, 10, EG_TCP_ACK, 0);
  put_payload (f, 12);
  ipv6_finish (f, ip);
}

/* GRE carrying IPv4: a tunnel, whose inner packet is left alone. */
static void
build_gre (Frame *f)
{
  guint outer, inner;

  put_eth (f, 0x0800);
  outer = put_ipv4 (f, 47);
  put16 (f, 0);
  put16 (f, 0x0800);
  inner = put_ipv4 (f, 6);
  put_tcp (f, 80, 1025, EG_TCP_ACK, 0);
  ipv4_finish (f, inner);
  ipv4_finish (f, outer);
}

static void
build_pppoe_ipv4 (Frame *f)
{
  build_pppoe (f, 0x0021);
}

/* Valid frames and where their last needed header ends: the prefix test
 * cuts them everywhere, and they seed the fuzzer's corpus. */
static const struct {
  const char *name;
  int linktype;
  void (*build) (Frame *f);
  guint headers_end;
} samples[] = {
  { "eth-ipv4-tcp", EG_LINKTYPE_ETHERNET, build_eth_tcp, 14 + 20 + 32 },
  { "pppoe-udp", EG_LINKTYPE_ETHERNET, build_pppoe_ipv4, 22 + 20 + 8 },
  { "qinq-ipv6-ext-udp", EG_LINKTYPE_ETHERNET, build_qinq_ipv6, 22 + 40 + 24 + 8 },
  { "ipv6-first-fragment", EG_LINKTYPE_ETHERNET, build_ipv6_first_fragment, 14 + 40 + 8 + 20 },
  { "sll-icmp-options", EG_LINKTYPE_LINUX_SLL, build_sll_icmp_options, 16 + 28 + 8 },
  { "sll2-udp", EG_LINKTYPE_LINUX_SLL2, build_sll2_udp, 20 + 20 + 8 },
  { "raw-tcp6", EG_LINKTYPE_RAW, build_raw_tcp6, 40 + 60 },
  { "null-udp", EG_LINKTYPE_NULL, build_null_udp, 4 + 20 + 8 },
  { "eth-gre", EG_LINKTYPE_ETHERNET, build_gre, 14 + 20 },
};

static void
test_truncated_prefixes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      Frame f = { 0 };

      samples[i].build (&f);
      check_prefixes (samples[i].linktype, &f, samples[i].headers_end);
    }
}

/* EG_WRITE_FUZZ_CORPUS=DIR test-packet: writes the samples for
 * tests/fuzz/fuzz-packet (first byte: link type, as the fuzzer reads it). */
static void
write_fuzz_corpus (const char *dir)
{
  const int order[] = { 0, 1, 12, 14, 101, 108, 113, 228, 229, 276 };  /* fuzz-packet.c */

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_build_filename (dir, samples[i].name, NULL);
      Frame f = { 0 };
      guint k;

      for (k = 0; order[k] != samples[i].linktype; k++)
        ;
      put8 (&f, k);
      samples[i].build (&f);
      if (!g_file_set_contents (path, (const char *) f.b, f.len, &error))
        g_error ("%s", error->message);
    }
}

/* Real captures from nDPI's test suite, read with libpcap. */

typedef struct {
  guint n;
  guint result[EG_DECODE_UNSUPPORTED + 1];
  guint v4, v6, tcp, udp, icmp, syn;
  guint vlan_tagged, qinq;
  guint vlan_seen[4096];
  guint tunnel[EG_TUNNEL_GRE + 1];
  guint fragments, first_fragments, later_fragments, fragments_with_ports;
  guint fragment_ids_v6;
  guint padded;      /* frames longer than the IP packet they carry */
  guint payload_cut; /* captured bytes < payload the headers promise */
  guint64 tcp_payload, udp_payload;
} Tally;

static gboolean
tally_file (const char *name, int want_linktype, Tally *t)
{
  g_autofree char *path = eg_test_shared_path (name);
  char errbuf[PCAP_ERRBUF_SIZE];
  struct pcap_pkthdr *hdr;
  const u_char *data;
  pcap_t *pcap;
  int rc;

  memset (t, 0, sizeof *t);
  if (path == NULL)
    return FALSE;
  pcap = pcap_open_offline (path, errbuf);
  if (pcap == NULL)
    g_error ("%s: %s", path, errbuf);
  g_assert_cmpint (pcap_datalink (pcap), ==, want_linktype);
  while ((rc = pcap_next_ex (pcap, &hdr, &data)) == 1)
    {
      EgPacket pkt;
      EgDecodeResult r = decode_len (&pkt, pcap_datalink (pcap), data, hdr->caplen, hdr->len);

      t->n++;
      t->result[r]++;
      if (pkt.n_vlans > 0)
        t->vlan_tagged++;
      if (pkt.n_vlans == 2)
        t->qinq++;
      for (guint i = 0; i < pkt.n_vlans; i++)
        t->vlan_seen[pkt.vlan[i]]++;
      if (r != EG_DECODE_OK)
        continue;
      if (pkt.ip_version == 4)
        t->v4++;
      else
        t->v6++;
      t->tunnel[pkt.tunnel]++;
      if (pkt.proto == 6 && pkt.has_ports)
        t->tcp++;
      if (pkt.proto == 17 && pkt.has_ports)
        t->udp++;
      if ((pkt.proto == 1 || pkt.proto == 58) && pkt.has_ports)
        t->icmp++;
      if (pkt.has_ports && pkt.proto == 6
          && (pkt.tcp_flags & (EG_TCP_SYN | EG_TCP_ACK)) == EG_TCP_SYN)
        t->syn++;
      if (pkt.is_fragment)
        {
          t->fragments++;
          if (pkt.frag_offset == 0)
            t->first_fragments++;
          else
            t->later_fragments++;
          if (pkt.has_ports)
            t->fragments_with_ports++;
          if (pkt.ip_version == 6)
            t->fragment_ids_v6++;
        }
      if (pkt.proto == 6 && pkt.has_ports)
        t->tcp_payload += pkt.payload_len;
      if (pkt.proto == 17 && pkt.has_ports)
        t->udp_payload += pkt.payload_len;
      if (pkt.l3_caplen > pkt.ip_len)
        t->padded++;
      if (pkt.payload_caplen < pkt.payload_len)
        t->payload_cut++;
      /* Whatever decoded lies inside the captured frame. */
      g_assert_true (pkt.l3 >= data && pkt.l3 + pkt.l3_caplen == data + hdr->caplen);
      g_assert_true (pkt.payload + pkt.payload_caplen <= data + hdr->caplen);
    }
  g_assert_cmpint (rc, ==, PCAP_ERROR_BREAK);
  pcap_close (pcap);
  return TRUE;
}

/* The expected counts below come from tshark 4.0 on the same files, e.g.
 * `tshark -r dns.pcap -Y 'count(vlan)==2' | wc -l`; each filter is quoted. */

static void
test_capture_dns_qinq (void)
{
  Tally t;

  if (!tally_file ("ndpi/dns.pcap", DLT_EN10MB, &t))
    return;
  g_assert_cmpuint (t.n, ==, 5);
  /* Frames 4-5 carry PPPoE inside the two tags (eth:vlan:vlan:pppoes:ppp:ip) */
  g_assert_cmpuint (t.result[EG_DECODE_OK], ==, 5);
  g_assert_cmpuint (t.udp, ==, 5);                 /* -Y udp: 5 */
  g_assert_cmpuint (t.qinq, ==, 2);                /* -Y 'count(vlan)==2': 2 */
  g_assert_cmpuint (t.vlan_seen[421], ==, 2);      /* -Y 'vlan.id==421': 2 */
  g_assert_cmpuint (t.vlan_seen[785], ==, 2);      /* -Y 'vlan.id==785': 2 */
}

static void
test_capture_null (void)
{
  Tally t;

  if (!tally_file ("ndpi/selfsigned.pcap", DLT_NULL, &t))
    return;
  g_assert_cmpuint (t.n, ==, 20);
  g_assert_cmpuint (t.result[EG_DECODE_OK], ==, 20);
  g_assert_cmpuint (t.tcp, ==, 20);                /* -Y tcp: 20 */
  g_assert_cmpuint (t.syn, ==, 1);                 /* -Y 'tcp.flags==0x002': 1 */
}

static void
test_capture_sll (void)
{
  Tally t;

  if (!tally_file ("ndpi/log4j-webapp-exploit.pcap", DLT_LINUX_SLL, &t))
    return;
  g_assert_cmpuint (t.n, ==, 426);
  g_assert_cmpuint (t.result[EG_DECODE_OK], ==, 422);   /* -Y ip: 422 */
  g_assert_cmpuint (t.tcp, ==, 422);                     /* -Y tcp: 422 */
  g_assert_cmpuint (t.result[EG_DECODE_ARP], ==, 4);    /* -Y arp: 4 */
  g_assert_cmpuint (t.syn, ==, 7);   /* -Y 'tcp.flags.syn==1 && tcp.flags.ack==0': 7 */
}

static void
test_capture_raw (void)
{
  Tally t;

  if (!tally_file ("ndpi/bets.pcapng", DLT_RAW, &t))
    return;
  g_assert_cmpuint (t.n, ==, 33);
  g_assert_cmpuint (t.result[EG_DECODE_OK], ==, 33);
  g_assert_cmpuint (t.v4, ==, 33);                  /* -Y ip: 33 */
  g_assert_cmpuint (t.tcp, ==, 33);                 /* -Y tcp: 33 */
}

static void
test_capture_vlan (void)
{
  Tally t;

  if (!tally_file ("ndpi/smtp-starttls.pcap", DLT_EN10MB, &t))
    return;
  g_assert_cmpuint (t.n, ==, 69);
  g_assert_cmpuint (t.result[EG_DECODE_OK], ==, 69);
  g_assert_cmpuint (t.tcp, ==, 69);                 /* -Y tcp: 69 */
  g_assert_cmpuint (t.vlan_tagged, ==, 33);         /* -Y vlan: 33 */
  g_assert_cmpuint (t.vlan_seen[125], ==, 33);      /* -Y 'vlan.id==125': 33 */
  g_assert_cmpuint (t.qinq, ==, 0);
  g_assert_cmpuint (t.padded, ==, 0);               /* -Y eth.padding: 0 */
  g_assert_cmpuint (t.payload_cut, ==, 0);
}

/* Padded frames must not add to the payload byte counts. */
static void
test_capture_padding (void)
{
  Tally t;

  if (!tally_file ("ndpi/netflix.pcap", DLT_EN10MB, &t))
    return;
  g_assert_cmpuint (t.n, ==, 1793);
  g_assert_cmpuint (t.result[EG_DECODE_OK], ==, 1793);
  g_assert_cmpuint (t.padded, ==, 29);              /* -Y eth.padding: 29 */
  g_assert_cmpuint (t.tcp, ==, 1748);               /* -Y tcp: 1748 */
  g_assert_cmpuint (t.udp, ==, 44);                 /* -Y udp: 44 */
  /* -Y tcp -T fields -e tcp.len, summed: 880067;
   * -Y udp -T fields -e udp.length, summed less 8 each: 5269 */
  g_assert_cmpuint (t.tcp_payload, ==, 880067);
  g_assert_cmpuint (t.udp_payload, ==, 5269);
  g_assert_cmpuint (t.payload_cut, ==, 0);
}

static void
test_capture_ipv6 (void)
{
  Tally t;

  if (!tally_file ("ndpi/http_ipv6.pcap", DLT_EN10MB, &t))
    return;
  g_assert_cmpuint (t.n, ==, 193);
  g_assert_cmpuint (t.result[EG_DECODE_OK], ==, 193);
  g_assert_cmpuint (t.v6, ==, 193);                 /* -Y ipv6: 193 */
  g_assert_cmpuint (t.tcp, ==, 128);                /* -Y 'ipv6 && tcp': 128 */
  g_assert_cmpuint (t.udp, ==, 65);                 /* -Y 'ipv6 && udp': 65 */
}

static void
test_capture_6in4 (void)
{
  Tally t;

  if (!tally_file ("ndpi/6in4tunnel.pcap", DLT_EN10MB, &t))
    return;
  g_assert_cmpuint (t.n, ==, 127);
  g_assert_cmpuint (t.result[EG_DECODE_OK], ==, 127);
  g_assert_cmpuint (t.tunnel[EG_TUNNEL_6IN4], ==, 127);   /* -Y 'ip.proto==41': 127 */
  g_assert_cmpuint (t.tcp + t.udp + t.icmp, ==, 0);      /* the inner flows stay inside */
}

static void
test_capture_fragments (void)
{
  Tally t;

  if (!tally_file ("ndpi/dns_fragmented.pcap", DLT_EN10MB, &t))
    return;
  g_assert_cmpuint (t.n, ==, 66);
  g_assert_cmpuint (t.result[EG_DECODE_OK], ==, 66);
  g_assert_cmpuint (t.v4, ==, 22);                  /* -Y ip: 22 */
  g_assert_cmpuint (t.v6, ==, 44);                  /* -Y ipv6: 44 */
  /* IPv4: -Y 'ip.flags.mf==1 || ip.frag_offset>0': 8, of which
   * 'ip.frag_offset==0': 4; IPv6: -Y ipv6.fraghdr: 6, 'ipv6.fraghdr.offset==0': 3 */
  g_assert_cmpuint (t.fragments, ==, 8 + 6);
  g_assert_cmpuint (t.fragment_ids_v6, ==, 6);
  g_assert_cmpuint (t.first_fragments, ==, 4 + 3);
  g_assert_cmpuint (t.later_fragments, ==, 4 + 3);
  g_assert_cmpuint (t.fragments_with_ports, ==, 4 + 3);
  /* -o ip.defragment:FALSE -o ipv6.defragment:FALSE -Y udp: 39 (the first
   * fragments carry a UDP header, the later ones do not) */
  g_assert_cmpuint (t.udp, ==, 39);
}

static void
test_capture_badpackets (void)
{
  g_autofree char *path = NULL;
  char errbuf[PCAP_ERRBUF_SIZE];
  struct pcap_pkthdr *hdr;
  const u_char *data;
  guint truncated = 0, as_snapshot = 0;
  pcap_t *pcap;
  Tally t;

  /* tcpdump: every one of the 93 is "truncated-ip - N bytes missing": the
   * IP length exceeds the frame on the wire, which Zeek drops (truncated_IP_len). */
  if (!tally_file ("ndpi/badpackets.pcap", DLT_EN10MB, &t))
    return;
  g_assert_cmpuint (t.n, ==, 93);
  g_assert_cmpuint (t.result[EG_DECODE_TRUNCATED], ==, 93);

  /* The headers that are there are sound: read as if the snapshot length had
   * cut them, every one decodes to a DNS response. */
  path = eg_test_shared_path ("ndpi/badpackets.pcap");
  pcap = pcap_open_offline (path, errbuf);
  g_assert_nonnull (pcap);
  while (pcap_next_ex (pcap, &hdr, &data) == 1)
    {
      EgPacket pkt;
      guint ip_total = (data[16] << 8) | data[17];

      if (eg_packet_decode (&pkt, DLT_EN10MB, data, hdr->caplen) == EG_DECODE_TRUNCATED)
        truncated++;
      if (eg_packet_decode_with_len (&pkt, DLT_EN10MB, data, hdr->caplen, 14 + ip_total)
          == EG_DECODE_OK && pkt.proto == 17 && pkt.sport == 53)
        {
          g_assert_cmpuint (pkt.payload_caplen, <, pkt.payload_len);
          as_snapshot++;
        }
    }
  pcap_close (pcap);
  g_assert_cmpuint (truncated, ==, 93);
  g_assert_cmpuint (as_snapshot, ==, 93);
}

int
main (int argc, char **argv)
{
  const char *corpus = g_getenv ("EG_WRITE_FUZZ_CORPUS");

  if (corpus != NULL)
    {
      write_fuzz_corpus (corpus);
      return 0;
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/packet/ethernet/ipv4-tcp", test_ethernet_tcp);
  g_test_add_func ("/packet/ethernet/padding", test_ethernet_padding);
  g_test_add_func ("/packet/ethernet/vlan", test_ethernet_vlan);
  g_test_add_func ("/packet/ethernet/not-ip", test_ethernet_not_ip);
  g_test_add_func ("/packet/ethernet/pppoe", test_ethernet_pppoe);
  g_test_add_func ("/packet/ethernet/mpls", test_ethernet_mpls);
  g_test_add_func ("/packet/arp", test_arp);
  g_test_add_func ("/packet/linktype/sll", test_sll);
  g_test_add_func ("/packet/linktype/sll2", test_sll2);
  g_test_add_func ("/packet/linktype/raw", test_raw);
  g_test_add_func ("/packet/linktype/loopback", test_loopback);
  g_test_add_func ("/packet/linktype/unsupported", test_linktypes);
  g_test_add_func ("/packet/result-strings", test_result_strings);
  g_test_add_func ("/packet/ipv4/options", test_ipv4_options);
  g_test_add_func ("/packet/ipv4/malformed", test_ipv4_malformed);
  g_test_add_func ("/packet/ipv4/offload", test_ipv4_offload);
  g_test_add_func ("/packet/ipv4/fragments", test_ipv4_fragments);
  g_test_add_func ("/packet/ipv6/extensions", test_ipv6_extensions);
  g_test_add_func ("/packet/ipv6/fragments", test_ipv6_fragments);
  g_test_add_func ("/packet/icmp", test_icmp);
  g_test_add_func ("/packet/other-proto", test_other_proto);
  g_test_add_func ("/packet/tunnels", test_tunnels);
  g_test_add_func ("/packet/truncated/prefixes", test_truncated_prefixes);
  g_test_add_func ("/packet/capture/qinq", test_capture_dns_qinq);
  g_test_add_func ("/packet/capture/null", test_capture_null);
  g_test_add_func ("/packet/capture/sll", test_capture_sll);
  g_test_add_func ("/packet/capture/raw", test_capture_raw);
  g_test_add_func ("/packet/capture/vlan", test_capture_vlan);
  g_test_add_func ("/packet/capture/ipv6", test_capture_ipv6);
  g_test_add_func ("/packet/capture/padding", test_capture_padding);
  g_test_add_func ("/packet/capture/6in4", test_capture_6in4);
  g_test_add_func ("/packet/capture/fragments", test_capture_fragments);
  g_test_add_func ("/packet/capture/badpackets", test_capture_badpackets);
  return g_test_run ();
}
