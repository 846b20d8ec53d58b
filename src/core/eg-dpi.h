/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-dpi.h: application protocol detection with nDPI, named as Zeek names
 * services (ssl, http, dns, ...). One EgDpi per thread: nDPI's module is not
 * thread-safe to initialize. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _EgDpi EgDpi;
typedef struct ndpi_flow_struct EgDpiFlow;

/* Packets nDPI sees per flow at most; after that the flow gives up. Most
 * protocols are known within a handful, and the limit bounds the cost. */
#define EG_DPI_MAX_PACKETS 24

EgDpi      *eg_dpi_new          (GError      **error);
void        eg_dpi_free         (EgDpi        *dpi);
/* A zeroed flow state, reused from those freed before when it can be. */
EgDpiFlow  *eg_dpi_flow_new     (EgDpi        *dpi);
void        eg_dpi_flow_free    (EgDpi        *dpi,
                                 EgDpiFlow    *flow);
/* Feeds one packet (l3 points at the IP header). Returns TRUE when detection
 * is over: *service is then the Zeek-style name or NULL. */
gboolean    eg_dpi_process      (EgDpi        *dpi,
                                 EgDpiFlow    *flow,
                                 const guint8 *l3,
                                 guint         l3_len,
                                 guint64       time_ms,
                                 const char  **service);
/* Ends detection early (flow finished). No port guessing: like Zeek, a
 * service is named only when the traffic showed it. */
const char *eg_dpi_giveup       (EgDpi        *dpi,
                                 EgDpiFlow    *flow);
/* The host name nDPI found (SNI, Host, DNS query), or "". */
const char *eg_dpi_server_name  (EgDpiFlow    *flow);
gsize       eg_dpi_flow_size    (void);
/* The service a flow record names for an nDPI protocol name: Zeek's
 * analyzer name where Zeek has one ("TLS" → "ssl"), nDPI's lower-cased
 * otherwise, NULL for a transport or "Unknown". Interned. */
const char *eg_dpi_service_for_protocol (const char *ndpi_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgDpi, eg_dpi_free)

G_END_DECLS
