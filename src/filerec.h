/*
 * filerec.h — what the index records of each corpus file it holds: its
 * size and modification time when read (a hint: a file whose size and
 * time are unchanged is not read again), the digest of its bytes (what
 * decides whether it changed, or was renamed), and the documents of its
 * passages, in passage order.  An update compares the corpus with these
 * records; `check` lists the files that differ.
 *
 * Each record is a metadata entry of the database (schema.h), written in
 * the same commit as the passages it describes:
 *   key    DS_META_FILE_PREFIX + 16 hex digits of the source's hash
 *   value  "SIZE MTIME_SEC MTIME_NSEC DIGEST DOCIDS\nSOURCE"
 * DOCIDS is "-" (no passages) or runs "a-b" and single ids, comma
 * separated, in passage order.
 */
#ifndef DEALSEARCH_FILEREC_H
#define DEALSEARCH_FILEREC_H

#include <stddef.h>

#include "../shim/shim.h"
#include "digest.h"
#include "util.h"

typedef struct {
    char *source;          /* relative path (malloc'd) */
    ds_file_stamp stamp;
    unsigned *docids;      /* malloc'd, n of them */
    size_t n;
} ds_filerec;

/* The metadata key of `source`'s record (malloc'd). */
char *ds_filerec_key(const char *source);

void ds_filerec_encode(const ds_filerec *r, ds_buf *out);

/* Parse a record; DS_ERR_DAMAGED (no message) when it is not one. */
ds_status ds_filerec_decode(const char *data, size_t len, ds_filerec *r);

void ds_filerec_free(ds_filerec *r);

/* Every record, sorted by source (the corpus's order). */
typedef struct {
    ds_filerec *items;
    size_t count, cap;
} ds_filerecs;

/* Load the records of a database being read or updated (one of `db`,
 * `w` is given).  DS_ERR_DAMAGED when one cannot be parsed. */
ds_status ds_filerecs_load(dsx_db *db, dsx_writer *w, ds_filerecs *out,
                           char **err);

/* The record of `source`, or NULL (binary search). */
ds_filerec *ds_filerecs_find(const ds_filerecs *rs, const char *source);

void ds_filerecs_free(ds_filerecs *rs);

/* qsort's comparison of two `const ds_filerec *` by source. */
int ds_filerec_compare_ptr(const void *a, const void *b);

#endif
