/* Unit tests of the analyzer (src/analyzer.c): Xapian's word rules as
 * transcribed in C, and the libstemmer stemmer. */
#include "unit.h"

#include "../../src/analyzer.h"
#include "../../src/util.h"

/* Tokenise `text` into "term@start-end" words joined by spaces. */
static int collect(void *ctx, const ds_token *tok)
{
    ds_buf *b = ctx;
    if (b->len) ds_buf_putc(b, ' ');
    ds_buf_printf(b, "%.*s@%zu-%zu", (int)tok->term_len, tok->term,
                  tok->start, tok->end);
    return 0;
}

static void assert_tokens(const char *text, const char *expected)
{
    ds_buf b;
    ds_buf_init(&b);
    ds_tokenize(text, strlen(text), collect, &b);
    assert_string_equal(b.len ? b.data : "", expected);
    ds_buf_free(&b);
}

static void splits_on_non_word_characters(void **state)
{
    (void)state;
    assert_tokens("Hello, world!", "hello@0-5 world@7-12");
    assert_tokens("  ", "");
}

static void apostrophes_stay_inside_words(void **state)
{
    (void)state;
    assert_tokens("Meta's", "meta's@0-6");
    /* The typographic apostrophe is read as ' (3 bytes in the text). */
    assert_tokens("Meta\xE2\x80\x99s stake", "meta's@0-8 stake@9-14");
}

static void numbers_keep_their_separators(void **state)
{
    (void)state;
    assert_tokens("$14.3B and 1,500-strong",
                  "14.3b@1-6 and@7-10 1,500@11-16 strong@17-23");
}

static void acronyms_lose_their_dots(void **state)
{
    (void)state;
    assert_tokens("the U.S. Federal", "the@0-3 us@4-8 federal@9-16");
    assert_tokens("AT&T", "at&t@0-4");
}

static void programming_suffixes(void **state)
{
    (void)state;
    assert_tokens("C++ and C#", "c++@0-3 and@4-7 c#@8-10");
    assert_tokens("fish+chips", "fish@0-4 chips@5-10");
}

static void long_words_are_skipped_like_termgenerator(void **state)
{
    (void)state;
    char text[100];
    memset(text, 'a', 70);
    strcpy(text + 70, " ok");
    assert_tokens(text, "ok@71-73");
}

static void invalid_utf8_is_read_as_latin1(void **state)
{
    (void)state;
    /* 0xE9 alone is é in Latin-1, a letter. */
    assert_tokens("caf\xE9 time", "caf\xC3\xA9@0-4 time@5-9");
}

static void normalizes_typographic_variants(void **state)
{
    (void)state;
    const char in[] = "Meta\xE2\x80\x99s \xE2\x80\x9C" "bold\xE2\x80\x9D "
                      "move \xE2\x80\x94 a\xC2\xA0" "data\xC2\xAD" "labelling "
                      "\xE2\x80\x98" "deal\xE2\x80\x99 caf\xC3\xA9 \xff";
    ds_buf out;
    ds_buf_init(&out);
    ds_normalize(in, sizeof in - 1, &out);
    assert_string_equal(out.data, "Meta's \"bold\" move - a datalabelling "
                                  "'deal' caf\xC3\xA9 \xff");
    ds_buf_free(&out);
}

static void tokenizes_display_text_as_the_index_sees_it(void **state)
{
    (void)state;
    /* Soft hyphen: ignored inside a word; left quote as apostrophe. */
    assert_tokens("data\xC2\xAD" "labelling company\xE2\x80\x98s",
                  "datalabelling@0-15 company's@16-27");
}

static void ascii_fast_path_agrees_with_xapian(void **state)
{
    (void)state;
    for (unsigned c = 0; c < 0x80; c++)
        assert_int_equal(ds_is_wordchar(c) != 0,
                         dsx_unicode_is_wordchar(c) != 0);
}

static void stems_with_snowball_english(void **state)
{
    (void)state;
    ds_analyzer *a = ds_analyzer_new();
    assert_non_null(a);
    size_t len;
    const char *s = ds_analyzer_stem(a, "investing", 9, &len);
    assert_int_equal(len, 6);
    assert_memory_equal(s, "invest", 6);
    s = ds_analyzer_stem(a, "ceos", 4, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(s, "ceo", 3);
    /* The shim gets the same function. */
    const dsx_stemmer *st = ds_analyzer_stemmer(a);
    s = st->stem(st->ctx, "acquiring", 9, &len);
    assert_int_equal(len, 6);
    assert_memory_equal(s, "acquir", 6);
    ds_analyzer_free(a);
}

static int collect_word(void *ctx, const ds_word_entry *e)
{
    ds_buf *out = ctx;
    ds_buf_printf(out, "%.*s=%llu ", (int)e->word_len, e->word,
                  (unsigned long long)e->count);
    return 0;
}

/* Counted words come back once each, in byte order (what Xapian's
 * spelling table adds fastest), and are then forgotten. */
static void counted_words_flush_in_byte_order(void **state)
{
    (void)state;
    ds_analyzer *a = ds_analyzer_new();
    ds_analyzer_count_words(a, 1);
    const char *text = "zebra apple Zebra apples ZEBRA app b\xC3\xA9ta beta";
    ds_analyzer_each_stem(a, text, strlen(text), NULL, NULL);
    assert_int_equal(ds_analyzer_words(a), 6);
    ds_buf out = {0};
    assert_int_equal(ds_analyzer_flush_words(a, collect_word, &out), 0);
    assert_string_equal(out.data,
                        "app=1 apple=1 apples=1 beta=1 b\xC3\xA9ta=1 zebra=3 ");
    assert_int_equal(ds_analyzer_words(a), 0);
    ds_buf_clear(&out);
    ds_analyzer_each_stem(a, "apple", 5, NULL, NULL);
    assert_int_equal(ds_analyzer_flush_words(a, collect_word, &out), 0);
    assert_string_equal(out.data, "apple=1 ");
    ds_buf_free(&out);
    ds_analyzer_free(a);
}

/* Counting can stop (the indexer counts in its first pass only), and a
 * stem cache that fills up is emptied and refilled: stems stay right past
 * the cache's 65,536 entries, and the cache never grows beyond them. */
static void stem_cache_refills_when_not_counting(void **state)
{
    (void)state;
    ds_analyzer *a = ds_analyzer_new();
    ds_analyzer_count_words(a, 1);
    ds_analyzer_each_stem(a, "zebras", 6, NULL, NULL);
    ds_analyzer_count_words(a, 0);
    ds_analyzer_each_stem(a, "zebras", 6, NULL, NULL);
    ds_buf out = {0};
    assert_int_equal(ds_analyzer_flush_words(a, collect_word, &out), 0);
    assert_string_equal(out.data, "zebras=1 ");
    char word[16];
    size_t len;
    for (unsigned i = 0; i < 70000; i++) {
        snprintf(word, sizeof word, "walking%u", i);
        ds_analyzer_stem(a, word, strlen(word), &len);
        assert_true(ds_analyzer_words(a) <= 65536);
    }
    const char *stem = ds_analyzer_stem(a, "walking", 7, &len);
    assert_int_equal(len, 4);
    assert_memory_equal(stem, "walk", 4);
    ds_buf_free(&out);
    ds_analyzer_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(splits_on_non_word_characters),
        cmocka_unit_test(apostrophes_stay_inside_words),
        cmocka_unit_test(numbers_keep_their_separators),
        cmocka_unit_test(acronyms_lose_their_dots),
        cmocka_unit_test(programming_suffixes),
        cmocka_unit_test(long_words_are_skipped_like_termgenerator),
        cmocka_unit_test(invalid_utf8_is_read_as_latin1),
        cmocka_unit_test(normalizes_typographic_variants),
        cmocka_unit_test(tokenizes_display_text_as_the_index_sees_it),
        cmocka_unit_test(ascii_fast_path_agrees_with_xapian),
        cmocka_unit_test(stems_with_snowball_english),
        cmocka_unit_test(counted_words_flush_in_byte_order),
        cmocka_unit_test(stem_cache_refills_when_not_counting),
    };
    return cmocka_run_group_tests_name("analyzer", tests, NULL, NULL);
}
