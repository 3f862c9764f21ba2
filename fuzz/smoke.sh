#!/usr/bin/env bash
# A short fuzzing smoke run for CI: each target for 30 seconds (FUZZ_SECONDS overrides),
# starting from the crash inputs kept as regression tests. Fails on any crash. Prints
# SKIPPED and succeeds where cargo-fuzz is not installed (`cargo install cargo-fuzz`).
#
# cargo fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain
# take them. The first build takes several minutes (everything with sanitizer coverage).
set -euo pipefail
cd "$(dirname "$0")"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "SKIPPED: fuzz smoke run (cargo-fuzz is not installed)"
    exit 0
fi

seconds="${FUZZ_SECONDS:-30}"
export RUSTC_BOOTSTRAP=1

# target, then the directory of its regression inputs (read as seeds, never written).
run() {
    local target="$1" seeds="$2"
    mkdir -p "corpus/$target"
    echo "fuzzing $target for ${seconds}s"
    cargo fuzz run "$target" "corpus/$target" "$seeds" -- \
        -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1
}

# FUZZ_TARGETS picks targets (default all eight; CI runs all eight). The targets are bins of
# one package, so the first build compiles every dependency (the server and the library
# with sanitizer coverage, ~10 minutes on 2 cores) and each further target only links.
# Their kept inputs are also replayed by `cargo test` in every run (see README.md).
targets="${FUZZ_TARGETS:-frame_decode server_state sessions moves socket_frames client_messages web_input x_client}"
for t in $targets; do
    case "$t" in
        frame_decode) run frame_decode ../protocol/tests/fuzz_regressions/frame_decode ;;
        server_state) run server_state ../display-server/tests/fuzz_regressions/server_state ;;
        # No crash of its own kept yet: server_state's inputs seed it (its grammar
        # contains theirs).
        sessions) run sessions ../display-server/tests/fuzz_regressions/server_state ;;
        # The same seeds (its grammar contains the sessions grammar).
        moves) run moves ../display-server/tests/fuzz_regressions/server_state ;;
        socket_frames) run socket_frames ../display-server/tests/fuzz_regressions/socket_frames ;;
        client_messages) run client_messages ../client-lib/tests/fuzz_regressions/client_messages ;;
        web_input) run web_input ../display-server/tests/fuzz_regressions/web_input ;;
        # A real bridge on a real Xvfb: yonder-x11 built first (a plain debug build),
        # unless YONDER_X11 already names one (CI keeps the tests' build).
        x_client)
            if [ -z "${YONDER_X11:-}" ] || [ ! -x "$YONDER_X11" ]; then
                (cd .. && cargo build -q -p yonder-x11)
                YONDER_X11="${CARGO_TARGET_DIR:-$PWD/../target}/debug/yonder-x11"
            fi
            YONDER_X11="$YONDER_X11" run x_client ../x11-bridge/tests/fuzz_regressions/x_client
            ;;
        *) echo "unknown fuzz target $t"; exit 2 ;;
    esac
done
echo "fuzz smoke run: no crash"
