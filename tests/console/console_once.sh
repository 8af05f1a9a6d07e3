#!/usr/bin/env bash
# earshot-console --once against an engine replaying scenes/e2e_1.json in
# real time: two consoles start with the engine (which waits for both),
# one printing its frame 6 s in (ENGINE CONNECTED, every sensor ok), one
# 25 s in, 10 s after the 14 s scene (ENGINE DEAD, both launches alerted
# where the truth has them, each id at its last revision, the heartbeat's
# counters). Both exit 0, and their output is plain text: no escape byte.
# usage: console_once.sh BUILD_DIR SCENES_DIR WORK_DIR
TEST_NAME=console_once
. "$(dirname "$0")/lib.sh" "$@"
prepare_scene

once_start() {
  "$build/earshot-console" --connect "$ENDPOINT" --once "$1" >"$work/once_$1.txt" \
    2>"$work/once_$1.err" &
  ONCE_PIDS+=($!)
}

# once_wait S: that console's exit 0, and an output without escapes.
once_wait() {
  local pid=$1 s=$2 rc=0
  wait "$pid" || rc=$?
  [ "$rc" -eq 0 ] || fail "--once $s exited $rc: $(cat "$work/once_$s.err")"
  [ -s "$work/once_$s.txt" ] || fail "--once $s printed nothing"
  if grep -qP '[\x1b\r]' "$work/once_$s.txt"; then
    fail "--once $s printed escape or carriage-return bytes: $(od -c "$work/once_$s.txt" | grep -m3 '033')"
  fi
}

once_start 6
once_start 25
replay_start 2
once_wait "${ONCE_PIDS[0]}" 6
check_screen "$work/once_6.txt" --state CONNECTED
log "--once 6: CONNECTED, the 8 sensors ok, plain text"

replay_wait
once_wait "${ONCE_PIDS[1]}" 25
ONCE_PIDS=()
since=$(awk -v a="$(now_s)" -v b="$T_EXIT" 'BEGIN { printf "%.1f", a - b }')
check_screen "$work/once_25.txt" --state DEAD --launches --counters
log "--once 25 ($since s after the engine's exit): DEAD, both launches, plain text"
log "PASS"
