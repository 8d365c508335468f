/* render_json.c — the JSON printer (render.h has the shape). */
#include <string.h>

#include "render.h"
#include "text.h"

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

static void json_terms(ds_buf *out, const ds_hit *h)
{
    ds_buf_puts(out, ",\"matched_terms\":[");
    size_t shown = 0;
    for (size_t t = 0; t < h->n_terms; t++) {
        if (dsx_term_is_prefixed(h->terms[t])) continue;
        if (shown++) ds_buf_putc(out, ',');
        ds_json_string(out, h->terms[t], strlen(h->terms[t]));
    }
    ds_buf_putc(out, ']');
}

static void json_also(ds_buf *out, const ds_hit *h, const char *path_base)
{
    ds_buf_puts(out, ",\"also\":[");
    for (size_t i = 0; i < h->n_also; i++) {
        ds_buf_puts(out, i ? ",{\"source\":" : "{\"source\":");
        ds_json_string(out, h->also[i].source, strlen(h->also[i].source));
        ds_json_path(out, path_base, h->also[i].source);
        ds_buf_puts(out, ",\"passage\":");
        ds_buf_put_number(out, h->also[i].passage);
        ds_buf_puts(out, ",\"sentence\":");
        if (h->also[i].sentence)
            ds_json_string(out, h->also[i].sentence,
                           strlen(h->also[i].sentence));
        else
            ds_buf_puts(out, "null");
        ds_buf_putc(out, '}');
    }
    ds_buf_putc(out, ']');
}

static void json_record(ds_buf *out, const ds_record *rec,
                        const char *path_base)
{
    ds_buf_puts(out, ",\"source\":");
    ds_json_string(out, rec->source, strlen(rec->source));
    ds_json_path(out, path_base, rec->source);
    ds_buf_puts(out, ",\"passage\":");
    ds_buf_put_number(out, rec->passage);
    ds_buf_puts(out, ",\"line\":");
    ds_buf_put_number(out, rec->line);
    ds_json_article(out, rec);
    ds_buf_puts(out, ",\"heading\":");
    ds_json_optional(out, rec->heading);
    ds_buf_puts(out, ",\"text\":");
    ds_json_string(out, rec->text, rec->text_len);
}

static void json_hit(ds_printer *p, const ds_hit_view *v)
{
    ds_buf *out = p->out;
    const ds_hit *h = v->hit;
    if (v->rank > p->hit_rank_base) ds_buf_putc(out, ',');
    ds_buf_puts(out, "{\"rank\":");
    ds_buf_put_number(out, v->rank);
    ds_buf_puts(out, ",\"score\":");
    ds_buf_put_fixed4(out, h->score);
    json_record(out, &h->record, p->opt->path_base);
    ds_buf_puts(out, ",\"snippet\":");
    ds_json_string(out, v->snippet->data, v->snippet->len);
    ds_buf_puts(out, ",\"snippet_highlights\":");
    json_spans(out, v->snippet_matches);
    ds_buf_puts(out, ",\"text_highlights\":");
    json_spans(out, v->text_matches);
    json_terms(out, h);
    ds_buf_puts(out, h->typo ? ",\"typo\":true" : ",\"typo\":false");
    ds_buf_puts(out, h->article ? ",\"article\":true" : ",\"article\":false");
    if (p->explain) json_parts(out, h);
    json_also(out, h, p->opt->path_base);
    ds_buf_putc(out, '}');
}

/* "typos":[{"word":"volker","variants":["volcker"]}],"total_typo":N, */
static void json_typos(ds_buf *out, const ds_results_info *info)
{
    ds_buf_puts(out, "\"typos\":[");
    for (size_t i = 0; i < info->n_typos; i++) {
        const ds_typo *t = &info->typos[i];
        ds_buf_puts(out, i ? ",{\"word\":" : "{\"word\":");
        ds_json_string(out, t->word, strlen(t->word));
        ds_buf_puts(out, ",\"variants\":[");
        for (size_t k = 0; k < t->n_variants; k++) {
            if (k) ds_buf_putc(out, ',');
            ds_json_string(out, t->variants[k], strlen(t->variants[k]));
        }
        ds_buf_puts(out, "]}");
    }
    ds_buf_printf(out, "],\"total_typo\":%lu,\"spread_articles\":%lu,",
                  info->total_typo, info->spread_articles);
}

static void json_begin(ds_printer *p, const ds_results *r)
{
    ds_buf *out = p->out;
    const ds_results_info *info = &r->info;
    const ds_search_options *so = &info->options;
    ds_buf_puts(out, "{\"query\":");
    ds_json_string(out, info->query, strlen(info->query));
    ds_buf_puts(out, ",\"corrected_query\":");
    ds_json_optional(out, info->corrected);
    ds_buf_puts(out, ",\"parsed_query\":");
    ds_json_string(out, info->parsed, strlen(info->parsed));
    ds_buf_printf(out,
                  ",\"match\":\"%s\",\"relaxed_syntax\":%s,\"total\":%lu,"
                  "\"total_exact\":%s,\"total_if_any\":%lu,\"offset\":%u,"
                  "\"limit\":%u,\"sort\":\"%s\",",
                  so->match_any ? "any" : "all",
                  info->relaxed_syntax ? "true" : "false", info->total,
                  info->total_exact ? "true" : "false", info->total_if_any,
                  so->offset, so->limit,
                  so->sort == DS_SORT_DATE ? "date" : "relevance");
    if (info->n_missing) { /* only then: the answers stay as they were */
        ds_buf_puts(out, "\"partial\":true,\"missing\":[");
        for (size_t i = 0; i < info->n_missing; i++) {
            if (i) ds_buf_putc(out, ',');
            ds_json_string(out, info->missing[i], strlen(info->missing[i]));
        }
        ds_buf_puts(out, "],");
    }
    ds_buf_puts(out, "\"notices\":[");
    for (size_t i = 0; i < info->n_notices; i++) {
        if (i) ds_buf_putc(out, ',');
        ds_json_string(out, info->notices[i], strlen(info->notices[i]));
    }
    ds_buf_puts(out, "],\"suggestions\":[");
    for (size_t i = 0; i < info->n_suggestions; i++) {
        const ds_suggestion *sg = &info->suggestions[i];
        ds_buf_puts(out, i ? ",{\"word\":" : "{\"word\":");
        ds_json_string(out, sg->word, strlen(sg->word));
        ds_buf_puts(out, ",\"suggestion\":");
        ds_json_string(out, sg->suggestion, strlen(sg->suggestion));
        ds_buf_printf(out, ",\"passages\":%lu}", sg->passages);
    }
    ds_buf_puts(out, "],");
    json_typos(out, info);
    if (p->opt->took_ms >= 0)
        ds_buf_printf(out, "\"took_ms\":%.3f,", p->opt->took_ms);
    if (so->explain) {
        ds_buf_puts(out, "\"stopped\":");
        ds_json_string(out, info->stopped, strlen(info->stopped));
        ds_buf_printf(out,
                      ",\"ranking\":{\"model\":\"IneB2\",\"c\":%g,"
                      "\"avg_length\":%g},",
                      info->ranking.c, info->avg_length);
    }
    ds_buf_puts(out, "\"results\":[");
    p->hit_rank_base = (size_t)so->offset + 1;
    p->explain = so->explain;
}

static void json_end(ds_printer *p, const ds_results *r)
{
    (void)r;
    ds_buf_puts(p->out, "]}\n");
}

void ds_printer_json(ds_printer *p)
{
    p->begin = json_begin;
    p->hit = json_hit;
    p->end = json_end;
}
