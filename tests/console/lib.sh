# Shared by the earshot-console tests (sourced with the test's arguments,
# BUILD_DIR SCENES_DIR WORK_DIR): the scene e2e_1 simulated, the engine
# replaying it in real time, the console in a tmux pane of its own server
# (a socket name with this shell's pid: parallel runs never meet),
# everything stopped at exit. The caller may set TEST_NAME.
set -euo pipefail
build=$1 scenes=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
. "$(dirname "${BASH_SOURCE[0]}")/../sh/common.sh"
CHECK_SCREEN=$(dirname "${BASH_SOURCE[0]}")/check_screen.py
ENGINE_PID=""
TMUX_SERVER=""
TMUX_SOCKET=""
ONCE_PIDS=()

cleanup() {
  stop_pid "$ENGINE_PID" INT || true
  local pid
  for pid in "${ONCE_PIDS[@]}"; do stop_pid "$pid" || true; done
  [ -z "$TMUX_SERVER" ] || tmux -L "$TMUX_SERVER" kill-server 2>/dev/null || true
  # tmux 3.3 leaves its socket file behind when the server is killed
  [ -z "$TMUX_SOCKET" ] || rm -f "$TMUX_SOCKET"
  return 0
}
trap cleanup EXIT

# The scene's audio, site and truth as $work/scene.*; ENDPOINT next to them.
prepare_scene() {
  "$build/earshot-sim" "$scenes/e2e_1.json" --out "$work" --prefix scene >/dev/null ||
    fail "earshot-sim e2e_1 failed"
  ENDPOINT="ipc://$work/engine.sock"
}

# replay_start N: `earshot replay --realtime` once N subscribers are in (no
# message lost to ZeroMQ's slow joiner), its record in $work/events.jsonl.
replay_start() {
  "$build/earshot" replay --realtime --quiet --wait-subscribers "$1" --wait-timeout 10000 \
    --config "$work/scene.site.json" --endpoint "$ENDPOINT" --events "$work/events.jsonl" \
    "$work/scene.wav" >"$work/engine.out" 2>"$work/engine.err" &
  ENGINE_PID=$!
}

# replay_wait: the engine's exit (0), its time in T_EXIT.
replay_wait() {
  wait "$ENGINE_PID" || fail "earshot replay exited $?: $(cat "$work/engine.err")"
  ENGINE_PID=""
  T_EXIT=$(now_s)
}

# check_screen FILE [--state WORD] [--launches] [--counters]: the frame
# against the simulator's truth and the site (tests/console/check_screen.py).
check_screen() {
  local file=$1; shift
  python3 "$CHECK_SCREEN" "$file" --truth "$work/scene.truth.json" \
    --site "$work/scene.site.json" --events "$work/events.jsonl" "$@" ||
    fail "$(basename "$file") does not show what the engine heard (above; the frame is $file)"
}

# ----------------------------------------------------------------- tmux

require_tmux() {
  command -v tmux >/dev/null ||
    fail "tmux is not installed (Debian package tmux): scripts/setup.sh must install it"
}

# tmux_console WIDTH HEIGHT: the console in a detached pane of that size;
# its exit status goes to $work/console.rc, and the pane stays (so the
# terminal's state after the exit can be read).
tmux_console() {
  TMUX_SERVER=es_console_$$
  cat >"$work/run_console.sh" <<EOF
'$build/earshot-console' --connect '$ENDPOINT' 2>'$work/console.err'
echo \$? >'$work/console.rc'
exec sleep 600
EOF
  tmux -L "$TMUX_SERVER" -f /dev/null new-session -d -s console -x "$1" -y "$2" \
    "bash '$work/run_console.sh'" || fail "tmux could not start a session"
  TMUX_SOCKET=$(tmux -L "$TMUX_SERVER" display-message -p '#{socket_path}')
}

tmux_cmd() { tmux -L "$TMUX_SERVER" "$@"; }
screen() { tmux_cmd capture-pane -p -t console; }
screen_has() { screen | grep -q -- "$1"; }
