#!/bin/bash
# layers.sh: the layer rule of the code, checked on its includes.
#
#   base/ <- core/ <- backends/, export/ <- tui/ <- cmd/, sitrep.c
#
# A file may include its own folder's headers and those of lower layers;
# backends/ and export/ are peers that never include each other.  Also:
# no file under tui/ or export/ touches SQLite (they read views, which
# the views layer builds), every write to the world goes through the one
# action gate, and the checkers are shown to catch a violation, so this
# test cannot pass by accident.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
cd "$top_srcdir" || exit 1

# The layer of a path: base 0, core 1, backends and export 2, tui 3,
# commands 4; -1 for what is not code of the program.
rank() {
	case "$1" in
	base/*) echo 0 ;;
	core/*) echo 1 ;;
	backends/*|export/*) echo 2 ;;
	tui/*) echo 3 ;;
	cmd/*|sitrep.c) echo 4 ;;
	*) echo -1 ;;
	esac
}

# Print "file: includes header" for every include that breaks the rule.
violations() {
	local f inc r ri df di
	for f in "$@"; do
		r=$(rank "$f")
		[ "$r" -ge 0 ] || continue
		df=${f%%/*}
		[ "$f" = sitrep.c ] && df=cmd
		while IFS= read -r inc; do
			ri=$(rank "$inc")
			[ "$ri" -ge 0 ] || continue
			di=${inc%%/*}
			[ "$inc" = sitrep.c ] && di=cmd
			if [ "$df" = "$di" ]; then
				continue
			fi
			if [ "$ri" -ge "$r" ]; then
				echo "$f: includes $inc (layer $ri, not below $r)"
			fi
		done < <(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
	done
}

files=$(ls base/*.[ch] core/*.[ch] backends/*.[ch] backends/*/*.[ch] \
    export/*.[ch] tui/*.[ch] cmd/*.[ch] sitrep.c 2>/dev/null)
out=$(violations $files | paste -sd";" -)
check $([ -z "$out" ]; echo $?) "every include goes down the layers or stays in its folder${out:+: $out}"

# The checker sees a violation: a core file including a backend, and an
# export including the console.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/core" "$tmp/export"
printf '#include "backends/http.h"\n' > "$tmp/core/bad.c"
printf '#include "tui/draw.h"\n#include "core/views.h"\n' > "$tmp/export/bad.c"
out=$(cd "$tmp" && violations core/bad.c export/bad.c | paste -sd";" -)
check $([ "$(printf "%s" "$out" | tr ";" "\n" | grep -c .)" -eq 2 ]; echo $?) \
    "control: the checker reports core -> backends and export -> tui ($out)"

# Peers: backends and export never include each other.
out=$( { grep -l '#include "export/' backends/*.[ch]; grep -l '#include "backends/' export/*.[ch]; } 2>/dev/null | paste -sd' ' -)
check $([ -z "$out" ]; echo $?) "backends/ and export/ do not include each other${out:+: $out}"

# Nothing under tui/ or export/ touches SQLite.
out=$(grep -l 'sqlite3' tui/*.[ch] export/*.[ch] 2>/dev/null | paste -sd' ' -)
check $([ -z "$out" ]; echo $?) "no file under tui/ or export/ touches SQLite${out:+: $out}"

# The console's glue stays small: panels and modes live in their files.
lines=$(wc -l < tui/app.c)
check $([ "$lines" -lt 600 ]; echo $?) "tui/app.c is under 600 lines ($lines)"

# Every panel of the table has its own file.
missing=""
for p in $(sed -n 's/^[[:space:]]*&panel_\([a-z_]*\),$/\1/p' tui/panel.c); do
	[ -f "tui/panel_$p.c" ] || missing="$missing $p"
done
check $([ -z "$missing" ] && grep -q '&panel_' tui/panel.c; echo $?) \
    "each panel in panel_table[] has its own tui/panel_NAME.c${missing:+ (missing:$missing)}"

# The source registry is the only place that starts a source of a kind:
# no other file of the program calls a *_source_init().
out=$(grep -n '[a-z]_source_init(' base/*.c core/*.c backends/*.c export/*.c \
    tui/*.c cmd/*.c sitrep.c 2>/dev/null | grep -v '^backends/registry\.c:' |
    grep -v '^backends/[a-z_]*\.c:[0-9]*:[a-z_]*_source_init(struct source' |
    paste -sd';' -)
check $([ -z "$out" ]; echo $?) "only backends/registry.c starts sources by kind${out:+: $out}"

# One gate for every write to the world.  The cluster's write functions
# are called only by the Kubernetes world; worlds are built only by the
# runtime (which hands them to the gate); and only the gate calls a
# world's functions.
writers() {	# FILE...: calls of a write function outside the world
	grep -n 'kube_write_start(\|kube_rollout_restart(\|kube_rollout_undo(\|kube_scale(\|kube_delete_pod(' "$@" 2>/dev/null |
	    grep -v '^backends/kube_world\.c:' |
	    grep -v '^backends/kube_write\.c:' | grep -v '^backends/kube\.h:' |
	    paste -sd';' -
}
out=$(writers base/*.c core/*.c backends/*.c export/*.c tui/*.c cmd/*.c sitrep.c)
check $([ -z "$out" ]; echo $?) "only the Kubernetes world calls the cluster's writes${out:+: $out}"
# No request that changes something is made anywhere else.
out=$(grep -n '"\(PATCH\|DELETE\|PUT\|POST\)"' base/*.c core/*.c backends/*.c \
    export/*.c tui/*.c cmd/*.c sitrep.c 2>/dev/null |
    grep -v '^backends/\(kube_write\|kube_world\|am_write\|http\)\.c:' |
    paste -sd';' -)
check $([ -z "$out" ]; echo $?) "only the worlds send PATCH, DELETE, PUT or POST${out:+: $out}"
out=$(grep -n '_world_fill(\|am_writer_world(\|sim_actions_world(' base/*.c core/*.c \
    backends/*.c export/*.c tui/*.c cmd/*.c sitrep.c 2>/dev/null |
    grep -v '^backends/runtime\.c:' |
    grep -v '^backends/[a-z_]*\.c:[0-9]*:[a-z_]*(struct [a-z_]* \*[a-z]*, struct action_world' |
    paste -sd';' -)
check $([ -z "$out" ]; echo $?) "only the runtime builds worlds, for its gate${out:+: $out}"
out=$(grep -n 'world[.>-]*\(silence\|expire\|alert\|kube\|access\|follow\|command\)(' \
    base/*.c core/*.c backends/*.c export/*.c tui/*.c cmd/*.c sitrep.c 2>/dev/null |
    grep -v '^core/action\.c:' | paste -sd';' -)
check $([ -z "$out" ]; echo $?) "only the gate calls a world's functions${out:+: $out}"
# Control: a console file that wrote to the cluster itself is seen.
printf 'static void f(void) { kube_scale(c, "ns", "x", 3, 0, cb, 0, 0); }\n' \
    >"${TMPDIR:-/tmp}/layers_control_$$.c"
mkdir -p "${TMPDIR:-/tmp}/layers_$$/tui"
mv "${TMPDIR:-/tmp}/layers_control_$$.c" "${TMPDIR:-/tmp}/layers_$$/tui/bad.c"
out=$(cd "${TMPDIR:-/tmp}/layers_$$" && writers tui/bad.c)
rm -rf "${TMPDIR:-/tmp}/layers_$$"
check $([ -n "$out" ]; echo $?) "control: a write from tui/ is reported ($out)"

tap_done
