/*
 * gen_queries.c — the benchmark's query set, drawn from a corpus with a
 * fixed seed (same corpus and seed, same queries).
 *
 *   gen_queries CORPUS_DIR OUT.tsv [--seed=N]
 *
 * Words are the corpus's whitespace-separated tokens with surrounding
 * punctuation stripped, kept only when they are two or more ASCII letters
 * (lower-cased), so every system tokenises them the same way.  Classes:
 *   word_common  one word in >= 0.5% of passages
 *   word_medium  one word in 1/20000 .. 1/2000 of passages (at least 6..20)
 *   word_rare    one word in 2..5 passages
 *   and2, and3   2 or 3 distinct words of one passage, in text order
 *   phrase2/3    2 or 3 consecutive words of one passage, quoted
 * Every query matches at least the passage it came from, with all words
 * required (AND), so no system falls back to OR.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* ---- passages and their words ------------------------------------------ */

typedef struct {
    char *word;      /* lower-cased; NULL when the token is not a word */
    int joins_next;  /* no punctuation between this word and the next */
} token;

typedef struct {
    token *tokens;
    size_t count;
} passage;

typedef struct {
    passage *items;
    size_t count, cap;
} corpus;

static int is_lead_punct(char c) { return c && strchr("([{\"'`", c); }
static int is_trail_punct(char c) { return c && strchr(".,;:!?)]}\"'`", c); }

/* The word of the whitespace token s[0..n), or NULL; *lead and *trail say
 * whether punctuation was stripped before and after it. */
static char *token_word(const char *s, size_t n, int *lead, int *trail)
{
    size_t a = 0, b = n;
    while (a < b && is_lead_punct(s[a])) a++;
    while (b > a && is_trail_punct(s[b - 1])) b--;
    *lead = a > 0;
    *trail = b < n;
    if (b - a < 2) return NULL;
    for (size_t i = a; i < b; i++)
        if (!isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80) return NULL;
    char *w = bx_strndup(s + a, b - a);
    for (char *p = w; *p; p++) *p = (char)tolower((unsigned char)*p);
    return w;
}

static void tokenize(passage *p, const char *text, size_t len)
{
    size_t cap = 0;
    p->tokens = NULL;
    p->count = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && text[i] == ' ') i++;
        size_t start = i;
        while (i < len && text[i] != ' ') i++;
        if (i == start) break;
        if (p->count == cap) {
            cap = cap ? cap * 2 : 16;
            p->tokens = bx_realloc(p->tokens, cap * sizeof *p->tokens);
        }
        int lead, trail;
        token *t = &p->tokens[p->count++];
        t->word = token_word(text + start, i - start, &lead, &trail);
        t->joins_next = !trail;
        if (lead && p->count > 1) p->tokens[p->count - 2].joins_next = 0;
    }
}

static void add_passage(void *ctx, const char *source, unsigned long number,
                        const char *text, size_t len)
{
    (void)source;
    (void)number;
    corpus *c = ctx;
    if (c->count == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4096;
        c->items = bx_realloc(c->items, c->cap * sizeof *c->items);
    }
    tokenize(&c->items[c->count++], text, len);
}

/* ---- document frequencies ----------------------------------------------- */

typedef struct {
    char *word;
    unsigned long df;
    size_t last;  /* passage that last counted this word, plus one */
} entry;

typedef struct {
    entry *slots;
    size_t cap, used;
} table;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static entry *lookup(table *t, const char *word)
{
    size_t i = (size_t)hash(word) & (t->cap - 1);
    while (t->slots[i].word && strcmp(t->slots[i].word, word) != 0)
        i = (i + 1) & (t->cap - 1);
    return &t->slots[i];
}

static void grow(table *t)
{
    table bigger = {bx_malloc(t->cap * 2 * sizeof(entry)), t->cap * 2, t->used};
    memset(bigger.slots, 0, bigger.cap * sizeof(entry));
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].word) *lookup(&bigger, t->slots[i].word) = t->slots[i];
    free(t->slots);
    *t = bigger;
}

static void count_word(table *t, const char *word, size_t passage_no)
{
    if (2 * (t->used + 1) > t->cap) grow(t);
    entry *e = lookup(t, word);
    if (!e->word) {
        e->word = (char *)word;
        t->used++;
    }
    if (e->last != passage_no + 1) {
        e->df++;
        e->last = passage_no + 1;
    }
}

static void count_all(table *t, const corpus *c)
{
    t->cap = 1 << 16;
    t->used = 0;
    t->slots = bx_malloc(t->cap * sizeof(entry));
    memset(t->slots, 0, t->cap * sizeof(entry));
    for (size_t p = 0; p < c->count; p++)
        for (size_t i = 0; i < c->items[p].count; i++)
            if (c->items[p].tokens[i].word)
                count_word(t, c->items[p].tokens[i].word, p);
}

static unsigned long df_of(table *t, const char *word)
{
    return lookup(t, word)->df;
}

/* ---- random choices ------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t next_random(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static size_t random_below(size_t n)
{
    return (size_t)(next_random() % n);
}

/* ---- the query set -------------------------------------------------------- */

typedef struct {
    char **text;
    const char **cls;
    size_t count, cap;
} query_set;

static int add_query(query_set *q, const char *cls, char *text)
{
    for (size_t i = 0; i < q->count; i++)
        if (strcmp(q->text[i], text) == 0) {
            free(text);
            return 0;
        }
    if (q->count == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 256;
        q->text = bx_realloc(q->text, q->cap * sizeof *q->text);
        q->cls = bx_realloc(q->cls, q->cap * sizeof *q->cls);
    }
    q->text[q->count] = text;
    q->cls[q->count++] = cls;
    return 1;
}

static int compare_words(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Single words with lo <= df <= hi (at least 3 letters), in word order. */
static char **band(table *t, unsigned long lo, unsigned long hi, size_t *n)
{
    char **words = NULL;
    size_t cap = 0;
    *n = 0;
    for (size_t i = 0; i < t->cap; i++) {
        entry *e = &t->slots[i];
        if (!e->word || e->df < lo || e->df > hi || strlen(e->word) < 3) continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            words = bx_realloc(words, cap * sizeof *words);
        }
        words[(*n)++] = e->word;
    }
    qsort(words, *n, sizeof *words, compare_words);
    return words;
}

static void pick_words(query_set *q, const char *cls, table *t,
                       unsigned long lo, unsigned long hi, size_t want)
{
    size_t n;
    char **words = band(t, lo, hi, &n);
    if (n < want) bx_die("only %zu words with df %lu..%lu for %s", n, lo, hi, cls);
    for (size_t got = 0; got < want;)
        got += (size_t)add_query(q, cls, bx_strdup(words[random_below(n)]));
    free(words);
}

/* A content word: 3+ letters and in fewer than 5% of passages. */
static int is_content(table *t, const char *w, size_t passages)
{
    return w && strlen(w) >= 3 && df_of(t, w) * 20 < passages;
}

/* k distinct content words of one passage, in text order, or NULL. */
static char *free_text(const passage *p, table *t, size_t passages, size_t k)
{
    size_t *cand = bx_malloc((p->count + 1) * sizeof *cand), n = 0;
    for (size_t i = 0; i < p->count; i++) {
        const char *w = p->tokens[i].word;
        if (!is_content(t, w, passages)) continue;
        int seen = 0;
        for (size_t j = 0; j < n && !seen; j++)
            seen = strcmp(p->tokens[cand[j]].word, w) == 0;
        if (!seen) cand[n++] = i;
    }
    char *out = NULL;
    if (n >= k) {
        while (n > k) { /* drop random candidates, keeping text order */
            size_t drop = random_below(n);
            memmove(cand + drop, cand + drop + 1, (n - drop - 1) * sizeof *cand);
            n--;
        }
        out = bx_asprintf("%s %s%s%s", p->tokens[cand[0]].word,
                          p->tokens[cand[1]].word, k > 2 ? " " : "",
                          k > 2 ? p->tokens[cand[2]].word : "");
    }
    free(cand);
    return out;
}

/* Do tokens i..i+k-1 form a phrase: consecutive words with no punctuation
 * between them, at least one of them a content word? */
static int is_phrase_at(const passage *p, table *t, size_t passages,
                        size_t i, size_t k)
{
    int content = 0;
    for (size_t j = i; j < i + k; j++) {
        if (!p->tokens[j].word) return 0;
        if (j + 1 < i + k && !p->tokens[j].joins_next) return 0;
        content |= is_content(t, p->tokens[j].word, passages) &&
                   strlen(p->tokens[j].word) >= 4;
    }
    return content;
}

static char *phrase(const passage *p, table *t, size_t passages, size_t k)
{
    if (p->count < k) return NULL;
    size_t *starts = bx_malloc(p->count * sizeof *starts), n = 0;
    for (size_t i = 0; i + k <= p->count; i++)
        if (is_phrase_at(p, t, passages, i, k)) starts[n++] = i;
    char *out = NULL;
    if (n) {
        size_t i = starts[random_below(n)];
        out = bx_asprintf("\"%s %s%s%s\"", p->tokens[i].word,
                          p->tokens[i + 1].word, k > 2 ? " " : "",
                          k > 2 ? p->tokens[i + 2].word : "");
    }
    free(starts);
    return out;
}

typedef char *(*maker)(const passage *, table *, size_t, size_t);

static void pick_from_passages(query_set *q, const char *cls, const corpus *c,
                               table *t, maker make, size_t k, size_t want)
{
    size_t got = 0, tries = 0;
    while (got < want) {
        if (++tries > want * 1000) bx_die("cannot find queries for %s", cls);
        char *text = make(&c->items[random_below(c->count)], t, c->count, k);
        if (text) got += (size_t)add_query(q, cls, text);
    }
}

int main(int argc, char **argv)
{
    bx_set_program(argv[0]);
    if (argc < 3) bx_die("usage: gen_queries CORPUS_DIR OUT.tsv [--seed=N]");
    unsigned long seed = 4;
    if (argc > 3 && bx_opt(argv[3], "--seed")) seed = strtoul(bx_opt(argv[3], "--seed"), NULL, 10);
    rng_state = seed;
    corpus c = {0};
    unsigned long long bytes;
    bx_for_each_passage(argv[1], add_passage, &c, &bytes);
    if (c.count < 100) bx_die("%s: too few passages", argv[1]);
    table t;
    count_all(&t, &c);
    size_t n = c.count;
    query_set q = {0};
    pick_words(&q, "word_common", &t, n / 200, n, 30);
    unsigned long mlo = n / 20000 > 6 ? n / 20000 : 6;
    unsigned long mhi = n / 2000 > 20 ? n / 2000 : 20;
    pick_words(&q, "word_medium", &t, mlo, mhi - 1, 30);
    pick_words(&q, "word_rare", &t, 2, 5, 30);
    pick_from_passages(&q, "and2", &c, &t, free_text, 2, 30);
    pick_from_passages(&q, "and3", &c, &t, free_text, 3, 30);
    pick_from_passages(&q, "phrase2", &c, &t, phrase, 2, 25);
    pick_from_passages(&q, "phrase3", &c, &t, phrase, 3, 25);
    FILE *out = fopen(argv[2], "w");
    if (!out) bx_die("%s: %s", argv[2], strerror(errno));
    fprintf(out, "# gen_queries seed=%lu corpus=%s passages=%zu\n", seed, argv[1], n);
    for (size_t i = 0; i < q.count; i++) fprintf(out, "%s\t%s\n", q.cls[i], q.text[i]);
    if (fclose(out) != 0) bx_die("%s: %s", argv[2], strerror(errno));
    fprintf(stderr, "gen_queries: %zu queries from %zu passages -> %s\n", q.count, n, argv[2]);
    return 0;
}
