/* ranking.c — see ranking.h. */
#include "ranking.h"

#include <stdio.h>
#include <stdlib.h>

ds_status ds_bm25_settings(ds_bm25 *p, char **err)
{
    *p = (ds_bm25){DS_BM25_K1, DS_BM25_K2, DS_BM25_K3, DS_BM25_B,
                   DS_BM25_MIN_NORMLEN};
    const char *env = getenv("DEALSEARCH_BM25");
    if (!env) return DS_OK;
    ds_bm25 v;
    char end;
    if (sscanf(env, "%lf,%lf,%lf,%lf,%lf%c", &v.k1, &v.k2, &v.k3, &v.b,
               &v.min_normlen, &end) != 5)
        return ds_fail(err, DS_ERR_USAGE,
                       "DEALSEARCH_BM25 is '%s'; it takes five numbers: "
                       "k1,k2,k3,b,min_normlen", env);
    *p = v;
    return DS_OK;
}

ds_status ds_proximity_settings(ds_proximity *p, char **err)
{
    *p = (ds_proximity){DS_PROXIMITY_ORDERED, DS_PROXIMITY_UNORDERED,
                        DS_PROXIMITY_WINDOW};
    const char *env = getenv("DEALSEARCH_PROXIMITY");
    if (!env) return DS_OK;
    ds_proximity v;
    char end;
    if (sscanf(env, "%lf,%lf,%u%c", &v.ordered, &v.unordered, &v.window,
               &end) != 3 || v.window < 2)
        return ds_fail(err, DS_ERR_USAGE,
                       "DEALSEARCH_PROXIMITY is '%s'; it takes three "
                       "numbers: ordered,unordered,window (2 or more)", env);
    *p = v;
    return DS_OK;
}

void ds_length_norm_format(const dsx_length_norm *norm, char *out,
                           size_t size)
{
    snprintf(out, size, "%.17g %.17g %.17g %.17g", norm->avg_length, norm->b,
             norm->min_normlen, norm->scale);
}

ds_status ds_length_norm_parse(const char *text, dsx_length_norm *norm)
{
    dsx_length_norm n;
    char end;
    if (sscanf(text, "%lf %lf %lf %lf%c", &n.avg_length, &n.b,
               &n.min_normlen, &n.scale, &end) != 4 ||
        !(n.avg_length >= 0) || !(n.scale > 0))
        return DS_ERR_DAMAGED;
    *norm = n;
    return DS_OK;
}
