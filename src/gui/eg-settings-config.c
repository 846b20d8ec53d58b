/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-settings-config.h"

static char *
dup_nonempty (GSettings  *settings,
              const char *key)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  return value[0] != '\0' ? g_steal_pointer (&value) : NULL;
}

static void
replace (char **field,
         char  *value)
{
  if (value == NULL)
    return;
  g_free (*field);
  *field = value;
}

EgConfig *
eg_config_new_from_settings (GSettings  *settings,
                             GError    **error)
{
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autofree char *ports = g_settings_get_string (settings, "ports-of-interest");

  replace (&config->interface, dup_nonempty (settings, "interface"));
  replace (&config->bpf_filter, dup_nonempty (settings, "bpf-filter"));
  if (ports[0] != '\0' && !eg_config_parse_ports (config, ports, error))
    return NULL;
  config->max_flows = g_settings_get_uint (settings, "max-flows");

  replace (&config->model_path, dup_nonempty (settings, "model-path"));
  config->model_threshold = g_settings_get_double (settings, "model-threshold");
  config->horizontal_scan_min = g_settings_get_uint (settings, "horizontal-scan-min");
  config->vertical_scan_min = g_settings_get_uint (settings, "vertical-scan-min");
  config->long_connection = g_settings_get_double (settings, "long-connection");
  replace (&config->threat_intel_path, dup_nonempty (settings, "threat-intel-path"));

  replace (&config->database_path, dup_nonempty (settings, "database-path"));
  config->retention_days = g_settings_get_uint (settings, "retention-days");

  replace (&config->bootstrap_servers, dup_nonempty (settings, "kafka-bootstrap-servers"));
  replace (&config->topic, dup_nonempty (settings, "kafka-topic"));
  replace (&config->security_protocol, g_settings_get_string (settings, "kafka-security-protocol"));
  replace (&config->sasl_mechanism, g_settings_get_string (settings, "kafka-sasl-mechanism"));
  replace (&config->sasl_username, dup_nonempty (settings, "kafka-sasl-username"));
  replace (&config->ssl_ca_location, dup_nonempty (settings, "kafka-ssl-ca-location"));

  return g_steal_pointer (&config);
}
