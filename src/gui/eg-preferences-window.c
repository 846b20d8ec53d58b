/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-preferences-window.h"

#include <glib/gi18n.h>

#include "eg-config.h"

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
  AdwEntryRow    *database_row;
  GtkSpinButton  *retention_spin;
  AdwEntryRow    *servers_row;
  AdwEntryRow    *topic_row;
  AdwComboRow    *security_row;
  AdwComboRow    *mechanism_row;
  AdwEntryRow    *username_row;
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

static void
eg_preferences_window_constructed (GObject *object)
{
  EgPreferencesWindow *self = EG_PREFERENCES_WINDOW (object);
  g_autofree char *ports = NULL;

  G_OBJECT_CLASS (eg_preferences_window_parent_class)->constructed (object);

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
}

static void
eg_preferences_window_dispose (GObject *object)
{
  EgPreferencesWindow *self = EG_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), EG_TYPE_PREFERENCES_WINDOW);
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
  BIND (database_row);
  BIND (retention_spin);
  BIND (servers_row);
  BIND (topic_row);
  BIND (security_row);
  BIND (mechanism_row);
  BIND (username_row);
  BIND (ca_row);
#undef BIND
}

static void
eg_preferences_window_init (EgPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

EgPreferencesWindow *
eg_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (EG_TYPE_PREFERENCES_WINDOW, "settings", settings, NULL);
}
