/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eg-host-activity.h: what one address did, in order, as plain sentences
 * ("opened 240 connections to port 23/tcp on 240 hosts, none answered"),
 * from its flows grouped over time windows. The host timeline shows it;
 * nothing here knows GTK, so the CLI could print it too. */
#pragma once

#include <glib.h>

#include "eg-flow.h"

G_BEGIN_DECLS

typedef struct {
  double     start;      /* unix time, the window's start */
  double     end;        /* the window's end */
  guint      n_flows;
  GPtrArray *sentences;  /* char *, busiest first */
} EgHostPeriod;

/* The window length (seconds) for flows spread over span seconds: short
 * enough to show the order, long enough for at most ~24 windows. */
double     eg_host_activity_pick_window (double        span);
/* Periods (EgHostPeriod *, free with the array) in time order for the flows
 * of host among flows (which need not be sorted; others are skipped). */
GPtrArray *eg_host_activity_summarize   (const EgAddr *host,
                                         const EgFlow *flows,
                                         guint         n_flows,
                                         double        window);

G_END_DECLS
