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
# (on purpose, or because it would not stop on SIGTERM) starts it once more
# at exit and stops it cleanly. Should the registry be full all the same
# (entries left by runs that were themselves killed), jack_start reclaims
# the entries of dead es_live_* servers and tries once more.
#
# The caller sets: build (the build directory), work (a scratch directory).

export JACK_NO_START_SERVER=1
export JACK_NO_AUDIO_RESERVATION=1
JACK_PID=""
JACK_KILLED=0
ENGINE_PID=""
PLAYER_PID=""

TEST_NAME=live
. "$(dirname "${BASH_SOURCE[0]}")/../sh/common.sh"

jack_name() { echo "es_live_${1}_$(printf %s "$work" | cksum | cut -d' ' -f1)"; }

# jack_start NAME [RATE]: a dummy server with 8 capture ports, ready to use.
jack_start() {
  local name=$1 rate=${2:-48000}
  export JACK_DEFAULT_SERVER=$name
  # 1024-frame periods (21 ms): a busy CI machine has that long to run the
  # two clients' callbacks in each cycle. No -S (sync mode): a client that
  # dies then wedges jackd 1.9.21 for good, and our helpers are killed.
  jack_launch "$name" "$rate"
  if ! jack_wait_up && jack_registry_full; then
    stop_pid "$JACK_PID" || true
    jack_reclaim_stale
    jack_launch "$name" "$rate"
    jack_wait_up || jack_start_failed "$name"
  fi
  jack_lsp >/dev/null 2>&1 || jack_start_failed "$name"
}

# jack_wait_up: 0 once the server answers; 1 if it exited or 15 s passed.
jack_wait_up() {
  wait_until 15 eval "jack_lsp >/dev/null 2>&1 || ! kill -0 $JACK_PID 2>/dev/null"
  jack_lsp >/dev/null 2>&1
}

jack_launch() {
  jackd -n "$1" --no-realtime -d dummy -r "$2" -p 1024 -C 8 -P 2 >>"$work/jackd.log" 2>&1 &
  JACK_PID=$!
  JACK_KILLED=0
}

jack_start_failed() {
  tail -n 20 "$work/jackd.log" >&2
  fail "jackd $1 did not start (its log is above)"
}

jack_registry_full() { grep -q "Too many servers already active" "$work/jackd.log"; }

# jack_reclaim_stale: frees the registry entries of es_live_* servers whose
# process is gone, by starting a server of that name and stopping it. The
# registry (/dev/shm/jack-shm-registry, jackd2 1.9.x) is a 24-byte header
# then 8 entries of 264 bytes: pid (int32), then "jack-UID:NAME:".
jack_reclaim_stale() {
  local reg=/dev/shm/jack-shm-registry i off pid entry name
  [ -r "$reg" ] || return 0
  for i in 0 1 2 3 4 5 6 7; do
    off=$((24 + i * 264))
    pid=$(od -A n -t d4 -j "$off" -N 4 "$reg" | tr -d ' ')
    [ -n "$pid" ] && [ "$pid" -gt 0 ] && [ ! -d "/proc/$pid" ] || continue
    entry=$(dd if="$reg" bs=1 skip=$((off + 4)) count=257 2>/dev/null | tr -d '\0')
    name=${entry#jack-*:}
    name=${name%:}
    case $name in es_live_*) ;; *) continue ;; esac
    log "reclaiming the registry entry of dead JACK server $name (pid $pid)"
    JACK_DEFAULT_SERVER=$name jack_release_named "$name"
  done
}

jack_kill() { # SIGKILL: the server vanishes as an unplugged interface would
  [ -n "$JACK_PID" ] && kill -9 "$JACK_PID" 2>/dev/null
  wait "$JACK_PID" 2>/dev/null || true
  JACK_PID=""
  JACK_KILLED=1
}

# A killed server's registry entry: reclaimed by starting it again, freed
# by a clean stop.
jack_release() { jack_release_named "$JACK_DEFAULT_SERVER"; }

jack_release_named() {
  local name=$1
  JACK_DEFAULT_SERVER=$name jack_files_remove
  jackd -n "$name" --no-realtime -d dummy -r 48000 -p 1024 -C 1 -P 1 >>"$work/jackd.log" 2>&1 &
  local pid=$!
  wait_until 10 eval "JACK_DEFAULT_SERVER=$name jack_lsp >/dev/null 2>&1" || true
  stop_pid "$pid" || log "JACK server $name had to be killed; its registry entry stays"
}

# jack_stop: the server stopped cleanly, or killed and marked for release.
jack_stop() {
  stop_pid "$JACK_PID" || JACK_KILLED=1
  JACK_PID=""
}

jack_files_remove() {
  rm -f "/dev/shm/jack_${JACK_DEFAULT_SERVER}_"* "/dev/shm/jack_sem."*"_${JACK_DEFAULT_SERVER}_"* \
    2>/dev/null || true
}

cleanup() {
  stop_pid "$PLAYER_PID" || true
  stop_pid "$ENGINE_PID" INT || true
  jack_stop
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
