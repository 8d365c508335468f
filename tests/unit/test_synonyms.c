/* Unit tests of the synonyms file parser and its synonym table
 * (src/synonyms.c). */
#include "unit.h"

#include "../../shim/shim.h"
#include "../../src/synonyms.h"

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

static ds_synonyms *parse_ok(const char *text)
{
    ds_synonyms *s = NULL;
    char *err = NULL;
    assert_int_equal(ds_synonyms_parse(analyzer, text, "syn.conf", &s, &err),
                     DS_OK);
    assert_null(err);
    return s;
}

static void groups_entries_words_and_stems(void **state)
{
    (void)state;
    ds_synonyms *s = parse_ok("# a comment\n"
                              "\n"
                              "CEO, chief executive, Chief Executive Officers "
                              "# trailing comment\n"
                              "buy ,  acquire\n");
    assert_int_equal(s->n, 2);
    const ds_syn_group *g = &s->groups[0];
    assert_int_equal(g->n, 3);
    assert_true(g->has_phrase);
    assert_int_equal(g->entries[0].n, 1);
    assert_string_equal(g->entries[0].words[0], "ceo");
    assert_int_equal(g->entries[2].n, 3);
    assert_string_equal(g->entries[2].words[2], "officers");
    assert_string_equal(g->entries[2].stems[2], "offic");
    assert_false(s->groups[1].has_phrase);
    assert_string_equal(s->groups[1].entries[1].words[0], "acquire");
    assert_non_null(strstr(s->text, "# a comment")); /* kept as read */
    ds_synonyms_free(s);
}

/* Each malformed line is an error naming the file and the line. */
static void malformed_lines_name_file_and_line(void **state)
{
    (void)state;
    const struct {
        const char *text, *where, *problem;
    } bad[] = {
        {"ceo, chief executive\nlonely\n", "syn.conf:2:", "at least two"},
        {"ceo,, chief\n", "syn.conf:1:", "no words"},
        {"# fine\nceo, ?!\n", "syn.conf:2:", "no words"},
        {"ceo, chief,\n", "syn.conf:1:", "no words"},
        {"a, b\n\n, c\n", "syn.conf:3:", "no words"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ds_synonyms *s = (ds_synonyms *)1;
        char *err = NULL;
        assert_int_equal(
            ds_synonyms_parse(analyzer, bad[i].text, "syn.conf", &s, &err),
            DS_ERR_USAGE);
        assert_null(s);
        if (!strstr(err, bad[i].where) || !strstr(err, bad[i].problem))
            fail_msg("'%s' gave '%s'", bad[i].text, err);
        free(err);
    }
}

static void a_missing_file_is_an_error_naming_it(void **state)
{
    (void)state;
    ds_synonyms *s = (ds_synonyms *)1;
    char *err = NULL;
    assert_int_equal(ds_synonyms_load(analyzer, "/nonexistent/syn.conf", &s,
                                      &err),
                     DS_ERR_IO);
    assert_null(s);
    assert_non_null(strstr(err, "/nonexistent/syn.conf"));
    free(err);
}

/* The number of documents of the database at `path` that `query`
 * (with synonyms) matches. */
static size_t matches(const char *path, const char *query)
{
    dsx_db *db = NULL;
    assert_int_equal(dsx_db_open(path, ds_analyzer_stemmer(analyzer), &db,
                                 NULL),
                     DS_OK);
    dsx_query *q = NULL;
    assert_int_equal(dsx_db_parse_query(db, query, DSX_QUERY_SYNONYMS, &q,
                                        NULL),
                     DS_OK);
    dsx_search_params p = {.limit = 10, .check_at_least = 10,
                           .collapse_slot = -1};
    dsx_results *r = NULL;
    assert_int_equal(dsx_db_search(db, q, &p, &r, NULL), DS_OK);
    size_t n = dsx_results_size(r);
    dsx_results_destroy(r);
    dsx_query_destroy(q);
    dsx_db_destroy(db);
    return n;
}

/* Installed and indexed, a group makes each entry find the others, the
 * phrases through the group's own term, other forms of a word too. */
static void entries_find_each_other(void **state)
{
    (void)state;
    ds_synonyms *s = parse_ok("CEO, chief executive\nbuy, acquire\n");
    char *dir = unit_tempdir();
    char path[600];
    snprintf(path, sizeof path, "%s/db", dir);
    dsx_writer *w = NULL;
    dsx_doc *d = NULL;
    assert_int_equal(dsx_writer_create(path, ds_analyzer_stemmer(analyzer), 0,
                                       0, &w, NULL),
                     DS_OK);
    assert_int_equal(ds_synonyms_install(s, w, NULL), DS_OK);
    assert_int_equal(dsx_doc_create(w, &d, NULL), DS_OK);
    const char *texts[] = {"The chief executive resigned.",
                           "They will acquire the firm.", "Nothing here."};
    for (size_t i = 0; i < 3; i++) {
        const char *t = texts[i];
        assert_int_equal(dsx_doc_index_text(d, t, strlen(t), "", 1, NULL),
                         DS_OK);
        assert_int_equal(ds_synonyms_index(s, analyzer, t, strlen(t), d, NULL),
                         DS_OK);
        assert_int_equal(dsx_writer_add_doc(w, d, NULL), DS_OK);
    }
    assert_int_equal(dsx_writer_commit(w, NULL), DS_OK);
    dsx_doc_destroy(d);
    dsx_writer_destroy(w);
    assert_int_equal(matches(path, "CEO"), 1);
    assert_int_equal(matches(path, "buy"), 1);
    assert_int_equal(matches(path, "buying"), 1);  /* another form */
    assert_int_equal(matches(path, "chief executive"), 1);
    assert_int_equal(matches(path, "purchase"), 0);
    ds_synonyms_free(s);
    unit_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(groups_entries_words_and_stems),
        cmocka_unit_test(malformed_lines_name_file_and_line),
        cmocka_unit_test(a_missing_file_is_an_error_naming_it),
        cmocka_unit_test(entries_find_each_other),
    };
    return cmocka_run_group_tests_name("synonyms", tests, setup, teardown);
}
