/*
 * stopwords.h — English words too common to help rank a passage.  The
 * query parser leaves them out of free-text queries (not out of phrases,
 * and not when a query has nothing else); the index keeps every word, so
 * "Q: What is Scale AI?" still matches as a phrase.
 */
#ifndef DEALSEARCH_STOPWORDS_H
#define DEALSEARCH_STOPWORDS_H

#include <stddef.h>

/* Sorted in strcmp() order. */
extern const char *const ds_stopwords[];
extern const size_t ds_n_stopwords;

/* Whether the lower-cased word term[0..len) is one of them. */
int ds_is_stopword(const char *term, size_t len);

#endif
