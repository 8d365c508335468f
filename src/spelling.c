/*
 * spelling.c — corrections and suggestions from the vocabulary
 * (spelling.h).
 */
#include "spelling.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vocab.h"

/* Neighbours looked at for one word, at most (a bound on the work for
 * short words in a large vocabulary; the closest come first anyway). */
#define MAX_NEIGHBOURS 256

struct ds_spelling {
    dsx_db *db;
    char *dir;
    ds_analyzer *analyzer;
    ds_vocab *vocab;
};

/* ---- The vocabulary ---- */

typedef struct {
    ds_vocab_builder *builder;
    ds_status status;
    char *error;
} filling;

static int add_word(void *ctx, const char *word, size_t len,
                    unsigned long freq)
{
    filling *f = ctx;
    f->status = ds_vocab_builder_add(f->builder, word, len, freq, &f->error);
    return f->status != DS_OK;
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
    return st;
}

ds_status ds_spelling_write_vocab(const char *dir, char **err)
{
    filling f = {ds_vocab_builder_new(), DS_OK, NULL};
    char *stamp = NULL, *why = NULL;
    ds_status st = dsx_spellings_at(dir, add_word, &f, &stamp, &why);
    st = filled(&f, st, why, dir, err);
    if (st == DS_OK) {
        char *path = ds_xasprintf("%s/%s", dir, DS_VOCAB_FILE);
        st = ds_vocab_builder_write(f.builder, path, stamp, err);
        free(path);
    }
    free(stamp);
    ds_vocab_builder_free(f.builder);
    return st;
}

ds_spelling *ds_spelling_new(dsx_db *db, const char *dir, ds_analyzer *a)
{
    ds_spelling *sp = ds_xmalloc(sizeof *sp);
    sp->db = db;
    sp->dir = ds_xstrdup(dir);
    sp->analyzer = a;
    sp->vocab = NULL;
    return sp;
}

void ds_spelling_free(ds_spelling *sp)
{
    if (!sp) return;
    ds_vocab_close(sp->vocab);
    free(sp->dir);
    free(sp);
}

/* The vocabulary file when it describes the database as it is; else one
 * built from the spelling table (slower, never wrong). */
static ds_status load_vocab(ds_spelling *sp, char **err)
{
    if (sp->vocab) return DS_OK;
    char *stamp = NULL, *why = NULL;
    /* No stamp (a database of several): the file cannot be trusted. */
    if (dsx_db_stamp(sp->db, &stamp, &why) == DS_OK) {
        char *path = ds_xasprintf("%s/%s", sp->dir, DS_VOCAB_FILE);
        ds_vocab_open(path, stamp, &sp->vocab, NULL);
        free(path);
    }
    free(stamp);
    free(why);
    if (sp->vocab) return DS_OK;
    filling f = {ds_vocab_builder_new(), DS_OK, NULL};
    why = NULL;
    ds_status st = dsx_db_spellings(sp->db, add_word, &f, &why);
    st = filled(&f, st, why, sp->dir, err);
    if (st == DS_OK) sp->vocab = ds_vocab_builder_finish(f.builder);
    ds_vocab_builder_free(f.builder);
    return st;
}

/* ---- One word ---- */

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
        n->stem = stem_of(sp, n->word, n->len);
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

typedef struct {
    ds_spelling *sp;
    const char *query;
    size_t len;
    int correct;
    ds_spelling_report *report;
    ds_status status;
    char *error;
} checking;

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

static void add_fix(checking *c, const ds_token *tok, const neighbour *best,
                    unsigned long passages, int applied)
{
    ds_spelling_report *r = c->report;
    r->fixes = ds_xrealloc(r->fixes, (r->n_fixes + 1) * sizeof *r->fixes);
    ds_spelling_fix *f = &r->fixes[r->n_fixes++];
    const char *typed = c->query + tok->start;
    size_t typed_len = tok->end - tok->start;
    f->start = tok->start;
    f->end = tok->end;
    f->word = ds_xstrndup(typed, typed_len);
    f->suggestion = in_case_of(typed, typed_len, best->word);
    f->passages = passages;
    f->applied = applied;
}

/* Decide for one word of the query (spelling.h's rules). */
static ds_status check_word(checking *c, const ds_token *tok, char **err)
{
    ds_spelling *sp = c->sp;
    int has_digit;
    unsigned k = max_edits(letters(tok->term, tok->term_len, &has_digit));
    if (k == 0 || has_digit) return DS_OK;
    ds_status st = load_vocab(sp, err);
    if (st != DS_OK) return st;
    char *stem = stem_of(sp, tok->term, tok->term_len);
    unsigned long docs = 0, rival = 0, passages = 0;
    neighbours ns = {0};
    st = dsx_db_term_freq(sp->db, stem, &docs, err);
    if (st == DS_OK)
        ds_vocab_near(sp->vocab, tok->term, tok->term_len, k, collect, &ns);
    const neighbour *best =
        st == DS_OK ? best_neighbour(sp, &ns, stem, &rival) : NULL;
    if (best) {
        unsigned long own = ds_vocab_freq(sp->vocab, tok->term, tok->term_len);
        int common = best->freq >= DS_SPELLING_MIN_FREQ;
        int wanted = docs == 0 ||
                     (common && best->freq >= DS_SPELLING_RARE_RATIO * own);
        int apply = docs == 0 && c->correct && common &&
                    !capitalised(c->query + tok->start, tok) &&
                    best->freq >= DS_SPELLING_RIVAL_RATIO * rival;
        if (wanted) st = dsx_db_term_freq(sp->db, best->stem, &passages, err);
        if (wanted && st == DS_OK) add_fix(c, tok, best, passages, apply);
    }
    free_neighbours(&ns);
    free(stem);
    return st;
}

static int is_operator(const char *s, size_t len)
{
    static const char *const ops[] = {"AND", "OR", "NOT", "XOR", "NEAR",
                                      "ADJ"};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (len == strlen(ops[i]) && memcmp(s, ops[i], len) == 0) return 1;
    return 0;
}

/* Words to leave alone: operators, field names and values, wildcards. */
static int skip_word(const checking *c, const ds_token *tok)
{
    const char *q = c->query;
    if (is_operator(q + tok->start, tok->end - tok->start)) return 1;
    if (tok->end < c->len && (q[tok->end] == ':' || q[tok->end] == '*'))
        return 1;
    /* Any word of a field's value (date:26-feb-1987), not just its
     * first. */
    for (size_t i = tok->start; i > 0 && q[i - 1] != ' '; i--)
        if (q[i - 1] == ':') return 1;
    return 0;
}

static int check_token(void *ctx, const ds_token *tok)
{
    checking *c = ctx;
    if (skip_word(c, tok)) return 0;
    c->status = check_word(c, tok, &c->error);
    return c->status != DS_OK;
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
    checking c = {sp, query, strlen(query), correct, out, DS_OK, NULL};
    ds_tokenize(query, c.len, check_token, &c);
    if (c.status != DS_OK) {
        ds_status st = ds_fail(err, c.status, "%s", c.error);
        free(c.error);
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
