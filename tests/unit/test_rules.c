/* Unit tests of the rules file parser (src/rules.c) and the date reader
 * (src/dates.c). */
#include "unit.h"

#include "../../src/dates.h"
#include "../../src/rules.h"

static void builtin_rules_parse(void **state)
{
    (void)state;
    ds_rules *r = ds_rules_builtin_copy();
    assert_non_null(r);
    assert_true(r->drops.count >= 4);
    assert_true(r->heading_max_words > 0 && r->title_max_words > 0);
    ds_rules_free(r);
}

static void bad_rules_name_their_line(void **state)
{
    (void)state;
    char *err = NULL;
    ds_rules *r = NULL;
    assert_int_equal(ds_rules_parse("set heading.max_words 12\nfrobnicate x\n",
                                    &r, &err),
                     DS_ERR_USAGE);
    assert_null(r);
    assert_non_null(strstr(err, "line 2"));
    free(err);
    assert_int_equal(ds_rules_parse("drop broken (unclosed\n", &r, &err),
                     DS_ERR_USAGE);
    assert_non_null(strstr(err, "line 1"));
    free(err);
    assert_int_equal(ds_rules_parse("set title.max_words many\n", &r, &err),
                     DS_ERR_USAGE);
    free(err);
}

static void assert_date(const char *text, const char *iso, size_t used)
{
    char out[11];
    size_t consumed = 0;
    assert_true(ds_parse_date(text, out, &consumed));
    assert_string_equal(out, iso);
    assert_int_equal(consumed, used);
}

static void assert_not_date(const char *text)
{
    char out[11];
    size_t consumed;
    assert_false(ds_parse_date(text, out, &consumed));
}

static void reads_the_formats_news_sites_use(void **state)
{
    (void)state;
    assert_date("2025-06-13 AI Startup", "2025-06-13", 10);
    assert_date("2025/06/13", "2025-06-13", 10);
    assert_date("June 13, 2025", "2025-06-13", 13);
    assert_date("Jun. 13 2025", "2025-06-13", 12);
    assert_date("Dec.02 2025", "2025-12-02", 11);
    assert_date("13 June 2025", "2025-06-13", 12);
    assert_date("3 Sept 2024", "2024-09-03", 11);
}

static void reads_the_wire_and_ordinal_formats(void **state)
{
    (void)state;
    assert_date("26-FEB-1987 15:01:01.79", "1987-02-26", 11);
    assert_date("2-MAR-1987", "1987-03-02", 10);
    assert_date("8th March, 2005", "2005-03-08", 15);
    assert_date("March 8th, 2005", "2005-03-08", 15);
    assert_not_date("26-FEB 1987");
    assert_not_date("26 FEB-1987");
}

static void assert_stamp(const char *text, const char *iso, size_t used)
{
    char out[11];
    size_t consumed = 0;
    assert_true(ds_parse_timestamp(text, out, &consumed));
    assert_string_equal(out, iso);
    assert_int_equal(consumed, used);
}

static void time_stamps_take_weekday_time_and_zone(void **state)
{
    (void)state;
    assert_stamp("26-FEB-1987 15:01:01.79", "1987-02-26", 23);
    assert_stamp("Thu, 26 Feb 1987 15:01:01 GMT", "1987-02-26", 29);
    assert_stamp("Thu, 26 Feb 1987 15:01:01 +0000", "1987-02-26", 31);
    assert_stamp("2005-03-08T14:02:00Z", "2005-03-08", 20);
    assert_stamp("2005-03-08T14:02:00.000+01:00", "2005-03-08", 29);
    assert_stamp("2005-03-08 14:02", "2005-03-08", 16);
    assert_stamp("Tuesday, 8 March 2005", "2005-03-08", 21);
    assert_stamp("Tuesday, March 8, 2005", "2005-03-08", 22);
    assert_stamp("March 8, 2005 2:02 PM", "2005-03-08", 21);
    assert_stamp("March 8, 2005 at 2:02 p.m. ET", "2005-03-08", 29);
    assert_stamp("8 Mar 2005, 14:02 GMT", "2005-03-08", 21);
    assert_stamp("8 Mar 2005 - 14:02 (UTC)", "2005-03-08", 24);
    assert_stamp("08/03/2005", "2005-03-08", 10);
    /* What is not a time is left for the caller. */
    assert_stamp("8 Mar 2005 25:61", "2005-03-08", 10);
    assert_stamp("8 Mar 2005 13:05 PM", "2005-03-08", 10);
    assert_stamp("8 Mar 2005, the day", "2005-03-08", 10);
    assert_stamp("8 Mar 2005 3:05 PM Oil prices", "2005-03-08", 18);
}

static void times_of_day_alone(void **state)
{
    (void)state;
    assert_int_equal(ds_parse_time("14:02 GMT, Tuesday"), 9);
    assert_int_equal(ds_parse_time("2:02 p.m. ET"), 12);
    assert_int_equal(ds_parse_time("14:02"), 5);
    assert_int_equal(ds_parse_time("2000 GMT"), 0);
    assert_int_equal(ds_parse_time("24:00"), 0);
    assert_int_equal(ds_parse_time("9:61"), 0);
}

static void impossible_time_stamps_are_not_dates(void **state)
{
    (void)state;
    char out[11];
    size_t consumed;
    assert_false(ds_parse_timestamp("Thu, 30 Feb 1987 15:01 GMT", out,
                                    &consumed));
    assert_false(ds_parse_timestamp("Thursday", out, &consumed));
    assert_false(ds_parse_timestamp("Sunday, 1 March", out, &consumed));
    assert_false(ds_parse_timestamp("2000 GMT", out, &consumed));
}

static void numeric_dates_are_day_first_unless_impossible(void **state)
{
    (void)state;
    assert_date("11/06/2025", "2025-06-11", 10); /* day first */
    assert_date("06/13/2025", "2025-06-13", 10); /* 13 is no month */
    assert_date("1.2.2025", "2025-02-01", 8);
    assert_not_date("13/13/2025");
}

static void impossible_dates_are_not_dates(void **state)
{
    (void)state;
    assert_not_date("2025-02-30");
    assert_not_date("February 29, 2025");
    assert_date("February 29, 2024", "2024-02-29", 17);
    assert_not_date("June 2025");
    assert_not_date("2025-06-13x");
    assert_not_date("Marching 13 2025");
    assert_not_date("");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builtin_rules_parse),
        cmocka_unit_test(bad_rules_name_their_line),
        cmocka_unit_test(reads_the_formats_news_sites_use),
        cmocka_unit_test(reads_the_wire_and_ordinal_formats),
        cmocka_unit_test(time_stamps_take_weekday_time_and_zone),
        cmocka_unit_test(times_of_day_alone),
        cmocka_unit_test(impossible_time_stamps_are_not_dates),
        cmocka_unit_test(numeric_dates_are_day_first_unless_impossible),
        cmocka_unit_test(impossible_dates_are_not_dates),
    };
    return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
