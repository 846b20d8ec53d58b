/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Dataset page of the real window, driven through its actions: the
 * label rules editor (add, edit, move, delete, apply; rules on arriving
 * flows) and the upload: cancel, and a broker it cannot reach. */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include <adwaita.h>

#include "eg-dataset-page.h"
#include "eg-flow-list.h"
#include "eg-label-rules-editor.h"
#include "eg-test-gui.h"
#include "eg-test-util.h"
#include "eg-window-private.h"

static EgApplication *app;

static gboolean
editor_idle (gpointer data)
{
  return !eg_label_rules_editor_get_busy (data);
}

static void
on_applied_cb (EgLabelRulesEditor *editor,
               guint64             n_changed,
               gint64             *applied)
{
  *applied = n_changed;
}

static gboolean
applied (gpointer data)
{
  return *(gint64 *) data >= 0;
}

/* Fills the open dialog as an operator would and saves it. */
static void
save_rule (EgLabelRulesEditor *editor,
           const char         *label,
           const char         *detailed,
           guint               proto,
           const char         *dport)
{
  EgLabelRuleDialog *dialog = eg_label_rules_editor_get_dialog (editor);

  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (eg_label_rule_dialog_get_row (dialog, "label")), label);
  gtk_editable_set_text (GTK_EDITABLE (eg_label_rule_dialog_get_row (dialog, "detailed-label")),
                         detailed);
  adw_combo_row_set_selected (ADW_COMBO_ROW (eg_label_rule_dialog_get_row (dialog, "proto")), proto);
  gtk_editable_set_text (GTK_EDITABLE (eg_label_rule_dialog_get_row (dialog, "dport")), dport);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "rule.save", NULL));
  g_assert_null (eg_label_rules_editor_get_dialog (editor));
  eg_test_gui_wait_until (editor_idle, editor, 60);
}

/* The undo ran and the table shows it. */
static gboolean
no_rule_labels (gpointer data)
{
  EgWindow *window = data;
  EgFlowList *flows = eg_window_get_flow_list (window);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (flows)); i++)
    if (eg_flow_list_get_flow (flows, i)->label_source == EG_LABEL_SOURCE_RULE)
      return FALSE;
  return eg_test_gui_count_stored (eg_window_get_store (window), "source rule") == 0;
}

static guint
count_live (EgFlowList    *flows,
            guint16        resp_p,
            const char    *label,
            EgLabelSource  source)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (flows)); i++)
    {
      const EgFlow *flow = eg_flow_list_get_flow (flows, i);

      /* label NULL: any label, from any source */
      if (flow->proto == IPPROTO_TCP && flow->resp_p == resp_p
          && (label == NULL || (g_strcmp0 (flow->label, label) == 0 && flow->label_source == source)))
        n++;
    }
  return n;
}

typedef struct {
  EgStore *store;
  guint    n;
} Expect;

/* The store holds n flows to dport 9527 labeled by a rule. */
static gboolean
rule_labeled (gpointer data)
{
  Expect *expect = data;

  return eg_test_gui_count_stored (expect->store, "proto tcp and dport 9527 and source rule")
         == expect->n;
}

static void
test_label_rules (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test7-malicious.pcap");
  g_autofree char *other = eg_test_shared_path ("slips-dataset/test8-malicious.pcap");
  g_autoptr(GError) error = NULL;
  g_autoptr(EgLabelRuleSet) stored = NULL;
  EgWindow *window;
  EgLabelRulesEditor *editor;
  EgLabelRuleDialog *dialog;
  EgStore *store;
  const char *label, *detailed, *conditions;
  guint n_stored, n_live;
  gint64 n_applied = -1;

  if (path == NULL || other == NULL)
    return;
  window = eg_test_gui_open_window (app);
  store = eg_window_get_store (window);
  editor = eg_dataset_page_get_rules_editor (EG_DATASET_PAGE (eg_window_get_page (window, "dataset")));
  eg_test_gui_open_capture (window, path);
  g_assert_true (eg_store_flush (store, &error));
  g_assert_no_error (error);
  n_stored = eg_test_gui_count_stored (store, "proto tcp and dport 9527");
  g_assert_cmpuint (n_stored, >, 0);
  g_assert_cmpuint (eg_test_gui_count_stored (store, "source rule"), ==, 0);

  /* A rule that does not parse stays in its dialog with the reason. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "dataset");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "rules.add", NULL));
  dialog = eg_label_rules_editor_get_dialog (editor);
  gtk_editable_set_text (GTK_EDITABLE (eg_label_rule_dialog_get_row (dialog, "src")), "10.0.0.300");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "rule.save", NULL));
  g_assert_true (eg_label_rules_editor_get_dialog (editor) == dialog);
  g_assert_nonnull (strstr (eg_label_rule_dialog_get_error (dialog), "10.0.0.300"));
  gtk_editable_set_text (GTK_EDITABLE (eg_label_rule_dialog_get_row (dialog, "src")), "10.0.0.0/8");
  gtk_editable_set_text (GTK_EDITABLE (eg_label_rule_dialog_get_row (dialog, "detailed-label")),
                         "Test-Port-9527");
  adw_combo_row_set_selected (ADW_COMBO_ROW (eg_label_rule_dialog_get_row (dialog, "proto")), 1);
  gtk_editable_set_text (GTK_EDITABLE (eg_label_rule_dialog_get_row (dialog, "dport")), "9527");
  eg_test_gui_save_screenshot (GTK_WIDGET (dialog), "label-rule");
  gtk_editable_set_text (GTK_EDITABLE (eg_label_rule_dialog_get_row (dialog, "src")), "");
  save_rule (editor, "Malicious", "Test-Port-9527", 1, "9527");

  g_assert_cmpuint (eg_label_rules_editor_get_n_rules (editor), ==, 1);
  eg_label_rules_editor_get_rule (editor, 0, &label, &detailed, &conditions);
  g_assert_cmpstr (conditions, ==, "Proto=TCP & dstPort=9527");
  stored = eg_store_get_label_rules (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (eg_label_rule_set_get_n_rules (stored), ==, 1);
  g_clear_pointer (&stored, eg_label_rule_set_free);

  /* Apply: the stored rows get the rule's label, source rule; no other. */
  g_signal_connect (editor, "applied", G_CALLBACK (on_applied_cb), &n_applied);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "rules.apply", NULL));
  eg_test_gui_wait_until (applied, &n_applied, 60);
  g_test_message ("%u flows to dport 9527, the rule labeled %" G_GINT64_FORMAT, n_stored, n_applied);
  g_assert_cmpint (n_applied, ==, n_stored);
  g_assert_cmpuint (eg_test_gui_count_stored (store, "proto tcp and dport 9527 and source rule "
                                                     "and label Malicious "
                                                     "and detailedlabel Test-Port-9527"), ==, n_stored);
  g_assert_cmpuint (eg_test_gui_count_stored (store, "source rule"), ==, n_stored);
  /* The table shows what the database holds. */
  n_live = count_live (eg_window_get_flow_list (window), 9527, "Malicious", EG_LABEL_SOURCE_RULE);
  g_assert_cmpuint (n_live, >, 0);
  g_assert_cmpuint (n_live, ==, count_live (eg_window_get_flow_list (window), 9527, NULL, 0));
  /* One undo takes the rules' labeling back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  eg_test_gui_wait_until (no_rule_labels, window, 60);
  g_assert_cmpuint (count_live (eg_window_get_flow_list (window), 9527, "Malicious",
                                EG_LABEL_SOURCE_RULE), ==, 0);

  /* A later rule wins; moving it up lets the first win again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "rules.add", NULL));
  save_rule (editor, "Benign", "", 0, "9000-9999");
  eg_label_rules_editor_get_rule (editor, 1, &label, &detailed, &conditions);
  g_assert_cmpstr (conditions, ==, "dstPort>=9000 & dstPort<=9999");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "rules.move-up", "u", 1));
  eg_test_gui_wait_until (editor_idle, editor, 60);
  stored = eg_store_get_label_rules (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (eg_label_rule_set_get_n_rules (stored), ==, 2);
  eg_label_rule_set_get_rule (stored, 0, &label, &detailed, &conditions);
  g_assert_cmpstr (label, ==, "Benign");
  eg_label_rule_set_get_rule (stored, 1, &label, &detailed, &conditions);
  g_assert_cmpstr (label, ==, "Malicious");
  g_clear_pointer (&stored, eg_label_rule_set_free);

  /* Editing puts the rule back into the fields it came from. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "rules.edit", "u", 0));
  dialog = eg_label_rules_editor_get_dialog (editor);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (eg_label_rule_dialog_get_row (dialog, "dport"))),
                   ==, "9000-9999");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (eg_label_rule_dialog_get_row (dialog, "other"))),
                   ==, "");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_null (eg_label_rules_editor_get_dialog (editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "rules.edit", "u", 1));
  dialog = eg_label_rules_editor_get_dialog (editor);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (eg_label_rule_dialog_get_row (dialog, "proto"))),
                    ==, 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (eg_label_rule_dialog_get_row (dialog, "dport"))),
                   ==, "9527");
  gtk_window_destroy (GTK_WINDOW (dialog));

  eg_test_gui_save_screenshot (GTK_WIDGET (window), "label-rules");

  /* Deleting the Benign rule leaves the Malicious one alone. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "rules.delete", "u", 0));
  eg_test_gui_wait_until (editor_idle, editor, 60);
  stored = eg_store_get_label_rules (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (eg_label_rule_set_get_n_rules (stored), ==, 1);
  eg_label_rule_set_get_rule (stored, 0, &label, &detailed, &conditions);
  g_assert_cmpstr (label, ==, "Malicious");

  /* Apply again, with another capture in the table: the rules label the
   * first reading's rows in the database, none of them shown; undo takes
   * that back there too. */
  eg_test_gui_open_capture (window, other);
  n_applied = -1;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "rules.apply", NULL));
  eg_test_gui_wait_until (applied, &n_applied, 60);
  g_assert_cmpint (n_applied, >=, n_stored);
  g_assert_cmpuint (eg_test_gui_count_stored (store, "proto tcp and dport 9527 and source rule"),
                    ==, n_stored);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  {
    Expect expect = { store, 0 };

    eg_test_gui_wait_until (rule_labeled, &expect, 60);
  }

  /* Flows that arrive now get the rule's label in the table and in the
   * database, with no Apply. The capture read again gives its flows the
   * first reading's uids: the same rows take the label, none is stored
   * twice. */
  eg_test_gui_open_capture (window, path);
  g_assert_true (eg_store_flush (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_live (eg_window_get_flow_list (window), 9527, "Malicious",
                                EG_LABEL_SOURCE_RULE), ==, n_live);
  g_assert_cmpuint (eg_test_gui_count_stored (store, "proto tcp and dport 9527 and source rule "
                                                     "and label Malicious"), ==, n_stored);
  g_assert_cmpuint (eg_test_gui_count_stored (store, "proto tcp and dport 9527"), ==, n_stored);

  g_signal_handlers_disconnect_by_func (editor, on_applied_cb, &n_applied);
  eg_test_gui_close_window (window);
}

/* The outbox as the database holds it, once everything queued is in. */
static EgOutboxCounts
outbox_counts (EgStore *store)
{
  g_autoptr(GError) error = NULL;
  EgOutboxCounts counts;

  g_assert_true (eg_store_flush (store, &error));
  g_assert_no_error (error);
  g_assert_true (eg_store_get_outbox_counts (store, &counts, &error));
  g_assert_no_error (error);
  return counts;
}

/* A window with a capture read and the page's counts read again. */
static EgWindow *
open_dataset (EgDatasetPage **page)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test7-malicious.pcap");
  EgWindow *window;

  if (path == NULL)
    return NULL;
  window = eg_test_gui_open_window (app);
  *page = EG_DATASET_PAGE (eg_window_get_page (window, "dataset"));
  eg_test_gui_open_capture (window, path);
  outbox_counts (eg_window_get_store (window));
  eg_test_gui_read_counts (*page);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "dataset");
  return window;
}

static gboolean
upload_cancelled (gpointer data)
{
  return g_strcmp0 (eg_dataset_page_get_upload_status (data), "cancelled") == 0;
}

/* Cancel while the broker is slow to answer: the upload stops at once,
 * says so, and every row not acknowledged is still pending. */
static void
test_upload_cancel (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *addr = NULL;
  g_auto(EgSenderProgress) progress = { 0 };
  g_autoptr(GError) error = NULL;
  EgOutboxCounts before, after;
  GSubprocess *broker;
  EgDatasetPage *page;
  EgWindow *window;

  if ((broker = eg_test_gui_start_broker (&addr)) == NULL)
    return;
  if ((window = open_dataset (&page)) == NULL)
    {
      eg_test_gui_stop_broker (broker);
      return;
    }
  g_settings_set_string (settings, "kafka-bootstrap-servers", addr);
  before = outbox_counts (eg_window_get_store (window));
  g_test_message ("%" G_GUINT64_FORMAT " rows pending, %" G_GUINT64_FORMAT " sent",
                  before.pending, before.sent);
  g_assert_cmpuint (before.pending, >, 0);
  g_assert_cmpuint (eg_dataset_page_get_pending (page), ==, before.pending);

  /* Every answer of the broker takes 10 s: nothing is acknowledged before
   * the cancel. */
  eg_test_gui_broker_command (broker, "rtt 10000");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "dataset.upload", NULL));
  g_assert_true (eg_dataset_page_get_upload_progress (page, &progress));
  g_assert_cmpuint (progress.acknowledged, ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "dataset.cancel-upload", NULL));
  eg_sender_progress_clear (&progress);
  g_assert_false (eg_dataset_page_get_upload_progress (page, &progress));
  g_assert_cmpstr (eg_dataset_page_get_upload_status (page), ==, "cancelling");
  /* No second sender while the first one stops. */
  gtk_widget_activate_action (GTK_WIDGET (page), "dataset.upload", NULL);
  g_assert_false (eg_dataset_page_get_upload_progress (page, &progress));
  g_assert_cmpstr (eg_dataset_page_get_upload_status (page), ==, "cancelling");
  eg_test_gui_wait_until (upload_cancelled, page, 60);
  g_assert_nonnull (strstr (eg_dataset_page_get_upload_result (page), "cancelled"));

  after = outbox_counts (eg_window_get_store (window));
  g_assert_cmpuint (after.pending, ==, before.pending);
  g_assert_cmpuint (after.sent, ==, before.sent);

  eg_test_gui_close_window (window);
  eg_test_gui_stop_broker (broker);
  g_settings_reset (settings, "kafka-bootstrap-servers");
}

static gboolean
upload_unreachable (gpointer data)
{
  return g_strcmp0 (eg_dataset_page_get_upload_status (data), "unreachable") == 0;
}

/* A loopback port nothing listens on (bound, then closed). */
static char *
closed_address (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_assert_true (g_socket_close (socket, &error));
  return g_strdup_printf ("127.0.0.1:%u", port);
}

/* No broker at the address: the page names the broker and says it cannot
 * reach it, soon, and marks nothing sent. */
static void
test_upload_unreachable (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *addr = closed_address ();
  g_autofree char *db = NULL;
  g_autoptr(GError) error = NULL;
  EgOutboxCounts before, after;
  EgDatasetPage *page;
  EgWindow *window;
  EgStore *store;
  const char *result;

  if ((window = open_dataset (&page)) == NULL)
    return;
  g_settings_set_string (settings, "kafka-bootstrap-servers", addr);
  before = outbox_counts (eg_window_get_store (window));
  g_assert_cmpuint (before.pending, >, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "dataset.upload", NULL));
  /* librdkafka reports a refused connection at once; 30 s is a bound for a
   * loaded machine, not a wait. */
  eg_test_gui_wait_until (upload_unreachable, page, 30);
  result = eg_dataset_page_get_upload_result (page);
  g_test_message ("%s", result);
  g_assert_nonnull (strstr (result, "Cannot reach the Kafka broker"));
  g_assert_nonnull (strstr (result, addr));
  /* The reason itself, not only that all brokers are down. */
  g_assert_nonnull (strstr (result, "Connection refused"));
  after = outbox_counts (eg_window_get_store (window));
  g_assert_cmpuint (after.sent, ==, before.sent);
  g_assert_cmpuint (after.pending, ==, before.pending);

  /* The window closed mid-upload, the broker still unreachable: the
   * sender stops without waiting for acknowledgements that cannot come,
   * and every row is still pending. */
  db = g_strdup (eg_store_get_path (eg_window_get_store (window)));
  eg_test_gui_close_window (window);
  store = eg_store_open (db, &error);
  g_assert_no_error (error);
  after = outbox_counts (store);
  eg_store_unref (store);
  g_assert_cmpuint (after.sent, ==, before.sent);
  g_assert_cmpuint (after.pending, ==, before.pending);
  g_settings_reset (settings, "kafka-bootstrap-servers");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gui/dataset/label-rules", test_label_rules);
  g_test_add_func ("/gui/dataset/upload/cancel", test_upload_cancel);
  g_test_add_func ("/gui/dataset/upload/unreachable", test_upload_unreachable);
  return eg_test_gui_run (&app);
}
