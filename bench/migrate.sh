#!/usr/bin/env bash
# Live migration (issue 13, protocol.md §5.5): how long an app moving from display A to
# display B is frozen, and how many bytes a move sends against the size of the app's
# state. Two network namespaces stand for two hosts, joined by a veth pair: A's server
# and the apps run on host A, B's server on host B. `ymigrate` (apps/src/bin/ymigrate.rs)
# is the mover and the watcher; it moves hello (ticking every 5 ms), ypaint with a
# 2000×2000 canvas and ydoc A → B and back, MOVES times each:
#
#   1. over the namespace link;
#   2. through bench/delay-proxy on host A at 20 ms round trip and 10 Mbit/s to B.
#
# Figures per move: the servers' freeze (from the moment A got the app's last requests
# before the switch to the moment B first showed its window: the servers' own log lines,
# yonder_server::move_times, both on this machine's clock), the library's freeze (how
# long the switch held the app's requests, from its YONDER_DEBUG_JOURNAL line), hello's
# visible freeze (from the moment a watcher
# on A first saw the last frame A ever showed to the moment a watcher on B first saw a
# later one: both on this machine's clock), the whole move (MoveClient to MoveOutcome),
# and the bytes of the hidden replay and of the requests copied during the pre-copy,
# against the journal's size.
#
#   bench/migrate.sh [MOVES]   (default 10: 20 moves per app, half each way)
#   bench/migrate.sh --smoke   (CI: 2 moves per app over the namespace link)
#
# Needs root and iproute2 (ip netns); prints SKIPPED otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
MOVES=${1:-10}
SMOKE=0
if [ "${1:-}" = "--smoke" ]; then
    MOVES=2
    SMOKE=1
fi
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null 2>&1; then
    echo "SKIPPED: bench/migrate.sh needs root and iproute2 (ip netns)"
    exit 0
fi
cargo build --release -q -p yonder-server -p yonder-apps --bin yonder-server --bin ymigrate \
    --bin hello --bin ypaint --bin ydoc
bin=$(cd "${CARGO_TARGET_DIR:-target}/release" && pwd)

a=ymig-a-$$ b=ymig-b-$$ va=ymva$$ vb=ymvb$$
addr_a=10.233.$(($$ % 200 + 10)).1 addr_b=10.233.$(($$ % 200 + 10)).2
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$a" 2>/dev/null || true
    ip netns del "$b" 2>/dev/null || true
    if [ -n "${MIGRATE_KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
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

# A server per host: display :0 on each, each with its own socket directory and cookies.
serve() { # NS NAME ADDR
    mkdir -p "$work/$2/sock"
    ip netns exec "$1" env YONDER_COOKIE_FILE="$work/$2/cookies" \
        YONDER_LOG=warn,yonder_server::move_times=info \
        "$bin/yonder-server" :0 --headless 1280x800 --no-window-manager \
        --listen tcp --tcp-addr "$3" --socket-dir "$work/$2/sock" \
        --allow-synthetic-input >"$work/$2/server.out" 2>"$work/$2/server.err" &
    pids+=($!)
    for _ in $(seq 200); do grep -q YONDER_DISPLAY "$work/$2/server.out" 2>/dev/null && break; sleep 0.05; done
    grep -q YONDER_DISPLAY "$work/$2/server.out" || { echo "FAIL: server $2 did not start"; exit 1; }
}
serve "$a" A "$addr_a"
serve "$b" B "$addr_b"
cookie() { awk -v d="$2" '$1 == d { print $2 }' "$work/$1/cookies"; }

runs=0
run() { # LINK B_NET
    runs=$((runs + 1))
    ip netns exec "$a" "$bin/ymigrate" --bin-dir "$bin" --moves "$MOVES" --work "$work/run$runs" \
        --a "unix:$work/A/sock/display-0" --a-cookie "$(cookie A :0)" \
        --a-trusted "$(cookie A :0+trusted)" \
        --b "unix:$work/B/sock/display-0" --b-net "$2" --b-cookie "$(cookie B :0)" \
        --b-trusted "$(cookie B :0+trusted)" \
        --a-log "$work/A/server.err" --b-log "$work/B/server.err" | awk -v link="$1" '{ sub(/^move[|]/, "move|" link "|"); print }'
}
run "namespace link" "$addr_b:0" >"$work/all"
if [ "$SMOKE" = 0 ]; then
    # Host A reaches B through the delay proxy: 10 ms each way (20 ms round trip), 10
    # Mbit/s, listening as display 50 of 127.0.0.1 on host A.
    ip netns exec "$a" python3 bench/delay-proxy/delay_proxy.py --listen 7150 \
        --target "$addr_b:7100" --delay-ms 10 --rate-mbit 10 >"$work/proxy.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do grep -q listening "$work/proxy.out" 2>/dev/null && break; sleep 0.05; done
    run "20 ms RTT, 10 Mbit/s" "127.0.0.1:50" >>"$work/all"
fi

stale=$(grep -c '^stale|' "$work/all" || true)
echo "## Moves ($MOVES each way per app), p50 and max"
echo
echo "Servers: from A getting the app's last requests before the switch to B first showing its window (the servers' log lines, one clock). Freeze: the app's requests held by the switch (library). Visible: hello's frames, last on A to first newer on B (watchers' pixels). Goal: < 60 ms on the namespace link, < 1 RTT + 60 ms = 80 ms at 20 ms RTT."
echo
echo "hello's first frame on B older than its last on A, as the watchers saw them: $stale of $((2 * MOVES)) moves A→B."
echo
echo "| link | app | direction | servers p50 (ms) | servers max | freeze p50 (ms) | freeze max | visible p50 (ms) | visible max | move p50 (ms) | replay bytes (p50) | copied bytes (p50) | journal bytes | goal met |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
python3 - "$work/all" <<'EOF'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("|")
    if len(f) < 11 or f[0] != "move":
        continue
    link, app, direction = f[1], f[2], f[3]
    rows.setdefault((link, app, direction), []).append(f[4:])
def ms(xs):
    xs = [int(x) / 1000 for x in xs if x]
    if not xs:
        return ("—", "—", None)
    return (f"{statistics.median(xs):.1f}", f"{max(xs):.1f}", max(xs))
for (link, app, direction), rs in rows.items():
    sv = ms([r[6] for r in rs])
    fz = ms([r[0] for r in rs])
    vi = ms([r[1] for r in rs])
    mv = ms([r[5] for r in rs])
    rb = statistics.median([int(r[2] or 0) for r in rs])
    cb = statistics.median([int(r[3] or 0) for r in rs])
    jb = max(int(r[4] or 0) for r in rs)
    goal = 60 if link == "namespace link" else 80
    measured = [x for x in (sv[2], fz[2], vi[2]) if x is not None]
    if not measured:
        met = "no figure"
    elif max(measured) < goal:
        met = "yes"
    else:
        met = f"no (> {goal} ms)"
    print(f"| {link} | {app} | {direction} | {sv[0]} | {sv[1]} | {fz[0]} | {fz[1]} | {vi[0]} | {vi[1]} | {mv[0]} | {int(rb)} | {int(cb)} | {jb} | {met} |")
EOF
