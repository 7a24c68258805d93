#!/bin/bash
# audit_log.sh: `sitrep audit log` on the demo's cache, filled by real
# commands.
#
# Without a cache it exits 1, says where the cache would be and creates
# nothing.  A demo fetch makes the cache (an empty log says so); then
# `incident ack` and `incident note` (a note carrying ESC, BEL and the C1
# CSI) write through the action gate.  Checks: the text listing (header,
# one line per row, the escapes as caret text, never raw), the JSON one
# (parsed by python3: schema sitrep.audit/1 and the documented fields,
# the note's text as written), --since as a duration and as a time (a
# future one lists nothing), usage errors (exit 2), that `audit verify`
# still passes, and, with a row of another context added, that only the
# chosen context is listed unless --all-contexts.  TAP output; the plan
# comes last.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep

need_tools sqlite3 python3
[ -x "$SITREP" ] || skip_all "$SITREP is not built"

T=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-audit-log.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" "$T/config" "$T/cache"
export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache
unset SITREP_CONFIG KUBECONFIG
export LC_ALL=C.UTF-8
DB=$T/cache/sitrep/demo.db

# Run sitrep --demo with the arguments: stdout in $T/out, stderr in
# $T/err, status in $rc.
run() {
	"$SITREP" --demo "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
# Whether $1 holds a raw ESC, BEL or C1 CSI (U+009B) byte sequence.
raw_escapes() {
	python3 -c '
import sys
b = open(sys.argv[1], "rb").read()
sys.exit(0 if (b"\x1b" in b or b"\x07" in b or b"\xc2\x9b" in b) else 1)
' "$1"
}
# Evaluate a python3 expression on the JSON in $T/out as d; prints it.
js() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))
' "$T/out" "$1" 2>&1
}

# ---- no cache -------------------------------------------------------------
run audit log
check_eq "no cache: exit 1" 1 "$rc"
grep -q "no cache at $DB" "$T/err"
check $? "no cache: the message says where it would be" \
    "no cache at $DB" "$(cat "$T/err")"
[ ! -e "$DB" ] && [ ! -e "$T/cache/sitrep" ]
check $? "no cache: nothing was created"

# ---- an empty log ---------------------------------------------------------
run fetch --once
check $rc "a demo fetch fills the cache"
run audit log
check $rc "an empty log: exit 0"
check_eq "an empty log says so" "audit log: no entries in context demo" \
    "$(cat "$T/out")"

# ---- rows through real commands -------------------------------------------
ID=$(sqlite3 "$DB" "SELECT id FROM incidents WHERE context = 'demo'
    AND state <> 'resolved' ORDER BY id LIMIT 1")
[ -n "$ID" ]
check $? "the demo has an open incident" "an id" "none"
run incident ack "$ID"
check $rc "incident ack $ID" 0 "$rc: $(cat "$T/err")"
NOTE=$(printf 'text with \033[2J and \a and \302\23331m')
run incident note "$ID" "$NOTE"
check $rc "incident note $ID with escapes" 0 "$rc: $(cat "$T/err")"

# ---- text -----------------------------------------------------------------
run audit log
check $rc "audit log: exit 0"
head -n 1 "$T/out" | grep -q '^TIME  *ACTOR  *CONTEXT  *ACTION  *TARGET  *RESULT  *DETAIL$'
check $? "the text has its column header" "TIME ACTOR ... DETAIL" \
    "$(head -n 1 "$T/out")"
check_eq "one line per row after the header" 3 "$(wc -l <"$T/out")"
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z  .*  demo  +silence  +'"$ID"'  +ok  +until ' "$T/out"
check $? "the acknowledgement's silence: time, context, action, target, result, detail" \
    "TIME ... demo silence $ID ok until ..." "$(sed -n 2p "$T/out")"
grep -q "  note  *$ID  *ok  *text with ^\[\[2J and ^G and " "$T/out"
check $? "the note: its escapes as caret text" \
    "... note $ID ok text with ^[[2J and ^G and ..." "$(sed -n 3p "$T/out")"
raw_escapes "$T/out"
check $((!$?)) "no raw escape reaches the terminal"

# ---- JSON -----------------------------------------------------------------
run audit log --format json
check $rc "audit log --format json: exit 0"
check_eq "schema and context" "sitrep.audit/1 demo None" \
    "$(js 'd["schema"] + " " + d["context"] + " " + str(d["since"])')"
check_eq "generated_at is RFC 3339 UTC" "True" \
    "$(js '__import__("re").fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["generated_at"]) is not None')"
check_eq "every row has exactly the documented fields" \
    "action actor at context detail dry_run hash result seq target" \
    "$(js '" ".join(sorted(set().union(*[r.keys() for r in d["rows"]])))')"
check_eq "two rows, in order, actions silence and note on the incident" \
    "1 silence $ID False ok|2 note $ID False ok" \
    "$(js '"|".join("%d %s %s %s %s" % (r["seq"], r["action"], r["target"], r["dry_run"], r["result"]) for r in d["rows"])')"
check_eq "JSON keeps the note as written" "True" \
    "$(js 'd["rows"][1]["detail"] == "text with \x1b[2J and \x07 and \x9b31m"')"
raw_escapes "$T/out"
check $((!$?)) "no raw escape in the JSON"
check_eq "the last row's hash is the head audit verify records" \
    "$(sqlite3 "$DB" 'SELECT hash FROM audit ORDER BY seq DESC LIMIT 1')" \
    "$(js 'd["rows"][-1]["hash"]')"

# ---- --since --------------------------------------------------------------
run audit log --since 1h --format json
check_eq "--since 1h: both rows" "0 2" "$rc $(js 'len(d["rows"])')"
run audit log --since 2099-01-01T00:00:00Z
check_eq "--since a future time: exit 0, nothing" \
    "0 audit log: no entries in context demo since 2099-01-01T00:00:00Z" \
    "$rc $(cat "$T/out")"
run audit log --since 2099-01-01T00:00:00Z --format json
check_eq "--since a future time in JSON: no rows, since given" \
    "0 2099-01-01T00:00:00Z []" "$rc $(js 'd["since"] + " " + str(d["rows"])')"
run audit log --since 2000-01-01T00:00:00Z --format json
check_eq "--since a past time: both rows" "0 2" "$rc $(js 'len(d["rows"])')"
run audit log --since yesterday
check_eq "a bad --since: exit 2" 2 "$rc"
grep -q "bad --since 'yesterday'" "$T/err"
check $? "a bad --since says what it takes" "bad --since 'yesterday'" \
    "$(cat "$T/err")"

# ---- usage ----------------------------------------------------------------
run audit log --format yaml
check_eq "an unknown format: exit 2" 2 "$rc"
run audit log extra
check_eq "a stray word: exit 2" 2 "$rc"
run --context demo audit log --all-contexts
check_eq "--context with --all-contexts: exit 2" 2 "$rc"
run --context nowhere audit log
check_eq "an unknown context: exit 2" 2 "$rc"

# ---- the chain ------------------------------------------------------------
run audit verify
check $rc "audit verify still passes" 0 "$rc: $(cat "$T/out" "$T/err")"
grep -q "2 entries, hash chain intact" "$T/out"
check $? "audit verify counts the two rows" "2 entries" "$(cat "$T/out")"

# ---- contexts -------------------------------------------------------------
# A row of another context, written by hand (it breaks the chain, which is
# no longer checked): only there to tell the contexts apart.
sqlite3 "$DB" "INSERT INTO audit (seq, ts_ms, actor, context, action,
  target, dry_run, result, detail, prev_hash, hash) VALUES (3,
  $(( $(date +%s) * 1000 )), 'bob', 'staging', 'scale', 'deployment/x', 1,
  'ok', 'replicas 3 -> 5', '', '')"
check $? "a row of context staging added"
run audit log --format json
check_eq "by default only the context's rows" "demo demo" \
    "$(js '" ".join(r["context"] for r in d["rows"])')"
run audit log --all-contexts --format json
check_eq "--all-contexts: every row, context null" "None demo demo staging" \
    "$(js 'str(d["context"]) + " " + " ".join(r["context"] for r in d["rows"])')"
run audit log --all-contexts
grep -q '  bob  *staging  *scale (dry run)  *deployment/x  *ok  *replicas 3 -> 5$' "$T/out"
check $? "a dry run is marked in text" "bob staging scale (dry run) ..." \
    "$(tail -n 1 "$T/out")"

tap_done
