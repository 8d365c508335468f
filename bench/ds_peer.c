/*
 * ds_peer.c — dealsearch through its C API, with its shipped settings.
 *
 *   ds_peer version
 *   ds_peer build CORPUS_DIR INDEX_DIR [--plain]
 *       ds_index_build(); --plain reads the files as plain paragraphs
 *   ds_peer query INDEX_DIR QUERIES MODE REPS
 *       MODE nosnip: ds_search() only (top 10, passages decoded)
 *       MODE snip:   ds_search() + ds_render() as JSON (snippets with
 *                    highlights), what `dealsearch --json` prints
 *       MODE human:  ds_search() + ds_render() as the human listing
 *                    (no colour, no wrapping: output to a pipe)
 *
 * Every benchmark query has a passage with all its words, so hits are
 * never 0; the driver reports any query that has none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/indexer.h"
#include "../src/render.h"
#include "../src/search.h"
#include "common.h"

static int build(const char *corpus, const char *index, int plain)
{
    ds_index_options opt = {.corpus_dir = corpus, .index_dir = index,
                            .plain = plain};
    ds_index_stats stats;
    char *err = NULL;
    if (ds_index_build(&opt, &stats, &err) != 0) bx_die("%s", err);
    printf("passages=%lu bytes=%llu terms=%lu\n", stats.passages,
           stats.corpus_bytes, stats.terms);
    return 0;
}

typedef struct {
    ds_searcher *searcher;
    int render;                 /* 0: no rendering */
    ds_render_options options;
    ds_buf out;
} runner;

static long run_query(void *ctx, const char *query, long *matches, size_t *sink)
{
    runner *r = ctx;
    ds_search_options so = {.offset = 0, .limit = 10};
    ds_results res;
    char *err = NULL;
    if (ds_search(r->searcher, query, &so, &res, &err) != 0) {
        fprintf(stderr, "ds_peer: %s\n", err);
        free(err);
        return -1;
    }
    for (size_t i = 0; i < res.count; i++) *sink += res.hits[i].text_len;
    if (r->render) {
        ds_buf_clear(&r->out);
        ds_render(&r->out, query, &res, &so, ds_searcher_analyzer(r->searcher),
                  &r->options);
        *sink += r->out.len;
    }
    *matches = (long)res.total;
    long hits = (long)res.count;
    ds_results_free(&res);
    return hits;
}

static int query(const char *index, const char *queries, const char *mode, int reps)
{
    runner r = {.render = 1, .options = {.snippet_bytes = DS_SNIPPET_BYTES}};
    if (strcmp(mode, "nosnip") == 0) r.render = 0;
    else if (strcmp(mode, "snip") == 0) r.options.json = 1;
    else if (strcmp(mode, "human") != 0) bx_die("unknown mode '%s'", mode);
    char *err = NULL;
    if (ds_searcher_open(index, &r.searcher, &err) != DS_SEARCH_OK)
        bx_die("%s", err);
    ds_buf_init(&r.out);
    bx_queries q;
    bx_read_queries(queries, &q);
    bx_time_queries(&q, reps, run_query, &r, stdout);
    bx_queries_free(&q);
    ds_buf_free(&r.out);
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
    if (strcmp(cmd, "build") == 0 &&
        (argc == 4 || (argc == 5 && strcmp(argv[4], "--plain") == 0)))
        return build(argv[2], argv[3], argc == 5);
    if (strcmp(cmd, "query") == 0 && argc == 6)
        return query(argv[2], argv[3], argv[4], atoi(argv[5]));
    bx_die("usage: ds_peer version | build CORPUS INDEX [--plain] | "
           "query INDEX QUERIES nosnip|snip|human REPS");
}
