/*
 * cli.h — what the command line's files share.  The command line uses the
 * engine only through dealsearch.h.
 */
#ifndef DEALSEARCH_CLI_H
#define DEALSEARCH_CLI_H

#include <stdio.h>

#include "dealsearch.h"

/* Exit statuses, grep's convention. */
enum { EXIT_MATCH = 0, EXIT_NO_MATCH = 1, EXIT_ERROR = 2 };

/* "dealsearch: <message>" on stderr, one line. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The error convention of dealsearch.h for the command line's own
 * failures: *err (when `err` is not NULL) the malloc'd message; returns
 * `status`. */
ds_status cli_fail(char **err, ds_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* `dealsearch run`: answer every "qid<TAB>query" line of `path` with
 * `opt` (opt->limit documents each; the best passage of each source) and
 * write TREC run lines "qid Q0 docid rank score dealsearch" to `out`,
 * ranked by score.  A query that cannot be searched is reported and
 * retrieves nothing.  Fails (naming the file and line) on a line that is
 * not "qid<TAB>query", or when `out` cannot be written (DS_ERR_IO). */
ds_status cli_run_queries(ds_searcher *s, const char *path,
                          const ds_search_options *opt, FILE *out,
                          char **err);

/* `dealsearch watch`: update the index built with `opt` at once, then
 * every time the corpus folder changes (a burst of changes is one
 * update), printing each update's summary, until SIGINT or SIGTERM (exit
 * 0) or until the folder is moved or deleted, or an update fails (one
 * line on stderr, exit 2). */
int cli_watch(const ds_index_options *opt);

#endif
