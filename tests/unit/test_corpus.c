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

/* Open the folder or JSON lines corpus at `path` (news reader). */
static ds_corpus *open_corpus(ds_corpus_kind kind, const char *path, int split)
{
    ds_corpus_spec spec = {kind, path, DS_READER_NEWS, split};
    ds_corpus *c = NULL;
    char *err = NULL;
    assert_int_equal(ds_corpus_open(&spec, NULL, NULL, &c, &err), DS_OK);
    assert_null(err);
    return c;
}

/* Read entry i: its status; the doc is left for the caller to check. */
static ds_status read_entry(ds_corpus *c, size_t i, ds_corpus_doc *doc,
                            char **err)
{
    ds_reader *reader = ds_reader_new(DS_READER_NEWS);
    ds_buf scratch;
    ds_buf_init(&scratch);
    memset(doc, 0, sizeof *doc);
    ds_status st = ds_corpus_read(c, i, reader, &scratch, 1, doc, err);
    ds_buf_free(&scratch);
    ds_reader_free(reader);
    return st;
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
    UNIT_WRITE_STR(dir, "sub/c.txt", "Article c.");
    UNIT_WRITE_STR(dir, ".git/d.txt", "hidden");
    ds_corpus *c = open_corpus(DS_CORPUS_FOLDER, dir, 0);
    assert_int_equal(ds_corpus_count(c), 3);
    const char *expected[] = {"a.txt", "b.txt", "sub/c.txt"};
    for (size_t i = 0; i < 3; i++) {
        ds_corpus_doc doc;
        assert_int_equal(read_entry(c, i, &doc, NULL), DS_OK);
        assert_string_equal(doc.source, expected[i]);
        assert_int_equal(doc.key_len, strlen(expected[i]) - 4);
        assert_int_equal(doc.article.count, 1);
        ds_corpus_doc_free(&doc);
    }
    assert_int_equal(ds_corpus_bytes(c), 1 + 1 + strlen("Article c."));
    ds_corpus_close(c);
    unit_rmtree(dir);
    free(dir);
}

static void missing_directory_is_an_error_naming_it(void **state)
{
    (void)state;
    ds_corpus_spec spec = {DS_CORPUS_FOLDER, "/nonexistent/corpus",
                           DS_READER_NEWS, 0};
    ds_corpus *c = NULL;
    char *err = NULL;
    assert_int_equal(ds_corpus_open(&spec, NULL, NULL, &c, &err), DS_ERR_IO);
    assert_null(c);
    assert_non_null(strstr(err, "/nonexistent/corpus"));
    free(err);
}

/* The one file-name rule, applied wherever the corpus is read: a name
 * that cannot be stored in a record is an entry that cannot be read. */
static void a_name_with_a_control_character_cannot_be_read(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    UNIT_WRITE_STR(dir, "bad\001name.txt", "Some text.");
    UNIT_WRITE_STR(dir, "good.txt", "Some text.");
    ds_corpus *c = open_corpus(DS_CORPUS_FOLDER, dir, 0);
    assert_int_equal(ds_corpus_count(c), 2);
    ds_corpus_doc doc;
    char *err = NULL;
    assert_int_equal(read_entry(c, 0, &doc, &err), DS_ERR_IO);
    assert_non_null(strstr(err, "control characters"));
    assert_int_equal(doc.article.count, 0);
    free(err);
    ds_corpus_doc_free(&doc);
    assert_int_equal(read_entry(c, 1, &doc, NULL), DS_OK);
    ds_corpus_doc_free(&doc);
    ds_corpus_close(c);
    unit_rmtree(dir);
    free(dir);
}

static void a_json_title_alone_is_one_passage(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    UNIT_WRITE_STR(dir, "titles.jsonl",
                   "{\"id\":\"t1\",\"title\":\"Only a title\",\"text\":\"\"}\n"
                   "{\"id\":\"t2\",\"title\":\"\",\"text\":\"\"}\n"
                   "{\"id\":\"t3\",\"title\":\"No text at all\"}\n");
    char path[600];
    snprintf(path, sizeof path, "%s/titles.jsonl", dir);
    for (int split = 0; split <= 1; split++) {
        ds_corpus *c = open_corpus(DS_CORPUS_JSONL, path, split);
        ds_corpus_doc doc;
        assert_int_equal(read_entry(c, 0, &doc, NULL), DS_OK);
        assert_int_equal(doc.article.count, 1);
        assert_string_equal(doc.article.items[0].text, "Only a title");
        assert_false(doc.title_is_text); /* its words once, not twice */
        ds_corpus_doc_free(&doc);
        assert_int_equal(read_entry(c, 1, &doc, NULL), DS_OK);
        assert_int_equal(doc.article.count, 0); /* nothing to index */
        ds_corpus_doc_free(&doc);
        assert_int_equal(read_entry(c, 2, &doc, NULL), DS_OK);
        assert_int_equal(doc.article.count, 1);
        assert_string_equal(doc.article.items[0].text, "No text at all");
        ds_corpus_doc_free(&doc);
        ds_corpus_close(c);
    }
    unit_rmtree(dir);
    free(dir);
}

static void json_lines_are_documents(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    UNIT_WRITE_STR(dir, "docs.jsonl",
                   "{\"id\":\"d1\",\"title\":\"T one\",\"text\":\"First.\"}\n"
                   "\n"
                   "not json\n"
                   "{\"id\":\"d3\"}\n"
                   "{\"id\":\"d4\",\"text\":\"Para one.\\n\\nPara two.\"}\n");
    char path[600];
    snprintf(path, sizeof path, "%s/docs.jsonl", dir);
    ds_corpus *c = open_corpus(DS_CORPUS_JSONL, path, 0);
    assert_int_equal(ds_corpus_count(c), 4); /* the blank line is none */
    ds_corpus_doc doc;
    char *err = NULL;
    assert_int_equal(read_entry(c, 0, &doc, NULL), DS_OK);
    assert_string_equal(doc.source, "d1");
    assert_string_equal(doc.article.title, "T one");
    assert_true(doc.title_is_text);
    assert_int_equal(doc.article.count, 1);
    ds_corpus_doc_free(&doc);
    assert_int_equal(read_entry(c, 1, &doc, &err), DS_ERR_IO);
    assert_non_null(strstr(err, "docs.jsonl:3: not a JSON object"));
    /* jansson quotes the text near the fault, newline and all: not us. */
    assert_null(strstr(err, "near"));
    assert_null(strchr(err, '\n'));
    free(err);
    assert_int_equal(read_entry(c, 2, &doc, &err), DS_ERR_IO);
    assert_non_null(strstr(err, "docs.jsonl:4: needs string"));
    free(err);
    assert_int_equal(read_entry(c, 3, &doc, NULL), DS_OK);
    assert_int_equal(doc.article.count, 1); /* whole, not split */
    ds_corpus_doc_free(&doc);
    ds_corpus_close(c);
    c = open_corpus(DS_CORPUS_JSONL, path, 1);
    assert_int_equal(read_entry(c, 3, &doc, NULL), DS_OK);
    assert_int_equal(doc.article.count, 2); /* split into passages */
    assert_false(doc.title_is_text);
    ds_corpus_doc_free(&doc);
    ds_corpus_close(c);
    unit_rmtree(dir);
    free(dir);
}

static void invalid_utf8_and_nul_are_replaced_and_reported(void **state)
{
    (void)state;
    const char raw[] = "good line\nbad \xff byte\nnul \0 here\nok \xc3\xa9\n";
    ds_buf out;
    ds_buf_init(&out);
    bad_lines b = {{0}, 0};
    assert_int_equal(
        ds_text_decode(raw, sizeof raw - 1, &out, record_bad_line, &b),
        DS_ENCODING_UTF8);
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
    assert_int_equal(ds_read_text_file(path, &out, NULL, NULL, NULL, &err),
                     DS_ERR_IO);
    assert_non_null(strstr(err, "dangling.txt"));
    free(err);
    assert_int_equal(ds_read_text_file(fifo, &out, NULL, NULL, NULL, &err),
                     DS_ERR_IO);
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
    ds_encoding enc = DS_ENCODING_CP1252;
    assert_int_equal(ds_read_text_file("corpus/001_5f9e68b6a499abb5.txt",
                                       &out, NULL, NULL, &enc, &err),
                     DS_OK);
    assert_int_equal(enc, DS_ENCODING_UTF8);
    assert_int_equal(out.len, 3631);
    assert_non_null(strstr(out.data, "interim CEO of Scale AI"));
    ds_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists_txt_files_recursively_in_order),
        cmocka_unit_test(missing_directory_is_an_error_naming_it),
        cmocka_unit_test(a_name_with_a_control_character_cannot_be_read),
        cmocka_unit_test(json_lines_are_documents),
        cmocka_unit_test(a_json_title_alone_is_one_passage),
        cmocka_unit_test(invalid_utf8_and_nul_are_replaced_and_reported),
        cmocka_unit_test(overlong_and_surrogate_encodings_are_invalid),
        cmocka_unit_test(unreadable_entries_are_errors_not_hangs),
        cmocka_unit_test(reads_a_seed_article),
    };
    return cmocka_run_group_tests_name("corpus", tests, NULL, NULL);
}
