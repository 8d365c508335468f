/*
 * check.c — `dealsearch check` (dealsearch.h's ds_index_check): is the
 * index sound, and does it still match its corpus?  Like FTS5's
 * integrity-check: the format and analysis the index was built with, its
 * files as the build left them, Xapian's own checker over every table,
 * the passage count it recorded against the documents it holds, how far
 * the average passage length has drifted from the one it was normalised
 * with, and its corpus against it: for a folder, the files added,
 * changed, removed or renamed since (by content digest, changes.h); for
 * JSON lines, the passages they split into today.  It writes nothing, so
 * a read-only index can be checked.
 */
#define _POSIX_C_SOURCE 200809L
#include "dealsearch.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../shim/shim.h"
#include "analyzer.h"
#include "changes.h"
#include "corpus.h"
#include "layout.h"
#include "ranking.h"
#include "schema.h"
#include "update.h"
#include "store.h"
#include "util.h"

typedef struct {
    ds_buf report;
    int damaged, stale;
    int between;   /* a sharded generation's manifest open: an update of
                      its shards is writing or was interrupted, its head
                      may count passages they do not hold (update.h) */
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

/* Its files against its manifest; *by_content is set when every byte was
 * verified against it (a sealed manifest). */
static void check_files(const char *gen_path, findings *f, int *by_content)
{
    char *why = NULL;
    unsigned long revision = 0;
    ds_status st = ds_store_revision(gen_path, &revision, &why);
    if (st == DS_OK) st = ds_store_verify(gen_path, revision, 1, &why);
    ds_seal_state state = st == DS_OK ? ds_store_seal_state(gen_path)
                                      : DS_SEAL_OPEN;
    *by_content = st == DS_OK && state != DS_SEAL_OPEN;
    if (st != DS_OK) {
        note(f, "files", why);
        f->damaged = 1;
    } else if (state == DS_SEAL_OPEN) {
        f->between = ds_layout_shards(gen_path) > 0;
        ds_buf_printf(&f->report,
                      "files: as Xapian finds them, but not sealed: an "
                      "update is writing or was interrupted — 'dealsearch "
                      "index' %s\n", f->between ? "builds the shards whole"
                                                : "seals them");
        f->stale = 1;
    } else if (state == DS_SEAL_COPIED) {
        note(f, "files", "as built, judged by content (copies: 'dealsearch "
                         "index' records them, so searches need not hash "
                         "them again)");
    } else {
        note(f, "files", "as built");
    }
    free(why);
}

/* Xapian's checker over one database's tables (`named`: say which). */
static void check_database(const char *path, int named, findings *f)
{
    unsigned long errors = 0;
    char *details = NULL, *why = NULL;
    const char *sep = named ? " of " : "";
    if (dsx_check(path, &errors, &details, &why) != DS_OK) {
        ds_buf_printf(&f->report, "tables%s%s: cannot be checked: %s\n", sep,
                      named ? path : "", why);
        f->damaged = 1;
    } else if (errors) {
        ds_buf_printf(&f->report, "tables%s%s: %lu errors\n%s", sep,
                      named ? path : "", errors, details);
        f->damaged = 1;
    }
    free(details);
    free(why);
}

/* Xapian's checker over every table of the served generation.  Xapian
 * 1.4's checker opens the tables for writing, so a generation that cannot
 * be written is not given to it: its files are then only as trustworthy
 * as the manifest makes them. */
static void check_tables(const char *db_path, int by_content, findings *f)
{
    if (access(db_path, W_OK) != 0) {
        if (by_content) {
            note(f, "tables", "not given to Xapian's checker (the index "
                              "cannot be written, and it opens them for "
                              "writing); every byte was verified against "
                              "the manifest instead");
        } else {
            note(f, "tables", "cannot be checked: the index cannot be "
                              "written (Xapian's checker opens them for "
                              "writing) and its manifest is not sealed");
            f->stale = 1;
        }
        return;
    }
    /* A sharded generation: each of its databases (layout.h). */
    ds_layout l;
    char *why = NULL;
    if (ds_layout_read(db_path, &l, &why) != DS_OK) {
        ds_buf_printf(&f->report, "tables: cannot be checked: %s\n", why);
        f->damaged = 1;
    }
    for (size_t i = 0; i < l.n && !f->damaged; i++)
        check_database(l.dbs[i].where, l.n > 1, f);
    if (!f->damaged) note(f, "tables", "ok");
    ds_layout_free(&l);
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

/* A folder against the files the index recorded: what changed. */
static ds_status compare_folder(dsx_db *db, const ds_corpus_spec *spec,
                                findings *f, char **err)
{
    ds_filerecs recs;
    ds_corpus *c = NULL;
    ds_status st = ds_filerecs_load(db, NULL, &recs, err);
    if (st == DS_OK) st = ds_corpus_open(spec, NULL, NULL, &c, err);
    if (st != DS_OK) {
        ds_filerecs_free(&recs);
        return st;
    }
    ds_changes ch;
    ds_changes_find(c, &recs, &ch);
    size_t listed = 0;
    for (size_t i = 0; i < ch.count; i++) {
        const ds_change *x = &ch.items[i];
        if (x->kind == DS_CHANGE_TOUCHED) continue;
        f->stale = 1;
        if (++listed > 20) continue;
        const char *name = x->kind == DS_CHANGE_REMOVED
                               ? x->rec->source
                               : ds_corpus_entry_name(c, x->entry);
        if (x->kind == DS_CHANGE_RENAMED)
            ds_buf_printf(&f->report, "corpus: renamed: %s -> %s\n",
                          x->rec->source, name);
        else
            ds_buf_printf(&f->report, "corpus: %s: %s\n",
                          ds_change_name(x->kind), name);
    }
    if (listed > 20)
        ds_buf_printf(&f->report, "corpus: ... and %zu more\n", listed - 20);
    if (listed)
        ds_buf_printf(&f->report, "corpus: '%s' has %zu file%s added, changed "
                      "or removed — run 'dealsearch index'\n", spec->path,
                      listed, listed == 1 ? "" : "s");
    else
        ds_buf_printf(&f->report, "corpus: '%s' matches (%zu files)\n",
                      spec->path, ds_corpus_count(c));
    ds_changes_free(&ch);
    ds_corpus_close(c);
    ds_filerecs_free(&recs);
    return DS_OK;
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

/* JSON lines: the passages they split into now against those held. */
static ds_status compare_jsonl(const ds_corpus_spec *spec, unsigned long docs,
                               findings *f, char **err)
{
    unsigned long now = 0;
    ds_status st = corpus_passages(spec, &now, err);
    if (st != DS_OK) return st;
    if (now != docs) {
        ds_buf_printf(&f->report, "corpus: '%s' now splits into %lu passages "
                                  "— run 'dealsearch index'\n", spec->path,
                      now);
        f->stale = 1;
    } else {
        ds_buf_printf(&f->report, "corpus: '%s' matches\n", spec->path);
    }
    return DS_OK;
}

/* The corpus now against what the index holds. */
static void compare_corpus(dsx_db *db, const ds_corpus_spec *given,
                           unsigned long docs, findings *f)
{
    ds_corpus_spec spec;
    char *path = NULL, *why = NULL;
    ds_status st = recorded_corpus(db, given, &spec, &path, &why);
    if (st != DS_OK) {
        note(f, "corpus", why);
        f->damaged = 1;
    } else if ((spec.kind == DS_CORPUS_FOLDER
                    ? compare_folder(db, &spec, f, &why)
                    : compare_jsonl(&spec, docs, f, &why)) != DS_OK) {
        ds_buf_printf(&f->report, "corpus: %s — it cannot be compared\n", why);
        f->stale = 1;
    }
    free(path);
    free(why);
}

/* How far the passages' average length is from the one the index was
 * normalised with (an update builds whole beyond DS_MAX_LENGTH_DRIFT). */
static void check_lengths(dsx_db *db, unsigned long docs, findings *f)
{
    char *lengths = NULL, *total = NULL;
    dsx_length_norm norm;
    if (dsx_db_get_metadata(db, DS_META_LENGTHS, &lengths, NULL) == DS_OK &&
        dsx_db_get_metadata(db, DS_META_LENGTH_TOTAL, &total, NULL) == DS_OK &&
        ds_length_norm_parse(lengths, &norm) == DS_OK && *total && docs &&
        norm.avg_length > 0) {
        double now = strtod(total, NULL) / (double)docs;
        ds_buf_printf(&f->report,
                      "lengths: normalised with an average of %.2f words; "
                      "the passages now average %.2f (%+.2f%%; an update "
                      "builds whole beyond %.0f%%)\n",
                      norm.avg_length, now,
                      100 * (now / norm.avg_length - 1),
                      100 * DS_MAX_LENGTH_DRIFT);
    }
    free(lengths);
    free(total);
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
    } else if (strtoul(recorded, NULL, 10) != docs && f->between) {
        ds_buf_printf(&f->report, "documents: %lu, the head records %s: an "
                                  "update of the shards is writing or was "
                                  "interrupted\n", docs, recorded);
        f->stale = 1;
    } else if (strtoul(recorded, NULL, 10) != docs) {
        ds_buf_printf(&f->report, "documents: %lu, but the build recorded "
                                  "%s\n", docs, recorded);
        f->damaged = 1;
    } else {
        ds_buf_printf(&f->report, "documents: %lu passages, as recorded\n",
                      docs);
        check_lengths(db, docs, f);
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
    findings f = {{0}, 0, 0, 0};
    *report = NULL;
    ds_status st = ds_store_find(index_dir, err);
    if (st != DS_OK) return st;
    ds_buf_init(&f.report);
    check_opening(index_dir, &f);
    ds_generation gen;
    ds_store_hold(index_dir, &gen);
    int by_content = 0;
    check_files(gen.path, &f, &by_content);
    check_tables(gen.path, by_content, &f);
    if (!f.damaged) check_counts(gen.path, corpus, &f);
    ds_store_release(index_dir, &gen);
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
