/*
 * ranking.h — how passages are ranked: BM25, its parameters shared by the
 * indexer and the searcher, and its length normalisation, which is done
 * when passages are written rather than when they are searched.
 */
#ifndef DEALSEARCH_RANKING_H
#define DEALSEARCH_RANKING_H

#include <stddef.h>

#include "../shim/shim.h"
#include "util.h"

/* BM25 as Robertson & Zaragoza describe it; k2 = 0 turns off Xapian's
 * extra document-length correction, k3 only matters for repeated query
 * words, and min_normlen keeps very short passages from being over-rated. */
#define DS_BM25_K1 1.2
#define DS_BM25_K2 0.0
#define DS_BM25_K3 1.0
#define DS_BM25_B 0.75
#define DS_BM25_MIN_NORMLEN 0.5

/* Each passage's wdfs are stored normalised for its length (see
 * dsx_doc_normalise_lengths): a search then reads no document lengths,
 * which were half of its work in Xapian 1.4 (bench/README.md).  A
 * normalised wdf of 1 is stored as DS_LENGTH_SCALE: 64 keeps a word seen
 * once in a passage of average length within one byte of the postlist
 * (under 128), and the rounding moves a score by well under 1%. */
#define DS_LENGTH_SCALE 64

/* The BM25 parameters to rank with: the shipped ones, or for relevance
 * experiments DEALSEARCH_BM25 = "k1,k2,k3,b,min_normlen" (b and
 * min_normlen then take effect when the index is built); DS_ERR_USAGE
 * when that is not five numbers. */
ds_status ds_bm25_settings(ds_bm25 *p, char **err);

/* Proximity, in the spirit of the sequential dependence model (Metzler &
 * Croft): each pair of words next to each other in the query adds, in a
 * passage holding them side by side in that order, DS_PROXIMITY_ORDERED
 * times their BM25 weights there, and in a passage holding them within
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

/* The normalisation as the index stores it: "AVG B MIN_NORMLEN SCALE". */
void ds_length_norm_format(const dsx_length_norm *norm, char *out,
                           size_t size);

/* Parse what ds_length_norm_format wrote; DS_ERR_DAMAGED (no message)
 * when `text` is not that. */
ds_status ds_length_norm_parse(const char *text, dsx_length_norm *norm);

#endif
