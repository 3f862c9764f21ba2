#!/usr/bin/env bash
# Keystroke to caret in a text entry through a slow link: the toolkit's example `entry`
# (toolkit/examples/entry.rs) with its display behind bench/delay-proxy (50 ms each way:
# 100 ms round trip), timed by a watcher on a *direct* connection that types letters with
# synthetic input and polls GetImage of the entry until its pixels change (the new glyph,
# the caret moved): client-lib/examples/keystroke.rs.
#
#   bench/keystroke.sh [KEYS]      (default 20 keystrokes per figure)
#   bench/keystroke.sh --smoke     (CI: 3 keystrokes each, a 10 ms round trip; checks that it runs)
#
# Two ways to draw the keystroke, each through the proxy and directly (the local baseline):
# - client metrics: the toolkit measures the text on the client (yonder-fonts has the
#   server's fonts and layout rule), so the key costs one one-way delay to reach the app
#   and one for its new frame to reach the server: 1 RTT, the floor for any remote app;
# - server round trip per key (`entry --measure-on-server`): each edit first asks the
#   server for the text's width (QueryTextExtents) and waits, as an app without the
#   server's metrics would: one more RTT per key.
# Prints one line per figure with p50 and p90 in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${1:-20}
DELAY_MS=50
if [ "${1:-}" = "--smoke" ]; then
    KEYS=3
    DELAY_MS=5
fi
RTT=$((2 * DELAY_MS))

cargo build --release -q -p yonder-server --bin yonder-server
cargo build --release -q -p yonder --example keystroke -p yonder-toolkit --example entry
bin=${CARGO_TARGET_DIR:-target}/release

# shellcheck source=bench/common.sh
source bench/common.sh

# --detach-grace 0: the watcher kills each entry when its keys are timed; a server keeping
# it detached for its return (over TCP) would leave its window where the next one goes.
"$bin/yonder-server" --headless 1280x800 --listen tcp --tcp-addr 127.0.0.1 \
    --no-window-manager --allow-synthetic-input --detach-grace 0 --socket-dir "$tmp/sockets" \
    --cookie-file "$tmp/cookies" >"$tmp/yonder.out" 2>"$tmp/yonder.err" &
pids+=($!)
wait_for_line "$tmp/yonder.out" YONDER_DISPLAY=
n=$(sed -n 's/^YONDER_DISPLAY=://p' "$tmp/yonder.out")
YONDER_COOKIE=$(awk -v d=":$n" '$1 == d { print $2 }' "$tmp/cookies")
export YONDER_COOKIE
# The watcher reads the screen (GetImage of the root), which only a trusted client may
# (protocol.md §19): it presents the display's `+trusted` cookie.
watcher_cookie=$(awk -v d=":$n+trusted" '$1 == d { print $2 }' "$tmp/cookies")
port=$(free_port $((7100 + n + 100)))
python3 bench/delay-proxy/delay_proxy.py --listen "$port" --target "127.0.0.1:$((7100 + n))" \
    --delay-ms "$DELAY_MS" >"$tmp/proxy.out" &
pids+=($!)
wait_for_line "$tmp/proxy.out" listening

direct="unix:$tmp/sockets/display-$n"
proxied="127.0.0.1:$((port - 7100))"
# The entry's window at (40, 40) (no window manager: no frame) has its entry at (10, 10),
# 300×26: (50, 50) on the screen. Focused, its outline is the theme's accent, #1e66f5.
# Prints "p50 N ms, p90 N ms" for the entry on display $2 with the entry's flags $3...;
# the watcher's output goes to $tmp/$1.
keystrokes() {
    local out=$tmp/$1 display=$2 p50 p90
    shift 2
    if ! YONDER_TRUSTED=1 YONDER_TRUSTED_COOKIE=$watcher_cookie timeout 300 \
        "$bin/examples/keystroke" --display "$direct" --rect 50,50,300,26 \
        --ready 50,63,1e66f5 --keys "$KEYS" --timeout 10 -- \
        env YONDER_DISPLAY="$display" "$bin/examples/entry" --at 40,40 --exit-after 240 "$@" \
        >"$out" 2>&1; then
        echo "keystroke.sh: the watcher failed:" >&2
        cat "$out" >&2
        exit 1
    fi
    # The entry's own complaints (a server measuring otherwise than the client) go on.
    grep '^entry:' "$out" >&2 || true
    p50=$(sed -n 's/^p50_ms //p' "$out")
    p90=$(sed -n 's/^p90_ms //p' "$out")
    if [ -z "$p50" ] || [ -z "$p90" ]; then
        echo "keystroke.sh: no figures in $(cat "$out")" >&2
        exit 1
    fi
    echo "p50 $p50 ms, p90 $p90 ms"
}
client=$(keystrokes client "$proxied")
server=$(keystrokes server "$proxied" --measure-on-server)
client_direct=$(keystrokes client-direct "$direct")
server_direct=$(keystrokes server-direct "$direct" --measure-on-server)

echo "round trip through the proxy: $RTT ms; $KEYS keystrokes per figure"
echo "keystroke to caret, client metrics: $client ($RTT ms RTT)"
echo "keystroke to caret, server round trip per key: $server ($RTT ms RTT)"
echo "keystroke to caret, client metrics: $client_direct (direct)"
echo "keystroke to caret, server round trip per key: $server_direct (direct)"
