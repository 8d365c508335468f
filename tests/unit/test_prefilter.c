/* Unit tests of the regex prefilter (src/prefilter.c): what it finds that
 * matches must contain, what it leaves alone, and that it never turns
 * away a text one of the built-in news rules matches. */
#include "unit.h"

#include <regex.h>

#include "../../src/prefilter.h"
#include "../../src/rules.h"

static int may(const char *ere, const char *text)
{
    ds_prefilter *f = ds_prefilter_new(ere, 1);
    assert_non_null(f);
    int yes = ds_prefilter_may_match(f, text, strlen(text));
    ds_prefilter_free(f);
    return yes;
}

static void finds_strings_every_match_holds(void **state)
{
    (void)state;
    const char *rights = "^[^!?]{0,100}all rights reserved\\.?$";
    assert_true(may(rights, "(c) 2024 Acme Ltd. All Rights Reserved."));
    assert_true(may(rights, "All rights reserved"));
    assert_false(may(rights, "All rights reserved by the court, he said."));
    assert_false(may(rights, "Some rights are reserved"));
    const char *blurb = "^[^.!?]{3,50} (is|was) (an?|the) [^.!?]{0,60}"
                        "(reporter|editor)[^.!?]{0,80}\\.$";
    assert_true(may(blurb, "Jane Smith is a senior REPORTER for the Post."));
    assert_false(may(blurb, "Jane Smith is an engineer at the plant."));
    assert_false(may(blurb, "The editor said the reporter is ill."));
}

static void checks_how_anchored_matches_start_and_end(void **state)
{
    (void)state;
    const char *share = "^(share|tweet|e-?mail)( this (page|story))?[.:]?$";
    assert_true(may(share, "Share this story:"));
    assert_true(may(share, "EMAIL"));
    assert_true(may(share, "e-mail this page"));
    assert_false(may(share, "Market share"));
    assert_false(may(share, "To share this story with friends"));
    assert_true(may("^q[[:space:]]*:", "Q: Why?"));
    assert_false(may("^q[[:space:]]*:", "A: Because."));
}

static void tells_nothing_when_unsure(void **state)
{
    (void)state;
    static const char *const none[] = {
        "[0-9]+ [a-z]+",            /* no string of three bytes or more */
        "(news|ab)",                /* "ab" is too short */
        "^(abc|de)f|x",             /* so is "x", another way to match */
        "newsletter\\w",            /* an escape that is a class */
        "\xC3\xA9t\xC3\xA9",        /* bytes a locale may fold or join */
        "((((((((((deep))))))))))", /* groups nested past the limit */
        "a{,3}bcd",                 /* an interval this reader does not know */
    };
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        assert_null(ds_prefilter_new(none[i], 1));
    /* Not anchored where the match starts, but "letter" is needed. */
    assert_true(may("^x*letter", "a newsletter"));
    assert_false(may("^x*letter", "lettuce"));
}

/* Texts the built-in rules are about, in their usual spellings. */
static const char *const CHROME[] = {
    "Related stories", "Related articles:", "More on this story",
    "Share this story Twitter Email", "Share", "Tweet", "Follow us on X",
    "Print this article", "E-mail this story", "Copy link",
    "Sign up for our daily newsletter", "Get the Morning Briefing newsletter",
    "Subscribe now!", "Click here to subscribe", "The Business newsletter",
    "3 comments", "Comments (12)", "Leave a comment", "Join the conversation",
    "Advertisement", "Story continues below advertisement",
    "Advertisement - Scroll to continue", "5 min read", "Listen to this article",
    "Updated 5 hours ago", "2 days ago", "Image caption, Smoke over the port",
    "Photo: Jane Doe", "(Photo by Jane Doe/Reuters)", "(Credits: AFP)",
    "For immediate release", "Press release", "Media contacts:",
    "Contact for investors", "(Reporting by Jane Doe; Editing by Tom Brown)",
    "-- Additional reporting by Jane Doe", "\xC2\xA9 2024 Acme Corp",
    "(c) Acme", "Copyright 2024 Acme. All rights reserved.",
    "All Rights Reserved", "Reprints & Permissions", "Tags: oil, opec",
    "About the author", "About the Author: Jane",
    "Jane Smith is a reporter at the Daily Planet.",
    "Jane Smith is the paper's energy correspondent. Follow her on X.",
    "John Doe covers energy markets. Follow him on Twitter.",
    "Follow them on Facebook.", "Home | News | Business",
    "Home > Business > Markets", "Skip to main content", "Back to top",
    "Published: 8 March 2005", "Last updated on 2024-03-14",
    "Page last updated at 14:02 GMT", "Date: 2025-06-13", "Dated 3 May 2001",
    "By Jane Smith", "Written by Jane Smith", "Author: Jane", "Authors: A and B",
    "Q: What now?", "A: We wait.", "q. why", "a . because",
    "The company said on Tuesday it would cut 300 jobs.", "Shr 1.20 dlrs vs 90 cts",
    "",
};

static void check_list(const ds_pattern_list *list, const char *text)
{
    for (size_t i = 0; i < list->count; i++) {
        const ds_pattern *p = &list->items[i];
        if (p->needs && regexec(&p->re, text, 0, NULL, 0) == 0 &&
            !ds_prefilter_may_match(p->needs, text, strlen(text)))
            fail_msg("'%s' turned away '%s'", p->source, text);
    }
    if (list->any_needs && regexec(&list->any, text, 0, NULL, 0) == 0 &&
        !ds_prefilter_may_match(list->any_needs, text, strlen(text)))
        fail_msg("a list's alternation turned away '%s'", text);
}

/* Every text as written, in capitals and in lower case. */
static void never_turns_away_a_match_of_the_rules(void **state)
{
    (void)state;
    ds_rules *r = ds_rules_builtin_copy();
    const ds_pattern_list *lists[] = {&r->drops, &r->list_drops, &r->end_drops,
                                      &r->date_labels, &r->byline_labels};
    size_t filtered = 0;
    for (size_t k = 0; k < sizeof lists / sizeof *lists; k++)
        for (size_t i = 0; i < lists[k]->count; i++)
            filtered += lists[k]->items[i].needs != NULL;
    assert_true(filtered >= 20); /* the costly patterns have a filter */
    for (size_t t = 0; t < sizeof CHROME / sizeof *CHROME; t++) {
        char upper[256], lower[256];
        size_t n = strlen(CHROME[t]);
        assert_true(n < sizeof upper);
        for (size_t i = 0; i <= n; i++) {
            unsigned char c = (unsigned char)CHROME[t][i];
            upper[i] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
            lower[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        const char *texts[] = {CHROME[t], upper, lower};
        for (size_t v = 0; v < 3; v++)
            for (size_t k = 0; k < sizeof lists / sizeof *lists; k++)
                check_list(lists[k], texts[v]);
    }
    ds_rules_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_strings_every_match_holds),
        cmocka_unit_test(checks_how_anchored_matches_start_and_end),
        cmocka_unit_test(tells_nothing_when_unsure),
        cmocka_unit_test(never_turns_away_a_match_of_the_rules),
    };
    return cmocka_run_group_tests_name("prefilter", tests, NULL, NULL);
}
