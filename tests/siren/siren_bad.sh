#!/usr/bin/env bash
# earshot-siren against a fake engine (fake_engine.py) that sends a
# message of one frame, one of three, a body that is not JSON, one that is
# JSON but not an object, and one without seq: each is one BAD line naming
# what is wrong, none stops the siren, and the valid alert that follows
# is an ALERT line with its fields. The three-frame message carried seq 1:
# skipped as bad, it is the one GAP (lost=1 after_seq=0 seq=2).
# usage: siren_bad.sh BUILD_DIR SCENES_DIR WORK_DIR
set -euo pipefail
build=$1 scenes=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
TEST_NAME=siren_bad
. "$(dirname "$0")/lib.sh"
py=""
for p in /usr/bin/python3 python3; do
  if "$p" -c 'import zmq' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || fail "no python3 with the zmq module (scripts/setup.sh installs python3-zmq)"
endpoint="ipc://$work/fake.sock"
"$py" "$(dirname "$0")/fake_engine.py" "$endpoint" 2>"$work/fake.err" &
ENGINE_PID=$!
siren_start "$endpoint"
wait "$ENGINE_PID" || fail "the fake engine failed: $(cat "$work/fake.err")"
ENGINE_PID=""
wait_until 5 has_at_least ALERT 1 || { cat "$work/siren.out" >&2; fail "no ALERT after the bad messages"; }
kill -0 "$SIREN_PID" 2>/dev/null || fail "earshot-siren died"
for reason in "one frame, not two" "more than two frames" "body is not a JSON object: ." "JSON but not an object" "no seq"; do
  grep -q "^BAD .*$reason" "$work/siren.out" || { cat "$work/siren.out" >&2; fail "no BAD line for: $reason"; }
done
[ "$(count BAD)" -eq 5 ] || { cat "$work/siren.out" >&2; fail "$(count BAD) BAD lines, want 5"; }
grep -q '^ALERT id=E1 revision=0 class=mortar confidence=0.990 range_m=2000.0 bearing_deg=45.00 ' \
  "$work/siren.out" || { cat "$work/siren.out" >&2; fail "the valid alert's line is wrong"; }
[ "$(count GAP)" -eq 1 ] && grep -q '^GAP lost=1 after_seq=0 seq=2 ' "$work/siren.out" ||
  { cat "$work/siren.out" >&2; fail "want exactly one GAP, lost=1 after_seq=0 seq=2 (the bad message)"; }
log "PASS: 5 bad messages, each a BAD line; the alert after them heard"
