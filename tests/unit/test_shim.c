/* Tests of the C shim over Xapian (shim/), including its error paths:
 * every failure is a status and a message, never a throw. */
#include "unit.h"

#include <fcntl.h>
#include <math.h>
#include <unistd.h>

#include "../../shim/shim.h"
#include "../../src/analyzer.h"

static ds_analyzer *analyzer;

static int setup(void **state)
{
    (void)state;
    analyzer = ds_analyzer_new();
    return analyzer ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ds_analyzer_free(analyzer);
    return 0;
}

/* A database at dir/db with three small documents. */
static char *make_db(const char *dir)
{
    char *path = malloc(600);
    snprintf(path, 600, "%s/db", dir);
    dsx_writer *w = NULL;
    char *err = NULL;
    assert_int_equal(dsx_writer_create(path, ds_analyzer_stemmer(analyzer),
                                       0, 0, &w, &err),
                     DS_OK);
    dsx_doc *d = NULL;
    assert_int_equal(dsx_doc_create(w, &d, NULL), DS_OK);
    const char *texts[] = {"The interim CEOs were named.",
                           "Meta acquired a stake in Scale AI.",
                           "Investors invest in investments."};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(
            dsx_doc_index_text(d, texts[i], strlen(texts[i]), "", 1, NULL), DS_OK);
        assert_int_equal(dsx_doc_add_term(d, i == 1 ? "XSRCb" : "XSRCa", NULL),
                         DS_OK);
        assert_int_equal(
            dsx_doc_set_value(d, 0, texts[i], strlen(texts[i]), NULL), DS_OK);
        assert_int_equal(dsx_writer_add_doc(w, d, NULL), DS_OK);
    }
    assert_int_equal(dsx_writer_set_metadata(w, "k", "v", NULL), DS_OK);
    /* Every table a database can have, so tests can damage each. */
    assert_int_equal(dsx_writer_add_spelling(w, "interim", 7, 1, NULL), DS_OK);
    assert_int_equal(dsx_writer_add_synonym(w, "ceo", "chief", NULL), DS_OK);
    assert_int_equal(dsx_writer_commit(w, NULL), DS_OK);
    unsigned long docs, vocab;
    assert_int_equal(dsx_writer_stats(w, &docs, &vocab, NULL), DS_OK);
    assert_int_equal(docs, 3);
    assert_true(vocab > 10);
    dsx_doc_destroy(d);
    dsx_writer_destroy(w);
    return path;
}

static dsx_db *open_db(const char *path)
{
    dsx_db *db = NULL;
    char *err = NULL;
    assert_int_equal(dsx_db_open(path, ds_analyzer_stemmer(analyzer), &db,
                                 &err),
                     DS_OK);
    assert_int_equal(dsx_db_add_boolean_prefix(db, "source", "XSRC", NULL), DS_OK);
    return db;
}

/* Number of hits for `text`, and the data of the first in *first. */
static const dsx_search_params params = {.limit = 10,
                                         .check_at_least = 10,
                                         .collapse_slot = -1,
                                         .data_slot = 0};

static size_t count_hits(dsx_db *db, const char *text, char **first)
{
    dsx_query *q = NULL;
    assert_int_equal(dsx_db_parse_query(db, text, 0, &q, NULL), DS_OK);
    dsx_results *r = NULL;
    assert_int_equal(dsx_db_search(db, q, &params, &r, NULL), DS_OK);
    size_t n = dsx_results_size(r);
    if (first && n) {
        assert_int_equal(dsx_results_load(r, 0, 1, NULL), DS_OK);
        dsx_hit h;
        dsx_results_hit(r, 0, &h);
        *first = strndup(h.data, h.data_len);
    }
    dsx_results_destroy(r);
    dsx_query_destroy(q);
    return n;
}

static void round_trip_with_stemming_and_filters(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char *path = make_db(dir);
    dsx_db *db = open_db(path);
    char *first = NULL;
    assert_int_equal(count_hits(db, "CEO", &first), 1); /* CEOs -> ceo */
    assert_string_equal(first, "The interim CEOs were named.");
    free(first);
    assert_int_equal(count_hits(db, "investing", NULL), 1);
    assert_int_equal(count_hits(db, "\"interim CEO\"", NULL), 1);
    assert_int_equal(count_hits(db, "\"CEO interim\"", NULL), 0);
    assert_int_equal(count_hits(db, "in source:a", NULL), 1);
    assert_int_equal(count_hits(db, "in source:b", NULL), 1);
    assert_int_equal(count_hits(db, "acqui*", NULL), 1);
    assert_int_equal(count_hits(db, "in NOT meta", NULL), 1);
    char *value = NULL;
    assert_int_equal(dsx_db_get_metadata(db, "k", &value, NULL), DS_OK);
    assert_string_equal(value, "v");
    free(value);
    dsx_db_destroy(db);
    unit_rmtree(dir);
    free(path);
    free(dir);
}

/* ---- Length normalisation ---- */

static const char *const norm_texts[] = {
    "cat",
    "cat cat dog",
    "the cat sat on the mat with another cat and a dog",
    "a dog, a bird and a fish swam past the boat on the river while the "
    "people on the bank watched them and talked about the weather and "
    "the price of bread; nobody saw the cat",
    "dog dog dog bird",
    "bird fish boat river bank weather bread people",
};
#define N_NORM_TEXTS (sizeof norm_texts / sizeof *norm_texts)

static int count_token(void *ctx, const ds_token *tok)
{
    (void)tok;
    ++*(unsigned *)ctx;
    return 0;
}

/* The n `texts` as documents at dir/name, their wdfs normalised with
 * `norm` (NULL: left as they are). */
static char *make_texts_db(const char *dir, const char *name,
                           const char *const *texts, size_t n,
                           const dsx_length_norm *norm)
{
    char *path = malloc(600);
    snprintf(path, 600, "%s/%s", dir, name);
    dsx_writer *w = NULL;
    char *err = NULL;
    assert_int_equal(dsx_writer_create(path, ds_analyzer_stemmer(analyzer),
                                       0, 0, &w, &err),
                     DS_OK);
    dsx_doc *d = NULL;
    assert_int_equal(dsx_doc_create(w, &d, NULL), DS_OK);
    for (size_t i = 0; i < n; i++) {
        const char *t = texts[i];
        assert_int_equal(dsx_doc_index_text(d, t, strlen(t), "", 1, NULL), DS_OK);
        assert_int_equal(dsx_doc_add_term(d, "XSRCa", NULL), DS_OK);
        if (norm) assert_int_equal(dsx_doc_normalise_lengths(d, norm, NULL), DS_OK);
        assert_int_equal(dsx_doc_set_value(d, 0, t, strlen(t), NULL), DS_OK);
        assert_int_equal(dsx_writer_add_doc(w, d, NULL), DS_OK);
    }
    assert_int_equal(dsx_writer_commit(w, NULL), DS_OK);
    dsx_doc_destroy(d);
    dsx_writer_destroy(w);
    return path;
}

static char *make_norm_db(const char *dir, const char *name,
                          const dsx_length_norm *norm)
{
    return make_texts_db(dir, name, norm_texts, N_NORM_TEXTS, norm);
}

static dsx_results *search_with(dsx_db *db, const char *text,
                                const dsx_search_params *p)
{
    dsx_query *q = NULL;
    assert_int_equal(dsx_db_parse_query(db, text, 0, &q, NULL), DS_OK);
    dsx_results *r = NULL;
    assert_int_equal(dsx_db_search(db, q, p, &r, NULL), DS_OK);
    dsx_query_destroy(q);
    return r;
}

static dsx_results *search_all(dsx_db *db, const char *text)
{
    return search_with(db, text, &params);
}

/* How often the words of `term` occur in norm_texts: what the stems
 * file tells a search (dsx_search_params.collection_freq). */
static unsigned long norm_texts_freq(void *ctx, const char *term, size_t len)
{
    (void)ctx;
    unsigned long f = 0;
    for (size_t i = 0; i < N_NORM_TEXTS; i++) {
        ds_stemmed_words w = {NULL, 0, 0};
        ds_stem_words(analyzer, norm_texts[i], strlen(norm_texts[i]), NULL,
                      NULL, &w);
        for (size_t k = 0; k < w.count; k++)
            f += strlen(w.items[k].stem) == len &&
                 memcmp(w.items[k].stem, term, len) == 0;
        ds_stemmed_words_free(&w);
    }
    return f;
}

/* Wdfs normalised and saturated when written, with the words'
 * occurrences from the caller, rank and score as Xapian's IneB2Weight
 * reading document lengths and collection frequencies does, to within
 * the rounding of the stored wdfs: half a step of 1/127 on a saturated
 * wdf of at least 0.25 in these texts, under 2%. */
static void normalised_wdfs_score_as_ineb2(void **state)
{
    (void)state;
    unsigned words = 0;
    for (size_t i = 0; i < N_NORM_TEXTS; i++)
        ds_tokenize(norm_texts[i], strlen(norm_texts[i]), count_token, &words);
    const dsx_length_norm norm = {1, (double)words / N_NORM_TEXTS, 127};
    char *dir = unit_tempdir();
    char *raw_path = make_norm_db(dir, "raw", NULL);
    char *norm_path = make_norm_db(dir, "norm", &norm);
    dsx_db *raw = open_db(raw_path), *normalised = open_db(norm_path);
    dsx_db_set_length_norm(normalised, &norm);
    dsx_search_params counted = params;
    counted.limit = counted.check_at_least = N_NORM_TEXTS;
    counted.collection_freq = norm_texts_freq;
    /* Not phrases, whose words share one factor (weighting.cc). */
    const char *queries[] = {"cat", "dog", "bird", "cat OR dog",
                             "dog bird", "bird OR fish"};
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
        dsx_results *a = search_all(raw, queries[q]);
        dsx_results *b = search_with(normalised, queries[q], &counted);
        assert_true(dsx_results_size(a) > 0);
        assert_int_equal(dsx_results_size(a), dsx_results_size(b));
        for (size_t i = 0; i < dsx_results_size(a); i++) {
            dsx_hit x, y;
            dsx_results_hit(a, i, &x);
            dsx_results_hit(b, i, &y);
            assert_int_equal(x.docid, y.docid);
            assert_true(fabs(x.score - y.score) < 0.02 * x.score);
        }
        dsx_results_destroy(a);
        dsx_results_destroy(b);
    }
    dsx_db_destroy(raw);
    dsx_db_destroy(normalised);
    unit_rmtree(dir);
    free(raw_path);
    free(norm_path);
    free(dir);
}

/* A coarse scale lowers wdfs (Xapian only adds to them): the positions
 * must survive, and every weighted term keep a wdf. */
static void lowered_wdfs_keep_their_positions(void **state)
{
    (void)state;
    const dsx_length_norm norm = {1, 2, 1};
    char *dir = unit_tempdir();
    char *path = make_norm_db(dir, "db", &norm);
    dsx_db *db = open_db(path);
    dsx_db_set_length_norm(db, &norm);
    assert_int_equal(count_hits(db, "\"price of bread\"", NULL), 1);
    assert_int_equal(count_hits(db, "\"dog dog bird\"", NULL), 1);
    dsx_results *r = search_all(db, "weather");
    assert_int_equal(dsx_results_size(r), 2);
    for (size_t i = 0; i < 2; i++) {
        dsx_hit h;
        dsx_results_hit(r, i, &h);
        assert_true(h.score > 0);
    }
    dsx_results_destroy(r);
    dsx_db_destroy(db);
    unit_rmtree(dir);
    free(path);
    free(dir);
}

/* ---- Proximity ---- */

/* The same twelve words, "red" and "car" placed side by side (in the
 * query's order, then not), five apart, and eleven apart: BM25 alone
 * scores them alike. */
static const char *const prox_texts[] = {
    "red car one two three four five six seven eight nine ten",
    "car red one two three four five six seven eight nine ten",
    "red one two three four car five six seven eight nine ten",
    "red one two three four five six seven eight nine ten car",
};

static dsx_results *search_prox(dsx_db *db, const char *text, double weight)
{
    dsx_search_params p = params;
    p.limit = p.check_at_least = 1000;
    p.ordered_weight = p.unordered_weight = weight;
    p.window = 8;
    p.explain = 1;
    dsx_query *q = NULL;
    assert_int_equal(dsx_db_parse_query(db, text, DSX_QUERY_MATCH_ANY, &q,
                                        NULL),
                     DS_OK);
    dsx_results *r = NULL;
    assert_int_equal(dsx_db_search(db, q, &p, &r, NULL), DS_OK);
    assert_int_equal(dsx_results_load(r, 0, dsx_results_size(r), NULL),
                     DS_OK);
    dsx_query_destroy(q);
    return r;
}

static double score_of(const dsx_results *r, unsigned docid)
{
    for (size_t i = 0; i < dsx_results_size(r); i++) {
        dsx_hit h;
        dsx_results_hit(r, i, &h);
        if (h.docid == docid) return h.score;
    }
    fail_msg("document %u not found", docid);
    return 0;
}

/* Each pair of adjacent query words adds its words' weights times the
 * ordered weight where they stand side by side in order, and times the
 * unordered weight where they are within the window; nothing else
 * changes. */
static void adjacent_words_rank_higher(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char *path = make_texts_db(dir, "db", prox_texts, 4, NULL);
    dsx_db *db = open_db(path);
    dsx_results *off = search_prox(db, "red car", 0);
    dsx_results *on = search_prox(db, "red car", 0.1);
    assert_int_equal(dsx_results_size(off), 4);
    assert_int_equal(dsx_results_size(on), 4);
    double base = score_of(off, 1);
    for (unsigned d = 2; d <= 4; d++)
        assert_true(fabs(score_of(off, d) - base) < 1e-9);
    assert_true(fabs(score_of(on, 1) - 1.2 * base) < 1e-9);
    assert_true(fabs(score_of(on, 2) - 1.1 * base) < 1e-9);
    assert_true(fabs(score_of(on, 3) - 1.1 * base) < 1e-9);
    assert_true(fabs(score_of(on, 4) - base) < 1e-9);
    dsx_hit first;
    dsx_results_hit(on, 0, &first);
    assert_int_equal(first.docid, 1);
    /* The words matched are the query's, not the proximity parts'. */
    assert_int_equal(first.n_terms, 2);
    dsx_results_destroy(off);
    dsx_results_destroy(on);
    dsx_db_destroy(db);
    unit_rmtree(dir);
    free(path);
    free(dir);
}

/* A hit's score is its parts' sum, however many pairs the query has:
 * Xapian 1.4.22 gave documents the weight of phrases they do not hold
 * when the pairs were OR-ed on AND_MAYBE's right side.  Texts of words
 * drawn from eight (a fixed pseudo-random sequence) give many near and
 * few adjacent pairs. */
static void proximity_parts_add_up_to_the_score(void **state)
{
    (void)state;
    static const char *const words[] = {"red",  "car",  "one",  "two",
                                        "blue", "boat", "green", "house"};
    enum { DOCS = 200, WORDS = 12 };
    char texts[DOCS][WORDS * 6 + 1];
    const char *text_ptrs[DOCS];
    unsigned long seed = 7;
    for (size_t d = 0; d < DOCS; d++) {
        texts[d][0] = '\0';
        for (size_t w = 0; w < WORDS; w++) {
            seed = seed * 1103515245 + 12345;
            strcat(texts[d], words[(seed >> 16) % 8]);
            strcat(texts[d], " ");
        }
        text_ptrs[d] = texts[d];
    }
    char *dir = unit_tempdir();
    char *path = make_texts_db(dir, "db", text_ptrs, DOCS, NULL);
    dsx_db *db = open_db(path);
    /* Explain finds a hit by its order value: value 0 holds its text,
     * which no other document has. */
    dsx_db_set_order_slot(db, 0);
    const char *queries[] = {"red car one", "car red blue boat",
                             "one red car house green"};
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
        dsx_results *r = search_prox(db, queries[q], 0.5);
        for (size_t i = 0; i < dsx_results_size(r); i++) {
            dsx_hit h;
            dsx_results_hit(r, i, &h);
            double sum = 0;
            for (size_t p = 0; p < h.n_parts; p++) sum += h.parts[p].weight;
            if (fabs(sum - h.score) > 1e-9)
                fail_msg("'%s', document %u: score %g, parts %g",
                         queries[q], h.docid, h.score, sum);
        }
        dsx_results_destroy(r);
    }
    dsx_db_destroy(db);
    unit_rmtree(dir);
    free(path);
    free(dir);
}

/* Whether hit i of r has a proximity part (a phrase or a window). */
static int has_pair_part(const dsx_results *r, size_t i)
{
    dsx_hit h;
    dsx_results_hit(r, i, &h);
    for (size_t p = 0; p < h.n_parts; p++)
        if (strstr(h.parts[p].label, "PHRASE") ||
            strstr(h.parts[p].label, "NEAR"))
            return 1;
    return 0;
}

/* A pair is left out of the ranking where no result can hold it: when
 * what the query takes away (AND_NOT) matches every passage holding both
 * its words, as the search for typo variants takes away the query as
 * written.  Elsewhere under AND_NOT it still ranks. */
static void pairs_under_and_not_rank_where_a_result_can_hold_them(void **state)
{
    (void)state;
    static const char *const texts[] = {"red car one", "red one two",
                                        "car one two"};
    char *dir = unit_tempdir();
    char *path = make_texts_db(dir, "db", texts, 3, NULL);
    dsx_db *db = open_db(path);
    dsx_db_set_order_slot(db, 0);
    dsx_query *any = NULL, *all = NULL, *two = NULL, *red_two = NULL;
    dsx_query *q = NULL;
    assert_int_equal(dsx_db_parse_query(db, "red car", DSX_QUERY_MATCH_ANY,
                                        &any, NULL), DS_OK);
    assert_int_equal(dsx_db_parse_query(db, "red car", 0, &all, NULL), DS_OK);
    assert_int_equal(dsx_db_parse_query(db, "two", 0, &two, NULL), DS_OK);
    assert_int_equal(dsx_db_parse_query(db, "red two", 0, &red_two, NULL),
                     DS_OK);
    dsx_search_params p = params;
    p.limit = p.check_at_least = 10;
    p.ordered_weight = p.unordered_weight = 0.5;
    p.window = 8;
    p.explain = 1;
    /* red OR car, less red AND car: the pair cannot hold. */
    assert_int_equal(dsx_query_and_not(any, all, &q, NULL), DS_OK);
    dsx_results *r = NULL;
    assert_int_equal(dsx_db_search(db, q, &p, &r, NULL), DS_OK);
    assert_int_equal(dsx_results_load(r, 0, dsx_results_size(r), NULL), DS_OK);
    assert_int_equal(dsx_results_size(r), 2);
    for (size_t i = 0; i < 2; i++) assert_false(has_pair_part(r, i));
    dsx_results_destroy(r);
    dsx_query_destroy(q);
    /* Less two, or less red AND two: the first text holds the pair side
     * by side. */
    const dsx_query *except[] = {two, red_two};
    for (size_t e = 0; e < 2; e++) {
        assert_int_equal(dsx_query_and_not(any, except[e], &q, NULL), DS_OK);
        assert_int_equal(dsx_db_search(db, q, &p, &r, NULL), DS_OK);
        assert_int_equal(dsx_results_load(r, 0, dsx_results_size(r), NULL),
                         DS_OK);
        assert_int_equal(dsx_results_size(r), e == 0 ? 1 : 2);
        assert_true(has_pair_part(r, 0));
        dsx_results_destroy(r);
        dsx_query_destroy(q);
    }
    dsx_query_destroy(any);
    dsx_query_destroy(all);
    dsx_query_destroy(two);
    dsx_query_destroy(red_two);
    dsx_db_destroy(db);
    unit_rmtree(dir);
    free(path);
    free(dir);
}

static void matching_terms_are_reported_per_hit(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char *path = make_db(dir);
    dsx_db *db = open_db(path);
    dsx_query *q = NULL;
    assert_int_equal(dsx_db_parse_query(db, "interim OR invest*", 0, &q, NULL),
                     DS_OK);
    dsx_results *r = NULL;
    assert_int_equal(dsx_db_search(db, q, &params, &r, NULL), DS_OK);
    assert_int_equal(dsx_results_size(r), 2);
    dsx_hit unloaded;
    dsx_results_hit(r, 0, &unloaded);
    assert_null(unloaded.data); /* read only when loaded */
    assert_int_equal(unloaded.n_terms, 0);
    assert_int_equal(dsx_results_load(r, 0, 5, NULL), DS_OK);
    /* Plain terms are reported; wildcard expansions are not (Xapian 1.4),
     * which is why the highlighter matches wildcard prefixes itself. */
    size_t with_interim = 0;
    for (size_t i = 0; i < 2; i++) {
        dsx_hit h;
        dsx_results_hit(r, i, &h);
        assert_true(h.score > 0);
        for (size_t t = 0; t < h.n_terms; t++)
            with_interim += strcmp(h.terms[t], "interim") == 0;
    }
    assert_int_equal(with_interim, 1);
    dsx_results_destroy(r);
    dsx_query_destroy(q);
    dsx_db_destroy(db);
    unit_rmtree(dir);
    free(path);
    free(dir);
}

static void invalid_syntax_is_relaxed_to_words(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char *path = make_db(dir);
    dsx_db *db = open_db(path);
    const char *bad[] = {"AND", "interim AND", "NOT", "( interim", "OR OR"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        dsx_query *q = NULL;
        assert_int_equal(dsx_db_parse_query(db, bad[i], 0, &q, NULL), DS_OK);
        dsx_query_destroy(q);
    }
    dsx_query *q = NULL;
    assert_int_equal(dsx_db_parse_query(db, "AND", 0, &q, NULL), DS_OK);
    assert_true(dsx_query_was_relaxed(q));
    assert_false(dsx_query_is_empty(q));
    dsx_query_destroy(q);
    assert_int_equal(dsx_db_parse_query(db, "!!! ...", 0, &q, NULL), DS_OK);
    assert_true(dsx_query_is_empty(q));
    dsx_query_destroy(q);
    dsx_db_destroy(db);
    unit_rmtree(dir);
    free(path);
    free(dir);
}

static void opening_a_missing_database_is_a_status(void **state)
{
    (void)state;
    dsx_db *db = (dsx_db *)1;
    char *err = NULL;
    ds_status st = dsx_db_open("/nonexistent/db",
                               ds_analyzer_stemmer(analyzer), &db, &err);
    assert_int_equal(st, DS_ERR_IO);
    assert_null(db);
    assert_non_null(err);
    assert_true(strlen(err) > 0);
    free(err);
}

static void opening_a_foreign_directory_is_a_status(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    UNIT_WRITE_STR(dir, "postlist.glass", "not a database at all");
    UNIT_WRITE_STR(dir, "iamglass", "garbage");
    dsx_db *db = NULL;
    char *err = NULL;
    ds_status st = dsx_db_open(dir, ds_analyzer_stemmer(analyzer), &db, &err);
    assert_int_not_equal(st, DS_OK);
    assert_null(db);
    assert_non_null(err);
    free(err);
    unit_rmtree(dir);
    free(dir);
}

/* Search a database whose file `table` was overwritten with junk: an
 * error must come as a status with a message; and Xapian's checker must
 * find the damage. */
static void search_damaged(const char *path, const char *table)
{
    dsx_db *db = NULL;
    char *err = NULL;
    ds_status st = dsx_db_open(path, ds_analyzer_stemmer(analyzer), &db, &err);
    dsx_query *q = NULL;
    dsx_results *r = NULL;
    if (st == DS_OK)
        st = dsx_db_parse_query(db, "interim OR meta OR invest", 0, &q, &err);
    if (st == DS_OK) st = dsx_db_search(db, q, &params, &r, &err);
    assert_true(st == DS_OK || (err && strlen(err) > 0));
    free(err);
    dsx_results_destroy(r);
    dsx_query_destroy(q);
    dsx_db_destroy(db);
    unsigned long errors = 0;
    char *report = NULL;
    err = NULL;
    st = dsx_check(path, &errors, &report, &err);
    if (st == DS_OK && errors == 0)
        fail_msg("junk in %s went unnoticed by the checker", table);
    free(report);
    free(err);
}

static void damaged_tables_give_errors_not_crashes(void **state)
{
    (void)state;
    const char *tables[] = {"postlist.glass", "termlist.glass",
                            "position.glass", "spelling.glass",
                            "synonym.glass"};
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
        char *dir = unit_tempdir();
        char *path = make_db(dir);
        char file[700];
        snprintf(file, sizeof file, "%s/%s", path, tables[t]);
        int fd = open(file, O_WRONLY);
        if (fd < 0) fail_msg("%s: no such table to damage", tables[t]);
        char junk[8192];
        memset(junk, 0xA5, sizeof junk);
        assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
        close(fd);
        search_damaged(path, tables[t]);
        unit_rmtree(dir);
        free(path);
        free(dir);
    }
}

/* A database written by a newer Xapian format is a version error. */
static void unknown_format_version_is_a_version_error(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char *path = make_db(dir);
    char file[700];
    snprintf(file, sizeof file, "%s/iamglass", path);
    int fd = open(file, O_WRONLY);
    assert_true(fd >= 0);
    /* The format version follows the 14-byte magic "\x0f\x0dXapian Glass". */
    assert_int_equal(pwrite(fd, "\x05", 1, 14), 1);
    close(fd);
    dsx_db *db = NULL;
    char *err = NULL;
    assert_int_equal(dsx_db_open(path, ds_analyzer_stemmer(analyzer), &db,
                                 &err),
                     DS_ERR_VERSION);
    assert_null(db);
    assert_non_null(strstr(err, "version"));
    free(err);
    unit_rmtree(dir);
    free(path);
    free(dir);
}

/* Merging into a database another writer holds is a lock error. */
static void a_held_database_is_a_lock_error(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char *path = make_db(dir);
    char held[700];
    snprintf(held, sizeof held, "%s/held", dir);
    dsx_writer *w = NULL;
    assert_int_equal(dsx_writer_create(held, ds_analyzer_stemmer(analyzer), 0,
                                       0, &w, NULL),
                     DS_OK);
    const char *sources[] = {path};
    unsigned long docs = 0, vocabulary = 0;
    char *err = NULL;
    assert_int_equal(dsx_compact(sources, 1, held, &docs, &vocabulary, &err),
                     DS_ERR_LOCKED);
    assert_non_null(strstr(err, "lock"));
    free(err);
    dsx_writer_destroy(w);
    unit_rmtree(dir);
    free(path);
    free(dir);
}

static void creating_over_an_existing_database_fails(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char *path = make_db(dir);
    dsx_writer *w = NULL;
    char *err = NULL;
    assert_int_not_equal(dsx_writer_create(path, ds_analyzer_stemmer(analyzer),
                                           0, 0, &w, &err),
                         DS_OK);
    assert_null(w);
    assert_non_null(err);
    free(err);
    unit_rmtree(dir);
    free(path);
    free(dir);
}

static void clean_database_passes_check(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char *path = make_db(dir);
    unsigned long errors = 99;
    char *report = NULL, *err = NULL;
    assert_int_equal(dsx_check(path, &errors, &report, &err), DS_OK);
    assert_int_equal(errors, 0);
    assert_string_equal(report, "");
    free(report);
    unit_rmtree(dir);
    free(path);
    free(dir);
}

static void unicode_tables_match_xapian(void **state)
{
    (void)state;
    assert_true(dsx_unicode_is_wordchar('a'));
    assert_true(dsx_unicode_is_wordchar(0xE9));
    assert_false(dsx_unicode_is_wordchar(' '));
    assert_false(dsx_unicode_is_wordchar(0x2019));
    assert_int_equal(dsx_unicode_tolower('Q'), 'q');
    assert_int_equal(dsx_unicode_tolower(0xC9), 0xE9);
    assert_true(dsx_unicode_is_digit('7'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_with_stemming_and_filters),
        cmocka_unit_test(normalised_wdfs_score_as_ineb2),
        cmocka_unit_test(lowered_wdfs_keep_their_positions),
        cmocka_unit_test(adjacent_words_rank_higher),
        cmocka_unit_test(proximity_parts_add_up_to_the_score),
        cmocka_unit_test(pairs_under_and_not_rank_where_a_result_can_hold_them),
        cmocka_unit_test(matching_terms_are_reported_per_hit),
        cmocka_unit_test(invalid_syntax_is_relaxed_to_words),
        cmocka_unit_test(opening_a_missing_database_is_a_status),
        cmocka_unit_test(opening_a_foreign_directory_is_a_status),
        cmocka_unit_test(damaged_tables_give_errors_not_crashes),
        cmocka_unit_test(unknown_format_version_is_a_version_error),
        cmocka_unit_test(a_held_database_is_a_lock_error),
        cmocka_unit_test(creating_over_an_existing_database_fails),
        cmocka_unit_test(clean_database_passes_check),
        cmocka_unit_test(unicode_tables_match_xapian),
    };
    return cmocka_run_group_tests_name("shim", tests, setup, teardown);
}
