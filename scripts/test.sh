#!/usr/bin/env bash
# Runs every test of the workspace: unit, golden-byte, integration (real server on a
# temporary socket) and the apps' smoke runs. Needs only a Rust toolchain; tests that
# need an X display run under xvfb-run when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --workspace --all-targets
cargo test --workspace --no-fail-fast "$@"
