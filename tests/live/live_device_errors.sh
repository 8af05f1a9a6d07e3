#!/usr/bin/env bash
# `earshot run` refuses a device it cannot use with exit 2 and one line
# naming the device and what the machine offers: a name that does not
# exist (the line lists "system"), a rate the server does not run, more
# channels than the device has, and no audio server at all.
# usage: live_device_errors.sh BUILD_DIR SCENES_DIR WORK_DIR
set -euo pipefail
build=$1 scenes=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
. "$(dirname "$0")/lib.sh"

"$build/earshot-sim" "$scenes/live_ambient.json" --out "$work" --prefix amb --duration 0.5 >/dev/null
base=$work/amb.site.json

# expect_refusal CONFIG TEXT...: exit 2, one line on stderr holding every TEXT.
expect_refusal() {
  local config=$1; shift
  local rc=0
  timeout 60 "$build/earshot" run --config "$config" --endpoint "ipc://$work/e.sock" \
    >"$work/out" 2>"$work/err" || rc=$?
  [ "$rc" -eq 2 ] || { cat "$work/err" >&2; fail "$(basename "$config"): exit $rc, expected 2"; }
  [ "$(wc -l <"$work/err")" -eq 1 ] || { cat "$work/err" >&2; fail "$(basename "$config"): not one line"; }
  for text in "$@"; do
    grep -qF -- "$text" "$work/err" || { cat "$work/err" >&2; fail "$(basename "$config"): no '$text'"; }
  done
  log "refused as expected: $(cat "$work/err")"
}

jack_start "$(jack_name errors)"

cp "$base" "$work/missing.json" && set_device "$work/missing.json" "no such interface"
expect_refusal "$work/missing.json" "missing.json: audio.device: \"no such interface\" not found" \
  "input devices: " "\"system\" (8 channels, 48000 Hz)"

cp "$base" "$work/rate.json" && set_device "$work/rate.json" system
sed -i 's/"sample_rate": 48000/"sample_rate": 44100/' "$work/rate.json"
expect_refusal "$work/rate.json" "rate.json: audio.device: \"system\" does not support 44100 Hz (default 48000 Hz)"

cp "$base" "$work/channels.json" && set_device "$work/channels.json" system
sed -i 's/"channel": 7,/"channel": 20,/' "$work/channels.json"
expect_refusal "$work/channels.json" \
  "channels.json: audio.device: \"system\" has 8 input channels, sensors[7].channel needs 21"

jack_stop
cp "$base" "$work/noserver.json" && set_device "$work/noserver.json" system
expect_refusal "$work/noserver.json" "noserver.json: audio.device: \"system\" not found"
