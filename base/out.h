/*
 * out.h: the one writer of text to stdout and stderr.
 *
 * Everything sitrep prints outside the curses screen (errors, warnings,
 * tables, usage, the manual page, `config check`) goes through these
 * functions, which format first and then pass the result through
 * sanitize_terminal(): newlines and tabs stay, every other C0 control,
 * ESC, DEL, C1 control and bidirectional or zero-width control becomes
 * visible harmless text, and invalid UTF-8 becomes U+FFFD.  A config
 * value, a context name, a server's error or a path cannot set the
 * window title, write the clipboard or move the cursor.  The functions
 * mirror stdio's (argument order included) so a call reads like the one
 * it replaces.
 *
 * The one exception is out_document(): the bytes of a document made for
 * a program or a file (JSON, HTML, an export whose format escapes or
 * sanitises each field itself) go out exactly as built, because JSON's
 * and HTML's escaping already make them inert and a sanitiser would
 * corrupt them.  tests/integration/layers.sh fails if any other file
 * writes to a stream by itself.
 */
#ifndef SITREP_OUT_H
#define SITREP_OUT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Format and write sanitised; the bytes written, or -1 on failure. */
int	out_printf(FILE *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	out_vprintf(FILE *, const char *fmt, va_list)
	    __attribute__((format(printf, 2, 0)));
/* Write s sanitised; non-negative, or EOF on failure (as fputs). */
int	out_puts(const char *s, FILE *);
/* Write len bytes of s sanitised; non-negative, or EOF on failure. */
int	out_write(const char *s, size_t len, FILE *);
/*
 * Write one byte (as fputc); a multi-byte UTF-8 character written a byte
 * at a time is held until it is whole, then written sanitised.  c, or
 * EOF on failure.
 */
int	out_putc(int c, FILE *);
/* Write a self-escaping document (JSON, HTML, an export) byte-exact. */
int	out_document(const char *s, size_t len, FILE *);

#endif
