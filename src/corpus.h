/*
 * corpus.h — finding and reading the article files of a corpus directory.
 *
 * A corpus is every regular `*.txt` file below a directory, found
 * recursively (hidden entries and symlinked directories are skipped) and
 * listed in byte order of their relative paths, so an index is always
 * built in the same order.  Reading a file yields valid UTF-8: invalid
 * bytes and NULs are replaced with U+FFFD and reported by line.
 */
#ifndef DEALSEARCH_CORPUS_H
#define DEALSEARCH_CORPUS_H

#include <stddef.h>

#include "util.h"

/* Files larger than this are skipped with a message, not read: reading
 * one takes a few times its size in memory, and no article is this big. */
#define DS_MAX_FILE_BYTES ((size_t)64 * 1024 * 1024)

typedef struct {
    char **paths;  /* relative to the corpus directory, malloc'd */
    size_t count;
} ds_file_list;

/* List the corpus files of `dir`.  Returns 0, or -1 with *err a malloc'd
 * message naming the directory (missing, not a directory, unreadable). */
int ds_corpus_list(const char *dir, ds_file_list *out, char **err);

void ds_file_list_free(ds_file_list *list);

/* Called once per line that held invalid UTF-8 or NUL bytes. */
typedef void (*ds_bad_line_fn)(void *ctx, unsigned long line);

/* Read `path` into `out` (cleared first) as valid UTF-8.  Returns 0, or -1
 * with *err a malloc'd message (unreadable, not a regular file, too big). */
int ds_corpus_read(const char *path, ds_buf *out, ds_bad_line_fn bad_line,
                   void *ctx, char **err);

/* Append `bytes` to `out` with every invalid UTF-8 sequence and NUL byte
 * replaced by U+FFFD; reports each affected line (1-based). */
void ds_utf8_sanitize(const char *bytes, size_t len, ds_buf *out,
                      ds_bad_line_fn bad_line, void *ctx);

#endif
