/* highlight.c — see highlight.h. */
#include "highlight.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void push_span(ds_span_list *list, size_t start, size_t end)
{
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 16;
        list->items = ds_xrealloc(list->items, list->cap * sizeof *list->items);
    }
    list->items[list->count].start = start;
    list->items[list->count].end = end;
    list->count++;
}

/* The first two bytes of every stem a word could have to match: English
 * Snowball stems keep a word's first two letters, so words starting
 * otherwise need not be stemmed at all. */
typedef struct {
    unsigned char seen[256][256 / 8];
} prefix_set;

struct ds_highlighter {
    ds_analyzer *analyzer;
    const ds_synonyms *synonyms;
    char **prefixes;    /* the wildcards' */
    size_t n_prefixes;
    prefix_set *candidates; /* empty between calls of ds_highlight */
};

/* What a hit matched, for the functions below. */
typedef struct {
    char *const *terms;
    size_t n_terms;
    const ds_highlighter *h;
} match_terms;

/* Order of a stem (not NUL-terminated) against a term. */
static int compare_stem(const char *stem, size_t len, const char *term)
{
    int c = strncmp(stem, term, len);
    return c ? c : -(term[len] != '\0');
}

/* Does stem[0..len) match a body term (sorted[0..n_sorted), in strcmp
 * order) or a wildcard prefix? */
static int stem_matches(const char *stem, size_t len, char **sorted,
                        size_t n_sorted, const ds_highlighter *h)
{
    size_t lo = 0, hi = n_sorted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare_stem(stem, len, sorted[mid]);
        if (c == 0) return 1;
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    for (size_t i = 0; i < h->n_prefixes; i++) {
        size_t n = strlen(h->prefixes[i]);
        if (n <= len && memcmp(stem, h->prefixes[i], n) == 0) return 1;
    }
    return 0;
}

/* Spans of the group's multi-word entries among `l`. */
static void match_phrases(const ds_stemmed_words *words,
                          const ds_syn_group *g, ds_span_list *out)
{
    for (size_t e = 0; e < g->n; e++) {
        const ds_syn_entry *entry = &g->entries[e];
        if (entry->n < 2) continue;
        for (size_t at = 0; at < words->count; at++)
            if (ds_synonyms_phrase_at(words, at, entry))
                push_span(out, words->items[at].start,
                          words->items[at + entry->n - 1].end);
    }
}

static int compare_spans(const void *a, const void *b)
{
    const ds_span *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* Sort spans and merge overlapping ones. */
static void normalise_spans(ds_span_list *l, size_t from)
{
    size_t n = l->count - from;
    if (n < 2) return;
    ds_span *s = l->items + from;
    qsort(s, n, sizeof *s, compare_spans);
    size_t out = 0;
    for (size_t i = 1; i < n; i++) {
        if (s[i].start <= s[out].end) {
            if (s[i].end > s[out].end) s[out].end = s[i].end;
        } else {
            s[++out] = s[i];
        }
    }
    l->count = from + out + 1;
}

/* Note the first two bytes of s, or with `on` 0 forget them (and any
 * others sharing their byte of the set: forgetting every prefix noted
 * empties it). */
static void prefix_add(prefix_set *p, const char *s, int on)
{
    unsigned char a = (unsigned char)s[0], b = a ? (unsigned char)s[1] : 0;
    if (on) p->seen[a][b / 8] |= (unsigned char)(1u << (b % 8));
    else p->seen[a][b / 8] = 0;
}

static int prefix_filter(void *ctx, const char *term, size_t len)
{
    const prefix_set *p = ctx;
    unsigned char a = (unsigned char)term[0];
    unsigned char b = len > 1 ? (unsigned char)term[1] : 0;
    /* A one-letter stem matches words that start with that letter. */
    return (p->seen[a][b / 8] >> (b % 8) & 1) || (p->seen[a][0] & 1);
}

/* Note (`on`) or forget in the highlighter's set the prefixes of the
 * stems a hit's words could have to match. */
static void add_candidates(const match_terms *m, int on)
{
    const ds_highlighter *h = m->h;
    prefix_set *p = h->candidates;
    for (size_t i = 0; i < m->n_terms; i++) {
        const ds_syn_group *g = ds_synonyms_group(h->synonyms, m->terms[i]);
        if (!dsx_term_is_prefixed(m->terms[i])) prefix_add(p, m->terms[i], on);
        for (size_t e = 0; g && e < g->n; e++)
            for (size_t k = 0; k < g->entries[e].n; k++)
                prefix_add(p, g->entries[e].stems[k], on);
    }
    for (size_t i = 0; i < h->n_prefixes; i++)
        prefix_add(p, h->prefixes[i], on);
}

/* What mark_word() looks for, and where it puts the spans. */
typedef struct {
    const ds_highlighter *h; /* its candidates noted */
    char **sorted;
    size_t n_sorted;
    ds_span_list *out;
} marking;

static int mark_word(void *ctx, const ds_token *tok)
{
    marking *m = ctx;
    if (!prefix_filter(m->h->candidates, tok->term, tok->term_len))
        return 0;
    size_t len;
    const char *stem = ds_analyzer_stem(m->h->analyzer, tok->term,
                                        tok->term_len, &len);
    if (stem_matches(stem, len, m->sorted, m->n_sorted, m->h))
        push_span(m->out, tok->start, tok->end);
    return 0;
}

/* The words' spans, and the synonym groups' phrases': the phrases need
 * the passage's words in turn, so they are kept (the words alone are
 * marked as they are read). */
static void mark_phrases(const marking *m, const char *text, size_t len,
                         char *const *terms, size_t n_terms)
{
    ds_stemmed_words words = {0};
    ds_stem_words(m->h->analyzer, text, len, prefix_filter,
                  m->h->candidates, &words);
    for (size_t i = 0; i < words.count; i++) {
        const char *stem = words.items[i].stem;
        if (stem && stem_matches(stem, strlen(stem), m->sorted, m->n_sorted,
                                 m->h))
            push_span(m->out, words.items[i].start, words.items[i].end);
    }
    for (size_t i = 0; i < n_terms; i++) {
        const ds_syn_group *g = ds_synonyms_group(m->h->synonyms, terms[i]);
        if (g) match_phrases(&words, g, m->out);
    }
    ds_stemmed_words_free(&words);
}

void ds_highlight(ds_highlighter *h, const char *text, size_t len,
                  char *const *terms, size_t n_terms, ds_span_list *out)
{
    match_terms mt = {terms, n_terms, h};
    char **sorted = ds_xmalloc((n_terms ? n_terms : 1) * sizeof *sorted);
    size_t n_sorted = 0, n_groups = 0;
    for (size_t i = 0; i < n_terms; i++) {
        if (!dsx_term_is_prefixed(terms[i]))
            sorted[n_sorted++] = terms[i];
        else if (ds_synonyms_group(h->synonyms, terms[i]))
            n_groups++;
    }
    if (n_sorted || n_groups || h->n_prefixes) {
        qsort(sorted, n_sorted, sizeof *sorted, compare_strings);
        add_candidates(&mt, 1);
        marking m = {h, sorted, n_sorted, out};
        size_t from = out->count;
        if (n_groups) mark_phrases(&m, text, len, terms, n_terms);
        else ds_tokenize(text, len, mark_word, &m);
        normalise_spans(out, from);
        add_candidates(&mt, 0); /* empty again */
    }
    free(sorted);
}

typedef struct {
    const char *query;
    size_t len;
    ds_highlighter *h;
} wildcard_ctx;

static int note_wildcard(void *ctx, const ds_token *tok)
{
    wildcard_ctx *w = ctx;
    ds_highlighter *h = w->h;
    if (tok->end < w->len && w->query[tok->end] == '*') {
        h->prefixes = ds_xrealloc(h->prefixes,
                                  (h->n_prefixes + 1) * sizeof(char *));
        h->prefixes[h->n_prefixes++] = ds_xstrndup(tok->term, tok->term_len);
    }
    return 0;
}

ds_highlighter *ds_highlighter_new(ds_analyzer *a, const char *query,
                                   const ds_synonyms *synonyms)
{
    ds_highlighter *h = ds_xmalloc(sizeof *h);
    *h = (ds_highlighter){a, synonyms, NULL, 0, NULL};
    h->candidates = ds_xmalloc(sizeof *h->candidates);
    memset(h->candidates, 0, sizeof *h->candidates);
    wildcard_ctx w = {query, strlen(query), h};
    ds_tokenize(query, w.len, note_wildcard, &w);
    return h;
}

void ds_highlighter_free(ds_highlighter *h)
{
    if (!h) return;
    for (size_t i = 0; i < h->n_prefixes; i++) free(h->prefixes[i]);
    free(h->prefixes);
    free(h->candidates);
    free(h);
}

void ds_span_list_free(ds_span_list *list)
{
    free(list->items);
    memset(list, 0, sizeof *list);
}

/* ---- Snippet window ---- */

static int is_space(char c)
{
    return c == ' ';
}

/* Move `pos` back to the start of the word it is in. */
static size_t word_start(const char *text, size_t pos)
{
    while (pos > 0 && !is_space(text[pos - 1])) pos--;
    return pos;
}

/* Move `pos` back to just after the last space at or before it. */
static size_t word_end_before(const char *text, size_t start, size_t pos)
{
    while (pos > start && !is_space(text[pos])) pos--;
    return pos > start ? pos : start;
}

/* Start at a sentence beginning when one is close before the first match. */
static size_t choose_start(const char *text, size_t first_match,
                           size_t lead)
{
    size_t floor = first_match > lead ? first_match - lead : 0;
    for (size_t i = first_match; i > floor; i--) {
        char c = text[i - 1];
        if (i >= 2 && is_space(c) &&
            (text[i - 2] == '.' || text[i - 2] == '?' || text[i - 2] == '!'))
            return i;
    }
    return floor == 0 ? 0 : word_start(text, floor);
}

ds_window ds_snippet_window(const char *text, size_t len,
                            const ds_span_list *m, size_t max_bytes)
{
    ds_window best = {0, len};
    if (len <= max_bytes) return best;
    size_t best_score = 0;
    best.end = word_end_before(text, 0, max_bytes);
    const size_t lead = max_bytes / 4;
    for (size_t i = 0; i < m->count; i++) {
        size_t start = choose_start(text, m->items[i].start, lead);
        size_t end = start + max_bytes >= len
                         ? len
                         : word_end_before(text, start, start + max_bytes);
        /* Score: distinct matched words fully inside, then all matches. */
        size_t distinct = 0, total = 0;
        for (size_t j = i; j < m->count && m->items[j].end <= end; j++) {
            total++;
            int seen = 0;
            for (size_t k = i; k < j && !seen; k++) {
                size_t a = m->items[k].end - m->items[k].start;
                size_t b = m->items[j].end - m->items[j].start;
                seen = a == b &&
                       strncmp(text + m->items[k].start,
                               text + m->items[j].start, a) == 0;
            }
            distinct += !seen;
        }
        size_t score = distinct * 1000 + total;
        if (score > best_score) {
            best_score = score;
            best.start = start;
            best.end = end;
        }
    }
    return best;
}
