/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-flow-table.h"

#include <netinet/in.h>
#include <string.h>

#include "eg-chunk-pool.h"
#include "eg-dpi.h"
#include "eg-siphash.h"
#include "eg-tcp-state.h"

/* Zeek removes a closed or reset TCP connection 5 s after its last packet
 * (tcp_close_delay, tcp_reset_delay); fragments wait 30 s for their flow. */
#define CLOSED_LINGER     5.0
#define FRAGMENT_TIMEOUT  30.0
#define EXPIRE_BUDGET     4096   /* flows expired per pass at most */
#define EXPIRE_INTERVAL   1.0    /* seconds of packet time between passes */
/* Entries are allocated a huge page at a time: a busy link fills hundreds
 * of megabytes, and faulting them in 4 KiB at a time cost the capture
 * thread a twelfth of its time. */
#define CHUNK_BYTES       (2 * 1024 * 1024)
#define ENTRIES_PER_CHUNK (CHUNK_BYTES / sizeof (Entry))

typedef enum {
  LRU_TCP,
  LRU_TCP_CLOSED,
  LRU_UDP,
  LRU_OTHER,
  N_LRU
} LruClass;

typedef struct _Entry Entry;

struct _Entry {
  Entry      *hnext;
  Entry      *prev;
  Entry      *next;
  guint64     hash;
  double      last_ts;
  double      last_interim;
  double      dir_last_ts[2];
  EgDpiFlow  *dpi;
  guint8      lru;
  guint8      dpi_packets;
  guint8      dpi_done;
  guint8      n_first;
  EgTcpConn   tcp;
  EgFlow      flow;
};

typedef struct {
  EgAddr   src;
  EgAddr   dst;
  guint32  id;
  guint8   proto;
} FragKey;

typedef struct {
  FragKey  key;
  guint16  sport;
  guint16  dport;
  double   ts;
} FragEntry;

struct _EgFlowTable {
  EgConfig        *config;
  EgSipKey         hash_key;
  EgSipKey         uid_key;
  gboolean         uid_from_source;   /* eg_flow_table_set_uid_source */
  guint64          source_start;      /* stats.packets when it was called */
  Entry          **buckets;
  guint            n_buckets;   /* a power of two */
  guint            n_entries;
  Entry           *lru_head[N_LRU];
  Entry           *lru_tail[N_LRU];
  double           timeout[N_LRU];
  double           now;
  double           next_expire;
  EgDpi           *dpi;
  EgFlowFunc       func;
  gpointer         user_data;
  GHashTable      *fragments;
  /* Entries come from chunks and go back to a free list (linked through
   * hnext): no malloc or free per flow, and no allocator header on each. */
  GPtrArray       *chunks;
  EgChunkPool     *chunk_pool;
  Entry           *free_entries;
  guint64          n_dpi;       /* flows holding nDPI state now */
  gboolean         defer_community_id;
  EgFlowTableStats stats;
};

/* Ports Zeek's analyzers register: a flow that starts from one of them
 * towards an ephemeral port is read as the server answering. */
static gboolean
is_likely_server_port (guint8  proto,
                       guint16 port)
{
  static const guint16 ports[] = {
    21, 22, 23, 25, 53, 67, 68, 69, 80, 88, 110, 123, 135, 137, 138, 139, 143,
    161, 389, 443, 445, 465, 514, 546, 547, 587, 636, 853, 993, 995, 1194, 1433,
    1812, 1900, 3306, 3389, 5060, 5061, 5353, 5355, 5432, 6379, 8080, 8443,
  };

  if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    if (ports[i] == port)
      return TRUE;
  return FALSE;
}

static guint
frag_key_hash (gconstpointer p)
{
  const FragKey *k = p;
  return k->id ^ (k->proto << 24) ^ g_int_hash (k->src.bytes) ^ (g_int_hash (k->dst.bytes) << 1);
}

static gboolean
frag_key_equal (gconstpointer a,
                gconstpointer b)
{
  const FragKey *x = a, *y = b;
  return x->id == y->id && x->proto == y->proto
         && eg_addr_equal (&x->src, &y->src) && eg_addr_equal (&x->dst, &y->dst);
}

EgFlowTable *
eg_flow_table_new (const EgConfig *config,
                   gboolean        dpi,
                   EgFlowFunc      func,
                   gpointer        user_data,
                   GError        **error)
{
  g_autoptr(EgFlowTable) table = g_new0 (EgFlowTable, 1);

  table->config = eg_config_copy (config);
  if (table->config->max_flows == 0)
    table->config->max_flows = 1;
  eg_sipkey_init_random (&table->hash_key);
  eg_sipkey_init_random (&table->uid_key);
  table->uid_key.k0 ^= G_GUINT64_CONSTANT (0x5bd1e9955bd1e995);
  table->n_buckets = 1024;
  table->buckets = g_new0 (Entry *, table->n_buckets);
  table->timeout[LRU_TCP] = config->tcp_timeout;
  table->timeout[LRU_TCP_CLOSED] = MIN (CLOSED_LINGER, config->tcp_timeout);
  table->timeout[LRU_UDP] = config->udp_timeout;
  table->timeout[LRU_OTHER] = config->icmp_timeout;
  table->func = func;
  table->user_data = user_data;
  table->fragments = g_hash_table_new_full (frag_key_hash, frag_key_equal, NULL, g_free);
  table->chunks = g_ptr_array_new_with_free_func (g_aligned_free);
  table->chunk_pool = eg_chunk_pool_new (CHUNK_BYTES);
  if (dpi)
    {
      table->dpi = eg_dpi_new (error);
      if (table->dpi == NULL)
        return NULL;
    }
  return g_steal_pointer (&table);
}

/* What the table holds now: its entries (free ones too, they stay
 * allocated), its buckets, and nDPI's state of flows still in detection. */
static void
account_memory (EgFlowTable *table)
{
  guint64 own = (guint64) table->chunks->len * ENTRIES_PER_CHUNK * sizeof (Entry)
                + (guint64) table->n_buckets * sizeof (Entry *);
  guint64 dpi = table->n_dpi * eg_dpi_flow_size ();

  table->stats.peak_bytes = MAX (table->stats.peak_bytes, own);
  table->stats.peak_dpi_bytes = MAX (table->stats.peak_dpi_bytes, dpi);
}

static void
drop_dpi (EgFlowTable *table,
          Entry       *e)
{
  if (e->dpi == NULL)
    return;
  eg_dpi_flow_free (table->dpi, g_steal_pointer (&e->dpi));
  table->n_dpi--;
}

static Entry *
alloc_entry (EgFlowTable *table)
{
  Entry *e;

  if (table->free_entries == NULL)
    {
      Entry *chunk = eg_chunk_pool_take (table->chunk_pool);

      g_ptr_array_add (table->chunks, chunk);
      for (guint i = 0; i < ENTRIES_PER_CHUNK; i++)
        {
          chunk[i].hnext = table->free_entries;
          table->free_entries = &chunk[i];
        }
      account_memory (table);
    }
  e = table->free_entries;
  table->free_entries = e->hnext;
  memset (e, 0, sizeof *e);
  return e;
}

static void
free_entry (EgFlowTable *table,
            Entry       *e)
{
  drop_dpi (table, e);
  e->hnext = table->free_entries;
  table->free_entries = e;
}

void
eg_flow_table_free (EgFlowTable *table)
{
  if (table == NULL)
    return;
  for (guint c = 0; c < N_LRU; c++)
    for (Entry *e = table->lru_head[c], *next; e; e = next)
      {
        next = e->next;
        free_entry (table, e);
      }
  g_clear_pointer (&table->chunks, g_ptr_array_unref);
  g_clear_pointer (&table->chunk_pool, eg_chunk_pool_free);
  g_free (table->buckets);
  g_clear_pointer (&table->fragments, g_hash_table_unref);
  g_clear_pointer (&table->dpi, eg_dpi_free);
  eg_config_free (table->config);
  g_free (table);
}

void
eg_flow_table_set_uid_source (EgFlowTable  *table,
                              const guint8 *identity,
                              gsize         len)
{
  static const EgSipKey domain = { G_GUINT64_CONSTANT (0x6564676567756172),   /* "edgeguar" */
                                   G_GUINT64_CONSTANT (0x642d756964730001) }; /* "d-uids" 1 */

  table->uid_key.k0 = eg_siphash (&domain, identity, len);
  table->uid_key.k1 = table->uid_key.k0 ^ eg_siphash (&domain, identity, len / 2);
  table->uid_from_source = TRUE;
  table->source_start = table->stats.packets;
}

void
eg_flow_table_set_defer_community_id (EgFlowTable *table,
                                      gboolean     defer)
{
  table->defer_community_id = defer;
}

gsize
eg_flow_table_entry_size (void)
{
  return sizeof (Entry);
}

/* Hash of the direction-agnostic key: the smaller endpoint first. */
static guint64
hash_key (EgFlowTable  *table,
          const EgAddr *a,
          guint16       a_port,
          const EgAddr *b,
          guint16       b_port,
          guint8        proto)
{
  guint8 buf[2 + 16 + 16 + 4];
  guint alen = eg_addr_len (a), n = 0;
  int c = eg_addr_compare (a, b);

  if (c > 0 || (c == 0 && a_port > b_port))
    {
      const EgAddr *t = a; a = b; b = t;
      guint16 tp = a_port; a_port = b_port; b_port = tp;
    }
  buf[n++] = a->family;
  buf[n++] = proto;
  memcpy (buf + n, a->bytes, alen); n += alen;
  memcpy (buf + n, b->bytes, alen); n += alen;
  buf[n++] = a_port >> 8; buf[n++] = a_port & 0xff;
  buf[n++] = b_port >> 8; buf[n++] = b_port & 0xff;
  return eg_siphash (&table->hash_key, buf, n);
}

static gboolean
entry_matches (const Entry  *e,
               const EgAddr *src,
               guint16       sport,
               const EgAddr *dst,
               guint16       dport,
               guint8        proto,
               gboolean     *is_orig)
{
  const EgFlow *f = &e->flow;

  if (f->proto != proto)
    return FALSE;
  if (f->orig_p == sport && f->resp_p == dport
      && eg_addr_equal (&f->orig_h, src) && eg_addr_equal (&f->resp_h, dst))
    {
      *is_orig = TRUE;
      return TRUE;
    }
  if (f->orig_p == dport && f->resp_p == sport
      && eg_addr_equal (&f->orig_h, dst) && eg_addr_equal (&f->resp_h, src))
    {
      *is_orig = FALSE;
      return TRUE;
    }
  return FALSE;
}

static void
lru_unlink (EgFlowTable *table,
            Entry       *e)
{
  if (e->prev)
    e->prev->next = e->next;
  else
    table->lru_head[e->lru] = e->next;
  if (e->next)
    e->next->prev = e->prev;
  else
    table->lru_tail[e->lru] = e->prev;
  e->prev = e->next = NULL;
}

static void
lru_append (EgFlowTable *table,
            Entry       *e,
            guint8       lru)
{
  e->lru = lru;
  e->prev = table->lru_tail[lru];
  e->next = NULL;
  if (e->prev)
    e->prev->next = e;
  else
    table->lru_head[lru] = e;
  table->lru_tail[lru] = e;
}

static void
hash_unlink (EgFlowTable *table,
             Entry       *e)
{
  Entry **p = &table->buckets[e->hash & (table->n_buckets - 1)];

  while (*p && *p != e)
    p = &(*p)->hnext;
  if (*p)
    *p = e->hnext;
  e->hnext = NULL;
}

static void
grow_buckets (EgFlowTable *table)
{
  guint n = table->n_buckets * 2;
  Entry **buckets = g_new0 (Entry *, n);

  for (guint i = 0; i < table->n_buckets; i++)
    for (Entry *e = table->buckets[i], *next; e; e = next)
      {
        next = e->hnext;
        e->hnext = buckets[e->hash & (n - 1)];
        buckets[e->hash & (n - 1)] = e;
      }
  g_free (table->buckets);
  table->buckets = buckets;
  table->n_buckets = n;
  account_memory (table);
}

/* Fills in what is derived from the state: sizes, conn_state, service. */
static void
finalize_flow (EgFlowTable *table,
               Entry       *e,
               gboolean     final)
{
  EgFlow *f = &e->flow;

  f->duration = e->last_ts - f->ts;
  if (f->proto == IPPROTO_TCP)
    {
      f->orig_bytes = eg_tcp_conn_size (&e->tcp, TRUE);
      f->resp_bytes = eg_tcp_conn_size (&e->tcp, FALSE);
      f->missed_bytes = eg_tcp_conn_missed_bytes (&e->tcp);
      f->conn_state = eg_tcp_conn_state (&e->tcp, f->history, f->orig_bytes, f->resp_bytes);
    }
  else if (f->proto == IPPROTO_UDP)
    {
      if (f->orig_pkts && f->resp_pkts)
        f->conn_state = EG_CONN_STATE_SF;
      else if (f->orig_pkts)
        f->conn_state = EG_CONN_STATE_S0;
      else if (f->resp_pkts)
        f->conn_state = EG_CONN_STATE_SHR;
      else
        f->conn_state = EG_CONN_STATE_OTH;
    }
  else
    f->conn_state = EG_CONN_STATE_OTH;

  if (final && e->dpi && table->dpi)
    {
      const char *service = eg_dpi_giveup (table->dpi, e->dpi);
      if (service && f->service == NULL)
        f->service = service;
      g_strlcpy (f->server_name, eg_dpi_server_name (e->dpi), sizeof f->server_name);
      drop_dpi (table, e);
    }

  if (eg_config_port_is_of_interest (table->config, f->resp_p)
      || (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP
          && table->config->ports_of_interest->len == 0))
    f->flags |= EG_FLOW_PORT_OF_INTEREST;
  else
    f->flags &= ~EG_FLOW_PORT_OF_INTEREST;
}

static void
emit_and_remove (EgFlowTable *table,
                 Entry       *e,
                 guint32      extra_flags)
{
  finalize_flow (table, e, TRUE);
  e->flow.flags |= extra_flags;
  e->flow.flags &= ~EG_FLOW_INTERIM;
  lru_unlink (table, e);
  hash_unlink (table, e);
  table->n_entries--;
  table->stats.flows_emitted++;
  if (table->func)
    table->func (&e->flow, table->user_data);
  free_entry (table, e);
}

static void
emit_interim (EgFlowTable *table,
              Entry       *e)
{
  EgFlow copy;

  finalize_flow (table, e, FALSE);
  copy = e->flow;
  copy.flags |= EG_FLOW_INTERIM;
  table->stats.interim_updates++;
  if (table->func)
    table->func (&copy, table->user_data);
}

static void
expire (EgFlowTable *table)
{
  guint budget = EXPIRE_BUDGET;

  for (guint c = 0; c < N_LRU; c++)
    while (budget > 0 && table->lru_head[c]
           && table->lru_head[c]->last_ts + table->timeout[c] < table->now)
      {
        emit_and_remove (table, table->lru_head[c], 0);
        budget--;
      }

  /* Fragments whose flow never showed up are lost to analysis. */
  if (g_hash_table_size (table->fragments) > 0)
    {
      GHashTableIter iter;
      FragEntry *fe;
      g_hash_table_iter_init (&iter, table->fragments);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &fe))
        if (fe->ts + FRAGMENT_TIMEOUT < table->now)
          g_hash_table_iter_remove (&iter);
    }
}

/* The cap is hard: the flow idle the longest goes first, and is counted. */
static void
evict_oldest (EgFlowTable *table)
{
  Entry *oldest = NULL;

  for (guint c = 0; c < N_LRU; c++)
    if (table->lru_head[c] && (!oldest || table->lru_head[c]->last_ts < oldest->last_ts))
      oldest = table->lru_head[c];
  if (oldest)
    {
      table->stats.evictions++;
      emit_and_remove (table, oldest, EG_FLOW_EVICTED);
    }
}

static Entry *
create_entry (EgFlowTable    *table,
              double          ts,
              const EgPacket *pkt,
              guint16         sport,
              guint16         dport,
              guint64         hash,
              gboolean       *is_orig)
{
  Entry *e;
  EgFlow *f;
  gboolean flip = FALSE;

  while (table->n_entries >= table->config->max_flows)
    evict_oldest (table);

  e = alloc_entry (table);
  f = &e->flow;
  eg_flow_init (f);
  f->origin = EG_FLOW_ORIGIN_PACKETS;
  f->proto = pkt->proto;
  f->ts = ts;
  f->flags = EG_FLOW_HAS_PACKET_STATS;

  /* Zeek's role heuristics: a SYN-ACK first means we missed the SYN; a
   * server port talking to an ephemeral one is the server. '^' says so. */
  if (pkt->proto == IPPROTO_TCP && pkt->has_ports)
    {
      if ((pkt->tcp_flags & (EG_TCP_SYN | EG_TCP_ACK)) == (EG_TCP_SYN | EG_TCP_ACK))
        flip = TRUE;
      else if (!(pkt->tcp_flags & EG_TCP_SYN))
        flip = is_likely_server_port (pkt->proto, sport) && !is_likely_server_port (pkt->proto, dport);
    }
  else if (pkt->proto == IPPROTO_UDP)
    flip = is_likely_server_port (pkt->proto, sport) && !is_likely_server_port (pkt->proto, dport);

  if (flip)
    {
      f->orig_h = pkt->dst; f->orig_p = dport;
      f->resp_h = pkt->src; f->resp_p = sport;
      f->history[0] = '^';
      *is_orig = FALSE;
    }
  else
    {
      f->orig_h = pkt->src; f->orig_p = sport;
      f->resp_h = pkt->dst; f->resp_p = dport;
      *is_orig = TRUE;
    }
  if (!table->defer_community_id)
    eg_flow_compute_community_id (f);
  /* Unique per flow and unguessable, reproducible with a fixed seed; from
   * a file, the same on every reading of it: keyed by the file and by the
   * place in it of the packet that starts the flow (the bucket hash is
   * keyed at random, and left out). Not the flow's number: a flow that
   * began in the file before (files of a rotating capture read together)
   * would shift every later flow's number, and each file read alone
   * would give all its flows new uids. */
  {
    guint64 words[3] = { hash, 0, ++table->stats.flows_created };
    if (table->uid_from_source)
      {
        words[0] = 0;
        words[2] = table->stats.packets - table->source_start;
      }
    memcpy (&words[1], &ts, sizeof ts);
    guint64 a = eg_siphash (&table->uid_key, words, sizeof words);
    words[2] ^= G_GUINT64_CONSTANT (0xa5a5a5a5a5a5a5a5);
    eg_flow_make_uid (f->uid, a, eg_siphash (&table->uid_key, words, sizeof words));
  }
  eg_tcp_conn_init (&e->tcp);
  e->hash = hash;
  e->last_interim = ts;
  /* nDPI's state is allocated at the first payload (see run_dpi): scans
   * and handshakes that never carry data never cost its 700 bytes. */
  if (table->dpi == NULL || pkt->l3 == NULL)
    e->dpi_done = TRUE;

  if (table->n_entries >= table->n_buckets)
    grow_buckets (table);
  e->hnext = table->buckets[hash & (table->n_buckets - 1)];
  table->buckets[hash & (table->n_buckets - 1)] = e;
  table->n_entries++;
  lru_append (table, e, pkt->proto == IPPROTO_TCP ? LRU_TCP
                        : pkt->proto == IPPROTO_UDP ? LRU_UDP : LRU_OTHER);
  if (table->n_entries > table->stats.peak_active)
    table->stats.peak_active = table->n_entries;
  return e;
}

static void
account (EgFlowTable    *table,
         Entry          *e,
         gboolean        is_orig,
         double          ts,
         const EgPacket *pkt)
{
  EgFlow *f = &e->flow;
  guint d = is_orig ? 0 : 1;
  EgDirStats *ds = &f->dir[d];
  guint64 n_before = is_orig ? f->orig_pkts : f->resp_pkts;

  if (n_before > 0)
    eg_stat_add (&ds->iat, n_before - 1, ts - e->dir_last_ts[d]);
  e->dir_last_ts[d] = ts;
  eg_stat_add (&ds->size, n_before, pkt->ip_len);

  if (is_orig)
    {
      f->orig_pkts++;
      f->orig_ip_bytes += pkt->ip_len;
    }
  else
    {
      f->resp_pkts++;
      f->resp_ip_bytes += pkt->ip_len;
    }

  if (e->n_first < EG_FIRST_PACKETS)
    {
      gint16 size = (gint16) MIN (pkt->ip_len, G_MAXINT16);
      f->first_sizes[e->n_first++] = is_orig ? size : -size;
    }
  if (pkt->is_fragment)
    f->flags |= EG_FLOW_FRAGMENTED;
  if (pkt->tunnel != EG_TUNNEL_NONE)
    f->flags |= EG_FLOW_TUNNELED;

  if (!pkt->has_ports)
    return;  /* a later fragment: its bytes count, its header is elsewhere */

  if (pkt->proto == IPPROTO_TCP)
    {
      guint8 fl = pkt->tcp_flags;
      ds->n_syn += !!(fl & EG_TCP_SYN);
      ds->n_fin += !!(fl & EG_TCP_FIN);
      ds->n_rst += !!(fl & EG_TCP_RST);
      ds->n_psh += !!(fl & EG_TCP_PSH);
      ds->n_ack += !!(fl & EG_TCP_ACK);
      ds->n_urg += !!(fl & EG_TCP_URG);
      eg_tcp_conn_process (&e->tcp, is_orig, fl, pkt->seq, pkt->ack, pkt->window,
                           pkt->payload_len, f->history);
    }
  else
    {
      /* UDP and ICMP count payload bytes as their headers give them. */
      if (is_orig)
        f->orig_bytes += pkt->payload_len;
      else
        f->resp_bytes += pkt->payload_len;
      if (pkt->proto == IPPROTO_UDP)
        {
          guint32 mask = is_orig ? 1 : 2;
          if (!(e->tcp.hist_seen & mask))
            {
              e->tcp.hist_seen |= mask;
              eg_history_add (f->history, is_orig, 'D');
            }
        }
    }
}

static void
run_dpi (EgFlowTable    *table,
         Entry          *e,
         double          ts,
         const EgPacket *pkt)
{
  const char *service = NULL;

  if (e->dpi_done || pkt->l3 == NULL || pkt->is_fragment)
    return;
  if (e->dpi == NULL)
    {
      if (pkt->payload_len == 0 && pkt->proto == IPPROTO_TCP)
        return;
      e->dpi = eg_dpi_flow_new (table->dpi);
      table->n_dpi++;
      account_memory (table);
    }
  if (eg_dpi_process (table->dpi, e->dpi, pkt->l3, pkt->l3_caplen,
                      (guint64) (ts * 1000.0), &service)
      || ++e->dpi_packets >= EG_DPI_MAX_PACKETS)
    {
      /* Detection is over: keep the answer, free nDPI's state now. */
      if (service == NULL)
        service = eg_dpi_giveup (table->dpi, e->dpi);
      g_strlcpy (e->flow.server_name, eg_dpi_server_name (e->dpi), sizeof e->flow.server_name);
      drop_dpi (table, e);
      e->dpi_done = TRUE;
    }
  if (service)
    e->flow.service = service;
}

/* ICMP has no ports: Zeek logs the type as orig_p and the counterpart type
 * (echo 8 ↔ reply 0) or the code as resp_p, so requests and replies meet. */
static void
flow_ports (const EgPacket *pkt,
            guint16        *sport,
            guint16        *dport)
{
  if (pkt->proto == IPPROTO_ICMP || pkt->proto == IPPROTO_ICMPV6)
    {
      guint16 other;
      *sport = pkt->sport;
      *dport = eg_icmp_counterpart (pkt->proto, pkt->sport, &other) ? other : pkt->dport;
    }
  else if (pkt->has_ports)
    {
      *sport = pkt->sport;
      *dport = pkt->dport;
    }
  else
    *sport = *dport = 0;
}

static gboolean
resolve_fragment (EgFlowTable    *table,
                  double          ts,
                  const EgPacket *pkt,
                  guint16        *sport,
                  guint16        *dport)
{
  FragKey key = { 0 };
  FragEntry *fe;

  key.src = pkt->src;
  key.dst = pkt->dst;
  key.id = pkt->frag_id;
  key.proto = pkt->proto;

  if (pkt->frag_offset == 0)
    {
      /* The first piece names the flow; remember it for the rest. */
      fe = g_new0 (FragEntry, 1);
      fe->key = key;
      fe->sport = *sport;
      fe->dport = *dport;
      fe->ts = ts;
      g_hash_table_replace (table->fragments, &fe->key, fe);
      return TRUE;
    }
  fe = g_hash_table_lookup (table->fragments, &key);
  if (fe == NULL)
    return FALSE;
  *sport = fe->sport;
  *dport = fe->dport;
  fe->ts = ts;
  if (!pkt->more_fragments)
    g_hash_table_remove (table->fragments, &key);
  return TRUE;
}

void
eg_flow_table_add (EgFlowTable    *table,
                   double          ts,
                   const EgPacket *pkt,
                   guint           wirelen)
{
  guint16 sport, dport;
  guint64 hash;
  Entry *e;
  gboolean is_orig = TRUE;

  table->stats.packets++;
  table->stats.bytes += wirelen;
  table->stats.ip_packets++;
  if (ts > table->now)
    table->now = ts;
  if (table->now >= table->next_expire)
    {
      expire (table);
      table->next_expire = table->now + EXPIRE_INTERVAL;
    }

  flow_ports (pkt, &sport, &dport);
  if (pkt->is_fragment)
    {
      table->stats.fragments++;
      if (!resolve_fragment (table, ts, pkt, &sport, &dport))
        {
          table->stats.fragments_orphaned++;
          return;
        }
    }

  hash = hash_key (table, &pkt->src, sport, &pkt->dst, dport, pkt->proto);
  for (e = table->buckets[hash & (table->n_buckets - 1)]; e; e = e->hnext)
    if (e->hash == hash && entry_matches (e, &pkt->src, sport, &pkt->dst, dport, pkt->proto, &is_orig))
      break;

  /* A fresh SYN on a connection that is over starts a new one (Zeek's
   * connection reuse): the old one is finished first. */
  if (e && e->flow.proto == IPPROTO_TCP && pkt->has_ports
      && (pkt->tcp_flags & (EG_TCP_SYN | EG_TCP_ACK | EG_TCP_RST)) == EG_TCP_SYN
      && eg_tcp_conn_is_closed (&e->tcp)
      && pkt->seq != e->tcp.ep[is_orig ? 0 : 1].start_seq)
    {
      emit_and_remove (table, e, 0);
      e = NULL;
    }

  if (e == NULL)
    e = create_entry (table, ts, pkt, sport, dport, hash, &is_orig);

  account (table, e, is_orig, ts, pkt);
  run_dpi (table, e, ts, pkt);
  if (ts > e->last_ts)
    e->last_ts = ts;

  lru_unlink (table, e);
  lru_append (table, e, e->flow.proto == IPPROTO_TCP
                        ? (eg_tcp_conn_is_closed (&e->tcp) ? LRU_TCP_CLOSED : LRU_TCP)
                        : e->lru);

  if (table->config->active_timeout > 0
      && ts - e->last_interim >= table->config->active_timeout)
    {
      e->last_interim = ts;
      emit_interim (table, e);
    }
  table->stats.active = table->n_entries;
}

void
eg_flow_table_add_undecodable (EgFlowTable *table,
                               guint        wirelen)
{
  table->stats.packets++;
  table->stats.bytes += wirelen;
  table->stats.undecodable++;
}

void
eg_flow_table_add_non_ip (EgFlowTable *table,
                          gboolean     arp,
                          guint        wirelen)
{
  table->stats.packets++;
  table->stats.bytes += wirelen;
  if (arp)
    table->stats.arp_packets++;
  else
    table->stats.non_ip++;
}

/* Emits in the order flows were last active, as expiry would have. */
void
eg_flow_table_flush (EgFlowTable *table)
{
  for (;;)
    {
      Entry *oldest = NULL;
      for (guint c = 0; c < N_LRU; c++)
        if (table->lru_head[c] && (!oldest || table->lru_head[c]->last_ts < oldest->last_ts))
          oldest = table->lru_head[c];
      if (oldest == NULL)
        break;
      emit_and_remove (table, oldest, 0);
    }
  g_hash_table_remove_all (table->fragments);
  table->stats.active = 0;
}

void
eg_flow_table_get_stats (EgFlowTable      *table,
                         EgFlowTableStats *stats)
{
  table->stats.active = table->n_entries;
  table->stats.dpi_active = table->n_dpi;
  *stats = table->stats;
}
