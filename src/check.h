/*
 * check.h — `dealsearch check`: is the index sound, and does it still
 * match the corpus?  Like FTS5's integrity-check: Xapian's own checker over
 * every table, the format and analysis the index was built with, the
 * passage count it recorded against the documents it holds, and that count
 * against what the corpus splits into today.
 */
#ifndef DEALSEARCH_CHECK_H
#define DEALSEARCH_CHECK_H

#include "util.h"

/* Append one line per finding to `report`, ending with a verdict line.
 * `corpus_dir` may be NULL to skip the comparison with the corpus.
 * Returns 0 when the index is sound and current, 1 when it is sound but
 * out of date with the corpus, 2 when it is damaged or unusable. */
int ds_index_check(const char *index_dir, const char *corpus_dir,
                   ds_buf *report);

#endif
