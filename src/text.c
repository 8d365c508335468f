/* text.c — see text.h. */
#include "text.h"

#include <string.h>

void ds_json_string(ds_buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    ds_buf_reserve(out, len + 2);
    ds_buf_putc(out, '"');
    size_t copied = 0; /* s[copied..i) is appended as it is */
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        unsigned cp;
        size_t n;
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80 && (n = ds_utf8_decode(s + i, len - i, &cp)) != 0) {
            i += n;
            continue;
        }
        ds_buf_append(out, s + copied, i - copied);
        if (c == '"' || c == '\\') {
            ds_buf_putc(out, '\\');
            ds_buf_putc(out, (char)c);
        } else if (c == '\n') {
            ds_buf_puts(out, "\\n");
        } else if (c == '\t') {
            ds_buf_puts(out, "\\t");
        } else if (c < 0x80) { /* other control characters */
            char esc[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            ds_buf_append(out, esc, sizeof esc);
        } else { /* not UTF-8 */
            ds_buf_puts(out, "\\ufffd");
        }
        copied = ++i;
    }
    ds_buf_append(out, s + copied, len - copied);
    ds_buf_putc(out, '"');
}

void ds_terminal_safe(ds_buf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        unsigned cp;
        size_t n;
        if (c < 0x80) {
            ds_buf_putc(out, c < 0x20 || c == 0x7F ? '?' : (char)c);
            i++;
        } else if ((n = ds_utf8_decode(s + i, len - i, &cp)) != 0) {
            if (cp >= 0x80 && cp <= 0x9F)
                ds_buf_putc(out, '?');
            else
                ds_buf_append(out, s + i, n);
            i += n;
        } else {
            ds_buf_puts(out, "\xEF\xBF\xBD");
            i++;
        }
    }
}

void ds_json_optional(ds_buf *out, const char *s)
{
    if (s)
        ds_json_string(out, s, strlen(s));
    else
        ds_buf_puts(out, "null");
}
