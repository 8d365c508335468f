/*
 * server.c — the daemon behind `dealsearch serve` (server.h): libmicrohttpd
 * reading and writing the connections, and a pool of worker threads
 * answering their requests with ds_server_handle, each with a searcher of
 * its own.
 *
 * Requests: libmicrohttpd hands over the raw request target (its URI log
 * callback, before it splits and decodes it) so that server_url.c parses
 * exactly what was sent, and a request record that lives until the
 * request completes, when the access-log line is written.
 *
 * Threads: one libmicrohttpd thread does all the network work (epoll; a
 * slow client holds a connection, never a thread).  A request, once whole,
 * is put in one queue, first come first served, and its connection is
 * suspended until a worker has answered it.  One queue for all the
 * workers, rather than connections bound to threads, is what keeps the
 * slowest answers short under load: a long search holds up no
 * connection but its own while another worker is free (bench/README.md,
 * "The server under load").
 *
 * Safety: connections are limited in all and per address and time out
 * when idle, and libmicrohttpd's memory per connection bounds the request
 * line and headers.
 *
 * Stopping: SIGINT and SIGTERM are taken by the main thread (sigwait),
 * which stops accepting, lets the requests in flight finish (their
 * responses say Connection: close), and stops the pool.
 */
#define _GNU_SOURCE /* pthread_sigmask, inet_ntop, gmtime_r */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server.h"
#include "server_mhd.h"
#include "util.h"

/* How long requests in flight may take to finish once asked to stop. */
#define DRAIN_SECONDS 10
/* Of a request target, the access log shows at most this much. */
#define LOG_TARGET_BYTES 300

typedef struct {
    ds_http_header headers[DS_SERVER_MAX_HEADERS + 1];
    size_t n;
} header_list;

/* A request from its first line to its completion. */
typedef struct request {
    char *target;               /* as sent */
    char method[16];
    int complete;               /* its headers have been seen */
    struct timespec start;
    int status;                 /* 0 until its response is queued */
    size_t bytes;
    /* From when it is whole until a worker has answered it (its
     * connection suspended meanwhile): */
    struct MHD_Connection *conn;
    header_list headers;        /* libmicrohttpd's strings, which it keeps
                                   until the request completes */
    ds_http_response resp;
    int answered;               /* resp is filled, to be queued */
    struct request *next;       /* in the work queue */
} request;

/* Whole requests waiting for a worker, first come first served. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    request *head, *tail;
    int stopping;               /* workers leave once it is empty */
    pthread_t *threads;
    unsigned n_threads;         /* started */
} work_queue;

typedef struct {
    const ds_server_config *config;
    ds_mhd mhd;
    int loopback;
    work_queue work;
    atomic_int active;          /* requests begun and not completed */
    atomic_int draining;        /* stopping: close connections after each
                                   response */
    atomic_int refreshes_failing; /* ds_server_thread's */
} server;

void ds_server_config_init(ds_server_config *c)
{
    memset(c, 0, sizeof *c);
    c->listen = "127.0.0.1:8080";
    c->max_connections = 512;
    c->max_per_ip = 128;
    c->timeout = 10;
    ds_searcher_options_init(&c->searcher);
}

/* ---- Messages ---- */

/* One line on stderr, written at once so threads' lines never mix. */
static void say(const char *line)
{
    size_t len = strlen(line);
    char *text = ds_xmalloc(len + 14);
    memcpy(text, "dealsearch: ", 12);
    memcpy(text + 12, line, len);
    text[12 + len] = '\n';
    ssize_t n = write(STDERR_FILENO, text, len + 13);
    (void)n; /* nowhere left to report to */
    free(text);
}

static void thread_log(void *ctx, const char *message)
{
    (void)ctx;
    say(message);
}

static void mhd_log(void *ctx, const char *fmt, va_list ap)
{
    (void)ctx;
    char line[512];
    int n = snprintf(line, sizeof line, "libmicrohttpd: ");
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    say(line);
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
           (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* `s` for a log line: printable ASCII, others as \xHH, at most
 * LOG_TARGET_BYTES of it. */
static void log_escaped(ds_buf *b, const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len && i < LOG_TARGET_BYTES; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            ds_buf_printf(b, "\\x%02x", c);
        else
            ds_buf_putc(b, (char)c);
    }
    if (len > LOG_TARGET_BYTES) ds_buf_puts(b, "...");
}

static void client_address(server *srv, struct MHD_Connection *c,
                           char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci = srv->mhd.get_connection_info(
        c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    snprintf(out, size, "-");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
                  (socklen_t)size);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
                  out, (socklen_t)size);
}

/* 2026-12-02T11:09:00Z 127.0.0.1 "GET /api/search?q=ceo" 200 1834 0.41ms
 * (a request libmicrohttpd ended itself shows "-" and why). */
static void log_request(server *srv, struct MHD_Connection *c,
                        const request *rq, enum MHD_RequestTerminationCode toe)
{
    static const char *const why[] = {"", "error", "timed out", "stopping",
                                      "read error", "client went away"};
    char when[32], addr[64];
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) ||
        !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(when, sizeof when, "-");
    client_address(srv, c, addr, sizeof addr);
    ds_buf b;
    ds_buf_init(&b);
    ds_buf_printf(&b, "%s %s \"%s ", when, addr,
                  rq->method[0] ? rq->method : "-");
    log_escaped(&b, rq->target);
    if (rq->status)
        ds_buf_printf(&b, "\" %d %zu %.2fms", rq->status, rq->bytes,
                      ms_since(&rq->start));
    else
        ds_buf_printf(&b, "\" - 0 %.2fms", ms_since(&rq->start));
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK &&
        (size_t)toe < sizeof why / sizeof *why)
        ds_buf_printf(&b, " (%s)", why[toe]);
    ds_buf_putc(&b, '\n');
    ssize_t n = write(STDERR_FILENO, b.data, b.len);
    (void)n;
    ds_buf_free(&b);
}

/* ---- Workers ---- */

/* Queue `rq` for a worker; 0 once the workers are stopping. */
static int give(work_queue *q, request *rq)
{
    pthread_mutex_lock(&q->lock);
    int ok = !q->stopping;
    if (ok) {
        rq->next = NULL;
        if (q->tail)
            q->tail->next = rq;
        else
            q->head = rq;
        q->tail = rq;
        pthread_cond_signal(&q->ready);
    }
    pthread_mutex_unlock(&q->lock);
    return ok;
}

/* The next request, waiting for one; NULL when stopping and none is
 * left. */
static request *take(work_queue *q)
{
    pthread_mutex_lock(&q->lock);
    while (!q->head && !q->stopping)
        pthread_cond_wait(&q->ready, &q->lock);
    request *rq = q->head;
    if (rq) {
        q->head = rq->next;
        if (!q->head) q->tail = NULL;
    }
    pthread_mutex_unlock(&q->lock);
    return rq;
}

static void *worker(void *arg)
{
    server *srv = arg;
    ds_server_thread t;
    memset(&t, 0, sizeof t);
    t.index_dir = srv->config->index_dir;
    t.cors_origin = srv->config->cors_origin;
    t.searcher_options = &srv->config->searcher;
    t.loopback_only = srv->loopback;
    t.log = thread_log;
    t.refreshes_failing = &srv->refreshes_failing;
    request *rq;
    while ((rq = take(&srv->work))) {
        ds_http_request req = {rq->method, rq->target, rq->headers.headers,
                               rq->headers.n};
        ds_server_handle(&t, &req, &rq->resp);
        rq->answered = 1;
        /* libmicrohttpd's thread queues the response and may free rq as
         * soon as this returns. */
        srv->mhd.resume_connection(rq->conn);
    }
    ds_searcher_close(t.searcher);
    return NULL;
}

/* The workers: as configured, or one per core. */
static unsigned pool_size(const ds_server_config *c)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (c->threads) return c->threads;
    return cores > 0 ? (unsigned)(cores < 256 ? cores : 256) : 1;
}

static ds_status start_workers(server *srv, char **err)
{
    work_queue *q = &srv->work;
    unsigned n = pool_size(srv->config);
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->ready, NULL);
    q->threads = ds_xmalloc(n * sizeof *q->threads);
    int rc = 0;
    while (q->n_threads < n &&
           (rc = pthread_create(&q->threads[q->n_threads], NULL, worker,
                                srv)) == 0)
        q->n_threads++;
    /* Fewer than asked still serve (the announcement says how many). */
    if (q->n_threads) return DS_OK;
    return ds_fail(err, DS_ERR_IO, "cannot start a thread to answer "
                   "requests: %s", strerror(rc));
}

/* Let the workers answer what is queued, then end them. */
static void stop_workers(server *srv)
{
    work_queue *q = &srv->work;
    pthread_mutex_lock(&q->lock);
    q->stopping = 1;
    pthread_cond_broadcast(&q->ready);
    pthread_mutex_unlock(&q->lock);
    for (unsigned i = 0; i < q->n_threads; i++)
        pthread_join(q->threads[i], NULL);
    free(q->threads);
    pthread_cond_destroy(&q->ready);
    pthread_mutex_destroy(&q->lock);
}

/* ---- libmicrohttpd's callbacks ---- */

/* The request line has arrived: the raw target, before libmicrohttpd
 * splits and decodes it.  The record it returns is the request's until
 * on_completed (libmicrohttpd calls that for every request this saw). */
static void *on_request_line(void *cls, const char *uri,
                             struct MHD_Connection *c)
{
    server *srv = cls;
    (void)c;
    request *rq = ds_xmalloc(sizeof *rq);
    memset(rq, 0, sizeof *rq);
    rq->target = ds_xstrdup(uri);
    clock_gettime(CLOCK_MONOTONIC, &rq->start);
    atomic_fetch_add(&srv->active, 1);
    return rq;
}

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind,
                                  const char *key, const char *value)
{
    header_list *h = cls;
    (void)kind;
    h->headers[h->n++] = (ds_http_header){key, value ? value : ""};
    /* One past the limit is enough to refuse the request. */
    return h->n <= DS_SERVER_MAX_HEADERS ? MHD_YES : MHD_NO;
}

/* Hand `resp` to libmicrohttpd (which frees a malloc'd body). */
static enum MHD_Result queue(server *srv, struct MHD_Connection *c,
                             ds_http_response *resp)
{
    const ds_mhd *m = &srv->mhd;
    struct MHD_Response *mr = m->create_response_from_buffer(
        resp->body_len, resp->body,
        resp->body_static ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE);
    if (!mr) return MHD_NO;
    resp->body = NULL; /* libmicrohttpd's now */
    resp->body_static = 1;
    int ok = m->add_response_header(mr, "Content-Type", resp->content_type);
    for (size_t i = 0; i < resp->n_headers; i++)
        ok &= m->add_response_header(mr, resp->headers[i].name,
                                     resp->headers[i].value) == MHD_YES;
    if (atomic_load(&srv->draining))
        ok &= m->add_response_header(mr, "Connection", "close") == MHD_YES;
    if (!ok) say("a response header was refused (a defect)");
    enum MHD_Result r = m->queue_response(c, (unsigned)resp->status, mr);
    m->destroy_response(mr);
    return r;
}

/* Queue the response a worker made for `rq`. */
static enum MHD_Result send_answer(server *srv, struct MHD_Connection *c,
                                   request *rq)
{
    rq->answered = 0;
    rq->status = rq->resp.status;
    rq->bytes = rq->resp.body_len;
    enum MHD_Result r = queue(srv, c, &rq->resp);
    ds_http_response_free(&rq->resp);
    return r;
}

/* Called when the request line and headers are in, again when it is
 * whole (a body is refused unread), and again once a worker has answered
 * it. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version,
                                  const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    server *srv = cls;
    request *rq = *con_cls;
    (void)url;
    (void)version;
    (void)upload_data;
    if (!rq) return MHD_NO; /* on_request_line made one for each */
    if (rq->status) { /* answered; a body still arriving is dropped */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rq->answered) return send_answer(srv, c, rq);
    snprintf(rq->method, sizeof rq->method, "%s", method);
    header_list *h = &rq->headers;
    h->n = 0;
    srv->mhd.get_connection_values(c, MHD_HEADER_KIND, add_header, h);
    ds_http_request req = {method, rq->target, h->headers, h->n};
    /* Answered on the call after the headers, when the request is whole:
     * a response queued before makes libmicrohttpd close the connection
     * — what a request with a body, refused unread, is given. */
    if (!rq->complete && !ds_http_declares_body(&req)) {
        rq->complete = 1;
        return MHD_YES;
    }
    /* Suspended before it is queued: a worker may resume it at once. */
    rq->conn = c;
    srv->mhd.suspend_connection(c);
    if (!give(&srv->work, rq)) {
        ds_http_error(&rq->resp, 503, "the server is stopping");
        rq->answered = 1;
        srv->mhd.resume_connection(c);
    }
    return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    server *srv = cls;
    request *rq = *con_cls;
    if (!rq) return;
    if (!srv->config->quiet) log_request(srv, c, rq, toe);
    if (rq->answered) ds_http_response_free(&rq->resp); /* never sent */
    free(rq->target);
    free(rq);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->active, 1);
}

/* ---- The listening address ---- */

/* Split "HOST:PORT" (or a bare port) into host[size] and *port. */
static int split_listen(const char *listen, char *host, size_t size,
                        unsigned long *port)
{
    const char *colon = strrchr(listen, ':');
    const char *p = colon ? colon + 1 : listen;
    size_t host_len = colon ? (size_t)(colon - listen) : 0;
    char *end;
    *port = strtoul(p, &end, 10);
    if (p[0] < '0' || p[0] > '9' || *end || *port > 65535 ||
        host_len >= size)
        return 0;
    memcpy(host, listen, host_len);
    host[host_len] = '\0';
    if (!host_len || strcmp(host, "localhost") == 0)
        snprintf(host, size, "127.0.0.1");
    return 1;
}

ds_status ds_server_parse_listen(const char *listen, void *storage,
                                 size_t size, unsigned *len, int *loopback,
                                 char **err)
{
    char host[64];
    unsigned long port;
    struct sockaddr_in v4 = {.sin_family = AF_INET};
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};
    int ok = split_listen(listen, host, sizeof host, &port);
    size_t hl = ok ? strlen(host) : 0;
    if (ok && hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
        host[hl - 1] = '\0';
        ok = inet_pton(AF_INET6, host + 1, &v6.sin6_addr) == 1 &&
             size >= sizeof v6;
        if (ok) {
            v6.sin6_port = htons((uint16_t)port);
            memcpy(storage, &v6, sizeof v6);
            *len = sizeof v6;
            *loopback = IN6_IS_ADDR_LOOPBACK(&v6.sin6_addr);
        }
    } else if (ok) {
        ok = inet_pton(AF_INET, host, &v4.sin_addr) == 1 &&
             size >= sizeof v4;
        if (ok) {
            v4.sin_port = htons((uint16_t)port);
            memcpy(storage, &v4, sizeof v4);
            *len = sizeof v4;
            *loopback = (ntohl(v4.sin_addr.s_addr) >> 24) == 127;
        }
    }
    if (ok) return DS_OK;
    return ds_fail(err, DS_ERR_USAGE,
                   "--listen takes ADDRESS:PORT (127.0.0.1:8080, "
                   "[::1]:8080, 0.0.0.0:80) or a port, not '%s'", listen);
}

/* ---- Serving ---- */

/* Say what will be served; an index that cannot be opened yet is no
 * reason not to start (its requests get 503 until it can). */
static void describe_index(const char *index_dir,
                           const ds_searcher_options *options)
{
    ds_searcher *s = NULL;
    ds_index_info info;
    char *err = NULL;
    ds_status st = ds_searcher_open_with(index_dir, options, &s, &err);
    if (st == DS_OK) st = ds_searcher_stats(s, &info, &err);
    char *line = st == DS_OK
                     ? ds_xasprintf("serving '%s': %lu passages (generation "
                                    "%lu)", index_dir, info.passages,
                                    info.generation)
                     : ds_xasprintf("%s; searches get 503 until it can be "
                                    "opened", err);
    say(line);
    free(line);
    free(err);
    ds_searcher_close(s);
}

static int config_ok(const ds_server_config *c, char **err)
{
    const char *o = c->cors_origin;
    if (o && (!*o || strspn(o, "abcdefghijklmnopqrstuvwxyz"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                ":/.-[]*") != strlen(o))) {
        ds_fail(err, DS_ERR_USAGE,
                "--cors takes an origin (http://host:port) or *, not '%s'",
                o);
        return 0;
    }
    if (c->threads > 256 || !c->max_connections || !c->max_per_ip) {
        ds_fail(err, DS_ERR_USAGE, "--threads is at most 256, and "
                "connection limits at least 1");
        return 0;
    }
    return 1;
}

static struct MHD_Daemon *start(server *srv, const void *addr, int ipv6)
{
    const ds_server_config *c = srv->config;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
                     (ipv6 ? MHD_USE_IPv6 : 0);
    return srv->mhd.start_daemon(
        flags, 0, NULL, NULL, on_request, srv,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
        MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_CONNECTION_LIMIT, c->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, c->max_per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, c->timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)DS_SERVER_MEMORY,
        MHD_OPTION_URI_LOG_CALLBACK, on_request_line, srv,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_END);
}

static void announce(server *srv, struct MHD_Daemon *d, const char *listen)
{
    const union MHD_DaemonInfo *info =
        srv->mhd.get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[80];
    snprintf(host, sizeof host, "%s", listen);
    char *colon = strrchr(host, ':');
    if (colon) *colon = '\0';
    unsigned threads = srv->work.n_threads;
    char *line = ds_xasprintf(
        "listening on http://%s:%u/ with %u search thread%s (Ctrl-C stops)",
        !colon || !host[0] || strcmp(host, "localhost") == 0 ? "127.0.0.1"
                                                            : host,
        info ? (unsigned)info->port : 0, threads, threads == 1 ? "" : "s");
    say(line);
    free(line);
    if (!srv->loopback)
        say("warning: not a loopback address: anyone who can reach it can "
            "search the index");
}

/* Stop taking connections, let the requests in flight finish, stop.  The
 * workers end before libmicrohttpd does: none may resume a connection it
 * has closed. */
static void drain(server *srv, struct MHD_Daemon *d, int sig)
{
    atomic_store(&srv->draining, 1);
    int fd = srv->mhd.quiesce_daemon(d);
    if (fd >= 0) close(fd);
    int active = atomic_load(&srv->active);
    char *line = ds_xasprintf("stopping (%s): finishing %d request%s",
                              sig == SIGINT ? "SIGINT" : "SIGTERM", active,
                              active == 1 ? "" : "s");
    say(line);
    free(line);
    struct timespec start, tick = {0, 10 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (atomic_load(&srv->active) > 0 &&
           ms_since(&start) < DRAIN_SECONDS * 1e3)
        nanosleep(&tick, NULL);
    stop_workers(srv);
    srv->mhd.stop_daemon(d);
}

ds_status ds_serve(const ds_server_config *c, char **err)
{
    server srv;
    memset(&srv, 0, sizeof srv);
    srv.config = c;
    struct sockaddr_in6 addr; /* room for either family */
    unsigned addr_len;
    if (!config_ok(c, err)) return DS_ERR_USAGE;
    ds_status st = ds_server_parse_listen(c->listen, &addr, sizeof addr,
                                          &addr_len, &srv.loopback, err);
    if (st == DS_OK) st = ds_mhd_load(&srv.mhd, err);
    if (st != DS_OK) return st;
    describe_index(c->index_dir, &c->searcher);
    /* Taken by sigwait below, in every thread started from here. */
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    signal(SIGPIPE, SIG_IGN);
    st = start_workers(&srv, err);
    if (st != DS_OK) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return st;
    }
    errno = 0;
    struct MHD_Daemon *d = start(&srv, &addr, addr_len == sizeof addr);
    if (!d) {
        stop_workers(&srv);
        st = ds_fail(err, DS_ERR_IO, "cannot listen on %s: %s", c->listen,
                     errno ? strerror(errno) : "libmicrohttpd refused");
    } else {
        announce(&srv, d, c->listen);
        int sig = 0;
        sigwait(&stop, &sig);
        drain(&srv, d, sig);
        say("stopped");
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return st;
}
