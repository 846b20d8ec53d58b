/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-packet: any bytes, under any link type we read, must decode without
 * reading past the frame, and what decodes must point inside it.
 *
 * Input: byte 0 picks the link type (low nibble, modulo the list) and
 * whether the frame is a snapshot of a longer one (high bit); the rest is
 * the frame. The seeds in corpus/packet/ come from test-packet
 * (EG_WRITE_FUZZ_CORPUS=DIR). */
#include "eg-packet.h"

#include <stdint.h>
#include <stdlib.h>

/* Keep in step with write_fuzz_corpus in tests/test-packet.c. */
static const int linktypes[] = {
  EG_LINKTYPE_NULL, EG_LINKTYPE_ETHERNET, EG_LINKTYPE_RAW_DLT12, EG_LINKTYPE_RAW_DLT14,
  EG_LINKTYPE_RAW, EG_LINKTYPE_LOOP, EG_LINKTYPE_LINUX_SLL, EG_LINKTYPE_IPV4,
  EG_LINKTYPE_IPV6, EG_LINKTYPE_LINUX_SLL2,
};

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const guint8 *frame = data + 1;
  const guint8 *end;
  guint caplen, len;
  EgDecodeResult r;
  EgPacket pkt;
  int linktype;

  if (size < 1 || size > 65536)
    return 0;
  linktype = linktypes[(data[0] & 0x0f) % G_N_ELEMENTS (linktypes)];
  caplen = size - 1;
  len = (data[0] & 0x80) ? caplen + 1500 : caplen;
  end = frame + caplen;

  r = eg_packet_decode_with_len (&pkt, linktype, frame, caplen, len);
  if (!eg_linktype_supported (linktype) || r > EG_DECODE_UNSUPPORTED)
    abort ();
  if (r == EG_DECODE_OK)
    {
      if (pkt.l3 < frame || pkt.l3 + pkt.l3_caplen != end)
        abort ();
      if (pkt.ip_version != 4 && pkt.ip_version != 6)
        abort ();
      if (pkt.payload < pkt.l3 || pkt.payload + pkt.payload_caplen > end)
        abort ();
      if (pkt.payload_caplen > pkt.payload_len)
        abort ();
      if (pkt.has_ports && pkt.is_fragment && pkt.frag_offset != 0)
        abort ();
      if ((guint) (pkt.payload - pkt.l3) + pkt.payload_len > pkt.ip_len)
        abort ();
    }
  /* The whole-frame entry point must agree whenever nothing was cut. */
  if (len == caplen && eg_packet_decode (&pkt, linktype, frame, caplen) != r)
    abort ();
  return 0;
}
