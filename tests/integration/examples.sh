#!/bin/sh
# examples.sh: every configuration the documentation shows must load.
#
# A reader copies what README.md, docs/*.md and config/ show; an example
# that `sitrep config check` refuses teaches something that does not work.
# The rule, so that a new example is checked without touching this script:
#
#  - each config/*.yaml is a whole configuration: `sitrep config check`
#    must say "ok".  The Sloth files under config/slos/ are not sitrep
#    configurations; each must be named by some example's slo_files, so
#    that checking that example loads it too.
#  - each block fenced ```yaml in README.md or docs/*.md is a whole
#    configuration (every top-level key is optional, so a block of a few
#    top-level keys is one too) and is checked the same way, from a file
#    of its own; its line in the Markdown file is in the result's name.
#  - a block that is only a piece of a configuration (one context, one
#    SLO) must be fenced ```yaml fragment: it cannot be checked against
#    the schema on its own, so it is only parsed as YAML (with python3's
#    yaml module; a skip when that is missing);
#  - a block fenced ```yaml drill is a whole drill file: `sitrep drill
#    check` must say it is ok.
#
# The environment is empty of SITREP_* and the examples' ${VAR:-default}
# variables, as on a fresh machine; an example that needs a variable set
# must give it a default.  TAP output; the plan comes last.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep
PY=${PYTHON:-python3}
if [ ! -x "$SITREP" ]; then
	echo "1..1"
	echo "not ok 1 - $SITREP is not built; run make first"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-examples.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$tmp/home" "$tmp/config" "$tmp/cache"

# On a failure: what the last check printed.
tap_got() {
	cat "$tmp/out" "$tmp/err" 2>/dev/null
}

# Run `sitrep config check FILE` in a clean environment; status 0 when it
# exits 0 and says "ok".
config_ok() {	# FILE
	env -i PATH="$PATH" HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" \
	    XDG_CACHE_HOME="$tmp/cache" LANG=C.UTF-8 \
	    "$SITREP" config check "$1" >"$tmp/out" 2>"$tmp/err" &&
	    grep -q ': ok (' "$tmp/out"
}

# Write each fenced ```yaml block of a Markdown file to DIR/N.yaml (N its
# opening line), each ```yaml fragment block to DIR/N.fragment and each
# ```yaml drill block to DIR/N.drill.
extract() {	# FILE DIR
	awk -v dir="$2" '
	inside && /^ *```/ { inside = 0; close(out); next }
	inside { print > out; next }
	/^ *```yaml[ \t]*$/ { inside = 1; out = dir "/" NR ".yaml"; next }
	/^ *```yaml[ \t]+fragment[ \t]*$/ {
		inside = 1; out = dir "/" NR ".fragment"; next
	}
	/^ *```yaml[ \t]+drill[ \t]*$/ {
		inside = 1; out = dir "/" NR ".drill"; next
	}
	END { if (inside) { print "unterminated block" > "/dev/stderr"; exit 1 } }
	' "$1"
}

# --- control: the check can fail ----------------------------------------------
printf 'keys: {launch: a, selfdestruct: S}\n' >"$tmp/bad.yaml"
if config_ok "$tmp/bad.yaml"; then
	check 1 "control: config check refuses unknown key actions" \
	    "exit 1, unknown key action" "$(tap_got)"
else
	cat "$tmp/out" "$tmp/err" | grep -q "unknown key action 'launch'"
	check $? "control: config check refuses unknown key actions (launch, selfdestruct)"
fi

# --- config/ -------------------------------------------------------------------
for f in "$top_srcdir"/config/*.yaml; do
	[ -f "$f" ] || continue
	config_ok "$f"
	check $? "config/${f##*/}: sitrep config check says ok"
done
for f in "$top_srcdir"/config/slos/*.yaml; do
	[ -f "$f" ] || continue
	rel=slos/${f##*/}
	grep -qF "$rel" "$top_srcdir"/config/*.yaml
	check $? "config/$rel is named by an example's slo_files (so it was loaded)" \
	    "a config/*.yaml naming $rel" "none"
done

# --- fenced blocks in the Markdown ---------------------------------------------
blocks=0
for md in "$top_srcdir/README.md" "$top_srcdir"/docs/*.md; do
	[ -f "$md" ] || continue
	name=${md#"$top_srcdir"/}
	dir=$tmp/md/$(printf '%s' "$name" | tr '/.' '__')
	mkdir -p "$dir"
	if ! extract "$md" "$dir" 2>"$tmp/err"; then
		check 1 "$name: every fenced block is closed" "closed blocks" \
		    "$(cat "$tmp/err")"
		continue
	fi
	for b in $(find "$dir" -type f | sed "s|.*/||" | sort -n); do
		f=$dir/$b
		blocks=$((blocks + 1))
		line=${b%%.*}
		case $f in
		*.yaml)
			config_ok "$f"
			check $? "$name:$line: the yaml block passes config check"
			;;
		*.drill)
			cp "$f" "$f.yaml"
			"$SITREP" drill check "$f.yaml" >"$tmp/out" 2>"$tmp/err"
			check $? "$name:$line: the drill block passes drill check"
			;;
		*.fragment)
			if ! "$PY" -c 'import yaml' 2>/dev/null; then
				skip "$name:$line: the yaml fragment parses" \
				    "python3's yaml module is not installed"
				continue
			fi
			"$PY" -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' \
			    "$f" >"$tmp/out" 2>"$tmp/err"
			check $? "$name:$line: the yaml fragment parses as YAML"
			;;
		esac
	done
done
# README.md shows a configuration: if none is found, the extraction broke.
[ -n "$(find "$tmp/md/README_md" -name '*.yaml')" ]
check $? "README.md's quick start configuration was found ($blocks blocks in all)" \
    "at least one yaml block in README.md" "none"

tap_done
