/*
 * search.h — answering a query (dealsearch.h's ds_searcher and
 * ds_results): parse it as the index was analysed, rank, and return the
 * passages with the terms each one matched.  The printers (render.c) read
 * the results through what is declared here.
 */
#ifndef DEALSEARCH_SEARCH_H
#define DEALSEARCH_SEARCH_H

#include <stddef.h>

#include "analyzer.h"
#include "dealsearch.h"
#include "facts.h"
#include "spelling.h"
#include "synonyms.h"

/* Feedback: the best DS_FEEDBACK_TERMS words of the top DS_FEEDBACK_DOCS
 * passages join the query at up to DS_FEEDBACK_WEIGHT of a query word
 * (RM3-style; measured in bench/RELEVANCE.md).  On by default only for
 * `dealsearch run`, whose OR-ed queries rank whole documents: added words
 * would widen an interactive all-words search beyond what was asked. */
#define DS_FEEDBACK_DOCS 10
#define DS_FEEDBACK_TERMS 20
#define DS_FEEDBACK_WEIGHT 0.5

/* Other passages reported in a hit's near-copy group, at most this many. */
#define DS_MAX_ALSO 20

struct ds_results {
    ds_results_info info;   /* its strings point to the ones below */
    char *query;            /* as given */
    char *searched;         /* the text run: normalised, maybe corrected */
    char *corrected, *parsed, *stopped;
    char **notices;         /* what the search could not honour */
    size_t n_notices;
    char **missing;         /* the databases a partial search went without */
    size_t n_missing;
    ds_spelling_report spelling;  /* corrections and suggestions */
    ds_suggestion *suggestions;   /* those not applied; they point into
                                     `spelling` */
    size_t n_suggestions;
    ds_typo_variants *variants;   /* typo tolerance: the variants searched */
    size_t n_variants;
    ds_typo *typos;               /* the same, as ds_results_info shows
                                     them; they point into `variants` */
    ds_hit *hits;
    size_t count;
    ds_analyzer *analyzer;         /* the searcher's (borrowed) */
    const ds_synonyms *synonyms;   /* the index's groups when a hit matched
                                      one (borrowed), else NULL */
    const ds_fact_rarity *rarity;  /* how folding weighed words (facts.h;
                                      the searcher's) */
};

/* For lookup.c, the searcher's other queries: its database, index folder
 * and the generation it has open (ds_store_gen.number). */
dsx_db *ds_searcher_db(ds_searcher *s);
const char *ds_searcher_index_dir(const ds_searcher *s);
unsigned long ds_searcher_generation(const ds_searcher *s);

#endif
