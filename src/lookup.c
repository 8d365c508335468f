/*
 * lookup.c — what a searcher finds in its index without ranking
 * (dealsearch.h): a passage with its neighbours, and what the index is.
 *
 * A passage is looked up by its source's boolean term (XSRC<source
 * without .txt>, schema.h), made directly rather than parsed (the parser
 * would read quotes and spaces in a name, and writes XSRC:Name for a
 * capital), never by reading a file: a name from a request cannot reach
 * the file system.  The term's documents come back
 * in docid order, and docids ascend with passage numbers within a
 * source: the indexer adds a file's passages in order to one shard, and
 * merging shards keeps each one's order (indexer.c).  So passage n is
 * the n-th document of its source, and a window of them is one page of a
 * boolean query — tests/unit/test_lookup.c checks every passage of a
 * corpus built in two shards.
 */
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "schema.h"
#include "search.h"
#include "util.h"

#define TXT ".txt"

/* The length of `source` without a final ".txt": a folder's file's key
 * in the index. */
static size_t source_key_len(const char *source)
{
    size_t len = strlen(source), ext = strlen(TXT);
    if (len > ext && strcmp(source + len - ext, TXT) == 0)
        return len - ext;
    return len;
}

static ds_status damaged(ds_searcher *s, char **err, const char *why)
{
    return ds_fail(err, DS_ERR_DAMAGED,
                   "index '%s' is damaged or not a dealsearch index: %s — "
                   "run 'dealsearch index' to rebuild",
                   ds_searcher_index_dir(s), why);
}

/* Whether a record of source `name` is one of `source`: the same name, or
 * for a name without ".txt", that name's ".txt" file (as `source:` takes
 * a name). */
static int is_source(const char *name, const char *source)
{
    size_t len = strlen(source);
    if (strncmp(name, source, len) != 0) return 0;
    return name[len] == '\0' || (source_key_len(source) == len &&
                                  strcmp(name + len, TXT) == 0);
}

/* Append to out[*count] the records of `res` that belong to `source` and
 * fall within [first, last], in order. */
static ds_status collect(ds_searcher *s, const dsx_results *res,
                         const char *source, unsigned long first,
                         unsigned long last, ds_record *out, size_t *count,
                         char **err)
{
    size_t n = dsx_results_size(res);
    for (size_t i = 0; i < n; i++) {
        dsx_hit h;
        dsx_results_hit(res, i, &h);
        ds_record rec;
        if (ds_record_decode(h.data, h.data_len, &rec) != DS_OK)
            return damaged(s, err, "a passage record is unreadable");
        if (!is_source(rec.source, source) || rec.passage < first ||
            rec.passage > last) {
            ds_record_free(&rec);
            continue;
        }
        out[(*count)++] = rec;
    }
    return DS_OK;
}

/* Run the boolean query for the key source[0..key_len) over its
 * documents [offset, offset + limit) and keep what collect() keeps;
 * *total is how many documents the key has. */
static ds_status fetch_window(ds_searcher *s, const char *source,
                              size_t key_len, unsigned offset, unsigned limit,
                              unsigned long first, unsigned long last,
                              ds_record *out, size_t *count,
                              unsigned long *total, char **err)
{
    ds_buf term;
    ds_buf_init(&term);
    ds_buf_puts(&term, DS_PREFIX_SOURCE);
    ds_buf_append(&term, source, key_len);
    char *why = NULL;
    dsx_query *q = NULL;
    dsx_results *res = NULL;
    dsx_search_params p = {.offset = offset,
                           .limit = limit,
                           .collapse_slot = -1,
                           .data_slot = DS_SLOT_RECORD};
    ds_status st = dsx_query_term(term.data, term.len, &q, &why);
    if (st == DS_OK) st = dsx_db_search(ds_searcher_db(s), q, &p, &res, &why);
    if (st != DS_OK) {
        st = damaged(s, err, why);
    } else {
        dsx_counts counts;
        dsx_results_counts(res, &counts);
        *total = counts.estimate;
        st = dsx_results_load(res, 0, dsx_results_size(res), &why);
        if (st != DS_OK)
            st = damaged(s, err, why);
        else
            st = collect(s, res, source, first, last, out, count, err);
    }
    free(why);
    ds_buf_free(&term);
    dsx_results_destroy(res);
    dsx_query_destroy(q);
    return st;
}

static int has_passage(const ds_record *recs, size_t count, unsigned long n)
{
    for (size_t i = 0; i < count; i++)
        if (recs[i].passage == n) return 1;
    return 0;
}

ds_status ds_searcher_passage(ds_searcher *s, const char *source,
                              unsigned long n, unsigned context,
                              ds_record **records, size_t *count,
                              unsigned long *source_passages, char **err)
{
    *records = NULL;
    *count = 0;
    if (source_passages) *source_passages = 0;
    size_t len = strlen(source);
    if (len == 0 || len > DS_MAX_SOURCE_BYTES)
        return ds_fail(err, DS_ERR_USAGE,
                       "a source name has 1 to %d bytes, not %zu",
                       DS_MAX_SOURCE_BYTES, len);
    if (n == 0 || n > 1000000000UL || context > DS_MAX_CONTEXT)
        return ds_fail(err, DS_ERR_USAGE,
                       "passage %lu with %u of context: passages are "
                       "numbered from 1, context is at most %d",
                       n, context, DS_MAX_CONTEXT);
    unsigned long first = n > context ? n - context : 1, last = n + context;
    unsigned offset = (unsigned)(first - 1);
    unsigned limit = (unsigned)(last - first + 1);
    ds_record *out = ds_xmalloc(limit * sizeof *out);
    unsigned long total = 0;
    /* A folder's "a.txt" is the key "a"; a JSON document's id is its key
     * whole, ".txt" or not. */
    size_t keys[2] = {source_key_len(source), len};
    size_t n_keys = keys[0] == len ? 1 : 2;
    ds_status st = DS_OK;
    for (size_t k = 0; k < n_keys && st == DS_OK && !*count; k++)
        st = fetch_window(s, source, keys[k], offset, limit, first, last,
                          out, count, &total, err);
    if (st != DS_OK || !has_passage(out, *count, n)) {
        ds_records_free(out, *count);
        *count = 0;
        return st;
    }
    *records = out;
    if (source_passages) *source_passages = total;
    return DS_OK;
}

void ds_records_free(ds_record *records, size_t count)
{
    if (!records) return;
    for (size_t i = 0; i < count; i++) ds_record_free(&records[i]);
    free(records);
}

/* ---- What the index is ---- */

ds_status ds_searcher_stats(ds_searcher *s, ds_index_info *info, char **err)
{
    memset(info, 0, sizeof *info);
    info->generation = ds_searcher_generation(s);
    char *build = NULL, *why = NULL;
    ds_status st = dsx_db_doc_count(ds_searcher_db(s), &info->passages, &why);
    if (st == DS_OK)
        st = dsx_db_get_metadata(ds_searcher_db(s), DS_META_BUILD, &build,
                                 &why);
    if (st != DS_OK) {
        st = damaged(s, err, why);
    } else {
        /* "SECONDS FILES"; absent ("") from older indexes. */
        char *end;
        info->built = strtoll(build, &end, 10);
        info->files = strtoul(end, NULL, 10);
    }
    free(build);
    free(why);
    return st;
}

ds_status ds_searcher_corpus_folder(ds_searcher *s, char **folder, char **err)
{
    static const char FOLDER[] = "folder ";
    *folder = NULL;
    char *corpus = NULL, *why = NULL;
    ds_status st = dsx_db_get_metadata(ds_searcher_db(s), DS_META_CORPUS,
                                       &corpus, &why);
    if (st != DS_OK)
        st = damaged(s, err, why);
    else if (strncmp(corpus, FOLDER, sizeof FOLDER - 1) == 0)
        *folder = ds_xstrdup(corpus + sizeof FOLDER - 1);
    else if (strncmp(corpus, "jsonl", 5) != 0)
        st = damaged(s, err, "it does not say which corpus it holds");
    free(corpus);
    free(why);
    return st;
}
