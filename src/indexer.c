/*
 * indexer.c — see indexer.h.  The term scheme is in schema.h, the passage
 * rules in passage.c, the atomic swap in store.c; this file drives them.
 */
#define _POSIX_C_SOURCE 200809L
#include "indexer.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "corpus.h"
#include "passage.h"
#include "ranking.h"
#include "record.h"
#include "reader.h"
#include "schema.h"
#include "neardup.h"
#include "shard.h"
#include "store.h"
#include "synonyms.h"
#include "util.h"

/* Lines with invalid UTF-8 reported per file before summarising. */
#define MAX_BAD_LINE_REPORTS 5

/* The words counted for the spelling table go to the shards once, at the
 * end of the first pass, unless one of its threads counts its share of
 * this many distinct words first (their memory, about 100 bytes a word,
 * then stays bounded).  Xapian's add_spelling costs most for a new word
 * (a set insertion for each of its letter trigrams) and least in byte
 * order.  Adding each word once, sorted, half of them in each of two
 * shards, took the spelling table of the whole gcide corpus (221,000
 * words) from 9.5 s on the producer's thread (ten batches of 50,000 words
 * in hash order) to about 2 s at the end, and the build from 18.8 to
 * 13.0 s. */
#define SPELLING_WORDS 300000

/* Passages Xapian buffers before writing them out, all shards together
 * (each its share), unless the user sets XAPIAN_FLUSH_THRESHOLD: Xapian's
 * default of 10,000 documents suits long documents; for passages, 1,000
 * took less CPU (-10% to -30%) and less than half the memory (peak RSS
 * 122 -> 53 MB on 10 MB of gcide).  Shared between two shards, the same
 * time; on 11 MB of random words (1.2M distinct) 167 -> 135 MB. */
#define FLUSH_PASSAGES 1000

/* Set Xapian's flush threshold for n shards, unless the user has. */
static void set_flush_threshold(size_t n)
{
    static int user_set = -1; /* before we set it ourselves */
    if (user_set < 0) user_set = getenv("XAPIAN_FLUSH_THRESHOLD") != NULL;
    if (user_set) return;
    char value[24];
    snprintf(value, sizeof value, "%zu", FLUSH_PASSAGES / n);
    setenv("XAPIAN_FLUSH_THRESHOLD", value, 1);
}

typedef struct {
    const char *path;
    unsigned long total;
} bad_line_report;

static void report_bad_line(void *ctx, unsigned long line)
{
    bad_line_report *r = ctx;
    if (++r->total <= MAX_BAD_LINE_REPORTS)
        ds_warn("%s:%lu: invalid UTF-8 or NUL bytes replaced with U+FFFD",
                r->path, line);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A name we can store in a record line and a boolean term. */
static int is_storable_name(const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7F) return 0;
    return *name != '\0';
}

/* Signatures a scan allocates at a time (200 KB). */
#define SIG_BLOCK 4096

/* A share of the first pass (see build_state): the passages of a range
 * of files, each normalised, measured and signed, in corpus order, and
 * their words counted for the spelling table. */
typedef struct {
    const ds_index_options *opt;
    ds_analyzer *analyzer;         /* its own, when in a thread of its own */
    ds_shard **shards;             /* where counted words go */
    size_t n_shards;
    size_t max_words;              /* counted before they go */
    ds_passage_job job;            /* buffers for the normalised fields */
    ds_neardup_sig **sig_blocks;   /* SIG_BLOCK signatures each */
    size_t n;                      /* passages */
    double total_length;
    char *error;                   /* why it stopped, or NULL */
    /* A range of files (unused for a JSON lines collection). */
    const ds_file_list *files;
    size_t from, to;
    size_t *passages;              /* per file of the range */
    ds_reader *reader;             /* its own (see reader.h) */
} scan;

/* The producer's state: it reads the corpus and prepares each passage
 * for a shard (see shard.h).
 *
 * It reads the corpus twice.  A first, quiet pass learns what must be
 * known before the first passage is written: the passages' average length
 * (BM25's normalisation, ranking.h) and each passage's near-copy group;
 * it also counts the words for the spelling table.  Groups are assigned
 * in corpus order, so --jobs never changes them; the signatures, most of
 * the work, are computed in parallel, one thread per shard's range of
 * files.  The second pass hands the passages to the shards, taking each
 * one's group from the first. */
typedef struct {
    const ds_index_options *opt;
    ds_shard **shards;
    size_t n_shards;
    size_t shard;                  /* the one the next passage goes to */
    ds_passage_job job;            /* being prepared */
    ds_index_stats *stats;
    scan *scan;                    /* the first pass of a JSON collection */
    dsx_length_norm norm;
    unsigned long *groups;         /* each scanned passage's group */
    size_t scanned;                /* passages */
    size_t *file_first;            /* each file's first passage, in order */
    unsigned long last_group;      /* groups numbered so far */
    ds_reader *reader;             /* the second pass's */
    size_t added;                  /* passages given to shards */
} build_state;

/* What one document is made of. */
typedef struct {
    size_t ordinal;           /* its place in corpus order (NO_ORDINAL:
                                 not seen by the first pass) */
    const char *source;       /* file name (or JSON id) */
    const char *source_term;  /* DS_PREFIX_SOURCE + name without ".txt" */
    unsigned long number;     /* 1-based passage number in the source */
    const ds_passage *passage;
    const char *title;        /* or NULL */
    const char *date;         /* YYYY-MM-DD, or NULL */
    int title_is_text;        /* the passage is the whole document, so its
                                 title is part of its text */
} passage_doc;

#define NO_ORDINAL ((size_t)-1)

static void normalize_into(ds_buf *out, const char *text, size_t len)
{
    ds_buf_clear(out);
    if (text) ds_normalize(text, len, out);
}

/* Normalise a passage's fields into `job`, once for all their uses. */
static void normalize_fields(ds_passage_job *job, const ds_passage *p,
                             const char *title, int title_is_text)
{
    normalize_into(&job->heading, p->heading,
                   p->heading ? strlen(p->heading) : 0);
    normalize_into(&job->body, p->text, p->len);
    normalize_into(&job->title, title, title ? strlen(title) : 0);
    job->title_is_text = title_is_text;
}

/* Splitting the counted words between the shards. */
typedef struct {
    scan *sc;
    size_t per_shard, added, shard;
} spelling_split;

static int split_spelling_word(void *ctx, const ds_word_entry *e)
{
    spelling_split *sp = ctx;
    ds_passage_job *job = &sp->sc->job;
    if (!e->count) return 0; /* cached before counting began */
    ds_passage_job_add_spelling(job, e->word, e->word_len, e->count);
    if (++sp->added % sp->per_shard != 0) return 0;
    int rc = ds_shard_add(sp->sc->shards[sp->shard++], job, &sp->sc->error);
    ds_buf_clear(&job->spelling);
    return rc;
}

/* Hand the words the scan counted so far (every word indexed as text,
 * with how often: once per distinct word, rather than once per occurrence
 * as TermGenerator's FLAG_SPELLING would) to the shards' spelling tables,
 * in byte order, a contiguous share to each.  A word that several scans
 * (or one scan's hand-overs) counted is added more than once: the tables
 * add up its counts, and the merge joins them. */
static int flush_spelling(scan *sc)
{
    spelling_split sp = {
        sc, ds_analyzer_words(sc->analyzer) / sc->n_shards + 1, 0, 0};
    ds_buf_clear(&sc->job.spelling);
    int rc = ds_analyzer_flush_words(sc->analyzer, split_spelling_word, &sp);
    if (rc == 0 && sc->job.spelling.len)
        rc = ds_shard_add(sc->shards[sp.shard], &sc->job, &sc->error);
    ds_buf_clear(&sc->job.spelling);
    return rc ? -1 : 0;
}

/* The first pass's work on one passage.  Returns 0, or -1 with
 * sc->error. */
static int scan_passage(scan *sc, const ds_passage *p, const char *title,
                        int title_is_text)
{
    ds_passage_job *job = &sc->job;
    normalize_fields(job, p, title, title_is_text);
    sc->total_length += (double)ds_passage_job_length(job);
    if (sc->n % SIG_BLOCK == 0) {
        size_t blocks = sc->n / SIG_BLOCK + 1;
        sc->sig_blocks = ds_xrealloc(sc->sig_blocks,
                                     blocks * sizeof *sc->sig_blocks);
        sc->sig_blocks[blocks - 1] =
            ds_xmalloc(SIG_BLOCK * sizeof **sc->sig_blocks);
    }
    /* Signing counts the body's words; the rest indexed as text here. */
    ds_neardup_sign(sc->analyzer, job->body.data, job->body.len,
                    &sc->sig_blocks[sc->n / SIG_BLOCK][sc->n % SIG_BLOCK]);
    sc->n++;
    ds_analyzer_each_stem(sc->analyzer, job->heading.data, job->heading.len,
                          NULL, NULL);
    if (title_is_text)
        ds_analyzer_each_stem(sc->analyzer, job->title.data, job->title.len,
                              NULL, NULL);
    if (ds_analyzer_words(sc->analyzer) < sc->max_words) return 0;
    return flush_spelling(sc);
}

/* The group the first pass gave a passage; a new one for a passage it
 * did not see (its file changed in between). */
static unsigned long passage_group(build_state *b, size_t ordinal)
{
    return ordinal < b->scanned ? b->groups[ordinal] : ++b->last_group;
}

/* Prepare one passage and hand it to the current shard (in the first
 * pass, scan it). */
static int add_passage(build_state *b, const passage_doc *d, char **err)
{
    const ds_passage *p = d->passage;
    if (b->scan) {
        if (scan_passage(b->scan, p, d->title, d->title_is_text) == 0)
            return 0;
        *err = ds_xstrdup(b->scan->error);
        return -1;
    }
    ds_passage_job *job = &b->job;
    ds_buf_clear(&job->spelling); /* it may hold a spelling job's words */
    normalize_fields(job, p, d->title, d->title_is_text);
    ds_record rec = {(char *)d->source, d->number, p->first_line, p->text,
                     p->len, (char *)d->title, (char *)d->date, p->heading,
                     passage_group(b, d->ordinal),
                     d->title && d->title_is_text};
    b->added++;
    ds_record_encode(&rec, &job->record);
    job->date[0] = '\0';
    if (d->date) /* YYYY-MM-DD -> YYYYMMDD, what the date range compares */
        snprintf(job->date, sizeof job->date, "%.4s%.2s%.2s", d->date,
                 d->date + 5, d->date + 8);
    ds_buf_clear(&job->source_term);
    ds_buf_puts(&job->source_term, d->source_term);
    return ds_shard_add(b->shards[b->shard], job, err);
}

static int add_article(build_state *b, const char *source, size_t name_len,
                       const ds_article *a, const char *title,
                       int title_is_text, char **err)
{
    char *term = ds_xasprintf(DS_PREFIX_SOURCE "%.*s", (int)name_len, source);
    int rc = 0;
    for (size_t i = 0; i < a->count && rc == 0; i++) {
        passage_doc d = {b->added, source, term, i + 1, &a->items[i], title,
                         a->date[0] ? a->date : NULL, title_is_text};
        rc = add_passage(b, &d, err);
    }
    free(term);
    return rc;
}

/* "12 passages; dropped lines: repeated 7, newsletter 1" for --verbose. */
static void report_file(const char *path, const ds_article *a)
{
    ds_buf line;
    ds_buf_init(&line);
    ds_buf_printf(&line, "%s: %zu passages", path, a->count);
    if (a->title) ds_buf_puts(&line, ", title");
    if (a->date[0]) ds_buf_printf(&line, ", date %s", a->date);
    int first = 1;
    for (size_t i = 0; i < a->n_dropped; i++) {
        const char *rule = a->dropped[i].rule;
        size_t seen = 0, count = 0;
        for (size_t j = 0; j < a->n_dropped; j++) {
            seen += j < i && strcmp(a->dropped[j].rule, rule) == 0;
            count += strcmp(a->dropped[j].rule, rule) == 0;
        }
        if (seen) continue; /* counted at its first occurrence */
        ds_buf_printf(&line, "%s%s %zu", first ? "; dropped lines: " : ", ",
                      rule, count);
        first = 0;
    }
    ds_warn("%s", line.data);
    ds_buf_free(&line);
}

/* ---- A folder of articles ---- */

/* Read and split one corpus file into *article (zero-initialised).
 * Returns 1 when it was read; unreadable files are reported, counted and
 * skipped (0). */
static int read_article(build_state *b, const char *rel, ds_buf *text,
                        ds_article *article)
{
    char *path = ds_xasprintf("%s/%s", b->opt->corpus_dir, rel);
    bad_line_report report = {path, 0};
    char *read_err = NULL;
    int ok = 0;
    if (!is_storable_name(rel)) {
        ds_warn("%s: file name has control characters (skipped)", path);
        b->stats->files_failed++;
    } else if (ds_corpus_read(path, text, report_bad_line, &report,
                              &read_err) != 0) {
        ds_warn("%s (skipped)", read_err);
        free(read_err);
        b->stats->files_failed++;
    } else {
        if (report.total > MAX_BAD_LINE_REPORTS)
            ds_warn("%s: %lu more lines with invalid UTF-8", path,
                    report.total - MAX_BAD_LINE_REPORTS);
        ds_reader_split(b->reader, text->data, text->len, article);
        if (b->opt->verbose) report_file(path, article);
        b->stats->files++;
        b->stats->corpus_bytes += text->len;
        ok = 1;
    }
    free(path);
    return ok;
}

/* A range of files, handed out a passage at a time. */
typedef struct {
    size_t next, end;       /* files not opened yet */
    const char *rel;        /* the open file */
    char *source_term;
    ds_article article;
    size_t at;              /* its next passage */
    size_t first, scanned;  /* the first pass's ordinal of its first
                               passage, and its passage count */
} file_cursor;

static void cursor_close(file_cursor *c)
{
    ds_article_free(&c->article);
    free(c->source_term);
    c->source_term = NULL;
    c->at = 0;
}

static void cursor_open_next(build_state *b, file_cursor *c,
                             const ds_file_list *files, ds_buf *text)
{
    size_t i = c->next++;
    c->rel = files->paths[i];
    if (read_article(b, c->rel, text, &c->article))
        c->source_term = ds_xasprintf(DS_PREFIX_SOURCE "%.*s",
                                      (int)(strlen(c->rel) - 4), c->rel);
    c->first = b->file_first[i];
    c->scanned = b->file_first[i + 1] - c->first;
}

/* Give the cursor's next passage to its shard (b->shard).  Returns 1 when
 * one was given, 0 at the end of the range, -1 on error. */
static int cursor_step(build_state *b, file_cursor *c,
                       const ds_file_list *files, ds_buf *text, char **err)
{
    while (c->at == c->article.count) {
        cursor_close(c);
        if (c->next == c->end) return 0;
        cursor_open_next(b, c, files, text);
    }
    const ds_article *a = &c->article;
    passage_doc d = {c->at < c->scanned ? c->first + c->at : NO_ORDINAL,
                     c->rel, c->source_term, c->at + 1, &a->items[c->at],
                     a->title, a->date[0] ? a->date : NULL, 0};
    c->at++;
    return add_passage(b, &d, err) == 0 ? 1 : -1;
}

/* Index the files, each shard its range of them (bounds[k] ..
 * bounds[k+1]) in order.  The shards are given a passage each in turn, so
 * none waits while another's queue is full. */
static int index_folder(build_state *b, const ds_file_list *files,
                        const size_t *bounds, char **err)
{
    size_t n = b->n_shards;
    ds_buf text;
    ds_buf_init(&text);
    file_cursor *cursors = ds_xmalloc(n * sizeof *cursors);
    memset(cursors, 0, n * sizeof *cursors);
    for (size_t k = 0; k < n; k++) {
        cursors[k].next = bounds[k];
        cursors[k].end = bounds[k + 1];
    }
    int rc = 1;
    for (size_t active = n; active > 0 && rc >= 0;) {
        active = 0;
        for (size_t k = 0; k < n && rc >= 0; k++) {
            b->shard = k;
            if ((rc = cursor_step(b, &cursors[k], files, &text, err)) > 0)
                active++;
        }
    }
    for (size_t k = 0; k < n; k++) cursor_close(&cursors[k]);
    free(cursors);
    ds_buf_free(&text);
    return rc < 0 ? -1 : 0;
}

/* ---- A collection in JSON lines ---- */

static const char *json_text(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* One {"id", "title", "text"} document: one passage, or (with --split) the
 * passages of its text read as an article. */
static int index_json_doc(build_state *b, json_t *doc, const char *where,
                          char **err)
{
    const char *id = json_text(doc, "id"), *title = json_text(doc, "title");
    const char *text = json_text(doc, "text");
    if (!id || !text || !is_storable_name(id)) {
        if (b->scan) return 0;
        ds_warn("%s: needs string \"id\" and \"text\" (skipped)", where);
        b->stats->files_failed++;
        return 0;
    }
    ds_article a = {0};
    size_t len = strlen(text);
    ds_passage whole = {(char *)text, len, 1, NULL};
    if (b->opt->split) {
        ds_reader_split(b->reader, text, len, &a);
    } else {
        a.items = &whole;
        a.count = len ? 1 : 0;
    }
    int rc = add_article(b, id, strlen(id), &a,
                         title && *title ? title : a.title, !b->opt->split,
                         err);
    if (b->opt->split) ds_article_free(&a);
    if (!b->scan) {
        b->stats->files++;
        b->stats->corpus_bytes += len;
    }
    return rc;
}

static int index_jsonl(build_state *b, char **err)
{
    const char *path = b->opt->jsonl_path;
    FILE *f = fopen(path, "r");
    if (!f) {
        *err = ds_xasprintf("cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long number = 0;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        number++;
        if (strspn(line, " \t\r\n") == (size_t)n) continue;
        char *where = ds_xasprintf("%s:%lu", path, number);
        json_error_t jerr;
        json_t *doc = json_loadb(line, (size_t)n, 0, &jerr);
        if (!json_is_object(doc)) {
            if (!b->scan) {
                ds_warn("%s: not a JSON object: %s (skipped)", where,
                        jerr.text);
                b->stats->files_failed++;
            }
        } else {
            rc = index_json_doc(b, doc, where, err);
        }
        json_decref(doc);
        free(where);
    }
    free(line);
    fclose(f);
    return rc;
}

/* ---- Shards ---- */

/* A build uses several shards (one thread each) only for a corpus this
 * large: below it, merging them costs more than it saves. */
#define PARALLEL_MIN_BYTES (4ull << 20)
/* Shards when --jobs is not given: one per core, at most this many (each
 * holds about 30 MB while indexing). */
#define MAX_AUTO_SHARDS 4

static unsigned long long *file_sizes(const char *dir,
                                      const ds_file_list *files,
                                      unsigned long long *total)
{
    unsigned long long *sizes =
        ds_xmalloc((files->count ? files->count : 1) * sizeof *sizes);
    *total = 0;
    for (size_t i = 0; i < files->count; i++) {
        char *path = ds_xasprintf("%s/%s", dir, files->paths[i]);
        struct stat st;
        sizes[i] = stat(path, &st) == 0 ? (unsigned long long)st.st_size : 0;
        *total += sizes[i];
        free(path);
    }
    return sizes;
}

static size_t shard_count(const ds_index_options *opt, size_t files,
                          unsigned long long bytes)
{
    if (opt->jsonl_path || files < 2) return 1;
    size_t n = opt->jobs;
    if (n == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        n = bytes < PARALLEL_MIN_BYTES || cores < 2 ? 1
            : cores > MAX_AUTO_SHARDS                ? MAX_AUTO_SHARDS
                                                     : (size_t)cores;
    }
    return n < files ? n : files;
}

/* Split the files into n contiguous ranges of about equal bytes, each of
 * at least one file: shard k gets files bounds[k] .. bounds[k+1]. */
static void partition(const unsigned long long *sizes, size_t count,
                      unsigned long long total, size_t n, size_t *bounds)
{
    size_t i = 0;
    unsigned long long done = 0;
    bounds[0] = 0;
    for (size_t k = 1; k < n; k++) {
        while (i < count - (n - k) && (i == bounds[k - 1] || done * n < total * k))
            done += sizes[i++];
        bounds[k] = i;
    }
    bounds[n] = count;
}

/* Where shard k of n writes: the generation itself when it is the only
 * one, else a directory inside it, merged into it at the end. */
static char *shard_path(const char *gen_path, size_t k, size_t n)
{
    return n == 1 ? ds_xstrdup(gen_path)
                  : ds_xasprintf("%s/shard-%zu", gen_path, k);
}

static int open_shards(build_state *b, const ds_synonyms *synonyms,
                       const char *gen_path, ds_analyzer **analyzers,
                       char **err)
{
    if (b->n_shards > 1 && mkdir(gen_path, 0755) != 0) {
        *err = ds_xasprintf("cannot create '%s': %s", gen_path,
                            strerror(errno));
        return -1;
    }
    for (size_t k = 0; k < b->n_shards; k++) {
        char *path = shard_path(gen_path, k, b->n_shards);
        b->shards[k] =
            ds_shard_open(path, analyzers[k], synonyms, err);
        free(path);
        if (!b->shards[k]) return -1;
    }
    if (synonyms &&
        ds_synonyms_install(synonyms, ds_shard_writer(b->shards[0]), err))
        return -1;
    for (size_t k = 0; b->n_shards > 1 && k < b->n_shards; k++)
        if (ds_shard_start(b->shards[k], err) != 0) return -1;
    return 0;
}

/* ---- The first pass (see build_state) ---- */

/* Scan a range of files, quietly: problems are reported by the pass that
 * indexes.  A thread's body. */
static void *scan_files(void *arg)
{
    scan *sc = arg;
    ds_buf text;
    ds_buf_init(&text);
    for (size_t i = sc->from; i < sc->to && !sc->error; i++) {
        const char *rel = sc->files->paths[i];
        char *path = ds_xasprintf("%s/%s", sc->opt->corpus_dir, rel);
        char *read_err = NULL;
        ds_article a = {0};
        if (is_storable_name(rel) &&
            ds_corpus_read(path, &text, NULL, NULL, &read_err) == 0) {
            ds_reader_split(sc->reader, text.data, text.len, &a);
        }
        for (size_t j = 0; j < a.count && !sc->error; j++)
            scan_passage(sc, &a.items[j], a.title, 0);
        sc->passages[i - sc->from] = a.count;
        ds_article_free(&a);
        free(read_err);
        free(path);
    }
    ds_buf_free(&text);
    return NULL;
}

/* Scan every range, all but the first in threads of their own (or in
 * this one, when a thread cannot be started). */
static void scan_ranges(scan *scans, size_t n)
{
    pthread_t *threads = ds_xmalloc(n * sizeof *threads);
    unsigned char *started = ds_xmalloc(n);
    for (size_t k = 1; k < n; k++)
        started[k] =
            pthread_create(&threads[k], NULL, scan_files, &scans[k]) == 0;
    scan_files(&scans[0]);
    for (size_t k = 1; k < n; k++) {
        if (started[k]) pthread_join(threads[k], NULL);
        else scan_files(&scans[k]);
    }
    free(started);
    free(threads);
}

/* Group the scanned passages, in corpus order. */
static void group_near_copies(build_state *b, scan *scans, size_t n)
{
    size_t total = 0;
    for (size_t k = 0; k < n; k++) total += scans[k].n;
    b->groups = ds_xmalloc((total ? total : 1) * sizeof *b->groups);
    ds_neardup *d = ds_neardup_new();
    for (size_t k = 0; k < n; k++) {
        ds_neardup_sig **blocks = scans[k].sig_blocks;
        for (size_t j = 0; j < scans[k].n; j++) {
            unsigned long group = ds_neardup_add_signed(
                d, &blocks[j / SIG_BLOCK][j % SIG_BLOCK]);
            b->groups[b->scanned++] = group;
            if (group > b->last_group) b->last_group = group;
            /* The table keeps its own copy: free each block once read. */
            if ((j + 1) % SIG_BLOCK == 0 || j + 1 == scans[k].n)
                free(blocks[j / SIG_BLOCK]);
        }
        free(blocks);
        scans[k].sig_blocks = NULL;
    }
    b->stats->shared_groups = ds_neardup_shared_groups(d);
    ds_neardup_free(d);
}

/* The first pass, with analyzers[k] signing and counting the passages of
 * the files bounds[k] .. bounds[k+1] (or one scan of the JSON collection);
 * the counted words go to the shards as it goes and at its end.  The
 * lengths it averages are the words each passage's fields hold (the
 * shards' own lengths also count synonym phrases, a few terms in a
 * thousand).  Every shard's normalisation is set from them. */
static int first_pass(build_state *b, const ds_file_list *files,
                      const size_t *bounds, ds_analyzer **analyzers,
                      char **err)
{
    size_t n = b->n_shards;
    unsigned long max_words =
        b->opt->spelling_words ? b->opt->spelling_words : SPELLING_WORDS;
    scan *scans = ds_xmalloc(n * sizeof *scans);
    memset(scans, 0, n * sizeof *scans);
    b->file_first = ds_xmalloc((files->count + 1) * sizeof *b->file_first);
    memset(b->file_first, 0, (files->count + 1) * sizeof *b->file_first);
    for (size_t k = 0; k < n; k++) {
        scans[k].opt = b->opt;
        scans[k].analyzer = analyzers[k];
        scans[k].shards = b->shards;
        scans[k].n_shards = n;
        scans[k].max_words = max_words / n ? max_words / n : 1;
        ds_analyzer_count_words(analyzers[k], 1);
    }
    int rc = 0;
    if (b->opt->jsonl_path) {
        b->scan = &scans[0];
        rc = index_jsonl(b, err);
        b->scan = NULL;
    } else {
        for (size_t k = 0; k < n; k++) {
            scans[k].files = files;
            scans[k].from = bounds[k];
            scans[k].to = bounds[k + 1];
            scans[k].passages = b->file_first + 1 + bounds[k];
            scans[k].reader = ds_reader_new(b->opt->plain ? DS_READER_PLAIN
                                                          : DS_READER_NEWS);
        }
        scan_ranges(scans, n);
        for (size_t i = 0; i < files->count; i++)
            b->file_first[i + 1] += b->file_first[i];
    }
    group_near_copies(b, scans, n);
    double total_length = 0;
    for (size_t k = 0; k < n; k++) {
        if (rc == 0 && !scans[k].error) flush_spelling(&scans[k]);
        if (rc == 0 && scans[k].error) {
            *err = ds_xasprintf("writing index: %s", scans[k].error);
            rc = -1;
        }
        ds_analyzer_count_words(analyzers[k], 0);
        total_length += scans[k].total_length;
        ds_passage_job_free(&scans[k].job);
        ds_reader_free(scans[k].reader);
        free(scans[k].error);
    }
    free(scans);
    dsx_bm25 bm25;
    ds_bm25_settings(&bm25);
    b->norm = (dsx_length_norm){
        bm25.b, bm25.min_normlen,
        b->scanned ? total_length / (double)b->scanned : 0, DS_LENGTH_SCALE};
    for (size_t k = 0; k < n; k++) ds_shard_set_norm(b->shards[k], &b->norm);
    return rc;
}

/* ---- The generation ---- */

static int write_metadata(const build_state *b, dsx_writer *w,
                          const ds_synonyms *synonyms)
{
    char passages[32], groups[32], lengths[128];
    snprintf(passages, sizeof passages, "%lu", b->stats->passages);
    snprintf(groups, sizeof groups, "%lu", b->stats->shared_groups);
    ds_length_norm_format(&b->norm, lengths, sizeof lengths);
    return dsx_writer_set_metadata(w, DS_META_FORMAT, DS_INDEX_FORMAT) ||
           dsx_writer_set_metadata(w, DS_META_ANALYSIS,
                                   DS_ANALYSIS_DESCRIPTION) ||
           dsx_writer_set_metadata(w, DS_META_PASSAGES, passages) ||
           dsx_writer_set_metadata(w, DS_META_READER,
                                   b->opt->plain ? "plain" : "news") ||
           dsx_writer_set_metadata(w, DS_META_GROUPS, groups) ||
           dsx_writer_set_metadata(w, DS_META_LENGTHS, lengths) ||
           dsx_writer_set_metadata(w, DS_META_SYNONYMS,
                                   synonyms ? synonyms->text : "");
}

/* Wait for the shards, then write the metadata (into the first: merging
 * keeps it) and commit each. */
static int finish_shards(build_state *b, const ds_synonyms *synonyms,
                         char **err)
{
    int rc = 0;
    for (size_t k = 0; k < b->n_shards; k++) {
        char *shard_err = NULL;
        if (ds_shard_finish(b->shards[k], &shard_err) != 0 && rc == 0) {
            *err = ds_xasprintf("writing index: %s", shard_err);
            rc = -1;
        }
        free(shard_err);
        b->stats->passages += ds_shard_passages(b->shards[k]);
    }
    for (size_t k = 0; k < b->n_shards && rc == 0; k++) {
        dsx_writer *w = ds_shard_writer(b->shards[k]);
        if ((k == 0 && write_metadata(b, w, synonyms)) ||
            dsx_writer_commit(w)) {
            *err = ds_xasprintf("writing index: %s", dsx_writer_error(w));
            rc = -1;
        }
    }
    return rc;
}

/* Merge the shards' databases into the generation and remove them. */
static int merge_shards(build_state *b, const char *gen_path, char **err)
{
    size_t n = b->n_shards;
    char **paths = ds_xmalloc(n * sizeof *paths);
    for (size_t k = 0; k < b->n_shards; k++) {
        ds_shard_close(b->shards[k]);
        b->shards[k] = NULL;
        paths[k] = shard_path(gen_path, k, b->n_shards);
    }
    unsigned long docs = 0;
    char *xerr = NULL;
    int rc = dsx_compact((const char *const *)paths, n, gen_path, &docs,
                         &b->stats->terms, &xerr) == DSX_OK ? 0 : -1;
    if (rc != 0)
        *err = ds_xasprintf("merging index shards: %s",
                            xerr ? xerr : "out of memory");
    free(xerr);
    for (size_t k = 0; k < n; k++) {
        ds_remove_dir(paths[k]);
        free(paths[k]);
    }
    free(paths);
    return rc;
}

static int write_generation(const ds_index_options *opt,
                            const ds_synonyms *synonyms, ds_analyzer *analyzer,
                            const char *gen_path, ds_index_stats *stats,
                            char **err)
{
    ds_file_list files = {0};
    unsigned long long *sizes = NULL, total = 0;
    if (!opt->jsonl_path) {
        if (ds_corpus_list(opt->corpus_dir, &files, err) != 0) return -1;
        sizes = file_sizes(opt->corpus_dir, &files, &total);
    }
    size_t n = shard_count(opt, files.count, total);
    build_state b = {.opt = opt,
                     .shards = ds_xmalloc(n * sizeof(ds_shard *)),
                     .n_shards = n,
                     .stats = stats,
                     .reader = ds_reader_new(opt->plain && !opt->jsonl_path
                                                 ? DS_READER_PLAIN
                                                 : DS_READER_NEWS)};
    size_t *bounds = ds_xmalloc((n + 1) * sizeof *bounds);
    ds_analyzer **analyzers = ds_xmalloc(n * sizeof *analyzers);
    /* One shard shares the producer's analyzer (and its stem cache);
     * shards in threads of their own need their own. */
    int rc = 0;
    for (size_t k = 0; k < n; k++) {
        b.shards[k] = NULL;
        analyzers[k] = n == 1 ? analyzer : ds_analyzer_new();
        if (!analyzers[k]) rc = -1;
    }
    if (rc != 0) *err = ds_xstrdup("libstemmer has no English stemmer");
    set_flush_threshold(n);
    if (!opt->jsonl_path) partition(sizes, files.count, total, n, bounds);
    if (rc == 0) rc = open_shards(&b, synonyms, gen_path, analyzers, err);
    if (rc == 0) rc = first_pass(&b, &files, bounds, analyzers, err);
    if (rc == 0)
        rc = opt->jsonl_path ? index_jsonl(&b, err)
                             : index_folder(&b, &files, bounds, err);
    if (rc == 0) rc = finish_shards(&b, synonyms, err);
    if (rc == 0 && n > 1) {
        rc = merge_shards(&b, gen_path, err);
    } else if (rc == 0) {
        unsigned long docs = 0;
        dsx_writer *w = ds_shard_writer(b.shards[0]);
        if (dsx_writer_stats(w, &docs, &stats->terms) != DSX_OK) {
            *err = ds_xasprintf("writing index: %s", dsx_writer_error(w));
            rc = -1;
        }
    }
    /* Closing a shard also ends its thread, after a failure too. */
    for (size_t k = 0; k < n; k++) {
        ds_shard_close(b.shards[k]);
        if (n > 1) ds_analyzer_free(analyzers[k]);
    }
    free(analyzers);
    free(b.shards);
    free(bounds);
    free(sizes);
    ds_passage_job_free(&b.job);
    ds_reader_free(b.reader);
    free(b.groups);
    free(b.file_first);
    ds_file_list_free(&files);
    return rc;
}

/* The synonyms to build with: --synonyms FILE, else CORPUS/synonyms.conf
 * when it exists.  Returns 0 (with *out possibly NULL) or -1. */
static int load_synonyms(const ds_index_options *opt, ds_analyzer *a,
                         ds_synonyms **out, char **err)
{
    *out = NULL;
    char *path = opt->synonyms_path ? ds_xstrdup(opt->synonyms_path) : NULL;
    if (!path && opt->corpus_dir && !opt->jsonl_path) {
        path = ds_xasprintf("%s/synonyms.conf", opt->corpus_dir);
        if (access(path, F_OK) != 0) {
            free(path);
            return 0;
        }
    }
    if (!path || !*path) {
        free(path);
        return 0;
    }
    *out = ds_synonyms_load(a, path, err);
    free(path);
    return *out ? 0 : -1;
}

/* The corpus must exist and hold something before the old index is
 * touched. */
static int check_corpus(const ds_index_options *opt, char **err)
{
    if (opt->jsonl_path) {
        if (access(opt->jsonl_path, R_OK) == 0) return 0;
        *err = ds_xasprintf("cannot read '%s': %s", opt->jsonl_path,
                            strerror(errno));
        return -1;
    }
    ds_file_list files;
    if (ds_corpus_list(opt->corpus_dir, &files, err) != 0) return -1;
    size_t count = files.count;
    ds_file_list_free(&files);
    if (count) return 0;
    *err = ds_xasprintf("corpus directory '%s' has no *.txt files",
                        opt->corpus_dir);
    return -1;
}

int ds_index_build(const ds_index_options *opt, ds_index_stats *stats,
                   char **err)
{
    double start = now_seconds();
    memset(stats, 0, sizeof *stats);
    *err = NULL;
    if (check_corpus(opt, err) != 0) return -1;
    ds_analyzer *analyzer = ds_analyzer_new();
    if (!analyzer) {
        *err = ds_xstrdup("libstemmer has no English stemmer");
        return -1;
    }
    ds_synonyms *synonyms = NULL;
    ds_rebuild rb;
    int rc = -1;
    if (load_synonyms(opt, analyzer, &synonyms, err) == 0 &&
        ds_rebuild_begin(opt->index_dir, &rb, err) == 0) {
        rc = write_generation(opt, synonyms, analyzer, rb.gen_path, stats,
                              err);
        if (rc == 0 && stats->files == 0) {
            *err = ds_xasprintf("nothing in '%s' could be read",
                                opt->jsonl_path ? opt->jsonl_path
                                                : opt->corpus_dir);
            rc = -1;
        }
        if (rc == 0) {
            stats->index_bytes = ds_dir_bytes(rb.gen_path);
            rc = ds_rebuild_publish(&rb, err);
        } else {
            ds_rebuild_abort(&rb);
        }
    }
    ds_synonyms_free(synonyms);
    ds_analyzer_free(analyzer);
    stats->seconds = now_seconds() - start;
    return rc;
}

/* "17.6 kB" style. */
static void format_bytes(char *out, size_t size, unsigned long long bytes)
{
    if (bytes < 1000)
        snprintf(out, size, "%llu B", bytes);
    else if (bytes < 1000000)
        snprintf(out, size, "%.1f kB", (double)bytes / 1e3);
    else
        snprintf(out, size, "%.1f MB", (double)bytes / 1e6);
}

char *ds_index_summary(const ds_index_stats *s)
{
    char corpus[32], index[32];
    format_bytes(corpus, sizeof corpus, s->corpus_bytes);
    format_bytes(index, sizeof index, s->index_bytes);
    char *failed = s->files_failed
                       ? ds_xasprintf(" (%lu unreadable, skipped)",
                                      s->files_failed)
                       : ds_xstrdup("");
    char *line = ds_xasprintf(
        "indexed %lu file%s%s (%s) into %lu passages (%lu near-copy groups), "
        "%lu distinct terms; index %s; %.2f s",
        s->files, s->files == 1 ? "" : "s", failed, corpus, s->passages,
        s->shared_groups, s->terms, index, s->seconds);
    free(failed);
    return line;
}
