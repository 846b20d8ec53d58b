#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Flow engine throughput beside its peers, on one large input built from the
# real captures in ../shared/data: each capture rewritten with tcprewrite
# --seed (fresh addresses, so copies do not collide) and merged in time order.
#
#   bench/flow-engine.sh [COPIES]    (default 60: about 1.3 M packets)
#
# Prints packets/s for edgeguard-cli analyze (application detection on),
# ndpiReader -i and tshark -z conv,ip, and Edgeguard's peak memory per active
# flow. The machine's other load skews all three alike; run it twice.
set -eu
cd "$(dirname "$0")/.."
copies=${1:-60}
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

measure () {  # name, command...: prints seconds and peak RSS (KiB)
  name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null 2>"$out/$name.err" || {
    echo "$name failed:"; tail -n 5 "$out/$name.err"; return 1; }
  read -r secs rss < "$out/time.txt"
  pps=$(awk -v p="$packets" -v s="$secs" 'BEGIN { printf "%.0f", p / s }')
  printf '%-28s %8.2f s %12s packets/s %10s KiB peak\n' "$name" "$secs" "$pps" "$rss"
  eval "${name}_pps=$pps; ${name}_rss=$rss"
}

measure edgeguard "$cli" analyze --no-progress --stats -o /dev/null "$big"
grep -E "peak active|flows:" "$out/edgeguard.err" || true
measure ndpiReader ndpiReader -q -i "$big"
measure tshark tshark -q -z conv,ip -r "$big"

# Memory per active flow: the peak RSS above a run that holds almost no
# flows, over the most flows held at once.
tiny="$data/ndpi/http.pcapng"
/usr/bin/time -f "%M" -o "$out/time.txt" "$cli" analyze --no-progress -o /dev/null "$tiny" 2>/dev/null
base_rss=$(cat "$out/time.txt")
peak=$(awk '/peak active/ {print $NF}' "$out/edgeguard.err")
if [ -n "$peak" ] && [ "$peak" -gt 0 ]; then
  awk -v r="$edgeguard_rss" -v b="$base_rss" -v p="$peak" \
    'BEGIN { printf "edgeguard memory per active flow: %.0f bytes (%d flows at peak)\n", (r - b) * 1024 / p, p }'
fi
awk -v e="$edgeguard_pps" -v n="$ndpiReader_pps" -v t="$tshark_pps" \
  'BEGIN { printf "edgeguard / ndpiReader: %.1fx   edgeguard / tshark: %.1fx\n", e / n, e / t }'
