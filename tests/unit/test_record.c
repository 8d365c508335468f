/* Unit tests of the passage record codec (src/record.c). */
#include "unit.h"

#include "../../src/record.h"

static void round_trips_every_field(void **state)
{
    (void)state;
    ds_record in = {.source = "sub/a.txt",
                    .passage = 12,
                    .line = 40,
                    .text = "Text with = and\nnewline",
                    .text_len = 23,
                    .title = "A Title",
                    .heading = "What Next?",
                    .group = 7,
                    .author = "Jane Smith"};
    ds_buf b;
    ds_buf_init(&b);
    ds_record_encode(&in, &b);
    ds_record out;
    assert_int_equal(ds_record_decode(b.data, b.len, &out), DS_OK);
    assert_string_equal(out.source, "sub/a.txt");
    assert_int_equal(out.passage, 12);
    assert_int_equal(out.line, 40);
    assert_int_equal(out.text_len, 23);
    assert_memory_equal(out.text, in.text, 23);
    assert_string_equal(out.title, "A Title");
    assert_null(out.date); /* absent fields stay NULL */
    assert_string_equal(out.heading, "What Next?");
    assert_int_equal(out.group, 7);
    assert_string_equal(out.author, "Jane Smith");
    ds_record_free(&out);
    ds_buf_free(&b);
}

static void unknown_keys_are_ignored(void **state)
{
    (void)state;
    const char data[] = "s=a.txt\nfuture=1\np=2\n\nhello";
    ds_record r;
    assert_int_equal(ds_record_decode(data, sizeof data - 1, &r), DS_OK);
    assert_string_equal(r.text, "hello");
    ds_record_free(&r);
}

static void foreign_data_is_rejected(void **state)
{
    (void)state;
    ds_record r;
    assert_int_equal(ds_record_decode("hello world", 11, &r), DS_ERR_DAMAGED);
    assert_int_equal(ds_record_decode("", 0, &r), DS_ERR_DAMAGED);
    assert_int_equal(ds_record_decode("line=3\n\ntext", 12, &r), DS_ERR_DAMAGED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trips_every_field),
        cmocka_unit_test(unknown_keys_are_ignored),
        cmocka_unit_test(foreign_data_is_rejected),
    };
    return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
