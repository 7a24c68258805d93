#!/bin/bash
# messages.sh: every flag and configuration key a message names exists.
#
# An error that says "fix kubernetes.kubeconfig (or --kubeconfig)" is only
# help if both exist.  This test reads every string literal of the
# program's C sources (base/, core/, backends/, export/, tui/, cmd/ and
# sitrep.c; comments dropped, adjacent literals joined) and collects:
#
#  - every option it names (--word, but not a CSS custom property such as
#    "--bg:" or "var(--bg)"): each must be documented by the tables, in
#    `sitrep --help` or in `sitrep help` (the commands' usage), and the
#    parser must accept it where it is documented: after the command
#    whose usage names it, or before any command for the options of
#    `sitrep --help`;
#  - every configuration key path it names whose first part is a section
#    of the schema (kubernetes.kubeconfig, http.max_body, tls.ca_file,
#    contexts[].refresh ...): each must be a key of the schema table as
#    `sitrep config docs` prints it, whole or as its tail.
#
# A control first checks that the scan catches a flag and a key that do
# not exist.  TAP output; the plan comes last.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep

[ -x "$SITREP" ] || skip_all "$SITREP is not built"
need_tools python3

T=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-messages-XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
export HOME=$T XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache
unset SITREP_CONFIG KUBECONFIG

"$SITREP" --help >"$T/help.txt" 2>&1
# Every command's usage line, from `sitrep help WORD` for the first word
# of each command of --help.
: >"$T/commands.txt"
for w in $(sed -n '/^Commands:/,/^$/p' "$T/help.txt" |
    sed -n 's/^  \([a-z][a-z-]*\).*/\1/p' | sort -u); do
	"$SITREP" help "$w" >>"$T/commands.txt" 2>&1
done
grep -q '^usage: sitrep fetch ' "$T/commands.txt"
check $? "the commands' usage lines are read from sitrep help"
"$SITREP" config docs >"$T/config.md" 2>&1
check $? "sitrep config docs prints the schema table"

# scan.py ROOT: print "flag WORD FILE" and "key PATH FILE" lines for the
# names the string literals of ROOT's sources mention.
cat >"$T/scan.py" <<'EOF'
import glob
import os
import re
import sys

root = sys.argv[1]
files = []
for d in ("base", "core", "backends", "export", "tui", "cmd"):
    files += sorted(glob.glob(os.path.join(root, d, "*.c")))
if os.path.exists(os.path.join(root, "sitrep.c")):
    files.append(os.path.join(root, "sitrep.c"))
literal = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
flag = re.compile(r'(?<![\w-])--[a-z][a-z0-9-]*(?![\w:)-])')
key = re.compile(r'(?<![\w./$-])[a-z_]+(?:\[\])?(?:\.[a-z_]+(?:\[\])?)+'
                 r'(?![\w/-])')
for f in files:
    src = open(f, encoding="utf-8").read()
    src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    src = re.sub(r"'(?:[^'\\\n]|\\.)'", "' '", src)
    src = re.sub(r'"\s+"', "", src)
    name = os.path.relpath(f, root)
    for m in literal.finditer(src):
        s = m.group(1)
        # SQL is not a message: "silences.updated_at_ms" is a column.
        if re.search(r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM)\b", s):
            continue
        for w in flag.findall(s):
            print("flag", w, name)
        for w in key.findall(s):
            print("key", w.rstrip("."), name)
EOF

# check.py SCAN HELP COMMANDS CONFIG_MD: the names that do not exist, one
# per line, and the commands to try the documented flags with.
cat >"$T/check.py" <<'EOF'
import re
import sys

scan, help_txt, commands, config_md = sys.argv[1:5]
keys = [k.replace("[]", "") for k in
        re.findall(r"^\| `([^`]+)` \|", open(config_md).read(), re.M)]
sections = set()
for k in keys:
    parts = k.split(".")
    sections.update(parts[:-1])
help_text = open(help_txt).read()
help_text = help_text[help_text.find("\nOptions:"):]
usage = {}
for line in open(commands):
    m = re.match(r"usage: sitrep (.*)$", line)
    if m:
        for w in re.findall(r"--[a-z][a-z0-9-]*", m.group(1)):
            usage.setdefault(w, m.group(1).split(" [")[0].split(" --")[0])
seen = set()
for line in open(scan):
    what, name, where = line.split()
    if (what, name) in seen:
        continue
    seen.add((what, name))
    if what == "flag":
        if name in ("--help", "--version"):
            continue
        if name in usage:
            print("try", name, usage[name].replace(" ", "+"))
        elif re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(name),
                       help_text):
            print("try", name, "-")
        else:
            print("missing flag %s (named in %s; not in --help or any "
                  "command's usage)" % (name, where))
    else:
        path = name.replace("[]", "")
        if path.split(".")[0] not in sections:
            continue
        if not any(k == path or k.endswith("." + path) for k in keys):
            print("missing key %s (named in %s; not in the schema)" %
                  (path, where))
EOF

# --- control: the scan catches names that do not exist -------------------------
mkdir -p "$T/control/core"
cat >"$T/control/core/x.c" <<'EOF'
/* "--not-in-a-comment" is ignored */
static const char *a = "set kubernetes.kubeconfg or pass --kubeconfg FILE";
static const char *b = ":root{--bg:#fff} a{color:var(--fg)}";
static const char *c = "see contexts[].refresh and "
    "http.max_body";
static const char *d = "UPDATE http SET x = 1 WHERE http.updated_ms > 0";
EOF
python3 "$T/scan.py" "$T/control" >"$T/control.scan"
python3 "$T/check.py" "$T/control.scan" "$T/help.txt" "$T/commands.txt" \
    "$T/config.md" >"$T/control.out"
grep -q '^missing flag --kubeconfg ' "$T/control.out" &&
    grep -q '^missing key kubernetes.kubeconfg ' "$T/control.out" &&
    ! grep -q -- '--bg\|--fg\|--not-in' "$T/control.scan" &&
    ! grep -q 'refresh\|max_body\|updated_ms' "$T/control.out"
check $? "control: a made-up flag and key are caught; CSS, SQL and comments are not names"

# --- the program's own messages ------------------------------------------------
python3 "$T/scan.py" "$top_srcdir" >"$T/scan.txt"
python3 "$T/check.py" "$T/scan.txt" "$T/help.txt" "$T/commands.txt" \
    "$T/config.md" >"$T/check.out"
grep -q '^flag --kubeconfig ' "$T/scan.txt" &&
    grep -q '^key kubernetes.kubeconfig ' "$T/scan.txt"
check $? "the scan finds the kubeconfig error's --kubeconfig and kubernetes.kubeconfig"
missing=$(grep '^missing' "$T/check.out")
check_eq "every flag a message names is documented; every key is in the schema" \
    "" "$missing"

# Each documented flag is accepted where it is documented.
bad=
while read -r _ name cmd; do
	if [ "$cmd" = - ]; then
		out=$("$SITREP" "$name=x" --config "$T/none.yaml" 2>&1 </dev/null)
	else
		# shellcheck disable=SC2086
		out=$("$SITREP" --config "$T/none.yaml" ${cmd//+/ } "$name=x" \
		    2>&1 </dev/null)
	fi
	case $out in
	*"unknown option"*) bad="$bad $name(${cmd//+/ })" ;;
	esac
done < <(grep '^try ' "$T/check.out")
check_eq "the parser accepts every flag a message names, where documented" \
    "" "$bad"

tap_done
