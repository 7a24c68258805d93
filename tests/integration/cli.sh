#!/bin/sh
# cli.sh: the command line as a user meets it: help generated from the
# table, usage errors with suggestions, config check, config search order,
# secret redaction, readers that never create the cache (cache info, audit
# verify), a damaged file, the cache directory mode.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/xdg-config" \
    XDG_CACHE_HOME="$tmp/xdg-cache"
unset SITREP_CONFIG KUBECONFIG
mkdir -p "$HOME"

# On a failure: what the last command run returned.
tap_got() {
	echo "exit status ${rc:-?}"
	[ -z "${out:-}" ] || printf 'stdout: %s\n' "$out"
	[ -z "${err:-}" ] || printf 'stderr: %s\n' "$err"
}
# run CMD...: sets rc, out, err
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}
has() {	# haystack needle
	case "$1" in *"$2"*) return 0 ;; esac
	return 1
}

echo "1..45"

run "$SITREP" --help
check $(( rc != 0 )) "--help exits 0"
for c in "config check" "config docs" "cache info" "fetch" "snapshot" \
    "audit verify"; do
	has "$out" "  $c" || { check 1 "--help lists '$c'"; continue; }
done
check $(has "$out" "  config check [FILE]" && has "$out" "  snapshot [--format"; echo $?) \
    "--help is generated from the command table"

run "$SITREP" help config check
check $(( rc != 0 )) "help CMD exits 0"
check $(has "$out" "usage: sitrep config check [FILE]"; echo $?) "help CMD shows its usage"

run "$SITREP" --confg x
check $(( rc != 2 )) "an unknown option exits 2"
check $(has "$err" "unknown option '--confg'; did you mean '--config'?"; echo $?) \
    "an unknown option names the closest one"

# A check's usage error is UNKNOWN (3), wherever the bad option stands.
run "$SITREP" --confg x snapshot
check $(( rc != 3 )) "a bad option before snapshot exits 3, as snapshot's own do"
run "$SITREP" --confg=x snapshot --format json
check $(( rc != 3 )) "a bad option=value before snapshot exits 3"
run "$SITREP" --confg x fetch --once
check $(( rc != 2 )) "a bad option before another command exits 2"

# --help: every option of the table, wrapped to 80 columns.
run "$SITREP" --help
wide=$(printf '%s\n' "$out" | awk 'length > 80' | head -n 1)
check_eq "--help lines fit 80 columns" "" "$wide"
for o in --config --context --cache --kubeconfig --demo --panel --filter \
    --version --help; do
	has "$out" "  $o" || { check 1 "--help lists '$o'"; continue; }
done

run "$SITREP" snapshto
check $(( rc != 2 )) "an unknown command exits 2"
check $(has "$err" "did you mean 'snapshot'?"; echo $?) \
    "an unknown command names the closest one"

run "$SITREP" --version
check $(has "$out" "sitrep " && has "$out" "SQLite"; echo $?) "--version names the libraries"

example=$top_srcdir/config/sitrep.example.yaml
run "$SITREP" config check "$example"
check $(( rc != 0 )) "config check accepts the example (rc $rc: $out)"
check $(has "$out" "$example: ok ("; echo $?) "config check says ok with counts"

cat > "$tmp/bad.yaml" <<'YAML'
contexts:
  - name: prod
    prometheus:
      ulr: http://127.0.0.1:9090
      bearer_token: hunter2-secret
      timeout: 10parsecs
YAML
run "$SITREP" config check "$tmp/bad.yaml"
check $(( rc != 1 )) "config check of a bad file exits 1"
check $(has "$out" "$tmp/bad.yaml:4:7: unknown key 'ulr'" && has "$out" "did you mean 'url'?"; echo $?) \
    "ulr: FILE:LINE:COL unknown key, did you mean 'url'?"
check $(has "$out" ":6:16:" && has "$out" "10parsecs"; echo $?) \
    "every problem in one run (the bad duration too)"
check $(has "$out$err" "hunter2-secret"; test $? -ne 0; echo $?) \
    "the token never appears in the output"

# Search order: --config, then $SITREP_CONFIG, then XDG.
mkdir -p "$XDG_CONFIG_HOME/sitrep"
printf 'contexts:\n  - name: from-xdg\n' > "$XDG_CONFIG_HOME/sitrep/config.yaml"
printf 'contexts:\n  - name: from-env\n  - name: second\n' > "$tmp/env.yaml"
run "$SITREP" config check
check $(has "$out" "$XDG_CONFIG_HOME/sitrep/config.yaml: ok (1 context"; echo $?) \
    "without options the XDG config is read"
SITREP_CONFIG=$tmp/env.yaml run "$SITREP" config check
check $(has "$out" "$tmp/env.yaml: ok (2 contexts"; echo $?) "\$SITREP_CONFIG comes before XDG"
SITREP_CONFIG=$tmp/env.yaml run "$SITREP" --config "$example" config check
check $(has "$out" "$example: ok"; echo $?) "--config comes before \$SITREP_CONFIG"

# --demo wins over --config and --kubeconfig, and says so once on stderr.
run "$SITREP" --demo --cache "$tmp/note.db" --config "$tmp/nope.yaml" snapshot --width 80
check $(( rc != 2 )) "--demo with --config plays the demo (CRITICAL, 2; got $rc)"
check $(has "$out" "sitrep demo" && [ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] &&
    has "$err" "--demo wins: --config is ignored"; echo $?) \
    "the demo's document, and one line saying --config is ignored"
run "$SITREP" --demo --cache "$tmp/note.db" --config "$tmp/nope.yaml" --kubeconfig "$tmp/nope" fetch --once
check $(( rc != 0 )) "--demo fetch with --config and --kubeconfig runs the simulator"
check $([ "$(printf '%s\n' "$err" | grep -c 'demo wins')" = 1 ] &&
    has "$err" "--config and --kubeconfig are ignored"; echo $?) "said once, naming both"
SITREP_CONFIG=$tmp/nope.yaml run "$SITREP" --demo --cache "$tmp/note.db" snapshot --width 80
check_eq "no note without --config (\$SITREP_CONFIG is ambient)" "" "$err"

# Readers never create the cache: they say where it would be and how to
# fill it, and exit 1.
run "$SITREP" cache info
check $(( rc != 1 )) "cache info without a cache exits 1"
check $(has "$err" "no cache at $XDG_CACHE_HOME/sitrep/cache.db" &&
    has "$err" "sitrep fetch --once" && has "$err" "sitrep --demo fetch --once"; echo $?) \
    "it says where the cache would be and how to fill it"
check $([ ! -e "$XDG_CACHE_HOME/sitrep" ]; echo $?) \
    "cache info created neither the cache nor its directory"
run "$SITREP" --cache "$tmp/typo/cahce.db" cache info
check $(( rc != 1 )) "cache info with a mistyped --cache exits 1"
check $(has "$err" "no cache at $tmp/typo/cahce.db" && has "$err" "--cache path" &&
    has "$err" "sitrep --cache $tmp/typo/cahce.db fetch --once"; echo $?) \
    "it names the path, doubts the --cache, and fills with the same --cache"
check $([ ! -e "$tmp/typo" ]; echo $?) "nothing was created at the mistyped path"
run "$SITREP" --demo cache info
check $(has "$err" "Fill it with \`sitrep --demo fetch --once\`"; echo $?) \
    "--demo cache info names the demo's own filling command"
run "$SITREP" audit verify
check $(( rc != 1 )) "audit verify without a cache exits 1"
check $([ ! -e "$XDG_CACHE_HOME/sitrep" ]; echo $?) "audit verify created nothing"

# A file of random bytes: cache info only reports it; a writer moves it
# aside and makes a new one.
head -c 65536 /dev/urandom > "$tmp/random.db"
cp "$tmp/random.db" "$tmp/random.orig"
run "$SITREP" --cache "$tmp/random.db" cache info
check $(( rc != 1 )) "cache info on random bytes exits 1"
check $(has "$err" "is not an SQLite database" && cmp -s "$tmp/random.db" "$tmp/random.orig" &&
    ! ls "$tmp" | grep -q '^random.db.corrupt'; echo $?) \
    "cache info says what the file is and leaves it untouched"
run "$SITREP" --demo --cache "$tmp/random.db" fetch --once
check $(( rc != 0 )) "a writer (fetch) on random bytes exits 0 ($err)"
aside=$(ls "$tmp" | grep -c '^random.db.corrupt-[0-9]\{14\}')
check $(( aside != 1 )) "the damaged file is moved aside as cache.db.corrupt-YYYYmmddHHMMSS"
check $(has "$err" "warning: cache" && [ "$(printf '%s\n' "$err" | grep -c warning)" = 1 ]; echo $?) \
    "with one warning"
run "$SITREP" --cache "$tmp/random.db" cache info
check $(( rc != 0 )) "cache info on the rebuilt cache exits 0"
check $(has "$out" "schema  " && has "$out" "(read-only)"; echo $?) \
    "and describes it, read-only"

run "$SITREP" --demo fetch --once
mode=$(stat -c %a "$XDG_CACHE_HOME/sitrep")
check $(( rc != 0 )) "a writer creates the cache under \$XDG_CACHE_HOME"
check $([ "$mode" = 700 ]; echo $?) "its directory is mode 0700 (is $mode)"

[ "$failed" -eq 0 ]
