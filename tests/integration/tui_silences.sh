#!/bin/bash
# tui_silences.sh: the silences list (':silences') in the demo, in tmux.
#
# The demo's world holds an active silence (maria.k@example.com's, on
# PaymentsUpstreamLatency in payments, which fires) and one that expired
# days ago.  ':silences' must open the list over the panels, show the
# active one with its author, why, and the one alert it matches now, and
# leave the expired one out; Enter opens the whole silence (its matchers,
# its comment, the alert it matches with its labels); Esc goes back to
# the list, and Esc again to the panels.  In a context without
# Alertmanager the list says its silences are not known instead of
# claiming there are none.  With a cache of silences that each have
# something wrong and Alertmanager down, every flag shows in words, the
# list says the data is old, and an escape in a comment shows as text.
# Under SITREP_UNDER_VALGRIND=1 the console runs under memcheck and its
# log must be clean.
# TAP output; the plan comes last.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"

tt_available || skip_all "tmux is not installed" tmux
SITREP=$top_builddir/sitrep
if [ ! -x "$SITREP" ]; then
	echo "1..1"
	echo "not ok 1 - $SITREP is not built; run make first"
	exit 1
fi

tt_setup || exit 1
trap 'tt_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# On a failure: the last screen read.
tap_got() {
	tt_last
}

# A check on the screen: NAME PROG (eval'd by tt_wait_match) [SECS].
screen() {
	tt_wait_match "$2" "${3:-10}"
	_rc=$?
	check $_rc "$1"
	[ $_rc = 0 ] || tt_dump
}

tt_start -x 120 -y 32 \
    "$(tt_prog "$SITREP") --demo; echo EXITED:\$?; exec sleep 300" || exit 1
screen "the demo console starts" 'tt_has "1 Health" "3 Incidents"' 30

tt_type ":silences"
tt_keys Enter
screen ":silences opens the list of the context's silences" \
    'tt_has "Silences in demo: 1" "STATE" "ENDS IN" "MATCH" "BY" "WHY"'
screen "the demo's active silence shows with its author and why" \
    'tt_has "maria.k@example.com" "acme-pay degradation acknowledged"'
screen "it matches one firing alert now, named under it" \
    'tt_last | grep -Eq "^[│|] *active +[0-9hm]+ +1 +maria\.k@" &&
     tt_has "matches PaymentsUpstreamLatency"'
screen "the silence that expired days ago is not listed" \
    'tt_lacks "load-test-bot" "Planned load test"'

tt_keys Enter
screen "Enter shows the whole silence: matchers, comment, what it matches" \
    'tt_has "Silence 2f6c0d3e-8a41-4b7e-9c15-5d2e7f1a9b30" \
        "matchers: alertname=\"PaymentsUpstreamLatency\", namespace=\"payments\"" \
        "created by: maria.k@example.com" "comment: acme-pay degradation" \
        "Matches now: 1 firing alert" \
        "PaymentsUpstreamLatency (silenced): " "provider=acme-pay"'

tt_keys Escape
screen "Esc goes back to the list" \
    'tt_has "Silences in demo: 1" "maria.k@example.com" &&
     tt_lacks "Matches now:"'
tt_keys Escape
screen "Esc again closes the list: the panels are back" \
    'tt_has "1 Health" "3 Incidents" && tt_lacks "Silences in demo"'

tt_type ":q"
tt_keys Enter
screen "the console quits cleanly" 'tt_has "EXITED:0"' 20

# A context without Alertmanager: the list says its silences are not
# known, and claims neither "none" nor a count.
cat >"$TT_DIR/bare.yaml" <<'EOF'
contexts:
  - name: bare
    prometheus:
      url: http://127.0.0.1:9
EOF
tt_start -x 100 -y 24 "$(tt_prog "$SITREP") --config '$TT_DIR/bare.yaml';\
    echo EXITED:\$?; exec sleep 300" || exit 1
screen "a console without Alertmanager starts" 'tt_has "3 Incidents"' 30
tt_type ":silences"
tt_keys Enter
screen "no Alertmanager: its silences are not known, and no count is claimed" \
    'tt_has "Silences in bare " "bare has no Alertmanager: its silences are not known" &&
     tt_lacks "no active or pending silences" "Silences in bare:"'
tt_keys q
screen "q closes the list" 'tt_has "3 Incidents" && tt_lacks "Silences in"'
tt_type ":q"
tt_keys Enter
screen "the console quits cleanly" 'tt_has "EXITED:0"' 20

# Flags on the screen: a cache holding what an Alertmanager answered a
# minute ago (one firing alert, three silences, each with something
# wrong, one with an escape sequence in its comment), and that
# Alertmanager down now.  The list says so, keeps the rows, shows each
# flag, and the escape as harmless text.
flags() {
	cat >"$TT_DIR/lab.yaml" <<'EOF'
contexts:
  - name: lab
    alertmanagers:
      - url: http://127.0.0.1:9
EOF
	env -i PATH="$PATH" HOME="$TT_DIR/home" XDG_CACHE_HOME="$TT_DIR/cache" \
	    "$SITREP" --config "$TT_DIR/lab.yaml" fetch --once >/dev/null 2>&1
	now=$(($(date +%s) * 1000))
	m='[{"name":"%s","value":"%s","isRegex":false,"isEqual":true}]'
	# shellcheck disable=SC2059
	sqlite3 "$TT_DIR/cache/sitrep/cache.db" "
	UPDATE sources SET last_success_ms = $now - 60000 WHERE context = 'lab';
	INSERT INTO alerts (context, source, fingerprint, alertname, state,
	  labels, starts_at_ms) VALUES ('lab', 'alertmanager', 'f1', 'DiskFull',
	  'active', '{\"alertname\":\"DiskFull\",\"service\":\"db\"}',
	  $now - 3600000);
	INSERT INTO silences (context, source, id, state, matchers, created_by,
	  comment, starts_at_ms, ends_at_ms) VALUES
	  ('lab', 'alertmanager', 'typo', 'active', '$(printf "$m" servcie db)',
	   'alice', 'disk cleanup ' || char(27) || '[2J', $now - 60000,
	   $now + 7200000),
	  ('lab', 'alertmanager', 'soon', 'active', '$(printf "$m" service db)',
	   'bob', 'resizing the volume', $now - 3600000, $now + 1200000),
	  ('lab', 'alertmanager', 'long', 'active', '$(printf "$m" alertname \
	   DiskFull)', 'carol', 'known issue', $now - 86400000,
	   $now + 29 * 86400000);" || return 1
	tt_start -x 120 -y 30 "$(tt_prog "$SITREP") --config '$TT_DIR/lab.yaml';\
	    echo EXITED:\$?; exec sleep 300" || return 1
	screen "a console with Alertmanager down starts" 'tt_has "3 Incidents"' 30
	tt_type ":silences"
	tt_keys Enter
	screen "the list keeps what Alertmanager last said, and says it is down" \
	    'tt_has "Silences in lab: 3, 3 flagged" "alertmanager failed: " \
	        "(showing data from "'
	screen "each flag in words" \
	    'tt_has "matches no alert" \
	        "lasts 30d, longer than 7d (silences.max_duration)" &&
	     tt_last | grep -Eq "ends in (1[0-9]|20)m while 1 alert it matches still fires"'
	screen "an escape in a comment shows as text, not as a command" \
	    'tt_has "disk cleanup ^[[2J"'
	tt_type ":q"
	tt_keys Enter
	screen "the console quits cleanly" 'tt_has "EXITED:0"' 20
}
if command -v sqlite3 >/dev/null 2>&1; then
	flags
else
	skip_tool sqlite3 "flags on the screen (the cache is written with sqlite3)"
fi
tt_kill
if tt_valgrind; then
	tt_valgrind_report
fi
tap_done
