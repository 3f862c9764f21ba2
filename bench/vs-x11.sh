#!/usr/bin/env bash
# bench/vs-x11.sh: x11perf on Xvfb against yperf on a headless yonder-server, side by side,
# with both servers and both clients pinned to one core. Prints one Markdown table (X11
# ops/s, Yonder ops/s and their ratio, the median of several alternating rounds), round-trip
# latency over a Unix socket and TCP for both, the CPU use of idle servers, and a
# window-count sweep: round-trip latency, create+map time and server memory as one client
# maps more and more windows, on fresh servers (Yonder with and without its window manager,
# and Xvfb), one at a time.
#
#   bench/vs-x11.sh [--rounds N] [--time SECONDS] [--only op,op] [--latency N] [--core C]
#                   [--idle SECONDS] [--sweep N,N,...|none] [--parts P,P,...|none] [--smoke]
#
# After its own tables it prints the sections of its sibling scripts (--parts, default
# all of them): bytes (vs-x11-bytes.sh, bytes on the wire per object), clients
# (vs-x11-clients.sh, many clients at once on both cores) and interactive
# (vs-x11-interactive.sh, input to pixels on a real screen); each runs its own servers
# after this script's are gone, and gets --smoke with this script's.
#
# Defaults: 5 rounds of 2 s per op, 20000 round trips, 10 s per idle-CPU figure, core 0,
# a sweep over 100,1000,5000,10000 windows; about 10 minutes once built, plus the sweep
# and the parts.
# --smoke (CI) is one round of 0.2 s of noop, rect10 and putimage100, 200 round trips,
# 1 s of idle and a sweep over 100,300 windows: it checks that everything runs and the
# tables come out, and its figures mean nothing.
# Needs Xvfb and x11perf (Debian: xvfb, x11-apps; installed when missing and run as root).
# A benchmark: it prints figures and fails only when something cannot run at all.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ROUNDS=5
TIME=2
ONLY=""
LATENCY=20000
CORE=0
IDLE=10
SWEEP=100,1000,5000,10000
PARTS=bytes,clients,interactive
SMOKE=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS=$2; shift 2 ;;
        --time) TIME=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        --latency) LATENCY=$2; shift 2 ;;
        --core) CORE=$2; shift 2 ;;
        --idle) IDLE=$2; shift 2 ;;
        --sweep) SWEEP=$2; shift 2 ;;
        --parts) PARTS=$2; shift 2 ;;
        --smoke) ROUNDS=1; TIME=0.2; ONLY=noop,rect10,putimage100; LATENCY=200; IDLE=1
                 SWEEP=100,300; SMOKE=--smoke; shift ;;
        -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
        *) echo "vs-x11: unknown option $1" >&2; exit 2 ;;
    esac
done

# yperf op = x11perf test. x11perf has no bare round trip; QueryPointer is its cheapest.
PAIRS="noop=noop roundtrip=pointer rect1=rect1 rect10=rect10 rect100=rect100 rect500=rect500
seg10=seg10 seg100=seg100 line10=line10 circle10=circle10 fcircle100=fcircle100
triangle10=triangle10 ftext=ftext aa10text=aa10text putimage10=putimage10
putimage100=putimage100 putimage500=putimage500 shmput10=shmput10 shmput100=shmput100
shmput500=shmput500 getimage100=getimage100 copywinwin100=copywinwin100
copywinwin500=copywinwin500 copypixwin100=copypixwin100"
if [ -n "$ONLY" ]; then
    PAIRS=$(for p in $PAIRS; do case ",$ONLY," in *",${p%%=*},"*) echo "$p" ;; esac; done)
fi

# --- tools ------------------------------------------------------------------------------
missing=""
command -v Xvfb >/dev/null || missing="$missing xvfb"
command -v x11perf >/dev/null || missing="$missing x11-apps"
# shellcheck source=bench/packages.sh
. "$ROOT/bench/packages.sh"
# shellcheck disable=SC2086
install_missing vs-x11 $missing
echo "vs-x11: building (release)" >&2
cargo build --release -q -p yonder-server -p yonder-apps >&2
CARGO_TARGET_DIR="$ROOT/target/x11-latency" \
    cargo build --release -q --manifest-path bench/x11-latency/Cargo.toml >&2
SERVER=$ROOT/target/release/yonder-server
YPERF=$ROOT/target/release/yperf
X11LAT=$ROOT/target/x11-latency/release/x11-latency
PIN="taskset -c $CORE"

# --- servers ----------------------------------------------------------------------------
TMP=$(mktemp -d)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

$PIN Xvfb -displayfd 3 -screen 0 1280x800x24 -listen tcp -nolisten unix-abstract \
    3>"$TMP/xdisplay" >"$TMP/xvfb.log" 2>&1 &
PIDS="$PIDS $!"
XVFB_PID=$!
$PIN "$SERVER" --headless 1280x800 --no-window-manager --listen tcp --tcp-addr 127.0.0.1 \
    --socket-dir "$TMP/s" --cookie-file "$TMP/cookies" >"$TMP/yonder.out" 2>"$TMP/yonder.log" &
PIDS="$PIDS $!"
YONDER_PID=$!
for _ in $(seq 100); do
    [ -s "$TMP/xdisplay" ] && grep -q YONDER_DISPLAY "$TMP/yonder.out" && break
    sleep 0.1
done
XN=$(head -1 "$TMP/xdisplay")
YN=$(sed -n 's/^YONDER_DISPLAY=://p' "$TMP/yonder.out")
[ -n "$XN" ] && [ -n "$YN" ] || { echo "vs-x11: a server did not start" >&2; cat "$TMP"/*.log >&2; exit 1; }
export DISPLAY=:$XN
export YONDER_COOKIE_FILE=$TMP/cookies
YDISPLAY=unix:$TMP/s/display-$YN
YCOOKIE=$("$SERVER" --print-cookie ":$YN" --cookie-file "$TMP/cookies" | awk '{print $2}')

# --- helpers ----------------------------------------------------------------------------
# x11perf prints "N reps @ T msec (R/sec): label", N counting objects.
x11_rate() { # test reps -> objects/s
    $PIN x11perf -repeat 1 -reps "$2" "-$1" 2>/dev/null |
        sed -n 's/.*reps @ .*( *\([0-9.]*\)\/sec).*/\1/p' | head -1
}
y_rate() { # op -> objects/s
    $PIN "$YPERF" --display "$YDISPLAY" --time "$TIME" --only "$1" --json |
        sed -n 's/.*"per_second":\([0-9.]*\).*/\1/p'
}
median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
fmt() { awk -v v="$1" 'BEGIN { if (v == "") print "-"; else if (v >= 1e6) printf "%.2f M", v/1e6; else if (v >= 1e3) printf "%.1f k", v/1e3; else printf "%.0f", v }'; }

# x11perf runs a given number of repetitions; pick the count that lasts TIME seconds.
echo "vs-x11: calibrating x11perf" >&2
declare -A REPS
for pair in $PAIRS; do
    x=${pair#*=}
    reps=1
    for _ in 1 2 3 4 5 6 7 8; do
        out=$($PIN x11perf -repeat 1 -reps "$reps" "-$x" 2>/dev/null | grep 'reps @' | head -1 || true)
        n=$(echo "$out" | awk '{print $1}')
        r=$(echo "$out" | sed -n 's/.*( *\([0-9.]*\)\/sec).*/\1/p')
        if [ -z "$n" ] || [ -z "$r" ]; then
            echo "vs-x11: x11perf -$x did not run; skipped" >&2
            reps=0
            break
        fi
        secs=$(awk -v n="$n" -v r="$r" 'BEGIN { print (r > 0 ? n / r : 0) }')
        if awk -v s="$secs" 'BEGIN { exit !(s >= 0.2) }'; then
            break
        fi
        reps=$(awk -v s="$secs" -v k="$reps" 'BEGIN { f = (s > 0 ? 0.3 / s : 50); if (f > 50) f = 50; if (f < 2) f = 2; print int(k * f) + 1 }')
    done
    if [ "$reps" != 0 ]; then
        reps=$(awk -v s="$secs" -v k="$reps" -v t="$TIME" 'BEGIN { v = int(k * t / (s > 0 ? s : 1)); print (v < 1 ? 1 : v) }')
    fi
    REPS[$x]=$reps
done

declare -A XR YR
for round in $(seq "$ROUNDS"); do
    echo "vs-x11: round $round of $ROUNDS" >&2
    for pair in $PAIRS; do
        y=${pair%%=*}
        x=${pair#*=}
        if [ "${REPS[$x]}" != 0 ]; then
            XR[$y]="${XR[$y]:-} $(x11_rate "$x" "${REPS[$x]}")"
        fi
        YR[$y]="${YR[$y]:-} $(y_rate "$y")"
    done
done

# --- latency ----------------------------------------------------------------------------
echo "vs-x11: round-trip latency" >&2
lat() { sed -n 's/.*"p50_us":\([0-9.]*\),"p99_us":\([0-9.]*\).*/\1 \2/p'; }
X_UNIX=$($PIN "$X11LAT" "$LATENCY" --json | lat)
X_TCP=$(DISPLAY=127.0.0.1:$XN $PIN "$X11LAT" "$LATENCY" --json | lat)
Y_UNIX=$($PIN "$YPERF" --display "$YDISPLAY" --latency "$LATENCY" --json | lat)
Y_TCP=$(YONDER_COOKIE=$YCOOKIE $PIN "$YPERF" --display "127.0.0.1:$YN" --latency "$LATENCY" --json | lat)

# --- idle CPU ---------------------------------------------------------------------------
# CPU time (utime + stime, in clock ticks) a process uses over $IDLE seconds, in percent.
cpu10() {
    local a b
    a=$(awk '{print $14 + $15}' "/proc/$1/stat")
    sleep "$IDLE"
    b=$(awk '{print $14 + $15}' "/proc/$1/stat")
    awk -v d=$((b - a)) -v hz="$(getconf CLK_TCK)" -v t="$IDLE" 'BEGIN { printf "%.2f %%", 100 * d / hz / t }'
}
echo "vs-x11: idle CPU ($IDLE s each)" >&2
$PIN "$SERVER" --headless 1280x800 --socket-dir "$TMP/i" --cookie-file "$TMP/icookies" \
    >"$TMP/idle.out" 2>"$TMP/idle.log" &
IDLE_PID=$!
PIDS="$PIDS $IDLE_PID"
for _ in $(seq 100); do grep -q YONDER_DISPLAY "$TMP/idle.out" && break; sleep 0.1; done
IN=$(sed -n 's/^YONDER_DISPLAY=://p' "$TMP/idle.out")
sleep 1
IDLE_Y=$(cpu10 "$IDLE_PID")
IDLE_X=$(cpu10 "$XVFB_PID")
YONDER_COOKIE_FILE=$TMP/icookies $PIN "$YPERF" --display "unix:$TMP/i/display-$IN" \
    --still-windows 50 --time $((IDLE + 3)) >/dev/null &
STILL=$!
sleep 2
IDLE_Y50=$(cpu10 "$IDLE_PID")
wait "$STILL" || true

# --- window-count sweep -----------------------------------------------------------------
# Issue 17 §5, cost that does not grow with the number of windows: one client maps 32×32
# windows up to each count of $SWEEP in turn (yperf --sweep, x11-latency --sweep) and
# reports a JSON line per step. Each server is started afresh for it and runs alone,
# pinned like the others, and is stopped before the next starts.
if [ "$SWEEP" != none ]; then
    echo "vs-x11: window-count sweep over $SWEEP windows" >&2
    # The servers above are done with; stop them so that the sweep's have the core.
    for p in $XVFB_PID $YONDER_PID $IDLE_PID; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    sweep_yonder() { # name yonder-server-options... -> $TMP/sweep-NAME.json
        local name=$1 dir=$TMP/sweep-$1 pid n
        shift
        $PIN "$SERVER" --headless 1280x800 "$@" --socket-dir "$dir" --cookie-file "$dir.cookies" \
            >"$dir.out" 2>"$dir.log" &
        pid=$!
        PIDS="$PIDS $pid"
        for _ in $(seq 100); do grep -q YONDER_DISPLAY "$dir.out" && break; sleep 0.1; done
        n=$(sed -n 's/^YONDER_DISPLAY=://p' "$dir.out")
        [ -n "$n" ] || { echo "vs-x11: yonder-server $* did not start" >&2; cat "$dir.log" >&2; exit 1; }
        YONDER_COOKIE_FILE=$dir.cookies $PIN "$YPERF" --display "unix:$dir/display-$n" \
            --sweep "$SWEEP" --server-pid "$pid" --json >"$TMP/sweep-$name.json" ||
            echo "vs-x11: the sweep on yonder-server $* stopped early" >&2
        kill "$pid"; wait "$pid" 2>/dev/null || true
    }
    sweep_yonder wm
    sweep_yonder nowm --no-window-manager
    $PIN Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -nolisten unix-abstract \
        3>"$TMP/sweep-xdisplay" >"$TMP/sweep-xvfb.log" 2>&1 &
    SWX_PID=$!
    PIDS="$PIDS $SWX_PID"
    for _ in $(seq 100); do [ -s "$TMP/sweep-xdisplay" ] && break; sleep 0.1; done
    SWXN=$(head -1 "$TMP/sweep-xdisplay")
    [ -n "$SWXN" ] || { echo "vs-x11: Xvfb did not start" >&2; cat "$TMP/sweep-xvfb.log" >&2; exit 1; }
    DISPLAY=:$SWXN $PIN "$X11LAT" --sweep "$SWEEP" --server-pid "$SWX_PID" --json \
        >"$TMP/sweep-x11.json" || echo "vs-x11: the sweep on Xvfb stopped early" >&2
    kill "$SWX_PID"; wait "$SWX_PID" 2>/dev/null || true
fi

# --- report -----------------------------------------------------------------------------
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "## x11perf (Xvfb) against yperf (yonder-server), $(date -u +%Y-%m-%d)"
echo
echo "Machine: $(nproc) × $CPU, $(uname -sr). Xvfb $(dpkg-query -W -f='${Version}' xvfb 2>/dev/null || echo '?'), x11-apps (x11perf) $(dpkg-query -W -f='${Version}' x11-apps 2>/dev/null || echo '?')."
echo
echo "Pinning: Xvfb (1280x800x24) and \`yonder-server --headless 1280x800 --no-window-manager\`"
echo "each run under \`taskset -c $CORE\`, and so do x11perf and yperf: server and client share"
echo "core $CORE. $ROUNDS rounds, each running every x11perf test then the matching yperf op"
echo "(about $TIME s each); the figures are the medians of the rounds, in objects per second"
echo "(rectangles, segments, characters, images...), as x11perf counts them."
echo
echo "| op | x11perf test | X11 ops/s | Yonder ops/s | Yonder / X11 |"
echo "|---|---|---:|---:|---:|"
for pair in $PAIRS; do
    y=${pair%%=*}
    x=${pair#*=}
    xr=$(echo "${XR[$y]:-}" | tr ' ' '\n' | grep -v '^$' | median || true)
    yr=$(echo "${YR[$y]:-}" | tr ' ' '\n' | grep -v '^$' | median || true)
    ratio=$(awk -v a="$yr" -v b="$xr" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f×", a / b }')
    echo "| $y | -$x | $(fmt "$xr") | $(fmt "$yr") | $ratio |"
done
echo
echo "Round-trip latency ($LATENCY round trips each, client and server on core $CORE; X11:"
echo "GetInputFocus through x11rb, Yonder: Sync through the client library):"
echo
echo "| transport | X11 p50 | X11 p99 | Yonder p50 | Yonder p99 |"
echo "|---|---:|---:|---:|---:|"
read -r a b <<<"$X_UNIX"; read -r c d <<<"$Y_UNIX"
echo "| Unix socket | $a µs | $b µs | $c µs | $d µs |"
read -r a b <<<"$X_TCP"; read -r c d <<<"$Y_TCP"
echo "| TCP (127.0.0.1) | $a µs | $b µs | $c µs | $d µs |"
echo
echo "CPU use over $IDLE s (from /proc/PID/stat, utime + stime): idle Xvfb $IDLE_X; idle"
echo "yonder-server (headless, window manager on) $IDLE_Y; the same server with 50 still"
echo "mapped windows of a connected client $IDLE_Y50."

if [ "$SWEEP" != none ]; then
    # SW[name,windows,field]: p50 (µs), ms (create+map), rss (KiB), from the JSON lines.
    declare -A SW
    for name in wm nowm x11; do
        while read -r w p c r; do
            SW[$name,$w,p50]=$p; SW[$name,$w,ms]=$c; SW[$name,$w,rss]=$r
        done < <(sed -n 's/.*"windows":\([0-9]*\),"create_map_ms":\([0-9.]*\),.*"p50_us":\([0-9.]*\),.*"rss_kib":\([0-9]*\).*/\1 \3 \2 \4/p' \
            "$TMP/sweep-$name.json" 2>/dev/null)
    done
    # field windows unit -> the field for Yonder WM on / no WM / Xvfb, "-" for a missing one
    three() {
        local out="" v name
        for name in wm nowm x11; do
            v=${SW[$name,$2,$1]:-}
            if [ -n "$v" ]; then
                v=$(awk -v f="$1" -v v="$v" 'BEGIN { if (f == "rss") v /= 1024; printf (f == "rss" || v < 10 ? "%.1f" : "%.0f"), v }')
            fi
            out="$out${out:+ / }${v:--}"
        done
        echo "$out $3"
    }
    us() { if [ -n "$1" ]; then echo "$1 µs"; else echo "-"; fi; }
    # name first last -> the ratio of last's p50 to first's, or "-"
    growth() {
        awk -v a="${SW[$1,$2,p50]:-}" -v b="${SW[$1,$3,p50]:-}" \
            'BEGIN { if (a == "" || b == "" || a == 0) print "-"; else printf "%.1f×", b / a }'
    }
    # name first last -> KiB of resident memory per window added from first to last, or "-"
    per_window() {
        awk -v a="${SW[$1,$2,rss]:-}" -v b="${SW[$1,$3,rss]:-}" -v n=$(($3 - $2)) \
            'BEGIN { if (a == "" || b == "" || n <= 0) print "-"; else printf "%.1f KiB", (b - a) / n }'
    }
    COUNTS=$(echo "$SWEEP" | tr ',' ' ')
    FIRST=${COUNTS%% *}
    LAST=${COUNTS##* }
    echo
    echo "Window-count sweep (issue 17 §5): each server started afresh and alone on core $CORE, with"
    echo "one client on the same core creating and mapping 32×32 top-level windows (a grid over the"
    echo "screen, each with a background colour), cumulatively up to each count. Per step: the p50"
    echo "of 50 round trips (Yonder: Sync; X11: GetInputFocus through x11rb), the time to create and"
    echo "map the step's new windows, ended by a round trip (in ms), and the server's resident memory"
    echo "(VmRSS, in MiB). Yonder runs \`--headless 1280x800\` with its window manager (the default,"
    echo "which frames and places each window) and with \`--no-window-manager\`; Xvfb 1280x800x24."
    echo
    echo "| windows | Yonder (WM on) RTT p50 | Yonder (no WM) RTT p50 | Xvfb RTT p50 | create+map step (WM on / no WM / Xvfb) | RSS (WM on / no WM / Xvfb) |"
    echo "|---:|---:|---:|---:|---:|---:|"
    for w in $COUNTS; do
        echo "| $w | $(us "${SW[wm,$w,p50]:-}") | $(us "${SW[nowm,$w,p50]:-}") | $(us "${SW[x11,$w,p50]:-}") | $(three ms "$w" ms) | $(three rss "$w" MiB) |"
    done
    echo
    echo "Flatness, the RTT p50 at $LAST windows over that at $FIRST (the goal: flat within 2×):"
    echo "Yonder with the window manager $(growth wm "$FIRST" "$LAST"), without it $(growth nowm "$FIRST" "$LAST"), Xvfb $(growth x11 "$FIRST" "$LAST")."
    echo
    echo "Memory per window, the RSS growth from $FIRST to $LAST windows over the windows added:"
    echo "Yonder with the window manager $(per_window wm "$FIRST" "$LAST"), without it $(per_window nowm "$FIRST" "$LAST"), Xvfb $(per_window x11 "$FIRST" "$LAST")."
fi

# --- the sibling scripts' sections ------------------------------------------------------
# Run last, one after the other, with this script's servers gone: each starts its own.
# A part that cannot run says so on stderr and leaves its section out; the rest go on.
if [ "$PARTS" != none ]; then
    for part in $(echo "$PARTS" | tr ',' ' '); do
        case "$part" in
            bytes) args=(bench/vs-x11-bytes.sh --section) ;;
            clients) args=(bench/vs-x11-clients.sh) ;;
            interactive) args=(bench/vs-x11-interactive.sh) ;;
            *) echo "vs-x11: unknown part $part" >&2; continue ;;
        esac
        echo "vs-x11: $part" >&2
        echo
        "${args[@]}" $SMOKE || echo "vs-x11: the $part part did not run" >&2
    done
fi
