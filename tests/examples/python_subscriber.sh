#!/usr/bin/env bash
# The Python example subscriber (tools/examples/earshot_subscriber.py,
# pyzmq from Debian's python3-zmq) against a real engine replaying
# scenes/e2e_1.json (a mortar and a rocket): every alert message the
# engine published (its --events record) is printed by the example, with
# the same id, revision and seq, and nothing else as ALERT; no GAP; the
# example declares the engine DEAD 3 s after the replay ends and exits 0.
# usage: python_subscriber.sh BUILD_DIR SCENES_DIR EXAMPLE WORK_DIR
set -euo pipefail
build=$1 scenes=$2 example=$3 work=$4
TEST_NAME=python_subscriber
. "$(dirname "$0")/../sh/common.sh"
rm -rf "$work" && mkdir -p "$work"
SUB_PID=""
trap 'stop_pid "$SUB_PID" || true' EXIT

# Debian's python3 has python3-zmq; another python3 first on PATH may not.
py=""
for p in /usr/bin/python3 python3; do
  if "$p" -c 'import zmq' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || fail "no python3 with the zmq module (scripts/setup.sh installs python3-zmq)"

"$build/earshot-sim" "$scenes/e2e_1.json" --out "$work" --prefix scene >/dev/null
endpoint="ipc://$work/engine.sock"
"$py" "$example" --connect "$endpoint" --exit-when-dead >"$work/sub.out" 2>"$work/sub.err" &
SUB_PID=$!
"$build/earshot" replay --quiet --config "$work/scene.site.json" --endpoint "$endpoint" \
  --wait-subscribers 1 --wait-timeout 20000 --events "$work/events.jsonl" "$work/scene.wav" \
  2>"$work/engine.err" || fail "earshot replay failed: $(cat "$work/engine.err")"
rc=0
wait_until 10 eval "! kill -0 $SUB_PID 2>/dev/null" || fail "the example did not exit once the engine was dead"
wait "$SUB_PID" || rc=$?
SUB_PID=""
[ "$rc" -eq 0 ] || fail "the example exited $rc: $(cat "$work/sub.err")"

want=$(grep '"topic":"alert"' "$work/events.jsonl" |
  sed 's/.*"seq":\([0-9]*\).*"id":"\([^"]*\)","revision":\([0-9]*\).*/\2 \3 \1/' | sort)
got=$(grep '^ALERT ' "$work/sub.out" |
  sed 's/^ALERT id=\([^ ]*\) revision=\([0-9]*\) .* seq=\([0-9]*\)$/\1 \2 \3/' | sort)
[ -n "$want" ] || fail "the engine published no alert"
[ "$want" = "$got" ] || fail "alerts printed [$got], published [$want]"
grep -q '^GAP ' "$work/sub.out" && fail "a GAP on a loss-free local replay: $(grep '^GAP ' "$work/sub.out")"
grep -q '^DEAD ' "$work/sub.out" || fail "no DEAD line"
log "PASS: $(echo "$want" | wc -l) alert messages, each printed with its id, revision and seq"
