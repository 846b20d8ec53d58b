/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The feed from the engine's batches to the flows table: everything
 * arrives, in order, after the main loop has run, and nothing after a
 * clear. */
#include "config.h"

#include <gtk/gtk.h>

#include "eg-flow-feed.h"
#include "eg-flow-list.h"

static GArray *
make_batch (guint first,
            guint n)
{
  GArray *batch = g_array_sized_new (FALSE, FALSE, sizeof (EgFlow), n);

  for (guint i = 0; i < n; i++)
    {
      EgFlow flow;

      eg_flow_init (&flow);
      g_snprintf (flow.uid, sizeof flow.uid, "C%u", first + i);
      g_assert_true (eg_addr_parse ("10.0.0.1", &flow.orig_h));
      g_assert_true (eg_addr_parse ("10.0.0.2", &flow.resp_h));
      flow.resp_p = 80;
      flow.ts = first + i;
      g_array_append_val (batch, flow);
    }
  return batch;
}

static void
on_drained_cb (EgFlowFeed *feed,
               guint      *n_drained)
{
  (*n_drained)++;
}

static void
wait_drained (guint *n_drained)
{
  guint before = *n_drained;

  while (*n_drained == before)
    g_main_context_iteration (NULL, TRUE);
}

static void
assert_in_order (EgFlowList *list,
                 guint       n)
{
  g_assert_cmpuint (eg_flow_list_get_n_flows (list), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uid = g_strdup_printf ("C%u", i);

      g_assert_cmpstr (eg_flow_list_get_flow (list, i)->uid, ==, uid);
    }
}

/* Three batches, one of a single flow and two big ones: all of them, in
 * the order pushed, none before the main loop runs. */
static void
test_flow_feed_order (void)
{
  g_autoptr(EgFlowList) list = eg_flow_list_new ();
  g_autoptr(EgFlowFeed) feed = eg_flow_feed_new (list, NULL);
  g_autoptr(GArray) a = make_batch (0, 1);
  g_autoptr(GArray) b = make_batch (1, 5000);
  g_autoptr(GArray) c = make_batch (5001, 20000);
  guint n_drained = 0;

  g_signal_connect (feed, "drained", G_CALLBACK (on_drained_cb), &n_drained);
  eg_flow_feed_push (feed, a);
  eg_flow_feed_push (feed, b);
  eg_flow_feed_push (feed, c);
  g_assert_false (eg_flow_feed_is_empty (feed));
  g_assert_cmpuint (eg_flow_list_get_n_flows (list), ==, 0);

  wait_drained (&n_drained);
  g_assert_cmpuint (n_drained, ==, 1);
  g_assert_true (eg_flow_feed_is_empty (feed));
  assert_in_order (list, 25001);
  /* The batches are the engine's: read, never changed. */
  g_assert_cmpuint (c->len, ==, 20000);
  g_assert_cmpstr (g_array_index (c, EgFlow, 0).uid, ==, "C5001");

  /* A later batch drains again. */
  g_clear_pointer (&a, g_array_unref);
  a = make_batch (25001, 3);
  eg_flow_feed_push (feed, a);
  wait_drained (&n_drained);
  g_assert_cmpuint (n_drained, ==, 2);
  assert_in_order (list, 25004);
}

/* A cleared feed adds nothing more and says nothing. */
static void
test_flow_feed_clear (void)
{
  g_autoptr(EgFlowList) list = eg_flow_list_new ();
  g_autoptr(EgFlowFeed) feed = eg_flow_feed_new (list, NULL);
  g_autoptr(GArray) batch = make_batch (0, 1000);
  guint n_drained = 0;

  g_signal_connect (feed, "drained", G_CALLBACK (on_drained_cb), &n_drained);
  eg_flow_feed_push (feed, batch);
  eg_flow_feed_clear (feed);
  g_assert_true (eg_flow_feed_is_empty (feed));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (n_drained, ==, 0);
  g_assert_cmpuint (eg_flow_list_get_n_flows (list), ==, 0);
}

/* Paced by a window that is shown: one slice per frame, all of it in the
 * end; a paused list keeps them waiting. */
static void
test_flow_feed_paced (void)
{
  g_autoptr(EgFlowList) list = eg_flow_list_new ();
  GtkWidget *window = gtk_window_new ();
  g_autoptr(EgFlowFeed) feed = eg_flow_feed_new (list, window);
  g_autoptr(GArray) a = make_batch (0, 300);
  g_autoptr(GArray) b = make_batch (300, 30000);
  guint n_drained = 0;

  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);

  g_signal_connect (feed, "drained", G_CALLBACK (on_drained_cb), &n_drained);
  eg_flow_list_set_paused (list, TRUE);
  eg_flow_feed_push (feed, a);
  eg_flow_feed_push (feed, b);
  wait_drained (&n_drained);
  g_assert_cmpuint (eg_flow_list_get_n_flows (list), ==, 0);
  g_assert_cmpuint (eg_flow_list_get_n_pending (list), ==, 30300);
  eg_flow_list_set_paused (list, FALSE);
  assert_in_order (list, 30300);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&feed);
  g_assert_finalize_object (g_steal_pointer (&list));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    return 77;

  g_test_add_func ("/gui/flow-feed/order", test_flow_feed_order);
  g_test_add_func ("/gui/flow-feed/clear", test_flow_feed_clear);
  g_test_add_func ("/gui/flow-feed/paced", test_flow_feed_paced);
  return g_test_run ();
}
