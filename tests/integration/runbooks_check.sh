#!/bin/sh
# runbooks_check.sh: `sitrep config check` covers the runbook files of
# the directories runbooks: lists.  A good directory is counted in the
# "ok" line; bad files give every problem as FILE:LINE:COL (unknown key,
# wrong type, bad condition, unknown action, a template referring to
# nothing, invalid YAML, a file too large) and exit 1; a missing
# directory is named.  TAP output; the plan comes last.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-rbcheck.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/good" "$tmp/bad"
cp "$top_srcdir/config/runbooks/checkout.yaml" "$tmp/good/"
printf 'runbooks: [good]\n' >"$tmp/ok.yaml"
"$SITREP" config check "$tmp/ok.yaml" >"$tmp/out" 2>&1
check $? "a good runbook directory checks" "exit 0" "$(cat "$tmp/out")"
check_eq "the ok line counts the runbooks" \
    "$tmp/ok.yaml: ok (0 contexts, 0 services, 0 SLOs, 2 runbooks)" \
    "$(cat "$tmp/out")"

cat >"$tmp/bad/a.yaml" <<'YAML'
name: broken
match:
  alertname: X
  colour: red
steps:
  - text: [not, text]
  - check:
      query: up
      expect: about 3
  - action: reboot
  - action: undo
    namespace: '{{ $nothing }}'
    deployment: x
YAML
printf 'name: [unclosed\n' >"$tmp/bad/b.yml"
head -c 300000 /dev/zero | tr '\0' '#' >"$tmp/bad/c.yaml"
printf 'ignored: [' >"$tmp/bad/notes.txt"
printf 'runbooks: [bad, missing]\n' >"$tmp/bad.yaml"
"$SITREP" config check "$tmp/bad.yaml" >"$tmp/out" 2>&1
rc=$?
check_eq "bad runbooks exit 1" 1 "$rc"
while IFS='|' read -r want desc; do
	grep -qF -- "$want" "$tmp/out"
	check $? "$desc" "$want" "$(cat "$tmp/out")"
done <<EOF2
$tmp/bad/a.yaml:4:3: unknown key 'colour' in match|an unknown key, where
$tmp/bad/a.yaml:6:11: expected a string for 'text', found a list|a wrong type, where
$tmp/bad/a.yaml:9:15: bad condition 'about 3'|a bad condition, where
$tmp/bad/a.yaml:10:13: unknown action 'reboot'|an unknown action, where
$tmp/bad/a.yaml:12:16: template '{{ \$nothing }}' refers to nothing|a template referring to nothing, where
$tmp/bad/b.yml:2:1: invalid YAML|invalid YAML, where
$tmp/bad/c.yaml:1:1: the file is larger than 256 KiB|a file too large
$tmp/missing: cannot read the runbook directory|a missing directory
EOF2
grep -q notes.txt "$tmp/out"
check $((!$?)) "files other than *.yaml and *.yml are not read"

tap_done
