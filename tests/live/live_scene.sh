#!/usr/bin/env bash
# The live path end to end without microphones: a private JACK server on
# the dummy backend, `earshot run` capturing its "system" device through
# PortAudio, earshot-jackplay playing a simulated scene into PortAudio's
# input ports in real time; then SIGINT (exit 0) and the alerts scored
# against the scene's truth (every launch alerted exactly once, bearing
# and range within limits, nothing else alerted).
#
# Live t_origin is UNIX time; the player prints the UNIX time of the cycle
# that carried the file's first frame, which maps it back to the file's
# time (the dummy backend's clock runs a little off the wall clock, so the
# match window is 1 s instead of 0.3 s; positions are not affected).
# usage: live_scene.sh BUILD_DIR SCENE.json WORK_DIR
set -euo pipefail
build=$1 scene=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
. "$(dirname "$0")/lib.sh"
name=$(basename "$scene" .json)

"$build/earshot-sim" "$scene" --out "$work" --prefix "$name" >/dev/null
set_device "$work/$name.site.json" system
jack_start "$(jack_name scene)"
engine_start "$work/$name.site.json" "$work/events.jsonl"

"$build/earshot-jackplay" "$work/$name.wav" --wait 20 >"$work/play.out" 2>"$work/play.err" ||
  fail "earshot-jackplay failed: $(cat "$work/play.err")"
start=$(awk '$1 == "start_unix_s" { print $2 }' "$work/play.out")
[ -n "$start" ] || fail "earshot-jackplay printed no start time"
log "scene played; first frame at UNIX $start"

engine_stop # the end of the stream flushes every pending event
cat "$work/engine.err" >&2
grep -q "overruns" "$work/engine.err" || fail "no summary line from earshot run"
"$build/test_live_events" shift "$start" "$work/events.jsonl" "$work/events.scene.jsonl"
"$build/earshot-score" --truth "$work/$name.truth.json" --events "$work/events.scene.jsonl" \
  --window 1.0 --max-bearing-err 2 --max-range-err 10
rm -f "$work/$name.wav"
