/*
 * sha256.h — SHA-256 (FIPS 180-4), for the corpus checksum.
 */
#ifndef BENCH_SHA256_H
#define BENCH_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[8];
    uint64_t length;       /* bytes hashed so far */
    unsigned char block[64];
    size_t used;           /* bytes waiting in block */
} bx_sha256;

void bx_sha256_init(bx_sha256 *s);
void bx_sha256_update(bx_sha256 *s, const void *data, size_t len);
/* Finish and write the digest as 64 lower-case hex digits plus NUL. */
void bx_sha256_hex(bx_sha256 *s, char out[65]);

#endif
