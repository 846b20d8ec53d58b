#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Gives the installed helper exactly the capabilities it needs. Packagers
# building into a staging tree ($DESTDIR) set them in their own packaging.
set -e
[ -n "${DESTDIR:-}" ] && exit 0
command -v setcap >/dev/null || { echo "setcap not found: run 'setcap cap_net_raw,cap_net_admin+ep $1' yourself"; exit 0; }
setcap cap_net_raw,cap_net_admin+ep "$1" || echo "could not set capabilities on $1 (not root?)"
