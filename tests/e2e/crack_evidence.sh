#!/usr/bin/env bash
# An artillery shell's crack as evidence: in scenes/e2e_7.json (two guns,
# cracks simulated) every launch message carries features.crack_lead_s,
# the crack's lead over the blast, inside the range of the simulator's
# own leads for one of the guns (truth: blast minus crack arrival, per
# sensor), and each gun is matched; in scenes/e2e_6.json (no crack) no
# message claims one.
# usage: crack_evidence.sh BUILD_DIR SCENES_DIR WORK_DIR
set -euo pipefail
build=$1 scenes=$2 work=$3
mkdir -p "$work"
fail=0
replay() { # SCENE_NAME: simulate, replay, keep the events and truth
    "$build/earshot-sim" "$scenes/$1.json" --out "$work" --prefix "$1" >/dev/null
    "$build/earshot" replay --quiet --config "$work/$1.site.json" --events "$work/$1.events.jsonl" \
        --endpoint "ipc://$work/$1.sock" "$work/$1.wav" 2>/dev/null
    rm -f "$work/$1.wav"
}
# Per gun in the truth: the least and the most lead over the sensors.
truth_leads() {
    awk '/"crack_arrivals": \[/ { mode = "c"; kc = 0; next }
         /"arrivals": \[/ { mode = "b"; kb = 0; next }
         /^ *\]/ { if (mode == "c" && kc > 0) {
                       lo = 1e9; hi = -1e9
                       for (i = 1; i <= kc; i++) { d = b[i] - c[i]; lo = d < lo ? d : lo; hi = d > hi ? d : hi }
                       print lo, hi }
                   mode = "" }
         /^ *"t_s": / { v = $2; sub(",", "", v); if (mode == "b") b[++kb] = v; else if (mode == "c") c[++kc] = v }' "$1"
}

replay e2e_7
guns=$(truth_leads "$work/e2e_7.truth.json")
n_launch=$(grep -c '"kind":"launch"' "$work/e2e_7.events.jsonl" || true)
leads=$(grep '"kind":"launch"' "$work/e2e_7.events.jsonl" | grep -o '"crack_lead_s":[0-9.]*' | cut -d: -f2 || true)
n_leads=$(echo "$leads" | grep -c . || true)
echo "e2e_7: truth leads per gun (s): $(echo "$guns" | tr '\n' ';') engine: $(echo $leads)"
if [ "$n_launch" -lt 2 ] || [ "$n_leads" -ne "$n_launch" ]; then
    echo "FAIL  e2e_7: $n_launch launch messages, $n_leads with a crack lead"
    fail=1
fi
matched=$(echo "$guns" | while read -r lo hi; do
    for l in $leads; do
        awk -v l="$l" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(l >= lo - 0.02 && l <= hi + 0.02) }' && { echo x; break; }
    done; done | grep -c x || true)
for l in $leads; do
    echo "$guns" | awk -v l="$l" '{ if (l >= $1 - 0.02 && l <= $2 + 0.02) ok = 1 } END { exit !ok }' ||
        { echo "FAIL  e2e_7: lead $l s matches no gun's"; fail=1; }
done
if [ "$matched" -ne "$(echo "$guns" | grep -c .)" ]; then
    echo "FAIL  e2e_7: $matched of the guns' cracks reported"
    fail=1
fi

replay e2e_6
if grep -q '"crack_lead_s":[0-9]' "$work/e2e_6.events.jsonl"; then
    echo "FAIL  e2e_6 (no crack simulated): a message claims a crack"
    fail=1
fi
[ $fail -eq 0 ] && echo "PASS"
exit $fail
