/*
 * batch.h — answering a file of queries at once, for evaluation: each
 * "qid<TAB>query" line becomes TREC run lines "qid Q0 docid rank score tag",
 * one per document (the best passage of each source), ranked by score.
 */
#ifndef DEALSEARCH_BATCH_H
#define DEALSEARCH_BATCH_H

#include <stdio.h>

#include "search.h"

#define DS_RUN_TAG "dealsearch"

/* Answer every query of `path` with `opt` (opt->limit documents each) and
 * write the run to `out`.  Returns DS_EXIT_MATCH, or DS_EXIT_ERROR with
 * *err malloc'd naming the file and line at fault. */
int ds_run_queries(ds_searcher *s, const char *path,
                   const ds_search_options *opt, FILE *out, char **err);

#endif
