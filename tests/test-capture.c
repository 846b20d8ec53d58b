/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Classic pcap files are read from a memory map, not through libpcap. Here
 * libpcap is the oracle: the same file read as a stream (which always goes
 * through libpcap) must give the same frames, and the same words for a
 * damaged record. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "eg-capture.h"
#include "eg-error.h"
#include "eg-test-util.h"

typedef struct {
  GArray     *ts;       /* double */
  GArray     *lens;     /* caplen, wirelen pairs */
  GChecksum  *bytes;    /* of every captured byte, in order */
  char       *error;    /* NULL after a clean end */
} Frames;

static void
frames_clear (Frames *f)
{
  g_array_unref (f->ts);
  g_array_unref (f->lens);
  g_checksum_free (f->bytes);
  g_free (f->error);
}

static void
read_all (EgCapture *capture,
          Frames    *f)
{
  EgFrame frame;
  EgCaptureStatus status;
  g_autoptr(GError) error = NULL;

  f->ts = g_array_new (FALSE, FALSE, sizeof (double));
  f->lens = g_array_new (FALSE, FALSE, sizeof (guint));
  f->bytes = g_checksum_new (G_CHECKSUM_SHA256);
  f->error = NULL;
  while ((status = eg_capture_next (capture, &frame, 0, &error)) == EG_CAPTURE_FRAME)
    {
      g_array_append_val (f->ts, frame.ts);
      g_array_append_val (f->lens, frame.caplen);
      g_array_append_val (f->lens, frame.wirelen);
      g_checksum_update (f->bytes, frame.data, frame.caplen);
    }
  g_assert_cmpint (status, !=, EG_CAPTURE_TIMEOUT);
  if (status == EG_CAPTURE_ERROR)
    {
      g_assert_error (error, EG_ERROR, EG_ERROR_TRUNCATED);
      f->error = g_strdup (error->message);
    }
}

/* Reads path both ways and asserts the frames agree; returns the count. */
static guint
assert_same_frames (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EgCapture) mapped = eg_capture_open_file (path, &error);
  Frames a, b;
  int fd;
  guint n;

  g_assert_no_error (error);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  /* The stream reader names its input like a file, so messages match. */
  g_autoptr(EgCapture) streamed = eg_capture_open_fd (fd, path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (eg_capture_get_linktype (mapped), ==, eg_capture_get_linktype (streamed));

  read_all (mapped, &a);
  read_all (streamed, &b);
  g_assert_cmpuint (a.ts->len, ==, b.ts->len);
  g_assert_cmpmem (a.ts->data, a.ts->len * sizeof (double), b.ts->data, b.ts->len * sizeof (double));
  g_assert_cmpmem (a.lens->data, a.lens->len * sizeof (guint), b.lens->data, b.lens->len * sizeof (guint));
  g_assert_cmpstr (g_checksum_get_string (a.bytes), ==, g_checksum_get_string (b.bytes));
  g_assert_cmpstr (a.error, ==, b.error);
  n = a.ts->len;
  frames_clear (&a);
  frames_clear (&b);
  return n;
}

static void
test_real_captures (void)
{
  g_autofree char *dir = eg_test_shared_path ("ndpi");
  g_autoptr(GDir) d = NULL;
  const char *name;
  guint files = 0, frames = 0;

  if (dir == NULL)
    return;
  d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(EgCapture) probe = NULL;

      if (!g_str_has_suffix (name, ".pcap") && !g_str_has_suffix (name, ".pcapng"))
        continue;
      probe = eg_capture_open_file (path, &error);
      if (probe == NULL)  /* unsupported link types: tested elsewhere */
        continue;
      frames += assert_same_frames (path);
      files++;
    }
  /* Every capture of the set, classic and pcapng alike, the damaged one
   * (fuzz-2021-10-13.pcap) included. */
  g_assert_cmpuint (files, >=, 30);
  g_assert_cmpuint (frames, >, 10000);
}

/* A classic pcap in the given byte order and precision with one record per
 * entry of caplens (a record's body is its length in 0x5a bytes). */
static GByteArray *
make_pcap (gboolean        swapped,
           gboolean        nsec,
           guint32         snaplen,
           const guint32  *caplens,
           guint           n)
{
  GByteArray *out = g_byte_array_new ();
  guint32 magic = nsec ? 0xa1b23c4d : 0xa1b2c3d4;
  guint16 major = 2, minor = 4;
  guint32 zero = 0, linktype = 1;

#define PUT32(v) G_STMT_START { guint32 x_ = (v); if (swapped) x_ = GUINT32_SWAP_LE_BE (x_); \
                                g_byte_array_append (out, (guint8 *) &x_, 4); } G_STMT_END
#define PUT16(v) G_STMT_START { guint16 x_ = (v); if (swapped) x_ = GUINT16_SWAP_LE_BE (x_); \
                                g_byte_array_append (out, (guint8 *) &x_, 2); } G_STMT_END
  PUT32 (magic);
  PUT16 (major);
  PUT16 (minor);
  PUT32 (zero);
  PUT32 (zero);
  PUT32 (snaplen);
  PUT32 (linktype);
  for (guint i = 0; i < n; i++)
    {
      PUT32 (1700000000 + i);
      PUT32 (nsec ? 123456789 : 123456);
      PUT32 (caplens[i]);
      PUT32 (caplens[i] + 4);
      for (guint j = 0; j < MIN (caplens[i], 70000u); j++)
        g_byte_array_append (out, (const guint8 *) "\x5a", 1);
    }
#undef PUT32
#undef PUT16
  return out;
}

static char *
write_temp (const char *dir,
            const char *name,
            GByteArray *bytes,
            gsize       cut)   /* bytes dropped from the end */
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) bytes->data, bytes->len - cut, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_orders_and_damage (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  const guint32 good[] = { 60, 1514, 42, 100 };
  /* 2000 bytes in a 1500-byte snaplen file: cut to the snaplen. */
  const guint32 oversized[] = { 60, 2000, 60 };
  /* A length no link type allows: the file is damaged there. */
  const guint32 absurd[] = { 60, 300000 };

  for (guint order = 0; order < 4; order++)
    {
      g_autoptr(GByteArray) bytes = make_pcap (order & 1, order & 2, 65535, good, G_N_ELEMENTS (good));
      g_autofree char *whole = write_temp (dir, "whole.pcap", bytes, 0);
      g_autofree char *in_body = write_temp (dir, "cut-body.pcap", bytes, 30);
      g_autofree char *in_header = write_temp (dir, "cut-header.pcap", bytes, 100 + 6);

      g_assert_cmpuint (assert_same_frames (whole), ==, 4);
      g_assert_cmpuint (assert_same_frames (in_body), ==, 3);
      g_assert_cmpuint (assert_same_frames (in_header), ==, 3);
    }
  {
    g_autoptr(GByteArray) bytes = make_pcap (FALSE, FALSE, 1500, oversized, G_N_ELEMENTS (oversized));
    g_autofree char *path = write_temp (dir, "oversized.pcap", bytes, 0);
    g_assert_cmpuint (assert_same_frames (path), ==, 3);
  }
  {
    g_autoptr(GByteArray) bytes = make_pcap (FALSE, FALSE, 65535, absurd, G_N_ELEMENTS (absurd));
    g_autofree char *path = write_temp (dir, "absurd.pcap", bytes, 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(EgCapture) capture = eg_capture_open_file (path, &error);
    EgFrame frame;

    g_assert_cmpuint (assert_same_frames (path), ==, 1);
    g_assert_cmpint (eg_capture_next (capture, &frame, 0, &error), ==, EG_CAPTURE_FRAME);
    g_assert_cmpint (eg_capture_next (capture, &frame, 0, &error), ==, EG_CAPTURE_ERROR);
    g_assert_nonnull (strstr (error->message, "absurd.pcap: the capture is damaged after 1 packets"));
    g_assert_nonnull (strstr (error->message, "300000"));
  }
  eg_test_rmdir (dir);
}

static gboolean
all_bytes (const guint8 *data,
           guint         n,
           guint8        value)
{
  for (guint i = 0; i < n; i++)
    if (data[i] != value)
      return FALSE;
  return TRUE;
}

/* A file cut short while it is read (a rotating tcpdump overwriting it):
 * the map's pages past the new end used to raise SIGBUS and kill the
 * process. Now the read ends with the truncated-file error, and no frame
 * handed out holds anything but the file's bytes, zeros least of all. */
static void
test_file_shrinks (void)
{
  enum { N = 20000, LEN = 1000, RECORD = LEN + 16 };
  const gsize cut = 4000000 + 123;   /* not on a page boundary */
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree guint32 *caplens = g_new (guint32, N);
  g_autoptr(GByteArray) bytes = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EgCapture) capture = NULL;
  EgCaptureStatus status;
  EgFrame frame;
  guint n = 0;

  for (guint i = 0; i < N; i++)
    caplens[i] = LEN;
  bytes = make_pcap (FALSE, FALSE, 65535, caplens, N);
  path = write_temp (dir, "shrinking.pcap", bytes, 0);
  capture = eg_capture_open_file (path, &error);
  g_assert_no_error (error);
  for (; n < 2000; n++)
    {
      g_assert_cmpint (eg_capture_next (capture, &frame, 0, &error), ==, EG_CAPTURE_FRAME);
      g_assert_true (all_bytes (frame.data, frame.caplen, 0x5a));
    }
  g_assert_cmpint (truncate (path, cut), ==, 0);
  while ((status = eg_capture_next (capture, &frame, 0, &error)) == EG_CAPTURE_FRAME)
    {
      g_assert_cmpuint (frame.caplen, ==, LEN);
      g_assert_true (all_bytes (frame.data, frame.caplen, 0x5a));
      n++;
    }
  g_assert_cmpint (status, ==, EG_CAPTURE_ERROR);
  g_assert_error (error, EG_ERROR, EG_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (error->message, "shrinking.pcap: the capture is damaged after"));
  g_assert_nonnull (strstr (error->message, "shrank from 20320024 to 4000123 bytes"));
  /* Every whole record before the cut, but those in the page before it. */
  g_assert_cmpuint (24 + (gsize) n * RECORD, <=, cut);
  g_assert_cmpuint (24 + (gsize) n * RECORD + 2 * 4096 + RECORD, >=, cut);
  g_clear_error (&error);
  g_assert_cmpint (eg_capture_next (capture, &frame, 0, &error), ==, EG_CAPTURE_ERROR);
  eg_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/capture/mapped-like-libpcap/real-captures", test_real_captures);
  g_test_add_func ("/capture/mapped-like-libpcap/orders-and-damage", test_orders_and_damage);
  g_test_add_func ("/capture/mapped/file-shrinks-while-read", test_file_shrinks);
  return g_test_run ();
}
