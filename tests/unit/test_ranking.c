/* Tests of the ranking and proximity settings and the stored length
 * normalisation (src/ranking.c). */
#include "unit.h"

#include "../../src/ranking.h"

static void shipped_settings_unless_the_environment_says(void **state)
{
    (void)state;
    ds_ranking p;
    unsetenv("DEALSEARCH_DFR_C");
    assert_int_equal(ds_ranking_settings(&p, NULL), DS_OK);
    assert_true(p.c == DS_DFR_C);
    setenv("DEALSEARCH_DFR_C", "2.5", 1);
    assert_int_equal(ds_ranking_settings(&p, NULL), DS_OK);
    assert_true(p.c == 2.5);
    unsetenv("DEALSEARCH_DFR_C");
}

/* A setting that is not a number above 0 is an error naming it, never
 * silently the shipped one. */
static void malformed_settings_are_an_error(void **state)
{
    (void)state;
    const char *bad[] = {"1,2", "0", "-1", "x", "1x", "nan", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ds_ranking p;
        char *err = NULL;
        setenv("DEALSEARCH_DFR_C", bad[i], 1);
        assert_int_equal(ds_ranking_settings(&p, &err), DS_ERR_USAGE);
        assert_non_null(strstr(err, "DEALSEARCH_DFR_C"));
        free(err);
    }
    unsetenv("DEALSEARCH_DFR_C");
}

static void proximity_shipped_unless_the_environment_says(void **state)
{
    (void)state;
    ds_proximity p;
    unsetenv("DEALSEARCH_PROXIMITY");
    assert_int_equal(ds_proximity_settings(&p, NULL), DS_OK);
    assert_true(p.ordered == DS_PROXIMITY_ORDERED &&
                p.unordered == DS_PROXIMITY_UNORDERED &&
                p.window == DS_PROXIMITY_WINDOW);
    setenv("DEALSEARCH_PROXIMITY", "0,0.25,12", 1);
    assert_int_equal(ds_proximity_settings(&p, NULL), DS_OK);
    assert_true(p.ordered == 0 && p.unordered == 0.25 && p.window == 12);
    const char *bad[] = {"0.1,0.1", "0.1,0.1,8,1", "0.1,x,8", "0.1,0.1,1",
                         ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *err = NULL;
        setenv("DEALSEARCH_PROXIMITY", bad[i], 1);
        assert_int_equal(ds_proximity_settings(&p, &err), DS_ERR_USAGE);
        assert_non_null(strstr(err, "DEALSEARCH_PROXIMITY"));
        free(err);
    }
    unsetenv("DEALSEARCH_PROXIMITY");
}

static void normalisation_round_trips_exactly(void **state)
{
    (void)state;
    const dsx_length_norm n = {.c = 1.5, .avg_length = 23.456789012345678,
                              .scale = 127};
    char text[128];
    ds_length_norm_format(&n, text, sizeof text);
    dsx_length_norm back = {0};
    assert_int_equal(ds_length_norm_parse(text, &back), DS_OK);
    assert_memory_equal(&n, &back, sizeof n);
}

static void damaged_normalisation_is_rejected(void **state)
{
    (void)state;
    const char *bad[] = {"", "ineb2 12 1", "ineb2 12 1 0", "ineb2 12 0 127",
                         "ineb2 12 1 127 x", "ineb2 -1 1 127",
                         "ineb2 nan 1 127", "12 0.75 0.5 64" /* BM25's */};
    dsx_length_norm n = {.avg_length = 1, .scale = 4};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(ds_length_norm_parse(bad[i], &n), DS_ERR_DAMAGED);
        assert_true(n.avg_length == 1 && n.scale == 4); /* untouched */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_settings_unless_the_environment_says),
        cmocka_unit_test(malformed_settings_are_an_error),
        cmocka_unit_test(proximity_shipped_unless_the_environment_says),
        cmocka_unit_test(normalisation_round_trips_exactly),
        cmocka_unit_test(damaged_normalisation_is_rejected),
    };
    return cmocka_run_group_tests_name("ranking", tests, NULL, NULL);
}
