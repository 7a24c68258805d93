#!/bin/sh
# demo_worlds.sh: `sitrep --demo --worlds N`, the demo with N contexts
# (demo, demo-2 .. demo-N), each a world at its own point of the hour:
#
#  - `--demo --worlds 3 fetch --all --once` fills the demo cache with the
#    three contexts, each with its sources, pods, alerts and incidents,
#    and the worlds differ at the same instant (demo in the checkout
#    crash loop, demo-3 40 minutes on, recovered);
#  - demo alone plays as the demo of one world;
#  - `snapshot --context demo-2` and `action ... --context demo-2` work
#    on the second world;
#  - --worlds without --demo, and 0, 33 or a word, are usage errors (exit
#    2) with a sentence that says what to give;
#  - the console (in tmux) switches to another world with :context NAME
#    and shows it.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"
SITREP=$top_builddir/sitrep

need_tools sqlite3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-worlds.XXXXXX")
TT_DIR=
trap '[ -n "$TT_DIR" ] && tt_cleanup; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/xdg-config" \
    XDG_CACHE_HOME="$tmp/xdg-cache" LANG=C.UTF-8
unset SITREP_CONFIG KUBECONFIG
mkdir -p "$HOME"
DB=$tmp/demo.db

# On a failure: what the last command run returned.
tap_got() {
	echo "exit status ${rc:-?}"
	[ -s "$tmp/err" ] && sed 's/^/stderr: /' "$tmp/err" | head -5
}

q() {	# SQL: one query on the cache
	sqlite3 -batch "$DB" "$1" 2>&1
}

"$SITREP" --demo --worlds 3 --cache "$DB" fetch --all --once \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
check "$rc" "--demo --worlds 3 fetch --all --once exits 0"
check_eq "a line per world" "demo
demo-2
demo-3" "$(awk '{ print $1 }' "$tmp/out" | sort -u)"

check_eq "the cache has the three contexts' sources" \
    "demo|5
demo-2|5
demo-3|5" \
    "$(q "SELECT context, COUNT(*) FROM sources WHERE last_error IS NULL
	GROUP BY context ORDER BY context")"
check_eq "each world has its pods and deployments" "3" \
    "$(q "SELECT COUNT(DISTINCT p.context) FROM kube_pods p
	JOIN kube_deployments d USING (context)")"
check_eq "each world has alerts and incidents" "3|3" \
    "$(q "SELECT (SELECT COUNT(DISTINCT context) FROM alerts),
	(SELECT COUNT(DISTINCT context) FROM incidents)")"

# The worlds differ: each context's firing alerts, as one line.
alerts_of() {	# CONTEXT
	q "SELECT group_concat(alertname || '/' || severity, ' ') FROM
	    (SELECT alertname, severity FROM alerts WHERE context = '$1'
	    AND state = 'active' ORDER BY 1, 2)"
}
a1=$(alerts_of demo)
a2=$(alerts_of demo-2)
a3=$(alerts_of demo-3)
[ -n "$a1" ] && [ "$a1" != "$a2" ] && [ "$a2" != "$a3" ] &&
    [ "$a1" != "$a3" ]
check $? "the three worlds fire different alerts at the same instant" \
    "three different sets" "demo: $a1
demo-2: $a2
demo-3: $a3"
check_eq "demo is in the checkout crash loop, demo-3 has recovered" \
    "demo|1
demo-3|0" \
    "$(q "SELECT c.name, (SELECT COUNT(*) > 0 FROM kube_pods p
	WHERE p.context = c.name AND p.reason = 'CrashLoopBackOff')
	FROM (SELECT 'demo' AS name UNION SELECT 'demo-3') c ORDER BY 1")"

# The first world is the demo of one world, row for row.
"$SITREP" --demo --cache "$tmp/one.db" fetch --all --once \
    >/dev/null 2>"$tmp/err"
rc=$?
check "$rc" "--demo fetch --all --once exits 0"
same=$(sqlite3 -batch "$tmp/one.db" "SELECT group_concat(n, ',') FROM
    (SELECT context || ':' || COUNT(*) AS n FROM kube_pods GROUP BY
    context)")
check_eq "without --worlds the demo has one context, demo" "demo:$(q \
    "SELECT COUNT(*) FROM kube_pods WHERE context = 'demo'")" "$same"

# The second world through the other commands.
"$SITREP" --demo --worlds 3 --cache "$DB" snapshot --context demo-2 \
    --width 120 >"$tmp/snap" 2>"$tmp/err"
rc=$?
[ "$rc" -le 2 ] && head -n 1 "$tmp/snap" | grep -q '^sitrep demo-2 '
check $? "snapshot --context demo-2 shows the second world"
"$SITREP" --demo --worlds 2 --cache "$DB" --context demo-2 action scale \
    shop/checkout --replicas 5 >"$tmp/out" 2>"$tmp/err"
rc=$?
check "$rc" "action scale --context demo-2 is done in the second world"
grep -q '^context: *demo-2$' "$tmp/out"
check $? "its preview names context demo-2" "context: demo-2" \
    "$(grep '^context' "$tmp/out")"
check_eq "its audit row is demo-2's" "demo-2|scale" \
    "$(q "SELECT context, action FROM audit ORDER BY seq DESC LIMIT 1")"
"$SITREP" --demo --worlds 3 --cache "$DB" snapshot --context nowhere \
    >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -ne 0 ] && grep -q "nowhere" "$tmp/err"
check $? "a context that is not one of the worlds is refused"

# Usage errors: exit 2, with what to give.
usage() {	# DESC PATTERN ARGS...
	desc=$1
	pat=$2
	shift 2
	"$SITREP" "$@" --cache "$tmp/never.db" fetch --once >/dev/null \
	    2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] && grep -q "$pat" "$tmp/err"
	check $? "$desc"
}
usage "--worlds without --demo is a usage error" \
    "use it with --demo" --worlds 3
usage "--worlds 0 is a usage error" "give how many .* 1 to 32" \
    --demo --worlds 0
usage "--worlds 33 is a usage error" "give how many .* 1 to 32" \
    --demo --worlds 33
usage "--worlds x is a usage error" "bad --worlds 'x'" --demo --worlds x
[ ! -e "$tmp/never.db" ]
check $? "a usage error writes no cache"

"$SITREP" --help >"$tmp/help" 2>&1
grep -q -- '--worlds N' "$tmp/help"
check $? "the help lists --worlds"

# The console switches worlds with :context.
if ! tt_available; then
	skip_tool tmux "the console switches to demo-3 with :context"
elif tt_setup; then
	tt_start -x 130 -y 40 \
	    "$(tt_prog "$SITREP") --demo --worlds 3 --panel health; exec sleep 300"
	tt_wait_match 'tt_has "checkout" && tt_has "CrashLoopBackOff"' 30
	check $? "the console opens on demo, in the checkout crash loop" \
	    "CrashLoopBackOff" "$(tt_last)"
	tt_type ":context demo-3"
	tt_keys Enter
	tt_wait "context demo-3" 10
	check $? ":context demo-3 switches to the third world" \
	    "context demo-3" "$(tt_last)"
	tt_wait_match 'tt_has "demo-3" && tt_has "checkout" &&
	    ! tt_has "CrashLoopBackOff"' 30
	check $? "the console shows demo-3's world: checkout recovered" \
	    "demo-3 without a crash loop" "$(tt_last)"
	tt_type ":context"
	tt_keys Enter
	tt_wait "demo-2" 10
	check $? ":context lists the worlds" "demo-2" "$(tt_last)"
	tt_kill
fi

tap_done
