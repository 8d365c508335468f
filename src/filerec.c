/* filerec.c — see filerec.h. */
#include "filerec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

char *ds_filerec_key(const char *source)
{
    return ds_xasprintf(DS_META_FILE_PREFIX "%016" PRIx64,
                        ds_hash64(source, strlen(source)));
}

/* "a-b,c": the docids as runs. */
static void encode_docids(const unsigned *ids, size_t n, ds_buf *out)
{
    if (!n) ds_buf_puts(out, "-");
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && ids[j + 1] == ids[j] + 1) j++;
        ds_buf_printf(out, i ? ",%u" : "%u", ids[i]);
        if (j > i) ds_buf_printf(out, "-%u", ids[j]);
        i = j + 1;
    }
}

void ds_filerec_encode(const ds_filerec *r, ds_buf *out)
{
    char hex[DS_DIGEST_HEX];
    ds_digest_hex(&r->stamp.digest, hex);
    ds_buf_clear(out);
    ds_buf_printf(out, "%llu %lld %ld %s ", r->stamp.size, r->stamp.mtime_sec,
                  r->stamp.mtime_nsec, hex);
    encode_docids(r->docids, r->n, out);
    ds_buf_putc(out, '\n');
    ds_buf_puts(out, r->source);
}

static void push_docid(ds_filerec *r, size_t *cap, unsigned id)
{
    if (r->n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        r->docids = ds_xrealloc(r->docids, *cap * sizeof *r->docids);
    }
    r->docids[r->n++] = id;
}

/* A file's passages are far fewer: a record claiming more is damaged (and
 * is not expanded into gigabytes of ids). */
#define MAX_DOCIDS (1u << 22)

/* Parse "a-b,c" (up to `end`). */
static int decode_docids(const char *p, const char *end, ds_filerec *r)
{
    size_t cap = 0;
    if (end - p == 1 && *p == '-') return 1;
    while (p < end) {
        char *next;
        unsigned long a = strtoul(p, &next, 10), b = a;
        if (next == p || a == 0) return 0;
        if (*next == '-') {
            p = next + 1;
            b = strtoul(p, &next, 10);
            if (next == p || b < a || b - a >= MAX_DOCIDS) return 0;
        }
        if (a > 0xffffffffUL || b > 0xffffffffUL ||
            r->n + (b - a) >= MAX_DOCIDS)
            return 0;
        for (unsigned long id = a; id <= b; id++)
            push_docid(r, &cap, (unsigned)id);
        p = next;
        if (p < end && (*p++ != ',' || p == end)) return 0;
    }
    return 1;
}

ds_status ds_filerec_decode(const char *data, size_t len, ds_filerec *r)
{
    memset(r, 0, sizeof *r);
    const char *nl = memchr(data, '\n', len);
    if (!nl || nl + 1 == data + len) return DS_ERR_DAMAGED;
    /* The stamp is short; the docids that follow it need not be (a
     * sharded index's or an updated one's are not runs): they are read
     * where they lie. */
    const char *ids = data;
    for (int spaces = 0; ids < nl && spaces < 4; ids++) spaces += *ids == ' ';
    char head[256];
    size_t head_len = (size_t)(ids - data);
    if (head_len >= sizeof head) head_len = 0; /* parsed below: fails */
    memcpy(head, data, head_len);
    head[head_len] = '\0';
    char hex[64];
    if (sscanf(head, "%llu %lld %ld %63s ", &r->stamp.size,
               &r->stamp.mtime_sec, &r->stamp.mtime_nsec, hex) != 4 ||
        !ds_digest_parse(hex, strlen(hex), &r->stamp.digest) ||
        !decode_docids(ids, nl, r)) {
        free(r->docids);
        memset(r, 0, sizeof *r);
        return DS_ERR_DAMAGED;
    }
    /* A source is a storable file name (corpus.h): no control bytes. */
    for (const char *p = nl + 1; p < data + len; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            free(r->docids);
            memset(r, 0, sizeof *r);
            return DS_ERR_DAMAGED;
        }
    r->source = ds_xstrndup(nl + 1, (size_t)(data + len - nl - 1));
    return DS_OK;
}

void ds_filerec_free(ds_filerec *r)
{
    free(r->source);
    free(r->docids);
    memset(r, 0, sizeof *r);
}

typedef struct {
    ds_filerecs *rs;
    int bad;           /* a record could not be parsed */
} loading;

static int add_record(void *ctx, const char *key, const char *value,
                      size_t len)
{
    (void)key;
    loading *l = ctx;
    ds_filerecs *rs = l->rs;
    if (rs->count == rs->cap) {
        rs->cap = rs->cap ? 2 * rs->cap : 64;
        rs->items = ds_xrealloc(rs->items, rs->cap * sizeof *rs->items);
    }
    l->bad = ds_filerec_decode(value, len, &rs->items[rs->count]) != DS_OK;
    rs->count += !l->bad;
    return l->bad;
}

static int by_source(const void *a, const void *b)
{
    return strcmp(((const ds_filerec *)a)->source,
                  ((const ds_filerec *)b)->source);
}

ds_status ds_filerecs_load(dsx_db *db, dsx_writer *w, ds_filerecs *out,
                           char **err)
{
    memset(out, 0, sizeof *out);
    loading l = {out, 0};
    char *why = NULL;
    ds_status st =
        db ? dsx_db_each_metadata(db, DS_META_FILE_PREFIX, add_record, &l,
                                  &why)
           : dsx_writer_each_metadata(w, DS_META_FILE_PREFIX, add_record, &l,
                                      &why);
    if (st != DS_OK)
        ds_fail(err, st, "%s", why);
    else if (l.bad)
        st = ds_fail(err, DS_ERR_DAMAGED, "a file record is unreadable");
    free(why);
    if (st == DS_OK)
        qsort(out->items, out->count, sizeof *out->items, by_source);
    else
        ds_filerecs_free(out);
    return st;
}

ds_filerec *ds_filerecs_find(const ds_filerecs *rs, const char *source)
{
    ds_filerec key = {.source = (char *)source};
    return rs->count ? bsearch(&key, rs->items, rs->count,
                               sizeof *rs->items, by_source)
                     : NULL;
}

void ds_filerecs_free(ds_filerecs *rs)
{
    for (size_t i = 0; i < rs->count; i++) ds_filerec_free(&rs->items[i]);
    free(rs->items);
    memset(rs, 0, sizeof *rs);
}

int ds_filerec_compare_ptr(const void *a, const void *b)
{
    return strcmp((*(const ds_filerec *const *)a)->source,
                  (*(const ds_filerec *const *)b)->source);
}
