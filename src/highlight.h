/*
 * highlight.h — finding the words of a passage that a query matched, and
 * choosing the excerpt (snippet) that shows most of them.
 *
 * A word matches when its stem, produced by the same analyzer the index
 * used, is one of the terms Xapian reports the passage matched — so "CEOs"
 * is highlighted for the query "CEO"; wildcard matches are highlighted
 * by their prefix.
 */
#ifndef DEALSEARCH_HIGHLIGHT_H
#define DEALSEARCH_HIGHLIGHT_H

#include <stddef.h>

#include "analyzer.h"
#include "synonyms.h"

typedef struct {
    size_t start, end; /* byte offsets, end exclusive */
} ds_span;

typedef struct {
    ds_span *items;
    size_t count, cap;
} ds_span_list;

/* What a passage matched: Xapian's matching terms for it, and the query's
 * wildcard prefixes (whose expansions Xapian does not report). */
typedef struct {
    char *const *terms;
    size_t n_terms;
    char *const *prefixes;
    size_t n_prefixes;
    const ds_synonyms *synonyms;  /* for synonym group terms; may be NULL */
} ds_match_terms;

/* Append to `out` the spans of the words of text[0..len) whose stem is one
 * of m->terms or starts with one of m->prefixes, and of the phrases of the
 * synonym groups among m->terms (other terms starting with an upper-case
 * letter are field or filter terms and never highlight body words).  Spans
 * come out in text order, overlaps merged. */
void ds_find_matches(ds_analyzer *a, const char *text, size_t len,
                     const ds_match_terms *m, ds_span_list *out);

/* The lower-cased prefixes of the query's trailing-'*' wildcards
 * ("acqui*" gives "acqui"), as QueryParser reads them; malloc'd array of
 * malloc'd strings. */
void ds_wildcard_prefixes(const char *query, char ***prefixes, size_t *n);

void ds_span_list_free(ds_span_list *list);

typedef struct {
    size_t start, end;   /* byte range of text to show */
} ds_window;

/* The range of at most about `max_bytes` (cut at word boundaries) holding
 * the most distinct matched words, preferring one that starts a sentence.
 * The whole text when it fits. */
ds_window ds_snippet_window(const char *text, size_t len,
                            const ds_span_list *matches, size_t max_bytes);

#endif
