/*
 * spelling.c — how right dealsearch's spelling corrections and
 * suggestions are (bench/RELEVANCE.md, "Spelling"; src/spelling.h).
 * Through the public API, as `dealsearch` searches.
 *
 *   spelling INDEX MISSPELLINGS.txt... ABSENT.txt
 *
 * MISSPELLINGS files are Norvig's format, "right: wrong1 wrong2 ..."
 * (bench/spelling/testset*.txt).  Each misspelling is searched alone:
 *   - skipped when the index lacks the right word (nothing to find);
 *   - "found anyway" when it has the right word's stem (the search finds
 *     the right passages without any correction: begining -> begin);
 *   - else it is corrected (automatically), suggested, or neither, and a
 *     correction or suggestion is right when it has the right word's stem.
 * ABSENT lists correctly spelled words the index lacks (one per line, #
 * comments): a correction of one of them is a wrong change.  They are
 * tried as written and all in lower case.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/dealsearch.h"
#include "common.h"

static ds_searcher *searcher;
static struct sb_stemmer *stemmer;

/* The stem of `word`, lower-cased (malloc'd). */
static char *stem(const char *word)
{
    char *lower = bx_strdup(word);
    for (char *p = lower; *p; p++) *p = (char)tolower((unsigned char)*p);
    const sb_symbol *s = sb_stemmer_stem(stemmer, (const sb_symbol *)lower,
                                         (int)strlen(lower));
    char *out = bx_strndup((const char *)s, (size_t)sb_stemmer_length(stemmer));
    free(lower);
    return out;
}

static int same_stem(const char *a, const char *b)
{
    char *x = stem(a), *y = stem(b);
    int same = strcmp(x, y) == 0;
    free(x);
    free(y);
    return same;
}

static ds_results *search(const char *word, int exact)
{
    ds_search_options o;
    ds_search_options_init(&o);
    o.limit = 0;
    o.exact = exact;
    ds_results *r = NULL;
    char *err = NULL;
    if (ds_search(searcher, word, &o, &r, &err) != DS_OK)
        bx_die("'%s': %s", word, err);
    return r;
}

static int indexed(const char *word)
{
    ds_results *r = search(word, 1);
    int found = ds_results_get_info(r)->total > 0;
    ds_results_free(r);
    return found;
}

#define MAX_RANK 8 /* ranks reported: DS_TYPO_MAX_VARIANTS or more */

typedef struct {
    unsigned pairs, skipped, found_anyway, other_word;
    unsigned at_rank[MAX_RANK + 1]; /* [r - 1]: right word the r-th variant;
                                      [MAX_RANK]: not a variant */
    unsigned corrected, corrected_right, suggested, suggested_right;
    unsigned absent, changed, absent_suggested;
} tally;

/* What the search of `word` did: 'c' corrected it (to *to), 's'
 * suggested *to, 0 neither. */
static int outcome(const char *word, char **to)
{
    ds_results *r = search(word, 0);
    const ds_results_info *info = ds_results_get_info(r);
    int kind = 0;
    *to = NULL;
    if (info->corrected) {
        kind = 'c';
        *to = bx_strdup(info->corrected);
    } else if (info->n_suggestions) {
        kind = 's';
        *to = bx_strdup(info->suggestions[0].suggestion);
    }
    ds_results_free(r);
    return kind;
}

/* A misspelling the index holds (`latter` for later) is searched as
 * written, the right word only as a typo variant: where is it among the
 * variants (most frequent first)? */
static void variant_rank(const char *right, const char *wrong, tally *t)
{
    ds_results *r = search(wrong, 0);
    const ds_results_info *info = ds_results_get_info(r);
    size_t rank = MAX_RANK;
    for (size_t i = 0; i < info->n_typos && rank == MAX_RANK; i++)
        for (size_t k = 0; k < info->typos[i].n_variants && k < MAX_RANK; k++)
            if (same_stem(info->typos[i].variants[k], right)) {
                rank = k;
                break;
            }
    t->at_rank[rank]++;
    ds_results_free(r);
}

static void misspelling(const char *right, const char *wrong, tally *t)
{
    t->pairs++;
    if (!indexed(right)) {
        t->skipped++;
        return;
    }
    if (same_stem(wrong, right)) {
        t->found_anyway++;
        return;
    }
    if (indexed(wrong)) {
        t->other_word++;
        variant_rank(right, wrong, t);
    }
    char *to = NULL;
    int kind = outcome(wrong, &to);
    int right_one = to && same_stem(to, right);
    if (kind == 'c') {
        t->corrected++;
        t->corrected_right += right_one;
    } else if (kind == 's') {
        t->suggested++;
        t->suggested_right += right_one;
    }
    if (getenv("SPELLING_VERBOSE") && kind && !right_one)
        fprintf(stderr, "%s %s -> %s (%s)\n",
                kind == 'c' ? "corrected" : "suggested", wrong, to, right);
    free(to);
}

static void read_misspellings(const char *path, tally *t)
{
    FILE *f = fopen(path, "r");
    if (!f) bx_die("cannot open '%s'", path);
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (!colon) continue;
        *colon = '\0';
        char *save = NULL;
        for (char *w = strtok_r(colon + 1, " \t\r\n", &save); w;
             w = strtok_r(NULL, " \t\r\n", &save))
            misspelling(line, w, t);
    }
    fclose(f);
}

static void absent_word(const char *word, int lower, tally *t)
{
    char *w = bx_strdup(word);
    if (lower)
        for (char *p = w; *p; p++) *p = (char)tolower((unsigned char)*p);
    char *to = NULL;
    int kind = outcome(w, &to);
    t->absent++;
    t->changed += kind == 'c';
    t->absent_suggested += kind == 's';
    if (getenv("SPELLING_VERBOSE") && kind == 'c')
        fprintf(stderr, "changed %s -> %s\n", w, to);
    free(to);
    free(w);
}

static void read_absent(const char *path, int lower, tally *t)
{
    FILE *f = fopen(path, "r");
    if (!f) bx_die("cannot open '%s'", path);
    char line[512];
    unsigned skipped = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0') continue;
        if (indexed(line))
            skipped++;
        else
            absent_word(line, lower, t);
    }
    if (skipped) printf("  (%u listed words are indexed: not counted)\n", skipped);
    fclose(f);
}

static double pct(unsigned a, unsigned b)
{
    return b ? 100.0 * a / b : 0;
}

static void report_misspellings(const char *path, const tally *t)
{
    unsigned usable = t->pairs - t->skipped - t->found_anyway;
    printf("%s: %u misspellings; %u skipped (right word not indexed), %u "
           "found anyway (same stem), %u to correct (%u of them indexed "
           "words themselves)\n",
           path, t->pairs, t->skipped, t->found_anyway, usable,
           t->other_word);
    printf("  corrected automatically: %u, right %u: precision %.1f%%, "
           "recall %.1f%%\n",
           t->corrected, t->corrected_right,
           pct(t->corrected_right, t->corrected),
           pct(t->corrected_right, usable));
    printf("  suggested: %u, right %u: precision %.1f%%; right correction "
           "or suggestion: %.1f%% of %u\n",
           t->suggested, t->suggested_right,
           pct(t->suggested_right, t->suggested),
           pct(t->corrected_right + t->suggested_right, usable), usable);
    printf("  typo variants of the %u indexed misspellings: the right word "
           "within the first", t->other_word);
    unsigned within = 0;
    for (unsigned k = 0; k < MAX_RANK; k++) {
        within += t->at_rank[k];
        printf(" %u: %u (%.1f%%)%s", k + 1, within,
               pct(within, t->other_word), k + 1 < MAX_RANK ? "," : "");
    }
    printf("; not a variant: %u\n", t->at_rank[MAX_RANK]);
}

int main(int argc, char **argv)
{
    bx_set_program("spelling");
    if (argc < 4)
        bx_die("usage: spelling INDEX MISSPELLINGS.txt... ABSENT.txt");
    char *err = NULL;
    if (ds_searcher_open(argv[1], &searcher, &err) != DS_OK)
        bx_die("%s", err);
    stemmer = sb_stemmer_new("english", NULL);
    if (!stemmer) bx_die("libstemmer has no English stemmer");
    for (int i = 2; i < argc - 1; i++) {
        tally t = {0};
        read_misspellings(argv[i], &t);
        report_misspellings(argv[i], &t);
    }
    for (int lower = 0; lower < 2; lower++) {
        tally t = {0};
        read_absent(argv[argc - 1], lower, &t);
        printf("%s, %s: %u words; changed %u (%.1f%%), suggested for %u "
               "(%.1f%%)\n",
               argv[argc - 1], lower ? "all in lower case" : "as written",
               t.absent, t.changed, pct(t.changed, t.absent),
               t.absent_suggested, pct(t.absent_suggested, t.absent));
    }
    sb_stemmer_delete(stemmer);
    ds_searcher_close(searcher);
    return 0;
}
