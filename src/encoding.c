/* encoding.c — see encoding.h. */
#include "encoding.h"

static const char REPLACEMENT_CHAR[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Windows-1252's 0x80-0x9F; 0 where it defines no character. */
static const unsigned short CP1252_HIGH[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

static int ascii_letter(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* Could the byte at bytes[i], invalid as UTF-8, be Windows-1252 text?  A
 * letter (0xC0-0xFF but the signs x and /) touches another letter; a sign
 * or punctuation (0x80-0xBF, defined ones) touches no control byte.  A
 * lone 0xFF between spaces is a stray byte, not a "y" with diaeresis. */
static int plausible_cp1252(const char *bytes, size_t len, size_t i)
{
    unsigned char c = (unsigned char)bytes[i];
    unsigned char prev = i ? (unsigned char)bytes[i - 1] : ' ';
    unsigned char next = i + 1 < len ? (unsigned char)bytes[i + 1] : ' ';
    if (c >= 0xC0 && c != 0xD7 && c != 0xF7)
        return ascii_letter(prev) || prev >= 0xC0 || ascii_letter(next) ||
               next >= 0xC0;
    if (c < 0xA0 && !CP1252_HIGH[c - 0x80]) return 0;
    return (prev >= 0x20 || prev == '\n' || prev == '\t') &&
           (next >= 0x20 || next == '\n' || next == '\r' || next == '\t');
}

ds_encoding ds_encoding_detect(const char *bytes, size_t len)
{
    size_t valid_multi = 0, plausible = 0, implausible = 0;
    for (size_t i = 0; i < len;) {
        if ((unsigned char)bytes[i] < 0x80) {
            i++;
            continue;
        }
        unsigned cp;
        size_t n = ds_utf8_decode(bytes + i, len - i, &cp);
        if (n) {
            valid_multi++;
            i += n;
            continue;
        }
        if (plausible_cp1252(bytes, len, i))
            plausible++;
        else
            implausible++;
        i++;
    }
    return plausible > valid_multi && plausible >= implausible
               ? DS_ENCODING_CP1252
               : DS_ENCODING_UTF8;
}

/* Reports each line with a replaced byte once. */
typedef struct {
    ds_bad_line_fn fn;
    void *ctx;
    unsigned long line, last_reported;
} line_reporter;

static void replaced(ds_buf *out, line_reporter *r)
{
    ds_buf_append(out, REPLACEMENT_CHAR, 3);
    if (r->fn && r->line != r->last_reported) {
        r->fn(r->ctx, r->line);
        r->last_reported = r->line;
    }
}

/* UTF-8: runs of good bytes are copied as they are; a NUL or an invalid
 * sequence is replaced one byte at a time (resynchronising at the next). */
static void decode_utf8(const char *bytes, size_t len, ds_buf *out,
                        line_reporter *r)
{
    size_t run = 0, i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)bytes[i];
        if (c >= 0x01 && c < 0x80) {
            r->line += c == '\n';
            i++;
            continue;
        }
        unsigned cp;
        size_t n = c ? ds_utf8_decode(bytes + i, len - i, &cp) : 0;
        if (n) {
            i += n;
            continue;
        }
        ds_buf_append(out, bytes + run, i - run);
        replaced(out, r);
        run = ++i;
    }
    ds_buf_append(out, bytes + run, len - run);
}

static void decode_cp1252(const char *bytes, size_t len, ds_buf *out,
                          line_reporter *r)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)bytes[i];
        if (c >= 0x01 && c < 0x80) {
            r->line += c == '\n';
            continue;
        }
        ds_buf_append(out, bytes + run, i - run);
        run = i + 1;
        unsigned cp = c >= 0xA0 ? c : c >= 0x80 ? CP1252_HIGH[c - 0x80] : 0;
        if (!cp) {
            replaced(out, r);
            continue;
        }
        char utf8[4];
        ds_buf_append(out, utf8, ds_utf8_encode(cp, utf8));
    }
    ds_buf_append(out, bytes + run, len - run);
}

ds_encoding ds_text_decode(const char *bytes, size_t len, ds_buf *out,
                           ds_bad_line_fn bad_line, void *ctx)
{
    line_reporter r = {bad_line, ctx, 1, 0};
    ds_encoding enc = ds_encoding_detect(bytes, len);
    ds_buf_reserve(out, enc == DS_ENCODING_UTF8 ? len : len + len / 8);
    if (enc == DS_ENCODING_UTF8)
        decode_utf8(bytes, len, out, &r);
    else
        decode_cp1252(bytes, len, out, &r);
    return enc;
}
