/* plan.c — see plan.h. */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include "plan.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "neardup.h"
#include "util.h"

#define PLAN_MAGIC "dealsearch-plan 1"
/* A line's longest: a file line with a name of PATH_MAX bytes and more. */
#define MAX_LINE 8192
/* The fewest bytes a file line ("file 0 <32> 0 0 \n") and a passage line
 * ("p 0 -\n") take: what bounds the counts a header may claim. */
#define MIN_FILE_LINE 41
#define MIN_PASSAGE_LINE 6
/* As many shards as a stub may list (layout.h). */
#define MAX_SHARDS 1023

/* ---- Writing ---- */

static void put_signature(ds_buf *b, const ds_neardup_sig *sig)
{
    if (!sig->valid) {
        ds_buf_putc(b, '-');
        return;
    }
    char bytes[DS_NEARDUP_SIG_BYTES];
    ds_neardup_sig_encode(sig, bytes);
    for (size_t i = 0; i < sizeof bytes; i++)
        ds_buf_printf(b, "%02x", (unsigned char)bytes[i]);
}

static void format_entry(ds_buf *b, const ds_plan *p, size_t i)
{
    const ds_plan_entry *e = &p->entries[i];
    const ds_scan_result *s = &p->scan;
    char hex[DS_DIGEST_HEX];
    ds_digest_hex(&e->digest, hex);
    size_t first = s->entry_first[i], end = s->entry_first[i + 1];
    ds_buf_printf(b, "file %llu %s %d %zu %s\n", e->size, hex, e->read ? 1 : 0,
                  end - first, e->name ? e->name : "");
    for (size_t at = first; at < end; at++) {
        ds_buf_puts(b, "p ");
        ds_buf_put_number(b, s->groups[at]);
        ds_buf_putc(b, ' ');
        put_signature(b, &s->sigs[at]);
        ds_buf_putc(b, '\n');
    }
}

/* The whole file, its digest line last. */
static void format_plan(const ds_plan *p, ds_buf *b)
{
    ds_buf_printf(b, PLAN_MAGIC "\nshards %zu\ncheck %s\naverage %.17g\n"
                  "groups %lu\nentries %zu\npassages %zu\n", p->shards,
                  p->check, p->scan.avg_length, p->scan.shared_groups,
                  p->n_entries, p->scan.passages);
    for (size_t i = 0; i < p->n_entries; i++) format_entry(b, p, i);
    ds_digest d;
    char hex[DS_DIGEST_HEX];
    ds_digest_bytes(b->data, b->len, &d);
    ds_digest_hex(&d, hex);
    ds_buf_printf(b, "end %s\n", hex);
}

ds_status ds_plan_write(const char *path, const ds_plan *p, char **err)
{
    ds_buf text;
    ds_buf_init(&text);
    format_plan(p, &text);
    char *what = ds_xasprintf("plan '%s'", path);
    ds_status st = ds_write_file(path, text.data, text.len, what, err);
    free(what);
    ds_buf_free(&text);
    return st;
}

/* ---- Reading ---- */

/* Lines of the text being parsed. */
typedef struct {
    const char *at, *end;
    size_t line;           /* the last one taken, from 1 */
} cursor;

/* The next line (without its newline) in *s, *n; 0 when there is none
 * ending with a newline, or it is too long or holds a NUL. */
static int next_line(cursor *c, const char **s, size_t *n)
{
    size_t room = (size_t)(c->end - c->at);
    const char *nl = memchr(c->at, '\n', room < MAX_LINE ? room : MAX_LINE);
    if (!nl || memchr(c->at, '\0', (size_t)(nl - c->at))) return 0;
    *s = c->at;
    *n = (size_t)(nl - c->at);
    c->at = nl + 1;
    c->line++;
    return 1;
}

/* A decimal number of at most `max` taking the whole of s[0..n), or of
 * s up to the next space (*used: the digits).  0 when there is none. */
static int parse_number(const char *s, size_t n, unsigned long long max,
                        unsigned long long *out, size_t *used)
{
    unsigned long long v = 0;
    size_t i = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d > max || v > (max - d) / 10) return 0;
        v = v * 10 + d;
    }
    if (i == 0 || i > 20 || (i > 1 && s[0] == '0')) return 0;
    if (used) *used = i;
    else if (i != n) return 0;
    *out = v;
    return 1;
}

/* "KEY NUMBER" as the next line. */
static int keyed_number(cursor *c, const char *key, unsigned long long max,
                        unsigned long long *out)
{
    const char *s;
    size_t n, k = strlen(key);
    return next_line(c, &s, &n) && n > k + 1 && memcmp(s, key, k) == 0 &&
           s[k] == ' ' && parse_number(s + k + 1, n - k - 1, max, out, NULL);
}

/* "KEY TEXT" as the next line: TEXT in *s, *n. */
static int keyed_text(cursor *c, const char *key, const char **s, size_t *n)
{
    size_t k = strlen(key);
    if (!next_line(c, s, n) || *n < k + 1 || memcmp(*s, key, k) != 0 ||
        (*s)[k] != ' ')
        return 0;
    *s += k + 1;
    *n -= k + 1;
    return 1;
}

static int parse_average(cursor *c, double *out)
{
    const char *s;
    size_t n;
    char text[64], *end;
    if (!keyed_text(c, "average", &s, &n) || n == 0 || n >= sizeof text)
        return 0;
    memcpy(text, s, n);
    text[n] = '\0';
    errno = 0;
    *out = strtod(text, &end);
    return *end == '\0' && errno == 0 && isfinite(*out) && *out >= 0;
}

/* The header; the counts it claims must fit in the file's `len` bytes. */
static int parse_header(cursor *c, ds_plan *p, size_t len)
{
    const char *s;
    size_t n;
    unsigned long long shards, groups, entries, passages;
    if (!next_line(c, &s, &n) || n != strlen(PLAN_MAGIC) ||
        memcmp(s, PLAN_MAGIC, n) != 0)
        return 0;
    if (!keyed_number(c, "shards", MAX_SHARDS, &shards) || shards == 0)
        return 0;
    if (!keyed_text(c, "check", &s, &n) || n != 32) return 0;
    ds_digest check;
    if (!ds_digest_parse(s, n, &check)) return 0;
    memcpy(p->check, s, n);
    p->check[n] = '\0';
    if (!parse_average(c, &p->scan.avg_length) ||
        !keyed_number(c, "groups", len, &groups) ||
        !keyed_number(c, "entries", len / MIN_FILE_LINE, &entries) ||
        !keyed_number(c, "passages", len / MIN_PASSAGE_LINE, &passages))
        return 0;
    p->shards = (size_t)shards;
    p->scan.shared_groups = (unsigned long)groups;
    p->n_entries = (size_t)entries;
    p->scan.passages = (size_t)passages;
    return 1;
}

/* A number of at most `max` and the space after it, taken from the
 * front of *s (*n bytes). */
static int take_number(const char **s, size_t *n, unsigned long long max,
                       unsigned long long *out)
{
    size_t used;
    if (!parse_number(*s, *n, max, out, &used) || used >= *n ||
        (*s)[used] != ' ')
        return 0;
    *s += used + 1;
    *n -= used + 1;
    return 1;
}

static int hex_digit(char ch)
{
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                                    : -1;
}

/* "p GROUP SIG" for passage `at`. */
static int parse_passage(cursor *c, ds_plan *p, size_t at)
{
    const char *s;
    size_t n;
    unsigned long long group;
    if (!keyed_text(c, "p", &s, &n) ||
        !take_number(&s, &n, (unsigned long)-1, &group))
        return 0;
    p->scan.groups[at] = (unsigned long)group;
    ds_neardup_sig *sig = &p->scan.sigs[at];
    memset(sig, 0, sizeof *sig);
    if (n == 1 && s[0] == '-') return 1;
    if (n != 2 * DS_NEARDUP_SIG_BYTES) return 0;
    char bytes[DS_NEARDUP_SIG_BYTES];
    for (size_t i = 0; i < DS_NEARDUP_SIG_BYTES; i++) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return 0;
        bytes[i] = (char)(hi << 4 | lo);
    }
    ds_neardup_sig_decode(bytes, sizeof bytes, sig);
    return 1;
}

/* "file SIZE DIGEST READ COUNT NAME" for entry `i`, then its passages. */
static int parse_entry(cursor *c, ds_plan *p, size_t i)
{
    const char *s;
    size_t n, first = p->scan.entry_first[i];
    unsigned long long size, read, count;
    ds_plan_entry *e = &p->entries[i];
    if (!keyed_text(c, "file", &s, &n) ||
        !take_number(&s, &n, (unsigned long long)-1, &size) || n < 33 ||
        s[32] != ' ' || !ds_digest_parse(s, 32, &e->digest))
        return 0;
    s += 33;
    n -= 33;
    if (!take_number(&s, &n, 1, &read) ||
        !take_number(&s, &n, p->scan.passages - first, &count) ||
        (read == 0 && count != 0))
        return 0;
    e->name = ds_xstrndup(s, n);
    e->size = size;
    e->read = (int)read;
    p->scan.entry_first[i + 1] = first + (size_t)count;
    for (size_t at = first; at < first + count; at++)
        if (!parse_passage(c, p, at)) return 0;
    return 1;
}

/* The last line, "end HEX": the digest of every byte before it. */
static int parse_end(cursor *c, const char *data)
{
    const char *start = c->at, *s;
    size_t n;
    ds_digest want, got;
    if (!keyed_text(c, "end", &s, &n) || n != 32 ||
        !ds_digest_parse(s, n, &want) || c->at != c->end)
        return 0;
    ds_digest_bytes(data, (size_t)(start - data), &got);
    return ds_digest_equal(&want, &got);
}

static void allocate(ds_plan *p)
{
    size_t e = p->n_entries, n = p->scan.passages ? p->scan.passages : 1;
    p->entries = ds_xmalloc((e ? e : 1) * sizeof *p->entries);
    memset(p->entries, 0, (e ? e : 1) * sizeof *p->entries);
    p->scan.entry_first = ds_xmalloc((e + 1) * sizeof *p->scan.entry_first);
    p->scan.entry_first[0] = 0;
    p->scan.groups = ds_xmalloc(n * sizeof *p->scan.groups);
    p->scan.sigs = ds_xmalloc(n * sizeof *p->scan.sigs);
}

ds_status ds_plan_parse(const char *data, size_t len, ds_plan *out,
                        char **why)
{
    memset(out, 0, sizeof *out);
    cursor c = {data, data + len, 0};
    int ok = parse_header(&c, out, len);
    if (ok) allocate(out);
    size_t i = 0;
    for (; ok && i < out->n_entries; i++) {
        ok = parse_entry(&c, out, i);
        if (!ok) out->n_entries = i + 1; /* (its name freed with it) */
    }
    if (ok && out->scan.entry_first[out->n_entries] != out->scan.passages)
        ok = 0;
    if (ok) ok = parse_end(&c, data);
    if (ok) return DS_OK;
    size_t line = c.line ? c.line : 1;
    ds_plan_free(out);
    return ds_fail(why, DS_ERR_DAMAGED, "line %zu", line);
}

/* The file's bytes, malloc'd. */
static ds_status read_all(const char *path, char **data, size_t *len,
                          char **err)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    *data = NULL;
    if (!f || fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        ds_status st = ds_fail(err, DS_ERR_IO, "cannot read plan '%s': %s",
                               path, f ? "not a file" : strerror(errno));
        if (f) fclose(f);
        return st;
    }
    size_t size = (size_t)sb.st_size;
    *data = ds_xmalloc(size ? size : 1);
    *len = fread(*data, 1, size, f);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(*data);
        *data = NULL;
        return ds_fail(err, DS_ERR_IO, "cannot read plan '%s'", path);
    }
    return DS_OK;
}

ds_status ds_plan_read(const char *path, ds_plan *out, char **err)
{
    char *data = NULL, *why = NULL;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    ds_status st = read_all(path, &data, &len, err);
    if (st == DS_OK && ds_plan_parse(data, len, out, &why) != DS_OK)
        st = ds_fail(err, DS_ERR_DAMAGED,
                     "plan '%s' is damaged or not a plan (%s): write it "
                     "again (index --write-plan)", path, why ? why : "?");
    free(why);
    free(data);
    return st;
}

void ds_plan_free(ds_plan *p)
{
    for (size_t i = 0; p->entries && i < p->n_entries; i++)
        free(p->entries[i].name);
    free(p->entries);
    ds_scan_result_free(&p->scan);
    memset(p, 0, sizeof *p);
}
