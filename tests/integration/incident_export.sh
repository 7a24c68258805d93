#!/bin/bash
# incident_export.sh: `sitrep incident export` on the demo.  After one
# round, an acknowledgement and a note, the postmortem draft of the P0
# incident is written in each format: the JSON parses, has the documented
# fields (docs/INCIDENTS.md) and the acknowledgement, note and actions;
# the HTML is well formed (every element closed in order); the Markdown
# has every section; --output writes the file atomically; an unknown id
# and a text format are usage errors (2).  TAP output; the plan comes last.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep
[ -x "$SITREP" ] || skip_all "$SITREP is not built"
need_tools sqlite3 python3

T=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-export.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
unset SITREP_CONFIG KUBECONFIG
export USER=oncall LC_ALL=C.UTF-8

"$SITREP" --demo fetch --once >/dev/null 2>&1
DB=$XDG_CACHE_HOME/sitrep/demo.db
id=$(sqlite3 "$DB" "SELECT id FROM incidents WHERE priority = 'P0' ORDER BY started_ms LIMIT 1")
[ -n "$id" ]
check $? "the demo has a P0 incident ($id)"
"$SITREP" --demo incident ack "$id" --comment "looking" >/dev/null 2>&1
"$SITREP" --demo incident note "$id" "rolled back checkout" >/dev/null 2>&1

"$SITREP" --demo incident export "$id" --format json >"$T/pm.json" 2>"$T/err"
check_eq "export --format json exits 0" "0" "$?"
python3 - "$T/pm.json" "$id" >"$T/py" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want = {"schema", "context", "generated_at", "incident", "services",
        "namespaces", "receivers", "window", "impact", "timeline", "alerts",
        "rollouts", "actions"}
assert set(d) == want, set(d) ^ want
assert d["schema"] == "sitrep.postmortem/1"
i = d["incident"]
assert i["id"] == sys.argv[2], i["id"]
assert i["priority"] == "P0"
assert i["acknowledgement"]["by"].startswith("oncall@"), i["acknowledgement"]
assert i["time_to_acknowledge_s"] >= 0
kinds = [e["kind"] for e in d["timeline"]]
assert "fired" in kinds and "acknowledged" in kinds and "note" in kinds, kinds
assert [a["action"] for a in d["actions"]] == ["silence", "note"], d["actions"]
assert all(a["result"] == "ok" for a in d["actions"])
assert "checkout" in d["services"], d["services"]
assert d["impact"] and all(k in d["impact"][0] for k in
    ("slo", "budget_left_before", "budget_left_after", "budget_spent"))
print("ok")
PY
check $? "the JSON has the documented fields, the ack, the note and the actions" \
    "ok" "$(cat "$T/py")"

python3 "$top_srcdir/tests/lib/check_snapshot.py" json "$T/pm.json" \
    "$top_srcdir/docs/postmortem.schema.json" 2>"$T/why"
check $? "the JSON matches docs/postmortem.schema.json" "valid" "$(cat "$T/why")"

"$SITREP" --demo incident export "${id:0:5}" --format html --output "$T/pm.html"
check_eq "export --format html --output FILE exits 0" "0" "$?"
python3 "$top_srcdir/tests/lib/check_snapshot.py" html "$T/pm.html" 2>"$T/why"
check $? "the HTML is well-formed XHTML, self-contained and inert" "valid" \
    "$(cat "$T/why")"
python3 - "$T/pm.html" >"$T/py" 2>&1 <<'PY'
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "hr", "img", "link", "input"}
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.bad = [], []
    def handle_starttag(self, t, a):
        if t not in VOID:
            self.stack.append(t)
    def handle_startendtag(self, t, a):
        pass
    def handle_endtag(self, t):
        if t in VOID:
            return
        if not self.stack or self.stack[-1] != t:
            self.bad.append((t, list(self.stack)))
        else:
            self.stack.pop()
p = P()
p.feed(open(sys.argv[1]).read())
p.close()
assert not p.bad and not p.stack, (p.bad, p.stack)
print("ok")
PY
check $? "the HTML is well formed" "ok" "$(cat "$T/py")"
ls "$T" | grep -q '\.tmp\.' && r=1 || r=0
check $r "no temporary file is left beside it"

"$SITREP" --demo incident export "$id" >"$T/pm.md"
r=0
for s in "# Postmortem draft: " "## Summary" "## Impact" "## Timeline" \
    "## Alerts" "## Acknowledgements and silences" "## Rollouts from" \
    "## Actions taken through sitrep" "## What the cache cannot tell"; do
	grep -qF "$s" "$T/pm.md" || { echo "# missing: $s"; r=1; }
done
check $r "the Markdown (the default) has every section"

"$SITREP" --demo incident export ffff >/dev/null 2>"$T/err"
check_eq "an id that names no incident: exit 2" "2" "$?"
"$SITREP" --demo incident export "$id" --format text >/dev/null 2>"$T/err"
check_eq "--format text: exit 2" "2" "$?"
grep -q "markdown, json or html" "$T/err"
check $? "saying which formats there are"

tap_done
