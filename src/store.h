/*
 * store.h — the index directory: where the served index lives and how a
 * rebuild replaces it atomically.
 *
 *   INDEX/dealsearch-index   marker file: this directory is ours
 *   INDEX/lock               flock()ed by the one rebuild allowed at a time
 *   INDEX/current            symlink to the generation being served
 *   INDEX/gen-NNNNNN/        one complete Xapian database per generation,
 *                            or a sharded one (layout.h: a stub, a head and
 *                            N shards, each a database in a folder of
 *                            it), with a manifest of its files
 *                            (ds_store_verify) and a `readers` file each
 *                            reader holds a shared flock() on
 *                            (ds_store_hold)
 *
 * A rebuild writes a new generation beside the served one, syncs it, and
 * swaps it in by renaming a new `current` symlink over the old one
 * (rename(2) is atomic), so a search sees the old index or the new one,
 * never a partial one.  A killed rebuild leaves `current` untouched, and
 * its lock dies with its process.  A superseded generation is removed as
 * soon as no reader holds it: by the rebuild that superseded it, or by its
 * last reader (ds_store_release); abandoned partial ones by the next
 * build.  An update (update.h) changes the served generation in place, in
 * one Xapian transaction, under the same lock, then seals it again.
 */
#ifndef DEALSEARCH_STORE_H
#define DEALSEARCH_STORE_H

#include "dealsearch.h"

/* What the searcher opens: INDEX/current (malloc'd). */
char *ds_store_current_path(const char *index_dir);

/* The generation INDEX/current names: its number (gen-NNNNNN) and an
 * identity that changes whenever a rebuild publishes one (its directory's
 * device and inode, so an index removed and built again, numbered from 1
 * anew, is told apart too) or an update changes it in place (its
 * manifest's inode and time). */
typedef struct {
    unsigned long number;
    unsigned long long dev, ino;
    unsigned long long manifest_ino;
    long long manifest_ns;
} ds_store_gen;

/* Read it (a readlink and a stat): DS_ERR_NO_INDEX when INDEX serves
 * none. */
ds_status ds_store_current_gen(const char *index_dir, ds_store_gen *gen,
                               char **err);

/* Do two readings name the same generation in the same state? */
int ds_store_gen_same(const ds_store_gen *a, const ds_store_gen *b);

/* DS_OK when INDEX has a served generation; DS_ERR_NO_INDEX when there is
 * none yet (INDEX missing, or ours but never completed); DS_ERR_DAMAGED
 * when INDEX exists but is not a dealsearch index directory. */
ds_status ds_store_find(const char *index_dir, char **err);

typedef struct {
    char *index_dir;
    char *gen_path;      /* where the new generation's database goes */
    unsigned long gen;
    int lock_fd;
} ds_rebuild;

/* Lock INDEX (creating it if missing) and reserve a new generation
 * directory path.  DS_ERR_DAMAGED when INDEX is not ours, DS_ERR_LOCKED
 * when another rebuild holds the lock, DS_ERR_IO. */
ds_status ds_rebuild_begin(const char *index_dir, ds_rebuild *rb,
                           char **err);

/* Sync the new generation, make it current, prune old generations and
 * unlock.  On failure (DS_ERR_IO) the old index is still served. */
ds_status ds_rebuild_publish(ds_rebuild *rb, char **err);

/* Remove the new generation and unlock, leaving the old index served. */
void ds_rebuild_abort(ds_rebuild *rb);

/* Unlock after an update (the served generation stays). */
void ds_rebuild_release(ds_rebuild *rb);

/* The served generation's directory (malloc'd), or NULL when none (or
 * `current` names one that does not exist). */
char *ds_store_served_path(const char *index_dir);

/* A generation held for reading: no writer removes it meanwhile. */
typedef struct {
    char *path;   /* its directory: the database to open */
    int fd;       /* its readers file, flock()ed shared; -1: none */
} ds_generation;

/* Hold the served generation (resolving `current` again if a rebuild
 * swaps it meanwhile).  Cannot fail: when `current` names no generation,
 * gen->path is INDEX/current and opening it reports the problem. */
ds_status ds_store_hold(const char *index_dir, ds_generation *gen);

/* Let go of it; if it is superseded and no one else holds it, remove it
 * (when the folder can be written). */
void ds_store_release(const char *index_dir, ds_generation *gen);

/* Write the generation's manifest: every file's size, time, inode and
 * content digest, and the database revision they hold.  DS_ERR_IO. */
ds_status ds_store_seal(const char *gen_path, char **err);

/* Open the generation's manifest before an update writes into its files
 * in place: until it is sealed again, its files are judged by Xapian
 * alone.  DS_ERR_IO. */
ds_status ds_store_unseal(const char *gen_path, char **err);

typedef enum {
    DS_SEAL_CURRENT,  /* sealed at the database's revision; every file
                         the one it hashed */
    DS_SEAL_COPIED,   /* the same, but files that are copies (judged by
                         content: a search hashes them until resealed) */
    DS_SEAL_OPEN      /* open, or older than the database: an update is
                         writing or was interrupted (or it does not hold) */
} ds_seal_state;

ds_seal_state ds_store_seal_state(const char *gen_path);

/* ds_store_seal_state(gen_path) == DS_SEAL_CURRENT. */
int ds_store_is_sealed(const char *gen_path);

/* Check the generation's files hold what its manifest says, the database
 * being at `revision` (an open manifest, or one older than that, is not
 * judged by: an update is writing, or was killed before it sealed).  A
 * file that is not the one hashed (a copy) is hashed again; with
 * `every_byte`, every file is (`check`).  Fails with a description of the
 * first difference: DS_ERR_VERSION when there is no manifest or it is
 * an older dealsearch's (no header of this format), else DS_ERR_DAMAGED. */
ds_status ds_store_verify(const char *gen_path, unsigned long revision,
                          int every_byte, char **err);

/* The Xapian revision the generation's manifest is checked at: its
 * database's, or 0 for a sharded generation (whose updates are told by
 * the manifest they open before writing).  Fails as dsx_revision_at
 * does. */
ds_status ds_store_revision(const char *gen_path, unsigned long *revision,
                            char **err);

/* The lock that makes an update of a sharded generation appear whole:
 * Xapian commits its head and shards one after the other (update.h), so
 * the update holds this lock exclusively while it commits, and a searcher
 * shared while it opens them.  Returns the lock's descriptor, or -1 when
 * there is none to take (an index that cannot be written: nothing
 * updates it; `create`: make the file first).  Waits for the other side;
 * ds_store_unlock (accepts -1) lets go. */
int ds_store_lock_commit(const char *gen_path, int exclusive, int create);
void ds_store_unlock(int fd);

/* Remove `path` and everything in it (a generation, a shard). */
void ds_remove_dir(const char *path);

/* Total size in bytes of the regular files in `dir` and its folders. */
unsigned long long ds_dir_bytes(const char *dir);

#endif
