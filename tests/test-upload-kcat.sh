#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# edgeguard-cli end to end on a real labeled capture: import, status, label,
# undo, export, upload to edgeguard-devbroker, and kcat reads back one message
# per labeled flow, keyed SENSOR-ID/UID. Exit 77 (skip) without the data or kcat.
set -eu
build=${EG_BUILD_DIR:?}
data=${EG_SHARED_DATA:-../shared/data}
log="$data/stratosphere-security-datasets/008-zeek-mixed/data/conn.log.labeled"
cli="$build/src/cli/edgeguard-cli"
broker="$build/src/devbroker/edgeguard-devbroker"

[ -f "$log" ] || { echo "SKIP: $log not found"; exit 77; }
command -v kcat >/dev/null || { echo "SKIP: kcat not installed"; exit 77; }

dir=$(mktemp -d)
broker_pid=
cleanup() {
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null
  exec 3>&- 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
db="$dir/sensor.db"

mkfifo "$dir/broker.in"
"$broker" --address-file "$dir/addr" < "$dir/broker.in" > "$dir/broker.out" &
broker_pid=$!
exec 3> "$dir/broker.in"
while [ ! -s "$dir/addr" ]; do sleep 0.1; done
addr=$(cat "$dir/addr")

# Import: 5,663 flows, all labeled ground truth, all queued for upload.
"$cli" import --db "$db" "$log" 2> "$dir/import.err"
grep -q "5663 flows, 0 bad lines" "$dir/import.err" || fail "import: $(cat "$dir/import.err")"
"$cli" status --db "$db" > "$dir/status"
grep -q "^Flows: *5663$" "$dir/status" || fail "status: $(cat "$dir/status")"
grep -q "^  Malicious *4201$" "$dir/status" || fail "status malicious: $(cat "$dir/status")"
grep -q "^  Benign *1402$" "$dir/status" || fail "status benign"
grep -q "^Outbox: *5663 pending, 0 sent$" "$dir/status" || fail "status outbox"
sensor=$(sed -n 's/^Sensor id: *//p' "$dir/status")

# Retention keeps what is not uploaded yet, and says so.
"$cli" status --db "$db" --prune --max-age-days 30 \
  | grep -q "^Pruned: *0 flows deleted; kept 5663 labeled flows that wait for Kafka's acknowledgement" \
  || fail "prune before upload"

# Also labeled flows that never entered the outbox, until the operator says so;
# and a configured retention prunes by itself when a command opens the database.
"$cli" import --db "$dir/noup.db" --no-upload "$log" 2> /dev/null
"$cli" status --db "$dir/noup.db" --prune --max-age-days 30 > "$dir/prune"
grep -q "^Pruned: *0 flows deleted; kept 5663 labeled flows that were never queued for upload" \
  "$dir/prune" || fail "prune of never-queued flows: $(cat "$dir/prune")"
printf '[store]\nretention-days=30\n' > "$dir/retention.conf"
"$cli" status --db "$dir/noup.db" --config "$dir/retention.conf" 2> "$dir/auto.err" > "$dir/status"
grep -q "^Flows: *5663$" "$dir/status" || fail "automatic retention dropped labeled flows"
grep -q "Retention of .*: 0 flows deleted; kept 5663 labeled flows that were never queued" \
  "$dir/auto.err" || fail "automatic retention: $(cat "$dir/auto.err")"
"$cli" status --db "$dir/noup.db" --prune --max-age-days 30 --include-unsent > "$dir/prune"
grep -q "^Pruned: *5663 flows deleted; 5663 of the deleted flows were labeled and never acknowledged" \
  "$dir/prune" || fail "prune --include-unsent: $(cat "$dir/prune")"

# Relabel by filter, look at the history, undo.
out=$("$cli" label --db "$db" --filter "label Benign and dport 8883" Benign MQTT)
[ "$out" = "323 flows relabeled" ] || fail "label by filter: $out"
uid=$("$cli" export --db "$db" --format json --filter "detailedlabel MQTT" 2>/dev/null \
      | head -n 1 | sed 's/.*"uid":"\([^"]*\)".*/\1/')
[ -n "$uid" ] || fail "no relabeled flow exported"
"$cli" label --db "$db" --history "$uid" > "$dir/history"
grep -q " import  *-/- (none) -> Benign/.* (imported)$" "$dir/history" \
  || fail "history of $uid lacks the import: $(cat "$dir/history")"
grep -q " relabel  *Benign/.* (imported) -> Benign/MQTT (operator)$" "$dir/history" \
  || fail "history of $uid: $(cat "$dir/history")"
"$cli" label --db "$db" --undo | grep -q "^323 flows back to their previous label" || fail "undo"
n=$("$cli" export --db "$db" --format json --filter "detailedlabel MQTT" 2>/dev/null | wc -l)
[ "$n" -eq 0 ] || fail "undo left $n flows relabeled"

# Export: Zeek TSV with the CTU label columns; JSON lines by filter.
"$cli" export --db "$db" -o "$dir/conn.log" 2>/dev/null
[ "$(grep -vc '^#' "$dir/conn.log")" -eq 5663 ] || fail "export row count"
grep '^#fields' "$dir/conn.log" | grep -q "label	detailedlabel" || fail "export columns"
n=$("$cli" export --db "$db" --format json --filter "label malicious" 2>/dev/null | wc -l)
[ "$n" -eq 4201 ] || fail "export malicious: $n"

# CSV and a time range through the CLI: --from/--to split the flows exactly
# where their timestamps say, and the CSV rows say the same as the database.
"$cli" export --db "$db" --format csv -o "$dir/flows.csv" 2>/dev/null
head -n 1 "$dir/flows.csv" | grep -q "^ts,uid,id.orig_h,id.orig_p,id.resp_h,id.resp_p,proto,.*,label,detailedlabel,score,model_version,label_source$" \
  || fail "CSV header: $(head -n 1 "$dir/flows.csv")"
[ "$(tail -n +2 "$dir/flows.csv" | wc -l)" -eq 5663 ] || fail "CSV row count"
[ "$(tail -n +2 "$dir/flows.csv" | grep -c ',Malicious,')" -eq 4201 ] || fail "CSV labels"
mid=1655110795.642084
before=$(tail -n +2 "$dir/flows.csv" | awk -F, -v t=$mid '$1 < t' | wc -l)
n1=$("$cli" export --db "$db" --format csv --to $mid 2>/dev/null | tail -n +2 | wc -l)
n2=$("$cli" export --db "$db" --format csv --from $mid 2>/dev/null | tail -n +2 | wc -l)
[ "$n1" -eq "$before" ] && [ $((n1 + n2)) -eq 5663 ] && [ "$n1" -gt 1000 ] && [ "$n2" -gt 1000 ] \
  || fail "--from/--to: $n1 + $n2 (expected $before before $mid)"
n=$("$cli" export --db "$db" --format json --from 2022-06-13T08:00:00Z --to 2022-06-13T09:00:00Z \
    2>/dev/null | wc -l)
m=$(tail -n +2 "$dir/flows.csv" | awk -F, '$1 >= 1655107200 && $1 < 1655110800' | wc -l)
[ "$n" -eq "$m" ] && [ "$m" -gt 0 ] || fail "ISO 8601 range: $n, expected $m"

# Alerts honour --format (this capture was imported, so there are none).
"$cli" export --db "$db" --alerts --format csv > "$dir/alerts.csv" 2> "$dir/err"
[ "$(cat "$dir/alerts.csv")" = "ts,detector,src,dst,dport,proto,threat_level,confidence,description,uids,country,asn" ] \
  && grep -q "^0 alerts exported" "$dir/err" || fail "alerts CSV: $(cat "$dir/alerts.csv")"
"$cli" export --db "$db" --alerts --format zeek 2>/dev/null | grep -q "^#path	alerts$" || fail "alerts TSV"
set +e
"$cli" export --db "$db" --alerts --format xml 2> "$dir/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "“xml” is not a format; use zeek, json or csv" "$dir/err" \
  || fail "alerts with a bad format: $rc $(cat "$dir/err")"

# Upload, then read the topic back.
"$cli" upload --db "$db" --bootstrap-servers "$addr" --quiet || fail "upload"
"$cli" status --db "$db" | grep -q "^Outbox: *0 pending, 5663 sent$" || fail "outbox after upload"
kcat -b "$addr" -C -t edgeguard.flows.labeled -e -q -f '%k\t%h\n' > "$dir/keys"
[ "$(wc -l < "$dir/keys")" -eq 5663 ] || fail "kcat read $(wc -l < "$dir/keys") messages"
[ "$(cut -f1 "$dir/keys" | sort -u | wc -l)" -eq 5663 ] || fail "duplicate keys"
[ "$(grep -c "^$sensor/C.*	edgeguard-schema=1$" "$dir/keys")" -eq 5663 ] || fail "keys or header"

# Retention: before the upload every old flow was kept (pending); now they go.
"$cli" status --db "$db" --prune --max-age-days 30 | grep -q "^Pruned: *5663 flows deleted$" \
  || fail "prune after upload"

# A labeled Argus binetflow (Slips' test data, CTU labels) imports too.
binetflow="$data/slips-dataset/test5-mixed.binetflow"
if [ -f "$binetflow" ]; then
  "$cli" import --db "$dir/argus.db" "$binetflow" 2> "$dir/import.err"
  grep -q "296 flows, 0 bad lines" "$dir/import.err" || fail "binetflow import: $(cat "$dir/import.err")"
  "$cli" status --db "$dir/argus.db" > "$dir/status"
  grep -q "^  Malicious *277$" "$dir/status" && grep -q "^  Background *18$" "$dir/status" \
    && grep -q "^Outbox: *295 pending, 0 sent$" "$dir/status" || fail "binetflow status: $(cat "$dir/status")"
  [ "$("$cli" export --db "$dir/argus.db" --format csv --filter "source imported" 2>/dev/null \
       | tail -n +2 | grep -c ',Malicious,.*Malware-TCP,')" -eq 80 ] || fail "binetflow labels"
fi

# Secrets: with every librdkafka debug context on, the SASL password shows
# nowhere (the mock cluster has no SASL: the upload retries until stopped).
secret="Pa55-$$-word"
printf '[kafka]\nsecurity-protocol=sasl_plaintext\nsasl-mechanism=PLAIN\nsasl-username=alice\nsasl-password=%s\n' \
  "$secret" > "$dir/sasl.conf"
"$cli" import --db "$dir/sasl.db" "$log" 2> /dev/null
# --foreground: otherwise timeout signals the process group as well, and a
# second SIGINT during the upload's final flush is a user's "force quit".
set +e
G_MESSAGES_DEBUG=all EDGEGUARD_KAFKA_DEBUG=all timeout --foreground -s INT 3 \
  "$cli" upload --db "$dir/sasl.db" --config "$dir/sasl.conf" --bootstrap-servers "$addr" \
  > "$dir/sasl.log" 2>&1
set -e
grep -q "interrupted: 5663 rows still pending" "$dir/sasl.log" || fail "SASL upload: $(tail -3 "$dir/sasl.log")"
grep -q "sasl.password = \[redacted\]" "$dir/sasl.log" || fail "no librdkafka debug output captured"
grep -q "Failed to initialize SASL authentication" "$dir/sasl.log" || fail "no SASL attempt logged"
! grep -q "$secret" "$dir/sasl.log" || fail "the SASL password was logged"
printf '[kafka]\nsecurity-protocol=ssl\nssl-ca-location=%s/missing-ca.pem\n' "$dir" > "$dir/tls.conf"
set +e
"$cli" upload --db "$db" --config "$dir/tls.conf" --bootstrap-servers "$addr" 2> "$dir/err"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "TLS CA file $dir/missing-ca.pem (ssl-ca-location) does not exist" "$dir/err" \
  || fail "missing CA file: $rc $(cat "$dir/err")"

# Bad input: a clear error, never a crash.
set +e
"$cli" status --db "$log" 2> "$dir/err"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "not an Edgeguard database" "$dir/err" || fail "status on a conn.log: $rc $(cat "$dir/err")"
set +e
"$cli" label --db "$db" 2> "$dir/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "label without a mode: $rc"
echo "PASS"
