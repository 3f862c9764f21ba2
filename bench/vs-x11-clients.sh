#!/usr/bin/env bash
# bench/vs-x11-clients.sh: many clients drawing at once (issue 17 §2). For each op and each
# client count K, K x11perf processes draw at once on one Xvfb, each in its own window, and
# their objects/s are summed; then K yperf processes at once on a headless yonder-server
# (`--no-window-manager`), each with its own connection and window. Nothing is pinned: the
# servers and the clients float over every core. Prints one Markdown section: per op and K
# the two totals, their ratio and Yonder's total over its own single-client figure, then
# the issue's goal (Yonder ≥ 1.6× Xvfb's total with 4 clients on the server-bound ops).
#
#   bench/vs-x11-clients.sh [--time SECONDS] [--rounds N] [--only op,op] [--clients K,K,...]
#                           [--x11 screens|backing-store|clipped] [--smoke]
#
# Defaults: 2 s per run, 3 rounds (the figures are their medians), ops rect100, rect500,
# putimage100, shmput100, aa10text, copywinwin500, clients 1,2,4,8; about 5 minutes once
# built. A single client is always measured (the last column needs it).
# --smoke (CI): rect500 with 1 and 2 clients, 0.2 s, one round; its figures mean nothing.
#
# Windows. x11perf and yperf both put their 600×600 window at (2, 2), so K windows on one
# screen overlap. Yonder's windows always have backing stores and a headless server
# composes nothing, so overlapping costs it nothing. Xvfb draws only what is visible: a
# covered x11perf draws nothing and reports millions of 500×500 rectangles a second.
# Hence `--x11`:
#   screens        (default) Xvfb has one screen per client and client i draws on screen
#                  i: one server process, no window covered, nothing clipped; as each
#                  x11perf of bench/vs-x11.sh runs;
#   backing-store  one screen, Xvfb `+bs` and x11perf `-bs Always`: every window draws into
#                  its own pixmap, which Xvfb then copies to the screen where visible;
#   clipped        one screen, plain x11perf: above one client the totals are meaningless.
#
# x11perf runs a given number of repetitions: calibrated alone so a run lasts --time
# seconds, and each of K clients gets 1/K of them, so a batch lasts about as long as one
# run whatever K (as long as the total stays the same). The K processes of a batch are
# started together; each figure is a client's own objects/s over its own timed run, and a
# total is their sum. To check that the runs overlapped, each one's end is noted and its
# start taken as end − its duration; progress on stderr gives, per batch, the per-client
# figures, the spread of the starts, the total over the union of the runs (first start to
# last end) against the sum, and the server's CPU use during the batch.
# Needs Xvfb and x11perf (Debian: xvfb, x11-apps; installed when missing and run as root).
# A benchmark: it prints figures and fails only when something cannot run at all.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export LC_ALL=C # decimal points, in $EPOCHREALTIME too

TIME=2
ROUNDS=3
ONLY=rect100,rect500,putimage100,shmput100,aa10text,copywinwin500
CLIENTS=1,2,4,8
X11=screens
while [ $# -gt 0 ]; do
    case "$1" in
        --time) TIME=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        --x11) X11=$2; shift 2 ;;
        --smoke) TIME=0.2; ROUNDS=1; ONLY=rect500; CLIENTS=1,2; shift ;;
        -h|--help) sed -n '2,39p' "$0"; exit 0 ;;
        *) echo "vs-x11-clients: unknown option $1" >&2; exit 2 ;;
    esac
done
say() { echo "vs-x11-clients: $*" >&2; }

# yperf's ops and x11perf's tests have the same names here.
OPS=$(echo "$ONLY" | tr ',' ' ')
for op in $OPS; do
    case "$op" in
        rect100|rect500|putimage100|shmput100|aa10text|copywinwin500) ;;
        *) say "op $op is not one of rect100 rect500 putimage100 shmput100 aa10text copywinwin500"; exit 2 ;;
    esac
done
# The client counts, 1 first (each row's last column divides by it), no duplicates.
KS=$(echo "1,$CLIENTS" | tr ',' '\n' | grep -E '^[1-9][0-9]*$' | sort -n | uniq | tr '\n' ' ')
MAXK=$(echo "$KS" | tr ' ' '\n' | grep -v '^$' | tail -1)
case "$X11" in
    screens) XSCREENS=$MAXK; XBS=() ;;
    backing-store) XSCREENS=1; XBS=(-bs Always) ;;
    clipped) XSCREENS=1; XBS=() ;;
    *) say "--x11 takes screens, backing-store or clipped"; exit 2 ;;
esac

# --- tools ------------------------------------------------------------------------------
missing=""
command -v Xvfb >/dev/null || missing="$missing xvfb"
command -v x11perf >/dev/null || missing="$missing x11-apps"
# shellcheck source=bench/packages.sh
. "$ROOT/bench/packages.sh"
# shellcheck disable=SC2086
install_missing vs-x11-clients $missing
say "building (release)"
cargo build --release -q -p yonder-server -p yonder-apps >&2
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
SERVER=$TARGET/release/yonder-server
YPERF=$TARGET/release/yperf

# --- servers ----------------------------------------------------------------------------
TMP=$(mktemp -d)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT

screens=()
for s in $(seq 0 $((XSCREENS - 1))); do screens+=(-screen "$s" 1280x800x24); done
Xvfb -displayfd 3 +bs "${screens[@]}" -nolisten tcp -nolisten unix-abstract \
    3>"$TMP/xdisplay" >"$TMP/xvfb.log" 2>&1 &
XVFB_PID=$!
PIDS="$PIDS $XVFB_PID"
"$SERVER" --headless 1280x800 --no-window-manager --socket-dir "$TMP/s" \
    --cookie-file "$TMP/cookies" >"$TMP/yonder.out" 2>"$TMP/yonder.log" &
YONDER_PID=$!
PIDS="$PIDS $YONDER_PID"
for _ in $(seq 100); do
    [ -s "$TMP/xdisplay" ] && grep -q YONDER_DISPLAY "$TMP/yonder.out" && break
    sleep 0.1
done
XN=$(head -1 "$TMP/xdisplay")
YN=$(sed -n 's/^YONDER_DISPLAY=://p' "$TMP/yonder.out")
if [ -z "$XN" ] || [ -z "$YN" ]; then
    say "a server did not start"
    cat "$TMP"/*.log >&2
    exit 1
fi
export YONDER_COOKIE_FILE=$TMP/cookies
YDISPLAY=unix:$TMP/s/display-$YN

# --- helpers ----------------------------------------------------------------------------
median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else if (NR) print (v[NR/2]+v[NR/2+1])/2}'; }
fmt() { awk -v v="$1" 'BEGIN { if (v == "") print "-"; else if (v >= 1e6) printf "%.2f M", v/1e6; else if (v >= 1e3) printf "%.1f k", v/1e3; else printf "%.0f", v }'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
# x11perf prints "N reps @ T msec (R/sec): label", N counting objects.
x11perf_line() { # test reps client(1..K)
    DISPLAY=:$XN.$((($3 - 1) % XSCREENS)) x11perf "${XBS[@]}" -repeat 1 -reps "$2" "-$1" \
        2>/dev/null | grep 'reps @' | head -1 || true
}

# x11perf runs a given number of repetitions; pick the count that lasts TIME seconds for
# one client alone (as bench/vs-x11.sh does).
say "calibrating x11perf (--x11 $X11)"
declare -A REPS
for x in $OPS; do
    reps=1
    secs=0
    for _ in 1 2 3 4 5 6 7 8; do
        out=$(x11perf_line "$x" "$reps" 1)
        n=$(echo "$out" | awk '{print $1}')
        r=$(echo "$out" | sed -n 's/.*( *\([0-9.]*\)\/sec).*/\1/p')
        if [ -z "$n" ] || [ -z "$r" ]; then
            say "x11perf -$x did not run; its X11 column is left empty"
            reps=0
            break
        fi
        secs=$(awk -v n="$n" -v r="$r" 'BEGIN { print (r > 0 ? n / r : 0) }')
        awk -v s="$secs" 'BEGIN { exit !(s >= 0.2) }' && break
        reps=$(awk -v s="$secs" -v k="$reps" 'BEGIN { f = (s > 0 ? 0.3 / s : 50); if (f > 50) f = 50; if (f < 2) f = 2; print int(k * f) + 1 }')
    done
    if [ "$reps" != 0 ]; then
        reps=$(awk -v s="$secs" -v k="$reps" -v t="$TIME" 'BEGIN { v = int(k * t / (s > 0 ? s : 1)); print (v < 1 ? 1 : v) }')
    fi
    REPS[$x]=$reps
done

# Each batch leaves one line per client in $TMP/b.N: "rate duration end", the client's
# objects/s, the seconds of its timed run and the wall-clock time it exited.
# batch_report side op k server-pid ticks-before wall-before -> "sum union% slowest/fastest"
# (stderr: the details); nothing when a client did not report.
batch_report() {
    local side=$1 op=$2 k=$3 pid=$4 t0=$5 w0=$6 t1 w1 got
    t1=$(ticks "$pid")
    w1=$EPOCHREALTIME
    got=$(cat "$TMP"/b.* 2>/dev/null | grep -c . || true)
    if [ "$got" != "$k" ]; then
        say "$side $op ×$k: only $got of $k clients reported; no figure"
        return 0
    fi
    cat "$TMP"/b.* | awk -v side="$side" -v op="$op" -v k="$k" -v cpu="$((t1 - t0))" \
        -v hz="$HZ" -v wall="$(awk -v a="$w0" -v b="$w1" 'BEGIN { print b - a }')" '
        { rate[NR] = $1; start = $3 - $2
          sum += $1; objects += $1 * $2
          if (NR == 1 || start < s0) s0 = start; if (NR == 1 || start > s1) s1 = start
          if (NR == 1 || $3 > e1) e1 = $3
          if (NR == 1 || $1 < lo) lo = $1; if (NR == 1 || $1 > hi) hi = $1 }
        END {
            each = ""
            for (i = 1; i <= NR; i++) each = each sprintf(" %.0f", rate[i])
            union = (e1 > s0 ? objects / (e1 - s0) : 0)
            pct = (sum > 0 ? 100 * union / sum : 0)
            printf "vs-x11-clients: %s %s ×%d: per client%s; sum %.0f; over the union of the runs %.0f (%.0f%% of the sum); starts spread %.0f ms; server CPU %.0f%%\n", side, op, k, each, sum, union, pct, 1000 * (s1 - s0), 100 * cpu / hz / wall > "/dev/stderr"
            printf "%.1f %.0f %.2f\n", sum, pct, (hi > 0 ? lo / hi : 0)
        }'
}

x_batch() { # op k -> batch_report's line
    local op=$1 k=$2 reps i t0 w0 pids=()
    reps=$((REPS[$op] / k))
    [ "$reps" -ge 1 ] || reps=1
    rm -f "$TMP"/b.*
    t0=$(ticks "$XVFB_PID")
    w0=$EPOCHREALTIME
    for i in $(seq "$k"); do
        (
            out=$(x11perf_line "$op" "$reps" "$i")
            end=$EPOCHREALTIME
            n=$(echo "$out" | awk '{print $1}')
            r=$(echo "$out" | sed -n 's/.*( *\([0-9.]*\)\/sec).*/\1/p')
            [ -n "$n" ] && [ -n "$r" ] && awk -v n="$n" -v r="$r" -v e="$end" \
                'BEGIN { if (r > 0) printf "%s %.6f %s\n", r, n / r, e }' >"$TMP/b.$i"
        ) &
        pids+=($!)
    done
    wait "${pids[@]}" || true
    batch_report X11 "$op" "$k" "$XVFB_PID" "$t0" "$w0"
}

y_batch() { # op k -> batch_report's line
    local op=$1 k=$2 i t0 w0 pids=()
    rm -f "$TMP"/b.*
    t0=$(ticks "$YONDER_PID")
    w0=$EPOCHREALTIME
    for i in $(seq "$k"); do
        (
            r=$("$YPERF" --display "$YDISPLAY" --time "$TIME" --only "$op" --json |
                sed -n 's/.*"per_second":\([0-9.]*\).*/\1/p')
            end=$EPOCHREALTIME
            # yperf's timed run lasts --time (and its closing round trip).
            [ -n "$r" ] && echo "$r $TIME $end" >"$TMP/b.$i"
        ) &
        pids+=($!)
    done
    wait "${pids[@]}" || true
    batch_report Yonder "$op" "$k" "$YONDER_PID" "$t0" "$w0"
}

# --- runs -------------------------------------------------------------------------------
# Per round, per op, per K: the X11 batch, then the Yonder batch (alternating, so that
# whatever else the machine does falls on both alike).
# XR/YR[op,k]: the sums of the rounds. OVERLAP/FAIR[side]: a line per batch of more than
# one client, "figure op k": the union's share of the sum (%), the slowest client's
# figure over the fastest's.
declare -A XR YR OVERLAP FAIR
record() { # side op k "sum union% slowest/fastest" (a batch's report, maybe empty)
    local sum union fair
    read -r sum union fair <<<"$4"
    [ -n "$sum" ] || return 0
    if [ "$1" = X11 ]; then XR[$2,$3]="${XR[$2,$3]:-} $sum"; else YR[$2,$3]="${YR[$2,$3]:-} $sum"; fi
    if [ "$3" != 1 ]; then
        OVERLAP[$1]="${OVERLAP[$1]:-}$union $2 $3"$'\n'
        FAIR[$1]="${FAIR[$1]:-}$fair $2 $3"$'\n'
    fi
}
for round in $(seq "$ROUNDS"); do
    for op in $OPS; do
        for k in $KS; do
            say "round $round of $ROUNDS: $op, $k client(s)"
            if [ "${REPS[$op]}" != 0 ]; then
                record X11 "$op" "$k" "$(x_batch "$op" "$k")"
            fi
            record Yonder "$op" "$k" "$(y_batch "$op" "$k")"
        done
    done
done
for p in $XVFB_PID $YONDER_PID; do
    kill -0 "$p" 2>/dev/null || { say "a server died during the runs"; cat "$TMP"/*.log >&2; exit 1; }
done

# --- report -----------------------------------------------------------------------------
med() { echo "$1" | tr ' ' '\n' | grep -v '^$' | median || true; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f×", a / b }'; }
# side OVERLAP|FAIR -> "figure (op, K clients)" of the batch with the lowest figure, or "-"
worst() {
    local line v o k unit=""
    if [ "$2" = OVERLAP ]; then line=$(printf '%s' "${OVERLAP[$1]:-}" | sort -g | head -1); unit=" %"
    else line=$(printf '%s' "${FAIR[$1]:-}" | sort -g | head -1); fi
    [ -n "$line" ] || { echo "-"; return 0; }
    read -r v o k <<<"$line"
    echo "$v$unit ($o, $k clients)"
}
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
case "$X11" in
    screens) XHOW="Xvfb has one 1280x800x24 screen per client, and each x11perf draws on its own: no window is covered, nothing is clipped" ;;
    backing-store) XHOW="Xvfb has one 1280x800x24 screen (\`+bs\`), the x11perf windows overlap there and run with \`-bs Always\`: each draws into its own pixmap, copied to the screen where visible" ;;
    clipped) XHOW="Xvfb has one 1280x800x24 screen and the x11perf windows overlap there: above one client the X11 totals count drawing clipped away under the top window, and mean nothing" ;;
esac
# Prints its arguments as one paragraph, wrapped at 92 columns.
para() { echo "$*" | fold -s -w 92 | sed 's/ *$//'; }
echo "## Many clients (both cores, nothing pinned)"
echo
para "$(date -u +%Y-%m-%d), $(nproc) × $CPU, $(uname -sr); Xvfb $(dpkg-query -W -f='${Version}' xvfb 2>/dev/null || echo '?')." \
    "Xvfb, \`yonder-server --headless 1280x800 --no-window-manager\` and the clients all" \
    "unpinned (CPUs $(taskset -cp "$YONDER_PID" | sed 's/.*: //')). K clients start together, each with its own connection and its" \
    "own 600×600 window at (2, 2): x11perf on Xvfb, then \`yperf --only OP\` on Yonder, about" \
    "$TIME s each. $XHOW; the yperf windows overlap, which costs Yonder nothing (backing stores," \
    "and a headless server composes nothing). A total is the sum of the K clients' objects" \
    "per second; the figures are medians of $ROUNDS round(s)."
echo
echo "| op | clients | X11 total ops/s | Yonder total ops/s | Yonder / X11 | Yonder total / Yonder 1 client |"
echo "|---|---:|---:|---:|---:|---:|"
for op in $OPS; do
    y1=$(med "${YR[$op,1]:-}")
    for k in $KS; do
        xr=$(med "${XR[$op,$k]:-}")
        yr=$(med "${YR[$op,$k]:-}")
        echo "| $op | $k | $(fmt "$xr") | $(fmt "$yr") | $(ratio "$yr" "$xr") | $(ratio "$yr" "$y1") |"
    done
done
echo
goal=""
all=yes
for op in rect500 copywinwin500 shmput100; do
    case " $OPS " in *" $op "*) ;; *) continue ;; esac
    case " $KS " in *" 4 "*) ;; *) continue ;; esac
    r=$(ratio "$(med "${YR[$op,4]:-}")" "$(med "${XR[$op,4]:-}")")
    ok=$(awk -v r="${r%×}" 'BEGIN { print (r != "-" && r + 0 >= 1.6 ? "yes" : "no") }')
    [ "$ok" = yes ] || all=no
    goal="$goal${goal:+, }$op $r ($ok)"
done
if [ -n "$goal" ]; then
    echo "Goal (issue 17 §2), Yonder ≥ 1.6× X11's total with 4 clients on the server-bound ops: $goal; met: $all."
else
    echo "Goal (issue 17 §2), Yonder ≥ 1.6× X11's total with 4 clients on rect500, copywinwin500 and shmput100: not measured in this run."
fi
if [ -n "${OVERLAP[X11]:-}${OVERLAP[Yonder]:-}" ]; then
    echo
    para "Overlap: a batch's objects over the time from its first client's start to its last" \
        "one's end came, at worst, to X11 $(worst X11 OVERLAP), Yonder $(worst Yonder OVERLAP)" \
        "of the sum (yperf runs for a time, x11perf for a count: x11perf clients served faster" \
        "finish first). Fairness, the slowest client's figure over the fastest's in a batch, at" \
        "worst: X11 $(worst X11 FAIR), Yonder $(worst Yonder FAIR)."
fi
