#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Upload throughput beside kcat, in the same run, to the same broker:
#
#   bench/upload.sh [FLOWS]    (default 200000)
#
# 1. bench/store-insert fills a database with FLOWS labeled flows (and prints
#    the store's insert rate) and writes the very messages the sender makes.
# 2. edgeguard-cli upload sends them: rows/s from the database to Kafka's
#    acknowledgement (idempotent, acks=all, lz4), every row marked sent.
# 3. kcat -P sends the same KEY<TAB>JSON lines to another topic of the same
#    broker with the same producer settings.
# The broker is edgeguard-devbroker (librdkafka's mock cluster, 3 brokers).
set -eu
cd "$(dirname "$0")/.."
flows=${1:-200000}
build=${BUILD_DIR:-build}
out=${BENCH_DIR:-bench/out}
cli=$build/src/cli/edgeguard-cli
broker=$build/src/devbroker/edgeguard-devbroker
insert=$build/bench/store-insert

for exe in "$cli" "$broker" "$insert"; do
  [ -x "$exe" ] || { echo "build first: meson setup $build && ninja -C $build"; exit 1; }
done
command -v kcat >/dev/null || { echo "SKIP: kcat not installed"; exit 0; }
mkdir -p "$out"
db="$out/upload-bench.db"
msgs="$out/upload-bench.jsonl"
rm -f "$db" "$db-wal" "$db-shm" "$out/broker.addr"

mkfifo "$out/broker.in" 2>/dev/null || true
"$broker" --address-file "$out/broker.addr" --topic bench.edgeguard --topic bench.kcat \
  < "$out/broker.in" > "$out/broker.out" &
broker_pid=$!
exec 3> "$out/broker.in"   # keeps the broker's stdin open
trap 'kill $broker_pid 2>/dev/null; exec 3>&-; rm -f "$out/broker.in"' EXIT
while [ ! -s "$out/broker.addr" ]; do sleep 0.1; done
addr=$(cat "$out/broker.addr")
echo "broker: $addr"

"$insert" --flows "$flows" --db "$db" --messages "$msgs"
bytes=$(wc -c < "$msgs")
echo "messages: $flows, $((bytes / flows)) bytes each on average"

now() { date +%s.%N; }
rate() { echo "$1 $2 $3" | awk '{ printf "%.0f", $1 / ($3 - $2) }'; }

t0=$(now)
"$cli" upload --db "$db" --bootstrap-servers "$addr" --topic bench.edgeguard --quiet
t1=$(now)
echo "edgeguard-cli upload: $flows rows in $(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }') s:" \
     "$(rate "$flows" "$t0" "$t1") rows/s (database -> acknowledged -> marked sent)"
"$cli" status --db "$db" | grep Outbox

t0=$(now)
kcat -P -b "$addr" -t bench.kcat -K '	' -X enable.idempotence=true -X acks=all \
  -X compression.type=lz4 -X linger.ms=20 -X batch.num.messages=10000 -l "$msgs"
t1=$(now)
echo "kcat -P:              $flows msgs in $(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }') s:" \
     "$(rate "$flows" "$t0" "$t1") msgs/s (file -> acknowledged)"
