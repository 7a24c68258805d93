#!/bin/sh
# theme_gen.sh: turn the shipped the themes folder files into C strings, so
# the program carries them and finds them wherever it runs.
#   theme_gen.sh themes/default.theme themes/light.theme ... > theme_builtin.c
set -eu
echo '/* Generated from the themes folder by tui/theme_gen.sh: do not edit. */'
echo '#include "config.h"'
echo ''
echo '#include <stddef.h>'
echo ''
echo '#include "tui/theme_builtin.h"'
echo ''
echo 'const struct theme_builtin theme_builtins[] = {'
for f in "$@"; do
	name=$(basename "$f" .theme)
	printf '\t{ "%s",\n' "$name"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t  "/' -e 's/$/\\n"/' "$f"
	printf '\t},\n'
done
echo '	{ NULL, NULL }'
echo '};'
