#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Upload throughput and store insert rate beside kcat, in the same run, to the
# same broker:
#
#   bench/upload.sh [FLOWS] [ROUNDS]    (default 200000 flows, 3 rounds)
#
# Each round:
# 1. bench/store-insert fills a fresh database with FLOWS labeled flows (the
#    store's insert rate, flows + outbox) and writes the very messages the
#    sender makes; once more with unlabeled flows (flows only, no outbox).
# 2. edgeguard-cli upload sends them: rows/s from the database to Kafka's
#    acknowledgement (idempotent, acks=all, lz4), every row marked sent.
# 3. kcat -P sends the same KEY<TAB>JSON lines, with the same schema header,
#    to another topic of the same broker with the same producer settings.
# Rounds alternate which of the two goes first; the medians are printed last,
# with each program's CPU time (all threads, from GNU time), which the
# machine's load sways less than the wall clock.
# The broker is edgeguard-devbroker (librdkafka's mock cluster, 3 brokers).
#
# COMPARE_BUILD=DIR also runs another build's store-insert and upload (an
# older commit, say) in every round, beside these, for before/after figures
# from the same run.
set -eu
cd "$(dirname "$0")/.."
flows=${1:-200000}
rounds=${2:-3}
build=${BUILD_DIR:-build}
out=${BENCH_DIR:-bench/out}
cli=$build/src/cli/edgeguard-cli
broker=$build/src/devbroker/edgeguard-devbroker
insert=$build/bench/store-insert
compare=${COMPARE_BUILD:-}

for exe in "$cli" "$broker" "$insert" ${compare:+"$compare/src/cli/edgeguard-cli" "$compare/bench/store-insert"}; do
  [ -x "$exe" ] || { echo "build first: meson setup $build && ninja -C $build"; exit 1; }
done
command -v kcat >/dev/null || { echo "SKIP: kcat not installed"; exit 0; }
mkdir -p "$out"
db="$out/upload-bench.db"
msgs="$out/upload-bench.jsonl"
cdb="$out/upload-bench-compare.db"
results="$out/results"
rm -f "$out/broker.addr" "$results"

topics=
for round in $(seq 1 "$rounds"); do
  topics="$topics --topic bench.upload.$round --topic bench.kcat.$round"
  [ -n "$compare" ] && topics="$topics --topic bench.compare.$round"
done
mkfifo "$out/broker.in" 2>/dev/null || true
# shellcheck disable=SC2086
"$broker" --address-file "$out/broker.addr" $topics < "$out/broker.in" > "$out/broker.out" &
broker_pid=$!
exec 3> "$out/broker.in"   # keeps the broker's stdin open
trap 'kill $broker_pid 2>/dev/null; exec 3>&-; rm -f "$out/broker.in"' EXIT
while [ ! -s "$out/broker.addr" ]; do sleep 0.1; done
addr=$(cat "$out/broker.addr")
echo "broker: $addr; $flows flows, $rounds rounds; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

now() { date +%s.%N; }
rate() { echo "$1 $2 $3" | awk '{ printf "%.0f", $1 / ($3 - $2) }'; }
# The command's CPU time (user + system, all threads) into $cpu, when GNU
# time is there: less swayed by the machine's load than the wall clock.
timed() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%U %S' -o "$out/cpu" "$@"
    cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$out/cpu")
  else
    "$@"; cpu=
  fi
}

# upload ROUND [CLI DB TAG]
upload() {
  c=${2:-$cli} d=${3:-$db} tag=${4:-upload}
  t0=$(now)
  timed "$c" upload --db "$d" --bootstrap-servers "$addr" --topic "bench.$tag.$1" --quiet
  t1=$(now)
  r=$(rate "$flows" "$t0" "$t1")
  "$c" status --db "$d" | grep -q "^Outbox: *0 pending, $flows sent$" \
    || { echo "upload left rows pending"; exit 1; }
  echo "  edgeguard-cli upload: $r rows/s${cpu:+, $cpu s CPU} (database -> acknowledged -> marked sent)${2:+ [$compare]}"
  echo "$tag $r" >> "$results"
  [ -z "$cpu" ] || echo "$tag-cpu $cpu" >> "$results"
}

kcat_send() {
  t0=$(now)
  timed kcat -P -b "$addr" -t "bench.kcat.$1" -K '	' -H edgeguard-schema=1 \
    -X enable.idempotence=true -X acks=all -X compression.type=lz4 -X linger.ms=20 \
    -X batch.num.messages=10000 -l "$msgs"
  t1=$(now)
  r=$(rate "$flows" "$t0" "$t1")
  echo "  kcat -P:              $r msgs/s${cpu:+, $cpu s CPU} (file -> acknowledged)"
  echo "kcat $r" >> "$results"
  [ -z "$cpu" ] || echo "kcat-cpu $cpu" >> "$results"
}

for round in $(seq 1 "$rounds"); do
  echo "round $round:"
  rm -f "$db" "$db-wal" "$db-shm"
  "$insert" --flows "$flows" --unlabeled | sed 's/^/  /' | tee -a "$out/insert.log"
  "$insert" --flows "$flows" --db "$db" --messages "$msgs" | sed 's/^/  /' | tee -a "$out/insert.log"
  if [ -n "$compare" ]; then
    rm -f "$cdb" "$cdb-wal" "$cdb-shm"
    "$compare/bench/store-insert" --flows "$flows" --unlabeled \
      | awk -v c="$compare" '{ print "  " $0 " [" c "]" }' | tee -a "$out/compare.log"
    "$compare/bench/store-insert" --flows "$flows" --db "$cdb" \
      | awk -v c="$compare" '{ print "  " $0 " [" c "]" }' | tee -a "$out/compare.log"
  fi
  sync   # the files just written go to disk now, not during whichever runs first
  if [ $((round % 2)) -eq 1 ]; then
    upload "$round"; kcat_send "$round"
    [ -z "$compare" ] || upload "$round" "$compare/src/cli/edgeguard-cli" "$cdb" compare
  else
    [ -z "$compare" ] || upload "$round" "$compare/src/cli/edgeguard-cli" "$cdb" compare
    kcat_send "$round"; upload "$round"
  fi
done
inserts() {
  sed -n 's/.*: \([0-9]*\) rows\/s (flows only.*/'"$1"'insert-flows \1/p; s/.*: \([0-9]*\) rows\/s (flows + outbox.*/'"$1"'insert-outbox \1/p' \
    "$2" >> "$results"
  rm -f "$2"
}
inserts "" "$out/insert.log"
[ -z "$compare" ] || inserts compare- "$out/compare.log"

median() {
  grep "^$1 " "$results" | cut -d' ' -f2 | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
# ", N s CPU" when measured
cpu_median() {
  grep -q "^$1-cpu " "$results" && echo ", $(median "$1-cpu") s CPU"
}
echo "medians of $rounds rounds ($(date -u +%Y-%m-%d), $(nproc) cores):"
echo "  edgeguard-cli upload     $(median upload) rows/s$(cpu_median upload)"
echo "  kcat -P (same messages)  $(median kcat) msgs/s$(cpu_median kcat)"
echo "  store insert, flows      $(median insert-flows) rows/s"
echo "  store insert, + outbox   $(median insert-outbox) rows/s"
if [ -n "$compare" ]; then
  echo "  $compare: upload $(median compare) rows/s$(cpu_median compare)," \
       "insert $(median compare-insert-outbox) rows/s" \
       "(+ outbox), $(median compare-insert-flows) rows/s (flows only)"
fi
