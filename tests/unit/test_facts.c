/* Unit tests of "the same fact" (src/facts.c): which sentence states a
 * passage's fact, how numbers, names and words decide, and folding. */
#include "unit.h"

#include <math.h>

#include "../../src/facts.h"

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

/* The fact of `text` for the query terms (stems) in `terms`. */
static void fact(const char *text, const char *terms, ds_fact *f)
{
    char buf[256], *t[8];
    size_t n = 0;
    snprintf(buf, sizeof buf, "%s", terms);
    for (char *p = strtok(buf, " "); p && n < 8; p = strtok(NULL, " "))
        t[n++] = p;
    memset(f, 0, sizeof *f);
    ds_fact_read(analyzer, NULL, NULL, text, strlen(text), t, n, f);
}

static int same(const char *a, const char *b, const char *terms)
{
    ds_fact x, y;
    fact(a, terms, &x);
    fact(b, terms, &y);
    int r = ds_fact_same(&x, &y, NULL);
    assert_int_equal(r, ds_fact_same(&y, &x, NULL)); /* symmetric */
    /* The same fact is a likeness of DS_FACT_OVERLAP or more. */
    double likeness = ds_fact_likeness(&x, &y, NULL);
    assert_true(likeness >= 0 && likeness <= 1);
    assert_int_equal(r, likeness >= DS_FACT_OVERLAP);
    ds_fact_free(&x);
    ds_fact_free(&y);
    return r;
}

static void the_sentence_with_most_query_words_is_read(void **state)
{
    (void)state;
    const char *text = "Shares rose. Jason Droege will be interim CEO. "
                       "He was at Uber.";
    ds_fact f;
    fact(text, "interim ceo", &f);
    assert_int_equal(f.end - f.start, strlen("Jason Droege will be interim CEO"));
    assert_memory_equal(text + f.start, "Jason Droege", 12);
    ds_fact_free(&f);
    char *s = ds_fact_sentence(analyzer, NULL, text, strlen(text),
                               (char *[]){"uber"}, 1);
    assert_string_equal(s, "He was at Uber");
    free(s);
}

/* A hit that matched a synonym group (its term, XSYN<n>) states its fact
 * in the sentence holding one of the group's entries: the whole phrase,
 * not a word of it ("of" of "Institute of Technology"). */
static void a_synonym_group_is_read_as_its_entries(void **state)
{
    (void)state;
    ds_synonyms *syn = NULL;
    char *err = NULL;
    assert_int_equal(ds_synonyms_parse(analyzer,
                                       "CEO, chief executive\n"
                                       "MIT, Massachusetts Institute of "
                                       "Technology\n",
                                       "test", &syn, &err),
                     DS_OK);
    const char *text = "Part of the deal is a lab. Wang, a dropout from the "
                       "Massachusetts Institute of Technology, leads it.";
    char *s = ds_fact_sentence(analyzer, syn, text, strlen(text),
                               (char *[]){"XSYN2"}, 1);
    assert_string_equal(s, "Wang, a dropout from the Massachusetts "
                           "Institute of Technology, leads it");
    free(s);
    /* Without the groups the term stands for nothing. */
    assert_null(ds_fact_sentence(analyzer, NULL, text, strlen(text),
                                 (char *[]){"XSYN2"}, 1));
    /* A one-word entry ("CEO") is looked for as a stem, beside the phrases. */
    text = "Droege was chief executive of Uber. The CEO said so.";
    s = ds_fact_sentence(analyzer, syn, text, strlen(text),
                         (char *[]){"XSYN1", "uber"}, 2);
    assert_string_equal(s, "Droege was chief executive of Uber");
    free(s);
    ds_synonyms_free(syn);
}

static void abbreviations_and_initials_do_not_end_a_sentence(void **state)
{
    (void)state;
    const char *text = "Mr. Smith of U.S. Steel said J. Doe will lead the unit.";
    char *s = ds_fact_sentence(analyzer, NULL, text, strlen(text),
                               (char *[]){"lead"}, 1);
    assert_string_equal(s, "Mr. Smith of U.S. Steel said J. Doe will lead the unit");
    free(s);
}

static void no_query_word_means_no_fact(void **state)
{
    (void)state;
    assert_false(same("Nothing here matches.", "Nothing here matches.",
                      "droeg"));
    assert_null(ds_fact_sentence(analyzer, NULL, "No match.", 9,
                                 (char *[]){"droeg"}, 1));
}

static void a_shared_figure_is_the_same_fact(void **state)
{
    (void)state;
    assert_true(same("As part of the deal, Meta will take a 49% stake in "
                     "Scale AI.",
                     "This deal will reportedly give Meta a 49% stake in "
                     "the startup.", "stake"));
    /* $2.1bn and $2.1 billion are one figure. */
    assert_true(same("Northwind will buy Harbor for $2.1bn.",
                     "Harbor agreed to a $2.1 billion sale to Northwind.",
                     "harbor"));
}

static void different_figures_are_different_facts(void **state)
{
    (void)state;
    assert_false(same("Meta will take a 49% stake in Scale AI.",
                      "Meta will take a 51% stake in Scale AI.", "stake"));
    /* A per cent is not an amount of money. */
    assert_false(same("The council approved $4 million for the library.",
                      "Library shares rose 4% on the news.", "librari"));
}

/* Numbers agree kind by kind: a figure or an age one sentence adds does
 * not part two that share a figure; a different year on each side does. */
static void numbers_agree_kind_by_kind(void **state)
{
    (void)state;
    assert_true(same("The deal values Scale AI at $29 billion and puts its "
                     "28-year-old founder in the spotlight.",
                     "The investment values Scale AI at $29 billion, with a "
                     "49% stake bought for $14.3 billion.", "valu"));
    assert_false(same("Scale AI was valued at $14 billion in its 2024 round.",
                      "Founded in 2016, Scale AI is valued at $14 billion.",
                      "valu"));
    /* Within one kind, neither holding all of the other's still parts. */
    assert_false(same("Scale AI was valued at $14 billion, up from $7 "
                      "billion.",
                      "Scale AI was valued at $14 billion, up from $5 "
                      "billion.", "valu"));
}

static void the_same_figure_about_other_names_is_not(void **state)
{
    (void)state;
    assert_false(same("Google took a 49% stake in Anthropic.",
                      "Meta took a 49% stake in Scale AI.", "stake"));
}

/* Likeness: 0 when the numbers or names rule a pair out, 1 when a shared
 * figure settles it, else the share of the smaller sentence's words (each
 * weighing 1 here, without rarity). */
static void likeness_is_the_overlap_unless_settled(void **state)
{
    (void)state;
    ds_fact x, y;
    fact("Meta will take a 49% stake in Scale AI.", "stake", &x);
    fact("Meta bought a 49% stake in Scale AI.", "stake", &y);
    assert_true(ds_fact_likeness(&x, &y, NULL) == 1);
    ds_fact_free(&y);
    fact("Meta will take a 51% stake in Scale AI.", "stake", &y);
    assert_true(ds_fact_likeness(&x, &y, NULL) == 0);
    ds_fact_free(&x);
    ds_fact_free(&y);
    /* Of "regulators suspended coffee exports drought", "regulators
     * suspended exports drought" shares 4 of its 4 words; of "regulators
     * lifted exports drought", 3 of 4. */
    fact("Regulators suspended coffee exports and quotas after the "
         "drought.", "quota", &x);
    fact("Regulators suspended exports and quotas after the drought.",
         "quota", &y);
    assert_true(fabs(ds_fact_likeness(&x, &y, NULL) - 1.0) < 1e-9);
    ds_fact_free(&y);
    fact("Regulators lifted exports and quotas after the drought.", "quota",
         &y);
    assert_true(fabs(ds_fact_likeness(&x, &y, NULL) - 0.75) < 1e-9);
    ds_fact_free(&x);
    ds_fact_free(&y);
}

static void shared_words_beyond_the_query_decide(void **state)
{
    (void)state;
    assert_true(same("Regulators suspended coffee export quotas after a "
                     "drought in Brazil.",
                     "Export quotas were suspended following a drought in "
                     "Brazil, regulators said.", "quota"));
    assert_false(same("Mayor Ellen Park has promised to expand bus service "
                      "to Eastfield next year.",
                      "Mayor Ellen Park is seeking a second term in the "
                      "election in November.", "ellen park"));
}

/* Names are not among the words compared: the same people named is not
 * the same thing said of them. */
static void shared_names_do_not_make_a_fact(void **state)
{
    (void)state;
    assert_false(same("Lib Dem spokesman Mark Oaten said there was a strong "
                      "case for a judicial review.",
                      "Lib Dem spokesman Mark Oaten said the government was "
                      "right to increase links with the police.",
                      "mark oaten"));
    ds_fact f;
    fact("The board named Jason Droege interim CEO of Scale AI.", "interim",
         &f);
    assert_int_equal(f.words.n, 2); /* board, name */
    assert_int_equal(f.names.n, 5); /* jason droeg ceo scale ai */
    ds_fact_free(&f);
}

/* A wire story's dateline says where and when, not what. */
static void a_dateline_is_not_part_of_the_fact(void **state)
{
    (void)state;
    const char *text = "LONDON, March 2 - Coffee talks failed, delegates "
                       "said.";
    ds_fact f;
    fact(text, "coffee", &f);
    assert_int_equal(f.numbers.n, 0); /* not the 2 of March 2 */
    assert_int_equal(f.names.n, 0);   /* nor London */
    ds_fact_free(&f);
    assert_false(same("WASHINGTON, March 2 - Howard Baker said Reagan will "
                      "meet the press soon.",
                      "WASHINGTON, March 2 - Howard Baker said Reagan will "
                      "address the nation on Wednesday.", "howard baker"));
}

/* Rare words weigh more than common ones (ds_fact_rarity). */
static unsigned long fake_freq(void *ctx, const char *stem, size_t len)
{
    (void)ctx;
    return len == 4 && memcmp(stem, "said", 4) == 0 ? 100000 : 10;
}

static void rare_words_weigh_more(void **state)
{
    (void)state;
    ds_fact_rarity rarity = {fake_freq, NULL, 1e6};
    const char *a = "The minister said quotas suspended.";
    const char *b = "The minister said tariffs rose.";
    char *terms[] = {"minist"};
    ds_fact x = {0}, y = {0};
    ds_fact_read(analyzer, NULL, &rarity, a, strlen(a), terms, 1, &x);
    ds_fact_read(analyzer, NULL, &rarity, b, strlen(b), terms, 1, &y);
    /* "said" (1 of 3 words each) weighs little beside the rest. */
    assert_true(ds_fact_overlap(&x, &y, NULL) < 0.1);
    ds_fact_free(&x);
    ds_fact_free(&y);
    ds_fact_read(analyzer, NULL, NULL, a, strlen(a), terms, 1, &x);
    ds_fact_read(analyzer, NULL, NULL, b, strlen(b), terms, 1, &y);
    assert_true(ds_fact_overlap(&x, &y, NULL) > 0.3); /* 1 of 3 */
    ds_fact_free(&x);
    ds_fact_free(&y);
}

static void according_to_is_not_part_of_the_fact(void **state)
{
    (void)state;
    ds_fact f;
    fact("According to The New York Times, Meta will take a stake.",
         "stake", &f);
    assert_int_equal(f.names.n, 1); /* Meta, not the newspaper */
    ds_fact_free(&f);
}

static void words_most_hits_share_are_common(void **state)
{
    (void)state;
    const char *texts[] = {"The startup hired Wang.",
                           "The startup sold data to Wang.",
                           "The startup moved offices, Wang said.",
                           "Wang left Uber."};
    ds_fact facts[4];
    for (size_t i = 0; i < 4; i++) fact(texts[i], "wang startup", &facts[i]);
    ds_fact_set common = {0};
    ds_fact_common(facts, 4, &common);
    assert_int_equal(common.n, 0); /* the query's own terms are not */
    for (size_t i = 0; i < 4; i++) ds_fact_free(&facts[i]);
    for (size_t i = 0; i < 4; i++) fact(texts[i], "wang", &facts[i]);
    ds_fact_common(facts, 4, &common);
    assert_int_equal(common.n, 1); /* "startup": 3 of 4 */
    free(common.items);
    for (size_t i = 0; i < 4; i++) ds_fact_free(&facts[i]);
}

static ds_hit hit(const char *source, unsigned long passage,
                  const char *text, char **terms, size_t n_terms)
{
    ds_hit h = {0};
    h.record.source = ds_xstrdup(source);
    h.record.passage = passage;
    h.record.text = ds_xstrdup(text);
    h.record.text_len = strlen(text);
    h.terms = terms;
    h.n_terms = n_terms;
    return h;
}

static void folding_keeps_the_best_and_lists_the_others(void **state)
{
    (void)state;
    char *terms[] = {"stake"};
    ds_hit hits[] = {
        hit("a.txt", 4, "Meta will take a 49% stake in Scale AI.", terms, 1),
        hit("a.txt", 9, "Meta's 49% stake in Scale AI is large.", terms, 1),
        hit("b.txt", 2, "Meta gets a 49% stake in Scale AI.", terms, 1),
        hit("c.txt", 1, "Google sold its 10% stake in Waymo.", terms, 1),
    };
    unsigned char folded[4];
    assert_int_equal(ds_fact_fold(analyzer, NULL, NULL, hits, 4, 20, folded), 1);
    assert_int_equal(folded[1], 0); /* the same source never folds */
    assert_int_equal(folded[2], 1);
    assert_int_equal(folded[3], 0);
    assert_int_equal(hits[0].n_also, 1);
    assert_string_equal(hits[0].also[0].source, "b.txt");
    assert_int_equal(hits[0].also[0].passage, 2);
    assert_string_equal(hits[0].also[0].sentence,
                        "Meta gets a 49% stake in Scale AI");
    for (size_t i = 0; i < 4; i++) {
        for (size_t k = 0; k < hits[i].n_also; k++) {
            free(hits[i].also[k].source);
            free(hits[i].also[k].sentence);
        }
        free(hits[i].also);
        free(hits[i].record.source);
        free(hits[i].record.text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_sentence_with_most_query_words_is_read),
        cmocka_unit_test(a_synonym_group_is_read_as_its_entries),
        cmocka_unit_test(abbreviations_and_initials_do_not_end_a_sentence),
        cmocka_unit_test(no_query_word_means_no_fact),
        cmocka_unit_test(a_shared_figure_is_the_same_fact),
        cmocka_unit_test(different_figures_are_different_facts),
        cmocka_unit_test(numbers_agree_kind_by_kind),
        cmocka_unit_test(the_same_figure_about_other_names_is_not),
        cmocka_unit_test(likeness_is_the_overlap_unless_settled),
        cmocka_unit_test(shared_words_beyond_the_query_decide),
        cmocka_unit_test(shared_names_do_not_make_a_fact),
        cmocka_unit_test(a_dateline_is_not_part_of_the_fact),
        cmocka_unit_test(rare_words_weigh_more),
        cmocka_unit_test(according_to_is_not_part_of_the_fact),
        cmocka_unit_test(words_most_hits_share_are_common),
        cmocka_unit_test(folding_keeps_the_best_and_lists_the_others),
    };
    return cmocka_run_group_tests_name("facts", tests, setup, teardown);
}
