#!/usr/bin/env bash
# Fault: the analysis stalls on purpose (5 s, from 4 s of audio in) while
# the scene is replayed in real time, as a live capture: the capture ring
# fills, blocks are dropped and counted (heartbeat `overruns`, a line on
# stderr), nothing crashes, and the launch after the stall is still alerted
# (and the one before it too), checked against the simulator's truth.
# usage: stall.sh BUILD_DIR SCENE.json WORK_DIR
set -u
build=$1 scene=$2 work=$3
mkdir -p "$work"
"$build/earshot-sim" "$scene" --out "$work" --prefix stall --endpoint "ipc://$work/stall.sock" \
  >/dev/null || { echo "FAIL: simulation"; exit 1; }
timeout 120 "$build/earshot" replay --config "$work/stall.site.json" --realtime \
  --test-stall 4:5 --events "$work/stall.events.jsonl" "$work/stall.wav" 2>"$work/stall.err"
status=$?
fail=0
[ $status -eq 0 ] || { echo "FAIL: exit status $status"; fail=1; }
grep -q "overrun: .* audio blocks lost" "$work/stall.err" ||
  { echo "FAIL: no overrun line on stderr"; fail=1; }
overruns=$(grep '"topic":"heartbeat"' "$work/stall.events.jsonl" | tail -1 |
  sed -n 's/.*"overruns":\([0-9]*\).*/\1/p')
# 5 s of stall against a ring of 256 blocks of 512 frames (2.7 s) at 48 kHz:
# about 2.3 s of audio, some 210 blocks, cannot be kept.
if [ -z "$overruns" ] || [ "$overruns" -lt 100 ]; then
  echo "FAIL: heartbeat overruns ${overruns:-missing}, expected about 210"; fail=1
else
  echo "PASS: $overruns blocks lost and counted"
fi
"$build/earshot-score" --truth "$work/stall.truth.json" --events "$work/stall.events.jsonl" || fail=1
rm -f "$work/stall.wav"
exit $fail
