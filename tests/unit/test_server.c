/* Tests of the server's request handling without sockets
 * (src/server_handle.c, src/server_api.c, src/server_url.c): what each
 * endpoint answers, every parameter checked and named when wrong, the
 * limits, methods, CORS and Host rules, the page's files, that every
 * error is JSON with its status, and that a change to the index that
 * cannot be opened is told once.  tests/server.sh drives the daemon. */
#include "unit.h"

#include <jansson.h>

#include "../../src/server.h"

static char *tmp;
static char index_dir[600];
static ds_server_thread thread;

static int setup(void **state)
{
    (void)state;
    tmp = unit_tempdir();
    snprintf(index_dir, sizeof index_dir, "%s/index", tmp);
    ds_index_options opt;
    ds_index_options_init(&opt);
    opt.index_dir = index_dir;
    ds_indexer *ix = NULL;
    ds_index_stats stats;
    if (ds_indexer_open(&opt, &ix, NULL) != DS_OK ||
        ds_indexer_build(ix, &stats, NULL) != DS_OK)
        return -1;
    ds_indexer_close(ix);
    thread.index_dir = index_dir;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ds_searcher_close(thread.searcher);
    unit_rmtree(tmp);
    free(tmp);
    return 0;
}

/* Answer METHOD TARGET with `headers` (NULL-terminated name/value
 * pairs) on `t`. */
static void request_on(ds_server_thread *t, const char *method,
                       const char *target, const char *const *headers,
                       ds_http_response *r)
{
    ds_http_header h[80];
    size_t n = 0;
    for (; headers && headers[2 * n]; n++)
        h[n] = (ds_http_header){headers[2 * n], headers[2 * n + 1]};
    ds_http_request req = {method, target, h, n};
    ds_server_handle(t, &req, r);
}

static void get(const char *target, ds_http_response *r)
{
    request_on(&thread, "GET", target, NULL, r);
}

static const char *response_header(const ds_http_response *r,
                                   const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcmp(r->headers[i].name, name) == 0) return r->headers[i].value;
    return NULL;
}

static json_t *body_json(const ds_http_response *r)
{
    json_error_t e;
    json_t *j = json_loadb(r->body, r->body_len, 0, &e);
    if (!j) fprintf(stderr, "not JSON (%s): %.*s\n", e.text, (int)r->body_len,
                    r->body);
    assert_non_null(j);
    return j;
}

/* The response is the JSON error {"error": "...", "status": N} with
 * `status`, and its message contains `says`. */
static void assert_error(const ds_http_response *r, int status,
                         const char *says)
{
    if (r->status != status)
        fprintf(stderr, "expected %d, got %d: %.*s\n", status, r->status,
                (int)r->body_len, r->body);
    assert_int_equal(r->status, status);
    assert_string_equal(r->content_type, "application/json; charset=utf-8");
    json_t *j = body_json(r);
    const char *msg = json_string_value(json_object_get(j, "error"));
    assert_non_null(msg);
    assert_int_equal(json_integer_value(json_object_get(j, "status")), status);
    if (!strstr(msg, says)) fprintf(stderr, "'%s' lacks '%s'\n", msg, says);
    assert_non_null(strstr(msg, says));
    json_decref(j);
}

static void expect_error(const char *target, int status, const char *says)
{
    ds_http_response r;
    get(target, &r);
    assert_error(&r, status, says);
    ds_http_response_free(&r);
}

/* The API's search answer is what ds_results_print prints as JSON for the
 * same search (`dealsearch --json`), with took_ms. */
static void search_answers_as_dealsearch_json(void **state)
{
    (void)state;
    ds_http_response r;
    get("/api/search?q=interim+CEO&limit=1&offset=1&exact=1&all=true", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(response_header(&r, "Cache-Control"), "no-store");
    json_t *got = body_json(&r);
    json_t *took = json_object_get(got, "took_ms");
    assert_true(json_is_real(took) && json_real_value(took) >= 0);
    json_object_del(got, "took_ms");

    ds_searcher *s = NULL;
    ds_results *res = NULL;
    ds_search_options so;
    ds_search_options_init(&so);
    so.limit = 1;
    so.offset = 1;
    so.exact = 1;
    so.all = 1;
    assert_int_equal(ds_searcher_open(index_dir, &s, NULL), DS_OK);
    assert_int_equal(ds_search(s, "interim CEO", &so, &res, NULL), DS_OK);
    ds_print_options po;
    ds_print_options_init(&po);
    po.format = DS_FORMAT_JSON;
    size_t len;
    char *text = ds_results_print(res, &po, &len);
    json_t *want = json_loadb(text, len, 0, NULL);
    assert_true(json_equal(got, want));
    assert_int_equal(json_array_size(json_object_get(got, "results")), 1);
    json_decref(want);
    json_decref(got);
    free(text);
    ds_results_free(res);
    ds_searcher_close(s);
    ds_http_response_free(&r);
}

static void bad_parameters_are_named(void **state)
{
    (void)state;
    char long_q[DS_SERVER_MAX_QUERY + 20];
    snprintf(long_q, sizeof long_q, "/api/search?q=");
    memset(long_q + 14, 'a', DS_SERVER_MAX_QUERY + 1);
    long_q[14 + DS_SERVER_MAX_QUERY + 1] = '\0';
    const struct {
        const char *target, *says;
    } bad[] = {
        {"/api/search", "q: missing"},
        {"/api/search?q=", "q: empty query"},
        {"/api/search?q=+++", "q: empty query"},
        {"/api/search?q=ceo&limit=101", "limit: a whole number from 0 to 100"},
        {"/api/search?q=ceo&limit=ten", "not 'ten'"},
        {"/api/search?q=ceo&limit=-1", "limit"},
        {"/api/search?q=ceo&limit=99999999999999999999999", "limit"},
        {"/api/search?q=ceo&offset=10001", "offset"},
        {"/api/search?q=ceo&exact=maybe", "exact: 1 or 0"},
        {"/api/search?q=ceo&all=2", "all"},
        {"/api/search?q=ceo&sort=random", "sort: 'relevance' or 'date'"},
        {"/api/search?q=ceo&qq=1", "qq: no such parameter"},
        {"/api/search?q=ceo&q=cto", "q: given more than once"},
        {"/api/search?q=%zz", "q: not %-encoded UTF-8"},
        {"/api/search?q=a%00b", "q: not %-encoded UTF-8"},
        {"/api/search?q=%FF", "q: not %-encoded UTF-8"},
        {"/api/search?q=%E2%80", "q: not %-encoded UTF-8"},
        {"/api/search?q=a%", "q: not %-encoded UTF-8"},
        {long_q, "q: 2049 bytes; the limit is 2048"},
        {"/api/passage?n=1", "source: missing"},
        {"/api/passage?source=&n=1", "source: missing"},
        {"/api/passage?source=a.txt", "n: missing"},
        {"/api/passage?source=a.txt&n=0", "n: a whole number from 1"},
        {"/api/passage?source=a.txt&n=1&context=21", "context"},
        {"/api/passage?source=a.txt&n=1&q=x", "q: no such parameter"},
        {"/api/stats?x", "x: no such parameter"},
        {"/api/health?verbose=1", "verbose: no such parameter"},
        {"/api/search?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12"
         "&m=13&n=14&o=15&p=16&q=17", "more than 16 parameters"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_error(bad[i].target, 400, bad[i].says);
}

static void good_parameters_are_taken(void **state)
{
    (void)state;
    const char *good[] = {
        "/api/search?q=interim%20CEO", "/api/search?q=interim+CEO&sort=relevance",
        "/api/search?q=ceo&exact&all=0&any=no", "/api/search?q=ceo&&limit=100",
        "/api/search?q=%E2%80%9CMeta%E2%80%99s%20stake%E2%80%9D",
        "/api/search?q=stake+date:2025-06-01..2025-06-30&offset=10000",
        "/api/search?q=%3Cscript%3E", "/api/search?q=Alice+%26+Bob",
        "/api/search?q=ceo#fragment", "/api/search?q=stake&sort=date"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        ds_http_response r;
        get(good[i], &r);
        if (r.status != 200)
            fprintf(stderr, "%s: %d %.*s\n", good[i], r.status,
                    (int)r.body_len, r.body);
        assert_int_equal(r.status, 200);
        json_decref(body_json(&r));
        ds_http_response_free(&r);
    }
}

/* sort=date: newest first, passages without a date last, as the command
 * line's --sort date (the same engine option). */
static void sort_date_is_newest_first(void **state)
{
    (void)state;
    ds_http_response r;
    get("/api/search?q=stake&sort=date&limit=100", &r);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "sort")), "date");
    json_t *results = json_object_get(j, "results");
    assert_true(json_array_size(results) >= 3);
    const char *before = "9999-99-99";
    int undated = 0;
    for (size_t i = 0; i < json_array_size(results); i++) {
        json_t *hit = json_array_get(results, i);
        if (json_boolean_value(json_object_get(hit, "typo"))) break;
        const char *date = json_string_value(json_object_get(hit, "date"));
        if (!date) {
            undated = 1;
            continue;
        }
        assert_false(undated); /* no dated hit after an undated one */
        assert_true(strcmp(date, before) <= 0);
        before = date;
    }
    assert_true(undated);
    json_decref(j);
    ds_http_response_free(&r);
}

static void passages_come_from_the_index(void **state)
{
    (void)state;
    ds_http_response r;
    get("/api/passage?source=001_5f9e68b6a499abb5.txt&n=5&context=1", &r);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "source")),
                        "001_5f9e68b6a499abb5.txt");
    assert_int_equal(json_integer_value(json_object_get(j, "passage")), 5);
    assert_true(json_integer_value(json_object_get(j, "passages_in_source")) >=
                6);
    /* The article's title, date and byline: null when it has none. */
    assert_true(json_is_null(json_object_get(j, "title")));
    assert_true(json_is_null(json_object_get(j, "date")));
    assert_true(json_is_null(json_object_get(j, "author")));
    json_t *ps = json_object_get(j, "passages");
    assert_int_equal(json_array_size(ps), 3);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(ps, 0), "passage")),
        4);
    assert_non_null(strstr(
        json_string_value(json_object_get(json_array_get(ps, 1), "text")),
        "interim CEO"));
    json_decref(j);
    ds_http_response_free(&r);

    expect_error("/api/passage?source=..%2F..%2Fetc%2Fpasswd&n=1", 404,
                 "no passage 1 of '../../etc/passwd'");
    expect_error("/api/passage?source=/etc/passwd&n=1", 404, "no passage");
    expect_error("/api/passage?source=corpus&n=1", 404, "no passage");
    expect_error("/api/passage?source=001_5f9e68b6a499abb5.txt&n=999", 404,
                 "no passage 999");
}

static void stats_and_health_describe_the_index(void **state)
{
    (void)state;
    ds_http_response r;
    get("/api/stats", &r);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "files")), 5);
    assert_true(json_integer_value(json_object_get(j, "passages")) >= 50);
    assert_int_equal(json_integer_value(json_object_get(j, "generation")), 1);
    const char *built = json_string_value(json_object_get(j, "built"));
    assert_non_null(built);
    assert_int_equal(strlen(built), 20); /* 2026-12-02T11:09:00Z */
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(j, "sorts"), 0)),
                        "relevance");
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(j, "sorts"), 1)),
                        "date");
    assert_int_equal(json_array_size(json_object_get(j, "sorts")), 2);
    json_decref(j);
    ds_http_response_free(&r);
    get("/api/health", &r);
    assert_int_equal(r.status, 200);
    j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
    json_decref(j);
    ds_http_response_free(&r);
}

static void no_index_is_503(void **state)
{
    (void)state;
    char missing[700];
    snprintf(missing, sizeof missing, "%s/none", tmp);
    ds_server_thread t = {.index_dir = missing};
    const char *targets[] = {"/api/search?q=ceo", "/api/passage?source=a&n=1",
                             "/api/stats", "/api/health"};
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        ds_http_response r;
        request_on(&t, "GET", targets[i], NULL, &r);
        assert_error(&r, 503, "no index");
        ds_http_response_free(&r);
    }
    assert_null(t.searcher);
}

static int told;

static void count_told(void *ctx, const char *message)
{
    (void)ctx;
    assert_non_null(strstr(message, "still searching the previous index"));
    told++;
}

static void write_stub(const char *stub, const char *extra)
{
    FILE *f = fopen(stub, "w");
    assert_non_null(f);
    fprintf(f, "auto %s/current\n%s", index_dir, extra);
    assert_int_equal(fclose(f), 0);
}

/* Two threads (each with its searcher) over a stub that is changed to
 * one that cannot be opened: both answer from the old index, and the
 * problem is told once, not per thread or per request; once fixed and
 * broken again, it is told again. */
static void a_change_that_cannot_be_opened_is_told_once(void **state)
{
    (void)state;
    char stub[700];
    snprintf(stub, sizeof stub, "%s/cluster.stub", tmp);
    write_stub(stub, "");
    setenv("DEALSEARCH_FOLLOW", "0,0", 1); /* a check at each request */
    atomic_int failing = 0;
    ds_server_thread a = {.index_dir = stub, .log = count_told,
                          .refreshes_failing = &failing};
    ds_server_thread b = a;
    ds_server_thread *threads[] = {&a, &b};
    told = 0;
    const char *changes[] = {"", "bogus line\n", "# fixed\n",
                             "bogus again\n"};
    const int told_after[] = {0, 1, 1, 2};
    for (size_t c = 0; c < 4; c++) {
        write_stub(stub, changes[c]);
        for (int round = 0; round < 3; round++)
            for (size_t i = 0; i < 2; i++) {
                ds_http_response r;
                request_on(threads[i], "GET", "/api/search?q=ceo", NULL, &r);
                assert_int_equal(r.status, 200);
                ds_http_response_free(&r);
            }
        assert_int_equal(told, told_after[c]);
        assert_int_equal(failing, c % 2 ? 2 : 0);
    }
    unsetenv("DEALSEARCH_FOLLOW");
    ds_searcher_close(a.searcher);
    ds_searcher_close(b.searcher);
}

static void limits_are_kept(void **state)
{
    (void)state;
    static char target[DS_SERVER_MAX_TARGET + 2];
    memset(target, 'a', sizeof target - 1);
    target[0] = '/';
    ds_http_response r;
    get(target, &r);
    assert_error(&r, 414, "the limit is 8192");
    ds_http_response_free(&r);

    const char *many[2 * 66 + 1];
    for (size_t i = 0; i < 65; i++) {
        many[2 * i] = "X-A";
        many[2 * i + 1] = "1";
    }
    many[130] = NULL;
    request_on(&thread, "GET", "/api/health", many, &r);
    assert_error(&r, 431, "headers");
    ds_http_response_free(&r);
    static char big[DS_SERVER_MAX_HEADER_BYTES + 1];
    memset(big, 'b', sizeof big - 1);
    const char *huge[] = {"Cookie", big, NULL};
    request_on(&thread, "GET", "/api/health", huge, &r);
    assert_error(&r, 431, "headers");
    ds_http_response_free(&r);

    const char *body[] = {"Content-Length", "12", NULL};
    request_on(&thread, "GET", "/api/health", body, &r);
    assert_error(&r, 413, "no body");
    ds_http_response_free(&r);
    const char *chunked[] = {"transfer-encoding", "chunked", NULL};
    request_on(&thread, "GET", "/api/health", chunked, &r);
    assert_error(&r, 413, "no body");
    ds_http_response_free(&r);
    const char *empty[] = {"Content-Length", "0", NULL};
    request_on(&thread, "GET", "/api/health", empty, &r);
    assert_int_equal(r.status, 200);
    ds_http_response_free(&r);
    expect_error("api/health", 400, "must start with '/'");
    expect_error("http://evil/api/health", 400, "must start with '/'");
}

static void only_reading_methods_are_allowed(void **state)
{
    (void)state;
    const char *methods[] = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS",
                             "get", "TRACE"};
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
        ds_http_response r;
        request_on(&thread, methods[i], "/api/search?q=ceo", NULL, &r);
        assert_error(&r, 405, "not allowed");
        assert_string_equal(response_header(&r, "Allow"), "GET, HEAD");
        ds_http_response_free(&r);
    }
    ds_http_response r;
    request_on(&thread, "HEAD", "/api/health", NULL, &r);
    assert_int_equal(r.status, 200);
    ds_http_response_free(&r);
}

static void cors_only_when_asked(void **state)
{
    (void)state;
    ds_http_response r;
    get("/api/health", &r);
    assert_null(response_header(&r, "Access-Control-Allow-Origin"));
    ds_http_response_free(&r);
    ds_server_thread t = thread;
    t.cors_origin = "http://app.example:3000";
    request_on(&t, "GET", "/api/health", NULL, &r);
    assert_string_equal(response_header(&r, "Access-Control-Allow-Origin"),
                        "http://app.example:3000");
    ds_http_response_free(&r);
    request_on(&t, "OPTIONS", "/api/search?q=ceo", NULL, &r);
    assert_int_equal(r.status, 204);
    assert_string_equal(response_header(&r, "Access-Control-Allow-Methods"),
                        "GET, HEAD");
    ds_http_response_free(&r);
    thread.searcher = t.searcher; /* opened by the copy; closed once */
}

/* Listening on loopback, requests naming another host are a page
 * elsewhere reaching in through the browser (DNS rebinding). */
static void loopback_serves_local_hosts_only(void **state)
{
    (void)state;
    ds_server_thread t = thread;
    t.loopback_only = 1;
    const char *local[] = {"127.0.0.1:8080", "localhost", "LOCALHOST:80",
                           "[::1]:8080", "127.1.2.3"};
    const char *remote[] = {"evil.example", "evil.example:8080",
                            "127.0.0.1.evil.example", "[::2]:80",
                            "localhost.evil.example"};
    for (size_t i = 0; i < 5; i++) {
        ds_http_response r;
        const char *h[] = {"Host", local[i], NULL};
        request_on(&t, "GET", "/api/health", h, &r);
        assert_int_equal(r.status, 200);
        ds_http_response_free(&r);
        const char *bad[] = {"host", remote[i], NULL};
        request_on(&t, "GET", "/", bad, &r);
        assert_error(&r, 403, "serves localhost only");
        ds_http_response_free(&r);
    }
    t.loopback_only = 0;
    ds_http_response r;
    const char *h[] = {"Host", "search.example", NULL};
    request_on(&t, "GET", "/api/health", h, &r);
    assert_int_equal(r.status, 200);
    ds_http_response_free(&r);
    thread.searcher = t.searcher;
}

static void the_page_is_served_with_a_strict_policy(void **state)
{
    (void)state;
    const struct {
        const char *path, *type;
    } files[] = {{"/", "text/html; charset=utf-8"},
                 {"/app.js", "text/javascript; charset=utf-8"},
                 {"/style.css", "text/css; charset=utf-8"},
                 {"/favicon.svg", "image/svg+xml"}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        ds_http_response r;
        get(files[i].path, &r);
        assert_int_equal(r.status, 200);
        assert_string_equal(r.content_type, files[i].type);
        assert_true(r.body_len > 100);
        const char *csp = response_header(&r, "Content-Security-Policy");
        assert_non_null(strstr(csp, "script-src 'self'"));
        assert_null(strstr(csp, "unsafe"));
        assert_string_equal(response_header(&r, "X-Content-Type-Options"),
                            "nosniff");
        const char *etag = response_header(&r, "ETag");
        assert_true(etag && etag[0] == '"');
        ds_http_response_free(&r);
        const char *inm[] = {"If-None-Match", etag, NULL};
        request_on(&thread, "GET", files[i].path, inm, &r);
        assert_int_equal(r.status, 304);
        assert_int_equal(r.body_len, 0);
        ds_http_response_free(&r);
    }
    /* No inline script: the page's only script is app.js. */
    ds_http_response r;
    get("/", &r);
    char *html = strndup(r.body, r.body_len);
    size_t scripts = 0;
    for (const char *p = html; (p = strstr(p, "<script")) != NULL; p++) {
        assert_true(strncmp(p, "<script src=\"/app.js\"", 21) == 0);
        scripts++;
    }
    assert_int_equal(scripts, 1);
    assert_null(strstr(html, "style=\""));
    for (const char *p = html; (p = strstr(p, " on")) != NULL; p++) {
        size_t letters = strspn(p + 3, "abcdefghijklmnopqrstuvwxyz");
        assert_false(letters && p[3 + letters] == '='); /* onclick= */
    }
    free(html);
    ds_http_response_free(&r);
    expect_error("/index.html", 404, "no page");
    expect_error("/../../etc/passwd", 404, "no page");
    expect_error("/%2e%2e/etc/passwd", 404, "no page");
    expect_error("/api/", 404, "no API endpoint");
    expect_error("/api/searches?q=x", 404, "no API endpoint");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(search_answers_as_dealsearch_json),
        cmocka_unit_test(bad_parameters_are_named),
        cmocka_unit_test(good_parameters_are_taken),
        cmocka_unit_test(sort_date_is_newest_first),
        cmocka_unit_test(passages_come_from_the_index),
        cmocka_unit_test(stats_and_health_describe_the_index),
        cmocka_unit_test(no_index_is_503),
        cmocka_unit_test(a_change_that_cannot_be_opened_is_told_once),
        cmocka_unit_test(limits_are_kept),
        cmocka_unit_test(only_reading_methods_are_allowed),
        cmocka_unit_test(cors_only_when_asked),
        cmocka_unit_test(loopback_serves_local_hosts_only),
        cmocka_unit_test(the_page_is_served_with_a_strict_policy),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
