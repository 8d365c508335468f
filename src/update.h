/*
 * update.h — bringing the served index up to date with its corpus in
 * place, as one Xapian transaction (the indexer's ds_indexer_update).
 *
 * The files that changed (changes.h) are read again; of a changed file
 * only the passages whose indexed content differs are indexed again (the
 * others keep their documents, their record amended when their number or
 * line moved); a renamed file's documents only change their source.
 * Statistics stay exact: Xapian keeps document and term counts, the
 * spelling table loses the removed passages' words
 * (remove_spelling) and gains the new ones', and the passages' total
 * length is kept in the metadata.  Near-copy groups are what a full build
 * finds: computed again, in corpus order, over the passages that share
 * LSH bands with what changed, directly or through others (found from the
 * band terms, schema.h; the whole corpus only past DS_NEARDUP_WINDOW),
 * from the signatures the documents store (value DS_SLOT_SIGNATURE); a
 * group's id is derived from its first passage (ds_neardup_group_id), so
 * unaffected groups keep theirs.
 *
 * A sharded generation (layout.h) is updated as Xapian opens its stub
 * for writing: metadata and new spelling words go to the head (the
 * first database), a document to the shard its number names.  A new
 * passage goes to the shard its file's name picks, numbered past that
 * shard's documents.  Xapian commits the head and each shard in turn:
 * under the generation's commit lock (store.h), so that searches open
 * them all before or all after; an update killed between two commits is
 * told by the manifest it left open, and the next is a full build.
 *
 * One statistic is not recomputed: the average passage length the wdfs
 * were normalised with (ranking.h).  New passages are normalised with
 * the stored one; when the corpus's real average has moved more than
 * DS_MAX_LENGTH_DRIFT from it, the update is abandoned for a full build.
 */
#ifndef DEALSEARCH_UPDATE_H
#define DEALSEARCH_UPDATE_H

#include "analyzer.h"
#include "corpus.h"
#include "dealsearch.h"
#include "synonyms.h"

/* The relative drift of the average passage length (from the one the
 * index was normalised with) beyond which an update rebuilds: a score
 * moves by at most this much (bench/README.md). */
#define DS_MAX_LENGTH_DRIFT 0.01

typedef struct {
    const char *db_path;           /* the served generation's database */
    size_t shards;                 /* its shards (layout.h), or 0 */
    ds_corpus *corpus;             /* listed; a folder */
    ds_analyzer *analyzer;
    const ds_synonyms *synonyms;   /* may be NULL */
    /* Metadata the index must hold as is (format, analysis, reader,
     * corpus, synonyms) to be updated rather than rebuilt. */
    const char *(*expect)[2];
    size_t n_expect;
    double c;                      /* the ranking's length normalisation,
                                      as a build would store it */
    int verbose;                   /* a notice per file read */
    ds_notice_fn notice;
    void *notice_ctx;
} ds_update_params;

/* Update the database in place.  DS_OK when it is current (stats filled
 * in); DS_ERR_VERSION with *reason (malloc'd, e.g. "the synonyms
 * changed") when only a full build can bring it up to date — nothing was
 * changed then; any other failure leaves the database as it was. */
ds_status ds_update(const ds_update_params *p, ds_index_stats *stats,
                    char **reason, char **err);

#endif
