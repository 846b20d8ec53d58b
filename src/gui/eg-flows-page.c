/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-flows-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "eg-flow-detail.h"
#include "eg-flow-field.h"
#include "eg-flow-filter.h"
#include "eg-flow-row.h"
#include "eg-flow-sorter.h"

struct _EgFlowsPage
{
  GtkWidget          parent_instance;

  GtkSearchBar      *search_bar;
  GtkSearchEntry    *search_entry;
  GtkLabel          *filter_error;
  GtkRevealer       *evidence_revealer;
  GtkLabel          *evidence_label;
  GtkStack          *content_stack;
  GtkPaned          *paned;
  GtkColumnView     *column_view;
  EgFlowDetail      *detail;
  GtkLabel          *count_label;
  GtkMenuButton     *columns_button;
  GtkToggleButton   *details_button;
  GtkToggleButton   *pause_button;
  GtkPopoverMenu    *flow_popover;

  GSettings         *settings;
  EgFlowList        *flows;
  EgAlertList       *alerts;
  GtkMultiSelection *selection;
  EgFlowFilter      *filter;
  GHashTable        *uids;      /* evidence restriction, or NULL */
  guint              save_widths_id;
  GtkAdjustment     *hadjustment;
  guint32            fields_in_view;   /* bit per EgFlowField */
  guint              show_cells_id;    /* tick callback */
};

G_STATIC_ASSERT (EG_FLOW_N_FIELDS <= 32);

enum {
  PROP_0,
  PROP_PAUSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (EgFlowsPage, eg_flows_page, GTK_TYPE_WIDGET)

static gboolean
page_match (const EgFlow *flow,
            gpointer      user_data)
{
  EgFlowsPage *self = user_data;

  if (self->uids != NULL && !g_hash_table_contains (self->uids, flow->uid))
    return FALSE;
  return self->filter == NULL || eg_flow_filter_match (self->filter, flow);
}

static void
update_match (EgFlowsPage *self)
{
  if (self->flows == NULL)
    return;
  if (self->filter == NULL && self->uids == NULL)
    eg_flow_list_set_match_func (self->flows, NULL, NULL, NULL);
  else
    eg_flow_list_set_match_func (self->flows, page_match, self, NULL);
}

static void
update_count (EgFlowsPage *self)
{
  g_autofree char *text = NULL;
  guint shown, total, pending;

  if (self->flows == NULL)
    return;
  shown = g_list_model_get_n_items (G_LIST_MODEL (self->flows));
  total = eg_flow_list_get_n_flows (self->flows);
  pending = eg_flow_list_get_n_pending (self->flows);

  if (shown == total)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u flow", "%u flows", total), total);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u flow shown",
                                         "%u of %u flows shown", total), shown, total);
  if (pending > 0)
    {
      g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%s · paused, %u new flow waiting",
                                                            "%s · paused, %u new flows waiting",
                                                            pending), text, pending);
      g_free (text);
      text = g_steal_pointer (&more);
    }
  gtk_label_set_text (self->count_label, text);
  gtk_stack_set_visible_child_name (self->content_stack, total > 0 || pending > 0 ? "flows" : "empty");
}

static void
on_flows_notify_cb (EgFlowsPage *self)
{
  update_count (self);
}

static void
on_flows_paused_cb (EgFlowsPage *self)
{
  update_count (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

static void
on_selection_changed_cb (GtkSelectionModel *model,
                         guint              position,
                         guint              n_items,
                         EgFlowsPage       *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (model);
  const EgFlow *flow;

  if (gtk_bitset_is_empty (selected))
    {
      eg_flow_detail_set_flow (self->detail, NULL, NULL);
      return;
    }
  flow = eg_flow_list_get_flow (self->flows, gtk_bitset_get_minimum (selected));
  eg_flow_detail_set_flow (self->detail, flow,
                           self->alerts != NULL ? eg_alert_list_lookup_uid (self->alerts, flow->uid)
                                                : NULL);
}

static void
on_column_view_activate_cb (GtkColumnView *view,
                            guint          position,
                            EgFlowsPage   *self)
{
  gtk_toggle_button_set_active (self->details_button, TRUE);
}

/* A right click acts on the row under the pointer and the selection. One
 * gesture on the table, not one per cell: a first fill builds thousands of
 * cells, and a controller each made that a third slower. */
static void
on_table_pressed_cb (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     EgFlowsPage     *self)
{
  GtkWidget *table = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *picked = gtk_widget_pick (table, x, y, GTK_PICK_DEFAULT);
  GtkListItem *item = NULL;
  guint position;
  double px, py;

  for (; picked != NULL && picked != table && item == NULL; picked = gtk_widget_get_parent (picked))
    item = g_object_get_data (G_OBJECT (picked), "eg-list-item");
  if (item == NULL || (position = gtk_list_item_get_position (item)) == GTK_INVALID_LIST_POSITION)
    return;
  if (!gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), position))
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  if (!gtk_widget_translate_coordinates (table, GTK_WIDGET (self), x, y, &px, &py))
    return;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->flow_popover),
                               &(GdkRectangle) { (int) px, (int) py, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->flow_popover));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* Cells: one inscription per field, styled by value where it matters.
 * GTK 4.8 unbinds and binds again every row whose position changes (each
 * insert above it), so binding is kept cheap: quarks, a handler id, and
 * style classes touched only when they change. */
static GQuark cell_field_quark;
static GQuark cell_style_quark;
static GQuark cell_handler_quark;
static GQuark cell_page_quark;

static void
on_cell_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  EgFlowField field = GPOINTER_TO_UINT (user_data);
  GtkWidget *cell = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (eg_flow_field_is_numeric (field))
    gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), 1.0);
  /* For the table's right click: the row this cell is in. */
  g_object_set_data (G_OBJECT (cell), "eg-list-item", item);
  /* field + 1: the first field is 0, and a cell is known by having one. */
  g_object_set_qdata (G_OBJECT (cell), cell_field_quark, GUINT_TO_POINTER (field + 1));
  gtk_list_item_set_child (item, cell);
}

static EgFlowField
cell_get_field (GtkWidget *cell)
{
  return GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (cell), cell_field_quark)) - 1;
}

static void
render_cell (GtkWidget    *cell,
             const EgFlow *flow)
{
  EgFlowField field = cell_get_field (cell);
  g_autofree char *text = eg_flow_field_format (field, flow);
  const char *style = NULL;

  gtk_inscription_set_text (GTK_INSCRIPTION (cell), text);
  if (field == EG_FLOW_FIELD_SCORE && flow->score >= 0.5f)
    style = "score-high";
  else if (field == EG_FLOW_FIELD_LABEL && g_strcmp0 (flow->label, EG_LABEL_MALICIOUS) == 0)
    style = "label-malicious";
  else if (field == EG_FLOW_FIELD_TS || field == EG_FLOW_FIELD_UID)
    style = "numeric";
  /* Setting classes restyles the cell even when they stay the same. */
  if (g_object_get_qdata (G_OBJECT (cell), cell_style_quark) != style)
    {
      gtk_widget_set_css_classes (cell, (const char *[]) { style, NULL });
      g_object_set_qdata (G_OBJECT (cell), cell_style_quark, (gpointer) style);
    }
}

/* The row took a new record (a new History page) and kept its widget. */
static void
on_row_flow_changed_cb (EgFlowRow  *row,
                        GParamSpec *pspec,
                        GtkWidget  *cell)
{
  render_cell (cell, eg_flow_row_get_flow (row));
}

/* Columns scrolled out of view. GTK 4.8 lays out, snapshots and draws
 * every cell of every row, in view or not; with the details pane open
 * half the columns are out of view. Their cells are hidden: GTK's column
 * layout places each cell at its column's offset, so hiding one moves no
 * other, and a hidden cell is neither measured, allocated nor drawn. That
 * matters most while the table fills: each row GTK adds makes it measure
 * every cell of every column again (gtk_column_view_column_add_cell
 * queues a resize of them all). A cell shows again as its column scrolls
 * into view. */
static void
show_cell_if_in_view (EgFlowsPage *self,
                      GtkWidget   *cell)
{
  EgFlowField field = cell_get_field (cell);
  GtkWidget *owner = gtk_widget_get_parent (cell);
  gboolean in_view = (self->fields_in_view & (1u << field)) != 0;

  if (owner != NULL && gtk_widget_get_visible (owner) != in_view)
    gtk_widget_set_visible (owner, in_view);
}

static void
show_cells_in_view (EgFlowsPage *self,
                    GtkWidget   *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (g_object_get_qdata (G_OBJECT (child), cell_field_quark) != NULL)
        show_cell_if_in_view (self, child);
      else
        show_cells_in_view (self, child);
    }
}

static gboolean
show_cells_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  EgFlowsPage *self = EG_FLOWS_PAGE (widget);

  self->show_cells_id = 0;
  show_cells_in_view (self, GTK_WIDGET (self->column_view));
  return G_SOURCE_REMOVE;
}

/* Every column has a fixed width (add_columns sets one, a resize changes
 * it) and GTK 4.8 allocates a column exactly that: the columns' places
 * follow from their order and widths, the view's from the horizontal
 * adjustment. */
static void
update_fields_in_view (EgFlowsPage *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  double left = 0, right = G_MAXDOUBLE, x = 0;
  guint32 in_view = 0;

  if (self->hadjustment != NULL && gtk_adjustment_get_page_size (self->hadjustment) > 0 &&
      gtk_widget_get_direction (GTK_WIDGET (self->column_view)) != GTK_TEXT_DIR_RTL)
    {
      left = gtk_adjustment_get_value (self->hadjustment);
      right = left + gtk_adjustment_get_page_size (self->hadjustment);
    }
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      EgFlowField field;
      int width;

      if (!eg_flow_field_from_id (g_object_get_data (G_OBJECT (column), "eg-field-id"), &field))
        continue;
      width = gtk_column_view_column_get_fixed_width (column);
      /* A hidden column takes no room, and GTK 4.8 gives it no cells. */
      if (!gtk_column_view_column_get_visible (column))
        {
          in_view |= 1u << field;
          continue;
        }
      if (width < 0 || (x < right && x + width > left))
        in_view |= 1u << field;
      x += MAX (width, 0);
    }
  if (in_view == self->fields_in_view)
    return;
  self->fields_in_view = in_view;
  /* The adjustment changes while GTK allocates the table; a cell shown or
   * hidden then would leave the table to be drawn unallocated. The next
   * frame's update comes before its layout. Cells bound until then take
   * the new fields at once. */
  if (self->show_cells_id == 0)
    self->show_cells_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), show_cells_cb,
                                                        NULL, NULL);
}

static void
on_hadjustment_changed_cb (EgFlowsPage *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (self->column_view));

  if (adjustment != self->hadjustment)
    {
      if (self->hadjustment != NULL)
        g_signal_handlers_disconnect_by_data (self->hadjustment, self);
      g_set_object (&self->hadjustment, adjustment);
      if (adjustment != NULL)
        {
          g_signal_connect_swapped (adjustment, "value-changed",
                                    G_CALLBACK (update_fields_in_view), self);
          g_signal_connect_swapped (adjustment, "changed",
                                    G_CALLBACK (update_fields_in_view), self);
        }
    }
  update_fields_in_view (self);
}

static void
on_cell_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *cell = gtk_list_item_get_child (item);
  EgFlowRow *row = gtk_list_item_get_item (item);
  EgFlowsPage *self = g_object_get_qdata (G_OBJECT (factory), cell_page_quark);
  gulong id;

  render_cell (cell, eg_flow_row_get_flow (row));
  show_cell_if_in_view (self, cell);
  /* Unbind disconnects it, always before the cell goes. */
  id = g_signal_connect (row, "notify::flow", G_CALLBACK (on_row_flow_changed_cb), cell);
  g_object_set_qdata (G_OBJECT (cell), cell_handler_quark, GSIZE_TO_POINTER (id));
}

static void
on_cell_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  EgFlowRow *row = gtk_list_item_get_item (item);
  GObject *cell = G_OBJECT (gtk_list_item_get_child (item));
  gulong id = GPOINTER_TO_SIZE (g_object_steal_qdata (cell, cell_handler_quark));

  if (row != NULL && id != 0)
    g_signal_handler_disconnect (row, id);
}

static void
save_order_and_sort (EgFlowsPage *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  g_autoptr(GStrvBuilder) order = g_strv_builder_new ();
  g_auto(GStrv) order_strv = NULL;
  EgFlowField field;
  gboolean descending;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_strv_builder_add (order, g_object_get_data (G_OBJECT (column), "eg-field-id"));
    }
  order_strv = g_strv_builder_end (order);
  g_settings_set_strv (self->settings, "flow-column-order", (const char * const *) order_strv);
  if (eg_flow_sorter_probe_primary (gtk_column_view_get_sorter (self->column_view),
                                    &field, &descending))
    {
      g_settings_set_string (self->settings, "flow-sort-column", eg_flow_field_get_id (field));
      g_settings_set_boolean (self->settings, "flow-sort-descending", descending);
    }
  else
    g_settings_set_string (self->settings, "flow-sort-column", "");
}

static gboolean
save_widths_cb (gpointer user_data)
{
  EgFlowsPage *self = user_data;
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  g_autoptr(GVariantBuilder) widths = g_variant_builder_new (G_VARIANT_TYPE ("a{si}"));
  g_autoptr(GStrvBuilder) hidden = g_strv_builder_new ();
  g_auto(GStrv) hidden_strv = NULL;

  self->save_widths_id = 0;
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *id = g_object_get_data (G_OBJECT (column), "eg-field-id");
      int width = gtk_column_view_column_get_fixed_width (column);
      EgFlowField field;

      if (width > 0 && eg_flow_field_from_id (id, &field) &&
          width != eg_flow_field_get_default_width (field))
        g_variant_builder_add (widths, "{si}", id, width);
      if (!gtk_column_view_column_get_visible (column))
        g_strv_builder_add (hidden, id);
    }
  hidden_strv = g_strv_builder_end (hidden);
  g_settings_set_value (self->settings, "flow-column-widths", g_variant_builder_end (widths));
  g_settings_set_strv (self->settings, "flow-columns-hidden", (const char * const *) hidden_strv);
  save_order_and_sort (self);
  return G_SOURCE_REMOVE;
}

static void
on_column_layout_changed_cb (EgFlowsPage *self)
{
  /* A resize notifies on every pointer motion: save once it settles. */
  if (self->save_widths_id == 0)
    self->save_widths_id = g_timeout_add (500, save_widths_cb, self);
}

/* The saved order first (names we do not know are skipped), then the
 * fields it does not name, in their own order. */
static void
column_order (EgFlowsPage *self,
              EgFlowField  order[EG_FLOW_N_FIELDS])
{
  g_auto(GStrv) saved = g_settings_get_strv (self->settings, "flow-column-order");
  gboolean placed[EG_FLOW_N_FIELDS] = { FALSE, };
  guint n = 0;

  for (guint i = 0; saved[i] != NULL; i++)
    {
      EgFlowField field;

      if (eg_flow_field_from_id (saved[i], &field) && !placed[field])
        {
          placed[field] = TRUE;
          order[n++] = field;
        }
    }
  for (guint f = 0; f < EG_FLOW_N_FIELDS; f++)
    if (!placed[f])
      order[n++] = f;
}

static void
restore_sort (EgFlowsPage *self)
{
  g_autofree char *id = g_settings_get_string (self->settings, "flow-sort-column");
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  for (guint i = 0; id[0] != '\0' && i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "eg-field-id"), id) == 0)
        gtk_column_view_sort_by_column (self->column_view, column,
                                        g_settings_get_boolean (self->settings, "flow-sort-descending")
                                        ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
    }
}

static void
add_columns (EgFlowsPage *self)
{
  g_autoptr(GVariant) widths = g_settings_get_value (self->settings, "flow-column-widths");
  g_auto(GStrv) hidden = g_settings_get_strv (self->settings, "flow-columns-hidden");
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *popover = gtk_popover_new ();
  EgFlowField order[EG_FLOW_N_FIELDS];

  column_order (self, order);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  for (guint i = 0; i < EG_FLOW_N_FIELDS; i++)
    {
      EgFlowField f = order[i];
      const char *id = eg_flow_field_get_id (f);
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr(EgFlowSorter) sorter = eg_flow_sorter_new (f);
      GtkColumnViewColumn *column;
      GtkWidget *check;
      int width;

      /* The factory lives in the column, the column in our view. */
      g_object_set_qdata (G_OBJECT (factory), cell_page_quark, self);
      g_signal_connect (factory, "setup", G_CALLBACK (on_cell_setup_cb), GUINT_TO_POINTER (f));
      g_signal_connect (factory, "bind", G_CALLBACK (on_cell_bind_cb), GUINT_TO_POINTER (f));
      g_signal_connect (factory, "unbind", G_CALLBACK (on_cell_unbind_cb), GUINT_TO_POINTER (f));
      column = gtk_column_view_column_new (eg_flow_field_get_title (f), g_object_ref (factory));
      g_object_set_data (G_OBJECT (column), "eg-field-id", (gpointer) id);
      gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_visible (column, !g_strv_contains ((const char * const *) hidden, id));
      if (!g_variant_lookup (widths, id, "i", &width) || width <= 0)
        width = eg_flow_field_get_default_width (f);
      gtk_column_view_column_set_fixed_width (column, width);
      gtk_column_view_append_column (self->column_view, column);
      g_signal_connect_swapped (column, "notify::fixed-width",
                                G_CALLBACK (on_column_layout_changed_cb), self);
      g_signal_connect_swapped (column, "notify::visible",
                                G_CALLBACK (on_column_layout_changed_cb), self);
      g_signal_connect_swapped (column, "notify::fixed-width",
                                G_CALLBACK (update_fields_in_view), self);
      g_signal_connect_swapped (column, "notify::visible",
                                G_CALLBACK (update_fields_in_view), self);

      check = gtk_check_button_new_with_label (eg_flow_field_get_title (f));
      gtk_widget_add_css_class (check, "flat");
      g_object_bind_property (column, "visible", check, "active",
                              G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
      gtk_box_append (GTK_BOX (box), check);
      g_object_unref (column);
    }
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_popover (self->columns_button, popover);
  restore_sort (self);
  /* A column dragged elsewhere, a header clicked: saved like a resize. */
  g_signal_connect_swapped (gtk_column_view_get_columns (self->column_view), "items-changed",
                            G_CALLBACK (on_column_layout_changed_cb), self);
  g_signal_connect_swapped (gtk_column_view_get_columns (self->column_view), "items-changed",
                            G_CALLBACK (update_fields_in_view), self);
  g_signal_connect_swapped (gtk_column_view_get_sorter (self->column_view), "changed",
                            G_CALLBACK (on_column_layout_changed_cb), self);
}

static void
set_filter_error (EgFlowsPage *self,
                  const char  *message)
{
  gtk_label_set_text (self->filter_error, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->filter_error), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->search_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->search_entry), "error");
}

static gboolean
apply_filter_text (EgFlowsPage  *self,
                   const char   *text,
                   GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  EgFlowFilter *filter = NULL;

  if (text != NULL && text[0] != '\0')
    {
      filter = eg_flow_filter_parse (text, &local_error);
      if (filter == NULL)
        {
          /* Keep showing the last good filter while the operator types. */
          set_filter_error (self, local_error->message);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  set_filter_error (self, NULL);
  g_clear_pointer (&self->filter, eg_flow_filter_free);
  self->filter = filter;
  update_match (self);
  update_count (self);
  return TRUE;
}

static void
on_search_changed_cb (GtkSearchEntry *entry,
                      EgFlowsPage    *self)
{
  apply_filter_text (self, gtk_editable_get_text (GTK_EDITABLE (entry)), NULL);
}

static void
on_show_all_clicked_cb (GtkButton   *button,
                        EgFlowsPage *self)
{
  eg_flows_page_show_all (self);
}

void
eg_flows_page_set_models (EgFlowsPage *self,
                          EgFlowList  *flows,
                          EgAlertList *alerts)
{
  g_return_if_fail (EG_IS_FLOWS_PAGE (self));
  g_return_if_fail (EG_IS_FLOW_LIST (flows));
  g_return_if_fail (self->flows == NULL);

  self->flows = g_object_ref (flows);
  self->alerts = alerts != NULL ? g_object_ref (alerts) : NULL;
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (flows)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->selection, "selection-changed",
                    G_CALLBACK (on_selection_changed_cb), self);
  eg_flow_list_set_sorter (flows, gtk_column_view_get_sorter (self->column_view));
  g_signal_connect_object (flows, "notify::paused", G_CALLBACK (on_flows_paused_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (flows, "notify::n-items", G_CALLBACK (on_flows_notify_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (flows, "notify::n-flows", G_CALLBACK (on_flows_notify_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (flows, "notify::n-pending", G_CALLBACK (on_flows_notify_cb),
                           self, G_CONNECT_SWAPPED);
  update_match (self);
  update_count (self);
}

gboolean
eg_flows_page_set_filter_text (EgFlowsPage  *self,
                               const char   *text,
                               GError      **error)
{
  g_return_val_if_fail (EG_IS_FLOWS_PAGE (self), FALSE);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  g_signal_handlers_block_by_func (self->search_entry, on_search_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  g_signal_handlers_unblock_by_func (self->search_entry, on_search_changed_cb, self);
  return apply_filter_text (self, text, error);
}

void
eg_flows_page_focus_search (EgFlowsPage *self)
{
  g_return_if_fail (EG_IS_FLOWS_PAGE (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
eg_flows_page_show_uids (EgFlowsPage        *self,
                         const char * const *uids,
                         const char         *what)
{
  g_autofree char *text = NULL;
  guint n = 0;

  g_return_if_fail (EG_IS_FLOWS_PAGE (self));

  g_clear_pointer (&self->uids, g_hash_table_unref);
  self->uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (; uids != NULL && uids[n] != NULL; n++)
    g_hash_table_add (self->uids, g_strdup (uids[n]));

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Showing the %u evidence flow of %s",
                                       "Showing the %u evidence flows of %s", n), n, what);
  gtk_label_set_text (self->evidence_label, text);
  gtk_revealer_set_reveal_child (self->evidence_revealer, TRUE);
  update_match (self);
  update_count (self);
}

void
eg_flows_page_show_all (EgFlowsPage *self)
{
  g_return_if_fail (EG_IS_FLOWS_PAGE (self));

  g_clear_pointer (&self->uids, g_hash_table_unref);
  gtk_revealer_set_reveal_child (self->evidence_revealer, FALSE);
  update_match (self);
  update_count (self);
}

void
eg_flows_page_set_sources (EgFlowsPage *self,
                           EgStore     *store,
                           EgExplainer *explainer)
{
  g_return_if_fail (EG_IS_FLOWS_PAGE (self));
  eg_flow_detail_set_sources (self->detail, store, explainer);
}

GListModel *
eg_flows_page_get_model (EgFlowsPage *self)
{
  g_return_val_if_fail (EG_IS_FLOWS_PAGE (self), NULL);
  return G_LIST_MODEL (self->flows);
}

GtkColumnView *
eg_flows_page_get_table (EgFlowsPage *self)
{
  g_return_val_if_fail (EG_IS_FLOWS_PAGE (self), NULL);
  return self->column_view;
}

GtkPopover *
eg_flows_page_get_context_menu (EgFlowsPage *self)
{
  g_return_val_if_fail (EG_IS_FLOWS_PAGE (self), NULL);
  return GTK_POPOVER (self->flow_popover);
}

GtkAdjustment *
eg_flows_page_get_vadjustment (EgFlowsPage *self)
{
  g_return_val_if_fail (EG_IS_FLOWS_PAGE (self), NULL);
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
}

EgFlowDetail *
eg_flows_page_get_detail (EgFlowsPage *self)
{
  g_return_val_if_fail (EG_IS_FLOWS_PAGE (self), NULL);
  return self->detail;
}

const char *
eg_flows_page_get_filter_text (EgFlowsPage *self)
{
  g_return_val_if_fail (EG_IS_FLOWS_PAGE (self), NULL);
  return self->filter != NULL ? eg_flow_filter_get_text (self->filter) : "";
}

gboolean
eg_flows_page_get_restricted (EgFlowsPage *self)
{
  g_return_val_if_fail (EG_IS_FLOWS_PAGE (self), FALSE);
  return self->uids != NULL;
}

GtkSelectionModel *
eg_flows_page_get_selection (EgFlowsPage *self)
{
  g_return_val_if_fail (EG_IS_FLOWS_PAGE (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

GStrv
eg_flows_page_dup_selected_uids (EgFlowsPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  guint position;

  g_return_val_if_fail (EG_IS_FLOWS_PAGE (self), NULL);

  if (self->selection == NULL)
    return g_strv_builder_end (builder);
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position);
       ok; ok = gtk_bitset_iter_next (&iter, &position))
    g_strv_builder_add (builder, eg_flow_list_get_flow (self->flows, position)->uid);
  return g_strv_builder_end (builder);
}

gboolean
eg_flows_page_get_paused (EgFlowsPage *self)
{
  g_return_val_if_fail (EG_IS_FLOWS_PAGE (self), FALSE);
  return self->flows != NULL && eg_flow_list_get_paused (self->flows);
}

void
eg_flows_page_set_paused (EgFlowsPage *self,
                          gboolean     paused)
{
  g_return_if_fail (EG_IS_FLOWS_PAGE (self));

  if (self->flows == NULL || eg_flow_list_get_paused (self->flows) == !!paused)
    return;
  /* The list's notify::paused updates the count and notifies ours. */
  eg_flow_list_set_paused (self->flows, paused);
}

static void
eg_flows_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  EgFlowsPage *self = EG_FLOWS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      g_value_set_boolean (value, eg_flows_page_get_paused (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
eg_flows_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  EgFlowsPage *self = EG_FLOWS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      eg_flows_page_set_paused (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
eg_flows_page_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  EgFlowsPage *self = EG_FLOWS_PAGE (widget);

  GTK_WIDGET_CLASS (eg_flows_page_parent_class)->size_allocate (widget, width, height, baseline);
  /* A popover follows its parent only when the parent presents it. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->flow_popover)))
    gtk_popover_present (GTK_POPOVER (self->flow_popover));
}

static void
eg_flows_page_dispose (GObject *object)
{
  EgFlowsPage *self = EG_FLOWS_PAGE (object);
  GtkWidget *child;

  if (self->save_widths_id != 0)
    {
      g_clear_handle_id (&self->save_widths_id, g_source_remove);
      save_widths_cb (self);
    }
  if (self->show_cells_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->show_cells_id);
      self->show_cells_id = 0;
    }
  if (self->hadjustment != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->hadjustment, self);
      g_clear_object (&self->hadjustment);
    }
  if (self->column_view != NULL)
    {
      GListModel *columns = gtk_column_view_get_columns (self->column_view);

      g_signal_handlers_disconnect_by_data (self->column_view, self);
      /* The columns go away with the view: that is no layout change. */
      g_signal_handlers_disconnect_by_data (columns, self);
      g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
      for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
        {
          g_autoptr(GObject) column = g_list_model_get_item (columns, i);

          g_signal_handlers_disconnect_by_data (column, self);
        }
    }
  if (self->flows != NULL)
    {
      eg_flow_list_set_sorter (self->flows, NULL);
      eg_flow_list_set_match_func (self->flows, NULL, NULL, NULL);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), EG_TYPE_FLOWS_PAGE);
  /* The template's unnamed top box is ours to unparent too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->flows);
  g_clear_object (&self->alerts);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (eg_flows_page_parent_class)->dispose (object);
}

static void
eg_flows_page_finalize (GObject *object)
{
  EgFlowsPage *self = EG_FLOWS_PAGE (object);

  g_clear_pointer (&self->filter, eg_flow_filter_free);
  g_clear_pointer (&self->uids, g_hash_table_unref);
  G_OBJECT_CLASS (eg_flows_page_parent_class)->finalize (object);
}

static void
eg_flows_page_class_init (EgFlowsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  cell_field_quark = g_quark_from_static_string ("eg-cell-field");
  cell_style_quark = g_quark_from_static_string ("eg-cell-style");
  cell_handler_quark = g_quark_from_static_string ("eg-cell-handler");
  cell_page_quark = g_quark_from_static_string ("eg-cell-page");

  object_class->get_property = eg_flows_page_get_property;
  object_class->set_property = eg_flows_page_set_property;
  object_class->dispose = eg_flows_page_dispose;
  object_class->finalize = eg_flows_page_finalize;
  widget_class->size_allocate = eg_flows_page_size_allocate;

  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (EG_TYPE_FLOW_DETAIL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/edgeguard/Edgeguard/ui/eg-flows-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EgFlowsPage, search_bar);
  gtk_widget_class_bind_template_child (widget_class, EgFlowsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, EgFlowsPage, filter_error);
  gtk_widget_class_bind_template_child (widget_class, EgFlowsPage, evidence_revealer);
  gtk_widget_class_bind_template_child (widget_class, EgFlowsPage, evidence_label);
  gtk_widget_class_bind_template_child (widget_class, EgFlowsPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, EgFlowsPage, paned);
  gtk_widget_class_bind_template_child (widget_class, EgFlowsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, EgFlowsPage, detail);
  gtk_widget_class_bind_template_child (widget_class, EgFlowsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, EgFlowsPage, columns_button);
  gtk_widget_class_bind_template_child (widget_class, EgFlowsPage, details_button);
  gtk_widget_class_bind_template_child (widget_class, EgFlowsPage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, EgFlowsPage, flow_popover);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_show_all_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_activate_cb);
}

static void
eg_flows_page_init (EgFlowsPage *self)
{
  GtkGesture *right_click;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "show-details", self->details_button, "active",
                   G_SETTINGS_BIND_DEFAULT);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_object_bind_property (self, "paused", self->pause_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  self->fields_in_view = G_MAXUINT32;
  add_columns (self);
  g_signal_connect_swapped (self->column_view, "notify::hadjustment",
                            G_CALLBACK (on_hadjustment_changed_cb), self);
  g_signal_connect_swapped (self->column_view, "direction-changed",
                            G_CALLBACK (update_fields_in_view), self);
  on_hadjustment_changed_cb (self);
  right_click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (right_click), GDK_BUTTON_SECONDARY);
  g_signal_connect (right_click, "pressed", G_CALLBACK (on_table_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (right_click));
}
