/*
 * ranking.h — how passages are ranked: IneB2, a divergence-from-randomness
 * model (Amati & van Rijsbergen; shim/weighting.cc), its parameter shared
 * by the indexer and the searcher, and its length normalisation, which is
 * done when passages are written rather than when they are searched.
 */
#ifndef DEALSEARCH_RANKING_H
#define DEALSEARCH_RANKING_H

#include <stddef.h>

#include "../shim/shim.h"
#include "util.h"

/* Normalisation 2's c: a word held tf times in a passage of `len` words
 * counts tf * log2(1 + c * average length / len) times (Amati's default,
 * and Xapian's). */
#define DS_DFR_C 1.0

/* Each passage's wdfs are stored normalised for its length and saturated
 * (see dsx_doc_normalise_lengths): a search then reads no document
 * lengths, which were half of its work in Xapian 1.4 (bench/README.md).
 * A stored wdf is at most DS_LENGTH_SCALE: 127 keeps every one within one
 * byte of the postlist (under 128). */
#define DS_LENGTH_SCALE 127

/* The ranking parameter to build with: the shipped one, or for relevance
 * experiments DEALSEARCH_DFR_C (it takes effect when the index is built);
 * DS_ERR_USAGE when that is not a number above 0. */
ds_status ds_ranking_settings(ds_ranking *p, char **err);

/* Proximity, in the spirit of the sequential dependence model (Metzler &
 * Croft): each pair of words next to each other in the query adds, in a
 * passage holding them side by side in that order, DS_PROXIMITY_ORDERED
 * times their weights there, and in a passage holding them within
 * DS_PROXIMITY_WINDOW words in any order, DS_PROXIMITY_UNORDERED times
 * them (bench/RELEVANCE.md, "Proximity"). */
#define DS_PROXIMITY_ORDERED 0.1
#define DS_PROXIMITY_UNORDERED 0.1
#define DS_PROXIMITY_WINDOW 8

typedef struct {
    double ordered, unordered;
    unsigned window;
} ds_proximity;

/* The proximity weights to rank with: the shipped ones, or for relevance
 * experiments DEALSEARCH_PROXIMITY = "ordered,unordered,window" (0,0,8:
 * none); DS_ERR_USAGE when that is not three numbers, the window 2 or
 * more. */
ds_status ds_proximity_settings(ds_proximity *p, char **err);

/* The normalisation as the index stores it: "ineb2 AVG C SCALE". */
void ds_length_norm_format(const dsx_length_norm *norm, char *out,
                           size_t size);

/* Parse what ds_length_norm_format wrote; DS_ERR_DAMAGED (no message)
 * when `text` is not that. */
ds_status ds_length_norm_parse(const char *text, dsx_length_norm *norm);

#endif
