/*
 * record.h — the passage record stored as each Xapian document's data:
 * what a hit needs to be shown without rereading the corpus.
 *
 * Layout: "key=value\n" lines, an empty line, then the passage text.  Keys
 * are one letter (s source, p passage, l line, t title, d date, h heading,
 * g group, x title_in_text): a record is stored for every passage, and the
 * long names were 8% of an index.  Unknown keys are ignored, so fields can
 * be added without breaking readers.  Values never contain a newline
 * (sources with control characters in their names are not indexed).
 */
#ifndef DEALSEARCH_RECORD_H
#define DEALSEARCH_RECORD_H

#include <stddef.h>

#include "util.h"

typedef struct {
    char *source;            /* corpus-relative file name, with ".txt" */
    unsigned long passage;   /* 1-based within its file */
    unsigned long line;      /* 1-based line where the passage starts */
    char *text;              /* the passage as indexed */
    size_t text_len;
    char *title;             /* the article's title, or NULL */
    char *date;              /* the article's date "YYYY-MM-DD", or NULL */
    char *heading;           /* the heading the passage is under, or NULL */
    unsigned long group;     /* near-duplicate group (neardup.h), or 0 */
    int title_in_text;       /* the title was indexed as part of the text
                                (a JSON document that is one passage) */
} ds_record;

/* Serialise `r` into `out` (cleared first). */
void ds_record_encode(const ds_record *r, ds_buf *out);

/* Parse `data`; fields are malloc'd (free with ds_record_free).  Returns 0,
 * or -1 when `data` is not a record (a foreign index). */
int ds_record_decode(const char *data, size_t len, ds_record *r);

void ds_record_free(ds_record *r);

#endif
