/* scan.c — see scan.h. */
#include "scan.h"

/* POSIX threads rather than C11's <threads.h>: ThreadSanitizer does not
 * follow threads started by glibc's thrd_create. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "neardup.h"
#include "reader.h"
#include "schema.h"

/* The words counted for the spelling table go to the shards once, at the
 * end of the pass, unless one of its threads counts its share of this
 * many distinct words first (their memory, about 100 bytes a word, then
 * stays bounded).  Xapian's add_spelling costs most for a new word (a set
 * insertion for each of its letter trigrams) and least in byte order, so
 * each word is added once, sorted, a share to each shard
 * (bench/README.md has the measurements). */
#define SPELLING_WORDS 300000

/* Signatures a range allocates at a time (200 KB). */
#define SIG_BLOCK 4096

/* What every range has read, for the progress the first range tells. */
typedef struct {
    atomic_ulong files, passages;
    atomic_ullong bytes;
    unsigned long files_total;
    unsigned long long bytes_total;
} scan_progress;

/* One range's share of the pass: its passages, each normalised, measured
 * and signed, in corpus order, and their words counted. */
typedef struct {
    const ds_scan_params *p;
    ds_analyzer *analyzer;
    ds_reader *reader;
    size_t from, to;               /* its entries */
    size_t *passages;              /* per entry of the range */
    ds_scan_entry *entries;        /* per entry of the range */
    size_t max_words;              /* counted before they go */
    ds_passage_job job;            /* buffers: the normalised fields, and
                                      spelling words on their way */
    ds_neardup_sig **sig_blocks;   /* SIG_BLOCK signatures each */
    size_t n;                      /* passages */
    double total_length;
    ds_status status;              /* the first failure, */
    char *error;                   /* and why */
    scan_progress *progress;       /* shared by the ranges */
    const void *progress_teller;   /* the range that tells it */
} range;

/* Splitting the counted words between the shards. */
typedef struct {
    range *r;
    size_t per_shard, added, shard;
} spelling_split;

static int split_spelling_word(void *ctx, const ds_word_entry *e)
{
    spelling_split *sp = ctx;
    range *r = sp->r;
    if (!e->count) return 0; /* cached before counting began */
    ds_passage_job_add_spelling(&r->job, e->word, e->word_len, e->count);
    if (++sp->added % sp->per_shard != 0) return 0;
    r->status = ds_shard_add(r->p->shards[sp->shard++], &r->job, &r->error);
    ds_buf_clear(&r->job.spelling);
    return r->status != DS_OK;
}

/* Words not wanted: a part built alone writes no spelling table. */
static int skip_word(void *ctx, const ds_word_entry *e)
{
    (void)ctx;
    (void)e;
    return 0;
}

/* Hand the words the range counted so far (every word indexed as text,
 * with how often: once per distinct word, rather than once per occurrence
 * as TermGenerator's FLAG_SPELLING would) to the shards' spelling tables,
 * in byte order, a contiguous share to each.  A word that several ranges
 * (or one range's hand-overs) counted is added more than once: the tables
 * add up its counts, and the merge joins them. */
static void flush_spelling(range *r)
{
    size_t n = r->p->n_shards;
    if (n == 0) { /* no spelling table is written (a shard built alone) */
        ds_analyzer_flush_words(r->analyzer, skip_word, NULL);
        return;
    }
    spelling_split sp = {r, ds_analyzer_words(r->analyzer) / n + 1, 0, 0};
    ds_buf_clear(&r->job.spelling);
    ds_analyzer_flush_words(r->analyzer, split_spelling_word, &sp);
    if (r->status == DS_OK && r->job.spelling.len)
        r->status = ds_shard_add(r->p->shards[sp.shard], &r->job, &r->error);
    ds_buf_clear(&r->job.spelling);
}

static ds_neardup_sig *next_signature(range *r)
{
    if (r->n % SIG_BLOCK == 0) {
        size_t blocks = r->n / SIG_BLOCK + 1;
        r->sig_blocks = ds_xrealloc(r->sig_blocks,
                                    blocks * sizeof *r->sig_blocks);
        r->sig_blocks[blocks - 1] =
            ds_xmalloc(SIG_BLOCK * sizeof **r->sig_blocks);
    }
    ds_neardup_sig *sig = &r->sig_blocks[r->n / SIG_BLOCK][r->n % SIG_BLOCK];
    r->n++;
    return sig;
}

void ds_scan_count_words(ds_analyzer *a, const ds_indexed_text *t,
                         ds_neardup_sig *sig)
{
    /* Signing counts the body's words; the other fields indexed as words
     * are counted here. */
    ds_neardup_sign(a, t->body.data, t->body.len, sig);
    ds_field fields[DS_MAX_FIELDS];
    size_t n = ds_indexed_fields(t, fields);
    for (size_t i = 0; i < n; i++)
        if (!fields[i].prefix[0] && fields[i].text != &t->body)
            ds_analyzer_each_stem(a, fields[i].text->data,
                                  fields[i].text->len, NULL, NULL);
}

/* The pass's work on one passage. */
static void scan_passage(range *r, const ds_passage *p, const ds_article *a,
                         int title_is_text)
{
    ds_indexed_text *t = &r->job.text;
    ds_indexed_text_set(t, p->heading, p->text, p->len, a->title,
                        title_is_text, a->author);
    r->total_length += (double)ds_passage_job_length(&r->job);
    ds_scan_count_words(r->analyzer, t, next_signature(r));
    if (ds_analyzer_words(r->analyzer) >= r->max_words) flush_spelling(r);
}

/* Count entry i as read; the calling thread's range tells. */
static void tell_progress(range *r, size_t i)
{
    scan_progress *sp = r->progress;
    atomic_fetch_add(&sp->files, 1);
    atomic_fetch_add(&sp->passages, r->passages[i - r->from]);
    atomic_fetch_add(&sp->bytes, ds_corpus_entry_bytes(r->p->corpus, i));
    if (r != r->progress_teller || !r->p->progress) return;
    ds_index_progress p = {1, atomic_load(&sp->files), sp->files_total,
                           atomic_load(&sp->passages), atomic_load(&sp->bytes),
                           sp->bytes_total};
    r->p->progress(r->p->progress_ctx, &p);
}

/* Scan a range of entries: a thread's body. */
static void *scan_range(void *arg)
{
    range *r = arg;
    ds_buf scratch;
    ds_buf_init(&scratch);
    for (size_t i = r->from; i < r->to && r->status == DS_OK; i++) {
        ds_corpus_doc doc = {0};
        ds_scan_entry *e = &r->entries[i - r->from];
        /* Quiet: the second pass reports what cannot be read. */
        if (ds_corpus_read(r->p->corpus, i, r->reader, &scratch, 1, &doc,
                           &e->why) == DS_OK) {
            const ds_article *a = &doc.article;
            *e = (ds_scan_entry){doc.stamp, doc.bytes, 1,
                                 a->date[0] != '\0', NULL};
            for (size_t j = 0; j < a->count && r->status == DS_OK; j++)
                scan_passage(r, &a->items[j], a, doc.title_is_text);
        }
        r->passages[i - r->from] = doc.article.count;
        ds_corpus_doc_free(&doc);
        tell_progress(r, i);
    }
    ds_buf_free(&scratch);
    return NULL;
}

/* Scan every range, all but the first in threads of their own (or in
 * this one, when a thread cannot be started). */
static void scan_ranges(range *ranges, size_t n)
{
    pthread_t *threads = ds_xmalloc(n * sizeof *threads);
    unsigned char *started = ds_xmalloc(n);
    for (size_t k = 1; k < n; k++)
        started[k] =
            pthread_create(&threads[k], NULL, scan_range, &ranges[k]) == 0;
    scan_range(&ranges[0]);
    for (size_t k = 1; k < n; k++) {
        if (started[k]) pthread_join(threads[k], NULL);
        else scan_range(&ranges[k]);
    }
    free(started);
    free(threads);
}

/* The name groups are known by (ds_neardup_group_id): a file's path, or
 * a JSON line's number. */
static char *entry_name(const ds_corpus *c, size_t i)
{
    const char *name = ds_corpus_entry_name(c, i);
    return name ? ds_xstrdup(name) : ds_xasprintf("line %zu", i + 1);
}

/* Replace the group numbers by ids: 0 for a group of one passage, else
 * the id of the group's first passage. */
static void name_groups(const ds_scan_params *p, ds_scan_result *out)
{
    ds_group_ids ids;
    ds_group_ids_init(&ids, out->groups, out->passages);
    size_t entries = ds_corpus_count(p->corpus);
    for (size_t i = 0; i < entries; i++) {
        size_t first = out->entry_first[i], end = out->entry_first[i + 1];
        if (first == end) continue;
        char *name = entry_name(p->corpus, i);
        for (size_t at = first; at < end; at++)
            ds_group_ids_name(&ids, at, name, at - first + 1);
        free(name);
    }
    for (size_t at = 0; at < out->passages; at++)
        out->groups[at] = ds_group_ids_get(&ids, at);
    ds_group_ids_free(&ids);
}

/* Group the scanned passages, in corpus order, keeping their
 * signatures (the documents store them). */
static void group_near_copies(range *ranges, size_t n, ds_scan_result *out)
{
    size_t total = 0;
    for (size_t k = 0; k < n; k++) total += ranges[k].n;
    out->groups = ds_xmalloc((total ? total : 1) * sizeof *out->groups);
    out->sigs = ds_xmalloc((total ? total : 1) * sizeof *out->sigs);
    ds_neardup *d = ds_neardup_new();
    for (size_t k = 0; k < n; k++) {
        ds_neardup_sig **blocks = ranges[k].sig_blocks;
        for (size_t j = 0; j < ranges[k].n; j++) {
            const ds_neardup_sig *sig = &blocks[j / SIG_BLOCK][j % SIG_BLOCK];
            out->sigs[out->passages] = *sig;
            out->groups[out->passages++] = ds_neardup_add_signed(d, sig);
            if ((j + 1) % SIG_BLOCK == 0 || j + 1 == ranges[k].n)
                free(blocks[j / SIG_BLOCK]);
        }
        free(blocks);
        ranges[k].sig_blocks = NULL;
    }
    out->shared_groups = ds_neardup_shared_groups(d);
    ds_neardup_free(d);
}

static void init_range(range *r, const ds_scan_params *p, size_t k,
                       ds_scan_result *out, range *first, scan_progress *sp)
{
    unsigned long max_words =
        p->spelling_words ? p->spelling_words : SPELLING_WORDS;
    memset(r, 0, sizeof *r);
    r->p = p;
    r->analyzer = p->analyzers[k];
    r->reader = ds_reader_new(p->reader);
    r->from = p->bounds[k];
    r->to = p->bounds[k + 1];
    r->passages = out->entry_first + 1 + r->from;
    r->entries = out->entries + r->from;
    r->max_words = max_words / p->n ? max_words / p->n : 1;
    r->progress = sp;
    r->progress_teller = first;
    ds_analyzer_count_words(r->analyzer, p->n_shards > 0);
}

ds_status ds_scan(const ds_scan_params *p, ds_scan_result *out, char **err)
{
    size_t n = p->n, entries = ds_corpus_count(p->corpus);
    memset(out, 0, sizeof *out);
    out->entry_first = ds_xmalloc((entries + 1) * sizeof *out->entry_first);
    memset(out->entry_first, 0, (entries + 1) * sizeof *out->entry_first);
    out->entries = ds_xmalloc((entries + 1) * sizeof *out->entries);
    memset(out->entries, 0, (entries + 1) * sizeof *out->entries);
    range *ranges = ds_xmalloc(n * sizeof *ranges);
    scan_progress progress = {.files_total = entries,
                              .bytes_total = ds_corpus_bytes(p->corpus)};
    for (size_t k = 0; k < n; k++)
        init_range(&ranges[k], p, k, out, &ranges[0], &progress);
    scan_ranges(ranges, n);
    out->n_entries = entries;
    for (size_t i = 0; i < entries; i++)
        out->entry_first[i + 1] += out->entry_first[i];
    group_near_copies(ranges, n, out);
    name_groups(p, out);
    double total_length = 0;
    ds_status st = DS_OK;
    for (size_t k = 0; k < n; k++) {
        range *r = &ranges[k];
        if (st == DS_OK && r->status == DS_OK) flush_spelling(r);
        if (st == DS_OK && r->status != DS_OK)
            st = ds_fail(err, r->status, "writing index: %s", r->error);
        ds_analyzer_count_words(r->analyzer, 0);
        total_length += r->total_length;
        ds_passage_job_free(&r->job);
        ds_reader_free(r->reader);
        free(r->error);
    }
    free(ranges);
    out->avg_length = out->passages ? total_length / (double)out->passages
                                    : 0;
    return st;
}

void ds_scan_result_free(ds_scan_result *r)
{
    free(r->groups);
    free(r->sigs);
    free(r->entry_first);
    for (size_t i = 0; r->entries && i < r->n_entries; i++)
        free(r->entries[i].why);
    free(r->entries);
    memset(r, 0, sizeof *r);
}
