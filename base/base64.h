/*
 * base64.h: standard base64 (RFC 4648 section 4), both ways.
 *
 * kubeconfig embeds certificates and keys as base64 (the *-data fields),
 * and an exec plugin with provideClusterInfo is handed the CA the same
 * way.  Decoding follows Go's standard encoding, which is what kubectl
 * uses: padding is required, line breaks are ignored, anything else
 * outside the alphabet is refused.  Decoded bytes may be secret, so a
 * refused input is wiped before its memory is freed, and the error names
 * an offset, never the data.
 */
#ifndef SITREP_BASE64_H
#define SITREP_BASE64_H

#include <stddef.h>

/* The base64 of len bytes, with padding; caller frees. */
char	*base64_encode(const void *data, size_t len);
/*
 * Decode s.  Returns 0 with *out (NUL-terminated, caller frees) and
 * *outlen, or -1 with *bad the offset in s of the first byte that is not
 * valid there (nothing is allocated then).
 */
int	 base64_decode(const char *s, char **out, size_t *outlen,
	     size_t *bad);

#endif
