#!/usr/bin/env python3
"""Checks one frame of earshot-console (a tmux capture or --once output)
against known answers: the simulator's truth (the launches: class, range
within 10 %, bearing within 2 deg), the site file (every sensor id listed
ok) and the engine's own record of what it sent (--events: which ids were
alerted, each id's last revision, the last heartbeat's counters).

usage: check_screen.py FRAME --truth T --site S --events E
                       [--state WORD] [--launches] [--counters]
Prints what is wrong and exits 1; exits 0 when all is right."""
import argparse
import json
import re
import sys

MAX_RANGE_ERR = 0.10
MAX_BEARING_ERR_DEG = 2.0


def section(lines, title, header):
    """The rows after the line starting with title and its column names."""
    for i, line in enumerate(lines):
        if line.startswith(title) and i + 1 < len(lines) and lines[i + 1].startswith(header):
            rows = []
            for row in lines[i + 2:]:
                if not row.strip():
                    break
                rows.append(row)
            return rows
    return None


def read_events(path):
    """ids alerted, each id's highest revision, the last heartbeat."""
    alerted, revision, heartbeat = set(), {}, None
    with open(path) as f:
        for line in f:
            body = json.loads(line)
            if body["topic"] == "heartbeat":
                heartbeat = body
                continue
            revision[body["id"]] = max(revision.get(body["id"], 0), body["revision"])
            if body["topic"] == "alert":
                alerted.add(body["id"])
    return alerted, revision, heartbeat


def check_sensors(lines, site, errors):
    rows = section(lines, "SENSORS ", "ID ")
    if rows is None:
        errors.append("no sensor table (SENSORS, then ID ... column names)")
        return
    shown = {}
    for row in rows:
        for sid, ok in re.findall(r"(\S+) +(ok|FAIL) +\S+ +\S+", row):
            shown[sid] = ok
    for s in site["sensors"]:
        if shown.get(s["id"]) != "ok":
            errors.append("sensor %s: %s, want ok" % (s["id"], shown.get(s["id"], "not listed")))


def event_rows(lines, errors):
    rows = section(lines, "EVENTS ", "MARK ")
    if rows is None:
        errors.append("no events table (EVENTS, then MARK ... column names)")
        return []
    keys = ("mark", "origin", "id", "rev", "kind", "class", "range_km", "bearing_deg",
            "cep50_m", "conf", "alternative", "sensors")
    return [dict(zip(keys, row.split())) for row in rows if not row.startswith("...")]


def bearing_err(a, b):
    return abs((a - b + 180.0) % 360.0 - 180.0)


def check_launches(rows, truth, events, errors):
    alerted, revision, _ = events
    ids = [r["id"] for r in rows]
    if len(ids) != len(set(ids)):
        errors.append("an id shown more than once: %s" % ids)
    for r in rows:
        want_mark = "ALERT" if r["id"] in alerted else "-"
        if r["mark"] != want_mark:
            errors.append("%s marked %s, want %s" % (r["id"], r["mark"], want_mark))
        if r["id"] in revision and r["rev"] != "r%d" % revision[r["id"]]:
            errors.append("%s at %s, want its latest r%d" % (r["id"], r["rev"], revision[r["id"]]))
    for src in (s for s in truth["sources"] if s["kind"] == "launch"):
        found = [r for r in rows if r["mark"] == "ALERT" and r["class"] == src["class"]
                 and abs(float(r["range_km"]) * 1000.0 - src["range_m"]) <= MAX_RANGE_ERR * src["range_m"]
                 and bearing_err(float(r["bearing_deg"]), src["bearing_deg"]) <= MAX_BEARING_ERR_DEG]
        if not found:
            errors.append("no ALERT row for the %s at %.0f m, bearing %.1f deg" %
                          (src["class"], src["range_m"], src["bearing_deg"]))


def check_counters(lines, events, errors):
    hb = events[2]
    air = [l for l in lines if l.startswith("air ")]
    want = "events %d  alerts %d" % (hb["events"], hb["alerts"])
    if not air or want not in air[0]:
        errors.append("the heartbeat's counters: want '%s' in %r" % (want, air[:1]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("frame")
    ap.add_argument("--truth", required=True)
    ap.add_argument("--site", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--state")
    ap.add_argument("--launches", action="store_true")
    ap.add_argument("--counters", action="store_true")
    a = ap.parse_args()
    with open(a.frame) as f:
        lines = [l.rstrip("\n") for l in f]
    site, truth = json.load(open(a.site)), json.load(open(a.truth))
    events = read_events(a.events)
    errors = []
    engine = [l.split() for l in lines if l.startswith("ENGINE ")]
    if a.state and (not engine or engine[0][1] != a.state):
        errors.append("engine state %s, want %s" % (engine[0][1] if engine else "missing", a.state))
    check_sensors(lines, site, errors)
    if a.launches:
        check_launches(event_rows(lines, errors), truth, events, errors)
    if a.counters:
        check_counters(lines, events, errors)
    for e in errors:
        print("check_screen: %s: %s" % (a.frame, e), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
