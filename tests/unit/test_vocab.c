/* Tests of the vocabulary trie (src/vocab.c): what it finds within a
 * distance, by hand and against a full edit-distance table over random
 * words; its file, stamped, and what a damaged one does. */
#include "unit.h"

#include <fcntl.h>
#include <unistd.h>

#include "../../src/util.h"
#include "../../src/vocab.h"

typedef struct {
    char found[1024][24];
    unsigned distance[1024];
    unsigned long freq[1024];
    size_t n;
} found_words;

static int collect(void *ctx, const char *word, size_t len,
                   unsigned long freq, unsigned distance)
{
    found_words *f = ctx;
    assert_true(len < sizeof f->found[0] && f->n < 1024);
    memcpy(f->found[f->n], word, len);
    f->found[f->n][len] = '\0';
    f->distance[f->n] = distance;
    f->freq[f->n] = freq;
    f->n++;
    return 0;
}

/* "word:distance" for each word found, space-separated. */
static char *near(const ds_vocab *v, const char *word, unsigned k)
{
    found_words f = {0};
    ds_vocab_near(v, word, strlen(word), k, collect, &f);
    ds_buf out;
    ds_buf_init(&out);
    for (size_t i = 0; i < f.n; i++)
        ds_buf_printf(&out, "%s%s:%u", i ? " " : "", f.found[i],
                      f.distance[i]);
    return out.data ? ds_buf_steal(&out) : strdup("");
}

static const struct {
    const char *word;
    unsigned long freq;
} WORDS[] = {{"harbour", 6}, {"harbours", 2}, {"pelican", 10},
             {"pelicans", 1}, {"quokka", 3},  {"\xc3\xa9p\xc3\xa9" "e", 2}};

static ds_vocab_builder *small_builder(void)
{
    ds_vocab_builder *b = ds_vocab_builder_new();
    for (size_t i = 0; i < sizeof WORDS / sizeof *WORDS; i++)
        assert_int_equal(ds_vocab_builder_add(b, WORDS[i].word,
                                              strlen(WORDS[i].word),
                                              WORDS[i].freq, NULL),
                         DS_OK);
    return b;
}

static void expect_near(const ds_vocab *v, const char *word, unsigned k,
                        const char *want)
{
    char *got = near(v, word, k);
    if (strcmp(got, want) != 0)
        fail_msg("near(%s, %u): '%s', not '%s'", word, k, got, want);
    free(got);
}

/* The distances the rules give (vocab.h): one edit each, an edit of the
 * first letter two; letters are code points, not bytes. */
static void checks(const ds_vocab *v)
{
    assert_int_equal(ds_vocab_freq(v, "harbour", 7), 6);
    assert_int_equal(ds_vocab_freq(v, "harbou", 6), 0);
    assert_int_equal(ds_vocab_freq(v, "\xc3\xa9p\xc3\xa9" "e", 6), 2);
    assert_int_equal(ds_vocab_freq(v, "zebra", 5), 0);
    expect_near(v, "pelican", 1, "pelican:0 pelicans:1");
    expect_near(v, "pelcian", 1, "pelican:1");   /* letters swapped */
    expect_near(v, "pelicn", 1, "pelican:1");    /* one missing */
    expect_near(v, "pellican", 1, "pelican:1");  /* one too many */
    expect_near(v, "pelikan", 1, "pelican:1");   /* one wrong */
    expect_near(v, "belican", 1, "");            /* the first letter: 2 */
    expect_near(v, "belican", 2, "pelican:2");
    expect_near(v, "epelican", 2, "pelican:2");
    expect_near(v, "eplican", 2, "pelican:2");   /* first two swapped */
    expect_near(v, "harbor", 1, "harbour:1");
    expect_near(v, "harbor", 2, "harbour:1 harbours:2");
    expect_near(v, "\xc3\xa9p\xc3\xa9", 1, "\xc3\xa9p\xc3\xa9" "e:1");
    expect_near(v, "epee", 2, "");
    expect_near(v, "", 2, "");
    expect_near(v, "\xff\xfe", 2, "");           /* not UTF-8 */
}

static void finds_words_within_the_distance(void **state)
{
    (void)state;
    ds_vocab_builder *b = small_builder();
    ds_vocab *v = ds_vocab_builder_finish(b);
    checks(v);
    ds_vocab_close(v);
    ds_vocab_builder_free(b);
}

static void words_must_come_sorted_and_once(void **state)
{
    (void)state;
    ds_vocab_builder *b = ds_vocab_builder_new();
    char *err = NULL;
    assert_int_equal(ds_vocab_builder_add(b, "pelican", 7, 1, NULL), DS_OK);
    assert_int_equal(ds_vocab_builder_add(b, "harbour", 7, 1, &err),
                     DS_ERR_INTERNAL);
    assert_non_null(strstr(err, "harbour"));
    free(err);
    assert_int_equal(ds_vocab_builder_add(b, "pelican", 7, 1, NULL),
                     DS_ERR_INTERNAL);
    /* Words that cannot be walked are left out, not refused. */
    assert_int_equal(ds_vocab_builder_add(b, "q\xff", 2, 1, NULL), DS_OK);
    ds_vocab_builder_free(b);
}

/* ---- Against the whole table ---- */

/* The distance vocab.h defines, from the full table. */
static unsigned full_distance(const char *a, size_t n, const char *b,
                              size_t m)
{
    unsigned d[20][20];
    for (size_t i = 0; i <= n; i++) d[i][0] = i ? (unsigned)i + 1 : 0;
    for (size_t j = 1; j <= m; j++) d[0][j] = (unsigned)j + 1;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            unsigned del = d[i - 1][j] + (i == 1 ? 2 : 1);
            unsigned ins = d[i][j - 1] + 1;
            unsigned sub = d[i - 1][j - 1] +
                           (a[i - 1] == b[j - 1] ? 0 : i == 1 && j == 1 ? 2 : 1);
            unsigned x = del < ins ? del : ins;
            if (sub < x) x = sub;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                unsigned swap = d[i - 2][j - 2] + (i == 2 ? 2 : 1);
                if (swap < x) x = swap;
            }
            d[i][j] = x;
        }
    return d[n][m];
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *random_word(unsigned *seed)
{
    size_t len = 1 + (size_t)(rand_r(seed) % 9);
    char *w = malloc(len + 1);
    for (size_t i = 0; i < len; i++) w[i] = (char)('a' + rand_r(seed) % 4);
    w[len] = '\0';
    return w;
}

/* Over random words of four letters (so that many are close), every
 * word the walk finds is within the distance, at the distance the full
 * table gives, and it finds every such word, in byte order (the walk
 * skips the children that cannot stay within the distance: band_letters
 * in vocab.c). */
static void agrees_with_the_full_table(void **state)
{
    (void)state;
    unsigned seed = 42;
    enum { N = 3000, QUERIES = 300 };
    char **words = malloc(N * sizeof *words);
    const char **distinct = malloc(N * sizeof *distinct);
    for (size_t i = 0; i < N; i++) words[i] = random_word(&seed);
    qsort(words, N, sizeof *words, compare_strings);
    ds_vocab_builder *b = ds_vocab_builder_new();
    size_t n = 0;
    for (size_t i = 0; i < N; i++) {
        if (i && strcmp(words[i], words[i - 1]) == 0) continue;
        assert_int_equal(ds_vocab_builder_add(b, words[i], strlen(words[i]),
                                              i + 1, NULL),
                         DS_OK);
        distinct[n++] = words[i];
    }
    ds_vocab *v = ds_vocab_builder_finish(b);
    for (int q = 0; q < QUERIES; q++) {
        char *query = random_word(&seed);
        unsigned k = (unsigned)(q % 4); /* 0 and 3 too: the pruning */
        found_words f = {0};
        ds_vocab_near(v, query, strlen(query), k, collect, &f);
        size_t at = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned d = full_distance(query, strlen(query), distinct[i],
                                       strlen(distinct[i]));
            if (d > k) continue;
            if (at >= f.n || strcmp(f.found[at], distinct[i]) != 0)
                fail_msg("%s within %u: missed %s (%u)", query, k,
                         distinct[i], d);
            assert_int_equal(f.distance[at], d);
            at++;
        }
        assert_int_equal(at, f.n);
        free(query);
    }
    ds_vocab_close(v);
    ds_vocab_builder_free(b);
    for (size_t i = 0; i < N; i++) free(words[i]);
    free(words);
    free(distinct);
}

/* ---- The file ---- */

static void written_file_reads_back_for_its_stamp_only(void **state)
{
    (void)state;
    char *dir = unit_tempdir(), path[600];
    snprintf(path, sizeof path, "%s/vocabulary", dir);
    ds_vocab_builder *b = small_builder();
    assert_int_equal(ds_vocab_builder_write(b, path, "uuid:7", NULL), DS_OK);
    ds_vocab *v = NULL;
    assert_int_equal(ds_vocab_open(path, "uuid:7", &v, NULL), DS_OK);
    checks(v);
    ds_vocab_close(v);
    char *err = NULL;
    assert_int_equal(ds_vocab_open(path, "uuid:8", &v, &err), DS_ERR_VERSION);
    assert_null(v);
    assert_non_null(strstr(err, path));
    free(err);
    char missing[700];
    snprintf(missing, sizeof missing, "%s/none", dir);
    assert_int_equal(ds_vocab_open(missing, "uuid:7", &v, NULL),
                     DS_ERR_NO_INDEX);
    ds_vocab_builder_free(b);
    unit_rmtree(dir);
    free(dir);
}

static void damaged_files_are_refused_or_walked_safely(void **state)
{
    (void)state;
    char *dir = unit_tempdir(), path[600];
    snprintf(path, sizeof path, "%s/vocabulary", dir);
    ds_vocab_builder *b = small_builder();
    assert_int_equal(ds_vocab_builder_write(b, path, "s", NULL), DS_OK);
    size_t len = 0;
    char *good = unit_read(path, &len);
    ds_vocab *v = NULL;
    /* Cut anywhere: refused. */
    for (size_t cut = 0; cut < len; cut += 7) {
        unit_write(dir, "vocabulary", good, cut);
        assert_int_not_equal(ds_vocab_open(path, "s", &v, NULL), DS_OK);
        assert_null(v);
    }
    /* Any byte changed: refused, or walked without reading past the
     * file (AddressSanitizer watches) and without looping. */
    for (size_t at = 0; at < len; at++) {
        char *bad = malloc(len);
        memcpy(bad, good, len);
        bad[at] = (char)(bad[at] ^ 0x5A);
        unit_write(dir, "vocabulary", bad, len);
        if (ds_vocab_open(path, "s", &v, NULL) == DS_OK) {
            char *got = near(v, "pelican", 2);
            free(got);
            ds_vocab_freq(v, "harbour", 7);
            ds_vocab_close(v);
        }
        free(bad);
    }
    free(good);
    ds_vocab_builder_free(b);
    unit_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_words_within_the_distance),
        cmocka_unit_test(words_must_come_sorted_and_once),
        cmocka_unit_test(agrees_with_the_full_table),
        cmocka_unit_test(written_file_reads_back_for_its_stamp_only),
        cmocka_unit_test(damaged_files_are_refused_or_walked_safely),
    };
    return cmocka_run_group_tests_name("vocab", tests, NULL, NULL);
}
