/* Tests of what a long-lived searcher needs besides ds_search
 * (src/lookup.c, ds_searcher_refresh in src/search.c): passages looked up
 * with their context — every passage of the demo corpus built in two
 * shards, odd source names, JSON ids, names that are not in the index —
 * the index's statistics, following a rebuild and an update (of an index
 * folder, and of a stub's databases), and took_ms in the JSON. */
#include "unit.h"

#include <sys/stat.h>
#include <time.h>

#include "demo.h"
#include "../../shim/shim.h"

static char *tmp;
static char index_dir[600];
static ds_searcher *searcher;
static ds_index_stats built;
static long long build_started, build_ended;

static int build_corpus(const ds_corpus_spec *corpus, const char *index,
                        unsigned jobs, ds_index_stats *stats)
{
    ds_index_options opt;
    ds_index_options_init(&opt);
    opt.corpus = *corpus;
    opt.index_dir = index;
    opt.jobs = jobs;
    ds_indexer *ix = NULL;
    char *err = NULL;
    ds_status st = ds_indexer_open(&opt, &ix, &err);
    if (st == DS_OK) st = ds_indexer_build(ix, stats, &err);
    ds_indexer_close(ix);
    if (st != DS_OK) fprintf(stderr, "index: %s\n", err);
    free(err);
    return st == DS_OK ? 0 : -1;
}

static int build_folder(const char *corpus, const char *index, unsigned jobs,
                        ds_index_stats *stats)
{
    ds_corpus_spec spec = {DS_CORPUS_FOLDER, corpus, DS_READER_NEWS, 0};
    return build_corpus(&spec, index, jobs, stats);
}

/* Update `index` in place from the folder `corpus`. */
static int update_folder(const char *corpus, const char *index)
{
    ds_index_options opt;
    ds_index_options_init(&opt);
    opt.corpus = (ds_corpus_spec){DS_CORPUS_FOLDER, corpus, DS_READER_NEWS, 0};
    opt.index_dir = index;
    ds_indexer *ix = NULL;
    ds_index_stats stats;
    char *err = NULL;
    ds_status st = ds_indexer_open(&opt, &ix, &err);
    if (st == DS_OK) st = ds_indexer_update(ix, &stats, &err);
    ds_indexer_close(ix);
    if (st != DS_OK) fprintf(stderr, "update: %s\n", err);
    if (st == DS_OK && !stats.updated)
        fprintf(stderr, "update: rebuilt: %s\n", stats.rebuild_reason);
    free(err);
    return st == DS_OK && stats.updated ? 0 : -1;
}

/* The demo corpus in two shards: passages reach the index interleaved
 * from two threads and merged, the order lookups rely on. */
static int setup(void **state)
{
    (void)state;
    tmp = unit_tempdir();
    snprintf(index_dir, sizeof index_dir, "%s/index", tmp);
    build_started = (long long)time(NULL);
    if (build_folder("corpus", index_dir, 2, &built) != 0) return -1;
    build_ended = (long long)time(NULL);
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

/* Look up; fails the test on an error. */
static ds_record *lookup(ds_searcher *s, const char *source, unsigned long n,
                         unsigned context, size_t *count,
                         unsigned long *of)
{
    ds_record *recs = NULL;
    char *err = NULL;
    ds_status st = ds_searcher_passage(s, source, n, context, &recs, count,
                                       of, &err);
    if (st != DS_OK) fprintf(stderr, "lookup %s %lu: %s\n", source, n, err);
    assert_int_equal(st, DS_OK);
    return recs;
}

static void every_demo_passage_is_found_with_its_text(void **state)
{
    (void)state;
    static ds_corpus_doc docs[16];
    size_t n = demo_articles(docs, 16);
    for (size_t d = 0; d < n; d++) {
        const ds_article *a = &docs[d].article;
        for (size_t p = 0; p < a->count; p++) {
            size_t count;
            unsigned long of;
            ds_record *r = lookup(searcher, docs[d].source, p + 1, 0, &count,
                                  &of);
            assert_int_equal(count, 1);
            assert_int_equal(of, a->count);
            assert_string_equal(r[0].source, docs[d].source);
            assert_int_equal(r[0].passage, p + 1);
            assert_int_equal(r[0].line, a->items[p].first_line);
            assert_string_equal(r[0].text, a->items[p].text);
            ds_records_free(r, count);
        }
        ds_corpus_doc_free(&docs[d]);
    }
}

static void context_is_clipped_at_both_ends(void **state)
{
    (void)state;
    const char *src = "001_5f9e68b6a499abb5.txt";
    size_t count;
    unsigned long of;
    ds_record *r = lookup(searcher, src, 5, 2, &count, &of);
    assert_int_equal(count, 5);
    for (size_t i = 0; i < count; i++) assert_int_equal(r[i].passage, 3 + i);
    ds_records_free(r, count);
    r = lookup(searcher, src, 1, 2, &count, NULL);
    assert_int_equal(count, 3);
    assert_int_equal(r[0].passage, 1);
    assert_int_equal(r[2].passage, 3);
    ds_records_free(r, count);
    r = lookup(searcher, src, of, 3, &count, NULL);
    assert_int_equal(count, 4);
    assert_int_equal(r[3].passage, of);
    ds_records_free(r, count);
}

/* A folder's file is also found by its name without ".txt", as source:
 * takes it; the records keep the file's name. */
static void a_file_is_found_without_txt(void **state)
{
    (void)state;
    size_t count;
    unsigned long of;
    ds_record *r = lookup(searcher, "001_5f9e68b6a499abb5", 5, 1, &count,
                          &of);
    assert_int_equal(count, 3);
    assert_int_equal(of, 22);
    assert_string_equal(r[1].source, "001_5f9e68b6a499abb5.txt");
    assert_int_equal(r[1].passage, 5);
    ds_records_free(r, count);
}

static void what_is_not_indexed_is_not_found(void **state)
{
    (void)state;
    const char *absent[] = {"../../etc/passwd", "/etc/passwd", "corpus",
                            "001_5f9e68b6a499abb5.tx", "nope.txt", "nope",
                            "001_5f9e68b6a499abb5.txt\" OR source:\"002",
                            "*"};
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++) {
        size_t count = 99;
        unsigned long of = 99;
        ds_record *r = lookup(searcher, absent[i], 1, 2, &count, &of);
        assert_null(r);
        assert_int_equal(count, 0);
        assert_int_equal(of, 0);
    }
    size_t count;
    assert_null(lookup(searcher, "001_5f9e68b6a499abb5.txt", 999, 2, &count,
                       NULL));
    assert_int_equal(count, 0);
    /* Longer than any term Xapian stores (245 bytes), yet allowed. */
    char long_name[DS_MAX_SOURCE_BYTES + 1];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    assert_null(lookup(searcher, long_name, 1, 0, &count, NULL));
}

static void bad_arguments_are_usage_errors(void **state)
{
    (void)state;
    char long_name[DS_MAX_SOURCE_BYTES + 2];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    struct {
        const char *source;
        unsigned long n;
        unsigned context;
    } bad[] = {{"", 1, 0},
               {long_name, 1, 0},
               {"001_5f9e68b6a499abb5.txt", 0, 0},
               {"001_5f9e68b6a499abb5.txt", 1, DS_MAX_CONTEXT + 1}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ds_record *r = (ds_record *)1;
        size_t count = 1;
        char *err = NULL;
        assert_int_equal(ds_searcher_passage(searcher, bad[i].source, bad[i].n,
                                             bad[i].context, &r, &count, NULL,
                                             &err),
                         DS_ERR_USAGE);
        assert_null(r);
        assert_int_equal(count, 0);
        assert_non_null(err);
        free(err);
    }
}

/* Names the query parser would read as syntax, and typographic
 * characters a search would normalise, are looked up as they are. */
static void odd_source_names_are_found(void **state)
{
    (void)state;
    char corpus[700], index[700];
    snprintf(corpus, sizeof corpus, "%s/odd", tmp);
    snprintf(index, sizeof index, "%s/odd.index", tmp);
    assert_int_equal(mkdir(corpus, 0755), 0);
    const char *names[] = {"a b (x) \"q\" AND c.txt", "Meta\xE2\x80\x99s deal.txt",
                           "source:x.txt", "quote\".txt"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        UNIT_WRITE_STR(corpus, names[i],
                       "A title for it\n\nFirst paragraph of the story, with "
                       "words.\n\nSecond paragraph of the story, more words.\n");
    ds_index_stats stats;
    assert_int_equal(build_folder(corpus, index, 0, &stats), 0);
    ds_searcher *s = NULL;
    assert_int_equal(ds_searcher_open(index, &s, NULL), DS_OK);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t count;
        ds_record *r = lookup(s, names[i], 2, 1, &count, NULL);
        assert_int_equal(count, 2);
        assert_string_equal(r[0].source, names[i]);
        assert_string_equal(r[1].text, "Second paragraph of the story, more "
                                       "words.");
        ds_records_free(r, count);
    }
    ds_searcher_close(s);
}

/* A JSON document's id is its source whole, ".txt" or not. */
static void json_ids_are_found(void **state)
{
    (void)state;
    char file[700], index[700];
    snprintf(file, sizeof file, "%s/docs.jsonl", tmp);
    snprintf(index, sizeof index, "%s/jsonl.index", tmp);
    UNIT_WRITE_STR(tmp, "docs.jsonl",
                   "{\"id\": \"x.txt\", \"title\": \"X\", \"text\": \"one\"}\n"
                   "{\"id\": \"y\", \"title\": \"Y\", \"text\": \"two\"}\n");
    ds_corpus_spec spec = {DS_CORPUS_JSONL, file, DS_READER_NEWS, 0};
    ds_index_stats stats;
    assert_int_equal(build_corpus(&spec, index, 0, &stats), 0);
    ds_searcher *s = NULL;
    assert_int_equal(ds_searcher_open(index, &s, NULL), DS_OK);
    size_t count;
    ds_record *r = lookup(s, "x.txt", 1, 0, &count, NULL);
    assert_int_equal(count, 1);
    assert_string_equal(r[0].source, "x.txt");
    ds_records_free(r, count);
    r = lookup(s, "y", 1, 0, &count, NULL);
    assert_int_equal(count, 1);
    assert_string_equal(r[0].text, "two");
    ds_records_free(r, count);
    assert_null(lookup(s, "y.txt", 1, 0, &count, NULL));
    ds_searcher_close(s);
}

static void stats_describe_the_index(void **state)
{
    (void)state;
    ds_index_info info;
    assert_int_equal(ds_searcher_stats(searcher, &info, NULL), DS_OK);
    assert_int_equal(info.generation, 1);
    assert_int_equal(info.files, built.files);
    assert_int_equal(info.files, 5);
    assert_int_equal(info.passages, built.passages);
    assert_true(info.built >= build_started && info.built <= build_ended);
}

static unsigned long total_for(ds_searcher *s, const char *q)
{
    ds_search_options opt;
    ds_search_options_init(&opt);
    ds_results *r = NULL;
    assert_int_equal(ds_search(s, q, &opt, &r, NULL), DS_OK);
    unsigned long total = ds_results_get_info(r)->total;
    ds_results_free(r);
    return total;
}

/* A rebuild from a changed corpus is picked up by the same handle; a
 * refresh without one changes nothing. */
static void refresh_follows_a_rebuild(void **state)
{
    (void)state;
    char corpus[700], index[700];
    snprintf(corpus, sizeof corpus, "%s/grow", tmp);
    snprintf(index, sizeof index, "%s/grow.index", tmp);
    assert_int_equal(mkdir(corpus, 0755), 0);
    UNIT_WRITE_STR(corpus, "a.txt", "Alpha title here\n\nThe zebra story.\n");
    ds_index_stats stats;
    assert_int_equal(build_folder(corpus, index, 0, &stats), 0);
    ds_searcher *s = NULL;
    assert_int_equal(ds_searcher_open(index, &s, NULL), DS_OK);
    int reopened = -1;
    assert_int_equal(ds_searcher_refresh(s, &reopened, NULL), DS_OK);
    assert_int_equal(reopened, 0);
    assert_int_equal(total_for(s, "zebra"), 1);

    UNIT_WRITE_STR(corpus, "b.txt", "Beta title here\n\nAnother zebra.\n");
    assert_int_equal(build_folder(corpus, index, 0, &stats), 0);
    assert_int_equal(total_for(s, "zebra"), 1); /* still the old one */
    assert_int_equal(ds_searcher_refresh(s, &reopened, NULL), DS_OK);
    assert_int_equal(reopened, 1);
    assert_int_equal(total_for(s, "zebra"), 2);
    ds_index_info info;
    assert_int_equal(ds_searcher_stats(s, &info, NULL), DS_OK);
    assert_int_equal(info.generation, 2);
    assert_int_equal(info.files, 2);
    assert_int_equal(ds_searcher_refresh(s, &reopened, NULL), DS_OK);
    assert_int_equal(reopened, 0);

    /* An update in place (the same generation) is followed too. */
    UNIT_WRITE_STR(corpus, "c.txt", "Gamma title here\n\nThe zebra again.\n\nLions run.\n");
    assert_int_equal(update_folder(corpus, index), 0);
    assert_int_equal(total_for(s, "zebra"), 2);
    assert_int_equal(ds_searcher_refresh(s, &reopened, NULL), DS_OK);
    assert_int_equal(reopened, 1);
    assert_int_equal(total_for(s, "zebra"), 3);
    assert_int_equal(ds_searcher_stats(s, &info, NULL), DS_OK);
    assert_int_equal(info.generation, 2);
    assert_int_equal(info.files, 3);
    assert_int_equal(ds_searcher_refresh(s, &reopened, NULL), DS_OK);
    assert_int_equal(reopened, 0);

    /* Gone: said, and the handle is left as it was. */
    unit_rmtree(index);
    char *err = NULL;
    assert_int_equal(ds_searcher_refresh(s, &reopened, &err),
                     DS_ERR_NO_INDEX);
    assert_int_equal(reopened, 0);
    assert_non_null(strstr(err, "no index"));
    free(err);
    assert_int_equal(ds_searcher_stats(s, &info, NULL), DS_OK);
    assert_int_equal(info.generation, 2);
    ds_searcher_close(s);
}

/* The stub `stub` over the sharded index `index`, through its `current`
 * as an operator writes one; `extra` is its last line (or ""). */
static void write_stub(const char *stub, const char *index, const char *extra)
{
    FILE *f = fopen(stub, "w");
    assert_non_null(f);
    fprintf(f, "auto %s/current/head\nauto %s/current/shard-0\n"
            "auto %s/current/shard-1\n%s", index, index, index, extra);
    assert_int_equal(fclose(f), 0);
}

static const char *unstemmed(void *ctx, const char *word, size_t len,
                             size_t *stem_len)
{
    (void)ctx, (void)word, (void)len, (void)stem_len;
    return NULL;
}

/* Commit to the database at `path` in place: every document deleted, or
 * (`keep`) only a metadata key set. */
static void commit_in_place(const char *path, int keep)
{
    dsx_stemmer stemmer = {unstemmed, NULL, "none"};
    dsx_writer *w = NULL;
    assert_int_equal(dsx_writer_open(path, &stemmer, &w, NULL), DS_OK);
    unsigned last = 0;
    assert_int_equal(dsx_writer_last_docid(w, &last, NULL), DS_OK);
    for (unsigned d = 1; d <= last && !keep; d++)
        dsx_writer_delete_doc(w, d, NULL); /* numbers not used fail */
    assert_int_equal(dsx_writer_set_metadata(w, "test", "x", NULL), DS_OK);
    assert_int_equal(dsx_writer_commit(w, NULL), DS_OK);
    dsx_writer_destroy(w);
}

static int refreshed(ds_searcher *s)
{
    int reopened = -1;
    assert_int_equal(ds_searcher_refresh(s, &reopened, NULL), DS_OK);
    return reopened;
}

/* A searcher over a stub follows its databases (src/follow.h): commits to
 * shards, a rebuild behind `current`, a commit to the head, an edited
 * stub, one nested in a stub; a stub that cannot be opened is reported
 * at each refresh and the old databases still answer.  Checked at every
 * refresh (DEALSEARCH_FOLLOW 0,0); by default no more than once a
 * second. */
static void refresh_follows_a_stub(void **state)
{
    (void)state;
    char corpus[700], index[700], stub[700], nested[700], extra[800];
    snprintf(corpus, sizeof corpus, "%s/stubbed", tmp);
    snprintf(index, sizeof index, "%s/stubbed.index", tmp);
    snprintf(stub, sizeof stub, "%s/cluster.stub", tmp);
    snprintf(nested, sizeof nested, "%s/nested.stub", tmp);
    assert_int_equal(mkdir(corpus, 0755), 0);
    UNIT_WRITE_STR(corpus, "a.txt", "Alpha title here\n\nThe zebra story.\n");
    ds_corpus_spec spec = {DS_CORPUS_FOLDER, corpus, DS_READER_NEWS, 0};
    ds_index_options opt;
    ds_index_options_init(&opt);
    opt.corpus = spec;
    opt.index_dir = index;
    opt.shards = 2;
    ds_indexer *ix = NULL;
    ds_index_stats stats;
    assert_int_equal(ds_indexer_open(&opt, &ix, NULL), DS_OK);
    assert_int_equal(ds_indexer_build(ix, &stats, NULL), DS_OK);
    ds_indexer_close(ix);
    write_stub(stub, index, "");
    snprintf(extra, sizeof extra, "auto %s/current\n", index);
    FILE *f = fopen(nested, "w");
    assert_non_null(f);
    fputs(extra, f);
    assert_int_equal(fclose(f), 0);

    setenv("DEALSEARCH_FOLLOW", "0,0", 1);
    ds_searcher *s = NULL, *n = NULL;
    assert_int_equal(ds_searcher_open(stub, &s, NULL), DS_OK);
    assert_int_equal(ds_searcher_open(nested, &n, NULL), DS_OK);
    assert_int_equal(refreshed(s), 0);
    assert_int_equal(total_for(s, "zebra"), 1);

    /* Commits to the shards: caught up in place. */
    char path[800];
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/current/shard-%d", index, k);
        commit_in_place(path, 0);
    }
    assert_int_equal(total_for(s, "zebra"), 1); /* as opened */
    assert_int_equal(refreshed(s), 1);
    assert_int_equal(total_for(s, "zebra"), 0);
    assert_int_equal(refreshed(s), 0);

    /* A rebuild: a new generation behind `current`, for both stubs. */
    UNIT_WRITE_STR(corpus, "b.txt", "Beta title here\n\nAnother zebra.\n");
    ix = NULL;
    assert_int_equal(ds_indexer_open(&opt, &ix, NULL), DS_OK);
    assert_int_equal(ds_indexer_build(ix, &stats, NULL), DS_OK);
    ds_indexer_close(ix);
    assert_int_equal(refreshed(s), 1);
    assert_int_equal(total_for(s, "zebra"), 2);
    assert_int_equal(refreshed(n), 1);
    assert_int_equal(total_for(n, "zebra"), 2);

    /* A commit to the head. */
    snprintf(path, sizeof path, "%s/current/head", index);
    commit_in_place(path, 1);
    assert_int_equal(refreshed(s), 1);
    assert_int_equal(refreshed(s), 0);
    assert_int_equal(total_for(s, "zebra"), 2);

    /* An edited stub that cannot be opened: said at each refresh, the
     * old databases still answer; once fixed, opened again. */
    write_stub(stub, index, "bogus line\n");
    char *err = NULL;
    int reopened = -1;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(ds_searcher_refresh(s, &reopened, &err),
                         DS_ERR_DAMAGED);
        assert_non_null(strstr(err, "cluster.stub:4"));
        free(err);
        err = NULL;
        assert_int_equal(reopened, 0);
        assert_int_equal(total_for(s, "zebra"), 2);
    }
    write_stub(stub, index, "# fixed\n");
    assert_int_equal(refreshed(s), 1);
    assert_int_equal(refreshed(s), 0);
    ds_searcher_close(n);

    /* By default, checked no more than once a second. */
    unsetenv("DEALSEARCH_FOLLOW");
    ds_searcher_close(s);
    assert_int_equal(ds_searcher_open(stub, &s, NULL), DS_OK);
    write_stub(stub, index, "# edited\n");
    assert_int_equal(refreshed(s), 0);
    ds_searcher_close(s);

    setenv("DEALSEARCH_FOLLOW", "1", 1);
    assert_int_equal(ds_searcher_open(stub, &s, &err), DS_ERR_USAGE);
    assert_non_null(strstr(err, "DEALSEARCH_FOLLOW"));
    free(err);
    unsetenv("DEALSEARCH_FOLLOW");
}

static void took_ms_is_printed_only_when_set(void **state)
{
    (void)state;
    ds_search_options so;
    ds_search_options_init(&so);
    ds_results *r = NULL;
    assert_int_equal(ds_search(searcher, "interim CEO", &so, &r, NULL), DS_OK);
    ds_print_options po;
    ds_print_options_init(&po);
    po.format = DS_FORMAT_JSON;
    size_t len;
    char *out = ds_results_print(r, &po, &len);
    assert_null(strstr(out, "took_ms"));
    free(out);
    po.took_ms = 1.25;
    out = ds_results_print(r, &po, &len);
    assert_non_null(strstr(out, ",\"took_ms\":1.250,"));
    free(out);
    ds_results_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_demo_passage_is_found_with_its_text),
        cmocka_unit_test(context_is_clipped_at_both_ends),
        cmocka_unit_test(a_file_is_found_without_txt),
        cmocka_unit_test(what_is_not_indexed_is_not_found),
        cmocka_unit_test(bad_arguments_are_usage_errors),
        cmocka_unit_test(odd_source_names_are_found),
        cmocka_unit_test(json_ids_are_found),
        cmocka_unit_test(stats_describe_the_index),
        cmocka_unit_test(refresh_follows_a_rebuild),
        cmocka_unit_test(refresh_follows_a_stub),
        cmocka_unit_test(took_ms_is_printed_only_when_set),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
