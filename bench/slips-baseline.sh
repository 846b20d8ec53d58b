#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Edgeguard's bundled model beside a Slips-style flowmldetection baseline
# (a linear SGD classifier on Slips' nine flow features), measured in the
# same run on the same rows:
#
#   bench/slips-baseline.sh [--batch-size N] [--seed S] [--seeds K] [--json]
#
# The baseline (bench/slips_baseline.py) is trained on exactly the captures
# tools/train-default-model.sh trains data/model/default.ubj on, and both are
# evaluated on the captures that model never saw: the mixed day 012 and
# RemcosRAT (Slips test18), each alone and both together (the sidecar's
# "metrics"). A bench, not a test: it needs python3-sklearn, which the test
# suite does not.
set -eu
cd "$(dirname "$0")/.."
data=${EG_SHARED_DATA:-../shared/data}
cli=build/src/cli/edgeguard-cli
model=data/model/default.ubj
sd=$data/stratosphere-security-datasets

[ -d "$sd" ] || { echo "SKIP: $data not found (the shared labeled captures)"; exit 0; }
# Debian's python3, where python3-sklearn installs (a python3 earlier on
# PATH, e.g. pyenv's, does not see it); PYTHON overrides.
py=${PYTHON:-/usr/bin/python3}
[ -x "$py" ] || py=python3
"$py" -c 'import sklearn' 2>/dev/null \
  || { echo "SKIP: python3-sklearn not installed (apt install python3-sklearn)"; exit 0; }
[ -x "$cli" ] || { echo "build first: meson setup build && ninja -C build"; exit 1; }

d012=$sd/012-zeek-mixed/data/conn.log.labeled
t18=$data/slips-dataset/test18-malicious-ctu-sme-11-win/zeek-labeled/conn.log.labeled

# Same inputs, same order as tools/train-default-model.sh.
exec "$py" bench/slips_baseline.py --cli "$cli" --model "$model" \
  --train "$sd/001-zeek-scenario-malicious/labeled-conn.log" \
  --train "$sd/008-zeek-mixed/data/conn.log.labeled" \
  --train "$sd/010-zeek-mixed/data/conn.log.labeled" \
  --train "$sd/011-zeek-mixed/data/conn.log.labeled" \
  --train "$data/slips-dataset/test5-mixed.binetflow" \
  --test "012 CTU-Normal-44 (mixed day)=$d012" \
  --test "test18 RemcosRAT (CTU-SME-11)=$t18" \
  --test "both (the sidecar's metrics)=$d012,$t18" \
  "$@"
