/* shard.c — see shard.h. */
#define _POSIX_C_SOURCE 200809L
#include "shard.h"

/* POSIX threads rather than C11's <threads.h>: ThreadSanitizer does not
 * follow threads started by glibc's thrd_create. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "schema.h"

/* Passages queued for a shard's thread.  Xapian writes a shard's
 * buffered passages out in bursts (every XAPIAN_FLUSH_THRESHOLD), and the
 * producer, handing passages to the shards in turn, waits while one is
 * busy: the queue must hold what another shard indexes meanwhile.  With 64
 * the shards were idle a third of the time; with 4,096 (a few MB) hardly
 * at all (a quarter of gcide: 5.7 -> 4.1 s). */
#define QUEUE_JOBS 4096

/* Xapian holds a batch of new spelling words in memory until the commit
 * that follows it (about 800 bytes a word). */
#define SPELLING_BATCH 25000

struct ds_shard {
    ds_analyzer *analyzer;
    const ds_synonyms *synonyms;
    dsx_length_norm norm;
    dsx_writer *writer;
    int owns_writer;           /* not when attached to an update's */
    dsx_doc *doc;
    unsigned long passages;
    ds_status status;          /* the first failure, */
    char *error;               /* and its message (malloc'd) */
    /* Threaded shards: the queue (a ring of jobs) and the thread. */
    int threaded;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
    ds_passage_job *queue;     /* QUEUE_JOBS of them */
    size_t head, queued;
    int closed;                /* no more jobs will come */
};

void ds_passage_job_free(ds_passage_job *job)
{
    ds_buf_free(&job->spelling);
    ds_buf_free(&job->source_term);
    ds_buf_free(&job->record);
    ds_buf_free(&job->order);
    ds_indexed_text_free(&job->text);
    memset(job, 0, sizeof *job);
}

static void swap_jobs(ds_passage_job *a, ds_passage_job *b)
{
    ds_passage_job t = *a;
    *a = *b;
    *b = t;
}

/* ---- Spelling words ---- */

/* Each word in `spelling` is its count (uint64_t) and length (uint32_t),
 * copied as bytes, then the word. */
void ds_passage_job_add_spelling(ds_passage_job *job, const char *word,
                                 size_t len, uint64_t count)
{
    uint32_t len32 = (uint32_t)len;
    ds_buf_append(&job->spelling, (const char *)&count, sizeof count);
    ds_buf_append(&job->spelling, (const char *)&len32, sizeof len32);
    ds_buf_append(&job->spelling, word, len);
}

/* Add the job's words to the spelling table, committing every batch. */
static ds_status add_spelling(ds_shard *s, const ds_passage_job *job,
                              char **err)
{
    const char *p = job->spelling.data, *end = p + job->spelling.len;
    size_t added = 0;
    ds_status st = DS_OK;
    char *why = NULL;
    while (p < end && st == DS_OK) {
        uint64_t count;
        uint32_t len;
        memcpy(&count, p, sizeof count);
        memcpy(&len, p + sizeof count, sizeof len);
        p += sizeof count + sizeof len;
        st = dsx_writer_add_spelling(s->writer, p, len, (unsigned long)count,
                                     &why);
        p += len;
        if (st == DS_OK && ++added % SPELLING_BATCH == 0)
            st = dsx_writer_commit(s->writer, &why);
    }
    if (st == DS_OK) st = dsx_writer_commit(s->writer, &why);
    if (st != DS_OK) ds_fail(err, st, "spelling table: %s", why);
    free(why);
    return st;
}

/* ---- Indexing one passage ---- */

/* Index the passage's fields (schema.h); its words also yield the terms
 * of the synonym phrases they contain. */
static ds_status index_fields(ds_shard *s, const ds_indexed_text *text,
                              char **err)
{
    ds_field fields[DS_MAX_FIELDS];
    size_t n = ds_indexed_fields(text, fields);
    ds_status st = DS_OK;
    for (size_t i = 0; i < n && st == DS_OK; i++) {
        const ds_buf *t = fields[i].text;
        st = dsx_doc_index_text(s->doc, t->data, t->len, fields[i].prefix, 1,
                                err);
        if (st == DS_OK && !fields[i].prefix[0] && s->synonyms)
            st = ds_synonyms_index(s->synonyms, s->analyzer, t->data, t->len,
                                   s->doc, err);
    }
    return st;
}

static int count_word(void *ctx, const ds_token *tok)
{
    (void)tok;
    ++*(unsigned long *)ctx;
    return 0;
}

unsigned long ds_passage_job_length(const ds_passage_job *job)
{
    ds_field fields[DS_MAX_FIELDS];
    size_t n = ds_indexed_fields(&job->text, fields);
    unsigned long words = 0;
    for (size_t i = 0; i < n; i++)
        ds_tokenize(fields[i].text->data, fields[i].text->len, count_word,
                    &words);
    return words;
}

void ds_passage_job_prepare(ds_passage_job *job, const ds_corpus_doc *d,
                            size_t i, unsigned long group,
                            const ds_neardup_sig *sig)
{
    const ds_article *a = &d->article;
    const ds_passage *p = &a->items[i];
    const char *date = a->date[0] ? a->date : NULL;
    ds_buf_clear(&job->spelling); /* it may hold a spelling job's words */
    ds_indexed_text_set(&job->text, p->heading, p->text, p->len, a->title,
                        d->title_is_text, a->author);
    job->group = group;
    if (sig) job->sig = *sig;
    else memset(&job->sig, 0, sizeof job->sig);
    ds_record rec = {d->source, i + 1, p->first_line, p->text, p->len,
                     a->title, (char *)date, p->heading, group,
                     a->title && d->title_is_text, a->author};
    ds_record_encode(&rec, &job->record);
    ds_order_key(d->source, strlen(d->source), i + 1, &job->order);
    job->date[0] = '\0';
    if (date) /* YYYY-MM-DD -> YYYYMMDD, what the date range compares */
        snprintf(job->date, sizeof job->date, "%.4s%.2s%.2s", date,
                 date + 5, date + 8);
    ds_buf_clear(&job->source_term);
    ds_buf_puts(&job->source_term, DS_PREFIX_SOURCE);
    ds_buf_append(&job->source_term, d->source, d->key_len);
}

/* A near-copy group: its number as a value (searches collapse on it) and
 * a term (to list a group's other members). */
static ds_status add_group(ds_shard *s, unsigned long group, char **err)
{
    char value[24], term[32];
    snprintf(value, sizeof value, "%lu", group);
    snprintf(term, sizeof term, DS_PREFIX_GROUP "%lu", group);
    ds_status st = dsx_doc_set_value(s->doc, DS_SLOT_GROUP, value,
                                     strlen(value), err);
    return st == DS_OK ? dsx_doc_add_term(s->doc, term, err) : st;
}

/* A near-copy signature: as a value, and its bands as terms (schema.h). */
static ds_status add_signature(ds_shard *s, const ds_neardup_sig *sig,
                               char **err)
{
    char value[DS_NEARDUP_SIG_BYTES], term[DS_BAND_TERM_SIZE];
    ds_neardup_sig_encode(sig, value);
    ds_status st = dsx_doc_set_value(s->doc, DS_SLOT_SIGNATURE, value,
                                     sizeof value, err);
    for (unsigned b = 0; b < DS_NEARDUP_BANDS && st == DS_OK; b++) {
        ds_band_term(sig, b, term);
        st = dsx_doc_add_term(s->doc, term, err);
    }
    return st;
}

/* The passage's document: its fields, then its values and filter terms. */
static ds_status fill_doc(ds_shard *s, const ds_passage_job *job,
                          const char *name, char **err)
{
    ds_status st = index_fields(s, &job->text, err);
    if (st == DS_OK) st = dsx_doc_normalise_lengths(s->doc, &s->norm, err);
    if (st == DS_OK && job->date[0])
        st = dsx_doc_set_value(s->doc, DS_SLOT_DATE, job->date, 8, err);
    if (st == DS_OK)
        st = dsx_doc_set_value(s->doc, DS_SLOT_SOURCE, name, strlen(name),
                               err);
    if (st == DS_OK) st = dsx_doc_add_term(s->doc, job->source_term.data, err);
    if (st == DS_OK && job->group) st = add_group(s, job->group, err);
    if (st == DS_OK && job->sig.valid) st = add_signature(s, &job->sig, err);
    if (st == DS_OK)
        st = dsx_doc_set_value(s->doc, DS_SLOT_RECORD, job->record.data,
                               job->record.len, err);
    if (st == DS_OK)
        st = dsx_doc_set_value(s->doc, DS_SLOT_ORDER, job->order.data,
                               job->order.len, err);
    return st;
}

/* One passage as one document, or spelling words. */
static ds_status index_job(ds_shard *s, const ds_passage_job *job,
                           char **err)
{
    if (job->spelling.len) return add_spelling(s, job, err);
    const char *name = job->source_term.data + strlen(DS_PREFIX_SOURCE);
    char *why = NULL;
    ds_status st = fill_doc(s, job, name, &why);
    if (st == DS_OK)
        st = job->docid
                 ? dsx_writer_replace_doc(s->writer, job->docid, s->doc, &why)
                 : dsx_writer_add_doc(s->writer, s->doc, &why);
    if (st != DS_OK) ds_fail(err, st, "%s: %s", name, why);
    free(why);
    if (st == DS_OK) s->passages++;
    return st;
}

/* ---- The shard's thread ---- */

/* Take the next job into *job; 0 when the queue is closed and empty. */
static int take(ds_shard *s, ds_passage_job *job)
{
    pthread_mutex_lock(&s->lock);
    while (s->queued == 0 && !s->closed)
        pthread_cond_wait(&s->not_empty, &s->lock);
    int got = s->queued > 0;
    if (got) {
        swap_jobs(job, &s->queue[s->head]);
        s->head = (s->head + 1) % QUEUE_JOBS;
        s->queued--;
        pthread_cond_signal(&s->not_full);
    }
    pthread_mutex_unlock(&s->lock);
    return got;
}

/* Record the shard's first error (taking ownership of `error`). */
static void fail(ds_shard *s, ds_status status, char *error)
{
    if (s->threaded) pthread_mutex_lock(&s->lock);
    if (!s->error) {
        s->status = status;
        s->error = error;
    } else {
        free(error);
    }
    if (s->threaded) pthread_mutex_unlock(&s->lock);
}

/* The shard's first error, as the error convention reports it. */
static ds_status first_error(ds_shard *s, char **err)
{
    return ds_fail(err, s->status, "%s", s->error);
}

static void *shard_thread(void *arg)
{
    ds_shard *s = arg;
    ds_passage_job job = {0};
    int failed = 0;
    while (take(s, &job)) {
        if (failed) continue; /* drain, so the producer never waits */
        char *error = NULL;
        ds_status st = index_job(s, &job, &error);
        if (st != DS_OK) {
            fail(s, st, error);
            failed = 1;
        }
    }
    ds_passage_job_free(&job);
    return NULL;
}

/* ---- API ---- */

ds_status ds_shard_open(const char *path, ds_analyzer *analyzer,
                        const ds_synonyms *synonyms, unsigned flush_docs,
                        ds_shard **out, char **err)
{
    ds_shard *s = ds_xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->analyzer = analyzer;
    s->synonyms = synonyms;
    char *why = NULL;
    ds_status st = dsx_writer_create(
        path, ds_analyzer_stemmer(analyzer),
        DSX_WRITER_NO_SYNC, flush_docs, &s->writer, &why);
    s->owns_writer = 1;
    if (st == DS_OK) st = dsx_doc_create(s->writer, &s->doc, &why);
    if (st != DS_OK) {
        ds_fail(err, st, "cannot create index '%s': %s", path, why);
        ds_shard_close(s);
        s = NULL;
    }
    free(why);
    *out = s;
    return st;
}

ds_status ds_shard_attach(dsx_writer *w, ds_analyzer *analyzer,
                          const ds_synonyms *synonyms,
                          const dsx_length_norm *norm, ds_shard **out,
                          char **err)
{
    ds_shard *s = ds_xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->analyzer = analyzer;
    s->synonyms = synonyms;
    s->norm = *norm;
    s->writer = w;
    char *why = NULL;
    ds_status st = dsx_doc_create(w, &s->doc, &why);
    if (st != DS_OK) {
        ds_fail(err, st, "cannot update the index: %s", why);
        ds_shard_close(s);
        s = NULL;
    }
    free(why);
    *out = s;
    return st;
}

ds_status ds_shard_put(ds_shard *s, unsigned docid, ds_passage_job *job,
                       char **err)
{
    const char *name = job->source_term.data + strlen(DS_PREFIX_SOURCE);
    char *why = NULL;
    ds_status st = fill_doc(s, job, name, &why);
    if (st == DS_OK) st = dsx_writer_replace_doc(s->writer, docid, s->doc, &why);
    if (st != DS_OK) ds_fail(err, st, "%s: %s", name, why);
    free(why);
    if (st == DS_OK) s->passages++;
    return st;
}

void ds_shard_set_norm(ds_shard *s, const dsx_length_norm *norm)
{
    /* The thread reads it only for passage jobs, queued after this under
     * the lock; locking here too keeps that plain to see (and to TSan). */
    if (s->threaded) pthread_mutex_lock(&s->lock);
    s->norm = *norm;
    if (s->threaded) pthread_mutex_unlock(&s->lock);
}

ds_status ds_shard_start(ds_shard *s, char **err)
{
    s->queue = ds_xmalloc(QUEUE_JOBS * sizeof *s->queue);
    memset(s->queue, 0, QUEUE_JOBS * sizeof *s->queue);
    if (pthread_mutex_init(&s->lock, NULL) != 0) goto fail;
    if (pthread_cond_init(&s->not_empty, NULL) != 0) goto fail_lock;
    if (pthread_cond_init(&s->not_full, NULL) != 0) goto fail_empty;
    if (pthread_create(&s->thread, NULL, shard_thread, s) != 0)
        goto fail_full;
    s->threaded = 1;
    return DS_OK;
fail_full:
    pthread_cond_destroy(&s->not_full);
fail_empty:
    pthread_cond_destroy(&s->not_empty);
fail_lock:
    pthread_mutex_destroy(&s->lock);
fail:
    free(s->queue);
    s->queue = NULL;
    return ds_fail(err, DS_ERR_INTERNAL, "cannot start an indexing thread");
}

ds_status ds_shard_add(ds_shard *s, ds_passage_job *job, char **err)
{
    if (!s->threaded) {
        if (!s->error) s->status = index_job(s, job, &s->error);
        return s->error ? first_error(s, err) : DS_OK;
    }
    pthread_mutex_lock(&s->lock);
    while (s->queued == QUEUE_JOBS && !s->error)
        pthread_cond_wait(&s->not_full, &s->lock);
    int failed = s->error != NULL;
    if (!failed) {
        swap_jobs(job, &s->queue[(s->head + s->queued) % QUEUE_JOBS]);
        s->queued++;
        pthread_cond_signal(&s->not_empty);
    }
    pthread_mutex_unlock(&s->lock);
    return failed ? first_error(s, err) : DS_OK;
}

ds_status ds_shard_finish(ds_shard *s, char **err)
{
    if (s->threaded) {
        pthread_mutex_lock(&s->lock);
        s->closed = 1;
        pthread_cond_signal(&s->not_empty);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->thread, NULL);
        s->threaded = 0;
        pthread_cond_destroy(&s->not_full);
        pthread_cond_destroy(&s->not_empty);
        pthread_mutex_destroy(&s->lock);
        for (size_t i = 0; i < QUEUE_JOBS; i++)
            ds_passage_job_free(&s->queue[i]);
        free(s->queue);
        s->queue = NULL;
    }
    return s->error ? first_error(s, err) : DS_OK;
}

dsx_writer *ds_shard_writer(ds_shard *s)
{
    return s->writer;
}

unsigned long ds_shard_passages(const ds_shard *s)
{
    return s->passages;
}

void ds_shard_close(ds_shard *s)
{
    if (!s) return;
    if (s->threaded) (void)ds_shard_finish(s, NULL); /* closing anyway */
    dsx_doc_destroy(s->doc);
    if (s->owns_writer) dsx_writer_destroy(s->writer);
    free(s->error);
    free(s);
}
