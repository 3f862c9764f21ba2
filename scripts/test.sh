#!/usr/bin/env bash
# Runs every test of the workspace: unit, golden-byte, integration (real server on a
# temporary socket) and the apps' smoke runs. Needs only a Rust toolchain; tests that
# need an X display run under xvfb-run when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --workspace --all-targets
cargo test --workspace --no-fail-fast "$@"
# The library's optional async feature (events awaited on tokio).
cargo test -p yonder --features async --test async_events "$@"

# Two network namespaces standing for two hosts: a drag between apps on either side
# (needs root; prints SKIPPED otherwise).
demo/cross-machine.sh
