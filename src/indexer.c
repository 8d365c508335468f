/*
 * indexer.c — building an index generation from a corpus (dealsearch.h's
 * ds_indexer).  The corpus is read through corpus.h, each passage written
 * by a shard (shard.h) following the term scheme of schema.h; the atomic
 * swap is store.c's.
 *
 * The corpus is read twice.  A first, quiet pass (scan.h) learns what
 * must be known before the first passage is written: the passages'
 * average length (for the ranking's length normalisation, ranking.h) and
 * each passage's near-copy group; it also counts the words for the
 * spelling table.  The second pass hands the passages to the shards,
 * taking each one's group from the first.  A large corpus is built as
 * several shards, one thread each, every shard a contiguous range of the
 * corpus, merged at the end with Xapian's compaction: the result is what
 * one shard would store.
 * A sharded index (`--shards N`, layout.h) keeps its shards instead, each
 * the files hashed to it, with a head database holding what the whole
 * corpus shares (metadata, spelling, synonyms) and a stub listing them;
 * the first pass's average length normalises every shard alike, so the
 * shards searched together rank as one database does.
 */
#define _DEFAULT_SOURCE /* realpath */
#include "dealsearch.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "corpus.h"
#include "digest.h"
#include "ranking.h"
#include "record.h"
#include "scan.h"
#include "schema.h"
#include "shard.h"
#include "spelling.h"
#include "filerec.h"
#include "layout.h"
#include "plan.h"
#include "store.h"
#include "synonyms.h"
#include "update.h"
#include "util.h"

/* Passages Xapian buffers before writing them out, all shards together
 * (each its share): Xapian's default of 10,000 documents suits long
 * documents; for passages, 1,000 took less CPU and less than half the
 * memory (bench/README.md). */
#define FLUSH_PASSAGES 1000

/* A build uses several shards (one thread each) only for a corpus this
 * large: below it, merging them costs more than it saves. */
#define PARALLEL_MIN_BYTES (4ull << 20)
/* Shards when `jobs` is 0: one per core, at most this many (each holds
 * about 30 MB while indexing). */
#define MAX_AUTO_SHARDS 4

struct ds_indexer {
    ds_index_options opt;    /* its strings point to the copies below */
    char *corpus_path, *index_dir, *synonyms_path, *plan_path;
    char *corpus_abs;        /* the corpus path the index records */
    dsx_length_norm norm;    /* the ranking's length normalisation (all
                                but the average length, which the first
                                pass measures) */
    ds_analyzer *analyzer;
    ds_synonyms *synonyms;
    ds_corpus *corpus;       /* listed when opened, for the first build */
    ds_rebuild rb;
    int locked;
    size_t shards;           /* a sharded index's (0: one database) */
    int part;                /* the part of it built (DS_PART_ALL: all) */
};

void ds_index_options_init(ds_index_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->corpus.kind = DS_CORPUS_FOLDER;
    opt->corpus.path = "corpus";
    opt->corpus.reader = DS_READER_NEWS;
    opt->index_dir = "corpus.index";
    opt->shards = -1;
    opt->part = DS_PART_ALL;
}

/* ---- The second pass ---- */

/* The producer's state in the second pass. */
typedef struct {
    const ds_indexer *ix;
    ds_corpus *corpus;
    ds_shard **shards;
    size_t n_shards;
    int sharded;                   /* kept as shards (layout.h), not merged */
    int part;                      /* sharded: the one part built here
                                      (layout.h), or DS_PART_ALL */
    char check[DS_DIGEST_HEX];     /* a part's (layout.h) */
    ds_shard *head;                /* sharded: the head database */
    size_t *owner;                 /* sharded: each entry's shard */
    ds_passage_job job;            /* being prepared */
    ds_index_stats *stats;
    const ds_scan_result *scan;    /* the first pass's groups */
    ds_reader *reader;
    ds_buf scratch;
    unsigned long dated;           /* passages with a date */
    double total_length;           /* of all passages (the first pass's) */
    const ds_plan *plan;           /* a part built from a plan (plan.h),
                                      or NULL */
    ds_index_progress progress;    /* the second pass's, when told */
    /* Per entry, from the second pass: read, its stamp, its passages. */
    unsigned char *read;
    ds_file_stamp *stamps;
    size_t *counts;
} build_state;

/* A range of entries, handed to its shard a passage at a time (a
 * sharded index: all of them, each file to its own shard). */
typedef struct {
    size_t next, end;       /* entries not read yet */
    ds_corpus_doc doc;      /* the entry being handed out */
    size_t at;              /* its next passage */
    size_t first, scanned;  /* the first pass's ordinal of its first
                               passage, and its passage count */
} cursor;

/* The group the first pass gave a passage; none for a passage it did not
 * see (its file changed in between). */
static unsigned long passage_group(build_state *b, const cursor *c)
{
    return c->at < c->scanned ? b->scan->groups[c->first + c->at] : 0;
}

/* Prepare the cursor's next passage and hand it to `shard`, as document
 * `docid` (0: the shard's next). */
static ds_status add_passage(build_state *b, cursor *c, ds_shard *shard,
                             unsigned docid, char **err)
{
    const ds_scan_result *scan = b->scan;
    const ds_neardup_sig *sig =
        c->at < c->scanned ? &scan->sigs[c->first + c->at] : NULL;
    ds_passage_job_prepare(&b->job, &c->doc, c->at, passage_group(b, c), sig);
    b->job.docid = docid;
    b->dated += c->doc.article.date[0] != '\0';
    c->at++;
    return ds_shard_add(shard, &b->job, err);
}

static void notify(const ds_indexer *ix, const char *msg)
{
    if (ix->opt.notice) ix->opt.notice(ix->opt.notice_ctx, msg);
}

/* Tell the progress of pass `pass`, entry `i` read (with `passages`), or
 * none yet when `i` is the corpus's count. */
static void tell_progress(build_state *b, int pass, size_t i, size_t passages)
{
    ds_index_progress *p = &b->progress;
    if (!b->ix->opt.progress) return;
    if (p->pass != pass) {
        *p = (ds_index_progress){.pass = pass};
        p->files_total = ds_corpus_count(b->corpus);
        p->bytes_total = ds_corpus_bytes(b->corpus);
    }
    if (i < ds_corpus_count(b->corpus)) {
        p->files++;
        p->passages += passages;
        p->bytes += ds_corpus_entry_bytes(b->corpus, i);
    }
    b->ix->opt.progress(b->ix->opt.progress_ctx, p);
}

/* "corpus/a.txt: 12 passages, title; dropped lines: repeated 7,
 * newsletter 1" (a JSON document is named by its id). */
static void report_file(const ds_indexer *ix, const ds_corpus_doc *d)
{
    const ds_article *a = &d->article;
    ds_buf line;
    ds_buf_init(&line);
    if (ix->opt.corpus.kind == DS_CORPUS_FOLDER)
        ds_buf_printf(&line, "%s/", ix->opt.corpus.path);
    ds_buf_printf(&line, "%s: %zu passages", d->source, a->count);
    if (a->title) ds_buf_puts(&line, ", title");
    if (a->date[0]) ds_buf_printf(&line, ", date %s", a->date);
    if (d->encoding == DS_ENCODING_CP1252)
        ds_buf_puts(&line, ", read as Windows-1252");
    for (size_t i = 0; i < a->n_dropped; i++) {
        const char *rule = a->dropped[i].rule;
        size_t seen = 0, count = 0;
        for (size_t j = 0; j < a->n_dropped; j++) {
            seen += j < i && strcmp(a->dropped[j].rule, rule) == 0;
            count += strcmp(a->dropped[j].rule, rule) == 0;
        }
        if (!seen) /* counted at its first occurrence */
            ds_buf_printf(&line, "%s%s %zu",
                          i ? ", " : "; dropped lines: ", rule, count);
    }
    notify(ix, line.data);
    ds_buf_free(&line);
}

/* Read the cursor's next entry: counted, reported when it cannot be
 * read (it then has no passages). */
static void read_next(build_state *b, cursor *c)
{
    size_t i = c->next++;
    char *why = NULL;
    ds_corpus_doc_free(&c->doc);
    c->at = 0;
    c->first = b->scan->entry_first[i];
    c->scanned = b->scan->entry_first[i + 1] - c->first;
    if (ds_corpus_read(b->corpus, i, b->reader, &b->scratch, 0, &c->doc,
                       &why) != DS_OK) {
        ds_buf msg;
        ds_buf_init(&msg);
        ds_buf_printf(&msg, "%s (skipped)", why);
        notify(b->ix, msg.data);
        ds_buf_free(&msg);
        free(why);
        b->stats->files_failed++;
        tell_progress(b, 2, i, 0);
        return;
    }
    tell_progress(b, 2, i, c->doc.article.count);
    if (b->ix->opt.verbose) report_file(b->ix, &c->doc);
    b->read[i] = 1;
    b->stamps[i] = c->doc.stamp;
    b->counts[i] = c->doc.article.count;
    b->stats->files++;
    b->stats->corpus_bytes += c->doc.bytes;
}

/* Give the cursor's next passage to `shard`: *given is 0 at the end of
 * the range. */
static ds_status cursor_step(build_state *b, cursor *c, ds_shard *shard,
                             int *given, char **err)
{
    while (c->at == c->doc.article.count) {
        if (c->next == c->end) {
            *given = 0;
            return DS_OK;
        }
        read_next(b, c);
    }
    *given = 1;
    return add_passage(b, c, shard, 0, err);
}

/* Index the entries, each shard its range (bounds[k] .. bounds[k+1]) in
 * order.  The shards are given a passage each in turn, so none waits
 * while another's queue is full. */
static ds_status second_pass(build_state *b, const size_t *bounds, char **err)
{
    size_t n = b->n_shards;
    cursor *cursors = ds_xmalloc(n * sizeof *cursors);
    memset(cursors, 0, n * sizeof *cursors);
    for (size_t k = 0; k < n; k++) {
        cursors[k].next = bounds[k];
        cursors[k].end = bounds[k + 1];
    }
    ds_status st = DS_OK;
    for (size_t active = n; active > 0 && st == DS_OK;) {
        active = 0;
        for (size_t k = 0; k < n && st == DS_OK; k++) {
            int given = 0;
            st = cursor_step(b, &cursors[k], b->shards[k], &given, err);
            active += (size_t)given;
        }
    }
    for (size_t k = 0; k < n; k++) ds_corpus_doc_free(&cursors[k].doc);
    free(cursors);
    return st;
}

/* ---- A part built from a plan (plan.h) ---- */

/* An entry as messages name it: "corpus/a.txt", "corpus.jsonl line 3"
 * (past the listing's end: the plan's entry i); malloc'd. */
static char *entry_label(const build_state *b, size_t i)
{
    const char *name = i < ds_corpus_count(b->corpus)
                           ? ds_corpus_entry_name(b->corpus, i)
                           : b->plan->entries[i].name;
    const char *corpus = b->ix->opt.corpus.path;
    return name ? ds_xasprintf("%s/%s", corpus, name)
                : ds_xasprintf("%s line %zu", corpus, i + 1);
}

/* "'corpus/a.txt' changed since plan 'P' was written: ..." */
static ds_status plan_stale(const build_state *b, size_t i, const char *what,
                            char **err)
{
    char *label = entry_label(b, i);
    ds_status st = ds_fail(err, DS_ERR_USAGE, "'%s' %s since plan '%s' was "
                           "written: write the plan again", label, what,
                           b->ix->opt.plan_path);
    free(label);
    return st;
}

/* The corpus as listed now must be the plan's: the same entries (names
 * and sizes) in the same order, or the passages would be numbered, and
 * the files shared between the shards, otherwise than it says. */
static ds_status plan_listing_agrees(const build_state *b, char **err)
{
    const ds_plan *p = b->plan;
    size_t count = ds_corpus_count(b->corpus);
    for (size_t i = 0; i < count || i < p->n_entries; i++) {
        const char *name = i < count ? ds_corpus_entry_name(b->corpus, i)
                                     : NULL;
        if (i >= count)
            return plan_stale(b, i, "was removed", err);
        if (i >= p->n_entries || strcmp(name ? name : "",
                                        p->entries[i].name) != 0)
            return plan_stale(b, i, "is not where the plan lists it: files "
                              "were added, removed or renamed", err);
        if (ds_corpus_entry_bytes(b->corpus, i) != p->entries[i].size)
            return plan_stale(b, i, "changed size", err);
    }
    return DS_OK;
}

/* Entry i, read now (or not), as the plan has it: readable or not alike,
 * the same bytes and passages. */
static ds_status plan_entry_agrees(const build_state *b, size_t i, int read,
                                   const ds_digest *digest, size_t passages,
                                   char **err)
{
    const ds_plan_entry *e = &b->plan->entries[i];
    const size_t *first = b->plan->scan.entry_first;
    if (read != e->read)
        return plan_stale(b, i, read ? "became readable"
                                     : "became unreadable", err);
    if (read && (!ds_digest_equal(digest, &e->digest) ||
                 passages != first[i + 1] - first[i]))
        return plan_stale(b, i, "changed", err);
    return DS_OK;
}

/* The second pass's entry i, as the plan has it. */
static ds_status plan_read_agrees(const build_state *b, size_t i, char **err)
{
    return plan_entry_agrees(b, i, b->read[i], &b->stamps[i].digest,
                             b->read[i] ? b->counts[i] : 0, err);
}

/* The head's own first pass, entry by entry, as the plan has it. */
static ds_status plan_scan_agrees(const build_state *b,
                                  const ds_scan_result *scan, char **err)
{
    ds_status st = DS_OK;
    for (size_t i = 0; i < b->plan->n_entries && st == DS_OK; i++)
        st = plan_entry_agrees(b, i, scan->entries[i].read,
                               &scan->entries[i].stamp.digest,
                               scan->entry_first[i + 1] -
                                   scan->entry_first[i],
                               err);
    return st;
}

/* The check the part records (layout.h) must be the plan's: it covers
 * the settings a plan cannot tell (synonyms, reader, the average length
 * asked for). */
static ds_status plan_check_agrees(const build_state *b, char **err)
{
    if (strcmp(b->check, b->plan->check) == 0) return DS_OK;
    return ds_fail(err, DS_ERR_USAGE,
                   "plan '%s' was written from another corpus or with other "
                   "settings (synonyms, reader, --jsonl, --split): write it "
                   "again with the options of this build",
                   b->ix->opt.plan_path);
}

/* A shard built alone (layout.h) does not read the other shards' files:
 * it numbers past their passages as the first pass counted them.  Returns
 * the count. */
static unsigned long skip_entry(build_state *b, cursor *c)
{
    size_t i = c->next++;
    tell_progress(b, 2, i, 0);
    return (unsigned long)(b->scan->entry_first[i + 1] -
                           b->scan->entry_first[i]);
}

/* A sharded index's second pass: the entries in corpus order, each
 * file's passages to the shard its name picks (layout.h).  Passage g of
 * the corpus (as one database numbers it) is document g of its shard, so
 * the stub's numbers follow corpus order too, and Xapian's tie-break by
 * document number ranks equal scores (and equal dates) as one database
 * does, for nothing.  The shards take the passages from their queues
 * concurrently. */
static ds_status second_pass_sharded(build_state *b, char **err)
{
    cursor c = {.end = ds_corpus_count(b->corpus)};
    unsigned long docid = 0;
    ds_status st = DS_OK;
    while (st == DS_OK) {
        while (st == DS_OK && c.at == c.doc.article.count && c.next < c.end) {
            if (b->part < 0 || b->owner[c.next] == (size_t)b->part) {
                read_next(b, &c);
                if (b->plan) st = plan_read_agrees(b, c.next - 1, err);
            } else {
                docid += skip_entry(b, &c);
            }
        }
        if (st != DS_OK || c.at == c.doc.article.count) break;
        if (ds_layout_docid(b->n_shards, b->n_shards - 1, ++docid) >
            UINT_MAX) {
            st = ds_fail(err, DS_ERR_USAGE,
                         "%lu passages over %zu shards outnumber Xapian's "
                         "document numbers: use fewer shards",
                         docid, b->n_shards);
            break;
        }
        ds_shard *shard = b->shards[b->owner[c.next - 1]];
        if (shard) {
            st = add_passage(b, &c, shard, (unsigned)docid, err);
        } else { /* the head built alone reads for its file records */
            b->dated += c.doc.article.date[0] != '\0';
            c.at++;
        }
    }
    if (b->part < 0) b->stats->passages = docid;
    ds_corpus_doc_free(&c.doc);
    return st;
}

/* The head built alone (layout.h) writes no passage: its file records
 * come from its first pass, which read every file already (with
 * --verbose it reads them again, to report each). */
static ds_status records_from_scan(build_state *b, char **err)
{
    const ds_scan_result *s = b->scan;
    for (size_t i = 0; i < ds_corpus_count(b->corpus); i++) {
        const ds_scan_entry *e = &s->entries[i];
        size_t passages = s->entry_first[i + 1] - s->entry_first[i];
        tell_progress(b, 2, i, passages);
        if (!e->read) {
            char *msg = ds_xasprintf("%s (skipped)",
                                     e->why ? e->why : "cannot be read");
            notify(b->ix, msg);
            free(msg);
            b->stats->files_failed++;
            continue;
        }
        b->read[i] = 1;
        b->stamps[i] = e->stamp;
        b->counts[i] = passages;
        b->dated += e->dated ? passages : 0;
        b->stats->files++;
        b->stats->corpus_bytes += e->bytes;
    }
    b->stats->passages = s->passages;
    if (ds_layout_docid(b->n_shards, b->n_shards - 1, s->passages) > UINT_MAX)
        return ds_fail(err, DS_ERR_USAGE, "%zu passages over %zu shards "
                       "outnumber Xapian's document numbers: use fewer "
                       "shards", s->passages, b->n_shards);
    return DS_OK;
}

/* ---- Shards ---- */

static size_t shard_count(const ds_indexer *ix, const ds_corpus *c)
{
    size_t entries = ds_corpus_count(c);
    if (entries < 2) return 1;
    size_t n = ix->opt.jobs;
    if (n == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        n = ds_corpus_bytes(c) < PARALLEL_MIN_BYTES || cores < 2 ? 1
            : cores > MAX_AUTO_SHARDS ? MAX_AUTO_SHARDS
                                      : (size_t)cores;
    }
    return n < entries ? n : entries;
}

/* Split the entries into n contiguous ranges of about equal bytes, each
 * of at least one entry: shard k gets entries bounds[k] .. bounds[k+1]. */
static void partition(const ds_corpus *c, size_t n, size_t *bounds)
{
    size_t count = ds_corpus_count(c), i = 0;
    unsigned long long total = ds_corpus_bytes(c), done = 0;
    bounds[0] = 0;
    for (size_t k = 1; k < n; k++) {
        while (i < count - (n - k) &&
               (i == bounds[k - 1] || done * n < total * k))
            done += ds_corpus_entry_bytes(c, i++);
        bounds[k] = i;
    }
    bounds[n] = count;
}

/* Where shard k of n of one database writes: the generation itself when
 * it is the only one, else a directory inside it, merged into it at the
 * end. */
static char *shard_path(const char *gen_path, size_t k, size_t n)
{
    return n == 1 ? ds_xstrdup(gen_path)
                  : ds_xasprintf("%s/" DS_LAYOUT_SHARD "%zu", gen_path, k);
}

/* Does the build write part `part` of a sharded index? */
static int builds(const build_state *b, int part)
{
    return b->part == DS_PART_ALL || b->part == part;
}

/* Where part `part` (DS_PART_HEAD or a shard) of a sharded index ends:
 * the generation itself when the part is built alone. */
static char *part_path(const build_state *b, const char *gen_path, int part)
{
    if (b->part != DS_PART_ALL) return ds_xstrdup(gen_path);
    return part == DS_PART_HEAD
               ? ds_xasprintf("%s/" DS_LAYOUT_HEAD, gen_path)
               : ds_xasprintf("%s/" DS_LAYOUT_SHARD "%d", gen_path, part);
}

/* A sharded index's databases are written in a folder BUILD_DIR inside
 * the folder they end in, and compacted from there into it when built:
 * indexed a passage at a time, Xapian leaves its blocks half full, and
 * these databases are not merged (bench/README.md, "Shards"). */
#define BUILD_DIR ".build"

static ds_status open_part(build_state *b, const char *gen_path, int part,
                           ds_analyzer *analyzer, unsigned flush,
                           ds_shard **out, char **err)
{
    char *final = part_path(b, gen_path, part);
    char *path = ds_xasprintf("%s/" BUILD_DIR, final);
    ds_status st = mkdir(final, 0755) != 0
                       ? ds_fail(err, DS_ERR_IO, "cannot create '%s': %s",
                                 final, strerror(errno))
                       : ds_shard_open(path, analyzer, b->ix->synonyms, flush,
                                       out, err);
    free(path);
    free(final);
    return st;
}

static ds_status compact_part(build_state *b, const char *gen_path, int part,
                              char **err)
{
    char *final = part_path(b, gen_path, part);
    char *path = ds_xasprintf("%s/" BUILD_DIR, final), *why = NULL;
    ds_status st = dsx_compact_keeping(path, final, &why);
    if (st != DS_OK) st = ds_fail(err, st, "compacting '%s': %s", final, why);
    ds_remove_dir(path);
    free(why);
    free(path);
    free(final);
    return st;
}

/* A sharded index's head: a shard that is given spelling words only. */
static ds_status open_head(build_state *b, const char *gen_path,
                           ds_analyzer *analyzer, char **err)
{
    ds_status st = open_part(b, gen_path, DS_PART_HEAD, analyzer, 0,
                             &b->head, err);
    return st == DS_OK ? ds_shard_start(b->head, err) : st;
}

static ds_status open_shards(build_state *b, const char *gen_path,
                             ds_analyzer **analyzers, char **err)
{
    size_t n = b->n_shards;
    int alone = b->part != DS_PART_ALL;
    if ((n > 1 || b->sharded) && !alone && mkdir(gen_path, 0755) != 0)
        return ds_fail(err, DS_ERR_IO, "cannot create '%s': %s", gen_path,
                       strerror(errno));
    ds_status st = DS_OK;
    unsigned flush = (unsigned)(FLUSH_PASSAGES / n);
    for (size_t k = 0; k < n && st == DS_OK; k++) {
        if (!builds(b, (int)k)) continue;
        if (b->sharded) {
            st = open_part(b, gen_path, (int)k, analyzers[k], flush,
                           &b->shards[k], err);
            continue;
        }
        char *path = shard_path(gen_path, k, n);
        st = ds_shard_open(path, analyzers[k], b->ix->synonyms, flush,
                           &b->shards[k], err);
        free(path);
    }
    if (st == DS_OK && b->sharded && builds(b, DS_PART_HEAD))
        st = open_head(b, gen_path, analyzers[n], err);
    ds_shard *first = b->sharded ? b->head : b->shards[0];
    if (st == DS_OK && first && b->ix->synonyms)
        st = ds_synonyms_install(b->ix->synonyms, ds_shard_writer(first),
                                 err);
    for (size_t k = 0; (n > 1 || b->sharded) && k < n && st == DS_OK; k++)
        if (b->shards[k]) st = ds_shard_start(b->shards[k], err);
    return st;
}

/* "PATH", "jsonl PATH" or "jsonl-split PATH": the corpus the index was
 * built from (schema.h), malloc'd. */
static char *corpus_description(ds_corpus_kind kind, int split,
                                const char *path)
{
    const char *name = kind == DS_CORPUS_FOLDER ? "folder"
                       : split                  ? "jsonl-split"
                                                : "jsonl";
    return ds_xasprintf("%s %s", name, path);
}

/* The settings an index records that an update must find unchanged
 * (update.h), with the counts a build writes beside them. */
typedef struct {
    char *corpus;
    const char *pairs[5][2];
} settings;

static void settings_init(const ds_indexer *ix, settings *out)
{
    const ds_corpus_spec *spec = &ix->opt.corpus;
    out->corpus = corpus_description(spec->kind, spec->split, ix->corpus_abs);
    const char *const pairs[5][2] = {
        {DS_META_FORMAT, DS_INDEX_FORMAT},
        {DS_META_ANALYSIS, DS_ANALYSIS_DESCRIPTION},
        {DS_META_READER, ds_reader_kind_name(spec->reader)},
        {DS_META_CORPUS, out->corpus},
        {DS_META_SYNONYMS, ix->synonyms ? ix->synonyms->text : ""}};
    memcpy(out->pairs, pairs, sizeof pairs);
}

/* A record of each file read (filerec.h) and its documents' numbers: in
 * corpus order from 1, as one database (merged) numbers them, or as the
 * stub of a sharded one does (second_pass_sharded). */
static ds_status write_file_records(const build_state *b, dsx_writer *w,
                                    char **err)
{
    ds_buf value;
    ds_buf_init(&value);
    unsigned long next = 1;
    ds_status st = DS_OK;
    for (size_t i = 0; i < ds_corpus_count(b->corpus) && st == DS_OK; i++) {
        const char *name = ds_corpus_entry_name(b->corpus, i);
        if (!b->read[i] || !name) continue;
        size_t k = b->owner ? b->owner[i] : 0;
        ds_filerec r = {(char *)name, b->stamps[i], NULL, b->counts[i]};
        r.docids = ds_xmalloc((r.n + 1) * sizeof *r.docids);
        for (size_t j = 0; j < r.n; j++, next++)
            r.docids[j] = (unsigned)(b->sharded
                                         ? ds_layout_docid(b->n_shards, k, next)
                                         : next);
        ds_filerec_encode(&r, &value);
        char *key = ds_filerec_key(name);
        st = dsx_writer_set_metadata(w, key, value.data, err);
        free(key);
        free(r.docids);
    }
    ds_buf_free(&value);
    return st;
}

static ds_status write_metadata(const build_state *b, dsx_writer *w,
                                const dsx_length_norm *norm, char **err)
{
    char passages[32], groups[32], dated[32], lengths[128], total[48],
        build[64];
    snprintf(passages, sizeof passages, "%lu", b->stats->passages);
    snprintf(dated, sizeof dated, "%lu", b->dated);
    snprintf(build, sizeof build, "%lld %lu", (long long)time(NULL),
             b->stats->files);
    snprintf(groups, sizeof groups, "%lu", b->stats->shared_groups);
    snprintf(total, sizeof total, "%.0f", b->total_length);
    ds_length_norm_format(norm, lengths, sizeof lengths);
    settings set;
    settings_init(b->ix, &set);
    const char *const counts[][2] = {{DS_META_PASSAGES, passages},
                                     {DS_META_GROUPS, groups},
                                     {DS_META_DATED, dated},
                                     {DS_META_LENGTHS, lengths},
                                     {DS_META_LENGTH_TOTAL, total},
                                     {DS_META_BUILD, build}};
    ds_status st = DS_OK;
    for (size_t i = 0; i < 5 && st == DS_OK; i++)
        st = dsx_writer_set_metadata(w, set.pairs[i][0], set.pairs[i][1], err);
    for (size_t i = 0; i < sizeof counts / sizeof *counts && st == DS_OK; i++)
        st = dsx_writer_set_metadata(w, counts[i][0], counts[i][1], err);
    if (st == DS_OK && b->ix->opt.corpus.kind == DS_CORPUS_FOLDER)
        st = write_file_records(b, w, err);
    free(set.corpus);
    return st;
}

/* What the parts of a sharded index built one by one (layout.h) must
 * agree on to rank as one index, as a digest: the settings an index
 * records, the corpus listing (names and sizes; not the folder's path,
 * which may differ between machines), the number of shards, and the
 * first pass's passages, groups and average length. */
static void part_check(const build_state *b, const ds_scan_result *scan,
                       const dsx_length_norm *norm, char *out)
{
    settings set;
    settings_init(b->ix, &set);
    ds_buf text;
    ds_buf_init(&text);
    for (size_t i = 0; i < 5; i++)
        if (strcmp(set.pairs[i][0], DS_META_CORPUS) != 0)
            ds_buf_printf(&text, "%s\n", set.pairs[i][1]);
    char lengths[128];
    ds_length_norm_format(norm, lengths, sizeof lengths);
    const ds_corpus_spec *spec = &b->ix->opt.corpus;
    ds_buf_printf(&text, "%d %d %zu %zu %lu %s\n", (int)spec->kind,
                  spec->split, b->n_shards, scan->passages,
                  scan->shared_groups, lengths);
    for (size_t i = 0; i < ds_corpus_count(b->corpus); i++) {
        const char *name = ds_corpus_entry_name(b->corpus, i);
        ds_buf_printf(&text, "%s %llu\n", name ? name : "",
                      (unsigned long long)ds_corpus_entry_bytes(b->corpus, i));
    }
    ds_digest d;
    ds_digest_bytes(text.data, text.len, &d);
    ds_digest_hex(&d, out);
    ds_buf_free(&text);
    free(set.corpus);
}

/* Wait for the shards, then write the metadata (into the first, which
 * merging keeps, or the head) and commit each. */
static ds_status finish_shards(build_state *b, const dsx_length_norm *norm,
                               char **err)
{
    ds_status st = DS_OK;
    for (size_t k = 0; k < b->n_shards; k++) {
        if (!b->shards[k]) continue; /* built by another process */
        ds_status done = ds_shard_finish(b->shards[k], st ? NULL : err);
        if (st == DS_OK) st = done;
        /* (a sharded index counted them in corpus order) */
        if (!b->sharded || b->part >= 0)
            b->stats->passages += ds_shard_passages(b->shards[k]);
    }
    if (b->head) {
        ds_status done = ds_shard_finish(b->head, st ? NULL : err);
        if (st == DS_OK) st = done;
    }
    ds_shard *first = b->sharded ? b->head : b->shards[0];
    if (st == DS_OK && first)
        st = write_metadata(b, ds_shard_writer(first), norm, err);
    if (st == DS_OK && b->head)
        st = dsx_writer_commit(ds_shard_writer(b->head), err);
    for (size_t k = 0; k < b->n_shards && st == DS_OK; k++)
        if (b->shards[k])
            st = dsx_writer_commit(ds_shard_writer(b->shards[k]), err);
    return st;
}

/* A part built alone (layout.h): its words counted, the vocabulary beside
 * a head, and the file saying which part it is. */
static ds_status seal_part(build_state *b, const char *gen_path, char **err)
{
    unsigned long docs = 0;
    char *why = NULL;
    ds_status st = DS_OK;
    if (dsx_stats_at(gen_path, &docs, &b->stats->terms, &why) != DS_OK)
        st = ds_fail(err, DS_ERR_IO, "reading the new part: %s", why);
    free(why);
    if (st == DS_OK && b->part == DS_PART_HEAD)
        st = ds_spelling_write_vocab(gen_path, err);
    ds_layout_part part = {b->n_shards, b->part, ""};
    snprintf(part.check, sizeof part.check, "%s", b->check);
    if (st == DS_OK) st = ds_layout_write_part(gen_path, &part, err);
    return st;
}

/* Close a sharded index's databases and list them in its stub; its
 * vocabulary goes beside the head's spelling table. */
static ds_status seal_shards(build_state *b, const char *gen_path, char **err)
{
    for (size_t k = 0; k < b->n_shards; k++) {
        ds_shard_close(b->shards[k]);
        b->shards[k] = NULL;
    }
    ds_shard_close(b->head);
    b->head = NULL;
    ds_status st = DS_OK;
    for (int part = DS_PART_HEAD; part < (int)b->n_shards && st == DS_OK;
         part++)
        if (part != DS_PART_ALL && builds(b, part))
            st = compact_part(b, gen_path, part, err);
    if (st != DS_OK) return st;
    if (b->part != DS_PART_ALL) return seal_part(b, gen_path, err);
    st = ds_layout_write_sharded(gen_path, b->n_shards, err);
    /* Its updates' lock, there before any searcher looks for it. */
    ds_store_unlock(ds_store_lock_commit(gen_path, 1, 1));
    unsigned long docs = 0;
    char *why = NULL;
    if (st == DS_OK &&
        dsx_stats_at(gen_path, &docs, &b->stats->terms, &why) != DS_OK)
        st = ds_fail(err, DS_ERR_IO, "reading the new shards: %s", why);
    free(why);
    char *head = ds_xasprintf("%s/" DS_LAYOUT_HEAD, gen_path);
    if (st == DS_OK) st = ds_spelling_write_vocab(head, err);
    free(head);
    return st;
}

/* Merge the shards' databases into the generation and remove them; or,
 * with one shard, just count its words. */
static ds_status merge_shards(build_state *b, const char *gen_path,
                              char **err)
{
    size_t n = b->n_shards;
    unsigned long docs = 0;
    if (n == 1)
        return dsx_writer_stats(ds_shard_writer(b->shards[0]), &docs,
                                &b->stats->terms, err);
    char **paths = ds_xmalloc(n * sizeof *paths);
    for (size_t k = 0; k < n; k++) {
        ds_shard_close(b->shards[k]);
        b->shards[k] = NULL;
        paths[k] = shard_path(gen_path, k, n);
    }
    char *why = NULL;
    ds_status st = dsx_compact((const char *const *)paths, n, gen_path,
                               &docs, &b->stats->terms, &why);
    if (st != DS_OK) ds_fail(err, st, "merging index shards: %s", why);
    free(why);
    for (size_t k = 0; k < n; k++) {
        ds_remove_dir(paths[k]);
        free(paths[k]);
    }
    free(paths);
    return st;
}

/* ---- A generation ---- */

/* The first pass's result in b->scan: the plan's, for a shard built from
 * one; else this pass's, in *own (the head built from a plan reads the
 * corpus for its spelling table all the same, and must find it as the
 * plan does). */
static ds_status first_pass(build_state *b, const ds_scan_params *sp,
                            ds_scan_result *own, char **err)
{
    if (b->plan && b->part >= 0) {
        b->scan = &b->plan->scan;
        return DS_OK;
    }
    ds_status st = ds_scan(sp, own, err);
    b->scan = own;
    if (st == DS_OK && b->plan) st = plan_scan_agrees(b, own, err);
    return st;
}

/* Build the corpus into a new database at gen_path, in n shards. */
static ds_status build_shards(build_state *b, const char *gen_path,
                              ds_analyzer **analyzers, char **err)
{
    size_t n = b->n_shards, count = ds_corpus_count(b->corpus);
    /* The first pass's ranges: one per shard (a sharded index may have
     * more shards than files). */
    size_t ranges = n < count ? n : count;
    size_t *bounds = ds_xmalloc((ranges + 1) * sizeof *bounds);
    partition(b->corpus, ranges, bounds);
    ds_scan_result scan = {0};
    ds_scan_params sp = {b->corpus,
                         ds_corpus_get_spec(b->corpus)->reader,
                         analyzers,
                         b->sharded ? &b->head : b->shards,
                         !b->sharded ? n : builds(b, DS_PART_HEAD) ? 1 : 0,
                         ranges,
                         bounds,
                         b->ix->opt.spelling_words,
                         b->ix->opt.progress,
                         b->ix->opt.progress_ctx};
    dsx_length_norm norm = b->ix->norm;
    ds_status st = b->plan ? plan_listing_agrees(b, err) : DS_OK;
    if (st == DS_OK) st = open_shards(b, gen_path, analyzers, err);
    if (st == DS_OK) st = first_pass(b, &sp, &scan, err);
    if (st == DS_OK) {
        const ds_scan_result *s = b->scan;
        b->stats->shared_groups = s->shared_groups;
        norm.avg_length = b->ix->opt.length_average > 0
                              ? b->ix->opt.length_average
                              : s->avg_length;
        b->total_length = s->avg_length * (double)s->passages;
        for (size_t k = 0; k < n; k++)
            if (b->shards[k]) ds_shard_set_norm(b->shards[k], &norm);
        if (b->part != DS_PART_ALL) part_check(b, s, &norm, b->check);
        if (b->plan) st = plan_check_agrees(b, err);
        if (st == DS_OK)
            st = b->part == DS_PART_HEAD && !b->ix->opt.verbose
                     ? records_from_scan(b, err)
                 : b->sharded ? second_pass_sharded(b, err)
                              : second_pass(b, bounds, err);
    }
    if (st == DS_OK) tell_progress(b, 3, ds_corpus_count(b->corpus), 0);
    if (st == DS_OK) st = finish_shards(b, &norm, err);
    if (st == DS_OK && b->sharded) {
        st = seal_shards(b, gen_path, err);
    } else {
        if (st == DS_OK) st = merge_shards(b, gen_path, err);
        if (st == DS_OK) st = ds_spelling_write_vocab(gen_path, err);
    }
    ds_scan_result_free(&scan);
    free(bounds);
    return st;
}

/* Which shard each entry goes to (layout.h), malloc'd. */
static size_t *assign_shards(const ds_corpus *c, size_t n)
{
    size_t count = ds_corpus_count(c);
    size_t *owner = ds_xmalloc((count + 1) * sizeof *owner);
    for (size_t i = 0; i < count; i++) {
        const char *name = ds_corpus_entry_name(c, i);
        owner[i] = ds_layout_shard_of(name ? name : "", n);
    }
    return owner;
}

/* The plan a part is built from (ds_index_options.plan_path), which must
 * be for its n shards. */
static ds_status load_plan(const ds_indexer *ix, size_t n, ds_plan *plan,
                           char **err)
{
    ds_status st = ds_plan_read(ix->opt.plan_path, plan, err);
    if (st == DS_OK && plan->shards != n)
        st = ds_fail(err, DS_ERR_USAGE, "plan '%s' is for %zu shards, not "
                     "%zu", ix->opt.plan_path, plan->shards, n);
    return st;
}

static ds_status write_generation(ds_indexer *ix, ds_corpus *corpus,
                                  ds_index_stats *stats, char **err)
{
    int sharded = ix->shards > 0;
    size_t n = sharded ? ix->shards : shard_count(ix, corpus);
    build_state b = {.ix = ix,
                     .corpus = corpus,
                     .shards = ds_xmalloc(n * sizeof(ds_shard *)),
                     .n_shards = n,
                     .sharded = sharded,
                     .part = sharded ? ix->part : DS_PART_ALL,
                     .owner = sharded ? assign_shards(corpus, n) : NULL,
                     .stats = stats,
                     .reader = ds_reader_new(ix->opt.corpus.reader)};
    ds_buf_init(&b.scratch);
    size_t entries = ds_corpus_count(corpus) + 1;
    b.read = ds_xmalloc(entries);
    memset(b.read, 0, entries);
    b.stamps = ds_xmalloc(entries * sizeof *b.stamps);
    b.counts = ds_xmalloc(entries * sizeof *b.counts);
    /* One shard shares the producer's analyzer (and its stem cache);
     * shards in threads of their own need their own, and so does a
     * sharded index's head (the last). */
    int own = n > 1 || sharded;
    size_t n_analyzers = n + (sharded ? 1 : 0);
    ds_analyzer **analyzers = ds_xmalloc(n_analyzers * sizeof *analyzers);
    int analyzed = 1;
    for (size_t k = 0; k < n_analyzers; k++) {
        if (k < n) b.shards[k] = NULL;
        analyzers[k] = own ? ds_analyzer_new() : ix->analyzer;
        analyzed &= analyzers[k] != NULL;
    }
    ds_plan plan = {0};
    ds_status st = analyzed ? DS_OK
                            : ds_fail(err, DS_ERR_INTERNAL,
                                      "libstemmer has no English stemmer");
    if (st == DS_OK && sharded && ix->opt.plan_path) {
        st = load_plan(ix, n, &plan, err);
        b.plan = &plan;
    }
    if (st == DS_OK) st = build_shards(&b, ix->rb.gen_path, analyzers, err);
    /* Closing a shard also ends its thread, after a failure too. */
    for (size_t k = 0; k < n; k++) ds_shard_close(b.shards[k]);
    ds_shard_close(b.head);
    for (size_t k = 0; own && k < n_analyzers; k++)
        ds_analyzer_free(analyzers[k]);
    free(analyzers);
    free(b.shards);
    free(b.owner);
    ds_passage_job_free(&b.job);
    ds_reader_free(b.reader);
    ds_buf_free(&b.scratch);
    ds_plan_free(&plan);
    free(b.read);
    free(b.stamps);
    free(b.counts);
    return st;
}

/* ---- The indexer ---- */

/* The synonyms to build with: the file named, else FOLDER/synonyms.conf
 * when it exists. */
static ds_status load_synonyms(ds_indexer *ix, char **err)
{
    const char *named = ix->opt.synonyms_path;
    char *path = named ? ds_xstrdup(named) : NULL;
    if (!path && ix->opt.corpus.kind == DS_CORPUS_FOLDER) {
        path = ds_xasprintf("%s/synonyms.conf", ix->opt.corpus.path);
        if (access(path, F_OK) != 0) {
            free(path);
            path = NULL;
        }
    }
    ds_status st = DS_OK;
    if (path && *path)
        st = ds_synonyms_load(ix->analyzer, path, &ix->synonyms, err);
    free(path);
    return st;
}

/* The corpus must exist and hold something before the old index is
 * touched. */
static ds_status list_corpus(ds_indexer *ix, char **err)
{
    ds_status st = ds_corpus_open(&ix->opt.corpus, ix->opt.notice,
                                  ix->opt.notice_ctx, &ix->corpus, err);
    if (st == DS_OK && ds_corpus_count(ix->corpus) == 0)
        st = ds_fail(err, DS_ERR_IO,
                     ix->opt.corpus.kind == DS_CORPUS_FOLDER
                         ? "corpus directory '%s' has no *.txt files"
                         : "'%s' holds no documents",
                     ix->opt.corpus.path);
    return st;
}

/* Copy the options' strings, and note the corpus's absolute path (which
 * the index records) and the ranking's settings. */
static ds_status copy_options(ds_indexer *ix, const ds_index_options *opt,
                              char **err)
{
    if (!opt->corpus.path || !*opt->corpus.path || !opt->index_dir ||
        !*opt->index_dir)
        return ds_fail(err, DS_ERR_USAGE,
                       "a corpus and an index folder are needed");
    if (opt->part != DS_PART_ALL &&
        (opt->shards <= 0 || opt->part < DS_PART_HEAD ||
         opt->part >= opt->shards))
        return opt->shards <= 0
                   ? ds_fail(err, DS_ERR_USAGE,
                             "a part of a sharded index needs its number of "
                             "shards (--shards N)")
                   : ds_fail(err, DS_ERR_USAGE,
                             "shard %d of %d does not exist: they are "
                             "numbered 0 to %d (or 'head')", opt->part,
                             opt->shards, opt->shards - 1);
    if (opt->plan_path && opt->part == DS_PART_ALL)
        return ds_fail(err, DS_ERR_USAGE,
                       "--plan builds one part of a sharded index: give "
                       "--shard K or --shard head");
    ix->opt = *opt;
    char resolved[PATH_MAX];
    ix->corpus_path = ds_xstrdup(opt->corpus.path);
    ix->corpus_abs = ds_xstrdup(realpath(opt->corpus.path, resolved)
                                    ? resolved
                                    : opt->corpus.path);
    ix->index_dir = ds_xstrdup(opt->index_dir);
    ix->plan_path = opt->plan_path ? ds_xstrdup(opt->plan_path) : NULL;
    ix->opt.plan_path = ix->plan_path;
    ix->synonyms_path = opt->synonyms_path ? ds_xstrdup(opt->synonyms_path)
                                           : NULL;
    ix->opt.corpus.path = ix->corpus_path;
    ix->opt.index_dir = ix->index_dir;
    ix->opt.synonyms_path = ix->synonyms_path;
    ds_ranking ranking;
    ds_status st = ds_ranking_settings(&ranking, err);
    ix->norm = (dsx_length_norm){ranking.c, 0, DS_LENGTH_SCALE};
    return st;
}

/* An indexer with its options, analyzer, corpus listed and synonyms
 * loaded, holding no lock; free with ds_indexer_close (also after a
 * failure). */
static ds_status indexer_new(const ds_index_options *opt, ds_indexer **out,
                             char **err)
{
    ds_indexer *ix = ds_xmalloc(sizeof *ix);
    memset(ix, 0, sizeof *ix);
    ix->rb.lock_fd = -1;
    *out = ix;
    ds_status st = copy_options(ix, opt, err);
    if (st == DS_OK && !(ix->analyzer = ds_analyzer_new()))
        st = ds_fail(err, DS_ERR_INTERNAL, "libstemmer has no English stemmer");
    if (st == DS_OK) st = list_corpus(ix, err);
    if (st == DS_OK) st = load_synonyms(ix, err);
    return st;
}

ds_status ds_indexer_open(const ds_index_options *opt, ds_indexer **out,
                          char **err)
{
    ds_indexer *ix = NULL;
    ds_status st = indexer_new(opt, &ix, err);
    if (st == DS_OK) st = ds_rebuild_begin(ix->index_dir, &ix->rb, err);
    ix->locked = st == DS_OK;
    if (st != DS_OK) {
        ds_indexer_close(ix);
        ix = NULL;
    }
    *out = ix;
    return st;
}

/* Build a whole new generation and publish it; the lock is held. */
static ds_status build_whole(ds_indexer *ix, ds_index_stats *stats,
                             char **err)
{
    ds_status st = write_generation(ix, ix->corpus, stats, err);
    /* (a shard built alone may hold no file) */
    if (st == DS_OK && stats->files == 0 && ix->part < 0)
        st = ds_fail(err, DS_ERR_IO, "nothing in '%s' could be read",
                     ix->opt.corpus.path);
    if (st == DS_OK) {
        stats->index_bytes = ds_dir_bytes(ix->rb.gen_path);
        st = ds_rebuild_publish(&ix->rb, err);
    } else {
        ds_rebuild_abort(&ix->rb);
    }
    ix->locked = 0; /* publishing and aborting both unlock */
    return st;
}

/* List the corpus (unless opened just now) and take the lock (unless
 * held since ds_indexer_open). */
static ds_status prepare(ds_indexer *ix, char **err)
{
    ds_status st = DS_OK;
    if (!ix->corpus) st = list_corpus(ix, err);
    if (st == DS_OK && !ix->locked)
        st = ds_rebuild_begin(ix->index_dir, &ix->rb, err);
    ix->locked = st == DS_OK;
    return st;
}

/* How many shards the served generation has (0: one database, or none). */
static size_t served_shards(const ds_indexer *ix)
{
    char *gen = ds_store_served_path(ix->index_dir);
    size_t n = gen ? ds_layout_shards(gen) : 0;
    free(gen);
    return n;
}

/* The shards to build: as asked, else as the served index has (a part
 * built alone stays that part). */
static void choose_shards(ds_indexer *ix)
{
    ix->shards = ix->opt.shards >= 0 ? (size_t)ix->opt.shards
                                     : served_shards(ix);
    ix->part = ix->opt.part;
    char *gen = ix->opt.shards < 0 ? ds_store_served_path(ix->index_dir)
                                   : NULL;
    ds_layout_part part;
    if (gen && ds_layout_read_part(gen, &part, NULL) == DS_OK) {
        ix->shards = part.shards;
        ix->part = part.part;
    }
    free(gen);
}

/* Why the served generation `gen` cannot be updated in place for its
 * shards (malloc'd), or NULL. */
static char *shard_reason(const ds_indexer *ix, const char *gen)
{
    if (ix->part != DS_PART_ALL)
        return ds_xstrdup("a part of a sharded index is always built whole");
    size_t served = served_shards(ix);
    if (served != ix->shards)
        return ds_xasprintf("%zu shards asked, the index has %zu",
                            ix->shards, served);
    /* Xapian commits a stub's databases one by one (update.h): an update
     * that did not seal them (we hold the lock: none is running) may
     * have committed some and not others. */
    if (served && ds_store_seal_state(gen) == DS_SEAL_OPEN)
        return ds_xstrdup("an update of its shards was interrupted");
    return NULL;
}

static void finish(ds_indexer *ix, ds_index_stats *stats, double start)
{
    ds_corpus_close(ix->corpus);
    ix->corpus = NULL;
    stats->seconds = ds_now() - start;
}

ds_status ds_indexer_build(ds_indexer *ix, ds_index_stats *stats, char **err)
{
    double start = ds_now();
    memset(stats, 0, sizeof *stats);
    ds_status st = prepare(ix, err);
    choose_shards(ix);
    if (st == DS_OK) st = build_whole(ix, stats, err);
    finish(ix, stats, start);
    return st;
}

/* After an update: the vocabulary (when the spelling table may have
 * changed) and the generation's file list, then the lock goes. */
static ds_status seal_update(ds_indexer *ix, const char *gen,
                             ds_index_stats *stats, char **err)
{
    ds_status st = DS_OK;
    int changed = stats->added || stats->changed || stats->removed ||
                  stats->renamed;
    if (changed) {
        /* (a sharded index's beside its head, layout.h) */
        char *vocab = ix->shards ? ds_xasprintf("%s/" DS_LAYOUT_HEAD, gen)
                                 : ds_xstrdup(gen);
        st = ds_spelling_write_vocab(vocab, err);
        free(vocab);
    }
    if (st == DS_OK && (changed || !ds_store_is_sealed(gen)))
        st = ds_store_seal(gen, err);
    stats->index_bytes = ds_dir_bytes(gen);
    ds_rebuild_release(&ix->rb);
    ix->locked = 0;
    return st;
}

/* Bring the served generation up to date in place; *reason (malloc'd)
 * when only a whole build can. */
static ds_status update_in_place(ds_indexer *ix, const char *gen,
                                 ds_index_stats *stats, char **reason,
                                 char **err)
{
    settings set;
    settings_init(ix, &set);
    ds_update_params up = {.db_path = gen,
                           .shards = ix->shards,
                           .corpus = ix->corpus,
                           .analyzer = ix->analyzer,
                           .synonyms = ix->synonyms,
                           .expect = set.pairs,
                           .n_expect = 5,
                           .c = ix->norm.c,
                           .verbose = ix->opt.verbose,
                           .notice = ix->opt.notice,
                           .notice_ctx = ix->opt.notice_ctx};
    ds_status st = ds_update(&up, stats, reason, err);
    free(set.corpus);
    return st;
}

ds_status ds_indexer_update(ds_indexer *ix, ds_index_stats *stats,
                            char **err)
{
    double start = ds_now();
    memset(stats, 0, sizeof *stats);
    ds_status st = prepare(ix, err);
    choose_shards(ix);
    char *gen = st == DS_OK ? ds_store_served_path(ix->index_dir) : NULL;
    char *reason = NULL;
    if (st == DS_OK && gen)
        reason = ix->opt.corpus.kind != DS_CORPUS_FOLDER
                     ? ds_xstrdup("a JSON lines corpus is always built whole")
                     : shard_reason(ix, gen);
    if (st == DS_OK && gen && !reason)
        st = update_in_place(ix, gen, stats, &reason, err);
    if (st == DS_ERR_VERSION && reason) st = DS_OK;
    if (st == DS_OK && gen && !reason) {
        st = seal_update(ix, gen, stats, err);
    } else if (st == DS_OK) {
        memset(stats, 0, sizeof *stats);
        if (reason)
            snprintf(stats->rebuild_reason, sizeof stats->rebuild_reason,
                     "%s", reason);
        st = build_whole(ix, stats, err);
    } else if (ix->locked) {
        ds_rebuild_release(&ix->rb);
        ix->locked = 0;
    }
    free(reason);
    free(gen);
    finish(ix, stats, start);
    return st;
}

void ds_indexer_close(ds_indexer *ix)
{
    if (!ix) return;
    if (ix->locked) ds_rebuild_abort(&ix->rb);
    ds_corpus_close(ix->corpus);
    ds_synonyms_free(ix->synonyms);
    ds_analyzer_free(ix->analyzer);
    free(ix->corpus_path);
    free(ix->corpus_abs);
    free(ix->index_dir);
    free(ix->synonyms_path);
    free(ix->plan_path);
    free(ix);
}

/* ---- Writing a plan (plan.h) ---- */

/* The plan's listing, from the first pass: names, sizes, digests;
 * unreadable entries reported (their part reports them too). */
static void plan_entries(const ds_indexer *ix, ds_plan *plan,
                         ds_index_stats *stats)
{
    const ds_corpus *c = ix->corpus;
    const ds_scan_result *s = &plan->scan;
    plan->n_entries = ds_corpus_count(c);
    plan->entries = ds_xmalloc((plan->n_entries + 1) * sizeof *plan->entries);
    for (size_t i = 0; i < plan->n_entries; i++) {
        const char *name = ds_corpus_entry_name(c, i);
        ds_plan_entry *e = &plan->entries[i];
        *e = (ds_plan_entry){ds_xstrdup(name ? name : ""),
                             ds_corpus_entry_bytes(c, i),
                             s->entries[i].stamp.digest, s->entries[i].read};
        stats->files += e->read != 0;
        stats->files_failed += !e->read;
        stats->corpus_bytes += e->read ? e->size : 0;
        if (!e->read && name) {
            char *msg = ds_xasprintf("%s/%s cannot be read (skipped)",
                                     ix->opt.corpus.path, name);
            notify(ix, msg);
            free(msg);
        }
    }
}

/* The first pass as a part run alone makes it (build_shards: the same
 * ranges), then the plan it gives. */
static ds_status plan_corpus(ds_indexer *ix, const char *path,
                             ds_index_stats *stats, char **err)
{
    size_t n = ix->shards, count = ds_corpus_count(ix->corpus);
    size_t ranges = n < count ? n : count;
    size_t *bounds = ds_xmalloc((ranges + 1) * sizeof *bounds);
    partition(ix->corpus, ranges, bounds);
    ds_analyzer **analyzers = ds_xmalloc(ranges * sizeof *analyzers);
    int analyzed = 1;
    for (size_t k = 0; k < ranges; k++)
        analyzed &= (analyzers[k] = ds_analyzer_new()) != NULL;
    ds_scan_params sp = {ix->corpus, ix->opt.corpus.reader, analyzers, NULL,
                         0, ranges, bounds, 0, ix->opt.progress,
                         ix->opt.progress_ctx};
    ds_plan plan = {.shards = n};
    ds_status st = analyzed ? ds_scan(&sp, &plan.scan, err)
                            : ds_fail(err, DS_ERR_INTERNAL,
                                      "libstemmer has no English stemmer");
    if (st == DS_OK) {
        dsx_length_norm norm = ix->norm;
        norm.avg_length = ix->opt.length_average > 0 ? ix->opt.length_average
                                                     : plan.scan.avg_length;
        build_state b = {.ix = ix, .corpus = ix->corpus, .n_shards = n};
        part_check(&b, &plan.scan, &norm, plan.check);
        plan_entries(ix, &plan, stats);
        stats->passages = plan.scan.passages;
        stats->shared_groups = plan.scan.shared_groups;
        st = ds_plan_write(path, &plan, err);
    }
    ds_plan_free(&plan);
    for (size_t k = 0; k < ranges; k++) ds_analyzer_free(analyzers[k]);
    free(analyzers);
    free(bounds);
    return st;
}

ds_status ds_index_write_plan(const ds_index_options *opt, const char *path,
                              ds_index_stats *stats, char **err)
{
    double start = ds_now();
    memset(stats, 0, sizeof *stats);
    if (!path || !*path)
        return ds_fail(err, DS_ERR_USAGE, "a plan needs a file to be "
                       "written to");
    if (opt->shards <= 0 || opt->part != DS_PART_ALL || opt->plan_path)
        return ds_fail(err, DS_ERR_USAGE, opt->shards <= 0
                       ? "a plan is for a sharded index: give its number "
                         "of shards (--shards N)"
                       : "a plan is written for every part at once: no "
                         "--shard or --plan");
    ds_indexer *ix = NULL;
    ds_status st = indexer_new(opt, &ix, err);
    ix->shards = (size_t)opt->shards;
    if (st == DS_OK) st = plan_corpus(ix, path, stats, err);
    ds_indexer_close(ix);
    stats->seconds = ds_now() - start;
    return st;
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

/* "3 added, 1 changed; 41 passages in, 17 out; ..." */
static char *update_summary(const ds_index_stats *s, const char *index)
{
    const struct {
        unsigned long n;
        const char *what;
    } parts[] = {{s->added, "added"},
                 {s->changed, "changed"},
                 {s->removed, "removed"},
                 {s->renamed, "renamed"}};
    ds_buf line;
    ds_buf_init(&line);
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        if (parts[i].n)
            ds_buf_printf(&line, "%s%lu %s", line.len ? ", " : "",
                          parts[i].n, parts[i].what);
    if (!line.len)
        ds_buf_puts(&line, "up to date: no file added, changed or removed");
    else
        ds_buf_printf(&line, "; %lu passages in, %lu out",
                      s->passages_in, s->passages_out);
    if (s->files_failed)
        ds_buf_printf(&line, " (%lu unreadable, skipped)", s->files_failed);
    ds_buf_printf(&line, "; %lu passages; index %s; %.2f s", s->passages,
                  index, s->seconds);
    if (s->added || s->changed || s->removed || s->renamed)
        ds_buf_printf(&line, " (searchable after %.2f s)",
                      s->searchable_seconds);
    return ds_buf_steal(&line);
}

char *ds_index_summary(const ds_index_stats *s)
{
    char corpus[32], index[32];
    format_bytes(corpus, sizeof corpus, s->corpus_bytes);
    format_bytes(index, sizeof index, s->index_bytes);
    if (s->updated) return update_summary(s, index);
    char *failed = s->files_failed
                       ? ds_xasprintf(" (%lu unreadable, skipped)",
                                      s->files_failed)
                       : ds_xstrdup("");
    char *why = s->rebuild_reason[0]
                    ? ds_xasprintf("built whole (%s): ", s->rebuild_reason)
                    : ds_xstrdup("");
    char *line = ds_xasprintf(
        "%sindexed %lu file%s%s (%s) into %lu passages (%lu near-copy "
        "groups), %lu distinct terms; index %s; %.2f s",
        why, s->files, s->files == 1 ? "" : "s", failed, corpus, s->passages,
        s->shared_groups, s->terms, index, s->seconds);
    free(failed);
    free(why);
    return line;
}

/* ---- Joining parts built one by one ---- */

/* "the head" or "shard K", malloc'd. */
static char *part_name(int part)
{
    return part == DS_PART_HEAD ? ds_xstrdup("the head")
                                : ds_xasprintf("shard %d", part);
}

/* Read the part each folder serves; *where its database, as the stub
 * lists it (absolute, through `current`). */
static ds_status read_part(const char *dir, ds_layout_part *part,
                           char **where, char **err)
{
    char *gen = ds_store_served_path(dir), *why = NULL;
    char resolved[PATH_MAX];
    ds_status st = DS_OK;
    *where = NULL;
    if (!gen)
        st = ds_fail(err, DS_ERR_USAGE, "'%s' serves no index", dir);
    else if (ds_layout_read_part(gen, part, &why) != DS_OK)
        st = ds_fail(err, DS_ERR_USAGE, "'%s': %s", dir, why);
    else if (!realpath(dir, resolved))
        st = ds_fail(err, DS_ERR_IO, "'%s': %s", dir, strerror(errno));
    else
        *where = ds_xasprintf("%s/current", resolved);
    free(why);
    free(gen);
    return st;
}

/* Each part given once, built for `shards` from what parts[0] was:
 * slot[0] the head's index in `parts`, slot[1 + K] shard K's. */
static ds_status match_parts(const char *const *dirs,
                             const ds_layout_part *parts, size_t n,
                             size_t shards, size_t *slot, char **err)
{
    for (size_t k = 0; k <= shards; k++) slot[k] = n;
    for (size_t i = 0; i < n; i++) {
        if (parts[i].shards != shards)
            return ds_fail(err, DS_ERR_USAGE,
                           "'%s' is a part of %zu shards, not %zu", dirs[i],
                           parts[i].shards, shards);
        if (strcmp(parts[i].check, parts[0].check) != 0)
            return ds_fail(err, DS_ERR_USAGE,
                           "'%s' and '%s' were not built from the same corpus "
                           "with the same settings: build them again",
                           dirs[0], dirs[i]);
        size_t k = parts[i].part == DS_PART_HEAD ? 0
                                                 : (size_t)parts[i].part + 1;
        if (slot[k] < n) {
            char *name = part_name(parts[i].part);
            ds_status st = ds_fail(err, DS_ERR_USAGE, "'%s' and '%s' are both "
                                   "%s", dirs[slot[k]], dirs[i], name);
            free(name);
            return st;
        }
        slot[k] = i;
    }
    for (size_t k = 0; k <= shards; k++)
        if (slot[k] == n) {
            char *name = part_name(k ? (int)k - 1 : DS_PART_HEAD);
            ds_status st = ds_fail(err, DS_ERR_USAGE, "%s of %zu shards is "
                                   "missing", name, shards);
            free(name);
            return st;
        }
    return DS_OK;
}

/* Write the stub beside and rename it over `stub`. */
static ds_status write_stub(const char *stub, char *const *where,
                            const size_t *slot, size_t shards, char **err)
{
    ds_buf text;
    ds_buf_init(&text);
    ds_buf_printf(&text, "# dealsearch join: the head, then shards 0 to "
                         "%zu\n", shards - 1);
    for (size_t k = 0; k <= shards; k++)
        ds_buf_printf(&text, "auto %s\n", where[slot[k]]);
    char *what = ds_xasprintf("'%s'", stub);
    ds_status st = ds_write_file(stub, text.data, text.len, what, err);
    free(what);
    ds_buf_free(&text);
    return st;
}

ds_status ds_index_join(const char *stub, const char *const *dirs,
                        size_t n, size_t shards, char **err)
{
    if (!stub || !*stub || n == 0)
        return ds_fail(err, DS_ERR_USAGE, "joining needs a stub file to "
                       "write and the folders of the parts");
    ds_layout_part *parts = ds_xmalloc(n * sizeof *parts);
    char **where = ds_xmalloc(n * sizeof *where);
    memset(where, 0, n * sizeof *where);
    ds_status st = DS_OK;
    for (size_t i = 0; i < n && st == DS_OK; i++)
        st = read_part(dirs[i], &parts[i], &where[i], err);
    if (st == DS_OK && !shards) shards = parts[0].shards;
    size_t *slot = ds_xmalloc((shards + 1) * sizeof *slot);
    if (st == DS_OK) st = match_parts(dirs, parts, n, shards, slot, err);
    if (st == DS_OK) st = write_stub(stub, where, slot, shards, err);
    for (size_t i = 0; i < n; i++) free(where[i]);
    free(where);
    free(parts);
    free(slot);
    return st;
}
