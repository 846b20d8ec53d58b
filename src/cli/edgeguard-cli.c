/* SPDX-License-Identifier: GPL-2.0-or-later */
/* edgeguard-cli: every Edgeguard job without a screen. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "eg-cli.h"

typedef struct {
  const char *name;
  int       (*main) (int argc, char **argv);
  const char *summary;
} Subcommand;

static const Subcommand subcommands[] = {
  { "analyze", eg_cli_analyze_main, "Turn captures and flow logs into flows and alerts" },
  { "train",   eg_cli_train_main,   "Train the flow model from labeled flows" },
  { "evaluate", eg_cli_evaluate_main, "Measure a model on labeled flows it did not train on" },
  { "upload",  eg_cli_upload_main,  "Send labeled flows from the database to Kafka" },
  { "status",  eg_cli_status_main,  "Show flows by label and the upload outbox" },
  { "label",   eg_cli_label_main,   "Relabel flows by uid, filter or rules; undo; history" },
  { "export",  eg_cli_export_main,  "Write stored flows or alerts as Zeek TSV, JSON lines or CSV" },
  { "import",  eg_cli_import_main,  "Read labeled conn.log or binetflow files into the database" },
};

void
eg_cli_error (const char *format,
              ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "edgeguard-cli: %s\n", message);
}

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: edgeguard-cli COMMAND [OPTION…]\n\n"
                "Edgeguard's headless console.\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    fprintf (out, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
  fprintf (out, "\nRun “edgeguard-cli COMMAND --help” for the options of a command.\n"
                "  --version  Print the version and exit\n");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("edgeguard-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    if (strcmp (argv[1], subcommands[i].name) == 0)
      return subcommands[i].main (argc - 1, argv + 1);

  eg_cli_error ("unknown command “%s”; run “edgeguard-cli --help” for the list", argv[1]);
  return 2;
}
