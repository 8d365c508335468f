/* Unit tests of the plan file (src/plan.c): what a part reads must be what
 * was written, and anything else is refused, never trusted. */
#include "unit.h"

#include "../../src/plan.h"
#include "../../src/util.h"

/* Two files (3 passages and 0, the second unreadable) for 2 shards. */
static void sample(ds_plan *p)
{
    memset(p, 0, sizeof *p);
    p->shards = 2;
    snprintf(p->check, sizeof p->check, "%s",
             "0123456789abcdef0123456789abcdef");
    p->n_entries = 2;
    p->entries = ds_xmalloc(2 * sizeof *p->entries);
    p->entries[0] = (ds_plan_entry){ds_xstrdup("sub/a b.txt"), 120,
                                    {{1, 2, 3}}, 1};
    p->entries[1] = (ds_plan_entry){ds_xstrdup("z.txt"), 7, {{0}}, 0};
    ds_scan_result *s = &p->scan;
    s->avg_length = 123.0 / 7.0;
    s->passages = 3;
    s->shared_groups = 1;
    s->entry_first = ds_xmalloc(3 * sizeof *s->entry_first);
    s->entry_first[0] = 0;
    s->entry_first[1] = s->entry_first[2] = 3;
    s->groups = ds_xmalloc(3 * sizeof *s->groups);
    s->sigs = ds_xmalloc(3 * sizeof *s->sigs);
    for (size_t i = 0; i < 3; i++) {
        s->groups[i] = i == 1 ? 0 : 18446744073709551615ul;
        memset(&s->sigs[i], 0, sizeof s->sigs[i]);
        for (size_t h = 0; i != 2 && h < DS_NEARDUP_HASHES; h++)
            s->sigs[i].min[h] = (uint16_t)(h * 2731 + i);
        s->sigs[i].valid = i != 2;
    }
}

/* The sample written to a file; its text in *text (malloc'd). */
static char *written(char **text, size_t *len)
{
    char *dir = unit_tempdir(), path[1024];
    snprintf(path, sizeof path, "%s/plan", dir);
    ds_plan p;
    sample(&p);
    assert_int_equal(ds_plan_write(path, &p, NULL), DS_OK);
    ds_plan_free(&p);
    *text = unit_read(path, len);
    return dir;
}

static void round_trips_what_parts_need(void **state)
{
    (void)state;
    char *text;
    size_t len;
    char *dir = written(&text, &len);
    ds_plan in, out;
    sample(&in);
    assert_int_equal(ds_plan_parse(text, len, &out, NULL), DS_OK);
    assert_int_equal(out.shards, 2);
    assert_string_equal(out.check, in.check);
    assert_true(out.scan.avg_length == in.scan.avg_length); /* exact */
    assert_int_equal(out.scan.passages, 3);
    assert_int_equal(out.scan.shared_groups, 1);
    assert_int_equal(out.n_entries, 2);
    assert_string_equal(out.entries[0].name, "sub/a b.txt");
    assert_int_equal(out.entries[0].size, 120);
    assert_true(ds_digest_equal(&out.entries[0].digest,
                                &in.entries[0].digest));
    assert_int_equal(out.entries[1].read, 0);
    assert_int_equal(out.scan.entry_first[1], 3);
    assert_int_equal(out.scan.entry_first[2], 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(out.scan.groups[i], in.scan.groups[i]);
        assert_int_equal(out.scan.sigs[i].valid, in.scan.sigs[i].valid);
        assert_memory_equal(out.scan.sigs[i].min, in.scan.sigs[i].min,
                            sizeof in.scan.sigs[i].min);
    }
    ds_plan_free(&in);
    ds_plan_free(&out);
    free(text);
    unit_rmtree(dir);
    free(dir);
}

/* Parsing `text` fails, saying where, and leaves nothing allocated. */
static void refused(const char *text, size_t len)
{
    ds_plan p;
    char *why = NULL;
    assert_int_equal(ds_plan_parse(text, len, &p, &why), DS_ERR_DAMAGED);
    assert_non_null(why);
    assert_null(p.entries);
    assert_null(p.scan.groups);
    free(why);
}

static void truncated_or_altered_plans_are_refused(void **state)
{
    (void)state;
    char *text;
    size_t len;
    char *dir = written(&text, &len);
    for (size_t cut = 0; cut < len; cut++) refused(text, cut);
    for (size_t i = 0; i < len; i++) { /* any byte changed */
        char *copy = ds_xstrndup(text, len);
        copy[i] = copy[i] == '1' ? '2' : '1';
        refused(copy, len);
        free(copy);
    }
    char *longer = ds_xasprintf("%.*sx", (int)len, text);
    refused(longer, len + 1);
    free(longer);
    free(text);
    unit_rmtree(dir);
    free(dir);
}

static void counts_past_the_file_are_refused(void **state)
{
    (void)state;
    const char *huge = "dealsearch-plan 1\nshards 2\n"
                       "check 0123456789abcdef0123456789abcdef\n"
                       "average 1\ngroups 0\nentries 99999999999\n"
                       "passages 0\n";
    refused(huge, strlen(huge));
    const char *many = "dealsearch-plan 1\nshards 2000\n";
    refused(many, strlen(many));
    refused("", 0);
    refused("hello\n", 6);
    ds_plan p;
    assert_int_equal(ds_plan_read("/nonexistent/plan", &p, NULL), DS_ERR_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trips_what_parts_need),
        cmocka_unit_test(truncated_or_altered_plans_are_refused),
        cmocka_unit_test(counts_past_the_file_are_refused),
    };
    return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
