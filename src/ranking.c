/* ranking.c — see ranking.h. */
#include "ranking.h"

#include <stdio.h>
#include <stdlib.h>

ds_status ds_ranking_settings(ds_ranking *p, char **err)
{
    p->c = DS_DFR_C;
    const char *env = getenv("DEALSEARCH_DFR_C");
    if (!env) return DS_OK;
    double c;
    char end;
    if (sscanf(env, "%lf%c", &c, &end) != 1 || !(c > 0))
        return ds_fail(err, DS_ERR_USAGE,
                       "DEALSEARCH_DFR_C is '%s'; it takes a number above 0",
                       env);
    p->c = c;
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
    snprintf(out, size, "ineb2 %.17g %.17g %.17g", norm->avg_length, norm->c,
             norm->scale);
}

ds_status ds_length_norm_parse(const char *text, dsx_length_norm *norm)
{
    dsx_length_norm n;
    char end;
    if (sscanf(text, "ineb2 %lf %lf %lf%c", &n.avg_length, &n.c, &n.scale,
               &end) != 3 ||
        !(n.avg_length >= 0) || !(n.c > 0) || !(n.scale > 0))
        return DS_ERR_DAMAGED;
    *norm = n;
    return DS_OK;
}
