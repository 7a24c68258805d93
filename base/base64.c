/*
 * base64.c: standard base64 encoding and decoding (RFC 4648 section 4).
 *
 * Small and self-contained so that kubeconfig parsing needs no crypto or
 * encoding library.  The decoder reads the input in quanta of four
 * significant characters (CR and LF are skipped, as Go's decoder skips
 * them), accepts '=' only in the last two places of the last quantum, and
 * refuses anything after it; the output buffer is wiped if the input turns
 * out to be invalid, because what it held may be part of a private key.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/xmalloc.h"

static const char base64_tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "abcdefghijklmnopqrstuvwxyz0123456789+/";

/* Overwrite memory in a way the compiler may not remove. */
static void
base64_wipe(void *p, size_t len)
{
	volatile unsigned char	*v = p;

	while (len-- > 0)
		*v++ = 0;
}

/* The value of one base64 character, or -1. */
static int
base64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64-encode data; caller frees. */
char *
base64_encode(const void *data, size_t len)
{
	const unsigned char	*in = data;
	char			*out, *o;
	size_t			 i;

	o = out = xmalloc((len + 2) / 3 * 4 + 1);
	for (i = 0; i + 2 < len; i += 3) {
		*o++ = base64_tab[in[i] >> 2];
		*o++ = base64_tab[(in[i] & 0x3) << 4 | in[i + 1] >> 4];
		*o++ = base64_tab[(in[i + 1] & 0xf) << 2 | in[i + 2] >> 6];
		*o++ = base64_tab[in[i + 2] & 0x3f];
	}
	if (i < len) {
		*o++ = base64_tab[in[i] >> 2];
		if (i + 1 < len) {
			*o++ = base64_tab[(in[i] & 0x3) << 4 | in[i + 1] >> 4];
			*o++ = base64_tab[(in[i + 1] & 0xf) << 2];
		} else {
			*o++ = base64_tab[(in[i] & 0x3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

/* Decode s; -1 and *bad (offset of the fault) if it is not base64. */
int
base64_decode(const char *s, char **out, size_t *outlen, size_t *bad)
{
	size_t		 len = strlen(s), i = 0, n = 0, k, pos[4], size;
	unsigned char	*o;
	int		 q[4], npad, done = 0;

	size = len / 4 * 3 + 4;
	o = xmalloc(size);
	for (;;) {
		/* Gather the next four significant characters. */
		for (k = 0; k < 4 && i < len; i++) {
			if (s[i] == '\r' || s[i] == '\n')
				continue;
			pos[k++] = i;
		}
		if (k == 0)
			break;
		if (done) {
			*bad = pos[0];
			goto fail;
		}
		if (k < 4) {
			*bad = pos[0];
			goto fail;
		}
		npad = 0;
		for (k = 0; k < 4; k++) {
			unsigned char	c = (unsigned char)s[pos[k]];

			if (c == '=' && k >= 2) {
				npad++;
				q[k] = 0;
				continue;
			}
			if (npad > 0 || (q[k] = base64_value(c)) == -1) {
				*bad = pos[k];
				goto fail;
			}
		}
		o[n++] = (unsigned char)(q[0] << 2 | q[1] >> 4);
		if (npad < 2)
			o[n++] = (unsigned char)((q[1] & 0xf) << 4 | q[2] >> 2);
		if (npad < 1)
			o[n++] = (unsigned char)((q[2] & 0x3) << 6 | q[3]);
		if (npad > 0)
			done = 1;
	}
	o[n] = '\0';
	*out = (char *)o;
	*outlen = n;
	return 0;

fail:
	base64_wipe(o, size);
	free(o);
	return -1;
}
