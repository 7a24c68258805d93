/*
 * hmac.h: HMAC-SHA256 (RFC 2104 over FIPS 180-4 SHA-256).
 *
 * The audit log keys its hash chain with it, so only a holder of the key
 * can write a row that verifies.  A plain value struct like struct sha256:
 * embed it, init with the key, feed the message, finish.  The key is copied
 * into the padded inner and outer states only; hmac_sha256_final wipes them.
 */
#ifndef SITREP_HMAC_H
#define SITREP_HMAC_H

#include <stddef.h>

#include "base/sha256.h"

/* Running state of one HMAC computation. */
struct hmac_sha256 {
	struct sha256	inner;	/* H((K ^ ipad) || message ...) */
	struct sha256	outer;	/* H((K ^ opad) || ...), fed at the end */
};

/* Start an HMAC with a key of any length (longer than 64 bytes: hashed). */
void	hmac_sha256_init(struct hmac_sha256 *, const void *key, size_t);
void	hmac_sha256_update(struct hmac_sha256 *, const void *, size_t);
/* The tag into out; the state is wiped and must be initialised again. */
void	hmac_sha256_final(struct hmac_sha256 *,
	    unsigned char out[SHA256_DIGEST_LEN]);

/* One-shot: the tag of len bytes at data under key. */
void	hmac_sha256(const void *key, size_t keylen, const void *data,
	    size_t len, unsigned char out[SHA256_DIGEST_LEN]);

#endif
