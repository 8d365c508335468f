/* Unit tests of escaping for output (src/text.c) and snippet choice
 * (src/highlight.c). */
#include "unit.h"

#include "../../src/highlight.h"
#include "../../src/text.h"

static void json_escapes_every_control_character(void **state)
{
    (void)state;
    ds_buf b;
    ds_buf_init(&b);
    const char s[] = "q\"b\\s\n\t\x01\x1f\x7f ok \xff \xc3\xa9";
    ds_json_string(&b, s, sizeof s - 1);
    assert_string_equal(b.data, "\"q\\\"b\\\\s\\n\\t\\u0001\\u001f\\u007f ok "
                                "\\ufffd \xc3\xa9\"");
    ds_buf_free(&b);
}

static void terminal_output_has_no_raw_controls(void **state)
{
    (void)state;
    ds_buf b;
    ds_buf_init(&b);
    const char s[] = "a\033[31mred\x07 \xc2\x9b c1 \xfe";
    ds_terminal_safe(&b, s, sizeof s - 1);
    assert_string_equal(b.data, "a?[31mred? ? c1 \xEF\xBF\xBD");
    ds_buf_free(&b);
}

static void short_text_is_its_own_snippet(void **state)
{
    (void)state;
    ds_span_list m = {0};
    ds_window w = ds_snippet_window("short", 5, &m, 100);
    assert_int_equal(w.start, 0);
    assert_int_equal(w.end, 5);
}

static void snippet_centres_on_the_matches(void **state)
{
    (void)state;
    char text[2001];
    memset(text, 'x', 2000);
    for (int i = 5; i < 2000; i += 6) text[i] = ' ';
    text[2000] = '\0';
    memcpy(text + 1200, "hit", 3);
    ds_span span = {1200, 1203};
    ds_span_list m = {&span, 1, 1};
    ds_window w = ds_snippet_window(text, 2000, &m, 200);
    assert_true(w.start <= 1200 && w.end >= 1203);
    assert_true(w.end - w.start <= 200);
    assert_true(w.start == 0 || text[w.start - 1] == ' '); /* word edge */
}

static void snippet_prefers_more_distinct_matches(void **state)
{
    (void)state;
    /* "alpha" alone early; "alpha" and "beta" together later. */
    char text[3001];
    memset(text, 'x', 3000);
    for (int i = 7; i < 3000; i += 8) text[i] = ' ';
    text[3000] = '\0';
    memcpy(text + 80, "alpha", 5);
    memcpy(text + 2000, "alpha", 5);
    memcpy(text + 2040, "beta", 4);
    ds_span spans[] = {{80, 85}, {2000, 2005}, {2040, 2044}};
    ds_span_list m = {spans, 3, 3};
    ds_window w = ds_snippet_window(text, 3000, &m, 300);
    assert_true(w.start <= 2000 && w.end >= 2044);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_escapes_every_control_character),
        cmocka_unit_test(terminal_output_has_no_raw_controls),
        cmocka_unit_test(short_text_is_its_own_snippet),
        cmocka_unit_test(snippet_centres_on_the_matches),
        cmocka_unit_test(snippet_prefers_more_distinct_matches),
    };
    return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
