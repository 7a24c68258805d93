# tap.sh: numbered TAP results for the shell test scripts, one form for all.
#
# Every script under tests/integration sources this file, so a result, a
# skip and a failure read the same everywhere.  POSIX sh: the dash scripts
# and the bash scripts share it.
#
#   . "$top_srcdir/tests/lib/tap.sh"
#   check STATUS DESC [EXPECTED GOT]
#                       one result (STATUS 0: ok); counts in n and failed.
#                       A failure is followed by what was expected and what
#                       came instead: EXPECTED and GOT when given, else
#                       "status 0" and what the script's tap_got function
#                       prints (define it to show a screen, an output ...),
#                       else the status
#   check_eq DESC EXPECTED GOT
#                       ok when the two strings are equal
#   check_lines FILE    one result per "STATUS<TAB>description" line of FILE
#                       (written by a helper script)
#   skip DESC REASON    one result that could not be checked:
#                       "ok N - DESC # SKIP REASON", never a plain ok
#   skip_tool TOOL DESC the same for a missing TOOL; a failure under CI=true
#                       when scripts/setup installs TOOL
#   skip_all REASON [TOOL]
#                       nothing can run: "1..0 # SKIP REASON" and exit 0; a
#                       failure (exit 1) under CI=true when TOOL is missing
#                       and scripts/setup installs it
#   need_tools TOOL...  skip_all for the first TOOL that is not installed
#   tap_done            print the plan "1..n"; status 0 if nothing failed
#
# CI=true means the machine ran scripts/setup, so every tool it installs
# must be there: a test that would skip for want of one fails instead.

n=0
failed=0
tap_tab=$(printf '\t')

# Is TOOL (a name or a path) one of those scripts/setup installs?
tap_setup_tool() {
	case ${1##*/} in
	prometheus|promtool|alertmanager|prometheus-alertmanager|python3|\
	openssl|tmux|valgrind|curl|kubectl)
		return 0 ;;
	esac
	return 1
}

# Is this CI, where every tool scripts/setup installs must be present?
tap_ci() {
	[ "${CI:-}" = true ]
}

# Print a diagnostic value: its first line after LABEL, the rest (up to 20
# lines) aligned beneath it.
tap_show() {	# LABEL VALUE
	printf '%s\n' "$2" | head -n 20 | {
		IFS= read -r tap_line
		printf '#   %-9s %s\n' "$1:" "$tap_line"
		while IFS= read -r tap_line; do
			printf '#             %s\n' "$tap_line"
		done
	}
}

# Print one TAP result: ok/not ok, numbered, with a description; on a
# failure, what was expected and what came instead.
check() {	# STATUS DESC [EXPECTED GOT]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
		return 0
	fi
	echo "not ok $n - $2"
	failed=$((failed + 1))
	if [ $# -ge 4 ]; then
		tap_show expected "$3"
		tap_show got "$4"
		return 0
	fi
	tap_show expected "status 0"
	if command -v tap_got >/dev/null 2>&1; then
		tap_got_text=$(tap_got 2>&1)
		if [ -n "$tap_got_text" ]; then
			tap_show got "$tap_got_text"
			return 0
		fi
	fi
	tap_show got "status $1"
}

# One result: ok when GOT equals EXPECTED.
check_eq() {	# DESC EXPECTED GOT
	if [ "$2" = "$3" ]; then
		check 0 "$1"
	else
		check 1 "$1" "$2" "$3"
	fi
}

# Report each "STATUS<TAB>description" line of a file as a TAP result.
check_lines() {	# FILE
	if [ ! -s "$1" ]; then
		check 1 "checks in $(basename "$1") ran" \
		    "a line per check in $1" "an empty or missing file"
		return
	fi
	while IFS=$tap_tab read -r tap_st tap_desc; do
		check "$tap_st" "$tap_desc"
	done <"$1"
}

# One result that could not be checked, reported as a TAP SKIP.
skip() {	# DESC REASON
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# A result that needs TOOL, which is missing: a skip, or under CI a
# failure when scripts/setup installs TOOL.
skip_tool() {	# TOOL DESC
	if tap_ci && tap_setup_tool "$1"; then
		check 1 "$2" "$1 installed (CI=true: scripts/setup installs it)" \
		    "$1 not found"
	else
		skip "$2" "$1 not found"
	fi
}

# Nothing in this script can run: say why and exit.
skip_all() {	# REASON [TOOL]
	if [ -n "${2:-}" ] && tap_ci && tap_setup_tool "$2"; then
		echo "1..1"
		echo "not ok 1 - the tests of ${0##*/} ran"
		tap_show expected "every tool scripts/setup installs (CI=true)"
		tap_show got "$1"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

# Skip the whole script unless every TOOL is installed.
need_tools() {	# TOOL...
	for tap_tool in "$@"; do
		command -v "$tap_tool" >/dev/null 2>&1 ||
		    skip_all "$tap_tool is not installed" "$tap_tool"
	done
}

# Print the plan; status 0 when nothing failed.
tap_done() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}
