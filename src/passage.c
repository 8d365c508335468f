/* passage.c — see passage.h. */
#include "passage.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct {
    const char *start;
    size_t len;
    unsigned long number; /* 1-based */
} line_span;

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ||
           c == '\n';
}

static int is_blank(const line_span *l)
{
    for (size_t i = 0; i < l->len; i++)
        if (!is_space((unsigned char)l->start[i])) return 0;
    return 1;
}

/* Append `len` bytes to `b`, turning whitespace runs into one space and
 * dropping other ASCII control characters (invisible, and harmful on a
 * terminal). */
static void append_normalised(ds_buf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_space(c)) {
            if (b->len && b->data[b->len - 1] != ' ') ds_buf_putc(b, ' ');
        } else if (c >= 0x20 && c != 0x7F) {
            ds_buf_putc(b, (char)c);
        }
    }
}

static void push_passage(ds_passage_list *out, const char *text, size_t len,
                         unsigned long line)
{
    if (out->count == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 32;
        out->items = ds_xrealloc(out->items, out->cap * sizeof *out->items);
    }
    ds_passage *p = &out->items[out->count++];
    p->text = ds_xstrndup(text, len);
    p->len = len;
    p->first_line = line;
}

/* Where to cut a too-long paragraph: the last space at or before `limit`,
 * else the last UTF-8 character boundary before it. */
static size_t cut_point(const char *s, size_t limit)
{
    for (size_t i = limit; i > limit / 2; i--)
        if (s[i] == ' ') return i;
    size_t i = limit;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
    return i ? i : limit;
}

/* Emit the normalised paragraph in `b` as one or more passages. */
static void emit_paragraph(ds_passage_list *out, ds_buf *b,
                           unsigned long line)
{
    const char *s = b->data;
    size_t len = b->len;
    while (len && s[len - 1] == ' ') len--;
    while (len && s[0] == ' ') s++, len--;
    while (len > DS_MAX_PASSAGE_BYTES) {
        size_t cut = cut_point(s, DS_MAX_PASSAGE_BYTES);
        push_passage(out, s, cut, line);
        s += cut;
        len -= cut;
        while (len && s[0] == ' ') s++, len--;
    }
    if (len) push_passage(out, s, len, line);
    ds_buf_clear(b);
}

/* True when the block of lines reads as one hard-wrapped paragraph. */
static int is_wrapped_block(const line_span *lines, size_t n)
{
    if (n < 2) return 0;
    for (size_t i = 0; i < n; i++) {
        if (lines[i].len > DS_WRAP_WIDTH) return 0;
        /* Wrapped lines fill most of the width; only the last may be
         * short.  A short line inside means separate short items. */
        if (i + 1 < n && lines[i].len < DS_WRAP_MIN) return 0;
    }
    return 1;
}

static void split_block(const line_span *lines, size_t n,
                        ds_passage_list *out, ds_buf *b)
{
    if (is_wrapped_block(lines, n)) {
        for (size_t i = 0; i < n; i++) {
            append_normalised(b, lines[i].start, lines[i].len);
            ds_buf_putc(b, ' ');
        }
        emit_paragraph(out, b, lines[0].number);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        append_normalised(b, lines[i].start, lines[i].len);
        emit_paragraph(out, b, lines[i].number);
    }
}

void ds_split_passages(const char *text, size_t len, ds_passage_list *out)
{
    line_span *block = NULL;
    size_t n = 0, cap = 0;
    unsigned long number = 0;
    ds_buf b;
    ds_buf_init(&b);
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        line_span line = {p, nl ? (size_t)(nl - p) : (size_t)(end - p),
                          ++number};
        p = nl ? nl + 1 : end;
        if (is_blank(&line)) {
            split_block(block, n, out, &b);
            n = 0;
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            block = ds_xrealloc(block, cap * sizeof *block);
        }
        block[n++] = line;
    }
    split_block(block, n, out, &b);
    free(block);
    ds_buf_free(&b);
}

void ds_passage_list_free(ds_passage_list *list)
{
    for (size_t i = 0; i < list->count; i++) free(list->items[i].text);
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}
