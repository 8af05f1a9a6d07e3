# Shared by the live tests (sourced): a private JACK server on the dummy
# backend, `earshot run` in the background, bounded polling.
#
# Each test runs its own server, named after the test and its work
# directory (jackd -n NAME, JACK_DEFAULT_SERVER=NAME for the clients), so
# tests that run in parallel, other build directories and any server
# already running never meet. Nothing starts a server by accident
# (JACK_NO_START_SERVER). The EXIT trap stops everything this script
# started, SIGKILL if it must, and removes the server's files in /dev/shm.
#
# JACK's shared registry has room for 8 servers, and the entry of a server
# that was SIGKILLed is only reclaimed by a server of the same name: names
# are therefore stable (no pid in them), and a test that killed its server
# starts it once more at exit and stops it cleanly.
#
# The caller sets: build (the build directory), work (a scratch directory).

export JACK_NO_START_SERVER=1
export JACK_NO_AUDIO_RESERVATION=1
JACK_PID=""
JACK_KILLED=0
ENGINE_PID=""
PLAYER_PID=""

log() { echo "live: $*" >&2; }
fail() { echo "live: FAIL: $*" >&2; exit 1; }

now_s() { date +%s.%N; }

# wait_until TIMEOUT_S COMMAND...: polls COMMAND every 0.1 s; 1 on timeout.
wait_until() {
  local timeout=$1; shift
  local until; until=$(awk -v t="$(now_s)" -v d="$timeout" 'BEGIN { printf "%.3f", t + d }')
  while ! "$@"; do
    if awk -v n="$(now_s)" -v u="$until" 'BEGIN { exit !(n > u) }'; then return 1; fi
    sleep 0.1
  done
}

# stop_pid PID [SIGNAL]: signal, wait up to 5 s, then SIGKILL.
stop_pid() {
  local pid=$1 sig=${2:-TERM}
  [ -n "$pid" ] || return 0
  kill -"$sig" "$pid" 2>/dev/null || return 0
  wait_until 5 eval "! kill -0 $pid 2>/dev/null" || kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

jack_name() { echo "es_live_${1}_$(printf %s "$work" | cksum | cut -d' ' -f1)"; }

# jack_start NAME [RATE]: a dummy server with 8 capture ports, ready to use.
jack_start() {
  local name=$1 rate=${2:-48000}
  export JACK_DEFAULT_SERVER=$name
  # 1024-frame periods (21 ms): a busy CI machine has that long to run the
  # two clients' callbacks in each cycle. No -S (sync mode): a client that
  # dies then wedges jackd 1.9.21 for good, and our helpers are killed.
  jackd -n "$name" --no-realtime -d dummy -r "$rate" -p 1024 -C 8 -P 2 \
    >>"$work/jackd.log" 2>&1 &
  JACK_PID=$!
  JACK_KILLED=0
  wait_until 15 jack_lsp >/dev/null 2>&1 || fail "jackd $name did not start (see $work/jackd.log)"
}

jack_kill() { # SIGKILL: the server vanishes as an unplugged interface would
  [ -n "$JACK_PID" ] && kill -9 "$JACK_PID" 2>/dev/null
  wait "$JACK_PID" 2>/dev/null || true
  JACK_PID=""
  JACK_KILLED=1
}

# A killed server's registry entry: reclaimed by starting it again, freed
# by a clean stop.
jack_release() {
  jack_files_remove
  jackd -n "$JACK_DEFAULT_SERVER" --no-realtime -d dummy -r 48000 -p 1024 -C 1 -P 1 \
    >>"$work/jackd.log" 2>&1 &
  local pid=$!
  wait_until 10 jack_lsp >/dev/null 2>&1 || true
  stop_pid "$pid"
}

jack_files_remove() {
  rm -f "/dev/shm/jack_${JACK_DEFAULT_SERVER}_"* "/dev/shm/jack_sem."*"_${JACK_DEFAULT_SERVER}_"* \
    2>/dev/null || true
}

cleanup() {
  stop_pid "$PLAYER_PID"
  stop_pid "$ENGINE_PID" INT
  stop_pid "$JACK_PID"
  if [ -n "${JACK_DEFAULT_SERVER:-}" ]; then
    [ "$JACK_KILLED" -eq 1 ] && jack_release
    jack_files_remove
  fi
  return 0
}
trap cleanup EXIT

# engine_start CONFIG EVENTS: `earshot run` in the background, capturing.
engine_start() {
  local config=$1 events=$2
  "$build/earshot" run --config "$config" --events "$events" \
    --endpoint "ipc://$work/engine.sock" >"$work/engine.out" 2>"$work/engine.err" &
  ENGINE_PID=$!
  wait_until 30 grep -q "earshot: capturing" "$work/engine.err" ||
    { cat "$work/engine.err" >&2; fail "earshot run did not start capturing"; }
}

# engine_stop: SIGINT, then the exit status must be 0 within 20 s.
engine_stop() {
  kill -INT "$ENGINE_PID"
  wait_until 20 eval "! kill -0 $ENGINE_PID 2>/dev/null" ||
    fail "earshot run did not exit within 20 s of SIGINT"
  local rc=0
  wait "$ENGINE_PID" || rc=$?
  ENGINE_PID=""
  [ "$rc" -eq 0 ] || { cat "$work/engine.err" >&2; fail "earshot run exited $rc after SIGINT"; }
}

# set_device CONFIG NAME: audio.device of a simulator config.
set_device() {
  sed -i "s/\"device\": \"[^\"]*\"/\"device\": \"$2\"/" "$1"
}

# heartbeats EVENTS: "t n_ok n_sensors temperature_c" per heartbeat.
heartbeats() { "$build/test_live_events" heartbeats "$1"; }
