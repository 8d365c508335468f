/* search.c — see search.h.  Prefixes come from schema.h, so queries are
 * analysed exactly as the index was built; ranking settings from ranking.h. */
#include "search.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "follow.h"
#include "layout.h"
#include "query.h"
#include "ranking.h"
#include "record.h"
#include "schema.h"
#include "stopwords.h"
#include "store.h"
#include "text.h"
#include "util.h"

/* A search's matches are counted, as the page's search ranks them, up to
 * this many: a total up to it is exact, a larger one estimated from where
 * the last one counted was (see count()).  The bound was chosen from its cost
 * and the estimates' error on the benchmark's 200 queries
 * (bench/RELEVANCE.md, "Counts"); DEALSEARCH_COUNT_AT_LEAST overrides it
 * for such experiments. */
#define DS_COUNT_AT_LEAST 500

/* With near-copies collapsed, a total of up to this many matches is
 * given with the copies folded; a larger one counts them in ("about"),
 * and is not widened with typo variants (find()). */
#define DS_COUNT_COLLAPSED 200

struct ds_searcher {
    char *index_dir;        /* an index folder, or a stub file */
    int stub;               /* index_dir is a stub file: no generations */
    ds_generation gen;      /* the generation searched, held (store.h);
                               for a stub, its path */
    int combined;           /* several databases (layout.h) */
    ds_searcher_options options;
    ds_store_gen served;    /* its identity (ds_searcher_refresh) */
    ds_layout layout;       /* what the database was opened from */
    ds_follow follow;       /* a stub's: what changed since (follow.h) */
    int has_groups;         /* the index holds near-copy groups */
    int has_dates;          /* some passage has a date */
    ds_analyzer *analyzer;
    char *synonyms_text;    /* as stored; parsed when a hit needs it */
    ds_synonyms *synonyms;
    ds_ranking ranking;     /* as the index was built: see load_lengths() */
    ds_proximity proximity;
    double avg_length;      /* see load_lengths() */
    ds_fact_rarity rarity;  /* how rare words are, for facts (facts.h): the
                               stems file's counts; see load_lengths() */
    unsigned feedback_docs, feedback_terms;  /* see load_feedback() */
    double feedback_weight;
    unsigned count_at_least;  /* DS_COUNT_AT_LEAST */
    dsx_db *db;
    ds_spelling *spelling;
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

/* A failure of the database while opening or searching: a shard that
 * cannot be reached (DS_ERR_IO from a database of several, the message
 * naming it) is reported as such; anything else is damage. */
static ds_status failed(const ds_searcher *s, ds_status st, const char *why,
                        char **err)
{
    if (st == DS_ERR_IO && s->combined)
        return ds_fail(err, st, "index '%s': %s", s->index_dir, why);
    return damaged(err, s->index_dir, why);
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

/* How many matches a search examines (DS_COUNT_AT_LEAST), or for
 * experiments DEALSEARCH_COUNT_AT_LEAST. */
static ds_status load_count_bound(ds_searcher *s, char **err)
{
    const char *env = getenv("DEALSEARCH_COUNT_AT_LEAST");
    char end;
    s->count_at_least = DS_COUNT_AT_LEAST;
    if (env && sscanf(env, "%u%c", &s->count_at_least, &end) != 1)
        return ds_fail(err, DS_ERR_USAGE,
                       "DEALSEARCH_COUNT_AT_LEAST is '%s'; it takes a number",
                       env);
    return DS_OK;
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

/* Whether the build found near-copies (worth collapsing on), and dated
 * passages. */
static ds_status load_counts(ds_searcher *s, char **err)
{
    char *groups = NULL, *dated = NULL;
    ds_status st = metadata(s, DS_META_GROUPS, &groups, err);
    if (st == DS_OK) st = metadata(s, DS_META_DATED, &dated, err);
    if (st == DS_OK) {
        s->has_groups = strtoul(groups, NULL, 10) > 0;
        s->has_dates = strtoul(dated, NULL, 10) > 0;
    }
    free(groups);
    free(dated);
    return st;
}

/* The length normalisation the passages were written with (ranking.h). */
/* How often the words of `term` occur in the index: the stems file
 * counts them (dsx_search_params.collection_freq, ds_fact_rarity). */
static unsigned long collection_freq(void *ctx, const char *term, size_t len)
{
    return ds_spelling_stem_freq(ctx, term, len);
}

static ds_status load_lengths(ds_searcher *s, char **err)
{
    char *text = NULL;
    ds_status st = metadata(s, DS_META_LENGTHS, &text, err);
    if (st != DS_OK) return st;
    dsx_length_norm norm;
    st = ds_length_norm_parse(text, &norm);
    free(text);
    if (st != DS_OK) return damaged(err, s->index_dir, "no length normalisation");
    s->ranking.c = norm.c;
    s->avg_length = norm.avg_length;
    dsx_db_set_length_norm(s->db, &norm);
    unsigned long docs;
    st = dsx_db_doc_count(s->db, &docs, err);
    s->rarity = (ds_fact_rarity){collection_freq, s->spelling,
                                 (double)docs * norm.avg_length};
    return st;
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

/* Parse the synonym groups if one of the n hits matched one: its
 * highlighting and its fact read the group's words. */
static ds_status groups_for(ds_searcher *s, const ds_hit *hits, size_t n,
                            char **err)
{
    size_t len = strlen(DS_SYNONYM_PREFIX);
    for (size_t i = 0; i < n; i++)
        for (size_t t = 0; t < hits[i].n_terms; t++)
            if (strncmp(hits[i].terms[t], DS_SYNONYM_PREFIX, len) == 0)
                return parse_synonyms(s, err);
    return DS_OK;
}

/* Is the index's generation as its build left it?  Files changed since
 * the build mean damage — unless there is no manifest at all and the
 * format says the index is just older. */
static ds_status verify(ds_searcher *s, char **err)
{
    /* A stub written by hand names databases that may be elsewhere: what
     * they hold is their servers' business. */
    if (s->stub) return check_compatible(s, err);
    char *why = NULL;
    unsigned long revision = 0; /* a sharded generation's (store.h) */
    ds_status st = s->combined ? DS_OK
                               : dsx_db_revision(s->db, &revision, &why);
    if (st == DS_OK) st = ds_store_verify(s->gen.path, revision, 0, &why);
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

/* What the database to open is made of (layout.h): its head, the first,
 * must be local, as Xapian reads spelling and synonyms only from local
 * databases (and our vocabulary file lies beside the head).  Free *l
 * with ds_layout_free, also after a failure. */
static ds_status read_layout(ds_searcher *s, ds_layout *l, char **err)
{
    char *why = NULL;
    ds_status st = ds_layout_read(s->gen.path, l, &why);
    if (st != DS_OK) {
        st = ds_fail(err, st, "index '%s': %s", s->index_dir, why);
    } else if (l->dbs[0].remote) {
        st = ds_fail(err, DS_ERR_USAGE,
                     "index '%s': its first database (%s) is remote; the "
                     "head database must be local (copy INDEX/current/"
                     DS_LAYOUT_HEAD " here and list it first)",
                     s->index_dir, l->dbs[0].where);
    } else {
        s->combined = l->n > 1;
    }
    free(why);
    return st;
}

/* The database: one, or the layout's several, opened one by one so that
 * remote ones get the searcher's timeouts (and may be left out). */
static ds_status open_layout(ds_searcher *s, const ds_layout *l, char **why)
{
    const dsx_stemmer *stemmer = ds_analyzer_stemmer(s->analyzer);
    if (!s->combined) return dsx_db_open(s->gen.path, stemmer, &s->db, why);
    const char **parts = ds_xmalloc(l->n * sizeof *parts);
    for (size_t i = 0; i < l->n; i++) parts[i] = l->dbs[i].where;
    const ds_searcher_options *o = &s->options;
    dsx_remote_options remote = {(unsigned)(o->connect_timeout * 1000 + 0.5),
                                 (unsigned)(o->timeout * 1000 + 0.5),
                                 o->partial};
    ds_status st = dsx_db_open_parts(parts, l->n, &remote, stemmer, &s->db,
                                     why);
    free(parts);
    return st;
}

/* Hold an update's commits off (store.h) while the databases are opened
 * or compared, so that they are seen as an update left them, not between
 * the commits of its databases: a sharded generation's, and a stub's when
 * its head lies in one (`auto INDEX/current/head`) and every database is
 * local.  Not with remote ones: a connection that hangs would hold the
 * update's commits; opened between the head's commit and a shard's, they
 * are caught up at the next check (follow.h).  The lock's descriptor for
 * ds_store_unlock, or -1. */
static int lock_commits(const ds_searcher *s)
{
    if (!s->combined) return -1;
    if (!s->stub) return ds_store_lock_commit(s->gen.path, 0, 0);
    for (size_t i = 0; i < s->layout.n; i++)
        if (s->layout.dbs[i].remote) return -1;
    const char *head = s->layout.dbs[0].where;
    const char *slash = strrchr(head, '/');
    char *gen = slash ? ds_xstrndup(head, (size_t)(slash - head))
                      : ds_xstrdup(".");
    int fd = ds_store_lock_commit(gen, 0, 0);
    free(gen);
    return fd;
}

/* Open the served generation's database (or the stub's databases) and set
 * the parser up as the index was built (schema.h). */
static ds_status open_db(ds_searcher *s, char **err)
{
    char *why = NULL;
    if (s->stub) {
        s->gen.path = ds_xstrdup(s->index_dir);
        s->gen.fd = -1;
    } else {
        ds_store_hold(s->index_dir, &s->gen);
    }
    ds_status st = read_layout(s, &s->layout, err);
    if (st != DS_OK) return st;
    int lock = lock_commits(s);
    st = open_layout(s, &s->layout, &why);
    ds_store_unlock(lock);
    if (st == DS_OK) {
        dsx_db_set_order_slot(s->db, DS_SLOT_ORDER);
        s->spelling = ds_spelling_new(s->db, s->layout.dbs[0].where,
                                      s->analyzer);
    }
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
        st = dsx_db_add_prefix(s->db, DS_FIELD_AUTHOR, DS_PREFIX_AUTHOR, &why);
    if (st == DS_OK)
        st = dsx_db_add_date_range(s->db, DS_SLOT_DATE, DS_FIELD_DATE, &why);
    if (st != DS_OK) st = failed(s, st, why, err);
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

void ds_searcher_options_init(ds_searcher_options *o)
{
    memset(o, 0, sizeof *o);
}

ds_status ds_searcher_open(const char *index_dir, ds_searcher **out,
                           char **err)
{
    return ds_searcher_open_with(index_dir, NULL, out, err);
}

ds_status ds_searcher_open_with(const char *index_dir,
                                const ds_searcher_options *options,
                                ds_searcher **out, char **err)
{
    *out = NULL;
    int stub = ds_layout_is_stub(index_dir);
    ds_status st = stub ? DS_OK : ds_store_find(index_dir, err);
    if (st != DS_OK) return st;
    ds_searcher *s = searcher_new(index_dir);
    s->stub = stub;
    if (options) s->options = *options;
    else ds_searcher_options_init(&s->options);
    /* Before opening: a swap in between then only costs a needless
     * reopen at the next refresh, never a missed one. */
    if (!stub) st = ds_store_current_gen(index_dir, &s->served, err);
    else st = ds_follow_init(&s->follow, err); /* compares what it opens */
    if (st == DS_OK && !s->analyzer)
        st = ds_fail(err, DS_ERR_INTERNAL, "libstemmer has no English stemmer");
    if (st == DS_OK) st = ds_proximity_settings(&s->proximity, err);
    if (st == DS_OK) st = load_feedback(s, err);
    if (st == DS_OK) st = load_count_bound(s, err);
    if (st == DS_OK) st = open_db(s, err);
    if (st == DS_OK) st = verify(s, err);
    if (st == DS_OK) st = load_lengths(s, err);
    if (st == DS_OK) st = metadata(s, DS_META_SYNONYMS, &s->synonyms_text, err);
    if (st == DS_OK) st = load_counts(s, err);
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
    ds_spelling_free(s->spelling);
    dsx_db_destroy(s->db);
    ds_layout_free(&s->layout);
    ds_follow_free(&s->follow);
    if (s->stub) free(s->gen.path);
    else ds_store_release(s->index_dir, &s->gen);
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

/* ---- Spelling ---- */

/* Check the spelling of `out->searched` (spelling.h): run the corrected
 * query instead when a correction applies, and keep the suggestions. */
static ds_status check_spelling(ds_searcher *s, const ds_search_options *opt,
                                ds_results *out, char **err)
{
    char *why = NULL;
    ds_status st = ds_spelling_check(s->spelling, out->searched, !opt->exact,
                                     &out->spelling, &why);
    if (st != DS_OK) {
        st = damaged(err, s->index_dir, why);
        free(why);
        return st;
    }
    if (out->spelling.corrected) {
        out->corrected = ds_xstrdup(out->spelling.corrected);
        free(out->searched);
        out->searched = ds_xstrdup(out->corrected);
    }
    const ds_spelling_report *r = &out->spelling;
    out->suggestions = ds_xmalloc((r->n_fixes + 1) * sizeof *out->suggestions);
    for (size_t i = 0; i < r->n_fixes; i++) {
        if (r->fixes[i].applied) continue;
        ds_suggestion *sg = &out->suggestions[out->n_suggestions++];
        sg->word = r->fixes[i].word;
        sg->suggestion = r->fixes[i].suggestion;
        sg->passages = r->fixes[i].passages;
    }
    return DS_OK;
}

/* ---- Running a query ---- */

/* Decode the loaded hit `i` of `res` into *hit (zero-initialised). */
static ds_status decode_hit(ds_searcher *s, const dsx_results *res, size_t i,
                            ds_hit *hit, char **err)
{
    dsx_hit h;
    dsx_results_hit(res, i, &h);
    if (!h.data || ds_record_decode(h.data, h.data_len, &hit->record) != DS_OK)
        return damaged(err, s->index_dir, "a passage record is unreadable");
    hit->score = h.score;
    hit->collapsed = h.collapsed;
    hit->terms = ds_xmalloc((h.n_terms ? h.n_terms : 1) * sizeof(char *));
    hit->n_terms = h.n_terms;
    for (size_t t = 0; t < h.n_terms; t++)
        hit->terms[t] = ds_xstrdup(h.terms[t]);
    hit->parts = ds_xmalloc((h.n_parts ? h.n_parts : 1) * sizeof *hit->parts);
    hit->n_parts = h.n_parts;
    for (size_t p = 0; p < h.n_parts; p++) {
        hit->parts[p].label = ds_xstrdup(h.parts[p].label);
        hit->parts[p].weight = h.parts[p].weight;
    }
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
    /* A ranked search reads how often each query word occurs (ranking.h);
     * counting does not. */
    ds_status st = params->count_only
                       ? DS_OK
                       : ds_spelling_load_stems(s->spelling, err);
    if (st != DS_OK) return st;
    char *why = NULL;
    st = dsx_db_search(s->db, q, params, res, &why);
    if (st != DS_OK) st = failed(s, st, why, err);
    free(why);
    return st;
}

/* Whether near-copies are shown once: collapsed on their group, the best
 * of each shown with where the others are. */
static int grouping(const ds_searcher *s, const ds_search_options *opt)
{
    return s->has_groups && !opt->all && !opt->one_per_source;
}

/* For feedback (the termlists' wdfs are normalised for length, not
 * counts): the words a passage's record was indexed from — its fields
 * (schema.h) that are indexed as words, each normalised.  Field terms
 * are not needed: feedback only learns plain words. */
static size_t indexed_text(void *ctx, const char *data, size_t len,
                           const char **text)
{
    ds_searcher *s = ctx;
    ds_record rec;
    if (ds_record_decode(data, len, &rec) != DS_OK) return 0;
    ds_indexed_text_set(&s->fields, rec.heading, rec.text, rec.text_len,
                        rec.title, rec.title_in_text, rec.author);
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

/* How many matches a search counts exactly (count()). */
static unsigned count_bound(const ds_searcher *s, const ds_search_options *opt)
{
    /* Counting all: Xapian examines no more documents than there are. */
    return opt->count_all ? UINT_MAX : s->count_at_least;
}

/* The search parameters for `opt`: the first `ranks` ranks, one per
 * near-copy group when grouping, or one per source for TREC runs; with
 * `counting`, the matches counted up to count_bound() in the same search
 * (count()). */
static dsx_search_params params_for(ds_searcher *s,
                                    const ds_search_options *opt,
                                    unsigned ranks, int counting)
{
    unsigned bound = counting ? count_bound(s, opt) : 0;
    dsx_search_params p = {
        .limit = ranks,
        .check_at_least = ranks > bound ? ranks : bound,
        .sample_at = bound,
        .collapse_slot = opt->one_per_source ? DS_SLOT_SOURCE
                         : grouping(s, opt) ? DS_SLOT_GROUP
                                            : -1,
        .ordered_weight = s->proximity.ordered,
        .unordered_weight = s->proximity.unordered,
        .window = s->proximity.window,
        .sort_by_value = opt->sort == DS_SORT_DATE,
        .sort_slot = DS_SLOT_DATE,
        .explain = opt->explain,
        .data_slot = DS_SLOT_RECORD,
        .indexed_text = indexed_text,
        .indexed_text_ctx = s,
        .collection_freq = collection_freq,
        .collection_freq_ctx = s->spelling};
    if (opt->feedback) {
        p.expand_docs = s->feedback_docs;
        p.expand_terms = s->feedback_terms;
        p.expand_weight = s->feedback_weight;
    }
    return p;
}

static void free_hit(ds_hit *h)
{
    ds_record_free(&h->record);
    for (size_t t = 0; t < h->n_terms; t++) free(h->terms[t]);
    free(h->terms);
    for (size_t p = 0; p < h->n_parts; p++) free(h->parts[p].label);
    free(h->parts);
    for (size_t a = 0; a < h->n_also; a++) {
        free(h->also[a].source);
        free(h->also[a].sentence);
    }
    free(h->also);
}

static void free_hits(ds_results *out)
{
    for (size_t i = 0; i < out->count; i++) free_hit(&out->hits[i]);
    free(out->hits);
    out->hits = NULL;
    out->count = 0;
}

/* Add to hit's `also` where else its near-copies (group `group`) that
 * match `q` are: the best of them, the hit itself left out, up to
 * DS_MAX_ALSO entries in all. */
static ds_status find_also(ds_searcher *s, const dsx_query *q, ds_hit *hit,
                           char **err)
{
    char term[32];
    snprintf(term, sizeof term, DS_PREFIX_GROUP "%lu", hit->record.group);
    dsx_query *members = NULL;
    dsx_results *res = NULL;
    dsx_search_params p = {.limit = DS_MAX_ALSO + 1, .collapse_slot = -1,
                           .data_slot = DS_SLOT_RECORD};
    const char *terms[] = {term};
    ds_status st = dsx_query_filter(q, terms, 1, &members, err);
    if (st == DS_OK) st = run(s, members, &p, &res, err);
    if (st == DS_OK) st = dsx_results_load(res, 0, p.limit, err);
    size_t n = st == DS_OK ? dsx_results_size(res) : 0;
    hit->also = ds_xrealloc(hit->also,
                            (hit->n_also + n + 1) * sizeof *hit->also);
    for (size_t i = 0; i < n && st == DS_OK; i++) {
        ds_hit other = {0};
        st = decode_hit(s, res, i, &other, err);
        int self = st == DS_OK &&
                   strcmp(other.record.source, hit->record.source) == 0 &&
                   other.record.passage == hit->record.passage;
        if (st == DS_OK) st = groups_for(s, &other, 1, err);
        if (st == DS_OK && !self && hit->n_also < DS_MAX_ALSO) {
            ds_also *a = &hit->also[hit->n_also++];
            a->source = other.record.source;
            a->passage = other.record.passage;
            a->sentence = ds_fact_sentence(
                s->analyzer, s->synonyms, other.record.text,
                other.record.text_len, other.terms, other.n_terms);
            other.record.source = NULL;
        }
        free_hit(&other);
    }
    dsx_results_destroy(res);
    dsx_query_destroy(members);
    return st;
}

/* How many passages a query matches. */
typedef struct {
    unsigned long total;
    int exact;
} tally;

/* Count the matches of `q` up to `at_least` without ranking them. */
static ds_status count_with(ds_searcher *s, const dsx_query *q,
                            const dsx_search_params *params,
                            unsigned at_least, dsx_counts *counts, char **err)
{
    dsx_search_params counting = *params;
    counting.offset = 0;
    counting.limit = 0;
    counting.collapse_slot = -1;
    counting.check_at_least = at_least;
    counting.sample_at = at_least;
    counting.explain = 0;
    counting.count_only = 1;
    dsx_results *res = NULL;
    ds_status st = run(s, q, &counting, &res, err);
    if (st == DS_OK) dsx_results_counts(res, counts);
    dsx_results_destroy(res);
    return st;
}

/* Whether `q` matches more passages than count() counts exactly, as
 * Xapian knows from its terms' frequencies alone (a common word, an OR):
 * then the total is an estimate whatever is counted, and the page's
 * search need not examine that many matches, which costs more than a
 * search that does not rank them (count()).  A failure says no: the
 * search that follows reports it. */
static int surely_many(ds_searcher *s, const dsx_query *q, unsigned bound)
{
    unsigned long least = 0;
    char *err = NULL;
    if (dsx_db_matches_at_least(s->db, q, &least, &err) != DS_OK) least = 0;
    free(err);
    return least >= bound;
}

/* The total of the search `res` made with `params` (params_for()), the
 * same whatever its ranks: exact up to the bound, else estimated from
 * where the bound-th match was (dsx_counts.sampled: Xapian's own estimates
 * of large totals were far off; bench/RELEVANCE.md, "Counts").  With
 * near-copies collapsed, a total of up to DS_COUNT_COLLAPSED matches has
 * them folded (exactly: dsx_counts.lower once every match was examined);
 * a larger one counts them in, so it is not exact.  When the search did
 * not count (surely_many()), a search that does not rank counts apart. */
static ds_status count(ds_searcher *s, const dsx_query *q,
                       const dsx_search_params *params,
                       const dsx_results *res, unsigned bound, int all,
                       tally *t, char **err)
{
    dsx_counts c;
    dsx_results_counts(res, &c);
    int collapse = params->collapse_slot >= 0;
    unsigned long collapsed = all ? ULONG_MAX : DS_COUNT_COLLAPSED;
    if (c.lower == c.upper && /* Xapian knows the total */
        c.estimate <= (collapse ? collapsed : bound - 1UL)) {
        *t = (tally){c.estimate, 1};
        return DS_OK;
    }
    ds_status st = DS_OK;
    int apart = params->sample_at == 0;
    /* Xapian knows how many match, near-copies counted in (a single
     * word: its frequency), and there are too many to count: counting
     * apart would stop at the bound with an estimate held to that
     * number. */
    if (apart && c.all_lower == c.all_upper && c.all_lower >= bound) {
        *t = (tally){c.all_lower, 0};
        return DS_OK;
    }
    if (apart) st = count_with(s, q, params, bound, &c, err);
    int every = c.seen < bound; /* every match was counted */
    if (collapse && every && c.seen <= collapsed && !apart)
        *t = (tally){c.lower, 1};
    else
        *t = (tally){every ? c.seen : c.sampled, every && !collapse};
    return st;
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
    dsx_search_params plain = {.collapse_slot = -1,
                               .data_slot = DS_SLOT_RECORD};
    dsx_counts c;
    ds_status st = parse(s, query, flags | DSX_QUERY_MATCH_ANY, out, &q, err);
    if (st == DS_OK && !dsx_query_is_empty(q) &&
        strcmp(all_parsed, out->parsed) != 0 &&
        (st = count_with(s, q, &plain, s->count_at_least, &c, err)) ==
            DS_OK)
        out->info.total_if_any =
            c.seen < s->count_at_least ? c.seen : c.sampled;
    dsx_query_destroy(q);
    free(out->parsed);
    out->parsed = all_parsed;
    return st;
}

/* Room for `n` more hits in `out`, zeroed. */
static void reserve_hits(ds_results *out, size_t n)
{
    out->hits = ds_xrealloc(out->hits, (out->count + n + 1) * sizeof *out->hits);
    memset(out->hits + out->count, 0, (n + 1) * sizeof *out->hits);
}

/* ---- Words spread over an article ----
 *
 * When no passage has every word of a query of plain words, an article
 * may: one passage names the people, another the event, the title a
 * third word.  The articles to look at are those holding the rarest word
 * (in a passage or the title); their passages holding any word are read
 * with the words each holds, and the articles holding all of them give
 * their passages, ranked by how many words each holds, then by score. */

/* Articles and their passages looked at, at most; a longer document
 * than DS_SPREAD_ARTICLE_PASSAGES passages is not one story. */
#define DS_SPREAD_ARTICLES 2000
#define DS_SPREAD_ARTICLE_PASSAGES 100
#define DS_SPREAD_PASSAGES 4000
#define DS_SPREAD_WORDS 16

typedef struct {
    ds_searcher *s;
    const char *text;
    char *stems[DS_SPREAD_WORDS];
    size_t n;
    int plain;           /* no syntax: only words */
} spread_words;

static int spread_word(void *ctx, const ds_token *tok)
{
    spread_words *w = ctx;
    const char *q = w->text;
    /* An operator or an excluded word (-word): not plain words. */
    size_t at = tok->start;
    if (ds_query_is_operator(q + at, tok->end - at) ||
        (at > 0 && q[at - 1] == '-' && (at == 1 || q[at - 2] == ' ')))
        w->plain = 0;
    if (!w->plain || ds_is_stopword(tok->term, tok->term_len))
        return !w->plain;
    size_t stem_len;
    const char *stem = ds_analyzer_stem(w->s->analyzer, tok->term,
                                        tok->term_len, &stem_len);
    for (size_t i = 0; i < w->n; i++)
        if (strlen(w->stems[i]) == stem_len &&
            memcmp(w->stems[i], stem, stem_len) == 0)
            return 0;
    if (w->n == DS_SPREAD_WORDS) { /* too many to look for: leave it */
        w->plain = 0;
        return 1;
    }
    w->stems[w->n++] = ds_xstrndup(stem, stem_len);
    return 0;
}

/* The distinct stems of the query's words, stopwords left out; none when
 * the query is not plain words (a phrase, a field, an operator). */
static void read_spread_words(ds_searcher *s, const char *text,
                              spread_words *w)
{
    *w = (spread_words){.s = s, .text = text, .plain = 1};
    if (strpbrk(text, "\"():*+")) w->plain = 0; /* phrase, field, ... */
    if (w->plain) ds_tokenize(text, strlen(text), spread_word, w);
    if (!w->plain || w->n < 2) {
        for (size_t i = 0; i < w->n; i++) free(w->stems[i]);
        w->n = 0;
    }
}

static void free_spread_words(spread_words *w)
{
    for (size_t i = 0; i < w->n; i++) free(w->stems[i]);
}

/* Run the query of any of `terms`, in the documents holding any of
 * `filter` (n_filter of them, or all documents) and matching none of
 * `shown` (n_shown queries), searched as `p` says; load every hit. */
static ds_status run_any(ds_searcher *s, char **terms, size_t n,
                         char **filter, size_t n_filter,
                         const dsx_query *const *shown, size_t n_shown,
                         dsx_search_params *p, dsx_results **res, char **err)
{
    dsx_query *q = NULL, *narrower = NULL;
    ds_status st = dsx_query_any_term((const char *const *)terms, n, &q, err);
    if (st == DS_OK && n_filter) {
        st = dsx_query_filter(q, (const char *const *)filter, n_filter,
                              &narrower, err);
        dsx_query_destroy(q);
        q = narrower;
    }
    for (size_t i = 0; i < n_shown && st == DS_OK; i++) {
        st = dsx_query_and_not(q, shown[i], &narrower, err);
        dsx_query_destroy(q);
        q = narrower;
    }
    if (st == DS_OK) st = run(s, q, p, res, err);
    if (st == DS_OK) st = dsx_results_load(*res, 0, dsx_results_size(*res), err);
    dsx_query_destroy(q);
    return st;
}

/* The source terms of the articles among `filter` (all when n_filter is
 * 0) holding the word `stem` in a passage or the title: at most `most`,
 * into *sources (malloc'd, *n of them), those of articles of at most
 * DS_SPREAD_ARTICLE_PASSAGES passages only. */
static ds_status articles_with(ds_searcher *s, char *stem, char **filter,
                               size_t n_filter, unsigned most,
                               char ***sources, size_t *n, char **err)
{
    char *terms[2] = {stem, ds_xasprintf(DS_PREFIX_TITLE "%s", stem)};
    dsx_search_params p = {.limit = most,
                           .check_at_least = most,
                           .collapse_slot = DS_SLOT_SOURCE,
                           .data_slot = DS_SLOT_SOURCE};
    dsx_results *res = NULL;
    ds_status st = run_any(s, terms, 2, filter, n_filter, NULL, 0, &p, &res,
                           err);
    size_t found = st == DS_OK ? dsx_results_size(res) : 0;
    *sources = ds_xmalloc((found + 1) * sizeof **sources);
    *n = 0;
    for (size_t i = 0; i < found && st == DS_OK; i++) {
        dsx_hit h;
        dsx_results_hit(res, i, &h);
        if (!h.data) continue;
        char *term = ds_xasprintf(DS_PREFIX_SOURCE "%.*s", (int)h.data_len,
                                  h.data);
        unsigned long passages = 0;
        st = n_filter ? DS_OK : dsx_db_term_freq(s->db, term, &passages, err);
        if (passages <= DS_SPREAD_ARTICLE_PASSAGES)
            (*sources)[(*n)++] = term;
        else
            free(term);
    }
    dsx_results_destroy(res);
    free(terms[1]);
    return st;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

/* The source terms of the articles holding every word of `w`, between
 * their title and passages: among those holding the rarest word (the
 * fewest to look at), those holding each of the others in turn. */
static ds_status whole_articles(ds_searcher *s, const spread_words *w,
                                char ***sources, size_t *n, char **err)
{
    size_t rarest = 0;
    unsigned long least = (unsigned long)-1;
    ds_status st = DS_OK;
    for (size_t i = 0; i < w->n && st == DS_OK; i++) {
        unsigned long f = 0;
        st = dsx_db_term_freq(s->db, w->stems[i], &f, err);
        if (st == DS_OK && f < least) least = f, rarest = i;
    }
    *sources = NULL;
    *n = 0;
    if (st == DS_OK)
        st = articles_with(s, w->stems[rarest], NULL, 0, DS_SPREAD_ARTICLES,
                           sources, n, err);
    for (size_t i = 0; i < w->n && st == DS_OK && *n; i++) {
        if (i == rarest) continue;
        char **holding = NULL;
        size_t n_holding = 0;
        st = articles_with(s, w->stems[i], *sources, *n, (unsigned)*n,
                           &holding, &n_holding, err);
        free_strings(*sources, *n);
        *sources = holding;
        *n = n_holding;
    }
    return st;
}

/* Which of the words of `w` are among `terms` (a hit's matched terms:
 * the passage's own, not its title's), as bits. */
static unsigned words_held(const spread_words *w, char *const *terms,
                           size_t n_terms)
{
    unsigned held = 0;
    for (size_t t = 0; t < n_terms; t++)
        for (size_t i = 0; i < w->n; i++)
            if (strcmp(terms[t], w->stems[i]) == 0) held |= 1u << i;
    return held;
}

typedef struct {
    ds_hit hit;
    size_t n_own;        /* words of the query the passage holds */
} spread_hit;

static int popcount(unsigned x)
{
    int n = 0;
    for (; x; x &= x - 1) n++;
    return n;
}

static int spread_order(const void *a, const void *b)
{
    const spread_hit *x = a, *y = b;
    if (x->n_own != y->n_own) return x->n_own < y->n_own ? 1 : -1;
    if (x->hit.score != y->hit.score) return x->hit.score < y->hit.score ? 1 : -1;
    int c = strcmp(x->hit.record.source, y->hit.record.source);
    return c ? c : (x->hit.record.passage > y->hit.record.passage) -
                       (x->hit.record.passage < y->hit.record.passage);
}

/* The newer of two passages' articles first, undated ones last. */
static int newer_first(const ds_record *x, const ds_record *y)
{
    if (!x->date || !y->date) return (!x->date) - (!y->date);
    return -strcmp(x->date, y->date);
}

/* Date order (DS_SORT_DATE) for the article tier: passages holding no
 * word (add_articles leaves them out) still last. */
static int spread_date_order(const void *a, const void *b)
{
    const spread_hit *x = a, *y = b;
    if (!x->n_own != !y->n_own) return !x->n_own - !y->n_own;
    int c = newer_first(&x->hit.record, &y->hit.record);
    return c ? c : spread_order(a, b);
}

/* The passages of the articles holding every word of `w` that match
 * none of `shown`, into *hits (*n, the kept ones first in rank order) and
 * their articles' count. */
static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The distinct sources of hits[0..n). */
static unsigned long count_sources(const spread_hit *hits, size_t n)
{
    const char **sources = ds_xmalloc((n + 1) * sizeof *sources);
    for (size_t i = 0; i < n; i++) sources[i] = hits[i].hit.record.source;
    qsort(sources, n, sizeof *sources, compare_strings);
    unsigned long distinct = 0;
    for (size_t i = 0; i < n; i++)
        distinct += i == 0 || strcmp(sources[i], sources[i - 1]) != 0;
    free(sources);
    return distinct;
}

static ds_status spread_hits(ds_searcher *s, const spread_words *w,
                             const dsx_query *const *shown, size_t n_shown,
                             const ds_search_options *opt, spread_hit **hits,
                             size_t *n, int *capped, char **err)
{
    char **sources = NULL, *terms[2 * DS_SPREAD_WORDS];
    size_t n_sources = 0;
    *hits = NULL;
    *n = 0;
    ds_status st = whole_articles(s, w, &sources, &n_sources, err);
    for (size_t i = 0; i < w->n; i++) {
        terms[2 * i] = w->stems[i];
        terms[2 * i + 1] = ds_xasprintf(DS_PREFIX_TITLE "%s", w->stems[i]);
    }
    dsx_search_params p = {.limit = DS_SPREAD_PASSAGES,
                           .check_at_least = DS_SPREAD_PASSAGES,
                           .collapse_slot = -1,
                           .explain = opt->explain,
                           .data_slot = DS_SLOT_RECORD};
    dsx_results *res = NULL;
    if (st == DS_OK && n_sources)
        st = run_any(s, terms, 2 * w->n, sources, n_sources, shown, n_shown,
                     &p, &res, err);
    size_t found = res ? dsx_results_size(res) : 0;
    *capped = n_sources == DS_SPREAD_ARTICLES || found == DS_SPREAD_PASSAGES;
    *hits = ds_xmalloc((found + 1) * sizeof **hits);
    memset(*hits, 0, (found + 1) * sizeof **hits);
    for (size_t i = 0; i < found && st == DS_OK; i++) {
        spread_hit *h = &(*hits)[(*n)++];
        st = decode_hit(s, res, i, &h->hit, err);
        if (st != DS_OK) break;
        h->n_own = (size_t)popcount(words_held(w, h->hit.terms,
                                               h->hit.n_terms));
    }
    if (st == DS_OK)
        qsort(*hits, *n, sizeof **hits,
              opt->sort == DS_SORT_DATE ? spread_date_order : spread_order);
    dsx_results_destroy(res);
    for (size_t i = 0; i < w->n; i++) free(terms[2 * i + 1]);
    free_strings(sources, n_sources);
    return st;
}

/* After the passages shown before (matching one of `shown`, `before` of
 * them), the page's share of the passages of the articles holding every
 * word of a query of plain words, between their title and passages. */
static ds_status add_articles(ds_searcher *s, const dsx_query *const *shown,
                              size_t n_shown, unsigned long before,
                              const ds_search_options *opt, ds_results *out,
                              char **err)
{
    spread_words w;
    read_spread_words(s, out->searched, &w);
    if (w.n == 0) return DS_OK;
    spread_hit *hits = NULL;
    size_t n = 0, kept = 0;
    unsigned long articles = 0;
    int capped = 0;
    ds_status st = spread_hits(s, &w, shown, n_shown, opt, &hits,
                               &n, &capped, err);
    /* A passage that matched by its title's words alone holds none. */
    while (kept < n && hits[kept].n_own) kept++;
    articles = count_sources(hits, kept);
    size_t offset = opt->offset > before ? opt->offset - before : 0;
    size_t from = offset < kept ? offset : kept;
    size_t room = opt->limit - out->count;
    size_t to = kept - from > room ? from + room : kept;
    if (st == DS_OK && kept) {
        out->info.spread_articles = articles;
        out->info.total += kept;
        out->info.total_exact = !capped;
        reserve_hits(out, to - from);
        for (size_t i = from; i < to; i++) {
            out->hits[out->count] = hits[i].hit;
            out->hits[out->count++].article = 1;
            hits[i].hit = (ds_hit){0};
        }
    }
    for (size_t i = 0; i < n; i++) free_hit(&hits[i].hit);
    free(hits);
    free_spread_words(&w);
    return st;
}

/* Hits reporting the same fact as a better hit from another source
 * (facts.h) are folded into it among the best DS_FACT_WINDOW ranks, read
 * whatever the page asks for, so what is folded, and so the pages and the
 * count, are the same whatever -n and --offset are.  Its cost:
 * bench/README.md, "The same fact from several sources". */
#define DS_FACT_WINDOW 10

/* Whether hits reporting the same fact are shown once. */
static int folds_facts(const ds_search_options *opt)
{
    return !opt->all && !opt->one_per_source;
}

/* Ranked hits, decoded (ranks from, from + 1, ...): those folded into a
 * better one marked. */
typedef struct {
    ds_hit *hits;
    unsigned char *folded;
    size_t from, n, n_folded;
} ranked;

static void ranked_free(ranked *r)
{
    for (size_t i = 0; i < r->n; i++) free_hit(&r->hits[i]);
    free(r->hits);
    free(r->folded);
    memset(r, 0, sizeof *r);
}

/* Decode res's ranks below `upto` that r does not hold yet into r. */
static ds_status decode_upto(ds_searcher *s, dsx_results *res, size_t upto,
                             ranked *r, char **err)
{
    size_t n = dsx_results_size(res), next = r->from + r->n;
    if (upto > n) upto = n;
    if (upto <= next) return DS_OK;
    ds_status st = dsx_results_load(res, next, upto - next, err);
    for (size_t i = next; i < upto && st == DS_OK; i++) {
        memset(&r->hits[r->n], 0, sizeof *r->hits);
        st = decode_hit(s, res, i, &r->hits[r->n++], err);
    }
    return st;
}

/* Run `q` as `params` say into *res, decode its ranks from `from` below
 * `upto` into *r, and fold the facts of the best DS_FACT_WINDOW when
 * `fold`. */
static ds_status rank(ds_searcher *s, const dsx_query *q,
                      const dsx_search_params *params, size_t from,
                      size_t upto, int fold, dsx_results **res, ranked *r,
                      char **err)
{
    /* With no ranks Xapian would examine every match: just count. */
    dsx_search_params p = *params;
    p.count_only = p.limit == 0;
    ds_status st = run(s, q, &p, res, err);
    size_t n = st == DS_OK ? dsx_results_size(*res) : 0;
    r->from = from < n ? from : n;
    r->hits = ds_xmalloc((n - r->from + 1) * sizeof *r->hits);
    r->folded = ds_xmalloc(n - r->from + 1);
    memset(r->folded, 0, n - r->from + 1);
    if (st == DS_OK) st = decode_upto(s, *res, upto, r, err);
    size_t window = r->n < DS_FACT_WINDOW ? r->n : DS_FACT_WINDOW;
    if (st == DS_OK && fold) st = groups_for(s, r->hits, window, err);
    if (st == DS_OK && fold)
        r->n_folded = ds_fact_fold(s->analyzer, s->synonyms, &s->rarity,
                                   r->hits, window, DS_MAX_ALSO, r->folded);
    return st;
}

/* Move `limit` of r's hits not folded, after the first `skip` of them,
 * to out's hits (marked `typo`), with where their near-copies are. */
static ds_status take_page(ds_searcher *s, const dsx_query *q,
                           const ds_search_options *opt,
                           const dsx_search_params *params, ranked *r,
                           size_t skip, size_t limit, int typo,
                           ds_results *out, char **err)
{
    ds_status st = DS_OK;
    reserve_hits(out, limit < r->n ? limit : r->n);
    size_t shown = 0;
    for (size_t i = 0; i < r->n && shown < skip + limit && st == DS_OK; i++) {
        if (r->folded[i] || shown++ < skip) continue;
        ds_hit *hit = &out->hits[out->count++];
        *hit = r->hits[i];
        r->hits[i] = (ds_hit){0};
        hit->typo = typo;
        if (hit->collapsed && params->collapse_slot >= 0 &&
            !opt->one_per_source)
            st = find_also(s, q, hit, err);
    }
    return st;
}

/* Run `q` searched as `opt` says, append its ranks offset+1 ..
 * offset+limit to out's hits (marked `typo`) and count its matches in
 * *t; when folding facts (not for typo variants), ranks are counted
 * after folding and so is the total. */
static ds_status fetch(ds_searcher *s, const dsx_query *q,
                       const ds_search_options *opt, unsigned offset,
                       unsigned limit, int typo, ds_results *out, tally *t,
                       char **err)
{
    int fold = !typo && folds_facts(opt);
    unsigned want = offset + limit;
    unsigned ranks = fold && want < DS_FACT_WINDOW ? DS_FACT_WINDOW : want;
    unsigned bound = count_bound(s, opt);
    int counting = !surely_many(s, q, bound);
    /* Folding may hide all the window's hits but the first: the search
     * keeps that many ranks more, read only when the page needs them. */
    unsigned spare = fold ? DS_FACT_WINDOW - 1 : 0;
    dsx_search_params params = params_for(s, opt, ranks + spare, counting);
    dsx_results *res = NULL;
    ranked r = {0};
    ds_status st = rank(s, q, &params, fold ? 0 : offset, ranks, fold, &res,
                        &r, err);
    if (st == DS_OK && r.n_folded) /* the page, without what was folded */
        st = decode_upto(s, res, want + r.n_folded, &r, err);
    if (st == DS_OK)
        st = count(s, q, &params, res, bound, opt->count_all, t, err);
    if (st == DS_OK)
        t->total = t->total > r.n_folded ? t->total - r.n_folded : 0;
    if (st == DS_OK)
        st = take_page(s, q, opt, &params, &r, fold ? offset : 0, limit,
                       typo, out, err);
    ranked_free(&r);
    dsx_results_destroy(res);
    return st;
}

/* ---- Typo tolerance ---- */

/* The variants of out's words as ds_results_info shows them. */
static void show_typos(ds_results *out)
{
    out->typos = ds_xmalloc((out->n_variants + 1) * sizeof *out->typos);
    for (size_t i = 0; i < out->n_variants; i++) {
        const ds_typo_variants *v = &out->variants[i];
        out->typos[i] = (ds_typo){v->word, (const char *const *)v->words,
                                  v->n};
    }
}

/* `q` widened to the variants of its words (spelling.h), less what `q`
 * matches, in *wide; NULL when no word has variants. */
static ds_status typo_query(ds_searcher *s, const dsx_query *q,
                            ds_results *out, dsx_query **wide, char **err)
{
    char *why = NULL;
    ds_status st = ds_spelling_variants(s->spelling, out->searched, q,
                                        &out->variants, &out->n_variants,
                                        &why);
    if (st != DS_OK) {
        st = damaged(err, s->index_dir, why);
        free(why);
        return st;
    }
    if (out->n_variants == 0) return DS_OK;
    dsx_term_variants *terms = ds_xmalloc(out->n_variants * sizeof *terms);
    for (size_t i = 0; i < out->n_variants; i++) {
        const ds_typo_variants *v = &out->variants[i];
        terms[i] = (dsx_term_variants){v->stem,
                                       (const char *const *)v->stems, v->n};
    }
    st = dsx_query_with_variants(q, terms, out->n_variants, wide, err);
    free(terms);
    return st;
}

/* After the `exact` passages matching `q` as written, the page's share of
 * those that match only through a typo variant of a word (*wide, the
 * query that finds them, or NULL); counted in the total.  Only when the
 * total as written is exact: then the ranks of the variants' passages
 * are known. */
static ds_status add_typos(ds_searcher *s, const dsx_query *q,
                           const ds_search_options *opt, tally exact,
                           ds_results *out, dsx_query **wide, char **err)
{
    ds_status st = typo_query(s, q, out, wide, err);
    if (st != DS_OK || !*wide) return st;
    unsigned offset = opt->offset > exact.total
                          ? (unsigned)(opt->offset - exact.total) : 0;
    unsigned limit = opt->limit - (unsigned)out->count;
    tally t;
    st = fetch(s, *wide, opt, offset, limit, 1, out, &t, err);
    if (st == DS_OK) {
        out->info.total += t.total;
        out->info.total_exact = t.exact;
        out->info.total_typo = t.total;
        show_typos(out);
    }
    return st;
}

/* Fill `out` with the page `opt` asks for of `q`'s matches, and their
 * total: those matching the words as written, then (when they are few
 * enough to count exactly) those matching a typo variant of a word; when
 * there are none, the passages of the articles that hold every word
 * between their title and passages. */
static ds_status find(ds_searcher *s, const dsx_query *q,
                      const ds_search_options *opt, ds_results *out,
                      char **err)
{
    tally exact;
    ds_status st = fetch(s, q, opt, opt->offset, opt->limit, 0, out, &exact,
                         err);
    if (st != DS_OK) return st;
    out->info.total = exact.total;
    out->info.total_exact = exact.exact;
    dsx_query *wide = NULL;
    if (!opt->exact && exact.exact)
        st = add_typos(s, q, opt, exact, out, &wide, err);
    if (st == DS_OK && !opt->match_any && out->info.total == 0) {
        const dsx_query *shown[] = {q, wide};
        st = add_articles(s, shown, wide ? 2 : 1, out->info.total, opt, out,
                          err);
    }
    dsx_query_destroy(wide);
    return st;
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
    info->notices = (const char *const *)out->notices;
    info->n_notices = out->n_notices;
    info->suggestions = out->suggestions;
    info->n_suggestions = out->n_suggestions;
    info->typos = out->typos;
    info->n_typos = out->typos ? out->n_variants : 0;
    info->options = *opt;
    info->ranking = s->ranking;
    info->avg_length = s->avg_length;
    info->missing = (const char *const *)out->missing;
    info->n_missing = out->n_missing;
    out->analyzer = s->analyzer;
    out->synonyms = s->synonyms;
    out->rarity = &s->rarity;
}

/* Add the malloc'd `notice` to `out`, once. */
static void add_notice(ds_results *out, char *notice)
{
    for (size_t i = 0; i < out->n_notices; i++)
        if (strcmp(out->notices[i], notice) == 0) {
            free(notice);
            return;
        }
    out->notices = ds_xrealloc(out->notices,
                               (out->n_notices + 1) * sizeof *out->notices);
    out->notices[out->n_notices++] = notice;
}

/* The NEAR or ADJ expression `e` (query.h) in place of its placeholder in
 * `q`: each operand parsed as a phrase. */
static ds_status build_near(ds_searcher *s, const ds_near_expr *e,
                            dsx_query *q, char **err)
{
    dsx_query **ops = ds_xmalloc(e->n_operands * sizeof *ops), *near = NULL;
    size_t parsed = 0, stem_len;
    ds_status st = DS_OK;
    for (; parsed < e->n_operands && st == DS_OK; parsed++) {
        char *phrase = ds_xasprintf("\"%s\"", e->operands[parsed]);
        st = dsx_db_parse_query(s->db, phrase, 0, &ops[parsed], err);
        free(phrase);
    }
    if (st == DS_OK)
        st = dsx_query_near((const dsx_query *const *)ops, e->n_operands,
                            e->gap, e->ordered, &near, err);
    const char *stem = ds_analyzer_stem(s->analyzer, e->placeholder,
                                        strlen(e->placeholder), &stem_len);
    char *term = ds_xstrndup(stem, stem_len);
    if (st == DS_OK) st = dsx_query_replace(q, term, near, err);
    free(term);
    dsx_query_destroy(near);
    for (size_t i = 0; i < parsed; i++) dsx_query_destroy(ops[i]);
    free(ops);
    return st;
}

/* Read the query (query.h) and parse it into *q, noting in `out` what
 * could not be honoured. */
static ds_status read_query(ds_searcher *s, const ds_search_options *opt,
                            unsigned flags, ds_results *out, dsx_query **q,
                            char **err)
{
    ds_query_reading rd = {0};
    ds_status st = opt->plain ? DS_OK : ds_query_read(out->searched, &rd, err);
    if (st != DS_OK) return st;
    for (size_t i = 0; i < rd.n_notices; i++) add_notice(out, rd.notices[i]);
    rd.n_notices = 0;
    if (rd.has_date && !s->has_dates)
        add_notice(out, ds_xstrdup("no passage of this index has a date, so "
                                   "date: finds nothing"));
    st = parse(s, rd.text ? rd.text : out->searched, flags, out, q, err);
    if (st == DS_OK && out->info.relaxed_syntax && out->n_notices == 0)
        add_notice(out, ds_xstrdup("query syntax not understood: the query "
                                   "is searched as plain words"));
    for (size_t i = 0; i < rd.n_near && st == DS_OK; i++)
        st = build_near(s, &rd.near[i], *q, err);
    if (st == DS_OK && rd.n_near) {
        free(out->parsed);
        out->parsed = ds_xstrdup(dsx_query_describe(*q));
    }
    ds_query_reading_free(&rd);
    return st;
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
    ds_status st = read_query(s, opt, flags, out, &q, err);
    if (st == DS_OK && dsx_query_is_empty(q)) {
        char *shown = printable_query(out->query);
        st = ds_fail(err, DS_ERR_QUERY, "query '%s' has no searchable words",
                     shown);
        free(shown);
    }
    if (st == DS_OK) st = find(s, q, opt, out, err);
    if (st == DS_OK && out->info.total == 0 && !opt->match_any)
        st = count_any(s, text, flags, out, err);
    dsx_query_destroy(q);
    if (st == DS_OK) st = groups_for(s, out->hits, out->count, err);
    return st;
}

/* The databases a partial search went without (ds_searcher_options), each
 * with a notice saying why. */
static void note_missing(ds_searcher *s, ds_results *out)
{
    size_t n = dsx_db_n_missing(s->db);
    if (!n) return;
    out->missing = ds_xmalloc(n * sizeof *out->missing);
    for (size_t i = 0; i < n; i++) {
        const char *why = NULL;
        const char *where = dsx_db_missing(s->db, i, &why);
        out->missing[i] = ds_xstrdup(where);
        add_notice(out, ds_xasprintf("partial results: without %s (%s)",
                                     where, why));
    }
    out->n_missing = n;
}

/* One run of ds_search (its query checked). */
static ds_status search_once(ds_searcher *s, const char *query,
                             const ds_search_options *opt,
                             ds_results **result, char **err)
{
    ds_status st;
    ds_results *out = ds_xmalloc(sizeof *out);
    memset(out, 0, sizeof *out);
    out->query = ds_xstrdup(query);
    /* Match typographic variants as the index does: “Meta’s stake” is a
     * phrase, like "Meta's stake". */
    ds_buf normalized;
    ds_buf_init(&normalized);
    ds_normalize(query, strlen(query), &normalized);
    out->searched = ds_buf_steal(&normalized);
    st = check_spelling(s, opt, out, err);
    if (st == DS_OK) st = search_text(s, opt, out, err);
    if (st != DS_OK) {
        ds_results_free(out);
        return st;
    }
    note_missing(s, out);
    fill_info(s, opt, out);
    *result = out;
    return DS_OK;
}

ds_status ds_search(ds_searcher *s, const char *query,
                    const ds_search_options *opt, ds_results **result,
                    char **err)
{
    *result = NULL;
    ds_status st = check_query(query, err);
    if (st != DS_OK) return st;
    char *why = NULL;
    st = search_once(s, query, opt, result, s->combined ? &why : err);
    if (st == DS_OK || !s->combined || st == DS_ERR_QUERY ||
        st == DS_ERR_USAGE) {
        if (err && why) *err = why;
        else free(why);
        return st;
    }
    /* A database of several failed (wherever in the search, and however
     * reported): a remote one down or too slow.  Its connections are
     * opened again, without the shards that cannot be reached when
     * partial (the search is run again without them), else failing with
     * an error naming the one that cannot. */
    char *unreachable = NULL;
    ds_status again = dsx_db_recover(s->db, &unreachable);
    if (again == DS_OK) {
        free(why);
        return search_once(s, query, opt, result, err);
    }
    st = ds_fail(err, again, "index '%s': %s", s->index_dir, unreachable);
    free(unreachable);
    free(why);
    return st;
}

void ds_results_free(ds_results *r)
{
    if (!r) return;
    free_hits(r);
    free(r->query);
    free(r->searched);
    free(r->parsed);
    free(r->corrected);
    ds_spelling_report_free(&r->spelling);
    free(r->suggestions);
    ds_typo_variants_free(r->variants, r->n_variants);
    free(r->typos);
    free(r->stopped);
    for (size_t i = 0; i < r->n_notices; i++) free(r->notices[i]);
    free(r->notices);
    for (size_t i = 0; i < r->n_missing; i++) free(r->missing[i]);
    free(r->missing);
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

/* Open the index again, with the same options, in s's place: the
 * caller's handle stays valid, taking the fresh contents, and the old
 * ones are closed.  On failure `s` is as it was. */
static ds_status open_again(ds_searcher *s, int *reopened, char **err)
{
    ds_searcher *fresh = NULL;
    ds_status st = ds_searcher_open_with(s->index_dir, &s->options, &fresh,
                                         err);
    if (st != DS_OK) return st;
    ds_searcher old = *s;
    *s = *fresh;
    *fresh = old;
    ds_searcher_close(fresh);
    if (reopened) *reopened = 1;
    return DS_OK;
}

/* A stub: follow its databases (follow.h).  A fresh open that fails is
 * reported again at each request until a check finds it fixed, so that
 * a server tells it once (server_api.c). */
static ds_status refresh_stub(ds_searcher *s, int *reopened, char **err)
{
    if (!ds_follow_due(&s->follow)) return ds_follow_failure(&s->follow, err);
    int lock = lock_commits(s);
    ds_follow_verdict v = ds_follow_check(&s->follow, &s->layout, s->db);
    ds_store_unlock(lock);
    if (v != DS_FOLLOW_REOPEN) {
        ds_follow_clear(&s->follow);
        if (reopened) *reopened = v == DS_FOLLOW_MOVED;
        return DS_OK;
    }
    char *why = NULL;
    ds_status st = open_again(s, reopened, &why);
    if (st == DS_OK) return DS_OK;
    ds_follow_failed(&s->follow, st, why);
    return ds_follow_failure(&s->follow, err);
}

ds_status ds_searcher_refresh(ds_searcher *s, int *reopened, char **err)
{
    if (reopened) *reopened = 0;
    if (s->stub) return refresh_stub(s, reopened, err);
    ds_store_gen now;
    ds_status st = ds_store_current_gen(s->index_dir, &now, err);
    if (st != DS_OK || ds_store_gen_same(&now, &s->served))
        return st;
    return open_again(s, reopened, err);
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
    return s->served.number;
}
