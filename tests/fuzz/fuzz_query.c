/*
 * fuzz_query.c — libFuzzer target: the whole query path on arbitrary
 * query bytes.  LLVMFuzzerInitialize builds the demo corpus into an index
 * in a temporary directory (ds_indexer_build) and opens it once; each input
 * is then parsed and searched (ds_search, src/search.c and the Xapian
 * shim) and printed (ds_results_print, src/render*.c and src/highlight.c).
 *
 * The query is the input up to its first NUL byte (a command line cannot
 * hold one).  Each query runs twice: all words, offset 0, limit 10; and
 * --any --explain, offset 2, limit 5.
 *
 * Properties checked:
 *   - ds_search returns 0, or -1 with a non-empty message;
 *   - results are consistent: count <= limit, count <= total when exact,
 *     every hit has a source, text of text_len bytes, and passage/line >= 1;
 *   - the JSON rendering is valid JSON (strict validator, fuzz_common.h)
 *     and says what the results say: the query given back, one result
 *     per hit with its rank and passage text, and text_highlights /
 *     snippet_highlights inside their text, in order, on UTF-8 boundaries;
 *   - the human rendering with colour is valid UTF-8 with no control
 *     character but '\n' and the renderer's SGR escapes ("\033[..m"), and
 *     with colour off it has no ESC (nor any other control) at all.
 *
 * DS_FUZZ_SKIP_XOR=1 skips queries containing the operator XOR, to fuzz
 * past the known libxapian crash (crashers/fuzz_query/crash-xapian-xor-*)
 * until dealsearch avoids it.
 *
 * With DS_FUZZ_STRICT_ERRORS=1 in the environment, error messages must
 * also be one line without control characters, since dealsearch prints
 * them to a terminal as they are (see tests/fuzz/README.md).
 *
 * The corpus directory is FUZZ_CORPUS_DIR (set by fuzz.mk to the
 * project's corpus/), or $DS_FUZZ_CORPUS.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#define _DEFAULT_SOURCE   /* mkdtemp */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/dealsearch.h"
#include "../../src/util.h"
#include "fuzz_common.h"

#ifndef FUZZ_CORPUS_DIR
#define FUZZ_CORPUS_DIR "corpus"
#endif

static char tmp_dir[512];
static ds_searcher *searcher;
static int strict_errors;
static int skip_xor;

static int remove_entry(const char *path, const struct stat *st, int type,
                        struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

static void cleanup(void)
{
    ds_searcher_close(searcher);
    searcher = NULL;
    if (tmp_dir[0]) nftw(tmp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A crashed run (the point of fuzzing) never reaches cleanup(): remove
 * the directories of runs whose process is gone.  They are named
 * dealsearch-fuzz-PID-XXXXXX. */
static void remove_stale(const char *base)
{
    DIR *d = opendir(base);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid;
        char rest[64];
        if (sscanf(e->d_name, "dealsearch-fuzz-%ld-%63s", &pid, rest) != 2 ||
            pid <= 0)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* alive */
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", base, e->d_name);
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *corpus = getenv("DS_FUZZ_CORPUS");
    if (!corpus || !*corpus) corpus = FUZZ_CORPUS_DIR;
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = "/tmp";
    remove_stale(base);
    snprintf(tmp_dir, sizeof tmp_dir, "%s/dealsearch-fuzz-%ld-XXXXXX", base,
             (long)getpid());
    if (!mkdtemp(tmp_dir)) FUZZ_FAIL("mkdtemp %s failed", tmp_dir);
    atexit(cleanup);
    char index_dir[600];
    snprintf(index_dir, sizeof index_dir, "%s/index", tmp_dir);
    ds_index_options opt;
    ds_index_options_init(&opt);
    opt.corpus.path = corpus;
    opt.index_dir = index_dir;
    ds_index_stats stats;
    ds_indexer *ix = NULL;
    char *err = NULL;
    if (ds_indexer_open(&opt, &ix, &err) != DS_OK ||
        ds_indexer_build(ix, &stats, &err) != DS_OK)
        FUZZ_FAIL("building the demo index from '%s': %s", corpus, err);
    ds_indexer_close(ix);
    if (ds_searcher_open(index_dir, &searcher, &err) != DS_OK)
        FUZZ_FAIL("opening the demo index: %s", err);
    const char *strict = getenv("DS_FUZZ_STRICT_ERRORS");
    strict_errors = strict && strcmp(strict, "1") == 0;
    const char *xor = getenv("DS_FUZZ_SKIP_XOR");
    skip_xor = xor && strcmp(xor, "1") == 0;
    return 0;
}

/* Highlights: [[start, end), ...] byte spans of `text`, in order, not
 * overlapping, on character boundaries. */
static void check_spans(const char *what, const fuzz_jv *spans,
                        const fuzz_jv *text)
{
    if (!spans || spans->type != 'a' || !text || text->type != 's')
        FUZZ_FAIL("JSON: %s missing or not an array of spans", what);
    double prev_end = 0;
    for (size_t i = 0; i < spans->n; i++) {
        const fuzz_jv *p = &spans->items[i];
        if (p->type != 'a' || p->n != 2 || p->items[0].type != 'n' ||
            p->items[1].type != 'n')
            FUZZ_FAIL("JSON: %s[%zu] is not a [start, end] pair", what, i);
        double a = p->items[0].num, b = p->items[1].num;
        if (!(a >= prev_end && a < b && b <= (double)text->len))
            FUZZ_FAIL("JSON: %s[%zu] = [%g, %g) is out of order or outside "
                      "the %zu bytes of its text", what, i, a, b, text->len);
        if (!fuzz_is_char_boundary(text->str, text->len, (size_t)a) ||
            !fuzz_is_char_boundary(text->str, text->len, (size_t)b))
            FUZZ_FAIL("JSON: %s[%zu] = [%g, %g) splits a character", what, i,
                      a, b);
        prev_end = b;
    }
}

/* What the JSON says agrees with the results and with itself. */
static void check_json_content(const char *query, const char *json,
                               size_t len, const ds_results *r,
                               const ds_search_options *so)
{
    fuzz_jv root;
    fuzz_jv_parse(json, len, &root);
    if (root.type != 'o') FUZZ_FAIL("JSON: not an object");
    const fuzz_jv *q = fuzz_jv_get(&root, "query");
    if (!q || q->type != 's') FUZZ_FAIL("JSON: no \"query\" string");
    size_t qlen = strlen(query);
    if (fuzz_utf8_valid(query, qlen) &&
        (q->len != qlen || memcmp(q->str, query, qlen) != 0))
        FUZZ_FAIL("JSON: \"query\" does not give back the query");
    const fuzz_jv *total = fuzz_jv_get(&root, "total");
    const fuzz_jv *results = fuzz_jv_get(&root, "results");
    if (!total || total->type != 'n' || !results || results->type != 'a')
        FUZZ_FAIL("JSON: no \"total\" number or \"results\" array");
    if (results->n != ds_results_count(r))
        FUZZ_FAIL("JSON: %zu results for %zu hits", results->n,
                  ds_results_count(r));
    for (size_t i = 0; i < results->n; i++) {
        const fuzz_jv *h = &results->items[i];
        const fuzz_jv *rank = fuzz_jv_get(h, "rank");
        if (!rank || rank->type != 'n' ||
            rank->num != (double)(so->offset + i + 1))
            FUZZ_FAIL("JSON: result %zu has the wrong rank", i);
        const fuzz_jv *text = fuzz_jv_get(h, "text");
        const fuzz_jv *snippet = fuzz_jv_get(h, "snippet");
        if (!text || text->type != 's' || !snippet || snippet->type != 's')
            FUZZ_FAIL("JSON: result %zu lacks text or snippet", i);
        const ds_record *rec = &ds_results_hit(r, i)->record;
        if (text->len != rec->text_len ||
            memcmp(text->str, rec->text, text->len) != 0)
            FUZZ_FAIL("JSON: result %zu text differs from the passage", i);
        check_spans("text_highlights", fuzz_jv_get(h, "text_highlights"),
                    text);
        check_spans("snippet_highlights",
                    fuzz_jv_get(h, "snippet_highlights"), snippet);
    }
    fuzz_jv_free(&root);
}

static void check_results(const ds_results *r, const ds_search_options *so)
{
    const ds_results_info *info = ds_results_get_info(r);
    size_t count = ds_results_count(r);
    if (!info->parsed) FUZZ_FAIL("no parsed query description");
    if (count > so->limit)
        FUZZ_FAIL("%zu hits for limit %u", count, so->limit);
    if (info->total_exact && count && so->offset + count > info->total)
        FUZZ_FAIL("%zu hits at offset %u but an exact total of %lu", count,
                  so->offset, info->total);
    for (size_t i = 0; i < count; i++) {
        const ds_hit *h = ds_results_hit(r, i);
        const ds_record *rec = &h->record;
        if (!rec->source || !rec->source[0] || !rec->text ||
            strlen(rec->text) != rec->text_len || rec->passage < 1 ||
            rec->line < 1)
            FUZZ_FAIL("hit %zu is malformed", i);
        if (i == 0) continue;
        const ds_hit *prev = ds_results_hit(r, i - 1);
        /* Tiers come in order: the words as written, typo variants, then
         * an article's passages (ranked by how many words they hold, so
         * not by score alone). */
        if (prev->typo && !h->typo && !h->article)
            FUZZ_FAIL("hit %zu (exact) after a typo hit", i);
        if (prev->article && !h->article)
            FUZZ_FAIL("hit %zu after an article hit", i);
        if (prev->typo == h->typo && !h->article && !prev->article &&
            h->score > prev->score + 1e-9)
            FUZZ_FAIL("hit %zu scores higher than hit %zu", i, i - 1);
    }
}

static void check_rendering(const char *query, const ds_results *r,
                            const ds_search_options *so)
{
    static const ds_print_options variants[] = {
        {.format = DS_FORMAT_JSON, .snippet_bytes = 320},     /* --json */
        {.color = 1, .width = 80, .snippet_bytes = 320},      /* terminal */
        {.full = 1, .snippet_bytes = 320},                    /* --full */
    };
    for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
        const ds_print_options *ro = &variants[v];
        ds_buf out;
        out.data = ds_results_print(r, ro, &out.len);
        if (!out.data || out.len == 0) FUZZ_FAIL("empty rendering");
        if (ro->format == DS_FORMAT_JSON) {
            const char *why;
            size_t at;
            if (!fuzz_json_valid(out.data, out.len, &why, &at)) {
                fuzz_show("JSON output", out.data, out.len, at);
                FUZZ_FAIL("invalid JSON: %s", why);
            }
            check_json_content(query, out.data, out.len, r, so);
        } else {
            size_t bad = fuzz_terminal_unsafe_at(out.data, out.len, 1,
                                                 ro->color);
            if (bad != out.len) {
                fuzz_show("human output", out.data, out.len, bad);
                FUZZ_FAIL("human output (color=%d) has a control byte, "
                          "stray ESC or invalid UTF-8",
                          ro->color);
            }
        }
        free(out.data);
    }
}

static void run(const char *query, const ds_search_options *so)
{
    ds_results *r = NULL;
    char *err = NULL;
    if (ds_search(searcher, query, so, &r, &err) != DS_OK) {
        if (!err || !err[0]) FUZZ_FAIL("ds_search failed without a message");
        if (strict_errors) {
            size_t len = strlen(err);
            size_t bad = fuzz_terminal_unsafe_at(err, len, 0, 0);
            if (bad != len) {
                fuzz_show("error message", err, len, bad);
                FUZZ_FAIL("error message is not one terminal-safe line");
            }
        }
        free(err);
        return;
    }
    if (err) FUZZ_FAIL("ds_search succeeded but set a message");
    check_results(r, so);
    check_rendering(query, r, so);
    ds_results_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *query = ds_xstrndup(size ? (const char *)data : "", size); /* up to a NUL */
    if (skip_xor && strstr(query, "XOR")) { /* see README: known crash */
        free(query);
        return 0;
    }
    static const ds_search_options all = {.offset = 0, .limit = 10},
                                   any = {.offset = 2, .limit = 5,
                                          .match_any = 1, .explain = 1};
    run(query, &all);
    run(query, &any);
    free(query);
    return 0;
}
