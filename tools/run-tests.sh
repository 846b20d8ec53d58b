#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite, from a fresh Debian 12 machine: packages, build,
# every test under a virtual display, the suite again under AddressSanitizer
# and UndefinedBehaviorSanitizer, and a short run of every fuzz target.
#
#   FUZZ_SECONDS=N   seconds per fuzz target (default 30; 0 skips fuzzing)
#   SANITIZE=0       skip the sanitizer build
set -eu
cd "$(dirname "$0")/.."
fuzz_seconds=${FUZZ_SECONDS:-30}
sanitize=${SANITIZE:-1}

tools/install-deps.sh

# Tests talk to a display and a session bus, never to the user's own.
run_headless () {
  xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- "$@"
}

summary () {
  /usr/bin/python3 - "$1" <<'PY'
import json, sys
counts = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    counts[r["result"]] = counts.get(r["result"], 0) + 1
passed = counts.get("OK", 0) + counts.get("EXPECTEDFAIL", 0)
failed = sum(v for k, v in counts.items() if k in ("FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS"))
print(f"{sys.argv[1].split('/')[0]}: {passed} passed, {failed} failed, {counts.get('SKIP', 0)} skipped")
PY
}

status=0

echo "== build"
if [ -d build ]; then meson setup --reconfigure build >/dev/null; else meson setup build; fi
ninja -C build

echo "== tests"
run_headless meson test -C build --print-errorlogs --num-processes 2 || status=1
summary build/meson-logs/testlog.json

if [ "$sanitize" != 0 ]; then
  echo "== tests under AddressSanitizer and UndefinedBehaviorSanitizer"
  if [ ! -d build-sanitize ]; then
    meson setup build-sanitize -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
  fi
  ninja -C build-sanitize
  # GTK and fontconfig keep caches for the life of the process: leak checks
  # cover the core library, not the toolkit's own allocations.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    run_headless meson test -C build-sanitize --print-errorlogs --num-processes 2 \
      --timeout-multiplier 4 --no-suite gui || status=1
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    run_headless meson test -C build-sanitize --print-errorlogs --num-processes 1 \
      --timeout-multiplier 4 --suite gui --logbase testlog-gui || status=1
  summary build-sanitize/meson-logs/testlog.json
fi

if [ "$fuzz_seconds" != 0 ]; then
  echo "== fuzzing, $fuzz_seconds s per target"
  if [ ! -d build-fuzz ]; then
    CC=clang meson setup build-fuzz -Dfuzzing=true -Dgui=false \
      -Db_sanitize=address,undefined -Db_lundef=false
  fi
  targets=$(for src in tests/fuzz/fuzz-*.c; do n=$(basename "$src" .c); echo "tests/fuzz/$n"; done)
  # shellcheck disable=SC2086
  ninja -C build-fuzz $targets
  for name in $(for t in $targets; do basename "$t"; done); do
    target=build-fuzz/tests/fuzz/$name
    corpus=$(mktemp -d)
    [ -d "tests/fuzz/corpus/${name#fuzz-}" ] && cp -r "tests/fuzz/corpus/${name#fuzz-}/." "$corpus/"
    echo "-- $name"
    log=$(mktemp)
    # Interned labels and services live as long as the process: under
    # libFuzzer that reads as a leak per input. The unit tests check leaks.
    if ASAN_OPTIONS=detect_leaks=0 "$target" -max_total_time="$fuzz_seconds" -rss_limit_mb=2048 -print_final_stats=1 \
         -artifact_prefix=build-fuzz/ "$corpus" >"$log" 2>&1; then
      grep -E "^stat::(number_of_executed_units|average_exec_per_sec)" "$log" || true
    else
      echo "fuzz target $name failed:" >&2
      tail -n 60 "$log" >&2
      status=1
    fi
    rm -rf "$corpus" "$log"
  done
fi

exit $status
