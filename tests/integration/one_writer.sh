#!/bin/bash
# one_writer.sh: only base/out.c writes text to stdout and stderr.
#
# Everything sitrep prints outside the curses screen goes through the one
# sanitising writer (base/out.h: out_printf, out_puts, out_putc,
# out_write, and out_document for self-escaping documents such as JSON),
# so no config value, server error or path can reach the terminal with
# an escape sequence in it.  This test fails if any other file of the
# program calls a stdio or err(3) writer itself.  Comments are not
# code; the allow-list below says why each exception is one.  A control
# shows the scan catches a violation, so it cannot pass by accident.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
cd "$top_srcdir" || exit 1
need_tools perl

# Print "file:line: code" for every direct write to a stream in FILE...,
# comments dropped (their newlines kept, so line numbers hold).
writes() {
	perl -ne '
		BEGIN { $in = 0 }
		$l = $_;
		if ($in) { if ($l =~ s{^.*?\*/}{}) { $in = 0 } else { next } }
		$l =~ s{/\*.*?\*/}{ }g;
		if ($l =~ s{/\*.*$}{}) { $in = 1 }
		$l =~ s{//.*$}{};
		if ($l =~ /(?<![\w.>])(?:printf|fprintf|vprintf|vfprintf|dprintf|vdprintf|fputs|puts|fputc|putc|putchar|fwrite|fputws|fputwc|putwchar|perror|warn|warnx|err|errx|verr|verrx|vwarn|vwarnx)\s*\(/ ||
		    $l =~ /(?<![\w.>])write\s*\(\s*(?:1|2|STDOUT_FILENO|STDERR_FILENO|fileno\s*\(\s*std(?:out|err))/) {
			$l =~ s/^\s+//; chomp $l;
			print "$ARGV:$.: $l\n";
		}
		close ARGV if eof;
	' "$@"
}

# The exceptions, each with its reason:
#  - base/out.c is the writer;
#  - base/xmalloc.c reports running out of memory, when formatting into
#    a buffer (what the writer does) cannot be done; its text is fixed;
#  - tui/panel_runbook.c writes the OSC 52 sequence that copies a command
#    to the clipboard at the operator's own request; its payload is
#    base64, which holds no control.
allowed() {
	grep -v '^base/out\.c:' |
	    grep -v '^base/xmalloc\.c:[0-9]*: fprintf(stderr, "sitrep: out of memory' |
	    grep -v '^tui/panel_runbook\.c:[0-9]*: printf("\\033\]52;c;%s\\a", b64);'
}

files=$(ls base/*.c core/*.c backends/*.c backends/*/*.c export/*.c \
    tui/*.c cmd/*.c sitrep.c 2>/dev/null)
out=$(writes $files | allowed)
check $([ -z "$out" ]; echo $?) \
    "no file but base/out.c writes to stdout or stderr by itself" "" "$out"

# Each exception of the allow-list is still there: an entry that matches
# nothing would hide nothing, but says the list has gone stale.
n_allowed=$(writes $files | grep -c -v '^base/out\.c:')
check $([ "$n_allowed" -eq 2 ]; echo $?) \
    "the two allowed direct writes (xmalloc, OSC 52 copy) are the only ones ($n_allowed)"

# Control: a command printing an error itself, a console file calling
# puts and perror, and a backend writing to fd 2 are all reported; a
# comment naming printf( and calls of buf_printf, snprintf and
# out_printf are not.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/cmd" "$tmp/tui" "$tmp/backends"
cat >"$tmp/cmd/bad.c" <<'EOC'
/* printf("in a comment") is not a call,
 * nor is fputs(s, stderr) here. */
static void f(const char *s) {
	fprintf(stderr, "sitrep: %s\n", s);
	buf_printf(&b, "%s", s); snprintf(x, sizeof x, "%s", s);
	out_printf(stderr, "%s\n", s);	// printf( in a line comment
}
EOC
printf 'static void g(const char *s) { puts(s); perror(s); }\n' >"$tmp/tui/bad.c"
printf 'static void h(void) { (void)write(STDERR_FILENO, "x", 1); }\n' \
    >"$tmp/backends/bad.c"
out=$(cd "$tmp" && writes cmd/bad.c tui/bad.c backends/bad.c | allowed)
check_eq "control: the scan reports fprintf, puts and perror, and write to fd 2, and nothing else" \
    "cmd/bad.c:4;tui/bad.c:1;backends/bad.c:1" \
    "$(printf '%s\n' "$out" | cut -d: -f1,2 | paste -sd';' -)"

tap_done
