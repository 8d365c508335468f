/* Unit tests of the passage splitter (src/passage.c). */
#include "unit.h"

#include "../../src/passage.h"

static ds_passage_list split(const char *text)
{
    ds_passage_list list = {0};
    ds_split_passages(text, strlen(text), &list);
    return list;
}

static void one_paragraph_per_line(void **state)
{
    (void)state;
    ds_passage_list l = split("First paragraph here.\nSecond one.\n");
    assert_int_equal(l.count, 2);
    assert_string_equal(l.items[0].text, "First paragraph here.");
    assert_int_equal(l.items[0].first_line, 1);
    assert_string_equal(l.items[1].text, "Second one.");
    assert_int_equal(l.items[1].first_line, 2);
    ds_passage_list_free(&l);
}

static void blank_lines_between_paragraphs(void **state)
{
    (void)state;
    ds_passage_list l = split("\n\nOne.\n\n\nTwo.\n\n");
    assert_int_equal(l.count, 2);
    assert_string_equal(l.items[1].text, "Two.");
    assert_int_equal(l.items[1].first_line, 6);
    ds_passage_list_free(&l);
}

static void hard_wrapped_block_is_one_paragraph(void **state)
{
    (void)state;
    ds_passage_list l = split(
        "The quick brown fox jumps over the lazy dog and keeps on\n"
        "running through the field until the sun goes down over\n"
        "the hills.\n"
        "\n"
        "A second wrapped paragraph starts here and goes on a bit\n"
        "longer.\n");
    assert_int_equal(l.count, 2);
    assert_string_equal(l.items[0].text,
                        "The quick brown fox jumps over the lazy dog and "
                        "keeps on running through the field until the sun "
                        "goes down over the hills.");
    assert_int_equal(l.items[1].first_line, 5);
    ds_passage_list_free(&l);
}

static void short_lines_stay_separate(void **state)
{
    (void)state;
    /* A short line inside a block is a list of items, not wrapping. */
    ds_passage_list l = split("Daily stocks & crypto headlines, free to your "
                              "inbox\nComments\nNo comments yet\n");
    assert_int_equal(l.count, 3);
    ds_passage_list_free(&l);
}

static void whitespace_and_controls_are_normalised(void **state)
{
    (void)state;
    ds_passage_list l = split("  tabs\there\r\n\x01 bell\x07 and  spaces  \n");
    assert_int_equal(l.count, 2);
    assert_string_equal(l.items[0].text, "tabs here");
    assert_string_equal(l.items[1].text, "bell and spaces");
    ds_passage_list_free(&l);
}

static void empty_and_blank_input_has_no_passages(void **state)
{
    (void)state;
    ds_passage_list l = split("");
    assert_int_equal(l.count, 0);
    l = split(" \n\t\n\n");
    assert_int_equal(l.count, 0);
    ds_passage_list_free(&l);
}

static void huge_line_is_cut_at_word_boundaries(void **state)
{
    (void)state;
    size_t words = 10000;
    char *text = malloc(words * 6 + 1);
    for (size_t i = 0; i < words; i++) memcpy(text + i * 6, "word5 ", 6);
    text[words * 6] = '\0';
    ds_passage_list l = split(text);
    assert_true(l.count >= 3);
    size_t total = 0;
    for (size_t i = 0; i < l.count; i++) {
        assert_true(l.items[i].len <= DS_MAX_PASSAGE_BYTES);
        assert_int_equal(l.items[i].text[0], 'w');       /* not mid-word */
        assert_int_equal(l.items[i].text[l.items[i].len - 1], '5');
        total += l.items[i].len + 1;
    }
    assert_int_equal(total, words * 6); /* nothing lost */
    ds_passage_list_free(&l);
    free(text);
}

static void seed_article_with_blank_line_paragraphs(void **state)
{
    (void)state;
    /* The shape of 003_…: paragraphs separated by blank lines. */
    ds_passage_list l = split(" date 2025-06-13 AI Startup Scale AI CEO...\n"
                              "\n"
                              "Frustrated at Meta's slow progress.\n"
                              "\n"
                              "Why will Mark Zuckerberg not buy Scale AI?\n");
    assert_int_equal(l.count, 3);
    assert_string_equal(l.items[2].text,
                        "Why will Mark Zuckerberg not buy Scale AI?");
    assert_int_equal(l.items[2].first_line, 5);
    ds_passage_list_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_paragraph_per_line),
        cmocka_unit_test(blank_lines_between_paragraphs),
        cmocka_unit_test(hard_wrapped_block_is_one_paragraph),
        cmocka_unit_test(short_lines_stay_separate),
        cmocka_unit_test(whitespace_and_controls_are_normalised),
        cmocka_unit_test(empty_and_blank_input_has_no_passages),
        cmocka_unit_test(huge_line_is_cut_at_word_boundaries),
        cmocka_unit_test(seed_article_with_blank_line_paragraphs),
    };
    return cmocka_run_group_tests_name("passage", tests, NULL, NULL);
}
