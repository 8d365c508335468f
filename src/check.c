/*
 * check.c — `dealsearch check` (dealsearch.h's ds_index_check): is the
 * index sound, and does it still match its corpus?  Like FTS5's
 * integrity-check: the format and analysis the index was built with, its
 * files as the build left them, Xapian's own checker over every table,
 * the passage count it recorded against the documents it holds, and that
 * count against what its corpus, read again the way it was read, splits
 * into today.
 */
#include "dealsearch.h"

#include <stdlib.h>
#include <string.h>

#include "../shim/shim.h"
#include "analyzer.h"
#include "corpus.h"
#include "schema.h"
#include "store.h"
#include "util.h"

typedef struct {
    ds_buf report;
    int damaged, stale;
} findings;

static void note(findings *f, const char *what, const char *detail)
{
    ds_buf_printf(&f->report, "%s: %s\n", what, detail);
}

/* Opening as a search would: the format and analysis must match. */
static void check_opening(const char *index_dir, findings *f)
{
    ds_searcher *s = NULL;
    char *why = NULL;
    if (ds_searcher_open(index_dir, &s, &why) == DS_OK) {
        note(f, "format and analysis", "ok");
    } else {
        ds_buf_printf(&f->report, "%s\n", why);
        f->damaged = 1;
    }
    free(why);
    ds_searcher_close(s);
}

static void check_files(const char *index_dir, findings *f)
{
    char *why = NULL;
    if (ds_store_verify(index_dir, &why) == DS_OK) {
        note(f, "files", "as built");
    } else {
        note(f, "files", why);
        f->damaged = 1;
    }
    free(why);
}

/* Xapian's checker over every table of the served generation. */
static void check_tables(const char *db_path, findings *f)
{
    unsigned long errors = 0;
    char *details = NULL, *why = NULL;
    if (dsx_check(db_path, &errors, &details, &why) != DS_OK) {
        ds_buf_printf(&f->report, "tables: cannot be checked: %s\n", why);
        f->damaged = 1;
    } else if (errors) {
        ds_buf_printf(&f->report, "tables: %lu errors\n%s", errors, details);
        f->damaged = 1;
    } else {
        note(f, "tables", "ok");
    }
    free(details);
    free(why);
}

/* The corpus the index records (schema.h), or `given`'s kind and path. */
static ds_status recorded_corpus(dsx_db *db, const ds_corpus_spec *given,
                                 ds_corpus_spec *spec, char **path,
                                 char **err)
{
    char *corpus = NULL, *reader = NULL;
    ds_status st = dsx_db_get_metadata(db, DS_META_CORPUS, &corpus, err);
    if (st == DS_OK) st = dsx_db_get_metadata(db, DS_META_READER, &reader, err);
    char *space = corpus ? strchr(corpus, ' ') : NULL;
    if (st == DS_OK && (!space || !ds_reader_kind_parse(reader, &spec->reader)))
        st = ds_fail(err, DS_ERR_DAMAGED, "no record of its corpus");
    if (st == DS_OK) {
        *space = '\0';
        spec->kind = strcmp(corpus, "folder") == 0 ? DS_CORPUS_FOLDER
                                                    : DS_CORPUS_JSONL;
        spec->split = strcmp(corpus, "jsonl-split") == 0;
        *path = ds_xstrdup(given ? given->path : space + 1);
        if (given) spec->kind = given->kind;
        spec->path = *path;
    }
    free(corpus);
    free(reader);
    return st;
}

/* Passages the corpus splits into now. */
static ds_status corpus_passages(const ds_corpus_spec *spec,
                                 unsigned long *total, char **err)
{
    ds_corpus *c = NULL;
    ds_status st = ds_corpus_open(spec, NULL, NULL, &c, err);
    if (st != DS_OK) return st;
    ds_reader *reader = ds_reader_new(spec->reader);
    ds_buf scratch;
    ds_buf_init(&scratch);
    *total = 0;
    for (size_t i = 0; i < ds_corpus_count(c); i++) {
        ds_corpus_doc doc = {0};
        /* As the indexer does: what cannot be read holds no passages. */
        if (ds_corpus_read(c, i, reader, &scratch, 1, &doc, NULL) == DS_OK)
            *total += doc.article.count;
        ds_corpus_doc_free(&doc);
    }
    ds_buf_free(&scratch);
    ds_reader_free(reader);
    ds_corpus_close(c);
    return DS_OK;
}

/* The passages now in the corpus against the documents held. */
static void compare_corpus(dsx_db *db, const ds_corpus_spec *given,
                           unsigned long docs, findings *f)
{
    ds_corpus_spec spec;
    char *path = NULL, *why = NULL;
    unsigned long now = 0;
    ds_status st = recorded_corpus(db, given, &spec, &path, &why);
    if (st != DS_OK) {
        note(f, "corpus", why);
        f->damaged = 1;
    } else if (corpus_passages(&spec, &now, &why) != DS_OK) {
        ds_buf_printf(&f->report, "corpus: %s — it cannot be compared\n", why);
        f->stale = 1;
    } else if (now != docs) {
        ds_buf_printf(&f->report, "corpus: '%s' now splits into %lu passages "
                                  "— run 'dealsearch index'\n", path, now);
        f->stale = 1;
    } else {
        ds_buf_printf(&f->report, "corpus: '%s' matches\n", path);
    }
    free(path);
    free(why);
}

/* The recorded passage count against the documents held, then the
 * corpus. */
static void check_counts(const char *db_path, const ds_corpus_spec *given,
                         findings *f)
{
    dsx_db *db = NULL;
    char *why = NULL, *recorded = NULL;
    ds_analyzer *a = ds_analyzer_new();
    unsigned long docs = 0;
    ds_status st = a ? dsx_db_open(db_path, ds_analyzer_stemmer(a), &db, &why)
                     : ds_fail(&why, DS_ERR_INTERNAL, "no stemmer");
    if (st == DS_OK) st = dsx_db_doc_count(db, &docs, &why);
    if (st == DS_OK)
        st = dsx_db_get_metadata(db, DS_META_PASSAGES, &recorded, &why);
    if (st != DS_OK) {
        ds_buf_printf(&f->report, "documents: cannot be read: %s\n", why);
        f->damaged = 1;
    } else if (strtoul(recorded, NULL, 10) != docs) {
        ds_buf_printf(&f->report, "documents: %lu, but the build recorded "
                                  "%s\n", docs, recorded);
        f->damaged = 1;
    } else {
        ds_buf_printf(&f->report, "documents: %lu passages, as recorded\n",
                      docs);
        compare_corpus(db, given, docs, f);
    }
    free(why);
    free(recorded);
    dsx_db_destroy(db);
    ds_analyzer_free(a);
}

ds_status ds_index_check(const char *index_dir, const ds_corpus_spec *corpus,
                         ds_check_verdict *verdict, char **report,
                         char **err)
{
    findings f = {{0}, 0, 0};
    *report = NULL;
    ds_status st = ds_store_find(index_dir, err);
    if (st != DS_OK) return st;
    ds_buf_init(&f.report);
    check_opening(index_dir, &f);
    check_files(index_dir, &f);
    char *db_path = ds_store_current_path(index_dir);
    check_tables(db_path, &f);
    if (!f.damaged) check_counts(db_path, corpus, &f);
    free(db_path);
    *verdict = f.damaged ? DS_CHECK_DAMAGED
               : f.stale ? DS_CHECK_STALE
                         : DS_CHECK_OK;
    ds_buf_printf(&f.report, "%s: %s\n", index_dir,
                  *verdict == DS_CHECK_OK ? "ok"
                  : *verdict == DS_CHECK_STALE
                      ? "sound, but out of date with the corpus"
                      : "damaged — run 'dealsearch index' to rebuild");
    *report = ds_buf_steal(&f.report);
    return DS_OK;
}
