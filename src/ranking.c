/* ranking.c — see ranking.h. */
#include "ranking.h"

#include <stdio.h>
#include <stdlib.h>

void ds_bm25_settings(dsx_bm25 *p)
{
    *p = (dsx_bm25){DS_BM25_K1, DS_BM25_K2, DS_BM25_K3, DS_BM25_B,
                    DS_BM25_MIN_NORMLEN};
    const char *env = getenv("DEALSEARCH_BM25");
    dsx_bm25 v;
    if (env && sscanf(env, "%lf,%lf,%lf,%lf,%lf", &v.k1, &v.k2, &v.k3, &v.b,
                      &v.min_normlen) == 5)
        *p = v;
}

void ds_length_norm_format(const dsx_length_norm *norm, char *out,
                           size_t size)
{
    snprintf(out, size, "%.17g %.17g %.17g %.17g", norm->avg_length, norm->b,
             norm->min_normlen, norm->scale);
}

int ds_length_norm_parse(const char *text, dsx_length_norm *norm)
{
    dsx_length_norm n;
    char end;
    if (sscanf(text, "%lf %lf %lf %lf%c", &n.avg_length, &n.b,
               &n.min_normlen, &n.scale, &end) != 4 ||
        !(n.avg_length >= 0) || !(n.scale > 0))
        return -1;
    *norm = n;
    return 0;
}
