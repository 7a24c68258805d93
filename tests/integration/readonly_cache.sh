#!/bin/bash
# readonly_cache.sh: the commands that only read the cache read it where
# they cannot write, and never change it.
#
# A cache is filled from the demo, then read by every read-only command
# (snapshot, cache info, audit verify, audit log, incident list, incident
# show, incident export, silence list, wallboard) as a user that cannot
# write beside it (as root: the user nobody, through setpriv, since root
# writes anywhere):
#
#  - an evidence copy: the file 0400, owned by that user, in a directory
#    0500: each command works (the wallboard gets as far as asking for a
#    terminal), `cache info` says it read the file as immutable, and the
#    file and the directory are unchanged: no -wal, no -shm;
#  - the same file left writable (0600): it may change, so each command
#    refuses, naming the file and saying that SQLite needs a -shm it
#    cannot make there and what to do, never "not an error"; its exit
#    code is the command's failure code (3 for snapshot, else 1);
#  - a copy whose -wal still holds writes, 0400 in a 0500 directory:
#    refused, saying that writes wait in its -wal and what to do, as
#    reading it without them would show old data; in a directory it can
#    write, the same copy reads with those writes;
#  - damaged files (random bytes; an SQLite header over garbage, with a
#    -wal beside it), read by their owner: every command fails, says that
#    `sitrep fetch` repairs it, and leaves the files byte for byte as
#    they were (sha256), nothing moved aside or created but SQLite's -shm
#    index; a missing file is not created.
# TAP output; the plan comes last.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep

need_tools python3 sha256sum
[ -x "$SITREP" ] || skip_all "$SITREP is not built"

T=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-ro-cache.XXXXXX") || exit 1
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
chmod 755 "$T"
mkdir -p "$T/home" "$T/config" "$T/cache"
chmod 755 "$T/home" "$T/config" "$T/cache"
export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache
unset SITREP_CONFIG KUBECONFIG
export LC_ALL=C.UTF-8
# A copy the reader can run, wherever the build is.
cp "$SITREP" "$T/sitrep" && chmod 755 "$T/sitrep" && SITREP=$T/sitrep
CFG=$T/config/demo.yaml
printf 'contexts:\n  - name: demo\n    refresh: 1h\n' >"$CFG"
chmod 644 "$CFG"

# The reader: root writes anywhere, so as root the reader is nobody.
READER_UID=$(id -u)
reader_prefix=()
if [ "$READER_UID" = 0 ]; then
	if command -v setpriv >/dev/null 2>&1 &&
	    setpriv --reuid=65534 --regid=65534 --clear-groups true \
	    2>/dev/null; then
		READER_UID=65534
		reader_prefix=(setpriv --reuid=65534 --regid=65534
		    --clear-groups)
	else
		READER_UID=
	fi
fi

# sitrep as the reader: stdout in $T/out, stderr in $T/err, status in $rc.
as_reader() {
	"${reader_prefix[@]}" "$SITREP" --config "$CFG" "$@" \
	    >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}
# sitrep as this user, the same way.
as_me() {
	"$SITREP" --config "$CFG" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}
# What is in directory $1 and each file's hash: the state to keep.
state_of() {
	(cd "$1" && find . -mindepth 1 -maxdepth 1 | sort && sha256sum -- * 2>/dev/null)
}
# A python3 sqlite3 script ($2) run on the database $1 (as db).
py_db() {
	python3 -c '
import shutil, sqlite3, sys
db = sys.argv[1]
exec(sys.argv[2])
' "$1" "$2"
}

# ---- a cache to read --------------------------------------------------------
SRC=$T/cache/src.db
"$SITREP" --demo --cache "$SRC" fetch --once >/dev/null 2>&1
check $? "the demo's world is fetched into a cache"
as_me --cache "$SRC" incident list
ID=$(sed -n 2p "$T/out" | cut -d' ' -f1)
[ -n "$ID" ]
check $? "it has an incident to show" "an id" "$(cat "$T/out" "$T/err")"

# The read-only commands: name, then the words after --cache FILE.
CMDS=(
	"snapshot|snapshot --format json"
	"cache info|cache info"
	"audit verify|audit verify"
	"audit log|audit log --all-contexts"
	"incident list|incident list"
	"incident show|incident show $ID"
	"incident export|incident export $ID --format json"
	"silence list|silence list"
	"wallboard|wallboard"
)
# The exit status command $1 has when it cannot open the cache.
fail_code() {
	case $1 in
	snapshot) echo 3 ;;
	*) echo 1 ;;
	esac
}
# Each command reads $1 as the reader and exits 0 (snapshot: with the
# world's status, 0 to 2; the wallboard: 2, for want of a terminal,
# which it asks for only once the cache is open); $2 describes the case.
reads_ok() {
	local db=$1 what=$2 entry name words ok
	for entry in "${CMDS[@]}"; do
		name=${entry%%|*}
		words=${entry#*|}
		# shellcheck disable=SC2086
		as_reader --cache "$db" $words
		case $name in
		snapshot) [ "$rc" -le 2 ] && grep -q '"status"' "$T/out" ;;
		wallboard) [ "$rc" = 2 ] && grep -q 'needs a terminal' "$T/err" ;;
		*) [ "$rc" = 0 ] && [ -s "$T/out" ] ;;
		esac
		ok=$?
		check "$ok" "$what: $name reads it (exit $rc)" "it to read" \
		    "$(head -c 600 "$T/err")"
	done
}
# Each command refuses $1 as the reader with its failure code and a
# message naming the file that contains $3 (described as $4), never "not
# an error"; $2 describes the case.
reads_refused() {
	local db=$1 what=$2 want=$3 says=$4 entry name words
	for entry in "${CMDS[@]}"; do
		name=${entry%%|*}
		words=${entry#*|}
		# shellcheck disable=SC2086
		as_reader --cache "$db" $words
		check_eq "$what: $name exits $(fail_code "$name")" \
		    "$(fail_code "$name")" "$rc"
		grep -qF "cannot read cache $db: " "$T/err" &&
		    grep -qF "$want" "$T/err" && ! grep -q 'not an error' "$T/err"
		check $? "$what: $name names the file and says $says" \
		    "$want" "$(cat "$T/err")"
	done
}

# ---- as a user who cannot write beside the cache ------------------------------
if [ -z "$READER_UID" ]; then
	skip "unwritable directory: the copy reads (immutable)" \
	    "running as root and setpriv cannot drop to the user nobody"
	skip "unwritable directory: a writable file is refused" \
	    "running as root and setpriv cannot drop to the user nobody"
	skip "unwritable directory: writes waiting in a -wal are refused" \
	    "running as root and setpriv cannot drop to the user nobody"
else
	# An evidence copy: 0400 in a 0500 directory, the reader's own.
	EV=$T/evidence
	mkdir "$EV" && cp "$SRC" "$EV/cache.db"
	chown -R "$READER_UID" "$EV" && chmod 0400 "$EV/cache.db" &&
	    chmod 0500 "$EV"
	before=$(state_of "$EV")
	reads_ok "$EV/cache.db" "0400 file, 0500 directory"
	as_reader --cache "$EV/cache.db" cache info
	grep -q '(read-only; immutable: the file cannot change' "$T/out"
	check $? "cache info says it read the file as immutable" \
	    "immutable" "$(head -n 1 "$T/out")"
	check_eq "the copy and its directory are unchanged (no -wal, no -shm)" \
	    "$before" "$(state_of "$EV")"

	# The same file, writable: it may change, so no reading without locks.
	chmod 0600 "$EV/cache.db"
	before=$(state_of "$EV")
	reads_refused "$EV/cache.db" "0600 file, 0500 directory" \
	    "cannot make one (this user cannot create files in $EV)" \
	    "SQLite cannot make a -shm in its directory"
	check_eq "the file and its directory are unchanged" \
	    "$before" "$(state_of "$EV")"

	# Writes waiting in the -wal of a frozen copy.
	WV=$T/walcopy
	mkdir "$WV"
	py_db "$SRC" '
keep = sqlite3.connect(db)
keep.execute("PRAGMA wal_autocheckpoint = 0")
keep.execute("UPDATE sources SET items = 4242")
keep.commit()
shutil.copyfile(db, sys.argv[1].replace("cache/src.db", "walcopy/cache.db"))
shutil.copyfile(db + "-wal",
    sys.argv[1].replace("cache/src.db", "walcopy/cache.db-wal"))
keep.close()
'
	check $? "a copy is taken while its -wal holds writes"
	[ -s "$WV/cache.db-wal" ]
	check $? "... the copy's -wal is not empty"
	chown -R "$READER_UID" "$WV" && chmod 0400 "$WV"/cache.db* &&
	    chmod 0500 "$WV"
	before=$(state_of "$WV")
	reads_refused "$WV/cache.db" "writes in the -wal, 0500 directory" \
	    "writes wait in its -wal" "writes wait in its -wal"
	check_eq "the copy, its -wal and the directory are unchanged" \
	    "$before" "$(state_of "$WV")"
	chmod 0700 "$WV"
	as_reader --cache "$WV/cache.db" cache info
	[ "$rc" = 0 ] && grep -q ' 4242$' "$T/out"
	check $? "in a directory it can write, the copy reads with its -wal's writes" \
	    "4242 items" "$(cat "$T/out" "$T/err")"
fi

# ---- damaged files, read by their owner -------------------------------------
# Every command fails on $1 with its failure code, says `sitrep fetch`
# repairs it, and leaves the directory's files as they were.  A reader
# of a file whose header says WAL may add the -shm index SQLite builds
# from the -wal (it holds no data of its own), so that one is not
# counted.
damaged() {
	local db=$1 what=$2 entry name words before
	before=$(state_of "$(dirname "$db")" | grep -v -- '-shm$')
	for entry in "${CMDS[@]}"; do
		name=${entry%%|*}
		words=${entry#*|}
		# shellcheck disable=SC2086
		as_me --cache "$db" $words
		check_eq "$what: $name exits $(fail_code "$name")" \
		    "$(fail_code "$name")" "$rc"
		grep -qF "$db" "$T/err" && grep -qF 'sitrep fetch' "$T/err" &&
		    ! grep -q 'not an error' "$T/err"
		check $? "$what: $name names the file and says sitrep fetch repairs it" \
		    "sitrep fetch" "$(cat "$T/err")"
	done
	check_eq "$what: left byte for byte, nothing moved aside or created" \
	    "$before" "$(state_of "$(dirname "$db")" | grep -v -- '-shm$')"
}
mkdir "$T/noise" "$T/garbage"
head -c 65536 /dev/urandom >"$T/noise/cache.db"
damaged "$T/noise/cache.db" "random bytes"
# An SQLite header over garbage, with a -wal beside it.
python3 -c '
import os, sys
src = open(sys.argv[1], "rb").read()
out = bytearray(src[:100]) + os.urandom(len(src) - 100)
open(sys.argv[2], "wb").write(out)
open(sys.argv[2] + "-wal", "wb").write(os.urandom(8192))
' "$SRC" "$T/garbage/cache.db"
damaged "$T/garbage/cache.db" "header over garbage"

as_me --cache "$T/garbage/none.db" cache info
[ "$rc" = 1 ] && grep -qF "no cache at $T/garbage/none.db" "$T/err" &&
    [ ! -e "$T/garbage/none.db" ]
check $? "a missing cache: exit 1, 'no cache at PATH', nothing created" \
    "no cache at" "$(cat "$T/err")"

tap_done
