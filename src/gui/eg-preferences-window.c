/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-preferences-window.h"

#include <glib/gi18n.h>

#include "eg-config.h"
#include "eg-secret.h"

struct _EgPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings      *settings;

  AdwEntryRow    *ports_row;
  GtkLabel       *ports_error;
  GtkSpinButton  *max_flows_spin;
  AdwEntryRow    *model_path_row;
  GtkSpinButton  *threshold_spin;
  GtkSpinButton  *horizontal_spin;
  GtkSpinButton  *vertical_spin;
  GtkSpinButton  *long_connection_spin;
  AdwEntryRow    *threat_intel_row;
  GtkSwitch      *notify_switch;
  AdwPreferencesGroup *detectors_group;
  GHashTable     *detector_switches;  /* detector name → GtkSwitch (borrowed) */
  AdwEntryRow    *database_row;
  GtkSpinButton  *retention_spin;
  AdwEntryRow    *servers_row;
  AdwEntryRow    *topic_row;
  AdwComboRow    *security_row;
  AdwComboRow    *mechanism_row;
  AdwEntryRow    *username_row;
  AdwEntryRow    *password_row;
  GtkLabel       *password_status;
  AdwEntryRow    *ca_row;
};

G_DEFINE_FINAL_TYPE (EgPreferencesWindow, eg_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
eg_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  EgPreferencesWindow *self = EG_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static const char * const security_protocols[] = {
  "plaintext", "ssl", "sasl_plaintext", "sasl_ssl", NULL
};
static const char * const sasl_mechanisms[] = {
  "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", NULL
};

/* Ports are checked by the core's own parser as they are typed. */
static void
on_ports_changed_cb (GtkEditable         *editable,
                     EgPreferencesWindow *self)
{
  g_autoptr(EgConfig) config = eg_config_new ();
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (editable);

  if (text[0] == '\0' || eg_config_parse_ports (config, text, &error))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->ports_row), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->ports_error), FALSE);
      g_settings_set_string (self->settings, "ports-of-interest", text);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->ports_row), "error");
      gtk_label_set_text (self->ports_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->ports_error), TRUE);
    }
}

static gboolean
nick_to_index (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_str_equal (nicks[i], nick))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
index_to_nick (const GValue       *value,
               const GVariantType *expected_type,
               gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint index = g_value_get_uint (value);

  if (index >= g_strv_length ((char **) nicks))
    return NULL;
  return g_variant_new_string (nicks[index]);
}

static void
bind_combo (EgPreferencesWindow *self,
            AdwComboRow         *row,
            const char          *key,
            const char * const  *nicks)
{
  adw_combo_row_set_model (row, G_LIST_MODEL (gtk_string_list_new (nicks)));
  g_object_unref (adw_combo_row_get_model (row));
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                nick_to_index, index_to_nick, (gpointer) nicks, NULL);
}

/* The public detector names (eg-detectors.h); the core has no list. */
static const struct {
  const char *name;
  const char *title;
} detectors[] = {
  { "port-scan-horizontal", N_("Horizontal port scans") },
  { "port-scan-vertical", N_("Vertical port scans") },
  { "icmp-sweep", N_("ICMP sweeps") },
  { "arp-scan", N_("ARP scans") },
  { "ssh-bruteforce", N_("SSH password guessing") },
  { "ssh-success", N_("SSH logins after guessing") },
  { "rejected-connections", N_("Rejected connections") },
  { "long-connection", N_("Long connections") },
  { "large-upload", N_("Large uploads") },
  { "unknown-port", N_("Unknown ports") },
  { "beaconing", N_("Beaconing") },
  { "threat-intel", N_("Threat intelligence matches") },
  { "ml-flow", N_("Model verdicts") },
};

static void
sync_detector_switches (EgPreferencesWindow *self)
{
  g_auto(GStrv) muted = g_settings_get_strv (self->settings, "notify-muted-detectors");
  GHashTableIter iter;
  gpointer name, sw;

  g_hash_table_iter_init (&iter, self->detector_switches);
  while (g_hash_table_iter_next (&iter, &name, &sw))
    gtk_switch_set_active (sw, !g_strv_contains ((const char * const *) muted, name));
}

static void
on_detector_switch_cb (GtkSwitch           *sw,
                       GParamSpec          *pspec,
                       EgPreferencesWindow *self)
{
  g_auto(GStrv) muted = g_settings_get_strv (self->settings, "notify-muted-detectors");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  const char *name = g_object_get_data (G_OBJECT (sw), "eg-detector");
  gboolean was_muted = g_strv_contains ((const char * const *) muted, name);

  if (was_muted == !gtk_switch_get_active (sw))
    return;
  /* Muted names the console does not know stay muted. */
  for (guint i = 0; muted[i] != NULL; i++)
    if (!g_str_equal (muted[i], name))
      g_strv_builder_add (builder, muted[i]);
  if (!gtk_switch_get_active (sw))
    g_strv_builder_add (builder, name);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "notify-muted-detectors", (const char * const *) updated);
}

static void
add_detector_rows (EgPreferencesWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (detectors); i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *sw = gtk_switch_new ();

      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      g_object_set_data (G_OBJECT (sw), "eg-detector", (gpointer) detectors[i].name);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(detectors[i].title));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), detectors[i].name);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
      adw_preferences_group_add (self->detectors_group, row);
      g_hash_table_insert (self->detector_switches, (gpointer) detectors[i].name, sw);
      /* Set from the settings, the switch changes nothing (see the callback). */
      g_signal_connect (sw, "notify::active", G_CALLBACK (on_detector_switch_cb), self);
    }
  sync_detector_switches (self);
  g_signal_connect_object (self->settings, "changed::notify-muted-detectors",
                           G_CALLBACK (sync_detector_switches), self, G_CONNECT_SWAPPED);
}

GtkSwitch *
eg_preferences_window_get_detector_switch (EgPreferencesWindow *self,
                                           const char          *detector)
{
  g_return_val_if_fail (EG_IS_PREFERENCES_WINDOW (self), NULL);
  return g_hash_table_lookup (self->detector_switches, detector);
}

static void
show_password_status (EgPreferencesWindow *self,
                      const char          *text,
                      gboolean             is_error)
{
  gtk_label_set_text (self->password_status, text);
  gtk_widget_set_visible (GTK_WIDGET (self->password_status), text != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->password_status), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->password_status), "error");
}

/* Never in GSettings: the keyring, or a file only the user reads. */
static void
on_password_apply_cb (AdwEntryRow         *row,
                      EgPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;

  if (eg_secret_store_sasl_password (gtk_editable_get_text (GTK_EDITABLE (row)), &where, &error))
    show_password_status (self, where, FALSE);
  else
    show_password_status (self, error->message, TRUE);
}

const char *
eg_preferences_window_get_password_status (EgPreferencesWindow *self)
{
  g_return_val_if_fail (EG_IS_PREFERENCES_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->password_status)))
    return NULL;
  return gtk_label_get_text (self->password_status);
}

GtkWidget *
eg_preferences_window_get_password_row (EgPreferencesWindow *self)
{
  g_return_val_if_fail (EG_IS_PREFERENCES_WINDOW (self), NULL);
  return GTK_WIDGET (self->password_row);
}

static void
eg_preferences_window_constructed (GObject *object)
{
  EgPreferencesWindow *self = EG_PREFERENCES_WINDOW (object);
  g_autofree char *ports = NULL;
  g_autofree char *password = NULL;
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (eg_preferences_window_parent_class)->constructed (object);

  password = eg_secret_lookup_sasl_password (&error);
  if (password != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  else if (error != NULL)
    show_password_status (self, error->message, TRUE);

  ports = g_settings_get_string (self->settings, "ports-of-interest");
  gtk_editable_set_text (GTK_EDITABLE (self->ports_row), ports);
  g_signal_connect (self->ports_row, "changed", G_CALLBACK (on_ports_changed_cb), self);

  g_settings_bind (self->settings, "max-flows", self->max_flows_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "model-path", self->model_path_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "model-threshold", self->threshold_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "horizontal-scan-min", self->horizontal_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "vertical-scan-min", self->vertical_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "long-connection", self->long_connection_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "threat-intel-path", self->threat_intel_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify-alerts", self->notify_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "database-path", self->database_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "retention-days", self->retention_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "kafka-bootstrap-servers", self->servers_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "kafka-topic", self->topic_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "kafka-sasl-username", self->username_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "kafka-ssl-ca-location", self->ca_row, "text", G_SETTINGS_BIND_DEFAULT);
  bind_combo (self, self->security_row, "kafka-security-protocol", security_protocols);
  bind_combo (self, self->mechanism_row, "kafka-sasl-mechanism", sasl_mechanisms);
  add_detector_rows (self);
}

static void
eg_preferences_window_dispose (GObject *object)
{
  EgPreferencesWindow *self = EG_PREFERENCES_WINDOW (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), EG_TYPE_PREFERENCES_WINDOW);
  g_clear_pointer (&self->detector_switches, g_hash_table_unref);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (eg_preferences_window_parent_class)->dispose (object);
}

static void
eg_preferences_window_class_init (EgPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = eg_preferences_window_constructed;
  object_class->set_property = eg_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  object_class->dispose = eg_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/edgeguard/Edgeguard/ui/eg-preferences-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, EgPreferencesWindow, name)
  BIND (ports_row);
  BIND (ports_error);
  BIND (max_flows_spin);
  BIND (model_path_row);
  BIND (threshold_spin);
  BIND (horizontal_spin);
  BIND (vertical_spin);
  BIND (long_connection_spin);
  BIND (threat_intel_row);
  BIND (notify_switch);
  BIND (detectors_group);
  BIND (database_row);
  BIND (retention_spin);
  BIND (servers_row);
  BIND (topic_row);
  BIND (security_row);
  BIND (mechanism_row);
  BIND (username_row);
  BIND (password_row);
  BIND (password_status);
  BIND (ca_row);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_password_apply_cb);
}

static void
eg_preferences_window_init (EgPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->detector_switches = g_hash_table_new (g_str_hash, g_str_equal);
}

EgPreferencesWindow *
eg_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (EG_TYPE_PREFERENCES_WINDOW, "settings", settings, NULL);
}
