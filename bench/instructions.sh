#!/usr/bin/env bash
# Instructions per repetition of yperf operations, in the server and in the client,
# counted by callgrind: repeatable on a noisy machine where wall-clock ratios move by
# ±10 %. Used to show that a change does not slow a hot path (compare two builds with
# --bin), and beside X's (issue 17): the same counts for Xvfb and x11perf.
#
#   bench/instructions.sh [--reps N] [--bin DIR] [--smoke] [--no-x11] [OP ...]
#
# OP: yperf operation names (default: noop rect10 putimage100 roundtrip). One repetition
# is what `yperf --list` says (noop: one no-op request; rect10: one request of 1000 10×10
# rectangles; putimage100: one 100×100 image; roundtrip: one Sync and its reply).
# The server (`--headless 1280x800`) runs under callgrind; for each op its counters are
# zeroed, yperf runs N repetitions, and the counters are dumped; the same with 0
# repetitions gives the cost of connecting and setting up, which is subtracted. The
# client is counted the same way (yperf itself under callgrind). Each op is run once
# uncounted first, so that one-time costs (the first connection, caches) stay out, and
# each count is the median of three runs: now and then the cost of setting up moves by
# over a million instructions (whether a new window's pixels come from memory the
# allocator must clear), more than 2000 noops cost.
# First table: instructions per repetition, as measured (compare builds with it).
#
# Then, for every op with an x11perf test (the PAIRS of bench/vs-x11.sh), X's side the
# same way: Xvfb 1280x800x24 under callgrind, zeroed and dumped around x11perf (itself
# under callgrind) run with `-repeat 1 -reps 1` and `-reps 1+M`, M giving as many objects
# as yperf's N repetitions (medians of three runs again); the difference over the
# difference in the objects x11perf prints is X's cost per object. Second table
# (Markdown): instructions per object (rectangle, segment, character, image..., as
# x11perf and bench/vs-x11.sh count them) for both, and Yonder's total over X's. yperf's
# --reps sends a Sync every 64 repetitions, which x11perf does not: in the second table
# their share is taken off (a Sync's cost measured by the roundtrip op). --no-x11 leaves
# X's side out.
#
# --bin DIR takes yonder-server and yperf from DIR (default target/release, built first);
# --smoke runs one op (noop, X's too) with few repetitions (CI), its figures mean nothing.
# Needs valgrind, and for X's side Xvfb and x11perf (Debian: valgrind, xvfb, x11-apps;
# the latter two installed when missing and run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

reps=2000
bin=""
ops=()
smoke=0
x11=1
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --no-x11) x11=0; shift ;;
    -h|--help) sed -n '2,36p' "$0"; exit 0 ;;
    -*) echo "instructions.sh: unknown option $1" >&2; exit 2 ;;
    *) ops+=("$1"); shift ;;
  esac
done
if [ "$smoke" = 1 ]; then
  reps=20
  [ ${#ops[@]} -gt 0 ] || ops=(noop)
fi
[ ${#ops[@]} -gt 0 ] || ops=(noop rect10 putimage100 roundtrip)

if ! command -v valgrind >/dev/null || ! command -v callgrind_control >/dev/null; then
  echo "instructions.sh: needs valgrind (Debian: apt-get install valgrind)" >&2
  exit 1
fi

# yperf op = x11perf test, read from bench/vs-x11.sh so that the tables list the same pairs.
declare -A XTEST
if [ "$x11" = 1 ]; then
  pairs=$(sed -n '/^PAIRS="/,/"$/p' bench/vs-x11.sh | sed 's/^PAIRS=//' | tr -d '"')
  [ -n "$pairs" ] || { echo "instructions.sh: no PAIRS=\"...\" in bench/vs-x11.sh" >&2; exit 1; }
  for p in $pairs; do XTEST[${p%%=*}]=${p#*=}; done
  need_x=0
  for op in "${ops[@]}"; do [ -z "${XTEST[$op]:-}" ] || need_x=1; done
  if [ "$need_x" = 0 ]; then
    x11=0
  else
    missing=""
    command -v Xvfb >/dev/null || missing="$missing xvfb"
    command -v x11perf >/dev/null || missing="$missing x11-apps"
    if [ -n "$missing" ] && [ "$(id -u)" != 0 ]; then
      echo "instructions.sh: X's side needs$missing (or run with --no-x11)" >&2
      exit 1
    fi
    # shellcheck source=bench/packages.sh
    . bench/packages.sh
    # shellcheck disable=SC2086
    install_missing instructions.sh $missing
  fi
fi

if [ -z "$bin" ]; then
  cargo build --release -q -p yonder-server -p yonder-apps --bin yonder-server --bin yperf
  bin=${CARGO_TARGET_DIR:-target}/release
fi

tmp=$(mktemp -d)
server_pid=""
xvfb_pid=""
cleanup() {
  for p in $server_pid $xvfb_pid; do
    kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
export YONDER_COOKIE_FILE="$tmp/cookies"

valgrind --tool=callgrind --callgrind-out-file="$tmp/server.out" \
  "$bin/yonder-server" --headless 1280x800 --no-window-manager --socket-dir "$tmp/s" \
  --cookie-file "$tmp/cookies" >"$tmp/server.log" 2>"$tmp/server.err" &
server_pid=$!
if [ "$x11" = 1 ]; then
  # -noreset: Xvfb otherwise resets when its last client leaves (XKB loaded again, the
  # screen cleared: millions of instructions), inside the counted span or not, by chance.
  # -s 0 -dpms: no screen saver or DPMS timer going off during a long run.
  valgrind --tool=callgrind --callgrind-out-file="$tmp/xvfb.out" \
    Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -nolisten unix-abstract \
    -noreset -s 0 -dpms 3>"$tmp/xdisplay" >"$tmp/xvfb.log" 2>&1 &
  xvfb_pid=$!
fi
for _ in $(seq 1 600); do
  grep -q '^YONDER_DISPLAY=' "$tmp/server.log" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.err" >&2; exit 1; }
  sleep 0.1
done
n=$(sed -n 's/^YONDER_DISPLAY=://p' "$tmp/server.log" | head -1)
[ -n "$n" ] || { echo "instructions.sh: the server did not start" >&2; cat "$tmp/server.err" >&2; exit 1; }
export YONDER_DISPLAY="unix:$tmp/s/display-$n"
xn=""
if [ "$x11" = 1 ]; then
  for _ in $(seq 1 600); do
    [ -s "$tmp/xdisplay" ] && break
    kill -0 "$xvfb_pid" 2>/dev/null || break
    sleep 0.1
  done
  xn=$(head -1 "$tmp/xdisplay" 2>/dev/null || true)
  [ -n "$xn" ] || { echo "instructions.sh: Xvfb did not start" >&2; cat "$tmp/xvfb.log" >&2; exit 1; }
fi

# The total of callgrind output file $1.
total() { sed -n 's/^totals: *//p' "$1" | awk '{print $1}'; }
# The total of the newest dump of the process whose output files are $tmp/$1.out.*, once
# it is complete (dumps are written asynchronously: up to 10 s); the dumps are removed.
dumped() {
  local f t=""
  for _ in $(seq 1 100); do
    # shellcheck disable=SC2012
    f=$(ls -t "$tmp/$1".out.* 2>/dev/null | head -1)
    [ -z "$f" ] || t=$(total "$f")
    [ -z "$t" ] || break
    sleep 0.1
  done
  rm -f "$tmp/$1".out.*
  echo "$t"
}
# Runs yperf for op $1 with $2 repetitions; prints "server_instructions client_instructions".
measure() {
  callgrind_control -z "$server_pid" >/dev/null 2>&1
  valgrind -q --tool=callgrind --callgrind-out-file="$tmp/client.out" \
    "$bin/yperf" --only "$1" --reps "$2" >/dev/null
  callgrind_control -d "$server_pid" >/dev/null 2>&1
  local s c
  s=$(dumped server)
  c=$(total "$tmp/client.out")
  rm -f "$tmp/client.out"
  echo "$s $c"
}
# The objects x11perf says it drew, from its output on stdin ("N reps @ T msec ...").
x11perf_objects() { sed -n 's/^ *\([0-9]*\) t*reps @.*/\1/p' | head -1; }
# Runs x11perf test $1 with $2 repetitions, both it and Xvfb counted; prints "objects
# xvfb_instructions x11perf_instructions", or nothing when x11perf did not run the test.
measure_x() {
  callgrind_control -z "$xvfb_pid" >/dev/null 2>&1
  valgrind -q --tool=callgrind --callgrind-out-file="$tmp/x11perf.out" \
    x11perf -display ":$xn" -repeat 1 -reps "$2" "-$1" >"$tmp/x11perf.log" 2>&1 || true
  callgrind_control -d "$xvfb_pid" >/dev/null 2>&1
  local s c o
  s=$(dumped xvfb)
  c=$(total "$tmp/x11perf.out" 2>/dev/null || true)
  o=$(x11perf_objects <"$tmp/x11perf.log")
  rm -f "$tmp/x11perf.out"
  if [ -n "$o" ] && [ -n "$s" ] && [ -n "$c" ]; then echo "$o $s $c"; fi
  return 0
}
# The median of each column of the lines on stdin (nothing when there are none).
medians() {
  awk '{ for (i = 1; i <= NF; i++) v[i, NR] = $i; nf = NF }
    END { for (i = 1; i <= nf; i++) {
            for (a = 1; a <= NR; a++) for (b = a + 1; b <= NR; b++)
              if (v[i, b] + 0 < v[i, a] + 0) { t = v[i, a]; v[i, a] = v[i, b]; v[i, b] = t }
            printf "%s%s", v[i, int((NR + 1) / 2)], (i < nf ? " " : "\n") } }'
}
measure3() { for _ in 1 2 3; do measure "$1" "$2"; done | medians; }
measure_x3() { for _ in 1 2 3; do measure_x "$1" "$2"; done | medians; }
# (after - before) / count
per() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.3f", (b - a) / n }'; }

# Objects per yperf repetition, from `yperf --list` ("... (1000 per request)", "character
# in an 80-character line"; otherwise one), as bench/vs-x11-bytes.sh reads them.
declare -A PER_REP
while read -r name k; do PER_REP[$name]=$k; done < <("$bin/yperf" --list | awk '{
    k = 1
    if (match($0, /\(([0-9]+) per /)) { s = substr($0, RSTART + 1); k = s + 0 }
    else if (match($0, /[0-9]+-character line/)) { k = substr($0, RSTART) + 0 }
    print $1, k }')

# Per op: YS / YC, Yonder's server and client instructions per repetition; XS / XC, X's
# per object.
declare -A YS YC XS XC
warm=$(( reps < 64 ? reps : 64 ))
printf '%-14s %14s %14s   (instructions per repetition, %s repetitions)\n' op server client "$reps"
for op in "${ops[@]}"; do
  "$bin/yperf" --only "$op" --reps "$warm" >/dev/null
  read -r s0 c0 < <(measure3 "$op" 0)
  read -r s1 c1 < <(measure3 "$op" "$reps")
  YS[$op]=$(per "$s0" "$s1" "$reps")
  YC[$op]=$(per "$c0" "$c1" "$reps")
  awk -v op="$op" -v s="${YS[$op]}" -v c="${YC[$op]}" \
    'BEGIN { printf "%-14s %14.0f %14.0f\n", op, s, c }'

  x=${XTEST[$op]:-}
  if [ "$x11" = 0 ] || [ -z "$x" ]; then continue; fi
  # Uncounted, as for yperf; x11perf prints the objects of one of its repetitions.
  k=$(x11perf -display ":$xn" -repeat 1 -reps 1 "-$x" 2>/dev/null | x11perf_objects || true)
  if [ -z "$k" ] || [ "$k" = 0 ]; then
    echo "instructions.sh: x11perf -$x did not run; no X figures for $op" >&2
    continue
  fi
  m=$(( (reps * ${PER_REP[$op]:-1} + k - 1) / k ))
  [ "$m" -gt 0 ] || m=1
  r1=$(measure_x3 "$x" 1)
  r2=$(measure_x3 "$x" $((1 + m)))
  if [ -z "$r1" ] || [ -z "$r2" ]; then
    echo "instructions.sh: x11perf -$x under callgrind did not run; no X figures for $op" >&2
    continue
  fi
  read -r o1 xs1 xc1 <<<"$r1"
  read -r o2 xs2 xc2 <<<"$r2"
  XS[$op]=$(per "$xs1" "$xs2" $((o2 - o1)))
  XC[$op]=$(per "$xc1" "$xc2" $((o2 - o1)))
done
[ "$x11" = 1 ] || exit 0

# --- against X, per object --------------------------------------------------------------
# yperf's checkpoints: a Sync every 64 repetitions (and one at the end, in both runs).
syncs=$(( reps / 64 ))
SS=0
SC=0
if [ "$syncs" -gt 0 ]; then
  if [ -n "${YS[roundtrip]:-}" ]; then
    rs=${YS[roundtrip]}; rc=${YC[roundtrip]}
  else
    "$bin/yperf" --only roundtrip --reps "$warm" >/dev/null
    read -r s0 c0 < <(measure3 roundtrip 0)
    read -r s1 c1 < <(measure3 roundtrip "$reps")
    rs=$(per "$s0" "$s1" "$reps"); rc=$(per "$c0" "$c1" "$reps")
  fi
  # roundtrip's repetitions are Syncs themselves, plus the checkpoints.
  SS=$(awk -v r="$rs" -v n="$reps" -v k="$syncs" 'BEGIN { print r * n / (n + k) }')
  SC=$(awk -v r="$rc" -v n="$reps" -v k="$syncs" 'BEGIN { print r * n / (n + k) }')
fi
# Yonder's per object: the per-repetition figure less the checkpoints' share, over the
# objects of a repetition (roundtrip: its repetitions and checkpoints are all Syncs).
yper() { # op per-repetition sync-cost
  awk -v op="$1" -v v="$2" -v s="$3" -v n="$reps" -v k="$syncs" -v o="${PER_REP[$1]:-1}" \
    'BEGIN { if (op == "roundtrip") print v * n / (n + k); else print (v - s * k / n) / o }'
}
num() { awk -v v="$1" 'BEGIN { if (v == "") print "-"; else if (v < 100 && v > -100) printf "%.1f", v; else printf "%.0f", v }'; }

echo
xv=$(dpkg-query -W -f='${Version}' xvfb 2>/dev/null || echo '?')
av=$(dpkg-query -W -f='${Version}' x11-apps 2>/dev/null || echo '?')
echo "Instructions per object (rectangle, segment, character, image..., as x11perf counts them),"
echo "counted by callgrind: \`yonder-server --headless 1280x800 --no-window-manager\` and yperf"
echo "with 0 and $reps repetitions; Xvfb 1280x800x24 (xvfb $xv) and x11perf (x11-apps $av)"
echo "with \`-repeat 1 -reps 1\` and \`-reps 1+M\`, M repetitions giving as many objects. Each"
echo "count is the median of three runs; the difference over the difference in objects."
if [ "$syncs" -gt 0 ]; then
  echo "Yonder's figures leave out yperf's checkpoints, a Sync every 64 repetitions ($syncs"
  echo "here; x11perf sends none), each counted as $(num "$SS") server and $(num "$SC") client instructions"
  echo "(the roundtrip op's figures)."
else
  echo "yperf sent no checkpoint Sync (one goes every 64 repetitions)."
fi
echo
echo "| op | x11perf test | Yonder server | Yonder client | X server | X client | Yonder / X |"
echo "|---|---|---:|---:|---:|---:|---:|"
for op in "${ops[@]}"; do
  ys=$(yper "$op" "${YS[$op]}" "$SS")
  yc=$(yper "$op" "${YC[$op]}" "$SC")
  xs=${XS[$op]:-}
  xc=${XC[$op]:-}
  ratio=$(awk -v a="$ys" -v b="$yc" -v c="$xs" -v d="$xc" \
    'BEGIN { if (c == "" || d == "" || c + d == 0) print "-"; else printf "%.2f×", (a + b) / (c + d) }')
  x=${XTEST[$op]:-}
  echo "| $op | ${x:+-}${x:--} | $(num "$ys") | $(num "$yc") | $(num "$xs") | $(num "$xc") | $ratio |"
done
