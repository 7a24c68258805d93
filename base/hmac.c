/*
 * hmac.c: HMAC-SHA256 as RFC 2104 defines it, for a 64-byte block:
 *
 *	HMAC(K, m) = H((K' ^ opad) || H((K' ^ ipad) || m))
 *
 * where K' is K padded with zeros to 64 bytes, or H(K) padded when K is
 * longer than a block; ipad is 0x36 and opad 0x5c repeated.  Tested against
 * the RFC 4231 vectors in tests/unit/test_audit_key.c.
 */
#include "config.h"

#include <string.h>

#include "base/hmac.h"
#include "base/sha256.h"

#define HMAC_BLOCK	64

/* Overwrite n bytes at p in a way the compiler may not drop. */
static void
hmac_wipe(void *p, size_t n)
{
	volatile unsigned char	*v = p;

	while (n-- > 0)
		*v++ = 0;
}

/* Key both states: inner with K' ^ ipad, outer with K' ^ opad. */
void
hmac_sha256_init(struct hmac_sha256 *h, const void *key, size_t len)
{
	unsigned char	k[HMAC_BLOCK], pad[HMAC_BLOCK];
	struct sha256	kh;
	size_t		i;

	memset(k, 0, sizeof k);
	if (len > HMAC_BLOCK) {
		sha256_init(&kh);
		sha256_update(&kh, key, len);
		sha256_final(&kh, k);
		hmac_wipe(&kh, sizeof kh);
	} else if (len > 0)
		memcpy(k, key, len);

	for (i = 0; i < HMAC_BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&h->inner);
	sha256_update(&h->inner, pad, sizeof pad);
	for (i = 0; i < HMAC_BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&h->outer);
	sha256_update(&h->outer, pad, sizeof pad);
	hmac_wipe(k, sizeof k);
	hmac_wipe(pad, sizeof pad);
}

/* Feed message bytes. */
void
hmac_sha256_update(struct hmac_sha256 *h, const void *data, size_t len)
{
	sha256_update(&h->inner, data, len);
}

/* Finish: the outer hash over the inner digest. */
void
hmac_sha256_final(struct hmac_sha256 *h, unsigned char out[SHA256_DIGEST_LEN])
{
	unsigned char	inner[SHA256_DIGEST_LEN];

	sha256_final(&h->inner, inner);
	sha256_update(&h->outer, inner, sizeof inner);
	sha256_final(&h->outer, out);
	hmac_wipe(inner, sizeof inner);
	hmac_wipe(h, sizeof *h);
}

/* One-shot HMAC-SHA256. */
void
hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
    unsigned char out[SHA256_DIGEST_LEN])
{
	struct hmac_sha256	h;

	hmac_sha256_init(&h, key, keylen);
	hmac_sha256_update(&h, data, len);
	hmac_sha256_final(&h, out);
}
