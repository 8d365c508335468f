/*
 * fts5_cisi.c — reference baseline for the CISI collection: SQLite FTS5 with
 * BM25, written as a TREC run for bench/eval.c.
 *
 *   fts5_cisi [--stopwords[=nltk|lucene]] [--limit N] [--tag TAG]
 *             DOCS.jsonl QUERIES.tsv
 *
 * Indexes every document of DOCS.jsonl (one JSON object a line with string
 * fields "id", "title", "text") into an in-memory FTS5 table, title and text
 * together as one column, tokenize='porter unicode61' (FTS5's bm25() with
 * its defaults k1 = 1.2, b = 0.75).  Then, for each line "qid<TAB>text" of
 * QUERIES.tsv, runs the OR of the query's words — each word quoted as an
 * FTS5 string, so no query text is read as FTS5 syntax — ordered by bm25(),
 * and prints the top N (default 100) as TREC run lines
 *
 *   qid Q0 docid rank score tag
 *
 * on stdout, score = -bm25() (higher is better, as trec_eval wants), printed
 * with 17 significant digits so that no ties appear that SQLite did not see.
 * Equal scores are listed in rowid order; the evaluator re-sorts ties anyway.
 *
 * Words are the maximal runs of ASCII letters and digits and of non-ASCII
 * bytes (close to unicode61's token characters, and exact for CISI, which
 * is all ASCII), lower-cased.  Every occurrence is one OR term: a word said
 * three times in a query is three terms, and since bm25() sums over the
 * expression's phrases it weighs three times (query term frequency).  That
 * is what reproduces the reference MAP 0.161 / nDCG@10 0.361; one term per
 * distinct word gives MAP 0.127.
 *
 * --stopwords (= --stopwords=nltk) drops the words of NLTK's English list
 * (179 words); --stopwords=lucene drops Lucene's 33-word English stop set
 * instead (the list that reproduces the reference's 0.163).  Both are
 * embedded below.  TAG defaults to "fts5", "fts5-stop" (nltk) or
 * "fts5-stop-lucene".
 *
 * The JSON is parsed here (no library): objects of string, number, true,
 * false, null, array or object values, all JSON string escapes including
 * \uXXXX surrogate pairs; keys other than id, title and text are skipped.
 * A malformed line, a missing, duplicate or white-space id, or a query line
 * without a tab stops the program with "fts5_cisi: FILE:LINE: reason" and
 * status 2.  A summary line goes to stderr.
 */
#define _POSIX_C_SOURCE 200809L /* getline */

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LIMIT 100
#define MAX_DEPTH 64

/* ------------------------------------------------------------------ utils */

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* "fts5_cisi: message" and exit 2. */
static void die(const char *fmt, ...)
{
    va_list ap;
    fputs("fts5_cisi: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

/* A growable byte string, always NUL-terminated once anything is added. */
typedef struct {
    char *data;
    size_t len, cap;
} Buf;

static void buf_reserve(Buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2)
            die("out of memory");
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p)
        die("out of memory");
    b->data = p;
    b->cap = cap;
}

static void buf_add(Buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_addc(Buf *b, char c)
{
    buf_add(b, &c, 1);
}

/* Empty (and allocated, so data is always a C string). */
static void buf_clear(Buf *b)
{
    b->len = 0;
    buf_reserve(b, 0);
    b->data[0] = '\0';
}

/* ------------------------------------------------------------------ JSON */

/* A cursor over one line; `err` is set to a static message on error. */
typedef struct {
    const char *p, *end;
    const char *err;
} Json;

static void skip_ws(Json *j)
{
    while (j->p < j->end &&
           (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
        j->p++;
}

static int fail(Json *j, const char *msg)
{
    if (!j->err)
        j->err = msg;
    return -1;
}

/* Skip white space and the character `c`, or fail with `msg`. */
static int expect(Json *j, char c, const char *msg)
{
    skip_ws(j);
    if (j->p >= j->end || *j->p != c)
        return fail(j, msg);
    j->p++;
    return 0;
}

static void put_utf8(Buf *b, unsigned long cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    buf_add(b, u, n);
}

static int hex4(Json *j, unsigned long *out)
{
    unsigned long v = 0;
    if (j->end - j->p < 4)
        return fail(j, "truncated \\u escape");
    for (int i = 0; i < 4; i++) {
        char c = *j->p++;
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return fail(j, "bad hex digit in \\u escape");
        v = v * 16 + (unsigned long)d;
    }
    *out = v;
    return 0;
}

/* After "\u": one code point, joining a surrogate pair; a lone surrogate
 * becomes U+FFFD and U+0000 a space (the text goes to SQLite as C text). */
static int unicode_escape(Json *j, Buf *out)
{
    unsigned long cp, lo;
    if (hex4(j, &cp) != 0)
        return -1;
    if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->p >= 6 && j->p[0] == '\\' &&
        j->p[1] == 'u') {
        const char *save = j->p;
        j->p += 2;
        if (hex4(j, &lo) != 0)
            return -1;
        if (lo >= 0xDC00 && lo < 0xE000)
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        else
            j->p = save;
    }
    if (cp >= 0xD800 && cp < 0xE000)
        cp = 0xFFFD;
    put_utf8(out, cp ? cp : ' ');
    return 0;
}

static int escape(Json *j, Buf *out)
{
    if (j->p >= j->end)
        return fail(j, "unterminated string");
    char c = *j->p++;
    switch (c) {
    case '"': case '\\': case '/': buf_addc(out, c); return 0;
    case 'b': buf_addc(out, '\b'); return 0;
    case 'f': buf_addc(out, '\f'); return 0;
    case 'n': buf_addc(out, '\n'); return 0;
    case 'r': buf_addc(out, '\r'); return 0;
    case 't': buf_addc(out, '\t'); return 0;
    case 'u': return unicode_escape(j, out);
    default: return fail(j, "bad escape in string");
    }
}

/* A JSON string at the cursor, decoded into `out` (NULL: skipped). */
static int parse_string(Json *j, Buf *out)
{
    Buf scratch = {NULL, 0, 0};
    Buf *b = out ? out : &scratch;
    int rc = 0;
    if (expect(j, '"', "expected a string") != 0)
        return -1;
    buf_clear(b);
    for (;;) {
        const char *s = j->p;
        while (j->p < j->end && *j->p != '"' && *j->p != '\\' &&
               (unsigned char)*j->p >= 0x20)
            j->p++;
        buf_add(b, s, (size_t)(j->p - s));
        if (j->p >= j->end) {
            rc = fail(j, "unterminated string");
            break;
        }
        char c = *j->p++;
        if (c == '"')
            break;
        if (c != '\\') {
            rc = fail(j, "control character in string");
            break;
        }
        if (escape(j, b) != 0) {
            rc = -1;
            break;
        }
    }
    free(scratch.data);
    return rc;
}

/* A JSON number's text (strict grammar). */
static int parse_number(Json *j, Buf *out)
{
    const char *s = j->p;
    if (j->p < j->end && *j->p == '-')
        j->p++;
    const char *digits = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    if (j->p == digits || (*digits == '0' && j->p - digits > 1))
        return fail(j, "bad number");
    if (j->p < j->end && *j->p == '.') {
        const char *frac = ++j->p;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
        if (j->p == frac)
            return fail(j, "bad number");
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        const char *exp = j->p;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
        if (j->p == exp)
            return fail(j, "bad number");
    }
    if (out) {
        buf_clear(out);
        buf_add(out, s, (size_t)(j->p - s));
    }
    return 0;
}

static int parse_literal(Json *j)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(j->end - j->p) >= n && memcmp(j->p, words[i], n) == 0) {
            j->p += n;
            return 0;
        }
    }
    return fail(j, "unexpected character");
}

static int skip_value(Json *j, int depth);

/* The members of an array or object, after its opening bracket. */
static int skip_members(Json *j, int depth, char close)
{
    skip_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        return 0;
    }
    for (;;) {
        if (close == '}' && (parse_string(j, NULL) != 0 ||
                             expect(j, ':', "expected ':'") != 0))
            return -1;
        if (skip_value(j, depth + 1) != 0)
            return -1;
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == close) {
            j->p++;
            return 0;
        }
        return fail(j, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int skip_value(Json *j, int depth)
{
    if (depth > MAX_DEPTH)
        return fail(j, "nested too deeply");
    skip_ws(j);
    if (j->p >= j->end)
        return fail(j, "expected a value");
    char c = *j->p;
    if (c == '"')
        return parse_string(j, NULL);
    if (c == '{' || c == '[') {
        j->p++;
        return skip_members(j, depth, c == '{' ? '}' : ']');
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return parse_number(j, NULL);
    return parse_literal(j);
}

/* One document line. */
typedef struct {
    Buf id, title, text, key;
    int has_id;
} Doc;

/* The value of member `key` of a document object. */
static int doc_member(Json *j, Doc *d)
{
    skip_ws(j);
    Buf *target = strcmp(d->key.data, "id") == 0      ? &d->id
                  : strcmp(d->key.data, "title") == 0 ? &d->title
                  : strcmp(d->key.data, "text") == 0  ? &d->text
                                                      : NULL;
    if (!target)
        return skip_value(j, 1);
    if (j->p < j->end && *j->p == '"') {
        d->has_id |= target == &d->id;
        return parse_string(j, target);
    }
    if (target == &d->id && j->p < j->end &&
        (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))) {
        d->has_id = 1;
        return parse_number(j, target);
    }
    return fail(j, target == &d->id ? "\"id\" must be a string or a number"
                                    : "\"title\" and \"text\" must be strings");
}

static int parse_doc(Json *j, Doc *d)
{
    buf_clear(&d->id);
    buf_clear(&d->title);
    buf_clear(&d->text);
    d->has_id = 0;
    if (expect(j, '{', "expected '{'") != 0)
        return -1;
    skip_ws(j);
    if (j->p < j->end && *j->p == '}')
        j->p++;
    else
        for (;;) {
            if (parse_string(j, &d->key) != 0 ||
                expect(j, ':', "expected ':'") != 0 || doc_member(j, d) != 0)
                return -1;
            skip_ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p >= j->end || *j->p != '}')
                return fail(j, "expected ',' or '}'");
            j->p++;
            break;
        }
    skip_ws(j);
    if (j->p != j->end)
        return fail(j, "text after the object");
    if (!d->has_id || d->id.len == 0)
        return fail(j, "no \"id\"");
    if (strpbrk(d->id.data, " \t\r\n\v\f") || strlen(d->id.data) != d->id.len)
        return fail(j, "\"id\" contains white space");
    return 0;
}

/* ------------------------------------------------------------------ SQLite */

static void exec_sql(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        die("%s: %s", sql, err ? err : "error");
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die("%s: %s", sql, sqlite3_errmsg(db));
    return st;
}

static int is_blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* Insert one parsed document; a second document with the same id is an
 * error (the run would list it twice). */
static void insert_doc(sqlite3_stmt *ins, sqlite3_stmt *ids, const Doc *d,
                       Buf *body, const char *path, long line)
{
    sqlite3_bind_text(ids, 1, d->id.data, (int)d->id.len, SQLITE_STATIC);
    int rc = sqlite3_step(ids);
    sqlite3_reset(ids);
    if (rc == SQLITE_CONSTRAINT)
        die("%s:%ld: duplicate id \"%s\"", path, line, d->id.data);
    if (rc != SQLITE_DONE)
        die("%s:%ld: %s", path, line, sqlite3_errmsg(sqlite3_db_handle(ids)));
    buf_clear(body);
    buf_add(body, d->title.data, d->title.len);
    buf_addc(body, '\n');
    buf_add(body, d->text.data, d->text.len);
    sqlite3_bind_text(ins, 1, d->id.data, (int)d->id.len, SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, body->data, (int)body->len, SQLITE_STATIC);
    if (sqlite3_step(ins) != SQLITE_DONE)
        die("%s:%ld: %s", path, line, sqlite3_errmsg(sqlite3_db_handle(ins)));
    sqlite3_reset(ins);
}

/* Index every line of the JSONL file; returns the number of documents. */
static long index_docs(sqlite3 *db, const char *path)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        die("%s: cannot open: %s", path, strerror(errno));
    sqlite3_stmt *ins = prepare(db, "INSERT INTO docs(docid, body) VALUES (?1, ?2)");
    sqlite3_stmt *ids = prepare(db, "INSERT INTO ids(id) VALUES (?1)");
    Doc d = {{NULL, 0, 0}, {NULL, 0, 0}, {NULL, 0, 0}, {NULL, 0, 0}, 0};
    Buf body = {NULL, 0, 0};
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0, count = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, in)) != -1) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (is_blank_line(line, (size_t)n))
            continue;
        if (memchr(line, '\0', (size_t)n))
            die("%s:%ld: NUL byte in line", path, lineno);
        Json j = {line, line + n, NULL};
        if (parse_doc(&j, &d) != 0)
            die("%s:%ld: bad JSON: %s (at byte %ld)", path, lineno, j.err,
                (long)(j.p - line) + 1);
        insert_doc(ins, ids, &d, &body, path, lineno);
        count++;
    }
    if (ferror(in))
        die("%s: read error", path);
    fclose(in);
    free(line);
    free(body.data);
    free(d.id.data);
    free(d.title.data);
    free(d.text.data);
    free(d.key.data);
    sqlite3_finalize(ins);
    sqlite3_finalize(ids);
    return count;
}

/* ------------------------------------------------------------------ queries */

/* NLTK's English stopword list (nltk_data corpora/stopwords/english, the
 * 179-word version). */
static const char *const NLTK_WORDS[] = {
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you",
    "you're", "you've", "you'll", "you'd", "your", "yours", "yourself",
    "yourselves", "he", "him", "his", "himself", "she", "she's", "her",
    "hers", "herself", "it", "it's", "its", "itself", "they", "them",
    "their", "theirs", "themselves", "what", "which", "who", "whom", "this",
    "that", "that'll", "these", "those", "am", "is", "are", "was", "were",
    "be", "been", "being", "have", "has", "had", "having", "do", "does",
    "did", "doing", "a", "an", "the", "and", "but", "if", "or", "because",
    "as", "until", "while", "of", "at", "by", "for", "with", "about",
    "against", "between", "into", "through", "during", "before", "after",
    "above", "below", "to", "from", "up", "down", "in", "out", "on", "off",
    "over", "under", "again", "further", "then", "once", "here", "there",
    "when", "where", "why", "how", "all", "any", "both", "each", "few",
    "more", "most", "other", "some", "such", "no", "nor", "not", "only",
    "own", "same", "so", "than", "too", "very", "s", "t", "can", "will",
    "just", "don", "don't", "should", "should've", "now", "d", "ll", "m",
    "o", "re", "ve", "y", "ain", "aren", "aren't", "couldn", "couldn't",
    "didn", "didn't", "doesn", "doesn't", "hadn", "hadn't", "hasn",
    "hasn't", "haven", "haven't", "isn", "isn't", "ma", "mightn",
    "mightn't", "mustn", "mustn't", "needn", "needn't", "shan", "shan't",
    "shouldn", "shouldn't", "wasn", "wasn't", "weren", "weren't", "won",
    "won't", "wouldn", "wouldn't",
};

/* Lucene's English stop set (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, also
 * Elasticsearch's "_english_"), 33 words. */
static const char *const LUCENE_WORDS[] = {
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if",
    "in", "into", "is", "it", "no", "not", "of", "on", "or", "such", "that",
    "the", "their", "then", "there", "these", "they", "this", "to", "was",
    "will", "with",
};

typedef struct {
    const char *name;
    const char *const *words;
    size_t count;
} Stoplist;

static const Stoplist STOPLISTS[] = {
    {"nltk", NLTK_WORDS, sizeof NLTK_WORDS / sizeof *NLTK_WORDS},
    {"lucene", LUCENE_WORDS, sizeof LUCENE_WORDS / sizeof *LUCENE_WORDS},
};

static const Stoplist *find_stoplist(const char *name)
{
    for (size_t i = 0; i < sizeof STOPLISTS / sizeof *STOPLISTS; i++)
        if (strcmp(STOPLISTS[i].name, name) == 0)
            return &STOPLISTS[i];
    return NULL;
}

/* Is the lower-cased word `w` a stopword?  (Words never contain "'", so
 * NLTK's contractions never match; their pieces, "don" and "t", do.) */
static int is_stopword(const Stoplist *list, const char *w)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->words[i], w) == 0)
            return 1;
    return 0;
}

static int is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c >= 0x80;
}

/* The FTS5 expression for one query: "w1" OR "w2" ..., one term per word
 * occurrence (lower-cased), stopwords of `stoplist` dropped when it is not
 * NULL.  Empty when no word is left. */
static void build_match(const char *text, const Stoplist *stoplist, Buf *expr,
                        Buf *word)
{
    const unsigned char *p = (const unsigned char *)text;
    buf_clear(expr);
    while (*p) {
        if (!is_word_byte(*p)) {
            p++;
            continue;
        }
        buf_clear(word);
        for (; *p && is_word_byte(*p); p++)
            buf_addc(word, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
        if (stoplist && is_stopword(stoplist, word->data))
            continue;
        if (expr->len)
            buf_add(expr, " OR ", 4);
        buf_addc(expr, '"');
        buf_add(expr, word->data, word->len);
        buf_addc(expr, '"');
    }
}

typedef struct {
    const Stoplist *stoplist; /* NULL: keep every word */
    long limit;
    const char *tag;
} Options;

/* Run one query and print its run lines. */
static void run_query(sqlite3_stmt *st, const char *qid, const char *expr,
                      const Options *o)
{
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, o->limit);
    long rank = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *docid = (const char *)sqlite3_column_text(st, 0);
        double score = -sqlite3_column_double(st, 1);
        printf("%s Q0 %s %ld %.17g %s\n", qid, docid ? docid : "", ++rank, score,
               o->tag);
    }
    if (rc != SQLITE_DONE)
        die("query %s: %s: %s", qid, expr, sqlite3_errmsg(sqlite3_db_handle(st)));
    sqlite3_reset(st);
}

/* Split "qid<TAB>text" in place; checks the qid is one TREC field. */
static char *split_query(char *line, const char *path, long lineno)
{
    char *tab = strchr(line, '\t');
    if (!tab)
        die("%s:%ld: expected qid<TAB>query text", path, lineno);
    *tab = '\0';
    if (*line == '\0' || strpbrk(line, " \r\v\f"))
        die("%s:%ld: bad query id \"%s\"", path, lineno, line);
    return tab + 1;
}

static long run_queries(sqlite3 *db, const char *path, const Options *o)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        die("%s: cannot open: %s", path, strerror(errno));
    sqlite3_stmt *st = prepare(db,
        "SELECT docid, bm25(docs) FROM docs WHERE docs MATCH ?1 "
        "ORDER BY bm25(docs), rowid LIMIT ?2");
    Buf expr = {NULL, 0, 0}, word = {NULL, 0, 0};
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0, count = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, in)) != -1) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (is_blank_line(line, (size_t)n))
            continue;
        const char *text = split_query(line, path, lineno);
        build_match(text, o->stoplist, &expr, &word);
        if (expr.len == 0)
            fprintf(stderr, "fts5_cisi: %s:%ld: query %s has no words; no results\n",
                    path, lineno, line);
        else
            run_query(st, line, expr.data, o);
        count++;
    }
    if (ferror(in))
        die("%s: read error", path);
    fclose(in);
    free(line);
    free(expr.data);
    free(word.data);
    sqlite3_finalize(st);
    return count;
}

/* ------------------------------------------------------------------ main */

static void usage_error(const char *msg)
{
    die("%s (usage: fts5_cisi [--stopwords[=nltk|lucene]] [--limit N] "
        "[--tag TAG] DOCS.jsonl QUERIES.tsv)", msg);
}

static void parse_args(int argc, char **argv, Options *o, const char **files)
{
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--stopwords") == 0)
            o->stoplist = find_stoplist("nltk");
        else if (strncmp(argv[i], "--stopwords=", 12) == 0) {
            o->stoplist = find_stoplist(argv[i] + 12);
            if (!o->stoplist)
                usage_error("--stopwords= takes nltk or lucene");
        }
        else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            char *end;
            o->limit = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || o->limit <= 0)
                usage_error("--limit needs a positive number");
        } else if (strcmp(argv[i], "--tag") == 0 && i + 1 < argc) {
            o->tag = argv[++i];
            if (!*o->tag || strpbrk(o->tag, " \t\r\n\v\f"))
                usage_error("--tag needs one word");
        } else if (argv[i][0] == '-')
            usage_error("unknown option");
        else if (nfiles < 2)
            files[nfiles++] = argv[i];
        else
            usage_error("too many arguments");
    }
    if (nfiles != 2)
        usage_error("need DOCS.jsonl and QUERIES.tsv");
    if (!o->tag)
        o->tag = !o->stoplist                         ? "fts5"
                 : strcmp(o->stoplist->name, "nltk") == 0 ? "fts5-stop"
                                                          : "fts5-stop-lucene";
}

int main(int argc, char **argv)
{
    Options o = {NULL, DEFAULT_LIMIT, NULL};
    const char *files[2];
    parse_args(argc, argv, &o, files);
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        die("cannot open an in-memory database");
    exec_sql(db, "CREATE VIRTUAL TABLE docs USING fts5("
                 "docid UNINDEXED, body, tokenize='porter unicode61')");
    exec_sql(db, "CREATE TABLE ids(id TEXT PRIMARY KEY)");
    exec_sql(db, "BEGIN");
    long ndocs = index_docs(db, files[0]);
    exec_sql(db, "COMMIT");
    if (ndocs == 0)
        die("%s: no documents", files[0]);
    long nq = run_queries(db, files[1], &o);
    sqlite3_close(db);
    if (fflush(stdout) != 0 || ferror(stdout))
        die("cannot write the run");
    fprintf(stderr, "fts5_cisi: %ld documents, %ld queries, tag %s\n", ndocs, nq,
            o.tag);
    return 0;
}
