/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-dpi.h"

#include <ndpi/ndpi_api.h>
#include <string.h>

#include "eg-error.h"

/* Flow states are reused: a capture allocates and frees one for nearly
 * every flow with payload, and malloc showed in the capture thread. */
#define MAX_SPARE_FLOWS 1024

struct _EgDpi {
  struct ndpi_detection_module_struct *module;
  GHashTable *service_names;  /* nDPI protocol id → interned Zeek name */
  GPtrArray  *spare_flows;    /* freed states, their contents released */
};

/* Zeek's analyzer names where Zeek has one; nDPI's lower-cased name else. */
static const struct {
  const char *ndpi;
  const char *zeek;
} zeek_names[] = {
  { "TLS", "ssl" }, { "DTLS", "dtls" }, { "HTTP", "http" }, { "HTTP_Proxy", "http" },
  { "HTTP_Connect", "http" }, { "DNS", "dns" }, { "MDNS", "dns" }, { "LLMNR", "dns" },
  { "SSH", "ssh" }, { "SMTP", "smtp" }, { "SMTPS", "ssl" }, { "FTP_CONTROL", "ftp" },
  { "FTP_DATA", "ftp-data" }, { "NTP", "ntp" }, { "DHCP", "dhcp" }, { "DHCPV6", "dhcp" },
  { "Kerberos", "krb" }, { "IRC", "irc" }, { "MySQL", "mysql" }, { "RDP", "rdp" },
  { "SIP", "sip" }, { "SNMP", "snmp" }, { "Socks", "socks" }, { "Syslog", "syslog" },
  { "QUIC", "quic" }, { "SMBv1", "smb" }, { "SMBv23", "smb" }, { "NetBIOS", "netbios" },
  { "DCE_RPC", "dce_rpc" }, { "POP3", "pop3" }, { "IMAP", "imap" }, { "IMAPS", "ssl" },
  { "POPS", "ssl" }, { "LDAP", "ldap" }, { "RTSP", "rtsp" }, { "Telnet", "telnet" },
  { "VNC", "vnc" }, { "Modbus", "modbus" }, { "DNP3", "dnp3" }, { "OpenVPN", "openvpn" },
  { "WireGuard", "wireguard" }, { "STUN", "stun" }, { "RTP", "rtp" }, { "MQTT", "mqtt" },
  { "SSDP", "ssdp" }, { "Redis", "redis" }, { "PostgreSQL", "postgresql" },
};

EgDpi *
eg_dpi_new (GError **error)
{
  g_autoptr(EgDpi) dpi = g_new0 (EgDpi, 1);
  NDPI_PROTOCOL_BITMASK all;

  /* The struct we allocate per flow must be the one the library expects. */
  if (sizeof (struct ndpi_flow_struct) != ndpi_detection_get_sizeof_ndpi_flow_struct ())
    {
      g_set_error (error, EG_ERROR, EG_ERROR_UNSUPPORTED,
                   "The installed nDPI library does not match the headers Edgeguard "
                   "was built with; rebuild Edgeguard against it");
      return NULL;
    }
  dpi->module = ndpi_init_detection_module (ndpi_no_prefs);
  if (dpi->module == NULL)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FAILED,
                   "nDPI could not be initialized (out of memory?)");
      return NULL;
    }
  NDPI_BITMASK_SET_ALL (all);
  ndpi_set_protocol_detection_bitmask2 (dpi->module, &all);
  ndpi_finalize_initialization (dpi->module);
  dpi->service_names = g_hash_table_new (NULL, NULL);
  dpi->spare_flows = g_ptr_array_new_with_free_func (g_free);
  return g_steal_pointer (&dpi);
}

void
eg_dpi_free (EgDpi *dpi)
{
  if (dpi == NULL)
    return;
  if (dpi->module)
    ndpi_exit_detection_module (dpi->module);
  g_clear_pointer (&dpi->service_names, g_hash_table_unref);
  g_clear_pointer (&dpi->spare_flows, g_ptr_array_unref);
  g_free (dpi);
}

gsize
eg_dpi_flow_size (void)
{
  return sizeof (struct ndpi_flow_struct);
}

EgDpiFlow *
eg_dpi_flow_new (EgDpi *dpi)
{
  if (dpi->spare_flows->len > 0)
    {
      EgDpiFlow *flow = g_ptr_array_steal_index_fast (dpi->spare_flows,
                                                      dpi->spare_flows->len - 1);
      memset (flow, 0, sizeof (struct ndpi_flow_struct));
      return flow;
    }
  return g_malloc0 (sizeof (struct ndpi_flow_struct));
}

void
eg_dpi_flow_free (EgDpi     *dpi,
                  EgDpiFlow *flow)
{
  if (flow == NULL)
    return;
  /* ndpi_free_flow would free() the struct; we allocated it with GLib. */
  ndpi_free_flow_data (flow);
  if (dpi->spare_flows->len < MAX_SPARE_FLOWS)
    g_ptr_array_add (dpi->spare_flows, flow);
  else
    g_free (flow);
}

const char *
eg_dpi_service_for_protocol (const char *name)
{
  /* A transport is not a service: Zeek leaves ICMP's service unset. */
  if (name == NULL || g_str_equal (name, "Unknown") || g_str_equal (name, "ICMP")
      || g_str_equal (name, "ICMPV6") || g_str_equal (name, "IGMP")
      || g_str_equal (name, "IP_in_IP") || g_str_equal (name, "IPv6_in_IP")
      || g_str_equal (name, "GRE"))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (zeek_names); i++)
    if (g_str_equal (name, zeek_names[i].ndpi))
      return g_intern_static_string (zeek_names[i].zeek);
  {
    g_autofree char *lower = g_ascii_strdown (name, -1);
    return g_intern_string (lower);
  }
}

static const char *
service_name (EgDpi    *dpi,
              guint16   proto_id)
{
  gpointer cached;

  if (proto_id == NDPI_PROTOCOL_UNKNOWN)
    return NULL;
  if (g_hash_table_lookup_extended (dpi->service_names, GUINT_TO_POINTER (proto_id), NULL, &cached))
    return cached;
  cached = (gpointer) eg_dpi_service_for_protocol (ndpi_get_proto_name (dpi->module, proto_id));
  g_hash_table_insert (dpi->service_names, GUINT_TO_POINTER (proto_id), cached);
  return cached;
}

/* TLS.Google is "ssl" with an informative sub-protocol: the service is
 * the master protocol, as Zeek names what it parsed. */
static const char *
protocol_service (EgDpi         *dpi,
                  ndpi_protocol  proto)
{
  if (proto.master_protocol != NDPI_PROTOCOL_UNKNOWN)
    return service_name (dpi, proto.master_protocol);
  return service_name (dpi, proto.app_protocol);
}

gboolean
eg_dpi_process (EgDpi        *dpi,
                EgDpiFlow    *flow,
                const guint8 *l3,
                guint         l3_len,
                guint64       time_ms,
                const char  **service)
{
  ndpi_protocol proto;

  proto = ndpi_detection_process_packet (dpi->module, flow, l3,
                                         (unsigned short) MIN (l3_len, G_MAXUINT16),
                                         time_ms);
  if (proto.app_protocol == NDPI_PROTOCOL_UNKNOWN
      && proto.master_protocol == NDPI_PROTOCOL_UNKNOWN)
    {
      *service = NULL;
      return FALSE;
    }
  *service = protocol_service (dpi, proto);
  /* The service and the name it serves (HTTP Host, TLS SNI, DNS query)
   * are all a flow record keeps: once both are known, the certificates and
   * fingerprints nDPI would go on dissecting cost time and 700 bytes a flow
   * for nothing. Without a name, keep feeding while nDPI may still find one. */
  if (flow->host_server_name[0] != '\0')
    return TRUE;
  return !ndpi_extra_dissection_possible (dpi->module, flow);
}

const char *
eg_dpi_giveup (EgDpi     *dpi,
               EgDpiFlow *flow)
{
  u_int8_t guessed = 0;
  ndpi_protocol proto = ndpi_detection_giveup (dpi->module, flow, 0, &guessed);

  return protocol_service (dpi, proto);
}

const char *
eg_dpi_server_name (EgDpiFlow *flow)
{
  return flow->host_server_name;
}
