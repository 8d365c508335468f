/*
 * changes.h — what changed in a corpus folder since the index recorded it
 * (filerec.h): files added, changed, removed and renamed.  A file whose
 * size and modification time are as recorded is taken as unchanged
 * without being read; any other is read and its digest decides: the same
 * bytes are "touched" (only its record's time is refreshed), different
 * bytes are "changed", and an added file with the bytes of a removed one
 * is that file "renamed" (it is not analysed again).
 *
 * Both `dealsearch index` (an update) and `dealsearch check` use this, so
 * they agree on what is out of date.
 */
#ifndef DEALSEARCH_CHANGES_H
#define DEALSEARCH_CHANGES_H

#include <stddef.h>

#include "corpus.h"
#include "filerec.h"

typedef enum {
    DS_CHANGE_ADDED,     /* entry: no record of it */
    DS_CHANGE_CHANGED,   /* entry and its record: other bytes */
    DS_CHANGE_REMOVED,   /* record: no entry */
    DS_CHANGE_RENAMED,   /* entry, and the record of the removed file it
                            has the bytes of */
    DS_CHANGE_TOUCHED    /* entry and record: same bytes, other time */
} ds_change_kind;

typedef struct {
    ds_change_kind kind;
    size_t entry;             /* corpus entry (not for REMOVED) */
    const ds_filerec *rec;    /* the record (not for ADDED) */
    ds_file_stamp stamp;      /* the entry's size, time and digest (not
                                 for REMOVED) */
} ds_change;

typedef struct {
    ds_change *items;
    size_t count, cap;
    size_t unreadable;        /* entries whose bytes could not be read
                                 (left as they are: the indexer reports
                                 them) */
} ds_changes;

/* Compare the corpus (a folder) with the records.  Records are borrowed
 * by the result.  Changes are in corpus order, removals last. */
void ds_changes_find(ds_corpus *c, const ds_filerecs *recs, ds_changes *out);

/* "added", "changed", ... */
const char *ds_change_name(ds_change_kind kind);

void ds_changes_free(ds_changes *ch);

#endif
