/* record.c — see record.h. */
#include "record.h"

#include <stdlib.h>
#include <string.h>

void ds_record_encode(const ds_record *r, ds_buf *out)
{
    ds_buf_clear(out);
    ds_buf_printf(out, "s=%s\np=%lu\nl=%lu\n", r->source, r->passage,
                  r->line);
    if (r->title) ds_buf_printf(out, "t=%s\n", r->title);
    if (r->date) ds_buf_printf(out, "d=%s\n", r->date);
    if (r->heading) ds_buf_printf(out, "h=%s\n", r->heading);
    if (r->group) ds_buf_printf(out, "g=%lu\n", r->group);
    if (r->title_in_text) ds_buf_puts(out, "x=1\n");
    if (r->author) ds_buf_printf(out, "a=%s\n", r->author);
    ds_buf_putc(out, '\n');
    ds_buf_append(out, r->text, r->text_len);
}

static int key_is(const char *p, size_t len, const char *key)
{
    return len == strlen(key) && memcmp(p, key, len) == 0;
}

static void set_string(char **field, const char *value, size_t len)
{
    free(*field);
    *field = ds_xstrndup(value, len);
}

static unsigned long parse_number(const char *s, size_t len)
{
    unsigned long v = 0;
    for (size_t i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        v = v * 10 + (unsigned long)(s[i] - '0');
    return v;
}

ds_status ds_record_decode(const char *data, size_t len, ds_record *r)
{
    memset(r, 0, sizeof *r);
    const char *p = data, *end = data + len;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) goto bad;
        if (nl == p) break; /* the empty line before the text */
        const char *eq = memchr(p, '=', (size_t)(nl - p));
        if (!eq) goto bad;
        size_t key_len = (size_t)(eq - p), value_len = (size_t)(nl - eq - 1);
        const char *value = eq + 1;
        if (key_is(p, key_len, "s"))
            set_string(&r->source, value, value_len);
        else if (key_is(p, key_len, "p"))
            r->passage = parse_number(value, value_len);
        else if (key_is(p, key_len, "l"))
            r->line = parse_number(value, value_len);
        else if (key_is(p, key_len, "t"))
            set_string(&r->title, value, value_len);
        else if (key_is(p, key_len, "d"))
            set_string(&r->date, value, value_len);
        else if (key_is(p, key_len, "h"))
            set_string(&r->heading, value, value_len);
        else if (key_is(p, key_len, "g"))
            r->group = parse_number(value, value_len);
        else if (key_is(p, key_len, "x"))
            r->title_in_text = parse_number(value, value_len) != 0;
        else if (key_is(p, key_len, "a"))
            set_string(&r->author, value, value_len);
        p = nl + 1;
    }
    p++;
    if (!r->source || r->passage == 0) goto bad;
    r->text_len = (size_t)(end - p);
    r->text = ds_xstrndup(p, r->text_len);
    return DS_OK;
bad:
    ds_record_free(r);
    return DS_ERR_DAMAGED;
}

void ds_record_free(ds_record *r)
{
    free(r->source);
    free(r->text);
    free(r->title);
    free(r->author);
    free(r->date);
    free(r->heading);
    memset(r, 0, sizeof *r);
}
