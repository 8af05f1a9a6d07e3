#!/usr/bin/env bash
# earshot-siren against a real engine (scenes/e2e_1.json: a mortar and a
# rocket, replayed in real time): each alert id runs --on-alert exactly
# once (revisions do not); `kill -9` of the engine mid-replay is declared
# DEAD within 3.5 s of the kill, --on-dead runs once; a new engine on the
# same endpoint is seen as RESTART and ALIVE (--on-alive runs), and its
# alerts (ids starting again) run --on-alert again; --hold: CLEAR and
# --on-clear once the hold is over; SIGTERM: exit 0.
# usage: siren_dead.sh BUILD_DIR SCENES_DIR WORK_DIR
set -euo pipefail
build=$1 scenes=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
. "$(dirname "$0")/lib.sh"
simulate e2e_1
endpoint="ipc://$work/engine.sock"
cmd_log=$work/commands.log
siren_start "$endpoint" --hold 1 \
  --on-alert "echo \"alert \$EARSHOT_ID \$EARSHOT_CLASS\" >>'$cmd_log'" \
  --on-clear "echo clear >>'$cmd_log'" \
  --on-dead "echo \"dead \$EARSHOT_SILENT_S\" >>'$cmd_log'" \
  --on-alive "echo alive >>'$cmd_log'"

# The first engine runs the whole scene (14 s).
engine_start "$endpoint" "$work/run1.jsonl"
wait "$ENGINE_PID" || fail "earshot replay exited $?"
ENGINE_PID=""
wait_until 5 has_at_least DEAD 1 || fail "no DEAD line after the engine stopped"
want=$(alert_ids "$work/run1.jsonl" | tr '\n' ' ')
got=$(grep '^alert ' "$cmd_log" | cut -d' ' -f2 | tr '\n' ' ')
[ -n "$want" ] || fail "the engine raised no alert on e2e_1"
[ "$want" = "$got" ] || fail "--on-alert ran for [$got], the engine alerted [$want] (once per id)"
[ "$(count ALERT)" -eq "$(echo $want | wc -w)" ] || fail "ALERT lines: $(count ALERT), ids: $want"
has_at_least UPDATE 1 || fail "no UPDATE line for a revision"
has_at_least CLEAR 1 || fail "no CLEAR after the 1 s hold"
log "run 1: ALERT for $want, on-alert once per id, CLEAR after the hold, DEAD when it ended"

# The second engine is killed (-9) 6 s in.
engine_start "$endpoint" "$work/run2.jsonl"
wait_until 10 has_at_least ALIVE 1 || fail "no ALIVE when a new engine started"
grep -q '^RESTART ' "$work/siren.out" || fail "a new engine process (seq from 0) not reported"
sleep 5
dead_before=$(count DEAD)
t_kill=$(now_s)
kill -9 "$ENGINE_PID"
wait "$ENGINE_PID" 2>/dev/null || true
ENGINE_PID=""
wait_until 5 has_at_least DEAD $((dead_before + 1)) || fail "no DEAD within 5 s of kill -9"
t_dead=$(now_s)
delay=$(awk -v a="$t_dead" -v b="$t_kill" 'BEGIN { printf "%.2f", a - b }')
awk -v d="$delay" 'BEGIN { exit !(d <= 3.5) }' || fail "DEAD $delay s after kill -9 (limit 3.5 s)"
log "kill -9: DEAD after $delay s"
[ "$(grep -c '^dead ' "$cmd_log")" -eq 2 ] || fail "--on-dead ran $(grep -c '^dead ' "$cmd_log") times, want 2 (once per death)"
[ "$(grep -c '^alive$' "$cmd_log")" -eq 1 ] || fail "--on-alive ran $(grep -c '^alive$' "$cmd_log") times, want 1"
first2=$(alert_ids "$work/run2.jsonl" | head -1)
[ -z "$first2" ] || grep -q "^alert $first2 " <(sed -n '/^alive$/,$p' "$cmd_log") ||
  fail "the new engine's alert $first2 did not run --on-alert (ids start again)"

kill -TERM "$SIREN_PID"
rc=0
wait "$SIREN_PID" || rc=$?
SIREN_PID=""
[ "$rc" -eq 0 ] || fail "earshot-siren exited $rc on SIGTERM, want 0"
log "PASS"
