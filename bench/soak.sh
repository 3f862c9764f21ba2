#!/usr/bin/env bash
# bench/soak.sh: the release server under a long mixed load (apps/src/bin/ysoak): 200
# well-behaved clients that connect, draw, put images, own and convert selections and
# disconnect in a loop; a pair dragging and dropping with synthetic input; hostile clients
# (garbage, oversized frames, a flood, one that never reads, half a hello over TCP).
# Prints a line a minute: requests served, the worst round trip of the well-behaved
# clients, the server's RSS, open descriptors and threads; then the growth over the last
# 20 minutes (or the second half of a shorter run) and whether clients, descriptors and
# threads came back to their baseline once the load stopped.
#
#   bench/soak.sh [--minutes M] [--clients N] [--interval SECONDS] [--smoke]
#
# Defaults: 30 minutes, 200 clients, a line a minute. --smoke (CI): 1 minute, a line
# every 15 s. Goals of the long run: RSS and descriptors flat after warm-up (< 5 %
# growth over the last 20 minutes), no round trip over 100 ms, no crash. It fails (exit
# 1) only when the server dies or does not come back to its baseline: no timing
# assertion, the machine may be shared.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MINUTES=30
CLIENTS=200
INTERVAL=60
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) MINUTES=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        --interval) INTERVAL=$2; shift 2 ;;
        --smoke) MINUTES=1; INTERVAL=15; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "soak: unknown option $1" >&2; exit 2 ;;
    esac
done

echo "soak: building (release)" >&2
cargo build --release -q -p yonder-server -p yonder-apps --bin yonder-server --bin ysoak >&2
SERVER=$ROOT/target/release/yonder-server
YSOAK=$ROOT/target/release/ysoak

TMP=$(mktemp -d)
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

"$SERVER" --headless 1280x800 --allow-synthetic-input --listen tcp --tcp-addr 127.0.0.1 \
    --socket-dir "$TMP/s" --cookie-file "$TMP/cookies" >"$TMP/server.out" 2>"$TMP/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do
    grep -q YONDER_DISPLAY "$TMP/server.out" && break
    sleep 0.1
done
N=$(sed -n 's/^YONDER_DISPLAY=://p' "$TMP/server.out")
[ -n "$N" ] || { echo "soak: the server did not start" >&2; cat "$TMP/server.log" >&2; exit 1; }
COOKIE=$("$SERVER" --print-cookie ":$N" --cookie-file "$TMP/cookies" | awk '{print $2}')
export YONDER_COOKIE_FILE=$TMP/cookies

echo "## soak: $CLIENTS clients for $MINUTES min, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
status=0
"$YSOAK" --display "unix:$TMP/s/display-$N" --pid "$SERVER_PID" --cookie "$COOKIE" \
    --socket "$TMP/s/display-$N" --tcp "127.0.0.1:$((7100 + N))" --clients "$CLIENTS" \
    --seconds $((MINUTES * 60)) --interval "$INTERVAL" --drag || status=$?
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "soak: the server is gone" >&2
    status=1
fi
if [ "$status" != 0 ]; then
    echo "soak: FAILED; the server's log ends:" >&2
    tail -30 "$TMP/server.log" >&2
fi
exit "$status"
