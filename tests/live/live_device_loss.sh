#!/usr/bin/env bash
# The audio device disappears while `earshot run` captures (the JACK server
# is SIGKILLed, as an unplugged interface vanishes): within about 2 s the
# heartbeats report every sensor ok: false, heartbeats keep coming (at
# least one a second for 5 s) and the engine stays up; once the server is
# back the engine reopens the device by itself and the sensors are ok
# again. Then the helper hangs (SIGSTOP): the silence is noticed, the
# helper killed and the device reopened. Finally the server dies again and
# SIGINT, with no device, still stops the engine with exit 0. A looped noise scene keeps a live signal on every channel
# (digital silence would read as dead).
# usage: live_device_loss.sh BUILD_DIR SCENES_DIR WORK_DIR
set -euo pipefail
build=$1 scenes=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
. "$(dirname "$0")/lib.sh"
ev=$work/events.jsonl

"$build/earshot-sim" "$scenes/live_ambient.json" --out "$work" --prefix amb >/dev/null
set_device "$work/amb.site.json" system
server=$(jack_name loss)

play_loop() {
  "$build/earshot-jackplay" "$work/amb.wav" --loop --wait 30 >>"$work/play.out" 2>>"$work/play.err" &
  PLAYER_PID=$!
}

# A heartbeat after time $1 whose ok count satisfies awk test $2 (n = ok, m = sensors).
heartbeat_after() {
  heartbeats "$ev" | awk -v t0="$1" "\$1 > t0 { n = \$2; m = \$3; if ($2) found = 1 } END { exit !found }"
}
first_heartbeat_after() {
  heartbeats "$ev" | awk -v t0="$1" "\$1 > t0 { n = \$2; m = \$3; if ($2) { print \$1; exit } }"
}

jack_start "$server"
engine_start "$work/amb.site.json" "$ev"
play_loop
t_start=$(now_s)
wait_until 20 heartbeat_after "$t_start" "n == m && m == 8" ||
  fail "sensors never all ok with the device working"
log "all sensors ok; killing the JACK server"

t_kill=$(now_s)
jack_kill
wait "$PLAYER_PID" 2>/dev/null || true
PLAYER_PID=""
wait_until 4 heartbeat_after "$t_kill" "n == 0 && m == 8" ||
  { cat "$work/engine.err" >&2; fail "no heartbeat with every sensor ok: false within 4 s of the loss"; }
t_bad=$(first_heartbeat_after "$t_kill" "n == 0")
log "device loss reported $(awk -v a="$t_bad" -v b="$t_kill" 'BEGIN { printf "%.2f", a - b }') s after the kill"

sleep 5.2 # watch the engine without a device for 5 s
kill -0 "$ENGINE_PID" 2>/dev/null || fail "earshot run exited after the device was lost"
heartbeats "$ev" | awk -v a="$t_bad" '
  $1 > a && $1 <= a + 5 { k = int($1 - a); seen[k]++; if ($2 != 0) bad++ }
  END {
    for (k = 0; k < 5; k++) if (!seen[k]) { printf "no heartbeat in second %d after the loss\n", k; exit 1 }
    if (bad) { printf "%d heartbeats with sensors ok while the device is gone\n", bad; exit 1 }
  }' || fail "heartbeats did not keep coming while the device was gone"
log "heartbeats kept coming for 5 s, every sensor ok: false"

jack_files_remove
t_restart=$(now_s)
jack_start "$server"
play_loop
wait_until 15 heartbeat_after "$t_restart" "n == m && m == 8" ||
  { cat "$work/engine.err" >&2; fail "sensors not ok within 15 s of the device coming back"; }
t_good=$(first_heartbeat_after "$t_restart" "n == m && m == 8")
log "sensors ok again $(awk -v a="$t_good" -v b="$t_restart" 'BEGIN { printf "%.2f", a - b }') s after the server restarted"

# A driver that hangs instead of failing: the capture helper is stopped
# (SIGSTOP), audio stops without any error; the watchdog must notice the
# silence, kill the helper and open the device again.
helper=$(pgrep -P "$ENGINE_PID" -f _capture-helper) || fail "no capture helper process"
kill -STOP "$helper"
lost_again() { [ "$(grep -c "lost: no audio for" "$work/engine.err")" -ge 1 ]; }
back_again() { [ "$(grep -c "is back" "$work/engine.err")" -ge 2 ]; }
wait_until 4 lost_again || { cat "$work/engine.err" >&2; fail "a hung device was not declared lost"; }
wait_until 15 back_again || { cat "$work/engine.err" >&2; fail "a hung device was not reopened"; }
kill -0 "$helper" 2>/dev/null && fail "the hung helper is still there"
log "hung device declared lost, helper killed, device reopened"

# SIGINT while the device is gone (where a stop or close in PortAudio
# would wait for a server that is not there): still exit 0, promptly.
stop_pid "$PLAYER_PID" && PLAYER_PID=""
jack_kill
lost_twice() { [ "$(grep -c "lost: the stream stopped" "$work/engine.err")" -ge 2 ]; }
wait_until 4 lost_twice || { cat "$work/engine.err" >&2; fail "the second loss was not reported"; }
engine_stop
cat "$work/engine.err" >&2
grep -q "lost: the stream stopped" "$work/engine.err" || fail "the loss was not reported on stderr"
