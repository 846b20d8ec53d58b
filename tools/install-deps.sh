#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs every Debian 12 package Edgeguard needs (tools/packages.txt).
set -eu
here=$(dirname "$0")
packages=$(grep -v '^#' "$here/packages.txt" | tr '\n' ' ')

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: these packages are missing:$missing" >&2
  echo "install-deps: run as root (sudo $0) to install them" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no, quietly.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q || echo "install-deps: apt-get update failed; trying the package lists at hand" >&2
apt-get install -y -q --no-install-recommends $missing
