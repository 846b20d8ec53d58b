/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The live flows page: its column layout (order, visibility, widths, sort)
 * outlives the window. */
#include "config.h"

#include <adwaita.h>

#include "eg-flow-field.h"
#include "eg-flow-sorter.h"
#include "eg-flows-page.h"
#include "eg-test-gui.h"
#include "eg-test-util.h"

static EgApplication *app;

static GtkColumnView *
table_of (EgWindow *window)
{
  return eg_flows_page_get_table (EG_FLOWS_PAGE (eg_window_get_page (window, "flows")));
}

static GtkColumnViewColumn *
column_at (GtkColumnView *table,
           guint          position)
{
  g_autoptr(GtkColumnViewColumn) column =
    g_list_model_get_item (gtk_column_view_get_columns (table), position);

  return column;   /* the view keeps it */
}

static const char *
column_id (GtkColumnViewColumn *column)
{
  return g_object_get_data (G_OBJECT (column), "eg-field-id");
}

static GtkColumnViewColumn *
find_column (GtkColumnView *table,
             const char    *id,
             guint         *position)
{
  GListModel *columns = gtk_column_view_get_columns (table);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    if (g_strcmp0 (column_id (column_at (table, i)), id) == 0)
      {
        *position = i;
        return column_at (table, i);
      }
  g_assert_not_reached ();
}

static void
test_column_layout (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test7-malicious.pcap");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkColumnView *table;
  GtkColumnViewColumn *column;
  EgFlowList *flows;
  EgWindow *window;
  EgFlowField field;
  gboolean descending;
  guint position, n;

  if (path == NULL)
    return;
  window = eg_test_gui_open_window (app);
  table = table_of (window);
  g_assert_cmpstr (column_id (column_at (table, 0)), ==, "ts");
  g_assert_false (eg_flow_sorter_probe_primary (gtk_column_view_get_sorter (table), &field,
                                                &descending));

  /* As the operator would: drag "Bytes In" to the front, sort by the
   * destination port, descending; hide the protocol, widen the source. */
  column = find_column (table, "resp_bytes", &position);
  g_assert_cmpuint (position, >, 0);
  gtk_column_view_insert_column (table, 0, column);
  gtk_column_view_sort_by_column (table, find_column (table, "id.resp_p", &position),
                                  GTK_SORT_DESCENDING);
  gtk_column_view_column_set_visible (find_column (table, "proto", &position), FALSE);
  gtk_column_view_column_set_fixed_width (find_column (table, "id.orig_h", &position), 222);
  g_assert_true (eg_flow_sorter_probe_primary (gtk_column_view_get_sorter (table), &field,
                                               &descending));
  g_assert_cmpint (field, ==, EG_FLOW_FIELD_RESP_P);
  g_assert_true (descending);
  eg_test_gui_close_window (window);

  /* Saved when the window went, not only after the resize settled. */
  {
    g_auto(GStrv) order = g_settings_get_strv (settings, "flow-column-order");
    g_autofree char *sort = g_settings_get_string (settings, "flow-sort-column");

    g_assert_cmpuint (g_strv_length (order), ==, EG_FLOW_N_FIELDS);
    g_assert_cmpstr (order[0], ==, "resp_bytes");
    g_assert_cmpstr (order[1], ==, "ts");
    g_assert_cmpstr (sort, ==, "id.resp_p");
    g_assert_true (g_settings_get_boolean (settings, "flow-sort-descending"));
  }

  /* A new window has it all back, and sorts what it reads that way. */
  window = eg_test_gui_open_window (app);
  table = table_of (window);
  g_assert_cmpstr (column_id (column_at (table, 0)), ==, "resp_bytes");
  g_assert_cmpstr (column_id (column_at (table, 1)), ==, "ts");
  g_assert_false (gtk_column_view_column_get_visible (find_column (table, "proto", &position)));
  g_assert_cmpint (gtk_column_view_column_get_fixed_width (find_column (table, "id.orig_h", &position)),
                   ==, 222);
  g_assert_true (eg_flow_sorter_probe_primary (gtk_column_view_get_sorter (table), &field,
                                               &descending));
  g_assert_cmpint (field, ==, EG_FLOW_FIELD_RESP_P);
  g_assert_true (descending);

  eg_test_gui_open_capture (window, path);
  flows = eg_window_get_flow_list (window);
  n = g_list_model_get_n_items (G_LIST_MODEL (flows));
  g_assert_cmpuint (n, >, 10);
  for (guint i = 1; i < n; i++)
    g_assert_cmpuint (eg_flow_list_get_flow (flows, i - 1)->resp_p, >=,
                      eg_flow_list_get_flow (flows, i)->resp_p);
  g_assert_cmpuint (eg_flow_list_get_flow (flows, 0)->resp_p, >,
                    eg_flow_list_get_flow (flows, n - 1)->resp_p);
  eg_test_gui_close_window (window);

  g_settings_reset (settings, "flow-column-order");
  g_settings_reset (settings, "flow-sort-column");
  g_settings_reset (settings, "flow-sort-descending");
  g_settings_reset (settings, "flow-columns-hidden");
  g_settings_reset (settings, "flow-column-widths");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gui/flows-page/column-layout", test_column_layout);
  return eg_test_gui_run (&app);
}
