#!/usr/bin/env bash
# The demo: starts a headless yonder-server, runs the `hello` app on it, saves a
# screenshot of the screen and prints where it is. Usage: scripts/demo.sh [OUT.png]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-shots/demo.png}
mkdir -p "$(dirname "$out")"
cargo build --release -q -p yonder-server -p yonder-apps
bin=target/release
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
export YONDER_COOKIE_FILE=$work/cookies
"$bin/yonder-server" --headless 1024x640 --socket-dir "$work" >"$work/server.out" 2>"$work/server.log" &
server=$!
for _ in $(seq 100); do grep -q YONDER_DISPLAY "$work/server.out" 2>/dev/null && break; sleep 0.05; done
display=$(sed -n 's/^YONDER_DISPLAY=//p' "$work/server.out")
[ -n "$display" ] || { echo "server did not start:"; cat "$work/server.log"; exit 1; }
export YONDER_DISPLAY="unix:$work/display-${display#:}"
"$bin/hello" --exit-after 3 &
hello=$!
sleep 1.5
"$bin/yonder-shot" "$out"
"$bin/yonder-info"
wait $hello
echo "screenshot saved to $out"
