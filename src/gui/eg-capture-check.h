/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-capture-check.h: whether this user may capture on an interface, asked
 * before a capture starts so the window can say how to fix it. (The
 * interface list and the BPF check are the core's, in eg-capture.h.) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* FALSE with EG_ERROR_PERMISSION and a sentence on how to fix it when this
 * user may not open iface for capture and no edgeguard-helper is there to
 * capture for it. (The helper's own refusal, e.g. when it lacks the
 * capability, arrives later as the engine's warning.) */
gboolean   eg_capture_check_permission   (const char   *iface,
                                          GError      **error);

G_END_DECLS
