/*
 * server.h — `dealsearch serve`: an HTTP JSON API and a web page over the
 * engine's public API (dealsearch.h), shared by the server's files:
 *
 *   server.c         the daemon: libmicrohttpd's network thread, a
 *                    queue of requests and the workers answering them
 *                    (a searcher each), limits and time-outs, signals,
 *                    the access log
 *   server_mhd.c     libmicrohttpd, loaded when `serve` starts
 *   server_handle.c  ds_server_handle(): one request in, one response out,
 *                    without sockets — limits, methods, routes, the page's
 *                    files, headers every response carries
 *   server_api.c     the /api/ endpoints and their JSON
 *   server_url.c     the request target: path, parameters, %-decoding
 *   build/gen/web_assets.c   web/ compiled in (made by the Makefile)
 *
 * Every request is answered by ds_server_handle, so what the fuzzer and
 * the unit tests call is what the daemon serves.  Nothing a request says
 * reaches the file system: the page is compiled in and passages are
 * looked up in the index (ds_searcher_passage).
 */
#ifndef DEALSEARCH_SERVER_H
#define DEALSEARCH_SERVER_H

#include <stdatomic.h>
#include <stddef.h>

#include "dealsearch.h"

/* ---- Limits ---- */

/* Past these a request gets a JSON error: 414, 431, 400. */
#define DS_SERVER_MAX_TARGET 8192        /* the request target, bytes */
#define DS_SERVER_MAX_HEADER_BYTES 8192  /* all header names and values */
#define DS_SERVER_MAX_HEADERS 64         /* header lines */
#define DS_SERVER_MAX_QUERY 2048         /* q, decoded */
#define DS_SERVER_MAX_LIMIT 100          /* results on a page */
#define DS_SERVER_MAX_OFFSET 10000       /* paging: deeper pages cost more */
#define DS_SERVER_CONTEXT 2              /* /api/passage's default context */
/* libmicrohttpd's memory per connection, which holds the request line
 * and headers: past it, libmicrohttpd answers 414 or 431 itself (not in
 * JSON). */
#define DS_SERVER_MEMORY (32 * 1024)

/* ---- Running the server (server.c) ---- */

typedef struct {
    const char *listen;        /* "127.0.0.1:8080", "[::1]:8080" or a
                                  port; port 0 picks a free one */
    const char *index_dir;
    const char *cors_origin;   /* answer this Origin's scripts; NULL: no
                                  CORS headers */
    unsigned threads;          /* workers answering requests; 0: one per
                                  core */
    unsigned max_connections;  /* in all */
    unsigned max_per_ip;       /* from one address */
    unsigned timeout;          /* seconds a connection may idle */
    int quiet;                 /* no access log */
    ds_searcher_options searcher; /* how a stub's remote shards are
                                     reached, --partial */
} ds_server_config;

/* Defaults: 127.0.0.1:8080, one worker per core, 512 connections, 128 per
 * address, 10 s. */
void ds_server_config_init(ds_server_config *c);

/* Serve until SIGINT or SIGTERM, then stop taking connections, finish the
 * requests in flight (for up to 10 s) and return DS_OK.  A line on stderr
 * says where it listens (with the port chosen), one line per request
 * unless `quiet`, and what goes wrong that a request cannot report.
 * DS_ERR_USAGE for a bad `listen`; DS_ERR_IO when libmicrohttpd cannot
 * be loaded or the address cannot be listened on.  An index that is
 * missing or damaged is no failure: its requests get 503 until it can be
 * opened. */
ds_status ds_serve(const ds_server_config *c, char **err);

/* Parse `listen` into a socket address (struct sockaddr_in or _in6, of
 * *len bytes, into storage of `size` bytes); *loopback says whether only
 * this machine can connect. */
ds_status ds_server_parse_listen(const char *listen, void *storage,
                                 size_t size, unsigned *len, int *loopback,
                                 char **err);

/* ---- One request (server_handle.c) ---- */

typedef struct {
    const char *name, *value;
} ds_http_header;

typedef struct {
    const char *method;             /* "GET" */
    const char *target;             /* as sent: "/api/search?q=ceo" */
    const ds_http_header *headers;  /* as sent */
    size_t n_headers;
} ds_http_request;

#define DS_HTTP_MAX_RESPONSE_HEADERS 12

typedef struct {
    int status;
    const char *content_type;       /* static */
    char *body;                     /* malloc'd, or static (body_static) */
    size_t body_len;
    int body_static;
    /* Names static; values static or the configuration's. */
    ds_http_header headers[DS_HTTP_MAX_RESPONSE_HEADERS];
    size_t n_headers;
} ds_http_response;

/* What a request is answered with, per thread: its searcher is the
 * thread's own (Xapian's objects are not shared between threads). */
typedef struct {
    const char *index_dir;
    const char *cors_origin;        /* as in ds_server_config */
    const ds_searcher_options *searcher_options; /* the same; NULL:
                                                    the defaults */
    int loopback_only;              /* listening on loopback: requests
                                       naming another Host are refused */
    ds_searcher *searcher;          /* opened by the first request that
                                       needs it; ds_searcher_close it */
    int refresh_failing;            /* a rebuild's generation could not be
                                       opened (said once) */
    atomic_int *refreshes_failing;  /* shared by the threads: how many are
                                       refresh_failing, so that a change
                                       every thread's searcher meets is
                                       told by the first only; NULL: each
                                       tells its own */
    /* Problems an operator should hear of (the request only gets its
     * status); NULL: none are told. */
    void (*log)(void *ctx, const char *message);
    void *log_ctx;
} ds_server_thread;

/* Answer `req` into `resp` (which it fills whole; free it with
 * ds_http_response_free).  Cannot fail: every failure is a response. */
void ds_server_handle(ds_server_thread *t, const ds_http_request *req,
                      ds_http_response *resp);

void ds_http_response_free(ds_http_response *resp);

/* Whether `req` says a body follows (Content-Length above 0, or
 * Transfer-Encoding).  Nothing here takes a body: such a request is
 * refused (413) before its body is read. */
int ds_http_declares_body(const ds_http_request *req);

/* ---- Responses (server_handle.c, for server_api.c) ---- */

/* Add a header (`name` and `value` must outlive the response). */
void ds_http_add_header(ds_http_response *r, const char *name,
                        const char *value);

/* A malloc'd JSON body with `status`. */
void ds_http_json(ds_http_response *r, int status, char *body, size_t len);

/* {"error": "<message>", "status": N} */
void ds_http_error(ds_http_response *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- The request target (server_url.c) ---- */

#define DS_URL_MAX_PARAMS 16

typedef struct {
    const char *name, *value;       /* decoded, NUL-terminated */
} ds_url_param;

typedef struct {
    char *path;                     /* decoded */
    ds_url_param params[DS_URL_MAX_PARAMS];
    size_t n_params;
    char *buf;                      /* holds the path and parameters */
} ds_url;

/* Split an origin-form target ("/path?a=1&b=x%20y") into its %-decoded
 * path and parameters ('+' is a space in them).  DS_ERR_USAGE, with a
 * message naming the part at fault, for a target not starting with '/',
 * a bad %-escape, a NUL or invalid UTF-8 once decoded, a parameter given
 * twice, or more than DS_URL_MAX_PARAMS.  Free with ds_url_free. */
ds_status ds_url_parse(const char *target, ds_url *url, char **err);

/* The value of parameter `name`, or NULL. */
const char *ds_url_get(const ds_url *url, const char *name);

void ds_url_free(ds_url *url);

/* ---- The API (server_api.c) ---- */

/* Answer GET /api/<name> (`name` after "/api/"); 0 when there is no such
 * endpoint (nothing is set then). */
int ds_api_handle(ds_server_thread *t, const char *name, const ds_url *url,
                  ds_http_response *r);

/* ---- The page's files (build/gen/web_assets.c, from web/) ---- */

typedef struct {
    const char *path;               /* "/app.js"; "/" for index.html */
    const char *content_type;
    const unsigned char *data;
    size_t len;
    const char *etag;               /* "\"<crc>-<len>\"" */
} ds_web_asset;

extern const ds_web_asset ds_web_assets[];
extern const size_t ds_web_n_assets;

#endif
