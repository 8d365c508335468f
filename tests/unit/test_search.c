/* Tests of indexing and searching the demo corpus in-process through the
 * public API (src/dealsearch.h: src/indexer.c, src/search.c), and of
 * highlighting (src/highlight.c): the answers the product promises, and
 * the property that index and query analysis agree — every word of every
 * passage finds that passage, highlighted. */
#include "unit.h"

#include <sys/stat.h>

#include "build.h"
#include "demo.h"
#include "../../src/highlight.h"
#include "../../src/search.h"

static char *tmp;
static char index_dir[600];
static ds_searcher *searcher;

static int setup(void **state)
{
    (void)state;
    tmp = unit_tempdir();
    snprintf(index_dir, sizeof index_dir, "%s/index", tmp);
    ds_index_stats stats;
    if (unit_build("corpus", index_dir, 0, 0, &stats) != 0) return -1;
    if (stats.files != 5 || stats.passages < 50) return -1;
    return ds_searcher_open(index_dir, &searcher, NULL) == DS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ds_searcher_close(searcher);
    unit_rmtree(tmp);
    free(tmp);
    return 0;
}

/* Whether searches list every passage (--all): most tests here are about
 * which passages match, not how facts are grouped. */
static int all_passages = 1;

static ds_results *search_in(ds_searcher *s, const char *q, unsigned limit,
                             int any)
{
    ds_search_options opt;
    ds_search_options_init(&opt);
    opt.limit = limit;
    opt.match_any = any;
    opt.all = all_passages;
    ds_results *r = NULL;
    char *err = NULL;
    if (ds_search(s, q, &opt, &r, &err) != DS_OK) {
        fprintf(stderr, "search '%s': %s\n", q, err);
        fail();
    }
    return r;
}

static ds_results *search(const char *q, unsigned limit)
{
    return search_in(searcher, q, limit, 0);
}

static const ds_record *rec(const ds_results *r, size_t i)
{
    return &ds_results_hit(r, i)->record;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void interim_ceo_finds_both_droege_passages_first(void **state)
{
    (void)state;
    ds_results *r = search("interim CEO", 10);
    assert_true(ds_results_count(r) >= 2);
    int seen001 = 0, seen004 = 0;
    for (size_t i = 0; i < 2; i++) {
        assert_non_null(strstr(rec(r, i)->text, "Droege"));
        assert_non_null(strstr(rec(r, i)->text, "interim CEO"));
        seen001 += strcmp(rec(r, i)->source, "001_5f9e68b6a499abb5.txt") == 0;
        seen004 += strcmp(rec(r, i)->source, "004_5fc44690a5b3815a.txt") == 0;
    }
    assert_int_equal(seen001, 1);
    assert_int_equal(seen004, 1);
    assert_true(ds_results_hit(r, 0)->score >= ds_results_hit(r, 1)->score);
    ds_results_free(r);
}

/* Folding: the five sources stating the 49% stake are one hit; the two
 * Droege passages, which share only his name besides the query's words,
 * stay two (facts.h). */
static void a_shared_figure_folds_a_shared_name_does_not(void **state)
{
    (void)state;
    all_passages = 0;
    ds_results *r = search("\"49% stake\"", 10);
    assert_int_equal(ds_results_count(r), 1);
    assert_int_equal(ds_results_get_info(r)->total, 1);
    const ds_hit *h = ds_results_hit(r, 0);
    assert_int_equal(h->n_also, 4);
    for (size_t i = 0; i < h->n_also; i++) {
        assert_string_not_equal(h->also[i].source, h->record.source);
        assert_non_null(strstr(h->also[i].sentence, "49%"));
    }
    ds_results_free(r);
    r = search("interim CEO", 10);
    all_passages = 1;
    assert_int_equal(ds_results_get_info(r)->total, 2);
    assert_int_equal(ds_results_hit(r, 0)->n_also, 0);
    assert_int_equal(ds_results_hit(r, 1)->n_also, 0);
    ds_results_free(r);
}

static void phrase_requires_adjacent_words(void **state)
{
    (void)state;
    /* One passage each in 000, 001 and 003 has the phrase (grep -c). */
    ds_results *r = search("\"Federal Trade Commission\"", 50);
    assert_int_equal(ds_results_count(r), 3);
    ds_results_free(r);
    r = search("\"Commission Trade\"", 50);
    assert_int_equal(ds_results_count(r), 0);
    ds_results_free(r);
}

static void boolean_operators_and_filters(void **state)
{
    (void)state;
    ds_results *all = search("Droege", 50);
    ds_results *not_uber = search("Droege NOT Uber", 50);
    assert_true(ds_results_count(not_uber) < ds_results_count(all));
    for (size_t i = 0; i < ds_results_count(not_uber); i++)
        assert_null(strstr(rec(not_uber, i)->text, "Uber"));
    ds_results *src = search("stake source:003_608c90960be708b7", 50);
    assert_true(ds_results_count(src) >= 1);
    for (size_t i = 0; i < ds_results_count(src); i++)
        assert_string_equal(rec(src, i)->source, "003_608c90960be708b7.txt");
    ds_results_free(all);
    ds_results_free(not_uber);
    ds_results_free(src);
}

/* NEAR finds both words within 10 words of each other, and only then: a
 * passage holding both further apart, or only one, is not a match (NEAR
 * behaving like AND or OR would find them). */
static void near_needs_the_words_close(void **state)
{
    (void)state;
    char corpus[700], index[700];
    snprintf(corpus, sizeof corpus, "%s/near", tmp);
    snprintf(index, sizeof index, "%s/near.index", tmp);
    mkdir(corpus, 0755);
    UNIT_WRITE_STR(corpus, "close.txt",
                   "The harbour pilot said the tanker would dock at noon.\n");
    UNIT_WRITE_STR(corpus, "far.txt",
                   "The harbour was quiet for most of the long grey morning "
                   "before the arrival of a single small fishing boat, long "
                   "after every other crew had left, and then the tanker.\n");
    UNIT_WRITE_STR(corpus, "one.txt", "The tanker was late again today.\n");
    ds_index_stats stats;
    assert_int_equal(unit_build(corpus, index, 1, 0, &stats), 0);
    ds_searcher *s = NULL;
    assert_int_equal(ds_searcher_open(index, &s, NULL), DS_OK);
    ds_results *near = search_in(s, "harbour NEAR tanker", 10, 0);
    ds_results *both = search_in(s, "harbour AND tanker", 10, 0);
    ds_results *either = search_in(s, "harbour OR tanker", 10, 0);
    assert_int_equal(ds_results_count(near), 1);
    assert_string_equal(rec(near, 0)->source, "close.txt");
    assert_int_equal(ds_results_count(both), 2);
    assert_int_equal(ds_results_count(either), 3);
    ds_results_free(near);
    ds_results_free(both);
    ds_results_free(either);
    ds_searcher_close(s);
}

/* The sources `query` finds in the searcher `s`, sorted, space-separated
 * (malloc'd). */
static char *sources_of(ds_searcher *s, const char *query)
{
    ds_results *r = search_in(s, query, 100, 0);
    size_t n = ds_results_count(r);
    const char **names = malloc((n + 1) * sizeof *names);
    for (size_t i = 0; i < n; i++) names[i] = rec(r, i)->source;
    qsort(names, n, sizeof *names, compare_names);
    ds_buf out;
    ds_buf_init(&out);
    for (size_t i = 0; i < n; i++) {
        if (i) ds_buf_putc(&out, ' ');
        ds_buf_puts(&out, names[i]);
    }
    free(names);
    ds_results_free(r);
    return out.data ? ds_buf_steal(&out) : strdup("");
}

/* NEAR and ADJ between a phrase or a run of words and a word mean them
 * as written: the phrase's words together, within the gap (ADJ: in
 * order). */
static void near_and_adj_take_phrases(void **state)
{
    (void)state;
    char corpus[700], index[700];
    snprintf(corpus, sizeof corpus, "%s/phrases", tmp);
    snprintf(index, sizeof index, "%s/phrases.index", tmp);
    mkdir(corpus, 0755);
    UNIT_WRITE_STR(corpus, "a.txt", "The Saudi Arabia oil minister spoke.\n");
    UNIT_WRITE_STR(corpus, "b.txt", "Saudi officials met in Riyadh while "
                                    "Arabia exported oil.\n");
    UNIT_WRITE_STR(corpus, "c.txt",
                   "Saudi Arabia said on Monday that it would keep its "
                   "production quotas unchanged for the rest of this year "
                   "whatever happened to the price of oil.\n");
    UNIT_WRITE_STR(corpus, "d.txt", "Oil prices rose as Saudi Arabia cut "
                                    "its output.\n");
    ds_index_stats stats;
    assert_int_equal(unit_build(corpus, index, 1, 0, &stats), 0);
    ds_searcher *s = NULL;
    assert_int_equal(ds_searcher_open(index, &s, NULL), DS_OK);
    const char *cases[][2] = {
        {"\"Saudi Arabia\" NEAR oil", "a.txt d.txt"},
        {"Saudi Arabia NEAR oil", "a.txt d.txt"},
        {"\"Saudi Arabia\" ADJ oil", "a.txt"},
        {"oil ADJ \"Saudi Arabia\"", "d.txt"},
        {"\"Saudi Arabia\" NEAR/2 oil", "a.txt"},
        /* c.txt: 23 words between Arabia and oil; Xapian's NEAR/n
         * allows n - 1 words between. */
        {"\"Saudi Arabia\" NEAR/23 oil", "a.txt d.txt"},
        {"\"Saudi Arabia\" NEAR/24 oil", "a.txt c.txt d.txt"},
        {"minister OR \"Saudi Arabia\" NEAR oil", "a.txt d.txt"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = sources_of(s, cases[i][0]);
        if (strcmp(got, cases[i][1]) != 0)
            fail_msg("%s: found '%s', not '%s'", cases[i][0], got,
                     cases[i][1]);
        free(got);
    }
    ds_searcher_close(s);
}

static void stemming_matches_inflections(void **state)
{
    (void)state;
    ds_results *a = search("investments", 100), *b = search("investing", 100);
    assert_true(ds_results_count(a) > 5);
    assert_int_equal(ds_results_count(a), ds_results_count(b));
    ds_results_free(a);
    ds_results_free(b);
}

static void no_common_passage_counts_those_with_any_word(void **state)
{
    (void)state;
    ds_results *r = search("Droege CNBC", 10);
    assert_int_equal(ds_results_count(r), 0);
    assert_int_equal(ds_results_get_info(r)->spread_articles, 0);
    ds_results *any = search("Droege OR CNBC", 100);
    assert_true(ds_results_count(any) >= 2);
    assert_int_equal(ds_results_get_info(r)->total_if_any,
                     ds_results_count(any));
    ds_results_free(r);
    ds_results_free(any);
}

/* No passage names both, one article does: its passages, each holding one
 * of the words. */
static void words_spread_over_an_article_find_it(void **state)
{
    (void)state;
    ds_results *r = search("Droege Zuckerberg", 100);
    const ds_results_info *info = ds_results_get_info(r);
    assert_int_equal(info->spread_articles, 1);
    assert_int_equal(info->total, ds_results_count(r));
    assert_true(ds_results_count(r) >= 2);
    const char *source = ds_results_hit(r, 0)->record.source;
    for (size_t i = 0; i < ds_results_count(r); i++) {
        const ds_hit *h = ds_results_hit(r, i);
        assert_true(h->article);
        assert_string_equal(h->record.source, source);
        assert_true(strstr(h->record.text, "Droege") ||
                    strstr(h->record.text, "Zuckerberg"));
    }
    ds_results_free(r);
}

static void bad_queries_are_errors_naming_the_query(void **state)
{
    (void)state;
    ds_search_options opt;
    ds_search_options_init(&opt);
    ds_results *r = NULL;
    char *err = NULL;
    assert_int_equal(ds_search(searcher, "  ", &opt, &r, &err), DS_ERR_QUERY);
    assert_null(r);
    assert_string_equal(err, "empty query");
    free(err);
    assert_int_equal(ds_search(searcher, "?!", &opt, &r, &err), DS_ERR_QUERY);
    assert_non_null(strstr(err, "'?!'"));
    free(err);
    char *huge = malloc(DS_MAX_QUERY_BYTES + 2);
    memset(huge, 'a', DS_MAX_QUERY_BYTES + 1);
    huge[DS_MAX_QUERY_BYTES + 1] = '\0';
    assert_int_equal(ds_search(searcher, huge, &opt, &r, &err), DS_ERR_QUERY);
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
    ds_results *r = search(q.data, 10);
    assert_int_equal(ds_results_count(r), 0); /* no passage has all 10,001 */
    ds_results_free(r);
    r = search_in(searcher, q.data, 10, 1);
    assert_true(ds_results_count(r) >= 1); /* any of them: Droege matches */
    ds_results_free(r);
    ds_buf_free(&q);
}

typedef struct {
    const char *source;
    unsigned long passage;
    const char *text;
    size_t checked;
} property_ctx;

/* Is text[start..end) one of the spans the hit's text highlights? */
static int highlighted(const ds_results *r, const ds_hit *h, size_t start,
                       size_t end)
{
    ds_highlighter *hl = ds_highlighter_new(r->analyzer, r->searched,
                                            r->synonyms);
    ds_span_list spans = {0};
    ds_highlight(hl, h->record.text, h->record.text_len, h->terms,
                 h->n_terms, &spans);
    int found = 0;
    for (size_t i = 0; i < spans.count; i++)
        found |= spans.items[i].start == start && spans.items[i].end == end;
    ds_span_list_free(&spans);
    ds_highlighter_free(hl);
    return found;
}

/* Search for one word of a passage; the passage must be among the hits and
 * the word must be highlighted in it. */
static int word_finds_its_passage(void *ctx, const ds_token *tok)
{
    property_ctx *p = ctx;
    char *word = strndup(p->text + tok->start, tok->end - tok->start);
    char *quoted = malloc(strlen(word) + 3);
    sprintf(quoted, "\"%s\"", word); /* quoted: "AND", "NOT" are words */
    ds_results *r = search(quoted, 1000);
    const ds_hit *found = NULL;
    for (size_t i = 0; i < ds_results_count(r) && !found; i++)
        if (strcmp(rec(r, i)->source, p->source) == 0 &&
            rec(r, i)->passage == p->passage)
            found = ds_results_hit(r, i);
    if (!found)
        fail_msg("'%s' does not find %s passage %lu", word, p->source,
                 p->passage);
    if (!highlighted(r, found, tok->start, tok->end))
        fail_msg("'%s' is not highlighted in %s passage %lu", word,
                 p->source, p->passage);
    ds_results_free(r);
    free(quoted);
    free(word);
    p->checked++;
    return 0;
}

static void every_word_of_every_passage_finds_it(void **state)
{
    (void)state;
    ds_corpus_doc docs[8];
    size_t n = demo_articles(docs, 8), checked = 0;
    for (size_t f = 0; f < n; f++) {
        const ds_article *a = &docs[f].article;
        for (size_t i = 0; i < a->count; i++) {
            property_ctx p = {docs[f].source, i + 1, a->items[i].text, 0};
            ds_tokenize(p.text, a->items[i].len, word_finds_its_passage, &p);
            checked += p.checked;
        }
        ds_corpus_doc_free(&docs[f]);
    }
    assert_true(checked > 2000);
}

/* Spelling words handed to the shards mid-build (what a corpus of more
 * than 300,000 distinct words makes happen), by two shards in threads,
 * correct and suggest as the one hand-over at the end does. */
static void spelling_flushed_mid_build_corrects_alike(void **state)
{
    (void)state;
    char path[700];
    snprintf(path, sizeof path, "%s/flushed", tmp);
    ds_index_stats stats;
    assert_int_equal(unit_build("corpus", path, 2, 40, &stats), 0);
    ds_searcher *flushed = NULL;
    assert_int_equal(ds_searcher_open(path, &flushed, NULL), DS_OK);
    const char *queries[] = {"interm ceo", "acquisiton", "investmnt",
                             "scael", "exectuive", "aquired stke",
                             "zukerberg", "chiefs strtegy", "Droge"};
    size_t fixes = 0;
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        ds_results *a = search_in(searcher, queries[i], 3, 0);
        ds_results *b = search_in(flushed, queries[i], 3, 0);
        const ds_results_info *ia = ds_results_get_info(a);
        const ds_results_info *ib = ds_results_get_info(b);
        assert_int_equal(ia->corrected != NULL, ib->corrected != NULL);
        if (ia->corrected) assert_string_equal(ia->corrected, ib->corrected);
        assert_int_equal(ia->n_suggestions, ib->n_suggestions);
        for (size_t k = 0; k < ia->n_suggestions; k++) {
            assert_string_equal(ia->suggestions[k].suggestion,
                                ib->suggestions[k].suggestion);
            assert_int_equal(ia->suggestions[k].passages,
                             ib->suggestions[k].passages);
        }
        fixes += (ia->corrected != NULL) + ia->n_suggestions;
        ds_results_free(a);
        ds_results_free(b);
    }
    assert_true(fixes >= 6);
    ds_searcher_close(flushed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(interim_ceo_finds_both_droege_passages_first),
        cmocka_unit_test(a_shared_figure_folds_a_shared_name_does_not),
        cmocka_unit_test(phrase_requires_adjacent_words),
        cmocka_unit_test(boolean_operators_and_filters),
        cmocka_unit_test(near_needs_the_words_close),
        cmocka_unit_test(near_and_adj_take_phrases),
        cmocka_unit_test(stemming_matches_inflections),
        cmocka_unit_test(no_common_passage_counts_those_with_any_word),
        cmocka_unit_test(words_spread_over_an_article_find_it),
        cmocka_unit_test(bad_queries_are_errors_naming_the_query),
        cmocka_unit_test(ten_thousand_word_query_is_answered),
        cmocka_unit_test(every_word_of_every_passage_finds_it),
        cmocka_unit_test(spelling_flushed_mid_build_corrects_alike),
    };
    return cmocka_run_group_tests_name("search", tests, setup, teardown);
}
