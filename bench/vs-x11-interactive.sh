#!/usr/bin/env bash
# Interactive latency on a real screen (issue 17 §4): from a key press or a click given by
# xdotool to the app's changed pixels in the host window, Yonder's windowed server on Xvfb
# against an X11 program on the same Xvfb directly.
#
#   bench/vs-x11-interactive.sh [--samples N]   (default 100 per row)
#   bench/vs-x11-interactive.sh --smoke         (CI: 10 per row; checks that it runs)
#
# One Xvfb (1280×800×24). First `yonder-server --window 1280x800 --no-window-manager` on it
# (winit + softbuffer: the host window is the Yonder screen) with the probe app
# (bench/interactive-probe, `yonder-app`) at (200, 150), 400×300: it fills its window with
# the next color on each key and button press. Then the Yonder server is stopped and the
# same app as an X11 client (`x11-app`) stands at the same place of the same Xvfb. For each
# row the watcher (`interactive-probe watch`, on the Xvfb) runs xdotool, learns when the X
# server took the input (an XInput 2 raw event on the root: xdotool's own start is left
# out, the same for both), and polls GetImage of 16×16 pixels in the window every 250 µs
# until they change. Rows:
# - key: `xdotool key a`, the pointer over the window (the host window has the focus);
# - click: `xdotool click 1` there;
# - key within a refresh: `xdotool key --delay 0 a` a random 0 to one refresh interval
#   (17 ms at 60 Hz) after the last change was seen, so that inputs land within one
#   refresh interval of the last present, where a present loop's pacing shows (the other
#   rows wait until the window has been still for 50 ms).
# Prints a markdown section (stdout): the table of p50 and p99, the refresh interval the
# server's present loop assumes and whether Yonder's p99 stays within one refresh interval
# of X11's. Progress on stderr. Needs Xvfb and xdotool (apt-get install xvfb xdotool).
# Sample output and where the time goes: bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SAMPLES=100
while [ $# -gt 0 ]; do
    case $1 in
    --smoke) SAMPLES=10 ;;
    --samples) SAMPLES=${2:?--samples needs a number}; shift ;;
    *) echo "usage: bench/vs-x11-interactive.sh [--samples N | --smoke]" >&2; exit 2 ;;
    esac
    shift
done
for tool in Xvfb xdotool; do
    if ! command -v "$tool" >/dev/null; then
        echo "vs-x11-interactive: needs $tool (apt-get install xvfb xdotool)" >&2
        exit 1
    fi
done

echo "vs-x11-interactive: building (release)" >&2
cargo build --release -q -p yonder-server --bin yonder-server >&2
# The probe is a package of its own (outside the workspace, like bench/x11-latency); it
# shares the workspace's target directory, and so its compiled dependencies.
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}" \
    cargo build --release -q --manifest-path bench/interactive-probe/Cargo.toml >&2
bin=${CARGO_TARGET_DIR:-$ROOT/target}/release
PROBE=$bin/interactive-probe

# shellcheck source=bench/common.sh
source bench/common.sh

exec 3>"$tmp/xdisplay"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
pids+=($!)
exec 3>&-
wait_for_line "$tmp/xdisplay" '[0-9]'
x=$(head -1 "$tmp/xdisplay")
export DISPLAY=":$x"

# The app's window: (200, 150) on the Yonder screen, 400×300; the same place of the Xvfb
# for the X11 app. The watched pixels: 16×16 at its center, where the pointer stands.
APP_AT=(200 150)
APP_SIZE=(400 300)

# The refresh interval the server's present loop assumes: the host monitor's refresh as
# winit reports it (the probe computes it as winit does), else the server's default.
refresh=$("$PROBE" refresh --x "$x" | sed -n 's/^refresh_mhz //p')
default_us=$(sed -n 's/.*frame_interval: Duration::from_micros(\([0-9_]*\)).*/\1/p' \
    display-server/src/screen/winit.rs | tr -d _)
if [ -n "$refresh" ] && [ "$refresh" != none ]; then
    interval_ms=$(awk -v m="$refresh" 'BEGIN { printf "%.3f", 1e6 / m }')
    why="the Xvfb's RandR mode says $(awk -v m="$refresh" 'BEGIN { printf "%.2f", m / 1000 }') Hz"
else
    interval_ms=$(awk -v u="${default_us:-16667}" 'BEGIN { printf "%.3f", u / 1000 }')
    why="Xvfb's RandR mode has no timings, so winit reports no refresh rate and the server keeps its default"
fi
# The third row's inputs come a random 0..GAP ms after the last change was seen.
gap_ms=$(awk -v i="$interval_ms" 'BEGIN { printf "%d", i + 0.999 }')

# Times every row on the screen as it is; $1 names the system, $2 and $3 are the app
# window's place on the Xvfb. Writes $tmp/SYSTEM-ROW.out.
measure() {
    local sys=$1 ax=$2 ay=$3 row input
    local cx=$((ax + APP_SIZE[0] / 2)) cy=$((ay + APP_SIZE[1] / 2))
    local rect="$((cx - 8)),$((cy - 8)),16,16"
    xdotool mousemove "$cx" "$cy"
    for row in key click fast; do
        local extra=()
        input=$row
        if [ "$row" = fast ]; then input=key; extra=(--gap "$gap_ms"); fi
        if ! timeout 600 "$PROBE" watch --x "$x" --rect "$rect" --input "$input" \
            --samples "$SAMPLES" "${extra[@]}" >"$tmp/$sys-$row.out" 2>&1; then
            echo "vs-x11-interactive: the watcher failed ($sys, $row):" >&2
            tail -5 "$tmp/$sys-$row.out" >&2
            exit 1
        fi
        echo "vs-x11-interactive: $sys, $row: $SAMPLES samples, p50 $(fig "$sys-$row" p50_ms) ms," \
            "p99 $(fig "$sys-$row" p99_ms) ms, max $(fig "$sys-$row" max_ms) ms" >&2
    done
}
# A figure ($2) of a watcher's output ($1).
fig() { sed -n "s/^$2 //p" "$tmp/$1.out"; }

# --- Yonder: the windowed server on the Xvfb -------------------------------------------
"$bin/yonder-server" --window 1280x800 --no-window-manager --socket-dir "$tmp/sockets" \
    --cookie-file "$tmp/cookies" >"$tmp/yonder.out" 2>"$tmp/yonder.err" &
ypid=$!
pids+=("$ypid")
if ! (wait_for_line "$tmp/yonder.out" YONDER_DISPLAY=); then
    echo "vs-x11-interactive: yonder-server did not start on the Xvfb:" >&2
    cat "$tmp/yonder.err" >&2
    exit 1
fi
n=$(sed -n 's/^YONDER_DISPLAY=://p' "$tmp/yonder.out")
cookie=$(awk -v d=":$n" '$1 == d { print $2 }' "$tmp/cookies")
host=$(timeout 10 xdotool search --sync --name "^Yonder :$n\$" | head -1) || true
if [ -z "$host" ]; then
    echo "vs-x11-interactive: no host window \"Yonder :$n\" on the Xvfb" >&2
    exit 1
fi
# The host window's place on the Xvfb (no window manager: normally 0,0).
eval "$(xdotool getwindowgeometry --shell "$host")"
echo "vs-x11-interactive: Yonder :$n in host window $host, ${WIDTH}x$HEIGHT at $X,$Y;" \
    "presents paced at $interval_ms ms" >&2
ax=$((X + APP_AT[0]))
ay=$((Y + APP_AT[1]))
YONDER_DISPLAY="unix:$tmp/sockets/display-$n" YONDER_COOKIE=$cookie \
    "$PROBE" yonder-app --at "${APP_AT[0]},${APP_AT[1]}" --size "${APP_SIZE[0]},${APP_SIZE[1]}" \
    >"$tmp/yapp.out" 2>&1 &
yapp=$!
pids+=("$yapp")
xdotool windowfocus --sync "$host"
measure yonder "$ax" "$ay"
kill "$yapp" "$ypid" 2>/dev/null || true
wait "$yapp" "$ypid" 2>/dev/null || true

# --- X11: the same app on the Xvfb directly ---------------------------------------------
"$PROBE" x11-app --at "$ax,$ay" --size "${APP_SIZE[0]},${APP_SIZE[1]}" >"$tmp/xapp.out" 2>&1 &
pids+=($!)
xwin=$(timeout 10 xdotool search --sync --name '^interactive-probe$' | head -1) || true
if [ -z "$xwin" ]; then
    echo "vs-x11-interactive: the X11 app's window never appeared:" >&2
    cat "$tmp/xapp.out" >&2
    exit 1
fi
xdotool windowfocus --sync "$xwin"
measure x11 "$ax" "$ay"

# --- The section ---------------------------------------------------------------------------
cat <<EOF
## Interactive latency (real screen)

From the X server taking xdotool's input (an XInput 2 raw event) to the first GetImage of
the screen showing the app's new color, $SAMPLES samples per row; Xvfb 1280×800×24 with
\`yonder-server --window --no-window-manager\` and the probe app, against the same app as
an X11 client on the Xvfb directly (\`bench/interactive-probe\`). xdotool's own start is
left out (p50 $(fig yonder-key xdotool_p50_ms) ms). The third row's keys come a random 0–$gap_ms ms after the
last change was seen, so within one refresh interval of the last present.

| input | Yonder p50 | Yonder p99 | X11 p50 | X11 p99 |
| --- | --- | --- | --- | --- |
EOF
verdicts=()
for row in key click fast; do
    case $row in
    key) label="key (\`xdotool key a\`)" short=key ;;
    click) label="click (\`xdotool click 1\`)" short=click ;;
    fast) label="key within a refresh of the last change" short="key within a refresh" ;;
    esac
    yp50=$(fig "yonder-$row" p50_ms) yp99=$(fig "yonder-$row" p99_ms)
    xp50=$(fig "x11-$row" p50_ms) xp99=$(fig "x11-$row" p99_ms)
    echo "| $label | $yp50 ms | $yp99 ms | $xp50 ms | $xp99 ms |"
    verdicts+=("$(awk -v y="$yp99" -v x="$xp99" -v i="$interval_ms" -v r="$short" \
        'BEGIN { d = y - x; printf "%s %s (%+.2f ms)", r, (d <= i ? "yes" : "NO"), d }')")
done
echo
echo "Refresh interval the server's present loop assumes (display-server/src/screen/winit.rs:"
echo "at most one present per interval): $interval_ms ms ($why)."
joined=$(printf '%s, ' "${verdicts[@]}")
echo "Yonder's p99 within one refresh interval of X11's p99: ${joined%, }."
