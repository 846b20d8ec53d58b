/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define EG_ERROR (eg_error_quark ())

typedef enum {
  EG_ERROR_FAILED,
  EG_ERROR_NOT_FOUND,        /* a file or an interface that does not exist */
  EG_ERROR_PERMISSION,       /* capture or firewall needs a capability */
  EG_ERROR_FORMAT,           /* input that is not what it claims to be */
  EG_ERROR_TRUNCATED,        /* input that ends in the middle of a record */
  EG_ERROR_UNSUPPORTED,      /* a link type or version we cannot read */
  EG_ERROR_SCHEMA_MISMATCH,  /* model or database from another schema */
  EG_ERROR_BROKER,           /* Kafka unreachable or refusing */
  EG_ERROR_NO_SPACE,         /* disk full */
  EG_ERROR_CANCELLED,
} EgError;

GQuark eg_error_quark (void);

G_END_DECLS
