/*
 * passage.h — splitting an article's text into passages (paragraphs).
 *
 * Two conventions occur in news files and both are recognised:
 *   - one paragraph per line (lines may or may not be separated by blank
 *     lines), and
 *   - hard-wrapped paragraphs: blocks of lines separated by blank lines.
 *     A block of two or more lines, all at most DS_WRAP_WIDTH bytes and
 *     all but the last at least DS_WRAP_MIN bytes (wrapped text fills the
 *     line), is read as one paragraph, its lines joined.
 * Whitespace runs (tabs, line ends) become one space and control characters
 * are dropped; the text is otherwise kept as written.  A paragraph longer
 * than DS_MAX_PASSAGE_BYTES is cut at word boundaries into several passages
 * so a single huge line still yields readable, searchable hits.
 */
#ifndef DEALSEARCH_PASSAGE_H
#define DEALSEARCH_PASSAGE_H

#include <stddef.h>

#define DS_WRAP_WIDTH 100
#define DS_WRAP_MIN 40
#define DS_MAX_PASSAGE_BYTES 16384

typedef struct {
    char *text;               /* malloc'd, NUL-terminated, valid UTF-8 */
    size_t len;
    unsigned long first_line; /* 1-based line in the file where it starts */
} ds_passage;

typedef struct {
    ds_passage *items;
    size_t count, cap;
} ds_passage_list;

/* Split `text` (valid UTF-8, `len` bytes) and append its passages to
 * `out`, which the caller zero-initialises and frees with
 * ds_passage_list_free().  Cannot fail. */
void ds_split_passages(const char *text, size_t len, ds_passage_list *out);

void ds_passage_list_free(ds_passage_list *list);

#endif
