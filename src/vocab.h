/*
 * vocab.h — the index's vocabulary: every word as written (lower-case,
 * unstemmed) with how often it occurs, as a trie, and the words within a
 * few edits of a query word.  Spelling corrections and typo tolerance
 * read it (search.c, spelling.c).
 *
 * It is derived from the database's spelling table and written beside
 * the database when a build or an update commits (ds_vocab_write), as
 * one file that a search memory-maps: opening costs no reading, and a
 * query word's neighbours are found by walking the trie with the rows of
 * the edit-distance table (Levenshtein with adjacent transpositions),
 * pruned where every entry of the row is past the distance allowed; only
 * the trie nodes on such paths are touched.  Xapian's own
 * get_spelling_suggestion() returns one word per call and costs
 * milliseconds (bench/RELEVANCE.md, "Spelling").
 *
 * The file records a stamp of the database it was made from (its UUID
 * and revision); a file that is missing, damaged, or from another state
 * of the database is not used (ds_vocab_open says so) and the caller
 * builds the vocabulary in memory from the spelling table instead.
 *
 * File layout (native byte order, checked by a byte-order mark):
 *   header: magic "DSVOCAB" + version byte, u32 byte-order mark, u32
 *           node count N, u32 stamp length S, u32 reserved;
 *   the stamp, S bytes, zero-padded to a multiple of 4;
 *   first[N + 1]: node i's children are nodes first[i] .. first[i+1]-1
 *           (breadth-first order: a child's index is above its parent's);
 *   label[N]: the code point on the edge into node i (0 for the root);
 *   freq[N]: how often the word ending at node i occurs (0: none does).
 */
#ifndef DEALSEARCH_VOCAB_H
#define DEALSEARCH_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#include "dealsearch.h"

/* Words longer than this (in code points) are not looked up by distance. */
#define DS_VOCAB_MAX_WORD 48

typedef struct ds_vocab ds_vocab;

/* ---- Building ---- */

typedef struct ds_vocab_builder ds_vocab_builder;

ds_vocab_builder *ds_vocab_builder_new(void);

/* Add a word (UTF-8, `len` bytes) occurring `freq` times.  Words must come
 * in ascending byte order, each once (as Xapian lists its spelling
 * table); DS_ERR_INTERNAL otherwise.  Words that are not valid UTF-8 or
 * longer than 255 bytes are skipped. */
ds_status ds_vocab_builder_add(ds_vocab_builder *b, const char *word,
                               size_t len, unsigned long freq, char **err);

/* Write the vocabulary to `path` (through a temporary file renamed over
 * it), stamped with `stamp`.  DS_ERR_IO naming the file. */
ds_status ds_vocab_builder_write(const ds_vocab_builder *b, const char *path,
                                 const char *stamp, char **err);

/* The vocabulary in memory, without a file; `b` is emptied. */
ds_vocab *ds_vocab_builder_finish(ds_vocab_builder *b);

void ds_vocab_builder_free(ds_vocab_builder *b);

/* ---- Reading ---- */

/* Map the vocabulary at `path` if it was made with `stamp`.  DS_OK with
 * *out set; DS_ERR_NO_INDEX when there is no such file, DS_ERR_VERSION
 * when it is from another stamp or format, DS_ERR_DAMAGED when it is not
 * a vocabulary file (truncated, inconsistent). */
ds_status ds_vocab_open(const char *path, const char *stamp, ds_vocab **out,
                        char **err);

/* Accepts NULL. */
void ds_vocab_close(ds_vocab *v);

/* How often `word` occurs (0: not in the vocabulary). */
unsigned long ds_vocab_freq(const ds_vocab *v, const char *word, size_t len);

/* Called for each word found; `word` is valid during the call only.
 * Return nonzero to stop. */
typedef int (*ds_vocab_fn)(void *ctx, const char *word, size_t len,
                           unsigned long freq, unsigned distance);

/* Call `fn` for every word within `max_distance` edits of `word` (an
 * insertion, deletion, substitution or swap of adjacent letters is one
 * edit), `word` itself included at distance 0 when present; in
 * ascending byte order.  Words longer than DS_VOCAB_MAX_WORD code points
 * or not valid UTF-8 find nothing. */
void ds_vocab_near(const ds_vocab *v, const char *word, size_t len,
                   unsigned max_distance, ds_vocab_fn fn, void *ctx);

#endif
