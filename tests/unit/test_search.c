/* Tests of indexing and searching the demo corpus in-process
 * (src/indexer.c, src/search.c, src/highlight.c): the answers the product
 * promises, and the property that index and query analysis agree — every
 * word of every passage finds that passage, highlighted. */
#include "unit.h"

#include "../../src/corpus.h"
#include "../../src/highlight.h"
#include "../../src/indexer.h"
#include "../../src/reader.h"
#include "../../src/search.h"

static char *tmp;
static char index_dir[600];
static ds_searcher *searcher;

static int setup(void **state)
{
    (void)state;
    tmp = unit_tempdir();
    snprintf(index_dir, sizeof index_dir, "%s/index", tmp);
    ds_index_options opt = {.corpus_dir = "corpus", .index_dir = index_dir};
    ds_index_stats stats;
    char *err = NULL;
    if (ds_index_build(&opt, &stats, &err) != 0) {
        fprintf(stderr, "index: %s\n", err);
        return -1;
    }
    if (stats.files != 5 || stats.passages < 50) return -1;
    return ds_searcher_open(index_dir, &searcher, &err) == DS_SEARCH_OK ? 0
                                                                       : -1;
}

static int teardown(void **state)
{
    (void)state;
    ds_searcher_close(searcher);
    unit_rmtree(tmp);
    free(tmp);
    return 0;
}

static ds_results search_with(const char *q, unsigned limit, int any)
{
    ds_search_options opt = {.limit = limit, .match_any = any};
    ds_results r;
    char *err = NULL;
    if (ds_search(searcher, q, &opt, &r, &err) != 0) {
        fprintf(stderr, "search '%s': %s\n", q, err);
        fail();
    }
    return r;
}

static ds_results search(const char *q, unsigned limit)
{
    return search_with(q, limit, 0);
}

static void interim_ceo_finds_both_droege_passages_first(void **state)
{
    (void)state;
    ds_results r = search("interim CEO", 10);
    assert_true(r.count >= 2);
    int seen001 = 0, seen004 = 0;
    for (size_t i = 0; i < 2; i++) {
        assert_non_null(strstr(r.hits[i].text, "Droege"));
        assert_non_null(strstr(r.hits[i].text, "interim CEO"));
        seen001 += strcmp(r.hits[i].source, "001_5f9e68b6a499abb5.txt") == 0;
        seen004 += strcmp(r.hits[i].source, "004_5fc44690a5b3815a.txt") == 0;
    }
    assert_int_equal(seen001, 1);
    assert_int_equal(seen004, 1);
    assert_true(r.hits[0].score >= r.hits[1].score);
    ds_results_free(&r);
}

static void phrase_requires_adjacent_words(void **state)
{
    (void)state;
    /* One passage each in 000, 001 and 003 has the phrase (grep -c). */
    ds_results r = search("\"Federal Trade Commission\"", 50);
    assert_int_equal(r.count, 3);
    ds_results_free(&r);
    r = search("\"Commission Trade\"", 50);
    assert_int_equal(r.count, 0);
    ds_results_free(&r);
}

static void boolean_operators_and_filters(void **state)
{
    (void)state;
    ds_results all = search("Droege", 50);
    ds_results not_uber = search("Droege NOT Uber", 50);
    assert_true(not_uber.count < all.count);
    for (size_t i = 0; i < not_uber.count; i++)
        assert_null(strstr(not_uber.hits[i].text, "Uber"));
    ds_results src = search("stake source:003_608c90960be708b7", 50);
    assert_true(src.count >= 1);
    for (size_t i = 0; i < src.count; i++)
        assert_string_equal(src.hits[i].source, "003_608c90960be708b7.txt");
    ds_results near = search("Droege NEAR Uber", 50);
    assert_true(near.count >= 1);
    ds_results_free(&all);
    ds_results_free(&not_uber);
    ds_results_free(&src);
    ds_results_free(&near);
}

static void stemming_matches_inflections(void **state)
{
    (void)state;
    ds_results a = search("investments", 100), b = search("investing", 100);
    assert_true(a.count > 5);
    assert_int_equal(a.count, b.count);
    ds_results_free(&a);
    ds_results_free(&b);
}

static void no_common_passage_counts_those_with_any_word(void **state)
{
    (void)state;
    ds_results r = search("Droege Zuckerberg", 10);
    assert_int_equal(r.count, 0);
    ds_results any = search("Droege OR Zuckerberg", 100);
    assert_true(any.count >= 2);
    assert_int_equal(r.total_if_any, any.count);
    ds_results_free(&r);
    ds_results_free(&any);
}

static void bad_queries_are_errors_naming_the_query(void **state)
{
    (void)state;
    ds_search_options opt = {.limit = 10};
    ds_results r;
    char *err = NULL;
    assert_int_equal(ds_search(searcher, "  ", &opt, &r, &err), -1);
    assert_string_equal(err, "empty query");
    free(err);
    assert_int_equal(ds_search(searcher, "?!", &opt, &r, &err), -1);
    assert_non_null(strstr(err, "'?!'"));
    free(err);
    char *huge = malloc(DS_MAX_QUERY_BYTES + 2);
    memset(huge, 'a', DS_MAX_QUERY_BYTES + 1);
    huge[DS_MAX_QUERY_BYTES + 1] = '\0';
    assert_int_equal(ds_search(searcher, huge, &opt, &r, &err), -1);
    assert_non_null(strstr(err, "limit"));
    free(err);
    free(huge);
}

static void ten_thousand_word_query_is_answered(void **state)
{
    (void)state;
    ds_buf q;
    ds_buf_init(&q);
    for (int i = 0; i < 10000; i++) ds_buf_printf(&q, "w%d ", i);
    ds_buf_puts(&q, "Droege");
    ds_results r = search(q.data, 10);
    assert_int_equal(r.count, 0); /* no passage has all 10,001 words */
    ds_results_free(&r);
    r = search_with(q.data, 10, 1);
    assert_true(r.count >= 1); /* any of them: Droege matches */
    ds_results_free(&r);
    ds_buf_free(&q);
}

typedef struct {
    const char *source;
    unsigned long passage;
    const char *text;
    size_t checked;
} property_ctx;

/* Search for one word of a passage; the passage must be among the hits and
 * the word must be highlighted in it. */
static int word_finds_its_passage(void *ctx, const ds_token *tok)
{
    property_ctx *p = ctx;
    char *word = strndup(p->text + tok->start, tok->end - tok->start);
    char *quoted = malloc(strlen(word) + 3);
    sprintf(quoted, "\"%s\"", word); /* quoted: "AND", "NOT" are words */
    ds_results r = search(quoted, 1000);
    const ds_hit *found = NULL;
    for (size_t i = 0; i < r.count && !found; i++)
        if (strcmp(r.hits[i].source, p->source) == 0 &&
            r.hits[i].passage == p->passage)
            found = &r.hits[i];
    if (!found)
        fail_msg("'%s' does not find %s passage %lu", word, p->source,
                 p->passage);
    ds_span_list spans = {0};
    ds_match_terms m = {found->terms, found->n_terms, NULL, 0, r.synonyms};
    ds_find_matches(ds_searcher_analyzer(searcher), found->text,
                    found->text_len, &m, &spans);
    int highlighted = 0;
    for (size_t i = 0; i < spans.count; i++)
        highlighted |= spans.items[i].start == tok->start &&
                       spans.items[i].end == tok->end;
    if (!highlighted)
        fail_msg("'%s' is not highlighted in %s passage %lu", word,
                 p->source, p->passage);
    ds_span_list_free(&spans);
    ds_results_free(&r);
    free(quoted);
    free(word);
    p->checked++;
    return 0;
}

static void every_word_of_every_passage_finds_it(void **state)
{
    (void)state;
    ds_file_list files;
    char *err = NULL;
    assert_int_equal(ds_corpus_list("corpus", &files, &err), 0);
    size_t checked = 0;
    ds_buf text;
    ds_buf_init(&text);
    ds_reader *reader = ds_reader_new(DS_READER_NEWS);
    for (size_t f = 0; f < files.count; f++) {
        char path[600];
        snprintf(path, sizeof path, "corpus/%s", files.paths[f]);
        assert_int_equal(ds_corpus_read(path, &text, NULL, NULL, &err), 0);
        ds_article article = {0};
        ds_reader_split(reader, text.data, text.len, &article);
        for (size_t i = 0; i < article.count; i++) {
            property_ctx p = {files.paths[f], i + 1, article.items[i].text,
                              0};
            ds_tokenize(p.text, article.items[i].len, word_finds_its_passage,
                        &p);
            checked += p.checked;
        }
        ds_article_free(&article);
    }
    assert_true(checked > 2000);
    ds_reader_free(reader);
    ds_buf_free(&text);
    ds_file_list_free(&files);
}

/* Spelling words handed to the shards mid-build (what a corpus of more
 * than 300,000 distinct words makes happen), by two shards in threads,
 * correct queries as the one hand-over at the end does. */
static void spelling_flushed_mid_build_corrects_alike(void **state)
{
    (void)state;
    char path[700];
    snprintf(path, sizeof path, "%s/flushed", tmp);
    ds_index_options opt = {.corpus_dir = "corpus", .index_dir = path,
                            .jobs = 2, .spelling_words = 40};
    ds_index_stats stats;
    char *err = NULL;
    assert_int_equal(ds_index_build(&opt, &stats, &err), 0);
    ds_searcher *flushed = NULL;
    assert_int_equal(ds_searcher_open(path, &flushed, &err), DS_SEARCH_OK);
    const char *queries[] = {"interm ceo", "acquisiton", "investmnt",
                             "scael", "exectuive", "aquired stke",
                             "zukerberg", "chiefs strtegy"};
    size_t corrected = 0;
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        ds_search_options so = {.limit = 3};
        ds_results a, b;
        assert_int_equal(ds_search(searcher, queries[i], &so, &a, &err), 0);
        assert_int_equal(ds_search(flushed, queries[i], &so, &b, &err), 0);
        assert_int_equal(a.corrected != NULL, b.corrected != NULL);
        if (a.corrected) {
            assert_string_equal(a.corrected, b.corrected);
            corrected++;
        }
        ds_results_free(&a);
        ds_results_free(&b);
    }
    assert_true(corrected >= 6);
    ds_searcher_close(flushed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(interim_ceo_finds_both_droege_passages_first),
        cmocka_unit_test(phrase_requires_adjacent_words),
        cmocka_unit_test(boolean_operators_and_filters),
        cmocka_unit_test(stemming_matches_inflections),
        cmocka_unit_test(no_common_passage_counts_those_with_any_word),
        cmocka_unit_test(bad_queries_are_errors_naming_the_query),
        cmocka_unit_test(ten_thousand_word_query_is_answered),
        cmocka_unit_test(every_word_of_every_passage_finds_it),
        cmocka_unit_test(spelling_flushed_mid_build_corrects_alike),
    };
    return cmocka_run_group_tests_name("search", tests, setup, teardown);
}
