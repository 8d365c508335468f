/*
 * search.c — a program that uses dealsearch as a library, as a front end
 * would: only <dealsearch.h>, built with `pkg-config --cflags --libs
 * dealsearch`.  Builds an index of a folder, searches it, prints each
 * hit's source, passage and score, then the JSON the CLI prints.
 *
 *   search CORPUS INDEX QUERY
 */
#include <dealsearch.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what, char *err)
{
    fprintf(stderr, "search: %s: %s\n", what, err ? err : "?");
    free(err);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fputs("usage: search CORPUS INDEX QUERY\n", stderr);
        return 2;
    }
    char *err = NULL;
    ds_index_options opt;
    ds_index_options_init(&opt);
    opt.corpus.path = argv[1];
    opt.index_dir = argv[2];
    ds_indexer *ix = NULL;
    ds_index_stats stats;
    if (ds_indexer_open(&opt, &ix, &err) != DS_OK ||
        ds_indexer_build(ix, &stats, &err) != DS_OK)
        return fail("index", err);
    ds_indexer_close(ix);

    ds_searcher *s = NULL;
    if (ds_searcher_open(argv[2], &s, &err) != DS_OK)
        return fail("open", err);
    ds_search_options so;
    ds_search_options_init(&so);
    so.limit = 3;
    ds_results *r = NULL;
    if (ds_search(s, argv[3], &so, &r, &err) != DS_OK)
        return fail("search", err);
    printf("%lu passages in %lu files; %lu matches\n", stats.passages,
           stats.files, ds_results_get_info(r)->total);
    for (size_t i = 0; i < ds_results_count(r); i++) {
        const ds_hit *h = ds_results_hit(r, i);
        printf("%s %lu %.2f\n", h->record.source, h->record.passage,
               h->score);
    }
    ds_print_options po;
    ds_print_options_init(&po);
    po.format = DS_FORMAT_JSON;
    size_t len;
    char *json = ds_results_print(r, &po, &len);
    fwrite(json, 1, len, stdout);
    free(json);
    ds_results_free(r);
    ds_searcher_close(s);
    return 0;
}
