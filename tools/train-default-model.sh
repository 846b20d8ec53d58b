#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Rebuilds the bundled model, data/model/default.ubj (+ default.meta.json),
# from the labeled captures in ../shared/data with Edgeguard's own trainer.
#
#   tools/train-default-model.sh [EDGEGUARD_CLI] [OUT]
#   ninja -C build train-default-model
#
# Training: the Stratosphere labeled conn logs 001 (NjRAT), 008, 010, 011,
# 012 (CTU-Normal mixed days) and Slips' labeled binetflow test5. The
# RemcosRAT capture (Slips test18, CTU-SME-11) is held out: the sidecar's
# "metrics" are measured on it, a scenario the model never saw.
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

exec "$cli" train --out "$out" --model-version 1 --rounds 80 --max-depth 4 --eta 0.2 --balance-inputs \
  --validate "$data/slips-dataset/test18-malicious-ctu-sme-11-win/zeek-labeled/conn.log.labeled" \
  "$sd/001-zeek-scenario-malicious/labeled-conn.log" \
  "$sd/008-zeek-mixed/data/conn.log.labeled" \
  "$sd/010-zeek-mixed/data/conn.log.labeled" \
  "$sd/011-zeek-mixed/data/conn.log.labeled" \
  "$sd/012-zeek-mixed/data/conn.log.labeled" \
  "$data/slips-dataset/test5-mixed.binetflow"
