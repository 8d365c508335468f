/*
 * fuzz_render.c — libFuzzer target: the JSON and terminal renderers on
 * arbitrary bytes (src/render.c, src/highlight.c).
 *
 * Properties checked on every input:
 *   ds_json_string()    the output is exactly one valid JSON string
 *                       literal; when the input is valid UTF-8 it decodes
 *                       back to the input byte for byte.
 *   ds_terminal_safe()  the output is valid UTF-8 with no C0 control
 *                       byte, no DEL and no C1 (U+0080..U+009F); when the
 *                       input is valid UTF-8 with none of those, the
 *                       output is the input unchanged.
 *   ds_results_print()  given a hit whose passage text, title and heading
 *                       are the input (arbitrary passage text), the JSON
 *                       rendering is valid JSON, the human rendering is
 *                       terminal-safe (with colour: only SGR escapes; with
 *                       colour off: no ESC at all), and highlight spans
 *                       and the snippet window stay inside the text, in
 *                       order, on character boundaries.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/analyzer.h"
#include "../../src/highlight.h"
#include "../../src/render.h"
#include "../../src/search.h"
#include "../../src/text.h"
#include "../../src/util.h"
#include "fuzz_common.h"

static ds_analyzer *analyzer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    analyzer = ds_analyzer_new();
    if (!analyzer) FUZZ_FAIL("no English stemmer");
    return 0;
}

static void check_json_string(const char *in, size_t len)
{
    ds_buf out;
    ds_buf_init(&out);
    ds_json_string(&out, in, len);
    char *decoded;
    size_t decoded_len, at;
    const char *why;
    if (!fuzz_json_string_valid(out.data, out.len, &decoded, &decoded_len,
                                &why, &at)) {
        fuzz_show("ds_json_string output", out.data, out.len, at);
        FUZZ_FAIL("ds_json_string: not a valid JSON string: %s", why);
    }
    if (fuzz_utf8_valid(in, len) &&
        (decoded_len != len || (len && memcmp(decoded, in, len) != 0))) {
        fuzz_show("decoded", decoded, decoded_len, 0);
        FUZZ_FAIL("ds_json_string: valid UTF-8 input does not round-trip");
    }
    free(decoded);
    ds_buf_free(&out);
}

static void check_terminal_safe(const char *in, size_t len)
{
    ds_buf out;
    ds_buf_init(&out);
    ds_terminal_safe(&out, in, len);
    size_t bad = fuzz_terminal_unsafe_at(out.data, out.len, 0, 0);
    if (bad != out.len) {
        fuzz_show("ds_terminal_safe output", out.data, out.len, bad);
        FUZZ_FAIL("ds_terminal_safe: control byte or invalid UTF-8 in output");
    }
    if (fuzz_terminal_unsafe_at(in, len, 0, 0) == len &&
        (out.len != len || (len && memcmp(out.data, in, len) != 0)))
        FUZZ_FAIL("ds_terminal_safe: changed text that was already safe");
    ds_buf_free(&out);
}

/* ---- a whole rendering of one hit whose text is the input ---- */

typedef struct {
    char *terms[4];
    size_t n;
} stems;

static int collect_stem(void *ctx, const ds_token *tok)
{
    stems *s = ctx;
    size_t len;
    const char *stem = ds_analyzer_stem(analyzer, tok->term, tok->term_len,
                                        &len);
    s->terms[s->n++] = ds_xstrndup(stem, len);
    return s->n == 2; /* the first two words become "matched terms" */
}

static void check_spans(const char *what, const char *text, size_t len,
                        const ds_span_list *spans)
{
    int utf8 = fuzz_utf8_valid(text, len);
    for (size_t i = 0; i < spans->count; i++) {
        ds_span s = spans->items[i];
        if (s.start >= s.end || s.end > len)
            FUZZ_FAIL("%s: span %zu [%zu,%zu) outside text of %zu bytes",
                      what, i, s.start, s.end, len);
        if (i && s.start < spans->items[i - 1].end)
            FUZZ_FAIL("%s: spans %zu and %zu overlap or are out of order",
                      what, i - 1, i);
        if (utf8 && (!fuzz_is_char_boundary(text, len, s.start) ||
                     !fuzz_is_char_boundary(text, len, s.end)))
            FUZZ_FAIL("%s: span [%zu,%zu) splits a character", what,
                      s.start, s.end);
    }
}

static void check_render(const char *in, size_t len)
{
    /* Passage text as the index hands it back: NUL-terminated. */
    char *text = ds_xstrndup(in, len);
    in = text;
    /* Title and heading: the first line (C strings, so up to a NUL). */
    size_t line = 0;
    while (line < len && line < 200 && in[line] != '\n' && in[line] != '\0')
        line++;
    char *first = ds_xstrndup(in, line);

    stems st = {{0}, 0};
    ds_tokenize(in, len, collect_stem, &st);
    /* A field term too (never highlights body words) and, when the text
     * has a word, a wildcard prefix of its first two bytes. */
    char *terms[5];
    size_t n_terms = 0;
    for (size_t i = 0; i < st.n; i++) terms[n_terms++] = st.terms[i];
    terms[n_terms++] = ds_xstrdup("Sfile");
    char query[8] = "";
    if (st.n && strlen(st.terms[0]) >= 2)
        snprintf(query, sizeof query, "%.2s*", st.terms[0]);

    ds_span_list matches = {0};
    ds_highlighter *hl = ds_highlighter_new(analyzer, query, NULL);
    ds_highlight(hl, in, len, terms, n_terms, &matches);
    ds_highlighter_free(hl);
    check_spans("ds_highlight", in, len, &matches);
    ds_window w = ds_snippet_window(in, len, &matches, 64);
    if (w.start > w.end || w.end > len)
        FUZZ_FAIL("ds_snippet_window: [%zu,%zu) outside text of %zu bytes",
                  w.start, w.end, len);
    if (fuzz_utf8_valid(in, len) &&
        (!fuzz_is_char_boundary(in, len, w.start) ||
         !fuzz_is_char_boundary(in, len, w.end)))
        FUZZ_FAIL("ds_snippet_window: [%zu,%zu) splits a character",
                  w.start, w.end);
    ds_span_list_free(&matches);

    ds_hit hit;
    memset(&hit, 0, sizeof hit);
    hit.score = 1.5;
    hit.record =
        (ds_record){first, 1, 1, text, len, first, NULL, first, 0, 0, first};
    hit.terms = terms;
    hit.n_terms = n_terms;
    ds_results r;
    memset(&r, 0, sizeof r);
    r.hits = &hit;
    r.count = 1;
    r.query = r.searched = query;
    r.parsed = r.stopped = first;
    r.analyzer = analyzer;
    r.info = (ds_results_info){.query = query, .parsed = first,
                               .stopped = first, .total = 1,
                               .total_exact = 1};
    r.info.options.limit = 10;

    static const ds_print_options variants[] = {
        {.format = DS_FORMAT_JSON, .snippet_bytes = DS_SNIPPET_BYTES},
        {.format = DS_FORMAT_JSON, .snippet_bytes = 40},  /* short snippet */
        {.color = 1, .width = 30, .snippet_bytes = 40},   /* terminal */
        {.full = 1, .snippet_bytes = DS_SNIPPET_BYTES},   /* piped, --full */
    };
    for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
        const ds_print_options *ro = &variants[v];
        ds_buf out;
        out.data = ds_results_print(&r, ro, &out.len);
        if (ro->format == DS_FORMAT_JSON) {
            const char *why;
            size_t at;
            if (!fuzz_json_valid(out.data, out.len, &why, &at)) {
                fuzz_show("JSON rendering", out.data, out.len, at);
                FUZZ_FAIL("ds_results_print (JSON): invalid JSON: %s", why);
            }
        } else {
            size_t bad = fuzz_terminal_unsafe_at(out.data, out.len, 1,
                                                 ro->color);
            if (bad != out.len) {
                fuzz_show("human rendering", out.data, out.len, bad);
                FUZZ_FAIL("ds_results_print (human, color=%d): unsafe byte "
                          "for a terminal", ro->color);
            }
        }
        free(out.data);
    }
    for (size_t i = 0; i < n_terms; i++) free(terms[i]);
    free(first);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = size ? (const char *)data : "";
    check_json_string(in, size);
    check_terminal_safe(in, size);
    check_render(in, size);
    return 0;
}
