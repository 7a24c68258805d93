#!/bin/bash
# audit_evidence.sh: the audit log holds up as evidence.
#
# The demo's cache is filled by real commands (`incident ack`, `incident
# note`), which make the audit key under $XDG_STATE_HOME (0600, in a 0700
# directory) and write keyed rows.  Then, each on a copy of the cache:
# `audit verify` and `audit head` (text and JSON) agree; a row's text
# edited with sqlite3 and the old unkeyed chain recomputed from there on
# fails; rows cut off the end with sqlite_sequence mended pass a plain
# verify but fail `verify --head` with the head recorded before; a file
# with bytes overwritten in the middle fails and is byte-identical after
# (nothing moved aside or rebuilt); a missing cache and a cache without
# an audit table fail naming the path; a key file of mode 0644 is refused
# with the chmod to run; a missing key with keyed rows is named.  TAP
# output; the plan comes last.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep

need_tools sqlite3 python3 sha256sum
[ -x "$SITREP" ] || skip_all "$SITREP is not built"

T=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-audit-evidence.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" "$T/config" "$T/cache" "$T/state"
export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache
export XDG_STATE_HOME=$T/state
unset SITREP_CONFIG KUBECONFIG
export LC_ALL=C.UTF-8
DB=$T/cache/sitrep/demo.db
KEY=$T/state/sitrep/audit.key

# Run sitrep with the arguments: stdout in $T/out, stderr in $T/err,
# status in $rc.
run() {
	"$SITREP" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
# A fresh copy of the filled cache at $T/$1.db; its path in $C.
copy() {
	C=$T/$1.db
	cp "$T/base.db" "$C"
}

# ---- a log written by real commands ----------------------------------------
run --demo fetch --once
check $rc "a demo fetch fills the cache"
ID=$(sqlite3 "$DB" "SELECT id FROM incidents WHERE context = 'demo'
    AND state <> 'resolved' ORDER BY id LIMIT 1")
run --demo incident ack "$ID"
check $rc "incident ack" 0 "$rc: $(cat "$T/err")"
for i in 1 2 3; do
	run --demo incident note "$ID" "note $i"
done
check $rc "incident note x3" 0 "$rc: $(cat "$T/err")"
check_eq "the key was made: 32 bytes, 0600, directory 0700" "32 600 700" \
    "$(stat -c %s "$KEY") $(stat -c %a "$KEY") $(stat -c %a "$(dirname "$KEY")")"
check_eq "every row is keyed" "4|4" \
    "$(sqlite3 "$DB" "SELECT count(*), sum(chain = 2 AND length(key_id) = 16) FROM audit")"
grep -rqF "$(od -An -tx1 "$KEY" | tr -d ' \n')" "$T/cache" 2>/dev/null
check $((!$?)) "the key's bytes are nowhere in the cache (as hex)"
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$DB" "$T/base.db"

run --cache "$T/base.db" audit verify
check_eq "audit verify: intact" "0|audit log: 4 entries, hash chain intact" \
    "$rc|$(cat "$T/out")"
run --cache "$T/base.db" audit head
HASH=$(sqlite3 "$T/base.db" "SELECT hash FROM audit WHERE seq = 4")
check_eq "audit head: one line, seq and hash" "0|seq 4 hash $HASH" \
    "$rc|$(cat "$T/out")"
run --cache "$T/base.db" audit head --format json
check_eq "audit head --format json" "sitrep.audit-head/1 4 $HASH" \
    "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["schema"], d["seq"], d["hash"])' "$T/out" 2>&1)"
run --cache "$T/base.db" audit verify --head "4:$HASH"
check_eq "verify --head 4:HASH on the same log" 0 "$rc"
grep -q "the anchored head, entry 4, is in place" "$T/out"
check $? "it says the head is in place" "in place" "$(cat "$T/out")"
run --cache "$T/base.db" audit verify --head "not-a-hash"
check_eq "a malformed --head is a usage error" 2 "$rc"

# ---- a row edited, the old unkeyed chain recomputed -----------------------
copy edited
python3 - "$C" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
def s(v):
    if v is None:
        return b"n"
    b = v.encode()
    return b"s%d:" % len(b) + b
def i(v):
    return b"i%d;" % v
rows = db.execute("SELECT seq, ts_ms, actor, context, action, target,"
    " dry_run, result, detail FROM audit ORDER BY seq").fetchall()
prev = db.execute("SELECT hash FROM audit WHERE seq = 2").fetchone()[0]
for seq, ts, actor, ctx, action, target, dry, result, detail in rows[2:]:
    if seq == 3:
        detail = "nothing happened here"
    m = (s(prev) + i(seq) + i(ts) + s(actor) + s(ctx) + s(action) +
         s(target) + i(dry) + s(result) + s(detail))
    h = hashlib.sha256(m).hexdigest()
    db.execute("UPDATE audit SET detail = ?, prev_hash = ?, hash = ?,"
        " chain = 1, key_id = NULL WHERE seq = ?", (detail, prev, h, seq))
    prev = h
db.commit()
db.executescript("""
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
""")
PY
check_eq "the forgery is in place" "nothing happened here" \
    "$(sqlite3 "$C" "SELECT detail FROM audit WHERE seq = 3")"
run --cache "$C" audit verify
check_eq "edited + unkeyed chain recomputed: exit 1" 1 "$rc"
grep -q "entry 3: audit row 3 is chained without the key" "$T/err"
check $? "it names entry 3" "entry 3 ..." "$(cat "$T/err")"

# ---- rows cut off the end ---------------------------------------------------
copy truncated
sqlite3 "$C" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > 2;
    UPDATE sqlite_sequence SET seq = 2 WHERE name = 'audit';
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
run --cache "$C" audit verify
check_eq "truncated, sqlite_sequence mended: a plain verify cannot tell" 0 "$rc"
run --cache "$C" audit verify --head "4:$HASH"
check_eq "truncated: verify --head 4:HASH exits 1" 1 "$rc"
grep -q "entries 3 to 4 were removed" "$T/err"
check $? "it says which entries are gone" "entries 3 to 4 were removed" "$(cat "$T/err")"
run --cache "$C" audit verify --head "$HASH"
check_eq "truncated: verify --head HASH exits 1" 1 "$rc"

# ---- a damaged file ---------------------------------------------------------
copy damaged
size=$(stat -c %s "$C")
python3 -c '
import sys
f = open(sys.argv[1], "r+b")
f.seek(int(sys.argv[2]) // 2 // 4096 * 4096)
f.write(bytes((i * 37 + 11) & 255 for i in range(4096)))
' "$C" "$size"
before=$(sha256sum <"$C")
run --cache "$C" audit verify
check_eq "damaged: exit 1" 1 "$rc"
grep -Eq "damaged|corrupt" "$T/err"
check $? "damaged: it says so" "damaged" "$(cat "$T/err")"
check_eq "damaged: the file is byte-identical after" "$before" "$(sha256sum <"$C")"
check_eq "damaged: nothing moved aside" "" "$(ls "$T" | grep corrupt)"
run --cache "$C" audit head
check_eq "damaged: audit head exits 1 too" 1 "$rc"

# ---- no cache, no table -----------------------------------------------------
run --cache "$T/none.db" audit verify
check_eq "no cache: exit 1" 1 "$rc"
grep -q "$T/none.db" "$T/err"
check $? "no cache: the message names the path" "$T/none.db" "$(cat "$T/err")"
[ ! -e "$T/none.db" ]
check $? "no cache: nothing was created"
copy notable
sqlite3 "$C" "DROP TABLE audit"
run --cache "$C" audit verify
check_eq "no audit table: exit 1" 1 "$rc"
grep -q "no audit log at $C" "$T/err"
check $? "no audit table: 'no audit log at PATH'" "no audit log at $C" "$(cat "$T/err")"

# ---- the key ----------------------------------------------------------------
chmod 644 "$KEY"
run --cache "$T/base.db" audit verify
check_eq "key mode 0644: exit 1" 1 "$rc"
grep -qF "chmod 600 $KEY" "$T/err"
check $? "key mode 0644: refused with the chmod to run" "chmod 600 $KEY" "$(cat "$T/err")"
run --demo incident note "$ID" "with an open key"
grep -qF "chmod 600 $KEY" "$T/err"
check $? "key mode 0644: a writer refuses to audit with it" "chmod 600 $KEY" "$(cat "$T/err")"
chmod 600 "$KEY"
mv "$KEY" "$T/key.saved"
run --cache "$T/base.db" audit verify
check_eq "key missing, keyed rows: exit 1" 1 "$rc"
grep -qF "there is no key at $KEY" "$T/err"
check $? "key missing: named" "there is no key at $KEY" "$(cat "$T/err")"
[ ! -e "$KEY" ]
check $? "key missing: verify made no new key"
head -c 32 /dev/urandom >"$KEY"
chmod 600 "$KEY"
run --cache "$T/base.db" audit verify
check_eq "another key: exit 1" 1 "$rc"
grep -q "was the log written with another key" "$T/err"
check $? "another key: said so" "another key" "$(cat "$T/err")"

tap_done
