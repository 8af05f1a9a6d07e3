#!/usr/bin/env bash
# earshot-cot over UDP, as TAK's SA multicast and unicast inputs take it:
# a receiver on 127.0.0.1 (cot_listen.py) gets one datagram per document;
# every one validates and matches the engine's messages (cot_check.py),
# none is missing or doubled; the bridge exits 0 on SIGTERM.
# usage: cot_udp.sh BUILD_DIR SCENE.json WORK_DIR
set -euo pipefail
TEST_NAME=cot_udp
. "$(dirname "$0")/lib.sh" "$@"
port=$(free_port)
python3 "$here/cot_listen.py" udp "$port" "$work/received.xml" 2>"$work/listen.err" &
LISTEN_PIDS+=($!)
wait_until 10 test -e "$work/received.xml.ready" || fail "the UDP receiver did not start"
endpoint="ipc://$work/engine.sock"
bridge_start bridge --connect "$endpoint" --to "udp://127.0.0.1:$port" --ttl 4 \
  --uid-prefix test --all-events
engine_replay "$endpoint" 1
engine_wait
wait_until 10 has_line "$work/bridge.err" DISCONNECTED || fail "the bridge never saw the engine go"
bridge_stop bridge 0
sent=$(lines "$work/bridge.err" SENT)
wait_until 5 eval '[ "$(grep -c . "$work/received.xml")" -ge "$sent" ]' ||
  fail "$sent documents sent, $(grep -c . "$work/received.xml") received"
[ "$(lines "$work/bridge.err" DROPPED)" -eq 0 ] || fail "documents dropped over UDP"
check "$work/received.xml" udp --prefix test --stale 300 --all-events
log "PASS: $sent datagrams, each one valid document"
