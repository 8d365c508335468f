/*
 * indexer.c — see indexer.h.  The term scheme is in schema.h, the passage
 * rules in passage.c, the atomic swap in store.c; this file drives them.
 */
#define _POSIX_C_SOURCE 200809L
#include "indexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer.h"
#include "corpus.h"
#include "passage.h"
#include "rules.h"
#include "record.h"
#include "schema.h"
#include "store.h"
#include "util.h"

/* Lines with invalid UTF-8 reported per file before summarising. */
#define MAX_BAD_LINE_REPORTS 5

typedef struct {
    const char *path;
    unsigned long reported, total;
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

/* A file name we can store in a record line and a boolean term. */
static int is_storable_name(const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7F) return 0;
    return 1;
}

typedef struct {
    dsx_writer *writer;
    dsx_doc *doc;
    ds_buf record;
    ds_buf normalized;
    ds_index_stats *stats;
} build_state;

/* Index `text` (normalised first) under `prefix`. */
static dsx_status index_text(build_state *b, const char *text, size_t len,
                             const char *prefix)
{
    ds_buf_clear(&b->normalized);
    ds_normalize(text, len, &b->normalized);
    return dsx_doc_index_text(b->doc, b->normalized.data, b->normalized.len,
                              prefix, 1);
}

/* One passage as one document; see schema.h for the term scheme. */
static int add_passage(build_state *b, const char *source,
                       const char *source_term, const ds_article *article,
                       size_t i, char **err)
{
    const ds_passage *p = &article->items[i];
    const char *date = article->date[0] ? article->date : NULL;
    ds_record rec = {(char *)source, i + 1, p->first_line, p->text, p->len,
                     article->title, (char *)date, p->heading};
    ds_record_encode(&rec, &b->record);
    char date_value[9] = "";
    if (date) /* YYYY-MM-DD -> YYYYMMDD, what the date range compares */
        snprintf(date_value, sizeof date_value, "%.4s%.2s%.2s", date,
                 date + 5, date + 8);
    if ((p->heading &&
         (index_text(b, p->heading, strlen(p->heading), "") ||
          index_text(b, p->heading, strlen(p->heading), DS_PREFIX_HEADING))) ||
        index_text(b, p->text, p->len, "") ||
        (article->title && index_text(b, article->title,
                                      strlen(article->title),
                                      DS_PREFIX_TITLE)) ||
        (date && dsx_doc_set_value(b->doc, DS_SLOT_DATE, date_value, 8)) ||
        dsx_doc_add_term(b->doc, source_term) ||
        dsx_doc_set_data(b->doc, b->record.data, b->record.len)) {
        *err = ds_xasprintf("%s: %s", source, dsx_doc_error(b->doc));
        return -1;
    }
    if (dsx_writer_add_doc(b->writer, b->doc) != DSX_OK) {
        *err = ds_xasprintf("%s: %s", source, dsx_writer_error(b->writer));
        return -1;
    }
    b->stats->passages++;
    return 0;
}

/* "12 passages; dropped: repeated 7, newsletter 1" for --verbose. */
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

/* Index one corpus file.  Returns -1 only for errors that must stop the
 * build (the index itself failing); unreadable files are reported and
 * counted. */
static int index_file(build_state *b, const ds_index_options *opt,
                      const char *rel, ds_buf *text, char **err)
{
    char *path = ds_xasprintf("%s/%s", opt->corpus_dir, rel);
    bad_line_report report = {path, 0, 0};
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
        ds_article_split(ds_rules_builtin(), text->data, text->len, &article);
        /* The source term is the relative path without ".txt". */
        char *term = ds_xasprintf(DS_PREFIX_SOURCE "%.*s",
                                  (int)(strlen(rel) - 4), rel);
        for (size_t i = 0; i < article.count && rc == 0; i++)
            rc = add_passage(b, rel, term, &article, i, err);
        if (opt->verbose) report_file(path, &article);
        free(term);
        ds_article_free(&article);
        b->stats->files++;
        b->stats->corpus_bytes += text->len;
    }
    free(path);
    return rc;
}

static int write_generation(const ds_index_options *opt,
                            const ds_file_list *files, const char *db_path,
                            ds_index_stats *stats, char **err)
{
    ds_analyzer *analyzer = ds_analyzer_new();
    if (!analyzer) {
        *err = ds_xstrdup("libstemmer has no English stemmer");
        return -1;
    }
    build_state b = {NULL, NULL, {0}, {0}, stats};
    char *xerr = NULL;
    int rc = -1;
    if (dsx_writer_create(db_path, ds_analyzer_stemmer(analyzer),
                          DSX_WRITER_NO_SYNC, &b.writer, &xerr) != DSX_OK) {
        *err = ds_xasprintf("cannot create index '%s': %s", db_path,
                            xerr ? xerr : "out of memory");
        free(xerr);
        goto done;
    }
    if (dsx_doc_create(b.writer, &b.doc) != DSX_OK) goto writer_error;
    ds_buf text;
    ds_buf_init(&text);
    rc = 0;
    for (size_t i = 0; i < files->count && rc == 0; i++)
        rc = index_file(&b, opt, files->paths[i], &text, err);
    ds_buf_free(&text);
    if (rc != 0) goto done;
    char passages[32];
    snprintf(passages, sizeof passages, "%lu", stats->passages);
    rc = -1;
    if (dsx_writer_set_metadata(b.writer, DS_META_FORMAT, DS_INDEX_FORMAT) ||
        dsx_writer_set_metadata(b.writer, DS_META_ANALYSIS,
                                DS_ANALYSIS_DESCRIPTION) ||
        dsx_writer_set_metadata(b.writer, DS_META_PASSAGES, passages) ||
        dsx_writer_commit(b.writer) ||
        dsx_writer_stats(b.writer, &stats->passages, &stats->terms))
        goto writer_error;
    rc = 0;
    goto done;
writer_error:
    *err = ds_xasprintf("writing index '%s': %s", db_path,
                        dsx_writer_error(b.writer));
    rc = -1;
done:
    dsx_doc_destroy(b.doc);
    dsx_writer_destroy(b.writer);
    ds_buf_free(&b.record);
    ds_buf_free(&b.normalized);
    ds_analyzer_free(analyzer);
    return rc;
}

int ds_index_build(const ds_index_options *opt, ds_index_stats *stats,
                   char **err)
{
    double start = now_seconds();
    memset(stats, 0, sizeof *stats);
    *err = NULL;
    ds_file_list files;
    if (ds_corpus_list(opt->corpus_dir, &files, err) != 0) return -1;
    if (files.count == 0) {
        *err = ds_xasprintf("corpus directory '%s' has no *.txt files",
                            opt->corpus_dir);
        ds_file_list_free(&files);
        return -1;
    }
    ds_rebuild rb;
    if (ds_rebuild_begin(opt->index_dir, &rb, err) != 0) {
        ds_file_list_free(&files);
        return -1;
    }
    int rc = write_generation(opt, &files, rb.gen_path, stats, err);
    ds_file_list_free(&files);
    if (rc == 0 && stats->files == 0) {
        *err = ds_xasprintf("no file of corpus '%s' could be read",
                            opt->corpus_dir);
        rc = -1;
    }
    if (rc != 0) {
        ds_rebuild_abort(&rb);
        return -1;
    }
    stats->index_bytes = ds_dir_bytes(rb.gen_path);
    if (ds_rebuild_publish(&rb, err) != 0) return -1;
    stats->seconds = now_seconds() - start;
    return 0;
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
        "indexed %lu file%s%s (%s) into %lu passages, %lu distinct terms; "
        "index %s; %.2f s",
        s->files, s->files == 1 ? "" : "s", failed, corpus, s->passages,
        s->terms, index, s->seconds);
    free(failed);
    return line;
}
