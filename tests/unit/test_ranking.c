/* Tests of the BM25 and proximity settings and the stored length
 * normalisation (src/ranking.c). */
#include "unit.h"

#include "../../src/ranking.h"

static void shipped_settings_unless_the_environment_says(void **state)
{
    (void)state;
    ds_bm25 p;
    unsetenv("DEALSEARCH_BM25");
    assert_int_equal(ds_bm25_settings(&p, NULL), DS_OK);
    assert_true(p.k1 == DS_BM25_K1 && p.b == DS_BM25_B &&
                p.min_normlen == DS_BM25_MIN_NORMLEN);
    setenv("DEALSEARCH_BM25", "2,0,1,0.4,0.3", 1);
    assert_int_equal(ds_bm25_settings(&p, NULL), DS_OK);
    assert_true(p.k1 == 2 && p.k2 == 0 && p.k3 == 1 && p.b == 0.4 &&
                p.min_normlen == 0.3);
    unsetenv("DEALSEARCH_BM25");
}

/* A setting that is not five numbers is an error naming it, never
 * silently the shipped one. */
static void malformed_settings_are_an_error(void **state)
{
    (void)state;
    const char *bad[] = {"2,0", "2,0,1,0.4,0.3,9", "2,0,1,0.4,x", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ds_bm25 p;
        char *err = NULL;
        setenv("DEALSEARCH_BM25", bad[i], 1);
        assert_int_equal(ds_bm25_settings(&p, &err), DS_ERR_USAGE);
        assert_non_null(strstr(err, "DEALSEARCH_BM25"));
        free(err);
    }
    unsetenv("DEALSEARCH_BM25");
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
    const dsx_length_norm n = {.b = 0.75, .min_normlen = 0.5,
                              .avg_length = 23.456789012345678,
                              .scale = 64};
    char text[128];
    ds_length_norm_format(&n, text, sizeof text);
    dsx_length_norm back = {0};
    assert_int_equal(ds_length_norm_parse(text, &back), DS_OK);
    assert_memory_equal(&n, &back, sizeof n);
}

static void damaged_normalisation_is_rejected(void **state)
{
    (void)state;
    const char *bad[] = {"", "12 0.75 0.5", "12 0.75 0.5 0",
                         "12 0.75 0.5 64 x", "-1 0.75 0.5 64",
                         "nan 0.75 0.5 64"};
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
