/*
 * fuzz_vocab.c — libFuzzer target: the vocabulary file (src/vocab.c), as
 * read from disk and as built.
 *
 * The first byte picks the mode:
 *   even  the rest is a vocabulary file stamped "fuzz": ds_vocab_open
 *         accepts or refuses it; when accepted, walks and lookups must
 *         stay inside the file (AddressSanitizer), end, and report only
 *         valid UTF-8 words within the distance asked;
 *   odd   the rest is words, one per line: sorted and made unique, they
 *         are built into a file and read back, and every word the builder
 *         kept is found with its frequency, at distance 0.
 */
#define _DEFAULT_SOURCE /* mkstemp */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/util.h"
#include "../../src/vocab.h"
#include "fuzz_common.h"

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    strcpy(path, "/tmp/fuzz_vocab-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) FUZZ_FAIL("mkstemp failed");
    close(fd);
    return 0;
}

static void write_file(const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        FUZZ_FAIL("cannot write %s", path);
}

typedef struct {
    unsigned k;
    size_t found;
} walk_check;

static int check_found(void *ctx, const char *word, size_t len,
                       unsigned long freq, unsigned distance)
{
    walk_check *w = ctx;
    (void)freq;
    if (distance > w->k) FUZZ_FAIL("distance %u past %u", distance, w->k);
    if (!fuzz_utf8_valid(word, len)) FUZZ_FAIL("a word that is not UTF-8");
    return ++w->found > 100000;
}

static void walk(const ds_vocab *v, const char *word)
{
    for (unsigned k = 0; k <= 2; k++) {
        walk_check w = {k, 0};
        ds_vocab_near(v, word, strlen(word), k, check_found, &w);
    }
    ds_vocab_freq(v, word, strlen(word));
}

static void read_file(const uint8_t *data, size_t len)
{
    write_file(data, len);
    ds_vocab *v = NULL;
    if (ds_vocab_open(path, "fuzz", &v, NULL) != DS_OK) return;
    static const char *const words[] = {"a", "pelican", "harbour", "ab",
                                        "\xc3\xa9t\xc3\xa9"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        walk(v, words[i]);
    ds_vocab_close(v);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int found_itself(void *ctx, const char *word, size_t len,
                        unsigned long freq, unsigned distance)
{
    (void)word;
    (void)len;
    (void)freq;
    *(int *)ctx |= distance == 0;
    return 0;
}

static void build_words(const uint8_t *data, size_t len)
{
    char *text = ds_xstrndup((const char *)data, len); /* stops at a NUL */
    char **words = ds_xmalloc((strlen(text) + 1) * sizeof *words);
    size_t n = 0, unique = 0;
    for (char *save = NULL, *w = strtok_r(text, "\n", &save); w;
         w = strtok_r(NULL, "\n", &save))
        words[n++] = w;
    qsort(words, n, sizeof *words, compare_strings);
    for (size_t i = 0; i < n; i++)
        if (unique == 0 || strcmp(words[i], words[unique - 1]) != 0)
            words[unique++] = words[i];
    ds_vocab_builder *b = ds_vocab_builder_new();
    for (size_t i = 0; i < unique; i++)
        if (ds_vocab_builder_add(b, words[i], strlen(words[i]), i + 1,
                                 NULL) != DS_OK)
            FUZZ_FAIL("sorted unique words refused at '%s'", words[i]);
    if (ds_vocab_builder_write(b, path, "fuzz", NULL) != DS_OK)
        FUZZ_FAIL("cannot write the vocabulary");
    ds_vocab *v = NULL;
    if (ds_vocab_open(path, "fuzz", &v, NULL) != DS_OK)
        FUZZ_FAIL("a vocabulary just written is refused");
    for (size_t i = 0; i < unique; i++) {
        size_t wl = strlen(words[i]);
        /* What the builder keeps: valid UTF-8 of at most 255 bytes. */
        if (wl > 255 || !fuzz_utf8_valid(words[i], wl)) continue;
        if (ds_vocab_freq(v, words[i], wl) != i + 1)
            FUZZ_FAIL("'%s' lost its frequency", words[i]);
        int itself = 0;
        ds_vocab_near(v, words[i], wl, 0, found_itself, &itself);
        if (wl <= DS_VOCAB_MAX_WORD && !itself)
            FUZZ_FAIL("'%s' is not at distance 0 of itself", words[i]);
    }
    ds_vocab_close(v);
    ds_vocab_builder_free(b);
    free(words);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len == 0) return 0;
    if (data[0] % 2 == 0)
        read_file(data + 1, len - 1);
    else
        build_words(data + 1, len - 1);
    return 0;
}
