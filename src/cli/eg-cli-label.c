/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard-cli label: relabel flows by uid, by filter or by rules; undo;
 * show a flow's label history. */
#include "config.h"

#include <stdio.h>

#include "eg-cli.h"
#include "eg-error.h"
#include "eg-store.h"

/* A unix time or an ISO 8601 date (UTC unless it says otherwise). */
gboolean
eg_cli_parse_time (const char  *text,
                   double      *ts,
                   GError     **error)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = NULL;
  char *end = NULL;

  *ts = g_ascii_strtod (text, &end);
  if (end != text && *end == '\0')
    return TRUE;
  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    {
      g_autofree char *with_time = g_strconcat (text, "T00:00:00", NULL);
      dt = g_date_time_new_from_iso8601 (with_time, utc);
    }
  if (dt == NULL)
    {
      g_set_error (error, EG_ERROR, EG_ERROR_FORMAT,
                   "“%s” is neither a unix time nor a date (2023-02-22 or "
                   "2023-02-22T10:00:00Z)", text);
      return FALSE;
    }
  *ts = g_date_time_to_unix (dt) + g_date_time_get_microsecond (dt) / 1e6;
  return TRUE;
}

static int
print_history (EgStore    *store,
               const char *uid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) history = NULL;
  EgFlow flow;

  if (!eg_store_get_flow (store, uid, &flow, &error)
      || !(history = eg_store_get_label_history (store, uid, &error)))
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }
  printf ("%s: %s%s%s (%s)\n", uid, flow.label ? flow.label : "unlabeled",
          flow.detailed_label ? ", " : "", flow.detailed_label ? flow.detailed_label : "",
          eg_label_source_to_string (flow.label_source));
  for (guint i = 0; i < history->len; i++)
    {
      EgLabelChange *c = &g_array_index (history, EgLabelChange, i);
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local ((gint64) c->at);
      g_autofree char *when = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");

      printf ("  %s  %-10s %-8s %s/%s (%s) -> %s/%s (%s)\n", when, c->who ? c->who : "?",
              c->kind ? c->kind : "?",
              c->old_label ? c->old_label : "-",
              c->old_detailed_label ? c->old_detailed_label : "-",
              eg_label_source_to_string (c->old_source),
              c->new_label ? c->new_label : "-",
              c->new_detailed_label ? c->new_detailed_label : "-",
              eg_label_source_to_string (c->new_source));
    }
  return 0;
}

int
eg_cli_label_main (int    argc,
                   char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *config_path = NULL;
  g_auto(GStrv) uids = NULL;
  g_autofree char *filter_text = NULL;
  g_autofree char *rules_path = NULL;
  g_autofree char *history_uid = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *who = NULL;
  gboolean undo = FALSE;
  GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path,
      "Database (default: from the configuration, else $XDG_DATA_HOME/edgeguard/edgeguard.db)",
      "PATH" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration key file", "FILE" },
    { "uid", 'u', 0, G_OPTION_ARG_STRING_ARRAY, &uids, "Label this flow (repeatable)", "UID" },
    { "filter", 'F', 0, G_OPTION_ARG_STRING, &filter_text,
      "Label every flow that matches, e.g. “src 10.0.0.0/8 and dport 443”", "EXPR" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, "With --filter: flows from TIME", "TIME" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, "With --filter: flows before TIME", "TIME" },
    { "rules", 'r', 0, G_OPTION_ARG_FILENAME, &rules_path,
      "Save the label rules of FILE (netflowlabeler's labels.config format) and apply "
      "them to the stored flows and to new ones", "FILE" },
    { "undo", 0, 0, G_OPTION_ARG_NONE, &undo, "Take back the last change", NULL },
    { "history", 0, 0, G_OPTION_ARG_STRING, &history_uid,
      "Show the label history of a flow", "UID" },
    { "who", 0, 0, G_OPTION_ARG_STRING, &who, "Name recorded in the history (default: you)",
      "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[LABEL [DETAILED-LABEL]] — relabel flows");
  g_autoptr(GError) error = NULL;
  g_autoptr(EgStore) store = NULL;
  const char *label, *detailed;
  guint64 n = 0;
  int modes;

  g_option_context_set_summary (context,
    "Labels are Benign (or normal), Malicious, or any custom label, with an\n"
    "optional detailed label; “none” removes a label. Operator labels win over\n"
    "rule labels, which win over imported ground truth and model labels. Every\n"
    "change goes into the history and can be undone; relabeled flows are queued\n"
    "for upload again. The history also shows labels that flows arrived with\n"
    "(import, rules on arrival); undo leaves those. A model's suggestion is not\n"
    "a change: it shows as the old label once something replaces it.\n\n"
    "Examples:\n"
    "  edgeguard-cli label --uid CuQHba3CG1oVSHwbo8 Malicious C2\n"
    "  edgeguard-cli label --filter 'dst 203.0.113.0/24 and dport 8080' Malicious Botnet\n"
    "  edgeguard-cli label --rules labels.config\n"
    "  edgeguard-cli label --undo\n\n"
    "Filter words: src dst host sport dport port proto service label detailedlabel\n"
    "source state uid, score/duration/bytes/pkts with > >= < <= = !=, and, or, not.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      eg_cli_error ("%s", error->message);
      return 2;
    }
  modes = (uids != NULL) + (filter_text != NULL) + (rules_path != NULL) + undo
          + (history_uid != NULL);
  if (modes != 1)
    {
      eg_cli_error ("give one of --uid, --filter, --rules, --undo or --history; "
                    "see “edgeguard-cli label --help”");
      return 2;
    }
  if ((uids || filter_text) && (argc < 2 || argc > 3))
    {
      eg_cli_error ("--uid and --filter need a LABEL (and optionally a DETAILED-LABEL)");
      return 2;
    }
  if (!(uids || filter_text) && argc > 1)
    {
      eg_cli_error ("unexpected argument “%s”", argv[1]);
      return 2;
    }
  if (!(store = eg_cli_open_store (db_path, config_path, NULL, &error)))
    {
      eg_cli_error ("%s", error->message);
      return 1;
    }
  if (history_uid)
    return print_history (store, history_uid);

  label = argc > 1 && g_ascii_strcasecmp (argv[1], "none") != 0 ? argv[1] : NULL;
  detailed = argc > 2 ? argv[2] : NULL;

  if (uids)
    {
      if (!eg_store_relabel_uids (store, (const char * const *) uids, label, detailed,
                                  EG_LABEL_SOURCE_OPERATOR, who, &n, &error))
        goto failed;
      printf ("%" G_GUINT64_FORMAT " of %u flows relabeled\n", n, g_strv_length (uids));
    }
  else if (filter_text)
    {
      g_autoptr(EgFlowFilter) filter = eg_flow_filter_parse (filter_text, &error);
      double from = 0, to = 0;

      if (filter == NULL
          || (from_text && !eg_cli_parse_time (from_text, &from, &error))
          || (to_text && !eg_cli_parse_time (to_text, &to, &error)))
        {
          eg_cli_error ("%s", error->message);
          return 2;
        }
      if (!eg_store_relabel_filter (store, filter, from, to, label, detailed,
                                    EG_LABEL_SOURCE_OPERATOR, who, &n, &error))
        goto failed;
      printf ("%" G_GUINT64_FORMAT " flows relabeled\n", n);
    }
  else if (rules_path)
    {
      g_autoptr(EgLabelRuleSet) rules = eg_label_rule_set_load (rules_path, &error);

      if (rules == NULL)
        {
          eg_cli_error ("%s", error->message);
          return 2;
        }
      if (!eg_store_set_label_rules (store, rules, &error)
          || !eg_store_apply_label_rules (store, who, &n, &error))
        goto failed;
      printf ("%u rules saved; %" G_GUINT64_FORMAT " stored flows relabeled\n",
              eg_label_rule_set_get_n_rules (rules), n);
    }
  else if (undo)
    {
      if (!eg_store_undo (store, who, &n, &error))
        goto failed;
      if (n == 0)
        printf ("Nothing to undo\n");
      else
        printf ("%" G_GUINT64_FORMAT " flows back to their previous label\n", n);
    }
  return 0;

failed:
  eg_cli_error ("%s", error->message);
  return 1;
}
