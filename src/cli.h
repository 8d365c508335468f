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

/* Write what the user typed or the index holds to `f` with control
 * characters, C0 and C1, shown as '?', so it stays one line and cannot
 * drive the terminal. */
void cli_put_safe(const char *s, FILE *f);
void cli_put_safe_n(const char *s, size_t len, FILE *f);

/* a + b, malloc'd (exits when memory runs out, as the library does). */
char *cli_concat(const char *a, const char *b);

/* ---- paths.c ---- */

/* What makes a source of the corpus folder `folder` (absolute) a path the
 * user can open from the current directory: "" when the folder is the
 * current directory, "sub/dir/" when it is below it, else "FOLDER/";
 * malloc'd. */
char *cli_path_base(const char *folder);

/* The source `arg` names: a path (relative or absolute) to a file of
 * `folder` gives its name in the folder; anything else, or a NULL folder
 * (a JSON lines corpus), is taken as a source name as it is.  malloc'd. */
char *cli_source_name(const char *arg, const char *folder);

/* ---- listing.c ---- */

/* `-l`: each hit's source once, at its best hit, one per line, as a path
 * with `base` before it (NULL: the names alone). */
void cli_print_sources(const ds_results *r, const char *base, FILE *out);

/* `--vimgrep`: PATH:LINE:COLUMN:TEXT per hit, 1-based, where its first
 * matched word stands in its file (read again), TEXT that line of the
 * file; the passage's first line, column 1 and its text when the word is
 * not found there (or there is no base: a JSON lines corpus). */
void cli_print_vimgrep(const ds_results *r, const char *base, FILE *out);

/* ---- show.c ---- */

/* `dealsearch show`: the passage `words` name ("SOURCE ¶N", "SOURCE N" or
 * "SOURCE:N"; SOURCE a path to a file of `folder` or a source name) with
 * `context` passages each side, printed as `po` says.  Exit status: 0
 * shown, 1 no such passage (said on stderr), 2 an error. */
int cli_show(ds_searcher *s, const char *const *words, size_t n_words,
             unsigned context, const char *folder,
             const ds_print_options *po);

/* ---- progress.c ---- */

/* A build's progress line on stderr when it is a terminal: start before
 * the build, pass cli_progress_tell as its ds_progress_fn, and clear the
 * line before writing anything else to the terminal (a notice, the
 * summary). */
void cli_progress_start(void);
void cli_progress_tell(void *ctx, const ds_index_progress *p);
void cli_progress_clear(void);

/* ---- help.c ---- */

/* The help of `command` ("index", ...), or NULL: the general one. */
void cli_help(const char *command, FILE *out);

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
