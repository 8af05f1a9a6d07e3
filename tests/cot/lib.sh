# Shared by the earshot-cot tests, sourced as `. lib.sh BUILD_DIR
# SCENE.json WORK_DIR` (the caller sets TEST_NAME): a fresh WORK_DIR with
# the scene simulated in it, the engine replaying it, bridges and
# listeners in the background, all stopped at exit.
build=$1 scene=$2 work=$3
TEST_NAME=${TEST_NAME:-cot}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../sh/common.sh"
rm -rf "$work" && mkdir -p "$work"
ENGINE_PID=""
BRIDGE_PIDS=()
LISTEN_PIDS=()

cleanup() {
  stop_pid "$ENGINE_PID" INT || true
  local p
  for p in "${BRIDGE_PIDS[@]}" "${LISTEN_PIDS[@]}"; do stop_pid "$p" || true; done
  return 0
}
trap cleanup EXIT

# The schema check needs xmllint (Debian: libxml2-utils).
command -v xmllint >/dev/null ||
  fail "xmllint not found: install libxml2-utils (scripts/setup.sh does not yet)"

# The scene's audio, site and truth: $work/scene.*.
"$build/earshot-sim" "$scene" --out "$work" --prefix scene >/dev/null ||
  fail "earshot-sim $scene failed"

# engine_replay ENDPOINT SUBSCRIBERS [OPTIONS...]: `earshot replay` in the
# background once SUBSCRIBERS have subscribed; every message in
# $work/events.jsonl.
engine_replay() {
  local endpoint=$1 subscribers=$2; shift 2
  "$build/earshot" replay --config "$work/scene.site.json" --endpoint "$endpoint" \
    --wait-subscribers "$subscribers" --wait-timeout 20000 --quiet \
    --events "$work/events.jsonl" "$@" "$work/scene.wav" \
    >>"$work/engine.out" 2>>"$work/engine.err" &
  ENGINE_PID=$!
}

# engine_wait: the replay's exit status checked.
engine_wait() {
  local rc=0
  wait "$ENGINE_PID" || rc=$?
  ENGINE_PID=""
  [ "$rc" -eq 0 ] || { cat "$work/engine.err" >&2; fail "earshot replay exited $rc"; }
}

# bridge_start NAME [OPTIONS...]: earshot-cot, stdout in $work/NAME.out,
# stderr in $work/NAME.err.
bridge_start() {
  local name=$1; shift
  "$build/earshot-cot" "$@" >"$work/$name.out" 2>"$work/$name.err" &
  BRIDGE_PIDS+=($!)
}

# bridge_stop NAME INDEX: SIGTERM to the INDEXth bridge started; it must
# exit 0.
bridge_stop() {
  local pid=${BRIDGE_PIDS[$2]} rc=0
  kill -TERM "$pid"
  wait "$pid" || rc=$?
  BRIDGE_PIDS[$2]=""
  [ "$rc" -eq 0 ] || { cat "$work/$1.err" >&2; fail "earshot-cot ($1) exited $rc on SIGTERM"; }
}

# lines FILE WORD: how many lines of a bridge's stderr say WORD.
lines() { grep -c "^earshot-cot: $2 " "$1" || true; }
has_line() { [ "$(lines "$1" "$2")" -ge "${3:-1}" ]; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# check DOCS NAME [cot_check.py options...]: the documents against the
# engine's record and the truth.
check() {
  local docs=$1 name=$2; shift 2
  python3 "$here/cot_check.py" --docs "$docs" --events "$work/events.jsonl" \
    --truth "$work/scene.truth.json" --xsd "$here/cot_event.xsd" --work "$work/$name.check" "$@" ||
    fail "$name: documents failed the checks"
}
