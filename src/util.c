/* util.c — see util.h. */
#define _POSIX_C_SOURCE 200809L /* fileno, fsync */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void out_of_memory(size_t size)
{
    fprintf(stderr, "dealsearch: out of memory (allocating %zu bytes)\n",
            size);
    exit(2);
}

/* A malloc'd vprintf. */
static char *vformat(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) n = 0;
    char *s = ds_xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, again);
    va_end(again);
    return s;
}

ds_status ds_fail(char **err, ds_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        *err = vformat(fmt, ap);
        va_end(ap);
    }
    return status;
}

void *ds_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) out_of_memory(size);
    return p;
}

void *ds_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p) out_of_memory(size);
    return p;
}

char *ds_xstrndup(const char *s, size_t len)
{
    char *copy = ds_xmalloc(len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *ds_xstrdup(const char *s)
{
    return ds_xstrndup(s, strlen(s));
}

char *ds_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

void ds_warn(const char *fmt, ...)
{
    va_list ap;
    fputs("dealsearch: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void ds_buf_init(ds_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void ds_buf_free(ds_buf *b)
{
    free(b->data);
    ds_buf_init(b);
}

void ds_buf_clear(ds_buf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

void ds_buf_reserve(ds_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = ds_xrealloc(b->data, cap);
    b->cap = cap;
}

void ds_buf_append(ds_buf *b, const char *bytes, size_t len)
{
    ds_buf_reserve(b, len);
    if (len) memcpy(b->data + b->len, bytes, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void ds_buf_puts(ds_buf *b, const char *s)
{
    ds_buf_append(b, s, strlen(s));
}

void ds_buf_putc(ds_buf *b, char c)
{
    if (b->len + 2 > b->cap) ds_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void ds_buf_put_number(ds_buf *b, unsigned long long n)
{
    char digits[24];
    size_t i = sizeof digits;
    do {
        digits[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    ds_buf_append(b, digits + i, sizeof digits - i);
}

void ds_buf_put_fixed4(ds_buf *b, double v)
{
    if (!(v >= 0 && v < 1e14)) { /* negative, huge or not a number */
        ds_buf_printf(b, "%.4f", v);
        return;
    }
    unsigned long long n = (unsigned long long)(v * 10000.0 + 0.5);
    ds_buf_put_number(b, n / 10000);
    char frac[5] = {'.'};
    for (int i = 4; i >= 1; i--, n /= 10) frac[i] = (char)('0' + n % 10);
    ds_buf_append(b, frac, sizeof frac);
}

void ds_buf_printf(ds_buf *b, const char *fmt, ...)
{
    /* Format into the room there is; only when that is too small, make
     * room and format again. */
    ds_buf_reserve(b, 64);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->data[b->len] = '\0';
        return;
    }
    if ((size_t)n >= b->cap - b->len) {
        ds_buf_reserve(b, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

char *ds_buf_steal(ds_buf *b)
{
    ds_buf_reserve(b, 0);
    b->data[b->len] = '\0';
    char *data = b->data;
    ds_buf_init(b);
    return data;
}

size_t ds_utf8_decode(const char *s, size_t len, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len == 0) return 0;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    size_t need;
    unsigned min, c;
    if ((u[0] & 0xE0) == 0xC0) {
        need = 2, min = 0x80, c = u[0] & 0x1F;
    } else if ((u[0] & 0xF0) == 0xE0) {
        need = 3, min = 0x800, c = u[0] & 0x0F;
    } else if ((u[0] & 0xF8) == 0xF0) {
        need = 4, min = 0x10000, c = u[0] & 0x07;
    } else {
        return 0;
    }
    if (len < need) return 0;
    for (size_t i = 1; i < need; i++) {
        if ((u[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (u[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return need;
}

size_t ds_utf8_encode(unsigned cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

const char *ds_status_name(ds_status status)
{
    switch (status) {
    case DS_OK: return "ok";
    case DS_ERR_USAGE: return "invalid argument";
    case DS_ERR_NO_INDEX: return "no index";
    case DS_ERR_IO: return "cannot read or write a file";
    case DS_ERR_DAMAGED: return "index is damaged";
    case DS_ERR_VERSION: return "index was built by another version";
    case DS_ERR_LOCKED: return "index is locked by another build";
    case DS_ERR_QUERY: return "query cannot be searched";
    case DS_ERR_NOMEM: return "out of memory";
    case DS_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

ds_status ds_write_file(const char *path, const char *data, size_t len,
                        const char *what, char **err)
{
    char *tmp = ds_xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int ok = f && fwrite(data, 1, len, f) == len;
    if (f && (fflush(f) != 0 || fsync(fileno(f)) != 0)) ok = 0;
    if (f && fclose(f) != 0) ok = 0;
    if (ok) ok = rename(tmp, path) == 0;
    ds_status st = ok ? DS_OK
                      : ds_fail(err, DS_ERR_IO, "cannot write %s: %s", what,
                                strerror(errno));
    if (!ok && f) unlink(tmp);
    free(tmp);
    return st;
}

double ds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
