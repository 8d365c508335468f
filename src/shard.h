/*
 * shard.h — one Xapian database being written from prepared passages,
 * either in the caller's thread or in a thread of its own.
 *
 * The indexer prepares each passage (reading, splitting, normalising,
 * near-copy grouping: work that must follow corpus order) and hands it to
 * a shard as a ds_passage_job; the shard turns it into a document (see
 * schema.h for the term scheme) with its own analyzer.  A job can instead
 * carry words for the shard's spelling table (the indexer gives each
 * shard a share of the corpus's vocabulary).  Several shards can index at
 * once, one per core; the indexer then merges their databases
 * (dsx_compact), spelling tables included.
 */
#ifndef DEALSEARCH_SHARD_H
#define DEALSEARCH_SHARD_H

#include <stdint.h>

#include "../shim/shim.h"
#include "analyzer.h"
#include "corpus.h"
#include "neardup.h"
#include "schema.h"
#include "synonyms.h"
#include "util.h"

/* A passage ready to be indexed, or (when `spelling` is not empty) words
 * for the shard's spelling table.  Zero-initialise; ds_passage_job_free()
 * frees it.  Buffers are reused from job to job. */
typedef struct {
    ds_buf spelling;           /* ds_passage_job_add_spelling()'s words */
    ds_buf source_term;        /* DS_PREFIX_SOURCE + the source's name */
    ds_buf record;             /* the encoded ds_record */
    ds_buf order;              /* its DS_SLOT_ORDER value */
    char date[9];              /* YYYYMMDD (what date ranges compare), or "" */
    unsigned long group;       /* its near-copy group, or 0 */
    ds_neardup_sig sig;        /* its near-copy signature (stored when
                                  valid) */
    ds_indexed_text text;      /* what is indexed (schema.h) */
    unsigned docid;            /* its document number (0: the database's
                                  next); ds_passage_job_prepare leaves it */
} ds_passage_job;

/* Fill `job` with passage `i` (0-based) of the article read as `d`, in
 * near-copy group `group` with signature `sig` (NULL: none). */
void ds_passage_job_prepare(ds_passage_job *job, const ds_corpus_doc *d,
                            size_t i, unsigned long group,
                            const ds_neardup_sig *sig);

void ds_passage_job_free(ds_passage_job *job);

/* The passage's length as the ranking counts it: the words the shard will index
 * for it (the indexer measures the corpus's average before writing). */
unsigned long ds_passage_job_length(const ds_passage_job *job);

/* Add `word`, seen `count` times, to the words `job` carries for the
 * spelling table (clear `spelling` before the first; a passage job must
 * have it empty).  Xapian adds words fastest in byte order. */
void ds_passage_job_add_spelling(ds_passage_job *job, const char *word,
                                 size_t len, uint64_t count);

typedef struct ds_shard ds_shard;

/* A shard writing a new database at `path` (which must not hold one),
 * writing added passages out every `flush_docs` (0: Xapian's default).
 * `analyzer` is borrowed and used for stemming (its stem cache) when
 * passages are indexed: until the first passage is added, another thread
 * may use it.  `synonyms` (may be NULL) is borrowed and read only. */
ds_status ds_shard_open(const char *path, ds_analyzer *analyzer,
                        const ds_synonyms *synonyms, unsigned flush_docs,
                        ds_shard **out, char **err);

/* A shard writing into an open database (an update, shard.h's caller
 * owns `w`), in the caller's thread, normalising with `norm`. */
ds_status ds_shard_attach(dsx_writer *w, ds_analyzer *analyzer,
                          const ds_synonyms *synonyms,
                          const dsx_length_norm *norm, ds_shard **out,
                          char **err);

/* Index `job` as document `docid` (replacing it, or adding it with that
 * id); an attached shard only. */
ds_status ds_shard_put(ds_shard *s, unsigned docid, ds_passage_job *job,
                       char **err);

/* Normalise each passage's wdfs with `norm` (copied; see ranking.h).  Set
 * it before the first passage is added: spelling words may come first,
 * while the indexer is still measuring the corpus. */
void ds_shard_set_norm(ds_shard *s, const dsx_length_norm *norm);

/* From now on index in a thread of the shard's own: ds_shard_add() queues
 * (waiting while the queue is full) instead of indexing. */
ds_status ds_shard_start(ds_shard *s, char **err);

/* Index `job`, or queue it.  The job's buffers are exchanged with a used
 * job's, so `job` can be refilled at once.  Fails once the shard has
 * failed (the error is also kept for ds_shard_finish).  Once the shard is
 * started, several threads may add spelling jobs at once. */
ds_status ds_shard_add(ds_shard *s, ds_passage_job *job, char **err);

/* Wait for the queue to empty and the thread to end.  Fails with the
 * shard's first error. */
ds_status ds_shard_finish(ds_shard *s, char **err);

/* The shard's database writer (for metadata, synonyms and spelling, and
 * to commit); only while no thread of the shard runs. */
dsx_writer *ds_shard_writer(ds_shard *s);

/* Passages indexed. */
unsigned long ds_shard_passages(const ds_shard *s);

/* Finish if needed, and free the shard (closing its database).  Accepts
 * NULL. */
void ds_shard_close(ds_shard *s);

#endif
