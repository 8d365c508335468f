/* record.c — see record.h. */
#include "record.h"

#include <stdlib.h>
#include <string.h>

void ds_record_encode(const ds_record *r, ds_buf *out)
{
    ds_buf_clear(out);
    ds_buf_printf(out, "source=%s\npassage=%lu\nline=%lu\n\n", r->source,
                  r->passage, r->line);
    ds_buf_append(out, r->text, r->text_len);
}

static unsigned long parse_number(const char *s, size_t len)
{
    unsigned long v = 0;
    for (size_t i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        v = v * 10 + (unsigned long)(s[i] - '0');
    return v;
}

int ds_record_decode(const char *data, size_t len, ds_record *r)
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
        if (key_len == 6 && memcmp(p, "source", 6) == 0) {
            free(r->source);
            r->source = ds_xstrndup(eq + 1, value_len);
        } else if (key_len == 7 && memcmp(p, "passage", 7) == 0) {
            r->passage = parse_number(eq + 1, value_len);
        } else if (key_len == 4 && memcmp(p, "line", 4) == 0) {
            r->line = parse_number(eq + 1, value_len);
        }
        p = nl + 1;
    }
    p++;
    if (!r->source || r->passage == 0) goto bad;
    r->text_len = (size_t)(end - p);
    r->text = ds_xstrndup(p, r->text_len);
    return 0;
bad:
    ds_record_free(r);
    return -1;
}

void ds_record_free(ds_record *r)
{
    free(r->source);
    free(r->text);
    memset(r, 0, sizeof *r);
}
