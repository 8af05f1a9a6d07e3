#!/usr/bin/env bash
# The command line around `earshot check` and `earshot devices`: help and
# version exit 0, bad usage exits 2 with a reason and the usage text, and
# `earshot devices` exits 0 with a clean list (or "no audio input devices
# found"), with nothing on stderr even on a machine without sound cards.
#
# usage: run_cli.sh EARSHOT CONFIG_TEST_DIR
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 EARSHOT CONFIG_TEST_DIR" >&2
    exit 2
fi
earshot=$(readlink -f "$1")
cd "$2" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# expect STATUS STREAM(out|err) FRAGMENT -- ARGS...
expect() {
    local status=$1 stream=$2 frag=$3
    shift 4
    timeout 30 "$earshot" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -ne "$status" ]; then
        echo "FAIL  earshot $*: exit $rc, expected $status"
    elif ! grep -qF -- "$frag" "$tmp/$stream"; then
        echo "FAIL  earshot $*: std$stream lacks: $frag"
    else
        echo "PASS  earshot $*"
        return 0
    fi
    sed 's/^/        stdout| /' "$tmp/out"
    sed 's/^/        stderr| /' "$tmp/err"
    fail=$((fail + 1))
}

expect 0 out "usage: earshot <command>" -- --help
expect 0 out "earshot 0." -- --version
expect 0 out "usage: earshot check --config SITE.json [INPUT]" -- check --help
expect 0 out "usage: earshot devices" -- devices --help
expect 0 out "good/minimal.json: ok: 4 sensors" -- check --config=good/minimal.json
# after "--" an argument that looks like an option is a file name
expect 2 err "earshot: --bogus: cannot open: No such file" -- check --config good/minimal.json -- --bogus
expect 2 err "earshot: check: --config SITE.json is required" -- check
expect 2 err "usage: earshot check" -- check
expect 2 err "earshot: check: unknown option '--bogus'" -- check --config good/minimal.json --bogus
expect 2 err "earshot: check: unexpected argument 'c.wav'" -- check --config good/minimal.json b.wav c.wav
expect 2 err "earshot: check: --config needs a file name" -- check --config
expect 2 err "earshot: check: --config needs a file name" -- check --config=
expect 2 err "earshot: check: --config given twice" -- check --config a.json --config b.json
expect 2 err "earshot: devices: unexpected argument 'extra'" -- devices extra
expect 2 err "earshot: unknown command 'chek'" -- chek

# devices: exit 0, a list or the "none" line, and a clean stderr.
timeout 60 "$earshot" devices >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "FAIL  earshot devices: exit $rc"
    fail=$((fail + 1))
elif ! grep -qE '^no audio input devices found$|host API' "$tmp/out"; then
    echo "FAIL  earshot devices: neither a device list nor 'no audio input devices found'"
    fail=$((fail + 1))
elif [ -s "$tmp/err" ]; then
    echo "FAIL  earshot devices: noise on stderr:"
    head -5 "$tmp/err" | sed 's/^/        stderr| /'
    fail=$((fail + 1))
else
    echo "PASS  earshot devices: $(head -1 "$tmp/out")"
fi
sed 's/^/        stdout| /' "$tmp/out"

echo "cli checks: $fail failed"
[ "$fail" -eq 0 ]
