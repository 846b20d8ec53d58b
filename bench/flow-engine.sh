#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Flow engine throughput beside its peers, on one large input built from the
# real captures in ../shared/data: each capture rewritten with tcprewrite
# --seed (fresh addresses, so copies do not collide) and merged in time order.
#
#   bench/flow-engine.sh [COPIES] [RUNS]   (default 60 copies: about 1.3 M
#                                           packets; best of 3 runs each)
#
# Prints packets/s for edgeguard-cli analyze (application detection on),
# ndpiReader -i and tshark -z conv,ip, each the best of RUNS rounds that run
# all three in turn (the machine's other load skews all three alike), and Edgeguard's
# memory per active flow two ways: the flow table's own bytes (from --stats)
# and the whole process's peak RSS over the most flows held at once.
set -eu
cd "$(dirname "$0")/.."
copies=${1:-60}
runs=${2:-3}
data=${EG_SHARED_DATA:-../shared/data}
out=${BENCH_DIR:-bench/out}
cli=build/src/cli/edgeguard-cli

[ -d "$data" ] || { echo "SKIP: $data not found (the shared captures)"; exit 0; }
[ -x "$cli" ] || { echo "build first: meson setup build && ninja -C build"; exit 1; }
mkdir -p "$out/copies"
big="$out/bench-$copies.pcap"

if [ ! -f "$big" ]; then
  echo "building $big from $copies rewritten copies of the Ethernet captures..."
  i=0
  for f in "$data"/ndpi/*.pcap* "$data"/slips-dataset/*.pcap "$data"/slips-dataset/*/*.pcap; do
    case "$(capinfos -T -a -E "$f" 2>/dev/null | tail -n 1 | cut -f2)" in ether) ;; *) continue ;; esac
    case "$f" in *fuzz*|*garbage*|*badpackets*) continue ;; esac
    i=$((i + 1))
    editcap -F pcap "$f" "$out/copies/src-$i.pcap" 2>/dev/null || continue
  done
  n=0
  while [ "$n" -lt "$copies" ]; do
    n=$((n + 1))
    for src in "$out"/copies/src-*.pcap; do
      tcprewrite --seed="$n" --infile="$src" --outfile="$out/copies/c$n-$(basename "$src")" 2>/dev/null || true
    done
    mergecap -F pcap -w "$out/copies/merged-$n.pcap" "$out"/copies/c"$n"-*.pcap
    rm -f "$out"/copies/c"$n"-*.pcap
  done
  mergecap -F pcap -w "$big" "$out"/copies/merged-*.pcap
  rm -rf "$out/copies"
fi

packets=$(capinfos -c -M "$big" | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}')
echo "input: $big, $packets packets"

run_once () {  # name, command...: one run; keeps the fastest per program
  name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null 2>"$out/$name.err" || {
    echo "$name failed:"; tail -n 5 "$out/$name.err"; exit 1; }
  read -r secs rss < "$out/time.txt"
  eval "${name}_last=$secs"
  eval "best=\${${name}_best:-}"
  if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
    eval "${name}_best=$secs; ${name}_rss=$rss"
    if [ "$name" = edgeguard ]; then cp "$out/$name.err" "$out/$name.best.err"; fi
  fi
}

report () {  # name
  eval "best=\$${1}_best; rss=\$${1}_rss"
  pps=$(awk -v p="$packets" -v s="$best" 'BEGIN { printf "%.0f", p / s }')
  printf '%-28s %8.2f s %12s packets/s %10s KiB peak\n' "$1" "$best" "$pps" "$rss"
  eval "${1}_pps=$pps"
}

# Rounds of all three in turn: a slow minute on a shared machine slows
# each program alike instead of one of them.
rm -f "$out/rounds.txt"
r=0
while [ "$r" -lt "$runs" ]; do
  r=$((r + 1))
  run_once edgeguard "$cli" analyze --no-progress --stats -o /dev/null "$big"
  run_once ndpiReader ndpiReader -q -i "$big"
  run_once tshark tshark -q -z conv,ip -r "$big"
  echo "$ndpiReader_last $edgeguard_last" >> "$out/rounds.txt"
done
mv "$out/edgeguard.best.err" "$out/edgeguard.err"
report edgeguard
grep -E "peak active|flow memory|flows:" "$out/edgeguard.err" || true
report ndpiReader
report tshark

# Memory per active flow: the peak RSS above a run that holds almost no
# flows, over the most flows held at once. It counts everything that grows
# with traffic: the table, nDPI's state, the queue to the scorer, the
# scorer's 5-minute context window and the detectors' tables.
tiny="$data/ndpi/http.pcapng"
/usr/bin/time -f "%M" -o "$out/time.txt" "$cli" analyze --no-progress -o /dev/null "$tiny" 2>/dev/null
base_rss=$(cat "$out/time.txt")
peak=$(awk '/peak active/ {print $NF}' "$out/edgeguard.err")
if [ -n "$peak" ] && [ "$peak" -gt 0 ]; then
  awk -v r="$edgeguard_rss" -v b="$base_rss" -v p="$peak" \
    'BEGIN { printf "edgeguard process memory per active flow: %.0f bytes (%d flows at peak)\n", (r - b) * 1024 / p, p }'
fi
awk '/flow memory/ { gsub(/[()]/, ""); printf "edgeguard flow table per active flow: %s bytes; nDPI state at peak: %s bytes\n", $7, $13 }' \
  "$out/edgeguard.err"
awk -v e="$edgeguard_pps" -v n="$ndpiReader_pps" -v t="$tshark_pps" \
  'BEGIN { printf "edgeguard / ndpiReader: %.2fx   edgeguard / tshark: %.1fx\n", e / n, e / t }'
# Each round ran both within seconds of each other: the median of the
# rounds' ratios is the figure least moved by the machine's drift.
awk '{ print $1 / $2 }' "$out/rounds.txt" | sort -n | awk '
  { r[NR] = $1 }
  END { printf "edgeguard / ndpiReader per round: median %.2fx, range %.2f-%.2fx over %d rounds\n",
               (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2, r[1], r[NR], NR }'
