/* changes.c — see changes.h. */
#include "changes.h"

#include <stdlib.h>
#include <string.h>

static ds_change *push(ds_changes *ch, ds_change_kind kind, size_t entry,
                       const ds_filerec *rec)
{
    if (ch->count == ch->cap) {
        ch->cap = ch->cap ? 2 * ch->cap : 16;
        ch->items = ds_xrealloc(ch->items, ch->cap * sizeof *ch->items);
    }
    ds_change *c = &ch->items[ch->count++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->entry = entry;
    c->rec = rec;
    return c;
}

/* The entry's size and time as listed, and (when they differ from
 * `rec`'s, or there is no record) the digest of its bytes: 0 when it
 * cannot be read. */
static int stamp_entry(ds_corpus *c, size_t i, const ds_filerec *rec,
                       ds_file_stamp *out)
{
    ds_corpus_entry_stamp(c, i, out);
    if (rec && rec->stamp.size == out->size &&
        rec->stamp.mtime_sec == out->mtime_sec &&
        rec->stamp.mtime_nsec == out->mtime_nsec) {
        out->digest = rec->stamp.digest;
        return 1;
    }
    char *path = ds_corpus_entry_path(c, i);
    int ok = ds_digest_file(path, &out->digest, NULL) == DS_OK;
    free(path);
    return ok;
}

/* Pair each added entry with a removed record of the same bytes. */
static void find_renames(ds_changes *ch, size_t first_removed)
{
    for (size_t a = 0; a < first_removed; a++) {
        ds_change *add = &ch->items[a];
        if (add->kind != DS_CHANGE_ADDED) continue;
        for (size_t r = first_removed; r < ch->count; r++) {
            ds_change *rem = &ch->items[r];
            if (rem->kind != DS_CHANGE_REMOVED || !rem->rec ||
                !ds_digest_equal(&rem->rec->stamp.digest,
                                 &add->stamp.digest))
                continue;
            add->kind = DS_CHANGE_RENAMED;
            add->rec = rem->rec;
            rem->rec = NULL; /* paired: dropped below */
            break;
        }
    }
    size_t kept = first_removed;
    for (size_t r = first_removed; r < ch->count; r++)
        if (ch->items[r].rec) ch->items[kept++] = ch->items[r];
    ch->count = kept;
}

void ds_changes_find(ds_corpus *c, const ds_filerecs *recs, ds_changes *out)
{
    memset(out, 0, sizeof *out);
    size_t n = ds_corpus_count(c);
    unsigned char *seen = ds_xmalloc(recs->count + 1);
    memset(seen, 0, recs->count + 1);
    for (size_t i = 0; i < n; i++) {
        const char *name = ds_corpus_entry_name(c, i);
        if (!name) { /* never indexed (the indexer says why) */
            out->unreadable++;
            continue;
        }
        const ds_filerec *rec = ds_filerecs_find(recs, name);
        ds_file_stamp stamp;
        if (rec) seen[rec - recs->items] = 1;
        if (!stamp_entry(c, i, rec, &stamp)) {
            out->unreadable++;
            continue;
        }
        if (rec && ds_digest_equal(&rec->stamp.digest, &stamp.digest)) {
            if (rec->stamp.mtime_sec != stamp.mtime_sec ||
                rec->stamp.mtime_nsec != stamp.mtime_nsec ||
                rec->stamp.size != stamp.size)
                push(out, DS_CHANGE_TOUCHED, i, rec)->stamp = stamp;
            continue;
        }
        push(out, rec ? DS_CHANGE_CHANGED : DS_CHANGE_ADDED, i, rec)->stamp =
            stamp;
    }
    size_t first_removed = out->count;
    for (size_t r = 0; r < recs->count; r++)
        if (!seen[r]) push(out, DS_CHANGE_REMOVED, 0, &recs->items[r]);
    free(seen);
    find_renames(out, first_removed);
}

const char *ds_change_name(ds_change_kind kind)
{
    static const char *const names[] = {"added", "changed", "removed",
                                        "renamed", "touched"};
    return names[kind];
}

void ds_changes_free(ds_changes *ch)
{
    free(ch->items);
    memset(ch, 0, sizeof *ch);
}
