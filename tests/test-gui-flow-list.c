/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The flows table's model: packed flows, sorted and filtered in place. */
#include "config.h"

#include <netinet/in.h>

#include <gtk/gtk.h>

#include "eg-flow-list.h"
#include "eg-flow-row.h"
#include "eg-flow-sorter.h"

static EgFlow
make_flow (const char *uid,
           const char *orig,
           const char *resp,
           guint16     resp_p,
           double      ts,
           float       score)
{
  EgFlow flow;

  eg_flow_init (&flow);
  g_strlcpy (flow.uid, uid, sizeof flow.uid);
  g_assert_true (eg_addr_parse (orig, &flow.orig_h));
  g_assert_true (eg_addr_parse (resp, &flow.resp_h));
  flow.orig_p = 40000;
  flow.resp_p = resp_p;
  flow.proto = IPPROTO_TCP;
  flow.ts = ts;
  flow.score = score;
  return flow;
}

typedef struct {
  guint position;
  guint removed;
  guint added;
  guint n_signals;
} Change;

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     Change     *change)
{
  change->position = position;
  change->removed = removed;
  change->added = added;
  change->n_signals++;
}

static const char *
uid_at (EgFlowList *list,
        guint       position)
{
  return eg_flow_list_get_flow (list, position)->uid;
}

static void
test_flow_list_append (void)
{
  g_autoptr(EgFlowList) list = eg_flow_list_new ();
  EgFlow batch[3];
  Change change = { 0 };
  g_autoptr(EgFlowRow) row = NULL;

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed_cb), &change);
  batch[0] = make_flow ("C1", "10.0.0.1", "10.0.0.9", 80, 1.0, 0.1f);
  batch[1] = make_flow ("C2", "10.0.0.2", "10.0.0.9", 23, 2.0, 0.9f);
  batch[2] = make_flow ("C3", "10.0.0.3", "10.0.0.9", 443, 3.0, -1.f);
  eg_flow_list_add (list, batch, 3);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_cmpuint (change.n_signals, ==, 1);
  g_assert_cmpuint (change.position, ==, 0);
  g_assert_cmpuint (change.added, ==, 3);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == EG_TYPE_FLOW_ROW);

  row = g_list_model_get_item (G_LIST_MODEL (list), 1);
  g_assert_cmpstr (eg_flow_row_get_flow (row)->uid, ==, "C2");
  g_assert_cmpuint (eg_flow_row_get_flow (row)->resp_p, ==, 23);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 3));

  /* A second batch in arrival order is a pure append. */
  batch[0] = make_flow ("C4", "10.0.0.4", "10.0.0.9", 22, 4.0, 0.5f);
  eg_flow_list_add (list, batch, 1);
  g_assert_cmpuint (change.position, ==, 3);
  g_assert_cmpuint (change.removed, ==, 0);
  g_assert_cmpuint (change.added, ==, 1);
  g_assert_cmpuint (eg_flow_list_get_n_flows (list), ==, 4);
}

static void
test_flow_list_interim_update (void)
{
  g_autoptr(EgFlowList) list = eg_flow_list_new ();
  EgFlow batch[2];

  batch[0] = make_flow ("C1", "10.0.0.1", "10.0.0.9", 80, 1.0, 0.1f);
  batch[1] = make_flow ("C2", "10.0.0.2", "10.0.0.9", 23, 2.0, 0.9f);
  eg_flow_list_add (list, batch, 2);

  /* The same uid again replaces the record instead of adding a row. */
  batch[0] = make_flow ("C1", "10.0.0.1", "10.0.0.9", 80, 1.0, 0.7f);
  batch[0].orig_bytes = 5000;
  eg_flow_list_add (list, batch, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpuint (eg_flow_list_get_n_flows (list), ==, 2);
  g_assert_cmpuint (eg_flow_list_lookup (list, "C1")->orig_bytes, ==, 5000);
  g_assert_cmpstr (uid_at (list, 0), ==, "C1");
  g_assert_cmpfloat (eg_flow_list_get_flow (list, 0)->score, ==, 0.7f);
}

static void
test_flow_list_sort_addresses (void)
{
  g_autoptr(EgFlowList) list = eg_flow_list_new ();
  g_autoptr(EgFlowSorter) by_src = eg_flow_sorter_new (EG_FLOW_FIELD_ORIG_H);
  EgFlow batch[4];

  /* As strings "10.0.0.10" < "10.0.0.9"; as addresses it is the other way. */
  batch[0] = make_flow ("C1", "10.0.0.10", "1.1.1.1", 80, 1.0, 0.1f);
  batch[1] = make_flow ("C2", "10.0.0.9", "1.1.1.1", 80, 2.0, 0.1f);
  batch[2] = make_flow ("C3", "9.255.0.1", "1.1.1.1", 80, 3.0, 0.1f);
  batch[3] = make_flow ("C4", "192.168.1.2", "1.1.1.1", 80, 4.0, 0.1f);
  eg_flow_list_add (list, batch, 4);

  eg_flow_list_set_sorter (list, GTK_SORTER (by_src));
  g_assert_cmpstr (uid_at (list, 0), ==, "C3");
  g_assert_cmpstr (uid_at (list, 1), ==, "C2");
  g_assert_cmpstr (uid_at (list, 2), ==, "C1");
  g_assert_cmpstr (uid_at (list, 3), ==, "C4");

  /* New flows merge into their sorted place. */
  batch[0] = make_flow ("C5", "10.0.0.20", "1.1.1.1", 80, 5.0, 0.1f);
  batch[1] = make_flow ("C6", "1.0.0.1", "1.1.1.1", 80, 6.0, 0.1f);
  eg_flow_list_add (list, batch, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 6);
  g_assert_cmpstr (uid_at (list, 0), ==, "C6");
  g_assert_cmpstr (uid_at (list, 4), ==, "C5");
  g_assert_cmpstr (uid_at (list, 5), ==, "C4");
}

static void
test_flow_list_sort_column_view (void)
{
  g_autoptr(EgFlowList) list = eg_flow_list_new ();
  GtkWidget *view = gtk_column_view_new (NULL);
  GtkColumnViewColumn *column;
  g_autoptr(EgFlowSorter) by_score = eg_flow_sorter_new (EG_FLOW_FIELD_SCORE);
  EgFlow batch[3];

  g_object_ref_sink (view);
  column = gtk_column_view_column_new ("Score", NULL);
  gtk_column_view_column_set_sorter (column, GTK_SORTER (by_score));
  gtk_column_view_append_column (GTK_COLUMN_VIEW (view), column);
  eg_flow_list_set_sorter (list, gtk_column_view_get_sorter (GTK_COLUMN_VIEW (view)));

  batch[0] = make_flow ("C1", "10.0.0.1", "1.1.1.1", 80, 1.0, 0.5f);
  batch[1] = make_flow ("C2", "10.0.0.2", "1.1.1.1", 80, 2.0, 0.9f);
  batch[2] = make_flow ("C3", "10.0.0.3", "1.1.1.1", 80, 3.0, 0.1f);
  eg_flow_list_add (list, batch, 3);
  /* Unsorted view: arrival order. */
  g_assert_cmpstr (uid_at (list, 0), ==, "C1");

  /* A click on the header sorts ascending, a second one descending. */
  gtk_column_view_sort_by_column (GTK_COLUMN_VIEW (view), column, GTK_SORT_ASCENDING);
  g_assert_cmpstr (uid_at (list, 0), ==, "C3");
  g_assert_cmpstr (uid_at (list, 2), ==, "C2");
  gtk_column_view_sort_by_column (GTK_COLUMN_VIEW (view), column, GTK_SORT_DESCENDING);
  g_assert_cmpstr (uid_at (list, 0), ==, "C2");
  g_assert_cmpstr (uid_at (list, 2), ==, "C3");

  eg_flow_list_set_sorter (list, NULL);
  g_object_unref (column);
  g_object_unref (view);
}

static gboolean
match_port_23 (const EgFlow *flow,
               gpointer      user_data)
{
  return flow->resp_p == 23;
}

static void
test_flow_list_filter_pause (void)
{
  g_autoptr(EgFlowList) list = eg_flow_list_new ();
  EgFlow batch[3];

  batch[0] = make_flow ("C1", "10.0.0.1", "10.0.0.9", 23, 1.0, 0.1f);
  batch[1] = make_flow ("C2", "10.0.0.2", "10.0.0.9", 80, 2.0, 0.9f);
  batch[2] = make_flow ("C3", "10.0.0.3", "10.0.0.9", 23, 3.0, 0.3f);
  eg_flow_list_add (list, batch, 3);

  eg_flow_list_set_match_func (list, match_port_23, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpstr (uid_at (list, 1), ==, "C3");

  /* Paused: rows stay put, batches wait, then arrive filtered. */
  eg_flow_list_set_paused (list, TRUE);
  batch[0] = make_flow ("C4", "10.0.0.4", "10.0.0.9", 23, 4.0, 0.1f);
  batch[1] = make_flow ("C5", "10.0.0.5", "10.0.0.9", 25, 5.0, 0.1f);
  eg_flow_list_add (list, batch, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpuint (eg_flow_list_get_n_pending (list), ==, 2);
  eg_flow_list_set_paused (list, FALSE);
  g_assert_cmpuint (eg_flow_list_get_n_pending (list), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_cmpuint (eg_flow_list_get_n_flows (list), ==, 5);

  eg_flow_list_set_match_func (list, NULL, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 5);
  eg_flow_list_clear (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_null (eg_flow_list_lookup (list, "C1"));
}

static void
test_flow_list_many (void)
{
  g_autoptr(EgFlowList) list = eg_flow_list_new ();
  g_autoptr(EgFlowSorter) by_dst = eg_flow_sorter_new (EG_FLOW_FIELD_RESP_H);
  g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (EgFlow));

  eg_flow_list_set_sorter (list, GTK_SORTER (by_dst));
  /* 100 batches of 1,000 flows, each merged into sorted order. */
  for (guint b = 0; b < 100; b++)
    {
      g_array_set_size (batch, 0);
      for (guint i = 0; i < 1000; i++)
        {
          guint n = b * 1000 + i;
          g_autofree char *uid = g_strdup_printf ("C%u", n);
          g_autofree char *resp = g_strdup_printf ("10.%u.%u.%u", (n * 7919) % 256,
                                                   (n / 256) % 256, n % 256);
          EgFlow flow = make_flow (uid, "192.168.0.1", resp, 80, n, 0.1f);

          g_array_append_val (batch, flow);
        }
      eg_flow_list_add (list, (EgFlow *) batch->data, batch->len);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 100000);
  for (guint i = 1; i < 100000; i++)
    g_assert_cmpint (eg_addr_compare (&eg_flow_list_get_flow (list, i - 1)->resp_h,
                                      &eg_flow_list_get_flow (list, i)->resp_h), <=, 0);
}

/* A view's copy of the list, kept only from items-changed: after every
 * signal it must equal what the model then says, position by position. */
typedef struct {
  GPtrArray *uids;
  guint      n_signals;
} Shadow;

static void
on_shadow_items_changed_cb (GListModel *model,
                            guint       position,
                            guint       removed,
                            guint       added,
                            Shadow     *shadow)
{
  shadow->n_signals++;
  g_ptr_array_remove_range (shadow->uids, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(EgFlowRow) row = g_list_model_get_item (model, position + i);

      g_ptr_array_insert (shadow->uids, position + i, g_strdup (eg_flow_row_get_flow (row)->uid));
    }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, shadow->uids->len);
  for (guint i = 0; i < shadow->uids->len; i++)
    {
      g_autoptr(EgFlowRow) row = g_list_model_get_item (model, i);

      g_assert_cmpstr (eg_flow_row_get_flow (row)->uid, ==, g_ptr_array_index (shadow->uids, i));
    }
}

static void
test_flow_list_announce (void)
{
  g_autoptr(EgFlowList) list = eg_flow_list_new ();
  g_autoptr(EgFlowSorter) by_dst = eg_flow_sorter_new (EG_FLOW_FIELD_RESP_H);
  g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  Shadow shadow = { g_ptr_array_new_with_free_func (g_free), 0 };
  guint n = 0;

  eg_flow_list_set_sorter (list, GTK_SORTER (by_dst));
  g_signal_connect (list, "items-changed", G_CALLBACK (on_shadow_items_changed_cb), &shadow);

  /* A big first batch, then small ones that land in a few places each:
   * those go out insert by insert while the list already holds them all. */
  for (guint b = 0; b < 12; b++)
    {
      guint size = b == 0 ? 3000 : 1 + g_rand_int_range (rand, 0, 12);

      g_array_set_size (batch, 0);
      for (guint i = 0; i < size; i++, n++)
        {
          g_autofree char *uid = g_strdup_printf ("C%u", n);
          g_autofree char *resp = g_strdup_printf ("10.%u.%u.%u", g_rand_int_range (rand, 0, 256),
                                                   g_rand_int_range (rand, 0, 256),
                                                   g_rand_int_range (rand, 0, 256));
          EgFlow flow = make_flow (uid, "192.168.0.1", resp, 80, n, 0.1f);

          /* Now and then a flow sorts beside the one before it: a run. */
          if (i > 0 && g_rand_boolean (rand))
            flow.resp_h = g_array_index (batch, EgFlow, i - 1).resp_h;
          g_array_append_val (batch, flow);
        }
      eg_flow_list_add (list, (EgFlow *) batch->data, batch->len);
    }
  g_assert_cmpuint (shadow.uids->len, ==, n);
  g_assert_cmpuint (shadow.n_signals, >, 12);
  for (guint i = 1; i < n; i++)
    g_assert_cmpint (eg_addr_compare (&eg_flow_list_get_flow (list, i - 1)->resp_h,
                                      &eg_flow_list_get_flow (list, i)->resp_h), <=, 0);
  g_signal_handlers_disconnect_by_func (list, on_shadow_items_changed_cb, &shadow);
  g_ptr_array_unref (shadow.uids);
}

static gboolean
odd_port (const EgFlow *flow,
          gpointer      user_data)
{
  return flow->resp_p % 2 == 1;
}

/* Every row, the ones a view holds among them, shows the flow at its
 * position. */
static void
assert_rows_match (EgFlowList *list)
{
  for (guint p = 0; p < g_list_model_get_n_items (G_LIST_MODEL (list)); p++)
    {
      g_autoptr(EgFlowRow) at = g_list_model_get_item (G_LIST_MODEL (list), p);

      g_assert_cmpstr (eg_flow_row_get_flow (at)->uid, ==, uid_at (list, p));
    }
}

static void
on_row_flow_cb (EgFlowRow  *row,
                GParamSpec *pspec,
                guint      *n)
{
  (*n)++;
}

/* A new filter or a new page hands the rows a view holds to the flows now
 * at their positions (so the view keeps its widgets), each with the right
 * record, and says so through "flow". */
static void
test_flow_list_recycle (void)
{
  g_autoptr(EgFlowList) list = eg_flow_list_new ();
  g_autoptr(GArray) flows = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GArray) page = g_array_new (FALSE, FALSE, sizeof (EgFlow));
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_notified = 0;

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *uid = g_strdup_printf ("C%04u", i);
      EgFlow flow = make_flow (uid, "10.0.0.1", "10.0.0.2", i % 100, i, 0.1f);

      g_array_append_val (flows, flow);
    }
  eg_flow_list_add (list, (const EgFlow *) flows->data, flows->len);
  /* A view holds the rows of positions 900..959. */
  for (guint p = 900; p < 960; p++)
    {
      EgFlowRow *row = g_list_model_get_item (G_LIST_MODEL (list), p);

      g_signal_connect (row, "notify::flow", G_CALLBACK (on_row_flow_cb), &n_notified);
      g_ptr_array_add (held, row);
    }

  /* Half the flows go: the held rows past the end go to the top. */
  eg_flow_list_set_match_func (list, odd_port, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 500);
  g_assert_cmpuint (n_notified, >, 0);
  assert_rows_match (list);
  eg_flow_list_set_match_func (list, NULL, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1000);
  assert_rows_match (list);

  /* A shorter page of other flows. */
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *uid = g_strdup_printf ("D%04u", i);
      EgFlow flow = make_flow (uid, "10.0.0.3", "10.0.0.4", 443, 5000 + i, 0.9f);

      g_array_append_val (page, flow);
    }
  n_notified = 0;
  eg_flow_list_replace_all (list, (const EgFlow *) page->data, page->len);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 100);
  g_assert_cmpuint (eg_flow_list_get_n_flows (list), ==, 100);
  g_assert_cmpuint (n_notified, >, 0);
  assert_rows_match (list);
  g_assert_nonnull (eg_flow_list_lookup (list, "D0042"));
  g_assert_null (eg_flow_list_lookup (list, "C0042"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    return 77;

  g_test_add_func ("/gui/flow-list/append", test_flow_list_append);
  g_test_add_func ("/gui/flow-list/interim-update", test_flow_list_interim_update);
  g_test_add_func ("/gui/flow-list/sort/addresses", test_flow_list_sort_addresses);
  g_test_add_func ("/gui/flow-list/sort/column-view", test_flow_list_sort_column_view);
  g_test_add_func ("/gui/flow-list/filter-pause", test_flow_list_filter_pause);
  g_test_add_func ("/gui/flow-list/many", test_flow_list_many);
  g_test_add_func ("/gui/flow-list/announce", test_flow_list_announce);
  g_test_add_func ("/gui/flow-list/recycle", test_flow_list_recycle);
  return g_test_run ();
}
