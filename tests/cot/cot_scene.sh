#!/usr/bin/env bash
# earshot-cot on one scene, replayed as fast as it goes: two bridges on
# stdout, one with --all-events --stale 120 --uid-prefix test, one with
# the defaults (launches and impacts only, stale 300 s, the endpoint as
# uid prefix). Every document of each validates against cot_event.xsd and
# matches the engine's messages and the simulator's truth (cot_check.py);
# both bridges exit 0 on SIGTERM.
# usage: cot_scene.sh BUILD_DIR SCENE.json WORK_DIR
set -euo pipefail
TEST_NAME=cot_$(basename "$2" .json)
. "$(dirname "$0")/lib.sh" "$@"
endpoint="ipc://$work/engine.sock"
bridge_start all --connect "$endpoint" --to - --all-events --stale 120 --uid-prefix test
bridge_start default --connect "$endpoint" --stdout
engine_replay "$endpoint" 2
engine_wait
# The engine has exited: once each bridge saw the link close, it has
# every message.
wait_until 10 has_line "$work/all.err" DISCONNECTED || fail "bridge (all) never saw the engine go"
wait_until 10 has_line "$work/default.err" DISCONNECTED || fail "bridge (default) never saw the engine go"
bridge_stop all 0
bridge_stop default 1
check "$work/all.out" all --prefix test --stale 120 --all-events
# The default prefix: the endpoint without its scheme, '/' made '-'.
prefix=$(echo "${endpoint#ipc://}" | sed 's|^/*||; s|[^A-Za-z0-9.]|-|g')
check "$work/default.out" default --prefix "$prefix" --stale 300
log "PASS: $(grep -c . "$work/all.out") documents (all events), $(grep -c . "$work/default.out") (defaults)"
