/*
 * fuzz_facts.c — libFuzzer target: reading a passage's fact for a query
 * (src/facts.c) from arbitrary bytes.  The input is "QUERY WORDS\nTEXT":
 * the first line's words (at most 8) are the query's terms, the rest is a
 * passage, decoded as the indexer decodes files.  Terms XSYN1 .. XSYN3 are
 * synonym groups (two of them with phrases), read as their entries.
 *
 * Properties checked on every input:
 *   read     the sentence lies within the text, starts and ends on UTF-8
 *            character boundaries, and is empty exactly when
 *            ds_fact_sentence() says there is none; the word, name,
 *            number and figure sets are sorted without repeats, figures
 *            never more than numbers, every word's weight (its rarity
 *            made up from its stem's length) positive and finite.
 *   same     a fact is the same as itself when it has a sentence; the
 *            relation is symmetric against a second fact read from the
 *            text's second half; ds_fact_fold never folds a hit into
 *            another of its own source.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/encoding.h"
#include "../../src/facts.h"
#include "../../src/util.h"
#include "fuzz_common.h"

static ds_analyzer *analyzer;
static ds_synonyms *synonyms;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    analyzer = ds_analyzer_new();
    if (ds_synonyms_parse(analyzer,
                          "CEO, chief executive, chief executive officer\n"
                          "stake, shareholding\n"
                          "MIT, Massachusetts Institute of Technology\n",
                          "fuzz", &synonyms, NULL) != DS_OK)
        FUZZ_FAIL("cannot parse the synonyms");
    return 0;
}

/* A made-up rarity: how often a stem occurs, from its length. */
static unsigned long freq_of(void *ctx, const char *stem, size_t len)
{
    (void)ctx;
    return len ? (unsigned long)(unsigned char)stem[0] * len : 0;
}

static const ds_fact_rarity rarity = {freq_of, NULL, 1e6};

static void check_set(const ds_fact_set *s, const char *what)
{
    for (size_t i = 0; i < s->n; i++) {
        if (i && s->items[i - 1].key >= s->items[i].key)
            FUZZ_FAIL("%s set not sorted without repeats at %zu", what, i);
        if (!(s->items[i].weight > 0 && s->items[i].weight < 1e30f))
            FUZZ_FAIL("%s %zu weighs %g", what, i, (double)s->items[i].weight);
    }
}

static void check_fact(const char *text, size_t len, const ds_fact *f,
                       char **terms, size_t n_terms)
{
    if (f->start > f->end || f->end > len)
        FUZZ_FAIL("sentence [%zu, %zu) outside the text (%zu)", f->start,
                  f->end, len);
    if ((f->start < len && ((unsigned char)text[f->start] & 0xC0) == 0x80) ||
        (f->end < len && ((unsigned char)text[f->end] & 0xC0) == 0x80))
        FUZZ_FAIL("sentence [%zu, %zu) cuts a character", f->start, f->end);
    char *s = ds_fact_sentence(analyzer, synonyms, text, len, terms, n_terms);
    if ((s == NULL) != (f->start == f->end))
        FUZZ_FAIL("ds_fact_sentence disagrees with ds_fact_read");
    free(s);
    check_set(&f->words, "word");
    check_set(&f->names, "name");
    check_set(&f->numbers, "number");
    check_set(&f->figures, "figure");
    if (f->figures.n > f->numbers.n) FUZZ_FAIL("more figures than numbers");
    if (f->start < f->end && !ds_fact_same(f, f, NULL) && f->names.n == 0 &&
        f->figures.n)
        FUZZ_FAIL("a fact with a figure is not the same as itself");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ds_buf text;
    ds_buf_init(&text);
    ds_text_decode((const char *)data, size, &text, NULL, NULL);
    char *nl = memchr(text.data, '\n', text.len);
    size_t qlen = nl ? (size_t)(nl - text.data) : 0;
    char query[256], *terms[8];
    size_t n_terms = 0;
    snprintf(query, sizeof query, "%.*s", (int)(qlen < 255 ? qlen : 255),
             text.data);
    for (char *p = strtok(query, " "); p && n_terms < 8; p = strtok(NULL, " "))
        terms[n_terms++] = p;
    const char *body = nl ? nl + 1 : text.data;
    size_t len = text.len - (size_t)(body - text.data), half = len / 2;
    while (half < len && ((unsigned char)body[half] & 0xC0) == 0x80) half++;
    ds_fact x = {0}, y = {0};
    ds_fact_read(analyzer, synonyms, &rarity, body, len, terms, n_terms, &x);
    ds_fact_read(analyzer, synonyms, &rarity, body + half, len - half, terms,
                 n_terms, &y);
    check_fact(body, len, &x, terms, n_terms);
    check_fact(body + half, len - half, &y, terms, n_terms);
    if (ds_fact_same(&x, &y, NULL) != ds_fact_same(&y, &x, NULL))
        FUZZ_FAIL("ds_fact_same is not symmetric");
    double likeness = ds_fact_likeness(&x, &y, NULL);
    if (!(likeness >= 0 && likeness <= 1 + 1e-9) ||
        likeness != ds_fact_likeness(&y, &x, NULL))
        FUZZ_FAIL("ds_fact_likeness is out of [0, 1] or not symmetric");
    ds_hit hits[2] = {{0}, {0}};
    hits[0].record.source = hits[1].record.source = "a.txt";
    hits[0].record.text = (char *)body;
    hits[0].record.text_len = len;
    hits[1].record.text = (char *)body + half;
    hits[1].record.text_len = len - half;
    hits[0].terms = hits[1].terms = terms;
    hits[0].n_terms = hits[1].n_terms = n_terms;
    unsigned char folded[2];
    if (ds_fact_fold(analyzer, synonyms, &rarity, hits, 2, 20, folded) != 0)
        FUZZ_FAIL("a hit was folded into one of its own source");
    ds_fact_free(&x);
    ds_fact_free(&y);
    ds_buf_free(&text);
    return 0;
}
