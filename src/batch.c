/* batch.c — see batch.h. */
#define _POSIX_C_SOURCE 200809L
#include "batch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The document id of a hit: its source without ".txt". */
static void write_docid(FILE *out, const char *source)
{
    size_t n = strlen(source);
    if (n > 4 && strcmp(source + n - 4, ".txt") == 0) n -= 4;
    fwrite(source, 1, n, out);
}

static void write_run(FILE *out, const char *qid, const ds_results *r)
{
    for (size_t i = 0; i < r->count; i++) {
        fprintf(out, "%s Q0 ", qid);
        write_docid(out, r->hits[i].source);
        fprintf(out, " %zu %.6f " DS_RUN_TAG "\n", i + 1, r->hits[i].score);
    }
}

int ds_run_queries(ds_searcher *s, const char *path,
                   const ds_search_options *opt, FILE *out, char **err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        *err = ds_xasprintf("cannot read '%s': %s", path, strerror(errno));
        return DS_EXIT_ERROR;
    }
    ds_search_options o = *opt;
    o.one_per_source = 1; /* TREC runs rank documents */
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long number = 0;
    int rc = DS_EXIT_MATCH;
    while (rc == DS_EXIT_MATCH && (n = getline(&line, &cap, f)) >= 0) {
        number++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0) continue;
        char *tab = strchr(line, '\t');
        if (!tab || tab == line) {
            *err = ds_xasprintf("%s:%lu: expected 'qid<TAB>query'", path,
                                number);
            rc = DS_EXIT_ERROR;
            break;
        }
        *tab = '\0';
        ds_results r;
        char *qerr = NULL;
        if (ds_search(s, tab + 1, &o, &r, &qerr) != 0) {
            /* A query without searchable words retrieves nothing. */
            ds_warn("%s:%lu: %s", path, number, qerr);
            free(qerr);
            continue;
        }
        write_run(out, line, &r);
        ds_results_free(&r);
    }
    free(line);
    fclose(f);
    return rc;
}
