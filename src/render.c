/* render.c — see render.h: the loop over the hits. */
#include "render.h"

#include <string.h>

#include "text.h"

#define ELLIPSIS "\xE2\x80\xA6 " /* "… " */
#define ELLIPSIS_LEN 4

void ds_print_options_init(ds_print_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->format = DS_FORMAT_HUMAN;
    opt->snippet_bytes = DS_SNIPPET_BYTES;
    opt->took_ms = -1;
}

void ds_json_path(ds_buf *out, const char *base, const char *source)
{
    if (!base) return;
    ds_buf path;
    ds_buf_init(&path);
    ds_buf_puts(&path, base);
    ds_buf_puts(&path, source);
    ds_buf_puts(out, ",\"path\":");
    ds_json_string(out, path.data, path.len);
    ds_buf_free(&path);
}

void ds_json_article(ds_buf *out, const ds_record *rec)
{
    ds_buf_puts(out, ",\"title\":");
    ds_json_optional(out, rec->title);
    ds_buf_puts(out, ",\"date\":");
    ds_json_optional(out, rec->date);
    ds_buf_puts(out, ",\"author\":");
    ds_json_optional(out, rec->author);
}

void ds_human_source(ds_buf *out, const char *base, const char *source)
{
    if (base) ds_terminal_safe(out, base, strlen(base));
    ds_terminal_safe(out, source, strlen(source));
}

static void push_span(ds_span_list *list, ds_span s)
{
    if (list->count == list->cap) {
        list->cap = list->cap * 2 + 8;
        list->items = ds_xrealloc(list->items, list->cap * sizeof(ds_span));
    }
    list->items[list->count++] = s;
}

/* The excerpt of `text` to show (at most about max_bytes around the
 * matches; all of it when max_bytes is 0) and its highlights, in excerpt
 * coordinates. */
static void make_excerpt(const char *text, size_t len,
                         const ds_span_list *matches, size_t max_bytes,
                         ds_buf *excerpt, ds_span_list *highlights)
{
    ds_window w = max_bytes ? ds_snippet_window(text, len, matches, max_bytes)
                            : (ds_window){0, len};
    size_t shift = 0;
    if (w.start > 0) {
        ds_buf_append(excerpt, ELLIPSIS, ELLIPSIS_LEN);
        shift = ELLIPSIS_LEN;
    }
    ds_buf_append(excerpt, text + w.start, w.end - w.start);
    if (w.end < len) ds_buf_puts(excerpt, " \xE2\x80\xA6");
    for (size_t i = 0; i < matches->count; i++) {
        ds_span s = matches->items[i];
        if (s.start >= w.start && s.end <= w.end)
            push_span(highlights, (ds_span){s.start - w.start + shift,
                                            s.end - w.start + shift});
    }
}

/* Prepare hit `i` and hand it to the printer. */
static void print_hit(ds_printer *p, ds_highlighter *hl, const ds_results *r,
                      size_t i)
{
    const ds_hit *h = &r->hits[i];
    const ds_record *rec = &h->record;
    ds_span_list matches = {0}, snippet_matches = {0}, heading_matches = {0};
    ds_buf snippet;
    ds_buf_init(&snippet);
    ds_highlight(hl, rec->text, rec->text_len, h->terms, h->n_terms,
                 &matches);
    size_t max = p->opt->format == DS_FORMAT_HUMAN && p->opt->full
                     ? 0
                     : p->opt->snippet_bytes;
    make_excerpt(rec->text, rec->text_len, &matches, max, &snippet,
                 &snippet_matches);
    if (rec->heading)
        ds_highlight(hl, rec->heading, strlen(rec->heading), h->terms,
                     h->n_terms, &heading_matches);
    ds_hit_view v = {r->info.options.offset + i + 1, h, &matches, &snippet,
                     &snippet_matches, &heading_matches};
    p->hit(p, &v);
    ds_span_list_free(&matches);
    ds_span_list_free(&snippet_matches);
    ds_span_list_free(&heading_matches);
    ds_buf_free(&snippet);
}

char *ds_results_print(const ds_results *r, const ds_print_options *opt,
                       size_t *len)
{
    ds_buf out;
    ds_buf_init(&out);
    /* About what a page of hits takes, so it is not grown a piece at a
     * time. */
    ds_buf_reserve(&out, 1024 + r->count * 1024);
    ds_printer p = {NULL, NULL, NULL, &out, opt, 0, 0, &r->info, 0, 0};
    if (opt->format == DS_FORMAT_JSON)
        ds_printer_json(&p);
    else
        ds_printer_human(&p);
    ds_highlighter *hl =
        ds_highlighter_new(r->analyzer, r->searched, r->synonyms);
    p.begin(&p, r);
    for (size_t i = 0; i < r->count; i++) print_hit(&p, hl, r, i);
    p.end(&p, r);
    ds_highlighter_free(hl);
    *len = out.len;
    return ds_buf_steal(&out);
}

int ds_results_first_match(const ds_results *r, size_t i, size_t *start,
                           size_t *end)
{
    const ds_hit *h = &r->hits[i];
    ds_span_list matches = {0};
    ds_highlighter *hl =
        ds_highlighter_new(r->analyzer, r->searched, r->synonyms);
    ds_highlight(hl, h->record.text, h->record.text_len, h->terms,
                 h->n_terms, &matches);
    ds_highlighter_free(hl);
    int found = matches.count > 0;
    if (found) {
        *start = matches.items[0].start;
        *end = matches.items[0].end;
    }
    ds_span_list_free(&matches);
    return found;
}
