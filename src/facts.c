/* facts.c — see facts.h. */
#include "facts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "stopwords.h"
#include "util.h"

/* Query terms looked for, at most: best_sentence() keeps a sentence's in
 * the bits of a uint64_t. */
#define MAX_TERMS 64

/* One word of the passage, as the analysis reads it.  What only the words
 * of the fact's sentence need (digits, capitals, stopwords) is left to
 * add_word(). */
typedef struct {
    size_t start, end;
    int query;           /* index of the query term it is, or -1 */
    uint32_t stem;       /* hash of its stem, once stemmed */
    unsigned char stemmed, starts_sentence, attributed;
    size_t term_len;
    char term[DS_MAX_WORD_BYTES]; /* lower-cased, as tokenised; no NUL */
} fact_word;

/* A synonym group's entry of several words, and the hit's term (the
 * group's) it stands for. */
typedef struct {
    const ds_syn_entry *entry;
    int of;
} fact_phrase;

typedef struct {
    ds_analyzer *a;
    const ds_synonyms *synonyms; /* may be NULL */
    const ds_fact_rarity *rarity; /* may be NULL */
    const char *text;
    /* What is looked for (set_terms()): stems, and phrases; term_of[t] is
     * the hit's term that terms[t] stands for. */
    const char *terms[MAX_TERMS];
    size_t term_len[MAX_TERMS];
    int term_of[MAX_TERMS];
    size_t n_terms;
    fact_phrase phrases[MAX_TERMS];
    size_t n_phrases;
    fact_word *w;
    size_t n, cap;
} fact_reading;

static uint32_t hash_bytes(const char *s, size_t len)
{
    return (uint32_t)ds_hash64(s, len);
}

/* Whether word w is `s`. */
static int is_word(const fact_word *w, const char *s)
{
    return w->term_len == strlen(s) && memcmp(w->term, s, w->term_len) == 0;
}

/* Stem word w, keeping its stem's hash; returns the stem (valid until the
 * analyzer's next stemming). */
static const char *stem_word(fact_reading *r, fact_word *w, size_t *len)
{
    const char *stem = ds_analyzer_stem(r->a, w->term, w->term_len, len);
    w->stem = hash_bytes(stem, *len);
    w->stemmed = 1;
    return stem;
}

/* Whether a word could stem to a query term: stems keep a word's first
 * two letters, so only those sharing them with a term are stemmed (most
 * of the cost of reading a passage is stemming). */
static int may_be_query(const fact_reading *r, const char *term, size_t len)
{
    for (size_t t = 0; t < r->n_terms; t++) {
        const char *q = r->terms[t];
        if (q[0] == term[0] && (len < 2 || q[1] == '\0' || q[1] == term[1]))
            return 1;
    }
    return 0;
}

/* The index of the query term word w stems to, or -1. */
static int query_of(fact_reading *r, fact_word *w)
{
    if (!may_be_query(r, w->term, w->term_len)) return -1;
    size_t len;
    const char *stem = stem_word(r, w, &len);
    for (size_t t = 0; t < r->n_terms; t++)
        if (r->term_len[t] == len && memcmp(r->terms[t], stem, len) == 0)
            return r->term_of[t];
    return -1;
}

static int on_word(void *ctx, const ds_token *tok)
{
    fact_reading *r = ctx;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->w = ds_xrealloc(r->w, r->cap * sizeof *r->w);
    }
    fact_word *w = &r->w[r->n++];
    w->start = tok->start;
    w->end = tok->end;
    w->stemmed = w->attributed = 0;
    /* ds_tokenize() leaves out words longer than DS_MAX_WORD_BYTES. */
    w->term_len = tok->term_len;
    memcpy(w->term, tok->term, tok->term_len);
    w->query = query_of(r, w);
    return 0;
}

/* The index of s[0..len), a word, among the n words of `list`, or -1. */
static int find_word(const char *const *list, size_t n, const char *s,
                     size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (list[i][0] == s[0] && strlen(list[i]) == len &&
            memcmp(list[i], s, len) == 0)
            return (int)i;
    return -1;
}

/* Which scale word term[0..len) is (1 thousand .. 4 trillion), or 0. */
static int scale_of(const char *term, size_t len)
{
    static const char *const words[] = {"thousand", "million", "billion",
                                        "trillion", "k", "m", "bn", "tn"};
    int i = find_word(words, sizeof words / sizeof *words, term, len);
    return i < 0 ? 0 : i % 4 + 1;
}

/* Whether the currency sign $, £ or € stands right before text[at]. */
static int after_currency(const char *text, size_t at)
{
    return (at >= 1 && text[at - 1] == '$') ||
           (at >= 2 && memcmp(text + at - 2, "\xC2\xA3", 2) == 0) ||
           (at >= 3 && memcmp(text + at - 3, "\xE2\x82\xAC", 3) == 0);
}

static int has_digit(const fact_word *w)
{
    for (size_t i = 0; i < w->term_len; i++)
        if (w->term[i] >= '0' && w->term[i] <= '9') return 1;
    return 0;
}

/* The key of word i, a number: its digits and decimal point (thousands
 * separators left out: "1,500" = "1500"), with what makes it a figure
 * (*figure): a currency sign before it, a per cent sign or a scale word
 * after it ("$4 million" and "4%" differ, "$2.1bn" = "$2.1 billion"). */
static uint32_t key_number(const fact_reading *r, size_t i, int *figure)
{
    const fact_word *w = &r->w[i];
    char key[DS_MAX_WORD_BYTES + 4];
    size_t n = 0;
    int scale = 0;
    if (after_currency(r->text, w->start)) key[n++] = '$';
    for (size_t k = 0; k < w->term_len && !scale; k++) {
        char c = w->term[k];
        if ((c >= '0' && c <= '9') || c == '.') key[n++] = c;
        else if (c != ',') scale = scale_of(w->term + k, w->term_len - k);
    }
    if (!scale && i + 1 < r->n && r->w[i + 1].start - w->end == 1)
        scale = scale_of(r->w[i + 1].term, r->w[i + 1].term_len);
    if (scale) key[n++] = (char)('0' + scale);
    else if (r->text[w->end] == '%') key[n++] = '%';
    *figure = (n && key[0] == '$') || scale || (n && key[n - 1] == '%');
    return hash_bytes(key, n);
}

/* Mark the words of "according to ..." up to the next comma: who said it
 * is not what was said. */
static void mark_attribution(fact_reading *r)
{
    for (size_t i = 0; i + 1 < r->n; i++) {
        if (!is_word(&r->w[i], "according") || !is_word(&r->w[i + 1], "to"))
            continue;
        for (size_t k = i + 2; k < r->n && !r->w[k].starts_sentence; k++) {
            r->w[k].attributed = 1;
            if (memchr(r->text + r->w[k].end, ',',
                       k + 1 < r->n ? r->w[k + 1].start - r->w[k].end : 0))
                break;
        }
    }
}

/* Whether word i is written in capitals only (two letters or more). */
static int all_capitals(const fact_reading *r, size_t i)
{
    const fact_word *w = &r->w[i];
    if (w->end - w->start < 2) return 0;
    for (size_t k = w->start; k < w->end; k++)
        if (r->text[k] >= 'a' && r->text[k] <= 'z') return 0;
    return 1;
}

/* Whether " - " stands between word i and the next. */
static int dash_after(const fact_reading *r, size_t i)
{
    size_t from = r->w[i].end, to = i + 1 < r->n ? r->w[i + 1].start : from;
    for (size_t k = from; k + 3 <= to; k++)
        if (memcmp(r->text + k, " - ", 3) == 0) return 1;
    return 0;
}

/* Mark a wire story's dateline, "WASHINGTON, March 2 -" opening the
 * passage, as attributed: where and when it was filed, which stories of
 * the same place and day share, is not what they report.  It is the
 * words before a dash among the first DATELINE_WORDS, the first in
 * capitals or the last with a digit. */
#define DATELINE_WORDS 8
static void mark_dateline(fact_reading *r)
{
    for (size_t i = 0; i < r->n && i < DATELINE_WORDS; i++) {
        if (i > 0 && r->w[i].starts_sentence) return;
        if (!dash_after(r, i)) continue;
        if (all_capitals(r, 0) || has_digit(&r->w[i]))
            for (size_t k = 0; k <= i; k++) r->w[k].attributed = 1;
        return;
    }
}

/* Abbreviations after which a full stop does not end a sentence. */
static int is_abbreviation(const char *s, size_t len)
{
    static const char *const list[] = {"Co", "Corp", "Dr", "Gen", "Gov",
                                       "Inc", "Jr", "Ltd", "Mr", "Mrs", "Ms",
                                       "No", "Rep", "Sen", "Sr", "St", "vs"};
    if (len == 1) return 1; /* an initial: "J. Smith", "U.S." */
    return find_word(list, sizeof list / sizeof *list, s, len) >= 0;
}

/* Whether the text between word `prev` and the next ends a sentence: a
 * line break, or a full stop, question or exclamation mark followed by
 * space, not after an abbreviation or an initial. */
static int ends_sentence(const char *text, const fact_word *prev,
                         size_t next_start)
{
    int mark = 0;
    for (size_t i = prev->end; i < next_start; i++) {
        char c = text[i];
        if (c == '\n') return 1;
        if (c == '.' || c == '!' || c == '?') mark = c;
        else if ((c == ' ' || c == '\t') && mark)
            return mark != '.' ||
                   !is_abbreviation(text + prev->start, prev->end - prev->start);
    }
    return 0;
}

static void mark_sentences(fact_reading *r)
{
    for (size_t i = 0; i < r->n; i++)
        r->w[i].starts_sentence =
            i == 0 || ends_sentence(r->text, &r->w[i - 1], r->w[i].start);
}

/* The sentence [*from, *to) of words holding the most distinct query
 * terms, the first of equals; none (from == to) when none holds one. */
static void best_sentence(const fact_reading *r, size_t *from, size_t *to)
{
    unsigned best = 0;
    *from = *to = 0;
    for (size_t s = 0; s < r->n;) {
        size_t e = s + 1;
        while (e < r->n && !r->w[e].starts_sentence) e++;
        uint64_t seen = 0;
        unsigned distinct = 0;
        for (size_t i = s; i < e; i++)
            if (r->w[i].query >= 0 && !(seen >> r->w[i].query & 1)) {
                seen |= (uint64_t)1 << r->w[i].query;
                distinct++;
            }
        if (distinct > best) {
            best = distinct;
            *from = s;
            *to = e;
        }
        s = e;
    }
}

static void set_add(ds_fact_set *s, uint32_t key, float weight)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->items = ds_xrealloc(s->items, s->cap * sizeof *s->items);
    }
    s->items[s->n++] = (ds_fact_item){key, weight};
}

static int cmp_item(const void *a, const void *b)
{
    uint32_t x = ((const ds_fact_item *)a)->key;
    uint32_t y = ((const ds_fact_item *)b)->key;
    return (x > y) - (x < y);
}

/* Sort a[0..n) by key: the tens of words of most sentences by insertion,
 * which costs a fraction of qsort()'s calls through cmp_item. */
static void sort_items(ds_fact_item *a, size_t n)
{
    if (n > 64) {
        qsort(a, n, sizeof *a, cmp_item);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        ds_fact_item x = a[i];
        size_t k = i;
        for (; k > 0 && a[k - 1].key > x.key; k--) a[k] = a[k - 1];
        a[k] = x;
    }
}

static void set_finish(ds_fact_set *s)
{
    if (s->n == 0) return;
    sort_items(s->items, s->n);
    size_t k = 1;
    for (size_t i = 1; i < s->n; i++)
        if (s->items[i].key != s->items[k - 1].key)
            s->items[k++] = s->items[i];
    s->n = k;
}

static int set_has(const ds_fact_set *s, uint32_t key)
{
    ds_fact_item x = {key, 0};
    return s->n &&
           bsearch(&x, s->items, s->n, sizeof *s->items, cmp_item) != NULL;
}

/* Whether word w was written with a capital: its term is lower-cased, so a
 * first byte that differs was one. */
static int is_capital(const fact_reading *r, const fact_word *w)
{
    return r->text[w->start] != w->term[0];
}

/* A capitalised word (without digits) is a name, unless it only starts
 * sentences: then it is a name when the passage also writes it
 * capitalised elsewhere. */
static int is_name(const fact_reading *r, const fact_word *w)
{
    if (!is_capital(r, w)) return 0;
    if (!w->starts_sentence) return 1;
    for (size_t i = 0; i < r->n; i++) {
        const fact_word *o = &r->w[i];
        if (!o->starts_sentence && o->term_len == w->term_len &&
            is_capital(r, o) && memcmp(o->term, w->term, w->term_len) == 0)
            return 1;
    }
    return 0;
}

/* The weight of word w (ds_fact_rarity), stemming it. */
static float weigh(fact_reading *r, fact_word *w)
{
    const ds_fact_rarity *k = r->rarity;
    size_t len;
    if (!k && w->stemmed) return 1;
    const char *stem = stem_word(r, w, &len);
    if (!k) return 1;
    double freq = (double)k->freq(k->ctx, stem, len);
    return (float)log2(1 + k->total / (freq + 1));
}

/* Add word i of the fact's sentence to what f holds.  A number counts
 * among the words by its key (no stopword has digits), a name among the
 * names only. */
static void add_word(fact_reading *r, size_t i, ds_fact *f)
{
    fact_word *w = &r->w[i];
    if (has_digit(w)) {
        int figure;
        uint32_t number = key_number(r, i, &figure);
        set_add(&f->numbers, number, 1);
        if (figure) set_add(&f->figures, number, 1);
        if (w->query < 0) set_add(&f->words, number, weigh(r, w));
        return;
    }
    if (w->query >= 0 || ds_is_stopword(w->term, w->term_len)) return;
    float weight = weigh(r, w);
    if (is_name(r, w)) set_add(&f->names, w->stem, 1);
    else set_add(&f->words, w->stem, weight);
}

static void add_term(fact_reading *r, const char *stem, size_t of)
{
    if (r->n_terms == MAX_TERMS) return;
    r->terms[r->n_terms] = stem;
    r->term_len[r->n_terms] = strlen(stem);
    r->term_of[r->n_terms++] = (int)of;
}

/* What to look for: the hit's terms, a synonym group's term read as its
 * entries (a stem, or a phrase of several), all of which count as that
 * one term: a passage matched "CEO" through "chief executive", and its
 * fact is the sentence saying "chief executive".  A term's index stays
 * below MAX_TERMS, as each adds a stem or a phrase or more. */
static void set_terms(fact_reading *r, char *const *terms, size_t n_terms)
{
    r->n_terms = r->n_phrases = 0;
    for (size_t t = 0; t < n_terms && r->n_terms + r->n_phrases < MAX_TERMS;
         t++) {
        const ds_syn_group *g =
            r->synonyms ? ds_synonyms_group(r->synonyms, terms[t]) : NULL;
        if (!g) {
            add_term(r, terms[t], t);
            continue;
        }
        for (size_t e = 0; e < g->n; e++) {
            const ds_syn_entry *entry = &g->entries[e];
            if (entry->n == 1)
                add_term(r, entry->stems[0], t);
            else if (r->n_phrases < MAX_TERMS)
                r->phrases[r->n_phrases++] = (fact_phrase){entry, (int)t};
        }
    }
}

/* Whether the words from i on are entry e's, in order. */
static int phrase_at(fact_reading *r, size_t i, const ds_syn_entry *e)
{
    if (i + e->n > r->n) return 0;
    for (size_t k = 0; k < e->n; k++) {
        size_t len;
        const char *stem = stem_word(r, &r->w[i + k], &len);
        if (strlen(e->stems[k]) != len || memcmp(stem, e->stems[k], len))
            return 0;
    }
    return 1;
}

/* The words of each of the phrases looked for, where it occurs, are the
 * term it stands for. */
static void mark_phrases(fact_reading *r)
{
    for (size_t p = 0; p < r->n_phrases; p++) {
        const fact_phrase *ph = &r->phrases[p];
        for (size_t i = 0; i < r->n; i++)
            if (phrase_at(r, i, ph->entry))
                for (size_t k = 0; k < ph->entry->n; k++)
                    r->w[i + k].query = ph->of;
    }
}

/* ds_fact_read() with reading r, whose words' array (r->w, r->cap) is
 * kept from one passage to the next. */
static void read_fact(fact_reading *r, const char *text, size_t len,
                      char *const *terms, size_t n_terms, ds_fact *f)
{
    r->text = text;
    set_terms(r, terms, n_terms);
    r->n = 0;
    ds_tokenize(text, len, on_word, r);
    mark_phrases(r);
    mark_sentences(r);
    mark_attribution(r);
    mark_dateline(r);
    size_t from, to;
    best_sentence(r, &from, &to);
    f->start = f->end = 0;
    if (from < to) {
        f->start = r->w[from].start;
        f->end = r->w[to - 1].end;
    }
    for (size_t i = from; i < to; i++)
        if (!r->w[i].attributed) add_word(r, i, f);
    set_finish(&f->words);
    set_finish(&f->names);
    set_finish(&f->numbers);
    set_finish(&f->figures);
}

void ds_fact_read(ds_analyzer *a, const ds_synonyms *synonyms,
                  const ds_fact_rarity *rarity, const char *text, size_t len,
                  char *const *terms, size_t n_terms, ds_fact *f)
{
    fact_reading r = {.a = a, .synonyms = synonyms, .rarity = rarity};
    read_fact(&r, text, len, terms, n_terms, f);
    free(r.w);
}

void ds_fact_free(ds_fact *f)
{
    free(f->words.items);
    free(f->names.items);
    free(f->numbers.items);
    free(f->figures.items);
    memset(f, 0, sizeof *f);
}

/* How many of x's items are in y and not in `except` (may be NULL): one
 * walk through both, sorted as they are.  With `weight`, also their
 * weight, each the lesser of its two (a number's key may stand for words
 * of different rarity: "7" and "7bn"), so that it is symmetric. */
static size_t shared_weighed(const ds_fact_set *x, const ds_fact_set *y,
                             const ds_fact_set *except, double *weight)
{
    size_t n = 0;
    double w = 0;
    for (size_t i = 0, k = 0; i < x->n && k < y->n;) {
        if (x->items[i].key < y->items[k].key) {
            i++;
        } else if (x->items[i].key > y->items[k].key) {
            k++;
        } else {
            if (!(except && set_has(except, x->items[i].key))) {
                float a = x->items[i].weight, b = y->items[k].weight;
                n++;
                w += a < b ? a : b;
            }
            i++;
            k++;
        }
    }
    if (weight) *weight = w;
    return n;
}

static size_t shared(const ds_fact_set *x, const ds_fact_set *y,
                     const ds_fact_set *except)
{
    return shared_weighed(x, y, except, NULL);
}

/* The weight of x's items not in `except` (may be NULL). */
static double weight_of(const ds_fact_set *x, const ds_fact_set *except)
{
    double w = 0;
    for (size_t i = 0; i < x->n; i++)
        if (!(except && set_has(except, x->items[i].key)))
            w += x->items[i].weight;
    return w;
}

void ds_fact_common(const ds_fact *facts, size_t n, ds_fact_set *common)
{
    ds_fact_set all = {0};
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < facts[i].words.n; k++)
            set_add(&all, facts[i].words.items[k].key, 1);
    sort_items(all.items, all.n);
    for (size_t i = 0; i < all.n;) {
        size_t e = i + 1;
        while (e < all.n && all.items[e].key == all.items[i].key) e++;
        if (e - i >= DS_FACT_COMMON_MIN)
            set_add(common, all.items[i].key, 1);
        i = e;
    }
    free(all.items);
}

static int numbers_agree(const ds_fact *x, const ds_fact *y)
{
    size_t both = shared(&x->numbers, &y->numbers, NULL);
    size_t fig = shared(&x->figures, &y->figures, NULL);
    size_t plain = both - fig;
    int figures_ok = fig == x->figures.n || fig == y->figures.n;
    int plain_ok = plain == x->numbers.n - x->figures.n ||
                   plain == y->numbers.n - y->figures.n;
    return figures_ok && plain_ok;
}

/* Whether each names someone or something the other does not, more of
 * them than the names they share. */
static int names_conflict(const ds_fact *x, const ds_fact *y)
{
    size_t both = shared(&x->names, &y->names, NULL);
    size_t lone_x = x->names.n - both, lone_y = y->names.n - both;
    return (lone_x < lone_y ? lone_x : lone_y) > both;
}

double ds_fact_overlap(const ds_fact *x, const ds_fact *y,
                       const ds_fact_set *common)
{
    /* Each one's words that are not common, weighed. */
    double wx = weight_of(&x->words, common);
    double wy = weight_of(&y->words, common);
    double least = wx < wy ? wx : wy;
    double both;
    shared_weighed(&x->words, &y->words, common, &both);
    return least > 0 ? both / least : 0;
}

double ds_fact_likeness(const ds_fact *x, const ds_fact *y,
                        const ds_fact_set *common)
{
    if (x->start == x->end || y->start == y->end) return 0;
    if (!numbers_agree(x, y)) return 0;
    /* The same figure: the same fact, unless they name nothing alike. */
    if (shared(&x->figures, &y->figures, NULL))
        return shared(&x->names, &y->names, NULL) > 0 || !x->names.n ||
               !y->names.n;
    if (names_conflict(x, y) ||
        shared(&x->words, &y->words, common) < DS_FACT_MIN_SHARED)
        return 0;
    return ds_fact_overlap(x, y, common);
}

int ds_fact_same(const ds_fact *x, const ds_fact *y,
                 const ds_fact_set *common)
{
    return ds_fact_likeness(x, y, common) >= DS_FACT_OVERLAP;
}

char *ds_fact_sentence(ds_analyzer *a, const ds_synonyms *synonyms,
                       const char *text, size_t len, char *const *terms,
                       size_t n_terms)
{
    ds_fact f = {0};
    ds_fact_read(a, synonyms, NULL, text, len, terms, n_terms, &f);
    char *s = f.start < f.end ? ds_xstrndup(text + f.start, f.end - f.start)
                              : NULL;
    ds_fact_free(&f);
    return s;
}

/* Whether `leader`, or a passage folded into it, is of `source`. */
static int group_has_source(const ds_hit *leader, const char *source)
{
    if (strcmp(leader->record.source, source) == 0) return 1;
    for (size_t i = 0; i < leader->n_also; i++)
        if (strcmp(leader->also[i].source, source) == 0) return 1;
    return 0;
}

static void add_also(ds_hit *leader, const ds_hit *h, const ds_fact *f,
                     size_t max_also)
{
    if (leader->n_also >= max_also) return;
    leader->also = ds_xrealloc(leader->also,
                               (leader->n_also + 1) * sizeof *leader->also);
    ds_also *e = &leader->also[leader->n_also++];
    e->source = ds_xstrdup(h->record.source);
    e->passage = h->record.passage;
    e->sentence = ds_xstrndup(h->record.text + f->start, f->end - f->start);
}

/* Whether the hits come from more than one source (else none folds). */
static int several_sources(const ds_hit *hits, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (strcmp(hits[i].record.source, hits[0].record.source) != 0)
            return 1;
    return 0;
}

size_t ds_fact_fold(ds_analyzer *a, const ds_synonyms *synonyms,
                    const ds_fact_rarity *rarity, ds_hit *hits, size_t n,
                    size_t max_also, unsigned char *folded)
{
    memset(folded, 0, n);
    if (!several_sources(hits, n)) return 0;
    ds_fact *facts = ds_xmalloc((n ? n : 1) * sizeof *facts);
    memset(facts, 0, (n ? n : 1) * sizeof *facts);
    fact_reading r = {.a = a, .synonyms = synonyms, .rarity = rarity};
    for (size_t i = 0; i < n; i++)
        read_fact(&r, hits[i].record.text, hits[i].record.text_len,
                  hits[i].terms, hits[i].n_terms, &facts[i]);
    free(r.w);
    ds_fact_set common = {0};
    ds_fact_common(facts, n, &common);
    size_t n_folded = 0;
    for (size_t i = 1; i < n; i++)
        for (size_t j = 0; j < i && !folded[i]; j++) {
            if (folded[j] || group_has_source(&hits[j], hits[i].record.source) ||
                !ds_fact_same(&facts[i], &facts[j], &common))
                continue;
            add_also(&hits[j], &hits[i], &facts[i], max_also);
            folded[i] = 1;
            n_folded++;
        }
    for (size_t i = 0; i < n; i++) ds_fact_free(&facts[i]);
    free(facts);
    free(common.items);
    return n_folded;
}
