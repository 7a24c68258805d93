/*
 * sha256.h: SHA-256 (FIPS 180-4), small and self-contained.
 *
 * The audit log chains its rows with SHA-256.  sitrep links no crypto
 * library, so this is a plain implementation of the standard; it is used
 * for tamper evidence, not for anything secret.
 */
#ifndef SITREP_SHA256_H
#define SITREP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN	32
#define SHA256_HEX_LEN		64	/* without the terminating NUL */

/* Running state: plain value struct, embed it and call sha256_init. */
struct sha256 {
	uint32_t	h[8];
	uint64_t	total;		/* bytes hashed so far */
	unsigned char	block[64];
	size_t		used;		/* bytes waiting in block */
};

void	sha256_init(struct sha256 *);
void	sha256_update(struct sha256 *, const void *, size_t);
void	sha256_final(struct sha256 *, unsigned char out[SHA256_DIGEST_LEN]);

/* Lowercase hex of a digest into out (65 bytes with the NUL). */
void	sha256_hex(const unsigned char digest[SHA256_DIGEST_LEN],
	    char out[SHA256_HEX_LEN + 1]);
/* One-shot: hex digest of len bytes at data. */
void	sha256_hex_of(const void *data, size_t len,
	    char out[SHA256_HEX_LEN + 1]);

#endif
