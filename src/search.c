/* search.c — see search.h.  Prefixes come from schema.h, so queries are
 * analysed exactly as the index was built; BM25 settings from ranking.h. */
#include "search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ranking.h"
#include "record.h"
#include "schema.h"
#include "stopwords.h"
#include "store.h"
#include "text.h"
#include "util.h"

/* An index of at most this many passages has every match examined, so its
 * totals are exact ("1-10 of 45").  A larger one is left to Xapian's
 * estimate ("about N"): examining even 1,000 matches cost up to half the
 * time of common-word and phrase queries on 250k passages, and 100 still
 * 3-5% on 32k (bench/README.md). */
#define EXACT_TOTALS_UP_TO 20000

struct ds_searcher {
    char *index_dir;
    ds_store_gen gen;       /* the generation opened (ds_searcher_refresh) */
    int has_groups;         /* the index holds near-copy groups */
    unsigned check_at_least;    /* see EXACT_TOTALS_UP_TO */
    ds_analyzer *analyzer;
    char *synonyms_text;    /* as stored; parsed when a hit needs it */
    ds_synonyms *synonyms;
    ds_bm25 bm25;
    double avg_length;      /* see load_lengths() */
    unsigned feedback_docs, feedback_terms;  /* see load_feedback() */
    double feedback_weight;
    dsx_db *db;
    ds_buf indexed_text;    /* see indexed_text() */
    ds_indexed_text fields; /* the same */
};

/* "index ... is damaged": DS_ERR_DAMAGED, naming the index and `what`. */
static ds_status damaged(char **err, const char *index_dir, const char *what)
{
    return ds_fail(err, DS_ERR_DAMAGED,
                   "index '%s' is damaged or not a dealsearch index: %s — "
                   "run 'dealsearch index' to rebuild", index_dir, what);
}

/* Read metadata `key` into *value (malloc'd); a failure is damage. */
static ds_status metadata(ds_searcher *s, const char *key, char **value,
                          char **err)
{
    char *why = NULL;
    ds_status st = dsx_db_get_metadata(s->db, key, value, &why);
    if (st != DS_OK) st = damaged(err, s->index_dir, why);
    free(why);
    return st;
}

/* Check the index was built with this program's format and analysis. */
static ds_status check_compatible(ds_searcher *s, char **err)
{
    char *format = NULL, *analysis = NULL;
    ds_status st = metadata(s, DS_META_FORMAT, &format, err);
    if (st == DS_OK) st = metadata(s, DS_META_ANALYSIS, &analysis, err);
    if (st == DS_OK && format[0] == '\0')
        st = damaged(err, s->index_dir, "no dealsearch format version");
    else if (st == DS_OK && (strcmp(format, DS_INDEX_FORMAT) != 0 ||
                             strcmp(analysis, DS_ANALYSIS_DESCRIPTION) != 0))
        st = ds_fail(err, DS_ERR_VERSION,
                     "index '%s' was built by another version of dealsearch "
                     "(format %s, analysis '%s') — run 'dealsearch index' to "
                     "rebuild", s->index_dir, format, analysis);
    free(format);
    free(analysis);
    return st;
}

/* Feedback settings: the shipped ones, or for relevance experiments
 * DEALSEARCH_FEEDBACK = "docs,terms,weight". */
static ds_status load_feedback(ds_searcher *s, char **err)
{
    const char *env = getenv("DEALSEARCH_FEEDBACK");
    s->feedback_docs = DS_FEEDBACK_DOCS;
    s->feedback_terms = DS_FEEDBACK_TERMS;
    s->feedback_weight = DS_FEEDBACK_WEIGHT;
    char end;
    if (env && sscanf(env, "%u,%u,%lf%c", &s->feedback_docs,
                      &s->feedback_terms, &s->feedback_weight, &end) != 3)
        return ds_fail(err, DS_ERR_USAGE,
                       "DEALSEARCH_FEEDBACK is '%s'; it takes three numbers: "
                       "docs,terms,weight", env);
    return DS_OK;
}

/* Whether the build found near-copies (worth collapsing on), and how many
 * matches to examine. */
static ds_status load_groups(ds_searcher *s, char **err)
{
    char *groups = NULL, *why = NULL;
    ds_status st = metadata(s, DS_META_GROUPS, &groups, err);
    if (st != DS_OK) return st;
    s->has_groups = strtoul(groups, NULL, 10) > 0;
    free(groups);
    unsigned long passages = 0;
    if (dsx_db_doc_count(s->db, &passages, &why) != DS_OK)
        st = damaged(err, s->index_dir, why);
    free(why);
    s->check_at_least =
        passages <= EXACT_TOTALS_UP_TO ? (unsigned)passages : 0;
    return st;
}

/* The length normalisation the passages were written with: BM25's b and
 * min_normlen are the index's (ranking.h). */
static ds_status load_lengths(ds_searcher *s, char **err)
{
    char *text = NULL;
    ds_status st = metadata(s, DS_META_LENGTHS, &text, err);
    if (st != DS_OK) return st;
    dsx_length_norm norm;
    st = ds_length_norm_parse(text, &norm);
    free(text);
    if (st != DS_OK) return damaged(err, s->index_dir, "no length normalisation");
    s->bm25.b = norm.b;
    s->bm25.min_normlen = norm.min_normlen;
    s->bm25.k2 = 0; /* it needs document lengths */
    s->avg_length = norm.avg_length;
    dsx_db_set_bm25(s->db, &s->bm25);
    dsx_db_set_length_norm(s->db, &norm);
    return DS_OK;
}

/* Parse the synonym groups, the first time a hit matched one (analysing
 * them costs more than most searches). */
static ds_status parse_synonyms(ds_searcher *s, char **err)
{
    if (s->synonyms || !s->synonyms_text[0]) return DS_OK;
    char *why = NULL;
    ds_status st = ds_synonyms_parse(s->analyzer, s->synonyms_text,
                                     "synonyms", &s->synonyms, &why);
    if (st != DS_OK) st = damaged(err, s->index_dir, why);
    free(why);
    return st;
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

/* Is the index's generation as its build left it?  Files changed since
 * the build mean damage — unless there is no manifest at all and the
 * format says the index is just older. */
static ds_status verify(ds_searcher *s, char **err)
{
    char *why = NULL;
    ds_status st = ds_store_verify(s->index_dir, &why);
    if (st == DS_OK || st == DS_ERR_VERSION) {
        ds_status compatible = check_compatible(s, err);
        if (compatible != DS_OK) st = compatible;
        else if (st != DS_OK) st = damaged(err, s->index_dir, why);
    } else {
        st = damaged(err, s->index_dir, why);
    }
    free(why);
    return st;
}

/* Open the served generation's database and set the parser up as the
 * index was built (schema.h). */
static ds_status open_db(ds_searcher *s, char **err)
{
    char *path = ds_store_current_path(s->index_dir), *why = NULL;
    ds_status st = dsx_db_open(path, ds_analyzer_stemmer(s->analyzer),
                               &s->db, &why);
    free(path);
    if (st == DS_OK && !getenv("DEALSEARCH_NO_STOPWORDS")) /* experiments */
        st = dsx_db_set_stopwords(s->db, ds_stopwords, ds_n_stopwords, &why);
    if (st == DS_OK)
        st = dsx_db_add_boolean_prefix(s->db, DS_FIELD_SOURCE,
                                       DS_PREFIX_SOURCE, &why);
    if (st == DS_OK)
        st = dsx_db_add_prefix(s->db, DS_FIELD_TITLE, DS_PREFIX_TITLE, &why);
    if (st == DS_OK)
        st = dsx_db_add_prefix(s->db, DS_FIELD_HEADING, DS_PREFIX_HEADING,
                               &why);
    if (st == DS_OK)
        st = dsx_db_add_date_range(s->db, DS_SLOT_DATE, DS_FIELD_DATE, &why);
    if (st != DS_OK) st = damaged(err, s->index_dir, why);
    free(why);
    return st;
}

static ds_searcher *searcher_new(const char *index_dir)
{
    ds_searcher *s = ds_xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->index_dir = ds_xstrdup(index_dir);
    s->analyzer = ds_analyzer_new();
    ds_buf_init(&s->indexed_text);
    return s;
}

ds_status ds_searcher_open(const char *index_dir, ds_searcher **out,
                           char **err)
{
    *out = NULL;
    ds_status st = ds_store_find(index_dir, err);
    if (st != DS_OK) return st;
    ds_searcher *s = searcher_new(index_dir);
    /* Before opening: a swap in between then only costs a needless
     * reopen at the next refresh, never a missed one. */
    st = ds_store_current_gen(index_dir, &s->gen, err);
    if (st == DS_OK && !s->analyzer)
        st = ds_fail(err, DS_ERR_INTERNAL, "libstemmer has no English stemmer");
    if (st == DS_OK) st = ds_bm25_settings(&s->bm25, err);
    if (st == DS_OK) st = load_feedback(s, err);
    if (st == DS_OK) st = open_db(s, err);
    if (st == DS_OK) st = verify(s, err);
    if (st == DS_OK) st = load_lengths(s, err);
    if (st == DS_OK) st = metadata(s, DS_META_SYNONYMS, &s->synonyms_text, err);
    if (st == DS_OK) st = load_groups(s, err);
    if (st != DS_OK) {
        ds_searcher_close(s);
        return st;
    }
    *out = s;
    return DS_OK;
}

void ds_searcher_close(ds_searcher *s)
{
    if (!s) return;
    dsx_db_destroy(s->db);
    ds_synonyms_free(s->synonyms);
    free(s->synonyms_text);
    ds_analyzer_free(s->analyzer);
    ds_buf_free(&s->indexed_text);
    ds_indexed_text_free(&s->fields);
    free(s->index_dir);
    free(s);
}

void ds_search_options_init(ds_search_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->limit = 10;
}

/* ---- Spelling correction ---- */

typedef struct {
    ds_searcher *searcher;
    const char *query;
    size_t len;
    ds_buf out;      /* the corrected query so far */
    size_t copied;   /* bytes of `query` already in `out` */
    int changed;
    ds_status status;
    char *error;
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

static ds_status stem_exists(ds_searcher *s, const char *word, size_t len,
                             int *exists, char **err)
{
    size_t stem_len;
    const char *stem = ds_analyzer_stem(s->analyzer, word, len, &stem_len);
    char *term = ds_xstrndup(stem, stem_len);
    ds_status st = dsx_db_term_exists(s->db, term, exists, err);
    free(term);
    return st;
}

/* Replace the word if the index lacks it and knows one close to it. */
static ds_status correct(correction *c, const ds_token *tok, char **err)
{
    ds_searcher *s = c->searcher;
    int exists = 1;
    ds_status st = stem_exists(s, tok->term, tok->term_len, &exists, err);
    if (st != DS_OK || exists) return st;
    char *word = ds_xstrndup(tok->term, tok->term_len), *suggestion = NULL;
    st = dsx_db_spelling_suggestion(s->db, word, &suggestion, err);
    if (st == DS_OK && suggestion[0])
        st = stem_exists(s, suggestion, strlen(suggestion), &exists, err);
    if (st == DS_OK && suggestion[0] && exists) {
        ds_buf_append(&c->out, c->query + c->copied, tok->start - c->copied);
        ds_buf_puts(&c->out, suggestion);
        c->copied = tok->end;
        c->changed = 1;
    }
    free(suggestion);
    free(word);
    return st;
}

static int correct_word(void *ctx, const ds_token *tok)
{
    correction *c = ctx;
    if (skip_word(c, tok)) return 0;
    c->status = correct(c, tok, &c->error);
    return c->status != DS_OK;
}

/* *corrected: the query with each word that the index lacks, but that is
 * close to an indexed word, replaced by that word; NULL when nothing
 * changed. */
static ds_status correct_spelling(ds_searcher *s, const char *query,
                                  char **corrected, char **err)
{
    correction c = {s, query, strlen(query), {0}, 0, 0, DS_OK, NULL};
    ds_tokenize(query, c.len, correct_word, &c);
    *corrected = NULL;
    if (c.status != DS_OK) {
        damaged(err, s->index_dir, c.error);
        free(c.error);
        ds_buf_free(&c.out);
        return DS_ERR_DAMAGED;
    }
    if (c.changed) {
        ds_buf_append(&c.out, query + c.copied, c.len - c.copied);
        *corrected = ds_buf_steal(&c.out);
    }
    ds_buf_free(&c.out);
    return DS_OK;
}

/* ---- Running a query ---- */

/* Decode the hits of `res` into `out`. */
static ds_status collect_hits(ds_searcher *s, const dsx_results *res,
                              ds_results *out, char **err)
{
    size_t n = dsx_results_size(res);
    out->hits = ds_xmalloc((n ? n : 1) * sizeof *out->hits);
    for (size_t i = 0; i < n; i++) {
        dsx_hit h;
        dsx_results_hit(res, i, &h);
        ds_hit *hit = &out->hits[out->count];
        memset(hit, 0, sizeof *hit);
        if (ds_record_decode(h.data, h.data_len, &hit->record) != DS_OK)
            return damaged(err, s->index_dir,
                           "a passage record is unreadable");
        out->count++;
        hit->score = h.score;
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
    dsx_results_total(res, &out->info.total, &lower, &upper);
    out->info.total_exact = lower == upper;
    return DS_OK;
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

/* Parse `query`, noting in `out` how it was read. */
static ds_status parse(ds_searcher *s, const char *query, unsigned flags,
                       ds_results *out, dsx_query **q, char **err)
{
    char *why = NULL;
    ds_status st = dsx_db_parse_query(s->db, query, flags, q, &why);
    if (st != DS_OK) {
        char *shown = printable_query(query);
        ds_fail(err, st, "query '%s': %s", shown, why);
        free(shown);
        free(why);
        return st;
    }
    free(out->parsed);
    out->parsed = ds_xstrdup(dsx_query_describe(*q));
    out->info.relaxed_syntax = dsx_query_was_relaxed(*q);
    free(out->stopped);
    out->stopped = ds_xstrdup(dsx_query_stopped(*q));
    return DS_OK;
}

static ds_status run(ds_searcher *s, const dsx_query *q,
                     const dsx_search_params *params, dsx_results **res,
                     char **err)
{
    char *why = NULL;
    ds_status st = dsx_db_search(s->db, q, params, res, &why);
    if (st != DS_OK) st = damaged(err, s->index_dir, why);
    free(why);
    return st;
}

/* Whether near-copies are shown once (see group_hits). */
static int grouping(const ds_searcher *s, const ds_search_options *opt)
{
    return s->has_groups && !opt->all && !opt->one_per_source;
}

/* For feedback (the index keeps no termlists): the words a passage's
 * record was indexed from — its fields (schema.h) that are indexed as
 * words, each normalised.  Field terms are not needed: feedback only
 * learns plain words. */
static size_t indexed_text(void *ctx, const char *data, size_t len,
                           const char **text)
{
    ds_searcher *s = ctx;
    ds_record rec;
    if (ds_record_decode(data, len, &rec) != DS_OK) return 0;
    ds_indexed_text_set(&s->fields, rec.heading, rec.text, rec.text_len,
                        rec.title, rec.title_in_text);
    ds_record_free(&rec);
    ds_field fields[DS_MAX_FIELDS];
    size_t n = ds_indexed_fields(&s->fields, fields);
    ds_buf *out = &s->indexed_text;
    ds_buf_clear(out);
    for (size_t i = 0; i < n; i++) {
        if (fields[i].prefix[0]) continue;
        ds_buf_append(out, fields[i].text->data, fields[i].text->len);
        ds_buf_putc(out, '\n');
    }
    *text = out->data;
    return out->len;
}

/* The search parameters for `opt`, fetching the first `window` hits when
 * grouping (group_hits picks from them), else just the page asked for.
 * One hit per source is Xapian's collapse, for TREC runs. */
static dsx_search_params params_for(ds_searcher *s,
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
        .indexed_text_ctx = s};
    if (opt->feedback) {
        p.expand_docs = s->feedback_docs;
        p.expand_terms = s->feedback_terms;
        p.expand_weight = s->feedback_weight;
    }
    return p;
}

/* When no passage has every word, count those with any of them, so the
 * user can be told to try --any — unless the query means the same either
 * way (a single word, explicit operators). */
static ds_status count_any(ds_searcher *s, const char *query, unsigned flags,
                           ds_results *out, char **err)
{
    char *all_parsed = out->parsed;
    out->parsed = NULL;
    dsx_query *q = NULL;
    dsx_results *any = NULL;
    dsx_search_params count_only = {.check_at_least = s->check_at_least,
                                    .collapse_slot = -1,
                                    .data_slot = DS_SLOT_RECORD};
    ds_status st = parse(s, query, flags | DSX_QUERY_MATCH_ANY, out, &q, err);
    if (st == DS_OK && !dsx_query_is_empty(q) &&
        strcmp(all_parsed, out->parsed) != 0 &&
        (st = run(s, q, &count_only, &any, err)) == DS_OK) {
        unsigned long lower, upper;
        dsx_results_total(any, &out->info.total_if_any, &lower, &upper);
    }
    dsx_results_destroy(any);
    dsx_query_destroy(q);
    free(out->parsed);
    out->parsed = all_parsed;
    return st;
}

static void free_hit(ds_hit *h)
{
    ds_record_free(&h->record);
    for (size_t t = 0; t < h->n_terms; t++) free(h->terms[t]);
    free(h->terms);
    for (size_t p = 0; p < h->n_parts; p++) free(h->parts[p].label);
    free(h->parts);
    for (size_t a = 0; a < h->n_also; a++) free(h->also[a].source);
    free(h->also);
}

/* Fold hit `h` into `best`, the better hit of its near-copy group. */
static void fold_into(ds_hit *best, ds_hit *h)
{
    if (best->n_also < DS_MAX_ALSO) {
        best->also = ds_xrealloc(best->also,
                                 (best->n_also + 1) * sizeof *best->also);
        best->also[best->n_also].source = h->record.source;
        best->also[best->n_also++].passage = h->record.passage;
        h->record.source = NULL;
    }
    best->collapsed++;
    free_hit(h);
}

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
        unsigned long group = h->record.group;
        size_t j = 0;
        while (group && j < kept && out->hits[j].record.group != group) j++;
        if (!group || j == kept) {
            out->hits[kept++] = *h;
        } else {
            fold_into(&out->hits[j], h);
            hidden++;
        }
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

static void free_hits(ds_results *out)
{
    for (size_t i = 0; i < out->count; i++) free_hit(&out->hits[i]);
    free(out->hits);
    out->hits = NULL;
    out->count = 0;
}

/* Run `q` and fill `out` with the page `opt` asks for.  When grouping,
 * fetch a window of the best hits large enough that the page, after
 * folding near-copies, is full or the matches have run out: a few more
 * than the page at first (every hit fetched costs, and a smaller top-N
 * lets Xapian skip more), four times as many each time that falls short. */
static ds_status fetch(ds_searcher *s, const dsx_query *q,
                       const ds_search_options *opt, ds_results *out,
                       char **err)
{
    unsigned want = opt->offset + opt->limit;
    unsigned window = want + want / 4 + 2;
    for (;;) {
        dsx_search_params params = params_for(s, opt, window);
        dsx_results *res = NULL;
        ds_status st = run(s, q, &params, &res, err);
        if (st == DS_OK) st = collect_hits(s, res, out, err);
        dsx_results_destroy(res);
        if (st != DS_OK || !grouping(s, opt)) return st;
        size_t fetched = out->count;
        size_t hidden = group_hits(out, opt);
        int exhausted = fetched < window;
        if (exhausted || out->count == opt->limit || window >= 100000) {
            /* Folded copies are not separate matches. */
            ds_results_info *info = &out->info;
            info->total = info->total > hidden ? info->total - hidden : 0;
            info->total_exact = info->total_exact && exhausted;
            return DS_OK;
        }
        /* Too many copies for a full page: try a larger window. */
        free_hits(out);
        window *= 4;
    }
}

static int is_blank_query(const char *q)
{
    for (; *q; q++)
        if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r') return 0;
    return 1;
}

/* Refuse what cannot be a query, naming it. */
static ds_status check_query(const char *query, char **err)
{
    size_t len = strlen(query);
    if (len > DS_MAX_QUERY_BYTES)
        return ds_fail(err, DS_ERR_QUERY, "query is %zu bytes; the limit is %d",
                       len, DS_MAX_QUERY_BYTES);
    if (is_blank_query(query))
        return ds_fail(err, DS_ERR_QUERY, "empty query");
    return DS_OK;
}

/* What the results say besides their hits, once they are complete. */
static void fill_info(ds_searcher *s, const ds_search_options *opt,
                      ds_results *out)
{
    ds_results_info *info = &out->info;
    info->query = out->query;
    info->corrected = out->corrected;
    info->parsed = out->parsed;
    info->stopped = out->stopped;
    info->options = *opt;
    info->bm25 = s->bm25;
    info->avg_length = s->avg_length;
    out->analyzer = s->analyzer;
    out->synonyms = s->synonyms;
}

/* Parse and run the text, as `searched`, into `out`. */
static ds_status search_text(ds_searcher *s, const ds_search_options *opt,
                             ds_results *out, char **err)
{
    const char *text = out->searched;
    unsigned flags = (opt->match_any ? DSX_QUERY_MATCH_ANY : 0) |
                     (opt->plain ? DSX_QUERY_PLAIN : 0) |
                     (opt->no_synonyms ? 0 : DSX_QUERY_SYNONYMS);
    dsx_query *q = NULL;
    ds_status st = parse(s, text, flags, out, &q, err);
    if (st == DS_OK && dsx_query_is_empty(q)) {
        char *shown = printable_query(out->query);
        st = ds_fail(err, DS_ERR_QUERY, "query '%s' has no searchable words",
                     shown);
        free(shown);
    }
    if (st == DS_OK) st = fetch(s, q, opt, out, err);
    if (st == DS_OK && out->info.total == 0 && !opt->match_any)
        st = count_any(s, text, flags, out, err);
    dsx_query_destroy(q);
    if (st == DS_OK && matched_a_synonym_group(out))
        st = parse_synonyms(s, err);
    return st;
}

ds_status ds_search(ds_searcher *s, const char *query,
                    const ds_search_options *opt, ds_results **result,
                    char **err)
{
    *result = NULL;
    ds_status st = check_query(query, err);
    if (st != DS_OK) return st;
    ds_results *out = ds_xmalloc(sizeof *out);
    memset(out, 0, sizeof *out);
    out->query = ds_xstrdup(query);
    /* Match typographic variants as the index does: “Meta’s stake” is a
     * phrase, like "Meta's stake". */
    ds_buf normalized;
    ds_buf_init(&normalized);
    ds_normalize(query, strlen(query), &normalized);
    out->searched = ds_buf_steal(&normalized);
    if (!opt->exact)
        st = correct_spelling(s, out->searched, &out->corrected, err);
    if (st == DS_OK && out->corrected) {
        free(out->searched);
        out->searched = ds_xstrdup(out->corrected);
    }
    if (st == DS_OK) st = search_text(s, opt, out, err);
    if (st != DS_OK) {
        ds_results_free(out);
        return st;
    }
    fill_info(s, opt, out);
    *result = out;
    return DS_OK;
}

void ds_results_free(ds_results *r)
{
    if (!r) return;
    free_hits(r);
    free(r->query);
    free(r->searched);
    free(r->parsed);
    free(r->corrected);
    free(r->stopped);
    free(r);
}

const ds_results_info *ds_results_get_info(const ds_results *r)
{
    return &r->info;
}

size_t ds_results_count(const ds_results *r)
{
    return r->count;
}

const ds_hit *ds_results_hit(const ds_results *r, size_t i)
{
    return &r->hits[i];
}

/* ---- A searcher kept open (serving) ---- */

ds_status ds_searcher_refresh(ds_searcher *s, int *reopened, char **err)
{
    if (reopened) *reopened = 0;
    ds_store_gen now;
    ds_status st = ds_store_current_gen(s->index_dir, &now, err);
    if (st != DS_OK || (now.dev == s->gen.dev && now.ino == s->gen.ino))
        return st;
    ds_searcher *fresh = NULL;
    st = ds_searcher_open(s->index_dir, &fresh, err);
    if (st != DS_OK) return st;
    /* The caller's handle stays valid: it takes the fresh contents, and
     * the old ones are closed. */
    ds_searcher old = *s;
    *s = *fresh;
    *fresh = old;
    ds_searcher_close(fresh);
    if (reopened) *reopened = 1;
    return DS_OK;
}

dsx_db *ds_searcher_db(ds_searcher *s)
{
    return s->db;
}

const char *ds_searcher_index_dir(const ds_searcher *s)
{
    return s->index_dir;
}

unsigned long ds_searcher_generation(const ds_searcher *s)
{
    return s->gen.number;
}
