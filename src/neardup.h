/*
 * neardup.h — grouping passages that report the same thing, at index time.
 *
 * News about one event is syndicated and copied: the same paragraph
 * appears, lightly edited, in several articles.  Each passage gets a
 * MinHash signature of its word 3-shingles (stemmed words, so inflection
 * does not matter): DS_NEARDUP_HASHES 16-bit minimums of independent
 * hashes.  Locality-sensitive hashing (DS_NEARDUP_BANDS bands of
 * DS_NEARDUP_ROWS hashes: a pair with similarity 0.5 shares a band with
 * probability 0.82, at 0.7 with 0.98) finds earlier passages that may be
 * similar; one whose signature agrees
 * on at least DS_NEARDUP_THRESHOLD of the hashes (an estimated Jaccard
 * similarity of the shingle sets) is a near-copy, and the new passage joins
 * its group.  Passages shorter than DS_NEARDUP_MIN_WORDS words are never
 * grouped: a shared stock phrase is not a shared report.
 *
 * Measured (bench/RELEVANCE.md): on the demo corpus the most similar
 * passages of different articles reach an estimated 0.15, so none are
 * grouped; crafted near-copies (a sentence reworded, a clause added) reach
 * 0.6-0.9.  Memory: about 100 bytes per passage (signature, group, six
 * bucket entries), for at most DS_NEARDUP_WINDOW passages.
 */
#ifndef DEALSEARCH_NEARDUP_H
#define DEALSEARCH_NEARDUP_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"

#define DS_NEARDUP_HASHES 24
#define DS_NEARDUP_ROWS 2
#define DS_NEARDUP_BANDS 6
#define DS_NEARDUP_THRESHOLD 0.5
#define DS_NEARDUP_MIN_WORDS 12
/* Passages compared at a time: memory stays bounded (about 25 MB) however
 * large the corpus; beyond this many passages, in file order, grouping
 * starts afresh, so copies further apart than that are not grouped. */
#define DS_NEARDUP_WINDOW 262144

/* A passage's MinHash signature. */
typedef struct {
    uint16_t min[DS_NEARDUP_HASHES];
    unsigned char valid;  /* long enough to be compared */
} ds_neardup_sig;

/* Sign a passage (normalised text).  Safe in several threads at once,
 * each with an analyzer of its own: the signing is most of the work, and
 * can be done in parallel before the passages are grouped in order. */
void ds_neardup_sign(ds_analyzer *a, const char *text, size_t len,
                     ds_neardup_sig *sig);

typedef struct ds_neardup ds_neardup;

ds_neardup *ds_neardup_new(void);
void ds_neardup_free(ds_neardup *d);

/* Add the next passage, by its signature, and return its group: the group
 * of the earlier passage it nearly copies, or a new group.  Groups are
 * numbered from 1 in order of appearance. */
unsigned long ds_neardup_add_signed(ds_neardup *d, const ds_neardup_sig *sig);

/* Sign the next passage (normalised text) and add it. */
unsigned long ds_neardup_add(ds_neardup *d, ds_analyzer *a, const char *text,
                             size_t len);

/* Groups with more than one passage so far. */
unsigned long ds_neardup_shared_groups(const ds_neardup *d);

/* Do two valid signatures agree on band `band` (near-copy candidates)? */
int ds_neardup_same_band(const ds_neardup_sig *x, const ds_neardup_sig *y,
                         unsigned band);

/* A signature as the index stores it (schema.h): its minimums as 16-bit
 * little-endian numbers.  Only valid signatures are stored; decoding
 * anything but DS_NEARDUP_SIG_BYTES bytes gives an invalid one. */
#define DS_NEARDUP_SIG_BYTES (2 * DS_NEARDUP_HASHES)
void ds_neardup_sig_encode(const ds_neardup_sig *sig,
                           char out[DS_NEARDUP_SIG_BYTES]);
void ds_neardup_sig_decode(const char *data, size_t len, ds_neardup_sig *sig);

/* A group's id, as the index stores it: derived from its first passage
 * in corpus order (the source and the 1-based passage number), so that
 * a build and an update name the same group alike, and a group an update
 * does not touch keeps its id.  Never 0, under 2^53. */
unsigned long ds_neardup_group_id(const char *source, size_t passage);

/* Turning the group numbers ds_neardup_add_signed gave a run of passages
 * (in order) into ids: groups of one passage get 0, the others the id of
 * their first passage. */
typedef struct {
    const unsigned long *numbered;   /* borrowed, one per passage */
    size_t n;
    unsigned long max;               /* the highest number */
    unsigned *members;               /* per number, capped at 2 */
    unsigned long *ids;              /* per number */
} ds_group_ids;

void ds_group_ids_init(ds_group_ids *g, const unsigned long *numbered,
                       size_t n);

/* Name passage `at` (call for every passage, in order). */
void ds_group_ids_name(ds_group_ids *g, size_t at, const char *source,
                       size_t passage);

/* Passage `at`'s group id (0: no near-copy). */
unsigned long ds_group_ids_get(const ds_group_ids *g, size_t at);

void ds_group_ids_free(ds_group_ids *g);

/* The estimated Jaccard similarity of two texts' shingle sets (for tests
 * and for measuring the threshold). */
double ds_neardup_similarity(ds_analyzer *a, const char *x, size_t x_len,
                             const char *y, size_t y_len);

#endif
