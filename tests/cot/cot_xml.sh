#!/usr/bin/env bash
# earshot-cot's document builder on crafted messages (test_cot_xml), then
# its documents validated against cot_event.xsd and read back: a message's
# id, class and sensors full of XML's special characters, a newline and a
# control byte come back as they were (the control byte as '?').
# usage: cot_xml.sh TEST_COT_XML XSD WORK_DIR
set -euo pipefail
TEST_NAME=cot_xml
. "$(dirname "$0")/../sh/common.sh"
test_bin=$1 xsd=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
command -v xmllint >/dev/null ||
  fail "xmllint not found: install libxml2-utils (scripts/setup.sh does not yet)"
"$test_bin" "$work" || fail "test_cot_xml failed"
xmllint --noout --schema "$xsd" "$work/hostile.xml" "$work/live.xml" ||
  fail "the crafted documents do not validate"
python3 - "$work/hostile.xml" <<'PY' || fail "hostile text did not come back as it went in"
import sys, xml.etree.ElementTree as ET
e = ET.parse(sys.argv[1]).getroot()
want_id, want_class = "E1&<>\"'", "mortar\"<&>\n?"
assert e.get("uid") == "earshot.test." + want_id, e.get("uid")
assert e.get("type") == "a-h-G-E-W", e.get("type")
d = e.find("detail")
assert d.find("contact").get("callsign") == want_class.upper() + " " + want_id, d.find("contact").get("callsign")
r = d.findtext("remarks")
for part in ("Earshot " + want_id + " revision 0:", "class=" + want_class + " ", "sensors=S1&,S\"2<,]]>"):
    assert part in r, (part, r)
PY
log "PASS"
