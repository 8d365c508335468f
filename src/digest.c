/* digest.c — see digest.h. */
#define _POSIX_C_SOURCE 200809L
#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "util.h"

static void from_hash(XXH128_hash_t h, ds_digest *out)
{
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, h);
    memcpy(out->bytes, c.digest, sizeof out->bytes);
}

void ds_digest_bytes(const void *data, size_t len, ds_digest *out)
{
    from_hash(XXH3_128bits(data, len), out);
}

ds_status ds_digest_file(const char *path, ds_digest *out, char **err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return ds_fail(err, DS_ERR_IO, "%s: %s", path, strerror(errno));
    XXH3_state_t state;
    XXH3_128bits_reset(&state);
    char chunk[1 << 16];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return ds_fail(err, DS_ERR_IO, "%s: %s", path, strerror(e));
        }
        XXH3_128bits_update(&state, chunk, (size_t)n);
    }
    close(fd);
    from_hash(XXH3_128bits_digest(&state), out);
    return DS_OK;
}

int ds_digest_equal(const ds_digest *a, const ds_digest *b)
{
    return memcmp(a->bytes, b->bytes, sizeof a->bytes) == 0;
}

void ds_digest_hex(const ds_digest *d, char out[DS_DIGEST_HEX])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof d->bytes; i++) {
        out[2 * i] = digits[d->bytes[i] >> 4];
        out[2 * i + 1] = digits[d->bytes[i] & 15];
    }
    out[2 * sizeof d->bytes] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

int ds_digest_parse(const char *hex, size_t len, ds_digest *out)
{
    if (len != 2 * sizeof out->bytes) return 0;
    for (size_t i = 0; i < sizeof out->bytes; i++) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return 0;
        out->bytes[i] = (unsigned char)(hi << 4 | lo);
    }
    return 1;
}

uint64_t ds_hash64(const void *data, size_t len)
{
    return XXH3_64bits(data, len);
}
