/* search.c — see search.h.  Prefixes and BM25 settings come from schema.h
 * so queries are analysed exactly as the index was built. */
#include "search.h"

#include <stdlib.h>
#include <string.h>

#include "highlight.h"
#include "record.h"
#include "schema.h"
#include "store.h"
#include "util.h"

/* Documents examined at least, so small indexes report exact totals. */
#define CHECK_AT_LEAST 1000

struct ds_searcher {
    char *index_dir;
    ds_analyzer *analyzer;
    dsx_db *db;
};

static char *damaged(const char *index_dir, const char *what)
{
    return ds_xasprintf("index '%s' is damaged or not a dealsearch index: "
                        "%s — run 'dealsearch index' to rebuild",
                        index_dir, what);
}

/* Check the index was built with this program's format and analysis. */
static char *check_compatible(ds_searcher *s)
{
    char *format = NULL, *analysis = NULL, *err = NULL;
    if (dsx_db_get_metadata(s->db, DS_META_FORMAT, &format) ||
        dsx_db_get_metadata(s->db, DS_META_ANALYSIS, &analysis)) {
        err = damaged(s->index_dir, dsx_db_error(s->db));
    } else if (format[0] == '\0') {
        err = damaged(s->index_dir, "no dealsearch format version");
    } else if (strcmp(format, DS_INDEX_FORMAT) != 0 ||
               strcmp(analysis, DS_ANALYSIS_DESCRIPTION) != 0) {
        err = ds_xasprintf("index '%s' was built by another version of "
                           "dealsearch (format %s, analysis '%s') — run "
                           "'dealsearch index' to rebuild",
                           s->index_dir, format, analysis);
    }
    free(format);
    free(analysis);
    return err;
}

ds_search_status ds_searcher_open(const char *index_dir, ds_searcher **out,
                                  char **err)
{
    *out = NULL;
    *err = NULL;
    int has = ds_store_has_index(index_dir, err);
    if (has < 0) return DS_SEARCH_ERROR;
    if (has == 0) {
        *err = ds_xasprintf("no index at '%s' — run 'dealsearch index'",
                            index_dir);
        return DS_SEARCH_NO_INDEX;
    }
    ds_searcher *s = ds_xmalloc(sizeof *s);
    s->index_dir = ds_xstrdup(index_dir);
    s->analyzer = ds_analyzer_new();
    s->db = NULL;
    if (!s->analyzer) {
        *err = ds_xstrdup("libstemmer has no English stemmer");
        ds_searcher_close(s);
        return DS_SEARCH_ERROR;
    }
    char *path = ds_store_current_path(index_dir), *xerr = NULL;
    dsx_status st = dsx_db_open(path, ds_analyzer_stemmer(s->analyzer),
                                &s->db, &xerr);
    free(path);
    if (st != DSX_OK) {
        *err = damaged(index_dir, xerr ? xerr : dsx_status_name(st));
        free(xerr);
        ds_searcher_close(s);
        return DS_SEARCH_ERROR;
    }
    static const dsx_bm25 bm25 = {DS_BM25_K1, DS_BM25_K2, DS_BM25_K3,
                                  DS_BM25_B, DS_BM25_MIN_NORMLEN};
    dsx_db_set_bm25(s->db, &bm25);
    if ((*err = check_compatible(s)) != NULL ||
        dsx_db_add_boolean_prefix(s->db, DS_FIELD_SOURCE, DS_PREFIX_SOURCE) ||
        dsx_db_add_prefix(s->db, DS_FIELD_TITLE, DS_PREFIX_TITLE) ||
        dsx_db_add_prefix(s->db, DS_FIELD_HEADING, DS_PREFIX_HEADING) ||
        dsx_db_add_date_range(s->db, DS_SLOT_DATE, DS_FIELD_DATE)) {
        if (!*err) *err = damaged(index_dir, dsx_db_error(s->db));
        ds_searcher_close(s);
        return DS_SEARCH_ERROR;
    }
    *out = s;
    return DS_SEARCH_OK;
}

void ds_searcher_close(ds_searcher *s)
{
    if (!s) return;
    dsx_db_destroy(s->db);
    ds_analyzer_free(s->analyzer);
    free(s->index_dir);
    free(s);
}

ds_analyzer *ds_searcher_analyzer(ds_searcher *s)
{
    return s->analyzer;
}

static int is_blank_query(const char *q)
{
    for (; *q; q++)
        if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r') return 0;
    return 1;
}

/* Decode the hits of `res` into `out`. */
static int collect_hits(ds_searcher *s, const dsx_results *res,
                        ds_results *out, char **err)
{
    size_t n = dsx_results_size(res);
    out->hits = ds_xmalloc((n ? n : 1) * sizeof *out->hits);
    for (size_t i = 0; i < n; i++) {
        dsx_hit h;
        dsx_results_hit(res, i, &h);
        ds_record rec;
        if (ds_record_decode(h.data, h.data_len, &rec) != 0) {
            *err = damaged(s->index_dir, "a passage record is unreadable");
            return -1;
        }
        ds_hit *hit = &out->hits[out->count++];
        hit->score = h.score;
        hit->source = rec.source;
        hit->passage = rec.passage;
        hit->line = rec.line;
        hit->text = rec.text;
        hit->text_len = rec.text_len;
        hit->title = rec.title;
        hit->date = rec.date;
        hit->heading = rec.heading;
        hit->terms = ds_xmalloc((h.n_terms ? h.n_terms : 1) * sizeof(char *));
        hit->n_terms = h.n_terms;
        for (size_t t = 0; t < h.n_terms; t++)
            hit->terms[t] = ds_xstrdup(h.terms[t]);
    }
    unsigned long lower, upper;
    dsx_results_total(res, &out->total, &lower, &upper);
    out->total_exact = lower == upper;
    return 0;
}

/* Parse and run once; *res is NULL when the query has no terms. */
static int run_query(ds_searcher *s, const char *query, unsigned flags,
                     const ds_search_options *opt, dsx_results **res,
                     ds_results *out, char **err)
{
    dsx_query *q = NULL;
    *res = NULL;
    if (dsx_db_parse_query(s->db, query, flags, &q) != DSX_OK) {
        *err = ds_xasprintf("query '%s': %s", query, dsx_db_error(s->db));
        return -1;
    }
    free(out->parsed);
    out->parsed = ds_xstrdup(dsx_query_describe(q));
    out->relaxed_syntax = dsx_query_was_relaxed(q);
    int rc = 0;
    if (!dsx_query_is_empty(q) &&
        dsx_db_search(s->db, q, opt->offset, opt->limit, CHECK_AT_LEAST,
                      res) != DSX_OK) {
        *err = damaged(s->index_dir, dsx_db_error(s->db));
        rc = -1;
    }
    dsx_query_destroy(q);
    return rc;
}

/* When no passage has every word, count those with any of them, so the
 * user can be told to try --any — unless the query means the same either
 * way (a single word, explicit operators). */
static int count_any(ds_searcher *s, const char *query, unsigned flags,
                     const dsx_results *res, ds_results *out, char **err)
{
    unsigned long total, lower, upper;
    dsx_results_total(res, &total, &lower, &upper);
    if (upper > 0) return 0;
    char *all_parsed = out->parsed;
    out->parsed = NULL;
    dsx_results *any = NULL;
    ds_search_options count_only = {0, 0, 1};
    int rc = run_query(s, query, flags | DSX_QUERY_MATCH_ANY, &count_only,
                       &any, out, err);
    if (rc == 0 && any && strcmp(all_parsed, out->parsed) != 0) {
        dsx_results_total(any, &total, &lower, &upper);
        out->total_if_any = total;
    }
    dsx_results_destroy(any);
    free(out->parsed);
    out->parsed = all_parsed;
    return rc;
}

int ds_search(ds_searcher *s, const char *query,
              const ds_search_options *opt, ds_results *out, char **err)
{
    memset(out, 0, sizeof *out);
    *err = NULL;
    size_t len = strlen(query);
    if (len > DS_MAX_QUERY_BYTES) {
        *err = ds_xasprintf("query is %zu bytes; the limit is %d", len,
                            DS_MAX_QUERY_BYTES);
        return -1;
    }
    if (is_blank_query(query)) {
        *err = ds_xstrdup("empty query");
        return -1;
    }
    /* Match typographic variants as the index does: “Meta’s stake” is a
     * phrase, like "Meta's stake". */
    ds_buf normalized;
    ds_buf_init(&normalized);
    ds_normalize(query, len, &normalized);
    const char *text = normalized.data;
    unsigned flags = opt->match_any ? DSX_QUERY_MATCH_ANY : 0;
    dsx_results *res = NULL;
    if (run_query(s, text, flags, opt, &res, out, err) != 0) goto fail;
    if (!res) {
        *err = ds_xasprintf("query '%s' has no searchable words", query);
        goto fail;
    }
    if (!opt->match_any &&
        count_any(s, text, flags, res, out, err) != 0)
        goto fail;
    if (collect_hits(s, res, out, err) != 0) goto fail;
    dsx_results_destroy(res);
    ds_wildcard_prefixes(text, &out->wildcards, &out->n_wildcards);
    ds_buf_free(&normalized);
    return 0;
fail:
    dsx_results_destroy(res);
    ds_results_free(out);
    ds_buf_free(&normalized);
    return -1;
}

void ds_results_free(ds_results *r)
{
    for (size_t i = 0; i < r->count; i++) {
        ds_hit *h = &r->hits[i];
        free(h->source);
        free(h->text);
        free(h->title);
        free(h->date);
        free(h->heading);
        for (size_t t = 0; t < h->n_terms; t++) free(h->terms[t]);
        free(h->terms);
    }
    free(r->hits);
    free(r->parsed);
    for (size_t i = 0; i < r->n_wildcards; i++) free(r->wildcards[i]);
    free(r->wildcards);
    memset(r, 0, sizeof *r);
}
