#!/bin/sh
# drill_check.sh: `sitrep drill list` shows the seven shipped drills (name,
# time limit, description) from any directory, with nothing installed;
# `sitrep drill check` says ok for good files, prints every problem of a
# bad one as FILE:LINE:COL with what to write and exits 1, and exits 2
# for a usage error.  TAP output; the plan comes last.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-drill.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# list: compiled in, so it works from an empty directory.
out=$(cd "$tmp" && "$SITREP" drill list 2>&1)
check $? "drill list exits 0" "exit 0" "$out"
check_eq "drill list names the seven shipped drills" \
    "bad-deploy config-crashloop node-pressure upstream-burn search-surge watchdog-silent am-member-down" \
    "$(printf '%s\n' "$out" | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')"
check_eq "each line has the time limit and the description" \
    "bad-deploy           40m  checkout 1.42.0 crash-loops and burns its budget; roll it back" \
    "$(printf '%s\n' "$out" | head -1)"

# check: every shipped file is good.
out=$("$SITREP" drill check "$top_srcdir"/drills/*.yaml 2>&1)
check $? "the shipped drill files check" "exit 0" "$out"
check_eq "one ok line per file" 7 \
    "$(printf '%s\n' "$out" | grep -c ': ok (drill ')"
out=$("$SITREP" drill check "$top_srcdir/drills/bad-deploy.yaml" 2>&1)
check_eq "the ok line counts services, timeline entries and the limit" \
    "$top_srcdir/drills/bad-deploy.yaml: ok (drill bad-deploy, 2 services, 8 timeline entries, limit 40m)" \
    "$out"

# A bad file: every problem, each at its place.
cat >"$tmp/bad.yaml" <<'YAML'
name: broken
description: a drill with mistakes
limit: 20m
colour: red
nodes:
  - {name: n1}
services:
  - {name: web, namespace: shop, image: reg/web:1}
timeline:
  - at: 1m
    rollout: {service: wbe, image: reg/web:2}
  - at: soon
    crash_loop: {service: web, every: 1m}
  - at: 2m
    probe_fails: {service: web}
expect:
  mitigate:
    - {action: undo, target: shop/web}
  end: {after: 10m}
YAML
"$SITREP" drill check "$tmp/bad.yaml" "$top_srcdir/drills/search-surge.yaml" \
    >"$tmp/out" 2>&1
rc=$?
check_eq "problems exit 1" 1 "$rc"
check_eq "every problem as FILE:LINE:COL, then the good file's ok line" \
"$tmp/bad.yaml:4:1: unknown key 'colour' in a drill file; write one of: name, description, cluster, seed, start, limit, nodes, services, slos, alertmanagers, timeline, expect
$tmp/bad.yaml:11:24: unknown service 'wbe'; did you mean 'web'?
$tmp/bad.yaml:12:9: 'at' must be a duration such as 30s, 5m or 1h30m (-2h: before the origin), at most 30d
$tmp/bad.yaml:15:18: service 'web' has no probe; write 'probe: true' under it
$tmp/bad.yaml:18:30: the timeline rolls out nothing to 'web', so there is nothing to undo; add a rollout or name another action
$top_srcdir/drills/search-surge.yaml: ok (drill search-surge, 1 service, 5 timeline entries, limit 20m)" \
    "$(cat "$tmp/out")"

# A file that is not there, and one that is not YAML.
out=$("$SITREP" drill check "$tmp/none.yaml" 2>&1)
check_eq "a missing file exits 1" 1 "$?"
check_eq "a missing file is named" \
    "$tmp/none.yaml: No such file or directory; give a readable drill file" \
    "$out"
printf 'name: [x\n' >"$tmp/syntax.yaml"
out=$("$SITREP" drill check "$tmp/syntax.yaml" 2>&1)
check_eq "invalid YAML exits 1" 1 "$?"
case $out in
"$tmp/syntax.yaml:"*": invalid YAML: "*"; correct the syntax here") r=0 ;;
*) r=1 ;;
esac
check $r "invalid YAML is placed and worded" "FILE:L:C: invalid YAML" "$out"

# Usage errors exit 2.
out=$("$SITREP" drill check 2>&1)
check_eq "check with no file exits 2" 2 "$?"
check_eq "and says what to give" \
    "sitrep drill: check: name one or more drill files
usage: sitrep drill list | check FILE... | run NAME|FILE | history | report RUN [--format text|markdown|json]" "$out"
out=$("$SITREP" drill 2>&1)
check_eq "drill alone exits 2" 2 "$?"
out=$("$SITREP" drill chek x.yaml 2>&1)
check_eq "an unknown sub-command exits 2" 2 "$?"
case $out in
*"unknown sub-command 'chek'; did you mean 'check FILE...'?"*) r=0 ;;
*) r=1 ;;
esac
check $r "an unknown sub-command gets the closest" "did you mean" "$out"
out=$("$SITREP" drill list extra 2>&1)
check_eq "list with an argument exits 2" 2 "$?"
out=$("$SITREP" help drill 2>&1)
case $out in
"usage: sitrep drill list | check FILE... | run NAME|FILE"*) r=0 ;;
*) r=1 ;;
esac
check $r "help drill shows its usage" "usage: sitrep drill ..." "$out"

tap_done
