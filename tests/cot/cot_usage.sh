#!/usr/bin/env bash
# earshot-cot's command line: each bad usage exits 2 with one line naming
# the problem (and the pointer to --help); --help exits 0 and documents
# every option and the exit statuses.
# usage: cot_usage.sh BUILD_DIR SCENE.json WORK_DIR
set -euo pipefail
build=$1 work=$3
TEST_NAME=cot_usage
rm -rf "$work" && mkdir -p "$work"
. "$(dirname "$0")/../sh/common.sh"
cot=$build/earshot-cot
ep=tcp://127.0.0.1:1

# bad WORDS-IN-THE-LINE ARGS...: exit 2, one line naming it, nothing on stdout.
bad() {
  local want=$1 rc=0; shift
  "$cot" "$@" >"$work/out" 2>"$work/err" || rc=$?
  [ "$rc" -eq 2 ] || fail "earshot-cot $*: exit $rc, not 2"
  [ ! -s "$work/out" ] || fail "earshot-cot $*: wrote to stdout"
  [ "$(grep -vc -- '--help for usage' "$work/err")" -eq 1 ] ||
    fail "earshot-cot $*: not one line: $(cat "$work/err")"
  grep -q -- "$want" "$work/err" || fail "earshot-cot $*: '$want' not in: $(cat "$work/err")"
}

bad "--to" --connect "$ep"
bad "--connect" --to -
bad "not udp://HOST:PORT" --connect "$ep" --to http://127.0.0.1:8087
bad "no :PORT" --connect "$ep" --to udp://239.2.3.1
bad "port must be" --connect "$ep" --to udp://239.2.3.1:0
bad "port must be" --connect "$ep" --to tcp://127.0.0.1:70000
bad "port must be" --connect "$ep" --to tcp://127.0.0.1:80/path
bad "no host" --connect "$ep" --to tcp://:8087
bad "IPv6" --connect "$ep" --to udp://::1:6969
bad "cannot resolve" --connect "$ep" --to tcp://no-such-host.invalid:8087
bad "--to needs" --connect "$ep" --to
bad "--stale" --connect "$ep" --to - --stale 10
bad "--stale" --connect "$ep" --to - --stale soon
bad "--ttl" --connect "$ep" --to - --ttl 0
bad "--ttl" --connect "$ep" --to - --ttl 1.5
bad "--uid-prefix" --connect "$ep" --to - --uid-prefix 'a b'
bad "unknown option" --connect "$ep" --to - --frobnicate
bad "--key-file" --connect "$ep" --to - --server-key 'rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7'

"$cot" --help >"$work/help" || fail "--help exited $?"
for word in --connect --to udp:// tcp:// --stdout --uid-prefix --stale --ttl --all-events \
  --server-key --key-file --help "exit status" a-h-G-E-W-O a-h-G-E-W-S a-h-G-E-W-H b-d-i; do
  grep -q -- "$word" "$work/help" || fail "--help does not mention $word"
done
"$cot" --connect "$ep" --to "udp://[::1]:6969" --stale 60 --ttl 255 --help >/dev/null ||
  fail "a good command line with --help exited $?"
log "PASS"
