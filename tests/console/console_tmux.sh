#!/usr/bin/env bash
# earshot-console in a real terminal: a detached tmux pane of 120 x 40
# (its own tmux server) against an engine replaying scenes/e2e_1.json in
# real time (a mortar 1 km at bearing 30, a rocket 5 km at bearing 200).
# Read with `tmux capture-pane`:
#   - while the engine runs: ENGINE CONNECTED, every sensor of the site
#     file listed ok;
#   - once it has finished: both launches as ALERT rows with their class,
#     range within 10 % and bearing within 2 deg of the simulator's truth,
#     each id once at the last revision the engine sent, the heartbeat's
#     events and alerts counters;
#   - ENGINE DEAD within 3.5 s of the engine's exit;
#   - the pane resized to 60 x 12: the frame is laid out again (the
#     ENGINE line on the second row, not wrapped) and room is left for one
#     event only: the newest (E2, the rocket) is shown, the older one not;
#   - Ctrl-C: exit 0, the terminal given back (normal screen, cursor shown).
# usage: console_tmux.sh BUILD_DIR SCENES_DIR WORK_DIR
TEST_NAME=console_tmux
. "$(dirname "$0")/lib.sh" "$@"
require_tmux
prepare_scene

tmux_console 120 40
wait_until 10 screen_has '^ENGINE ' || fail "the console drew nothing: $(cat "$work/console.err")"
replay_start 1
wait_until 10 screen_has '^ENGINE CONNECTED ' || fail "no ENGINE CONNECTED within 10 s"
wait_until 5 screen_has '^SENSORS 8,' || fail "no sensor table from the heartbeats"
screen >"$work/screen_running.txt"
check_screen "$work/screen_running.txt" --state CONNECTED
log "running: CONNECTED, the 8 sensors ok"

replay_wait
sleep 0.5 # the last messages drawn: frames come at most every 0.25 s
screen >"$work/screen_done.txt"
check_screen "$work/screen_done.txt" --launches --counters
log "done: both launches alerted where the truth has them, each id at its last revision"

wait_until 5 screen_has '^ENGINE DEAD ' || fail "no ENGINE DEAD within 5 s of the engine's exit"
delay=$(awk -v a="$(now_s)" -v b="$T_EXIT" 'BEGIN { printf "%.2f", a - b }')
awk -v d="$delay" 'BEGIN { exit !(d <= 3.5) }' || fail "DEAD $delay s after the exit (limit 3.5 s)"
screen >"$work/screen_dead.txt"
log "DEAD $delay s after the engine exited"

tmux_cmd resize-window -t console -x 60 -y 12
fits() { screen >"$work/screen_small.txt" && sed -n 2p "$work/screen_small.txt" | grep -q '^ENGINE DEAD '; }
wait_until 3 fits || fail "not laid out again for 60 x 12 (SIGWINCH): $(cat "$work/screen_small.txt")"
grep -q ' E2 .* rocket ' "$work/screen_small.txt" && ! grep -q ' E1 ' "$work/screen_small.txt" ||
  fail "60 x 12: want the newest event (E2, the rocket) only: $(cat "$work/screen_small.txt")"
log "resized to 60 x 12: laid out again, the newest event kept, the oldest dropped"

tmux_cmd send-keys -t console C-c
wait_until 5 test -s "$work/console.rc" || fail "Ctrl-C did not stop the console"
[ "$(cat "$work/console.rc")" = 0 ] || fail "exit $(cat "$work/console.rc") on Ctrl-C, want 0"
terminal=$(tmux_cmd display-message -p -t console '#{alternate_on} #{cursor_flag}')
[ "$terminal" = "0 1" ] ||
  fail "the terminal not restored after Ctrl-C (alternate screen, cursor shown: $terminal, want 0 1)"
log "Ctrl-C: exit 0, the terminal restored"
log "PASS"
