#!/usr/bin/env bash
# bench/vs-x11-bytes.sh: the bytes a client sends per object drawn (issue 17 §3, fewer bytes
# than X11 on the wire), for every op of bench/vs-x11.sh (its PAIRS): x11perf on Xvfb and
# yperf on a headless yonder-server, each over TCP through bench/delay-proxy (no delay),
# which logs the bytes of each connection once it has ended (--conn-log).
#
#   bench/vs-x11-bytes.sh [--only op,op] [--smoke] [--section]
#
# Each client runs an op twice with a fixed number of repetitions, A and 2A (x11perf
# `-repeat 1 -reps R`, yperf `--reps N`); the difference in client-to-server bytes over the
# difference in objects cancels what does not depend on the count (the connection's setup,
# the window, the GCs, the final round trip). yperf's --reps sends a Sync every 64
# repetitions and one at the end; their bytes are taken off (the Sync's size is measured by
# the roundtrip op, a Sync per repetition). Repetition counts are multiples of the number of
# places an op cycles through, so the varying sizes of MessagePack's integers average out.
# About 5 s once built; --smoke (CI) is noop, rect10 and putimage100 with an eighth of the
# repetitions, about a second, and its figures are exact all the same.
# --section is for bench/vs-x11.sh, which has built and installed what is needed: no build.
# Stdout is only the Markdown section (a `## Bytes on the wire` heading, the tables and a
# note); progress goes to stderr. Needs Xvfb, x11perf and python3 (installed when missing
# and run as root). A benchmark: it fails only when something cannot run at all.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ONLY=""
SCALE=1
BUILD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --only) ONLY=$2; shift 2 ;;
        --smoke) ONLY=noop,rect10,putimage100; SCALE=8; shift ;;
        --section) BUILD=0; shift ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "vs-x11-bytes: unknown option $1" >&2; exit 2 ;;
    esac
done

# yperf op = x11perf test, read from bench/vs-x11.sh so that the two tables list the same ops.
PAIRS=$(sed -n '/^PAIRS="/,/"$/p' bench/vs-x11.sh | sed 's/^PAIRS=//' | tr -d '"')
[ -n "$PAIRS" ] || { echo "vs-x11-bytes: no PAIRS=\"...\" in bench/vs-x11.sh" >&2; exit 1; }
if [ -n "$ONLY" ]; then
    PAIRS=$(for p in $PAIRS; do case ",$ONLY," in *",${p%%=*},"*) echo "$p" ;; esac; done)
fi

# Repetitions per op, "yperf x11perf" (the second runs double these). A yperf repetition is
# one request; an x11perf one may be several (4 images, 4 copies): it prints the objects.
# yperf's counts are multiples of the places each op cycles through (ops.rs): 64 for
# images and copies (5 for copywinwin500), 40 text lines, 1000 triangles.
reps_of() {
    case "$1" in
        noop|roundtrip) echo "640 640" ;;
        triangle10) echo "1000 64" ;;
        ftext|aa10text) echo "640 64" ;;
        putimage100|shmput100|getimage100) echo "64 16" ;;
        putimage500|shmput500) echo "4 1" ;;
        copywinwin100|copywinwin500|copypixwin100) echo "320 64" ;;
        *) echo "64 64" ;;
    esac
}
# The --reps count of a smoke run: an eighth (at least one).
scaled() { echo $(( $1 / SCALE > 0 ? $1 / SCALE : 1 )); }

# --- tools ------------------------------------------------------------------------------
if [ "$BUILD" = 1 ]; then
    missing=""
    command -v Xvfb >/dev/null || missing="$missing xvfb"
    command -v x11perf >/dev/null || missing="$missing x11-apps"
    command -v python3 >/dev/null || missing="$missing python3"
    # shellcheck source=bench/packages.sh
    . "$ROOT/bench/packages.sh"
    # shellcheck disable=SC2086
    install_missing vs-x11-bytes $missing
    echo "vs-x11-bytes: building (release)" >&2
    cargo build --release -q -p yonder-server -p yonder-apps >&2
fi
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release
SERVER=$BIN/yonder-server
YPERF=$BIN/yperf
PROXY=$ROOT/bench/delay-proxy/delay_proxy.py
for f in "$SERVER" "$YPERF"; do
    [ -x "$f" ] || { echo "vs-x11-bytes: $f is missing (build without --section)" >&2; exit 1; }
done

# --- servers and proxies ----------------------------------------------------------------
# $tmp, pids, the cleanup at exit and free_port.
# shellcheck source=bench/common.sh
source bench/common.sh

Xvfb -displayfd 3 -screen 0 1280x800x24 -listen tcp -nolisten unix-abstract \
    3>"$tmp/xdisplay" >"$tmp/xvfb.log" 2>&1 &
pids+=($!)
"$SERVER" --headless 1280x800 --no-window-manager --listen tcp --tcp-addr 127.0.0.1 \
    --socket-dir "$tmp/s" --cookie-file "$tmp/cookies" >"$tmp/yonder.out" 2>"$tmp/yonder.log" &
pids+=($!)
for _ in $(seq 100); do
    [ -s "$tmp/xdisplay" ] && grep -q YONDER_DISPLAY "$tmp/yonder.out" && break
    sleep 0.1
done
XN=$(head -1 "$tmp/xdisplay" 2>/dev/null || true)
YN=$(sed -n 's/^YONDER_DISPLAY=://p' "$tmp/yonder.out")
[ -n "$XN" ] && [ -n "$YN" ] || { echo "vs-x11-bytes: a server did not start" >&2; cat "$tmp"/*.log >&2; exit 1; }
YCOOKIE=$("$SERVER" --print-cookie ":$YN" --cookie-file "$tmp/cookies" | awk '{print $2}')

# name listen-port target-port: a proxy without delay whose log gets a line `UP DOWN` per
# connection as it ends ($tmp/NAME.conns).
proxy() {
    : >"$tmp/$1.conns"
    python3 "$PROXY" --listen "$2" --target "127.0.0.1:$3" --delay-ms 0 \
        --conn-log "$tmp/$1.conns" >"$tmp/$1.proxy" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do grep -q listening "$tmp/$1.proxy" && return 0; sleep 0.05; done
    echo "vs-x11-bytes: the $1 proxy did not start" >&2; cat "$tmp/$1.proxy" >&2; exit 1
}
# Display numbers as protocol.md §2.1 and X map them to ports: X11 6000 + N, Yonder 7100 + N.
XPORT=$(free_port 6100)
proxy x11 "$XPORT" $((6000 + XN))
XVIA=127.0.0.1:$((XPORT - 6000))
YPORT=$(free_port 7150)
proxy yonder "$YPORT" $((7100 + YN))
YVIA=127.0.0.1:$((YPORT - 7100))

# name [seconds] -> "UP DOWN" of the connection that ends next on that proxy, waiting up
# to 10 s ("0 0" and failure if none does). Runs are one at a time, so each takes the
# log's only line and empties the log for the next (callers run it in a subshell: no
# state is kept). After a failed run a second is enough: its client may not have connected.
next_conn() {
    local log=$tmp/$1.conns line
    for _ in $(seq $((${2:-10} * 20))); do
        line=$(head -1 "$log")
        if [ -n "$line" ]; then
            : >"$log"
            echo "$line"
            return 0
        fi
        sleep 0.05
    done
    echo "0 0"
    return 1
}

# test reps -> "OBJECTS UP DOWN", or nothing when x11perf cannot run the test.
# x11perf prints "N reps @ T msec (R/sec): label", N counting objects.
x11_run() {
    local out n
    out=$(x11perf -display "$XVIA" -repeat 1 -reps "$2" "-$1" 2>/dev/null || true)
    n=$(echo "$out" | sed -n 's/^ *\([0-9]*\) reps @.*/\1/p' | head -1)
    if [ -z "$n" ]; then
        # It connected (and most likely said why not on stderr): skip its connection's line.
        next_conn x11 1 >/dev/null || true
        return 0
    fi
    echo "$n $(next_conn x11)"
}
# op reps -> "UP DOWN", or nothing when yperf failed.
y_run() {
    if YONDER_COOKIE=$YCOOKIE "$YPERF" --display "$YVIA" --only "$1" --reps "$2" >&2; then
        next_conn yonder
    else
        next_conn yonder 1 >/dev/null || true
    fi
}
# yperf's syncs in a --reps N run: one every 64 repetitions and one at the end.
syncs() { echo $(( $1 / 64 + 1 )); }

# Objects per yperf repetition, from `yperf --list` ("... (1000 per request)", "character
# in an 80-character line"; otherwise one).
declare -A PER_REP
while read -r name n; do PER_REP[$name]=$n; done < <("$YPERF" --list | awk '{
    n = 1
    if (match($0, /\(([0-9]+) per /)) { s = substr($0, RSTART + 1); n = s + 0 }
    else if (match($0, /[0-9]+-character line/)) { n = substr($0, RSTART) + 0 }
    print $1, n }')

# --- the Sync, for yperf's checkpoints --------------------------------------------------
echo "vs-x11-bytes: the size of a Sync" >&2
A=$(scaled 640)
read -r u1 d1 <<<"$(y_run roundtrip "$A")"
read -r u2 d2 <<<"$(y_run roundtrip $((2 * A)))"
NSYNC=$(( 2 * A + $(syncs $((2 * A))) - A - $(syncs "$A") ))
SYNC_UP=$(awk -v a="$u1" -v b="$u2" -v n="$NSYNC" 'BEGIN { printf "%.3f", (b - a) / n }')
SYNC_DOWN=$(awk -v a="$d1" -v b="$d2" -v n="$NSYNC" 'BEGIN { printf "%.3f", (b - a) / n }')
if [ "$u1" = 0 ] || [ "$u2" = 0 ]; then
    echo "vs-x11-bytes: yperf does not run over TCP" >&2; cat "$tmp/yonder.log" >&2; exit 1
fi

# --- the ops ----------------------------------------------------------------------------
# Per op: X_UP / X_DOWN and Y_UP / Y_DOWN, bytes per object each way.
declare -A X_UP X_DOWN Y_UP Y_DOWN
for pair in $PAIRS; do
    y=${pair%%=*}
    x=${pair#*=}
    read -r ya xa <<<"$(reps_of "$y")"
    ya=$(scaled "$ya")
    xa=$(scaled "$xa")
    echo "vs-x11-bytes: $y (x11perf -$x)" >&2
    r1=$(x11_run "$x" "$xa")
    r2=$(x11_run "$x" $((2 * xa)))
    if [ -n "$r1" ] && [ -n "$r2" ]; then
        read -r n1 u1 d1 <<<"$r1"
        read -r n2 u2 d2 <<<"$r2"
        if [ "$n2" -gt "$n1" ]; then
            X_UP[$y]=$(awk -v a="$u1" -v b="$u2" -v n=$((n2 - n1)) 'BEGIN { print (b - a) / n }')
            X_DOWN[$y]=$(awk -v a="$d1" -v b="$d2" -v n=$((n2 - n1)) 'BEGIN { print (b - a) / n }')
        fi
    else
        echo "vs-x11-bytes: x11perf -$x did not run; skipped" >&2
    fi
    r1=$(y_run "$y" "$ya" || true)
    r2=$(y_run "$y" $((2 * ya)) || true)
    if [ -n "$r1" ] && [ -n "$r2" ] && [ "$r1" != "0 0" ] && [ "$r2" != "0 0" ]; then
        read -r u1 d1 <<<"$r1"
        read -r u2 d2 <<<"$r2"
        per=${PER_REP[$y]:-1}
        # For roundtrip the repetitions are Syncs themselves: only the checkpoints come off.
        extra=$(( $(syncs $((2 * ya))) - $(syncs "$ya") ))
        Y_UP[$y]=$(awk -v a="$u1" -v b="$u2" -v s="$SYNC_UP" -v k="$extra" -v n=$((ya * per)) \
            'BEGIN { print (b - a - s * k) / n }')
        Y_DOWN[$y]=$(awk -v a="$d1" -v b="$d2" -v s="$SYNC_DOWN" -v k="$extra" -v n=$((ya * per)) \
            'BEGIN { print (b - a - s * k) / n }')
    else
        echo "vs-x11-bytes: yperf --only $y did not run; skipped" >&2
    fi
done

# --- report -----------------------------------------------------------------------------
# A byte figure: two decimals below 100, none above; "-" when missing.
bytes() { awk -v v="$1" 'BEGIN { if (v == "") print "-"; else if (v < 100) printf "%.2f", v; else printf "%.0f", v }'; }
# A per-request figure: one decimal below 100, none above; "-" when missing.
req() { awk -v v="$1" 'BEGIN { if (v == "") print "-"; else if (v < 100) printf "%.1f", v; else printf "%.0f", v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f×", a / b }'; }
# value times a count, for bytes per request
times() { awk -v v="$1" -v k="$2" 'BEGIN { if (v == "") print ""; else print v * k }'; }
shm() { case "$1" in shmput*) return 0 ;; *) return 1 ;; esac; }

echo "## Bytes on the wire"
echo
echo "Bytes the client sent per object (rectangle, segment, character, image...), as x11perf"
echo "counts them (\`bench/vs-x11-bytes.sh\`): x11perf on Xvfb and yperf on \`yonder-server"
echo "--headless\`, each over TCP through \`bench/delay-proxy\` (no delay), which counts every byte"
echo "of the connection. Each client ran each op twice, with A and 2A repetitions; the difference"
echo "in bytes over the difference in objects leaves out the connection's fixed cost (setup,"
echo "window, GCs, the final round trip)."
echo
echo "| op | X11 bytes/object | Yonder bytes/object | Yonder / X11 |"
echo "|---|---:|---:|---:|"
for pair in $PAIRS; do
    y=${pair%%=*}
    xu=${X_UP[$y]:-}
    yu=${Y_UP[$y]:-}
    if shm "$y"; then r="— (shm)"; else r=$(ratio "$yu" "$xu"); fi
    echo "| $y | $(bytes "$xu") | $(bytes "$yu") | $r |"
done
echo
echo "Per request (objects per request as yperf and x11perf send them), and what the server sent"
echo "back per request (replies):"
echo
echo "| op | objects per request | X11 bytes/request | Yonder bytes/request | X11 reply bytes | Yonder reply bytes |"
echo "|---|---:|---:|---:|---:|---:|"
for pair in $PAIRS; do
    y=${pair%%=*}
    k=${PER_REP[$y]:-1}
    echo "| $y | $k | $(req "$(times "${X_UP[$y]:-}" "$k")") | $(req "$(times "${Y_UP[$y]:-}" "$k")") | $(req "$(times "${X_DOWN[$y]:-}" "$k")") | $(req "$(times "${Y_DOWN[$y]:-}" "$k")") |"
done
echo
echo "Notes. Yonder's frame is a 4-byte length and a MessagePack body (protocol.md §4): small"
echo "integers take one byte, coordinates from 128 two or three; the client's own ids (window,"
echo "GC, pixmap) go relative, one byte for its first 32 (protocol 1.10, §6.1), and the points,"
echo "segments and rectangles of a poly request go packed in 16-bit fields where that is"
echo "shorter (§8.2); X11's requests have fixed 16-bit fields padded to 4 bytes. A Yonder Sync"
echo "is $(req "$SYNC_UP") bytes, its reply $(req "$SYNC_DOWN") on average (the sequence number in it grows)."
echo "noop is X11's 4-byte NoOperation against Yonder's 7-byte one (protocol 1.9; a no-value"
echo "ChangeGc before); roundtrip is a Sync against x11perf's QueryPointer (X11 has no bare"
echo "round trip)."
echo "Images travel raw on both (yperf turns off the library's QOI compression, the default on"
echo "TCP; X11 ZPixmap at depth 24, 4 bytes a pixel)."
if echo "$PAIRS" | grep -q shmput; then
    echo "The shmput rows are not comparable: over TCP yperf cannot pass a shared-memory segment"
    echo "and sends the pixels in the request, as putimage does, while x11perf's MIT-SHM still"
    echo "works here because the proxy, Xvfb and x11perf share one machine (SysV shared memory"
    echo "needs no descriptor passing); across a real network it has no shared memory either."
fi
