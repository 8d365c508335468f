/*
 * util.h — small helpers shared by every module: the error convention's
 * helper, checked allocation, a growable byte buffer, UTF-8.
 */
#ifndef DEALSEARCH_UTIL_H
#define DEALSEARCH_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#include "dealsearch.h"

/* The error convention (dealsearch.h): set *err, when `err` is not NULL,
 * to the formatted message (malloc'd) and return `status`. */
ds_status ds_fail(char **err, ds_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Allocation that never returns NULL: on failure it prints one line and
 * exits with status 2 (there is nothing sensible to do instead). */
void *ds_xmalloc(size_t size);
void *ds_xrealloc(void *ptr, size_t size);
char *ds_xstrdup(const char *s);
char *ds_xstrndup(const char *s, size_t len);
/* malloc'd printf. */
char *ds_xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Write `len` bytes of `data` as the file `path` whole: written beside
 * (PATH.tmp), synced and renamed over it, so a reader finds the old file
 * or the new one, never a part.  DS_ERR_IO naming `what` (e.g. "plan
 * 'x'") when it fails, leaving no PATH.tmp behind. */
ds_status ds_write_file(const char *path, const char *data, size_t len,
                        const char *what, char **err);

/* Seconds on the monotonic clock (for durations). */
double ds_now(void);

/* "dealsearch: <message>" on stderr, one line: only for what ends the
 * process (the library reports everything else to its caller). */
void ds_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} ds_buf;

void ds_buf_init(ds_buf *b);
void ds_buf_free(ds_buf *b);
void ds_buf_clear(ds_buf *b);
void ds_buf_reserve(ds_buf *b, size_t extra);
void ds_buf_append(ds_buf *b, const char *bytes, size_t len);
void ds_buf_puts(ds_buf *b, const char *s);
void ds_buf_putc(ds_buf *b, char c);
/* Append `n` in decimal (printf's %llu without its cost). */
void ds_buf_put_number(ds_buf *b, unsigned long long n);
/* Append `v` with four decimals, like printf's %.4f (up to rounding of
 * exact halves) at a tenth of its cost: JSON scores. */
void ds_buf_put_fixed4(ds_buf *b, double v);
void ds_buf_printf(ds_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hand the contents to the caller (malloc'd) and reset the buffer. */
char *ds_buf_steal(ds_buf *b);

/* UTF-8: decode the code point at s[0..len) into *cp and return its byte
 * length, or 0 when the bytes there are not valid UTF-8 (overlong forms,
 * surrogates and values past U+10FFFF are invalid). */
size_t ds_utf8_decode(const char *s, size_t len, unsigned *cp);
/* Encode `cp` into out (4 bytes room); returns the length. */
size_t ds_utf8_encode(unsigned cp, char *out);

#endif
