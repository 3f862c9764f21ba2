#!/usr/bin/env bash
# Time to first frame through a slow link: Yonder's `hello` and X11's `xlogo`, each started
# with its display behind bench/delay-proxy (50 ms each way: 100 ms round trip), each
# measured from just before the program starts until a watcher on a *direct* connection
# sees the program's first frame on the server's screen (polling GetImage of one pixel).
#
#   bench/latency.sh [RUNS]        (default 5; needs Xvfb and xlogo: apt-get install xvfb x11-apps)
#   bench/latency.sh --smoke       (CI: one run through a 10 ms proxy; checks that it runs)
#
# Prints one line per system with the median in milliseconds. What to expect: Yonder's
# library pipelines everything (the client picks its ids, needs no reply to draw), so
# its first frame costs one one-way delay plus start-up; an Xt program like xlogo waits
# for a dozen round trips (setup, atoms, resources, the Expose before drawing).
# The proxy accepts TCP connections locally, so neither figure includes the TCP handshake
# (one more round trip for both on a real link).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
DELAY_MS=50
if [ "${1:-}" = "--smoke" ]; then
    RUNS=1
    DELAY_MS=5
fi

cargo build --release -q -p yonder-server -p yonder-apps --bin yonder-server --bin hello
cargo build --release -q -p yonder --example first_frame

# shellcheck source=bench/common.sh
source bench/common.sh

# --- Yonder ------------------------------------------------------------------------------
target/release/yonder-server --headless 1280x800 --listen tcp --tcp-addr 127.0.0.1 \
    --no-window-manager --socket-dir "$tmp/sockets" --cookie-file "$tmp/cookies" \
    >"$tmp/yonder.out" 2>"$tmp/yonder.err" &
pids+=($!)
wait_for_line "$tmp/yonder.out" YONDER_DISPLAY=
n=$(sed -n 's/^YONDER_DISPLAY=://p' "$tmp/yonder.out")
export YONDER_COOKIE=$(awk -v d=":$n" '$1 == d { print $2 }' "$tmp/cookies")
# The watcher reads the screen (GetImage of the root), which only a trusted client may
# (protocol.md §19): it presents the display's `+trusted` cookie.
watcher_cookie=$(awk -v d=":$n+trusted" '$1 == d { print $2 }' "$tmp/cookies")
port=$(free_port $((7100 + n + 100)))
python3 bench/delay-proxy/delay_proxy.py --listen "$port" --target "127.0.0.1:$((7100 + n))" \
    --delay-ms "$DELAY_MS" >"$tmp/yproxy.out" &
pids+=($!)
wait_for_line "$tmp/yproxy.out" listening
# hello's window is at (40, 40); its last drawing, a 64x64 PNG gradient at (320, 200),
# has the color (4x, 4y, 160) = #2850a0 at its pixel (10, 20).
yonder_direct=$(YONDER_TRUSTED=1 YONDER_TRUSTED_COOKIE=$watcher_cookie target/release/examples/first_frame --display "unix:$tmp/sockets/display-$n" \
    --pixel 370,260 --rgb 2850a0 --runs "$RUNS" -- \
    target/release/hello --display "unix:$tmp/sockets/display-$n" --exit-after 60 |
    sed -n 's/^median_ms //p')
yonder=$(YONDER_TRUSTED=1 YONDER_TRUSTED_COOKIE=$watcher_cookie target/release/examples/first_frame --display "unix:$tmp/sockets/display-$n" \
    --pixel 370,260 --rgb 2850a0 --runs "$RUNS" -- \
    target/release/hello --display "127.0.0.1:$((port - 7100))" --exit-after 60 |
    sed -n 's/^median_ms //p')

# --- X11 ---------------------------------------------------------------------------------
if ! command -v Xvfb >/dev/null || ! command -v xlogo >/dev/null; then
    echo "yonder hello: ${yonder} ms through the proxy (${yonder_direct} ms direct)"
    echo "x11 xlogo:    SKIPPED: needs Xvfb and xlogo (apt-get install xvfb x11-apps)"
    exit 0
fi
exec 3>"$tmp/xdisplay"
Xvfb -displayfd 3 -screen 0 1280x800x24 -ac -wr -listen tcp >"$tmp/xvfb.log" 2>&1 &
pids+=($!)
exec 3>&-
wait_for_line "$tmp/xdisplay" '[0-9]'
x=$(head -1 "$tmp/xdisplay")
xport=$(free_port $((6000 + x + 100)))
python3 bench/delay-proxy/delay_proxy.py --listen "$xport" --target "127.0.0.1:$((6000 + x))" \
    --delay-ms "$DELAY_MS" >"$tmp/xproxy.out" &
pids+=($!)
wait_for_line "$tmp/xproxy.out" listening
# xlogo at (0, 0), 100x100, on a white root: the center of its logo is black.
x11_direct=$(python3 bench/x11_first_frame.py --display-number "$x" --pixel 50,50 --rgb 000000 \
    --runs "$RUNS" -- env DISPLAY=":$x" xlogo -geometry 100x100+0+0 2>/dev/null |
    sed -n 's/^median_ms //p')
x11=$(python3 bench/x11_first_frame.py --display-number "$x" --pixel 50,50 --rgb 000000 \
    --runs "$RUNS" -- env DISPLAY="127.0.0.1:$((xport - 6000))" xlogo -geometry 100x100+0+0 \
    2>/dev/null | sed -n 's/^median_ms //p')

[ -n "$yonder" ] && [ -n "$yonder_direct" ] || { echo "latency.sh: the Yonder runs gave no figure" >&2; exit 1; }
[ -n "$x11" ] && [ -n "$x11_direct" ] || { echo "latency.sh: the X11 runs gave no figure" >&2; exit 1; }
echo "round trip through the proxy: $((2 * DELAY_MS)) ms; medians of $RUNS runs"
echo "yonder hello: ${yonder} ms through the proxy (${yonder_direct} ms direct)"
echo "x11 xlogo:    ${x11} ms through the proxy (${x11_direct} ms direct)"
