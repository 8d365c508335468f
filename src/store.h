/*
 * store.h — the index directory: where the served index lives and how a
 * rebuild replaces it atomically.
 *
 *   INDEX/dealsearch-index   marker file: this directory is ours
 *   INDEX/lock               flock()ed by the one rebuild allowed at a time
 *   INDEX/current            symlink to the generation being served
 *   INDEX/gen-NNNNNN/        one complete Xapian database per generation,
 *                            with a manifest of its files (ds_store_verify)
 *
 * A rebuild writes a new generation beside the served one, syncs it, and
 * swaps it in by renaming a new `current` symlink over the old one
 * (rename(2) is atomic), so a search sees the old index or the new one,
 * never a partial one.  A killed rebuild leaves `current` untouched, and
 * its lock dies with its process.  The previous generation is kept until
 * the next rebuild so searches that opened it just before a swap finish;
 * older ones and abandoned partial ones are removed by the next rebuild.
 */
#ifndef DEALSEARCH_STORE_H
#define DEALSEARCH_STORE_H

#include "dealsearch.h"

/* What the searcher opens: INDEX/current (malloc'd). */
char *ds_store_current_path(const char *index_dir);

/* The generation INDEX/current names: its number (gen-NNNNNN) and an
 * identity that changes whenever a rebuild publishes one (its directory's
 * device and inode, so an index removed and built again, numbered from 1
 * anew, is told apart too). */
typedef struct {
    unsigned long number;
    unsigned long long dev, ino;
} ds_store_gen;

/* Read it (a readlink and a stat): DS_ERR_NO_INDEX when INDEX serves
 * none. */
ds_status ds_store_current_gen(const char *index_dir, ds_store_gen *gen,
                               char **err);

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

/* Check the served generation's files are as the build left them (its
 * manifest of sizes and modification times).  Fails with a description
 * of the first difference: DS_ERR_VERSION when there is no manifest at
 * all (an index from before manifests), else DS_ERR_DAMAGED. */
ds_status ds_store_verify(const char *index_dir, char **err);

/* Remove `path` and everything in it (a generation, a shard). */
void ds_remove_dir(const char *path);

/* Total size in bytes of the regular files in `dir` (not recursive). */
unsigned long long ds_dir_bytes(const char *dir);

#endif
