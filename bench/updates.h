/*
 * updates.h — what `dealsearch index` costs on a corpus that changed
 * (issue 17): a hard-linked copy of a benchmark corpus is built whole
 * once (the reference), then changed and updated in place, each change
 * made and undone `reps` times (both directions timed):
 *   nothing changed                  the files listed, none read
 *   one passage edited               " (edited)" after the middle
 *                                    paragraph of the middle file
 *   a near-copy added (regroups)     that paragraph copied, one word
 *                                    added, to the end of another file
 *   1% of the files, every passage   " (edited)" after every paragraph
 *                                    of the first 1% of the files
 * An edit writes a new file renamed over the link, so the benchmark's own
 * corpus is never touched.  Each update runs `ds_peer update` (the
 * library, as `dealsearch index` does) and reports how long until the
 * change was committed (searchable) as well as its whole run.
 */
#ifndef BENCH_UPDATES_H
#define BENCH_UPDATES_H

#include "bench.h"

void bx_run_updates(bx_updates *us, const char *prog, const char *data,
                    const char *corpus, const char *name, int reps);

#endif
