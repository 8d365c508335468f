/* neardup.c — see neardup.h. */
#include "neardup.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "util.h"

#define BANDS DS_NEARDUP_BANDS

struct ds_neardup {
    ds_neardup_sig *sigs;   /* per passage, in order */
    uint32_t *group;        /* per passage */
    unsigned char *shared;  /* per group: has more than one passage */
    size_t shared_cap;
    size_t n, cap;
    unsigned long groups, shared_groups;
    /* LSH buckets (see table_find_or_add). */
    uint32_t *slots;
    size_t table_cap, table_used;
};

/* ---- Hashing ---- */

static uint64_t fnv1a(const void *data, size_t len, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t mix(uint64_t x) /* splitmix64's finaliser */
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

typedef struct {
    uint64_t words[3];   /* hashes of the last three stems */
    size_t seen;
    ds_neardup_sig *sig;
} shingler;

/* The independent hashes of a shingle: multiply-shift (the top 16 bits of
 * the mixed shingle hash times an odd constant, one per hash — odd outputs
 * of splitmix64) rather than a full splitmix64 per hash, which cost about
 * 300 instructions a shingle on the indexer's one ordered thread. */
static const uint64_t hash_multipliers[DS_NEARDUP_HASHES] = {
    0xe220a8397b1dcdafULL, 0x910a2dec89025cc1ULL, 0x975835de1c9756cfULL,
    0x1d0b14e4db018fedULL, 0x6e73e372e2338acbULL, 0x63033b0ca389c35bULL,
    0xbd64a5d9adefe001ULL, 0x63cbe1e459320dd7ULL, 0x9e5651b0ef953637ULL,
    0xaeaf52febe706065ULL, 0x088712be8a582fcbULL, 0x50f5647d2380309dULL,
    0x943ff9fc99de8f03ULL, 0xc4ca37b7f8ad8affULL, 0x6aa9d61435dbe63fULL,
    0x875b9307abf55005ULL, 0x5de186dcba779207ULL, 0x808475f02ee37363ULL,
    0x1120b3d00955f033ULL, 0xbc4075f2ef431a45ULL, 0x362259904816818dULL,
    0x06ca0a95b7e825c7ULL, 0xc80de0f9d4d60e0bULL, 0xe8d7da001b0181d7ULL,
};

static void add_shingle(ds_neardup_sig *sig, uint64_t shingle)
{
    shingle = mix(shingle);
    for (unsigned i = 0; i < DS_NEARDUP_HASHES; i++) {
        uint16_t h = (uint16_t)((shingle * hash_multipliers[i]) >> 48);
        if (h < sig->min[i]) sig->min[i] = h;
    }
}

static void add_stem(void *ctx, const char *stem, size_t len)
{
    shingler *s = ctx;
    s->words[0] = s->words[1];
    s->words[1] = s->words[2];
    s->words[2] = fnv1a(stem, len, 0xcbf29ce484222325ULL);
    if (++s->seen >= 3)
        add_shingle(s->sig, fnv1a(s->words, sizeof s->words,
                                  0xcbf29ce484222325ULL));
}

void ds_neardup_sign(ds_analyzer *a, const char *text, size_t len,
                     ds_neardup_sig *sig)
{
    memset(sig->min, 0xff, sizeof sig->min);
    shingler s = {{0, 0, 0}, 0, sig};
    ds_analyzer_each_stem(a, text, len, add_stem, &s);
    sig->valid = s.seen >= DS_NEARDUP_MIN_WORDS;
}

static double agreement(const ds_neardup_sig *x, const ds_neardup_sig *y)
{
    unsigned same = 0;
    for (unsigned i = 0; i < DS_NEARDUP_HASHES; i++)
        same += x->min[i] == y->min[i];
    return (double)same / DS_NEARDUP_HASHES;
}

double ds_neardup_similarity(ds_analyzer *a, const char *x, size_t x_len,
                             const char *y, size_t y_len)
{
    ds_neardup_sig sx, sy;
    ds_neardup_sign(a, x, x_len, &sx);
    ds_neardup_sign(a, y, y_len, &sy);
    return agreement(&sx, &sy);
}

/* ---- LSH table ----
 * Open addressing over entries (passage index + 1) << 3 | band: the band's
 * values are read from the passage's signature, so an entry is 4 bytes
 * (with a separate key array the table was 60% of a large build's memory),
 * and bands compare exactly. */

#define BAND_BITS 3
_Static_assert(DS_NEARDUP_BANDS <= 1 << BAND_BITS, "a band fits its bits");
_Static_assert(DS_NEARDUP_WINDOW < 1u << (32 - BAND_BITS),
               "a passage index fits its bits");

static uint32_t band_hash(const ds_neardup_sig *sig, unsigned band)
{
    return (uint32_t)fnv1a(&sig->min[band * DS_NEARDUP_ROWS],
                           DS_NEARDUP_ROWS * sizeof sig->min[0], band + 1);
}

int ds_neardup_same_band(const ds_neardup_sig *x, const ds_neardup_sig *y,
                         unsigned band)
{
    return memcmp(&x->min[band * DS_NEARDUP_ROWS],
                  &y->min[band * DS_NEARDUP_ROWS],
                  DS_NEARDUP_ROWS * sizeof x->min[0]) == 0;
}

static const ds_neardup_sig *entry_sig(const ds_neardup *d, uint32_t entry)
{
    return &d->sigs[(entry >> BAND_BITS) - 1];
}

static void table_grow(ds_neardup *d)
{
    size_t cap = d->table_cap ? d->table_cap * 2 : 1024;
    uint32_t *slots = ds_xmalloc(cap * sizeof *slots);
    memset(slots, 0, cap * sizeof *slots);
    for (size_t i = 0; i < d->table_cap; i++) {
        uint32_t e = d->slots[i];
        if (!e) continue;
        size_t j = band_hash(entry_sig(d, e), e & ((1u << BAND_BITS) - 1)) &
                   (cap - 1);
        while (slots[j]) j = (j + 1) & (cap - 1);
        slots[j] = e;
    }
    free(d->slots);
    d->slots = slots;
    d->table_cap = cap;
}

/* The passage (index + 1) first filed under `band` of `sig`, or 0 after
 * filing passage `me` under it. */
static uint32_t table_find_or_add(ds_neardup *d, const ds_neardup_sig *sig,
                                  unsigned band, uint32_t me)
{
    if ((d->table_used + 1) * 4 > d->table_cap * 3) table_grow(d);
    size_t j = band_hash(sig, band) & (d->table_cap - 1);
    for (uint32_t e; (e = d->slots[j]) != 0; j = (j + 1) & (d->table_cap - 1))
        if ((e & ((1u << BAND_BITS) - 1)) == band &&
            ds_neardup_same_band(entry_sig(d, e), sig, band))
            return e >> BAND_BITS;
    d->slots[j] = ((me + 1) << BAND_BITS) | band;
    d->table_used++;
    return 0;
}

/* ---- Groups ---- */

ds_neardup *ds_neardup_new(void)
{
    ds_neardup *d = ds_xmalloc(sizeof *d);
    memset(d, 0, sizeof *d);
    return d;
}

void ds_neardup_free(ds_neardup *d)
{
    if (!d) return;
    free(d->sigs);
    free(d->group);
    free(d->shared);
    free(d->slots);
    free(d);
}

static uint32_t new_group(ds_neardup *d)
{
    d->groups++;
    if (d->groups > d->shared_cap) {
        d->shared_cap = d->shared_cap ? 2 * d->shared_cap : 1024;
        d->shared = ds_xrealloc(d->shared, d->shared_cap);
    }
    d->shared[d->groups - 1] = 0;
    return (uint32_t)d->groups;
}

/* Forget every passage seen (groups keep their numbers). */
static void start_window(ds_neardup *d)
{
    d->n = 0;
    if (d->slots) memset(d->slots, 0, d->table_cap * sizeof *d->slots);
    d->table_used = 0;
}

unsigned long ds_neardup_add_signed(ds_neardup *d,
                                    const ds_neardup_sig *new_sig)
{
    if (d->n == DS_NEARDUP_WINDOW) start_window(d);
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 256;
        d->sigs = ds_xrealloc(d->sigs, d->cap * sizeof *d->sigs);
        d->group = ds_xrealloc(d->group, d->cap * sizeof *d->group);
    }
    size_t me = d->n++;
    ds_neardup_sig *sig = &d->sigs[me];
    *sig = *new_sig;
    uint32_t group = 0;
    for (unsigned band = 0; sig->valid && band < BANDS; band++) {
        uint32_t other = table_find_or_add(d, sig, band, (uint32_t)me);
        if (!group && other &&
            agreement(sig, &d->sigs[other - 1]) >= DS_NEARDUP_THRESHOLD)
            group = d->group[other - 1];
    }
    if (group) {
        if (!d->shared[group - 1]) d->shared_groups++;
        d->shared[group - 1] = 1;
    } else {
        group = new_group(d);
    }
    d->group[me] = group;
    return group;
}

unsigned long ds_neardup_add(ds_neardup *d, ds_analyzer *a, const char *text,
                             size_t len)
{
    ds_neardup_sig sig;
    ds_neardup_sign(a, text, len, &sig);
    return ds_neardup_add_signed(d, &sig);
}

unsigned long ds_neardup_shared_groups(const ds_neardup *d)
{
    return d->shared_groups;
}

void ds_neardup_sig_encode(const ds_neardup_sig *sig,
                           char out[DS_NEARDUP_SIG_BYTES])
{
    for (unsigned i = 0; i < DS_NEARDUP_HASHES; i++) {
        out[2 * i] = (char)(sig->min[i] & 0xff);
        out[2 * i + 1] = (char)(sig->min[i] >> 8);
    }
}

void ds_neardup_sig_decode(const char *data, size_t len, ds_neardup_sig *sig)
{
    memset(sig, 0, sizeof *sig);
    if (len != DS_NEARDUP_SIG_BYTES) return;
    const unsigned char *p = (const unsigned char *)data;
    for (unsigned i = 0; i < DS_NEARDUP_HASHES; i++)
        sig->min[i] = (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
    sig->valid = 1;
}

unsigned long ds_neardup_group_id(const char *source, size_t passage)
{
    size_t len = strlen(source);
    char *key = ds_xmalloc(len + 24);
    memcpy(key, source, len);
    int n = snprintf(key + len, 24, "%c%zu", '\0', passage);
    uint64_t h = ds_hash64(key, len + (size_t)n);
    free(key);
    h &= (UINT64_C(1) << 53) - 1;
    return h ? (unsigned long)h : 1;
}

void ds_group_ids_init(ds_group_ids *g, const unsigned long *numbered,
                       size_t n)
{
    g->numbered = numbered;
    g->n = n;
    g->max = 0;
    for (size_t i = 0; i < n; i++)
        if (numbered[i] > g->max) g->max = numbered[i];
    g->members = ds_xmalloc((g->max + 1) * sizeof *g->members);
    g->ids = ds_xmalloc((g->max + 1) * sizeof *g->ids);
    memset(g->members, 0, (g->max + 1) * sizeof *g->members);
    memset(g->ids, 0, (g->max + 1) * sizeof *g->ids);
    for (size_t i = 0; i < n; i++)
        if (g->members[numbered[i]] < 2) g->members[numbered[i]]++;
}

void ds_group_ids_name(ds_group_ids *g, size_t at, const char *source,
                       size_t passage)
{
    unsigned long number = g->numbered[at];
    if (g->members[number] == 2 && !g->ids[number])
        g->ids[number] = ds_neardup_group_id(source, passage);
}

unsigned long ds_group_ids_get(const ds_group_ids *g, size_t at)
{
    return g->ids[g->numbered[at]];
}

void ds_group_ids_free(ds_group_ids *g)
{
    free(g->members);
    free(g->ids);
    memset(g, 0, sizeof *g);
}
