#!/usr/bin/env bash
# Instructions per repetition of yperf operations, in the server and in the client,
# counted by callgrind: repeatable on a noisy machine where wall-clock ratios move by
# ±10 %. Used to show that a change does not slow a hot path (compare two builds with
# --bin).
#
#   bench/instructions.sh [--reps N] [--bin DIR] [--smoke] [OP ...]
#
# OP: yperf operation names (default: noop rect10 putimage100 roundtrip). One repetition
# is what `yperf --list` says (noop: one no-op request; rect10: one request of 1000 10×10
# rectangles; putimage100: one 100×100 image; roundtrip: one Sync and its reply).
# The server runs headless under callgrind; for each op its counters are zeroed, yperf
# runs N repetitions, and the counters are dumped; the same with 0 repetitions gives the
# cost of connecting and setting up, which is subtracted. The client is counted the same
# way (yperf itself under callgrind). --bin DIR takes yonder-server and yperf from DIR
# (default target/release, built first); --smoke runs one op with few repetitions (CI).
set -euo pipefail
cd "$(dirname "$0")/.."

reps=2000
bin=""
ops=()
smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --smoke) smoke=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "instructions.sh: unknown option $1" >&2; exit 2 ;;
    *) ops+=("$1"); shift ;;
  esac
done
if [ "$smoke" = 1 ]; then
  reps=20
  [ ${#ops[@]} -gt 0 ] || ops=(noop)
fi
[ ${#ops[@]} -gt 0 ] || ops=(noop rect10 putimage100 roundtrip)

if ! command -v valgrind >/dev/null || ! command -v callgrind_control >/dev/null; then
  echo "instructions.sh: needs valgrind (Debian: apt-get install valgrind)" >&2
  exit 1
fi
if [ -z "$bin" ]; then
  cargo build --release -q -p yonder-server -p yonder-apps --bin yonder-server --bin yperf
  bin=target/release
fi

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
export YONDER_COOKIE_FILE="$tmp/cookies"

valgrind --tool=callgrind --callgrind-out-file="$tmp/server.out" \
  "$bin/yonder-server" --headless 640x480 --no-window-manager --socket-dir "$tmp/s" \
  --cookie-file "$tmp/cookies" >"$tmp/server.log" 2>"$tmp/server.err" &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q '^YONDER_DISPLAY=' "$tmp/server.log" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.err" >&2; exit 1; }
  sleep 0.1
done
n=$(sed -n 's/^YONDER_DISPLAY=://p' "$tmp/server.log" | head -1)
[ -n "$n" ] || { echo "instructions.sh: the server did not start" >&2; cat "$tmp/server.err" >&2; exit 1; }
export YONDER_DISPLAY="unix:$tmp/s/display-$n"

# The total of the newest dump of the server.
server_total() {
  local f
  f=$(ls -t "$tmp"/server.out.* 2>/dev/null | head -1)
  sed -n 's/^totals: *//p' "$f" | awk '{print $1}'
}
# Runs yperf for op $1 with $2 repetitions; prints "server_instructions client_instructions".
measure() {
  callgrind_control -z "$server_pid" >/dev/null 2>&1
  valgrind -q --tool=callgrind --callgrind-out-file="$tmp/client.out" \
    "$bin/yperf" --only "$1" --reps "$2" >/dev/null
  callgrind_control -d "$server_pid" >/dev/null 2>&1
  # The dump is written asynchronously: wait for the newest file to be complete.
  for _ in $(seq 1 100); do
    [ -n "$(server_total)" ] && break
    sleep 0.1
  done
  local s c
  s=$(server_total)
  c=$(sed -n 's/^totals: *//p' "$tmp/client.out" | awk '{print $1}')
  rm -f "$tmp"/server.out.* "$tmp/client.out"
  echo "$s $c"
}

printf '%-14s %14s %14s   (instructions per repetition, %s repetitions)\n' op server client "$reps"
for op in "${ops[@]}"; do
  read -r s0 c0 < <(measure "$op" 0)
  read -r s1 c1 < <(measure "$op" "$reps")
  awk -v op="$op" -v s0="$s0" -v s1="$s1" -v c0="$c0" -v c1="$c1" -v n="$reps" \
    'BEGIN { printf "%-14s %14.0f %14.0f\n", op, (s1 - s0) / n, (c1 - c0) / n }'
done
