/*
 * layout.h — which databases an index is made of: one Xapian database, or
 * a stub listing several (a sharded generation, or a file written by hand
 * naming shards on other machines), as Xapian will open them.
 *
 * A stub (Xapian's format) lists one database a line: `auto PATH`,
 * `glass PATH`, `remote HOST:PORT`, `remote :PROGRAM ARGS`; `#` starts a
 * comment line; a relative PATH is taken from the stub's folder.  A
 * directory holding a file XAPIANDB is a stub too (a sharded generation
 * is one: store.h).  Xapian opens the stub itself; this module reads it
 * only to know what the searcher cannot ask Xapian: the head (the first
 * database, whose metadata, spelling and synonyms Xapian reads), whether
 * there are several (totals are counted otherwise: shim.h), and the names
 * of the databases for messages.
 *
 * A sharded generation (`dealsearch index --shards N`) is
 *   gen-NNNNNN/XAPIANDB    "auto head", "auto shard-0", ... (head first)
 *   gen-NNNNNN/head/       metadata, spelling, synonyms, no passages;
 *                          its vocabulary file (spelling.h) beside them
 *   gen-NNNNNN/shard-K/    the passages of the files hashed to shard K
 */
#ifndef DEALSEARCH_LAYOUT_H
#define DEALSEARCH_LAYOUT_H

#include <stddef.h>

#include "dealsearch.h"

/* The stub file inside a directory (Xapian's name for it). */
#define DS_LAYOUT_STUB "XAPIANDB"
/* A sharded generation's head and shards (above). */
#define DS_LAYOUT_HEAD "head"
#define DS_LAYOUT_SHARD "shard-"

typedef struct {
    char *where;   /* a local database's path, or the stub line of a
                      remote one ("remote 127.0.0.1:7001") */
    int remote;
} ds_layout_db;

/* A stub file as it was when read: a file renamed over it, or one written
 * in place, differs in one of these. */
typedef struct {
    char *path;          /* as opened */
    unsigned long long dev, ino, size;
    long long mtime_ns;
} ds_layout_stub;

typedef struct {
    ds_layout_db *dbs;   /* in the stub's order, nested stubs expanded */
    size_t n;
    ds_layout_stub *stubs;  /* the stub files read, nested ones too */
    size_t n_stubs;
} ds_layout;

/* Read what `path` is made of: a database (n = 1, itself), or a stub.
 * DS_ERR_DAMAGED naming the stub and line when a line is not one Xapian
 * reads, is longer than 4096 bytes, or the stub lists none or more than
 * 1024 databases (or stubs nest too deep); DS_ERR_IO when it cannot be
 * read.
 * Free with ds_layout_free (also after a failure). */
ds_status ds_layout_read(const char *path, ds_layout *out, char **err);

void ds_layout_free(ds_layout *l);

/* Has a stub file `l` was read from been replaced or written to since (or
 * gone)?  A stat of each: a long-lived searcher asks it to follow an
 * edited stub, or one xapian-replicate switched to a new copy. */
int ds_layout_stubs_changed(const ds_layout *l);

/* Is `path` a stub (a file, or a directory holding DS_LAYOUT_STUB)? */
int ds_layout_is_stub(const char *path);

/* Write a sharded generation's stub in `gen_path`: the head, then shards
 * 0 .. n-1.  DS_ERR_IO. */
ds_status ds_layout_write_sharded(const char *gen_path, size_t n,
                                  char **err);

/* The shard (0 .. n-1) a corpus file goes to: a hash of its name
 * (FNV-1a), so a file stays in its shard whatever other files come and
 * go (an update touches the shards of the files that changed), and every
 * builder given the same listing agrees without asking the others. */
size_t ds_layout_shard_of(const char *name, size_t n);

/* The document number the stub of a sharded index gives document `local`
 * of shard k of n: Xapian numbers the documents of its databases
 * interleaved, the head (holding none) first.  ds_layout_docid_shard
 * inverts it: the shard of document `docid` and (in *local) its number
 * there; n when `docid` is the head's. */
unsigned long ds_layout_docid(size_t n, size_t k, unsigned long local);
size_t ds_layout_docid_shard(size_t n, unsigned long docid,
                             unsigned long *local);

/* How many shards the sharded generation at `gen_path` has (0: it is one
 * database). */
size_t ds_layout_shards(const char *gen_path);

/* ---- A part built on its own ----
 *
 * `dealsearch index --shards N --shard K` (or `--shard head`) builds one
 * database of a sharded index in a process of its own, as an index folder
 * of its own (locked, published and replaced as any, store.h): its
 * generation is the database the threaded build writes as shard-K (its
 * passages numbered as the whole index numbers them) or as the head (with
 * the vocabulary), and a file DS_LAYOUT_PART saying which:
 *
 *   dealsearch-part 1
 *   shards N
 *   part head            or "part K"
 *   check HEX            what must agree between the parts for them to
 *                        rank as one index (ds_indexer: the corpus
 *                        listing, settings, passages, average length)
 *
 * ds_index_join checks the parts agree and writes the stub. */
#define DS_LAYOUT_PART "dealsearch-part"

typedef struct {
    size_t shards;       /* N */
    int part;            /* DS_PART_HEAD, or 0 .. N-1 */
    char check[40];      /* hex */
} ds_layout_part;

/* Write `p` into the generation `gen_path`.  DS_ERR_IO. */
ds_status ds_layout_write_part(const char *gen_path, const ds_layout_part *p,
                               char **err);

/* Read the part the generation `gen_path` is.  DS_ERR_NO_INDEX when it
 * is none (no file), DS_ERR_DAMAGED when the file is not as written. */
ds_status ds_layout_read_part(const char *gen_path, ds_layout_part *out,
                              char **err);

#endif
