#!/bin/bash
# hostile_messages.sh: no escape sequence from a config file, a flag or a
# path reaches the terminal through a message, and `config check`
# refuses what the console would refuse.
#
# A config whose theme is "ESC]0;pwned BEL ESC]52;c;Zm9v BEL" could set the
# window title and write the operator's clipboard if printed raw.  Every
# message of sitrep goes through the one sanitising writer (base/out.c),
# so for `sitrep config check`, `sitrep snapshot`, `sitrep fetch --once`
# (against a closed loopback port), the console's start-up and a few
# usage errors, fed an ESC-laden theme, context name, URL, --context and
# --config path, no ESC (0x1b) or BEL (0x07) byte may appear on stdout
# or stderr.  `config check` must also exit non-zero for a theme that
# does not exist, naming the key and the themes that exist, and for a URL
# whose port is 70000, "abc" or empty, naming the key; a good config
# passes, so the checks cannot pass by failing everything.
# TAP output; the plan comes last.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep

[ -x "$SITREP" ] || skip_all "$SITREP is not built"

T=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-hostile-XXXXXX") || exit 1
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache \
    XDG_STATE_HOME=$T/state
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
unset SITREP_CONFIG KUBECONFIG

# A loopback port nothing listens on: bound, then let go.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null)
[ -n "$port" ] || port=1

ESC=$(printf '\033')
BEL=$(printf '\007')
HOSTILE=$(printf '\033]0;pwned\007\033]52;c;Zm9v\007')

# run NAME CMD...: run, keep stdout+stderr in $T/NAME.out and the status
# in $T/NAME.rc.
run() {
	local name=$1
	shift
	"$@" >"$T/$name.out" 2>&1 </dev/null
	echo $? >"$T/$name.rc"
}

# clean NAME DESC: one result: no ESC or BEL byte in NAME's output.
clean() {
	local bad
	bad=$(LC_ALL=C grep -c "[$ESC$BEL]" "$T/$1.out")
	check $([ "$bad" -eq 0 ] && [ -s "$T/$1.out" ]; echo $?) \
	    "$2: output, and no ESC or BEL in it" "a message without ESC/BEL" \
	    "$(LC_ALL=C od -c "$T/$1.out" | head -n 6)"
}

# The hostile config: YAML's double quotes carry ESC (\e) and BEL (\a).
cat >"$T/theme.yaml" <<EOF
theme: "\e]0;pwned\a\e]52;c;Zm9v\a"
contexts:
  - name: "ctx\e]0;pwned\a"
    prometheus:
      url: http://127.0.0.1:$port
    alertmanagers:
      - url: http://127.0.0.1:$port
EOF
cat >"$T/good.yaml" <<EOF
theme: high-contrast
contexts:
  - name: ok
    prometheus:
      url: http://127.0.0.1:$port
    alertmanagers:
      - url: http://[::1]:$port/am
    probes:
      - name: web
        url: https://user:pw@127.0.0.1:65535/health
EOF

run good "$SITREP" config check "$T/good.yaml"
check_eq "config check passes a good config (themes, ports 1..65535)" 0 \
    "$(cat "$T/good.rc")"

# config check: the theme.
run theme "$SITREP" config check "$T/theme.yaml"
clean theme "config check, hostile theme and context name"
check $([ "$(cat "$T/theme.rc")" -ne 0 ]; echo $?) \
    "config check fails on a theme that does not exist" "non-zero" \
    "$(cat "$T/theme.rc")"
check $(grep -q "'theme'" "$T/theme.out" &&
    grep -q 'default' "$T/theme.out" && grep -q 'high-contrast' "$T/theme.out" &&
    grep -q 'mono' "$T/theme.out"; echo $?) \
    "its message names the key and the themes that exist" "" "$(cat "$T/theme.out")"
sed 's/^theme: .*/theme: nosuch/' "$T/good.yaml" >"$T/nosuch.yaml"
run nosuch "$SITREP" config check "$T/nosuch.yaml"
check $([ "$(cat "$T/nosuch.rc")" -ne 0 ] &&
    grep -q "'theme'.*nosuch" "$T/nosuch.out"; echo $?) \
    "config check fails on theme: nosuch, naming it" "" "$(cat "$T/nosuch.out")"
# A theme of the user's own folder exists for config check too.
mkdir -p "$XDG_CONFIG_HOME/sitrep/themes"
cp "$top_srcdir/themes/mono.theme" "$XDG_CONFIG_HOME/sitrep/themes/mine.theme"
sed 's/^theme: .*/theme: mine/' "$T/good.yaml" >"$T/mine.yaml"
run mine "$SITREP" config check "$T/mine.yaml"
check_eq "config check accepts a theme of the user's folder" 0 "$(cat "$T/mine.rc")"

# config check: ports, on every kind of URL key.
for c in "prometheus 70000" "prometheus abc" "alertmanagers abc" \
    "probes 70000" "probes empty" "prometheus 0"; do
	set -- $c
	p=$2
	[ "$p" = empty ] && p=
	case $1 in
	prometheus) key='contexts\[\]\.prometheus\.url'
		sed "s|^      url: http://127.0.0.1:$port\$|      url: http://127.0.0.1:$p|" \
		    "$T/good.yaml" ;;
	alertmanagers) key='contexts\[\]\.alertmanagers\[\]\.url'
		sed "s|\[::1\]:$port/am|[::1]:$p/am|" "$T/good.yaml" ;;
	probes) key='contexts\[\]\.probes\[\]\.url'
		sed "s|127.0.0.1:65535/health|127.0.0.1:$p/health|" "$T/good.yaml" ;;
	esac >"$T/port.yaml"
	run port "$SITREP" config check "$T/port.yaml"
	check $([ "$(cat "$T/port.rc")" -ne 0 ] &&
	    grep -q "$key.*port must be a number from 1 to 65535" "$T/port.out" &&
	    ! grep -q 'pw@' "$T/port.out"; echo $?) \
	    "config check refuses $1 port '$p', naming the key (and no password)" \
	    "" "$(cat "$T/port.out")"
done

# Every message path, fed ESC and BEL.
run nocache "$SITREP" --config "$T/theme.yaml" snapshot
clean nocache "snapshot with the hostile config and no cache yet"
run fetch "$SITREP" --config "$T/theme.yaml" --cache "$T/c.db" fetch --once
clean fetch "fetch --once against a closed port, hostile context name"
check $([ "$(cat "$T/fetch.rc")" -ne 0 ] && grep -q FAILED "$T/fetch.out"; echo $?) \
    "fetch --once fails against the closed port" "" "$(cat "$T/fetch.out")"
for f in text markdown; do
	run "snap-$f" "$SITREP" --config "$T/theme.yaml" --cache "$T/c.db" \
	    snapshot --format "$f"
	clean "snap-$f" "snapshot --format $f of the hostile context"
done
run snapctx "$SITREP" --config "$T/theme.yaml" --context "$HOSTILE" snapshot
clean snapctx "snapshot --context with ESC in the name"
run fetchctx "$SITREP" --config "$T/theme.yaml" --context "$HOSTILE" fetch --once
clean fetchctx "fetch --once --context with ESC in the name"
run path "$SITREP" --config "$T/$HOSTILE.yaml" snapshot
clean path "snapshot --config with ESC in a missing file's path"
run checkpath "$SITREP" config check "$T/$HOSTILE.yaml"
clean checkpath "config check with ESC in a missing file's path"
run command "$SITREP" "$HOSTILE"
clean command "an unknown command with ESC in it"
run option "$SITREP" snapshot "--$HOSTILE"
clean option "an unknown option with ESC in it"
run format "$SITREP" --demo snapshot --format "$HOSTILE"
clean format "snapshot --format with ESC in it"
# The console at start-up reports the theme before it takes the screen;
# script(1) gives it the terminal it needs.
if command -v script >/dev/null 2>&1; then
	run console script -qec "$(printf '%q ' "$SITREP" --config "$T/theme.yaml" --cache "$T/c.db")" /dev/null
	clean console "the console's start-up with the hostile theme"
	check $(grep -q 'bad theme name' "$T/console.out"; echo $?) \
	    "the console says the theme is bad" "" "$(cat "$T/console.out")"
else
	skip "the console's start-up with the hostile theme" "no script(1)"
	skip "the console says the theme is bad" "no script(1)"
fi

tap_done
