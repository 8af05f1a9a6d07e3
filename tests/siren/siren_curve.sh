#!/usr/bin/env bash
# earshot-siren against an engine with publish.curve (keys from `earshot
# keygen`): with the engine's public key and a listed key file it gets the
# alerts (ALERT once per id the engine alerted, no REFUSED); with a key
# the engine does not list it gets nothing and says REFUSED once; without
# keys at all, also REFUSED and nothing else.
# usage: siren_curve.sh BUILD_DIR SCENES_DIR WORK_DIR
set -euo pipefail
build=$1 scenes=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
TEST_NAME=siren_curve
. "$(dirname "$0")/lib.sh"
simulate e2e_1
for k in engine allowed stranger; do "$build/earshot" keygen "$work/$k" >/dev/null; done
python3 - "$work/scene.site.json" "$(cat "$work/allowed.pub")" <<'PY'
import json, sys
path, allowed = sys.argv[1], sys.argv[2]
site = json.load(open(path))
site["publish"]["curve"] = {"secret_key_file": "engine.key", "client_public_keys": [allowed]}
json.dump(site, open(path, "w"), indent=1)
PY
port=$(free_port)
endpoint="tcp://127.0.0.1:$port"
server_key=$(cat "$work/engine.pub")
pids=()
for who in allowed stranger plain; do
  if [ $who = plain ]; then keys=(); else keys=(--server-key "$server_key" --key-file "$work/$who.key"); fi
  "$build/earshot-siren" --connect "$endpoint" "${keys[@]}" >"$work/$who.out" 2>"$work/$who.err" &
  pids+=($!)
done
trap 'for p in "${pids[@]}"; do stop_pid "$p" || true; done; cleanup' EXIT
engine_start "$endpoint" "$work/events.jsonl"
wait "$ENGINE_PID" || fail "earshot replay exited $?: $(tail -3 "$work/engine.err")"
ENGINE_PID=""
sleep 1

want=$(alert_ids "$work/events.jsonl" | tr '\n' ' ')
got=$(grep '^ALERT ' "$work/allowed.out" | sed 's/^ALERT id=\([^ ]*\) .*/\1/' | tr '\n' ' ')
[ -n "$want" ] || fail "the engine raised no alert"
[ "$want" = "$got" ] || fail "the listed subscriber's ALERT ids [$got], the engine's [$want]"
grep -q '^REFUSED' "$work/allowed.out" && fail "the listed subscriber was refused"
for who in stranger plain; do
  grep -qE '^(ALERT|UPDATE|ALIVE|GAP)' "$work/$who.out" && fail "the $who subscriber received messages"
  [ "$(grep -c '^REFUSED' "$work/$who.out")" -eq 1 ] ||
    fail "the $who subscriber: $(grep -c '^REFUSED' "$work/$who.out") REFUSED lines, want 1"
done
grep -q "refused" "$work/engine.err" || fail "the engine logged no refusal"
log "PASS: listed key got [$want]; unknown key and plain client refused, nothing received"
