/*
 * fuzz_common.h — checks shared by the libFuzzer targets: a strict UTF-8
 * validator, a strict recursive-descent JSON validator (RFC 8259, with
 * escaped surrogates required to pair), and the "safe for a terminal"
 * checks.  Written independently of src/ so a bug there cannot hide
 * itself in the check.
 *
 * A failed check prints what failed and where, then abort()s, which
 * libFuzzer reports as a crash and saves the input.
 */
#ifndef DEALSEARCH_FUZZ_COMMON_H
#define DEALSEARCH_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Print a few bytes around `at` of `buf` (escaped) to stderr. */
static inline void fuzz_show(const char *label, const char *buf, size_t len,
                      size_t at)
{
    size_t from = at > 60 ? at - 60 : 0, to = at + 60 < len ? at + 60 : len;
    fprintf(stderr, "%s (%zu bytes, offset %zu): \"", label, len, at);
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (i == at) fputs("<<HERE>>", stderr);
        if (c >= 0x20 && c < 0x7F && c != '\\' && c != '"')
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
    fputs("\"\n", stderr);
}

#define FUZZ_FAIL(...)                                                    \
    do {                                                                  \
        fprintf(stderr, "FUZZ CHECK FAILED (%s:%d): ", __FILE__, __LINE__); \
        fprintf(stderr, __VA_ARGS__);                                     \
        fputc('\n', stderr);                                              \
        abort();                                                          \
    } while (0)

/* Length of the valid UTF-8 sequence at s[0..len) and its code point, or
 * 0 when invalid (overlong, surrogate, > U+10FFFF, truncated). */
static inline size_t fuzz_utf8_char(const unsigned char *s, size_t len,
                             uint32_t *cp)
{
    if (len == 0) return 0;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) n = 2, v = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, v = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, v = c & 0x07, min = 0x10000;
    else return 0;
    if (len < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return n;
}

/* Offset of the first invalid UTF-8 byte, or len when all valid. */
static inline size_t fuzz_utf8_invalid_at(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = fuzz_utf8_char(u + i, len - i, &cp);
        if (!n) return i;
        i += n;
    }
    return len;
}

static inline int fuzz_utf8_valid(const char *s, size_t len)
{
    return fuzz_utf8_invalid_at(s, len) == len;
}

static inline int fuzz_is_char_boundary(const char *s, size_t len, size_t at)
{
    return at == 0 || at == len ||
           (at < len && ((unsigned char)s[at] & 0xC0) != 0x80);
}

/* ---- Terminal safety ---- */

/* Check `s` is valid UTF-8 with no C0 control (except '\n' when
 * allow_newline), no DEL, no C1 (U+0080..U+009F), and ESC only as one of
 * the SGR sequences the renderer emits ("\033[" digits "m") when
 * allow_sgr.  Returns the offset of the first offence, or len. */
static inline size_t fuzz_terminal_unsafe_at(const char *s, size_t len,
                                      int allow_newline, int allow_sgr)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = fuzz_utf8_char(u + i, len - i, &cp);
        if (!n) return i;
        if (cp == '\n' && allow_newline) {
            i++;
            continue;
        }
        if (cp == 0x1B && allow_sgr) {
            size_t j = i + 1;
            if (j >= len || u[j] != '[') return i;
            j++;
            size_t digits = 0;
            while (j < len && u[j] >= '0' && u[j] <= '9') j++, digits++;
            if (!digits || j >= len || u[j] != 'm') return i;
            i = j + 1;
            continue;
        }
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return i;
        i += n;
    }
    return len;
}

/* ---- JSON ---- */

typedef struct {
    const char *s;
    size_t len, pos;
    int depth;
    const char *why;   /* first error */
    char *decoded;     /* when non-NULL: a string's decoded UTF-8 */
    size_t decoded_len, decoded_cap;
} fuzz_json;

#define FUZZ_JSON_MAX_DEPTH 64

static inline int fj_err(fuzz_json *j, const char *why)
{
    if (!j->why) j->why = why;
    return 0;
}

static inline void fj_ws(fuzz_json *j)
{
    while (j->pos < j->len &&
           (j->s[j->pos] == ' ' || j->s[j->pos] == '\t' ||
            j->s[j->pos] == '\n' || j->s[j->pos] == '\r'))
        j->pos++;
}

static inline void fj_emit(fuzz_json *j, const char *bytes, size_t n)
{
    if (!j->decoded) return;
    if (j->decoded_len + n + 1 > j->decoded_cap) {
        j->decoded_cap = (j->decoded_len + n + 1) * 2;
        j->decoded = realloc(j->decoded, j->decoded_cap);
        if (!j->decoded) abort();
    }
    memcpy(j->decoded + j->decoded_len, bytes, n);
    j->decoded_len += n;
    j->decoded[j->decoded_len] = '\0';
}

static inline int fj_hex4(fuzz_json *j, uint32_t *v)
{
    if (j->len - j->pos < 4) return fj_err(j, "short \\u escape");
    *v = 0;
    for (int k = 0; k < 4; k++) {
        char c = j->s[j->pos++];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return fj_err(j, "bad hex digit in \\u escape");
        *v = *v * 16 + (uint32_t)d;
    }
    return 1;
}

static inline void fj_emit_cp(fuzz_json *j, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) b[0] = (char)cp, n = 1;
    else if (cp < 0x800)
        b[0] = (char)(0xC0 | (cp >> 6)), b[1] = (char)(0x80 | (cp & 0x3F)),
        n = 2;
    else if (cp < 0x10000)
        b[0] = (char)(0xE0 | (cp >> 12)),
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
        b[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    else
        b[0] = (char)(0xF0 | (cp >> 18)),
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)),
        b[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    fj_emit(j, b, n);
}

static inline int fj_string(fuzz_json *j)
{
    if (j->pos >= j->len || j->s[j->pos] != '"')
        return fj_err(j, "expected '\"'");
    j->pos++;
    while (j->pos < j->len) {
        unsigned char c = (unsigned char)j->s[j->pos];
        if (c == '"') {
            j->pos++;
            return 1;
        }
        if (c < 0x20) return fj_err(j, "raw control character in string");
        if (c == '\\') {
            j->pos++;
            if (j->pos >= j->len) return fj_err(j, "dangling backslash");
            char e = j->s[j->pos++];
            const char *simple = strchr("\"\\/bfnrt", e);
            if (e && simple) {
                static const char map[] = "\"\\/\b\f\n\r\t";
                fj_emit(j, &map[simple - "\"\\/bfnrt"], 1);
                continue;
            }
            if (e != 'u') return fj_err(j, "bad escape");
            uint32_t v;
            if (!fj_hex4(j, &v)) return 0;
            if (v >= 0xDC00 && v <= 0xDFFF)
                return fj_err(j, "lone low surrogate escape");
            if (v >= 0xD800 && v <= 0xDBFF) {
                uint32_t lo;
                if (j->len - j->pos < 2 || j->s[j->pos] != '\\' ||
                    j->s[j->pos + 1] != 'u')
                    return fj_err(j, "lone high surrogate escape");
                j->pos += 2;
                if (!fj_hex4(j, &lo)) return 0;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return fj_err(j, "high surrogate without low");
                v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
            }
            fj_emit_cp(j, v);
            continue;
        }
        uint32_t cp;
        size_t n = fuzz_utf8_char((const unsigned char *)j->s + j->pos,
                                  j->len - j->pos, &cp);
        if (!n) return fj_err(j, "invalid UTF-8 in string");
        fj_emit(j, j->s + j->pos, n);
        j->pos += n;
    }
    return fj_err(j, "unterminated string");
}

static inline int fj_digits(fuzz_json *j)
{
    size_t start = j->pos;
    while (j->pos < j->len && j->s[j->pos] >= '0' && j->s[j->pos] <= '9')
        j->pos++;
    return j->pos > start;
}

static inline int fj_number(fuzz_json *j)
{
    if (j->pos < j->len && j->s[j->pos] == '-') j->pos++;
    if (j->pos < j->len && j->s[j->pos] == '0') {
        j->pos++;
    } else if (!fj_digits(j)) {
        return fj_err(j, "bad number");
    }
    if (j->pos < j->len && j->s[j->pos] == '.') {
        j->pos++;
        if (!fj_digits(j)) return fj_err(j, "bad fraction");
    }
    if (j->pos < j->len && (j->s[j->pos] == 'e' || j->s[j->pos] == 'E')) {
        j->pos++;
        if (j->pos < j->len && (j->s[j->pos] == '+' || j->s[j->pos] == '-'))
            j->pos++;
        if (!fj_digits(j)) return fj_err(j, "bad exponent");
    }
    return 1;
}

static inline int fj_literal(fuzz_json *j, const char *word)
{
    size_t n = strlen(word);
    if (j->len - j->pos < n || memcmp(j->s + j->pos, word, n) != 0)
        return fj_err(j, "unexpected character");
    j->pos += n;
    return 1;
}

static inline int fj_value(fuzz_json *j);

static inline int fj_container(fuzz_json *j, char close, int object)
{
    if (++j->depth > FUZZ_JSON_MAX_DEPTH) return fj_err(j, "too deep");
    j->pos++;
    fj_ws(j);
    if (j->pos < j->len && j->s[j->pos] == close) {
        j->pos++;
        j->depth--;
        return 1;
    }
    for (;;) {
        fj_ws(j);
        if (object) {
            if (!fj_string(j)) return 0;
            fj_ws(j);
            if (j->pos >= j->len || j->s[j->pos] != ':')
                return fj_err(j, "expected ':'");
            j->pos++;
        }
        if (!fj_value(j)) return 0;
        fj_ws(j);
        if (j->pos < j->len && j->s[j->pos] == ',') {
            j->pos++;
            continue;
        }
        if (j->pos < j->len && j->s[j->pos] == close) {
            j->pos++;
            j->depth--;
            return 1;
        }
        return fj_err(j, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static inline int fj_value(fuzz_json *j)
{
    fj_ws(j);
    if (j->pos >= j->len) return fj_err(j, "unexpected end");
    char *saved = j->decoded;
    int ok;
    switch (j->s[j->pos]) {
    case '{': j->decoded = NULL; ok = fj_container(j, '}', 1); break;
    case '[': j->decoded = NULL; ok = fj_container(j, ']', 0); break;
    case '"': ok = fj_string(j); break;
    case 't': ok = fj_literal(j, "true"); break;
    case 'f': ok = fj_literal(j, "false"); break;
    case 'n': ok = fj_literal(j, "null"); break;
    default:  ok = fj_number(j); break;
    }
    j->decoded = saved;
    return ok;
}

/* Is s[0..len) exactly one JSON value (surrounding whitespace allowed)?
 * On failure, *why and *at say what and where. */
static inline int fuzz_json_valid(const char *s, size_t len, const char **why,
                           size_t *at)
{
    fuzz_json j = {s, len, 0, 0, NULL, NULL, 0, 0};
    int ok = fj_value(&j);
    if (ok) {
        fj_ws(&j);
        if (j.pos != len) ok = fj_err(&j, "trailing bytes after the value");
    }
    *why = j.why;
    *at = j.pos;
    return ok;
}

/* Is s[0..len) exactly one JSON string literal?  When it is, its decoded
 * UTF-8 is returned in *decoded (malloc'd, *decoded_len bytes). */
static inline int fuzz_json_string_valid(const char *s, size_t len, char **decoded,
                                  size_t *decoded_len, const char **why,
                                  size_t *at)
{
    fuzz_json j = {s, len, 0, 0, NULL, malloc(1), 0, 1};
    if (!j.decoded) abort();
    j.decoded[0] = '\0';
    int ok = fj_string(&j);
    if (ok && j.pos != len) ok = fj_err(&j, "trailing bytes after the string");
    *why = j.why;
    *at = j.pos;
    *decoded = j.decoded;
    *decoded_len = j.decoded_len;
    return ok;
}

/* ---- A JSON tree, for checking what a rendering says ---- */

typedef struct fuzz_jv {
    char type;            /* 'o'bject 'a'rray 's'tring 'n'umber 't' 'f' 'z'(null) */
    char *str;            /* 's': decoded UTF-8 */
    size_t len;
    double num;
    size_t n;             /* 'o', 'a': members */
    char **keys;          /* 'o' */
    struct fuzz_jv *items;
} fuzz_jv;

static inline char *fjv_string(fuzz_json *j, size_t *len)
{
    j->decoded = malloc(1);
    if (!j->decoded) abort();
    j->decoded[0] = '\0';
    j->decoded_len = 0;
    j->decoded_cap = 1;
    fj_string(j);
    char *out = j->decoded;
    *len = j->decoded_len;
    j->decoded = NULL;
    return out;
}

/* Parse one value of text already checked by fuzz_json_valid(). */
static inline void fjv_parse(fuzz_json *j, fuzz_jv *v)
{
    memset(v, 0, sizeof *v);
    fj_ws(j);
    char c = j->s[j->pos];
    if (c == '{' || c == '[') {
        v->type = c == '{' ? 'o' : 'a';
        char close = c == '{' ? '}' : ']';
        j->pos++;
        size_t cap = 0;
        for (;;) {
            fj_ws(j);
            if (j->s[j->pos] == close) {
                j->pos++;
                return;
            }
            if (j->s[j->pos] == ',') {
                j->pos++;
                continue;
            }
            if (v->n == cap) {
                cap = cap * 2 + 4;
                v->items = realloc(v->items, cap * sizeof *v->items);
                v->keys = realloc(v->keys, cap * sizeof *v->keys);
                if (!v->items || !v->keys) abort();
            }
            v->keys[v->n] = NULL;
            if (v->type == 'o') {
                size_t klen;
                v->keys[v->n] = fjv_string(j, &klen);
                fj_ws(j);
                j->pos++; /* ':' */
            }
            fjv_parse(j, &v->items[v->n]);
            v->n++;
        }
    }
    if (c == '"') {
        v->type = 's';
        v->str = fjv_string(j, &v->len);
    } else if (c == 't' || c == 'f' || c == 'n') {
        v->type = c == 'n' ? 'z' : c;
        j->pos += c == 'f' ? 5 : 4;
    } else {
        v->type = 'n';
        size_t start = j->pos;
        fj_number(j);
        char buf[64];
        size_t n = j->pos - start < 63 ? j->pos - start : 63;
        memcpy(buf, j->s + start, n);
        buf[n] = '\0';
        v->num = strtod(buf, NULL);
    }
}

/* Parse JSON text that fuzz_json_valid() accepted. */
static inline void fuzz_jv_parse(const char *s, size_t len, fuzz_jv *v)
{
    fuzz_json j = {s, len, 0, 0, NULL, NULL, 0, 0};
    fjv_parse(&j, v);
}

static inline const fuzz_jv *fuzz_jv_get(const fuzz_jv *o, const char *key)
{
    if (!o || o->type != 'o') return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0) return &o->items[i];
    return NULL;
}

static inline void fuzz_jv_free(fuzz_jv *v)
{
    for (size_t i = 0; i < v->n; i++) {
        fuzz_jv_free(&v->items[i]);
        free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    memset(v, 0, sizeof *v);
}

#endif
