#!/usr/bin/env bash
# SIGHUP while `earshot run` captures (CONTRACT.md section 2): a new
# atmosphere temperature in the config file shows in the next heartbeats;
# a file that no longer validates is reported and the old values stay; a
# moved sensor is reported as needing a restart and not applied.
# usage: live_sighup.sh BUILD_DIR SCENES_DIR WORK_DIR
set -euo pipefail
build=$1 scenes=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
. "$(dirname "$0")/lib.sh"
ev=$work/events.jsonl
cfg=$work/amb.site.json

"$build/earshot-sim" "$scenes/live_ambient.json" --out "$work" --prefix amb --duration 0.5 >/dev/null
set_device "$cfg" system
jack_start "$(jack_name hup)"
engine_start "$cfg" "$ev"

# Heartbeats after time $1 exist and the latest has temperature $2.
latest_temperature_is() {
  heartbeats "$ev" | awk -v t0="$1" -v want="$2" '$1 > t0 { last = $4 } END { exit !(last != "" && last + 0 == want + 0) }'
}
stderr_has() { grep -qF -- "$1" "$work/engine.err"; }

t0=$(now_s)
wait_until 5 latest_temperature_is "$t0" 15 || fail "the starting temperature (15 C) is not in the heartbeats"

sed -i 's/"temperature_c": [-0-9.]*/"temperature_c": 31.5/' "$cfg"
t1=$(now_s)
kill -HUP "$ENGINE_PID"
wait_until 5 stderr_has "atmosphere applied: 31.5 C" || fail "SIGHUP: the new atmosphere was not reported"
wait_until 5 latest_temperature_is "$t1" 31.5 || fail "SIGHUP: heartbeats do not show 31.5 C"
log "new temperature in force"

cp "$cfg" "$work/good.json"
printf '{"site": ' >"$cfg"
kill -HUP "$ENGINE_PID"
wait_until 5 stderr_has "keeping the running config" || fail "SIGHUP: a broken file was not reported"
t2=$(now_s)
sleep 1.2 # two more heartbeats
latest_temperature_is "$t2" 31.5 || fail "SIGHUP: a broken file changed the temperature"
kill -0 "$ENGINE_PID" || fail "SIGHUP: a broken file stopped the engine"
log "broken file reported, old values kept"

sed 's/"e_m": 0.0,/"e_m": 12.5,/' "$work/good.json" >"$cfg"
cmp -s "$cfg" "$work/good.json" && fail "test bug: no sensor moved"
kill -HUP "$ENGINE_PID"
wait_until 5 stderr_has "sensors changed; restart to apply" || fail "SIGHUP: a moved sensor was not reported"
stderr_has "atmosphere unchanged" || fail "SIGHUP: the unchanged atmosphere was not reported"
log "moved sensor reported as needing a restart"

engine_stop
cat "$work/engine.err" >&2
