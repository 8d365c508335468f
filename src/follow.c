/* follow.c — see follow.h. */
#include "follow.h"

#include <stdio.h>
#include <stdlib.h>

#include "util.h"

ds_status ds_follow_init(ds_follow *f, char **err)
{
    f->interval = DS_FOLLOW_INTERVAL;
    f->probe = DS_FOLLOW_PROBE;
    f->checked = f->probed = ds_now();
    f->failed = DS_OK;
    f->failure = NULL;
    const char *env = getenv("DEALSEARCH_FOLLOW");
    char end;
    if (env && (sscanf(env, "%lf,%lf%c", &f->interval, &f->probe, &end) != 2 ||
                !(f->interval >= 0) || !(f->probe >= 0)))
        return ds_fail(err, DS_ERR_USAGE,
                       "DEALSEARCH_FOLLOW is '%s'; it takes two numbers of "
                       "seconds: check,probe", env);
    return DS_OK;
}

void ds_follow_free(ds_follow *f)
{
    ds_follow_clear(f);
}

/* The head as it was, and no local database replaced by another.  A
 * database that cannot be opened now counts as changed: opening afresh
 * will say why. */
static int locals_same(dsx_db *db)
{
    size_t n = dsx_db_n_parts(db);
    for (size_t i = 0; i < n; i++) {
        dsx_part_state state;
        if (dsx_db_part_state(db, i, &state, NULL) != DS_OK) return 0;
        if (state == DSX_PART_REPLACED) return 0;
        if (i == 0 && state != DSX_PART_SAME) return 0;
    }
    return 1;
}

int ds_follow_due(const ds_follow *f)
{
    return ds_now() - f->checked >= f->interval;
}

ds_follow_verdict ds_follow_check(ds_follow *f, const ds_layout *l,
                                  dsx_db *db)
{
    double now = ds_now();
    f->checked = now;
    if (ds_layout_stubs_changed(l) || !locals_same(db))
        return DS_FOLLOW_REOPEN;
    int probe = now - f->probed >= f->probe;
    if (probe) f->probed = now;
    size_t moved = 0;
    /* From 1: the head was compared above. */
    if (dsx_db_follow(db, 1, probe, &moved, NULL) != DS_OK)
        return DS_FOLLOW_REOPEN;
    return moved ? DS_FOLLOW_MOVED : DS_FOLLOW_SAME;
}

void ds_follow_failed(ds_follow *f, ds_status st, char *why)
{
    ds_follow_clear(f);
    f->failed = st;
    f->failure = why ? why : ds_xstrdup("cannot open the index again");
}

ds_status ds_follow_failure(const ds_follow *f, char **err)
{
    if (f->failed == DS_OK) return DS_OK;
    return ds_fail(err, f->failed, "%s", f->failure);
}

void ds_follow_clear(ds_follow *f)
{
    free(f->failure);
    f->failure = NULL;
    f->failed = DS_OK;
}
