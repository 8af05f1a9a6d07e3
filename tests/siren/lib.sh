# Shared by the earshot-siren tests (sourced): a simulated scene, the
# engine replaying it in real time, the siren subscribed, everything
# stopped at exit. The caller sets build, scenes, work.
TEST_NAME=${TEST_NAME:-siren}
. "$(dirname "${BASH_SOURCE[0]}")/../sh/common.sh"
ENGINE_PID=""
SIREN_PID=""
RELAY_PID=""

cleanup() {
  stop_pid "$RELAY_PID" || true
  stop_pid "$ENGINE_PID" INT || true
  stop_pid "$SIREN_PID" || true
  return 0
}
trap cleanup EXIT

# simulate SCENE_NAME: the scene's audio, site and truth into $work.
simulate() {
  "$build/earshot-sim" "$scenes/$1.json" --out "$work" --prefix scene >/dev/null ||
    fail "earshot-sim $1 failed"
}

# engine_start ENDPOINT EVENTS: `earshot replay --realtime` in the background.
engine_start() {
  "$build/earshot" replay --realtime --config "$work/scene.site.json" --endpoint "$1" \
    --events "$2" "$work/scene.wav" >>"$work/engine.out" 2>>"$work/engine.err" &
  ENGINE_PID=$!
}

# siren_start ENDPOINT [OPTIONS...]: the siren, its lines in $work/siren.out.
siren_start() {
  local endpoint=$1; shift
  "$build/earshot-siren" --connect "$endpoint" "$@" >"$work/siren.out" 2>"$work/siren.err" &
  SIREN_PID=$!
}

# count WORD: lines of the siren starting with WORD.
count() { grep -c "^$1 " "$work/siren.out" || true; }
has_at_least() { [ "$(count "$1")" -ge "$2" ]; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# alert_ids EVENTS: the distinct ids of the alert messages in an --events file.
alert_ids() { grep '"topic":"alert"' "$1" | grep -o '"id":"[^"]*"' | sort -u | cut -d'"' -f4; }
