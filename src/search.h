/*
 * search.h — answering a query against an index: parse, rank, and return
 * decoded passages with the terms each one matched.
 */
#ifndef DEALSEARCH_SEARCH_H
#define DEALSEARCH_SEARCH_H

#include <stddef.h>

#include "analyzer.h"
#include "synonyms.h"

/* Queries longer than this are refused (documented in the README). */
#define DS_MAX_QUERY_BYTES (256 * 1024)

typedef struct ds_searcher ds_searcher;

typedef enum {
    DS_SEARCH_OK = 0,
    DS_SEARCH_NO_INDEX,   /* the index has never been built */
    DS_SEARCH_ERROR
} ds_search_status;

/* Open the index in `index_dir`.  On failure *out is NULL and *err a
 * malloc'd one-line message naming the index and saying what to do. */
ds_search_status ds_searcher_open(const char *index_dir, ds_searcher **out,
                                  char **err);

void ds_searcher_close(ds_searcher *s);

/* The analyzer the searcher parses with (for highlighting). */
ds_analyzer *ds_searcher_analyzer(ds_searcher *s);


typedef struct {
    unsigned offset, limit;
    int match_any;    /* rank passages with any of the words, not only
                         those with all of them */
    int exact;        /* no spelling correction */
    int no_synonyms;  /* no synonym expansion */
    int plain;        /* no query syntax: the text is just words */
    int one_per_source; /* the best passage of each source only */
    int explain;      /* fill ds_hit.parts and ds_results.bm25 */
    int all;          /* every passage, near-copies too (no grouping) */
    int feedback;     /* pseudo-relevance feedback (see DS_FEEDBACK_*) */
} ds_search_options;

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

typedef struct {
    char *source;
    unsigned long passage;
} ds_also;

typedef struct {
    char *label;       /* a term, or a phrase/synonym group weighed whole */
    double weight;     /* its share of the score */
} ds_score_part;

typedef struct {
    double score;
    char *source;
    unsigned long passage, line;
    char *text;
    size_t text_len;
    char *title;       /* the article's title, or NULL */
    char *date;        /* the article's date (YYYY-MM-DD), or NULL */
    char *heading;     /* the heading above the passage, or NULL */
    char **terms;      /* query terms (stems) this passage matched */
    size_t n_terms;
    ds_score_part *parts;  /* with opt->explain: the score's parts */
    size_t n_parts;
    unsigned long group;   /* near-copy group (neardup.h) */
    unsigned collapsed;    /* matching near-copies folded into this hit */
    ds_also *also;         /* where they are (at most DS_MAX_ALSO), best
                              first */
    size_t n_also;
} ds_hit;

typedef struct {
    ds_hit *hits;
    size_t count;
    unsigned long total;          /* estimated number of matches */
    int total_exact;              /* the estimate is exact */
    int relaxed_syntax;           /* invalid syntax read as plain words */
    unsigned long total_if_any;   /* when no passage has every word: how
                                     many have some of them (else 0) */
    char *parsed;                 /* Xapian's description of the query */
    char *corrected;              /* the query as spelling-corrected and
                                     run, or NULL when nothing was */
    char **wildcards;             /* prefixes of the query's wildcards */
    size_t n_wildcards;
    const ds_synonyms *synonyms;  /* the index's synonym groups (borrowed
                                     from the searcher), or NULL */
    char *stopped;                /* stopwords left out of the query */
    dsx_bm25 bm25;                /* the ranking parameters in force */
    double avg_length;            /* the passages' average length, which
                                     BM25 normalised with (ranking.h) */
} ds_results;

/* Run `query`.  Returns 0 (even with no hits), or -1 with *err a malloc'd
 * message naming the query: empty, too long, no searchable words, or an
 * index error. */
int ds_search(ds_searcher *s, const char *query,
              const ds_search_options *opt, ds_results *out, char **err);

void ds_results_free(ds_results *r);

#endif
