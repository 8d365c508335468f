/*
 * follow.h — a searcher kept open over a stub (a cluster's, a replica's)
 * following what its databases become, without a restart
 * (ds_searcher_refresh).  An index folder needs none of this: its
 * `current` and manifest say when to open it again (store.h).  A stub's
 * databases are followed thus, at most every DS_FOLLOW_INTERVAL:
 *
 *   - the stub files, nested ones too: a stat each.  Edited, or another
 *     file renamed over one (xapian-replicate switching a replica to a
 *     new copy): open everything afresh.
 *   - the head (the first database, local): its path opened and its uuid
 *     and revision compared with the handle's.  Another database (a
 *     rebuild published a new generation behind `current`) or a commit
 *     (an update): open afresh, as the searcher reads the head when it
 *     opens (metadata, synonyms, length normalisation, the vocabulary)
 *     and every connection is then new.
 *   - a local shard: the same comparison.  Another database: open
 *     afresh; a commit: Xapian's reopen() of it, in place.
 *   - a remote shard: reopen(), one round trip (Xapian 1.4's
 *     RemoteDatabase::reopen sends MSG_REOPEN; the server's child calls
 *     its database's reopen() and answers "done" when nothing changed,
 *     else with its new statistics).  A reopen() that fails (the
 *     server's database removed, as xapian-replicate removes the copy a
 *     full copy replaces; the server restarted) has every part connected
 *     again before the next search.  And at most every DS_FOLLOW_PROBE, a
 *     new connection to each is compared with the old one
 *     (dsx_db_follow): a server opening INDEX/current/shard-K of a part
 *     rebuilt on its own machine, behind a head that did not change,
 *     answers "done" when the new database has the old one's revision
 *     number (a build's is always 1): glass's reopen() compares
 *     revisions only.
 *
 * A stub whose databases are all local, its head in a sharded generation
 * (`auto INDEX/current/head`, ...), is checked and opened under that
 * generation's commit lock (store.h): an update in place, which commits
 * the head and then the shards, is seen whole, as by an index folder's
 * searcher.  With remote databases the lock is not taken (a connection
 * that hangs would hold the update's commits): opened between two
 * commits, they are caught up at the next check.
 *
 * DS_FOLLOW_INTERVAL, 1 s: a change is seen by the first request a second
 * or more after it, well within the 5 s a replica polling each few
 * seconds takes to receive it, while the cost stays small however many
 * requests arrive: per check, a stat per stub file, an open of each local
 * database (its version file and table roots: no search), one round trip
 * per remote shard; a thread that answers nothing checks nothing.
 * DS_FOLLOW_PROBE, 30 s: a new connection is a fork of xapian-tcpsrv and
 * an open on the shard's machine; it is only the fallback for a case
 * reopen() cannot see.  DEALSEARCH_FOLLOW="CHECK,PROBE" (seconds) changes
 * both, for tests and experiments.
 */
#ifndef DEALSEARCH_FOLLOW_H
#define DEALSEARCH_FOLLOW_H

#include "../shim/shim.h"
#include "dealsearch.h"
#include "layout.h"

#define DS_FOLLOW_INTERVAL 1.0   /* seconds between checks, at least */
#define DS_FOLLOW_PROBE 30.0     /* seconds between probes, at least */

typedef struct {
    double interval, probe;      /* DS_FOLLOW_*, or DEALSEARCH_FOLLOW's */
    double checked, probed;      /* when last done (monotonic seconds) */
    ds_status failed;            /* the last fresh open's failure, kept
                                    until a check finds it fixed
                                    (ds_follow_failed) */
    char *failure;               /* its message (owned); NULL when none */
} ds_follow;

/* Start following a searcher opened now.  DS_ERR_USAGE when
 * DEALSEARCH_FOLLOW is not two numbers.  Free with ds_follow_free (also
 * after a failure). */
ds_status ds_follow_init(ds_follow *f, char **err);

void ds_follow_free(ds_follow *f);

/* Has an interval passed since the last check? */
int ds_follow_due(const ds_follow *f);

typedef enum {
    DS_FOLLOW_SAME,      /* nothing changed */
    DS_FOLLOW_MOVED,     /* databases were committed to (or a remote one
                            replaced): `db` has caught up in place */
    DS_FOLLOW_REOPEN     /* the stub, the head or a local database
                            changed, or cannot be opened now: open
                            afresh (`db` is as it was) */
} ds_follow_verdict;

/* Check what `db` was opened from (`l`, the stub as read then) against
 * what is there now, as above; the next check is due an interval
 * later. */
ds_follow_verdict ds_follow_check(ds_follow *f, const ds_layout *l,
                                  dsx_db *db);

/* Remember that opening afresh failed with `st` and `why` (taken over).
 * Until a check no longer asks to open afresh, ds_follow_failure says
 * so again: a caller that tells a failure when it begins tells it once,
 * not at every check. */
void ds_follow_failed(ds_follow *f, ds_status st, char *why);

/* The failure kept (a copy of its message in *err), or DS_OK. */
ds_status ds_follow_failure(const ds_follow *f, char **err);

/* Forget it. */
void ds_follow_clear(ds_follow *f);

#endif
