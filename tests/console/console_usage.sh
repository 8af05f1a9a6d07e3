#!/usr/bin/env bash
# earshot-console's command line: bad usage is exit 2 with one line on
# stderr naming the problem (and nothing on stdout); --help lists every
# option and the exit codes; stdout that cannot be written is exit 1;
# SIGINT and SIGTERM are exit 0 with the cursor shown again.
# usage: console_usage.sh CONSOLE WORK_DIR
set -euo pipefail
console=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
TEST_NAME=console_usage
. "$(dirname "$0")/../sh/common.sh"
PID=""
trap 'stop_pid "$PID" KILL || true' EXIT
endpoint="ipc://$work/nobody.sock"

# bad WORD ARGS...: exit 2, one line on stderr containing WORD, no stdout.
bad() {
  local word=$1 rc=0; shift
  "$console" "$@" >"$work/out" 2>"$work/err" || rc=$?
  [ "$rc" -eq 2 ] || fail "'$*': exit $rc, want 2"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "'$*': stderr is not one line: $(cat "$work/err")"
  grep -qF -- "$word" "$work/err" || fail "'$*': the line does not name '$word': $(cat "$work/err")"
  [ ! -s "$work/out" ] || fail "'$*': wrote to stdout"
}

bad --connect
bad --connect --connect
bad --once --connect "$endpoint" --once
bad --once --connect "$endpoint" --once soon
bad --once --connect "$endpoint" --once -1
bad --once --connect "$endpoint" --once 1e9
bad "'--colour'" --connect "$endpoint" --colour
bad "'extra'" --connect "$endpoint" extra
bad --key-file --connect "$endpoint" --server-key 'rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7'
bad "bogus://x" --connect bogus://x
log "bad usage: exit 2, one line naming the problem"

"$console" --help >"$work/help" || fail "--help exit $?"
for opt in --connect --once --no-color --server-key --key-file --help "EXIT STATUS" "  0 " "  1 " "  2 "; do
  grep -qF -- "$opt" "$work/help" || fail "--help does not mention '$opt'"
done
log "--help: every option and the exit codes"

rc=0
"$console" --connect "$endpoint" --once 0.2 >/dev/full 2>"$work/err" || rc=$?
[ "$rc" -eq 1 ] || fail "stdout /dev/full: exit $rc, want 1"
grep -q 'writing to stdout' "$work/err" || fail "stdout /dev/full: $(cat "$work/err")"
log "stdout not writable: exit 1"

for sig in INT TERM; do
  "$console" --connect "$endpoint" >"$work/live" 2>"$work/err" &
  PID=$!
  sleep 1
  kill -"$sig" "$PID"
  rc=0
  wait "$PID" || rc=$?
  PID=""
  [ "$rc" -eq 0 ] || fail "SIG$sig: exit $rc, want 0"
  tail -c 32 "$work/live" | grep -qF $'\x1b[?25h' || fail "SIG$sig: the cursor not shown again"
  grep -qF 'ENGINE ' "$work/live" || fail "SIG$sig: no frame drawn"
done
log "SIGINT, SIGTERM: exit 0, the cursor shown again"
log "PASS"
