/*
 * ds_peer.c — dealsearch through its C API, with its shipped settings.
 *
 *   ds_peer version
 *   ds_peer build CORPUS_DIR INDEX_DIR [--plain]
 *       ds_indexer_build(); --plain reads the files as plain paragraphs
 *   ds_peer update CORPUS_DIR INDEX_DIR [--plain]
 *       ds_indexer_update(): what changed since, in place
 *   ds_peer query INDEX_DIR QUERIES MODE REPS
 *       MODE nosnip: ds_search() only (top 10, passages decoded)
 *       MODE snip:   ds_search() + ds_results_print() as JSON (snippets
 *                    with highlights), what `dealsearch --json` prints
 *       MODE human:  ds_search() + ds_results_print() as the human
 *                    listing (no colour, no wrapping: output to a pipe)
 *
 * Every benchmark query has a passage with all its words, so hits are
 * never 0; the driver reports any query that has none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/dealsearch.h"
#include "common.h"

/* A whole build, or with `update` an update in place; prints what the
 * driver reads ("k=v" fields). */
static int build(const char *corpus, const char *index, int plain,
                 int update)
{
    ds_index_options opt;
    ds_index_options_init(&opt);
    opt.corpus.path = corpus;
    opt.corpus.reader = plain ? DS_READER_PLAIN : DS_READER_NEWS;
    opt.index_dir = index;
    ds_index_stats stats;
    ds_indexer *ix = NULL;
    char *err = NULL;
    if (ds_indexer_open(&opt, &ix, &err) != DS_OK ||
        (update ? ds_indexer_update(ix, &stats, &err)
                : ds_indexer_build(ix, &stats, &err)) != DS_OK)
        bx_die("%s", err);
    ds_indexer_close(ix);
    printf("passages=%lu bytes=%llu terms=%lu", stats.passages,
           stats.corpus_bytes, stats.terms);
    if (update)
        printf(" updated=%d in=%lu out=%lu searchable_us=%.0f",
               stats.updated, stats.passages_in, stats.passages_out,
               stats.searchable_seconds * 1e6);
    printf("\n");
    return 0;
}

typedef struct {
    ds_searcher *searcher;
    int render;                 /* 0: no printing */
    ds_print_options options;
} runner;

static long run_query(void *ctx, const char *query, long *matches, size_t *sink)
{
    runner *r = ctx;
    ds_search_options so;
    ds_search_options_init(&so);
    ds_results *res = NULL;
    char *err = NULL;
    if (ds_search(r->searcher, query, &so, &res, &err) != DS_OK) {
        fprintf(stderr, "ds_peer: %s\n", err);
        free(err);
        return -1;
    }
    size_t count = ds_results_count(res);
    for (size_t i = 0; i < count; i++)
        *sink += ds_results_hit(res, i)->record.text_len;
    if (r->render) {
        size_t len = 0;
        free(ds_results_print(res, &r->options, &len));
        *sink += len;
    }
    *matches = (long)ds_results_get_info(res)->total;
    ds_results_free(res);
    return (long)count;
}

static int query(const char *index, const char *queries, const char *mode, int reps)
{
    runner r = {.render = 1};
    ds_print_options_init(&r.options);
    if (strcmp(mode, "nosnip") == 0) r.render = 0;
    else if (strcmp(mode, "snip") == 0) r.options.format = DS_FORMAT_JSON;
    else if (strcmp(mode, "human") != 0) bx_die("unknown mode '%s'", mode);
    char *err = NULL;
    if (ds_searcher_open(index, &r.searcher, &err) != DS_OK)
        bx_die("%s", err);
    bx_queries q;
    bx_read_queries(queries, &q);
    bx_time_queries(&q, reps, run_query, &r, stdout);
    bx_queries_free(&q);
    ds_searcher_close(r.searcher);
    return 0;
}

int main(int argc, char **argv)
{
    bx_set_program(argv[0]);
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "version") == 0) {
        printf("dealsearch (library in this tree)\n");
        return 0;
    }
    int update = strcmp(cmd, "update") == 0;
    if ((update || strcmp(cmd, "build") == 0) &&
        (argc == 4 || (argc == 5 && strcmp(argv[4], "--plain") == 0)))
        return build(argv[2], argv[3], argc == 5, update);
    if (strcmp(cmd, "query") == 0 && argc == 6)
        return query(argv[2], argv[3], argv[4], atoi(argv[5]));
    bx_die("usage: ds_peer version | build|update CORPUS INDEX [--plain] | "
           "query INDEX QUERIES nosnip|snip|human REPS");
}
