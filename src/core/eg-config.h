/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-config.h: every setting of the core, with embedded defaults.
 *
 * The CLI reads it from a key file (--config), the GUI from GSettings; both
 * end up with this struct, so the two faces behave the same. Defaults are
 * Zeek's and Slips' where they have one.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  /* Capture */
  char     *interface;          /* NULL: none */
  char     *bpf_filter;         /* NULL: everything */
  guint     snaplen;            /* 262144 */
  gboolean  promiscuous;        /* TRUE */
  GArray   *ports_of_interest;  /* guint16; empty: every port */

  /* Flow table (Zeek's defaults, in packet time) */
  guint     max_flows;          /* hard cap: 1,000,000 */
  double    tcp_timeout;        /* 300 s of inactivity */
  double    udp_timeout;        /* 60 s */
  double    icmp_timeout;       /* 60 s */
  double    active_timeout;     /* 300 s: long flows emit an interim update */

  /* Detection */
  char     *model_path;         /* NULL: the bundled default model */
  double    model_threshold;    /* 0: the one stored with the model */
  char     *threat_intel_path;  /* IoC file, Slips' own_malicious_iocs format */
  char     *services_path;      /* known-service list (services.csv) */
  double    detection_window;   /* evidence window, 3600 s as Slips */
  double    alert_threshold;    /* Σ threat weight × confidence per source and window
                                 * that shows its findings: 0.5 */
  guint     horizontal_scan_min;/* 10 (then 100, 1000 ...) */
  guint     vertical_scan_min;  /* distinct ports: 5 */
  guint     arp_scan_min;       /* 5 targets in 30 s */
  double    long_connection;    /* 1500 s */
  guint64   large_upload;       /* 100 MB */
  guint     ssh_bruteforce_min; /* failed attempts */

  /* Store */
  char     *database_path;      /* NULL: $XDG_DATA_HOME/edgeguard/edgeguard.db */
  guint     retention_days;     /* 0: keep forever */
  guint64   retention_bytes;    /* 0: no size limit */

  /* Kafka */
  char     *bootstrap_servers;  /* "localhost:9092" */
  char     *topic;              /* "edgeguard.flows.labeled" */
  char     *models_topic;       /* "edgeguard.models" */
  char     *client_id;          /* "edgeguard" */
  char     *security_protocol;  /* plaintext, ssl, sasl_plaintext, sasl_ssl */
  char     *sasl_mechanism;     /* PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 */
  char     *sasl_username;
  char     *sasl_password;      /* never logged */
  char     *ssl_ca_location;
  /* Rows produced and not yet marked sent: what a crash may send twice,
   * and what a round trip may carry (20000) */
  guint     max_in_flight;
} EgConfig;

EgConfig *eg_config_new            (void);
EgConfig *eg_config_copy           (const EgConfig *config);
void      eg_config_free           (EgConfig       *config);
gboolean  eg_config_load_key_file  (EgConfig       *config,
                                    const char     *path,
                                    GError        **error);
gboolean  eg_config_parse_ports    (EgConfig       *config,
                                    const char     *ports,
                                    GError        **error);
gboolean  eg_config_port_is_of_interest (const EgConfig *config,
                                    guint16         port);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EgConfig, eg_config_free)

G_END_DECLS
