#!/usr/bin/env bash
# bench/x11-bridge.sh: existing X11 programs shown on a remote terminal, three ways, side
# by side. The "app host" and the "terminal" are this machine; every byte between them
# goes through bench/delay-proxy (a one-way delay and a bandwidth cap shared by all
# connections, as one line; it counts the bytes both ways):
#
# - Yonder bridge: `yonder-x11 -- xterm` on the app host, a client of a headless
#   `yonder-server --no-window-manager --allow-synthetic-input` (the terminal) over TCP;
# - Xpra 3.1 (Debian's `xpra`): `xpra start` with the xterm on the app host (its own Xvfb,
#   1280×800 as the bridge's, no mmap, mdns, notifications, sound, webcam, printing, file
#   transfer or dbus), `xpra attach tcp://...` on the terminal, whose screen is an Xvfb;
# - X11 forwarding: the xterm on the app host with DISPLAY pointing over TCP at the
#   terminal's Xvfb (`-listen tcp -ac`).
#
# Neither terminal has a window manager; the xterm (`-geometry 80x24+0+0`, bash without
# rc files) is at (0, 0) on every screen. A watcher on the terminal side
# (bench/x11-bridge-probe, one program for both kinds of screen: FakeInput and GetImage of
# the root on a direct connection to the Yonder display with its trusted cookie, XTEST and
# GetImage on the terminal's Xvfb) measures:
#
# - keystroke to pixels: the pointer moved onto the xterm from the screen's corner (focus
#   follows the pointer on all three; the watcher does so before it types, each time, as
#   a bridge's window under a pointer standing still was seen to get no keys), then per
#   key a letter pressed and released, the xterm's first line polled every 0.5 ms until
#   it changes (the echoed letter); 20 keys, p50, p90 and the first key, on a local link
#   (no delay, no cap) and at 100 ms RTT, 10 Mbit/s. The floor for all three is one
#   round trip;
# - `seq 1 2000` typed with Enter: the bytes through the proxy, both ways, from the first
#   key (the pointer in the xterm, the link quiet) until the link has been quiet
#   for a second, and the time until the xterm's pixels were last changed (still for a
#   second after); the median of 5 runs, with the range of the bytes (the bridge's vary
#   from run to run with the frames of xterm's scrolling it happens to copy);
# - a GTK 3 program's start-up (`zenity --info`), started on the app host into the
#   running session (the bridge's X display, Xpra's, the forwarded DISPLAY), on both
#   links: the time until the terminal's screen shows its window's content (among the
#   pixels that changed, at least 20 dark ones and 1000 light ones: text on a window's
#   background; an unpainted window does not count), and the bytes until the link is
#   quiet. Yonder also with a bridge of its own (`yonder-x11 -- zenity`, its Xvfb
#   started too), as one runs a single program, at 100 ms RTT;
# - 10 xlogo started together into the session at 100 ms RTT: the time until all show;
#   then memory and CPU of what sits between the programs and the link, with the xterm
#   and those 10 idle windows: the bridge and its Xvfb, Xpra's server and its Xvfb; RSS
#   at the end (the total, then each) and CPU ticks over 10 s, from /proc/PID/status and
#   stat. X11 forwarding has nothing there.
#
#   bench/x11-bridge.sh [--keys N] [--idle SECONDS]
#   bench/x11-bridge.sh --smoke     (CI: 3 keys, one `seq 1 200`, 3 xlogo, 1 s idle, a
#                                    10 ms link; checks that everything starts)
#
# Prints one Markdown table; X11_BRIDGE_LOGS=DIR keeps the logs and the watcher's output
# (per key, per run) in DIR. Needs Xvfb, xterm, zenity and xlogo (Debian: xvfb xterm zenity
# x11-apps; installed when missing and run as root) and, for the Xpra column, xpra,
# python3-gi-cairo and python3-pil (below); --smoke skips the column when they are missing,
# a full run stops and says what to install. Fails when something does not start.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SMOKE=0
KEYS=20
DELAY_MS=50
RATE_MBIT=10
SEQ=2000
SEQ_RUNS=5
WINDOWS=10
IDLE=10
QUIET=1
QUIET_MS=1000
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke)
            SMOKE=1; KEYS=3; DELAY_MS=5; SEQ=200; SEQ_RUNS=1; WINDOWS=3; IDLE=1
            QUIET=0.5; QUIET_MS=500
            shift ;;
        --keys) KEYS=$2; shift 2 ;;
        --idle) IDLE=$2; shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "x11-bridge: unknown option $1" >&2; exit 2 ;;
    esac
done
RTT=$((2 * DELAY_MS))
SLOW="$RTT ms RTT, $RATE_MBIT Mbit/s"

# --- tools ------------------------------------------------------------------------------
missing=""
command -v Xvfb >/dev/null || missing="$missing xvfb"
command -v xterm >/dev/null || missing="$missing xterm"
command -v zenity >/dev/null || missing="$missing zenity"
command -v xlogo >/dev/null || missing="$missing x11-apps"
# shellcheck source=bench/packages.sh
. "$ROOT/bench/packages.sh"
# shellcheck disable=SC2086
install_missing x11-bridge $missing
XPRA=1
xpra_missing=""
command -v xpra >/dev/null || xpra_missing="xpra"
# Two of what Xpra 3.1 needs are not among the Debian package's dependencies: its client
# paints with cairo through PyGObject (python3-gi-cairo: without it, its windows stay
# black), and its server imports PIL for every window (python3-pil, a recommendation:
# without it, no client can attach).
XPRA_PACKAGES="xpra python3-gi-cairo python3-pil"
if [ -z "$xpra_missing" ]; then
    /usr/bin/python3 -c 'import gi; gi.require_foreign("cairo")' 2>/dev/null ||
        xpra_missing="python3-gi-cairo"
    /usr/bin/python3 -c 'import PIL.Image' 2>/dev/null ||
        xpra_missing="${xpra_missing:+$xpra_missing }python3-pil"
fi
if [ -n "$xpra_missing" ]; then
    if [ "$SMOKE" = 1 ]; then
        XPRA=0
    else
        echo "x11-bridge: the Xpra column needs $xpra_missing: apt-get install $XPRA_PACKAGES" >&2
        exit 1
    fi
fi

echo "x11-bridge: building (release)" >&2
cargo build --release -q -p yonder-server -p yonder-x11 >&2
# The watcher is a package of its own (outside the workspace, like bench/x11-latency); it
# shares the workspace's target directory, and so its compiled dependencies.
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}" \
    cargo build --release -q --manifest-path bench/x11-bridge-probe/Cargo.toml >&2
bin=${CARGO_TARGET_DIR:-$ROOT/target}/release
PROBE=$bin/x11-bridge-probe

# shellcheck source=bench/common.sh
source bench/common.sh
# Xpra sessions still running at exit are stopped the way Xpra wants (its server ignores
# SIGTERM), before common.sh's cleanup kills what is left.
xpra_displays=()
stop_xpra_sessions() {
    local d
    for d in "${xpra_displays[@]}"; do
        XPRA_USER_CONF_DIRS=$tmp/xpra-conf timeout 15 xpra stop "$d" \
            --socket-dirs="$tmp/xpra" >/dev/null 2>&1 || true
    done
    xpra_displays=()
}
# X11_BRIDGE_LOGS=DIR keeps every log and watcher's output there (a copy of $tmp at exit).
keep_logs() {
    if [ -n "${X11_BRIDGE_LOGS:-}" ]; then
        mkdir -p "$X11_BRIDGE_LOGS"
        cp -r "$tmp"/. "$X11_BRIDGE_LOGS"/ 2>/dev/null || true
    fi
}
trap 'stop_xpra_sessions; keep_logs; cleanup' EXIT

fail() {
    echo "x11-bridge: $*" >&2
    exit 1
}

# Whether process $1 is running (a zombie is not).
alive() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

# Ends process $1: SIGTERM, then SIGKILL after $2 seconds (default 3).
stop_pid() {
    local pid=$1 i
    kill "$pid" 2>/dev/null || return 0
    for i in $(seq $((${2:-3} * 20))); do
        alive "$pid" || return 0
        sleep 0.05
    done
    kill -9 "$pid" 2>/dev/null || true
}

# The PIDs of process $1's children whose command name is $2.
children_named() {
    local d s comm f
    for d in /proc/[0-9]*; do
        s=$(cat "$d/stat" 2>/dev/null) || continue
        comm=${s#*(}
        comm=${comm%%) *}
        # After the name: state, parent, ...
        read -r -a f <<<"${s##*) }"
        if [ "${f[1]}" = "$1" ] && [ "$comm" = "$2" ]; then
            echo "${d#/proc/}"
        fi
    done
}

# CPU ticks (user + system) and RSS (kB) of process $1: "TICKS RSS".
usage_of() {
    local ticks rss
    ticks=$(sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }')
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status")
    echo "$ticks $rss"
}

# --- the link ---------------------------------------------------------------------------
# start_proxy NAME TARGET_PORT DELAY_MS RATE_MBIT: a delay proxy in front of 127.0.0.1:PORT;
# sets proxy_port, proxy_pid and stats (the file of its byte counts).
proxy_pid=""
start_proxy() {
    local name=$1 target=$2 delay=$3 rate=$4
    proxy_port=$(free_port $((target + 200)))
    stats=$tmp/$name.stats
    echo "0 0" >"$stats"
    python3 bench/delay-proxy/delay_proxy.py --listen "$proxy_port" \
        --target "127.0.0.1:$target" --delay-ms "$delay" --rate-mbit "$rate" --shared-rate \
        --stats "$stats" >"$tmp/$name.proxy" 2>&1 &
    proxy_pid=$!
    pids+=("$proxy_pid")
    wait_for_line "$tmp/$name.proxy" listening
}
stop_proxy() {
    [ -n "$proxy_pid" ] && stop_pid "$proxy_pid"
    proxy_pid=""
}
# The bytes the proxy has carried so far, both ways.
carried() {
    awk '{ print $1 + $2 }' "$stats"
}
# Waits until the proxy has carried nothing for $QUIET seconds (60 s at most).
wait_quiet() {
    local last now still=0 step=0.1 i
    last=$(cat "$stats")
    for i in $(seq 600); do
        sleep "$step"
        now=$(cat "$stats")
        if [ "$now" = "$last" ]; then
            still=$(awk -v s="$still" -v d="$step" 'BEGIN { print s + d }')
            if awk -v s="$still" -v q="$QUIET" 'BEGIN { exit !(s >= q) }'; then
                return 0
            fi
        else
            last=$now
            still=0
        fi
    done
    fail "the link never went quiet ($stats: $now)"
}
kib() {
    awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'
}

# --- the terminals ----------------------------------------------------------------------
"$bin/yonder-server" --headless 1280x800 --listen tcp --tcp-addr 127.0.0.1 \
    --no-window-manager --allow-synthetic-input --detach-grace 0 --socket-dir "$tmp/sockets" \
    --cookie-file "$tmp/cookies" >"$tmp/yonder.out" 2>"$tmp/yonder.err" &
pids+=($!)
wait_for_line "$tmp/yonder.out" YONDER_DISPLAY=
yn=$(sed -n 's/^YONDER_DISPLAY=://p' "$tmp/yonder.out")
ycookie=$(awk -v d=":$yn" '$1 == d { print $2 }' "$tmp/cookies")
# The watcher reads the screen (GetImage of the root), which only a trusted client may.
ytrusted=$(awk -v d=":$yn+trusted" '$1 == d { print $2 }' "$tmp/cookies")
if [ -z "$ycookie" ] || [ -z "$ytrusted" ]; then fail "no cookies for display :$yn"; fi
yprobe() {
    YONDER_TRUSTED=1 YONDER_TRUSTED_COOKIE=$ytrusted \
        "$PROBE" --yonder "unix:$tmp/sockets/display-$yn" "$@"
}

# start_xvfb NAME: a terminal-side Xvfb (TCP, no access control); sets xvfb_number.
start_xvfb() {
    exec 3>"$tmp/$1.xdisplay"
    Xvfb -displayfd 3 -screen 0 1280x800x24 -ac -listen tcp -nolisten unix-abstract \
        >"$tmp/$1.xvfb.log" 2>&1 &
    pids+=($!)
    exec 3>&-
    wait_for_line "$tmp/$1.xdisplay" '[0-9]'
    xvfb_number=$(head -1 "$tmp/$1.xdisplay")
}
start_xvfb x11
xn=$xvfb_number
if [ "$XPRA" = 1 ]; then
    start_xvfb xpra
    pn=$xvfb_number
fi

# The program every session runs: an xterm at (0, 0), a shell without rc files.
cat >"$tmp/xterm.sh" <<'EOF'
#!/bin/sh
PS1='bench$ ' exec xterm -geometry 80x24+0+0 -e bash --norc --noprofile
EOF
chmod +x "$tmp/xterm.sh"
# N xlogo windows in rows of five beside the xterm, ended with the script.
cat >"$tmp/xlogos.sh" <<'EOF'
#!/bin/sh
pids=""
i=0
while [ "$i" -lt "$1" ]; do
    xlogo -geometry "100x100+$((520 + i % 5 * 110))+$((360 + i / 5 * 110))" >/dev/null 2>&1 &
    pids="$pids $!"
    i=$((i + 1))
done
trap 'kill $pids 2>/dev/null; exit 0' TERM INT
wait
EOF
chmod +x "$tmp/xlogos.sh"
XTERM_RECT=0,0,484,316
XTERM_LINE=0,0,484,26
XTERM_AT=240,150
# GTK's accessibility bus and a session bus would cost each system the same time (or
# time-outs): none.
export NO_AT_BRIDGE=1
unset DBUS_SESSION_BUS_ADDRESS
ZENITY=(zenity --info --title "x11-bridge" --text "A GTK 3 dialog on a remote terminal" --timeout 120)
# The keys' still time: the rest of a key's change arrives within a round trip or two.
STILL=$((100 + 2 * RTT))
TIMEOUT=30
# Programs over X11 wait for round trips many times before their first frame (xterm about
# 27 s at 100 ms RTT, zenity 12 s).
SLOW_TIMEOUT=$((30 + RTT))

# --- the sessions -----------------------------------------------------------------------
# start_session SYSTEM LINK: the xterm of SYSTEM (yonder, xpra, x11) through a new proxy
# (LINK: local or slow), waiting until it shows; sets app_display and app_auth (what a
# program started on the app host into the session uses) and session_pids.
session_pids=()
start_session() {
    local system=$1 link=$2 delay=0 rate=0 out
    if [ "$link" = slow ]; then delay=$DELAY_MS; rate=$RATE_MBIT; fi
    out=$tmp/$system-$link
    session_pids=()
    case $system in
        yonder)
            start_proxy "$system-$link" $((7100 + yn)) "$delay" "$rate"
            YONDER_DISPLAY="127.0.0.1:$((proxy_port - 7100))" YONDER_COOKIE=$ycookie \
                "$bin/yonder-x11" -- "$tmp/xterm.sh" >"$out.bridge" 2>&1 &
            session_pids+=($!)
            pids+=($!)
            wait_for_line "$out.bridge" "X programs use DISPLAY="
            app_display=$(sed -n 's/.*X programs use DISPLAY=\(:[0-9]*\) .*/\1/p' "$out.bridge")
            app_auth=$(sed -n 's/.*XAUTHORITY=\(.*\)$/\1/p' "$out.bridge")
            yprobe frame --rect "$XTERM_RECT" --timeout "$SLOW_TIMEOUT" >"$out.ready" ||
                fail "the bridge's xterm never showed ($(cat "$out.bridge"))"
            ;;
        xpra)
            local port d
            port=$(free_port 14500)
            # The Debian configuration starts `/etc/X11/Xsession true` in every session
            # (an error dialog here): a configuration of the user's own empties `start`.
            mkdir -p "$tmp/xpra" "$tmp/xpra-conf"
            printf 'start =\n' >"$tmp/xpra-conf/xpra.conf"
            d=100
            while [ -e "/tmp/.X$d-lock" ] || [ -e "/tmp/.X11-unix/X$d" ]; do
                d=$((d + 1))
                [ "$d" -lt 200 ] || fail "no free X display for Xpra"
            done
            app_display=:$d
            app_auth=$out.Xauthority
            touch "$app_auth"
            XPRA_USER_CONF_DIRS=$tmp/xpra-conf XAUTHORITY=$app_auth \
                xpra start "$app_display" --daemon=no --bind-tcp="127.0.0.1:$port" \
                --socket-dir="$tmp/xpra" --socket-dirs="$tmp/xpra" --mmap=no --mdns=no \
                --notifications=no --pulseaudio=no --webcam=no --speaker=off \
                --microphone=off --printing=no --file-transfer=no --dbus-proxy=no \
                --dbus-control=no --dbus-launch= --systemd-run=no --html=off \
                --start-child="$tmp/xterm.sh" --exit-with-children=no \
                --xvfb="Xvfb +extension Composite -screen 0 1280x800x24+32 -nolisten tcp -noreset -auth $app_auth" \
                >"$out.server" 2>&1 &
            xpra_pid=$!
            session_pids+=("$xpra_pid")
            pids+=("$xpra_pid")
            xpra_displays+=("$app_display")
            local i
            for i in $(seq 300); do
                grep -q "xpra is ready" "$out.server" && break
                alive "$xpra_pid" || fail "xpra's server ended: $(tail -5 "$out.server")"
                sleep 0.1
            done
            grep -q "xpra is ready" "$out.server" || fail "xpra's server never got ready"
            xpra_xvfb=$(children_named "$xpra_pid" Xvfb | head -1)
            [ -n "$xpra_xvfb" ] || fail "no Xvfb under xpra's server"
            session_pids+=("$xpra_xvfb")
            pids+=("$xpra_xvfb")
            start_proxy "$system-$link" "$port" "$delay" "$rate"
            DISPLAY=:$pn XPRA_USER_CONF_DIRS=$tmp/xpra-conf \
                xpra attach "tcp://127.0.0.1:$proxy_port/" --socket-dirs="$tmp/xpra" \
                --mmap=no --opengl=no --tray=no --notifications=no --speaker=off \
                --microphone=off --webcam=no --printing=no --file-transfer=no \
                --desktop-scaling=off --mdns=no >"$out.client" 2>&1 &
            session_pids+=($!)
            pids+=($!)
            "$PROBE" --x "$pn" frame --rect "$XTERM_RECT" --timeout "$SLOW_TIMEOUT" >"$out.ready" ||
                fail "Xpra's xterm never showed ($(tail -5 "$out.client"))"
            ;;
        x11)
            start_proxy "$system-$link" $((6000 + xn)) "$delay" "$rate"
            app_display=127.0.0.1:$((proxy_port - 6000))
            app_auth=/dev/null
            DISPLAY=$app_display "$tmp/xterm.sh" >"$out.xterm" 2>&1 &
            session_pids+=($!)
            pids+=($!)
            "$PROBE" --x "$xn" frame --rect "$XTERM_RECT" --timeout "$SLOW_TIMEOUT" >"$out.ready" ||
                fail "the forwarded xterm never showed ($(cat "$out.xterm"))"
            ;;
    esac
}
stop_session() {
    local p
    if [ "$1" = xpra ]; then stop_xpra_sessions; fi
    for p in "${session_pids[@]}"; do stop_pid "$p"; done
    stop_proxy
}
# The terminal-side watcher of SYSTEM.
probe() {
    local system=$1
    shift
    case $system in
        yonder) yprobe "$@" ;;
        xpra) "$PROBE" --x "$pn" "$@" ;;
        x11) "$PROBE" --x "$xn" "$@" ;;
    esac
}

# Results, by "SYSTEM figure" keys.
declare -A result

# keystrokes SYSTEM LINK
keystrokes() {
    local out=$tmp/$1-$2.keys
    probe "$1" keys --at "$XTERM_AT" --rect "$XTERM_LINE" --keys "$KEYS" --still "$STILL" \
        --timeout "$TIMEOUT" >"$out" 2>&1 || fail "$1 keys ($2): $(cat "$out")"
    result["$1 p50 $2"]="$(sed -n 's/^p50_ms //p' "$out") ms"
    result["$1 p90 $2"]="$(sed -n 's/^p90_ms //p' "$out") ms"
    result["$1 first $2"]="$(sed -n 's/^key 1: //p' "$out")"
}

# median N...: the median of the numbers (the lower middle one of an even count).
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# scripted SYSTEM LINK: `seq 1 $SEQ` and Enter, $SEQ_RUNS times: the median bytes (and
# their range) and the median time until the output is still. The watcher counts the
# bytes itself, from just before its first key (the pointer already in the xterm, the
# link quiet) until the link is quiet again.
scripted() {
    local out up down run
    local -a all=() ups=() downs=() times=()
    for run in $(seq "$SEQ_RUNS"); do
        out=$tmp/$1-$2.seq$run
        probe "$1" type --at "$XTERM_AT" --rect "$XTERM_RECT" --clear-line --enter \
            --still 1000 --count "$stats" --quiet "$QUIET_MS" --timeout "$SLOW_TIMEOUT" \
            seq 1 "$SEQ" >"$out" 2>&1 || fail "$1 seq ($2): $(cat "$out")"
        up=$(sed -n 's/^bytes_up //p' "$out")
        down=$(sed -n 's/^bytes_down //p' "$out")
        # The proxy's "up" is the client's way: the app's for Yonder and X11, the
        # terminal's for Xpra (its client is on the terminal).
        if [ "$1" = xpra ]; then read -r up down <<<"$down $up"; fi
        all+=($((up + down)))
        ups+=("$up")
        downs+=("$down")
        times+=("$(sed -n 's/^settled_ms //p' "$out")")
    done
    result["$1 seq bytes $2"]=$(kib "$(median "${all[@]}")")
    if [ "$SEQ_RUNS" -gt 1 ]; then
        result["$1 seq bytes $2"]+=" ($(printf '%s\n' "${all[@]}" | sort -g |
            awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.1f–%.1f", lo / 1024, hi / 1024 }'))"
    fi
    result["$1 seq app $2"]=$(kib "$(median "${ups[@]}")")
    result["$1 seq term $2"]=$(kib "$(median "${downs[@]}")")
    result["$1 seq time $2"]="$(median "${times[@]}") ms"
}

# gtk SYSTEM KEY COMMAND...: a GTK program started on the app host, to its first frame.
gtk() {
    local system=$1 key=$2 out before pid
    shift 2
    out=$tmp/$system-${key// /-}.gtk
    wait_quiet
    before=$(carried)
    probe "$system" frame --timeout "$SLOW_TIMEOUT" -- "$@" >"$out" 2>"$out.err" ||
        fail "$system: $* never showed: $(cat "$out" "$out.err")"
    pid=$(sed -n 's/^pid //p' "$out")
    pids+=("$pid")
    wait_quiet
    result["$system $key ms"]="$(sed -n 's/^frame_ms //p' "$out") ms"
    result["$system $key bytes"]=$(kib $(($(carried) - before)))
    stop_pid "$pid"
}

# gtk_into SYSTEM LINK: zenity started into the running session.
gtk_into() {
    gtk "$1" "gtk $2" env DISPLAY="$app_display" XAUTHORITY="$app_auth" "${ZENITY[@]}"
}

# xlogos SYSTEM: $WINDOWS xlogo windows started together into the session; the time
# until they all show (wherever they are put: among the pixels that changed, a white
# window with a black logo's worth of each per window).
xlogos() {
    local out=$tmp/$1.xlogo p
    probe "$1" frame --light $((WINDOWS * 5000)) --dark $((WINDOWS * 500)) \
        --timeout "$SLOW_TIMEOUT" -- env DISPLAY="$app_display" XAUTHORITY="$app_auth" \
        "$tmp/xlogos.sh" "$WINDOWS" >"$out" 2>&1 ||
        fail "$1: the xlogo windows never showed: $(cat "$out")"
    p=$(sed -n 's/^pid //p' "$out")
    session_pids+=("$p")
    pids+=("$p")
    result["$1 xlogo ms"]="$(sed -n 's/^frame_ms //p' "$out") ms"
}

# idle SYSTEM PID...: with the xlogo windows shown and the link quiet, RSS and CPU of PIDs.
idle() {
    local system=$1 i t1 r1 p ticks=0 rss=0 u
    local -a t0=() parts=()
    shift
    wait_quiet
    for p in "$@"; do t0+=("$(usage_of "$p")"); done
    sleep "$IDLE"
    i=0
    for p in "$@"; do
        u=$(usage_of "$p")
        read -r t1 r1 <<<"$u"
        ticks=$((ticks + t1 - ${t0[$i]%% *}))
        rss=$((rss + r1))
        parts+=("$(awk -v k="$r1" 'BEGIN { printf "%.1f", k / 1024 }')")
        i=$((i + 1))
    done
    # The total, then each process's share (the middleman, its Xvfb).
    result["$system rss"]=$(awk -v k="$rss" -v p="${parts[*]}" \
        'BEGIN { gsub(/ /, " + ", p); printf "%.1f MiB (%s)", k / 1024, p }')
    result["$system cpu"]=$(awk -v t="$ticks" -v s="$IDLE" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "%.2f %%", 100 * t / hz / s }')
    result["$system ticks"]=$ticks
}

systems=(yonder x11)
if [ "$XPRA" = 1 ]; then systems=(yonder xpra x11); fi
for system in "${systems[@]}"; do
    echo "x11-bridge: $system, local link" >&2
    start_session "$system" local
    keystrokes "$system" local
    scripted "$system" local
    gtk_into "$system" local
    stop_session "$system"

    echo "x11-bridge: $system, $SLOW" >&2
    start_session "$system" slow
    keystrokes "$system" slow
    scripted "$system" slow
    gtk_into "$system" slow
    case $system in
        yonder)
            bridge=${session_pids[0]}
            bridge_xvfb=$(children_named "$bridge" Xvfb | head -1)
            [ -n "$bridge_xvfb" ] || fail "no Xvfb under the bridge"
            xlogos yonder
            idle yonder "$bridge" "$bridge_xvfb"
            ;;
        xpra)
            xlogos xpra
            idle xpra "$xpra_pid" "$xpra_xvfb"
            ;;
        x11) xlogos x11 ;;
    esac
    stop_session "$system"
    if [ "$system" = yonder ]; then
        # One program with a bridge of its own: the bridge and its Xvfb start too.
        start_proxy yonder-cold $((7100 + yn)) "$DELAY_MS" "$RATE_MBIT"
        gtk yonder "cold slow" env YONDER_DISPLAY="127.0.0.1:$((proxy_port - 7100))" \
            YONDER_COOKIE="$ycookie" "$bin/yonder-x11" -- "${ZENITY[@]}"
        stop_proxy
    fi
done

# --- the table --------------------------------------------------------------------------
cell() {
    local v=${result["$1"]:-}
    if [ -z "$v" ]; then
        case $XPRA,$1 in
            0,xpra\ *) v="skipped" ;;
            *) v="—" ;;
        esac
    fi
    echo "$v"
}
row() { # label, link, key (the system's name is put in front)
    echo "| $1 | $2 | $(cell "yonder $3") | $(cell "xpra $3") | $(cell "x11 $3") |"
}
echo
echo "xterm (80×24, core fonts) and zenity (GTK 3) shown on a remote terminal; $KEYS keys per latency figure; seq: $SEQ_RUNS run(s), the median"
echo
echo "| figure | link | Yonder bridge | Xpra | X11 forwarding |"
echo "| --- | --- | --- | --- | --- |"
for link in local slow; do
    label="local, no delay"
    [ "$link" = slow ] && label=$SLOW
    row "keystroke to pixels in xterm, p50" "$label" "p50 $link"
    row "keystroke to pixels in xterm, p90" "$label" "p90 $link"
    row "keystroke to pixels in xterm, the first key" "$label" "first $link"
done
range=""
[ "$SEQ_RUNS" -gt 1 ] && range=" (median of $SEQ_RUNS, range)"
for link in local slow; do
    label="local, no delay"
    [ "$link" = slow ] && label=$SLOW
    row "\`seq 1 $SEQ\` in xterm: bytes, both ways$range" "$label" "seq bytes $link"
    row "\`seq 1 $SEQ\` in xterm: bytes, app → terminal" "$label" "seq app $link"
    row "\`seq 1 $SEQ\` in xterm: bytes, terminal → app" "$label" "seq term $link"
    row "\`seq 1 $SEQ\` in xterm: time until the output is still" "$label" "seq time $link"
done
for link in local slow; do
    label="local, no delay"
    [ "$link" = slow ] && label=$SLOW
    row "zenity --info started into the session: first frame" "$label" "gtk $link ms"
    row "zenity --info started into the session: bytes" "$label" "gtk $link bytes"
done
row "zenity --info with a bridge of its own: first frame" "$SLOW" "cold slow ms"
row "zenity --info with a bridge of its own: bytes" "$SLOW" "cold slow bytes"
row "$WINDOWS xlogo started together: until all show" "$SLOW" "xlogo ms"
row "the bridge / Xpra's server with xterm + $WINDOWS idle xlogo: RSS (itself + its Xvfb)" "$SLOW" "rss"
row "the bridge / Xpra's server with xterm + $WINDOWS idle xlogo: CPU over $IDLE s (with its Xvfb)" "$SLOW" "cpu"
if [ "$XPRA" = 0 ]; then
    echo
    echo "Xpra: SKIPPED, not installed ($xpra_missing missing: apt-get install $XPRA_PACKAGES)"
fi
