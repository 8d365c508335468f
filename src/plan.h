/*
 * plan.h — a sharded build's first pass, written once to a file and read
 * by each part built on its own (layout.h's "A part built on its own"),
 * so that a part reads only its own files, once, instead of the whole
 * corpus twice.
 *
 * `dealsearch index --shards N --write-plan FILE` scans the corpus (scan.h)
 * and writes what the parts need: the corpus listing (each entry's name,
 * size and content digest, so a part can tell an entry changed since),
 * each entry's passages (passage g of the corpus is document g of its
 * shard), each passage's near-copy group and signature, the average
 * passage length, and the check the parts record for ds_index_join.
 * `index --shards N --shard K --plan FILE` builds part K from it.
 *
 * The file is text, one record a line, ending with a digest of all the
 * lines before it (a truncated or altered plan is refused):
 *
 *   dealsearch-plan 1
 *   shards N
 *   check HEX            the parts' check (layout.h), 32 hex digits
 *   average LENGTH       words per passage, as measured (%.17g: exact)
 *   groups G             near-copy groups of two or more passages
 *   entries E
 *   passages P
 *   file SIZE DIGEST READ COUNT NAME     E of them, in corpus order;
 *                        READ 1 or 0 (it could not be read), COUNT its
 *                        passages, NAME to the end of the line ("" for a
 *                        JSON line)
 *   p GROUP SIG          COUNT of them after their file: the group id
 *                        (0: none), the signature's 24 minimums as 96 hex
 *                        digits, or "-" when too short to be compared
 *   end HEX              the digest (digest.h) of every byte above
 *
 * A plan file is untrusted input: every number is bounded by what the
 * file's length allows before anything is allocated for it.
 */
#ifndef DEALSEARCH_PLAN_H
#define DEALSEARCH_PLAN_H

#include <stddef.h>

#include "digest.h"
#include "scan.h"

typedef struct {
    char *name;               /* "" for a JSON line (malloc'd) */
    unsigned long long size;  /* as listed */
    ds_digest digest;         /* of its bytes, when read */
    int read;                 /* 0: it could not be read (no passages) */
} ds_plan_entry;

typedef struct {
    size_t shards;
    char check[DS_DIGEST_HEX];
    ds_plan_entry *entries;
    size_t n_entries;
    ds_scan_result scan;      /* avg_length, passages, entry_first (one
                                 more than n_entries), groups, sigs,
                                 shared_groups */
} ds_plan;

/* Write `p` to `path`: written beside (PATH.tmp), synced and renamed, so
 * a reader finds the old plan or the new one.  DS_ERR_IO naming it. */
ds_status ds_plan_write(const char *path, const ds_plan *p, char **err);

/* Read the plan at `path` into *out.  DS_ERR_IO when it cannot be read,
 * DS_ERR_DAMAGED ("plan 'PATH' is damaged (line N)") when it is not a
 * plan as written.  *out is zeroed on failure; free with ds_plan_free. */
ds_status ds_plan_read(const char *path, ds_plan *out, char **err);

/* Parse a plan held in memory (`data`, `len` bytes; need not be
 * NUL-terminated).  On failure, *why (malloc'd, may be NULL) says where
 * ("line 12") and *out is zeroed.  The fuzzer's entry point. */
ds_status ds_plan_parse(const char *data, size_t len, ds_plan *out,
                        char **why);

/* Free what a plan holds (its scan result too).  Accepts a zeroed one. */
void ds_plan_free(ds_plan *p);

#endif
