# Shell helpers shared by the tests that drive processes (sourced):
# lines to stderr, bounded polling, stopping a process politely first.
# The caller may set TEST_NAME (the prefix of every line).
log() { echo "${TEST_NAME:-test}: $*" >&2; }
fail() { echo "${TEST_NAME:-test}: FAIL: $*" >&2; exit 1; }

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

# stop_pid PID [SIGNAL]: signal, wait up to 5 s, then SIGKILL; returns 1
# if it had to SIGKILL.
stop_pid() {
  local pid=$1 sig=${2:-TERM} forced=0
  [ -n "$pid" ] || return 0
  kill -"$sig" "$pid" 2>/dev/null || return 0
  if ! wait_until 5 eval "! kill -0 $pid 2>/dev/null"; then
    kill -9 "$pid" 2>/dev/null
    forced=1
  fi
  wait "$pid" 2>/dev/null || true
  return $forced
}
