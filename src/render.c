/* render.c — see render.h. */
#include "render.h"

#include <string.h>

#include "highlight.h"

#define ELLIPSIS "\xE2\x80\xA6 " /* "… " */
#define ELLIPSIS_LEN 4

#define ANSI_BOLD "\033[1m"
#define ANSI_HEADER "\033[35m" /* like grep's file names */
#define ANSI_DIM "\033[2m"
#define ANSI_RESET "\033[0m"

/* The excerpt of one hit and its highlights, in excerpt coordinates. */
typedef struct {
    ds_buf text;
    ds_span_list highlights;
} excerpt;

static void make_excerpt(const ds_hit *h, const ds_span_list *matches,
                         size_t max_bytes, excerpt *ex)
{
    ds_window w = max_bytes ? ds_snippet_window(h->text, h->text_len,
                                                matches, max_bytes)
                            : (ds_window){0, h->text_len};
    size_t shift = 0;
    if (w.start > 0) {
        ds_buf_append(&ex->text, ELLIPSIS, ELLIPSIS_LEN);
        shift = ELLIPSIS_LEN;
    }
    ds_buf_append(&ex->text, h->text + w.start, w.end - w.start);
    if (w.end < h->text_len) ds_buf_puts(&ex->text, " \xE2\x80\xA6");
    for (size_t i = 0; i < matches->count; i++) {
        ds_span s = matches->items[i];
        if (s.start < w.start || s.end > w.end) continue;
        ds_span moved = {s.start - w.start + shift, s.end - w.start + shift};
        if (ex->highlights.count == ex->highlights.cap) {
            ex->highlights.cap = ex->highlights.cap * 2 + 8;
            ex->highlights.items =
                ds_xrealloc(ex->highlights.items,
                            ex->highlights.cap * sizeof(ds_span));
        }
        ex->highlights.items[ex->highlights.count++] = moved;
    }
}

/* What the hit matched, for the highlighter. */
static ds_match_terms hit_terms(const ds_results *r, const ds_hit *h)
{
    ds_match_terms m = {h->terms, h->n_terms, r->wildcards, r->n_wildcards,
                        r->synonyms};
    return m;
}

static void find_matches(ds_analyzer *a, const ds_results *r,
                         const ds_hit *h, ds_span_list *matches)
{
    ds_match_terms m = hit_terms(r, h);
    ds_find_matches(a, h->text, h->text_len, &m, matches);
}

static void excerpt_free(excerpt *ex)
{
    ds_buf_free(&ex->text);
    ds_span_list_free(&ex->highlights);
}

/* ---- JSON ---- */

static void json_spans(ds_buf *out, const ds_span_list *spans)
{
    ds_buf_putc(out, '[');
    for (size_t i = 0; i < spans->count; i++) {
        ds_buf_puts(out, i ? ",[" : "[");
        ds_buf_put_number(out, spans->items[i].start);
        ds_buf_putc(out, ',');
        ds_buf_put_number(out, spans->items[i].end);
        ds_buf_putc(out, ']');
    }
    ds_buf_putc(out, ']');
}

static void json_parts(ds_buf *out, const ds_hit *h)
{
    ds_buf_puts(out, ",\"explain\":[");
    for (size_t i = 0; i < h->n_parts; i++) {
        ds_buf_puts(out, i ? ",{\"part\":" : "{\"part\":");
        ds_json_string(out, h->parts[i].label, strlen(h->parts[i].label));
        ds_buf_puts(out, ",\"weight\":");
        ds_buf_put_fixed4(out, h->parts[i].weight);
        ds_buf_putc(out, '}');
    }
    ds_buf_putc(out, ']');
}

static void json_hit(ds_buf *out, size_t rank, const ds_hit *h,
                     const ds_span_list *matches, const excerpt *ex,
                     int explain)
{
    ds_buf_puts(out, "{\"rank\":");
    ds_buf_put_number(out, rank);
    ds_buf_puts(out, ",\"score\":");
    ds_buf_put_fixed4(out, h->score);
    ds_buf_puts(out, ",\"source\":");
    ds_json_string(out, h->source, strlen(h->source));
    ds_buf_puts(out, ",\"passage\":");
    ds_buf_put_number(out, h->passage);
    ds_buf_puts(out, ",\"line\":");
    ds_buf_put_number(out, h->line);
    ds_buf_puts(out, ",\"title\":");
    ds_json_optional(out, h->title);
    ds_buf_puts(out, ",\"date\":");
    ds_json_optional(out, h->date);
    ds_buf_puts(out, ",\"heading\":");
    ds_json_optional(out, h->heading);
    ds_buf_puts(out, ",\"text\":");
    ds_json_string(out, h->text, h->text_len);
    ds_buf_puts(out, ",\"snippet\":");
    ds_json_string(out, ex->text.data, ex->text.len);
    ds_buf_puts(out, ",\"snippet_highlights\":");
    json_spans(out, &ex->highlights);
    ds_buf_puts(out, ",\"text_highlights\":");
    json_spans(out, matches);
    ds_buf_puts(out, ",\"matched_terms\":[");
    size_t shown = 0;
    for (size_t t = 0; t < h->n_terms; t++) {
        if (h->terms[t][0] >= 'A' && h->terms[t][0] <= 'Z') continue;
        if (shown++) ds_buf_putc(out, ',');
        ds_json_string(out, h->terms[t], strlen(h->terms[t]));
    }
    ds_buf_putc(out, ']');
    if (explain) json_parts(out, h);
    ds_buf_puts(out, ",\"also\":[");
    for (size_t i = 0; i < h->n_also; i++) {
        ds_buf_puts(out, i ? ",{\"source\":" : "{\"source\":");
        ds_json_string(out, h->also[i].source, strlen(h->also[i].source));
        ds_buf_printf(out, ",\"passage\":%lu}", h->also[i].passage);
    }
    ds_buf_puts(out, "]}");
}

static void render_json(ds_buf *out, const char *query, const ds_results *r,
                        const ds_search_options *so, ds_analyzer *a,
                        const ds_render_options *ro)
{
    ds_buf_puts(out, "{\"query\":");
    ds_json_string(out, query, strlen(query));
    ds_buf_puts(out, ",\"corrected_query\":");
    ds_json_optional(out, r->corrected);
    ds_buf_puts(out, ",\"parsed_query\":");
    ds_json_string(out, r->parsed, strlen(r->parsed));
    ds_buf_printf(out,
                  ",\"match\":\"%s\",\"relaxed_syntax\":%s,\"total\":%lu,"
                  "\"total_exact\":%s,\"total_if_any\":%lu,\"offset\":%u,"
                  "\"limit\":%u,",
                  so->match_any ? "any" : "all",
                  r->relaxed_syntax ? "true" : "false", r->total,
                  r->total_exact ? "true" : "false", r->total_if_any,
                  so->offset, so->limit);
    if (so->explain) {
        ds_buf_puts(out, "\"stopped\":");
        ds_json_string(out, r->stopped, strlen(r->stopped));
        ds_buf_printf(out,
                      ",\"bm25\":{\"k1\":%g,\"k2\":%g,\"k3\":%g,\"b\":%g,"
                      "\"min_normlen\":%g,\"avg_length\":%g},",
                      r->bm25.k1, r->bm25.k2, r->bm25.k3, r->bm25.b,
                      r->bm25.min_normlen, r->avg_length);
    }
    ds_buf_puts(out, "\"results\":[");
    for (size_t i = 0; i < r->count; i++) {
        const ds_hit *h = &r->hits[i];
        ds_span_list matches = {0};
        excerpt ex = {{0}, {0}};
        find_matches(a, r, h, &matches);
        make_excerpt(h, &matches, ro->snippet_bytes, &ex);
        if (i) ds_buf_putc(out, ',');
        json_hit(out, so->offset + i + 1, h, &matches, &ex, so->explain);
        excerpt_free(&ex);
        ds_span_list_free(&matches);
    }
    ds_buf_puts(out, "]}\n");
}

/* ---- Human ---- */

/* Display width of a UTF-8 string, counting one column per code point. */
static size_t columns(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}

typedef struct {
    ds_buf *out;
    const ds_render_options *ro;
    size_t column;
} text_writer;

#define INDENT "    "
#define INDENT_COLUMNS 4

/* Write `lead` (taking `lead_columns`) and then text[0..len) word by word,
 * wrapping at ro->width under INDENT, with the bytes inside `spans` in
 * bold when colour is on. */
static void write_passage(text_writer *tw, const char *lead,
                          size_t lead_columns, const char *text, size_t len,
                          const ds_span_list *spans)
{
    size_t span = 0, i = 0;
    ds_buf_puts(tw->out, lead);
    tw->column = lead_columns;
    while (i < len) {
        size_t end = i;
        while (end < len && text[end] != ' ') end++;
        size_t width = columns(text + i, end - i);
        if (tw->ro->width && i > 0 &&
            tw->column + 1 + width > tw->ro->width) {
            ds_buf_puts(tw->out, "\n" INDENT);
            tw->column = INDENT_COLUMNS;
        } else if (i > 0) {
            ds_buf_putc(tw->out, ' ');
            tw->column++;
        }
        /* The word, switching bold on and off at span edges. */
        size_t p = i;
        while (p < end) {
            while (span < spans->count && spans->items[span].end <= p) span++;
            int inside = span < spans->count && spans->items[span].start <= p;
            size_t stop = end;
            if (span < spans->count) {
                size_t edge = inside ? spans->items[span].end
                                     : spans->items[span].start;
                if (edge < stop) stop = edge;
            }
            if (inside && tw->ro->color) ds_buf_puts(tw->out, ANSI_BOLD);
            ds_terminal_safe(tw->out, text + p, stop - p);
            if (inside && tw->ro->color) ds_buf_puts(tw->out, ANSI_RESET);
            p = stop;
        }
        tw->column += width;
        i = end;
        while (i < len && text[i] == ' ') i++;
    }
    ds_buf_putc(tw->out, '\n');
}

/* "Title · 2025-06-13" under the hit's header line, when known. */
static void human_article_line(ds_buf *out, const ds_hit *h,
                               const ds_render_options *ro)
{
    if (!h->title && !h->date) return;
    ds_buf_puts(out, INDENT);
    if (ro->color) ds_buf_puts(out, ANSI_DIM);
    if (h->title) ds_terminal_safe(out, h->title, strlen(h->title));
    if (h->title && h->date) ds_buf_puts(out, " \xC2\xB7 ");
    if (h->date) ds_buf_puts(out, h->date);
    if (ro->color) ds_buf_puts(out, ANSI_RESET);
    ds_buf_putc(out, '\n');
}

/* "    why: interim 3.12 + (ceo SYNONYM XSYN1) 2.33 = 5.45" */
static void human_parts(ds_buf *out, const ds_hit *h)
{
    ds_buf_puts(out, INDENT "why:");
    for (size_t i = 0; i < h->n_parts; i++) {
        ds_buf_puts(out, i ? " + " : " ");
        ds_terminal_safe(out, h->parts[i].label, strlen(h->parts[i].label));
        ds_buf_printf(out, " %.2f", h->parts[i].weight);
    }
    ds_buf_printf(out, " = %.2f\n", h->score);
}

/* "    also reported in: 000_x.txt ¶5, 002_y.txt ¶5" */
static void human_also(ds_buf *out, const ds_hit *h,
                       const ds_render_options *ro)
{
    ds_buf_puts(out, INDENT);
    if (ro->color) ds_buf_puts(out, ANSI_DIM);
    ds_buf_puts(out, "also reported in:");
    for (size_t i = 0; i < h->n_also; i++) {
        ds_buf_puts(out, i ? ", " : " ");
        ds_terminal_safe(out, h->also[i].source, strlen(h->also[i].source));
        ds_buf_printf(out, " \xC2\xB6%lu", h->also[i].passage);
    }
    if (ro->color) ds_buf_puts(out, ANSI_RESET);
    ds_buf_putc(out, '\n');
}

/* How the query was read and ranked. */
static void human_query_explanation(ds_buf *out, const ds_results *r)
{
    ds_buf_puts(out, "query: ");
    ds_terminal_safe(out, r->parsed, strlen(r->parsed));
    if (r->stopped[0]) {
        ds_buf_puts(out, "\nstopwords left out: ");
        ds_terminal_safe(out, r->stopped, strlen(r->stopped));
    }
    ds_buf_printf(out,
                  "\nranking: BM25 k1=%g k2=%g k3=%g b=%g min_normlen=%g, "
                  "average passage %.1f words; "
                  "score = sum of the parts below\n\n",
                  r->bm25.k1, r->bm25.k2, r->bm25.k3, r->bm25.b,
                  r->bm25.min_normlen, r->avg_length);
}

static void human_hit(ds_buf *out, size_t rank, const ds_hit *h,
                      const excerpt *ex, const ds_span_list *heading_matches,
                      const ds_render_options *ro, int explain)
{
    const char *on = ro->color ? ANSI_HEADER : "";
    const char *dim = ro->color ? ANSI_DIM : "";
    const char *off = ro->color ? ANSI_RESET : "";
    ds_buf_printf(out, "%zu. %s", rank, on);
    ds_terminal_safe(out, h->source, strlen(h->source));
    ds_buf_printf(out, "%s \xC2\xB6%lu  %sline %lu, score %.2f%s\n", off,
                  h->passage, dim, h->line, h->score, off);
    human_article_line(out, h, ro);
    text_writer tw = {out, ro, 0};
    if (h->heading)
        write_passage(&tw, INDENT "\xE2\x96\xB8 ", INDENT_COLUMNS + 2,
                      h->heading, strlen(h->heading), heading_matches);
    write_passage(&tw, INDENT, INDENT_COLUMNS, ex->text.data, ex->text.len,
                  &ex->highlights);
    if (explain) human_parts(out, h);
    if (h->n_also) human_also(out, h, ro);
    ds_buf_putc(out, '\n');
}

static void render_human(ds_buf *out, const ds_results *r,
                         const ds_search_options *so, ds_analyzer *a,
                         const ds_render_options *ro)
{
    if (r->corrected) {
        ds_buf_puts(out, "showing results for: ");
        ds_terminal_safe(out, r->corrected, strlen(r->corrected));
        ds_buf_puts(out, "\n\n");
    }
    if (r->relaxed_syntax)
        ds_buf_puts(out, "(query syntax not understood; searched for the "
                         "words as written)\n\n");
    if (so->explain) human_query_explanation(out, r);
    for (size_t i = 0; i < r->count; i++) {
        const ds_hit *h = &r->hits[i];
        ds_span_list matches = {0};
        excerpt ex = {{0}, {0}};
        find_matches(a, r, h, &matches);
        make_excerpt(h, &matches, ro->full ? 0 : ro->snippet_bytes, &ex);
        ds_span_list heading_matches = {0};
        if (h->heading) {
            ds_match_terms m = hit_terms(r, h);
            ds_find_matches(a, h->heading, strlen(h->heading), &m,
                            &heading_matches);
        }
        human_hit(out, so->offset + i + 1, h, &ex, &heading_matches, ro,
                  so->explain);
        ds_span_list_free(&heading_matches);
        excerpt_free(&ex);
        ds_span_list_free(&matches);
    }
    if (r->total_if_any)
        ds_buf_printf(out, "(no passage has all the words; %lu ha%s some of "
                           "them: try --any)\n",
                      r->total_if_any, r->total_if_any == 1 ? "s" : "ve");
    const char *about = r->total_exact ? "" : "about ";
    if (r->count && (so->offset || r->count < r->total))
        ds_buf_printf(out, "showing %u-%zu of %s%lu matches\n",
                      so->offset + 1, so->offset + r->count, about, r->total);
    else
        ds_buf_printf(out, "%s%lu match%s\n", about, r->total,
                      r->total == 1 ? "" : "es");
}

void ds_render(ds_buf *out, const char *query, const ds_results *r,
               const ds_search_options *so, ds_analyzer *a,
               const ds_render_options *ro)
{
    if (ro->json)
        render_json(out, query, r, so, a, ro);
    else
        render_human(out, r, so, a, ro);
}
