#!/usr/bin/env bash
# End-to-end on one simulated scene: earshot-sim writes audio, site config
# and truth (fixed seed); earshot replays the audio; earshot-score checks
# every alert and event against the truth (launch alerted exactly once,
# bearing and range within limits, nothing else alerted).
# usage: run_scene.sh BUILD_DIR SCENE.json WORK_DIR [score options...]
set -euo pipefail
build=$1 scene=$2 work=$3
shift 3
name=$(basename "$scene" .json)
mkdir -p "$work"
"$build/earshot-sim" "$scene" --out "$work" --prefix "$name" --endpoint "ipc://$work/$name.sock" >/dev/null
"$build/earshot" replay --config "$work/$name.site.json" --events "$work/$name.events.jsonl" \
  "$work/$name.wav"
"$build/earshot-score" --truth "$work/$name.truth.json" --events "$work/$name.events.jsonl" "$@"
rm -f "$work/$name.wav" # generated audio is large; the rest stays for inspection
