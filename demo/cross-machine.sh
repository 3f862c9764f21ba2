#!/usr/bin/env bash
# Two "hosts" on one machine: network namespaces A and B joined by a veth pair.
# Host A runs yonder-server (TCP on its veth address) and ytrash; host B runs yfiles,
# which reaches the display over TCP with the cookie. A file is dragged from yfiles
# (host B) onto ytrash (host A); the script checks that it moved into the trash.
# Needs root (ip netns) and iproute2. Exit status 0 on success; prints SKIPPED and exits
# 0 when namespaces cannot be made here.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null 2>&1; then
  echo "SKIPPED: cross-machine demo needs root and iproute2 (ip netns)"
  exit 0
fi
cargo build --release -q -p yonder-server -p yonder-apps
bin=$PWD/target/release

a=yonder-a-$$ b=yonder-b-$$ va=yva$$ vb=yvb$$
addr_a=10.231.7.1 addr_b=10.231.7.2 display=5
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$a" 2>/dev/null || true
  ip netns del "$b" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if ! ip netns add "$a" 2>/dev/null; then
  echo "SKIPPED: cannot create network namespaces here"
  exit 0
fi
ip netns add "$b"
ip link add "$va" type veth peer name "$vb"
ip link set "$va" netns "$a"
ip link set "$vb" netns "$b"
ip -n "$a" addr add "$addr_a/24" dev "$va"
ip -n "$b" addr add "$addr_b/24" dev "$vb"
for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
ip -n "$a" link set "$va" up
ip -n "$b" link set "$vb" up

mkdir -p "$work/files" "$work/trash" "$work/sock"
echo "written on host B" > "$work/files/note.txt"

# Host A: the display server, listening on its veth address.
ip netns exec "$a" env YONDER_COOKIE_FILE="$work/cookies" YONDER_LOG=warn \
  "$bin/yonder-server" ":$display" --headless 1024x600 --listen tcp --tcp-addr "$addr_a" \
  --socket-dir "$work/sock" --allow-synthetic-input >"$work/server.out" &
pids+=($!)
for _ in $(seq 200); do grep -q YONDER_DISPLAY "$work/server.out" 2>/dev/null && break; sleep 0.05; done
grep -q YONDER_DISPLAY "$work/server.out" || { echo "FAIL: server did not start"; exit 1; }
cookie=$(awk -v d=":$display" '$1 == d { print $2 }' "$work/cookies")
local_display="unix:$work/sock/display-$display"

# Host B: yfiles over TCP. Host A: ytrash on the local socket.
ip netns exec "$b" env YONDER_DISPLAY="$addr_a:$display" YONDER_COOKIE="$cookie" \
  "$bin/yfiles" "$work/files" --x 40 --y 60 --exit-after 60 &
pids+=($!)
ip netns exec "$a" env YONDER_DISPLAY="$local_display" YONDER_COOKIE="$cookie" \
  "$bin/ytrash" --trash "$work/trash" --x 500 --y 60 --exit-after 60 &
pids+=($!)

export YONDER_DISPLAY="$local_display" YONDER_COOKIE="$cookie"
for _ in $(seq 100); do
  info=$("$bin/yonder-info" 2>/dev/null || true)
  if grep -q '"yfiles' <<<"$info" && grep -q '"ytrash' <<<"$info"; then break; fi
  sleep 0.1
done
echo "$info" | sed -n '/^clients/,$p'
sleep 0.5

# note.txt is the second cell of yfiles' grid (after ".."): its icon's center is at
# window (140, 66), the window at (40, 60); ytrash's window is 260x280 at (500, 60).
"$bin/yonder-xdo" mousemove 180 126 mousedown 1 mousemove 190 130 mousemove 400 180 \
  mousemove 620 190 sleep 0.3 mousemove 630 200 sleep 0.5 mouseup 1

for _ in $(seq 100); do
  [ -f "$work/trash/files/note.txt" ] && [ ! -e "$work/files/note.txt" ] && break
  sleep 0.1
done
mkdir -p shots
# The screenshot reads the whole screen: it needs the display's trusted cookie.
trusted=$(awk -v d=":$display+trusted" '$1 == d { print $2 }' "$work/cookies")
YONDER_TRUSTED_COOKIE="$trusted" "$bin/yonder-shot" shots/cross-machine.png >/dev/null
if [ -f "$work/trash/files/note.txt" ] && [ ! -e "$work/files/note.txt" ]; then
  echo "PASS: note.txt dragged from yfiles on host B ($addr_b, over TCP) into ytrash on host A ($addr_a)"
  echo "      trash info: $(grep '^Path=' "$work/trash/info/note.txt.trashinfo")"
  echo "      screenshot: shots/cross-machine.png"
else
  echo "FAIL: the file did not move into the trash"
  ls -R "$work/files" "$work/trash"
  exit 1
fi
