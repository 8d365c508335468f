/*
 * passage.h — reading a news article: its title, date and author, and its
 * passages (the paragraphs a reader would quote), each under its heading.
 *
 * The rules (thresholds and patterns in src/news_rules.conf), in order.
 * Nothing is decided by a file's or site's name: what an article's lines
 * look like (widths, indentation, sentence ends) is measured on the
 * article itself.
 *   1. Lines.  Whitespace runs become one space, control characters (a
 *      wire's STX/ETX) are removed, CR is whitespace, a leading BOM is
 *      skipped; each line keeps its indentation and width in columns.
 *   2. Layout.  The body's indentation: that of the lines that certainly
 *      continue a sentence (lower case or a figure after no clause end),
 *      else the smallest one in five lines inside a block have.  The wrap
 *      width, when the article is hard-wrapped: where the lines that run
 *      on mid-sentence cluster (30-130 columns), if enough lines run on,
 *      some with a sign of a sentence going on (lower case or a figure
 *      next, an indented first line going on flush), and lines wider than
 *      it hold little of the text.  Measured again once the top is read.
 *   3. The top (`date.scan_lines` lines), up to the first line of text:
 *      page chrome (`drop` patterns, lines repeated further down) is
 *      dropped; metadata lines, made only of time stamps (an optional
 *      label, a date with its weekday, time and zone; dates.h), times of
 *      day and bylines ("By NAME[, role| in Place]"), give the date and
 *      the author; a headline-like line (at most `title.max_words`, no
 *      final . , ; : unless an abbreviation's or in capitals) that does
 *      not run on into the next line (a blank, metadata, chrome or an
 *      indented line follows; or it is in capitals or title case; or the
 *      next word would have fitted beside it; or, one paragraph a line,
 *      it has no full stop) is the title.  Of several such lines, the
 *      title is the last one metadata follows (unless it reads as the
 *      standfirst of the one before), else the first not right after
 *      chrome; the ones before it are the site's ("masthead").  Of
 *      "Headline | Section | Site" the longest part is the title.  A
 *      label and date (or a date and a dash) starting the first line of
 *      text are cut off it.
 *   4. Paragraphs.  A blank line ends one; a line indented past the body
 *      starts one.  The next line continues a line when it starts in
 *      lower case after no clause end (in a wrapped article, also with a
 *      figure); or, in a wrapped article, when the line is full (the next
 *      word would not have fitted), when paragraphs are marked by
 *      indentation (unless a sentence ended and the next line stands
 *      alone, short before a paragraph start), or when the line is nearly
 *      full and ends mid-sentence; never when a sentence ended and the
 *      next line is page chrome.
 *   5. Paragraph rules.  A sentence end glued to a capitalised word
 *      ("industry.One", four words or more each side; not "U.S.A",
 *      "Yahoo!Inc", "e.g.The", "example.Com") is a paragraph break the
 *      source lost.  A short paragraph ending in a dash (a wire's
 *      dateline alone on its line) runs into the next.  Then, on whole
 *      paragraphs (up to `chrome.max_bytes`): `drop`, `drop-list` (and
 *      the list after it) and `drop-end` patterns; paragraphs that are
 *      only a date ("date-only") or a byline; paragraphs with no letter or
 *      figure ("no-text"); short paragraphs, neither sentences nor rows of
 *      a table, that occur more than once ("repeated"); a one-word last
 *      paragraph ("sign-off"); a heading-like last paragraph without
 *      figures after a sentence ("orphan-heading").
 *   6. A question paragraph ("Q: ...") and the answer after it ("A: ...")
 *      are one passage.
 *   7. A heading is a short paragraph (`heading.max_words`, words not
 *      figures, not ending like a sentence but for a question mark, no
 *      list item) between a paragraph of text and one it introduces,
 *      neither a row of figures: not a passage, but the heading of the
 *      passages under it.
 *   8. Runs of short paragraphs that are no sentences, or rows of figures
 *      (tables, lists, the fact lines of a sports preview) are one
 *      passage.
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
