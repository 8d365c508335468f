/*
 * analyzer.h — the one text analysis used for indexing, querying and
 * highlighting: Xapian's word rules and libstemmer's English (Snowball)
 * stemmer, every word indexed as its stem (Xapian's STEM_ALL strategy).
 *
 * The shim gets the stemmer as a dsx_stemmer, so TermGenerator (indexing)
 * and QueryParser (queries) call the same libstemmer code.  ds_tokenize()
 * mirrors TermGenerator's word splitting (acronyms, infix apostrophes and
 * digits, C++-style suffixes) so the highlighter finds exactly the words
 * that were indexed; tests check the two agree on the whole demo corpus.
 */
#ifndef DEALSEARCH_ANALYZER_H
#define DEALSEARCH_ANALYZER_H

#include <stddef.h>

#include "../shim/shim.h"
#include "util.h"
#include "wordtable.h"

/* TermGenerator skips words longer than this many bytes. */
#define DS_MAX_WORD_BYTES 64

/* Recorded in the index; a different value means the index must be
 * rebuilt before it can be searched. */
#define DS_ANALYSIS_DESCRIPTION                                               \
    "snowball:english via libstemmer; xapian words; stem_all; typographic "   \
    "normalisation; every word indexed"

typedef struct ds_analyzer ds_analyzer;

/* A new analyzer, or NULL when libstemmer has no English stemmer (or no
 * memory).  Not thread-safe: use one per thread. */
ds_analyzer *ds_analyzer_new(void);
void ds_analyzer_free(ds_analyzer *a);

/* The stemmer in the form the shim takes; valid while `a` lives. */
const dsx_stemmer *ds_analyzer_stemmer(ds_analyzer *a);

/* Stem a lower-cased UTF-8 word (through a cache: Snowball costs about a
 * thousand instructions a word).  The result is valid until the next call
 * on `a`; the word itself is returned when stemming fails. */
const char *ds_analyzer_stem(ds_analyzer *a, const char *word, size_t len,
                             size_t *stem_len);

/* The same without the cache, for words stemmed once each (a whole
 * vocabulary): filling the cache would cost more than it saves. */
const char *ds_analyzer_stem_uncached(ds_analyzer *a, const char *word,
                                      size_t len, size_t *stem_len);

/* From now on keep (on = 1) or stop keeping (0) every word's counts.
 * While counting, the stem cache is bounded only by
 * ds_analyzer_flush_words. */
void ds_analyzer_count_words(ds_analyzer *a, int on);

/* Call `fn` (when not NULL) with the stem of each word TermGenerator would
 * index in `text` (normalised, as it is indexed).  After
 * ds_analyzer_count_words() each of these words is also counted: the
 * counts become the spelling table, so the indexer passes each text it
 * indexes as plain words through here exactly once (the body on its way
 * to a near-copy signature). */
typedef void (*ds_stem_fn)(void *ctx, const char *stem, size_t len);
void ds_analyzer_each_stem(ds_analyzer *a, const char *text, size_t len,
                           ds_stem_fn fn, void *ctx);

/* Call `fn` for every word counted since the last call, with its stem and
 * count, then forget them all (so memory stays bounded however large the
 * corpus); non-zero from `fn` stops and is returned. */
int ds_analyzer_flush_words(ds_analyzer *a,
                            int (*fn)(void *ctx, const ds_word_entry *e),
                            void *ctx);

/* Distinct words counted (and cached) since the last flush. */
size_t ds_analyzer_words(const ds_analyzer *a);

typedef struct {
    size_t start, end;  /* byte span of the word in the text */
    const char *term;   /* lower-cased word as TermGenerator sees it */
    size_t term_len;    /* (before stemming); valid during the callback */
} ds_token;

/* Append to `out` the text to match for s[0..len): typographic variants
 * made plain so "Meta’s stake" and "Meta's stake" index and query alike —
 * curly quotes and apostrophes become ' and ", en/em dashes and minus
 * signs become -, no-break and other fixed-width spaces become a space,
 * and soft hyphens are removed.  Displayed text keeps the originals. */
void ds_normalize(const char *s, size_t len, ds_buf *out);

/* What ds_tokenize counts as part of a word (Xapian's definition). */
int ds_is_wordchar(unsigned codepoint);

/* Return non-zero to stop tokenising. */
typedef int (*ds_token_fn)(void *ctx, const ds_token *token);

/* Call `fn` for each word of `text` that TermGenerator would index in
 * ds_normalize(text), with spans in `text` itself.  Bytes that are not
 * valid UTF-8 are read as Latin-1, as Xapian does. */
void ds_tokenize(const char *text, size_t len, ds_token_fn fn, void *ctx);

typedef struct {
    size_t start, end;  /* byte span of the word in the text */
    char *stem;         /* malloc'd */
} ds_stemmed_word;

typedef struct {
    ds_stemmed_word *items;
    size_t count, cap;
} ds_stemmed_words;

/* Decides whether a word (lower-cased) is worth stemming. */
typedef int (*ds_word_filter)(void *ctx, const char *term, size_t len);

/* Append the words of `text` (as ds_tokenize finds them) with their stems
 * to `out`, which the caller zero-initialises and frees with
 * ds_stemmed_words_free().  With a `filter`, words it rejects get a NULL
 * stem (stemming is most of the cost). */
void ds_stem_words(ds_analyzer *a, const char *text, size_t len,
                   ds_word_filter filter, void *filter_ctx,
                   ds_stemmed_words *out);
void ds_stemmed_words_free(ds_stemmed_words *w);

#endif
