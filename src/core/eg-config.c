/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-config.h"

#include <stdlib.h>
#include <string.h>

#include "eg-error.h"

EgConfig *
eg_config_new (void)
{
  EgConfig *config = g_new0 (EgConfig, 1);

  config->snaplen = 262144;
  config->promiscuous = TRUE;
  config->ports_of_interest = g_array_new (FALSE, FALSE, sizeof (guint16));
  config->max_flows = 1000000;
  config->tcp_timeout = 300;
  config->udp_timeout = 60;
  config->icmp_timeout = 60;
  config->active_timeout = 300;
  config->detection_window = 3600;
  config->alert_threshold = 0.5;
  config->horizontal_scan_min = 10;
  config->vertical_scan_min = 5;
  config->arp_scan_min = 5;
  config->long_connection = 1500;
  config->large_upload = 100 * 1000 * 1000;
  config->ssh_bruteforce_min = 8;
  config->bootstrap_servers = g_strdup ("localhost:9092");
  config->topic = g_strdup ("edgeguard.flows.labeled");
  config->models_topic = g_strdup ("edgeguard.models");
  config->client_id = g_strdup ("edgeguard");
  config->security_protocol = g_strdup ("plaintext");
  config->max_in_flight = 20000;
  return config;
}

#define STRING_FIELDS(X) \
  X (interface) X (bpf_filter) X (model_path) X (threat_intel_path) \
  X (services_path) X (database_path) X (bootstrap_servers) X (topic) \
  X (models_topic) X (client_id) X (security_protocol) X (sasl_mechanism) \
  X (sasl_username) X (sasl_password) X (ssl_ca_location)

EgConfig *
eg_config_copy (const EgConfig *config)
{
  EgConfig *copy = g_memdup2 (config, sizeof *config);

#define COPY(f) copy->f = g_strdup (config->f);
  STRING_FIELDS (COPY)
#undef COPY
  copy->ports_of_interest = g_array_copy (config->ports_of_interest);
  return copy;
}

void
eg_config_free (EgConfig *config)
{
  if (config == NULL)
    return;
#define FREE(f) g_free (config->f);
  STRING_FIELDS (FREE)
#undef FREE
  g_array_unref (config->ports_of_interest);
  g_free (config);
}

/* "22,80,443,8000-8080": ranges allowed, so an operator can name a block. */
gboolean
eg_config_parse_ports (EgConfig   *config,
                       const char *ports,
                       GError    **error)
{
  g_auto(GStrv) parts = g_strsplit_set (ports, ", ", -1);
  g_autoptr(GArray) result = g_array_new (FALSE, FALSE, sizeof (guint16));

  for (guint i = 0; parts[i]; i++)
    {
      char *dash;
      guint64 lo, hi;

      if (*parts[i] == '\0')
        continue;
      dash = strchr (parts[i], '-');
      if (dash)
        *dash = '\0';
      if (!g_ascii_string_to_unsigned (parts[i], 10, 0, 65535, &lo, NULL)
          || !g_ascii_string_to_unsigned (dash ? dash + 1 : parts[i], 10, lo, 65535, &hi, NULL))
        {
          g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                       "“%s” is not a port list: use numbers from 0 to 65535, "
                       "separated by commas, or ranges such as 8000-8080", ports);
          return FALSE;
        }
      for (guint64 p = lo; p <= hi; p++)
        {
          guint16 port = (guint16) p;
          g_array_append_val (result, port);
        }
    }
  g_array_set_size (config->ports_of_interest, 0);
  g_array_append_vals (config->ports_of_interest, result->data, result->len);
  return TRUE;
}

gboolean
eg_config_port_is_of_interest (const EgConfig *config,
                               guint16         port)
{
  const guint16 *ports = (const guint16 *) config->ports_of_interest->data;

  if (config->ports_of_interest->len == 0)
    return TRUE;
  for (guint i = 0; i < config->ports_of_interest->len; i++)
    if (ports[i] == port)
      return TRUE;
  return FALSE;
}

static void
load_string (GKeyFile   *kf,
             const char *group,
             const char *key,
             char      **field)
{
  g_autofree char *value = g_key_file_get_string (kf, group, key, NULL);

  if (value)
    {
      g_free (*field);
      *field = g_steal_pointer (&value);
    }
}

static void
load_double (GKeyFile   *kf,
             const char *group,
             const char *key,
             double     *field)
{
  g_autoptr(GError) error = NULL;
  double value = g_key_file_get_double (kf, group, key, &error);

  if (error == NULL)
    *field = value;
}

static void
load_uint (GKeyFile   *kf,
           const char *group,
           const char *key,
           guint      *field)
{
  g_autoptr(GError) error = NULL;
  guint64 value = g_key_file_get_uint64 (kf, group, key, &error);

  if (error == NULL)
    *field = (guint) value;
}

gboolean
eg_config_load_key_file (EgConfig   *config,
                         const char *path,
                         GError    **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *ports = NULL;
  guint64 u64;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "Cannot read the configuration “%s”: %s", path, local_error->message);
      return FALSE;
    }

  load_string (kf, "capture", "interface", &config->interface);
  load_string (kf, "capture", "filter", &config->bpf_filter);
  load_uint (kf, "capture", "snaplen", &config->snaplen);
  if (g_key_file_has_key (kf, "capture", "promiscuous", NULL))
    config->promiscuous = g_key_file_get_boolean (kf, "capture", "promiscuous", NULL);
  ports = g_key_file_get_string (kf, "capture", "ports-of-interest", NULL);
  if (ports && !eg_config_parse_ports (config, ports, error))
    return FALSE;

  load_uint (kf, "flows", "max-flows", &config->max_flows);
  load_double (kf, "flows", "tcp-timeout", &config->tcp_timeout);
  load_double (kf, "flows", "udp-timeout", &config->udp_timeout);
  load_double (kf, "flows", "icmp-timeout", &config->icmp_timeout);
  load_double (kf, "flows", "active-timeout", &config->active_timeout);

  load_string (kf, "detection", "model", &config->model_path);
  load_double (kf, "detection", "model-threshold", &config->model_threshold);
  load_string (kf, "detection", "threat-intel", &config->threat_intel_path);
  load_string (kf, "detection", "services", &config->services_path);
  load_double (kf, "detection", "window", &config->detection_window);
  load_double (kf, "detection", "alert-threshold", &config->alert_threshold);
  load_uint (kf, "detection", "horizontal-scan-min", &config->horizontal_scan_min);
  load_uint (kf, "detection", "vertical-scan-min", &config->vertical_scan_min);
  load_uint (kf, "detection", "arp-scan-min", &config->arp_scan_min);
  load_double (kf, "detection", "long-connection", &config->long_connection);
  if (g_key_file_has_key (kf, "detection", "large-upload", NULL))
    config->large_upload = g_key_file_get_uint64 (kf, "detection", "large-upload", NULL);
  load_uint (kf, "detection", "ssh-bruteforce-min", &config->ssh_bruteforce_min);

  load_string (kf, "store", "database", &config->database_path);
  load_uint (kf, "store", "retention-days", &config->retention_days);
  u64 = g_key_file_get_uint64 (kf, "store", "retention-bytes", NULL);
  if (u64)
    config->retention_bytes = u64;

  load_string (kf, "kafka", "bootstrap-servers", &config->bootstrap_servers);
  load_string (kf, "kafka", "topic", &config->topic);
  load_string (kf, "kafka", "models-topic", &config->models_topic);
  load_string (kf, "kafka", "client-id", &config->client_id);
  load_string (kf, "kafka", "security-protocol", &config->security_protocol);
  load_string (kf, "kafka", "sasl-mechanism", &config->sasl_mechanism);
  load_string (kf, "kafka", "sasl-username", &config->sasl_username);
  load_string (kf, "kafka", "sasl-password", &config->sasl_password);
  load_string (kf, "kafka", "ssl-ca-location", &config->ssl_ca_location);
  load_uint (kf, "kafka", "max-in-flight", &config->max_in_flight);
  if (config->max_in_flight == 0)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "%s: [kafka] max-in-flight must be at least 1", path);
      return FALSE;
    }
  return TRUE;
}
