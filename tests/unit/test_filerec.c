/* The record an index keeps of each corpus file (src/filerec.h): encoded
 * and decoded back whatever its documents' numbers — runs, a sharded
 * index's interleaved numbers (no runs: thousands of single ids), none —
 * and anything else refused. */
#include "unit.h"

#include "../../src/filerec.h"

static ds_filerec record_of(unsigned *ids, size_t n)
{
    ds_filerec r;
    memset(&r, 0, sizeof r);
    r.source = "wire/story one.txt";
    r.stamp.size = 123456;
    r.stamp.mtime_sec = 1764700000;
    r.stamp.mtime_nsec = 999999999;
    memset(&r.stamp.digest, 0xab, sizeof r.stamp.digest);
    r.docids = ids;
    r.n = n;
    return r;
}

static void round_trip(unsigned *ids, size_t n)
{
    ds_filerec r = record_of(ids, n), back;
    ds_buf buf;
    ds_buf_init(&buf);
    ds_filerec_encode(&r, &buf);
    assert_int_equal(ds_filerec_decode(buf.data, buf.len, &back), DS_OK);
    assert_string_equal(back.source, r.source);
    assert_int_equal(back.stamp.size, r.stamp.size);
    assert_int_equal(back.stamp.mtime_sec, r.stamp.mtime_sec);
    assert_int_equal(back.stamp.mtime_nsec, r.stamp.mtime_nsec);
    assert_memory_equal(&back.stamp.digest, &r.stamp.digest,
                        sizeof r.stamp.digest);
    assert_int_equal(back.n, n);
    if (n) assert_memory_equal(back.docids, ids, n * sizeof *ids);
    ds_filerec_free(&back);
    ds_buf_free(&buf);
}

static void runs_and_single_ids(void **state)
{
    (void)state;
    unsigned ids[] = {7, 8, 9, 10, 3, 42, 43, 4000000000u};
    round_trip(ids, sizeof ids / sizeof *ids);
    round_trip(NULL, 0);
}

/* A file of 3,000 passages in shard 1 of 2: every third number, a line
 * of some 20 kB. */
static void interleaved_numbers(void **state)
{
    (void)state;
    enum { N = 3000 };
    static unsigned ids[N];
    for (unsigned g = 0; g < N; g++) ids[g] = 100000 + 3 * g + 2;
    round_trip(ids, N);
}

static void refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "1 2 3 abcd 1\nsource",                     /* not a digest */
        "1 2 3\nsource",                            /* fields missing */
        "1 2 3 " "0123456789abcdef0123456789abcdef" " 0\nsource", /* id 0 */
        "1 2 3 " "0123456789abcdef0123456789abcdef" " 5-2\nsource",
        "1 2 3 " "0123456789abcdef0123456789abcdef" " 1,\nsource",
        "1 2 3 " "0123456789abcdef0123456789abcdef" " 1\n",   /* no source */
        "1 2 3 " "0123456789abcdef0123456789abcdef" " 1\nbad\001name",
        "1 2 3 " "0123456789abcdef0123456789abcdef" " 1-99999999\nsource",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ds_filerec r;
        assert_int_equal(ds_filerec_decode(bad[i], strlen(bad[i]), &r),
                         DS_ERR_DAMAGED);
        assert_null(r.docids);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(runs_and_single_ids),
        cmocka_unit_test(interleaved_numbers),
        cmocka_unit_test(refused),
    };
    return cmocka_run_group_tests_name("filerec", tests, NULL, NULL);
}
