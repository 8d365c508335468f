/* schema.c — see schema.h. */
#include "schema.h"

#include <stdio.h>
#include <string.h>

#include "analyzer.h"

static void normalize_into(ds_buf *out, const char *text, size_t len)
{
    ds_buf_clear(out);
    if (text) ds_normalize(text, len, out);
}

void ds_indexed_text_set(ds_indexed_text *t, const char *heading,
                         const char *body, size_t body_len,
                         const char *title, int title_is_text,
                         const char *author)
{
    normalize_into(&t->heading, heading, heading ? strlen(heading) : 0);
    normalize_into(&t->body, body, body_len);
    normalize_into(&t->title, title, title ? strlen(title) : 0);
    normalize_into(&t->author, author, author ? strlen(author) : 0);
    t->title_is_text = title_is_text;
}

void ds_indexed_text_free(ds_indexed_text *t)
{
    ds_buf_free(&t->heading);
    ds_buf_free(&t->body);
    ds_buf_free(&t->title);
    ds_buf_free(&t->author);
}

size_t ds_indexed_fields(const ds_indexed_text *t,
                         ds_field out[DS_MAX_FIELDS])
{
    size_t n = 0;
    if (t->heading.len) {
        out[n++] = (ds_field){&t->heading, ""};
        out[n++] = (ds_field){&t->heading, DS_PREFIX_HEADING};
    }
    if (t->body.len) out[n++] = (ds_field){&t->body, ""};
    if (t->title.len) {
        out[n++] = (ds_field){&t->title, DS_PREFIX_TITLE};
        if (t->title_is_text) out[n++] = (ds_field){&t->title, ""};
    }
    if (t->author.len) out[n++] = (ds_field){&t->author, DS_PREFIX_AUTHOR};
    return n;
}

void ds_band_term(const ds_neardup_sig *sig, unsigned band,
                  char out[DS_BAND_TERM_SIZE])
{
    /* The minimums are hashes already: folding them keeps them uniform. */
    unsigned h = 0;
    for (unsigned r = 0; r < DS_NEARDUP_ROWS; r++) {
        unsigned m = sig->min[band * DS_NEARDUP_ROWS + r];
        h ^= (m << (5 * r) | m >> (16 - 5 * r)) & 0xffff;
    }
    snprintf(out, DS_BAND_TERM_SIZE, DS_PREFIX_BAND "%u%04x", band, h);
}

void ds_order_key(const char *source, size_t len, unsigned long passage,
                  ds_buf *out)
{
    unsigned char number[4] = {(unsigned char)(passage >> 24),
                               (unsigned char)(passage >> 16),
                               (unsigned char)(passage >> 8),
                               (unsigned char)passage};
    ds_buf_clear(out);
    ds_buf_append(out, source, len);
    ds_buf_append(out, "", 1);
    ds_buf_append(out, (const char *)number, sizeof number);
}

char *ds_source_term(const char *source)
{
    size_t len = strlen(source);
    if (len > 4 && strcmp(source + len - 4, ".txt") == 0) len -= 4;
    return ds_xasprintf(DS_PREFIX_SOURCE "%.*s", (int)len, source);
}
