/* reader.c — see reader.h. */
#include "reader.h"

#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "text.h"

struct ds_reader {
    ds_reader_kind kind;
    ds_rules *rules;   /* news: a compiled copy of the built-in rules */
};

const char *ds_reader_kind_name(ds_reader_kind kind)
{
    return kind == DS_READER_PLAIN ? "plain" : "news";
}

int ds_reader_kind_parse(const char *name, ds_reader_kind *kind)
{
    if (strcmp(name, "news") == 0) *kind = DS_READER_NEWS;
    else if (strcmp(name, "plain") == 0) *kind = DS_READER_PLAIN;
    else return 0;
    return 1;
}

ds_reader *ds_reader_new(ds_reader_kind kind)
{
    ds_reader *r = ds_xmalloc(sizeof *r);
    r->kind = kind;
    r->rules = kind == DS_READER_NEWS ? ds_rules_builtin_copy() : NULL;
    return r;
}

void ds_reader_free(ds_reader *r)
{
    if (!r) return;
    ds_rules_free(r->rules);
    free(r);
}

void ds_reader_split(ds_reader *r, const char *text, size_t len,
                     ds_article *out)
{
    if (r->kind == DS_READER_PLAIN)
        ds_paragraphs_split(text, len, out);
    else
        ds_article_split(r->rules, text, len, out);
}

#define INDENT "    "

void ds_article_describe(ds_buf *out, const ds_article *a)
{
    ds_buf_puts(out, "title: ");
    if (a->title)
        ds_terminal_safe(out, a->title, strlen(a->title));
    else
        ds_buf_puts(out, "(none)");
    ds_buf_printf(out, "\ndate: %s\nauthor: ",
                  a->date[0] ? a->date : "(none)");
    if (a->author)
        ds_terminal_safe(out, a->author, strlen(a->author));
    else
        ds_buf_puts(out, "(none)");
    ds_buf_printf(out, "\npassages: %zu\n", a->count);
    for (size_t i = 0; i < a->count; i++) {
        const ds_passage *p = &a->items[i];
        ds_buf_printf(out, "\n\xC2\xB6%zu line %lu", i + 1, p->first_line);
        if (p->heading) {
            ds_buf_puts(out, " heading: ");
            ds_terminal_safe(out, p->heading, strlen(p->heading));
        }
        ds_buf_puts(out, "\n" INDENT);
        ds_terminal_safe(out, p->text, p->len);
        ds_buf_putc(out, '\n');
    }
    if (a->n_dropped) ds_buf_putc(out, '\n');
    for (size_t i = 0; i < a->n_dropped; i++) {
        const ds_dropped_line *d = &a->dropped[i];
        ds_buf_printf(out, "dropped line %lu (%s): ", d->line, d->rule);
        ds_terminal_safe(out, d->text, strlen(d->text));
        ds_buf_putc(out, '\n');
    }
}

void ds_article_json(ds_buf *out, const char *file, const ds_article *a)
{
    ds_buf_puts(out, "{\"file\":");
    ds_json_string(out, file, strlen(file));
    ds_buf_puts(out, ",\"title\":");
    ds_json_optional(out, a->title);
    ds_buf_puts(out, ",\"date\":");
    ds_json_optional(out, a->date[0] ? a->date : NULL);
    ds_buf_puts(out, ",\"author\":");
    ds_json_optional(out, a->author);
    ds_buf_puts(out, ",\"passages\":[");
    for (size_t i = 0; i < a->count; i++) {
        const ds_passage *p = &a->items[i];
        ds_buf_puts(out, i ? ",{\"text\":" : "{\"text\":");
        ds_json_string(out, p->text, p->len);
        ds_buf_puts(out, ",\"heading\":");
        ds_json_optional(out, p->heading);
        ds_buf_puts(out, ",\"line\":");
        ds_buf_put_number(out, p->first_line);
        ds_buf_putc(out, '}');
    }
    ds_buf_puts(out, "],\"dropped\":[");
    for (size_t i = 0; i < a->n_dropped; i++) {
        const ds_dropped_line *d = &a->dropped[i];
        ds_buf_puts(out, i ? ",{\"line\":" : "{\"line\":");
        ds_buf_put_number(out, d->line);
        ds_buf_puts(out, ",\"rule\":");
        ds_json_string(out, d->rule, strlen(d->rule));
        ds_buf_puts(out, ",\"text\":");
        ds_json_string(out, d->text, strlen(d->text));
        ds_buf_putc(out, '}');
    }
    ds_buf_puts(out, "]}\n");
}
