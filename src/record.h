/*
 * record.h — the passage record stored as each Xapian document's data:
 * what a hit needs to be shown without rereading the corpus.
 *
 * Layout: "key=value\n" lines, an empty line, then the passage text.  Keys
 * are one letter (s source, p passage, l line, t title, d date, h heading,
 * g group, x title_in_text, a author): a record is stored for every passage, and the
 * long names were 8% of an index.  Unknown keys are ignored, so fields can
 * be added without breaking readers.  Values never contain a newline
 * (sources with control characters in their names are not indexed).
 */
#ifndef DEALSEARCH_RECORD_H
#define DEALSEARCH_RECORD_H

#include <stddef.h>

#include "dealsearch.h"
#include "util.h"

/* ds_record is declared in dealsearch.h: hits carry one. */

/* Serialise `r` into `out` (cleared first). */
void ds_record_encode(const ds_record *r, ds_buf *out);

/* Parse `data`; fields are malloc'd (free with ds_record_free).  Fails
 * (DS_ERR_DAMAGED, with nothing to free) when `data` is not a record. */
ds_status ds_record_decode(const char *data, size_t len, ds_record *r);

void ds_record_free(ds_record *r);

#endif
