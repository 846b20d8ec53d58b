/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-flow-filter.h"

#include <stdlib.h>
#include <string.h>

#include "eg-error.h"

typedef enum {
  NODE_AND,
  NODE_OR,
  NODE_NOT,
  NODE_TRUE,
  NODE_SRC,
  NODE_DST,
  NODE_HOST,
  NODE_SPORT,
  NODE_DPORT,
  NODE_PORT,
  NODE_PROTO,
  NODE_SERVICE,
  NODE_LABEL,
  NODE_DETAILED_LABEL,
  NODE_SOURCE,
  NODE_STATE,
  NODE_UID,
  NODE_SCORE,
  NODE_DURATION,
  NODE_BYTES,
  NODE_PKTS,
  NODE_TS,
} NodeKind;

typedef enum { OP_GT, OP_GE, OP_LT, OP_LE, OP_EQ, OP_NE } CompareOp;

typedef struct _Node Node;
struct _Node {
  NodeKind    kind;
  Node       *a;
  Node       *b;
  EgAddr      addr;
  guint       prefix_len;
  guint       lo, hi;         /* port range, proto, state, source */
  const char *str;            /* interned: service, label, uid; NULL: none */
  CompareOp   op;
  double      value;
};

struct _EgFlowFilter {
  char *text;
  Node *root;
};

typedef struct {
  char      **tokens;
  guint       pos;
  const char *text;
  GError    **error;
} Parser;

static void
node_free (Node *node)
{
  if (node == NULL)
    return;
  node_free (node->a);
  node_free (node->b);
  g_free (node);
}

static Node *
node_new (NodeKind kind)
{
  Node *node = g_new0 (Node, 1);

  node->kind = kind;
  return node;
}

/* Words, parentheses and comparison operators, so that "score>0.8" and
 * "(label x)" split as a reader expects. */
static char **
tokenize (const char *text)
{
  GPtrArray *tokens = g_ptr_array_new ();
  const char *p = text;

  while (*p)
    {
      const char *start = p;

      if (g_ascii_isspace (*p))
        {
          p++;
          continue;
        }
      if (*p == '(' || *p == ')')
        p++;
      else if (strchr ("<>=!", *p))
        {
          p++;
          if (*p == '=')
            p++;
        }
      else if (*p == '&' || *p == '|')
        {
          p++;
          if (*p == *start)
            p++;
        }
      else
        while (*p && !g_ascii_isspace (*p) && !strchr ("()<>=!&|", *p))
          p++;
      g_ptr_array_add (tokens, g_strndup (start, p - start));
    }
  g_ptr_array_add (tokens, NULL);
  return (char **) g_ptr_array_free (tokens, FALSE);
}

static const char *
peek (Parser *parser)
{
  return parser->tokens[parser->pos];
}

static const char *
next (Parser *parser)
{
  const char *token = parser->tokens[parser->pos];

  if (token)
    parser->pos++;
  return token;
}

static gboolean
is (const char *token,
    const char *word)
{
  return token && g_ascii_strcasecmp (token, word) == 0;
}

static Node *
fail (Parser     *parser,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static Node *
fail (Parser     *parser,
      const char *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (parser->error, EG_ERROR, EG_ERROR_FORMAT,
               "Filter “%s”: %s", parser->text, message);
  return NULL;
}

static gboolean
parse_port (const char *str,
            guint      *port)
{
  guint64 v;

  return g_ascii_string_to_unsigned (str, 10, 0, 65535, &v, NULL) && (*port = v, TRUE);
}

static Node *parse_or (Parser *parser);

static Node *
parse_predicate (Parser *parser)
{
  const char *word = next (parser);
  const char *arg;
  Node *node;

  if (word == NULL)
    return fail (parser, "ends where a condition was expected");

  static const struct { const char *name; NodeKind kind; } keywords[] = {
    { "src", NODE_SRC }, { "dst", NODE_DST }, { "host", NODE_HOST },
    { "sport", NODE_SPORT }, { "dport", NODE_DPORT }, { "port", NODE_PORT },
    { "proto", NODE_PROTO }, { "service", NODE_SERVICE }, { "label", NODE_LABEL },
    { "detailedlabel", NODE_DETAILED_LABEL }, { "source", NODE_SOURCE },
    { "state", NODE_STATE }, { "conn_state", NODE_STATE }, { "uid", NODE_UID },
    { "score", NODE_SCORE }, { "duration", NODE_DURATION }, { "bytes", NODE_BYTES },
    { "pkts", NODE_PKTS }, { "ts", NODE_TS },
  };
  guint i;
  for (i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (is (word, keywords[i].name))
      break;
  if (i == G_N_ELEMENTS (keywords))
    return fail (parser, "unknown word “%s”; expected one of src, dst, host, sport, "
                 "dport, port, proto, service, label, detailedlabel, source, state, "
                 "uid, score, duration, bytes, pkts, ts", word);

  node = node_new (keywords[i].kind);
  if (node->kind >= NODE_SCORE)
    {
      static const struct { const char *name; CompareOp op; } ops[] = {
        { ">", OP_GT }, { ">=", OP_GE }, { "<", OP_LT }, { "<=", OP_LE },
        { "=", OP_EQ }, { "==", OP_EQ }, { "!=", OP_NE },
      };
      const char *op = next (parser);
      char *end = NULL;
      guint j;

      for (j = 0; j < G_N_ELEMENTS (ops); j++)
        if (g_strcmp0 (op, ops[j].name) == 0)
          break;
      if (j == G_N_ELEMENTS (ops))
        {
          g_free (node);
          return fail (parser, "“%s” needs a comparison (>, >=, <, <=, =, !=) and a number",
                       word);
        }
      node->op = ops[j].op;
      arg = next (parser);
      if (arg)
        node->value = g_ascii_strtod (arg, &end);
      if (arg != NULL && node->kind == NODE_TS && (end == arg || *end != '\0'))
        {
          /* A date reads better than a unix time: ISO 8601, UTC unless it
           * says otherwise. */
          g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
          g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (arg, utc);

          if (dt == NULL)
            {
              g_free (node);
              return fail (parser, "“ts %s” needs a unix time or an ISO 8601 date "
                           "(2023-02-22T10:00:00) after it", op);
            }
          node->value = g_date_time_to_unix (dt) + g_date_time_get_microsecond (dt) / 1e6;
          return node;
        }
      if (arg == NULL || end == arg || *end != '\0')
        {
          g_free (node);
          return fail (parser, "“%s %s” needs a number after it", word, op);
        }
      return node;
    }

  arg = next (parser);
  if (arg == NULL || is (arg, "and") || is (arg, "or") || strcmp (arg, ")") == 0)
    {
      g_free (node);
      return fail (parser, "“%s” needs a value after it", word);
    }

  switch (node->kind)
    {
    case NODE_SRC:
    case NODE_DST:
    case NODE_HOST:
      if (!eg_addr_parse_cidr (arg, &node->addr, &node->prefix_len))
        {
          g_free (node);
          return fail (parser, "“%s” is not an IP address or CIDR block", arg);
        }
      break;
    case NODE_SPORT:
    case NODE_DPORT:
    case NODE_PORT:
      {
        g_auto(GStrv) range = g_strsplit (arg, "-", 2);
        if (!parse_port (range[0], &node->lo)
            || !parse_port (range[1] ? range[1] : range[0], &node->hi)
            || node->hi < node->lo)
          {
            g_free (node);
            return fail (parser, "“%s” is not a port (0-65535) or a port range (LOW-HIGH)", arg);
          }
      }
      break;
    case NODE_PROTO:
      {
        guint8 proto;
        guint64 number;
        g_autofree char *lower = g_ascii_strdown (arg, -1);
        if (eg_proto_from_string (lower, &proto))
          node->lo = proto;
        else if (g_ascii_string_to_unsigned (arg, 10, 0, 255, &number, NULL))
          node->lo = number;
        else
          {
            g_free (node);
            return fail (parser, "“%s” is not a protocol (tcp, udp, icmp or a number)", arg);
          }
      }
      break;
    case NODE_SERVICE:
    case NODE_UID:
    case NODE_DETAILED_LABEL:
      node->str = is (arg, "none") || strcmp (arg, "-") == 0 ? NULL : g_intern_string (arg);
      break;
    case NODE_LABEL:
      node->str = is (arg, "none") ? NULL : eg_label_normalize (arg);
      break;
    case NODE_SOURCE:
      {
        EgLabelSource source;
        g_autofree char *lower = g_ascii_strdown (arg, -1);
        if (!eg_label_source_from_string (lower, &source))
          {
            g_free (node);
            return fail (parser, "“%s” is not a label source (none, model, imported, rule, operator)", arg);
          }
        node->lo = source;
      }
      break;
    case NODE_STATE:
      {
        EgConnState state;
        g_autofree char *upper = g_ascii_strup (arg, -1);
        if (!eg_conn_state_from_string (upper, &state))
          {
            g_free (node);
            return fail (parser, "“%s” is not a Zeek conn_state (S0, SF, REJ, ...)", arg);
          }
        node->lo = state;
      }
      break;
    default:
      g_assert_not_reached ();
    }
  return node;
}

static Node *
parse_unary (Parser *parser)
{
  const char *token = peek (parser);

  if (is (token, "not") || g_strcmp0 (token, "!") == 0)
    {
      Node *inner, *node;

      next (parser);
      if (!(inner = parse_unary (parser)))
        return NULL;
      node = node_new (NODE_NOT);
      node->a = inner;
      return node;
    }
  if (g_strcmp0 (token, "(") == 0)
    {
      Node *inner;

      next (parser);
      if (!(inner = parse_or (parser)))
        return NULL;
      if (g_strcmp0 (next (parser), ")") != 0)
        {
          node_free (inner);
          return fail (parser, "a “(” is never closed");
        }
      return inner;
    }
  return parse_predicate (parser);
}

static Node *
parse_and (Parser *parser)
{
  Node *left = parse_unary (parser);

  while (left)
    {
      const char *token = peek (parser);
      Node *right, *node;

      if (token == NULL || strcmp (token, ")") == 0 || is (token, "or")
          || strcmp (token, "||") == 0)
        break;
      if (is (token, "and") || strcmp (token, "&&") == 0)
        next (parser);
      if (!(right = parse_unary (parser)))
        {
          node_free (left);
          return NULL;
        }
      node = node_new (NODE_AND);
      node->a = left;
      node->b = right;
      left = node;
    }
  return left;
}

static Node *
parse_or (Parser *parser)
{
  Node *left = parse_and (parser);

  while (left && (is (peek (parser), "or") || g_strcmp0 (peek (parser), "||") == 0))
    {
      Node *right, *node;

      next (parser);
      if (!(right = parse_and (parser)))
        {
          node_free (left);
          return NULL;
        }
      node = node_new (NODE_OR);
      node->a = left;
      node->b = right;
      left = node;
    }
  return left;
}

EgFlowFilter *
eg_flow_filter_parse (const char  *text,
                      GError     **error)
{
  g_auto(GStrv) tokens = tokenize (text ? text : "");
  Parser parser = { tokens, 0, text ? text : "", error };
  Node *root;
  EgFlowFilter *filter;

  if (tokens[0] == NULL)
    root = node_new (NODE_TRUE);
  else if (!(root = parse_or (&parser)))
    return NULL;
  else if (peek (&parser) != NULL)
    {
      fail (&parser, "unexpected “%s”", peek (&parser));
      node_free (root);
      return NULL;
    }
  filter = g_new0 (EgFlowFilter, 1);
  filter->text = g_strdup (text ? text : "");
  filter->root = root;
  return filter;
}

static gboolean
compare (double     a,
         CompareOp  op,
         double     b)
{
  switch (op)
    {
    case OP_GT: return a > b;
    case OP_GE: return a >= b;
    case OP_LT: return a < b;
    case OP_LE: return a <= b;
    case OP_EQ: return a == b;
    case OP_NE: return a != b;
    default: return FALSE;
    }
}

static gboolean
match (const Node   *node,
       const EgFlow *flow)
{
  switch (node->kind)
    {
    case NODE_AND: return match (node->a, flow) && match (node->b, flow);
    case NODE_OR: return match (node->a, flow) || match (node->b, flow);
    case NODE_NOT: return !match (node->a, flow);
    case NODE_TRUE: return TRUE;
    case NODE_SRC: return eg_addr_in_prefix (&flow->orig_h, &node->addr, node->prefix_len);
    case NODE_DST: return eg_addr_in_prefix (&flow->resp_h, &node->addr, node->prefix_len);
    case NODE_HOST:
      return eg_addr_in_prefix (&flow->orig_h, &node->addr, node->prefix_len)
             || eg_addr_in_prefix (&flow->resp_h, &node->addr, node->prefix_len);
    case NODE_SPORT: return flow->orig_p >= node->lo && flow->orig_p <= node->hi;
    case NODE_DPORT: return flow->resp_p >= node->lo && flow->resp_p <= node->hi;
    case NODE_PORT:
      return (flow->orig_p >= node->lo && flow->orig_p <= node->hi)
             || (flow->resp_p >= node->lo && flow->resp_p <= node->hi);
    case NODE_PROTO: return flow->proto == node->lo;
    /* Interned on both sides: pointers compare. */
    case NODE_SERVICE: return flow->service == node->str;
    case NODE_LABEL: return flow->label == node->str;
    case NODE_DETAILED_LABEL: return flow->detailed_label == node->str;
    case NODE_UID: return node->str && strcmp (flow->uid, node->str) == 0;
    case NODE_SOURCE: return flow->label_source == node->lo;
    case NODE_STATE: return flow->conn_state == node->lo;
    /* In the score's own precision: "score = 0.93" means the float 0.93. */
    case NODE_SCORE: return compare (flow->score, node->op, (float) node->value);
    case NODE_DURATION: return compare (flow->duration, node->op, node->value);
    case NODE_BYTES:
      return compare ((double) flow->orig_bytes + flow->resp_bytes, node->op, node->value);
    case NODE_PKTS:
      return compare ((double) flow->orig_pkts + flow->resp_pkts, node->op, node->value);
    case NODE_TS: return compare (flow->ts, node->op, node->value);
    default:
      return FALSE;
    }
}

gboolean
eg_flow_filter_match (const EgFlowFilter *filter,
                      const EgFlow       *flow)
{
  return filter == NULL || match (filter->root, flow);
}

const char *
eg_flow_filter_get_text (const EgFlowFilter *filter)
{
  return filter->text;
}

void
eg_flow_filter_free (EgFlowFilter *filter)
{
  if (filter == NULL)
    return;
  node_free (filter->root);
  g_free (filter->text);
  g_free (filter);
}
