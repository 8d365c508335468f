/*
 * render.h — turning search results into what the user reads: a human
 * listing (highlighted on a terminal) or one JSON object.
 *
 * JSON shape (field names and meanings are stable):
 *   {"query": "...", "corrected_query": "..."|null, "parsed_query": "...",
 *    "match": "all"|"any",
 *    "relaxed_syntax": false, "total": N, "total_exact": true,
 *    "total_if_any": 0,
 *    "offset": 0, "limit": 10,
 *    "results": [{"rank": 1, "score": 7.31, "source": "001_x.txt",
 *                 "passage": 5, "line": 5, "title": "..."|null,
 *                 "date": "2025-06-13"|null, "heading": "..."|null,
 *                 "text": "<whole passage>",
 *                 "snippet": "<excerpt>", "snippet_highlights": [[s, e]],
 *                 "text_highlights": [[s, e]], "matched_terms": ["ceo"],
 *                 "also": [{"source": "002_y.txt", "passage": 5}]}]}
 * `also` lists the near-copies of the passage (same report, other
 * sources) that also match, hidden from the results unless --all.
 * `corrected_query` is the spelling-corrected query that was run instead
 * of `query` (null when none was needed).  `total_if_any` is, when no passage has every word, how many have some
 * (0 otherwise).  `passage` is 1-based.  Highlights are [start, end) byte offsets of the
 * matched words in the UTF-8 of `snippet` and of `text`.  A snippet cut
 * from a longer passage starts and/or ends with "… ".
 */
#ifndef DEALSEARCH_RENDER_H
#define DEALSEARCH_RENDER_H

#include <stddef.h>

#include "analyzer.h"
#include "search.h"
#include "text.h"
#include "util.h"

/* Default snippet length in bytes of passage text. */
#define DS_SNIPPET_BYTES 320

typedef struct {
    int json;
    int color;          /* bold matches and coloured headers (ANSI) */
    int full;           /* whole passages instead of snippets */
    unsigned width;     /* wrap text to this many columns; 0: no wrapping */
    size_t snippet_bytes;
} ds_render_options;

/* Append the rendering of `r` (the answer to `query`) to `out`. */
void ds_render(ds_buf *out, const char *query, const ds_results *r,
               const ds_search_options *so, ds_analyzer *a,
               const ds_render_options *ro);

#endif
