/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-chart.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#define PAD        8.0
#define LABEL_W    150.0  /* room for an IPv6 address in bar charts */
#define AXIS_H     18.0
#define LEGEND_H   18.0

struct _EgChart
{
  GtkWidget    parent_instance;
  EgChartKind  kind;
  EgChartUnit  unit;
  GPtrArray   *labels;    /* char * */
  GArray      *values;    /* double */
  GArray      *values2;   /* double, or NULL */
  char        *series1;
  char        *series2;
  int          hover;
};

enum {
  SIGNAL_BAR_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EgChart, eg_chart, GTK_TYPE_WIDGET)

static char *
format_value (EgChart *self,
              double   value)
{
  if (self->unit == EG_CHART_UNIT_BYTES)
    return g_format_size ((guint64) value);
  return g_strdup_printf ("%.0f", value);
}

static double
max_value (EgChart *self)
{
  double max = 0;

  for (guint i = 0; i < self->values->len; i++)
    {
      max = MAX (max, g_array_index (self->values, double, i));
      if (self->values2 != NULL)
        max = MAX (max, g_array_index (self->values2, double, i));
    }
  return max;
}

/* The plot area, where bars go. */
static void
plot_area (EgChart         *self,
           graphene_rect_t *rect)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  double top = self->series2 != NULL ? LEGEND_H + PAD : PAD;

  if (self->kind == EG_CHART_BARS)
    graphene_rect_init (rect, LABEL_W + PAD, top, MAX (0, w - LABEL_W - 3 * PAD - 60), h - top - PAD);
  else
    graphene_rect_init (rect, PAD, top, MAX (0, w - 2 * PAD), MAX (0, h - top - AXIS_H - PAD));
}

int
eg_chart_bar_at (EgChart *self,
                 double   x,
                 double   y)
{
  graphene_rect_t area;
  guint n = self->values->len;
  int index;

  g_return_val_if_fail (EG_IS_CHART (self), -1);

  if (n == 0)
    return -1;
  plot_area (self, &area);
  if (self->kind == EG_CHART_BARS)
    {
      if (y < area.origin.y || y >= area.origin.y + area.size.height)
        return -1;
      index = (y - area.origin.y) / (area.size.height / n);
    }
  else
    {
      if (x < area.origin.x || x >= area.origin.x + area.size.width)
        return -1;
      index = (x - area.origin.x) / (area.size.width / n);
    }
  return index >= 0 && (guint) index < n ? index : -1;
}

static void
set_color (cairo_t       *cr,
           const GdkRGBA *rgba,
           double         alpha)
{
  cairo_set_source_rgba (cr, rgba->red, rgba->green, rgba->blue, rgba->alpha * alpha);
}

static void
draw_text (EgChart    *self,
           cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      width,
           double      xalign)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  int tw, th;

  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_MIDDLE);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_move_to (cr, x + (width - tw) * xalign, y - th / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
eg_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  EgChart *self = EG_CHART (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GdkRGBA fg, accent = { 0.21, 0.52, 0.89, 1 }, second = { 0.90, 0.38, 0.0, 1 };
  graphene_rect_t area;
  guint n = self->values->len;
  double max = max_value (self);
  cairo_t *cr;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  plot_area (self, &area);

  if (n == 0 || max <= 0)
    {
      set_color (cr, &fg, 0.55);
      draw_text (self, cr, _("No data yet"), 0, h / 2, w, 0.5);
      cairo_destroy (cr);
      return;
    }

  if (self->series2 != NULL)
    {
      cairo_rectangle (cr, PAD, PAD + 4, 10, 10);
      set_color (cr, &accent, 1);
      cairo_fill (cr);
      set_color (cr, &fg, 0.8);
      draw_text (self, cr, self->series1, PAD + 14, PAD + 9, 140, 0);
      cairo_rectangle (cr, PAD + 160, PAD + 4, 10, 10);
      set_color (cr, &second, 1);
      cairo_fill (cr);
      set_color (cr, &fg, 0.8);
      draw_text (self, cr, self->series2, PAD + 174, PAD + 9, 140, 0);
    }

  for (guint i = 0; i < n; i++)
    {
      double v1 = g_array_index (self->values, double, i);
      double v2 = self->values2 != NULL ? g_array_index (self->values2, double, i) : 0;
      gboolean hovered = self->hover == (int) i;

      if (self->kind == EG_CHART_BARS)
        {
          double slot = area.size.height / n;
          double bar_h = MIN (slot * 0.7, 22);
          double y = area.origin.y + slot * i + (slot - bar_h) / 2;
          double len = area.size.width * v1 / max;
          g_autofree char *value = format_value (self, v1);

          set_color (cr, &fg, 0.85);
          draw_text (self, cr, g_ptr_array_index (self->labels, i), PAD, y + bar_h / 2, LABEL_W - PAD, 1.0);
          cairo_rectangle (cr, area.origin.x, y, MAX (len, 1), bar_h);
          set_color (cr, &accent, hovered ? 1.0 : 0.75);
          cairo_fill (cr);
          set_color (cr, &fg, 0.7);
          draw_text (self, cr, value, area.origin.x + len + 6, y + bar_h / 2, 80, 0);
        }
      else
        {
          double slot = area.size.width / n;
          double gap = MIN (slot * 0.2, 6);
          double bar_w = self->values2 != NULL ? (slot - gap) / 2 : slot - gap;
          double x = area.origin.x + slot * i + gap / 2;
          double len1 = area.size.height * v1 / max;
          double len2 = area.size.height * v2 / max;
          double bottom = area.origin.y + area.size.height;

          cairo_rectangle (cr, x, bottom - len1, bar_w, len1);
          set_color (cr, &accent, hovered ? 1.0 : 0.75);
          cairo_fill (cr);
          if (self->values2 != NULL)
            {
              cairo_rectangle (cr, x + bar_w, bottom - len2, bar_w, len2);
              set_color (cr, &second, hovered ? 1.0 : 0.75);
              cairo_fill (cr);
            }
        }
    }

  if (self->kind == EG_CHART_COLUMNS)
    {
      double bottom = area.origin.y + area.size.height;

      set_color (cr, &fg, 0.3);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, area.origin.x, bottom + 0.5);
      cairo_line_to (cr, area.origin.x + area.size.width, bottom + 0.5);
      cairo_stroke (cr);
      set_color (cr, &fg, 0.6);
      draw_text (self, cr, g_ptr_array_index (self->labels, 0), area.origin.x,
                 bottom + AXIS_H / 2 + 2, 200, 0);
      draw_text (self, cr, g_ptr_array_index (self->labels, n - 1),
                 area.origin.x + area.size.width - 200, bottom + AXIS_H / 2 + 2, 200, 1);
    }
  cairo_destroy (cr);
}

char *
eg_chart_dup_value_text (EgChart *self,
                         guint    index)
{
  g_autofree char *v1 = NULL;

  g_return_val_if_fail (EG_IS_CHART (self), NULL);
  g_return_val_if_fail (index < self->values->len, NULL);

  v1 = format_value (self, g_array_index (self->values, double, index));
  if (self->values2 != NULL)
    {
      g_autofree char *v2 = format_value (self, g_array_index (self->values2, double, index));

      return g_strdup_printf ("%s\n%s: %s\n%s: %s", (char *) g_ptr_array_index (self->labels, index),
                              self->series1, v1, self->series2, v2);
    }
  return g_strdup_printf ("%s: %s", (char *) g_ptr_array_index (self->labels, index), v1);
}

static gboolean
eg_chart_query_tooltip (GtkWidget  *widget,
                        int         x,
                        int         y,
                        gboolean    keyboard,
                        GtkTooltip *tooltip)
{
  EgChart *self = EG_CHART (widget);
  int index = eg_chart_bar_at (self, x, y);
  g_autofree char *text = NULL;

  if (index < 0)
    return FALSE;
  text = eg_chart_dup_value_text (self, index);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

int
eg_chart_get_hover (EgChart *self)
{
  g_return_val_if_fail (EG_IS_CHART (self), -1);
  return self->hover;
}

static void
on_motion_cb (GtkEventControllerMotion *motion,
              double                    x,
              double                    y,
              EgChart                  *self)
{
  int hover = eg_chart_bar_at (self, x, y);

  if (hover != self->hover)
    {
      self->hover = hover;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_leave_cb (GtkEventControllerMotion *motion,
             EgChart                  *self)
{
  self->hover = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_click_released_cb (GtkGestureClick *click,
                      int              n_press,
                      double           x,
                      double           y,
                      EgChart         *self)
{
  int index = eg_chart_bar_at (self, x, y);

  if (index >= 0)
    g_signal_emit (self, signals[SIGNAL_BAR_ACTIVATED], 0, (guint) index);
}

void
eg_chart_set_data (EgChart            *self,
                   const char * const *labels,
                   const double       *values,
                   const double       *values2,
                   guint               n)
{
  g_return_if_fail (EG_IS_CHART (self));

  g_ptr_array_set_size (self->labels, 0);
  g_array_set_size (self->values, 0);
  g_clear_pointer (&self->values2, g_array_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (self->labels, g_strdup (labels[i]));
  g_array_append_vals (self->values, values, n);
  if (values2 != NULL)
    {
      self->values2 = g_array_new (FALSE, FALSE, sizeof (double));
      g_array_append_vals (self->values2, values2, n);
    }
  if (self->hover >= (int) n)
    self->hover = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
eg_chart_set_series (EgChart    *self,
                     const char *series1,
                     const char *series2)
{
  g_return_if_fail (EG_IS_CHART (self));

  g_free (self->series1);
  g_free (self->series2);
  self->series1 = g_strdup (series1);
  self->series2 = g_strdup (series2);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
eg_chart_get_n_bars (EgChart *self)
{
  g_return_val_if_fail (EG_IS_CHART (self), 0);
  return self->values->len;
}

double
eg_chart_get_value (EgChart *self,
                    guint    index)
{
  g_return_val_if_fail (EG_IS_CHART (self), 0);
  g_return_val_if_fail (index < self->values->len, 0);
  return g_array_index (self->values, double, index);
}

double
eg_chart_get_value2 (EgChart *self,
                     guint    index)
{
  g_return_val_if_fail (EG_IS_CHART (self), 0);
  g_return_val_if_fail (self->values2 != NULL && index < self->values2->len, 0);
  return g_array_index (self->values2, double, index);
}

const char *
eg_chart_get_label (EgChart *self,
                    guint    index)
{
  g_return_val_if_fail (EG_IS_CHART (self), NULL);
  g_return_val_if_fail (index < self->labels->len, NULL);
  return g_ptr_array_index (self->labels, index);
}

static void
eg_chart_finalize (GObject *object)
{
  EgChart *self = EG_CHART (object);

  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->values, g_array_unref);
  g_clear_pointer (&self->values2, g_array_unref);
  g_free (self->series1);
  g_free (self->series2);
  G_OBJECT_CLASS (eg_chart_parent_class)->finalize (object);
}

static void
eg_chart_class_init (EgChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = eg_chart_finalize;
  widget_class->snapshot = eg_chart_snapshot;
  widget_class->query_tooltip = eg_chart_query_tooltip;

  /* (index): the operator clicked a bar. */
  signals[SIGNAL_BAR_ACTIVATED] =
    g_signal_new ("bar-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  gtk_widget_class_set_css_name (widget_class, "chart");
}

static void
eg_chart_init (EgChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->labels = g_ptr_array_new_with_free_func (g_free);
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
  self->hover = -1;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self), 200, 180);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (click, "released", G_CALLBACK (on_click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
eg_chart_new (EgChartKind kind,
              EgChartUnit unit)
{
  EgChart *self = g_object_new (EG_TYPE_CHART, NULL);

  self->kind = kind;
  self->unit = unit;
  return GTK_WIDGET (self);
}
