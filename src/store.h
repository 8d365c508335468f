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

/* What the searcher opens: INDEX/current (malloc'd). */
char *ds_store_current_path(const char *index_dir);

/* 1 when INDEX has a served generation, 0 when there is none yet (INDEX
 * missing, or ours but never completed).  -1 with *err when INDEX exists
 * but is not a dealsearch index directory. */
int ds_store_has_index(const char *index_dir, char **err);

typedef struct {
    char *index_dir;
    char *gen_path;      /* where the new generation's database goes */
    unsigned long gen;
    int lock_fd;
} ds_rebuild;

/* Lock INDEX (creating it if missing) and reserve a new generation
 * directory path.  Returns 0, or -1 with *err: INDEX is not ours, or
 * another rebuild holds the lock. */
int ds_rebuild_begin(const char *index_dir, ds_rebuild *rb, char **err);

/* Sync the new generation, make it current, prune old generations and
 * unlock.  Returns 0, or -1 with *err (the old index is then still
 * served). */
int ds_rebuild_publish(ds_rebuild *rb, char **err);

/* Remove the new generation and unlock, leaving the old index served. */
void ds_rebuild_abort(ds_rebuild *rb);

/* Check the served generation's files are as the build left them (its
 * manifest of sizes and modification times).  Returns 0, or with *err a
 * malloc'd description of the first difference DS_STORE_NO_MANIFEST (none
 * at all: an index from before manifests) or -1 (anything else). */
#define DS_STORE_NO_MANIFEST (-2)
int ds_store_verify(const char *index_dir, char **err);

/* Remove `path` and everything in it (a generation, a shard). */
void ds_remove_dir(const char *path);

/* Total size in bytes of the regular files in `dir` (not recursive). */
unsigned long long ds_dir_bytes(const char *dir);

#endif
