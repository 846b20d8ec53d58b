/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-flow-log-common.h: the body the three flow log fuzz targets share.
 * Any bytes must read without a crash; every record the reader returns
 * must be well formed and survive the writers.
 *
 * Long runs: ASAN_OPTIONS=detect_leaks=0. Labels and services are interned
 * (g_intern_string), and GLib never frees its quark table, which LeakSanitizer
 * reports at exit once a run has interned many distinct strings. */
#pragma once

#include <stdint.h>
#include <string.h>

#include "eg-flow-log-reader.h"
#include "eg-flow-writer.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
ignore_warning (const char *message,
                gpointer    user_data)
{
  g_assert_nonnull (message);
}

/* header: what makes the reader pick the target's format when the input
 * does not already (so the mutations reach the record parser). */
static void
fuzz_flow_log (const uint8_t   *data,
               size_t           size,
               EgFlowLogFormat  format,
               const char      *header)
{
  g_autoptr(EgFlowLogReader) reader = NULL;
  g_autoptr(GString) input = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  EgFlowLogFormat sniffed;
  EgFlow flow;
  guint n = 0;

  if (size > 1 << 20)
    return;
  input = g_string_sized_new (size + strlen (header));
  if (!eg_flow_log_sniff ((const char *) data, size, &sniffed) || sniffed != format)
    g_string_append (input, header);
  g_string_append_len (input, (const char *) data, size);

  reader = eg_flow_log_reader_new_for_data ("fuzz", input->str, input->len, &error);
  if (reader == NULL)
    {
      g_assert_nonnull (error);
      return;
    }
  eg_flow_log_reader_set_warning_func (reader, ignore_warning, NULL);
  while (eg_flow_log_reader_next (reader, &flow, &error))
    {
      g_assert_cmpuint (strlen (flow.uid), <, EG_UID_LEN);
      g_assert_cmpuint (strlen (flow.history), <, EG_HISTORY_LEN);
      g_assert_cmpuint (strlen (flow.community_id), <, EG_COMMUNITY_ID_LEN);
      g_assert_true (flow.orig_h.family == 4 || flow.orig_h.family == 6);
      g_assert_cmpint (flow.orig_h.family, ==, flow.resp_h.family);
      g_assert_true (flow.duration >= 0);
      g_assert_true (flow.label == NULL || flow.label == g_intern_string (flow.label));
      g_string_truncate (out, 0);
      eg_flow_append_json (out, &flow, EG_FLOW_WRITER_LABELS | EG_FLOW_WRITER_SCORE
                           | EG_FLOW_WRITER_EXTENDED);
      g_assert_true (g_utf8_validate (out->str, out->len, NULL));
      n++;
    }
  g_assert_cmpuint (eg_flow_log_reader_get_offset (reader), <=, input->len);
}
