/* search.c — see search.h.  Prefixes come from schema.h, so queries are
 * analysed exactly as the index was built; BM25 settings from ranking.h. */
#include "search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "highlight.h"
#include "ranking.h"
#include "record.h"
#include "render.h"
#include "schema.h"
#include "stopwords.h"
#include "store.h"
#include "util.h"

/* An index of at most this many passages has every match examined, so its
 * totals are exact ("1-10 of 45").  A larger one is left to Xapian's
 * estimate ("about N"): examining even 1,000 matches cost up to half the
 * time of common-word and phrase queries on 250k passages, and 100 still
 * 3-5% on 32k (bench/README.md). */
#define EXACT_TOTALS_UP_TO 20000

struct ds_searcher {
    char *index_dir;
    int has_groups;         /* the index holds near-copy groups */
    unsigned check_at_least;    /* see EXACT_TOTALS_UP_TO */
    ds_analyzer *analyzer;
    char *synonyms_text;    /* as stored; parsed when a hit needs it */
    ds_synonyms *synonyms;
    dsx_bm25 bm25;
    double avg_length;      /* see load_lengths() */
    dsx_db *db;
    ds_buf indexed_text;    /* see indexed_text() */
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

/* Feedback settings: the shipped ones, or for relevance experiments
 * DEALSEARCH_FEEDBACK = "docs,terms,weight". */
static void set_feedback(dsx_search_params *p, int on)
{
    const char *env = getenv("DEALSEARCH_FEEDBACK");
    if (on) {
        p->expand_docs = DS_FEEDBACK_DOCS;
        p->expand_terms = DS_FEEDBACK_TERMS;
        p->expand_weight = DS_FEEDBACK_WEIGHT;
    }
    if (env)
        sscanf(env, "%u,%u,%lf", &p->expand_docs, &p->expand_terms,
               &p->expand_weight);
}

/* Whether the build found near-copies (worth collapsing on), and how many
 * matches to examine. */
static char *load_groups(ds_searcher *s)
{
    char *groups = NULL;
    if (dsx_db_get_metadata(s->db, DS_META_GROUPS, &groups) != DSX_OK)
        return damaged(s->index_dir, dsx_db_error(s->db));
    s->has_groups = strtoul(groups, NULL, 10) > 0;
    free(groups);
    unsigned long passages = 0;
    if (dsx_db_doc_count(s->db, &passages) != DSX_OK)
        return damaged(s->index_dir, dsx_db_error(s->db));
    s->check_at_least =
        passages <= EXACT_TOTALS_UP_TO ? (unsigned)passages : 0;
    return NULL;
}

/* The length normalisation the passages were written with: BM25's b and
 * min_normlen are the index's (ranking.h). */
static char *load_lengths(ds_searcher *s)
{
    char *text = NULL;
    if (dsx_db_get_metadata(s->db, DS_META_LENGTHS, &text) != DSX_OK)
        return damaged(s->index_dir, dsx_db_error(s->db));
    dsx_length_norm norm;
    int bad = ds_length_norm_parse(text, &norm) != 0;
    free(text);
    if (bad) return damaged(s->index_dir, "no length normalisation");
    s->bm25.b = norm.b;
    s->bm25.min_normlen = norm.min_normlen;
    s->bm25.k2 = 0; /* it needs document lengths */
    s->avg_length = norm.avg_length;
    dsx_db_set_bm25(s->db, &s->bm25);
    dsx_db_set_length_norm(s->db, &norm);
    return NULL;
}

/* The synonym groups the index was built with, for highlighting. */
static char *load_synonyms(ds_searcher *s)
{
    if (dsx_db_get_metadata(s->db, DS_META_SYNONYMS, &s->synonyms_text) !=
        DSX_OK)
        return damaged(s->index_dir, dsx_db_error(s->db));
    return NULL;
}

/* Parse the synonym groups, the first time a hit matched one (analysing
 * them costs more than most searches). */
static char *parse_synonyms(ds_searcher *s)
{
    char *err = NULL, *perr = NULL;
    if (s->synonyms || !s->synonyms_text || !s->synonyms_text[0]) return NULL;
    s->synonyms =
        ds_synonyms_parse(s->analyzer, s->synonyms_text, "synonyms", &perr);
    if (!s->synonyms) err = damaged(s->index_dir, perr);
    free(perr);
    return err;
}

static int matched_a_synonym_group(const ds_results *r)
{
    size_t n = strlen(DS_SYNONYM_PREFIX);
    for (size_t i = 0; i < r->count; i++)
        for (size_t t = 0; t < r->hits[i].n_terms; t++)
            if (strncmp(r->hits[i].terms[t], DS_SYNONYM_PREFIX, n) == 0)
                return 1;
    return 0;
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
    s->synonyms_text = NULL;
    s->synonyms = NULL;
    s->has_groups = 0;
    s->avg_length = 0;
    s->db = NULL;
    ds_buf_init(&s->indexed_text);
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
    ds_bm25_settings(&s->bm25);
    /* DEALSEARCH_NO_STOPWORDS: for relevance experiments only. */
    if (!getenv("DEALSEARCH_NO_STOPWORDS"))
        dsx_db_set_stopwords(s->db, ds_stopwords, ds_n_stopwords);
    /* Files changed since the build mean damage — unless there is no
     * manifest at all and the format says the index is just older. */
    char *why = NULL, *old = check_compatible(s);
    int verify = ds_store_verify(index_dir, &why);
    if (verify == DS_STORE_NO_MANIFEST && old) {
        *err = old;
        old = NULL;
    } else if (verify != 0) {
        *err = damaged(index_dir, why);
    } else {
        *err = old;
        old = NULL;
    }
    free(old);
    free(why);
    if (*err ||
        dsx_db_add_boolean_prefix(s->db, DS_FIELD_SOURCE, DS_PREFIX_SOURCE) ||
        dsx_db_add_prefix(s->db, DS_FIELD_TITLE, DS_PREFIX_TITLE) ||
        dsx_db_add_prefix(s->db, DS_FIELD_HEADING, DS_PREFIX_HEADING) ||
        dsx_db_add_date_range(s->db, DS_SLOT_DATE, DS_FIELD_DATE) ||
        (*err = load_lengths(s)) != NULL ||
        (*err = load_synonyms(s)) != NULL ||
        (*err = load_groups(s)) != NULL) {
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
    ds_synonyms_free(s->synonyms);
    free(s->synonyms_text);
    ds_analyzer_free(s->analyzer);
    ds_buf_free(&s->indexed_text);
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

/* ---- Spelling correction ---- */

typedef struct {
    ds_searcher *searcher;
    const char *query;
    size_t len;
    ds_buf out;      /* the corrected query so far */
    size_t copied;   /* bytes of `query` already in `out` */
    int changed;
} correction;

static int is_operator(const char *s, size_t len)
{
    static const char *const ops[] = {"AND", "OR", "NOT", "XOR", "NEAR",
                                      "ADJ"};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (len == strlen(ops[i]) && memcmp(s, ops[i], len) == 0) return 1;
    return 0;
}

/* Words to leave alone: operators, field names and values, wildcards,
 * numbers. */
static int skip_word(const correction *c, const ds_token *tok)
{
    const char *q = c->query;
    if (is_operator(q + tok->start, tok->end - tok->start)) return 1;
    if (tok->end < c->len && (q[tok->end] == ':' || q[tok->end] == '*'))
        return 1;
    if (tok->start > 0 && q[tok->start - 1] == ':') return 1;
    for (size_t i = 0; i < tok->term_len; i++)
        if (tok->term[i] >= '0' && tok->term[i] <= '9') return 1;
    return 0;
}

static int stem_exists(ds_searcher *s, const char *word, size_t len)
{
    size_t stem_len;
    const char *stem = ds_analyzer_stem(s->analyzer, word, len, &stem_len);
    char *term = ds_xstrndup(stem, stem_len);
    int exists = 1;
    dsx_db_term_exists(s->db, term, &exists);
    free(term);
    return exists;
}

static int correct_word(void *ctx, const ds_token *tok)
{
    correction *c = ctx;
    ds_searcher *s = c->searcher;
    if (skip_word(c, tok) || stem_exists(s, tok->term, tok->term_len))
        return 0;
    char *word = ds_xstrndup(tok->term, tok->term_len), *suggestion = NULL;
    if (dsx_db_spelling_suggestion(s->db, word, &suggestion) == DSX_OK &&
        suggestion[0] && stem_exists(s, suggestion, strlen(suggestion))) {
        ds_buf_append(&c->out, c->query + c->copied, tok->start - c->copied);
        ds_buf_puts(&c->out, suggestion);
        c->copied = tok->end;
        c->changed = 1;
    }
    free(suggestion);
    free(word);
    return 0;
}

/* The query with each word that the index lacks, but that is close to an
 * indexed word, replaced by that word; NULL when nothing changed. */
static char *correct_spelling(ds_searcher *s, const char *query)
{
    correction c = {s, query, strlen(query), {0}, 0, 0};
    ds_tokenize(query, c.len, correct_word, &c);
    if (!c.changed) {
        ds_buf_free(&c.out);
        return NULL;
    }
    ds_buf_append(&c.out, query + c.copied, c.len - c.copied);
    return ds_buf_steal(&c.out);
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
        hit->group = rec.group;
        hit->collapsed = 0;
        hit->also = NULL;
        hit->n_also = 0;
        hit->terms = ds_xmalloc((h.n_terms ? h.n_terms : 1) * sizeof(char *));
        hit->n_terms = h.n_terms;
        for (size_t t = 0; t < h.n_terms; t++)
            hit->terms[t] = ds_xstrdup(h.terms[t]);
        hit->parts = ds_xmalloc((h.n_parts ? h.n_parts : 1) *
                                sizeof *hit->parts);
        hit->n_parts = h.n_parts;
        for (size_t p = 0; p < h.n_parts; p++) {
            hit->parts[p].label = ds_xstrdup(h.parts[p].label);
            hit->parts[p].weight = h.parts[p].weight;
        }
    }
    unsigned long lower, upper;
    dsx_results_total(res, &out->total, &lower, &upper);
    out->total_exact = lower == upper;
    return 0;
}

/* The query as an error message may show it: no control characters (it
 * goes to a terminal, on one line) and at most about 100 bytes. */
static char *printable_query(const char *query)
{
    size_t len = strlen(query), max = 100;
    while (len > max && ((unsigned char)query[max] & 0xC0) == 0x80) max--;
    ds_buf b;
    ds_buf_init(&b);
    ds_terminal_safe(&b, query, len > max ? max : len);
    if (len > max) ds_buf_puts(&b, "\xE2\x80\xA6");
    return ds_buf_steal(&b);
}

/* Parse `query`, noting in `out` how it was read.  NULL with *err set
 * when even plain words cannot be parsed. */
static dsx_query *parse(ds_searcher *s, const char *query, unsigned flags,
                        ds_results *out, char **err)
{
    dsx_query *q = NULL;
    if (dsx_db_parse_query(s->db, query, flags, &q) != DSX_OK) {
        char *shown = printable_query(query);
        *err = ds_xasprintf("query '%s': %s", shown, dsx_db_error(s->db));
        free(shown);
        return NULL;
    }
    free(out->parsed);
    out->parsed = ds_xstrdup(dsx_query_describe(q));
    out->relaxed_syntax = dsx_query_was_relaxed(q);
    free(out->stopped);
    out->stopped = ds_xstrdup(dsx_query_stopped(q));
    return q;
}

static int run(ds_searcher *s, const dsx_query *q,
               const dsx_search_params *params, dsx_results **res, char **err)
{
    if (dsx_db_search(s->db, q, params, res) == DSX_OK) return 0;
    *err = damaged(s->index_dir, dsx_db_error(s->db));
    return -1;
}

/* Whether near-copies are shown once (see group_hits). */
static int grouping(const ds_searcher *s, const ds_search_options *opt)
{
    return s->has_groups && !opt->all && !opt->one_per_source;
}

/* For feedback (the index keeps no termlists): the text a passage's
 * record was indexed from, as the indexer handed it to Xapian — heading,
 * body and, when it was part of the text, title, each normalised.  Field
 * terms are not needed: feedback only learns plain words. */
static size_t indexed_text(void *ctx, const char *data, size_t len,
                           const char **text)
{
    ds_searcher *s = ctx;
    ds_record rec;
    if (ds_record_decode(data, len, &rec) != 0) return 0;
    ds_buf *out = &s->indexed_text;
    ds_buf_clear(out);
    if (rec.heading) ds_normalize(rec.heading, strlen(rec.heading), out);
    ds_buf_putc(out, '\n');
    ds_normalize(rec.text, rec.text_len, out);
    ds_buf_putc(out, '\n');
    if (rec.title && rec.title_in_text)
        ds_normalize(rec.title, strlen(rec.title), out);
    ds_record_free(&rec);
    *text = out->data;
    return out->len;
}

/* The search parameters for `opt`, fetching the first `window` hits when
 * grouping (group_hits picks from them), else just the page asked for.
 * One hit per source is Xapian's collapse, for TREC runs. */
static dsx_search_params params_for(const ds_searcher *s,
                                    const ds_search_options *opt,
                                    unsigned window)
{
    int grouped = grouping(s, opt);
    dsx_search_params p = {
        .offset = grouped ? 0 : opt->offset,
        .limit = grouped ? window : opt->limit,
        .check_at_least = s->check_at_least,
        .collapse_slot = opt->one_per_source ? DS_SLOT_SOURCE : -1,
        .explain = opt->explain,
        .data_slot = DS_SLOT_RECORD,
        .indexed_text = indexed_text,
        .indexed_text_ctx = (void *)s};
    set_feedback(&p, opt->feedback);
    return p;
}

/* When no passage has every word, count those with any of them, so the
 * user can be told to try --any — unless the query means the same either
 * way (a single word, explicit operators). */
static int count_any(ds_searcher *s, const char *query, unsigned flags,
                     ds_results *out, char **err)
{
    char *all_parsed = out->parsed;
    out->parsed = NULL;
    dsx_query *q = parse(s, query, flags | DSX_QUERY_MATCH_ANY, out, err);
    dsx_search_params count_only = {.check_at_least = s->check_at_least,
                                    .collapse_slot = -1,
                                    .data_slot = DS_SLOT_RECORD};
    dsx_results *any = NULL;
    int rc = q ? 0 : -1;
    if (q && !dsx_query_is_empty(q) && strcmp(all_parsed, out->parsed) != 0 &&
        (rc = run(s, q, &count_only, &any, err)) == 0) {
        unsigned long lower, upper;
        dsx_results_total(any, &out->total_if_any, &lower, &upper);
    }
    dsx_results_destroy(any);
    dsx_query_destroy(q);
    free(out->parsed);
    out->parsed = all_parsed;
    return rc;
}

static void free_hit(ds_hit *h);

/* Show each near-copy group once: walking `out`'s hits (the best first),
 * a hit whose group already has a better hit becomes an "also" of that
 * hit.  Then keep the page asked for.  Collapsing in Xapian would read a
 * value for every matching passage (62% of a query when an index has
 * groups, bench/README.md); here only the fetched window is looked at.
 * Returns how many hits of the window were folded into others. */
static size_t group_hits(ds_results *out, const ds_search_options *opt)
{
    size_t kept = 0, hidden = 0;
    for (size_t i = 0; i < out->count; i++) {
        ds_hit *h = &out->hits[i];
        size_t j = 0;
        while (h->group && j < kept && out->hits[j].group != h->group) j++;
        if (!h->group || j == kept) {
            out->hits[kept++] = *h;
            continue;
        }
        ds_hit *best = &out->hits[j];
        if (best->n_also < DS_MAX_ALSO) {
            best->also = ds_xrealloc(best->also,
                                     (best->n_also + 1) * sizeof *best->also);
            best->also[best->n_also].source = h->source;
            best->also[best->n_also++].passage = h->passage;
            h->source = NULL;
        }
        best->collapsed++;
        free_hit(h);
        hidden++;
    }
    /* The page: hits offset .. offset+limit of the grouped list. */
    size_t from = opt->offset < kept ? opt->offset : kept;
    size_t to = from + opt->limit < kept ? from + opt->limit : kept;
    for (size_t i = 0; i < kept; i++)
        if (i < from || i >= to) free_hit(&out->hits[i]);
    memmove(out->hits, out->hits + from, (to - from) * sizeof *out->hits);
    out->count = to - from;
    return hidden;
}

/* Run `q` and fill `out` with the page `opt` asks for.  When grouping,
 * fetch a window of the best hits large enough that the page, after
 * folding near-copies, is full or the matches have run out: a few more
 * than the page at first (every hit fetched costs, and a smaller top-N
 * lets Xapian skip more), four times as many each time that falls short. */
static int fetch(ds_searcher *s, const dsx_query *q,
                 const ds_search_options *opt, dsx_results **res,
                 ds_results *out, char **err)
{
    unsigned want = opt->offset + opt->limit;
    unsigned window = want + want / 4 + 2;
    for (;;) {
        dsx_search_params params = params_for(s, opt, window);
        if (run(s, q, &params, res, err) != 0 ||
            collect_hits(s, *res, out, err) != 0)
            return -1;
        if (!grouping(s, opt)) return 0;
        size_t fetched = out->count;
        size_t hidden = group_hits(out, opt);
        int exhausted = fetched < window;
        if (exhausted || out->count == opt->limit || window >= 100000) {
            /* Folded copies are not separate matches. */
            out->total = out->total > hidden ? out->total - hidden : 0;
            out->total_exact = out->total_exact && exhausted;
            return 0;
        }
        /* Too many copies for a full page: try a larger window. */
        for (size_t i = 0; i < out->count; i++) free_hit(&out->hits[i]);
        free(out->hits);
        out->hits = NULL;
        out->count = 0;
        dsx_results_destroy(*res);
        *res = NULL;
        window *= 4;
    }
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
    if (!opt->exact && (out->corrected = correct_spelling(s, text)) != NULL)
        text = out->corrected;
    unsigned flags = (opt->match_any ? DSX_QUERY_MATCH_ANY : 0) |
                     (opt->plain ? DSX_QUERY_PLAIN : 0) |
                     (opt->no_synonyms ? 0 : DSX_QUERY_SYNONYMS);
    dsx_results *res = NULL;
    dsx_query *q = parse(s, text, flags, out, err);
    if (!q) goto fail;
    if (dsx_query_is_empty(q)) {
        char *shown = printable_query(query);
        *err = ds_xasprintf("query '%s' has no searchable words", shown);
        free(shown);
        goto fail;
    }
    if (fetch(s, q, opt, &res, out, err) != 0) goto fail;
    if (out->total == 0 && !opt->match_any &&
        count_any(s, text, flags, out, err) != 0)
        goto fail;
    dsx_results_destroy(res);
    dsx_query_destroy(q);
    ds_wildcard_prefixes(text, &out->wildcards, &out->n_wildcards);
    if (matched_a_synonym_group(out) && (*err = parse_synonyms(s)) != NULL)
        goto fail;
    out->synonyms = s->synonyms;
    out->bm25 = s->bm25;
    out->avg_length = s->avg_length;
    ds_buf_free(&normalized);
    return 0;
fail:
    dsx_results_destroy(res);
    dsx_query_destroy(q);
    ds_results_free(out);
    ds_buf_free(&normalized);
    return -1;
}

static void free_hit(ds_hit *h)
{
    free(h->source);
    free(h->text);
    free(h->title);
    free(h->date);
    free(h->heading);
    for (size_t t = 0; t < h->n_terms; t++) free(h->terms[t]);
    free(h->terms);
    for (size_t p = 0; p < h->n_parts; p++) free(h->parts[p].label);
    free(h->parts);
    for (size_t a = 0; a < h->n_also; a++) free(h->also[a].source);
    free(h->also);
}

void ds_results_free(ds_results *r)
{
    for (size_t i = 0; i < r->count; i++) free_hit(&r->hits[i]);
    free(r->hits);
    free(r->parsed);
    free(r->corrected);
    free(r->stopped);
    for (size_t i = 0; i < r->n_wildcards; i++) free(r->wildcards[i]);
    free(r->wildcards);
    memset(r, 0, sizeof *r);
}
