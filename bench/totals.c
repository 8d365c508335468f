/*
 * totals.c — how true a search's total is, and what counting costs: the
 * measurement behind DS_COUNT_AT_LEAST in src/search.c (bench/RELEVANCE.md,
 * "Counts").  Through the public API, as `dealsearch` searches.
 *
 *   totals INDEX QUERIES.tsv
 *
 * For each query ("class<TAB>query"): the exact total (a page holding
 * every match), then the total a first page of 10 reports — its error
 * against the exact one — and whether pages of 0, 1 and 10 at offset 0
 * and 10 all report the same total (one that moves with the page is a
 * defect); and the time of the page of 10 (median of 5).  Set
 * DEALSEARCH_COUNT_AT_LEAST to try another bound.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/dealsearch.h"
#include "common.h"

/* The total of a page, and the time it took (ms). */
static unsigned long page_total(ds_searcher *s, const char *q,
                                unsigned offset, unsigned limit, int *exact,
                                double *ms)
{
    ds_search_options o;
    ds_search_options_init(&o);
    o.offset = offset;
    o.limit = limit;
    ds_results *r = NULL;
    char *err = NULL;
    double t = bx_now();
    if (ds_search(s, q, &o, &r, &err) != DS_OK) bx_die("'%s': %s", q, err);
    if (ms) *ms = (bx_now() - t) * 1e3;
    const ds_results_info *info = ds_results_get_info(r);
    unsigned long total = info->total;
    if (exact) *exact = info->total_exact;
    ds_results_free(r);
    return total;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_ms(ds_searcher *s, const char *q)
{
    double times[5];
    for (int i = 0; i < 5; i++) page_total(s, q, 0, 10, NULL, &times[i]);
    qsort(times, 5, sizeof *times, compare_doubles);
    return times[2];
}

int main(int argc, char **argv)
{
    bx_set_program("totals");
    if (argc != 3) bx_die("usage: totals INDEX QUERIES.tsv");
    /* The truth: a searcher that counts every match. */
    ds_searcher *s = NULL, *all = NULL;
    char *err = NULL;
    const char *bound = getenv("DEALSEARCH_COUNT_AT_LEAST");
    char *saved = bound ? bx_strdup(bound) : NULL;
    setenv("DEALSEARCH_COUNT_AT_LEAST", "100000000", 1);
    if (ds_searcher_open(argv[1], &all, &err) != DS_OK) bx_die("%s", err);
    if (saved) setenv("DEALSEARCH_COUNT_AT_LEAST", saved, 1);
    else unsetenv("DEALSEARCH_COUNT_AT_LEAST");
    free(saved);
    if (ds_searcher_open(argv[1], &s, &err) != DS_OK) bx_die("%s", err);
    bx_queries qs;
    bx_read_queries(argv[2], &qs);
    double *errs = bx_malloc((qs.count + 1) * sizeof *errs), sum = 0, ms = 0;
    size_t n_est = 0;
    unsigned exact_n = 0, moved = 0, inexact_truth = 0;
    for (size_t i = 0; i < qs.count; i++) {
        const char *q = qs.items[i].text;
        int truth_exact, exact;
        unsigned long truth = page_total(all, q, 0, 10, &truth_exact, NULL);
        inexact_truth += !truth_exact;
        if (!truth_exact && getenv("TOTALS_VERBOSE"))
            fprintf(stderr, "not exact: %s (%lu)\n", q, truth);
        unsigned long total = page_total(s, q, 0, 10, &exact, NULL);
        int moves = page_total(s, q, 0, 0, NULL, NULL) != total ||
                    page_total(s, q, 0, 1, NULL, NULL) != total ||
                    page_total(s, q, 10, 10, NULL, NULL) != total;
        if (moves && getenv("TOTALS_VERBOSE"))
            fprintf(stderr, "moved: %s (%lu)\n", q, total);
        moved += moves;
        if (exact && total != truth)
            fprintf(stderr, "WRONG: '%s' claims %lu, truth %lu\n", q, total,
                    truth);
        exact_n += exact && total == truth;
        if (!exact) {
            double e = truth ? fabs((double)total - (double)truth) / truth : 0;
            errs[n_est++] = e;
            sum += e;
            if (getenv("TOTALS_VERBOSE"))
                fprintf(stderr, "estimate: %s: %lu for %lu (%.1f%%)\n", q,
                        total, truth, 100 * e);
        }
        ms += median_ms(s, q);
    }
    qsort(errs, n_est, sizeof *errs, compare_doubles);
    printf("%zu queries: %u totals exact, %zu estimated: error mean %.2f%%, "
           "median %.2f%%, p90 %.2f%%, max %.2f%%; %u totals moved with the "
           "page; %.1f ms for the pages of 10%s\n",
           qs.count, exact_n, n_est, n_est ? 100 * sum / n_est : 0,
           n_est ? 100 * errs[n_est / 2] : 0,
           n_est ? 100 * errs[n_est * 9 / 10] : 0,
           n_est ? 100 * errs[n_est - 1] : 0, moved, ms,
           inexact_truth ? " (WARNING: some 'exact' totals were not)" : "");
    free(errs);
    bx_queries_free(&qs);
    ds_searcher_close(s);
    ds_searcher_close(all);
    return 0;
}
