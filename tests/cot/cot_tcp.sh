#!/usr/bin/env bash
# earshot-cot over TCP to a TAK server that goes away and comes back
# (tests/cot/camp_impact.json replayed in real time: a mortar at ~4 s, a
# rocket at ~17 s, an impact at ~26 s). Listener A takes the first
# document on one connection and closes everything (a server going down);
# the bridge says TAK_DISCONNECTED, and reports each document it cannot
# send while the server is down as DROPPED (never blocking, never
# queueing); listener B starts on the same port: the bridge reconnects by
# itself (TAK_CONNECTED again) and B gets the later documents on one
# connection. What A and B received is exactly what the bridge says it
# SENT, SENT and DROPPED together are every revision it should have sent,
# and every document validates and matches the engine's messages.
# usage: cot_tcp.sh BUILD_DIR SCENE.json WORK_DIR
set -euo pipefail
TEST_NAME=cot_tcp
. "$(dirname "$0")/lib.sh" "$@"
port=$(free_port)
listen() { # NAME [OPTIONS...]
  local name=$1; shift
  python3 "$here/cot_listen.py" tcp "$port" "$work/$name.xml" "$@" 2>>"$work/listen.err" &
  LISTEN_PIDS+=($!)
  wait_until 10 test -e "$work/$name.xml.ready" || fail "listener $name did not start"
}
connections() { cat "$work/$1.xml.connections" 2>/dev/null || echo 0; }

listen a --max-docs 1
a_pid=${LISTEN_PIDS[0]}
endpoint="ipc://$work/engine.sock"
bridge_start bridge --connect "$endpoint" --to "tcp://127.0.0.1:$port" --uid-prefix test \
  --all-events
wait_until 10 has_line "$work/bridge.err" TAK_CONNECTED || fail "the bridge did not connect to A"
engine_replay "$endpoint" 1 --realtime
wait_until 20 eval '! kill -0 '"$a_pid"' 2>/dev/null' || fail "A never got its document"
log "listener A gone after its first document"
wait_until 5 has_line "$work/bridge.err" TAK_DISCONNECTED ||
  fail "the bridge did not notice that A went away"
wait_until 20 has_line "$work/bridge.err" DROPPED ||
  fail "no document reported DROPPED while the server was down"
listen b
log "listener B up"
wait_until 15 has_line "$work/bridge.err" TAK_CONNECTED 2 || fail "the bridge did not reconnect to B"
engine_wait
wait_until 10 has_line "$work/bridge.err" DISCONNECTED || fail "the bridge never saw the engine go"
bridge_stop bridge 0
sleep 0.3

grep -q "TAK_DISCONNECTED tcp://127.0.0.1:$port reason=closed by the server" "$work/bridge.err" ||
  fail "the TAK_DISCONNECTED line does not say the server closed"
[ "$(connections a)" -eq 1 ] || fail "A saw $(connections a) connections, not 1"
[ "$(connections b)" -eq 1 ] || fail "B saw $(connections b) connections, not 1"
[ "$(grep -c . "$work/b.xml")" -ge 1 ] || fail "B received nothing after the reconnection"
grep -q "^earshot-cot: DROPPED .* reason=not connected to tcp://127.0.0.1:$port" "$work/bridge.err" ||
  fail "no DROPPED line saying the server was not connected"
cat "$work/a.xml" "$work/b.xml" >"$work/received.xml"
check "$work/received.xml" tcp --prefix test --stale 300 --all-events --log "$work/bridge.err"
log "PASS: A $(grep -c . "$work/a.xml"), B $(grep -c . "$work/b.xml") documents," \
  "$(lines "$work/bridge.err" DROPPED) dropped while the server was down"
