/* check.c — see check.h. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "../shim/xapian_shim.h"
#include "corpus.h"
#include "reader.h"
#include "schema.h"
#include "search.h"
#include "store.h"

/* Passages the corpus splits into now, or -1 when it cannot be read. */
static long corpus_passages(const char *corpus_dir, int plain)
{
    ds_file_list files;
    char *err = NULL;
    if (ds_corpus_list(corpus_dir, &files, &err) != 0) {
        free(err);
        return -1;
    }
    long total = 0;
    ds_buf text;
    ds_buf_init(&text);
    ds_reader *reader = ds_reader_new(plain ? DS_READER_PLAIN : DS_READER_NEWS);
    for (size_t i = 0; i < files.count; i++) {
        char *path = ds_xasprintf("%s/%s", corpus_dir, files.paths[i]);
        if (ds_corpus_read(path, &text, NULL, NULL, &err) == 0) {
            ds_article a = {0};
            ds_reader_split(reader, text.data, text.len, &a);
            total += (long)a.count;
            ds_article_free(&a);
        } else {
            free(err);
        }
        free(path);
    }
    ds_buf_free(&text);
    ds_reader_free(reader);
    ds_file_list_free(&files);
    return total;
}

/* Xapian's checker over every table of the served generation. */
static int check_tables(const char *db_path, ds_buf *report)
{
    unsigned long errors = 0;
    char *details = NULL, *err = NULL;
    if (dsx_check(db_path, &errors, &details, &err) != DSX_OK) {
        ds_buf_printf(report, "tables: cannot be checked: %s\n",
                      err ? err : "out of memory");
        free(err);
        return 2;
    }
    if (errors)
        ds_buf_printf(report, "tables: %lu errors\n%s", errors, details);
    else
        ds_buf_puts(report, "tables: ok\n");
    free(details);
    return errors ? 2 : 0;
}

/* Recorded passage count against the documents held, and the corpus. */
static int check_counts(const char *db_path, const char *corpus_dir,
                        ds_buf *report)
{
    dsx_db *db = NULL;
    char *err = NULL, *recorded = NULL, *reader = NULL;
    ds_analyzer *a = ds_analyzer_new();
    int rc = 2;
    unsigned long docs = 0;
    if (!a || dsx_db_open(db_path, ds_analyzer_stemmer(a), &db, &err) ||
        dsx_db_doc_count(db, &docs) ||
        dsx_db_get_metadata(db, DS_META_PASSAGES, &recorded) ||
        dsx_db_get_metadata(db, DS_META_READER, &reader)) {
        ds_buf_printf(report, "documents: cannot be read: %s\n",
                      err ? err : db ? dsx_db_error(db) : "no stemmer");
    } else if (strtoul(recorded, NULL, 10) != docs) {
        ds_buf_printf(report, "documents: %lu, but the build recorded %s\n",
                      docs, recorded);
    } else {
        ds_buf_printf(report, "documents: %lu passages, as recorded\n", docs);
        rc = 0;
        long now = corpus_dir ? corpus_passages(corpus_dir,
                                                strcmp(reader, "plain") == 0)
                              : -1;
        if (now >= 0 && (unsigned long)now != docs) {
            ds_buf_printf(report, "corpus: '%s' now splits into %ld "
                                  "passages — run 'dealsearch index'\n",
                          corpus_dir, now);
            rc = 1;
        } else if (now >= 0) {
            ds_buf_printf(report, "corpus: '%s' matches\n", corpus_dir);
        }
    }
    free(err);
    free(recorded);
    free(reader);
    dsx_db_destroy(db);
    ds_analyzer_free(a);
    return rc;
}

int ds_index_check(const char *index_dir, const char *corpus_dir,
                   ds_buf *report)
{
    char *err = NULL;
    ds_searcher *s = NULL;
    /* Opening as a search would: the format and analysis must match. */
    if (ds_searcher_open(index_dir, &s, &err) != DS_SEARCH_OK) {
        ds_buf_printf(report, "%s\n", err);
        free(err);
        if (ds_store_has_index(index_dir, &err) != 1) {
            free(err);
            return 2;
        }
    } else {
        ds_buf_puts(report, "format and analysis: ok\n");
    }
    ds_searcher_close(s);
    char *why = NULL;
    if (ds_store_verify(index_dir, &why) != 0) {
        ds_buf_printf(report, "files: %s\n", why);
        free(why);
    } else {
        ds_buf_puts(report, "files: as built\n");
    }
    char *db_path = ds_store_current_path(index_dir);
    int rc = check_tables(db_path, report);
    if (strstr(report->data, "files: as built") == NULL) rc = 2;
    int counts = rc ? 2 : check_counts(db_path, corpus_dir, report);
    free(db_path);
    if (counts > rc) rc = counts;
    ds_buf_printf(report, "%s: %s\n", index_dir,
                  rc == 0   ? "ok"
                  : rc == 1 ? "sound, but out of date with the corpus"
                            : "damaged — run 'dealsearch index' to rebuild");
    return rc;
}
