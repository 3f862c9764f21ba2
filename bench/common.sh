# Shared by the latency benchmarks (sourced): a temporary directory `$tmp` and the
# background processes `pids`, both cleaned up at exit; waiting for a line of a log file;
# a free TCP port.

tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# Waits until file $1 has a line matching $2 (5 s at most).
wait_for_line() {
    for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    echo "$(basename "$0"): timed out waiting for '$2' in $1" >&2
    exit 1
}

# A free TCP port on 127.0.0.1 at or above $1.
free_port() {
    python3 - "$1" <<'PY'
import socket, sys
p = int(sys.argv[1])
while True:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", p)); print(p); break
        except OSError:
            p += 1
PY
}
