/* Tests of src/shard.c (a database written from prepared passages, in the
 * caller's thread or its own) and of dsx_compact, which merges shards. */
#include "unit.h"

#include "../../shim/shim.h"
#include "../../src/analyzer.h"
#include "../../src/schema.h"
#include "../../src/shard.h"

/* The shipped normalisation, for passages of about ten words. */
static const dsx_length_norm test_norm = {1, 10, 127};

/* Fill `job` as the indexer would for passage `n` of source "s<n % 3>". */
static void make_job(ds_passage_job *job, unsigned n)
{
    char text[128];
    snprintf(text, sizeof text, "passage %u mentions quokkas and word%u", n, n);
    ds_indexed_text_set(&job->text, NULL, text, strlen(text), NULL, 0, NULL);
    ds_buf_clear(&job->record);
    ds_buf_printf(&job->record, "s=s%u.txt\np=%u\nl=1\n\n%s",
                  n % 3, n, text);
    ds_buf_clear(&job->source_term);
    ds_buf_printf(&job->source_term, DS_PREFIX_SOURCE "s%u", n % 3);
    job->date[0] = '\0';
}

static unsigned long term_docs(const char *path, ds_analyzer *a,
                               const char *query)
{
    dsx_db *db = NULL;
    char *err = NULL;
    assert_int_equal(dsx_db_open(path, ds_analyzer_stemmer(a), &db, &err),
                     DS_OK);
    assert_int_equal(dsx_db_add_boolean_prefix(db, DS_FIELD_SOURCE,
                                               DS_PREFIX_SOURCE, NULL),
                     DS_OK);
    dsx_query *q = NULL;
    assert_int_equal(dsx_db_parse_query(db, query, 0, &q, NULL), DS_OK);
    dsx_search_params p = {.limit = 1000, .check_at_least = 1000,
                           .collapse_slot = -1, .data_slot = DS_SLOT_RECORD};
    dsx_results *r = NULL;
    assert_int_equal(dsx_db_search(db, q, &p, &r, NULL), DS_OK);
    unsigned long n = dsx_results_size(r);
    dsx_results_destroy(r);
    dsx_query_destroy(q);
    dsx_db_destroy(db);
    return n;
}

/* Index `count` passages into a new shard at `path`. */
static void build_shard(const char *path, ds_analyzer *a, int threaded,
                        unsigned first, unsigned count)
{
    char *err = NULL;
    ds_shard *s = NULL;
    assert_int_equal(ds_shard_open(path, a, NULL, 0, &s, &err), DS_OK);
    if (threaded) assert_int_equal(ds_shard_start(s, &err), DS_OK);
    ds_shard_set_norm(s, &test_norm);
    ds_passage_job job = {0};
    for (unsigned i = first; i < first + count; i++) {
        make_job(&job, i);
        assert_int_equal(ds_shard_add(s, &job, &err), DS_OK);
    }
    assert_int_equal(ds_shard_finish(s, &err), DS_OK);
    assert_int_equal(ds_shard_passages(s), count);
    assert_int_equal(dsx_writer_commit(ds_shard_writer(s), NULL), DS_OK);
    ds_passage_job_free(&job);
    ds_shard_close(s);
}

static void shard_indexes_in_its_thread_what_it_is_given(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char path[600];
    snprintf(path, sizeof path, "%s/db", dir);
    ds_analyzer *a = ds_analyzer_new();
    /* More passages than the queue holds, so the producer waits. */
    build_shard(path, a, 1, 1, 10000);
    assert_int_equal(term_docs(path, a, "quokka"), 1000); /* the limit */
    assert_int_equal(term_docs(path, a, "word9999"), 1);
    assert_int_equal(term_docs(path, a, "source:s1 word7"), 1);
    ds_analyzer_free(a);
    unit_rmtree(dir);
    free(dir);
}

static void shards_merge_in_order(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char one[600], two[600], merged[600];
    snprintf(one, sizeof one, "%s/one", dir);
    snprintf(two, sizeof two, "%s/two", dir);
    snprintf(merged, sizeof merged, "%s/merged", dir);
    ds_analyzer *a = ds_analyzer_new();
    build_shard(one, a, 0, 1, 30);
    build_shard(two, a, 1, 31, 20);
    const char *sources[] = {one, two};
    unsigned long docs = 0, vocabulary = 0;
    char *err = NULL;
    assert_int_equal(dsx_compact(sources, 2, merged, &docs, &vocabulary, &err),
                     DS_OK);
    assert_int_equal(docs, 50);
    assert_true(vocabulary >= 50); /* word1 .. word50 and the rest */
    assert_int_equal(term_docs(merged, a, "quokka"), 50);
    assert_int_equal(term_docs(merged, a, "word42"), 1);
    ds_analyzer_free(a);
    unit_rmtree(dir);
    free(dir);
}

typedef struct {
    const char *word;
    unsigned long freq;
} word_freq;

static int find_word(void *ctx, const char *word, size_t len,
                     unsigned long freq)
{
    word_freq *w = ctx;
    if (len == strlen(w->word) && memcmp(word, w->word, len) == 0)
        w->freq = freq;
    return 0;
}

/* The frequency of `word` in the spelling table of the database at
 * `path` (0: absent). */
static unsigned long spelling_freq(const char *path, const char *word)
{
    word_freq w = {word, 0};
    char *stamp = NULL;
    assert_int_equal(dsx_spellings_at(path, find_word, &w, &stamp, NULL),
                     DS_OK);
    assert_non_null(strchr(stamp, ':')); /* UUID:revision */
    free(stamp);
    return w.freq;
}

/* Spelling words reach a shard as jobs between passages (in its thread
 * or not); merging joins the shards' spelling tables and adds up the
 * counts of a word both were given. */
static void spelling_jobs_fill_the_merged_spelling_table(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char paths[2][600], merged[600];
    snprintf(merged, sizeof merged, "%s/merged", dir);
    ds_analyzer *a = ds_analyzer_new();
    /* In byte order, as the indexer gives them. */
    const struct {
        const char *word;
        unsigned count;
    } words[2][4] = {{{"harbour", 1}, {"lantern", 1}, {"pelican", 2}},
                     {{"pelican", 2}, {"pelicon", 3}, {"quokka", 1},
                      {"zeppelin", 1}}};
    for (int k = 0; k < 2; k++) {
        snprintf(paths[k], sizeof paths[k], "%s/shard%d", dir, k);
        char *err = NULL;
        ds_shard *s = NULL;
        assert_int_equal(ds_shard_open(paths[k], a, NULL, 0, &s, &err), DS_OK);
        if (k == 1) assert_int_equal(ds_shard_start(s, &err), DS_OK);
        ds_shard_set_norm(s, &test_norm);
        ds_passage_job job = {0};
        make_job(&job, 1);
        assert_int_equal(ds_shard_add(s, &job, &err), DS_OK);
        ds_buf_clear(&job.spelling);
        for (int i = 0; i < 4 && words[k][i].word; i++)
            ds_passage_job_add_spelling(&job, words[k][i].word,
                                        strlen(words[k][i].word),
                                        words[k][i].count);
        assert_int_equal(ds_shard_add(s, &job, &err), DS_OK);
        ds_buf_clear(&job.spelling);
        make_job(&job, 2);
        assert_int_equal(ds_shard_add(s, &job, &err), DS_OK);
        assert_int_equal(ds_shard_finish(s, &err), DS_OK);
        assert_int_equal(ds_shard_passages(s), 2); /* words are no passage */
        assert_int_equal(dsx_writer_commit(ds_shard_writer(s), NULL), DS_OK);
        ds_passage_job_free(&job);
        ds_shard_close(s);
    }
    assert_int_equal(spelling_freq(paths[0], "lantern"), 1);
    assert_int_equal(spelling_freq(paths[0], "quokka"), 0);
    const char *sources[] = {paths[0], paths[1]};
    unsigned long docs = 0, vocabulary = 0;
    char *err = NULL;
    assert_int_equal(dsx_compact(sources, 2, merged, &docs, &vocabulary, &err),
                     DS_OK);
    assert_int_equal(docs, 4);
    const word_freq want[] = {{"harbour", 1}, {"lantern", 1}, {"pelican", 4},
                              {"pelicon", 3}, {"quokka", 1}, {"zeppelin", 1}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_int_equal(spelling_freq(merged, want[i].word), want[i].freq);
    ds_analyzer_free(a);
    unit_rmtree(dir);
    free(dir);
}

static void shard_over_an_existing_database_is_an_error(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char path[600];
    snprintf(path, sizeof path, "%s/db", dir);
    ds_analyzer *a = ds_analyzer_new();
    build_shard(path, a, 0, 1, 3);
    char *err = NULL;
    ds_shard *s = NULL;
    assert_int_not_equal(ds_shard_open(path, a, NULL, 0, &s, &err), DS_OK);
    assert_null(s);
    assert_non_null(strstr(err, path));
    free(err);
    const char *sources[] = {"/nonexistent/db"};
    unsigned long docs, vocabulary;
    err = NULL;
    assert_int_not_equal(dsx_compact(sources, 1, path, &docs, &vocabulary,
                                     &err),
                         DS_OK);
    assert_non_null(err);
    free(err);
    ds_analyzer_free(a);
    unit_rmtree(dir);
    free(dir);
}

/* A passage's length counts the words of each field as often as the
 * shard indexes them: the heading twice (as text and under heading:), the
 * title once, or twice when it is part of the text. */
static void passage_length_counts_fields_as_indexed(void **state)
{
    (void)state;
    ds_passage_job job = {0};
    const char *body = "One, two -- three U.S. words' end";
    ds_indexed_text_set(&job.text, "Big news", body, strlen(body), "A title",
                        0, NULL);
    assert_int_equal(ds_passage_job_length(&job), 2 * 2 + 6 + 2);
    ds_indexed_text_set(&job.text, "Big news", body, strlen(body), "A title",
                        1, NULL);
    assert_int_equal(ds_passage_job_length(&job), 2 * 2 + 6 + 2 * 2);
    ds_indexed_text_set(&job.text, "Big news", body, strlen(body), "A title",
                        1, "Jane Smith");
    assert_int_equal(ds_passage_job_length(&job), 2 * 2 + 6 + 2 * 2 + 2);
    ds_passage_job_free(&job);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shard_indexes_in_its_thread_what_it_is_given),
        cmocka_unit_test(shards_merge_in_order),
        cmocka_unit_test(spelling_jobs_fill_the_merged_spelling_table),
        cmocka_unit_test(shard_over_an_existing_database_is_an_error),
        cmocka_unit_test(passage_length_counts_fields_as_indexed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
