#!/usr/bin/env bash
# earshot-siren reconnects by itself, and an alert published while it is
# cut off is never lost without a GAP line: the siren reaches the engine
# through a TCP relay (tcp_relay.py); 2.5 s after the first ALERT the
# relay is killed (every connection through it drops) and started again
# 2.5 s later, which covers the second launch's alert (scenes/e2e_1.json:
# a mortar, then a rocket 4.6 s later). Checked against the engine's own
# record of every message (--events): each alert message's seq is either
# on one of the siren's ALERT/UPDATE lines or inside a GAP it reported,
# and at least one was inside a GAP (else the outage missed the alert and
# the test proved nothing); DISCONNECTED and CONNECTED are reported.
# usage: siren_gap.sh BUILD_DIR SCENES_DIR WORK_DIR
set -euo pipefail
build=$1 scenes=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
. "$(dirname "$0")/lib.sh"
relay=$(dirname "$0")/tcp_relay.py
simulate e2e_1
engine_port=$(free_port)
relay_port=$(free_port)
relay_start() {
  python3 "$relay" "$relay_port" "$engine_port" 2>>"$work/relay.err" &
  RELAY_PID=$!
}

relay_start
engine_start "tcp://127.0.0.1:$engine_port" "$work/events.jsonl"
siren_start "tcp://127.0.0.1:$relay_port" --hold 60
wait_until 15 has_at_least ALERT 1 || fail "no ALERT within 15 s"
sleep 2.5
log "cutting the relay"
stop_pid "$RELAY_PID" KILL || true
sleep 2.5
relay_start
log "relay back"
wait "$ENGINE_PID" || fail "earshot replay exited $?"
ENGINE_PID=""
sleep 1.5
grep -q '^DISCONNECTED ' "$work/siren.out" || fail "the cut was not reported (DISCONNECTED)"
[ "$(count CONNECTED)" -ge 2 ] || fail "no CONNECTED after the relay came back"

# Every alert message: heard, or inside a reported gap.
gaps=$(grep '^GAP ' "$work/siren.out" | sed 's/.*after_seq=\([0-9]*\) seq=\([0-9]*\).*/\1 \2/')
heard=$(grep -E '^(ALERT|UPDATE) ' "$work/siren.out" | sed 's/.* seq=\([0-9]*\) .*/\1/')
in_gap=0
for seq in $(grep '"topic":"alert"' "$work/events.jsonl" | grep -o '"seq":[0-9]*' | cut -d: -f2); do
  if echo "$heard" | grep -qx "$seq"; then continue; fi
  if echo "$gaps" | awk -v s="$seq" '$1 < s && s < $2 { f = 1 } END { exit !f }'; then
    in_gap=$((in_gap + 1)); continue
  fi
  cat "$work/siren.out" >&2
  fail "alert seq $seq was neither received nor inside a reported GAP"
done
[ "$in_gap" -ge 1 ] || { cat "$work/siren.out" >&2; fail "no alert fell in the outage: the test's timing missed it"; }
log "PASS: $in_gap alert message(s) published during the cut, each inside a GAP line"
