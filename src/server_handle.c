/*
 * server_handle.c — one request in, one response out (server.h): the
 * limits a request must keep, the methods and routes, the page's files,
 * and the headers every response carries.  No sockets and no files: the
 * daemon (server.c), the unit tests and the fuzzer all call
 * ds_server_handle.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server.h"
#include "text.h"
#include "util.h"

/* The page runs only its own script file: no inline script, style or
 * event handler, so text from the index that slipped past escaping still
 * could not run.  Nothing is framed, nothing is loaded from elsewhere. */
static const char CSP[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

static const char ALLOW[] = "GET, HEAD";

/* ---- Responses ---- */

void ds_http_add_header(ds_http_response *r, const char *name,
                        const char *value)
{
    /* The handlers add at most 9; more would be a defect, dropped. */
    if (r->n_headers < DS_HTTP_MAX_RESPONSE_HEADERS)
        r->headers[r->n_headers++] = (ds_http_header){name, value};
}

static void set_body(ds_http_response *r, int status, const char *type,
                     char *body, size_t len, int is_static)
{
    if (!r->body_static) free(r->body);
    r->status = status;
    r->content_type = type;
    r->body = body;
    r->body_len = len;
    r->body_static = is_static;
}

void ds_http_json(ds_http_response *r, int status, char *body, size_t len)
{
    set_body(r, status, "application/json; charset=utf-8", body, len, 0);
}

void ds_http_error(ds_http_response *r, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = ds_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    va_start(ap, fmt);
    vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    va_end(ap);
    ds_buf b;
    ds_buf_init(&b);
    ds_buf_puts(&b, "{\"error\":");
    ds_json_string(&b, msg, strlen(msg));
    ds_buf_printf(&b, ",\"status\":%d}\n", status);
    free(msg);
    size_t len = b.len;
    ds_http_json(r, status, ds_buf_steal(&b), len);
}

void ds_http_response_free(ds_http_response *r)
{
    if (!r->body_static) free(r->body);
    memset(r, 0, sizeof *r);
}

/* ---- What a request must keep to ---- */

static const char *header(const ds_http_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

static size_t header_bytes(const ds_http_request *req)
{
    size_t n = 0;
    for (size_t i = 0; i < req->n_headers; i++)
        n += strlen(req->headers[i].name) + strlen(req->headers[i].value);
    return n;
}

int ds_http_declares_body(const ds_http_request *req)
{
    const char *length = header(req, "Content-Length");
    if (length && strspn(length, "0 \t") != strlen(length)) return 1;
    return header(req, "Transfer-Encoding") != NULL;
}

/* Whether `host` (a Host header: name or address, maybe a port) names
 * this machine's loopback. */
static int loopback_host(const char *host)
{
    size_t len = strlen(host);
    if (host[0] == '[') {
        const char *end = strchr(host, ']');
        return end && (size_t)(end - host) == 4 &&
               strncmp(host, "[::1]", 5) == 0;
    }
    const char *colon = strchr(host, ':');
    if (colon) len = (size_t)(colon - host);
    if (len == 9 && strncasecmp(host, "localhost", 9) == 0) return 1;
    /* 127.0.0.0/8 written as a dotted quad. */
    return len >= 7 && strncmp(host, "127.", 4) == 0 &&
           strspn(host, "0123456789.") >= len;
}

/* Answer a request that breaks a limit; its status, or 0 when it keeps
 * them. */
static int check_limits(const ds_server_thread *t, const ds_http_request *req,
                        ds_http_response *r)
{
    size_t target = strlen(req->target);
    const char *host = header(req, "Host");
    if (target > DS_SERVER_MAX_TARGET)
        ds_http_error(r, 414, "the request target is %zu bytes; the limit "
                      "is %d", target, DS_SERVER_MAX_TARGET);
    else if (req->n_headers > DS_SERVER_MAX_HEADERS ||
             header_bytes(req) > DS_SERVER_MAX_HEADER_BYTES)
        ds_http_error(r, 431, "the headers are over %d lines or %d bytes",
                      DS_SERVER_MAX_HEADERS, DS_SERVER_MAX_HEADER_BYTES);
    else if (t->loopback_only && host && !loopback_host(host))
        /* A page elsewhere that renamed its host to 127.0.0.1 (DNS
         * rebinding) must not read the index through the browser. */
        ds_http_error(r, 403, "Host '%.100s' is not this server: it "
                      "serves localhost only", host);
    else
        return 0;
    return r->status;
}

/* ---- Routes ---- */

static const ds_web_asset *find_asset(const char *path)
{
    for (size_t i = 0; i < ds_web_n_assets; i++)
        if (strcmp(ds_web_assets[i].path, path) == 0) return &ds_web_assets[i];
    return NULL;
}

/* Whether the If-None-Match list names `etag`. */
static int etag_matches(const char *list, const char *etag)
{
    size_t len = strlen(etag);
    for (const char *p = list; (p = strstr(p, etag)) != NULL; p += len)
        if ((p == list || p[-1] == ' ' || p[-1] == ',') &&
            (p[len] == '\0' || p[len] == ',' || p[len] == ' '))
            return 1;
    return strcmp(list, "*") == 0;
}

static void serve_asset(const ds_http_request *req, const ds_web_asset *a,
                        ds_http_response *r)
{
    const char *inm = header(req, "If-None-Match");
    ds_http_add_header(r, "ETag", a->etag);
    ds_http_add_header(r, "Cache-Control", "no-cache");
    if (inm && etag_matches(inm, a->etag)) {
        set_body(r, 304, a->content_type, NULL, 0, 1);
        return;
    }
    set_body(r, 200, a->content_type, (char *)a->data, a->len, 1);
}

static void route(ds_server_thread *t, const ds_http_request *req,
                  ds_http_response *r)
{
    ds_url url;
    char *err = NULL;
    if (ds_url_parse(req->target, &url, &err) != DS_OK) {
        ds_http_error(r, 400, "%s", err);
        free(err);
        return;
    }
    const ds_web_asset *asset = find_asset(url.path);
    if (strncmp(url.path, "/api/", 5) == 0) {
        ds_http_add_header(r, "Cache-Control", "no-store");
        if (!ds_api_handle(t, url.path + 5, &url, r))
            ds_http_error(r, 404, "no API endpoint '%.100s' (there are "
                          "search, passage, stats and health)", url.path);
    } else if (asset) {
        serve_asset(req, asset, r);
    } else {
        ds_http_error(r, 404, "no page '%.100s'", url.path);
    }
    ds_url_free(&url);
}

void ds_server_handle(ds_server_thread *t, const ds_http_request *req,
                      ds_http_response *r)
{
    memset(r, 0, sizeof *r);
    r->body_static = 1;
    ds_http_add_header(r, "Content-Security-Policy", CSP);
    ds_http_add_header(r, "X-Content-Type-Options", "nosniff");
    ds_http_add_header(r, "Referrer-Policy", "no-referrer");
    if (t->cors_origin) {
        ds_http_add_header(r, "Access-Control-Allow-Origin", t->cors_origin);
        ds_http_add_header(r, "Vary", "Origin");
    }
    if (check_limits(t, req, r)) return;
    int get = strcmp(req->method, "GET") == 0 ||
              strcmp(req->method, "HEAD") == 0;
    if (!get && t->cors_origin && strcmp(req->method, "OPTIONS") == 0) {
        ds_http_add_header(r, "Access-Control-Allow-Methods", ALLOW);
        ds_http_add_header(r, "Access-Control-Max-Age", "600");
        set_body(r, 204, "text/plain", NULL, 0, 1);
    } else if (!get) {
        ds_http_add_header(r, "Allow", ALLOW);
        ds_http_error(r, 405, "method '%.20s' is not allowed: this server "
                      "only reads (GET, HEAD)", req->method);
    } else if (ds_http_declares_body(req)) {
        ds_http_error(r, 413, "requests to this server take no body");
    } else {
        route(t, req, r);
    }
}
