/*
 * spelling.c — corrections and suggestions from the vocabulary
 * (spelling.h).
 */
#include "spelling.h"

#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "util.h"
#include "vocab.h"

/* Neighbours looked at for one word, at most (a bound on the work for
 * short words in a large vocabulary; the closest come first anyway). */
#define MAX_NEIGHBOURS 256

typedef struct {
    char *word;
    size_t len;
    unsigned long freq;
    unsigned distance;
    char *stem;
} neighbour;

typedef struct {
    neighbour *items;
    size_t n;
} neighbours;

/* The neighbours of the words of the last query checked, as a search
 * asks for them twice: to check its spelling, then for typo variants. */
#define MAX_CACHED 16

typedef struct {
    char *word;
    size_t len;
    neighbours ns;
} cached_walk;

struct ds_spelling {
    dsx_db *db;
    char *dir;
    ds_analyzer *analyzer;
    ds_vocab *vocab;
    ds_vocab *stems;        /* each stem with its words' occurrences */
    cached_walk cache[MAX_CACHED];
    size_t n_cached;
};

/* ---- The vocabulary ---- */

/* A word's stem and how often the word occurs: the stem is `len` bytes at
 * `off` in the filling's arena, and at `at` once the arena has stopped
 * growing (and moving). */
typedef struct {
    const char *at;
    size_t off, len;
    unsigned long count;
} stem_count;

/* The vocabulary and the stems being filled from the spelling table, in
 * one pass over it: each word, and (with `stemming`) each word's stem
 * with its count, which are then sorted and summed by stem into
 * stem_builder (each index term with its words' occurrences). */
typedef struct {
    ds_vocab_builder *builder;      /* NULL: no vocabulary wanted */
    ds_analyzer *stemming;          /* NULL: no stems wanted */
    ds_buf arena;
    stem_count *stems;
    size_t n_stems, cap_stems;
    ds_vocab_builder *stem_builder;
    ds_status status;
    char *error;
} filling;

static filling new_filling(int words, ds_analyzer *stemming)
{
    filling f = {words ? ds_vocab_builder_new() : NULL, stemming,
                 {0}, NULL, 0, 0,
                 stemming ? ds_vocab_builder_new() : NULL, DS_OK, NULL};
    ds_buf_init(&f.arena);
    return f;
}

static void filling_free(filling *f)
{
    ds_vocab_builder_free(f->builder);
    ds_buf_free(&f->arena);
    free(f->stems);
    ds_vocab_builder_free(f->stem_builder);
}

static int add_word(void *ctx, const char *word, size_t len,
                    unsigned long freq)
{
    filling *f = ctx;
    if (f->builder)
        f->status =
            ds_vocab_builder_add(f->builder, word, len, freq, &f->error);
    if (f->stemming) {
        size_t stem_len;
        const char *stem =
            ds_analyzer_stem_uncached(f->stemming, word, len, &stem_len);
        if (f->n_stems == f->cap_stems) {
            f->cap_stems = f->cap_stems ? 2 * f->cap_stems : 1024;
            f->stems = ds_xrealloc(f->stems, f->cap_stems * sizeof *f->stems);
        }
        f->stems[f->n_stems++] =
            (stem_count){NULL, f->arena.len, stem_len, freq};
        ds_buf_append(&f->arena, stem, stem_len);
    }
    return f->status != DS_OK;
}

static int compare_stems(const void *a, const void *b)
{
    const stem_count *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->at, y->at, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Each stem once, in byte order, with the counts of its words summed. */
static void add_stems(filling *f)
{
    if (!f->n_stems) return;
    for (size_t i = 0; i < f->n_stems; i++)
        f->stems[i].at = f->arena.data + f->stems[i].off;
    qsort(f->stems, f->n_stems, sizeof *f->stems, compare_stems);
    for (size_t i = 0; i < f->n_stems && f->status == DS_OK;) {
        size_t j = i + 1;
        unsigned long sum = f->stems[i].count;
        while (j < f->n_stems &&
               compare_stems(&f->stems[i], &f->stems[j]) == 0)
            sum += f->stems[j++].count;
        f->status = ds_vocab_builder_add(f->stem_builder, f->stems[i].at,
                                         f->stems[i].len, sum, &f->error);
        i = j;
    }
}

/* The first failure of reading the table (`st`, `why`) or of adding to
 * the vocabulary (f), as the error convention has it. */
static ds_status filled(filling *f, ds_status st, char *why,
                        const char *dir, char **err)
{
    if (st != DS_OK)
        st = ds_fail(err, DS_ERR_DAMAGED,
                     "cannot read the spelling table of '%s': %s", dir, why);
    else if (f->status != DS_OK)
        st = ds_fail(err, f->status, "%s", f->error);
    free(why);
    free(f->error);
    f->error = NULL;
    return st;
}

/* Read the spelling table of `db` (or when NULL, of the database at
 * `dir`) into `f`; *stamp (when not NULL) gets its state.  DS_ERR_DAMAGED
 * when it cannot be read. */
static ds_status fill(filling *f, dsx_db *db, const char *dir, char **stamp,
                      char **err)
{
    char *why = NULL;
    ds_status st = db ? dsx_db_spellings(db, add_word, f, &why)
                      : dsx_spellings_at(dir, add_word, f, stamp, &why);
    st = filled(f, st, why, dir, err);
    if (st == DS_OK && f->stemming) {
        add_stems(f);
        st = filled(f, DS_OK, NULL, dir, err);
    }
    return st;
}

static ds_status write_one(const ds_vocab_builder *b, const char *dir,
                           const char *name, const char *stamp, char **err)
{
    char *path = ds_xasprintf("%s/%s", dir, name);
    ds_status st = ds_vocab_builder_write(b, path, stamp, err);
    free(path);
    return st;
}

ds_status ds_spelling_write_vocab(const char *dir, char **err)
{
    /* An analyzer of its own: a caller's may be counting words (its stem
     * cache is then what becomes the spelling table). */
    ds_analyzer *a = ds_analyzer_new();
    if (!a)
        return ds_fail(err, DS_ERR_INTERNAL,
                       "libstemmer has no English stemmer");
    filling f = new_filling(1, a);
    char *stamp = NULL;
    ds_status st = fill(&f, NULL, dir, &stamp, err);
    if (st == DS_OK) st = write_one(f.builder, dir, DS_VOCAB_FILE, stamp, err);
    if (st == DS_OK)
        st = write_one(f.stem_builder, dir, DS_STEMS_FILE, stamp, err);
    free(stamp);
    filling_free(&f);
    ds_analyzer_free(a);
    return st;
}

static void free_neighbours(neighbours *ns);

static void forget_walks(ds_spelling *sp)
{
    for (size_t i = 0; i < sp->n_cached; i++) {
        free(sp->cache[i].word);
        free_neighbours(&sp->cache[i].ns);
    }
    sp->n_cached = 0;
}

ds_spelling *ds_spelling_new(dsx_db *db, const char *dir, ds_analyzer *a)
{
    ds_spelling *sp = ds_xmalloc(sizeof *sp);
    sp->db = db;
    sp->dir = ds_xstrdup(dir);
    sp->analyzer = a;
    sp->vocab = NULL;
    sp->stems = NULL;
    sp->n_cached = 0;
    return sp;
}

void ds_spelling_free(ds_spelling *sp)
{
    if (!sp) return;
    forget_walks(sp);
    ds_vocab_close(sp->vocab);
    ds_vocab_close(sp->stems);
    free(sp->dir);
    free(sp);
}

/* The file `name` (the vocabulary, or when !words the stems) when it
 * describes the database as it is; else the same built from the spelling
 * table (slower, never wrong). */
static ds_status load(ds_spelling *sp, const char *name, int words,
                      ds_vocab **out, char **err)
{
    char *stamp = NULL, *why = NULL;
    /* A database of several has no revision: its vocabulary is its head's
     * (spelling is written there), stamped with the head's state. */
    ds_status stamped = dsx_db_stamp(sp->db, &stamp, &why);
    if (stamped != DS_OK) {
        free(why);
        why = NULL;
        stamped = dsx_stamp_at(sp->dir, &stamp, &why);
    }
    if (stamped == DS_OK) {
        char *path = ds_xasprintf("%s/%s", sp->dir, name);
        ds_vocab_open(path, stamp, out, NULL);
        free(path);
    }
    free(stamp);
    free(why);
    if (*out) return DS_OK;
    filling f = new_filling(words, words ? NULL : sp->analyzer);
    ds_status st = fill(&f, sp->db, sp->dir, NULL, err);
    if (st == DS_OK)
        *out = ds_vocab_builder_finish(words ? f.builder : f.stem_builder);
    filling_free(&f);
    return st;
}

static ds_status load_vocab(ds_spelling *sp, char **err)
{
    return sp->vocab ? DS_OK : load(sp, DS_VOCAB_FILE, 1, &sp->vocab, err);
}

ds_status ds_spelling_load_stems(ds_spelling *sp, char **err)
{
    return sp->stems ? DS_OK : load(sp, DS_STEMS_FILE, 0, &sp->stems, err);
}

unsigned long ds_spelling_stem_freq(const ds_spelling *sp, const char *stem,
                                    size_t len)
{
    return sp->stems ? ds_vocab_freq(sp->stems, stem, len) : 0;
}

static int collect(void *ctx, const char *word, size_t len,
                   unsigned long freq, unsigned distance)
{
    neighbours *ns = ctx;
    if (distance == 0) return 0;
    if (!ns->items) ns->items = ds_xmalloc(MAX_NEIGHBOURS * sizeof *ns->items);
    neighbour *n = &ns->items[ns->n++];
    n->word = ds_xstrndup(word, len);
    n->len = len;
    n->freq = freq;
    n->distance = distance;
    n->stem = NULL;
    return ns->n == MAX_NEIGHBOURS;
}

static void free_neighbours(neighbours *ns)
{
    for (size_t i = 0; i < ns->n; i++) {
        free(ns->items[i].word);
        free(ns->items[i].stem);
    }
    free(ns->items);
}

/* The words within `edits` of the query word `w` (neighbours of the
 * same word keep the same stems, so they are computed once). */
static neighbours *near_words(ds_spelling *sp, const ds_token *tok,
                              unsigned edits)
{
    for (size_t i = 0; i < sp->n_cached; i++) {
        cached_walk *c = &sp->cache[i];
        if (c->len == tok->term_len && memcmp(c->word, tok->term, c->len) == 0)
            return &c->ns;
    }
    if (sp->n_cached == MAX_CACHED) forget_walks(sp);
    cached_walk *c = &sp->cache[sp->n_cached++];
    c->word = ds_xstrndup(tok->term, tok->term_len);
    c->len = tok->term_len;
    c->ns = (neighbours){NULL, 0};
    ds_vocab_near(sp->vocab, tok->term, tok->term_len, edits, collect, &c->ns);
    return &c->ns;
}

static char *stem_of(ds_spelling *sp, const char *word, size_t len)
{
    size_t stem_len;
    const char *stem = ds_analyzer_stem(sp->analyzer, word, len, &stem_len);
    return ds_xstrndup(stem, stem_len);
}

/* Edits allowed for a word of `letters` code points. */
static unsigned max_edits(size_t letters)
{
    return letters < DS_SPELLING_MIN_LETTERS ? 0 : letters <= 8 ? 1 : 2;
}

/* The best neighbour of another stem than `stem` (fewest edits, then the
 * most frequent), or NULL; *rival is how often the most frequent other
 * one as close occurs. */
static const neighbour *best_neighbour(ds_spelling *sp, neighbours *ns,
                                       const char *stem,
                                       unsigned long *rival)
{
    const neighbour *best = NULL;
    for (size_t i = 0; i < ns->n; i++) {
        neighbour *n = &ns->items[i];
        if (!n->stem) n->stem = stem_of(sp, n->word, n->len);
        if (strcmp(n->stem, stem) == 0) continue;
        if (!best || n->distance < best->distance ||
            (n->distance == best->distance && n->freq > best->freq))
            best = n;
    }
    *rival = 0;
    for (size_t i = 0; best && i < ns->n; i++) {
        const neighbour *n = &ns->items[i];
        if (n->distance <= best->distance && strcmp(n->stem, stem) != 0 &&
            strcmp(n->stem, best->stem) != 0 && n->freq > *rival)
            *rival = n->freq;
    }
    return best;
}

/* ---- The words of a query ---- */

/* A word of the query worth looking at, as each_word() gives it. */
typedef struct {
    const ds_token *tok;
    const char *typed;      /* as typed, in the query */
    char *stem;             /* its term */
    unsigned edits;         /* allowed for its length */
} query_word;

typedef ds_status (*word_fn)(void *ctx, ds_spelling *sp, query_word *w,
                             char **err);

typedef struct {
    ds_spelling *sp;
    const char *query;
    size_t len;
    word_fn fn;
    void *ctx;
    ds_status status;
    char *error;
} words_walk;

static size_t letters(const char *s, size_t len, int *has_digit)
{
    size_t n = 0;
    *has_digit = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] >= '0' && s[i] <= '9') *has_digit = 1;
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    return n;
}

/* Words to leave alone: operators, field names and values, wildcards. */
static int skip_word(const words_walk *w, const ds_token *tok)
{
    const char *q = w->query;
    if (ds_query_is_operator(q + tok->start, tok->end - tok->start)) return 1;
    if (tok->end < w->len && (q[tok->end] == ':' || q[tok->end] == '*'))
        return 1;
    /* Any word of a field's value (date:26-feb-1987), not just its
     * first. */
    for (size_t i = tok->start; i > 0 && q[i - 1] != ' '; i--)
        if (q[i - 1] == ':') return 1;
    return 0;
}

static int each_token(void *ctx, const ds_token *tok)
{
    words_walk *w = ctx;
    int has_digit;
    unsigned k = max_edits(letters(tok->term, tok->term_len, &has_digit));
    if (k == 0 || has_digit || skip_word(w, tok)) return 0;
    query_word qw = {tok, w->query + tok->start,
                     stem_of(w->sp, tok->term, tok->term_len), k};
    w->status = load_vocab(w->sp, &w->error);
    if (w->status == DS_OK) w->status = w->fn(w->ctx, w->sp, &qw, &w->error);
    free(qw.stem);
    return w->status != DS_OK;
}

/* Call `fn` for each word of `query` (normalised) that spelling looks
 * at: not an operator, field or wildcard, DS_SPELLING_MIN_LETTERS letters
 * or more and no digit. */
static ds_status each_word(ds_spelling *sp, const char *query, word_fn fn,
                           void *ctx, char **err)
{
    words_walk w = {sp, query, strlen(query), fn, ctx, DS_OK, NULL};
    ds_tokenize(query, w.len, each_token, &w);
    if (w.status != DS_OK) ds_fail(err, w.status, "%s", w.error);
    free(w.error);
    return w.status;
}

/* ---- Corrections and suggestions ---- */

/* The suggestion written as the user wrote the word: OPEC, Volcker. */
static char *in_case_of(const char *typed, size_t typed_len,
                        const char *word)
{
    char *out = ds_xstrdup(word);
    int upper = 0, lower = 0;
    for (size_t i = 0; i < typed_len; i++) {
        upper += typed[i] >= 'A' && typed[i] <= 'Z';
        lower += typed[i] >= 'a' && typed[i] <= 'z';
    }
    for (char *p = out; *p; p++) {
        if (*p < 'a' || *p > 'z') continue;
        if ((upper > 1 && lower == 0) || (p == out && upper))
            *p = (char)(*p - 'a' + 'A');
    }
    return out;
}

/* Capitalised as typed: the first letter differs from its lower case. */
static int capitalised(const char *typed, const ds_token *tok)
{
    unsigned cp;
    size_t n = ds_utf8_decode(tok->term, tok->term_len, &cp);
    return n && memcmp(typed, tok->term, n) != 0;
}

static void add_fix(ds_spelling_report *r, const query_word *w,
                    const neighbour *best, unsigned long passages,
                    int applied)
{
    r->fixes = ds_xrealloc(r->fixes, (r->n_fixes + 1) * sizeof *r->fixes);
    ds_spelling_fix *f = &r->fixes[r->n_fixes++];
    const ds_token *tok = w->tok;
    size_t typed_len = tok->end - tok->start;
    f->start = tok->start;
    f->end = tok->end;
    f->word = ds_xstrndup(w->typed, typed_len);
    f->suggestion = in_case_of(w->typed, typed_len, best->word);
    f->passages = passages;
    f->applied = applied;
}

typedef struct {
    int correct;
    ds_spelling_report *report;
} checking;

/* Decide for one word of the query (spelling.h's rules). */
static ds_status check_word(void *ctx, ds_spelling *sp, query_word *w,
                            char **err)
{
    checking *c = ctx;
    const ds_token *tok = w->tok;
    unsigned long docs = 0; /* passages the word is in */
    ds_status st = dsx_db_term_freq(sp->db, w->stem, &docs, err);
    if (st != DS_OK) return st;
    unsigned long own = ds_vocab_freq(sp->vocab, tok->term, tok->term_len);
    /* A word common in the index is taken as meant. */
    if (docs && own >= DS_SPELLING_MIN_FREQ) return DS_OK;
    unsigned long rival = 0, passages = 0;
    neighbours *ns = near_words(sp, tok, w->edits);
    const neighbour *best = best_neighbour(sp, ns, w->stem, &rival);
    if (best) {
        int common = best->freq >= DS_SPELLING_MIN_FREQ;
        int wanted = docs == 0 ||
                     (common && best->freq >= DS_SPELLING_RARE_RATIO * own);
        int apply = docs == 0 && c->correct && common &&
                    !capitalised(w->typed, tok) &&
                    best->freq >= DS_SPELLING_RIVAL_RATIO * rival;
        if (wanted) st = dsx_db_term_freq(sp->db, best->stem, &passages, err);
        if (wanted && st == DS_OK) add_fix(c->report, w, best, passages, apply);
    }
    return st;
}

/* The query with the applied fixes in place of their words. */
static char *corrected_query(const char *query, const ds_spelling_report *r)
{
    ds_buf out;
    ds_buf_init(&out);
    size_t copied = 0;
    for (size_t i = 0; i < r->n_fixes; i++) {
        const ds_spelling_fix *f = &r->fixes[i];
        if (!f->applied) continue;
        ds_buf_append(&out, query + copied, f->start - copied);
        ds_buf_puts(&out, f->suggestion);
        copied = f->end;
    }
    ds_buf_puts(&out, query + copied);
    return ds_buf_steal(&out);
}

ds_status ds_spelling_check(ds_spelling *sp, const char *query, int correct,
                            ds_spelling_report *out, char **err)
{
    memset(out, 0, sizeof *out);
    forget_walks(sp);
    checking c = {correct, out};
    ds_status st = each_word(sp, query, check_word, &c, err);
    if (st != DS_OK) {
        ds_spelling_report_free(out);
        return st;
    }
    for (size_t i = 0; i < out->n_fixes; i++)
        if (out->fixes[i].applied) {
            out->corrected = corrected_query(query, out);
            break;
        }
    return DS_OK;
}

void ds_spelling_report_free(ds_spelling_report *r)
{
    for (size_t i = 0; i < r->n_fixes; i++) {
        free(r->fixes[i].word);
        free(r->fixes[i].suggestion);
    }
    free(r->fixes);
    free(r->corrected);
    memset(r, 0, sizeof *r);
}

/* ---- Typo variants ---- */

typedef struct {
    const dsx_query *query; /* only its plain words */
    ds_typo_variants *items;
    size_t n;
} variant_list;

static void free_variants(ds_typo_variants *v)
{
    for (size_t k = 0; k < v->n; k++) {
        free(v->words[k]);
        free(v->stems[k]);
    }
    free(v->words);
    free(v->stems);
    free(v->word);
    free(v->stem);
}

static int more_frequent(const void *a, const void *b)
{
    const neighbour *x = *(const neighbour *const *)a;
    const neighbour *y = *(const neighbour *const *)b;
    return (x->freq < y->freq) - (x->freq > y->freq);
}

static int has_stem(const ds_typo_variants *v, const char *stem)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->stems[i], stem) == 0) return 1;
    return 0;
}

/* The variants of one word, most frequent first: neighbours of other
 * stems, each stem once. */
static ds_status word_variants(void *ctx, ds_spelling *sp, query_word *w,
                               char **err)
{
    (void)err;
    variant_list *list = ctx;
    if (!dsx_query_has_plain_term(list->query, w->stem)) return DS_OK;
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->items[i].stem, w->stem) == 0) return DS_OK;
    neighbours *ns = near_words(sp, w->tok, w->edits);
    if (ns->n == 0) return DS_OK;
    neighbour **order = ds_xmalloc(ns->n * sizeof *order);
    for (size_t i = 0; i < ns->n; i++) order[i] = &ns->items[i];
    qsort(order, ns->n, sizeof *order, more_frequent);
    ds_typo_variants v = {
        ds_xstrndup(w->tok->term, w->tok->term_len), ds_xstrdup(w->stem),
        ds_xmalloc(DS_TYPO_MAX_VARIANTS * sizeof *v.words),
        ds_xmalloc(DS_TYPO_MAX_VARIANTS * sizeof *v.stems), 0};
    for (size_t i = 0; i < ns->n && v.n < DS_TYPO_MAX_VARIANTS; i++) {
        neighbour *n = order[i];
        if (!n->stem) n->stem = stem_of(sp, n->word, n->len);
        if (strcmp(n->stem, w->stem) == 0 || has_stem(&v, n->stem)) continue;
        v.words[v.n] = ds_xstrdup(n->word);
        v.stems[v.n++] = ds_xstrdup(n->stem);
    }
    free(order);
    if (v.n == 0) {
        free_variants(&v);
        return DS_OK;
    }
    list->items = ds_xrealloc(list->items,
                              (list->n + 1) * sizeof *list->items);
    list->items[list->n++] = v;
    return DS_OK;
}

ds_status ds_spelling_variants(ds_spelling *sp, const char *query,
                               const dsx_query *q, ds_typo_variants **out,
                               size_t *n, char **err)
{
    variant_list list = {q, NULL, 0};
    ds_status st = each_word(sp, query, word_variants, &list, err);
    if (st != DS_OK) {
        ds_typo_variants_free(list.items, list.n);
        list = (variant_list){q, NULL, 0};
    }
    *out = list.items;
    *n = list.n;
    return st;
}

void ds_typo_variants_free(ds_typo_variants *v, size_t n)
{
    for (size_t i = 0; i < n; i++) free_variants(&v[i]);
    free(v);
}
