/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eg-error.h"

G_DEFINE_QUARK (eg-error-quark, eg_error)
