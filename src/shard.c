/* shard.c — see shard.h. */
#define _POSIX_C_SOURCE 200809L
#include "shard.h"

/* POSIX threads rather than C11's <threads.h>: ThreadSanitizer does not
 * follow threads started by glibc's thrd_create. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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
    dsx_doc *doc;
    unsigned long passages;
    char *error;               /* the first failure, malloc'd */
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
    ds_buf_free(&job->heading);
    ds_buf_free(&job->body);
    ds_buf_free(&job->title);
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

/* Add the job's words to the spelling table, committing every batch.
 * Returns NULL, or what failed (malloc'd). */
static char *add_spelling(ds_shard *s, const ds_passage_job *job)
{
    const char *p = job->spelling.data, *end = p + job->spelling.len;
    size_t added = 0;
    dsx_status st = DSX_OK;
    while (p < end && st == DSX_OK) {
        uint64_t count;
        uint32_t len;
        memcpy(&count, p, sizeof count);
        memcpy(&len, p + sizeof count, sizeof len);
        p += sizeof count + sizeof len;
        st = dsx_writer_add_spelling(s->writer, p, len, (unsigned long)count);
        p += len;
        if (st == DSX_OK && ++added % SPELLING_BATCH == 0)
            st = dsx_writer_commit(s->writer);
    }
    if (st == DSX_OK) st = dsx_writer_commit(s->writer);
    return st == DSX_OK ? NULL
                        : ds_xasprintf("spelling table: %s",
                                       dsx_writer_error(s->writer));
}

/* ---- Indexing one passage ---- */

/* Index `text` under `prefix`; plain text also yields the terms of the
 * synonym phrases it contains. */
static dsx_status index_text(ds_shard *s, const ds_buf *text,
                             const char *prefix)
{
    dsx_status st =
        dsx_doc_index_text(s->doc, text->data, text->len, prefix, 1);
    if (st == DSX_OK && prefix[0] == '\0' && s->synonyms)
        st = ds_synonyms_index(s->synonyms, s->analyzer, text->data,
                               text->len, s->doc);
    return st;
}

/* The heading (as text and under heading:), the body, the title (under
 * title:, and as text when it is part of the text), in that order. */
static dsx_status index_fields(ds_shard *s, const ds_passage_job *job)
{
    dsx_status st = DSX_OK;
    if (job->heading.len &&
        ((st = index_text(s, &job->heading, "")) ||
         (st = index_text(s, &job->heading, DS_PREFIX_HEADING))))
        return st;
    if ((st = index_text(s, &job->body, ""))) return st;
    if (job->title.len && (st = index_text(s, &job->title, DS_PREFIX_TITLE)))
        return st;
    return job->title.len && job->title_is_text
               ? index_text(s, &job->title, "")
               : DSX_OK;
}

static int count_word(void *ctx, const ds_token *tok)
{
    (void)tok;
    ++*(unsigned long *)ctx;
    return 0;
}

static unsigned long words_in(const ds_buf *text)
{
    unsigned long n = 0;
    ds_tokenize(text->data, text->len, count_word, &n);
    return n;
}

/* The words index_fields() indexes, field by field. */
unsigned long ds_passage_job_length(const ds_passage_job *job)
{
    return 2 * words_in(&job->heading) + words_in(&job->body) +
           (job->title_is_text ? 2 : 1) * words_in(&job->title);
}

/* One passage as one document, or spelling words.  Returns NULL, or what
 * failed (malloc'd). */
static char *index_job(ds_shard *s, const ds_passage_job *job)
{
    if (job->spelling.len) return add_spelling(s, job);
    const char *term = job->source_term.data;
    const char *name = term + strlen(DS_PREFIX_SOURCE);
    if (index_fields(s, job) ||
        dsx_doc_normalise_lengths(s->doc, &s->norm) ||
        (job->date[0] && dsx_doc_set_value(s->doc, DS_SLOT_DATE, job->date, 8)) ||
        dsx_doc_set_value(s->doc, DS_SLOT_SOURCE, name, strlen(name)) ||
        dsx_doc_add_term(s->doc, term) ||
        dsx_doc_set_value(s->doc, DS_SLOT_RECORD, job->record.data,
                          job->record.len))
        return ds_xasprintf("%s: %s", name, dsx_doc_error(s->doc));
    if (dsx_writer_add_doc(s->writer, s->doc) != DSX_OK)
        return ds_xasprintf("%s: %s", name, dsx_writer_error(s->writer));
    s->passages++;
    return NULL;
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
static void fail(ds_shard *s, char *error)
{
    if (s->threaded) pthread_mutex_lock(&s->lock);
    if (!s->error) s->error = error;
    else free(error);
    if (s->threaded) pthread_mutex_unlock(&s->lock);
}

static void *shard_thread(void *arg)
{
    ds_shard *s = arg;
    ds_passage_job job = {0};
    char *error = NULL;
    while (take(s, &job)) {
        if (error) continue; /* drain, so the producer never waits */
        if ((error = index_job(s, &job)) != NULL) fail(s, ds_xstrdup(error));
    }
    free(error);
    ds_passage_job_free(&job);
    return NULL;
}

/* ---- API ---- */

ds_shard *ds_shard_open(const char *path, ds_analyzer *analyzer,
                        const ds_synonyms *synonyms, char **err)
{
    ds_shard *s = ds_xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->analyzer = analyzer;
    s->synonyms = synonyms;
    char *xerr = NULL;
    if (dsx_writer_create(path, ds_analyzer_stemmer(analyzer),
                          DSX_WRITER_NO_SYNC | DSX_WRITER_NO_TERMLIST,
                          &s->writer, &xerr) != DSX_OK) {
        *err = ds_xasprintf("cannot create index '%s': %s", path,
                            xerr ? xerr : "out of memory");
        free(xerr);
        free(s);
        return NULL;
    }
    if (dsx_doc_create(s->writer, &s->doc) != DSX_OK) {
        *err = ds_xasprintf("writing index: %s", dsx_writer_error(s->writer));
        dsx_writer_destroy(s->writer);
        free(s);
        return NULL;
    }
    return s;
}

void ds_shard_set_norm(ds_shard *s, const dsx_length_norm *norm)
{
    /* The thread reads it only for passage jobs, queued after this under
     * the lock; locking here too keeps that plain to see (and to TSan). */
    if (s->threaded) pthread_mutex_lock(&s->lock);
    s->norm = *norm;
    if (s->threaded) pthread_mutex_unlock(&s->lock);
}

int ds_shard_start(ds_shard *s, char **err)
{
    s->queue = ds_xmalloc(QUEUE_JOBS * sizeof *s->queue);
    memset(s->queue, 0, QUEUE_JOBS * sizeof *s->queue);
    if (pthread_mutex_init(&s->lock, NULL) != 0) goto fail;
    if (pthread_cond_init(&s->not_empty, NULL) != 0) goto fail_lock;
    if (pthread_cond_init(&s->not_full, NULL) != 0) goto fail_empty;
    if (pthread_create(&s->thread, NULL, shard_thread, s) != 0)
        goto fail_full;
    s->threaded = 1;
    return 0;
fail_full:
    pthread_cond_destroy(&s->not_full);
fail_empty:
    pthread_cond_destroy(&s->not_empty);
fail_lock:
    pthread_mutex_destroy(&s->lock);
fail:
    free(s->queue);
    s->queue = NULL;
    *err = ds_xstrdup("cannot start an indexing thread");
    return -1;
}

int ds_shard_add(ds_shard *s, ds_passage_job *job, char **err)
{
    if (!s->threaded) {
        if (!s->error) s->error = index_job(s, job);
        if (!s->error) return 0;
        *err = ds_xstrdup(s->error);
        return -1;
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
    if (failed) *err = ds_xstrdup(s->error);
    return failed ? -1 : 0;
}

int ds_shard_finish(ds_shard *s, char **err)
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
    if (!s->error) return 0;
    *err = ds_xstrdup(s->error);
    return -1;
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
    if (s->threaded) {
        char *err = NULL;
        ds_shard_finish(s, &err);
        free(err);
    }
    dsx_doc_destroy(s->doc);
    dsx_writer_destroy(s->writer);
    free(s->error);
    free(s);
}
