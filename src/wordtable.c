/* wordtable.c — see wordtable.h.  Open addressing (linear probing) over
 * entries whose strings live in large arena blocks. */
#include "wordtable.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define ARENA_BLOCK 65536

typedef struct arena_block {
    struct arena_block *next;
    size_t used;
    char data[];
} arena_block;

struct ds_word_table {
    ds_word_entry *slots;   /* word == NULL: empty */
    uint32_t *hashes;
    size_t cap, size;
    arena_block *arena;
};

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static char *arena_copy(ds_word_table *t, const char *s, size_t len)
{
    if (!t->arena || t->arena->used + len > ARENA_BLOCK) {
        size_t size = len > ARENA_BLOCK ? len : ARENA_BLOCK;
        arena_block *b = ds_xmalloc(sizeof *b + size);
        b->next = t->arena;
        b->used = 0;
        t->arena = b;
    }
    char *p = t->arena->data + t->arena->used;
    memcpy(p, s, len);
    t->arena->used += len;
    return p;
}

/* Small to start: a search caches a few hundred words at most, and 1,024
 * slots were 32 kB to zero (8 page faults) on every run; an index build
 * grows the table in a few doublings. */
#define INITIAL_SLOTS 64

static void init_slots(ds_word_table *t)
{
    t->cap = INITIAL_SLOTS;
    t->size = 0;
    t->slots = ds_xmalloc(t->cap * sizeof *t->slots);
    memset(t->slots, 0, t->cap * sizeof *t->slots);
    t->hashes = ds_xmalloc(t->cap * sizeof *t->hashes);
    t->arena = NULL;
}

static void free_memory(ds_word_table *t)
{
    for (arena_block *b = t->arena, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(t->slots);
    free(t->hashes);
}

ds_word_table *ds_word_table_new(void)
{
    ds_word_table *t = ds_xmalloc(sizeof *t);
    init_slots(t);
    return t;
}

void ds_word_table_free(ds_word_table *t)
{
    if (!t) return;
    free_memory(t);
    free(t);
}

static size_t probe(const ds_word_table *t, const char *word, size_t len,
                    uint32_t h)
{
    size_t i = h & (t->cap - 1);
    while (t->slots[i].word &&
           !(t->hashes[i] == h && t->slots[i].word_len == len &&
             memcmp(t->slots[i].word, word, len) == 0))
        i = (i + 1) & (t->cap - 1);
    return i;
}

ds_word_entry *ds_word_table_find(ds_word_table *t, const char *word,
                                  size_t len)
{
    size_t i = probe(t, word, len, hash_bytes(word, len));
    return t->slots[i].word ? &t->slots[i] : NULL;
}

static void grow(ds_word_table *t)
{
    ds_word_entry *old = t->slots;
    uint32_t *old_hashes = t->hashes;
    size_t old_cap = t->cap;
    t->cap *= 2;
    t->slots = ds_xmalloc(t->cap * sizeof *t->slots);
    memset(t->slots, 0, t->cap * sizeof *t->slots);
    t->hashes = ds_xmalloc(t->cap * sizeof *t->hashes);
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i].word) continue;
        size_t j = old_hashes[i] & (t->cap - 1);
        while (t->slots[j].word) j = (j + 1) & (t->cap - 1);
        t->slots[j] = old[i];
        t->hashes[j] = old_hashes[i];
    }
    free(old);
    free(old_hashes);
}

ds_word_entry *ds_word_table_add(ds_word_table *t, const char *word,
                                 size_t len, const char *stem,
                                 size_t stem_len)
{
    if ((t->size + 1) * 4 > t->cap * 3) grow(t);
    uint32_t h = hash_bytes(word, len);
    size_t i = probe(t, word, len, h);
    ds_word_entry *e = &t->slots[i];
    e->word = arena_copy(t, word, len);
    e->word_len = (uint32_t)len;
    e->stem = stem_len == len && memcmp(stem, word, len) == 0
                  ? e->word /* most stems of short words are the word */
                  : arena_copy(t, stem, stem_len);
    e->stem_len = (uint32_t)stem_len;
    e->count = 0;
    t->hashes[i] = h;
    t->size++;
    return e;
}

void ds_word_table_clear(ds_word_table *t)
{
    free_memory(t);
    init_slots(t);
}

size_t ds_word_table_size(const ds_word_table *t)
{
    return t->size;
}

static int compare_words(const void *a, const void *b)
{
    const ds_word_entry *x = *(ds_word_entry *const *)a;
    const ds_word_entry *y = *(ds_word_entry *const *)b;
    size_t n = x->word_len < y->word_len ? x->word_len : y->word_len;
    int c = memcmp(x->word, y->word, n);
    return c ? c : (x->word_len > y->word_len) - (x->word_len < y->word_len);
}

int ds_word_table_each(ds_word_table *t,
                       int (*fn)(void *ctx, const ds_word_entry *e),
                       void *ctx)
{
    ds_word_entry **sorted = ds_xmalloc((t->size ? t->size : 1) *
                                        sizeof *sorted);
    size_t n = 0;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].word) sorted[n++] = &t->slots[i];
    qsort(sorted, n, sizeof *sorted, compare_words);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = fn(ctx, sorted[i]) != 0;
    free(sorted);
    return rc;
}
