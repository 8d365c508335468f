/*
 * passage.h — reading a news article: its title, date and author, and its
 * passages (the paragraphs a reader would quote), each under its heading.
 *
 * The rules (thresholds and patterns in src/news_rules.conf), in order:
 *   1. Lines.  Whitespace runs become one space, control characters (a
 *      wire's STX/ETX) are removed, CR is whitespace; each line keeps its
 *      indentation and width in columns.
 *   2. Layout, measured on the article itself: its wrap width (where the
 *      lines that end mid-sentence cluster, 30-130 columns) when it is
 *      hard-wrapped, and its body indentation (the most common one).
 *   3. The top (`date.scan_lines` lines): lines that are page chrome
 *      (`drop` patterns, or repeated further down), date lines (an
 *      optional label, then a date with its weekday, time and zone, the
 *      whole line; dates.h), bylines ("By NAME[, role]"; the name is the
 *      author) are metadata, not text.  The first other line is the title
 *      when it reads like a headline (at most `title.max_words`, no final
 *      . , ; :) and does not run on into the next line: a blank, a date or
 *      byline, or an indented line follows, or it is in capitals or title
 *      case, or shorter than the wrap width.  A label and date at the start
 *      of the first line of text are cut off it.
 *   4. Paragraphs.  A blank line ends one; an indented line starts one.
 *      The next line continues a line when it starts in lower case after
 *      no sentence end, or, in a hard-wrapped article, when the line is
 *      full (the next word would not have fitted), when paragraphs are
 *      marked by indentation (unless a sentence ended and the next line is
 *      a stray short line or boilerplate), or when the line is nearly full
 *      and ends mid-sentence.
 *   5. Paragraph rules.  A sentence end glued to a capitalised word
 *      ("industry.One") is a paragraph break the source lost.  A short
 *      paragraph ending in a dash (a wire dateline alone on its line) runs
 *      into the next.  Boilerplate is judged on whole paragraphs: `drop`,
 *      `drop-list` (and its list) and `drop-end` patterns, paragraphs that
 *      are only a date ("date-only"), short ones without figures repeated
 *      in the article ("repeated"; never rows of a table), a one-word last
 *      paragraph ("sign-off"), and a heading-like last paragraph after a
 *      sentence ("orphan-heading").
 *   6. A question paragraph ("Q: ...") and the answer after it ("A: ...")
 *      are one passage.
 *   7. A heading is a short paragraph (`heading.max_words`, words not
 *      figures, not ending like a sentence but for a question mark, no
 *      list item) between a paragraph of text and one it introduces: not a
 *      passage, but the heading of the passages under it.
 *   8. Runs of short paragraphs that are not sentences (table rows, lists,
 *      the fact lines of a sports preview) are one passage.
 * The text is otherwise kept as written.  A paragraph over
 * DS_MAX_PASSAGE_BYTES is cut at word boundaries.
 */
#ifndef DEALSEARCH_PASSAGE_H
#define DEALSEARCH_PASSAGE_H

#include <stddef.h>

#include "rules.h"

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
    char *author;             /* from the byline, malloc'd, or NULL */
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
