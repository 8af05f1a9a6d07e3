#!/usr/bin/env bash
# earshot-train on bad input: every case exits 2 (bad usage or data) or 1
# (cannot write) with the reason on stderr, and the model header it would
# have replaced is left byte for byte as it was. A well-formed CSV (rows
# made up here, the benchmark's columns) trains and writes the header.
#
# usage: bad_input.sh EARSHOT_TRAIN
set -u
if [ $# -ne 1 ]; then
    echo "usage: $0 EARSHOT_TRAIN" >&2
    exit 2
fi
train=$(readlink -f "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
header="scene,camp_radius_m,source,type,confuser,truth_range_m,final,id,alerted,kind,class,confidence,revision,range_m,n_used,residual_ms,snr_db,coherence,level_db,peak_level_db,centroid_hz,pulse_ms,tail_s,tail_db,tail_snr_db,late_snr_db,speed_z,tail_crest_db,tail_coherence,pre_rise_db"

# 120 events of the model's six classes, whose features differ, each as a
# first message (no tail) and a revision with its tail; and one source
# nothing matched.
good_rows() {
    awk 'BEGIN {
        split("mortar rocket artillery thunder gunshot slam", kind, " ");
        for (i = 0; i < 120; i++) {
            k = i % 6 + 1; j = (i * 7919) % 101 / 100.0;
            c = 150 + 100 * k + 40 * j; p = 2 + k + j;
            printf "%d,300,%d,%s,0,2000,0,E%d,1,launch,%s,0.9,1,2000,6,0.1,30,0.9,150,180,%.2f,%.2f,,,,,0.1,,,0\n",
                   i, i, kind[k], i, kind[k], c, p;
            printf "%d,300,%d,%s,0,2000,1,E%d,1,launch,%s,0.9,2,2000,6,0.1,30,0.9,150,180,%.2f,%.2f,%.2f,%.2f,20,3,0.1,4,0.9,0\n",
                   i, i, kind[k], i, kind[k], c, p, 0.5 * k + j, -10 * k - 5 * j;
        }
        print "120,300,120,gunshot,1,500,1";
    }'
}
{ echo "$header"; good_rows; } >"$tmp/good.csv"

# expect STATUS FRAGMENT -- ARGS...: exit status and a fragment of stderr;
# the output header must be untouched unless the run succeeded.
expect() {
    local status=$1 frag=$2
    shift 3
    printf 'KEEP\n' >"$tmp/model.h"
    timeout 60 "$train" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -ne "$status" ]; then
        echo "FAIL  earshot-train $*: exit $rc, expected $status"
    elif ! grep -qF -- "$frag" "$tmp/err"; then
        echo "FAIL  earshot-train $*: stderr lacks: $frag"
    elif [ "$status" -ne 0 ] && [ "$(cat "$tmp/model.h")" != KEEP ]; then
        echo "FAIL  earshot-train $*: the existing header was changed"
    else
        echo "PASS  earshot-train $*"
        return 0
    fi
    sed 's/^/        stderr| /' "$tmp/err"
    fail=$((fail + 1))
}

out="$tmp/model.h"
expect 2 "usage: earshot-train" --
expect 2 "usage: earshot-train" -- --out "$out"
expect 2 "usage: earshot-train" -- --frobnicate 3 --out "$out" "$tmp/good.csv"
expect 2 "usage: earshot-train" -- --lambda -1 --out "$out" "$tmp/good.csv"
expect 2 "missing.csv: No such file" -- --out "$out" "$tmp/missing.csv"
: >"$tmp/empty.csv"
expect 2 "empty.csv: empty, no header" -- --out "$out" "$tmp/empty.csv"
echo "${header%,pre_rise_db}" >"$tmp/nocol.csv"
expect 2 "no column pre_rise_db" -- --out "$out" "$tmp/nocol.csv"
echo "$header" >"$tmp/header_only.csv"
expect 2 "too few rows" -- --out "$out" "$tmp/header_only.csv"
{ echo "$header"; good_rows | head -50; echo "7,300,7,mortar,0,2000,1,E7,1,launch,mortar,0.9"; } >"$tmp/short.csv"
expect 2 "short.csv:52: 12 fields, the header has 30" -- --out "$out" "$tmp/short.csv"
{ echo "$header"; good_rows | head -9; good_rows | sed -n 10p | sed 's/,0.1,/,fast,/'; } >"$tmp/word.csv"
expect 2 "word.csv:11: residual_ms is \"fast\", not a number" -- --out "$out" "$tmp/word.csv"
{ echo "$header"; good_rows | head -3; awk 'BEGIN { s = ""; for (i = 0; i < 9000; i++) s = s "9"; print "1,300," s }'; } >"$tmp/long.csv"
expect 2 "long.csv:5: line longer than" -- --out "$out" "$tmp/long.csv"
expect 2 "No such file" -- --out "$out" "$tmp/good.csv" "$tmp/missing.csv"
expect 1 "model.h.tmp: No such file" -- --out "$tmp/no/such/dir/model.h" "$tmp/good.csv"
expect 0 "blast model: 240 rows" -- --out "$out" "$tmp/good.csv"
if ! grep -q "EARSHOT_CLASSIFY_MODEL_H" "$out" || [ -e "$out.tmp" ]; then
    echo "FAIL  the good run did not leave a complete header (and no .tmp)"
    fail=$((fail + 1))
fi
echo "$fail failure(s)"
[ "$fail" -eq 0 ]
