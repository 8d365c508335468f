/*
 * corpus.h — the one way a corpus is read.  Opening a corpus lists its
 * entries: the regular `*.txt` files below a folder (found recursively,
 * hidden entries and symlinked directories skipped, in byte order of
 * their relative paths), or the non-blank lines of a JSON lines file.
 * Reading an entry gives its article: the text as valid UTF-8 (a file is
 * decoded from UTF-8 or Windows-1252, encoding.h), split into passages by
 * a reader.  The indexer's two passes, `check` and `passages`
 * all read through here, so they always agree on what a corpus holds.
 *
 * Names.  A folder entry's source is its path relative to the folder,
 * which must be storable in a record line and a term: a name with a
 * control character is an entry that cannot be read.  A JSON document's
 * source is its "id".
 */
#ifndef DEALSEARCH_CORPUS_H
#define DEALSEARCH_CORPUS_H

#include <stddef.h>

#include "dealsearch.h"
#include "digest.h"
#include "encoding.h"
#include "passage.h"
#include "reader.h"
#include "util.h"

/* Files larger than this are not read: reading one takes a few times its
 * size in memory, and no article is this big. */
#define DS_MAX_FILE_BYTES ((size_t)64 * 1024 * 1024)

typedef struct ds_corpus ds_corpus;

/* List the entries of the corpus `spec` describes (copied).  Fails when
 * the folder or file cannot be read; a subfolder that cannot be read is
 * reported through `notice` (when not NULL) and skipped. */
ds_status ds_corpus_open(const ds_corpus_spec *spec, ds_notice_fn notice,
                         void *notice_ctx, ds_corpus **out, char **err);

void ds_corpus_close(ds_corpus *c);

const ds_corpus_spec *ds_corpus_get_spec(const ds_corpus *c);

size_t ds_corpus_count(const ds_corpus *c);

/* Bytes of entry `i` as listed (a file's size, a line's length), and of
 * them all: for sharing the work out. */
unsigned long long ds_corpus_entry_bytes(const ds_corpus *c, size_t i);
unsigned long long ds_corpus_bytes(const ds_corpus *c);

/* A folder entry's path relative to the folder (its source name); NULL
 * for a JSON line, and for a name the index cannot store (it is never
 * read).  Valid until the corpus is closed. */
const char *ds_corpus_entry_name(const ds_corpus *c, size_t i);

/* A folder entry's path, malloc'd. */
char *ds_corpus_entry_path(const ds_corpus *c, size_t i);

/* A folder entry's size and modification time as listed (its digest is
 * left zero: only reading it gives that). */
void ds_corpus_entry_stamp(const ds_corpus *c, size_t i, ds_file_stamp *out);

/* One entry, read. */
typedef struct {
    char *source;        /* its name (malloc'd) */
    size_t key_len;      /* the part of `source` that source: queries name
                            (a file's path without ".txt") */
    ds_article article;
    int title_is_text;   /* a JSON document indexed whole: its title is
                            part of its text */
    size_t bytes;        /* text read */
    ds_encoding encoding; /* what a file was decoded from */
    ds_file_stamp stamp; /* a file's size and time when read, and the
                            digest of the bytes read */
} ds_corpus_doc;

/* Read and split entry `i` into `doc` (zero-initialised; free with
 * ds_corpus_doc_free).  An error concerns this entry alone — a file that
 * cannot be read, a name with control characters, a line that is not a
 * JSON object with string "id" and "text" or "title" — and names it; the
 * entry has no article then.  Unless `quiet`, lines that held invalid
 * UTF-8 are reported through the corpus's notice function.  `reader` and
 * `scratch` belong to the calling thread; several threads may read
 * entries at once. */
ds_status ds_corpus_read(ds_corpus *c, size_t i, ds_reader *reader,
                         ds_buf *scratch, int quiet, ds_corpus_doc *doc,
                         char **err);

void ds_corpus_doc_free(ds_corpus_doc *doc);

/* Read the file at `path` into `out` (cleared first) as valid UTF-8,
 * decoded from the encoding it is in (encoding.h), which *encoding
 * receives when not NULL.  Fails when it cannot be read, is not a regular
 * file or is too big. */
ds_status ds_read_text_file(const char *path, ds_buf *out,
                            ds_bad_line_fn bad_line, void *ctx,
                            ds_encoding *encoding, char **err);

/* The same, also giving the file's stamp (size and time from the open
 * file, digest of the bytes read) when `stamp` is not NULL. */
ds_status ds_read_text_file_stamped(const char *path, ds_buf *out,
                                    ds_bad_line_fn bad_line, void *ctx,
                                    ds_encoding *encoding,
                                    ds_file_stamp *stamp, char **err);


#endif
