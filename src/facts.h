/*
 * facts.h — the same fact told by several sources, in their own words.
 *
 * Near-copy grouping (neardup.h) finds syndicated text; outlets mostly
 * retell a fact instead ("Meta will take a 49% stake in Scale AI" /
 * "acquiring a 49% stake in the company for $14.3 billion").  A passage's
 * fact, for a query, is its sentence holding the most distinct query terms
 * the passage matched (a synonym group's term where one of the group's
 * entries is), read with the index's own analysis (analyzer.h):
 * its content words (stems, stopwords left out, and the words of an
 * "according to ..." clause or a wire story's dateline: who said it, and
 * where and when, is not what was said), weighed by how rare they are in
 * the index, its names (capitalised words, kept apart from the content
 * words), and its numbers, each with what makes it a figure ("$4
 * million", "49%").  Two such sentences report the same fact when
 *   - their numbers agree: the figures of one are all among the other's,
 *     and so are its other numbers (a different figure is a different
 *     fact; a figure one adds, or an age, is not);
 *   - their names do not conflict: neither names more others than the
 *     names they share (the same figure about another company is another
 *     fact);
 *   - and they share a figure, or, besides the query's own terms, their
 *     names and the words common to the hits (a story's words: "deal" in
 *     every passage about it), at least DS_FACT_MIN_SHARED content words
 *     weighing DS_FACT_OVERLAP of the smaller sentence's.  Names do not
 *     count: sentences naming the same people often say different things
 *     of them ("X was nominated" / "X won").
 * The thresholds were chosen on the development half of a labelled set of
 * passage pairs and checked on the other half (bench/RELEVANCE.md, "The
 * same fact"); they favour precision: a missed pair is shown twice, a
 * wrong one hides a different fact behind another.
 */
#ifndef DEALSEARCH_FACTS_H
#define DEALSEARCH_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "dealsearch.h"
#include "synonyms.h"

#define DS_FACT_OVERLAP 0.6
#define DS_FACT_MIN_SHARED 2
/* A word is common to the hits compared when at least this many have it
 * in their sentence. */
#define DS_FACT_COMMON_MIN 3

/* A set of words, as sorted distinct 32-bit hashes of their stems, each
 * with its weight (ds_fact_rarity). */
typedef struct {
    uint32_t key;
    float weight;
} ds_fact_item;

typedef struct {
    ds_fact_item *items;
    size_t n, cap;
} ds_fact_set;

/* How rare words are in the index, to weigh them: `freq` tells how often
 * the words of a stem occur in it (ctx passed), `total` how many words it
 * holds.  A word weighs log2(1 + total / (freq + 1)): "Xhosa" or "quotas"
 * shared say more that two sentences report one fact than "said" or
 * "year" shared. */
typedef struct {
    unsigned long (*freq)(void *ctx, const char *stem, size_t len);
    void *ctx;
    double total;
} ds_fact_rarity;

/* The fact a passage states for a query. */
typedef struct {
    size_t start, end;     /* its sentence: bytes of the passage text;
                              start == end when no sentence holds a query
                              term (then it is the same as nothing) */
    ds_fact_set words;     /* content words, the query's terms and names
                              left out */
    ds_fact_set names;     /* the capitalised ones, the same */
    ds_fact_set numbers;   /* numbers (with the query's) */
    ds_fact_set figures;   /* those with a currency, per cent or scale */
} ds_fact;

/* Read the fact of passage text[0..len) for the query terms `terms` (a
 * hit's matched terms: stems, and synonym group terms, read as the words
 * of the group's entries when `synonyms`, the index's groups, is given (it
 * may be NULL); others, such as field terms, are ignored) into *f, which
 * the caller zero-initialises and frees with ds_fact_free; its words
 * weighed by `rarity` (NULL: each weighs 1; borrowed for the call).
 * Cannot fail. */
void ds_fact_read(ds_analyzer *a, const ds_synonyms *synonyms,
                  const ds_fact_rarity *rarity, const char *text, size_t len,
                  char *const *terms, size_t n_terms, ds_fact *f);

void ds_fact_free(ds_fact *f);

/* Add to `common` (zero-initialised; free its items) the words at least
 * DS_FACT_COMMON_MIN of the n facts have. */
void ds_fact_common(const ds_fact *facts, size_t n, ds_fact_set *common);

/* Whether `x` and `y` report the same fact (symmetric): their likeness is
 * at least DS_FACT_OVERLAP.  `common` (may be NULL) is what
 * ds_fact_common gave for the hits they are among. */
int ds_fact_same(const ds_fact *x, const ds_fact *y,
                 const ds_fact_set *common);

/* How alike x and y are, in [0, 1]: 0 when they cannot report the same
 * fact (their numbers disagree, their names conflict, they share too few
 * words), 1 when a shared figure settles it, else their overlap.  What
 * any threshold could reach is measured with it (bench/facts_eval.c). */
double ds_fact_likeness(const ds_fact *x, const ds_fact *y,
                        const ds_fact_set *common);

/* The sentence of passage text[0..len) that states its fact for `terms`
 * (as ds_fact_read chooses it), malloc'd; NULL when none holds a term. */
char *ds_fact_sentence(ds_analyzer *a, const ds_synonyms *synonyms,
                       const char *text, size_t len, char *const *terms,
                       size_t n_terms);

/* Fold the hits (best first) that report the fact of a better hit from
 * another source into that hit, their terms read with `synonyms` and
 * their words weighed with `rarity` as ds_fact_read reads them: each is
 * added to the better hit's `also` (with its sentence; at most `max_also`
 * entries) and marked in folded[i] (n bytes, set here).  A group has at
 * most one passage of each source.  Returns how many were folded. */
size_t ds_fact_fold(ds_analyzer *a, const ds_synonyms *synonyms,
                    const ds_fact_rarity *rarity, ds_hit *hits, size_t n,
                    size_t max_also, unsigned char *folded);

/* The overlap coefficient of x's and y's content words, weighed, those
 * in `common` left out (0 when either has none). */
double ds_fact_overlap(const ds_fact *x, const ds_fact *y,
                       const ds_fact_set *common);

#endif
