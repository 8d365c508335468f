/*
 * vocab.c — the vocabulary trie: built from sorted words, written to and
 * mapped from one file, walked for the words within a few edits (vocab.h).
 */
#define _DEFAULT_SOURCE /* MAP_* on glibc */
#include "vocab.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define MAGIC "DSVOCAB\001"
#define BYTE_ORDER_MARK 0x01020304u
#define HEADER_BYTES 24
#define MAX_WORD_BYTES 255

struct ds_vocab {
    const uint32_t *first; /* n + 1 */
    const uint32_t *label; /* n */
    const uint32_t *freq;  /* n */
    uint32_t n;
    void *map;       /* the mapped file, or NULL */
    size_t map_len;
    uint32_t *owned; /* built in memory: first, label and freq in one */
};

/* ---- Building ---- */

typedef struct {
    uint32_t label, freq;
    uint32_t first_child, last_child, next_sibling; /* 0: none */
} bnode;

struct ds_vocab_builder {
    bnode *nodes;
    size_t n, cap;
    uint32_t path[MAX_WORD_BYTES + 1]; /* nodes of the previous word */
    unsigned prev_cp[MAX_WORD_BYTES];
    size_t prev_depth;
    char prev[MAX_WORD_BYTES];
    size_t prev_len;
};

static uint32_t new_node(ds_vocab_builder *b, uint32_t label)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 1024;
        b->nodes = ds_xrealloc(b->nodes, b->cap * sizeof *b->nodes);
    }
    bnode *x = &b->nodes[b->n];
    memset(x, 0, sizeof *x);
    x->label = label;
    return (uint32_t)b->n++;
}

ds_vocab_builder *ds_vocab_builder_new(void)
{
    ds_vocab_builder *b = ds_xmalloc(sizeof *b);
    memset(b, 0, sizeof *b);
    new_node(b, 0); /* the root */
    return b;
}

void ds_vocab_builder_free(ds_vocab_builder *b)
{
    if (!b) return;
    free(b->nodes);
    free(b);
}

/* Decode `word` into cps; its length in code points, or 0 when it is not
 * valid UTF-8. */
static size_t decode_word(const char *word, size_t len, unsigned *cps)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t k = ds_utf8_decode(word + i, len - i, &cps[n]);
        if (k == 0 || cps[n] == 0) return 0;
        i += k;
        n++;
    }
    return n;
}

static int compare_bytes(const char *a, size_t alen, const char *b,
                         size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : (alen > blen) - (alen < blen);
}

ds_status ds_vocab_builder_add(ds_vocab_builder *b, const char *word,
                               size_t len, unsigned long freq, char **err)
{
    unsigned cps[MAX_WORD_BYTES];
    size_t depth = len <= MAX_WORD_BYTES ? decode_word(word, len, cps) : 0;
    if (depth == 0) return DS_OK;
    if (b->prev_len && compare_bytes(b->prev, b->prev_len, word, len) >= 0)
        return ds_fail(err, DS_ERR_INTERNAL,
                       "vocabulary words out of order at '%.*s'", (int)len,
                       word);
    /* Sorted input: the new word shares a prefix with the previous one
     * and its first new node comes after every sibling already there. */
    size_t common = 0;
    while (common < depth && common < b->prev_depth &&
           cps[common] == b->prev_cp[common])
        common++;
    uint32_t at = b->path[common];
    for (size_t d = common; d < depth; d++) {
        uint32_t child = new_node(b, cps[d]);
        bnode *parent = &b->nodes[at];
        if (parent->last_child)
            b->nodes[parent->last_child].next_sibling = child;
        else
            parent->first_child = child;
        parent->last_child = child;
        at = child;
        b->path[d + 1] = child;
        b->prev_cp[d] = cps[d];
    }
    b->nodes[at].freq = freq > UINT32_MAX ? UINT32_MAX : (uint32_t)freq;
    b->prev_depth = depth;
    memcpy(b->prev, word, len);
    b->prev_len = len;
    return DS_OK;
}

/* Lay the trie out breadth-first into first/label/freq (n, n + 1, n). */
static void lay_out(const ds_vocab_builder *b, uint32_t *first,
                    uint32_t *label, uint32_t *freq)
{
    uint32_t *order = ds_xmalloc(b->n * sizeof *order);
    size_t head = 0, tail = 0;
    order[tail++] = 0;
    while (head < tail) {
        uint32_t i = order[head];
        const bnode *x = &b->nodes[i];
        label[head] = x->label;
        freq[head] = x->freq;
        first[head] = (uint32_t)tail;
        for (uint32_t c = x->first_child; c; c = b->nodes[c].next_sibling)
            order[tail++] = c;
        head++;
    }
    first[b->n] = (uint32_t)b->n;
    free(order);
}

static void point_into(ds_vocab *v, uint32_t *arrays, uint32_t n)
{
    v->n = n;
    v->first = arrays;
    v->label = arrays + n + 1;
    v->freq = arrays + 2 * (size_t)n + 1;
}

ds_vocab *ds_vocab_builder_finish(ds_vocab_builder *b)
{
    ds_vocab *v = ds_xmalloc(sizeof *v);
    memset(v, 0, sizeof *v);
    uint32_t n = (uint32_t)b->n;
    v->owned = ds_xmalloc((3 * (size_t)n + 1) * sizeof *v->owned);
    point_into(v, v->owned, n);
    lay_out(b, v->owned, v->owned + n + 1, v->owned + 2 * (size_t)n + 1);
    b->n = 0;
    new_node(b, 0);
    b->prev_len = b->prev_depth = 0;
    return v;
}

static size_t padded(size_t len)
{
    return (len + 3) & ~(size_t)3;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t k = write(fd, p, len);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

static int write_file(int fd, const ds_vocab *v, const char *stamp)
{
    uint32_t head[4] = {BYTE_ORDER_MARK, v->n, (uint32_t)strlen(stamp), 0};
    char pad[4] = {0};
    size_t n = v->n;
    return write_all(fd, MAGIC, 8) || write_all(fd, head, sizeof head) ||
           write_all(fd, stamp, head[2]) ||
           write_all(fd, pad, padded(head[2]) - head[2]) ||
           write_all(fd, v->owned, (3 * n + 1) * sizeof *v->owned) ||
           fsync(fd);
}

ds_status ds_vocab_builder_write(const ds_vocab_builder *b, const char *path,
                                 const char *stamp, char **err)
{
    /* Lay out a copy: the builder stays usable. */
    ds_vocab v = {0};
    uint32_t n = (uint32_t)b->n;
    v.owned = ds_xmalloc((3 * (size_t)n + 1) * sizeof *v.owned);
    point_into(&v, v.owned, n);
    lay_out(b, v.owned, v.owned + n + 1, v.owned + 2 * (size_t)n + 1);
    char *tmp = ds_xasprintf("%s.tmp", path);
    ds_status st = DS_OK;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write_file(fd, &v, stamp) != 0 ||
        close(fd) != 0 || rename(tmp, path) != 0) {
        st = ds_fail(err, DS_ERR_IO, "cannot write '%s': %s", path,
                     strerror(errno));
        if (fd >= 0) close(fd);
        unlink(tmp);
    }
    free(tmp);
    free(v.owned);
    return st;
}

/* ---- Reading ---- */

/* The header and arrays at `map` (len bytes) into v; 0 when they hold
 * together, else what is wrong (DS_ERR_VERSION or DS_ERR_DAMAGED). */
static ds_status check_map(ds_vocab *v, const char *map, size_t len,
                           const char *stamp)
{
    uint32_t head[4];
    if (len < HEADER_BYTES || memcmp(map, MAGIC, 7) != 0)
        return DS_ERR_DAMAGED;
    memcpy(head, map + 8, sizeof head);
    if (map[7] != MAGIC[7] || head[0] != BYTE_ORDER_MARK)
        return DS_ERR_VERSION;
    size_t n = head[1], stamp_len = head[2];
    size_t arrays = HEADER_BYTES + padded(stamp_len);
    if (n == 0 || stamp_len > len - HEADER_BYTES ||
        (len - arrays) / 4 != 3 * n + 1 || (len - arrays) % 4)
        return DS_ERR_DAMAGED;
    if (stamp_len != strlen(stamp) ||
        memcmp(map + HEADER_BYTES, stamp, stamp_len) != 0)
        return DS_ERR_VERSION;
    point_into(v, (uint32_t *)(uintptr_t)(map + arrays), (uint32_t)n);
    return v->first[n] == n ? DS_OK : DS_ERR_DAMAGED;
}

ds_status ds_vocab_open(const char *path, const char *stamp, ds_vocab **out,
                        char **err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ds_fail(err, errno == ENOENT ? DS_ERR_NO_INDEX : DS_ERR_IO,
                       "cannot open '%s': %s", path, strerror(errno));
    struct stat st;
    void *map = MAP_FAILED;
    if (fstat(fd, &st) == 0 && st.st_size > 0)
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int saved = errno;
    close(fd);
    if (map == MAP_FAILED)
        return ds_fail(err, st.st_size == 0 ? DS_ERR_DAMAGED : DS_ERR_IO,
                       "cannot map '%s': %s", path,
                       st.st_size == 0 ? "empty file" : strerror(saved));
    ds_vocab *v = ds_xmalloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->map = map;
    v->map_len = (size_t)st.st_size;
    ds_status s = check_map(v, map, v->map_len, stamp);
    if (s != DS_OK) {
        ds_vocab_close(v);
        return ds_fail(err, s, "'%s' is %s", path,
                       s == DS_ERR_VERSION ? "from another state of the index"
                                           : "not a vocabulary file");
    }
    *out = v;
    return DS_OK;
}

void ds_vocab_close(ds_vocab *v)
{
    if (!v) return;
    if (v->map) munmap(v->map, v->map_len);
    free(v->owned);
    free(v);
}

/* Node i's children [*lo, *hi); none when the file says something that
 * cannot be (a child not after its parent, a range past the end), so
 * that a damaged file never loops or reads out of bounds. */
static int children(const ds_vocab *v, uint32_t i, uint32_t *lo,
                    uint32_t *hi)
{
    *lo = v->first[i];
    *hi = v->first[i + 1];
    if (*lo <= i || *hi < *lo || *hi > v->n) *lo = *hi = 0;
    return *lo < *hi;
}

/* The first of nodes lo .. hi-1 (siblings, by ascending label) whose
 * label is cp or more; hi when none is. */
static uint32_t first_from(const ds_vocab *v, uint32_t lo, uint32_t hi,
                           unsigned cp)
{
    while (hi - lo > 8) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v->label[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    while (lo < hi && v->label[lo] < cp) lo++; /* a few: in turn */
    return lo;
}

static uint32_t find_child(const ds_vocab *v, uint32_t i, unsigned cp)
{
    uint32_t lo, hi;
    if (!children(v, i, &lo, &hi)) return 0;
    lo = first_from(v, lo, hi, cp);
    return lo < hi && v->label[lo] == cp ? lo : 0;
}

unsigned long ds_vocab_freq(const ds_vocab *v, const char *word, size_t len)
{
    uint32_t at = 0;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t k = ds_utf8_decode(word + i, len - i, &cp);
        if (k == 0 || (at = find_child(v, at, cp)) == 0) return 0;
        i += k;
    }
    return at ? v->freq[at] : 0;
}

/* ---- Words within a distance ---- */

#define MAX_DEPTH (DS_VOCAB_MAX_WORD + 3)

typedef struct {
    const ds_vocab *v;
    unsigned q[DS_VOCAB_MAX_WORD];
    size_t m;
    unsigned k;
    uint8_t rows[MAX_DEPTH + 1][DS_VOCAB_MAX_WORD + 1];
    unsigned labels[MAX_DEPTH + 1];
    unsigned viable[MAX_DEPTH][2 * DS_VOCAB_MAX_WORD]; /* viable_letters() */
    ds_vocab_fn fn;
    void *ctx;
    int stop;
} walk;

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
    unsigned m = a < b ? a : b;
    return m < c ? m : c;
}

/* Row `d` of the table from the rows above it, for the label `cp` at
 * depth d (1-based); returns the row's smallest entry.  An edit that
 * changes the first letter (substituting, deleting or inserting before
 * it, swapping it with the second) costs 2: people seldom get the first
 * letter wrong, and this keeps the walk to the words that start alike.
 * Only the cells within k of the diagonal can hold k or less (Ukkonen's
 * band): the others are not computed, and the two beside the band are
 * set to k + 1, a lower bound that is all the band's cells need. */
static unsigned next_row(walk *w, size_t d, unsigned cp)
{
    const uint8_t *up = w->rows[d - 1];
    uint8_t *row = w->rows[d];
    /* Entries are kept at k + 1 at most: any more is as far. */
    const unsigned cap = w->k + 1;
    unsigned x = up[0] + (d == 1 ? 2u : 1u);
    row[0] = (uint8_t)(x < cap ? x : cap);
    unsigned best = row[0];
    size_t lo = d > w->k ? d - w->k : 1;
    size_t hi = d + w->k < w->m ? d + w->k : w->m;
    if (lo > 1 && lo - 1 <= w->m) row[lo - 1] = (uint8_t)cap;
    if (hi < w->m) row[hi + 1] = (uint8_t)cap;
    unsigned left = row[lo - 1];
    size_t j = lo;
    if (j == 1 && j <= hi) { /* the first letter: its edits cost 2 */
        unsigned sub = w->q[0] == cp ? 0 : (d == 1 ? 2u : 1u);
        x = min3(up[1] + 1u, left + 2u, up[0] + sub);
        left = x < cap ? x : cap;
        row[1] = (uint8_t)left;
        if (left < best) best = left;
        j = 2;
    }
    /* The letter before this one, for swaps (none at the first). */
    unsigned before = d > 1 ? w->labels[d - 1] : 0x110000;
    const unsigned *q = w->q;
    for (; j <= hi; j++) {
        unsigned qj = q[j - 1];
        x = min3(up[j] + 1u, left + 1u, up[j - 1] + (qj != cp));
        if (qj == before && q[j - 2] == cp) { /* swapped */
            unsigned swap = w->rows[d - 2][j - 2] + (j == 2 ? 2u : 1u);
            if (swap < x) x = swap;
        }
        left = x < cap ? x : cap;
        row[j] = (uint8_t)left;
        if (left < best) best = left;
    }
    return best;
}

/* The distance from the query to the word at depth d (its last row's
 * last cell, when the band holds it). */
static unsigned distance_at(const walk *w, size_t d)
{
    size_t gap = d > w->m ? d - w->m : w->m - d;
    return gap <= w->k ? w->rows[d][w->m] : w->k + 1;
}

static void walk_from(walk *w, uint32_t node, size_t d, unsigned best);

/* Pass the word at depth d (its labels) to the caller's function. */
static void report(walk *w, size_t d, unsigned long freq, unsigned dist)
{
    char word[MAX_DEPTH * 4];
    size_t len = 0;
    for (size_t i = 1; i <= d; i++)
        len += ds_utf8_encode(w->labels[i], word + len);
    w->stop = w->fn(w->ctx, word, len, freq, dist);
}

/* Extend the walk to node c, a child at depth d + 1. */
static void walk_child(walk *w, uint32_t c, size_t d)
{
    unsigned cp = w->v->label[c];
    /* A damaged file's label that no UTF-8 can spell ends the branch. */
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return;
    w->labels[d + 1] = cp;
    unsigned best = next_row(w, d + 1, cp);
    if (best > w->k) return;
    unsigned dist = distance_at(w, d + 1);
    if (w->v->freq[c] && dist <= w->k) report(w, d + 1, w->v->freq[c], dist);
    walk_from(w, c, d + 1, best);
}

/* Add `cp` to the ascending set out[0 .. *n) if it is not there. */
static void add_letter(unsigned *out, size_t *n, unsigned cp)
{
    size_t at = *n;
    while (at > 0 && out[at - 1] > cp) at--;
    if (at > 0 && out[at - 1] == cp) return;
    for (size_t i = (*n)++; i > at; i--) out[i] = out[i - 1];
    out[at] = cp;
}

/* The labels a child at depth d + 1 can have and stay within k when its
 * parent's row (depth d) is all k or more: with no edit left, a cell of
 * the child's row keeps within k only by matching the query's letter
 * after a cell of k, or by swapping that letter with the parent's label
 * (from a cell of the row above within k - 1).  Ascending, each once,
 * into out (two per cell of the child's band); returns how many. */
static size_t viable_letters(const walk *w, size_t d, unsigned *out)
{
    size_t n = 0;
    size_t lo = d + 1 > w->k ? d + 1 - w->k : 1;
    size_t hi = d + 1 + w->k < w->m ? d + 1 + w->k : w->m;
    for (size_t j = lo; j <= hi; j++) {
        if (w->rows[d][j - 1] <= w->k) add_letter(out, &n, w->q[j - 1]);
        if (j >= 2 && d >= 1 && w->q[j - 1] == w->labels[d] &&
            w->rows[d - 1][j - 2] + (j == 2 ? 2u : 1u) <= w->k)
            add_letter(out, &n, w->q[j - 2]);
    }
    return n;
}

/* Walk node's children at depth d + 1, `best` being node's row's
 * smallest entry: every child while an edit is left to spend, else only
 * those whose label can keep within k (viable_letters), found by their
 * label — the same nodes in the same order, without reading the others. */
static void walk_from(walk *w, uint32_t node, size_t d, unsigned best)
{
    uint32_t lo, hi;
    if (d >= MAX_DEPTH || !children(w->v, node, &lo, &hi)) return;
    if (best < w->k) {
        for (uint32_t c = lo; c < hi && !w->stop; c++) walk_child(w, c, d);
        return;
    }
    unsigned *wanted = w->viable[d];
    size_t n_wanted = viable_letters(w, d, wanted);
    for (size_t i = 0; i < n_wanted && lo < hi && !w->stop; i++) {
        lo = first_from(w->v, lo, hi, wanted[i]);
        if (lo < hi && w->v->label[lo] == wanted[i]) walk_child(w, lo++, d);
    }
}

void ds_vocab_near(const ds_vocab *v, const char *word, size_t len,
                   unsigned max_distance, ds_vocab_fn fn, void *ctx)
{
    /* Not zeroed (it is large): a row is read only where the rows above
     * were written (each band reaches one cell past the one above it),
     * and a label only once its depth is reached. */
    walk *w = ds_xmalloc(sizeof *w);
    unsigned cps[MAX_WORD_BYTES];
    size_t m = len <= MAX_WORD_BYTES ? decode_word(word, len, cps) : 0;
    if (m == 0 || m > DS_VOCAB_MAX_WORD) {
        free(w);
        return;
    }
    memcpy(w->q, cps, m * sizeof *cps);
    w->v = v;
    w->m = m;
    w->k = max_distance;
    w->fn = fn;
    w->ctx = ctx;
    w->stop = 0;
    for (size_t j = 0; j <= m; j++) /* the first letter's deletion: 2 */
        w->rows[0][j] = (uint8_t)(j ? j + 1 : 0);
    walk_from(w, 0, 0, 0);
    free(w);
}
