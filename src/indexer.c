/*
 * indexer.c — see indexer.h.  The term scheme is in schema.h, the passage
 * rules in passage.c, the atomic swap in store.c; this file drives them.
 */
#define _POSIX_C_SOURCE 200809L
#include "indexer.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "corpus.h"
#include "passage.h"
#include "record.h"
#include "rules.h"
#include "schema.h"
#include "neardup.h"
#include "store.h"
#include "synonyms.h"
#include "util.h"

/* Lines with invalid UTF-8 reported per file before summarising. */
#define MAX_BAD_LINE_REPORTS 5

/* Word counts go to the spelling table when this many distinct words have
 * been counted, so their memory does not grow with the corpus.  Each
 * add_spelling costs a B-tree lookup, so adding the words by vocabulary
 * rather than every 10,000 passages adds each word fewer times: on half
 * the gcide corpus, 12.1 -> 9.2 CPU s at the same peak RSS (59 MB); at
 * 100,000 words Xapian's pending spelling changes took it to 107 MB. */
#define SPELLING_FLUSH_WORDS 50000

/* Passages Xapian buffers before writing them out, unless the user sets
 * XAPIAN_FLUSH_THRESHOLD: Xapian's default of 10,000 documents suits long
 * documents; for passages, 1,000 took less CPU (-10% to -30%) and less
 * than half the memory (peak RSS 122 -> 53 MB on 10 MB of gcide). */
#define FLUSH_PASSAGES "1000"

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

typedef struct {
    const ds_index_options *opt;
    ds_analyzer *analyzer;
    const ds_synonyms *synonyms;   /* may be NULL */
    ds_neardup *neardup;
    dsx_writer *writer;
    dsx_doc *doc;
    ds_buf record;
    ds_buf normalized;
    ds_index_stats *stats;
} build_state;

/* Normalise `text` into b->normalized, ready for index_normalized(). */
static void normalize(build_state *b, const char *text, size_t len)
{
    ds_buf_clear(&b->normalized);
    ds_normalize(text, len, &b->normalized);
}

/* Index b->normalized under `prefix`; body text also yields the terms of
 * the synonym phrases it contains. */
static dsx_status index_normalized(build_state *b, const char *prefix)
{
    dsx_status st = dsx_doc_index_text(b->doc, b->normalized.data,
                                       b->normalized.len, prefix, 1);
    if (st == DSX_OK && prefix[0] == '\0' && b->synonyms)
        st = ds_synonyms_index(b->synonyms, b->analyzer, b->normalized.data,
                               b->normalized.len, b->doc);
    return st;
}

/* Index the heading (as text and under heading:), then the body (also
 * giving the passage its near-copy group), then the title (under title:,
 * and as text when the passage is the whole document).  Each is
 * normalised once. */
static dsx_status index_fields(build_state *b, const ds_passage *p,
                               const char *title, int title_is_text,
                               unsigned long *group)
{
    dsx_status st = DSX_OK;
    if (p->heading) {
        normalize(b, p->heading, strlen(p->heading));
        if ((st = index_normalized(b, "")) ||
            (st = index_normalized(b, DS_PREFIX_HEADING)))
            return st;
    }
    normalize(b, p->text, p->len);
    *group = ds_neardup_add(b->neardup, b->analyzer, b->normalized.data,
                            b->normalized.len);
    if ((st = index_normalized(b, ""))) return st;
    if (title) {
        normalize(b, title, strlen(title));
        if ((st = index_normalized(b, DS_PREFIX_TITLE)) ||
            (title_is_text && (st = index_normalized(b, ""))))
            return st;
    }
    return st;
}

/* What one document is made of. */
typedef struct {
    const char *source;       /* file name (or JSON id) */
    const char *source_term;  /* DS_PREFIX_SOURCE + name without ".txt" */
    unsigned long number;     /* 1-based passage number in the source */
    const ds_passage *passage;
    const char *title;        /* or NULL */
    const char *date;         /* YYYY-MM-DD, or NULL */
    int title_is_text;        /* the passage is the whole document, so its
                                 title is part of its text */
} passage_doc;

/* The spelling table: every word indexed, with how often (counted by the
 * analyzer as Xapian stemmed it — once per distinct word here, rather
 * than once per occurrence as TermGenerator's FLAG_SPELLING would). */
static int add_spelling(void *ctx, const ds_word_entry *e)
{
    build_state *b = ctx;
    return e->count && dsx_writer_add_spelling(b->writer, e->word,
                                               e->word_len, e->count);
}

static int flush_spelling(build_state *b, char **err)
{
    if (ds_analyzer_flush_words(b->analyzer, add_spelling, b) == 0) return 0;
    *err = ds_xasprintf("writing index: %s", dsx_writer_error(b->writer));
    return -1;
}

/* One passage as one document; see schema.h for the term scheme. */
static int add_passage(build_state *b, const passage_doc *d, char **err)
{
    const ds_passage *p = d->passage;
    unsigned long group = 0;
    dsx_status st = index_fields(b, p, d->title, d->title_is_text, &group);
    ds_record rec = {(char *)d->source, d->number, p->first_line, p->text,
                     p->len, (char *)d->title, (char *)d->date, p->heading,
                     group, d->title && d->title_is_text};
    ds_record_encode(&rec, &b->record);
    char date_value[9] = "";
    if (d->date) /* YYYY-MM-DD -> YYYYMMDD, what the date range compares */
        snprintf(date_value, sizeof date_value, "%.4s%.2s%.2s", d->date,
                 d->date + 5, d->date + 8);
    const char *name = d->source_term + strlen(DS_PREFIX_SOURCE);
    if (st ||
        (d->date && dsx_doc_set_value(b->doc, DS_SLOT_DATE, date_value, 8)) ||
        dsx_doc_set_value(b->doc, DS_SLOT_SOURCE, name, strlen(name)) ||
        dsx_doc_add_term(b->doc, d->source_term) ||
        dsx_doc_set_value(b->doc, DS_SLOT_RECORD, b->record.data,
                          b->record.len)) {
        *err = ds_xasprintf("%s: %s", d->source, dsx_doc_error(b->doc));
        return -1;
    }
    if (dsx_writer_add_doc(b->writer, b->doc) != DSX_OK) {
        *err = ds_xasprintf("%s: %s", d->source, dsx_writer_error(b->writer));
        return -1;
    }
    b->stats->passages++;
    if (ds_analyzer_words(b->analyzer) >= SPELLING_FLUSH_WORDS)
        return flush_spelling(b, err);
    return 0;
}

static int add_article(build_state *b, const char *source, size_t name_len,
                       const ds_article *a, const char *title,
                       int title_is_text, char **err)
{
    char *term = ds_xasprintf(DS_PREFIX_SOURCE "%.*s", (int)name_len, source);
    int rc = 0;
    for (size_t i = 0; i < a->count && rc == 0; i++) {
        passage_doc d = {source, term, i + 1, &a->items[i], title,
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

/* Index one corpus file.  Returns -1 only for errors that must stop the
 * build (the index itself failing); unreadable files are reported and
 * counted. */
static int index_file(build_state *b, const char *rel, ds_buf *text,
                      char **err)
{
    char *path = ds_xasprintf("%s/%s", b->opt->corpus_dir, rel);
    bad_line_report report = {path, 0};
    char *read_err = NULL;
    int rc = 0;
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
        ds_article article = {0};
        ds_passages_split(b->opt->plain, text->data, text->len, &article);
        rc = add_article(b, rel, strlen(rel) - 4 /* ".txt" */, &article,
                         article.title, 0, err);
        if (b->opt->verbose) report_file(path, &article);
        ds_article_free(&article);
        b->stats->files++;
        b->stats->corpus_bytes += text->len;
    }
    free(path);
    return rc;
}

static int index_folder(build_state *b, char **err)
{
    ds_file_list files;
    if (ds_corpus_list(b->opt->corpus_dir, &files, err) != 0) return -1;
    ds_buf text;
    ds_buf_init(&text);
    int rc = 0;
    for (size_t i = 0; i < files.count && rc == 0; i++)
        rc = index_file(b, files.paths[i], &text, err);
    ds_buf_free(&text);
    ds_file_list_free(&files);
    return rc;
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
        ds_warn("%s: needs string \"id\" and \"text\" (skipped)", where);
        b->stats->files_failed++;
        return 0;
    }
    ds_article a = {0};
    size_t len = strlen(text);
    ds_passage whole = {(char *)text, len, 1, NULL};
    if (b->opt->split) {
        ds_article_split(ds_rules_builtin(), text, len, &a);
    } else {
        a.items = &whole;
        a.count = len ? 1 : 0;
    }
    int rc = add_article(b, id, strlen(id), &a,
                         title && *title ? title : a.title, !b->opt->split,
                         err);
    if (b->opt->split) ds_article_free(&a);
    b->stats->files++;
    b->stats->corpus_bytes += len;
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
            ds_warn("%s: not a JSON object: %s (skipped)", where, jerr.text);
            b->stats->files_failed++;
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

/* ---- The generation ---- */

static int write_metadata(build_state *b)
{
    char passages[32], groups[32];
    snprintf(passages, sizeof passages, "%lu", b->stats->passages);
    snprintf(groups, sizeof groups, "%lu",
             ds_neardup_shared_groups(b->neardup));
    return dsx_writer_set_metadata(b->writer, DS_META_FORMAT,
                                   DS_INDEX_FORMAT) ||
           dsx_writer_set_metadata(b->writer, DS_META_ANALYSIS,
                                   DS_ANALYSIS_DESCRIPTION) ||
           dsx_writer_set_metadata(b->writer, DS_META_PASSAGES, passages) ||
           dsx_writer_set_metadata(b->writer, DS_META_READER,
                                   b->opt->plain ? "plain" : "news") ||
           dsx_writer_set_metadata(b->writer, DS_META_GROUPS, groups) ||
           dsx_writer_set_metadata(b->writer, DS_META_SYNONYMS,
                                   b->synonyms ? b->synonyms->text : "");
}


static int fill_generation(build_state *b, char **err)
{
    if (b->synonyms && ds_synonyms_install(b->synonyms, b->writer, err))
        return -1;
    if (dsx_doc_create(b->writer, &b->doc) != DSX_OK) goto writer_error;
    int rc = b->opt->jsonl_path ? index_jsonl(b, err) : index_folder(b, err);
    if (rc != 0) return -1;
    if (flush_spelling(b, err)) return -1;
    if (write_metadata(b) || dsx_writer_commit(b->writer) ||
        dsx_writer_stats(b->writer, &b->stats->passages, &b->stats->terms))
        goto writer_error;
    return 0;
writer_error:
    *err = ds_xasprintf("writing index: %s", dsx_writer_error(b->writer));
    return -1;
}

static int write_generation(const ds_index_options *opt,
                            const ds_synonyms *synonyms, ds_analyzer *analyzer,
                            const char *db_path, ds_index_stats *stats,
                            char **err)
{
    build_state b = {opt, analyzer, synonyms, ds_neardup_new(), NULL, NULL,
                     {0}, {0},      stats};
    char *xerr = NULL;
    int rc = -1;
    setenv("XAPIAN_FLUSH_THRESHOLD", FLUSH_PASSAGES, 0 /* keep the user's */);
    if (dsx_writer_create(db_path, ds_analyzer_stemmer(analyzer),
                          DSX_WRITER_NO_SYNC | DSX_WRITER_NO_TERMLIST,
                          &b.writer, &xerr) != DSX_OK) {
        *err = ds_xasprintf("cannot create index '%s': %s", db_path,
                            xerr ? xerr : "out of memory");
        free(xerr);
    } else {
        rc = fill_generation(&b, err);
    }
    stats->shared_groups = ds_neardup_shared_groups(b.neardup);
    ds_neardup_free(b.neardup);
    dsx_doc_destroy(b.doc);
    dsx_writer_destroy(b.writer);
    ds_buf_free(&b.record);
    ds_buf_free(&b.normalized);
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
    ds_analyzer_count_words(analyzer);
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
