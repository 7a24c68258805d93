#!/bin/sh
# manpage.sh: docs/sitrep.1 is what `sitrep help --man` prints, and that
# page covers what the program has.
#
# The page is generated from the program's tables (commands, leading
# options, keys, ':' commands), so the committed page must equal the
# generated one: adding a command, an option, a key or a ':' command
# without regenerating the page fails here.  The generator itself is
# checked against what other code paths print: every command and option
# of `sitrep --help`, every key action docs/CONFIG.md lists, every ':'
# command the console's command line names (in tmux), every environment
# variable the sources read with getenv().  Then the page must render
# without a warning (groff -ww) and through man -l.  TAP output.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"
SITREP=$top_builddir/sitrep
PAGE=$top_srcdir/docs/sitrep.1

[ -x "$SITREP" ] || skip_all "$SITREP is not built"

T=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-manpage.XXXXXX") || exit 1
trap 'tt_cleanup; rm -rf "$T"' EXIT INT TERM
export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_CACHE_HOME="$T/cache"
unset SITREP_CONFIG KUBECONFIG
mkdir -p "$HOME"

# The text of one section of the generated page (.SH NAME to the next).
section() {	# NAME
	awk -v want="$1" '
		/^\.SH / { name = substr($0, 5); gsub(/"/, "", name);
			   on = (name == want); next }
		on' "$T/gen.1"
}
# Troff to plain words: fonts and escapes dropped, \- as -.
plain() {
	sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\e/\\/g' -e 's/\\&//g'
}

"$SITREP" help --man >"$T/gen.1" 2>"$T/err"
check $? "sitrep help --man prints the page"

# --- drift: the committed page is the generated one --------------------------
if cmp -s "$T/gen.1" "$PAGE"; then
	check 0 "docs/sitrep.1 is what sitrep help --man prints"
else
	check 1 "docs/sitrep.1 is what sitrep help --man prints" \
	    "docs/sitrep.1 regenerated: ./sitrep help --man > docs/sitrep.1" \
	    "$(diff -u "$PAGE" "$T/gen.1" | head -n 20)"
fi

# --- the sections man(7) expects, in order ------------------------------------
got=$(sed -n 's/^\.SH //p' "$T/gen.1" | tr -d '"' | tr '\n' '|')
check_eq "sections in order" \
    "NAME|SYNOPSIS|DESCRIPTION|COMMANDS|OPTIONS|KEYS|COMMANDS OF THE CONSOLE|ENVIRONMENT|FILES|EXIT STATUS|SEE ALSO|" \
    "$got"

# --- every command and option of --help ---------------------------------------
"$SITREP" --help >"$T/help.txt"
section COMMANDS | plain >"$T/commands.txt"
missing=
for c in $(sed -n '/^Commands:/,/^$/p' "$T/help.txt" |
    sed -n 's/^  \([a-z][a-z]*\( [a-z][a-z]*\)\{0,1\}\) .*/\1/p' |
    sed 's/ /+/'); do
	c=$(echo "$c" | tr '+' ' ')
	grep -q "^sitrep $c\( \|$\)" "$T/commands.txt" || missing="$missing [$c]"
done
n_cmds=$(sed -n '/^Commands:/,/^$/p' "$T/help.txt" | grep -c '^  [a-z]')
check $([ "$n_cmds" -ge 8 ] && [ -z "$missing" ]; echo $?) \
    "every command of --help ($n_cmds) is under COMMANDS, with its usage" \
    "none missing" "missing:$missing"
# A command's own options are in its usage line on the page.
missing=
for o in --man --once --at --format --output --fresh --width --color; do
	grep -q -- "$o" "$T/commands.txt" || missing="$missing $o"
done
check_eq "the commands' own options are in their usage" "" "$missing"

section OPTIONS | plain >"$T/options.txt"
missing=
for o in $(sed -n '/^Options:/,/^$/p' "$T/help.txt" |
    sed -n 's/^  \(--[a-z-]*\).*/\1/p'); do
	grep -q -- "^$o\( \|$\)" "$T/options.txt" || missing="$missing $o"
done
check_eq "every option of --help is under OPTIONS" "" "$missing"

# --- every key action, as docs/CONFIG.md lists them for keys: ------------------
section KEYS | plain >"$T/keys.txt"
actions=$(sed -n 's/.*The actions: \([a-z, -]*\)\..*/\1/p' \
    "$top_srcdir/docs/CONFIG.md" | tr -d ',')
missing=
for a in $actions; do
	grep -q "($a)\$" "$T/keys.txt" || missing="$missing $a"
done
check $([ -n "$actions" ] && [ -z "$missing" ]; echo $?) \
    "every key action of docs/CONFIG.md is under KEYS with its keys" \
    "none missing" "missing:$missing (actions: $actions)"
check $(grep -q '^j, Down  (down)$' "$T/keys.txt" &&
    grep -q '^q, C-c  (quit)$' "$T/keys.txt"; echo $?) \
    "keys are named as keys: lines write them (j, Down; q, C-c)"

# --- every ':' command the console knows ---------------------------------------
section "COMMANDS OF THE CONSOLE" | plain >"$T/colon.txt"
if tt_available; then
	tt_setup || exit 1
	tt_start -x 200 -y 30 "'$SITREP' --demo"
	if tt_wait "Health" 10; then
		tt_type ":zzz"
		tt_keys Enter
		tt_wait "unknown command 'zzz'" 5
		names=$(tt_last | sed -n "s/.*unknown command 'zzz'; try \([a-z, -]*\).*/\1/p" |
		    sed 's/ or /, /g' | tr -d ',')
		missing=
		for c in $names; do
			grep -q "^:$c\( \|,\|$\)" "$T/colon.txt" || missing="$missing :$c"
		done
		check $([ -n "$names" ] && [ -z "$missing" ]; echo $?) \
		    "every ':' command the console names is under COMMANDS OF THE CONSOLE" \
		    "none missing" "missing:$missing (console: $names)"
		tt_keys q
	else
		check 1 "the demo console started in tmux" "Health" "$(tt_last)"
	fi
	tt_cleanup
else
	skip_tool tmux "every ':' command the console names is on the page"
fi

# --- every environment variable the program reads ------------------------------
# The tag line after each .TP: the variables an entry is about.
section ENVIRONMENT | awk 'prev == ".TP" { print } { prev = $0 }' |
    sed -e 's/^\.B[RI]\{0,1\} //' -e 's/"//g' -e 's/  */ /g' >"$T/env.txt"
vars=$(cd "$top_srcdir" && cat base/*.c core/*.c backends/*.c export/*.c \
    tui/*.c cmd/*.c sitrep.c | sed -n 's/.*getenv("\([A-Z_]*\)").*/\1/p' |
    sort -u)
missing=
for v in $vars NO_COLOR TERM LANG LC_ALL; do
	grep -qw -- "$v" "$T/env.txt" || missing="$missing $v"
done
check $([ -n "$vars" ] && [ -z "$missing" ]; echo $?) \
    "every variable the sources getenv() ($(echo $vars)) and the locale's are under ENVIRONMENT" \
    "none missing" "missing:$missing"

# --- exit statuses as the commands state them ----------------------------------
section "EXIT STATUS" | plain | tr '\n' ' ' >"$T/exit.txt"
"$SITREP" help snapshot >"$T/snap.txt"
check $(grep -q "3 for a usage error" "$T/snap.txt" &&
    grep -q "0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN" "$T/exit.txt" &&
    grep -q "and 3 for everything that keeps it from judging: a usage error" "$T/exit.txt" &&
    grep -q "0 on success, 1 when the command failed" "$T/exit.txt"; echo $?) \
    "EXIT STATUS says 0/1/2, and snapshot's 0/1/2/3 with 3 for usage errors, as help snapshot does"

# --- it renders ------------------------------------------------------------------
if command -v groff >/dev/null 2>&1; then
	warn=$(groff -man -Tutf8 -ww -z "$T/gen.1" 2>&1)
	check_eq "groff -man -ww renders it without a warning" "" "$warn"
	wide=$(groff -man -Tutf8 -rLL=78n "$T/gen.1" 2>/dev/null |
	    sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g' | grep -c 'SITREP(1)')
	check $([ "$wide" -ge 1 ]; echo $?) "groff lays out the page (header SITREP(1))"
else
	skip "groff -man renders it without a warning" "groff is not installed"
	skip "groff lays out the page" "groff is not installed"
fi
if command -v man >/dev/null 2>&1; then
	out=$(MANWIDTH=80 MANPAGER=cat PAGER=cat man -l "$T/gen.1" 2>"$T/man.err")
	check $(printf '%s\n' "$out" | grep -q 'COMMANDS OF THE CONSOLE' &&
	    [ ! -s "$T/man.err" ]; echo $?) "man -l shows it without an error" \
	    "the page, no stderr" "$(cat "$T/man.err")"
else
	skip "man -l shows it" "man is not installed"
fi

# --- help --man takes no command -----------------------------------------------
"$SITREP" help --man snapshot >/dev/null 2>"$T/err"
check $(( $? != 2 )) "help --man with a command is a usage error (2)"

tap_done
