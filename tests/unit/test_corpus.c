/* Unit tests of the corpus reader (src/corpus.c). */
#include "unit.h"

#include <sys/stat.h>
#include <unistd.h>

#include "../../src/corpus.h"

typedef struct {
    unsigned long lines[16];
    size_t count;
} bad_lines;

static void record_bad_line(void *ctx, unsigned long line)
{
    bad_lines *b = ctx;
    if (b->count < 16) b->lines[b->count++] = line;
}

static void lists_txt_files_recursively_in_order(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char sub[600], hidden[600];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(hidden, sizeof hidden, "%s/.git", dir);
    mkdir(sub, 0755);
    mkdir(hidden, 0755);
    UNIT_WRITE_STR(dir, "b.txt", "b");
    UNIT_WRITE_STR(dir, "a.txt", "a");
    UNIT_WRITE_STR(dir, "notes.md", "skip");
    UNIT_WRITE_STR(dir, "sub/c.txt", "c");
    UNIT_WRITE_STR(dir, ".git/d.txt", "hidden");
    ds_file_list list;
    char *err = NULL;
    assert_int_equal(ds_corpus_list(dir, &list, &err), 0);
    assert_int_equal(list.count, 3);
    assert_string_equal(list.paths[0], "a.txt");
    assert_string_equal(list.paths[1], "b.txt");
    assert_string_equal(list.paths[2], "sub/c.txt");
    ds_file_list_free(&list);
    unit_rmtree(dir);
    free(dir);
}

static void missing_directory_is_an_error_naming_it(void **state)
{
    (void)state;
    ds_file_list list;
    char *err = NULL;
    assert_int_equal(ds_corpus_list("/nonexistent/corpus", &list, &err), -1);
    assert_non_null(strstr(err, "/nonexistent/corpus"));
    free(err);
}

static void invalid_utf8_and_nul_are_replaced_and_reported(void **state)
{
    (void)state;
    const char raw[] = "good line\nbad \xff byte\nnul \0 here\nok \xc3\xa9\n";
    ds_buf out;
    ds_buf_init(&out);
    bad_lines b = {{0}, 0};
    ds_utf8_sanitize(raw, sizeof raw - 1, &out, record_bad_line, &b);
    assert_string_equal(out.data, "good line\nbad \xEF\xBF\xBD byte\n"
                                  "nul \xEF\xBF\xBD here\nok \xc3\xa9\n");
    assert_int_equal(b.count, 2);
    assert_int_equal(b.lines[0], 2);
    assert_int_equal(b.lines[1], 3);
    ds_buf_free(&out);
}

static void overlong_and_surrogate_encodings_are_invalid(void **state)
{
    (void)state;
    unsigned cp;
    assert_int_equal(ds_utf8_decode("\xc0\xaf", 2, &cp), 0);
    assert_int_equal(ds_utf8_decode("\xed\xa0\x80", 3, &cp), 0);
    assert_int_equal(ds_utf8_decode("\xf4\x90\x80\x80", 4, &cp), 0);
    assert_int_equal(ds_utf8_decode("\xe2\x80\x99", 3, &cp), 3);
    assert_int_equal(cp, 0x2019);
}

static void unreadable_entries_are_errors_not_hangs(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char path[600], fifo[600];
    snprintf(path, sizeof path, "%s/dangling.txt", dir);
    assert_int_equal(symlink("/nonexistent/target", path), 0);
    snprintf(fifo, sizeof fifo, "%s/pipe.txt", dir);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    ds_buf out;
    ds_buf_init(&out);
    char *err = NULL;
    assert_int_equal(ds_corpus_read(path, &out, NULL, NULL, &err), -1);
    assert_non_null(strstr(err, "dangling.txt"));
    free(err);
    assert_int_equal(ds_corpus_read(fifo, &out, NULL, NULL, &err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    free(err);
    ds_buf_free(&out);
    unit_rmtree(dir);
    free(dir);
}

static void reads_a_seed_article(void **state)
{
    (void)state;
    ds_buf out;
    ds_buf_init(&out);
    char *err = NULL;
    assert_int_equal(ds_corpus_read("corpus/001_5f9e68b6a499abb5.txt", &out,
                                    NULL, NULL, &err),
                     0);
    assert_int_equal(out.len, 3631);
    assert_non_null(strstr(out.data, "interim CEO of Scale AI"));
    ds_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists_txt_files_recursively_in_order),
        cmocka_unit_test(missing_directory_is_an_error_naming_it),
        cmocka_unit_test(invalid_utf8_and_nul_are_replaced_and_reported),
        cmocka_unit_test(overlong_and_surrogate_encodings_are_invalid),
        cmocka_unit_test(unreadable_entries_are_errors_not_hangs),
        cmocka_unit_test(reads_a_seed_article),
    };
    return cmocka_run_group_tests_name("corpus", tests, NULL, NULL);
}
