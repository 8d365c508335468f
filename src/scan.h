/*
 * scan.h — the indexer's first, quiet pass over the corpus: what must be
 * known before the first passage is written.  It measures the passages'
 * average length (for the ranking's length normalisation, ranking.h),
 * signs every passage for near-copy grouping (neardup.h) and counts the
 * words for the spelling table, handing them to the shards as it goes.
 *
 * The corpus is cut into ranges (one per shard), each scanned in a thread
 * of its own with its own analyzer and reader; the signatures are then
 * grouped in corpus order, so the groups are the same whatever the
 * number of ranges.
 */
#ifndef DEALSEARCH_SCAN_H
#define DEALSEARCH_SCAN_H

#include <stddef.h>

#include "analyzer.h"
#include "corpus.h"
#include "digest.h"
#include "neardup.h"
#include "shard.h"

typedef struct {
    ds_corpus *corpus;
    ds_reader_kind reader;
    ds_analyzer **analyzers;   /* one per range, used by its thread */
    ds_shard **shards;         /* where counted words go, a share each */
    size_t n_shards;           /* 0: none (the words are not counted) */
    size_t n;                  /* ranges */
    const size_t *bounds;      /* range k: entries bounds[k] .. bounds[k+1] */
    unsigned long spelling_words; /* distinct words counted before they go
                                     to the shards (0: 300,000) */
    ds_progress_fn progress;   /* pass 1's progress, told by the calling
                                  thread (the other ranges' files counted
                                  too), or NULL */
    void *progress_ctx;
} ds_scan_params;

/* An entry as the pass read it: what a plan records of it (plan.h), and
 * what a head built alone records without reading it again (indexer.c). */
typedef struct {
    ds_file_stamp stamp;       /* size, time and digest, as read */
    size_t bytes;              /* text read (ds_corpus_doc's) */
    unsigned char read;        /* 0: it could not be read */
    unsigned char dated;       /* its article has a date */
    char *why;                 /* why it could not be read (malloc'd) */
} ds_scan_entry;

typedef struct {
    double avg_length;         /* words per passage, as the shards index
                                  them (synonym phrase terms aside) */
    unsigned long *groups;     /* each passage's near-copy group id
                                  (ds_neardup_group_id), in corpus order;
                                  0 for a passage that has no near-copy */
    ds_neardup_sig *sigs;      /* each passage's signature, the same */
    size_t passages;
    size_t *entry_first;       /* entry i's first passage (entry_first[i]
                                  .. entry_first[i+1]); count + 1 of them */
    unsigned long shared_groups;    /* groups of two or more passages */
    ds_scan_entry *entries;    /* each entry as read, n_entries of them */
    size_t n_entries;          /* (0 in a plan's result: plan.h) */
} ds_scan_result;

/* Scan the corpus.  Entries that cannot be read count as empty (the
 * second pass reports them).  Fails only when a shard fails to take the
 * spelling words. */
ds_status ds_scan(const ds_scan_params *p, ds_scan_result *out, char **err);

void ds_scan_result_free(ds_scan_result *r);

/* What the pass does with one passage's text besides measuring it: sign
 * its body into *sig and, when `a` counts words, count every word indexed
 * unprefixed (for the spelling table).  An update does the same with the
 * passages it adds and removes. */
void ds_scan_count_words(ds_analyzer *a, const ds_indexed_text *t,
                         ds_neardup_sig *sig);

#endif
