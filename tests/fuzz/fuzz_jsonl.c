/*
 * fuzz_jsonl.c — libFuzzer target: a JSON lines corpus (`dealsearch index
 * --jsonl`, src/corpus.c), read from bytes that may be anything.  The
 * first byte picks how its texts are read (whole documents, or split by
 * the news or the plain reader); the rest is written as the file, then
 * the corpus is opened and every entry read.
 *
 * Properties checked:
 *   - opening lists one entry per non-blank line;
 *   - an entry is read, or refused with a message that names the file and
 *     the line and holds no control character (it is one line);
 *   - a document read has its "id" as its source, with no control
 *     character, and passages whose texts are valid UTF-8, non-empty and
 *     as long as they say;
 *   - a whole document has at most one passage, and one when it has a
 *     title (a title alone is one passage of it);
 *   - nothing leaks (LeakSanitizer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/corpus.h"
#include "fuzz_common.h"

static char path[64];

static void remove_file(void)
{
    unlink(path);
}

static void write_file(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/fuzz_jsonl_%ld.jsonl", (long)getpid());
        atexit(remove_file);
    }
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
}

/* Non-blank lines, as the corpus counts them (blank: only spaces, tabs,
 * carriage returns and the newline). */
static size_t count_lines(const uint8_t *data, size_t size)
{
    size_t n = 0;
    int blank = 1;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == '\n') {
            n += !blank;
            blank = 1;
        } else if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r') {
            blank = 0;
        }
    }
    return n + !blank;
}

static void check_refusal(const char *err)
{
    size_t plen = strlen(path);
    if (!err || strncmp(err, path, plen) != 0 || err[plen] != ':')
        FUZZ_FAIL("refusal does not name the file: %s", err ? err : "(none)");
    for (const unsigned char *p = (const unsigned char *)err; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            FUZZ_FAIL("refusal with a control character: %s", err);
}

static void check_doc(const ds_corpus_doc *d, int split)
{
    const ds_article *a = &d->article;
    if (!d->source || !d->source[0]) FUZZ_FAIL("a document without a source");
    for (const unsigned char *p = (const unsigned char *)d->source; *p; p++)
        if (*p < 0x20 || *p == 0x7F) FUZZ_FAIL("a source with a control character");
    if (!split && a->count > 1) FUZZ_FAIL("a whole document of %zu passages", a->count);
    /* A whole document's title is its JSON title (a split one may take
     * its title from its text, as an article file does). */
    if (!split && a->title && a->title[0] && a->count == 0)
        FUZZ_FAIL("a document with a title and no passage");
    for (size_t i = 0; i < a->count; i++) {
        const ds_passage *p = &a->items[i];
        if (p->len == 0 || strlen(p->text) != p->len)
            FUZZ_FAIL("passage %zu: length %zu, text of %zu bytes", i, p->len,
                      strlen(p->text));
        if (!fuzz_utf8_valid(p->text, p->len)) {
            fuzz_show("passage is not UTF-8", p->text, p->len,
                      fuzz_utf8_invalid_at(p->text, p->len));
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    const uint8_t how = data[0] % 3;
    write_file(data + 1, size - 1);
    ds_corpus_spec spec = {DS_CORPUS_JSONL, path,
                           how == 2 ? DS_READER_PLAIN : DS_READER_NEWS,
                           how != 0};
    ds_corpus *c = NULL;
    char *err = NULL;
    if (ds_corpus_open(&spec, NULL, NULL, &c, &err) != DS_OK)
        FUZZ_FAIL("cannot open a file just written: %s", err);
    if (ds_corpus_count(c) != count_lines(data + 1, size - 1))
        FUZZ_FAIL("%zu entries for %zu non-blank lines", ds_corpus_count(c),
                  count_lines(data + 1, size - 1));
    /* A news reader compiles its patterns: one of each kind, kept. */
    static ds_reader *readers[2];
    if (!readers[spec.reader]) readers[spec.reader] = ds_reader_new(spec.reader);
    ds_reader *reader = readers[spec.reader];
    ds_buf scratch;
    ds_buf_init(&scratch);
    for (size_t i = 0; i < ds_corpus_count(c); i++) {
        ds_corpus_doc doc;
        memset(&doc, 0, sizeof doc);
        if (ds_corpus_read(c, i, reader, &scratch, 1, &doc, &err) == DS_OK)
            check_doc(&doc, spec.split);
        else
            check_refusal(err);
        free(err);
        err = NULL;
        ds_corpus_doc_free(&doc);
    }
    ds_buf_free(&scratch);
    ds_corpus_close(c);
    return 0;
}
