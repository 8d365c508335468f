/* corpus.c — see corpus.h. */
#define _POSIX_C_SOURCE 200809L
#include "corpus.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/* Lines with invalid UTF-8 reported per file before summarising. */
#define MAX_BAD_LINE_REPORTS 5

/* One entry: a file (its path relative to the folder), or a JSON line
 * (where it is in the file). */
typedef struct {
    char *rel;                   /* folder: the relative path */
    unsigned long long offset;   /* JSON lines: where the line starts */
    unsigned long long bytes;    /* the file's size, the line's length */
    long long mtime_sec;         /* folder: the file's time as listed */
    long mtime_nsec;
    unsigned long line;          /* JSON lines: its 1-based number */
} entry;

struct ds_corpus {
    ds_corpus_spec spec;         /* path points into `path` */
    char *path;
    ds_notice_fn notice;
    void *notice_ctx;
    entry *entries;
    size_t count, cap;
    unsigned long long bytes;
    int fd;                      /* JSON lines: the open file, else -1 */
};

static void notify(const ds_corpus *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void notify(const ds_corpus *c, const char *fmt, ...)
{
    if (!c->notice) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = ds_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    va_start(ap, fmt);
    vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    va_end(ap);
    c->notice(c->notice_ctx, msg);
    free(msg);
}

static entry *push_entry(ds_corpus *c)
{
    if (c->count == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->entries = ds_xrealloc(c->entries, c->cap * sizeof *c->entries);
    }
    entry *e = &c->entries[c->count++];
    memset(e, 0, sizeof *e);
    return e;
}

/* ---- A folder ---- */

static int ends_with_txt(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".txt") == 0;
}

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->rel, ((const entry *)b)->rel);
}

/* A name we can store in a record line and a boolean term. */
static int is_storable_name(const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7F) return 0;
    return *name != '\0';
}

/* Collect the `*.txt` files below path/rel (rel "" for the folder). */
static void collect(ds_corpus *c, const char *rel)
{
    char *dir_path = rel[0] ? ds_xasprintf("%s/%s", c->path, rel)
                            : ds_xstrdup(c->path);
    DIR *dir = opendir(dir_path);
    if (!dir) {
        notify(c, "%s: %s (skipped)", dir_path, strerror(errno));
        free(dir_path);
        return;
    }
    struct dirent *d;
    while ((d = readdir(dir)) != NULL) {
        if (d->d_name[0] == '.') continue; /* ., .., and hidden entries */
        char *child_rel = rel[0] ? ds_xasprintf("%s/%s", rel, d->d_name)
                                 : ds_xstrdup(d->d_name);
        char *child_path = ds_xasprintf("%s/%s", dir_path, d->d_name);
        struct stat st;
        int is_dir = lstat(child_path, &st) == 0 && S_ISDIR(st.st_mode);
        if (is_dir) {
            collect(c, child_rel);
        } else if (ends_with_txt(d->d_name)) {
            /* Regular files and links to them; other kinds are reported
             * when read, so nothing is skipped silently. */
            entry *e = push_entry(c);
            e->rel = child_rel;
            child_rel = NULL;
            if (stat(child_path, &st) == 0) {
                e->bytes = (unsigned long long)st.st_size;
                e->mtime_sec = (long long)st.st_mtim.tv_sec;
                e->mtime_nsec = st.st_mtim.tv_nsec;
            }
            c->bytes += e->bytes;
        }
        free(child_rel);
        free(child_path);
    }
    closedir(dir);
    free(dir_path);
}

static ds_status open_folder(ds_corpus *c, char **err)
{
    struct stat st;
    if (stat(c->path, &st) != 0)
        return ds_fail(err, DS_ERR_IO, "corpus directory '%s': %s", c->path,
                       strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return ds_fail(err, DS_ERR_IO, "corpus '%s' is not a directory",
                       c->path);
    DIR *dir = opendir(c->path);
    if (!dir)
        return ds_fail(err, DS_ERR_IO, "corpus directory '%s': %s", c->path,
                       strerror(errno));
    closedir(dir);
    collect(c, "");
    if (c->count)
        qsort(c->entries, c->count, sizeof *c->entries, compare_entries);
    return DS_OK;
}

/* ---- A JSON lines file ---- */

static int is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* Note where each non-blank line is. */
static ds_status open_jsonl(ds_corpus *c, char **err)
{
    FILE *f = fopen(c->path, "r");
    if (!f)
        return ds_fail(err, DS_ERR_IO, "cannot read '%s': %s", c->path,
                       strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long long offset = 0;
    unsigned long number = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        number++;
        if (!is_blank(line, (size_t)n)) {
            entry *e = push_entry(c);
            e->offset = offset;
            e->bytes = (unsigned long long)n;
            e->line = number;
            c->bytes += e->bytes;
        }
        offset += (unsigned long long)n;
    }
    int failed = ferror(f);
    free(line);
    fclose(f);
    if (failed)
        return ds_fail(err, DS_ERR_IO, "cannot read '%s'", c->path);
    c->fd = open(c->path, O_RDONLY | O_CLOEXEC);
    if (c->fd < 0)
        return ds_fail(err, DS_ERR_IO, "cannot read '%s': %s", c->path,
                       strerror(errno));
    return DS_OK;
}

/* ---- The corpus ---- */

ds_status ds_corpus_open(const ds_corpus_spec *spec, ds_notice_fn notice,
                         void *notice_ctx, ds_corpus **out, char **err)
{
    ds_corpus *c = ds_xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->spec = *spec;
    c->path = ds_xstrdup(spec->path);
    c->spec.path = c->path;
    c->notice = notice;
    c->notice_ctx = notice_ctx;
    c->fd = -1;
    ds_status st = spec->kind == DS_CORPUS_JSONL ? open_jsonl(c, err)
                                                 : open_folder(c, err);
    if (st != DS_OK) {
        ds_corpus_close(c);
        c = NULL;
    }
    *out = c;
    return st;
}

void ds_corpus_close(ds_corpus *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->count; i++) free(c->entries[i].rel);
    free(c->entries);
    if (c->fd >= 0) close(c->fd);
    free(c->path);
    free(c);
}

const ds_corpus_spec *ds_corpus_get_spec(const ds_corpus *c)
{
    return &c->spec;
}

size_t ds_corpus_count(const ds_corpus *c)
{
    return c->count;
}

unsigned long long ds_corpus_entry_bytes(const ds_corpus *c, size_t i)
{
    return c->entries[i].bytes;
}

unsigned long long ds_corpus_bytes(const ds_corpus *c)
{
    return c->bytes;
}

const char *ds_corpus_entry_name(const ds_corpus *c, size_t i)
{
    return c->spec.kind == DS_CORPUS_FOLDER &&
                   is_storable_name(c->entries[i].rel)
               ? c->entries[i].rel
               : NULL;
}

char *ds_corpus_entry_path(const ds_corpus *c, size_t i)
{
    return ds_xasprintf("%s/%s", c->path, c->entries[i].rel);
}

void ds_corpus_entry_stamp(const ds_corpus *c, size_t i, ds_file_stamp *out)
{
    memset(out, 0, sizeof *out);
    out->size = c->entries[i].bytes;
    out->mtime_sec = c->entries[i].mtime_sec;
    out->mtime_nsec = c->entries[i].mtime_nsec;
}

void ds_corpus_doc_free(ds_corpus_doc *doc)
{
    free(doc->source);
    ds_article_free(&doc->article);
    memset(doc, 0, sizeof *doc);
}

typedef struct {
    const ds_corpus *corpus;
    const char *path;
    unsigned long total;
} bad_line_report;

static void report_bad_line(void *ctx, unsigned long line)
{
    bad_line_report *r = ctx;
    if (++r->total <= MAX_BAD_LINE_REPORTS)
        notify(r->corpus,
               "%s:%lu: invalid UTF-8 or NUL bytes replaced with U+FFFD",
               r->path, line);
}

static ds_status read_file_entry(ds_corpus *c, const entry *e,
                                 ds_reader *reader, ds_buf *text, int quiet,
                                 ds_corpus_doc *doc, char **err)
{
    char *path = ds_xasprintf("%s/%s", c->path, e->rel);
    bad_line_report report = {c, path, 0};
    ds_status st = DS_OK;
    if (!is_storable_name(e->rel))
        st = ds_fail(err, DS_ERR_IO, "%s: file name has control characters",
                     path);
    else
        st = ds_read_text_file_stamped(path, text,
                                       quiet ? NULL : report_bad_line,
                                       &report, &doc->encoding, &doc->stamp,
                                       err);
    if (st == DS_OK) {
        if (report.total > MAX_BAD_LINE_REPORTS)
            notify(c, "%s: %lu more lines with invalid UTF-8", path,
                   report.total - MAX_BAD_LINE_REPORTS);
        doc->source = ds_xstrdup(e->rel);
        doc->key_len = strlen(e->rel) - 4; /* without ".txt" */
        doc->bytes = text->len;
        ds_reader_split(reader, text->data, text->len, &doc->article);
    }
    free(path);
    return st;
}

static const char *json_text(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Make text[0..len) the article's one passage. */
static void one_passage(ds_article *a, const char *text, size_t len)
{
    if (a->cap == 0) {
        a->items = ds_xmalloc(sizeof *a->items);
        a->cap = 1;
    }
    a->items[0] = (ds_passage){ds_xstrndup(text, len), len, 1, NULL};
    a->count = 1;
}

/* A JSON document: one passage, its title part of its text, or (split)
 * the passages of its text read as an article.  A document whose text
 * holds no passage but which has a title (a catalogue of titles, half of
 * CACM's records) is its title: one passage of it, rather than nothing. */
static void split_json_doc(const ds_corpus *c, ds_reader *reader,
                           const char *title, const char *text,
                           ds_corpus_doc *doc)
{
    size_t len = strlen(text);
    ds_article *a = &doc->article;
    if (c->spec.split) {
        ds_reader_split(reader, text, len, a);
    } else if (len) {
        one_passage(a, text, len);
        doc->title_is_text = 1;
    }
    doc->bytes = len;
    if (!title || !*title)
        return;
    free(a->title);
    a->title = ds_xstrdup(title);
    if (a->count == 0) {
        doc->bytes = strlen(title);
        one_passage(a, title, doc->bytes);
    }
}

/* How much of jansson's message to repeat: it ends by quoting the text
 * near the fault ("invalid token near 'x'"), which may hold a newline or
 * any byte, so that part is left out and its byte offset given instead. */
static int json_fault_len(const json_error_t *e)
{
    const char *near = strstr(e->text, " near ");
    return (int)(near ? (size_t)(near - e->text) : strlen(e->text));
}

static ds_status read_json_entry(ds_corpus *c, const entry *e,
                                 ds_reader *reader, ds_buf *line,
                                 ds_corpus_doc *doc, char **err)
{
    ds_buf_clear(line);
    ds_buf_reserve(line, (size_t)e->bytes);
    ssize_t n = pread(c->fd, line->data, (size_t)e->bytes, (off_t)e->offset);
    if (n != (ssize_t)e->bytes)
        return ds_fail(err, DS_ERR_IO, "%s:%lu: cannot be read again",
                       c->path, e->line);
    line->len = (size_t)n;
    json_error_t jerr;
    json_t *obj = json_loadb(line->data, line->len, 0, &jerr);
    const char *id = json_text(obj, "id"), *text = json_text(obj, "text"),
               *title = json_text(obj, "title");
    ds_status st = DS_OK;
    if (!obj)
        st = ds_fail(err, DS_ERR_IO, "%s:%lu: not a JSON object: %.*s "
                     "(byte %d)", c->path, e->line, json_fault_len(&jerr),
                     jerr.text, jerr.position);
    else if (!json_is_object(obj))
        st = ds_fail(err, DS_ERR_IO, "%s:%lu: not a JSON object", c->path,
                     e->line);
    else if (!id || !(text || title) || !is_storable_name(id))
        st = ds_fail(err, DS_ERR_IO, "%s:%lu: needs string \"id\" and "
                     "\"text\" or \"title\"", c->path, e->line);
    if (st == DS_OK) {
        doc->source = ds_xstrdup(id);
        doc->key_len = strlen(id);
        split_json_doc(c, reader, title, text ? text : "", doc);
    }
    json_decref(obj);
    return st;
}

ds_status ds_corpus_read(ds_corpus *c, size_t i, ds_reader *reader,
                         ds_buf *scratch, int quiet, ds_corpus_doc *doc,
                         char **err)
{
    const entry *e = &c->entries[i];
    if (c->spec.kind == DS_CORPUS_JSONL)
        return read_json_entry(c, e, reader, scratch, doc, err);
    return read_file_entry(c, e, reader, scratch, quiet, doc, err);
}

/* ---- Text files ---- */

/* Read all of `fd` (at most DS_MAX_FILE_BYTES) into `raw`. */
static ds_status read_all(int fd, const char *path, size_t size_hint,
                          ds_buf *raw, char **err)
{
    ds_buf_reserve(raw, size_hint);
    for (;;) {
        ds_buf_reserve(raw, 65536);
        ssize_t n = read(fd, raw->data + raw->len, raw->cap - raw->len - 1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            return ds_fail(err, DS_ERR_IO, "%s: %s", path, strerror(errno));
        if (n == 0) return DS_OK;
        raw->len += (size_t)n;
        if (raw->len > DS_MAX_FILE_BYTES)
            return ds_fail(err, DS_ERR_IO, "%s: over the %zu MiB file limit",
                           path, DS_MAX_FILE_BYTES >> 20);
    }
}

ds_status ds_read_text_file(const char *path, ds_buf *out,
                            ds_bad_line_fn bad_line, void *ctx,
                            ds_encoding *encoding, char **err)
{
    return ds_read_text_file_stamped(path, out, bad_line, ctx, encoding, NULL,
                                     err);
}

ds_status ds_read_text_file_stamped(const char *path, ds_buf *out,
                                    ds_bad_line_fn bad_line, void *ctx,
                                    ds_encoding *encoding,
                                    ds_file_stamp *stamp, char **err)
{
    ds_buf_clear(out);
    /* O_NONBLOCK: a FIFO named *.txt must not hang the indexer. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return ds_fail(err, DS_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    ds_status status = DS_OK;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        status = ds_fail(err, DS_ERR_IO, "%s: not a regular file", path);
    else if ((size_t)st.st_size > DS_MAX_FILE_BYTES)
        status = ds_fail(err, DS_ERR_IO,
                         "%s: %lld bytes is over the %zu MiB file limit",
                         path, (long long)st.st_size,
                         DS_MAX_FILE_BYTES >> 20);
    ds_buf raw;
    ds_buf_init(&raw);
    if (status == DS_OK)
        status = read_all(fd, path, (size_t)st.st_size, &raw, err);
    close(fd);
    if (status == DS_OK && stamp) {
        stamp->size = (unsigned long long)st.st_size;
        stamp->mtime_sec = (long long)st.st_mtim.tv_sec;
        stamp->mtime_nsec = st.st_mtim.tv_nsec;
        ds_digest_bytes(raw.data, raw.len, &stamp->digest);
    }
    if (status == DS_OK) {
        ds_encoding enc = ds_text_decode(raw.data, raw.len, out, bad_line, ctx);
        if (encoding) *encoding = enc;
    }
    ds_buf_free(&raw);
    return status;
}

ds_status ds_describe_file(const char *path, ds_reader_kind kind,
                           ds_format format, char **out, size_t *passages,
                           char **err)
{
    *out = NULL;
    ds_buf text, listing;
    ds_buf_init(&text);
    ds_status st = ds_read_text_file(path, &text, NULL, NULL, NULL, err);
    if (st == DS_OK) {
        ds_article a = {0};
        ds_reader *reader = ds_reader_new(kind);
        ds_reader_split(reader, text.data, text.len, &a);
        ds_reader_free(reader);
        ds_buf_init(&listing);
        if (format == DS_FORMAT_JSON)
            ds_article_json(&listing, path, &a);
        else
            ds_article_describe(&listing, &a);
        *out = ds_buf_steal(&listing);
        *passages = a.count;
        ds_article_free(&a);
    }
    ds_buf_free(&text);
    return st;
}
