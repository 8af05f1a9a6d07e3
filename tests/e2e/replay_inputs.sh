#!/usr/bin/env bash
# `earshot replay` on bad inputs and bad usage: each gets exit 2 (1 for a
# run-time failure) and one clear line naming the file, never a crash or a
# hang; damaged audio (NaN/Inf samples, a truncated file) is replayed
# without crashing. Audio is made here with earshot-sim (fixed seed).
# usage: replay_inputs.sh BUILD_DIR SCENES_DIR WORK_DIR
set -u
build=$1 scenes=$2 work=$3
earshot="$build/earshot"
mkdir -p "$work"
fail=0

# expect STATUS FRAGMENT -- command...
expect() {
  local want=$1 frag=$2
  shift 3
  timeout 120 "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" -ne "$want" ] || ! grep -qF -- "$frag" "$work/err"; then
    echo "FAIL: $* -> exit $got (want $want), stderr must contain '$frag':"
    sed 's/^/    | /' "$work/err" | head -5
    fail=1
  else
    echo "PASS: exit $got: $(grep -F -- "$frag" "$work/err" | head -1)"
  fi
}

"$build/earshot-sim" "$scenes/e2e_5.json" --out "$work" --prefix good --duration 12 \
  --endpoint "ipc://$work/good.sock" >/dev/null || { echo "FAIL: simulation"; exit 1; }
site="$work/good.site.json" wav="$work/good.wav"

expect 2 "--config is required" -- "$earshot" replay "$wav"
expect 2 "no INPUT file given" -- "$earshot" replay --config "$site"
expect 2 "more than one INPUT" -- "$earshot" replay --config "$site" "$wav" "$wav"
expect 2 "unknown option" -- "$earshot" replay --config "$site" --frobnicate "$wav"
expect 2 "--block takes" -- "$earshot" replay --config "$site" --block 3 "$wav"
expect 2 "$work/missing.wav: cannot read audio" -- "$earshot" replay --config "$site" "$work/missing.wav"
printf 'this is not audio\n' >"$work/text.wav"
expect 2 "$work/text.wav: cannot read audio" -- "$earshot" replay --config "$site" "$work/text.wav"
expect 2 "cannot read audio" -- "$earshot" replay --config "$site" "$work"
expect 2 "$work/none.json" -- "$earshot" replay --config "$work/none.json" "$wav"
# A rate that does not fit, a channel beyond the file's.
sed 's/"sample_rate": *48000/"sample_rate": 44100/' "$site" >"$work/rate.json"
expect 2 "does not match audio.sample_rate 44100" -- "$earshot" replay --config "$work/rate.json" "$wav"
sed 's/"channel": *3,/"channel": 40,/' "$site" >"$work/chan.json"
expect 2 "sensors[3].channel: 40 is beyond the" -- "$earshot" replay --config "$work/chan.json" "$wav"
# An endpoint that cannot be bound is a run-time failure naming it.
expect 1 "cannot bind" -- "$earshot" replay --config "$site" --endpoint "ipc:///nonexistent-dir/x.sock" "$wav"

# A truncated file (header says more than there is) replays what is there.
head -c 200000 "$wav" >"$work/truncated.wav"
expect 0 "replayed" -- "$earshot" replay --config "$site" --quiet "$work/truncated.wav"

# Float audio with NaN and infinite samples: zeroed, counted, no crash.
channels=$(grep -c '"channel"' "$site")
"$build/tests/make_nan_wav" "$work/nan.wav" "$channels" 48000 4 || { echo "FAIL: make_nan_wav"; fail=1; }
expect 0 "non-finite samples in the input were zeroed" -- "$earshot" replay --config "$site" --quiet "$work/nan.wav"

rm -f "$work"/*.wav
exit $fail
