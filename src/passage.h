/*
 * passage.h — reading a news article: its title and date, and its passages
 * (the paragraphs a reader would quote), each under its heading.
 *
 * The rules (thresholds and patterns in src/news_rules.conf):
 *   1. A date near the top (`date.scan_lines`), alone or after a label
 *      ("Published Date : 11/06/2025", " date 2025-06-13 ...") is the
 *      article's date (see dates.h); its text is removed.
 *   2. Dropped, in this order of precedence: other lines that are only a
 *      date ("date-only"), lines repeated within the article (site chrome,
 *      "repeated"), and lines matching a `drop` pattern (links, sign-ups,
 *      comment counters; reported under the pattern's name).
 *   3. A headline-like first line (at most `title.max_words`, no final
 *      period) with text after it is the title, not a passage.
 *   4. Paragraphs: one per line, or a hard-wrapped block (2+ lines of
 *      DS_WRAP_MIN..DS_WRAP_WIDTH bytes between blank lines, the last may be
 *      shorter, and not all ending a sentence) joined.  A line
 *      that ends mid-sentence followed by one starting in lower case is one
 *      paragraph broken by mistake: joined.
 *   5. A question line ("Q: ...") and the answer after it ("A: ...") are
 *      one passage.
 *   6. A short line (`heading.max_words`) not ending like a sentence (a
 *      question mark is fine) followed by a paragraph is a heading: not a
 *      passage, but the heading of the passages under it.  One that ends
 *      the article with nothing under it is dropped ("orphan-heading").
 * Whitespace runs become one space and control characters are removed; the
 * text is otherwise kept as written.  A paragraph over
 * DS_MAX_PASSAGE_BYTES is cut at word boundaries.
 */
#ifndef DEALSEARCH_PASSAGE_H
#define DEALSEARCH_PASSAGE_H

#include <stddef.h>

#include "rules.h"

#define DS_WRAP_WIDTH 100
#define DS_WRAP_MIN 40
#define DS_MAX_PASSAGE_BYTES 16384

typedef struct {
    char *text;               /* malloc'd, NUL-terminated, valid UTF-8 */
    size_t len;
    unsigned long first_line; /* 1-based line in the file where it starts */
    char *heading;            /* malloc'd, or NULL */
} ds_passage;

typedef struct {
    unsigned long line;
    char *rule;               /* the rule's name, malloc'd */
    char *text;               /* malloc'd */
} ds_dropped_line;

typedef struct {
    char *title;              /* malloc'd, or NULL */
    char date[11];            /* "YYYY-MM-DD", or "" */
    ds_passage *items;
    size_t count, cap;
    ds_dropped_line *dropped;
    size_t n_dropped, dropped_cap;
} ds_article;

/* Read the article in text[0..len) (valid UTF-8) into `out`, which the
 * caller zero-initialises and frees with ds_article_free().  `rules` is
 * borrowed.  Cannot fail. */
void ds_article_split(const ds_rules *rules, const char *text, size_t len,
                      ds_article *out);

/* Plain text (`dealsearch index --plain`): every blank-line-separated
 * block is one passage, its lines joined, with none of the rules above
 * (no title, date, headings or dropped lines); whitespace and long
 * paragraphs are handled as above. */
void ds_paragraphs_split(const char *text, size_t len, ds_article *out);

void ds_article_free(ds_article *a);

#endif
