/*
 * fuzz_passages.c — libFuzzer target: reading an article from arbitrary
 * bytes, as the indexer does: ds_text_decode() (src/encoding.c), then
 * ds_article_split() with the built-in news rules (src/passage.c,
 * src/rules.c); and ds_parse_date() (src/dates.c) on the raw bytes.
 *
 * Properties checked on every input:
 *   decode     output is valid UTF-8 with no NUL, never shorter than the
 *              input, and equal to it when the input was valid UTF-8
 *              without NUL (which is read as UTF-8); bad lines are
 *              reported in increasing order, at least one when input read
 *              as UTF-8 was not valid.
 *   split      every passage is non-empty, NUL-terminated at `len`, valid
 *              UTF-8, at most DS_MAX_PASSAGE_BYTES, without ASCII control
 *              characters, leading/trailing spaces or space runs; its line
 *              is within the file; title, author and heading likewise
 *              valid;
 *              the date is "" or a real YYYY-MM-DD; dropped lines come in
 *              file order with a rule name; ds_article_describe() output
 *              is terminal-safe.
 *   dates      ds_parse_date() and ds_parse_timestamp() at the first
 *              offsets of the input: on success each consumed at least 8
 *              bytes and no more than the string holds, and wrote a real
 *              YYYY-MM-DD date; where there is a date there is a time
 *              stamp at least as long.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/corpus.h"
#include "../../src/dates.h"
#include "../../src/encoding.h"
#include "../../src/passage.h"
#include "../../src/reader.h"
#include "../../src/util.h"
#include "fuzz_common.h"

static ds_reader *reader;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    reader = ds_reader_new(DS_READER_NEWS); /* outside the timed inputs */
    return 0;
}

typedef struct {
    unsigned long last, count, lines;
} bad_lines;

static void on_bad_line(void *ctx, unsigned long line)
{
    bad_lines *b = ctx;
    if (line <= b->last || line > b->lines)
        FUZZ_FAIL("sanitize reported line %lu after %lu (file has %lu)", line,
                  b->last, b->lines);
    b->last = line;
    b->count++;
}

static int days_in(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

static int real_iso_date(const char *iso)
{
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (iso[i] != '-') return 0;
        } else if (iso[i] < '0' || iso[i] > '9') {
            return 0;
        }
    }
    if (iso[10] != '\0') return 0;
    int y = atoi(iso), m = atoi(iso + 5), d = atoi(iso + 8);
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in(y, m);
}

/* Passage-like text: valid UTF-8, no ASCII controls, single spaces,
 * trimmed.  Returns NULL or what is wrong. */
static const char *text_problem(const char *s, size_t len)
{
    if (len == 0) return "empty";
    if (strlen(s) != len) return "len does not match strlen";
    if (!fuzz_utf8_valid(s, len)) return "invalid UTF-8";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F) return "ASCII control character";
        if (c == ' ' && (i == 0 || i + 1 == len || s[i + 1] == ' '))
            return "leading, trailing or double space";
    }
    return NULL;
}

static void check_article(const ds_article *a, unsigned long lines)
{
    const char *why;
    if (a->title && (why = text_problem(a->title, strlen(a->title))))
        FUZZ_FAIL("title: %s", why);
    if (a->author && (why = text_problem(a->author, strlen(a->author))))
        FUZZ_FAIL("author: %s", why);
    if (a->date[0] && !real_iso_date(a->date))
        FUZZ_FAIL("date '%.11s' is not a real YYYY-MM-DD date", a->date);
    if (a->count > a->cap) FUZZ_FAIL("count > cap");
    for (size_t i = 0; i < a->count; i++) {
        const ds_passage *p = &a->items[i];
        if (!p->text) FUZZ_FAIL("passage %zu has no text", i + 1);
        if ((why = text_problem(p->text, p->len))) {
            fuzz_show("passage", p->text, p->len, 0);
            FUZZ_FAIL("passage %zu: %s", i + 1, why);
        }
        if (p->len > DS_MAX_PASSAGE_BYTES)
            FUZZ_FAIL("passage %zu is %zu bytes, over the %d limit", i + 1,
                      p->len, DS_MAX_PASSAGE_BYTES);
        if (p->first_line < 1 || p->first_line > lines)
            FUZZ_FAIL("passage %zu starts on line %lu of %lu", i + 1,
                      p->first_line, lines);
        if (i && p->first_line < a->items[i - 1].first_line)
            FUZZ_FAIL("passage %zu starts before passage %zu", i + 1, i);
        if (p->heading && (why = text_problem(p->heading, strlen(p->heading))))
            FUZZ_FAIL("heading of passage %zu: %s", i + 1, why);
    }
    for (size_t i = 0; i < a->n_dropped; i++) {
        const ds_dropped_line *d = &a->dropped[i];
        if (!d->rule || !d->rule[0] || !d->text)
            FUZZ_FAIL("dropped line %zu has no rule or text", i);
        if (d->line < 1 || d->line > lines)
            FUZZ_FAIL("dropped line number %lu of %lu", d->line, lines);
        if (i && d->line < a->dropped[i - 1].line)
            FUZZ_FAIL("dropped lines out of file order");
        if (!fuzz_utf8_valid(d->text, strlen(d->text)))
            FUZZ_FAIL("dropped line %lu: invalid UTF-8", d->line);
    }
    ds_buf out;
    ds_buf_init(&out);
    ds_article_describe(&out, a);
    size_t bad = fuzz_terminal_unsafe_at(out.data, out.len, 1, 0);
    if (bad != out.len) {
        fuzz_show("ds_article_describe", out.data, out.len, bad);
        FUZZ_FAIL("ds_article_describe: unsafe byte for a terminal");
    }
    ds_buf_free(&out);
}

static void check_dates(const uint8_t *data, size_t size)
{
    char *copy = ds_xstrndup(size ? (const char *)data : "", size); /* up to a NUL */
    size_t n = strlen(copy);
    for (size_t at = 0; at < n && at < 32; at++) {
        char iso[11];
        memset(iso, 'x', sizeof iso);
        size_t used = (size_t)-1;
        if (!ds_parse_date(copy + at, iso, &used)) continue;
        if (used < 8 || used > n - at)
            FUZZ_FAIL("ds_parse_date at %zu consumed %zu of %zu bytes", at,
                      used, n - at);
        if (!real_iso_date(iso))
            FUZZ_FAIL("ds_parse_date wrote '%.11s', not a real date", iso);
        size_t stamp = (size_t)-1;
        char iso2[11];
        if (!ds_parse_timestamp(copy + at, iso2, &stamp))
            FUZZ_FAIL("a date at %zu is no time stamp", at);
        if (stamp < used || stamp > n - at)
            FUZZ_FAIL("ds_parse_timestamp at %zu consumed %zu of %zu bytes "
                      "(the date %zu)", at, stamp, n - at, used);
    }
    for (size_t at = 0; at < n && at < 32; at++) {
        char iso[11];
        size_t used = (size_t)-1;
        if (!ds_parse_timestamp(copy + at, iso, &used)) continue;
        if (used < 8 || used > n - at || !real_iso_date(iso))
            FUZZ_FAIL("ds_parse_timestamp at %zu: %zu of %zu bytes, '%.11s'",
                      at, used, n - at, iso);
    }
    free(copy);
}

/* What ds_text_decode() must give whatever the encoding. */
static void check_decoded(const char *what, const char *bytes, size_t size,
                          const ds_buf *text, const bad_lines *bad)
{
    const char *t = text->data ? text->data : "";
    size_t at = fuzz_utf8_invalid_at(t, text->len);
    if (at != text->len) {
        fuzz_show(what, t, text->len, at);
        FUZZ_FAIL("%s: output is not valid UTF-8", what);
    }
    if (memchr(t, '\0', text->len)) FUZZ_FAIL("%s: NUL kept", what);
    if (text->len < size) FUZZ_FAIL("%s: output shorter", what);
    int clean = fuzz_utf8_valid(bytes, size) && !memchr(bytes, '\0', size);
    if (clean && (text->len != size || memcmp(t, bytes, size) != 0))
        FUZZ_FAIL("%s: changed valid text", what);
    if (clean && bad->count)
        FUZZ_FAIL("%s: %lu bad lines reported for valid input", what,
                  bad->count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = size ? (const char *)data : "";
    unsigned long lines = 1;
    for (size_t i = 0; i < size; i++) lines += data[i] == '\n';

    ds_buf text;
    ds_buf_init(&text);
    bad_lines bad = {0, 0, lines};
    ds_encoding enc = ds_text_decode(bytes, size, &text, on_bad_line, &bad);
    check_decoded("ds_text_decode", bytes, size, &text, &bad);
    int clean = fuzz_utf8_valid(bytes, size) && !memchr(bytes, '\0', size);
    if (clean && enc != DS_ENCODING_UTF8)
        FUZZ_FAIL("ds_text_decode: valid UTF-8 read as Windows-1252");
    if (!clean && enc == DS_ENCODING_UTF8 && bad.count == 0)
        FUZZ_FAIL("ds_text_decode: no bad line reported for invalid UTF-8");
    const char *t = text.data ? text.data : "";

    ds_article a;
    memset(&a, 0, sizeof a);
    ds_reader_split(reader, t, text.len, &a);
    check_article(&a, lines);
    ds_article_free(&a);
    ds_buf_free(&text);

    check_dates(data, size);
    return 0;
}
