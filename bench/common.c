/* common.c — see common.h. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *program = "bench";

void bx_set_program(const char *name)
{
    const char *slash = strrchr(name, '/');
    program = slash ? slash + 1 : name;
}

void bx_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", program);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

void *bx_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) bx_die("out of memory");
    return p;
}

void *bx_realloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p) bx_die("out of memory");
    return p;
}

char *bx_strndup(const char *s, size_t len)
{
    char *copy = bx_malloc(len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *bx_strdup(const char *s)
{
    return bx_strndup(s, strlen(s));
}

char *bx_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) bx_die("bad format");
    char *out = bx_malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(out, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return out;
}

double bx_now(void)
{
    return (double)bx_now_ns() / 1e9;
}

long long bx_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int is_txt(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".txt") == 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void bx_list_txt(const char *dir, bx_names *out)
{
    DIR *d = opendir(dir);
    if (!d) bx_die("%s: %s", dir, strerror(errno));
    size_t cap = 0;
    out->names = NULL;
    out->count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_txt(e->d_name)) continue;
        if (out->count == cap) {
            cap = cap ? cap * 2 : 64;
            out->names = bx_realloc(out->names, cap * sizeof *out->names);
        }
        out->names[out->count++] = bx_strdup(e->d_name);
    }
    closedir(d);
    qsort(out->names, out->count, sizeof *out->names, compare_names);
}

void bx_names_free(bx_names *n)
{
    for (size_t i = 0; i < n->count; i++) free(n->names[i]);
    free(n->names);
    n->names = NULL;
    n->count = 0;
}

char *bx_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) bx_die("%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0) bx_die("%s: %s", path, strerror(errno));
    size_t size = (size_t)st.st_size;
    char *data = bx_malloc(size + 1);
    if (fread(data, 1, size, f) != size) bx_die("%s: short read", path);
    fclose(f);
    data[size] = '\0';
    *len = size;
    return data;
}

static int is_blank_line(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
    return 1;
}

static unsigned long passages_of_file(const char *name, const char *text,
                                      size_t len, bx_passage_fn fn, void *ctx)
{
    unsigned long number = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *next = nl ? nl + 1 : end;
        size_t n = (size_t)((nl ? nl : end) - p);
        if (n && p[n - 1] == '\r') n--;
        if (!is_blank_line(p, n)) fn(ctx, name, ++number, p, n);
        p = next;
    }
    return number;
}

unsigned long bx_for_each_passage_part(const char *dir, unsigned part,
                                       unsigned parts, bx_passage_fn fn,
                                       void *ctx, unsigned long long *bytes)
{
    bx_names names;
    bx_list_txt(dir, &names);
    unsigned long total = 0;
    size_t first = names.count * part / parts;
    size_t end = names.count * (part + 1) / parts;
    *bytes = 0;
    for (size_t i = first; i < end; i++) {
        char *path = bx_asprintf("%s/%s", dir, names.names[i]);
        size_t len;
        char *text = bx_read_file(path, &len);
        total += passages_of_file(names.names[i], text, len, fn, ctx);
        *bytes += len;
        free(text);
        free(path);
    }
    bx_names_free(&names);
    return total;
}

unsigned long bx_for_each_passage(const char *dir, bx_passage_fn fn,
                                  void *ctx, unsigned long long *bytes)
{
    return bx_for_each_passage_part(dir, 0, 1, fn, ctx, bytes);
}

static void push_query(bx_queries *q, size_t *cap, char *line)
{
    char *tab = strchr(line, '\t');
    if (!tab || !tab[1]) bx_die("query line without class<TAB>query: %s", line);
    if (q->count == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        q->items = bx_realloc(q->items, *cap * sizeof *q->items);
    }
    q->items[q->count].cls = bx_strndup(line, (size_t)(tab - line));
    q->items[q->count].text = bx_strdup(tab + 1);
    q->count++;
}

void bx_read_queries(const char *path, bx_queries *out)
{
    size_t len, cap = 0;
    char *data = bx_read_file(path, &len);
    out->items = NULL;
    out->count = 0;
    for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n"))
        if (line[0] && line[0] != '#') push_query(out, &cap, line);
    free(data);
    if (out->count == 0) bx_die("%s: no queries", path);
}

void bx_queries_free(bx_queries *q)
{
    for (size_t i = 0; i < q->count; i++) {
        free(q->items[i].cls);
        free(q->items[i].text);
    }
    free(q->items);
}

static long run_one(bx_query_fn fn, void *ctx, const char *text,
                    long *matches, size_t *sink)
{
    long hits = fn(ctx, text, matches, sink);
    if (hits < 0) bx_die("query failed: %s", text);
    return hits;
}

void bx_time_queries(const bx_queries *q, int reps, bx_query_fn fn,
                     void *ctx, FILE *out)
{
    size_t n = q->count, sink = 0;
    long *hits = bx_malloc(n * sizeof *hits);
    long *matches = bx_malloc(n * sizeof *matches);
    long long *ns = bx_malloc(n * (size_t)reps * sizeof *ns);
    for (size_t i = 0; i < n; i++)
        hits[i] = run_one(fn, ctx, q->items[i].text, &matches[i], &sink);
    for (int r = 0; r < reps; r++) {
        for (size_t i = 0; i < n; i++) {
            long m;
            long long t0 = bx_now_ns();
            run_one(fn, ctx, q->items[i].text, &m, &sink);
            ns[i * (size_t)reps + (size_t)r] = bx_now_ns() - t0;
        }
    }
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "Q %zu %ld %ld ", i, hits[i], matches[i]);
        for (int r = 0; r < reps; r++)
            fprintf(out, "%s%lld", r ? "," : "", ns[i * (size_t)reps + (size_t)r]);
        fputc('\n', out);
    }
    fprintf(out, "SINK %zu\n", sink);
    free(hits);
    free(matches);
    free(ns);
}

char *bx_fts5_match(const char *q)
{
    char *out = bx_malloc(strlen(q) * 3 + 3), *o = out;
    while (*q) {
        if (*q == ' ') {
            *o++ = *q++;
        } else if (*q == '"') {
            const char *end = strchr(q + 1, '"');
            size_t n = end ? (size_t)(end - q) + 1 : strlen(q);
            memcpy(o, q, n);
            o += n;
            q += n;
        } else {
            *o++ = '"';
            while (*q && *q != ' ' && *q != '"') *o++ = *q++;
            *o++ = '"';
        }
    }
    *o = '\0';
    return out;
}

const char *bx_opt(const char *arg, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) == 0 && arg[n] == '=') return arg + n + 1;
    return NULL;
}
