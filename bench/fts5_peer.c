/*
 * fts5_peer.c — the SQLite FTS5 peer: the same passages in an FTS5 table
 * (tokenize='porter unicode61'), ranked by bm25(), excerpts by snippet().
 *
 *   fts5_peer version
 *   fts5_peer build CORPUS_DIR DB      one transaction, default pragmas
 *   fts5_peer compact DB               'optimize' (merge segments), VACUUM
 *   fts5_peer query DB QUERIES MODE REPS
 *       MODE nosnip: the top 10 rows (source, passage, text, score)
 *       MODE snip:   the same plus snippet() of about 48 tokens
 *
 * Queries use the benchmark's syntax (words, "quoted phrases"); each bare
 * word is quoted for FTS5, whose implicit operator is AND, like
 * dealsearch's default.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define SNIPPET_TOKENS "48"

static const char SCHEMA[] =
    "CREATE VIRTUAL TABLE passages USING fts5("
    "source UNINDEXED, passage UNINDEXED, text, "
    "tokenize='porter unicode61')";

static const char SELECT_PLAIN[] =
    "SELECT source, passage, text, bm25(passages) FROM passages "
    "WHERE passages MATCH ?1 ORDER BY bm25(passages) LIMIT 10";

static const char SELECT_SNIPPET[] =
    "SELECT source, passage, text, bm25(passages), "
    "snippet(passages, 2, '[', ']', '…', " SNIPPET_TOKENS ") "
    "FROM passages WHERE passages MATCH ?1 ORDER BY bm25(passages) LIMIT 10";

static sqlite3 *open_db(const char *path, int flags)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK)
        bx_die("%s: %s", path, sqlite3_errmsg(db));
    return db;
}

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        bx_die("%s: %s", sql, err ? err : "error");
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        bx_die("%s: %s", sql, sqlite3_errmsg(db));
    return st;
}

static void insert_passage(void *ctx, const char *source, unsigned long number,
                           const char *text, size_t len)
{
    sqlite3_stmt *st = ctx;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)number);
    sqlite3_bind_text(st, 3, text, (int)len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        bx_die("insert: %s", sqlite3_errmsg(sqlite3_db_handle(st)));
    sqlite3_reset(st);
}

static int build(const char *corpus, const char *path)
{
    remove(path);
    sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    exec(db, SCHEMA);
    exec(db, "BEGIN");
    sqlite3_stmt *st = prepare(db, "INSERT INTO passages VALUES (?1, ?2, ?3)");
    unsigned long long bytes;
    unsigned long n = bx_for_each_passage(corpus, insert_passage, st, &bytes);
    sqlite3_finalize(st);
    exec(db, "COMMIT");
    if (sqlite3_close(db) != SQLITE_OK) bx_die("%s: close failed", path);
    printf("passages=%lu bytes=%llu\n", n, bytes);
    return 0;
}

static int compact(const char *path)
{
    sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE);
    exec(db, "INSERT INTO passages(passages) VALUES('optimize')");
    exec(db, "VACUUM");
    sqlite3_close(db);
    return 0;
}

typedef struct {
    sqlite3_stmt *select;
    int columns;
} searcher;

static long run_query(void *ctx, const char *query, long *matches, size_t *sink)
{
    searcher *s = ctx;
    char *match = bx_fts5_match(query);
    sqlite3_bind_text(s->select, 1, match, -1, SQLITE_TRANSIENT);
    free(match);
    long hits = 0;
    int rc;
    while ((rc = sqlite3_step(s->select)) == SQLITE_ROW) {
        for (int c = 0; c < s->columns; c++)
            *sink += (size_t)sqlite3_column_bytes(s->select, c);
        hits++;
    }
    sqlite3_reset(s->select);
    *matches = -1;
    return rc == SQLITE_DONE ? hits : -1;
}

static int query(const char *path, const char *queries, const char *mode, int reps)
{
    int snip = strcmp(mode, "snip") == 0;
    if (!snip && strcmp(mode, "nosnip") != 0) bx_die("unknown mode '%s'", mode);
    sqlite3 *db = open_db(path, SQLITE_OPEN_READONLY);
    searcher s = {prepare(db, snip ? SELECT_SNIPPET : SELECT_PLAIN), snip ? 5 : 4};
    bx_queries q;
    bx_read_queries(queries, &q);
    bx_time_queries(&q, reps, run_query, &s, stdout);
    bx_queries_free(&q);
    sqlite3_finalize(s.select);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    bx_set_program(argv[0]);
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "version") == 0) {
        printf("sqlite %s\n", sqlite3_libversion());
        return 0;
    }
    if (strcmp(cmd, "build") == 0 && argc == 4) return build(argv[2], argv[3]);
    if (strcmp(cmd, "compact") == 0 && argc == 3) return compact(argv[2]);
    if (strcmp(cmd, "query") == 0 && argc == 6)
        return query(argv[2], argv[3], argv[4], atoi(argv[5]));
    bx_die("usage: fts5_peer version | build CORPUS DB | compact DB | "
           "query DB QUERIES nosnip|snip REPS");
}
