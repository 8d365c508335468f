/*
 * fuzz_server.c — libFuzzer target: `dealsearch serve`'s request → response
 * path (ds_server_handle: src/server_handle.c, src/server_api.c,
 * src/server_url.c), on the demo-corpus index built once into a temporary
 * directory by LLVMFuzzerInitialize.
 *
 * The input is a request: its first line the method, its second the
 * request target, each further line a header ("Name: value"); each part
 * ends at a NUL too (libmicrohttpd hands over C strings).  Each request
 * is answered twice, as the default server does (loopback: another Host
 * is refused) and with --cors and any Host.
 *
 * Properties checked on every response:
 *   - a status the server gives (200 204 304 400 403 404 405 413 414 431
 *     500 503) and a content type;
 *   - header names are HTTP tokens and values hold no control character
 *     (no header injection), within DS_HTTP_MAX_RESPONSE_HEADERS; every
 *     response carries the Content-Security-Policy and nosniff headers;
 *   - 204 and 304 have no body; a body has its bytes;
 *   - JSON where it must be: every error, and everything under /api/, is
 *     valid JSON (the strict validator, fuzz_common.h); an error is
 *     {"error": "<message>", "status": <its status>}, a search answer has
 *     "results" and "took_ms".
 */
#define _XOPEN_SOURCE 700 /* nftw */
#define _DEFAULT_SOURCE   /* mkdtemp */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/server.h"
#include "fuzz_common.h"

#ifndef FUZZ_CORPUS_DIR
#define FUZZ_CORPUS_DIR "corpus"
#endif

#define MAX_PARTS (DS_SERVER_MAX_HEADERS + 8)

static char tmp_dir[512];
static char index_dir[600];
static ds_server_thread plain, strict;

static int remove_entry(const char *path, const struct stat *st, int type,
                        struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

static void cleanup(void)
{
    ds_searcher_close(plain.searcher);
    ds_searcher_close(strict.searcher);
    plain.searcher = strict.searcher = NULL;
    if (tmp_dir[0]) nftw(tmp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Remove the directories of earlier runs that crashed (named
 * dealsearch-fuzzsrv-PID-XXXXXX, their process gone). */
static void remove_stale(const char *base)
{
    DIR *d = opendir(base);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid;
        char rest[64];
        if (sscanf(e->d_name, "dealsearch-fuzzsrv-%ld-%63s", &pid, rest) != 2 ||
            pid <= 0)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", base, e->d_name);
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *corpus = getenv("DS_FUZZ_CORPUS");
    if (!corpus || !*corpus) corpus = FUZZ_CORPUS_DIR;
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = "/tmp";
    remove_stale(base);
    snprintf(tmp_dir, sizeof tmp_dir, "%s/dealsearch-fuzzsrv-%ld-XXXXXX",
             base, (long)getpid());
    if (!mkdtemp(tmp_dir)) FUZZ_FAIL("mkdtemp %s failed", tmp_dir);
    atexit(cleanup);
    snprintf(index_dir, sizeof index_dir, "%s/index", tmp_dir);
    ds_index_options opt;
    ds_index_options_init(&opt);
    opt.corpus.path = corpus;
    opt.index_dir = index_dir;
    ds_index_stats stats;
    ds_indexer *ix = NULL;
    char *err = NULL;
    if (ds_indexer_open(&opt, &ix, &err) != DS_OK ||
        ds_indexer_build(ix, &stats, &err) != DS_OK)
        FUZZ_FAIL("building the demo index from '%s': %s", corpus, err);
    ds_indexer_close(ix);
    plain.index_dir = strict.index_dir = index_dir;
    strict.loopback_only = 1;
    plain.cors_origin = "http://app.example:3000";
    return 0;
}

/* ---- Checks ---- */

static int is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static void check_header(const char *name, const char *value)
{
    if (!name || !*name || !value) FUZZ_FAIL("a header without name or value");
    for (const char *p = name; *p; p++)
        if (!is_tchar((unsigned char)*p))
            FUZZ_FAIL("header name '%s' is not a token", name);
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
            fuzz_show("header value", value, strlen(value),
                      (size_t)((const char *)p - value));
            FUZZ_FAIL("header %s: a control byte in its value", name);
        }
}

static const char *header(const ds_http_response *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcmp(r->headers[i].name, name) == 0) return r->headers[i].value;
    return NULL;
}

static void check_json(const ds_http_response *r, const char *target)
{
    const char *why;
    size_t at;
    if (strcmp(r->content_type, "application/json; charset=utf-8") != 0)
        FUZZ_FAIL("%d for '%.80s' is %s, not JSON", r->status, target,
                  r->content_type);
    if (!fuzz_json_valid(r->body, r->body_len, &why, &at)) {
        fuzz_show("body", r->body, r->body_len, at);
        FUZZ_FAIL("%d for '%.80s': invalid JSON: %s", r->status, target, why);
    }
    fuzz_jv v;
    fuzz_jv_parse(r->body, r->body_len, &v);
    if (v.type != 'o') FUZZ_FAIL("the JSON body is not an object");
    if (r->status >= 400) {
        const fuzz_jv *e = fuzz_jv_get(&v, "error");
        const fuzz_jv *s = fuzz_jv_get(&v, "status");
        if (!e || e->type != 's' || e->len == 0 || !s || s->type != 'n' ||
            (int)s->num != r->status)
            FUZZ_FAIL("%d: not {\"error\": \"...\", \"status\": %d}",
                      r->status, r->status);
    } else if (strncmp(target, "/api/search", 11) == 0 && r->status == 200) {
        const fuzz_jv *res = fuzz_jv_get(&v, "results");
        const fuzz_jv *took = fuzz_jv_get(&v, "took_ms");
        if (!res || res->type != 'a' || !took || took->type != 'n' ||
            took->num < 0)
            FUZZ_FAIL("a search answer without results or took_ms");
    }
    fuzz_jv_free(&v);
}

static void check_response(const ds_http_response *r, const char *target)
{
    static const int statuses[] = {200, 204, 304, 400, 403, 404, 405,
                                   413, 414, 431, 500, 503};
    size_t k = 0;
    while (k < sizeof statuses / sizeof *statuses && statuses[k] != r->status)
        k++;
    if (k == sizeof statuses / sizeof *statuses)
        FUZZ_FAIL("status %d", r->status);
    if (!r->content_type) FUZZ_FAIL("no content type");
    check_header("Content-Type", r->content_type);
    if (r->n_headers > DS_HTTP_MAX_RESPONSE_HEADERS)
        FUZZ_FAIL("%zu headers", r->n_headers);
    for (size_t i = 0; i < r->n_headers; i++)
        check_header(r->headers[i].name, r->headers[i].value);
    if (!header(r, "Content-Security-Policy") ||
        !header(r, "X-Content-Type-Options"))
        FUZZ_FAIL("no Content-Security-Policy or nosniff header");
    if ((r->status == 204 || r->status == 304) && r->body_len)
        FUZZ_FAIL("%d with a body", r->status);
    if (r->body_len && !r->body) FUZZ_FAIL("a body length without a body");
    if (r->status >= 400 || strncmp(target, "/api/", 5) == 0 ||
        strncmp(r->content_type, "application/json", 16) == 0)
        if (r->status != 204)
            check_json(r, target);
}

/* ---- The request ---- */

/* Split data[0..size) at newlines into NUL-terminated parts, each cut at
 * its first NUL; returns how many (at most `max`). */
static size_t split(char *buf, const uint8_t *data, size_t size,
                    char **parts, size_t max)
{
    memcpy(buf, data, size);
    buf[size] = '\0';
    size_t n = 0;
    char *p = buf;
    while (n < max) {
        parts[n++] = p;
        char *nl = memchr(p, '\n', size - (size_t)(p - buf));
        if (!nl) break;
        *nl = '\0';
        p = nl + 1;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf) abort();
    char *parts[MAX_PARTS];
    size_t n = split(buf, data, size, parts, MAX_PARTS);
    const char *method = n > 0 && parts[0][0] ? parts[0] : "GET";
    const char *target = n > 1 ? parts[1] : "/";
    ds_http_header headers[MAX_PARTS];
    size_t nh = 0;
    for (size_t i = 2; i < n; i++) {
        char *colon = strchr(parts[i], ':');
        const char *value = "";
        if (colon) {
            *colon = '\0';
            value = colon + 1 + strspn(colon + 1, " \t");
        }
        headers[nh++] = (ds_http_header){parts[i], value};
    }
    ds_http_request req = {method, target, headers, nh};
    ds_server_thread *threads[] = {&plain, &strict};
    for (size_t t = 0; t < 2; t++) {
        ds_http_response r;
        ds_server_handle(threads[t], &req, &r);
        check_response(&r, target);
        ds_http_response_free(&r);
    }
    free(buf);
    return 0;
}
