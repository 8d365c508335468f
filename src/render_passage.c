/*
 * render_passage.c — a passage and its neighbours as ds_searcher_passage
 * found them (dealsearch.h's ds_passages_print): `dealsearch show` prints
 * it, the server's /api/passage answers with its JSON.
 *
 *   corpus/001_x.txt ¶5 of 12
 *       Title · by Jane Smith · 2025-06-13
 *
 *     ¶4  line 4
 *       ...
 *   ▶ ¶5  line 5
 *       ▸ Heading
 *       ...
 *
 * A heading is shown above the first passage under it.
 */
#include <string.h>

#include "render.h"
#include "text.h"

#define MARK "\xE2\x96\xB6 "   /* "▶ " */
#define HEADING_LEAD DS_HUMAN_INDENT "\xE2\x96\xB8 " /* "    ▸ " */
#define ANSI_BOLD "\033[1m"
#define ANSI_RESET "\033[0m"

static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static void human_passage(ds_buf *out, const ds_record *rec,
                          const ds_record *before, int marked,
                          const ds_print_options *opt)
{
    const char *bold = marked && opt->color ? ANSI_BOLD : "";
    ds_buf_printf(out, "\n%s%s\xC2\xB6%lu%s  line %lu\n", marked ? MARK : "  ",
                  bold, rec->passage, *bold ? ANSI_RESET : "", rec->line);
    ds_span_list none = {0};
    if (rec->heading && (!before || !same(rec->heading, before->heading)))
        ds_human_text(out, opt, HEADING_LEAD, 6, rec->heading,
                      strlen(rec->heading), &none);
    /* The passage asked for in bold, all of it. */
    ds_span whole = {0, rec->text_len};
    ds_span_list all = {&whole, 1, 1};
    ds_human_text(out, opt, DS_HUMAN_INDENT, 4, rec->text, rec->text_len,
                  marked ? &all : &none);
}

static void human_passages(ds_buf *out, const ds_record *recs, size_t count,
                           const ds_record *at, unsigned long of,
                           const ds_print_options *opt)
{
    ds_human_source(out, opt->path_base, at->source);
    ds_buf_printf(out, " \xC2\xB6%lu of %lu\n", at->passage, of);
    ds_human_article_line(out, at, opt);
    for (size_t i = 0; i < count; i++)
        human_passage(out, &recs[i], i ? &recs[i - 1] : NULL,
                      &recs[i] == at, opt);
}

static void json_passages(ds_buf *out, const ds_record *recs, size_t count,
                          const ds_record *at, unsigned long of,
                          const ds_print_options *opt)
{
    ds_buf_puts(out, "{\"source\":");
    ds_json_string(out, at->source, strlen(at->source));
    ds_json_path(out, opt->path_base, at->source);
    ds_buf_printf(out, ",\"passage\":%lu,\"passages_in_source\":%lu",
                  at->passage, of);
    ds_json_article(out, at);
    ds_buf_puts(out, ",\"passages\":[");
    for (size_t i = 0; i < count; i++) {
        const ds_record *rec = &recs[i];
        ds_buf_printf(out, "%s{\"passage\":%lu,\"line\":%lu,\"heading\":",
                      i ? "," : "", rec->passage, rec->line);
        ds_json_optional(out, rec->heading);
        ds_buf_puts(out, ",\"text\":");
        ds_json_string(out, rec->text, rec->text_len);
        ds_buf_putc(out, '}');
    }
    ds_buf_puts(out, "]}\n");
}

char *ds_passages_print(const ds_record *records, size_t count,
                        unsigned long n, unsigned long of,
                        const ds_print_options *opt, size_t *len)
{
    const ds_record *at = records;
    while (at->passage != n) at++; /* there: the caller says */
    ds_buf out;
    ds_buf_init(&out);
    if (opt->format == DS_FORMAT_JSON)
        json_passages(&out, records, count, at, of, opt);
    else
        human_passages(&out, records, count, at, of, opt);
    *len = out.len;
    return ds_buf_steal(&out);
}
