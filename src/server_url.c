/* server_url.c — the request target (server.h): its path and parameters,
 * %-decoded in place in one copy of the target. */
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "util.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int valid_utf8(const char *s, size_t len)
{
    unsigned cp;
    for (size_t i = 0, n; i < len; i += n)
        if ((n = ds_utf8_decode(s + i, len - i, &cp)) == 0) return 0;
    return 1;
}

/* Decode s[0..len) in place ('+' as a space when `plus`) and
 * NUL-terminate it; 0 when an escape is malformed or decodes to NUL or
 * the result is not UTF-8. */
static int decode(char *s, size_t len, int plus)
{
    size_t out = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            int hi = i + 1 < len ? hex_value(s[i + 1]) : -1;
            int lo = i + 2 < len ? hex_value(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return 0;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        s[out++] = c;
    }
    s[out] = '\0';
    return valid_utf8(s, out);
}

/* The parameter at p[0..len) ("name=value" or "name"), decoded. */
static ds_status add_param(ds_url *url, char *p, size_t len, char **err)
{
    if (len == 0) return DS_OK; /* "a=1&&b=2" */
    if (url->n_params == DS_URL_MAX_PARAMS)
        return ds_fail(err, DS_ERR_USAGE, "more than %d parameters",
                       DS_URL_MAX_PARAMS);
    char *eq = memchr(p, '=', len);
    size_t name_len = eq ? (size_t)(eq - p) : len;
    char *value = eq ? eq + 1 : p + len;
    size_t value_len = eq ? len - name_len - 1 : 0;
    if (!decode(p, name_len, 1))
        return ds_fail(err, DS_ERR_USAGE,
                       "a parameter name is not %%-encoded UTF-8");
    if (!decode(value, value_len, 1))
        return ds_fail(err, DS_ERR_USAGE,
                       "%.64s: not %%-encoded UTF-8 (or holds a NUL)", p);
    if (ds_url_get(url, p))
        return ds_fail(err, DS_ERR_USAGE, "%.64s: given more than once", p);
    url->params[url->n_params].name = p;
    url->params[url->n_params++].value = value;
    return DS_OK;
}

static ds_status parse_query(ds_url *url, char *q, char **err)
{
    ds_status st = DS_OK;
    while (st == DS_OK) {
        size_t len = strcspn(q, "&");
        int last = q[len] == '\0';
        st = add_param(url, q, len, err);
        if (last) break;
        q += len + 1;
    }
    return st;
}

ds_status ds_url_parse(const char *target, ds_url *url, char **err)
{
    memset(url, 0, sizeof *url);
    if (target[0] != '/')
        return ds_fail(err, DS_ERR_USAGE,
                       "the request target must start with '/'");
    url->buf = ds_xstrdup(target);
    url->path = url->buf;
    char *query = strchr(url->buf, '?');
    if (query) *query++ = '\0';
    ds_status st = DS_OK;
    if (!decode(url->path, strlen(url->path), 0))
        st = ds_fail(err, DS_ERR_USAGE,
                     "the path is not %%-encoded UTF-8 (or holds a NUL)");
    if (st == DS_OK && query) st = parse_query(url, query, err);
    if (st != DS_OK) ds_url_free(url);
    return st;
}

const char *ds_url_get(const ds_url *url, const char *name)
{
    for (size_t i = 0; i < url->n_params; i++)
        if (strcmp(url->params[i].name, name) == 0)
            return url->params[i].value;
    return NULL;
}

void ds_url_free(ds_url *url)
{
    free(url->buf);
    memset(url, 0, sizeof *url);
}
