/*
 * spelling.h — what the index knows of how words are spelled: it corrects
 * a query word the index lacks when it is confident, and otherwise
 * suggests; both read the vocabulary (vocab.h), which this module writes
 * when an index is built and maps (or, when the file is missing or stale,
 * rebuilds from the spelling table) when it is searched.
 *
 * The rules, measured on Norvig's misspellings and on correctly spelled
 * words absent from the index (bench/RELEVANCE.md, "Spelling"):
 *   - a word is looked at only when it has DS_SPELLING_MIN_LETTERS letters
 *     or more and no digit; a neighbour is within one edit for up to 8
 *     letters, two beyond (an edit of the first letter counts two);
 *   - a word the index lacks is replaced only when it is written in lower
 *     case (a capitalised word is a name: "Putin" must not become "put"),
 *     and its best neighbour (fewest edits, then most frequent) occurs at
 *     least DS_SPELLING_MIN_FREQ times and DS_SPELLING_RIVAL_RATIO times
 *     as often as any other neighbour as close; otherwise that neighbour
 *     is suggested, however rare (without it the word finds nothing);
 *   - a word the index has is never replaced; a neighbour is suggested
 *     when it occurs DS_SPELLING_MIN_FREQ times and DS_SPELLING_RARE_RATIO
 *     times as often as the word (Volker, a misspelling found twice, and
 *     Volcker found 398 times).
 */
#ifndef DEALSEARCH_SPELLING_H
#define DEALSEARCH_SPELLING_H

#include <stddef.h>

#include "../shim/shim.h"
#include "analyzer.h"
#include "dealsearch.h"

#define DS_SPELLING_MIN_LETTERS 5
#define DS_SPELLING_MIN_FREQ 5
#define DS_SPELLING_RIVAL_RATIO 10
#define DS_SPELLING_RARE_RATIO 20

/* The vocabulary file, in a generation's directory (schema.h), and the
 * stems file beside it: in the same format (vocab.h), each stem (an
 * index term) with how often its words occur, which the ranking reads
 * (ranking.h). */
#define DS_VOCAB_FILE "vocabulary"
#define DS_STEMS_FILE "stems"

/* At build time: write the vocabulary and the stems of the database at
 * `dir` to dir/DS_VOCAB_FILE and dir/DS_STEMS_FILE.  DS_ERR_IO naming the
 * file, DS_ERR_DAMAGED when the database cannot be read. */
ds_status ds_spelling_write_vocab(const char *dir, char **err);

typedef struct ds_spelling ds_spelling;

/* For a searcher: spelling over `db`, the database at `dir` (of a
 * database of several, its head: layout.h), stemming with `a`; both
 * borrowed for the life of the result.  Cheap: the vocabulary is mapped
 * on first use. */
ds_spelling *ds_spelling_new(dsx_db *db, const char *dir, ds_analyzer *a);

/* Accepts NULL. */
void ds_spelling_free(ds_spelling *sp);

/* Map the stems file (or when it is missing or stale, build the same from
 * the spelling table); once loaded, a no-op.  DS_ERR_DAMAGED when the
 * spelling table cannot be read. */
ds_status ds_spelling_load_stems(ds_spelling *sp, char **err);

/* How often the words whose stem is `stem` occur in the whole index; 0
 * when none does or the stems are not loaded. */
unsigned long ds_spelling_stem_freq(const ds_spelling *sp, const char *stem,
                                    size_t len);

/* A query word the index may spell otherwise. */
typedef struct {
    size_t start, end;       /* the word's bytes in the query */
    char *word;              /* as typed (malloc'd) */
    char *suggestion;        /* in the typed word's case (malloc'd) */
    unsigned long passages;  /* passages holding it in any form */
    int applied;             /* the query was corrected with it */
} ds_spelling_fix;

typedef struct {
    char *corrected;         /* the query with the applied fixes (malloc'd),
                                or NULL when none was applied */
    ds_spelling_fix *fixes;
    size_t n_fixes;
} ds_spelling_report;

/* Check the words of `query` (normalised, ds_normalize) but for operators,
 * field names and values, and wildcards.  With `correct` 0 nothing is
 * applied: every fix is a suggestion.  DS_ERR_DAMAGED when the index
 * cannot be read.  Free with ds_spelling_report_free. */
ds_status ds_spelling_check(ds_spelling *sp, const char *query, int correct,
                            ds_spelling_report *out, char **err);

void ds_spelling_report_free(ds_spelling_report *r);

/* ---- Typo tolerance ----
 *
 * A query word also matches the indexed words within the edits that
 * spelling allows it (above), searched after the passages that match it
 * as typed (search.c).  At most DS_TYPO_MAX_VARIANTS, the most frequent,
 * so that a query stays small: of Norvig's misspellings that are indexed
 * words themselves, none has the right word further down than fourth
 * (bench/RELEVANCE.md, "Typo tolerance"). */
#define DS_TYPO_MAX_VARIANTS 4

typedef struct {
    char *word;              /* the query word, lower-cased */
    char *stem;              /* and its term */
    char **words;            /* its variants as written in the index */
    char **stems;            /* and their terms, distinct, not `stem` */
    size_t n;
} ds_typo_variants;

/* The variants of the words of `query` (normalised) that have some, in
 * *out (malloc'd, *n of them; free with ds_typo_variants_free) — of the
 * words `q`, the query read from it, holds as plain words
 * (dsx_query_has_plain_term): those in a phrase, a NEAR or a field would
 * not be widened, so their neighbours are not looked for.
 * DS_ERR_DAMAGED when the index cannot be read. */
ds_status ds_spelling_variants(ds_spelling *sp, const char *query,
                               const dsx_query *q, ds_typo_variants **out,
                               size_t *n, char **err);

void ds_typo_variants_free(ds_typo_variants *v, size_t n);

#endif
