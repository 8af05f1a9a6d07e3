#!/usr/bin/env bash
# Runs `earshot check --config FILE [INPUT]` for every row of cases.tsv and
# checks the exit status, the message fragment and the shape of the output
# the contract asks for:
#   exit 0: exactly one line on stdout ("FILE: ok: ..."), and stderr holds
#           only "earshot: warning: " lines;
#   exit 2: nothing on stdout, and exactly one line on stderr that is not a
#           warning, starting with "earshot: ".
# Prints PASS/FAIL/SKIP per row; any FAIL makes the script exit 1.
#
# usage: run_cases.sh EARSHOT CONFIG_TEST_DIR SHARED_DATA_DIR
set -u
if [ $# -ne 3 ]; then
    echo "usage: $0 EARSHOT CONFIG_TEST_DIR SHARED_DATA_DIR" >&2
    exit 2
fi
earshot=$(readlink -f "$1")
cases_dir=$2
rec="$3/yuan-8ch-2024/Audio_20240513T131718.wav"
cd "$cases_dir" || exit 1
[ -x "$earshot" ] || { echo "FAIL: no earshot binary at $earshot"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0

# fails the current row with a reason and the captured output
row_fail() {
    echo "FAIL  $label: $1"
    sed 's/^/        stdout| /' "$tmp/out"
    sed 's/^/        stderr| /' "$tmp/err"
    fail=$((fail + 1))
}

check_shape() {  # $1 = status
    local other
    other=$(grep -v '^earshot: warning: ' "$tmp/err" | wc -l)
    if [ "$1" -eq 0 ]; then
        [ "$(wc -l <"$tmp/out")" -eq 1 ] && grep -q ': ok: ' "$tmp/out" ||
            { echo "stdout must be one '...: ok: ...' line"; return; }
        [ "$other" -eq 0 ] || { echo "stderr has lines that are not warnings"; return; }
    else
        [ -s "$tmp/out" ] && { echo "stdout must be empty on failure"; return; }
        [ "$other" -eq 1 ] || { echo "stderr must hold one error line, has $other"; return; }
        grep -v '^earshot: warning: ' "$tmp/err" | grep -q '^earshot: ' ||
            { echo "the error line must start with 'earshot: '"; return; }
    fi
}

while IFS=$'\t' read -r file status frag input; do
    case "$file" in ''|'#'*) continue ;; esac
    if [[ "$frag$input" == *@REC@* ]]; then
        if [ ! -f "$rec" ]; then
            echo "SKIP  $file: recording not found at $rec (set ES_SHARED_DATA_DIR)"
            skip=$((skip + 1))
            continue
        fi
        frag=${frag//@REC@/$rec}
        input=${input//@REC@/$rec}
    fi
    args=(check --config "$file")
    [ -n "$input" ] && args+=("$input")
    label="$file${input:+ $input}"
    timeout 30 "$earshot" "${args[@]}" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne "$status" ]; then
        row_fail "exit status $rc, expected $status"
    elif ! cat "$tmp/out" "$tmp/err" | grep -qF -- "$frag"; then
        row_fail "output lacks: $frag"
    elif problem=$(check_shape "$status") && [ -n "$problem" ]; then
        row_fail "$problem"
    else
        echo "PASS  $label"
        pass=$((pass + 1))
    fi
done <cases.tsv

echo "config cases: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
