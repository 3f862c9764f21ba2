#!/usr/bin/env bash
# bench/web.sh: the web viewer against noVNC, in one headless Chromium, side by side.
#
#   bench/web.sh            (the issue's workloads: 200 characters, 30 latency samples,
#                            loopback and a 100 ms RTT, 10 Mbit/s link)
#   bench/web.sh --smoke    (CI: a few characters and samples, a 10 ms link)
#
# Two displays with the same apps at the same places (ydoc, ypaint, yfiles):
# - Yonder: `yonder-server --headless --listen web`, opened in its own page;
# - noVNC: `yonder-server --window` on Xvfb, served by x11vnc, through websockify to
#   noVNC's page (Debian's novnc 1.3), as people serve an X display to browsers today.
# The slow link is bench/delay-proxy in front of each web port. bench/web-driver
# (`yweb-bench`) drives both pages the same way through Chromium's DevTools protocol and
# prints the table: bytes received per workload, frames per second while dragging a
# window, and key-to-pixel latency (p50, p99) from the page's own clock.
# Needs xvfb, xdotool, x11vnc, websockify, novnc, chromium, python3 (installed when missing and
# run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CHARS=200
SAMPLES=30
DELAY_MS=50
RATE=10
if [ "${1:-}" = "--smoke" ]; then
    CHARS=20
    SAMPLES=3
    DELAY_MS=5
fi

missing=""
command -v Xvfb >/dev/null || missing="$missing xvfb"
command -v x11vnc >/dev/null || missing="$missing x11vnc"
command -v xdotool >/dev/null || missing="$missing xdotool"
command -v websockify >/dev/null || missing="$missing websockify"
[ -f /usr/share/novnc/vnc.html ] || missing="$missing novnc"
command -v chromium >/dev/null || missing="$missing chromium"
command -v python3 >/dev/null || missing="$missing python3"
# shellcheck source=bench/packages.sh
. "$ROOT/bench/packages.sh"
# shellcheck disable=SC2086
install_missing web.sh $missing
echo "web.sh: building (release)" >&2
cargo build --release -q -p yonder-server -p yonder-apps -p yonder-web-bench >&2
BIN=$ROOT/target/release

TMP=$(mktemp -d)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

# A free TCP port on loopback.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# Waits for a line matching $2 in file $1 (10 s).
wait_for() {
    for _ in $(seq 100); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "web.sh: $1 never said $2" >&2
    cat "$TMP"/*.log >&2 || true
    exit 1
}

# The same content on both displays: a document, a picture to paint on, 300 files.
mkdir -p "$TMP/files"
for i in $(seq 1 300); do echo "note $i" >"$TMP/files/note-$i.txt"; done
start_apps() { # display, cookie, tag
    for app in "ydoc --x 20 --y 40 --size 560x360 $TMP/doc-$3.ydoc" \
        "ypaint --x 640 --y 40 --size 560x300 $TMP/paint-$3.png" \
        "yfiles --x 20 --y 460 $TMP/files"; do
        # shellcheck disable=SC2086
        YONDER_DISPLAY=$1 YONDER_COOKIE=$2 "$BIN"/$app >/dev/null 2>"$TMP/app-$3.log" &
        PIDS="$PIDS $!"
        sleep 0.3
    done
}
cookie_of() { # cookie file, name
    awk -v n="$2" '$1 == n { print $2 }' "$1"
}

# --- Yonder: a headless server serving web viewers ---------------------------------------
YPROXY=$(free_port)
"$BIN/yonder-server" --headless 1280x800 --listen web --web-host "127.0.0.1:$YPROXY" \
    --socket-dir "$TMP/y" --cookie-file "$TMP/y.cookies" >"$TMP/y.out" 2>"$TMP/y.log" &
PIDS="$PIDS $!"
wait_for "$TMP/y.out" YONDER_DISPLAY
YN=$(sed -n 's/^YONDER_DISPLAY=://p' "$TMP/y.out")
YDISPLAY="unix:$TMP/y/display-$YN"
YWEB=$((8100 + YN))
start_apps "$YDISPLAY" "$(cookie_of "$TMP/y.cookies" ":$YN")" y
YCRED=$(cookie_of "$TMP/y.cookies" ":$YN+web")

# --- noVNC: a windowed server on Xvfb, x11vnc, websockify --------------------------------
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$TMP/xdisplay" >"$TMP/xvfb.log" 2>&1 &
PIDS="$PIDS $!"
wait_for "$TMP/xdisplay" '[0-9]'
XN=$(head -1 "$TMP/xdisplay")
DISPLAY=:$XN YONDER_LOG=warn,winit=error "$BIN/yonder-server" --window 1280x800 \
    --socket-dir "$TMP/n" --cookie-file "$TMP/n.cookies" >"$TMP/n.out" 2>"$TMP/n.log" &
PIDS="$PIDS $!"
wait_for "$TMP/n.out" YONDER_DISPLAY
NN=$(sed -n 's/^YONDER_DISPLAY=://p' "$TMP/n.out")
NDISPLAY="unix:$TMP/n/display-$NN"
# No window manager on Xvfb gives the server's window the keyboard: focus it, as a
# desktop would (x11vnc's keys then reach it).
DISPLAY=:$XN xdotool search --sync --name "^Yonder :$NN\$" windowfocus --sync >/dev/null 2>&1 || true
start_apps "$NDISPLAY" "$(cookie_of "$TMP/n.cookies" ":$NN")" n
VNC=$(free_port)
x11vnc -display ":$XN" -rfbport "$VNC" -localhost -nopw -forever -shared -quiet \
    >"$TMP/x11vnc.log" 2>&1 &
PIDS="$PIDS $!"
WS=$(free_port)
websockify --web /usr/share/novnc "127.0.0.1:$WS" "127.0.0.1:$VNC" >"$TMP/websockify.log" 2>&1 &
PIDS="$PIDS $!"

# --- the slow link ------------------------------------------------------------------------
NPROXY=$(free_port)
for p in "$YPROXY $YWEB" "$NPROXY $WS"; do
    set -- $p
    python3 bench/delay-proxy/delay_proxy.py --listen "$1" --target "127.0.0.1:$2" \
        --delay-ms "$DELAY_MS" --rate-mbit "$RATE" >"$TMP/proxy-$1.log" 2>&1 &
    PIDS="$PIDS $!"
    wait_for "$TMP/proxy-$1.log" listening
done
for _ in $(seq 50); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $WS), 1)" 2>/dev/null && break
    sleep 0.1
done
sleep 1

novnc_url() { # port
    echo "http://127.0.0.1:$1/vnc.html?autoconnect=1&host=127.0.0.1&port=$1&path=websockify&resize=off&shared=1"
}
RTT=$((2 * DELAY_MS))
echo "## The web viewer against noVNC (x11vnc on Xvfb), $(date -u +%Y-%m-%d)"
echo
"$BIN/yweb-bench" \
    --yonder-display "$YDISPLAY" --yonder-cookie "$(cookie_of "$TMP/y.cookies" ":$YN+trusted")" \
    --yonder-url "http://127.0.0.1:$YWEB/#cookie=$YCRED" \
    --yonder-slow-url "http://127.0.0.1:$YPROXY/#cookie=$YCRED" \
    --novnc-display "$NDISPLAY" --novnc-cookie "$(cookie_of "$TMP/n.cookies" ":$NN+trusted")" \
    --novnc-url "$(novnc_url "$WS")" --novnc-slow-url "$(novnc_url "$NPROXY")" \
    --slow-link "$RTT ms RTT, $RATE Mbit/s" --chars "$CHARS" --samples "$SAMPLES"
