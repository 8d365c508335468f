/* Unit tests of the news article splitter (src/passage.c) on crafted
 * articles, one or more per rule.  The seed articles are covered by the
 * golden files in tests/golden/. */
#include "unit.h"

#include "../../src/reader.h"

static ds_article split(const char *text)
{
    ds_article a = {0};
    ds_reader *r = ds_reader_new(DS_READER_NEWS);
    ds_reader_split(r, text, strlen(text), &a);
    ds_reader_free(r);
    return a;
}

/* The rule that dropped the line with number `line`, or NULL. */
static const char *dropped_by(const ds_article *a, unsigned long line)
{
    for (size_t i = 0; i < a->n_dropped; i++)
        if (a->dropped[i].line == line) return a->dropped[i].rule;
    return NULL;
}

static void one_paragraph_per_line(void **state)
{
    (void)state;
    ds_article a = split("First paragraph here.\nSecond one.\n");
    assert_int_equal(a.count, 2);
    assert_string_equal(a.items[0].text, "First paragraph here.");
    assert_int_equal(a.items[0].first_line, 1);
    assert_string_equal(a.items[1].text, "Second one.");
    assert_int_equal(a.items[1].first_line, 2);
    assert_null(a.title);
    assert_string_equal(a.date, "");
    ds_article_free(&a);
}

static void blank_lines_between_paragraphs(void **state)
{
    (void)state;
    ds_article a = split("\n\nOne sentence.\n\n\nTwo sentences here.\n\n");
    assert_int_equal(a.count, 2);
    assert_string_equal(a.items[1].text, "Two sentences here.");
    assert_int_equal(a.items[1].first_line, 6);
    ds_article_free(&a);
}

static void hard_wrapped_block_is_one_paragraph(void **state)
{
    (void)state;
    ds_article a = split(
        "The quick brown fox jumps over the lazy dog and keeps on\n"
        "Running through the field until the sun goes down over\n"
        "the hills.\n"
        "\n"
        "A second wrapped paragraph starts here and goes on a bit\n"
        "longer.\n");
    assert_int_equal(a.count, 2);
    assert_string_equal(a.items[0].text,
                        "The quick brown fox jumps over the lazy dog and "
                        "keeps on Running through the field until the sun "
                        "goes down over the hills.");
    assert_int_equal(a.items[1].first_line, 5);
    ds_article_free(&a);
}

static void broken_line_is_joined(void **state)
{
    (void)state;
    ds_article a = split("This values the firm at $29 billion, with\n"
                         "acquiring a 49% stake in it.\n"
                         "Next paragraph.\n");
    assert_int_equal(a.count, 2);
    assert_string_equal(a.items[0].text, "This values the firm at $29 "
                                         "billion, with acquiring a 49% "
                                         "stake in it.");
    ds_article_free(&a);
}

static void sentence_end_or_capital_is_not_a_break(void **state)
{
    (void)state;
    ds_article a = split("Ends with a period.\nlower case start.\n"
                         "A line without a final period that runs on for "
                         "more than twelve words in all\nCapital start.\n");
    assert_int_equal(a.count, 4);
    ds_article_free(&a);
}

static void qa_pair_is_one_passage(void **state)
{
    (void)state;
    ds_article a = split("Intro paragraph of the piece.\n"
                         "Q: What is Scale AI?\n"
                         "A: A data-labelling startup.\n"
                         "Q: Unanswered question?\n");
    assert_int_equal(a.count, 3);
    assert_string_equal(a.items[1].text,
                        "Q: What is Scale AI? A: A data-labelling startup.");
    assert_null(a.items[1].heading);
    assert_string_equal(a.items[2].text, "Q: Unanswered question?");
    ds_article_free(&a);
}

static void heading_labels_the_paragraphs_under_it(void **state)
{
    (void)state;
    ds_article a = split("A first paragraph that is long enough to read.\n"
                         "Learning from Rivals\n"
                         "Rivals did this first, and it worked for them.\n"
                         "They kept doing it for years afterwards.\n"
                         "What Comes Next?\n"
                         "Nobody knows what comes next for the company.\n");
    assert_int_equal(a.count, 4);
    assert_null(a.items[0].heading);
    assert_string_equal(a.items[1].heading, "Learning from Rivals");
    assert_string_equal(a.items[2].heading, "Learning from Rivals");
    assert_string_equal(a.items[3].heading, "What Comes Next?");
    ds_article_free(&a);
}

static void trailing_caption_is_dropped(void **state)
{
    (void)state;
    ds_article a = split("A paragraph of the article itself.\n"
                         "Read our guide to coins\n");
    assert_int_equal(a.count, 1);
    assert_string_equal(dropped_by(&a, 2), "orphan-heading");
    ds_article_free(&a);
    a = split("Just a short note\n");
    assert_int_equal(a.count, 1); /* all the article has: kept */
    ds_article_free(&a);
}

static void headline_first_line_is_the_title(void **state)
{
    (void)state;
    ds_article a = split("Meta Invests $15B in Scale AI\n\n"
                         "The deal was announced on Thursday.\n");
    assert_string_equal(a.title, "Meta Invests $15B in Scale AI");
    assert_int_equal(a.count, 1);
    ds_article_free(&a);
    a = split("A first line that is a sentence.\nSecond.\n");
    assert_null(a.title);
    ds_article_free(&a);
}

static void boilerplate_lines_are_dropped_by_rule(void **state)
{
    (void)state;
    ds_article a = split("Body text of the article goes here.\n"
                         "ALSO READ: Some Other Story Entirely\n"
                         "Sign up for our daily newsletter\n"
                         "Comments\n"
                         "No comments yet\n"
                         "12 Comments\n"
                         "Advertisement\n"
                         "More body text, which is kept.\n");
    assert_int_equal(a.count, 2);
    assert_string_equal(dropped_by(&a, 2), "also-read");
    assert_string_equal(dropped_by(&a, 3), "newsletter");
    assert_string_equal(dropped_by(&a, 4), "comments");
    assert_string_equal(dropped_by(&a, 5), "comments");
    assert_string_equal(dropped_by(&a, 6), "comments");
    assert_string_equal(dropped_by(&a, 7), "advertisement");
    ds_article_free(&a);
}

static void a_sentence_mentioning_a_newsletter_is_kept(void **state)
{
    (void)state;
    ds_article a = split("The company said its newsletter reached a million "
                         "readers. Analysts were impressed.\n");
    assert_int_equal(a.count, 1);
    assert_int_equal(a.n_dropped, 0);
    ds_article_free(&a);
}

static void repeated_lines_are_site_chrome(void **state)
{
    (void)state;
    ds_article a = split("Daily deals, straight from us\n"
                         "The article's only real paragraph.\n"
                         "Daily deals, straight from us\n");
    assert_int_equal(a.count, 1);
    assert_string_equal(dropped_by(&a, 1), "repeated");
    assert_string_equal(dropped_by(&a, 3), "repeated");
    ds_article_free(&a);
}

static void date_at_the_top_is_extracted_and_removed(void **state)
{
    (void)state;
    ds_article a = split("Published Date : 11/06/2025\nBody.\n");
    assert_string_equal(a.date, "2025-06-11");
    assert_string_equal(dropped_by(&a, 1), "date");
    assert_int_equal(a.count, 1);
    ds_article_free(&a);
    a = split(" date 2025-06-13 Scale AI's founder spoke.\n");
    assert_string_equal(a.date, "2025-06-13");
    assert_string_equal(a.items[0].text, "Scale AI's founder spoke.");
    ds_article_free(&a);
    a = split("Updated: June 13, 2025\nBody.\n");
    assert_string_equal(a.date, "2025-06-13");
    ds_article_free(&a);
    a = split("Body first.\nMore.\nEven more.\nJune 13, 2025\n");
    assert_string_equal(a.date, ""); /* too far down to be the date */
    assert_string_equal(dropped_by(&a, 4), "date-only");
    ds_article_free(&a);
}

static void dates_in_sentences_are_left_alone(void **state)
{
    (void)state;
    ds_article a = split("On June 13, 2025 the deal closed.\n");
    assert_string_equal(a.date, "");
    assert_string_equal(a.items[0].text, "On June 13, 2025 the deal closed.");
    ds_article_free(&a);
}

static void whitespace_and_controls_are_normalised(void **state)
{
    (void)state;
    ds_article a = split("  tabs\there.\r\n\x01 bell\x07 and  spaces.  \n");
    assert_int_equal(a.count, 2);
    assert_string_equal(a.items[0].text, "tabs here.");
    assert_string_equal(a.items[1].text, "bell and spaces.");
    ds_article_free(&a);
}

static void empty_and_blank_input_has_no_passages(void **state)
{
    (void)state;
    ds_article a = split("");
    assert_int_equal(a.count, 0);
    ds_article_free(&a);
    a = split(" \n\t\n\n");
    assert_int_equal(a.count, 0);
    ds_article_free(&a);
}

static void huge_line_is_cut_at_word_boundaries(void **state)
{
    (void)state;
    size_t words = 10000;
    char *text = malloc(words * 6 + 1);
    for (size_t i = 0; i < words; i++) memcpy(text + i * 6, "word5 ", 6);
    text[words * 6] = '\0';
    ds_article a = split(text);
    assert_true(a.count >= 3);
    size_t total = 0;
    for (size_t i = 0; i < a.count; i++) {
        assert_true(a.items[i].len <= DS_MAX_PASSAGE_BYTES);
        assert_int_equal(a.items[i].text[0], 'w'); /* not mid-word */
        assert_int_equal(a.items[i].text[a.items[i].len - 1], '5');
        total += a.items[i].len + 1;
    }
    assert_int_equal(total, words * 6); /* nothing lost */
    ds_article_free(&a);
    free(text);
}

static void plain_text_is_one_passage_per_block(void **state)
{
    (void)state;
    const char *text = "Short heading-like line\n\nFirst block,\nsecond line.\n"
                       "\n\nRepeated\n\nRepeated\n";
    ds_article a = {0};
    ds_paragraphs_split(text, strlen(text), &a);
    assert_null(a.title);
    assert_int_equal(a.n_dropped, 0);
    assert_int_equal(a.count, 4);
    assert_string_equal(a.items[0].text, "Short heading-like line");
    assert_string_equal(a.items[1].text, "First block, second line.");
    assert_int_equal(a.items[1].first_line, 3);
    assert_null(a.items[1].heading);
    assert_string_equal(a.items[2].text, "Repeated");
    assert_string_equal(a.items[3].text, "Repeated");
    ds_article_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_paragraph_per_line),
        cmocka_unit_test(plain_text_is_one_passage_per_block),
        cmocka_unit_test(blank_lines_between_paragraphs),
        cmocka_unit_test(hard_wrapped_block_is_one_paragraph),
        cmocka_unit_test(broken_line_is_joined),
        cmocka_unit_test(sentence_end_or_capital_is_not_a_break),
        cmocka_unit_test(qa_pair_is_one_passage),
        cmocka_unit_test(heading_labels_the_paragraphs_under_it),
        cmocka_unit_test(trailing_caption_is_dropped),
        cmocka_unit_test(headline_first_line_is_the_title),
        cmocka_unit_test(boilerplate_lines_are_dropped_by_rule),
        cmocka_unit_test(a_sentence_mentioning_a_newsletter_is_kept),
        cmocka_unit_test(repeated_lines_are_site_chrome),
        cmocka_unit_test(date_at_the_top_is_extracted_and_removed),
        cmocka_unit_test(dates_in_sentences_are_left_alone),
        cmocka_unit_test(whitespace_and_controls_are_normalised),
        cmocka_unit_test(empty_and_blank_input_has_no_passages),
        cmocka_unit_test(huge_line_is_cut_at_word_boundaries),
    };
    return cmocka_run_group_tests_name("passage", tests, NULL, NULL);
}
