/*
 * common.h — helpers shared by the benchmark programs (no dealsearch code):
 * checked allocation, clocks, listing and reading a corpus of one-passage-
 * per-line article files, the query file, and the timing loop every peer
 * uses, so FTS5, raw Xapian and dealsearch are measured the same way.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Print "PROGRAM: message" and exit(2). */
void bx_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void bx_set_program(const char *name);

void *bx_malloc(size_t size);
void *bx_realloc(void *p, size_t size);
char *bx_strdup(const char *s);
char *bx_strndup(const char *s, size_t len);
char *bx_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic clock, seconds / nanoseconds. */
double bx_now(void);
long long bx_now_ns(void);

/* Names of the regular, non-hidden `*.txt` files directly in `dir`, in byte
 * order (the order dealsearch indexes them in). */
typedef struct {
    char **names;
    size_t count;
} bx_names;
void bx_list_txt(const char *dir, bx_names *out);
void bx_names_free(bx_names *n);

/* Whole file, NUL-terminated; exits on error. */
char *bx_read_file(const char *path, size_t *len);

/* Every non-blank line of every corpus file is one passage (the benchmark
 * corpora are written that way).  `fn` gets the file name, the 1-based
 * passage number within the file, and the line without its newline. */
typedef void (*bx_passage_fn)(void *ctx, const char *source,
                              unsigned long number, const char *text,
                              size_t len);
/* Returns the number of passages; *bytes gets the bytes read. */
unsigned long bx_for_each_passage(const char *dir, bx_passage_fn fn,
                                  void *ctx, unsigned long long *bytes);
/* The same over part `part` (0-based) of `parts` contiguous runs of the
 * files, for building shards in parallel. */
unsigned long bx_for_each_passage_part(const char *dir, unsigned part,
                                       unsigned parts, bx_passage_fn fn,
                                       void *ctx, unsigned long long *bytes);

/* The query file: "class<TAB>query" lines. */
typedef struct {
    char *cls;
    char *text;
} bx_query;
typedef struct {
    bx_query *items;
    size_t count;
} bx_queries;
void bx_read_queries(const char *path, bx_queries *out);
void bx_queries_free(bx_queries *q);

/* One query as a peer runs it: returns the number of hits shown (or -1 on
 * error), sets *matches to the total number of matching passages (-1 when
 * the system does not say), and adds the bytes it produced to *sink so the
 * work cannot be optimised away. */
typedef long (*bx_query_fn)(void *ctx, const char *query, long *matches,
                            size_t *sink);

/* Run every query once untimed (warm-up), then `reps` timed passes, and
 * write one line per query to `out`:
 *   Q <index> <hits> <matches> <ns>,<ns>,...
 * Exits if a query fails. */
void bx_time_queries(const bx_queries *q, int reps, bx_query_fn fn,
                     void *ctx, FILE *out);

/* A benchmark query (words and "quoted phrases") as an FTS5 MATCH
 * expression: bare words are quoted, so no word is read as an operator.
 * FTS5's implicit operator is AND.  malloc'd. */
char *bx_fts5_match(const char *query);

/* Parse "--name=value"; returns value or NULL. */
const char *bx_opt(const char *arg, const char *name);

#ifdef __cplusplus
}
#endif

#endif
