#!/bin/sh
# drill_gen.sh: turn the shipped drill files (the drills folder) into C
# strings, so `sitrep drill list` finds them wherever the program runs.
#   drill_gen.sh drills/bad-deploy.yaml ... > core/drill_builtin.c
set -eu
echo '/* Generated from the drills folder by core/drill_gen.sh: do not edit. */'
echo '#include "config.h"'
echo ''
echo '#include <stddef.h>'
echo ''
echo '#include "core/drill.h"'
echo ''
echo 'const struct drill_builtin drill_builtins[] = {'
for f in "$@"; do
	name=$(basename "$f" .yaml)
	printf '\t{ "%s",\n' "$name"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t  "/' -e 's/$/\\n"/' "$f"
	printf '\t},\n'
done
echo '	{ NULL, NULL }'
echo '};'
