#!/usr/bin/env bash
# Runs every script of bench/ in its smoke mode (one round, tiny counts), as CI does: it
# checks only that each runs to the end and prints its table with figures in it. The
# figures of a smoke run mean nothing; real runs are described in bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# A figure: digits, maybe a decimal point, maybe a unit.
num='[0-9]+(\.[0-9]+)?'
check() { # file, extended regex, what
    if ! grep -Eq "$2" "$1"; then
        echo "bench smoke: $3 missing from the output:" >&2
        cat "$1" >&2
        exit 1
    fi
}

echo "== bench/vs-x11.sh --smoke"
bench/vs-x11.sh --smoke | tee "$out/vs-x11"
for op in noop rect10 putimage100; do
    check "$out/vs-x11" "^\| $op \| -[a-z0-9]+ \| $num( [kM])? \| $num( [kM])? \| $num× \|$" "the $op row"
done
check "$out/vs-x11" "^\| Unix socket \| $num µs \| $num µs \| $num µs \| $num µs \|$" "the Unix-socket latency row"
check "$out/vs-x11" "^\| TCP \(127.0.0.1\) \| $num µs \| $num µs \| $num µs \| $num µs \|$" "the TCP latency row"
for w in 100 300; do
    check "$out/vs-x11" "^\| $w \| $num µs \| $num µs \| $num µs \| $num / $num / $num ms \| $num / $num / $num MiB \|$" "the sweep's $w-window row"
done
check "$out/vs-x11" "^Yonder with the window manager $num×, without it $num×, Xvfb $num×\.$" "the sweep's flatness line"
# Its parts: bytes on the wire, many clients, interactive latency.
for op in noop rect10 putimage100; do
    check "$out/vs-x11" "^\| $op \| $num \| $num \| $num× \|$" "the $op bytes row"
done
for k in 1 2; do
    check "$out/vs-x11" "^\| rect500 \| $k \| $num( [kM])? \| $num( [kM])? \| $num× \| $num× \|$" "the rect500 row for $k clients"
done
for input in 'key \(`xdotool key a`\)' 'click \(`xdotool click 1`\)' 'key within a refresh of the last change'; do
    check "$out/vs-x11" "^\| $input \| $num ms \| $num ms \| $num ms \| $num ms \|$" "the interactive '$input' row"
done
check "$out/vs-x11" "^Yonder's p99 within one refresh interval of X11's p99: key (yes|NO) " "the refresh-interval line"

echo "== bench/latency.sh --smoke"
bench/latency.sh --smoke | tee "$out/latency"
check "$out/latency" "^yonder hello: $num ms through the proxy \($num ms direct\)$" "Yonder's first frame"
check "$out/latency" "^x11 xlogo: +$num ms through the proxy \($num ms direct\)$" "X11's first frame"

echo "== bench/keystroke.sh --smoke"
bench/keystroke.sh --smoke | tee "$out/keystroke"
for way in "client metrics" "server round trip per key"; do
    check "$out/keystroke" "^keystroke to caret, $way: p50 $num ms, p90 $num ms \([0-9]+ ms RTT\)$" "the $way figure through the proxy"
    check "$out/keystroke" "^keystroke to caret, $way: p50 $num ms, p90 $num ms \(direct\)$" "the direct $way figure"
done

echo "== bench/instructions.sh --smoke"
bench/instructions.sh --smoke | tee "$out/instructions"
check "$out/instructions" "^noop +-?$num +-?$num$" "the noop row"
check "$out/instructions" "^\| noop \| -noop \| -?$num \| -?$num \| -?$num \| -?$num \| -?$num× \|$" "the noop row against X"
echo "== bench/soak.sh --smoke"
# Fails by itself when the server dies or does not come back to its baseline.
bench/soak.sh --smoke | tee "$out/soak"
check "$out/soak" "^ +$num +$num +$num +$num ms +$num +$num +$num +$num +$num$" "a per-interval line"
check "$out/soak" "^back to baseline$" "the return to baseline"
echo "== bench/reconnect.sh --smoke"
# The figures of one round mean nothing; the apps must come back and survive a gone display.
bench/reconnect.sh --smoke | tee "$out/reconnect"
for link in "Unix socket" "TCP, proxy" "TLS, proxy"; do
    check "$out/reconnect" "^\| kill -9, new server \| $link[^|]* \| $num \| $num \| ≤ [0-9]+ \|" "the $link restart row"
done
for link in "TCP, proxy" "TLS, proxy"; do
    check "$out/reconnect" "^\| link cut, proxy back \| $link[^|]* \| $num \| $num \| ≤ [0-9]+ \|" "the $link link-cut row"
done
check "$out/reconnect" "^\| ypaint \| $num \| $num \| $num \| $num \| $num \| $num \| $num \|$" "ypaint's journal row"
check "$out/reconnect" "^\| yclock \| Unix socket \| $num \| $num \| $num \| $num \| yes \|$" "yclock's idle row"
if grep -q "| NO |$" "$out/reconnect"; then
    echo "bench smoke: an app did not outlive its display" >&2
    exit 1
fi
echo "== bench/migrate.sh --smoke"
# Apps moved between two network namespaces and back (SKIPPED without root).
bench/migrate.sh --smoke | tee "$out/migrate"
if ! grep -q "^SKIPPED" "$out/migrate"; then
    for app in hello "ypaint 2000×2000" "ydoc \\+ part: ydoc" "ydoc \\+ part: ypaint"; do
        check "$out/migrate" "^\| namespace link \| $app \| A→B \| $num \| $num \|" "$app's A→B row"
    done
fi
echo "== bench/web.sh --smoke"
bench/web.sh --smoke | tee "$out/web"
for link in loopback "[0-9]+ ms RTT, [0-9]+ Mbit/s"; do
    for w in "typing [0-9]+ characters in ydoc: bytes" "a stroke in ypaint: bytes" \
        "dragging a window 500 px: bytes" "scrolling yfiles 10 notches: bytes"; do
        check "$out/web" "^\| $link \| $w \| $num KiB \| $num KiB \| $num× \|$" "the $link row '$w'"
    done
    check "$out/web" "^\| $link \| key to pixels p50 \| $num ms \| $num ms \| $num× \|$" "the $link latency row"
done
echo "== bench/x11-bridge.sh --smoke"
# xterm and zenity through the X11 bridge, Xpra ("skipped" when it is not installed) and
# X11 forwarding; fails by itself when one does not start.
bench/x11-bridge.sh --smoke | tee "$out/x11-bridge"
ms="$num ms"
kib="$num KiB"
for link in "local, no delay" "[0-9]+ ms RTT, [0-9]+ Mbit/s"; do
    check "$out/x11-bridge" "^\| keystroke to pixels in xterm, p50 \| $link \| $ms \| ($ms|skipped) \| $ms \|$" "the $link keystroke row"
    check "$out/x11-bridge" "^\| .seq 1 [0-9]+. in xterm: bytes, both ways[^|]* \| $link \| $kib \| ($kib|skipped) \| $kib \|$" "the $link seq bytes row"
    check "$out/x11-bridge" "^\| zenity --info started into the session: first frame \| $link \| $ms \| ($ms|skipped) \| $ms \|$" "the $link zenity row"
done
check "$out/x11-bridge" "^\| zenity --info with a bridge of its own: first frame \| [^|]* \| $ms \|" "the zenity row with a bridge of its own"
check "$out/x11-bridge" "^\| [0-9]+ xlogo started together: until all show \| [^|]* \| $ms \| ($ms|skipped) \| $ms \|$" "the xlogo row"
check "$out/x11-bridge" "^\| the bridge / Xpra's server with xterm \+ [0-9]+ idle xlogo: RSS [^|]* \| [^|]* \| $num MiB \($num \+ $num\) \| ($num MiB \($num \+ $num\)|skipped) \| — \|$" "the memory row"
echo "bench smoke: every script ran and printed its table"
