/*
 * search.h — answering a query against an index: parse, rank, and return
 * decoded passages with the terms each one matched.
 */
#ifndef DEALSEARCH_SEARCH_H
#define DEALSEARCH_SEARCH_H

#include <stddef.h>

#include "analyzer.h"

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
    int match_any;  /* rank passages with any of the words, not only those
                       with all of them */
} ds_search_options;

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
    char **wildcards;             /* prefixes of the query's wildcards */
    size_t n_wildcards;
} ds_results;

/* Run `query`.  Returns 0 (even with no hits), or -1 with *err a malloc'd
 * message naming the query: empty, too long, no searchable words, or an
 * index error. */
int ds_search(ds_searcher *s, const char *query,
              const ds_search_options *opt, ds_results *out, char **err);

void ds_results_free(ds_results *r);

#endif
