/*
 * server_api.c — the /api/ endpoints (server.h), each a GET answered in
 * JSON:
 *
 *   search?q=&limit=&offset=&sort=&exact=&all=&any=
 *       ds_search, printed by ds_results_print as `dealsearch --json`
 *       prints it, with took_ms; filters ride in q as on the command line;
 *       limit=0 counts only, as -n 0 does
 *   passage?source=&n=&context=
 *       passage n of source with `context` passages each side, from the
 *       index (ds_searcher_passage)
 *   stats      the index served: files, passages, generation, build time
 *   health     200 when the index can be searched, else 503
 *
 * A bad parameter is a 400 naming it; an unknown one too, so a typo is
 * not silently ignored.  An index that is missing or cannot be opened is
 * a 503.  Each thread searches with its own searcher, refreshed before
 * each use so a rebuild is picked up without a restart.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"
#include "text.h"
#include "util.h"

/* sort=: the orders results can be given in (ds_sort); /api/stats lists
 * them, and the page offers them. */
static const struct {
    const char *name;
    ds_sort sort;
} SORTS[] = {{"relevance", DS_SORT_RELEVANCE}, {"date", DS_SORT_DATE}};

#define N_SORTS (sizeof SORTS / sizeof *SORTS)

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- Parameters: each returns 0 after answering 400 ---- */

/* Every parameter given is one of `names` (NULL-terminated). */
static int known_params(ds_http_response *r, const ds_url *url,
                        const char *const *names)
{
    for (size_t i = 0; i < url->n_params; i++) {
        size_t k = 0;
        while (names[k] && strcmp(names[k], url->params[i].name) != 0) k++;
        if (!names[k]) {
            ds_http_error(r, 400, "%.64s: no such parameter",
                          url->params[i].name);
            return 0;
        }
    }
    return 1;
}

/* A whole number in [lo, hi]; *v is left alone when it is not given. */
static int count_param(ds_http_response *r, const ds_url *url,
                       const char *name, unsigned long lo, unsigned long hi,
                       unsigned long *v)
{
    const char *s = ds_url_get(url, name);
    if (!s) return 1;
    char *end;
    errno = 0;
    unsigned long n = strtoul(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || *end || errno || n < lo || n > hi) {
        ds_http_error(r, 400, "%s: a whole number from %lu to %lu, not "
                      "'%.40s'", name, lo, hi, s);
        return 0;
    }
    *v = n;
    return 1;
}

/* A flag: 1, true, yes, or given without a value; 0, false or no. */
static int flag_param(ds_http_response *r, const ds_url *url,
                      const char *name, int *v)
{
    static const char *const yes[] = {"", "1", "true", "yes"};
    static const char *const no[] = {"0", "false", "no"};
    const char *s = ds_url_get(url, name);
    if (!s) return 1;
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (strcmp(s, yes[i]) == 0) {
            *v = 1;
            return 1;
        }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (strcmp(s, no[i]) == 0) {
            *v = 0;
            return 1;
        }
    ds_http_error(r, 400, "%s: 1 or 0 (true or false), not '%.40s'", name, s);
    return 0;
}

static int sort_param(ds_http_response *r, const ds_url *url, ds_sort *v)
{
    const char *s = ds_url_get(url, "sort");
    if (!s) return 1;
    for (size_t i = 0; i < N_SORTS; i++)
        if (strcmp(s, SORTS[i].name) == 0) {
            *v = SORTS[i].sort;
            return 1;
        }
    ds_http_error(r, 400, "sort: 'relevance' or 'date', not '%.40s'", s);
    return 0;
}

/* ---- The searcher ---- */

/* A failure of the engine as a response: the request's fault (400, its
 * message prefixed by `param`), the index's (503), or ours (500). */
static void engine_error(ds_http_response *r, ds_status st,
                         const char *param, char *err)
{
    const char *msg = err ? err : ds_status_name(st);
    if (st == DS_ERR_QUERY || st == DS_ERR_USAGE)
        ds_http_error(r, 400, "%s: %s", param, msg);
    else if (st == DS_ERR_NOMEM || st == DS_ERR_INTERNAL)
        ds_http_error(r, 500, "%s", msg);
    else
        ds_http_error(r, 503, "%s", msg);
    free(err);
}

static void tell(ds_server_thread *t, const char *fmt, const char *detail)
{
    if (!t->log) return;
    char *msg = ds_xasprintf(fmt, detail);
    t->log(t->log_ctx, msg);
    free(msg);
}

/* The thread's searcher, opened or refreshed; NULL after answering 503.
 * A new generation that cannot be opened leaves the old one searched
 * (and is told once, by the first thread to meet it); an index that is
 * gone is a 503 until it is back. */
static ds_searcher *searcher(ds_server_thread *t, ds_http_response *r)
{
    char *err = NULL;
    ds_status st;
    if (!t->searcher) {
        st = ds_searcher_open_with(t->index_dir, t->searcher_options,
                                   &t->searcher, &err);
        if (st != DS_OK) engine_error(r, st, "index", err);
        return t->searcher;
    }
    st = ds_searcher_refresh(t->searcher, NULL, &err);
    if (st == DS_ERR_NO_INDEX) {
        ds_searcher_close(t->searcher);
        t->searcher = NULL;
        engine_error(r, st, "index", err);
        return NULL;
    }
    int failing = st != DS_OK;
    if (failing != t->refresh_failing) {
        int others = t->refreshes_failing
                         ? atomic_fetch_add(t->refreshes_failing,
                                            failing ? 1 : -1)
                         : 0;
        if (failing && others == 0)
            tell(t, "still searching the previous index: %s", err);
    }
    t->refresh_failing = failing;
    free(err);
    return t->searcher;
}

/* ---- Endpoints ---- */

static void api_search(ds_server_thread *t, const ds_url *url,
                       ds_http_response *r)
{
    static const char *const names[] = {"q", "limit", "offset", "sort",
                                        "exact", "all", "any", NULL};
    ds_search_options so;
    ds_search_options_init(&so);
    unsigned long limit = so.limit, offset = 0;
    const char *q = ds_url_get(url, "q");
    if (!known_params(r, url, names) ||
        !count_param(r, url, "limit", 0, DS_SERVER_MAX_LIMIT, &limit) ||
        !count_param(r, url, "offset", 0, DS_SERVER_MAX_OFFSET, &offset) ||
        !flag_param(r, url, "exact", &so.exact) ||
        !flag_param(r, url, "all", &so.all) ||
        !flag_param(r, url, "any", &so.match_any) || !sort_param(r, url, &so.sort))
        return;
    if (!q) {
        ds_http_error(r, 400, "q: missing (the query, as on the command "
                      "line)");
        return;
    }
    if (strlen(q) > DS_SERVER_MAX_QUERY) {
        ds_http_error(r, 400, "q: %zu bytes; the limit is %d", strlen(q),
                      DS_SERVER_MAX_QUERY);
        return;
    }
    so.limit = (unsigned)limit;
    so.offset = (unsigned)offset;
    double start = now_ms();
    ds_searcher *s = searcher(t, r);
    ds_results *res = NULL;
    char *err = NULL;
    ds_status st = s ? ds_search(s, q, &so, &res, &err) : DS_OK;
    if (st != DS_OK) engine_error(r, st, "q", err);
    if (!res) return;
    ds_print_options po;
    ds_print_options_init(&po);
    po.format = DS_FORMAT_JSON;
    po.took_ms = now_ms() - start;
    size_t len;
    char *body = ds_results_print(res, &po, &len);
    ds_results_free(res);
    ds_http_json(r, 200, body, len);
}

/* {"source", "passage", "passages_in_source", "title", "date", "author",
 *  "passages": [{"passage", "line", "heading", "text"}]}: no "path", no
 * file system. */
static void passage_json(ds_http_response *r, unsigned long n,
                         unsigned long of, const ds_record *recs,
                         size_t count)
{
    ds_print_options po;
    ds_print_options_init(&po);
    po.format = DS_FORMAT_JSON;
    size_t len;
    char *body = ds_passages_print(recs, count, n, of, &po, &len);
    ds_http_json(r, 200, body, len);
}

static void api_passage(ds_server_thread *t, const ds_url *url,
                        ds_http_response *r)
{
    static const char *const names[] = {"source", "n", "context", NULL};
    const char *source = ds_url_get(url, "source");
    unsigned long n = 0, context = DS_SERVER_CONTEXT;
    if (!known_params(r, url, names) ||
        !count_param(r, url, "n", 1, 1000000000UL, &n) ||
        !count_param(r, url, "context", 0, DS_MAX_CONTEXT, &context))
        return;
    if (!source || !source[0] || strlen(source) > DS_MAX_SOURCE_BYTES) {
        ds_http_error(r, 400, "source: missing, or over %d bytes (a "
                      "result's source)", DS_MAX_SOURCE_BYTES);
        return;
    }
    if (!n) {
        ds_http_error(r, 400, "n: missing (the passage's number)");
        return;
    }
    ds_searcher *s = searcher(t, r);
    if (!s) return;
    ds_record *recs = NULL;
    size_t count = 0;
    unsigned long of = 0;
    char *err = NULL;
    ds_status st = ds_searcher_passage(s, source, n, (unsigned)context, &recs,
                                       &count, &of, &err);
    if (st != DS_OK)
        engine_error(r, st, "source", err);
    else if (!count)
        ds_http_error(r, 404, "no passage %lu of '%.200s' in the index", n,
                      source);
    else
        passage_json(r, n, of, recs, count);
    ds_records_free(recs, count);
}

/* "2026-12-02T11:09:00Z", or null when not recorded. */
static void json_time(ds_buf *b, long long t)
{
    time_t when = (time_t)t;
    struct tm tm;
    char text[32];
    if (t <= 0 || !gmtime_r(&when, &tm) ||
        !strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
        ds_buf_puts(b, "null");
        return;
    }
    ds_buf_printf(b, "\"%s\"", text);
}

/* The searcher's index as ds_searcher_stats describes it; NULL after
 * answering (an unknown parameter, an index that cannot be read). */
static ds_searcher *described(ds_server_thread *t, const ds_url *url,
                              ds_http_response *r, ds_index_info *info)
{
    static const char *const none[] = {NULL};
    if (!known_params(r, url, none)) return NULL;
    ds_searcher *s = searcher(t, r);
    char *err = NULL;
    ds_status st = s ? ds_searcher_stats(s, info, &err) : DS_OK;
    if (st == DS_OK) return s;
    engine_error(r, st, "index", err);
    return NULL;
}

static void api_stats(ds_server_thread *t, const ds_url *url,
                      ds_http_response *r)
{
    ds_index_info info;
    if (!described(t, url, r, &info)) return;
    ds_buf b;
    ds_buf_init(&b);
    ds_buf_printf(&b, "{\"version\":\"%s\",\"generation\":%lu,\"files\":",
                  DEALSEARCH_VERSION, info.generation);
    if (info.files)
        ds_buf_put_number(&b, info.files);
    else
        ds_buf_puts(&b, "null");
    ds_buf_printf(&b, ",\"passages\":%lu,\"built\":", info.passages);
    json_time(&b, info.built);
    ds_buf_puts(&b, ",\"sorts\":[");
    for (size_t i = 0; i < N_SORTS; i++)
        ds_buf_printf(&b, "%s\"%s\"", i ? "," : "", SORTS[i].name);
    ds_buf_printf(&b, "],\"limits\":{\"limit\":%d,\"offset\":%d,"
                  "\"context\":%d,\"q_bytes\":%d}}\n", DS_SERVER_MAX_LIMIT,
                  DS_SERVER_MAX_OFFSET, DS_MAX_CONTEXT, DS_SERVER_MAX_QUERY);
    size_t len = b.len;
    ds_http_json(r, 200, ds_buf_steal(&b), len);
}

static void api_health(ds_server_thread *t, const ds_url *url,
                       ds_http_response *r)
{
    ds_index_info info;
    if (!described(t, url, r, &info)) return;
    char *body = ds_xasprintf("{\"status\":\"ok\",\"generation\":%lu}\n",
                              info.generation);
    ds_http_json(r, 200, body, strlen(body));
}

static const struct {
    const char *name;
    void (*answer)(ds_server_thread *t, const ds_url *url,
                   ds_http_response *r);
} ENDPOINTS[] = {{"search", api_search},
                 {"passage", api_passage},
                 {"stats", api_stats},
                 {"health", api_health}};

int ds_api_handle(ds_server_thread *t, const char *name, const ds_url *url,
                  ds_http_response *r)
{
    for (size_t i = 0; i < sizeof ENDPOINTS / sizeof *ENDPOINTS; i++)
        if (strcmp(name, ENDPOINTS[i].name) == 0) {
            ENDPOINTS[i].answer(t, url, r);
            return 1;
        }
    return 0;
}
