/*
 * render.h — printing search results (dealsearch.h's ds_results_print).
 *
 * One loop (render.c) walks the hits, finds each one's matched words and
 * chooses its snippet, and hands them to a printer: the human listing
 * (render_human.c, highlighted on a terminal) or one JSON object
 * (render_json.c), as notmuch's sprinter does.
 *
 * JSON shape (field names and meanings are stable):
 *   {"query": "...", "corrected_query": "..."|null, "parsed_query": "...",
 *    "match": "all"|"any", "relaxed_syntax": false, "total": N,
 *    "total_exact": true, "total_if_any": 0, "offset": 0, "limit": 10,
 *    "took_ms": 0.412 (only when ds_print_options.took_ms is set),
 *    "sort": "relevance"|"date",
 *    "results": [{"rank": 1, "score": 7.31, "source": "001_x.txt",
 *                 "path": "corpus/001_x.txt" (with a path_base),
 *                 "passage": 5, "line": 5, "title": "..."|null,
 *                 "date": "2025-06-13"|null, "heading": "..."|null,
 *                 "text": "<whole passage>",
 *                 "snippet": "<excerpt>", "snippet_highlights": [[s, e]],
 *                 "text_highlights": [[s, e]], "matched_terms": ["ceo"],
 *                 "also": [{"source": "002_y.txt", "passage": 5}]}]}
 * `also` lists the near-copies of the passage (same report, other
 * sources) that also match, hidden from the results unless --all.
 * `corrected_query` is the spelling-corrected query that was run instead
 * of `query` (null when none was needed).  `total_if_any` is, when no
 * passage has every word, how many have some (0 otherwise).  `passage` is
 * 1-based.  Highlights are [start, end) byte offsets of the matched words
 * in the UTF-8 of `snippet` and of `text`.  A snippet cut from a longer
 * passage starts and/or ends with "… ".  With --explain, each hit has
 * "explain": [{"part", "weight"}] and the object "stopped" and "ranking".
 */
#ifndef DEALSEARCH_RENDER_H
#define DEALSEARCH_RENDER_H

#include <stddef.h>

#include "dealsearch.h"
#include "highlight.h"
#include "search.h"
#include "util.h"

/* Default snippet length in bytes of passage text. */
#define DS_SNIPPET_BYTES 320

/* One hit as the loop prepared it; valid during the printer's call. */
typedef struct {
    size_t rank;                          /* 1-based, offset included */
    const ds_hit *hit;
    const ds_span_list *text_matches;     /* in hit->record.text */
    const ds_buf *snippet;                /* the excerpt shown */
    const ds_span_list *snippet_matches;  /* in the snippet */
    const ds_span_list *heading_matches;  /* in the heading */
} ds_hit_view;

typedef struct ds_printer ds_printer;
struct ds_printer {
    void (*begin)(ds_printer *p, const ds_results *r);
    void (*hit)(ds_printer *p, const ds_hit_view *v);
    void (*end)(ds_printer *p, const ds_results *r);
    ds_buf *out;
    const ds_print_options *opt;
    /* The printers' own state, set by `begin`. */
    size_t hit_rank_base;   /* the first hit's rank */
    int explain;            /* the search was explained */
    const ds_results_info *info;  /* the results printed */
    int typos_shown;        /* the line before the first typo hit is out */
    int articles_shown;     /* and the one before the first article hit */
};

/* `,"path":"<base><source>"`, when `base` is not NULL
 * (ds_print_options.path_base). */
void ds_json_path(ds_buf *out, const char *base, const char *source);

/* `,"title":…,"date":…,"author":…` of the article `rec` is from (null
 * when unknown). */
void ds_json_article(ds_buf *out, const ds_record *rec);

/* `source` as the user reads it, <base><source> with a base,
 * terminal-safe. */
void ds_human_source(ds_buf *out, const char *base, const char *source);

/* The human printer's pieces, for ds_passages_print (render_passage.c). */
#define DS_HUMAN_INDENT "    "

/* Write `lead` (taking `lead_columns`) and then text[0..len) word by word,
 * wrapping at opt->width under DS_HUMAN_INDENT, with the bytes inside
 * `spans` in bold when opt->color; then a newline. */
void ds_human_text(ds_buf *out, const ds_print_options *opt,
                   const char *lead, size_t lead_columns, const char *text,
                   size_t len, const ds_span_list *spans);

/* "    Title · by Jane Smith · 2025-06-13": what is known of the article,
 * under a hit's header line (nothing when nothing is). */
void ds_human_article_line(ds_buf *out, const ds_record *rec,
                           const ds_print_options *opt);

/* The printers: set the functions of `p`. */
void ds_printer_json(ds_printer *p);
void ds_printer_human(ds_printer *p);

#endif
