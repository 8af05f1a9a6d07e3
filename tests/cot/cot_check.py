#!/usr/bin/env python3
"""Checks earshot-cot's documents against the engine's own record of what it
published (--events) and the simulator's truth, independently of the bridge:

  - every document validates against tests/cot/cot_event.xsd (xmllint), and
    the schema refuses documents broken the ways that matter (a latitude
    out of range, a time without Z, a negative ce ...): it would not catch
    anything otherwise;
  - the documents are exactly one per new (id, revision) the bridge should
    send (launches and impacts; with --all-events everything; an id once
    sent, every later revision), no duplicates;
  - each document's values: lat/lon the message's to 1e-7, type from the
    class table in README.md, uid earshot.PREFIX.ID, ce = cep50 / 1.1774 to
    0.1 m, hae the position's alt_m, le 9999999.0, time the message's t,
    start (replay) t, stale start + --stale, callsign and remarks naming the
    event;
  - the last revision of each launch and impact within 10 % of its range
    of a simulated source of that kind.
A self-test first shows that the value checks catch a document altered
just past each tolerance.

usage: cot_check.py --docs FILE --events EVENTS.jsonl --truth TRUTH.json
                    --xsd XSD --work DIR --prefix P --stale S [--all-events]
                    [--log BRIDGE_STDERR]
With --log (a bridge whose link went down), documents may be missing: each
(id, revision) expected must then be SENT or DROPPED in the log, and the
documents received exactly the SENT ones."""
import argparse
import copy
import datetime
import json
import math
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

CEP50_PER_SIGMA = 1.1774
UNKNOWN = 9999999.0


def cot_type(kind, cls):
    """The class table of README.md, written out again."""
    if kind == "launch":
        return {"mortar": "a-h-G-E-W-O", "rocket": "a-h-G-E-W-S",
                "artillery": "a-h-G-E-W-H"}.get(cls, "a-h-G-E-W")
    if kind == "impact":
        return "b-d-i-m" if cls == "mortar" else "b-d-i"
    return "b-d-a-i"


def fail(msg):
    print(f"cot_check: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def utc(text):
    if not text.endswith("Z"):
        return None
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def shifted(text, seconds):
    t = datetime.datetime.fromtimestamp(utc(text) + seconds, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def doc_kind(cot):
    return "launch" if cot.startswith("a-h-") else "impact" if cot.startswith("b-d-i") else None


def distance_m(lat1, lon1, lat2, lon2):
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


# ------------------------------------------------------------ schema

def xmllint(paths, xsd):
    return subprocess.run(["xmllint", "--noout", "--schema", xsd] + paths,
                          capture_output=True, text=True)


def schema_refuses(doc, xsd, work):
    """The schema must refuse each of these; one it accepts is a hole."""
    broken = {
        "lat 91": re.sub(r'lat="[^"]*"', 'lat="91.0"', doc, count=1),
        "lon -180.5": re.sub(r'lon="[^"]*"', 'lon="-180.5"', doc, count=1),
        "ce negative": re.sub(r'ce="[^"]*"', 'ce="-1.00"', doc, count=1),
        "le NaN": re.sub(r'le="[^"]*"', 'le="NaN"', doc, count=1),
        "hae with an exponent": re.sub(r'hae="[^"]*"', 'hae="1e3"', doc, count=1),
        "time without ms": re.sub(r'time="([^".]*)\.\d{3}Z"', r'time="\1Z"', doc, count=1),
        "start with +00:00": re.sub(r'start="([^"]*)Z"', r'start="\1+00:00"', doc, count=1),
        "stale not a time": re.sub(r'stale="[^"]*"', 'stale="soon"', doc, count=1),
        "how gps": re.sub(r'how="[^"]*"', 'how="gps"', doc, count=1),
        "type with a space": re.sub(r'type="[^"]*"', 'type="a-h G"', doc, count=1),
        "type upper-case root": re.sub(r'type="[^"]*"', 'type="A-h-G"', doc, count=1),
        "version 1.0": doc.replace('version="2.0"', 'version="1.0"', 1),
        "uid empty": re.sub(r'uid="[^"]*"', 'uid=""', doc, count=1),
        "no point": re.sub(r"<point [^>]*/>", "", doc, count=1),
        "callsign empty": re.sub(r'callsign="[^"]*"', 'callsign=""', doc, count=1),
        "element in remarks": doc.replace("</remarks>", "<b>x</b></remarks>", 1),
    }
    for name, text in broken.items():
        if text == doc:
            fail(f"schema self-test: could not break the document for '{name}'")
        path = os.path.join(work, "broken.xml")
        with open(path, "w") as f:
            f.write(text)
        if xmllint([path], xsd).returncode == 0:
            fail(f"the schema accepts a document with {name}")
    return len(broken)


def validate(docs, xsd, work):
    paths = []
    for i, doc in enumerate(docs):
        path = os.path.join(work, f"doc{i + 1:03d}.xml")
        with open(path, "w") as f:
            f.write(doc + "\n")
        paths.append(path)
    if paths:
        r = xmllint(paths, xsd)
        if r.returncode != 0:
            fail(f"documents do not validate against {xsd}:\n{r.stderr}")


# ------------------------------------------------------------ values

def parse(doc):
    root = ET.fromstring(doc.encode())
    if root.tag != "event":
        raise ValueError(f"root element <{root.tag}>, not <event>")
    point, detail = root.find("point"), root.find("detail")
    remarks = detail.findtext("remarks")
    m = re.match(r"Earshot (\S+) revision (\d+): ", remarks or "")
    if m is None:
        raise ValueError(f"remarks do not start 'Earshot ID revision N: ': {remarks!r}")
    return {"attr": dict(root.attrib), "point": {k: float(v) for k, v in point.attrib.items()},
            "callsign": detail.find("contact").get("callsign"), "remarks": remarks,
            "key": (m.group(1), int(m.group(2)))}


def problems(d, msgs, opt):
    """What is wrong with parsed document d against the messages (alert
    and event copies) of its (id, revision)."""
    m, out = msgs[0], []
    a, p = d["attr"], d["point"]
    pos, unc = m["position"], m.get("uncertainty") or {}
    if abs(p["lat"] - pos["lat"]) > 1e-7 or abs(p["lon"] - pos["lon"]) > 1e-7:
        out.append(f"point {p['lat']}, {p['lon']} is not the message's {pos['lat']}, {pos['lon']}")
    if a["type"] != cot_type(m["kind"], m["class"]):
        out.append(f"type {a['type']} for {m['kind']}/{m['class']}")
    if a["uid"] != f"earshot.{opt.prefix}.{m['id']}":
        out.append(f"uid {a['uid']} for id {m['id']}")
    if "cep50_m" in unc and abs(p["ce"] - unc["cep50_m"] / CEP50_PER_SIGMA) > 0.1:
        out.append(f"ce {p['ce']} for cep50 {unc['cep50_m']}")
    if "alt_m" in pos and abs(p["hae"] - pos["alt_m"]) > 0.01:
        out.append(f"hae {p['hae']} for alt_m {pos['alt_m']}")
    if p["le"] != UNKNOWN:
        out.append(f"le {p['le']}, not unknown")
    sent = [x["t"] for x in msgs]
    t, start, stale = utc(a["time"]), utc(a["start"]), utc(a["stale"])
    if not any(abs(t - s) < 0.0015 for s in sent):
        out.append(f"time {a['time']} is not the message's t {sent}")
    origin = m.get("t_origin")
    if origin is not None and origin >= 1e9:
        if abs(start - origin) > 0.0015:
            out.append(f"start {a['start']} is not t_origin {origin}")
    elif abs(start - t) > 0.0015:
        out.append(f"start {a['start']} is not the send time (replay t_origin {origin})")
    if abs(stale - (start + opt.stale)) > 0.0015:
        out.append(f"stale {a['stale']} is not start + {opt.stale} s")
    if not d["callsign"].endswith(" " + m["id"]):
        out.append(f"callsign {d['callsign']!r} does not name {m['id']}")
    for word in (f"kind={m['kind']}", f"class={m['class']}",
                 "sensors=" + ",".join(m.get("sensors", []))):
        if word not in d["remarks"]:
            out.append(f"remarks lack {word}")
    return out


def self_test(d, msgs, opt):
    """Each check must catch its value altered just past the tolerance."""
    alter = {
        "lat +2e-7": lambda x: x["point"].update(lat=x["point"]["lat"] + 2e-7),
        "ce +0.2 m": lambda x: x["point"].update(ce=x["point"]["ce"] + 0.2),
        "type of another class": lambda x: x["attr"].update(type="a-h-G-E-V"),
        "uid of another id": lambda x: x["attr"].update(uid=x["attr"]["uid"] + "0"),
        "stale 1 s late": lambda x: x["attr"].update(stale=shifted(x["attr"]["stale"], 1.0)),
        "start 2 ms early": lambda x: x["attr"].update(start=shifted(x["attr"]["start"], -0.002)),
    }
    for name, change in alter.items():
        bad = copy.deepcopy(d)
        change(bad)
        if not problems(bad, msgs, opt):
            fail(f"self-test: a document with {name} passes the value checks")


def expected_keys(events, all_events):
    """(id, revision) the bridge must send, in order: README's rule."""
    last, keys = {}, []
    for m in events:
        if m["topic"] not in ("alert", "event"):
            continue
        k = (m["id"], m["revision"])
        if m["id"] in last:
            if m["revision"] > last[m["id"]]:
                keys.append(k)
                last[m["id"]] = m["revision"]
        elif m["kind"] in ("launch", "impact") or all_events:
            keys.append(k)
            last[m["id"]] = m["revision"]
    return keys


def check_truth(docs, truth):
    """The last revision of each launch and impact near a source of its kind."""
    final = {}
    for d in docs:
        id_, revision = d["key"]
        if id_ not in final or revision > final[id_]["key"][1]:
            final[id_] = d
    checked = 0
    for id_, d in final.items():
        kind = doc_kind(d["attr"]["type"])
        if kind is None:
            continue
        sources = [s for s in truth["sources"] if s["kind"] == kind]
        if not sources:
            fail(f"{id_}: a {kind} but no {kind} in the truth")
        best = min(sources, key=lambda s: distance_m(d["point"]["lat"], d["point"]["lon"], s["lat"], s["lon"]))
        dist = distance_m(d["point"]["lat"], d["point"]["lon"], best["lat"], best["lon"])
        if dist > 0.1 * best["range_m"]:
            fail(f"{id_}: {dist:.0f} m from the nearest simulated {kind} "
                 f"({best['type']} at {best['range_m']:.0f} m): over 10 % of its range")
        checked += 1
    return checked


def log_keys(path, word):
    keys = set()
    for line in open(path):
        m = re.match(rf"earshot-cot: {word} uid=\S+\.(\S+) type=\S+ revision=(\d+) ", line)
        if m:
            keys.add((m.group(1), int(m.group(2))))
    return keys


def main():
    ap = argparse.ArgumentParser()
    for a in ("--docs", "--events", "--truth", "--xsd", "--work", "--prefix", "--log"):
        ap.add_argument(a, required=a != "--log")
    ap.add_argument("--stale", type=float, required=True)
    ap.add_argument("--all-events", action="store_true")
    opt = ap.parse_args()
    if shutil.which("xmllint") is None:
        fail("xmllint not found: install libxml2-utils (Debian) to run this test")
    os.makedirs(opt.work, exist_ok=True)
    texts = [line.rstrip("\n") for line in open(opt.docs) if line.strip()]
    events = [json.loads(line) for line in open(opt.events)]
    truth = json.load(open(opt.truth))
    validate(texts, opt.xsd, opt.work)
    docs = []
    for t in texts:
        try:
            docs.append(parse(t))
        except (ValueError, ET.ParseError, AttributeError) as e:
            fail(f"document not as expected ({e}): {t}")
    keys = [d["key"] for d in docs]
    if len(set(keys)) != len(keys):
        fail(f"a revision sent twice: {keys}")
    want = expected_keys(events, opt.all_events)
    if opt.log is None and keys != want:
        fail(f"documents for {keys}, expected {want}")
    if opt.log is not None:
        sent, dropped = log_keys(opt.log, "SENT"), log_keys(opt.log, "DROPPED")
        if set(keys) != sent:
            fail(f"received {sorted(keys)}, the bridge says it sent {sorted(sent)}")
        if sent | dropped != set(want):
            fail(f"sent {sorted(sent)} and dropped {sorted(dropped)}, expected {want}")
    by_key = {}
    for m in events:
        if m["topic"] in ("alert", "event"):
            by_key.setdefault((m["id"], m["revision"]), []).append(m)
    for d in docs:
        bad = problems(d, by_key[d["key"]], opt)
        if bad:
            fail(f"{d['attr']['uid']} revision {d['key'][1]}: " + "; ".join(bad))
    if docs:
        self_test(docs[0], by_key[docs[0]["key"]], opt)
    uids = {d["key"][0]: d["attr"]["uid"] for d in docs}
    if len(set(uids.values())) != len(uids):
        fail(f"two ids share a uid: {uids}")
    refused = schema_refuses(texts[0], opt.xsd, opt.work) if texts else 0
    near = check_truth(docs, truth)
    print(f"cot_check: {len(docs)} documents valid and matching their messages "
          f"({len(uids)} uids), {near} final positions within 10 % of the truth, "
          f"{refused} broken documents refused by the schema")


if __name__ == "__main__":
    main()
