/* Unit tests of the per-file text decoder (src/encoding.c). */
#include "unit.h"

#include "../../src/encoding.h"

typedef struct {
    unsigned long lines[16];
    size_t count;
} bad_lines;

static void record_bad_line(void *ctx, unsigned long line)
{
    bad_lines *b = ctx;
    if (b->count < 16) b->lines[b->count++] = line;
}

/* Decode `len` bytes; the result is malloc'd, its encoding in *enc. */
static char *decode(const char *bytes, size_t len, ds_encoding *enc,
                    bad_lines *b)
{
    ds_buf out;
    ds_buf_init(&out);
    *enc = ds_text_decode(bytes, len, &out, b ? record_bad_line : NULL, b);
    return ds_buf_steal(&out);
}

static void valid_utf8_is_copied_unchanged(void **state)
{
    (void)state;
    const char text[] = "S\xC3\xA3o Paulo \xE2\x80\x9Cquoted\xE2\x80\x9D\n";
    ds_encoding enc;
    bad_lines b = {{0}, 0};
    char *out = decode(text, sizeof text - 1, &enc, &b);
    assert_int_equal(enc, DS_ENCODING_UTF8);
    assert_string_equal(out, text);
    assert_int_equal(b.count, 0);
    free(out);
    out = decode("", 0, &enc, NULL);
    assert_int_equal(enc, DS_ENCODING_UTF8);
    assert_string_equal(out, "");
    free(out);
}

static void latin1_is_decoded_not_replaced(void **state)
{
    (void)state;
    const char text[] = "S\xE3o Paulo, Qu\xE9" "bec, \xA3" "5 and 20\xB0\n";
    ds_encoding enc;
    bad_lines b = {{0}, 0};
    char *out = decode(text, sizeof text - 1, &enc, &b);
    assert_int_equal(enc, DS_ENCODING_CP1252);
    assert_string_equal(out, "S\xC3\xA3o Paulo, Qu\xC3\xA9" "bec, \xC2\xA3"
                             "5 and 20\xC2\xB0\n");
    assert_int_equal(b.count, 0);
    free(out);
}

static void windows_1252_quotes_and_dashes_are_decoded(void **state)
{
    (void)state;
    const char text[] = "\x93Yes,\x94 he said \x96 it\x92s \x80" "5\x85\n";
    ds_encoding enc;
    char *out = decode(text, sizeof text - 1, &enc, NULL);
    assert_int_equal(enc, DS_ENCODING_CP1252);
    assert_string_equal(out, "\xE2\x80\x9CYes,\xE2\x80\x9D he said "
                             "\xE2\x80\x93 it\xE2\x80\x99s \xE2\x82\xAC"
                             "5\xE2\x80\xA6\n");
    free(out);
}

static void utf8_with_a_stray_byte_stays_utf8(void **state)
{
    (void)state;
    const char text[] = "Caf\xC3\xA9 and na\xC3\xAFve\nstray \xFF byte\n";
    ds_encoding enc;
    bad_lines b = {{0}, 0};
    char *out = decode(text, sizeof text - 1, &enc, &b);
    assert_int_equal(enc, DS_ENCODING_UTF8);
    assert_string_equal(out, "Caf\xC3\xA9 and na\xC3\xAFve\nstray "
                             "\xEF\xBF\xBD byte\n");
    assert_int_equal(b.count, 1);
    assert_int_equal(b.lines[0], 2);
    free(out);
}

static void undefined_bytes_and_nuls_are_replaced_and_reported(void **state)
{
    (void)state;
    const char text[] = "caf\xE9\nbad \x81 here\nnul \0 too\nok\n";
    ds_encoding enc;
    bad_lines b = {{0}, 0};
    char *out = decode(text, sizeof text - 1, &enc, &b);
    assert_int_equal(enc, DS_ENCODING_CP1252);
    assert_string_equal(out, "caf\xC3\xA9\nbad \xEF\xBF\xBD here\n"
                             "nul \xEF\xBF\xBD too\nok\n");
    assert_int_equal(b.count, 2);
    assert_int_equal(b.lines[0], 2);
    assert_int_equal(b.lines[1], 3);
    free(out);
}

static void the_majority_decides(void **state)
{
    (void)state;
    /* One valid multi-byte sequence, two accented letters that are not:
     * Windows-1252. */
    assert_int_equal(ds_encoding_detect("\xC3\xA9 caf\xE9 cr\xE8me", 14),
                     DS_ENCODING_CP1252);
    /* Two valid, one invalid (a character cut at the end): UTF-8. */
    assert_int_equal(ds_encoding_detect("\xC3\xA9\xC3\xA8 \xE2\x80", 7),
                     DS_ENCODING_UTF8);
    assert_int_equal(ds_encoding_detect("plain ASCII", 11), DS_ENCODING_UTF8);
}

static void a_stray_byte_in_ascii_is_no_latin1(void **state)
{
    (void)state;
    const char text[] = "Good passage.\nA line with a bad \xff byte.\n";
    ds_encoding enc;
    bad_lines b = {{0}, 0};
    char *out = decode(text, sizeof text - 1, &enc, &b);
    assert_int_equal(enc, DS_ENCODING_UTF8);
    assert_string_equal(out, "Good passage.\nA line with a bad \xEF\xBF\xBD "
                             "byte.\n");
    assert_int_equal(b.count, 1);
    assert_int_equal(b.lines[0], 2);
    free(out);
    /* A Windows-1252 apostrophe in a word reads as one. */
    assert_int_equal(ds_encoding_detect("it\x92s", 4), DS_ENCODING_CP1252);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_utf8_is_copied_unchanged),
        cmocka_unit_test(latin1_is_decoded_not_replaced),
        cmocka_unit_test(windows_1252_quotes_and_dashes_are_decoded),
        cmocka_unit_test(utf8_with_a_stray_byte_stays_utf8),
        cmocka_unit_test(undefined_bytes_and_nuls_are_replaced_and_reported),
        cmocka_unit_test(the_majority_decides),
        cmocka_unit_test(a_stray_byte_in_ascii_is_no_latin1),
    };
    return cmocka_run_group_tests_name("encoding", tests, NULL, NULL);
}
