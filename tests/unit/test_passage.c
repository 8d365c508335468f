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

/* The passage whose text contains `needle`, or NULL. */
static const ds_passage *passage_with(const ds_article *a, const char *needle)
{
    for (size_t i = 0; i < a->count; i++)
        if (strstr(a->items[i].text, needle)) return &a->items[i];
    return NULL;
}

static const char WIRE[] =
    "STANDARD OIL <SRD> TO FORM FINANCIAL UNIT\n"
    "26-FEB-1987 15:02:20.00\n"
    "    CLEVELAND, Feb 26 - Standard Oil Co and BP North America\n"
    "Inc said they plan to form a venture to manage the money market\n"
    "borrowing and investment activities of both companies.\n"
    "    BP North America is a subsidiary of British Petroleum Co\n"
    "Plc <BP>, which also owns a 55 pct interest in Standard Oil.\n"
    "    The venture will be called BP/Standard Financial Trading\n"
    "and will be operated by Standard Oil under the oversight of a\n"
    "joint management committee.\n"
    "\n"
    " Reuter\n"
    "\x03\n";

static void wire_story_title_date_and_indented_paragraphs(void **state)
{
    (void)state;
    ds_article a = split(WIRE);
    assert_string_equal(a.title, "STANDARD OIL <SRD> TO FORM FINANCIAL UNIT");
    assert_string_equal(a.date, "1987-02-26");
    assert_int_equal(a.count, 3);
    assert_string_equal(a.items[0].text,
                        "CLEVELAND, Feb 26 - Standard Oil Co and BP North "
                        "America Inc said they plan to form a venture to "
                        "manage the money market borrowing and investment "
                        "activities of both companies.");
    assert_int_equal(a.items[1].first_line, 6);
    for (size_t i = 0; i < a.count; i++) assert_null(a.items[i].heading);
    assert_string_equal(dropped_by(&a, 2), "date");
    assert_string_equal(dropped_by(&a, 12), "sign-off");
    ds_article_free(&a);
}

static void narrow_wrap_with_tab_indents_and_crlf(void **state)
{
    (void)state;
    ds_article a = split(
        "Oil Prices Rise Again\r\n"
        "\tOil prices rose on Thursday as\r\n"
        "traders bought futures after the\r\n"
        "cartel said it would cut output.\r\n"
        "\tAnalysts said the rise could\r\n"
        "last. Few expected it.\r\n");
    assert_string_equal(a.title, "Oil Prices Rise Again");
    assert_int_equal(a.count, 2);
    assert_string_equal(a.items[1].text,
                        "Analysts said the rise could last. Few expected it.");
    ds_article_free(&a);
}

static void a_table_is_one_passage_and_keeps_its_repeated_rows(void **state)
{
    (void)state;
    ds_article a = split(
        "ACME CORP <ACM> 4TH QTR NET\n"
        "2-MAR-1987  09:15:05.40\n"
        "    LOUISVILLE, Ky., March 2 -\n"
        "    Shr 1.00 dlr vs 73 cts\n"
        "    Net 12.6 mln vs 15.8 mln\n"
        "    Revs 1.2 billion vs 1.1 billion\n"
        "    Year\n"
        "    Shr 1.00 dlr vs 73 cts\n"
        "    Net 12.6 mln vs 15.8 mln\n"
        " Reuter\n");
    assert_string_equal(a.date, "1987-03-02");
    assert_int_equal(a.count, 1);
    assert_string_equal(a.items[0].text,
                        "LOUISVILLE, Ky., March 2 - Shr 1.00 dlr vs 73 cts "
                        "Net 12.6 mln vs 15.8 mln Revs 1.2 billion vs 1.1 "
                        "billion Year Shr 1.00 dlr vs 73 cts Net 12.6 mln vs "
                        "15.8 mln");
    assert_null(a.items[0].heading);
    ds_article_free(&a);
}

static void boilerplate_is_judged_on_whole_paragraphs(void **state)
{
    (void)state;
    /* As lines, "subscribe to buy ..." and "share." looked like chrome. */
    ds_article a = split(
        "    NEW YORK, March 3 - Acme Corp said it has agreed to\n"
        "subscribe to buy an additional 40 pct of the common stock of\n"
        "Widget Inc, raising its stake to a majority of the company's\n"
        "share.\n"
        "    The financial newsletter, Platow, said today that the\n"
        "deal was worth about 40 mln dlrs, analysts said.\n");
    assert_int_equal(a.count, 2);
    assert_int_equal(a.n_dropped, 0);
    assert_non_null(passage_with(&a, "subscribe to buy"));
    assert_non_null(passage_with(&a, "majority of the company's share."));
    assert_non_null(passage_with(&a, "The financial newsletter, Platow"));
    ds_article_free(&a);
}

static void a_headline_followed_directly_is_the_title(void **state)
{
    (void)state;
    ds_article a = split("Acme Buys Widget Maker in a Surprise Deal Worth "
                         "Billions\n"
                         "Acme Corp said on Tuesday it would buy Widget "
                         "Works for $2 billion.\n"
                         "The deal needs approval.\n");
    assert_string_equal(a.title, "Acme Buys Widget Maker in a Surprise Deal "
                                 "Worth Billions");
    assert_int_equal(a.count, 2);
    ds_article_free(&a);
    a = split("CHINA CALLS FOR BETTER TRADE DEAL WITH U.S.\n"
              "3-MAR-1987 05:51:30.55\n"
              "    PEKING, March 3 - China called on the United States to\n"
              "remove curbs on its exports.\n");
    assert_string_equal(a.title,
                        "CHINA CALLS FOR BETTER TRADE DEAL WITH U.S.");
    assert_string_equal(a.date, "1987-03-03");
    ds_article_free(&a);
    a = split("Widget maker agrees to sale\n"
              "By Jane Smith, Business reporter\n"
              "Published: Thu, 26 Feb 1987 15:01:01 GMT\n"
              "Acme Corp said on Tuesday it would buy Widget Works.\n");
    assert_string_equal(a.title, "Widget maker agrees to sale");
    assert_non_null(a.author);
    assert_string_equal(a.author, "Jane Smith");
    assert_string_equal(a.date, "1987-02-26");
    assert_string_equal(dropped_by(&a, 2), "byline");
    assert_int_equal(a.count, 1);
    ds_article_free(&a);
}

static void date_lines_are_consumed_whole(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "March 8, 2005 2:02 PM",
        "Updated 8 March 2005, 14:02 GMT",
        "Tuesday, 8 March 2005",
        "date 2005-03-08T14:02:00Z",
        "Published 08/03/2005 | Updated 09/03/2005",
        "By Jane Smith | 8 Mar 2005"};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        char text[200];
        snprintf(text, sizeof text, "Markets Close Higher\n%s\n"
                 "Shares rose on Tuesday in busy trading.\n", lines[i]);
        ds_article a = split(text);
        assert_string_equal(a.date, "2005-03-08");
        assert_int_equal(a.count, 1);
        assert_null(a.items[0].heading);
        assert_string_equal(a.items[0].text,
                            "Shares rose on Tuesday in busy trading.");
        ds_article_free(&a);
    }
    ds_article a = split("Markets Close Higher\nThursday, 30 February 2005\n"
                         "Shares rose on Tuesday in busy trading.\n");
    assert_string_equal(a.date, ""); /* no such day */
    ds_article_free(&a);
}

static void bylines_are_names_not_sentences(void **state)
{
    (void)state;
    ds_article a = split("Widget maker agrees to sale\n"
                         "By JANE SMITH and John van der Berg in London\n"
                         "Acme Corp said on Tuesday it would buy Widget "
                         "Works.\n");
    assert_non_null(a.author);
    assert_string_equal(a.author, "JANE SMITH and John van der Berg");
    ds_article_free(&a);
    a = split("Widget maker agrees to sale\n"
              "By Monday the shares had fallen by a fifth.\n");
    assert_null(a.author);
    assert_int_equal(a.count, 1);
    ds_article_free(&a);
}

static void glued_paragraphs_are_split_but_not_abbreviations(void **state)
{
    (void)state;
    ds_article a = split("Scale AI will keep working with clients across "
                         "the industry.One of the most notable aspects is "
                         "the move of its chief.\n");
    assert_int_equal(a.count, 2);
    assert_string_equal(a.items[0].text, "Scale AI will keep working with "
                                         "clients across the industry.");
    assert_string_equal(a.items[1].text, "One of the most notable aspects "
                                         "is the move of its chief.");
    assert_int_equal(a.items[1].first_line, 1);
    ds_article_free(&a);
    a = split("He moved to the U.S.A last year and joined the firm.\n"
              "The deal with Yahoo!Inc was signed in the spring by both.\n"
              "Details are at example.Com for anyone who wants them.\n"
              "Prices rose sharply, e.g.The index and the bonds alike.\n"
              "Services such as TalkTalk and One.Tel, which route calls.\n"
              "He arrived on the red carpet.\"It's unlike anything,\" he "
              "said.\n");
    assert_int_equal(a.count, 6);
    ds_article_free(&a);
    a = split("The prize was given at the Berlin Film Festival.The jury "
              "praised the film. Sales fell in the last quarter of the "
              "year.However, the company expects a recovery soon.\n");
    assert_int_equal(a.count, 3);
    assert_string_equal(a.items[1].text, "The jury praised the film. Sales "
                                         "fell in the last quarter of the "
                                         "year.");
    ds_article_free(&a);
}

static void web_page_chrome_is_not_text(void **state)
{
    (void)state;
    ds_article a = split(
        "Home | News | Business | Markets\n"
        "The Daily Planet\n"
        "Oil prices rise on supply fears\n"
        "By Jane Smith\n"
        "Share this article\n"
        "Oil prices rose on Thursday as traders worried about supply.\n"
        "Image caption, Traders on the floor of the exchange\n"
        "Advertisement\n"
        "Analysts said the rise could last for several weeks yet.\n"
        "(Reporting by Jane Smith; Editing by John Doe)\n"
        "Share this story Twitter Email\n"
        "Related stories\n"
        "Gold falls as dollar firms\n"
        "Wheat harvest seen lower\n"
        "12 comments\n"
        "\xC2\xA9 2005 The Daily Planet. All rights reserved.\n"
        "Jane Smith is an energy correspondent for The Daily Planet.\n");
    assert_string_equal(a.title, "Oil prices rise on supply fears");
    assert_non_null(a.author);
    assert_string_equal(a.author, "Jane Smith");
    assert_int_equal(a.count, 2);
    assert_string_equal(dropped_by(&a, 1), "navigation");
    assert_string_equal(dropped_by(&a, 2), "masthead");
    assert_string_equal(dropped_by(&a, 7), "caption");
    assert_string_equal(dropped_by(&a, 11), "share");
    assert_string_equal(dropped_by(&a, 13), "related");
    assert_string_equal(dropped_by(&a, 17), "author");
    ds_article_free(&a);
}

static void no_headings_from_rows_datelines_or_times(void **state)
{
    (void)state;
    ds_article a = split(
        "A first paragraph that is long enough to be read as text.\n"
        "Ewood Park\n"
        "Tuesday, 1 March\n"
        "2000 GMT\n"
        "The match kicks off at eight and the ground is expected to be "
        "full.\n"
        "27,595\n"
        "The attendance was the largest of the season so far, officials "
        "said.\n");
    for (size_t i = 0; i < a.count; i++) assert_null(a.items[i].heading);
    assert_non_null(passage_with(&a, "Ewood Park Tuesday, 1 March 2000 GMT"));
    ds_article_free(&a);
}

static void rows_indented_notes_not(void **state)
{
    (void)state;
    /* Most lines are indented table rows; the body's indentation is
     * still that of the lines that continue the notes. */
    ds_article a = split(
        "COMALCO LTD <CMAC.S> 1986 NET\n"
        "3-MAR-1987 01:12:37.45\n"
        "    MELBOURNE, March 3 -\n"
        "    Net profit 57.1 mln dlrs vs loss 69.1 mln.\n"
        "    Net is equity accounted\n"
        "    Pre-equity accounted net 39.90 mln dlrs vs loss 49.11 mln\n"
        "    Final div to be announced after July 1 vs first and final\n"
        "1.0 cent.\n"
        "    Sales 1.88 billion vs 1.78 billion\n"
        "    NOTE - Net is after tax paid 46.85 mln dlrs vs credit 5.02\n"
        "mln, interest 127.68 mln vs 117.19 mln, depreciation 109.29 mln\n"
        "vs 100.73 mln and minorities 1.50 mln vs loss 331,000.\n"
        " REUTER\n");
    for (size_t i = 0; i < a.count; i++) assert_null(a.items[i].heading);
    assert_non_null(passage_with(&a, "first and final 1.0 cent."));
    assert_non_null(passage_with(&a, "credit 5.02 mln, interest 127.68"));
    ds_article_free(&a);
}

static void a_wrapped_line_may_go_on_with_a_figure(void **state)
{
    (void)state;
    ds_article a = split(
        "    TROY, Mich., March 4 - Volkswagen U.S. Inc, a subsidiary of\n"
        "Volkswagen AG, said car sales for the February 21 to\n"
        "28 period fell 42.5 pct to 1,572 from 2,734 cars in the same\n"
        "period last year.\n"
        "    For the month of February, Volkswagen said sales were off\n"
        "35.2 pct to 3,808 from 5,873 cars in the same month last year.\n");
    assert_int_equal(a.count, 2);
    assert_null(a.items[1].heading);
    assert_string_equal(a.items[1].text,
                        "For the month of February, Volkswagen said sales "
                        "were off 35.2 pct to 3,808 from 5,873 cars in the "
                        "same month last year.");
    ds_article_free(&a);
}

static void a_quoted_sentence_is_no_heading(void **state)
{
    (void)state;
    ds_article a = split(
        "The union said it would take over the plant on Monday morning.\n"
        "It was not stated how the union would \"seize control.\"\n"
        "The company said it would go to court to stop the union.\n");
    assert_int_equal(a.count, 3);
    for (size_t i = 0; i < a.count; i++) assert_null(a.items[i].heading);
    ds_article_free(&a);
}

static void a_question_first_line_is_the_title(void **state)
{
    (void)state;
    ds_article a = split("Can Smith work Scottish wonders?\n"
                         "The worst kept secret in Scottish football was "
                         "revealed on Thursday.\n"
                         "Smith was named the new national manager.\n");
    assert_string_equal(a.title, "Can Smith work Scottish wonders?");
    assert_int_equal(a.count, 2);
    ds_article_free(&a);
}

static void the_time_before_the_date_and_a_site_after_the_title(void **state)
{
    (void)state;
    ds_article a = split("Markets Close Higher on Hopes | Business | The "
                         "Daily Planet\n"
                         "Page last updated at 14:02 GMT, Tuesday, 8 March "
                         "2005\n"
                         "\n"
                         "Shares rose on Tuesday in busy trading.\n"
                         "\n"
                         "* * *\n"
                         "\n"
                         "Bonds fell as investors sold them off.\n");
    assert_string_equal(a.title, "Markets Close Higher on Hopes");
    assert_string_equal(a.date, "2005-03-08");
    assert_int_equal(a.count, 2);
    assert_string_equal(dropped_by(&a, 6), "no-text");
    ds_article_free(&a);
    /* Down in the text a time alone is text: a kick-off. */
    a = split("The match is at the stadium as usual this weekend.\n"
              "20:00 GMT\n"
              "Both sides are at full strength for the game.\n");
    assert_int_equal(a.count, 3);
    ds_article_free(&a);
}

static void a_standfirst_is_not_the_title(void **state)
{
    (void)state;
    ds_article a = split("Oil prices surge on supply fears\n"
                         "OPEC agrees to cut its output for the third month "
                         "running\n"
                         "By Jane Smith\n"
                         "Oil prices rose on Thursday as traders worried "
                         "about supply.\n");
    assert_string_equal(a.title, "Oil prices surge on supply fears");
    assert_string_equal(a.author, "Jane Smith");
    assert_int_equal(a.count, 2);
    ds_article_free(&a);
}

static void narrow_wrap_with_blank_lines_and_tab_indents(void **state)
{
    (void)state;
    /* A tab is eight columns here and one to the wrapper: the wrap width
     * is measured on the lines at the body's indentation; and the title,
     * wider than the body, is left out of it. */
    ds_article a = split(
        "JAPAN'S UNEMPLOYMENT RATE SEEN RISING TO 3.5 PCT\n"
        "\n"
        "\tThe warning is being issued because\n"
        "many banks are starting to use the\n"
        "Windows operating system in machines.\n"
        "Already there have been four incidents\n"
        "in which Windows viruses have disrupted\n"
        "networks of cash machines.\n"
        "\n"
        "\tThe government, which published the\n"
        "January unemployment figures today, did\n"
        "not make any predictions.\n");
    assert_int_equal(a.count, 2);
    for (size_t i = 0; i < a.count; i++) assert_null(a.items[i].heading);
    assert_non_null(passage_with(&a, "use the Windows operating system"));
    assert_non_null(passage_with(&a, "published the January unemployment"));
    ds_article_free(&a);
}

static void a_byline_on_two_lines_and_the_date_after_it(void **state)
{
    (void)state;
    ds_article a = split("Senate passes stopgap spending bill\n"
                         "\n"
                         "By LISA MASCARO and KEVIN FREKING\n"
                         "Associated Press\n"
                         "Published 11:42 PM EST, March 1, 2024\n"
                         "\n"
                         "WASHINGTON (AP) - The Senate on Thursday passed a "
                         "short-term spending bill.\n");
    assert_string_equal(a.author, "LISA MASCARO and KEVIN FREKING");
    assert_string_equal(a.date, "2024-03-01");
    assert_int_equal(a.count, 1);
    ds_article_free(&a);
}

static void press_release_and_markdown_marks(void **state)
{
    (void)state;
    ds_article a = split("FOR IMMEDIATE RELEASE\n"
                         "\n"
                         "Acme Corp Reports Record Fourth Quarter Results\n"
                         "\n"
                         "Acme Corp today announced results for the fourth "
                         "quarter.\n"
                         "\n"
                         "Media contact:\n"
                         "John Doe\n"
                         "+1 555 0100\n");
    assert_string_equal(a.title,
                        "Acme Corp Reports Record Fourth Quarter Results");
    assert_int_equal(a.count, 1);
    ds_article_free(&a);
    a = split("# Central bank holds rates steady\n"
              "\n"
              "*Updated 14 March 2024*\n"
              "\n"
              "The central bank left its main interest rate unchanged on "
              "Thursday.\n"
              "\n"
              "## What happens next\n"
              "\n"
              "Economists expect the first cut in June, though some warn it "
              "could come later.\n");
    assert_string_equal(a.title, "Central bank holds rates steady");
    assert_string_equal(a.date, "2024-03-14");
    assert_int_equal(a.count, 2);
    assert_string_equal(a.items[1].heading, "What happens next");
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
        cmocka_unit_test(wire_story_title_date_and_indented_paragraphs),
        cmocka_unit_test(narrow_wrap_with_tab_indents_and_crlf),
        cmocka_unit_test(a_table_is_one_passage_and_keeps_its_repeated_rows),
        cmocka_unit_test(boilerplate_is_judged_on_whole_paragraphs),
        cmocka_unit_test(a_headline_followed_directly_is_the_title),
        cmocka_unit_test(date_lines_are_consumed_whole),
        cmocka_unit_test(bylines_are_names_not_sentences),
        cmocka_unit_test(glued_paragraphs_are_split_but_not_abbreviations),
        cmocka_unit_test(web_page_chrome_is_not_text),
        cmocka_unit_test(no_headings_from_rows_datelines_or_times),
        cmocka_unit_test(rows_indented_notes_not),
        cmocka_unit_test(a_wrapped_line_may_go_on_with_a_figure),
        cmocka_unit_test(a_quoted_sentence_is_no_heading),
        cmocka_unit_test(a_question_first_line_is_the_title),
        cmocka_unit_test(the_time_before_the_date_and_a_site_after_the_title),
        cmocka_unit_test(a_standfirst_is_not_the_title),
        cmocka_unit_test(narrow_wrap_with_blank_lines_and_tab_indents),
        cmocka_unit_test(a_byline_on_two_lines_and_the_date_after_it),
        cmocka_unit_test(press_release_and_markdown_marks),
    };
    return cmocka_run_group_tests_name("passage", tests, NULL, NULL);
}
