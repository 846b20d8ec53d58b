#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Rebuilds the bundled model, data/model/default.ubj (+ default.meta.json),
# from the labeled captures in ../shared/data with Edgeguard's own trainer.
#
#   tools/train-default-model.sh [EDGEGUARD_CLI] [OUT]
#   ninja -C build train-default-model
#
# Training: the Stratosphere labeled conn logs 001 (NjRAT), 008, 010, 011
# (CTU-Normal mixed days) and Slips' labeled binetflow test5. Held out: the
# mixed day 012 and the RemcosRAT capture (Slips test18, CTU-SME-11, another
# network). The sidecar's "metrics" are measured on those two, and its alert
# thresholds per transport and service are calibrated on their benign flows
# (at most 1 % of them above; see docs/model-quality.md).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
cli=${1:-$src/build/src/cli/edgeguard-cli}
out=${2:-$src/data/model/default.ubj}
data=${EG_SHARED_DATA:-$src/../shared/data}
sd=$data/stratosphere-security-datasets

if [ ! -d "$sd" ]; then
  echo "train-default-model: the labeled data is not at $data (set EG_SHARED_DATA)" >&2
  exit 1
fi

exec "$cli" train --out "$out" --model-version 2 --rounds 80 --max-depth 4 --eta 0.2 --balance-inputs \
  --calibrate-fpr 0.01 \
  --validate "$sd/012-zeek-mixed/data/conn.log.labeled" \
  --validate "$data/slips-dataset/test18-malicious-ctu-sme-11-win/zeek-labeled/conn.log.labeled" \
  "$sd/001-zeek-scenario-malicious/labeled-conn.log" \
  "$sd/008-zeek-mixed/data/conn.log.labeled" \
  "$sd/010-zeek-mixed/data/conn.log.labeled" \
  "$sd/011-zeek-mixed/data/conn.log.labeled" \
  "$data/slips-dataset/test5-mixed.binetflow"
