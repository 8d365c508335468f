/* render_human.c — the human printer: a listing, highlighted (ANSI) and
 * wrapped when it goes to a terminal; every string terminal-safe. */
#include <string.h>

#include "render.h"
#include "text.h"

#define ANSI_BOLD "\033[1m"
#define ANSI_HEADER "\033[35m" /* like grep's file names */
#define ANSI_DIM "\033[2m"
#define ANSI_RESET "\033[0m"

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
    const ds_print_options *ro;
    size_t column;
} text_writer;

#define INDENT DS_HUMAN_INDENT
#define INDENT_COLUMNS 4

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

void ds_human_text(ds_buf *out, const ds_print_options *opt,
                   const char *lead, size_t lead_columns, const char *text,
                   size_t len, const ds_span_list *spans)
{
    text_writer tw = {out, opt, 0};
    write_passage(&tw, lead, lead_columns, text, len, spans);
}

void ds_human_article_line(ds_buf *out, const ds_record *rec,
                           const ds_print_options *opt)
{
    /* A passage that is its title (a JSON record of a title alone) is
     * not shown twice. */
    const char *title = rec->title;
    if (title && rec->text && strcmp(title, rec->text) == 0) title = NULL;
    const char *parts[] = {title, rec->author, rec->date};
    if (!title && !rec->author && !rec->date) return;
    ds_buf_puts(out, INDENT);
    if (opt->color) ds_buf_puts(out, ANSI_DIM);
    const char *sep = "";
    for (size_t i = 0; i < 3; i++) {
        if (!parts[i]) continue;
        ds_buf_puts(out, sep);
        if (parts[i] == rec->author) ds_buf_puts(out, "by ");
        ds_terminal_safe(out, parts[i], strlen(parts[i]));
        sep = " \xC2\xB7 ";
    }
    if (opt->color) ds_buf_puts(out, ANSI_RESET);
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
                       const ds_print_options *opt)
{
    ds_buf_puts(out, INDENT);
    if (opt->color) ds_buf_puts(out, ANSI_DIM);
    ds_buf_puts(out, "also reported in:");
    for (size_t i = 0; i < h->n_also; i++) {
        ds_buf_puts(out, i ? ", " : " ");
        ds_human_source(out, opt->path_base, h->also[i].source);
        ds_buf_printf(out, " \xC2\xB6%lu", h->also[i].passage);
    }
    if (opt->color) ds_buf_puts(out, ANSI_RESET);
    ds_buf_putc(out, '\n');
}

/* "volker → volcker, volkers; wang → wong" */
static void human_typos(ds_buf *out, const ds_results_info *info)
{
    for (size_t i = 0; i < info->n_typos; i++) {
        const ds_typo *t = &info->typos[i];
        if (i) ds_buf_puts(out, "; ");
        ds_terminal_safe(out, t->word, strlen(t->word));
        ds_buf_puts(out, " \xE2\x86\x92 ");
        for (size_t k = 0; k < t->n_variants; k++) {
            if (k) ds_buf_puts(out, ", ");
            ds_terminal_safe(out, t->variants[k], strlen(t->variants[k]));
        }
    }
}

/* How the query was read and ranked. */
static void human_query_explanation(ds_buf *out, const ds_results_info *r)
{
    ds_buf_puts(out, "query: ");
    ds_terminal_safe(out, r->parsed, strlen(r->parsed));
    if (r->stopped[0]) {
        ds_buf_puts(out, "\nstopwords left out: ");
        ds_terminal_safe(out, r->stopped, strlen(r->stopped));
    }
    ds_buf_printf(out,
                  "\nranking: IneB2 (divergence from randomness) c=%g, "
                  "average passage %.1f words; "
                  "score = sum of the parts below\n",
                  r->ranking.c, r->avg_length);
    if (r->n_typos) {
        ds_buf_puts(out, "typo variants, ranked after the words as written: ");
        human_typos(out, r);
        ds_buf_putc(out, '\n');
    }
    ds_buf_putc(out, '\n');
}

static void human_hit(ds_printer *p, const ds_hit_view *v)
{
    ds_buf *out = p->out;
    const ds_print_options *opt = p->opt;
    const ds_hit *h = v->hit;
    if (h->typo && !p->typos_shown) {
        ds_buf_puts(out, "similar spellings: ");
        human_typos(out, p->info);
        ds_buf_puts(out, "\n\n");
        p->typos_shown = 1;
    }
    if (h->article && !p->articles_shown) {
        unsigned long n = p->info->spread_articles;
        ds_buf_printf(out, "%lu article%s all the words, spread over title "
                           "and passages:\n\n",
                      n, n == 1 ? " holds" : "s hold");
        p->articles_shown = 1;
    }
    const ds_record *rec = &h->record;
    const char *on = opt->color ? ANSI_HEADER : "";
    const char *dim = opt->color ? ANSI_DIM : "";
    const char *off = opt->color ? ANSI_RESET : "";
    ds_buf_printf(out, "%zu. %s", v->rank, on);
    ds_human_source(out, opt->path_base, rec->source);
    ds_buf_printf(out, "%s \xC2\xB6%lu  %sline %lu, score %.2f%s\n", off,
                  rec->passage, dim, rec->line, h->score, off);
    ds_human_article_line(out, rec, opt);
    text_writer tw = {out, opt, 0};
    if (rec->heading)
        write_passage(&tw, INDENT "\xE2\x96\xB8 ", INDENT_COLUMNS + 2,
                      rec->heading, strlen(rec->heading), v->heading_matches);
    write_passage(&tw, INDENT, INDENT_COLUMNS, v->snippet->data,
                  v->snippet->len, v->snippet_matches);
    if (p->explain) human_parts(out, h);
    if (h->n_also) human_also(out, h, opt);
    ds_buf_putc(out, '\n');
}

/* "did you mean: Volcker (408 passages)?" */
static void human_suggestions(ds_buf *out, const ds_results_info *info)
{
    if (!info->n_suggestions) return;
    ds_buf_puts(out, "did you mean: ");
    for (size_t i = 0; i < info->n_suggestions; i++) {
        const ds_suggestion *sg = &info->suggestions[i];
        if (i) ds_buf_puts(out, ", ");
        ds_terminal_safe(out, sg->suggestion, strlen(sg->suggestion));
        ds_buf_printf(out, " (%lu passage%s)", sg->passages,
                      sg->passages == 1 ? "" : "s");
    }
    ds_buf_puts(out, "?\n\n");
}

static void human_begin(ds_printer *p, const ds_results *r)
{
    ds_buf *out = p->out;
    const ds_results_info *info = &r->info;
    if (info->corrected) {
        ds_buf_puts(out, "showing results for: ");
        ds_terminal_safe(out, info->corrected, strlen(info->corrected));
        ds_buf_puts(out, "  (--exact searches the words as typed)\n\n");
    }
    human_suggestions(out, info);
    p->explain = info->options.explain;
    p->info = info;
    p->typos_shown = 0;
    p->articles_shown = 0;
    if (p->explain) human_query_explanation(out, info);
}

static void human_end(ds_printer *p, const ds_results *r)
{
    ds_buf *out = p->out;
    const ds_results_info *info = &r->info;
    unsigned offset = info->options.offset;
    if (info->total_if_any)
        ds_buf_printf(out, "(no passage has all the words; %lu ha%s some of "
                           "them: try --any)\n",
                      info->total_if_any,
                      info->total_if_any == 1 ? "s" : "ve");
    const char *about = info->total_exact ? "" : "about ";
    if (!r->count && info->total && info->options.limit)
        ds_buf_printf(out, "no results on this page (%s%lu in all)\n", about,
                      info->total);
    else if (r->count && (offset || r->count < info->total))
        ds_buf_printf(out, "showing %u-%zu of %s%lu matches", offset + 1,
                      offset + r->count, about, info->total);
    else
        ds_buf_printf(out, "%s%lu match%s", about, info->total,
                      info->total == 1 ? "" : "es");
    if (info->total_typo && (r->count || !info->options.limit))
        ds_buf_printf(out, " (%lu by similar spellings)", info->total_typo);
    ds_buf_putc(out, '\n');
    for (size_t i = 0; i < info->n_missing; i++) {
        ds_buf_puts(out, i ? ", " : "partial results, without: ");
        ds_terminal_safe(out, info->missing[i], strlen(info->missing[i]));
        if (i + 1 == info->n_missing) ds_buf_putc(out, '\n');
    }
}

void ds_printer_human(ds_printer *p)
{
    p->begin = human_begin;
    p->hit = human_hit;
    p->end = human_end;
}
