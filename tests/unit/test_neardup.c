/* Unit tests of near-copy grouping (src/neardup.c), including the
 * measurement behind its threshold on the demo corpus. */
#include "unit.h"

#include "demo.h"
#include "../../src/neardup.h"

static ds_analyzer *analyzer;

static int setup(void **state)
{
    (void)state;
    analyzer = ds_analyzer_new();
    return analyzer ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ds_analyzer_free(analyzer);
    return 0;
}

static const char WIRE[] =
    "Acme Corp agreed on Tuesday to buy Widget Works for $2 billion in "
    "cash, the largest acquisition in the company's history, people "
    "familiar with the matter said.";
static const char EDITED[] =
    "Acme Corp agreed on Tuesday to buy Widget Works for $2 billion in "
    "cash, the largest acquisition in the company's long history, people "
    "familiar with the matter told reporters.";
static const char SAME_TOPIC[] =
    "Shares of widget makers rallied on Tuesday after Acme Corp said it "
    "would buy Widget Works; analysts said the price of $2 billion was high.";

static double similarity(const char *a, const char *b)
{
    return ds_neardup_similarity(analyzer, a, strlen(a), b, strlen(b));
}

static void an_edited_copy_is_a_near_copy(void **state)
{
    (void)state;
    assert_true(similarity(WIRE, WIRE) == 1.0);
    assert_true(similarity(WIRE, EDITED) >= DS_NEARDUP_THRESHOLD);
}

static void the_same_topic_in_other_words_is_not(void **state)
{
    (void)state;
    assert_true(similarity(WIRE, SAME_TOPIC) < DS_NEARDUP_THRESHOLD);
}

static void groups_follow_the_first_copy(void **state)
{
    (void)state;
    ds_neardup *d = ds_neardup_new();
    unsigned long a = ds_neardup_add(d, analyzer, WIRE, strlen(WIRE));
    unsigned long b = ds_neardup_add(d, analyzer, SAME_TOPIC,
                                     strlen(SAME_TOPIC));
    unsigned long c = ds_neardup_add(d, analyzer, EDITED, strlen(EDITED));
    assert_int_equal(a, c);
    assert_int_not_equal(a, b);
    assert_int_equal(ds_neardup_shared_groups(d), 1);
    ds_neardup_free(d);
}

static void short_passages_are_never_grouped(void **state)
{
    (void)state;
    const char *line = "Meta will take a 49% stake in Scale AI.";
    ds_neardup *d = ds_neardup_new();
    unsigned long a = ds_neardup_add(d, analyzer, line, strlen(line));
    unsigned long b = ds_neardup_add(d, analyzer, line, strlen(line));
    assert_int_not_equal(a, b);
    ds_neardup_free(d);
}

/* No two passages of different demo articles are near-copies: they report
 * the same facts in their own words.  Prints the closest pair's score. */
static void demo_corpus_has_no_near_copies(void **state)
{
    (void)state;
    ds_corpus_doc docs[8];
    size_t n = demo_articles(docs, 8);
    double closest = 0;
    for (size_t f = 0; f < n; f++)
        for (size_t g = f + 1; g < n; g++)
            for (size_t i = 0; i < docs[f].article.count; i++)
                for (size_t j = 0; j < docs[g].article.count; j++) {
                    const ds_passage *x = &docs[f].article.items[i];
                    const ds_passage *y = &docs[g].article.items[j];
                    double sim = ds_neardup_similarity(analyzer, x->text,
                                                       x->len, y->text,
                                                       y->len);
                    if (sim > closest) closest = sim;
                }
    print_message("closest passages of different demo articles: %.2f\n",
                  closest);
    assert_true(closest < DS_NEARDUP_THRESHOLD);
    for (size_t f = 0; f < n; f++) ds_corpus_doc_free(&docs[f]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_edited_copy_is_a_near_copy),
        cmocka_unit_test(the_same_topic_in_other_words_is_not),
        cmocka_unit_test(groups_follow_the_first_copy),
        cmocka_unit_test(short_passages_are_never_grouped),
        cmocka_unit_test(demo_corpus_has_no_near_copies),
    };
    return cmocka_run_group_tests_name("neardup", tests, setup, teardown);
}
