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

/* What one query highlights. */
typedef struct ds_highlighter ds_highlighter;

/* A highlighter for the query `query` (the text that was searched): it
 * notes the prefixes of the query's trailing-'*' wildcards ("acqui*"
 * gives "acqui", as QueryParser reads them), whose expansions Xapian does
 * not report among a hit's terms.  `a` and `synonyms` (the index's
 * groups, may be NULL) are borrowed.  Cannot fail. */
ds_highlighter *ds_highlighter_new(ds_analyzer *a, const char *query,
                                   const ds_synonyms *synonyms);
void ds_highlighter_free(ds_highlighter *h);

/* Append to `out` the spans of the words of text[0..len) whose stem is one
 * of `terms` (a hit's matched terms) or starts with a wildcard's prefix,
 * and of the phrases of the synonym groups among `terms` (other field
 * terms never highlight words).  Spans come out in text order, overlaps
 * merged. */
void ds_highlight(ds_highlighter *h, const char *text, size_t len,
                  char *const *terms, size_t n_terms, ds_span_list *out);

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
