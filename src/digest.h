/*
 * digest.h — content hashes: what decides whether a corpus file or an
 * index file is as it was, whatever its timestamps say.  XXH3's 128-bit
 * hash (libxxhash, used header-only): a few GB/s on one core, and a
 * chance collision is out of the question at any corpus size.
 */
#ifndef DEALSEARCH_DIGEST_H
#define DEALSEARCH_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "dealsearch.h"

#define DS_DIGEST_HEX 33   /* 32 hex digits and a NUL */

typedef struct {
    unsigned char bytes[16];
} ds_digest;

/* A file as it was read: its size and modification time (a hint that it
 * is unchanged) and the digest of its bytes (what decides). */
typedef struct {
    unsigned long long size;
    long long mtime_sec;
    long mtime_nsec;
    ds_digest digest;
} ds_file_stamp;

/* The digest of `len` bytes. */
void ds_digest_bytes(const void *data, size_t len, ds_digest *out);

/* The digest of the file at `path`, read to its end.  DS_ERR_IO naming
 * the file. */
ds_status ds_digest_file(const char *path, ds_digest *out, char **err);

int ds_digest_equal(const ds_digest *a, const ds_digest *b);

/* Lower-case hex, NUL-terminated. */
void ds_digest_hex(const ds_digest *d, char out[DS_DIGEST_HEX]);

/* Parse 32 hex digits; 0 when `hex` is not that. */
int ds_digest_parse(const char *hex, size_t len, ds_digest *out);

/* A 64-bit hash of `len` bytes (names, keys). */
uint64_t ds_hash64(const void *data, size_t len);

#endif
