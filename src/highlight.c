/* highlight.c — see highlight.h. */
#include "highlight.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
    ds_analyzer *analyzer;
    char **terms;   /* sorted body terms */
    size_t n_terms;
    const ds_match_terms *query;
    ds_span_list *out;
} match_ctx;

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

static int match_token(void *ctx, const ds_token *tok)
{
    match_ctx *m = ctx;
    size_t stem_len;
    const char *stem =
        ds_analyzer_stem(m->analyzer, tok->term, tok->term_len, &stem_len);
    char key[DS_MAX_WORD_BYTES * 2 + 1];
    if (stem_len >= sizeof key) return 0;
    memcpy(key, stem, stem_len);
    key[stem_len] = '\0';
    const char *k = key;
    int hit = m->n_terms && bsearch(&k, m->terms, m->n_terms,
                                    sizeof *m->terms, compare_strings);
    for (size_t i = 0; !hit && i < m->query->n_prefixes; i++) {
        const char *prefix = m->query->prefixes[i];
        hit = strncmp(key, prefix, strlen(prefix)) == 0;
    }
    if (hit) push_span(m->out, tok->start, tok->end);
    return 0;
}

void ds_find_matches(ds_analyzer *a, const char *text, size_t len,
                     const ds_match_terms *q, ds_span_list *out)
{
    match_ctx m = {a, ds_xmalloc((q->n_terms ? q->n_terms : 1) *
                                 sizeof(char *)),
                   0, q, out};
    for (size_t i = 0; i < q->n_terms; i++)
        if (!(q->terms[i][0] >= 'A' && q->terms[i][0] <= 'Z'))
            m.terms[m.n_terms++] = q->terms[i];
    if (m.n_terms || q->n_prefixes) {
        qsort(m.terms, m.n_terms, sizeof *m.terms, compare_strings);
        ds_tokenize(text, len, match_token, &m);
    }
    free(m.terms);
}

typedef struct {
    const char *query;
    size_t len;
    char **prefixes;
    size_t n;
} wildcard_ctx;

static int note_wildcard(void *ctx, const ds_token *tok)
{
    wildcard_ctx *w = ctx;
    if (tok->end < w->len && w->query[tok->end] == '*') {
        w->prefixes = ds_xrealloc(w->prefixes, (w->n + 1) * sizeof(char *));
        w->prefixes[w->n++] = ds_xstrndup(tok->term, tok->term_len);
    }
    return 0;
}

void ds_wildcard_prefixes(const char *query, char ***prefixes, size_t *n)
{
    wildcard_ctx w = {query, strlen(query), NULL, 0};
    ds_tokenize(query, w.len, note_wildcard, &w);
    *prefixes = w.prefixes;
    *n = w.n;
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
