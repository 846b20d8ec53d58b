/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-input.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "eg-error.h"
#include "eg-flow-log-reader.h"

static FILE *
open_input (const char  *path,
            GError     **error)
{
  FILE *file = fopen (path, "rb");

  if (file == NULL)
    {
      int saved = errno;
      g_set_error (error, EG_ERROR, saved == ENOENT ? EG_ERROR_NOT_FOUND : EG_ERROR_FAILED,
                   "Cannot open “%s”: %s", path, g_strerror (saved));
    }
  return file;
}

gboolean
eg_input_sniff (const char  *path,
                EgInputKind *kind,
                GError     **error)
{
  static const guint8 magics[][4] = {
    { 0xd4, 0xc3, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xc3, 0xd4 },  /* pcap, µs */
    { 0x4d, 0x3c, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0x3c, 0x4d },  /* pcap, ns */
    { 0x0a, 0x0d, 0x0d, 0x0a },                              /* pcapng */
  };
  char head[4096];
  FILE *file;
  gsize len;
  EgFlowLogFormat format;

  file = open_input (path, error);
  if (file == NULL)
    return FALSE;
  len = fread (head, 1, sizeof head, file);
  fclose (file);

  if (len == 0)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT, "“%s” is empty", path);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (magics); i++)
    if (len >= 4 && memcmp (head, magics[i], 4) == 0)
      {
        *kind = EG_INPUT_CAPTURE;
        return TRUE;
      }
  if (eg_flow_log_sniff (head, len, &format))
    {
      *kind = EG_INPUT_FLOW_LOG;
      return TRUE;
    }
  g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
               "“%s” is neither a packet capture (pcap, pcapng) nor a flow log "
               "(Zeek conn.log, Argus binetflow)", path);
  return FALSE;
}

gboolean
eg_input_identify (const char  *path,
                   guint8       identity[EG_INPUT_IDENTITY_LEN],
                   GError     **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buf = g_malloc (64 * 1024);
  gsize total = 0, len = EG_INPUT_IDENTITY_LEN;
  FILE *file = open_input (path, error);

  if (file == NULL)
    return FALSE;
  while (total < 1024 * 1024)
    {
      gsize n = fread (buf, 1, 64 * 1024, file);

      if (n == 0)
        break;
      g_checksum_update (sum, buf, n);
      total += n;
    }
  fclose (file);
  g_checksum_get_digest (sum, identity, &len);
  return TRUE;
}
