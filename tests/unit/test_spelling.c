/* Tests of spelling corrections and suggestions (src/spelling.c) through
 * the public API, on a corpus made so each rule of spelling.h decides:
 * a word written 12 times (pelican), a name written 30 times and its
 * misspelling once (Volcker, Volker), two equally common neighbours of
 * one typo (ranger, ranker). */
#include "unit.h"

#include <sys/stat.h>
#include <unistd.h>

#include "build.h"

#include "../../src/spelling.h"
#include "../../src/util.h"
#include "../../src/vocab.h"

static char *tmp;
static char corpus[600], index_dir[700];
static ds_searcher *searcher;

static void write_corpus(void)
{
    ds_buf text;
    ds_buf_init(&text);
    for (int i = 1; i <= 12; i++)
        ds_buf_printf(&text, "Passage %d: a pelican crossed the bay.\n\n", i);
    for (int i = 1; i <= 30; i++)
        ds_buf_printf(&text, "Report %d: Paul Volcker spoke.\n\n", i);
    ds_buf_puts(&text, "Once the name was spelled Volker by mistake.\n\n");
    for (int i = 1; i <= 10; i++)
        ds_buf_printf(&text, "Line %d: a ranger and a ranker met.\n\n", i);
    ds_buf_puts(&text, "Two herons kept crossing.\n\n");
    mkdir(corpus, 0755);
    unit_write(corpus, "a.txt", text.data, text.len);
    ds_buf_free(&text);
}

static int setup(void **state)
{
    (void)state;
    tmp = unit_tempdir();
    snprintf(corpus, sizeof corpus, "%s/corpus", tmp);
    snprintf(index_dir, sizeof index_dir, "%s/index", tmp);
    write_corpus();
    ds_index_stats stats;
    if (unit_build(corpus, index_dir, 1, 0, &stats) != 0) return -1;
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

static ds_results *run(ds_searcher *s, const char *q, int exact)
{
    ds_search_options opt;
    ds_search_options_init(&opt);
    opt.exact = exact;
    ds_results *r = NULL;
    char *err = NULL;
    if (ds_search(s, q, &opt, &r, &err) != DS_OK) fail_msg("%s: %s", q, err);
    return r;
}

/* "corrected|suggestion (passages), ..." for `q`. */
static char *spelling_of(ds_searcher *s, const char *q, int exact)
{
    ds_results *r = run(s, q, exact);
    const ds_results_info *info = ds_results_get_info(r);
    ds_buf out;
    ds_buf_init(&out);
    ds_buf_puts(&out, info->corrected ? info->corrected : "-");
    ds_buf_putc(&out, '|');
    for (size_t i = 0; i < info->n_suggestions; i++)
        ds_buf_printf(&out, "%s%s (%lu)", i ? ", " : "",
                      info->suggestions[i].suggestion,
                      info->suggestions[i].passages);
    ds_results_free(r);
    return ds_buf_steal(&out);
}

static void expect(ds_searcher *s, const char *q, int exact,
                   const char *want)
{
    char *got = spelling_of(s, q, exact);
    if (strcmp(got, want) != 0)
        fail_msg("'%s'%s: '%s', not '%s'", q, exact ? " (exact)" : "", got,
                 want);
    free(got);
}

static void rules(ds_searcher *s)
{
    /* Lacking, lower case, one clear neighbour: corrected. */
    expect(s, "pelicen", 0, "pelican|");
    expect(s, "the pelicen bay", 0, "the pelican bay|");
    /* ... but not with --exact, nor a capitalised word: suggested. */
    expect(s, "pelicen", 1, "-|pelican (12)");
    expect(s, "Pelicen", 0, "-|Pelican (12)");
    expect(s, "PELICEN", 0, "-|PELICAN (12)");
    /* An indexed word far rarer than a neighbour: suggested. */
    expect(s, "Volker", 0, "-|Volcker (30)");
    /* Two neighbours as close and as common: suggested, not guessed. */
    char *got = spelling_of(s, "ranber", 0);
    assert_true(strcmp(got, "-|ranger (10)") == 0 ||
                strcmp(got, "-|ranker (10)") == 0);
    free(got);
    /* Too short, too far, a number, a field's value, a wildcard. */
    expect(s, "pelc", 0, "-|");
    expect(s, "pelikn", 0, "-|");
    expect(s, "pelican", 0, "-|");
    expect(s, "pelicen7", 0, "-|");
    expect(s, "source:pelicen", 0, "-|");
    expect(s, "pelice*", 0, "-|");
}

static void corrections_follow_the_rules(void **state)
{
    (void)state;
    rules(searcher);
    ds_results *r = run(searcher, "pelicen", 0);
    assert_int_equal(ds_results_get_info(r)->total, 12);
    ds_results_free(r);
}

/* A word also finds the passages of its variants, after its own. */
static void typos_rank_after_the_words_as_written(void **state)
{
    (void)state;
    ds_search_options opt;
    ds_search_options_init(&opt);
    opt.limit = 40;
    ds_results *r = NULL;
    assert_int_equal(ds_search(searcher, "Volker", &opt, &r, NULL), DS_OK);
    const ds_results_info *info = ds_results_get_info(r);
    assert_int_equal(info->total, 31);
    assert_true(info->total_exact);
    assert_int_equal(info->total_typo, 30);
    assert_int_equal(info->n_typos, 1);
    assert_string_equal(info->typos[0].word, "volker");
    assert_int_equal(info->typos[0].n_variants, 1);
    assert_string_equal(info->typos[0].variants[0], "volcker");
    assert_int_equal(ds_results_count(r), 31);
    assert_false(ds_results_hit(r, 0)->typo);
    assert_non_null(strstr(ds_results_hit(r, 0)->record.text, "Volker"));
    for (size_t i = 1; i < 31; i++)
        assert_true(ds_results_hit(r, i)->typo);
    ds_results_free(r);
    /* A page past the word's own passages starts among the variants'. */
    opt.offset = 5;
    opt.limit = 2;
    assert_int_equal(ds_search(searcher, "Volker", &opt, &r, NULL), DS_OK);
    assert_int_equal(ds_results_get_info(r)->total, 31);
    assert_int_equal(ds_results_count(r), 2);
    assert_true(ds_results_hit(r, 0)->typo);
    ds_results_free(r);
    /* Off with `exact`; none for short words and numbers. */
    opt.offset = 0;
    opt.exact = 1;
    assert_int_equal(ds_search(searcher, "Volker", &opt, &r, NULL), DS_OK);
    assert_int_equal(ds_results_get_info(r)->total, 1);
    assert_int_equal(ds_results_get_info(r)->n_typos, 0);
    ds_results_free(r);
    opt.exact = 0;
    assert_int_equal(ds_search(searcher, "Paul 12", &opt, &r, NULL), DS_OK);
    assert_int_equal(ds_results_get_info(r)->n_typos, 0);
    ds_results_free(r);
}

/* The fixes ds_spelling_check makes of `q` with the vocabulary in `dir`,
 * as spelling_of() writes them. */
static char *checked(dsx_db *db, ds_analyzer *a, const char *dir,
                     const char *q)
{
    ds_spelling *sp = ds_spelling_new(db, dir, a);
    ds_spelling_report r;
    assert_int_equal(ds_spelling_check(sp, q, 1, &r, NULL), DS_OK);
    ds_buf out;
    ds_buf_init(&out);
    ds_buf_puts(&out, r.corrected ? r.corrected : "-");
    ds_buf_putc(&out, '|');
    const char *sep = "";
    for (size_t i = 0; i < r.n_fixes; i++) {
        if (r.fixes[i].applied) continue;
        ds_buf_printf(&out, "%s%s (%lu)", sep, r.fixes[i].suggestion,
                      r.fixes[i].passages);
        sep = ", ";
    }
    ds_spelling_report_free(&r);
    ds_spelling_free(sp);
    return ds_buf_steal(&out);
}

/* Without its vocabulary file, or with one from another index, spelling
 * builds the vocabulary from the database's spelling table: the same
 * answers. */
static void the_vocabulary_file_is_a_cache(void **state)
{
    (void)state;
    char db_path[800], other[700], foreign[800], cmd[4000];
    snprintf(db_path, sizeof db_path, "%s/current", index_dir);
    snprintf(other, sizeof other, "%s/other", tmp);
    ds_index_stats stats;
    assert_int_equal(unit_build("corpus", other, 1, 0, &stats), 0);
    snprintf(foreign, sizeof foreign, "%s/foreign", tmp);
    snprintf(cmd, sizeof cmd, "mkdir '%s' && cp '%s/current/vocabulary' '%s'",
             foreign, other, foreign);
    assert_int_equal(system(cmd), 0);
    ds_analyzer *a = ds_analyzer_new();
    dsx_db *db = NULL;
    assert_int_equal(dsx_db_open(db_path, ds_analyzer_stemmer(a), &db, NULL),
                     DS_OK);
    /* The file the build wrote is the database's, stamp and all. */
    char *stamp = NULL, vocab_path[900];
    assert_int_equal(dsx_db_stamp(db, &stamp, NULL), DS_OK);
    snprintf(vocab_path, sizeof vocab_path, "%s/%s", db_path, DS_VOCAB_FILE);
    ds_vocab *v = NULL;
    assert_int_equal(ds_vocab_open(vocab_path, stamp, &v, NULL), DS_OK);
    assert_int_equal(ds_vocab_freq(v, "pelican", 7), 12);
    ds_vocab_close(v);
    free(stamp);
    const char *queries[] = {"pelicen", "Pelicen", "the pelicen bay",
                             "Volker", "ranber", "pelican"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        char *want = spelling_of(searcher, queries[i], 0);
        char *own = checked(db, a, db_path, queries[i]);
        char *none = checked(db, a, tmp, queries[i]); /* no file there */
        char *wrong = checked(db, a, foreign, queries[i]);
        assert_string_equal(own, want);
        assert_string_equal(none, want);
        assert_string_equal(wrong, want);
        free(want);
        free(own);
        free(none);
        free(wrong);
    }
    dsx_db_destroy(db);
    ds_analyzer_free(a);
}

/* How often each of `stems` occurs, as the stems of `dir` (or when it
 * has no stems file, the spelling table) say, space-separated. */
static char *stem_counts(dsx_db *db, ds_analyzer *a, const char *dir,
                         const char *const *stems, size_t n)
{
    ds_spelling *sp = ds_spelling_new(db, dir, a);
    assert_int_equal(ds_spelling_stem_freq(sp, "pelican", 7), 0);
    assert_int_equal(ds_spelling_load_stems(sp, NULL), DS_OK);
    ds_buf out;
    ds_buf_init(&out);
    for (size_t i = 0; i < n; i++)
        ds_buf_printf(&out, "%lu ",
                      ds_spelling_stem_freq(sp, stems[i], strlen(stems[i])));
    ds_spelling_free(sp);
    return ds_buf_steal(&out);
}

/* The stems file a build writes beside the vocabulary counts the words
 * of each index term, which the ranking reads (ranking.h): "crossed" 12
 * times and "crossing" once are the term "cross"; a word that is not a
 * term counts nothing.  Without the file, the same counts. */
static void the_stems_file_counts_each_terms_words(void **state)
{
    (void)state;
    char db_path[800], path[900];
    snprintf(db_path, sizeof db_path, "%s/current", index_dir);
    snprintf(path, sizeof path, "%s/%s", db_path, DS_STEMS_FILE);
    assert_int_equal(access(path, R_OK), 0);
    ds_analyzer *a = ds_analyzer_new();
    dsx_db *db = NULL;
    assert_int_equal(dsx_db_open(db_path, ds_analyzer_stemmer(a), &db, NULL),
                     DS_OK);
    const char *stems[] = {"pelican", "cross", "volcker", "crossing", "zebra"};
    char *own = stem_counts(db, a, db_path, stems, 5);
    char *none = stem_counts(db, a, tmp, stems, 5); /* no file there */
    assert_string_equal(own, "12 13 30 0 0 ");
    assert_string_equal(none, own);
    free(own);
    free(none);
    dsx_db_destroy(db);
    ds_analyzer_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(corrections_follow_the_rules),
        cmocka_unit_test(the_vocabulary_file_is_a_cache),
        cmocka_unit_test(the_stems_file_counts_each_terms_words),
        cmocka_unit_test(typos_rank_after_the_words_as_written),
    };
    return cmocka_run_group_tests_name("spelling", tests, setup, teardown);
}
