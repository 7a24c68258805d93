/*
 * sha256.c: SHA-256 as specified in FIPS 180-4.
 *
 * Straight from the standard: a 64-byte block buffer, the 64-round
 * compression function, and big-endian length padding.  No tables beyond the
 * round constants, no platform tricks; speed is irrelevant for an audit log
 * that grows by a row per operator action.
 */
#include "config.h"

#include <string.h>

#include "base/sha256.h"

/* First 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

/* Rotate a 32-bit word right by n bits (0 < n < 32). */
static uint32_t
sha256_ror(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

/* Compress one 64-byte block into the running hash. */
static void
sha256_block(struct sha256 *ctx, const unsigned char *p)
{
	uint32_t	w[64], a, b, c, d, e, f, g, h, t1, t2, s0, s1;
	int		i;

	for (i = 0; i < 16; i++) {
		w[i] = (uint32_t)p[i * 4] << 24 | (uint32_t)p[i * 4 + 1] << 16 |
		    (uint32_t)p[i * 4 + 2] << 8 | (uint32_t)p[i * 4 + 3];
	}
	for (i = 16; i < 64; i++) {
		s0 = sha256_ror(w[i - 15], 7) ^ sha256_ror(w[i - 15], 18) ^
		    (w[i - 15] >> 3);
		s1 = sha256_ror(w[i - 2], 17) ^ sha256_ror(w[i - 2], 19) ^
		    (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}

	a = ctx->h[0]; b = ctx->h[1]; c = ctx->h[2]; d = ctx->h[3];
	e = ctx->h[4]; f = ctx->h[5]; g = ctx->h[6]; h = ctx->h[7];
	for (i = 0; i < 64; i++) {
		s1 = sha256_ror(e, 6) ^ sha256_ror(e, 11) ^ sha256_ror(e, 25);
		t1 = h + s1 + ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
		s0 = sha256_ror(a, 2) ^ sha256_ror(a, 13) ^ sha256_ror(a, 22);
		t2 = s0 + ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	ctx->h[0] += a; ctx->h[1] += b; ctx->h[2] += c; ctx->h[3] += d;
	ctx->h[4] += e; ctx->h[5] += f; ctx->h[6] += g; ctx->h[7] += h;
}

/* Start a new hash with the FIPS 180-4 initial values. */
void
sha256_init(struct sha256 *ctx)
{
	static const uint32_t	iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(ctx->h, iv, sizeof ctx->h);
	ctx->total = 0;
	ctx->used = 0;
}

/* Feed len bytes into the hash. */
void
sha256_update(struct sha256 *ctx, const void *data, size_t len)
{
	const unsigned char	*p = data;
	size_t			 n;

	ctx->total += len;
	if (ctx->used != 0) {
		n = 64 - ctx->used;
		if (n > len)
			n = len;
		memcpy(ctx->block + ctx->used, p, n);
		ctx->used += n;
		p += n;
		len -= n;
		if (ctx->used < 64)
			return;
		sha256_block(ctx, ctx->block);
		ctx->used = 0;
	}
	while (len >= 64) {
		sha256_block(ctx, p);
		p += 64;
		len -= 64;
	}
	if (len != 0) {
		memcpy(ctx->block, p, len);
		ctx->used = len;
	}
}

/* Pad, append the bit length and write the 32-byte digest. */
void
sha256_final(struct sha256 *ctx, unsigned char out[SHA256_DIGEST_LEN])
{
	uint64_t	bits = ctx->total * 8;
	int		i;

	ctx->block[ctx->used++] = 0x80;
	if (ctx->used > 56) {
		memset(ctx->block + ctx->used, 0, 64 - ctx->used);
		sha256_block(ctx, ctx->block);
		ctx->used = 0;
	}
	memset(ctx->block + ctx->used, 0, 56 - ctx->used);
	for (i = 0; i < 8; i++)
		ctx->block[56 + i] = (unsigned char)(bits >> (56 - i * 8));
	sha256_block(ctx, ctx->block);

	for (i = 0; i < 8; i++) {
		out[i * 4] = (unsigned char)(ctx->h[i] >> 24);
		out[i * 4 + 1] = (unsigned char)(ctx->h[i] >> 16);
		out[i * 4 + 2] = (unsigned char)(ctx->h[i] >> 8);
		out[i * 4 + 3] = (unsigned char)ctx->h[i];
	}
	memset(ctx, 0, sizeof *ctx);
}

/* Write a digest as 64 lowercase hex digits and a NUL. */
void
sha256_hex(const unsigned char digest[SHA256_DIGEST_LEN],
    char out[SHA256_HEX_LEN + 1])
{
	static const char	hex[] = "0123456789abcdef";
	int			i;

	for (i = 0; i < SHA256_DIGEST_LEN; i++) {
		out[i * 2] = hex[digest[i] >> 4];
		out[i * 2 + 1] = hex[digest[i] & 0xf];
	}
	out[SHA256_HEX_LEN] = '\0';
}

/* Hash a buffer in one call and return the hex digest in out. */
void
sha256_hex_of(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
	struct sha256	ctx;
	unsigned char	digest[SHA256_DIGEST_LEN];

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, digest);
	sha256_hex(digest, out);
}
