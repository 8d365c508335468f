/* Unit tests of the stopword list (src/stopwords.c): its order, which the
 * binary search needs, and the look-up of words that are no C strings. */
#include "unit.h"

#include "../../src/stopwords.h"

static void the_list_is_in_strcmp_order(void **state)
{
    (void)state;
    for (size_t i = 1; i < ds_n_stopwords; i++)
        assert_true(strcmp(ds_stopwords[i - 1], ds_stopwords[i]) < 0);
}

static void every_listed_word_is_a_stopword(void **state)
{
    (void)state;
    for (size_t i = 0; i < ds_n_stopwords; i++)
        assert_true(ds_is_stopword(ds_stopwords[i], strlen(ds_stopwords[i])));
}

static void only_the_whole_word_counts(void **state)
{
    (void)state;
    const char *text = "theirs themselves";
    assert_true(ds_is_stopword(text, 3));        /* "the" */
    assert_true(ds_is_stopword(text, 5));        /* "their" */
    assert_false(ds_is_stopword(text, 2));       /* "th" */
    assert_false(ds_is_stopword(text + 7, 9));   /* "themselve" */
    assert_true(ds_is_stopword(text + 7, 10));   /* "themselves" */
    assert_false(ds_is_stopword("", 0));
    assert_false(ds_is_stopword("zebra", 5));
    assert_false(ds_is_stopword("aa", 2)); /* after "a", before "about" */
    assert_true(ds_is_stopword("you've", 6));
    assert_false(ds_is_stopword("the-end", 7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_list_is_in_strcmp_order),
        cmocka_unit_test(every_listed_word_is_a_stopword),
        cmocka_unit_test(only_the_whole_word_counts),
    };
    return cmocka_run_group_tests_name("stopwords", tests, NULL, NULL);
}
