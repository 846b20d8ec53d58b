#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job on embedded defaults, from a fresh Debian 12 machine:
# packages, build, then the bundled demo capture analyzed (flows scored,
# alerts raised), kept in a local SQLite file, and the labeled flows
# uploaded to the development Kafka broker.
set -eu
cd "$(dirname "$0")/.."

tools/install-deps.sh
if [ -d build ]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build >/dev/null

cli=build/src/cli/edgeguard-cli
work=${DEMO_DIR:-build/demo}
mkdir -p "$work"
rm -f "$work"/demo.db "$work"/demo.db-wal "$work"/demo.db-shm

echo "== Edgeguard on data/demo.pcap (see data/demo-scenario.md)"
"$cli" analyze --no-progress --db "$work/demo.db" -o "$work/conn.log" --stats data/demo.pcap
echo
echo "== Alerts"
"$cli" analyze --no-progress --alerts data/demo.pcap | tee "$work/alerts.json" |
  /usr/bin/python3 -c "
import json, sys
for line in sys.stdin:
    a = json.loads(line)
    print('[%8s] %-22s %s' % (a['threat_level'], a['detector'], a['description']))
"

echo
echo "== Upload to the development broker"
build/src/devbroker/edgeguard-devbroker > "$work/broker.out" 2>"$work/broker.err" &
broker=$!
trap 'kill $broker 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 50); do
  grep -q '^bootstrap=' "$work/broker.out" 2>/dev/null && break
  sleep 0.1
done
bootstrap=$(sed -n 's/^bootstrap=//p' "$work/broker.out" | head -n 1)
[ -n "$bootstrap" ] || { echo "the development broker did not start:"; cat "$work/broker.err"; exit 1; }
"$cli" upload --db "$work/demo.db" --bootstrap-servers "$bootstrap"
"$cli" status --db "$work/demo.db"
echo
echo "Flows: $work/conn.log (Zeek TSV)   Alerts: $work/alerts.json   Database: $work/demo.db"
