#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write Edgeguard's demo capture: about 29 minutes of an office LAN.

The capture is synthetic so the project can ship it (third-party captures
must not be committed) and so its ground truth is known exactly: see
data/demo-scenario.md. Only the standard library is used and the random
generator has a fixed seed, so every run writes the same bytes.

The capture point is a mirror port on the office switch: LAN-to-LAN traffic
is seen, internet traffic is seen between the workstations and the gateway.
"""

import argparse
import datetime
import random
import struct
import sys

SEED = 20260310
T0 = int (datetime.datetime (2026, 3, 10, 8, 30, 0,
                             tzinfo=datetime.timezone.utc).timestamp ())
DURATION = 1740.0  # seconds of traffic (29 minutes)

rng = random.Random (SEED)


def rbytes (n):
  return bytes (rng.getrandbits (8) for _ in range (n))


def checksum (data):
  if len (data) % 2:
    data += b'\0'
  s = sum (struct.unpack ('!%dH' % (len (data) // 2), data))
  while s >> 16:
    s = (s & 0xffff) + (s >> 16)
  return (~s) & 0xffff


def ip_bytes (ip):
  return bytes (int (x) for x in ip.split ('.'))


def mac_bytes (mac):
  return bytes (int (x, 16) for x in mac.split (':'))


BROADCAST = 'ff:ff:ff:ff:ff:ff'

# --------------------------------------------------------------------------
# Capture file


class Capture:
  def __init__ (self):
    self.packets = []  # (usec, order, frame)

  def add (self, usec, frame):
    if len (frame) < 60:
      frame = frame + b'\0' * (60 - len (frame))  # Ethernet padding
    self.packets.append ((usec, len (self.packets), frame))

  def write (self, path):
    self.packets.sort ()
    with open (path, 'wb') as f:
      f.write (struct.pack ('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
      for usec, _, frame in self.packets:
        sec, us = divmod (usec, 1000000)
        f.write (struct.pack ('<IIII', T0 + sec, us, len (frame), len (frame)))
        f.write (frame)


cap = Capture ()


def usec (t):
  return int (round (t * 1e6))

# --------------------------------------------------------------------------
# Hosts


class Host:
  def __init__ (self, ip, mac=None, ttl=64, os='linux', delay=0.00008,
                hops=0, name=None):
    self.ip = ip
    self.mac = mac          # None: on the internet, reached through the gateway
    self.ttl = ttl - hops   # TTL as seen at the capture point
    self.os = os
    self.delay = delay      # one-way delay between this host and the capture point
    self.ip_id = rng.randrange (1, 65535)
    self.ports = set ()
    self.next_port = rng.randrange (49700, 56000)
    self.arp = set ()       # IPs whose MAC this host knows
    self.name = name
    self.ts_base = rng.getrandbits (32)

  @property
  def lan (self):
    return self.mac is not None

  def next_id (self):
    self.ip_id = (self.ip_id + 1) & 0xffff
    return self.ip_id

  def ephemeral_port (self):
    while True:
      if self.os == 'windows':
        self.next_port += 1
        port = self.next_port
      elif self.os == 'mac':
        port = rng.randrange (49152, 65536)
      else:
        port = rng.randrange (32768, 61000)
      if port not in self.ports:
        self.ports.add (port)
        return port

  def owd (self):
    """One-way delay to the capture point, with a little jitter."""
    return self.delay * (1 + rng.uniform (0.0, 0.12))


GW = Host ('192.168.10.1', '00:0d:b9:5e:1a:01', name='gateway (PC Engines APU, OpenWrt)')


def lan_host (ip, mac, os='linux', name=None):
  ttl = 128 if os == 'windows' else 64
  return Host (ip, mac, ttl=ttl, os=os, delay=rng.uniform (0.00005, 0.00015), name=name)


def internet_host (ip, rtt_ms, ttl, hops, name=None):
  return Host (ip, None, ttl=ttl, delay=rtt_ms / 2000.0, hops=hops, name=name)


FS01 = lan_host ('192.168.10.20', '3c:ec:ef:4a:10:20', name='fs01 (Linux file/intranet server)')
DEV42 = lan_host ('192.168.10.42', '8c:16:45:3e:22:42', name='dev42 (Debian workstation)')
WIN51 = lan_host ('192.168.10.51', 'f4:8e:38:a1:07:51', 'windows', name='win51 (Windows 11 workstation)')
MAC58 = lan_host ('192.168.10.58', 'a4:83:e7:19:5c:58', 'mac', name='mac58 (MacBook, joins by DHCP)')
SCAN66 = lan_host ('192.168.10.66', 'dc:a6:32:7b:0e:66', name='rpi66 (Raspberry Pi: the scanner)')
BEACON77 = lan_host ('192.168.10.77', '00:50:b6:2c:91:77', 'windows', name='win77 (Windows: infected, beacons)')
PHONES = [lan_host ('192.168.10.%d' % i, '80:5e:c0:%02x:%02x:%02x' % (0x3a, i // 7, i), 'linux',
             name='IP phone') for i in range (100, 140)]

EXAMPLE = internet_host ('93.184.216.34', 96, 64, 8, 'www.example.com')
QUAD9 = internet_host ('9.9.9.9', 8, 64, 5, 'Quad9 resolver')
FASTLY = internet_host ('151.101.2.132', 12, 64, 7, 'deb.debian.org (Fastly)')
FASTLY_SEC = internet_host ('151.101.194.132', 13, 64, 7, 'security.debian.org (Fastly)')
WIKI = internet_host ('185.15.59.224', 22, 64, 9, 'www.wikipedia.org')
GITHUB = internet_host ('140.82.121.4', 26, 64, 11, 'github.com')
GOOGLE = internet_host ('142.250.185.68', 9, 128, 8, 'www.google.com')
MSLOGIN = internet_host ('20.190.160.20', 31, 128, 13, 'login.microsoftonline.com')
BBC = internet_host ('151.101.64.81', 14, 64, 8, 'www.bbc.co.uk')
NTP_POOL = internet_host ('162.159.200.123', 17, 64, 9, '2.debian.pool.ntp.org member')
NTP_MS = internet_host ('40.119.6.228', 34, 128, 14, 'time.windows.com')
BASTION = internet_host ('203.0.113.10', 36, 64, 12, 'bastion.example.net (SSH)')
C2 = internet_host ('185.100.87.202', 46, 64, 16, 'C2 server')
WG_PEER = internet_host ('198.51.100.77', 40, 64, 12, 'WireGuard peer (down)')

# --------------------------------------------------------------------------
# Frames


def ether (src, dst, etype, payload):
  return mac_bytes (dst) + mac_bytes (src) + struct.pack ('!H', etype) + payload


def macs (a, b):
  """Source and destination MAC of a frame from a to b on the LAN segment."""
  src = a.mac if a.lan else GW.mac
  dst = b.mac if b.lan else GW.mac
  return src, dst


def ipv4 (a, b, proto, payload, df=True, tos=0, ttl=None, ip_id=None, dst_ip=None):
  dst = dst_ip or b.ip
  hdr = struct.pack ('!BBHHHBBH4s4s', 0x45, tos, 20 + len (payload),
                     a.next_id () if ip_id is None else ip_id,
                     0x4000 if df else 0, a.ttl if ttl is None else ttl,
                     proto, 0, ip_bytes (a.ip), ip_bytes (dst))
  hdr = hdr[:10] + struct.pack ('!H', checksum (hdr)) + hdr[12:]
  return hdr + payload


def l4_checksum (src_ip, dst_ip, proto, seg):
  pseudo = ip_bytes (src_ip) + ip_bytes (dst_ip) + struct.pack ('!BBH', 0, proto, len (seg))
  return checksum (pseudo + seg)


def udp_packet (t, a, b, sport, dport, payload, dst_ip=None, dst_mac=None, ttl=None,
                df=False):
  dst = dst_ip or b.ip
  seg = struct.pack ('!HHHH', sport, dport, 8 + len (payload), 0) + payload
  c = l4_checksum (a.ip, dst, 17, seg) or 0xffff
  seg = seg[:6] + struct.pack ('!H', c) + seg[8:]
  src_mac, d_mac = (a.mac if a.lan else GW.mac), dst_mac
  if d_mac is None:
    d_mac = b.mac if b.lan else GW.mac
  cap.add (usec (t), ether (src_mac, d_mac, 0x0800,
                            ipv4 (a, b, 17, seg, df=df, ttl=ttl, dst_ip=dst)))


def icmp_packet (t, a, b, icmp_type, code, rest, payload):
  msg = struct.pack ('!BBH', icmp_type, code, 0) + rest + payload
  msg = msg[:2] + struct.pack ('!H', checksum (msg)) + msg[4:]
  src, dst = macs (a, b)
  cap.add (usec (t), ether (src, dst, 0x0800, ipv4 (a, b, 1, msg, df=(a.os == 'linux'))))


def arp_packet (t, op, sender, target_ip, target_mac, dst_mac):
  body = struct.pack ('!HHBBH', 1, 0x0800, 6, 4, op) + mac_bytes (sender.mac) + \
      ip_bytes (sender.ip) + mac_bytes (target_mac) + ip_bytes (target_ip)
  cap.add (usec (t), ether (sender.mac, dst_mac, 0x0806, body))


def arp_resolve (t, a, b):
  """a learns b's MAC (b is the gateway for internet hosts). Returns the time after."""
  nh = b if b.lan else GW
  if nh.ip in a.arp:
    return t
  arp_packet (t, 1, a, nh.ip, '00:00:00:00:00:00', BROADCAST)
  t2 = t + a.owd () + nh.owd () + rng.uniform (0.00002, 0.00006)
  arp_packet (t2, 2, nh, a.ip, a.mac, a.mac)
  a.arp.add (nh.ip)
  nh.arp.add (a.ip)  # Linux and Windows learn the asker from the request
  return t2 + a.owd () * 2 + rng.uniform (0.00002, 0.00005)

# --------------------------------------------------------------------------
# TCP


class Side:
  def __init__ (self, host, port):
    self.host = host
    self.port = port
    self.isn = rng.getrandbits (32)
    self.nxt = self.isn
    self.wscale = 7
    self.win = 64240
    self.win_field = 502
    self.mss = 1460
    self.last_usec = 0
    self.sent_ts = []   # (usec, tsval) of segments this side sent


class TcpConn:
  def __init__ (self, client, server, dport, sport=None, server_os='linux', tos=0):
    self.c = Side (client, sport or client.ephemeral_port ())
    self.s = Side (server, dport)
    self.sides = (self.c, self.s)
    self.tos = tos
    self.server_os = server_os
    self.use_ts = client.os in ('linux', 'mac')
    self.cwnd = 10
    cos = client.os
    if cos == 'windows':
      self.c.wscale, self.c.win, self.c.win_field = 8, 64240, 1026
    elif cos == 'mac':
      self.c.wscale, self.c.win, self.c.win_field = 6, 65535, 2058
    else:
      self.c.wscale, self.c.win, self.c.win_field = 7, 64240, 502
    if server_os == 'windows':
      self.s.wscale, self.s.win, self.s.win_field = 8, 65535, 1025
    else:
      self.s.wscale, self.s.win, self.s.win_field = 7, 65160, 509
    self.s.mss = 1400 if server.ip.startswith ('151.101.') else 1460

  def peer (self, side):
    return self.s if side is self.c else self.c

  @property
  def seg_size (self):
    return min (self.c.mss, self.s.mss) - (12 if self.use_ts else 0)

  def tsecr (self, side, u):
    """The newest TSval of the peer that side has received when it sends at
    capture time u: the peer's segment must have crossed the capture point
    and then reached side."""
    peer = self.peer (side)
    seen = u - int ((1e6 if side.host.lan else 2e6) * side.host.delay)
    for pu, tsval in reversed (peer.sent_ts):
      if pu < seen:
        return tsval
    return 0

  def emit (self, side, t, flags, payload=b'', ack=None, seq=None, no_opts=False, win=None):
    """Emit one segment from side at capture time t; returns the time used."""
    u = max (usec (t), side.last_usec + 1)
    side.last_usec = u
    peer = self.peer (side)
    if ack is None:
      ack = peer.nxt if flags & 0x10 else 0
    if seq is None:
      seq = side.nxt
    tsval = (side.host.ts_base + u // 1000) & 0xffffffff
    tsecr = self.tsecr (side, u)
    if no_opts:
      opts = b''
    elif flags & 0x02:
      opts = self.syn_options (side, tsval, tsecr)
    elif self.use_ts:
      opts = struct.pack ('!BBBBII', 1, 1, 8, 10, tsval, tsecr)
    else:
      opts = b''
    if self.use_ts and not no_opts:
      side.sent_ts.append ((u, tsval))
    if win is None:
      win = side.win if flags & 0x02 else side.win_field
    hdr_len = 20 + len (opts)
    seg = struct.pack ('!HHIIBBHHH', side.port, peer.port, seq & 0xffffffff,
                       ack & 0xffffffff, (hdr_len // 4) << 4, flags, win, 0, 0) + opts + payload
    c = l4_checksum (side.host.ip, peer.host.ip, 6, seg)
    seg = seg[:16] + struct.pack ('!H', c) + seg[18:]
    src, dst = macs (side.host, peer.host)
    h = side.host
    ip_id = None
    if h.os != 'windows' and flags & 0x02 and flags & 0x10:
      ip_id = 0
    cap.add (u, ether (src, dst, 0x0800, ipv4 (h, peer.host, 6, seg, tos=self.tos, ip_id=ip_id)))
    side.nxt = (side.nxt + len (payload) + (1 if flags & 0x03 else 0)) & 0xffffffff
    return u / 1e6

  def syn_options (self, side, tsval, tsecr):
    h = side.host
    os = self.server_os if side is self.s else h.os
    mss = struct.pack ('!BBH', 2, 4, side.mss)
    if os == 'windows' or (side is self.s and not self.use_ts):
      if side is self.s:
        return mss + b'\x01\x01\x04\x02\x01' + struct.pack ('!BBB', 3, 3, side.wscale)
      return mss + struct.pack ('!BBBB', 1, 3, 3, side.wscale) + b'\x01\x01\x04\x02'
    if os == 'mac':
      return mss + struct.pack ('!BBBB', 1, 3, 3, side.wscale) + b'\x01\x01' + \
          struct.pack ('!BBII', 8, 10, tsval, tsecr) + b'\x04\x02\x00\x00'
    return mss + b'\x04\x02' + struct.pack ('!BBII', 8, 10, tsval, tsecr) + \
        struct.pack ('!BBBB', 1, 3, 3, side.wscale)

  def handshake (self, t):
    c, s = self.c, self.s
    t = self.emit (c, t, 0x02)
    t1 = t + 2 * s.host.owd () + rng.uniform (0.00003, 0.0002)
    t1 = self.emit (s, t1, 0x12)
    t2 = t1 + 2 * c.host.owd () + rng.uniform (0.00002, 0.0001)
    return self.emit (c, t2, 0x10)

  def send (self, side, t, data, final_ack=True, gap=None):
    """side sends data as a stream starting at t; the peer ACKs every second
    segment (and the last one after its delayed-ACK timer if final_ack).
    Returns the capture time of the last data segment."""
    S = side
    Rv = self.peer (side)
    mss = self.seg_size
    chunks = [data[i:i + mss] for i in range (0, len (data), mss)]
    if gap is None:
      # serialization at the slower link: 100 Mbit/s WAN, 1 Gbit/s LAN
      gap = 0.000012 if (S.host.lan and Rv.host.lan) else 0.000118
    acks = []      # (time, number of segments acked)
    ack_i = 0
    acked = 0
    unacked = 0
    next_t = t
    last_t = t
    for i, chunk in enumerate (chunks):
      while i - acked >= self.cwnd or (i - acked + 1) * mss > Rv.win_field << Rv.wscale:
        at, upto = acks[ack_i]
        ack_i += 1
        next_t = max (next_t, at + 2 * S.host.owd () + rng.uniform (0.00001, 0.00004))
        self.cwnd = min (self.cwnd + (upto - acked), 300)
        acked = upto
      last = i == len (chunks) - 1
      flags = 0x18 if last else 0x10
      ts = self.emit (S, next_t, flags, chunk)
      last_t = ts
      next_t = ts + len (chunk) / 1448 * gap * rng.uniform (1.0, 1.15)
      unacked += 1
      if unacked >= 2 or (last and final_ack):
        delay = rng.uniform (0.00002, 0.00008) if unacked >= 2 else rng.uniform (0.004, 0.04)
        at = ts + 2 * Rv.host.owd () + delay
        if Rv.win_field << Rv.wscale < 6 * 1024 * 1024:
          Rv.win_field += (unacked * mss) >> Rv.wscale
        at = self.emit (Rv, at, 0x10, ack=S.nxt)
        acks.append ((at, i + 1))
        unacked = 0
    return last_t

  def close (self, side, t):
    """side closes first; the peer answers FIN+ACK, side ACKs. Returns end time."""
    peer = self.peer (side)
    t = self.emit (side, t, 0x11)
    t1 = t + 2 * peer.host.owd () + rng.uniform (0.00005, 0.0004)
    t1 = self.emit (peer, t1, 0x11)
    t2 = t1 + 2 * side.host.owd () + rng.uniform (0.00002, 0.00008)
    return self.emit (side, t2, 0x10)


def rtt (host_a, host_b):
  return 2 * (host_a.owd () + host_b.owd ())

# --------------------------------------------------------------------------
# DNS


def dns_name (name, msg_len, table):
  out = b''
  labels = name.rstrip ('.').split ('.')
  for i in range (len (labels)):
    suffix = '.'.join (labels[i:]).lower ()
    if suffix in table:
      return out + struct.pack ('!H', 0xc000 | table[suffix])
    if msg_len + len (out) < 0x3fff:
      table[suffix] = msg_len + len (out)
    lab = labels[i].encode ()
    out += bytes ([len (lab)]) + lab
  return out + b'\0'


QTYPE = {'A': 1, 'NS': 2, 'CNAME': 5, 'PTR': 12, 'TXT': 16, 'AAAA': 28, 'SRV': 33}


def dns_message (qid, flags, qname, qtype, answers=(), authority=()):
  table = {}
  msg = struct.pack ('!HHHHHH', qid, flags, 1, len (answers), len (authority), 0)
  msg += dns_name (qname, len (msg), table) + struct.pack ('!HH', QTYPE[qtype], 1)
  for name, rtype, ttl, rdata in list (answers) + list (authority):
    msg += dns_name (name, len (msg), table)
    if rtype == 'A':
      rd = ip_bytes (rdata)
    elif rtype == 'AAAA':
      rd = rdata
    elif rtype in ('CNAME', 'PTR', 'NS'):
      rd = dns_name (rdata, len (msg) + 10, table)
    elif rtype == 'SOA':
      mname, rname, serial = rdata
      rd = dns_name (mname, len (msg) + 10, table)
      rd += dns_name (rname, len (msg) + 10 + len (rd), table)
      rd += struct.pack ('!IIIII', serial, 7200, 3600, 1209600, 3600)
    elif rtype == 'TXT':
      rd = bytes ([len (rdata)]) + rdata
    else:
      raise ValueError (rtype)
    code = 6 if rtype == 'SOA' else QTYPE[rtype]
    msg += struct.pack ('!HHIH', code, 1, ttl, len (rd)) + rd
  return msg


def v6 (text):
  """A few documentation-style IPv6 answers."""
  parts = text.split ('::')
  head = [int (x, 16) for x in parts[0].split (':') if x]
  tail = [int (x, 16) for x in parts[1].split (':') if x] if len (parts) > 1 else []
  words = head + [0] * (8 - len (head) - len (tail)) + tail
  return struct.pack ('!8H', *words)


DNS_DB = {
  'www.example.com': ([('www.example.com', 'A', 3120, '93.184.216.34')],
                      [('www.example.com', 'AAAA', 3120, v6 ('2606:2800:220:1:248:1893:25c8:1946'))]),
  'deb.debian.org': ([('deb.debian.org', 'CNAME', 3600, 'debian.map.fastly.net'),
                      ('debian.map.fastly.net', 'A', 30, '151.101.2.132')], None),
  'security.debian.org': ([('security.debian.org', 'CNAME', 3600, 'debian.map.fastly.net'),
                           ('debian.map.fastly.net', 'A', 30, '151.101.194.132')], None),
  'www.wikipedia.org': ([('www.wikipedia.org', 'CNAME', 86400, 'dyna.wikimedia.org'),
                         ('dyna.wikimedia.org', 'A', 600, '185.15.59.224')],
                        [('www.wikipedia.org', 'CNAME', 86400, 'dyna.wikimedia.org'),
                         ('dyna.wikimedia.org', 'AAAA', 600, v6 ('2a02:ec80:300:ed1a::1'))]),
  'github.com': ([('github.com', 'A', 60, '140.82.121.4')], []),
  'www.google.com': ([('www.google.com', 'A', 300, '142.250.185.68')],
                     [('www.google.com', 'AAAA', 300, v6 ('2a00:1450:4001:82b::2004'))]),
  'login.microsoftonline.com': ([('login.microsoftonline.com', 'CNAME', 3600, 'login.mso.msidentity.com'),
                                 ('login.mso.msidentity.com', 'A', 300, '20.190.160.20')], None),
  'www.bbc.co.uk': ([('www.bbc.co.uk', 'CNAME', 300, 'www.bbc.co.uk.pri.bbc.co.uk'),
                     ('www.bbc.co.uk.pri.bbc.co.uk', 'A', 60, '151.101.64.81')], None),
  '2.debian.pool.ntp.org': ([('2.debian.pool.ntp.org', 'A', 130, '162.159.200.123'),
                             ('2.debian.pool.ntp.org', 'A', 130, '195.201.19.162'),
                             ('2.debian.pool.ntp.org', 'A', 130, '185.125.190.57'),
                             ('2.debian.pool.ntp.org', 'A', 130, '94.130.49.186')], None),
  'time.windows.com': ([('time.windows.com', 'CNAME', 1800, 'twc.trafficmanager.net'),
                        ('twc.trafficmanager.net', 'A', 60, '40.119.6.228')], None),
  'bastion.example.net': ([('bastion.example.net', 'A', 3600, '203.0.113.10')], None),
  'cdn-telemetry-sync.top': ([('cdn-telemetry-sync.top', 'A', 300, '185.100.87.202')], None),
}


def dns_lookup (t, client, resolver, name, qtype='A', cached=False):
  """Query and answer; returns the time the answer is seen."""
  t = arp_resolve (t, client, resolver)
  sport = client.ephemeral_port ()
  qid = rng.getrandbits (16)
  query = dns_message (qid, 0x0100, name, qtype)
  udp_packet (t, client, resolver, sport, 53, query)
  entry = DNS_DB.get (name)
  if entry is None:
    flags = 0x8183
    answers = []
    authority = [('office.lan', 'SOA', 0, ('gateway.office.lan', 'hostmaster.office.lan',
                                           2026031001))] if name.endswith ('.lan') else []
  else:
    flags = 0x8180
    a, aaaa = entry
    answers = a if qtype == 'A' else (aaaa or [])
    authority = []
    if qtype == 'AAAA' and aaaa is None:
      answers = [x for x in a if x[1] == 'CNAME']
  if resolver.lan:
    wait = rng.uniform (0.0002, 0.0006) if cached else rng.uniform (0.008, 0.035)
  else:
    wait = rng.uniform (0.0005, 0.003) if cached else rng.uniform (0.004, 0.03)
  t1 = t + 2 * resolver.owd () + wait
  resp = dns_message (qid, flags, name, qtype, answers, authority)
  udp_packet (t1, resolver, client, 53, sport, resp)
  return t1


def dns_a_aaaa (t, client, resolver, name, cached=False):
  """A and AAAA queries from one socket, as glibc and Windows do."""
  t = arp_resolve (t, client, resolver)
  sport = client.ephemeral_port ()
  ids = [rng.getrandbits (16), rng.getrandbits (16)]
  t_end = t
  for k, qtype in enumerate (('A', 'AAAA')):
    tq = t + k * rng.uniform (0.00003, 0.0002)
    udp_packet (tq, client, resolver, sport, 53, dns_message (ids[k], 0x0100, name, qtype))
  for k, qtype in enumerate (('A', 'AAAA')):
    a, aaaa = DNS_DB[name]
    answers = a if qtype == 'A' else (aaaa if aaaa is not None else [x for x in a if x[1] == 'CNAME'])
    wait = rng.uniform (0.0002, 0.0008) if cached else rng.uniform (0.006, 0.03)
    tr = t + 2 * resolver.owd () + wait + k * 0.00025
    udp_packet (tr, resolver, client, 53, sport,
                dns_message (ids[k], 0x8180, name, qtype, answers))
    t_end = max (t_end, tr)
  return t_end

# --------------------------------------------------------------------------
# TLS


def u8 (x):
  return struct.pack ('!B', x)


def u16 (x):
  return struct.pack ('!H', x)


def u24 (x):
  return struct.pack ('!I', x)[1:]


def vec8 (b):
  return u8 (len (b)) + b


def vec16 (b):
  return u16 (len (b)) + b


def tls_record (ctype, body, version=0x0303):
  return u8 (ctype) + u16 (version) + u16 (len (body)) + body


def handshake (htype, body):
  return u8 (htype) + u24 (len (body)) + body


def ext (etype, body):
  return u16 (etype) + vec16 (body)


BROWSER_SUITES = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
                  0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035]
SIG_ALGS = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]


def client_hello13 (sni, alpn=(b'h2', b'http/1.1')):
  suites = b''.join (u16 (s) for s in BROWSER_SUITES)
  exts = [
    ext (0x0000, vec16 (u8 (0) + vec16 (sni.encode ()))),
    ext (0x0017, b''),
    ext (0xff01, b'\x00'),
    ext (0x000a, vec16 (u16 (0x001d) + u16 (0x0017) + u16 (0x0018))),
    ext (0x000b, vec8 (b'\x00')),
    ext (0x0023, b''),
    ext (0x0010, vec16 (b''.join (vec8 (p) for p in alpn))),
    ext (0x0005, b'\x01\x00\x00\x00\x00'),
    ext (0x000d, vec16 (b''.join (u16 (s) for s in SIG_ALGS))),
    ext (0x0012, b''),
    ext (0x0033, vec16 (u16 (0x001d) + vec16 (rbytes (32)))),
    ext (0x002d, vec8 (b'\x01')),
    ext (0x002b, vec8 (u16 (0x0304) + u16 (0x0303))),
    ext (0x001b, vec8 (u16 (0x0002))),
  ]
  body = u16 (0x0303) + rbytes (32) + vec8 (rbytes (32)) + vec16 (suites) + vec8 (b'\x00')
  ext_bytes = b''.join (exts)
  # Chrome pads the ClientHello to 512 bytes of handshake
  hello_len = 4 + len (body) + 2 + len (ext_bytes)
  if hello_len < 512:
    pad = max (512 - hello_len - 4, 0)
    ext_bytes += ext (0x0015, b'\0' * pad)
  body += vec16 (ext_bytes)
  return tls_record (0x16, handshake (1, body), 0x0301), body[35:67]


def server_hello13 (session_id):
  exts = ext (0x002b, u16 (0x0304)) + ext (0x0033, u16 (0x001d) + vec16 (rbytes (32)))
  body = u16 (0x0303) + rbytes (32) + vec8 (session_id) + u16 (0x1301) + b'\x00' + vec16 (exts)
  return tls_record (0x16, handshake (2, body))


CCS = tls_record (0x14, b'\x01')


def app_data (n):
  """One TLS 1.3 / 1.2-GCM application_data record of n payload bytes."""
  return tls_record (0x17, rbytes (n))


def app_stream (total, max_rec=16401):
  out = b''
  while total > 0:
    n = min (total, max_rec)
    out += app_data (n)
    total -= n
  return out


def tls13_session (t, client, server, sni, exchanges, resolver=None, close_by='client',
                   idle_close=None):
  """A browser's HTTPS connection: DNS, TCP and TLS 1.3 handshakes, a few
  request/response exchanges (sizes of the encrypted payload), teardown."""
  if resolver is not None:
    t = dns_a_aaaa (t, client, resolver, sni, cached=False) + rng.uniform (0.0003, 0.002)
  t = arp_resolve (t, client, server)
  conn = TcpConn (client, server, 443)
  t = conn.handshake (t)
  ch, sid = client_hello13 (sni)
  t = conn.send (conn.c, t + rng.uniform (0.0002, 0.001), ch, final_ack=False)
  t = t + 2 * server.owd () + rng.uniform (0.0005, 0.003)
  flight = server_hello13 (sid) + CCS + app_data (rng.randrange (2400, 4600))
  t = conn.send (conn.s, t, flight, final_ack=False)
  t += 2 * client.owd () + rng.uniform (0.002, 0.006)
  first = True
  for req, resp in exchanges:
    data = (CCS + app_data (53) if first else b'') + app_data (req)
    t = conn.send (conn.c, t, data, final_ack=False)
    t += 2 * server.owd () + rng.uniform (0.002, 0.04)
    out = (app_data (249) + app_data (249) if first else b'') + app_stream (resp)
    t = conn.send (conn.s, t, out, final_ack=True)
    first = False
    t += rng.uniform (0.3, 4.0)
  t += idle_close if idle_close is not None else rng.uniform (5, 40)
  closer = conn.c if close_by == 'client' else conn.s
  t = conn.send (closer, t, app_data (19), final_ack=False)
  return conn.close (closer, t + rng.uniform (0.00002, 0.0001))

# --------------------------------------------------------------------------
# TLS 1.2 with a self-signed certificate (the C2 server)


def der (tag, body):
  n = len (body)
  if n < 0x80:
    length = u8 (n)
  elif n < 0x100:
    length = b'\x81' + u8 (n)
  else:
    length = b'\x82' + u16 (n)
  return u8 (tag) + length + body


def der_seq (*items):
  return der (0x30, b''.join (items))


def der_int (value):
  b = value.to_bytes ((value.bit_length () + 8) // 8 or 1, 'big')
  return der (0x02, b)


def der_oid (dotted):
  parts = [int (x) for x in dotted.split ('.')]
  out = u8 (parts[0] * 40 + parts[1])
  for p in parts[2:]:
    enc = [p & 0x7f]
    p >>= 7
    while p:
      enc.insert (0, 0x80 | (p & 0x7f))
      p >>= 7
    out += bytes (enc)
  return der (0x06, out)


def der_name (*pairs):
  oids = {'C': '2.5.4.6', 'O': '2.5.4.10', 'CN': '2.5.4.3'}
  return der_seq (*[der (0x31, der_seq (der_oid (oids[k]), der (0x13 if k == 'C' else 0x0c, v.encode ())))
                    for k, v in pairs])


def self_signed_cert (cn):
  sha256_rsa = der_seq (der_oid ('1.2.840.113549.1.1.11'), der (0x05, b''))
  name = der_name (('C', 'US'), ('O', 'Default Company Ltd'), ('CN', cn))
  modulus = (1 << 2047) | rng.getrandbits (2047) | 1
  spki = der_seq (der_seq (der_oid ('1.2.840.113549.1.1.1'), der (0x05, b'')),
                  der (0x03, b'\x00' + der_seq (der_int (modulus), der_int (65537))))
  tbs = der_seq (der (0xa0, der_int (2)), der_int (rng.getrandbits (63)), sha256_rsa, name,
                 der_seq (der (0x17, b'260211093512Z'), der (0x17, b'270211093512Z')),
                 name, spki)
  return der_seq (tbs, sha256_rsa, der (0x03, b'\x00' + rbytes (256)))


C2_NAME = 'cdn-telemetry-sync.top'
C2_CERT = self_signed_cert (C2_NAME)


def client_hello12_schannel (sni):
  suites = [0xc030, 0xc02f, 0xc028, 0xc027, 0xc014, 0xc013, 0x009d, 0x009c, 0x003d,
            0x003c, 0x0035, 0x002f, 0x000a]
  exts = [
    ext (0x0000, vec16 (u8 (0) + vec16 (sni.encode ()))),
    ext (0x000a, vec16 (u16 (0x001d) + u16 (0x0017) + u16 (0x0018))),
    ext (0x000b, vec8 (b'\x00')),
    ext (0x000d, vec16 (b''.join (u16 (s) for s in [0x0804, 0x0805, 0x0806, 0x0401, 0x0501,
                                                      0x0201, 0x0403, 0x0503, 0x0203]))),
    ext (0x0023, b''),
    ext (0x0017, b''),
    ext (0xff01, b'\x00'),
  ]
  body = u16 (0x0303) + rbytes (32) + vec8 (b'') + vec16 (b''.join (u16 (s) for s in suites)) + \
      vec8 (b'\x00') + vec16 (b''.join (exts))
  return tls_record (0x16, handshake (1, body), 0x0303)


def server_flight12 ():
  sh = handshake (2, u16 (0x0303) + rbytes (32) + vec8 (rbytes (32)) + u16 (0xc030) + b'\x00' +
                  vec16 (ext (0xff01, b'\x00') + ext (0x000b, vec8 (b'\x00')) + ext (0x0017, b'')))
  cert = handshake (11, u24 (len (C2_CERT) + 3) + u24 (len (C2_CERT)) + C2_CERT)
  ske = handshake (12, b'\x03' + u16 (0x001d) + vec8 (rbytes (32)) + u16 (0x0401) + vec16 (rbytes (256)))
  done = handshake (14, b'')
  return tls_record (0x16, sh + cert + ske + done)


def beacon (t, client):
  """One C2 check-in: identical sizes every time."""
  conn = TcpConn (client, C2, 443)
  t = conn.handshake (t)
  t = conn.send (conn.c, t + rng.uniform (0.0001, 0.0004), client_hello12_schannel (C2_NAME),
                 final_ack=False)
  t += 2 * C2.owd () + rng.uniform (0.0008, 0.002)
  t = conn.send (conn.s, t, server_flight12 (), final_ack=False)
  t += 2 * client.owd () + rng.uniform (0.001, 0.003)
  cke = tls_record (0x16, handshake (16, vec8 (rbytes (32))))
  t = conn.send (conn.c, t, cke + CCS + tls_record (0x16, rbytes (40)), final_ack=False)
  t += 2 * C2.owd () + rng.uniform (0.0005, 0.0015)
  t = conn.send (conn.s, t, CCS + tls_record (0x16, rbytes (40)), final_ack=False)
  t += 2 * client.owd () + rng.uniform (0.0003, 0.001)
  t = conn.send (conn.c, t, app_data (24 + 188), final_ack=False)      # POST /api/v2/sync
  t += 2 * C2.owd () + rng.uniform (0.004, 0.012)
  t = conn.send (conn.s, t, app_data (24 + 117), final_ack=False)      # {"cmd":"none"}
  t += 2 * client.owd () + rng.uniform (0.0005, 0.002)
  t = conn.send (conn.c, t, tls_record (0x15, rbytes (26)), final_ack=False)
  return conn.close (conn.c, t + rng.uniform (0.00002, 0.0001))

# --------------------------------------------------------------------------
# HTTP


def text_body (n, kind='html'):
  words = ('the of and to in is for on with as by at from this that are be or an was it '
           'debian package release security update mirror index main contrib amd64 i386 '
           'example domain documents illustrative permission coordination').split ()
  out = []
  size = 0
  if kind == 'html':
    out.append ('<!doctype html>\n<html>\n<head>\n    <title>Example Domain</title>\n</head>\n<body>\n')
  while size < n:
    if kind == 'release':
      line = ' %064x %9d main/binary-amd64/Packages%s\n' % (
        rng.getrandbits (256), rng.randrange (1000, 90000000), rng.choice (['', '.gz', '.xz', '.diff/Index']))
    else:
      line = '<p>' + ' '.join (rng.choice (words) for _ in range (rng.randrange (8, 18))) + '</p>\n'
    out.append (line)
    size += len (line)
  body = ''.join (out).encode ()
  return body[:n]


def http_get (t, conn, host, path, body, agent, ctype='text/html; charset=UTF-8',
              server='ECAcc (nyd/D13E)', extra=''):
  req = ('GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\n'
         'Accept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n%s\r\n' % (path, host, agent, extra)).encode ()
  t = conn.send (conn.c, t, req, final_ack=False)
  t += 2 * conn.s.host.owd () + rng.uniform (0.001, 0.02)
  date = datetime.datetime.fromtimestamp (T0 + int (t), datetime.timezone.utc)
  hdr = ('HTTP/1.1 200 OK\r\nDate: %s\r\nServer: %s\r\nContent-Type: %s\r\n'
         'Content-Length: %d\r\nCache-Control: max-age=604800\r\n'
         'Last-Modified: Thu, 05 Mar 2026 07:42:11 GMT\r\n\r\n' % (
           date.strftime ('%a, %d %b %Y %H:%M:%S GMT'), server, ctype, len (body))).encode ()
  return conn.send (conn.s, t, hdr + body, final_ack=True)


USER_AGENTS = {
  'windows': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
  'mac': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
  'linux': 'Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0',
}


def web_http (t, client, server, host, pages, resolver):
  t = dns_a_aaaa (t, client, resolver, host) + rng.uniform (0.0003, 0.002)
  t = arp_resolve (t, client, server)
  conn = TcpConn (client, server, 80)
  t = conn.handshake (t)
  for path, size in pages:
    t = http_get (t + rng.uniform (0.0001, 0.0005), conn, host, path, text_body (size),
                  agent=USER_AGENTS[client.os])
    t += rng.uniform (0.5, 3)
  # the server closes an idle keep-alive connection
  return conn.close (conn.s, t + rng.uniform (2, 5))


def apt_update (t, client):
  agent = 'Debian APT-HTTP/1.3 (2.6.1)'
  t = dns_a_aaaa (t, client, QUAD9, 'deb.debian.org') + rng.uniform (0.0003, 0.002)
  conn = TcpConn (client, FASTLY, 80)
  t = conn.handshake (t)
  for path, size in (('/debian/dists/bookworm/InRelease', 151_200),
                     ('/debian/dists/bookworm-updates/InRelease', 55_400),
                     ('/debian/dists/bookworm-updates/main/binary-amd64/Packages.diff/Index', 12_100)):
    t = http_get (t + rng.uniform (0.0002, 0.001), conn, 'deb.debian.org', path,
                  text_body (size, 'release'), ctype='text/plain', agent=agent, server='Apache')
    t += rng.uniform (0.002, 0.02)
  t_end = conn.close (conn.c, t + rng.uniform (0.05, 0.2))
  t2 = dns_a_aaaa (t + 0.001, client, QUAD9, 'security.debian.org') + rng.uniform (0.0003, 0.002)
  conn = TcpConn (client, FASTLY_SEC, 80)
  t2 = conn.handshake (t2)
  t2 = http_get (t2 + 0.0003, conn, 'security.debian.org', '/debian-security/dists/bookworm-security/InRelease',
                 text_body (48_300, 'release'), ctype='text/plain', agent=agent, server='Apache')
  return max (t_end, conn.close (conn.c, t2 + rng.uniform (0.05, 0.2)))


def intranet_http (t, client):
  t = arp_resolve (t, client, FS01)
  conn = TcpConn (client, FS01, 80)
  t = conn.handshake (t)
  t = http_get (t + 0.0002, conn, 'fs01.office.lan', '/wiki/Onboarding', text_body (23_800),
                agent=USER_AGENTS['linux'],
                server='nginx/1.22.1')
  return conn.close (conn.c, t + rng.uniform (1, 3))

# --------------------------------------------------------------------------
# Other protocols


def ntp_ts (t):
  secs = T0 + t + 2208988800
  return struct.pack ('!II', int (secs), int ((secs % 1) * 2 ** 32))


def ntp_exchange (t, client, server, version=4, sport=123):
  tx = ntp_ts (t)
  req = bytes ([(version << 3) | 3]) + b'\x00' * 39 + tx
  if version == 3:  # Windows w32time fills in more than a minimal client
    req = bytes ([(3 << 3) | 3, 0, 17, 0xe9]) + b'\x00\x00\x00\x00' + b'\x00\x01\x04\x00' + \
        b'\x00' * 20 + ntp_ts (t - 900) + tx
  udp_packet (t, client, server, sport, 123, req)
  t1 = t + 2 * server.owd () + rng.uniform (0.00005, 0.0003)
  recv = ntp_ts (t + server.owd ())
  xmit = ntp_ts (t + server.owd () + 0.000021)
  resp = bytes ([(version << 3) | 4, 3, req[2] if version == 3 else 0, 0xe9]) + \
      struct.pack ('!I', 0x00000a3f) + struct.pack ('!I', 0x00000514) + ip_bytes ('10.71.8.4') + \
      ntp_ts (t - 35.2) + tx + recv + xmit
  udp_packet (t1, server, client, 123, sport, resp)
  return t1


def ping (t, a, b, count, linux=True):
  ident = rng.getrandbits (16)
  for seq in range (1, count + 1):
    if linux:
      now = T0 + t
      payload = struct.pack ('<QQ', int (now), int ((now % 1) * 1e6)) + bytes (range (0x10, 0x38))
    else:
      payload = b'abcdefghijklmnopqrstuvwabcdefghi'
    t = arp_resolve (t, a, b)
    icmp_packet (t, a, b, 8, 0, struct.pack ('!HH', ident, seq), payload)
    t1 = t + rtt (a, b) + rng.uniform (0.00002, 0.0003)
    icmp_packet (t1, b, a, 0, 0, struct.pack ('!HH', ident, seq), payload)
    t += rng.uniform (1.0, 1.002)
  return t


def dhcp (t, client, xid_seed):
  """DORA of a laptop joining the office network."""
  xid = xid_seed
  chaddr = mac_bytes (client.mac) + b'\0' * 10

  def bootp (op, yiaddr, siaddr, opts, ciaddr='0.0.0.0', secs=0):
    return struct.pack ('!BBBBIHH', op, 1, 6, 0, xid, secs, 0) + ip_bytes (ciaddr) + \
        ip_bytes (yiaddr) + ip_bytes (siaddr) + ip_bytes ('0.0.0.0') + chaddr + b'\0' * 192 + \
        b'\x63\x82\x53\x63' + opts + b'\xff'

  def opt (code, data):
    return bytes ([code, len (data)]) + data

  params = opt (55, bytes ([1, 121, 3, 6, 15, 108, 114, 119, 252, 95, 44, 46]))
  zero = Host ('0.0.0.0', client.mac)
  bcast = Host ('255.255.255.255', BROADCAST)
  discover = bootp (1, '0.0.0.0', '0.0.0.0', opt (53, b'\x01') + params + opt (57, u16 (1500)) +
                    opt (61, b'\x01' + mac_bytes (client.mac)) + opt (51, struct.pack ('!I', 7776000)) +
                    opt (12, b'mac58'))
  udp_packet (t, zero, bcast, 68, 67, discover, dst_mac=BROADCAST)
  lease = opt (51, struct.pack ('!I', 43200)) + opt (1, ip_bytes ('255.255.255.0')) + \
      opt (3, ip_bytes (GW.ip)) + opt (6, ip_bytes (GW.ip)) + opt (15, b'office.lan') + \
      opt (28, ip_bytes ('192.168.10.255'))
  t1 = t + 0.0012
  offer = bootp (2, client.ip, GW.ip, opt (53, b'\x02') + opt (54, ip_bytes (GW.ip)) + lease)
  udp_packet (t1, GW, client, 67, 68, offer, dst_mac=client.mac)
  t2 = t1 + 0.0009
  request = bootp (1, '0.0.0.0', '0.0.0.0', opt (53, b'\x03') + params + opt (57, u16 (1500)) +
                   opt (61, b'\x01' + mac_bytes (client.mac)) + opt (50, ip_bytes (client.ip)) +
                   opt (54, ip_bytes (GW.ip)) + opt (12, b'mac58'), secs=1)
  udp_packet (t2, zero, bcast, 68, 67, request, dst_mac=BROADCAST)
  t3 = t2 + 0.0011
  ack = bootp (2, client.ip, GW.ip, opt (53, b'\x05') + opt (54, ip_bytes (GW.ip)) + lease)
  udp_packet (t3, GW, client, 67, 68, ack, dst_mac=client.mac)
  GW.arp.add (client.ip)
  # gratuitous ARP announcing the new address
  t4 = t3 + 0.004
  arp_packet (t4, 1, client, client.ip, '00:00:00:00:00:00', BROADCAST)
  return t4


MDNS = Host ('224.0.0.251', None)


def mdns_query (t, client, services):
  msg = struct.pack ('!HHHHHH', 0, 0, len (services), 0, 0, 0)
  table = {}
  for s in services:
    msg += dns_name (s, len (msg), table) + struct.pack ('!HH', 12, 1)
  udp_packet (t, client, MDNS, 5353, 5353, msg, dst_mac='01:00:5e:00:00:fb', ttl=255)


def mdns_announce (t, client, hostname):
  """An unsolicited answer with the cache-flush bit: no question section."""
  table = {}
  msg = struct.pack ('!HHHHHH', 0, 0x8400, 0, 1, 0, 0) + \
      dns_name (hostname, 12, table) + struct.pack ('!HHIH', 1, 0x8001, 120, 4) + ip_bytes (client.ip)
  udp_packet (t, client, MDNS, 5353, 5353, msg, dst_mac='01:00:5e:00:00:fb', ttl=255)


def ssh_packet (payload, block=8):
  pad = block - ((len (payload) + 5) % block)
  if pad < 4:
    pad += block
  return struct.pack ('!IB', len (payload) + 1 + pad, pad) + payload + rbytes (pad)


def ssh_string (b):
  return struct.pack ('!I', len (b)) + b


def kexinit (server):
  # the bastion's sshd_config restricts KexAlgorithms: curve25519-sha256 is agreed
  kex = b'curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group14-sha256'
  lists = [
    kex if server else b'sntrup761x25519-sha512@openssh.com,' + kex + b',ext-info-c',
    b'ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256' if server else
    b'ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256',
  ] + [b'chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com'] * 2 + \
      [b'umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com'] * 2 + \
      [b'none,zlib@openssh.com'] * 2 + [b''] * 2
  body = b'\x14' + rbytes (16) + b''.join (ssh_string (x) for x in lists) + b'\x00' + b'\x00\x00\x00\x00'
  return ssh_packet (body)


def enc (payload_len):
  """A chacha20-poly1305 packet: encrypted length, payload, 16-byte tag."""
  pad = 8 - ((payload_len + 1) % 8)
  if pad < 4:
    pad += 8
  return rbytes (4 + 1 + payload_len + pad + 16)


def ssh_session (t, client, server, t_end, activity):
  """Interactive SSH with 60 s ServerAliveInterval. Returns the end time."""
  conn = TcpConn (client, server, 22, tos=0x48)
  t = conn.handshake (t)
  C, S = conn.c, conn.s
  owd2_s = lambda: 2 * server.owd ()
  t = conn.send (C, t + 0.0002, b'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n', final_ack=False)
  t = conn.send (S, t + owd2_s () + 0.002, b'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10\r\n', final_ack=False)
  t = conn.send (C, t + 0.0004, kexinit (False), final_ack=False)
  t = conn.send (S, t + owd2_s () + 0.0004, kexinit (True), final_ack=False)
  t = conn.send (C, t + 0.0012, ssh_packet (b'\x1e' + ssh_string (rbytes (32))), final_ack=False)
  hostkey = ssh_string (b'ssh-ed25519') + ssh_string (rbytes (32))
  sig = ssh_string (b'ssh-ed25519') + ssh_string (rbytes (64))
  reply = ssh_packet (b'\x1f' + ssh_string (hostkey) + ssh_string (rbytes (32)) + ssh_string (sig)) + \
      ssh_packet (b'\x15')
  t = conn.send (S, t + owd2_s () + 0.004, reply, final_ack=False)
  t = conn.send (C, t + 0.0008, ssh_packet (b'\x15') + enc (32), final_ack=False)  # NEWKEYS, SERVICE_REQUEST
  t = conn.send (S, t + owd2_s () + 0.0003, enc (36) + enc (24), final_ack=False)  # EXT_INFO, SERVICE_ACCEPT
  t = conn.send (C, t + 0.0002, enc (76), final_ack=False)                      # USERAUTH none
  t = conn.send (S, t + owd2_s () + 0.0004, enc (52), final_ack=False)          # FAILURE publickey
  t = conn.send (C, t + 0.0003, enc (412), final_ack=False)                     # publickey query
  t = conn.send (S, t + owd2_s () + 0.0004, enc (412), final_ack=False)         # PK_OK
  t = conn.send (C, t + 0.0021, enc (484), final_ack=False)                     # signed auth
  t = conn.send (S, t + owd2_s () + 0.0025, enc (4), final_ack=False)           # SUCCESS
  t = conn.send (C, t + 0.0004, enc (48), final_ack=False)                      # channel open
  t = conn.send (S, t + owd2_s () + 0.0006, enc (520) + enc (24), final_ack=False)  # hostkeys, confirm
  t = conn.send (C, t + 0.0003, enc (96) + enc (140) + enc (44), final_ack=False)   # pty, env, shell
  t = conn.send (S, t + owd2_s () + 0.0012, enc (16) + enc (16) + enc (1180), final_ack=True)  # motd

  def keystroke (t):
    t = conn.send (C, t, enc (9 + rng.choice ([1, 1, 1, 3])), final_ack=False)
    return conn.send (S, t + owd2_s () + rng.uniform (0.0001, 0.0004), enc (10), final_ack=True)

  last = t
  for start, kind in activity:
    # keepalives during the silence before this activity
    while last + 60 < start:
      last += 60 + rng.uniform (0.0, 0.004)
      k = conn.send (C, last, enc (26), final_ack=False)      # keepalive@openssh.com
      conn.send (S, k + owd2_s () + 0.00008, enc (1), final_ack=True)
    t = start
    if kind == 'typing':
      for _ in range (rng.randrange (8, 20)):
        t = keystroke (t) + rng.uniform (0.08, 0.35)
      t = conn.send (C, t, enc (10), final_ack=False)         # Enter
      t = conn.send (S, t + owd2_s () + rng.uniform (0.005, 0.03), enc (rng.randrange (600, 6000)), final_ack=True)
    last = t
  while last + 60 < t_end:
    last += 60 + rng.uniform (0.0, 0.004)
    k = conn.send (C, last, enc (26), final_ack=False)
    conn.send (S, k + owd2_s () + 0.00008, enc (1), final_ack=True)
  # exit: the shell's last output, channel EOF/close, disconnect
  t = t_end
  for _ in range (4):
    t = keystroke (t) + rng.uniform (0.1, 0.3)
  t = conn.send (C, t, enc (10), final_ack=False)
  t = conn.send (S, t + owd2_s () + 0.002, enc (12) + enc (48) + enc (8) + enc (8), final_ack=False)
  t = conn.send (C, t + 0.0003, enc (8), final_ack=False)
  t = conn.send (C, t + 0.0002, enc (44), final_ack=False)      # disconnect
  return conn.close (C, t + 0.0001)


def tcp_rejected (t, client, server, port):
  """SYN answered with RST/ACK (Zeek REJ)."""
  t = arp_resolve (t, client, server)
  conn = TcpConn (client, server, port)
  t = conn.emit (conn.c, t, 0x02)
  t1 = t + 2 * server.owd () + rng.uniform (0.00002, 0.0001)
  conn.emit (conn.s, t1, 0x14, seq=0, win=0, no_opts=True)
  return t1


def wireguard_unanswered (t, client, peer, attempts):
  sport = 51820
  sender = rng.getrandbits (32)
  for k in range (attempts):
    msg = struct.pack ('<BxxxI', 1, sender) + rbytes (32) + rbytes (48) + rbytes (28) + rbytes (16) + b'\0' * 16
    udp_packet (t, client, peer, sport, 51820, msg)
    sender = rng.getrandbits (32)
    t += 5 + rng.uniform (0, 0.333)
  return t

# --------------------------------------------------------------------------
# Port scans by 192.168.10.66


TOP_PORTS = [80, 23, 443, 21, 22, 25, 3389, 110, 445, 139, 143, 53, 135, 3306, 8080, 1723, 111,
             995, 993, 5900, 1025, 587, 8888, 199, 1720, 465, 548, 113, 81, 6001, 10000, 514,
             5060, 179, 1026, 2000, 8443, 8000, 32768, 554, 26, 1433, 49152, 2001, 515, 8008,
             49154, 1027, 5666, 646, 5000, 5631, 631, 49153, 8081, 2049, 88, 79, 5800, 106,
             2121, 1110, 49155, 6000, 513, 990, 5357, 427, 49156, 543, 544, 5101, 144, 7, 389]


def scan_ports (count):
  ports = list (TOP_PORTS)
  extra = rng.sample ([p for p in range (1, 10000) if p not in ports], count - len (ports))
  ports += extra
  rng.shuffle (ports)
  return ports


def nmap_syn (t, scanner, target, dport, sport, open_port, answer=True):
  seq = rng.getrandbits (32)
  opts = struct.pack ('!BBH', 2, 4, 1460)
  seg = struct.pack ('!HHIIBBHHH', sport, dport, seq, 0, (24 // 4) << 4, 0x02, 1024, 0, 0) + opts
  seg = seg[:16] + struct.pack ('!H', l4_checksum (scanner.ip, target.ip, 6, seg)) + seg[18:]
  cap.add (usec (t), ether (scanner.mac, target.mac, 0x0800,
                            ipv4 (scanner, target, 6, seg, df=False, ttl=rng.randrange (37, 60),
                                  ip_id=rng.getrandbits (16))))
  if not answer:
    return
  t1 = t + 2 * target.owd () + rng.uniform (0.00002, 0.00006)
  if open_port:
    isn = rng.getrandbits (32)
    o = struct.pack ('!BBH', 2, 4, 1460)
    seg = struct.pack ('!HHIIBBHHH', dport, sport, isn, seq + 1, (24 // 4) << 4, 0x12, 64240, 0, 0) + o
    seg = seg[:16] + struct.pack ('!H', l4_checksum (target.ip, scanner.ip, 6, seg)) + seg[18:]
    cap.add (usec (t1), ether (target.mac, scanner.mac, 0x0800, ipv4 (target, scanner, 6, seg, ip_id=0)))
    # the scanner's kernel knows no such socket and resets
    t2 = t1 + 2 * scanner.owd () + rng.uniform (0.00001, 0.00003)
    seg = struct.pack ('!HHIIBBHHH', sport, dport, (seq + 1) & 0xffffffff, 0, 5 << 4, 0x04, 0, 0, 0)
    seg = seg[:16] + struct.pack ('!H', l4_checksum (scanner.ip, target.ip, 6, seg)) + seg[18:]
    cap.add (usec (t2), ether (scanner.mac, target.mac, 0x0800, ipv4 (scanner, target, 6, seg, ip_id=0)))
  else:
    seg = struct.pack ('!HHIIBBHHH', dport, sport, 0, (seq + 1) & 0xffffffff, 5 << 4, 0x14, 0, 0, 0)
    seg = seg[:16] + struct.pack ('!H', l4_checksum (target.ip, scanner.ip, 6, seg)) + seg[18:]
    cap.add (usec (t1), ether (target.mac, scanner.mac, 0x0800, ipv4 (target, scanner, 6, seg, ip_id=0)))


VERTICAL_OPEN = (22, 80, 445)
VERTICAL_PORTS = 300
HORIZONTAL_RST = ('192.168.10.104', '192.168.10.111', '192.168.10.119', '192.168.10.126',
                  '192.168.10.133')


def vertical_scan (t):
  t = arp_resolve (t, SCAN66, FS01)
  sport = 48213
  ports = scan_ports (VERTICAL_PORTS)
  for k, port in enumerate (ports):
    # nmap -T4 sends in bursts, then waits on its congestion window
    t += rng.uniform (0.00004, 0.00012) if k % 16 else rng.uniform (0.01, 0.03)
    nmap_syn (t, SCAN66, FS01, port, sport, port in VERTICAL_OPEN)
  return t


def horizontal_scan (t):
  # nmap's ARP ping of .100-.147; the 40 phones at .100-.139 answer
  sport = 53117
  live = []
  for i in range (100, 148):
    ip = '192.168.10.%d' % i
    arp_packet (t, 1, SCAN66, ip, '00:00:00:00:00:00', BROADCAST)
    phone = next ((p for p in PHONES if p.ip == ip), None)
    if phone is not None:
      arp_packet (t + 2 * phone.owd () + rng.uniform (0.0001, 0.0009), 2, phone, SCAN66.ip,
                  SCAN66.mac, SCAN66.mac)
      live.append (phone)
    t += rng.uniform (0.0003, 0.0012)
  t += 0.25  # nmap's ARP retry of the silent addresses happens without traffic we keep
  for i in range (100, 148):
    if i >= 140:
      arp_packet (t, 1, SCAN66, '192.168.10.%d' % i, '00:00:00:00:00:00', BROADCAST)
      t += rng.uniform (0.0003, 0.0009)
  t += 0.6
  for phone in live:
    nmap_syn (t, SCAN66, phone, 23, sport, False, answer=phone.ip in HORIZONTAL_RST)
    t += rng.uniform (0.0002, 0.002)
  return t

# --------------------------------------------------------------------------
# The scenario


def main ():
  # Each host's activities are called in time order: the ARP caches fill in
  # call order, so a host's first call must be its first contact.
  ap = argparse.ArgumentParser (description=__doc__.splitlines ()[0])
  ap.add_argument ('--out', required=True, help='path of the pcap to write')
  args = ap.parse_args ()

  # 0 s: the Debian workstation resolves the bastion and opens the long SSH session
  t = dns_lookup (1.21, DEV42, QUAD9, 'bastion.example.net')
  ssh_activity = [(40.2, 'typing'), (310.7, 'typing'), (655.0, 'typing'), (1010.4, 'typing'),
                  (1322.9, 'typing'), (1590.0, 'typing')]
  ssh_session (t + 0.003, DEV42, BASTION, 1702.3, ssh_activity)

  # NTP: systemd-timesyncd on dev42 (w32time on win51 further down)
  t = dns_lookup (4.8, DEV42, QUAD9, '2.debian.pool.ntp.org')
  sport = DEV42.ephemeral_port ()
  for at in (t + 0.0005, 36.9, 165.3, 421.6, 933.4, 1445.7):  # poll 32 s doubling to 512 s
    ntp_exchange (at, DEV42, NTP_POOL, 4, sport)

  # ping
  ping (25.4, DEV42, GW, 3)
  ping (29.1, DEV42, QUAD9, 4)

  # the beaconing host: one lookup of the C2 name, then a check-in every
  # 30 s +- 1 s; its user's own traffic happens between check-ins (Windows
  # hands out source ports in sequence, so calls stay in time order)
  t = dns_lookup (14.2, BEACON77, GW, C2_NAME) + 0.0009
  arp_resolve (t, BEACON77, C2)
  user77 = [
    (452.3, lambda: tls13_session (452.3, BEACON77, MSLOGIN, 'login.microsoftonline.com',
                                   [(1300, 9400), (900, 3100)], resolver=GW)),
    (880.6, lambda: dns_lookup (880.6, BEACON77, GW, 'wpad.office.lan')),
  ]
  k = 0
  bt = t + 0.0011
  while bt < DURATION - 5:
    while user77 and user77[0][0] < bt:
      user77.pop (0)[1] ()
    beacon (bt, BEACON77)
    k += 1
    bt = t + 30.0 * k + rng.uniform (-1.0, 1.0)

  # ordinary web on win51 (Windows, Chrome) through the gateway's resolver
  dns_lookup (60.2, WIN51, GW, 'wpad.office.lan')
  tls13_session (62.0, WIN51, GOOGLE, 'www.google.com', [(620, 48_000), (880, 12_500)], resolver=GW)
  tls13_session (95.7, WIN51, WIKI, 'www.wikipedia.org', [(540, 71_000), (500, 9_800)], resolver=GW)
  t = dns_lookup (121.0, WIN51, GW, 'time.windows.com')
  ntp_exchange (t + 0.002, WIN51, NTP_MS, 3, 123)
  web_http (205.4, WIN51, EXAMPLE, 'www.example.com', [('/', 1256)], GW)
  tcp_rejected (301.8, WIN51, FS01, 3389)
  tls13_session (402.8, WIN51, GITHUB, 'github.com', [(700, 96_000), (650, 22_000), (610, 4_200)],
                 resolver=GW)
  tls13_session (612.2, WIN51, BBC, 'www.bbc.co.uk', [(600, 88_000), (560, 30_500)], resolver=GW)
  ping (733.0, WIN51, GW, 4, linux=False)
  tls13_session (1204.9, WIN51, GOOGLE, 'www.google.com', [(640, 51_000)], resolver=GW)
  tls13_session (1399.5, WIN51, WIKI, 'www.wikipedia.org', [(520, 44_000)], resolver=GW)

  # the Debian workstation: apt, intranet, a VPN that never answers
  apt_update (420.6, DEV42)
  intranet_http (528.4, DEV42)
  tcp_rejected (534.9, DEV42, FS01, 8080)
  tls13_session (760.3, DEV42, GITHUB, 'github.com', [(590, 38_000)], resolver=QUAD9)
  wireguard_unanswered (1188.2, DEV42, WG_PEER, 18)

  # the MacBook joins at 90 s
  t = dhcp (90.0, MAC58, 0x5c0e1a77)
  mdns_announce (t + 0.3, MAC58, 'mac58.local')
  mdns_query (t + 1.2, MAC58, ['_airplay._tcp.local', '_companion-link._tcp.local', '_raop._tcp.local'])
  mdns_query (t + 2.2, MAC58, ['_airplay._tcp.local', '_companion-link._tcp.local', '_raop._tcp.local'])
  mdns_query (t + 4.2, MAC58, ['_airplay._tcp.local', '_companion-link._tcp.local', '_raop._tcp.local'])
  mdns_query (1121.5, MAC58, ['_googlecast._tcp.local'])
  tls13_session (97.4, MAC58, WIKI, 'www.wikipedia.org', [(510, 66_000)], resolver=GW)
  web_http (350.2, MAC58, EXAMPLE, 'www.example.com', [('/', 1256), ('/favicon.ico', 1150)], GW)
  tls13_session (1050.8, MAC58, GITHUB, 'github.com', [(600, 41_000), (560, 7_300)], resolver=GW)
  tcp_rejected (1101.3, MAC58, FS01, 5900)

  # the scanner: a vertical SYN scan of fs01, later port 23 across the phones
  vertical_scan (600.0)
  horizontal_scan (962.0)

  cap.write (args.out)
  print ('%s: %d packets, %d bytes' % (args.out, len (cap.packets),
                                       24 + sum (16 + len (p[2]) for p in cap.packets)))


if __name__ == '__main__':
  sys.exit (main ())
