#!/usr/bin/env bash
# The demo: builds the server and the apps, then runs `yonder-demo`, which starts a
# yonder-server (headless when there is no desktop, else in a window) and the apps side
# by side on it, with an X11 program (xclock) through the bridge yonder-x11 when Xvfb and
# x11-apps are installed; headless, it saves a screenshot to shots/demo.png and exits. Options go to yonder-demo, e.g. `--exit-after SECONDS`,
# `--screenshot FILE`, `--headless` (see `yonder-demo --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p yonder-server -p yonder-apps -p yonder-x11
exec target/release/yonder-demo "$@"
