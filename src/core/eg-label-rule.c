/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-label-rule.h"

#include <string.h>

#include "eg-error.h"

typedef enum {
  FIELD_PROTO,
  FIELD_SRC_IP,
  FIELD_DST_IP,
  FIELD_SRC_PORT,
  FIELD_DST_PORT,
  FIELD_STATE,
  FIELD_SERVICE,
  FIELD_START,
  FIELD_DURATION,
  FIELD_BYTES,
  FIELD_PACKETS,
} Field;

typedef enum { OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE } Op;

typedef struct {
  Field       field;
  Op          op;
  gboolean    all;          /* srcIP=all */
  EgAddr      addr;
  guint       prefix_len;
  double      number;
  const char *str;          /* interned: service, an unknown protocol name */
} Condition;

typedef struct {
  char   *label;
  char   *detailed_label;
  GArray *lines;            /* GArray of Condition, one per OR line */
  GString *text;            /* condition lines as written */
} Rule;

struct _EgLabelRuleSet {
  GPtrArray *rules;
};

static void
rule_free (Rule *rule)
{
  g_free (rule->label);
  g_free (rule->detailed_label);
  g_array_unref (rule->lines);
  g_string_free (rule->text, TRUE);
  g_free (rule);
}

static void
line_free (gpointer data)
{
  g_array_unref (*(GArray **) data);
}

static gboolean
parse_condition (const char  *where,
                 const char  *text,
                 Condition   *cond,
                 GError     **error)
{
  static const struct { const char *name; Field field; } fields[] = {
    { "proto", FIELD_PROTO }, { "srcip", FIELD_SRC_IP }, { "dstip", FIELD_DST_IP },
    { "srcport", FIELD_SRC_PORT }, { "dstport", FIELD_DST_PORT },
    { "state", FIELD_STATE }, { "service", FIELD_SERVICE }, { "start", FIELD_START },
    { "ts", FIELD_START }, { "date", FIELD_START }, { "duration", FIELD_DURATION },
    { "bytes", FIELD_BYTES }, { "packets", FIELD_PACKETS },
  };
  static const struct { const char *text; Op op; } ops[] = {
    { "!=", OP_NE }, { ">=", OP_GE }, { "<=", OP_LE }, { "=", OP_EQ },
    { ">", OP_GT }, { "<", OP_LT },
  };
  const char *op_at = strpbrk (text, "!=<>");
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;
  guint i, j;

  memset (cond, 0, sizeof *cond);
  if (op_at == NULL)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "%s: “%s” is not a condition (FIELD=VALUE, FIELD>VALUE, ...)", where, text);
      return FALSE;
    }
  name = g_strstrip (g_strndup (text, op_at - text));
  for (j = 0; j < G_N_ELEMENTS (ops); j++)
    if (g_str_has_prefix (op_at, ops[j].text))
      break;
  if (j == G_N_ELEMENTS (ops))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "%s: “%s” has no operator (=, !=, >, >=, <, <=)", where, text);
      return FALSE;
    }
  cond->op = ops[j].op;
  value = g_strstrip (g_strdup (op_at + strlen (ops[j].text)));

  for (i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_ascii_strcasecmp (name, fields[i].name) == 0)
      break;
  if (i == G_N_ELEMENTS (fields))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "%s: unknown field “%s”; use Proto, srcIP, dstIP, srcPort, dstPort, "
                   "State, Service, start, Duration, Bytes or Packets", where, name);
      return FALSE;
    }
  cond->field = fields[i].field;

  switch (cond->field)
    {
    case FIELD_SRC_IP:
    case FIELD_DST_IP:
      if (g_ascii_strcasecmp (value, "all") == 0)
        cond->all = TRUE;
      else if (!eg_addr_parse_cidr (value, &cond->addr, &cond->prefix_len))
        {
          g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                       "%s: “%s” is not an IP address, a CIDR block or “all”", where, value);
          return FALSE;
        }
      if (cond->op != OP_EQ && cond->op != OP_NE)
        goto only_equality;
      break;
    case FIELD_PROTO:
      {
        g_autofree char *lower = g_ascii_strdown (value, -1);
        guint8 proto;
        /* ARP and other non-IP protocols of Argus never match an IP flow. */
        if (eg_proto_from_string (lower, &proto))
          cond->number = proto;
        else
          {
            cond->number = -1;
            cond->str = g_intern_string (lower);
          }
      }
      if (cond->op != OP_EQ && cond->op != OP_NE)
        goto only_equality;
      break;
    case FIELD_STATE:
      {
        g_autofree char *upper = g_ascii_strup (value, -1);
        EgConnState state;
        if (!eg_conn_state_from_string (upper, &state))
          {
            g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                         "%s: “%s” is not a Zeek conn_state (S0, SF, REJ, ...)", where, value);
            return FALSE;
          }
        cond->number = state;
      }
      if (cond->op != OP_EQ && cond->op != OP_NE)
        goto only_equality;
      break;
    case FIELD_SERVICE:
      cond->str = g_intern_string (value);
      if (cond->op != OP_EQ && cond->op != OP_NE)
        goto only_equality;
      break;
    case FIELD_START:
      {
        char *end = NULL;
        cond->number = g_ascii_strtod (value, &end);
        if (end == value || *end != '\0')
          {
            g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
            g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (value, utc);
            if (dt == NULL)
              {
                g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                             "%s: “%s” is neither a unix time nor an ISO 8601 date "
                             "(2023-02-22T10:00:00)", where, value);
                return FALSE;
              }
            cond->number = g_date_time_to_unix (dt) + g_date_time_get_microsecond (dt) / 1e6;
          }
      }
      break;
    default:
      {
        char *end = NULL;
        cond->number = g_ascii_strtod (value, &end);
        if (*value == '\0' || end == value || *end != '\0')
          {
            g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                         "%s: “%s” is not a number", where, value);
            return FALSE;
          }
      }
      break;
    }
  return TRUE;

only_equality:
  g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
               "%s: “%s” can only be compared with = or !=", where, name);
  return FALSE;
}

EgLabelRuleSet *
eg_label_rule_set_parse (const char  *name,
                         const char  *text,
                         GError     **error)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  EgLabelRuleSet *set;

  for (guint n = 0; lines[n]; n++)
    {
      g_autofree char *where = g_strdup_printf ("%s:%u", name, n + 1);
      char *line = g_strstrip (lines[n]);
      Rule *rule = rules->len ? rules->pdata[rules->len - 1] : NULL;

      if (*line == '\0' || *line == '#')
        continue;
      if (*line == '-')
        {
          g_auto(GStrv) parts = g_strsplit (line + 1, "&", -1);
          GArray *conds = g_array_new (FALSE, FALSE, sizeof (Condition));

          if (rule == NULL)
            {
              g_array_unref (conds);
              g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                           "%s: a condition comes before any label line", where);
              return NULL;
            }
          for (guint i = 0; parts[i]; i++)
            {
              Condition cond;
              /* Netflowlabeler puts notes after the conditions. */
              char *hash = strchr (parts[i], '#');
              if (hash)
                *hash = '\0';
              if (*g_strstrip (parts[i]) == '\0')
                continue;
              if (!parse_condition (where, parts[i], &cond, error))
                {
                  g_array_unref (conds);
                  return NULL;
                }
              g_array_append_val (conds, cond);
            }
          g_array_append_val (rule->lines, conds);
          if (rule->text->len)
            g_string_append_c (rule->text, '\n');
          g_string_append (rule->text, g_strstrip (line + 1));
          continue;
        }

      /* "Label[, Detailed][:]" */
      {
        gsize len = strlen (line);
        char *comma;

        if (line[len - 1] == ':')
          line[len - 1] = '\0';
        rule = g_new0 (Rule, 1);
        rule->lines = g_array_new (FALSE, FALSE, sizeof (GArray *));
        g_array_set_clear_func (rule->lines, line_free);
        rule->text = g_string_new (NULL);
        comma = strchr (line, ',');
        if (comma)
          {
            *comma = '\0';
            rule->detailed_label = g_strdup (g_strstrip (comma + 1));
            if (*rule->detailed_label == '\0')
              g_clear_pointer (&rule->detailed_label, g_free);
          }
        rule->label = g_strdup (g_strstrip (line));
        if (*rule->label == '\0' || strpbrk (rule->label, "=&") != NULL)
          {
            g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                         "%s: “%s” is neither a label line (Label, Detail:) nor a "
                         "condition line (- field=value)", where, lines[n]);
            rule_free (rule);
            return NULL;
          }
        g_ptr_array_add (rules, rule);
      }
    }

  set = g_new0 (EgLabelRuleSet, 1);
  set->rules = g_steal_pointer (&rules);
  return set;
}

EgLabelRuleSet *
eg_label_rule_set_load (const char  *path,
                        GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, &text, NULL, &local_error))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_NOT_FOUND,
                   "Cannot read the label rules: %s", local_error->message);
      return NULL;
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "%s is not a text file of label rules (not UTF-8)", path);
      return NULL;
    }
  return eg_label_rule_set_parse (path, text, error);
}

guint
eg_label_rule_set_get_n_rules (const EgLabelRuleSet *set)
{
  return set->rules->len;
}

void
eg_label_rule_set_get_rule (const EgLabelRuleSet  *set,
                            guint                  index,
                            const char           **label,
                            const char           **detailed_label,
                            const char           **conditions)
{
  const Rule *rule = set->rules->pdata[index];

  *label = rule->label;
  *detailed_label = rule->detailed_label;
  *conditions = rule->text->str;
}

static gboolean
compare (double a,
         Op     op,
         double b)
{
  switch (op)
    {
    case OP_EQ: return a == b;
    case OP_NE: return a != b;
    case OP_GT: return a > b;
    case OP_GE: return a >= b;
    case OP_LT: return a < b;
    case OP_LE: return a <= b;
    default: return FALSE;
    }
}

static gboolean
condition_match (const Condition *cond,
                 const EgFlow    *flow)
{
  gboolean eq;

  switch (cond->field)
    {
    case FIELD_SRC_IP:
    case FIELD_DST_IP:
      {
        const EgAddr *addr = cond->field == FIELD_SRC_IP ? &flow->orig_h : &flow->resp_h;
        eq = cond->all || eg_addr_in_prefix (addr, &cond->addr, cond->prefix_len);
      }
      return cond->op == OP_EQ ? eq : !eq;
    case FIELD_PROTO:
      eq = cond->number >= 0 && flow->proto == (guint8) cond->number;
      return cond->op == OP_EQ ? eq : !eq;
    case FIELD_STATE:
      eq = flow->conn_state == (guint8) cond->number;
      return cond->op == OP_EQ ? eq : !eq;
    case FIELD_SERVICE:
      eq = flow->service == cond->str;
      return cond->op == OP_EQ ? eq : !eq;
    case FIELD_SRC_PORT: return compare (flow->orig_p, cond->op, cond->number);
    case FIELD_DST_PORT: return compare (flow->resp_p, cond->op, cond->number);
    case FIELD_START: return compare (flow->ts, cond->op, cond->number);
    case FIELD_DURATION: return compare (flow->duration, cond->op, cond->number);
    case FIELD_BYTES:
      return compare ((double) flow->orig_bytes + flow->resp_bytes, cond->op, cond->number);
    case FIELD_PACKETS:
      return compare ((double) flow->orig_pkts + flow->resp_pkts, cond->op, cond->number);
    default:
      return FALSE;
    }
}

static gboolean
rule_match (const Rule   *rule,
            const EgFlow *flow)
{
  for (guint i = 0; i < rule->lines->len; i++)
    {
      GArray *conds = g_array_index (rule->lines, GArray *, i);
      guint j;

      for (j = 0; j < conds->len; j++)
        if (!condition_match (&g_array_index (conds, Condition, j), flow))
          break;
      if (j == conds->len)
        return TRUE;
    }
  return FALSE;
}

gboolean
eg_label_rule_set_match (const EgLabelRuleSet  *set,
                         const EgFlow          *flow,
                         const char           **label,
                         const char           **detailed_label)
{
  /* The last match wins: search from the bottom. */
  for (guint i = set->rules->len; i > 0; i--)
    {
      const Rule *rule = set->rules->pdata[i - 1];

      if (rule_match (rule, flow))
        {
          *label = eg_label_normalize (rule->label);
          *detailed_label = rule->detailed_label ? g_intern_string (rule->detailed_label) : NULL;
          return TRUE;
        }
    }
  return FALSE;
}

char *
eg_label_rule_set_to_string (const EgLabelRuleSet *set)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < set->rules->len; i++)
    {
      const Rule *rule = set->rules->pdata[i];
      g_auto(GStrv) lines = g_strsplit (rule->text->str, "\n", -1);

      g_string_append (out, rule->label);
      if (rule->detailed_label)
        g_string_append_printf (out, ", %s", rule->detailed_label);
      g_string_append (out, ":\n");
      for (guint j = 0; lines[j] && *lines[j]; j++)
        g_string_append_printf (out, "    - %s\n", lines[j]);
    }
  return g_string_free (out, FALSE);
}

void
eg_label_rule_set_free (EgLabelRuleSet *set)
{
  if (set == NULL)
    return;
  g_ptr_array_unref (set->rules);
  g_free (set);
}
