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

/* The bound cells of the table's shown rows (GTK keeps rows out of the
 * vertical view unmapped), in the order of the widget tree. */
static void
collect_cells (GtkWidget *widget,
               GPtrArray *cells)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (child), "eg-list-item");

      if (item == NULL)
        collect_cells (child, cells);
      else if (gtk_list_item_get_item (item) != NULL &&
               gtk_widget_get_mapped (gtk_widget_get_parent (gtk_widget_get_parent (child))))
        g_ptr_array_add (cells, child);
    }
}

/* Where column @position starts in the table's view, and its width. */
static void
column_span (GtkColumnView *table,
             guint          position,
             double        *x,
             int           *width)
{
  GtkAdjustment *hadjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (table));

  *x = -gtk_adjustment_get_value (hadjustment);
  for (guint i = 0; i < position; i++)
    if (gtk_column_view_column_get_visible (column_at (table, i)))
      *x += gtk_column_view_column_get_fixed_width (column_at (table, i));
  *width = gtk_column_view_column_get_fixed_width (column_at (table, position));
}

/* The position of the column a cell is in. GTK 4.8 gives a row one cell
 * per shown column, in the columns' order (this test moves none). */
static guint
cell_column (GtkColumnView *table,
             GtkWidget     *cell)
{
  GtkWidget *owner = gtk_widget_get_parent (cell);
  guint n_columns = g_list_model_get_n_items (gtk_column_view_get_columns (table));
  guint nth = 0, position;

  for (GtkWidget *w = gtk_widget_get_prev_sibling (owner); w != NULL;
       w = gtk_widget_get_prev_sibling (w))
    nth++;
  for (position = 0; position < n_columns; position++)
    if (gtk_column_view_column_get_visible (column_at (table, position)) && nth-- == 0)
      break;
  g_assert_cmpuint (position, <, n_columns);
  return position;
}

/* A cell is drawn (mapped) and laid out exactly when its column lies
 * inside the table's width (a cell out of view has no current allocation
 * to go by); returns how many of each there are. */
static void
assert_cells_drawn_in_view (GtkColumnView *table,
                            guint         *n_in_view,
                            guint         *n_out_of_view)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  int width = gtk_widget_get_width (GTK_WIDGET (table));

  *n_in_view = *n_out_of_view = 0;
  collect_cells (GTK_WIDGET (table), cells);
  g_assert_cmpuint (cells->len, >, 0);
  for (guint i = 0; i < cells->len; i++)
    {
      GtkWidget *cell = cells->pdata[i];
      guint position = cell_column (table, cell);
      gboolean in_view;
      int column_width;
      double x;

      column_span (table, position, &x, &column_width);
      in_view = x < width && x + column_width > 0;
      g_assert_cmpint (gtk_widget_get_mapped (cell), ==, in_view);
      /* Out of view, GTK neither measures nor allocates it. */
      g_assert_cmpint (gtk_widget_should_layout (gtk_widget_get_parent (cell)), ==, in_view);
      /* Out of view or not, the cell shows its flow's field. */
      g_assert_nonnull (gtk_inscription_get_text (GTK_INSCRIPTION (cell)));
      if (in_view)
        {
          graphene_rect_t bounds;

          /* Shown, it is where its column is. */
          g_assert_true (gtk_widget_compute_bounds (gtk_widget_get_parent (cell),
                                                    GTK_WIDGET (table), &bounds));
          g_assert_cmpint ((int) bounds.origin.x, ==, (int) x);
          (*n_in_view)++;
        }
      else
        (*n_out_of_view)++;
    }
}

/* Whether the cells of column @column_position are drawn. */
static gboolean
column_cell_mapped (GtkColumnView *table,
                    guint          column_position)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  gboolean seen = FALSE, mapped = FALSE;

  collect_cells (GTK_WIDGET (table), cells);
  for (guint i = 0; i < cells->len; i++)
    if (cell_column (table, cells->pdata[i]) == column_position)
      {
        /* All of a column's cells alike. */
        g_assert_true (!seen || mapped == gtk_widget_get_mapped (cells->pdata[i]));
        mapped = gtk_widget_get_mapped (cells->pdata[i]);
        seen = TRUE;
      }
  g_assert_true (seen);
  return mapped;
}

/* Cells of columns scrolled out of view are neither laid out nor drawn;
 * scrolled into view, they are. */
static void
test_cells_out_of_view (void)
{
  g_autofree char *path = eg_test_shared_path ("slips-dataset/test7-malicious.pcap");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkColumnView *table;
  GtkAdjustment *hadjustment;
  EgWindow *window;
  guint n_in, n_out, last;

  if (path == NULL)
    return;
  window = eg_test_gui_open_window (app);
  table = table_of (window);
  eg_test_gui_open_capture (window, path);
  eg_test_gui_let_frames_pass (GTK_WIDGET (table));

  /* With the details pane beside it the table shows the first columns. */
  assert_cells_drawn_in_view (table, &n_in, &n_out);
  g_assert_cmpuint (n_in, >, 0);
  g_assert_cmpuint (n_out, >, 0);
  last = g_list_model_get_n_items (gtk_column_view_get_columns (table)) - 1;
  while (!gtk_column_view_column_get_visible (column_at (table, last)))
    last--;
  g_assert_true (column_cell_mapped (table, 0));
  g_assert_false (column_cell_mapped (table, last));

  /* Scrolled to the end, the last columns show and the first do not. */
  hadjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (table));
  gtk_adjustment_set_value (hadjustment, gtk_adjustment_get_upper (hadjustment) -
                                         gtk_adjustment_get_page_size (hadjustment));
  eg_test_gui_let_frames_pass (GTK_WIDGET (table));
  assert_cells_drawn_in_view (table, &n_in, &n_out);
  g_assert_cmpuint (n_in, >, 0);
  g_assert_cmpuint (n_out, >, 0);
  g_assert_false (column_cell_mapped (table, 0));
  g_assert_true (column_cell_mapped (table, last));

  /* A column made wider pushes the ones after it out of view. */
  gtk_adjustment_set_value (hadjustment, 0);
  gtk_column_view_column_set_fixed_width (column_at (table, 0), 2000);
  eg_test_gui_let_frames_pass (GTK_WIDGET (table));
  assert_cells_drawn_in_view (table, &n_in, &n_out);
  g_assert_true (column_cell_mapped (table, 0));
  g_assert_false (column_cell_mapped (table, 1));
  eg_test_gui_close_window (window);
  g_settings_reset (settings, "flow-column-widths");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gui/flows-page/column-layout", test_column_layout);
  g_test_add_func ("/gui/flows-page/cells-out-of-view", test_cells_out_of_view);
  return eg_test_gui_run (&app);
}
