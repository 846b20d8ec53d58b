/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "eg-host-activity.h"

#include <math.h>
#include <netinet/in.h>

#include <glib/gi18n.h>

/* At most this many sentences for one window; the rest are counted. */
#define MAX_SENTENCES 6

/* Flows of one kind in one window: same role, protocol and service port. */
typedef struct {
  gboolean    outgoing;    /* the host opened them */
  guint8      proto;
  guint16     port;        /* the responder's port (ICMP: the type) */
  const char *service;     /* the first one named */
  guint       n;
  guint       answered;
  guint       rejected;
  guint64     bytes_out;   /* sent by the host */
  guint64     bytes_in;
  GHashTable *peers;       /* address string set */
} Group;

static void
group_free (Group *group)
{
  g_hash_table_unref (group->peers);
  g_free (group);
}

static void
period_free (EgHostPeriod *period)
{
  g_ptr_array_unref (period->sentences);
  g_free (period);
}

double
eg_host_activity_pick_window (double span)
{
  static const double windows[] = { 60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400 };

  for (guint i = 0; i < G_N_ELEMENTS (windows); i++)
    if (span / windows[i] <= 24)
      return windows[i];
  return 30 * 86400;
}

static gboolean
answered (const EgFlow *flow)
{
  if (flow->proto == IPPROTO_TCP)
    return eg_conn_state_is_established (flow->conn_state);
  return flow->resp_pkts > 0;
}

static char *
answer_phrase (const Group *g)
{
  if (g->n == 1)
    {
      if (g->outgoing)
        return g_strdup (g->answered ? _("it answered") : g->rejected ? _("it was rejected")
                                                                      : _("no answer"));
      return g_strdup (g->answered ? _("it answered") : _("it did not answer"));
    }
  if (g->outgoing)
    {
      if (g->answered == 0 && g->rejected == 0)
        return g_strdup (_("none answered"));
      if (g->answered == g->n)
        return g_strdup (_("all answered"));
      if (g->rejected > 0 && g->answered == 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u rejected, none answered",
                                             "%u rejected, none answered", g->rejected),
                                g->rejected);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u answered", "%u answered",
                                           g->answered), g->answered);
    }
  if (g->answered == 0)
    return g_strdup (_("it answered none"));
  if (g->answered == g->n)
    return g_strdup (_("it answered all"));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "it answered %u", "it answered %u",
                                       g->answered), g->answered);
}

static char *
group_sentence (const Group *g)
{
  guint n_peers = g_hash_table_size (g->peers);
  g_autofree char *port = NULL;
  g_autofree char *what = NULL;
  g_autofree char *peers = NULL;
  g_autofree char *answer = answer_phrase (g);
  g_autofree char *sent = g_format_size (g->bytes_out);
  g_autofree char *received = g_format_size (g->bytes_in);
  const char *proto = eg_proto_to_string (g->proto);

  if (g->proto == IPPROTO_ICMP || g->proto == IPPROTO_ICMPV6)
    port = g_strdup_printf (_("ICMP type %u"), g->port);
  else if (g->proto != IPPROTO_TCP && g->proto != IPPROTO_UDP)
    port = g_strdup_printf (_("IP protocol %u"), g->proto);
  else if (g->service != NULL)
    port = g_strdup_printf ("%u/%s (%s)", g->port, proto, g->service);
  else
    port = g_strdup_printf ("%u/%s", g->port, proto);

  if (g->outgoing)
    {
      what = g_strdup_printf (g->proto == IPPROTO_TCP
                              ? g_dngettext (GETTEXT_PACKAGE, "opened %u connection to port %s",
                                             "opened %u connections to port %s", g->n)
                              : g_dngettext (GETTEXT_PACKAGE, "sent %u flow to %s",
                                             "sent %u flows to %s", g->n),
                              g->n, port);
      if (n_peers == 1)
        {
          GHashTableIter iter;
          gpointer key;

          g_hash_table_iter_init (&iter, g->peers);
          g_hash_table_iter_next (&iter, &key, NULL);
          peers = g_strdup_printf (_("on %s"), (const char *) key);
        }
      else
        peers = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "on %u host", "on %u hosts",
                                              n_peers), n_peers);
    }
  else
    {
      what = g_strdup_printf (g->proto == IPPROTO_TCP
                              ? g_dngettext (GETTEXT_PACKAGE, "received %u connection on port %s",
                                             "received %u connections on port %s", g->n)
                              : g_dngettext (GETTEXT_PACKAGE, "received %u flow on %s",
                                             "received %u flows on %s", g->n),
                              g->n, port);
      peers = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "from %u host", "from %u hosts",
                                            n_peers), n_peers);
    }
  if (g->bytes_out == 0 && g->bytes_in == 0)
    /* Translators: "opened 240 connections to port 23/tcp" "on 240 hosts" "none answered". */
    return g_strdup_printf (_("%s %s, %s"), what, peers, answer);
  /* Translators: ... "none answered", then the bytes the host sent and received. */
  return g_strdup_printf (_("%s %s, %s; %s sent, %s received"), what, peers, answer,
                          sent, received);
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const Group *ga = *(const Group **) a, *gb = *(const Group **) b;

  if (ga->n != gb->n)
    return ga->n < gb->n ? 1 : -1;
  return (int) ga->port - (int) gb->port;
}

static EgHostPeriod *
close_period (double      start,
              double      window,
              GHashTable *groups)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  EgHostPeriod *period = g_new0 (EgHostPeriod, 1);
  GHashTableIter iter;
  gpointer value;
  guint rest = 0;

  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sorted, value);
  period->start = start;
  period->end = start + window;
  period->sentences = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_sort (sorted, compare_groups);
  for (guint i = 0; i < sorted->len; i++)
    {
      const Group *g = sorted->pdata[i];

      period->n_flows += g->n;
      if (i < MAX_SENTENCES)
        g_ptr_array_add (period->sentences, group_sentence (g));
      else
        rest += g->n;
    }
  if (rest > 0)
    g_ptr_array_add (period->sentences,
                     g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "and %u more flow of other kinds",
                                                   "and %u more flows of other kinds", rest), rest));
  return period;
}

static int
compare_ts (gconstpointer a,
            gconstpointer b)
{
  const EgFlow *fa = *(const EgFlow **) a, *fb = *(const EgFlow **) b;

  return fa->ts < fb->ts ? -1 : fa->ts > fb->ts;
}

GPtrArray *
eg_host_activity_summarize (const EgAddr *host,
                            const EgFlow *flows,
                            guint         n_flows,
                            double        window)
{
  GPtrArray *periods = g_ptr_array_new_with_free_func ((GDestroyNotify) period_free);
  g_autoptr(GPtrArray) mine = g_ptr_array_new ();
  g_autoptr(GHashTable) groups = NULL;
  double start = 0;

  g_return_val_if_fail (host != NULL && window > 0, periods);

  for (guint i = 0; i < n_flows; i++)
    if (eg_addr_equal (&flows[i].orig_h, host) || eg_addr_equal (&flows[i].resp_h, host))
      g_ptr_array_add (mine, (gpointer) &flows[i]);
  g_ptr_array_sort (mine, compare_ts);

  groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) group_free);
  for (guint i = 0; i < mine->len; i++)
    {
      const EgFlow *flow = mine->pdata[i];
      gboolean outgoing = eg_addr_equal (&flow->orig_h, host);
      const EgAddr *peer = outgoing ? &flow->resp_h : &flow->orig_h;
      char peer_text[EG_ADDR_STRLEN];
      g_autofree char *key = NULL;
      Group *g;

      if (g_hash_table_size (groups) > 0 && flow->ts >= start + window)
        {
          g_ptr_array_add (periods, close_period (start, window, groups));
          g_hash_table_remove_all (groups);
        }
      if (g_hash_table_size (groups) == 0)
        start = floor (flow->ts / window) * window;

      key = g_strdup_printf ("%d/%u/%u", outgoing, flow->proto, flow->resp_p);
      g = g_hash_table_lookup (groups, key);
      if (g == NULL)
        {
          g = g_new0 (Group, 1);
          g->outgoing = outgoing;
          g->proto = flow->proto;
          g->port = flow->resp_p;
          g->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_hash_table_insert (groups, g_steal_pointer (&key), g);
        }
      if (g->service == NULL)
        g->service = flow->service;
      g->n++;
      if (answered (flow))
        g->answered++;
      else if (flow->conn_state == EG_CONN_STATE_REJ)
        g->rejected++;
      g->bytes_out += outgoing ? flow->orig_bytes : flow->resp_bytes;
      g->bytes_in += outgoing ? flow->resp_bytes : flow->orig_bytes;
      g_hash_table_add (g->peers, g_strdup (eg_addr_to_string (peer, peer_text)));
    }
  if (g_hash_table_size (groups) > 0)
    g_ptr_array_add (periods, close_period (start, window, groups));
  return periods;
}
