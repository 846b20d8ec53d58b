/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The store on a full disk: what the disk has no room for waits, in order,
 * and is stored once there is room; the operator is told, and a flush says
 * how much waits. A cap on the database's pages (SQLite's max_page_count)
 * stands in for the disk: the same SQLITE_FULL, without filling one. */
#include <netinet/in.h>
#include <string.h>

#include "eg-error.h"
#include "eg-store-private.h"
#include "eg-test-util.h"

#define BATCH 1000

static void
make_flow (EgFlow *flow,
           guint   i,
           double  duration)
{
  guint8 a[4] = { 10, 1, (i >> 8) & 0xff, i & 0xff };
  guint8 b[4] = { 192, 0, 2, 80 };

  eg_flow_init (flow);
  g_snprintf (flow->uid, sizeof flow->uid, "Cfull%06u", i);
  flow->ts = 1700000000.0 + i;
  flow->duration = duration;
  eg_addr_set_v4 (&flow->orig_h, a);
  eg_addr_set_v4 (&flow->resp_h, b);
  flow->orig_p = 40000 + i % 1000;
  flow->resp_p = 443;
  flow->proto = IPPROTO_TCP;
  flow->conn_state = EG_CONN_STATE_SF;
  g_strlcpy (flow->history, "ShADadFf", sizeof flow->history);
  flow->orig_bytes = 100 + i;
  flow->resp_bytes = 2000 + i;
  flow->label = g_intern_string ("Benign");
  flow->label_source = EG_LABEL_SOURCE_IMPORTED;
  flow->flags = EG_FLOW_PORT_OF_INTEREST;
}

/* Flows first..first+n-1, each lasting duration seconds, in batches. */
static void
add_flows (EgStore *store,
           guint    first,
           guint    n,
           double   duration)
{
  g_autofree EgFlow *flows = g_new (EgFlow, BATCH);

  for (guint done = 0; done < n; done += BATCH)
    {
      guint len = MIN (BATCH, n - done);

      for (guint i = 0; i < len; i++)
        make_flow (&flows[i], first + done + i, duration);
      eg_store_add_flows (store, flows, len);
    }
}

static gint64
count_flows (EgStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 n = eg_store_count_flows (store, &error);

  g_assert_no_error (error);
  return n;
}

static EgStoreWriteState
write_state (EgStore *store)
{
  EgStoreWriteState state;

  eg_store_get_write_state (store, &state);
  return state;
}

/* Everything queued so far has either been stored or is waiting. */
static gboolean
settled (EgStore *store,
         guint64  expected_total)
{
  EgStoreWriteState state = write_state (store);
  guint64 total = state.waiting_flows + state.lost_flows + (guint64) count_flows (store);

  eg_store_write_state_clear (&state);
  return total == expected_total;
}

static gboolean
writable (EgStore *store,
          guint64  unused)
{
  EgStoreWriteState state = write_state (store);
  gboolean ok = state.reason == NULL;

  eg_store_write_state_clear (&state);
  return ok;
}

/* The writer works on its own thread: waits (up to ten seconds) for it. */
static void
wait_for (gboolean (*done) (EgStore *store, guint64 n),
          EgStore  *store,
          guint64   n)
{
  for (guint i = 0; i < 2000; i++)
    {
      if (done (store, n))
        return;
      g_usleep (5000);
    }
  g_assert_not_reached ();
}

static void
test_held_then_stored (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "edge.db", NULL);
  g_autoptr(GError) error = NULL;
  EgStore *store = eg_store_open (path, &error);
  EgStoreWriteState state;
  EgOutboxCounts counts;
  EgFlow flow;
  guint64 n_changed = 0;
  gint64 stored;

  g_assert_no_error (error);
  add_flows (store, 0, 500, 1.0);
  g_assert_true (eg_store_flush (store, &error));
  g_assert_cmpint (count_flows (store), ==, 500);

  /* The disk fills: 20,000 more flows, then the same 2,000 of them again,
   * longer: an update that must not overtake the rows it updates. */
  eg_store_limit_for_test (store, 1, 0);
  add_flows (store, 500, 20000, 1.0);
  add_flows (store, 500, 2000, 9.0);
  wait_for (settled, store, 500 + 20000 + 2000);
  state = write_state (store);
  stored = count_flows (store);
  g_test_message ("%" G_GINT64_FORMAT " flows stored, %" G_GUINT64_FORMAT " wait",
                  stored, state.waiting_flows);
  g_assert_nonnull (state.reason);
  g_assert_nonnull (strstr (state.reason, "full"));
  g_assert_cmpuint (state.waiting_flows, >, 20000);
  g_assert_cmpuint (state.lost_flows, ==, 0);
  eg_store_write_state_clear (&state);

  /* The operator is told, and told how much waits. */
  g_assert_false (eg_store_flush (store, &error));
  g_assert_error (error, EG_ERROR, EG_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "flows and 0 alerts wait for room"));
  g_clear_error (&error);
  /* A relabel now is refused with the reason, not queued behind. */
  g_assert_false (eg_store_relabel_uids (store, (const char *[]) { "Cfull000001", NULL },
                                         "Malicious", NULL, EG_LABEL_SOURCE_OPERATOR,
                                         "test", &n_changed, &error));
  g_assert_error (error, EG_ERROR, EG_ERROR_NO_SPACE);
  g_clear_error (&error);

  /* Room again: everything that waited is stored, in its order. */
  eg_store_limit_for_test (store, 0, 0);
  wait_for (writable, store, 0);
  g_assert_true (eg_store_flush (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_flows (store), ==, 20500);
  state = write_state (store);
  g_assert_null (state.reason);
  g_assert_cmpuint (state.waiting_flows, ==, 0);
  g_assert_cmpuint (state.lost_flows, ==, 0);
  eg_store_write_state_clear (&state);
  g_assert_true (eg_store_get_flow (store, "Cfull001999", &flow, &error));
  g_assert_cmpfloat (flow.duration, ==, 9.0);
  g_assert_true (eg_store_get_flow (store, "Cfull002500", &flow, &error));
  g_assert_cmpfloat (flow.duration, ==, 1.0);
  g_assert_true (eg_store_get_outbox_counts (store, &counts, &error));
  g_assert_cmpuint (counts.pending, ==, 20500);
  eg_store_unref (store);
  eg_test_rmdir (dir);
}

/* Memory keeps a bound: past it the oldest waiting flows are given up and
 * counted; closing with the disk still full gives up the rest, and the
 * file opens intact with what was committed. */
static void
test_bounded_and_closed_full (void)
{
  g_autofree char *dir = eg_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "edge.db", NULL);
  g_autoptr(GError) error = NULL;
  EgStore *store = eg_store_open (path, &error);
  EgStoreWriteState state;

  g_assert_no_error (error);
  add_flows (store, 0, 300, 1.0);
  g_assert_true (eg_store_flush (store, &error));
  eg_store_limit_for_test (store, 1, 5000);
  add_flows (store, 300, 12000, 1.0);
  wait_for (settled, store, 300 + 12000);
  state = write_state (store);
  g_assert_cmpuint (state.waiting_flows, <=, 5000 + BATCH);
  g_assert_cmpuint (state.waiting_flows, >=, 5000 - BATCH);
  g_assert_cmpuint (state.waiting_flows + state.lost_flows + count_flows (store), ==, 12300);
  g_assert_cmpuint (state.lost_flows, >, 0);
  eg_store_write_state_clear (&state);
  eg_store_unref (store);

  store = eg_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_flows (store), >=, 300);
  g_assert_cmpint (count_flows (store), <, 12300);
  add_flows (store, 100000, 10, 1.0);
  g_assert_true (eg_store_flush (store, &error));
  eg_store_unref (store);
  eg_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/disk-full/held-then-stored", test_held_then_stored);
  g_test_add_func ("/store/disk-full/bounded-and-closed", test_bounded_and_closed_full);
  return g_test_run ();
}
