/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-pcap-map.h"

#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "eg-map-guard.h"

#define FILE_HEADER_LEN   24
#define RECORD_HEADER_LEN 16
/* libpcap's limit for the link types Edgeguard decodes: longer records mean
 * a damaged file, not a jumbo frame. */
#define MAX_CAPLEN        262144
/* Mapped pages already read are dropped from the page table every so
 * often, so a long replay does not show the whole file as resident. */
#define RELEASE_STEP      (8 * 1024 * 1024)

struct _EgPcapMap {
  const guint8 *data;
  gsize         size;
  EgMapGuard   *guard;      /* the file shrinking under the map */
  int           fd;         /* not ours: to say how short it became */
  gsize         offset;
  gsize         released;   /* bytes before this are no longer mapped in */
  gsize         page;       /* the machine's page size: 4 KiB, 16 or 64 KiB */
  guint         snaplen;
  gboolean      swapped;
  gboolean      nsec;
  char          message[128];
};

static inline guint32
read_u32 (const EgPcapMap *map,
          gsize            at)
{
  guint32 v;

  memcpy (&v, map->data + at, sizeof v);
  return map->swapped ? GUINT32_SWAP_LE_BE (v) : v;
}

EgPcapMap *
eg_pcap_map_open (int   fd,
                  guint snaplen)
{
  struct stat st;
  guint32 magic;
  guint16 major, minor;
  gboolean swapped, nsec;
  void *data;
  EgPcapMap *map;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size < FILE_HEADER_LEN)
    return NULL;
  if (pread (fd, &magic, sizeof magic, 0) != sizeof magic)
    return NULL;
  switch (magic)
    {
    case 0xa1b2c3d4: swapped = FALSE; nsec = FALSE; break;
    case 0xd4c3b2a1: swapped = TRUE;  nsec = FALSE; break;
    case 0xa1b23c4d: swapped = FALSE; nsec = TRUE;  break;
    case 0x4d3cb2a1: swapped = TRUE;  nsec = TRUE;  break;
    default: return NULL;  /* pcapng, or a variant only libpcap knows */
    }
  if (pread (fd, &major, sizeof major, 4) != sizeof major
      || pread (fd, &minor, sizeof minor, 6) != sizeof minor)
    return NULL;
  if (swapped)
    {
      major = GUINT16_SWAP_LE_BE (major);
      minor = GUINT16_SWAP_LE_BE (minor);
    }
  if (major != 2 || minor != 4)  /* older files need libpcap's fix-ups */
    return NULL;

  data = mmap (NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (data == MAP_FAILED)
    return NULL;
  madvise (data, st.st_size, MADV_SEQUENTIAL);  /* hints: no error matters */
  madvise (data, st.st_size, MADV_WILLNEED);

  map = g_new0 (EgPcapMap, 1);
  map->guard = eg_map_guard_add (data, st.st_size);
  if (map->guard == NULL)
    {
      munmap (data, st.st_size);
      g_free (map);
      return NULL;
    }
  map->fd = fd;
  map->data = data;
  map->size = st.st_size;
  map->page = sysconf (_SC_PAGESIZE);
  map->offset = FILE_HEADER_LEN;
  map->snaplen = snaplen ? snaplen : MAX_CAPLEN;
  map->swapped = swapped;
  map->nsec = nsec;
  return map;
}

void
eg_pcap_map_free (EgPcapMap *map)
{
  if (map == NULL)
    return;
  eg_map_guard_remove (map->guard);
  munmap ((void *) map->data, map->size);
  g_free (map);
}

static void
release_read_pages (EgPcapMap *map,
                    gsize      record)
{
  gsize end = record & ~(map->page - 1);  /* the frame handed out stays mapped */

  if (end - map->released < RELEASE_STEP)
    return;
  /* A private read-only file mapping: this only unmaps; the pages stay
   * in the page cache. */
  madvise ((void *) (map->data + map->released), end - map->released, MADV_DONTNEED);
  map->released = end;
}

/* Reading past the file's end read zeros (eg-map-guard.c): what was read
 * before stands, nothing after it is believed. */
static EgCaptureStatus
shrunk_error (EgPcapMap   *map,
              const char **message)
{
  struct stat st;

  if (fstat (map->fd, &st) == 0)
    g_snprintf (map->message, sizeof map->message,
                "truncated dump file; it shrank from %" G_GSIZE_FORMAT " to %" G_GINT64_FORMAT
                " bytes while it was read", map->size, (gint64) st.st_size);
  else
    g_snprintf (map->message, sizeof map->message,
                "truncated dump file; it shrank from %" G_GSIZE_FORMAT " bytes while it was read",
                map->size);
  *message = map->message;
  map->offset = map->size;   /* and it stays at its end */
  return EG_CAPTURE_ERROR;
}

/* Touches every page of the record before it is handed out, and the page
 * after its last byte: bytes past a shorter file's end in its last page
 * read as zeros without a fault, but the page after them faults. So a
 * record the file lost is refused here, not read as zeros later (a few
 * whole records just before the new end may be refused with it). */
static void
touch_record (const EgPcapMap *map,
              gsize            start,
              gsize            end)
{
  gsize mask = ~(map->page - 1);
  gsize last = ((end - 1) & mask) + map->page;

  for (gsize at = start & mask; at <= last && at < map->size; at += map->page)
    (void) *(volatile const guint8 *) (map->data + at);
}

EgCaptureStatus
eg_pcap_map_next (EgPcapMap   *map,
                  EgFrame     *frame,
                  const char **message)
{
  gsize left = map->size - map->offset;
  guint32 sec, frac, caplen, len;

  if (eg_map_guard_tripped (map->guard))
    return shrunk_error (map, message);
  if (left == 0)
    return EG_CAPTURE_EOF;
  /* libpcap's words, so a damaged file reads the same either way. */
  if (left < RECORD_HEADER_LEN)
    {
      g_snprintf (map->message, sizeof map->message,
                  "truncated dump file; tried to read %d header bytes, only got %" G_GSIZE_FORMAT,
                  RECORD_HEADER_LEN, left);
      *message = map->message;
      return EG_CAPTURE_ERROR;
    }
  sec = read_u32 (map, map->offset);
  frac = read_u32 (map, map->offset + 4);
  caplen = read_u32 (map, map->offset + 8);
  len = read_u32 (map, map->offset + 12);
  left -= RECORD_HEADER_LEN;
  if (caplen > MAX_CAPLEN)
    {
      if (caplen > map->snaplen)
        g_snprintf (map->message, sizeof map->message,
                    "invalid packet capture length %u, bigger than snaplen of %u",
                    caplen, map->snaplen);
      else
        g_snprintf (map->message, sizeof map->message,
                    "invalid packet capture length %u, bigger than maximum of %u",
                    caplen, MAX_CAPLEN);
      *message = map->message;
      return EG_CAPTURE_ERROR;
    }
  if (caplen > left)
    {
      g_snprintf (map->message, sizeof map->message,
                  "truncated dump file; tried to read %u captured bytes, only got %" G_GSIZE_FORMAT,
                  caplen, left);
      *message = map->message;
      return EG_CAPTURE_ERROR;
    }
  touch_record (map, map->offset, map->offset + RECORD_HEADER_LEN + caplen);
  if (eg_map_guard_tripped (map->guard))
    return shrunk_error (map, message);

  /* As libpcap scales to nanoseconds, so timestamps are the same doubles. */
  frame->ts = sec + (map->nsec ? frac : frac * 1000.0) / 1e9;
  frame->data = map->data + map->offset + RECORD_HEADER_LEN;
  /* A record longer than the file's snaplen is cut to it, as libpcap does. */
  frame->caplen = MIN (caplen, map->snaplen);
  frame->wirelen = MAX (len, frame->caplen);
  release_read_pages (map, map->offset);
  map->offset += RECORD_HEADER_LEN + (gsize) caplen;
  return EG_CAPTURE_FRAME;
}

guint64
eg_pcap_map_get_offset (EgPcapMap *map)
{
  return map->offset;
}
