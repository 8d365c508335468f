/*
 * build.h — building an index in-process for the unit tests, through the
 * public API (ds_indexer_*).
 */
#ifndef DEALSEARCH_UNIT_BUILD_H
#define DEALSEARCH_UNIT_BUILD_H

#include "unit.h"

#include "../../src/dealsearch.h"

/* Build an index of the folder `corpus` at `index` (jobs and
 * spelling_words as ds_index_options has them; 0: the defaults); 0 on
 * success, else -1 with the error on stderr. */
static inline int unit_build(const char *corpus, const char *index,
                             unsigned jobs, unsigned long spelling_words,
                             ds_index_stats *stats)
{
    ds_index_options opt;
    ds_index_options_init(&opt);
    opt.corpus.path = corpus;
    opt.index_dir = index;
    opt.jobs = jobs;
    opt.spelling_words = spelling_words;
    ds_indexer *ix = NULL;
    char *err = NULL;
    ds_status st = ds_indexer_open(&opt, &ix, &err);
    if (st == DS_OK) st = ds_indexer_build(ix, stats, &err);
    ds_indexer_close(ix);
    if (st != DS_OK) fprintf(stderr, "index: %s\n", err);
    free(err);
    return st == DS_OK ? 0 : -1;
}

#endif
