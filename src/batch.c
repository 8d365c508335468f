/* batch.c — `dealsearch run`, answering a file of queries for evaluation
 * (cli.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The document id of a hit: its source without ".txt". */
static void write_docid(FILE *out, const char *source)
{
    size_t n = strlen(source);
    if (n > 4 && strcmp(source + n - 4, ".txt") == 0) n -= 4;
    fwrite(source, 1, n, out);
}

static void write_run(FILE *out, const char *qid, const ds_results *r)
{
    for (size_t i = 0; i < ds_results_count(r); i++) {
        const ds_hit *h = ds_results_hit(r, i);
        fprintf(out, "%s Q0 ", qid);
        write_docid(out, h->record.source);
        fprintf(out, " %zu %.6f dealsearch\n", i + 1, h->score);
    }
}

/* One "qid<TAB>query" line (its end of line removed). */
static ds_status run_line(ds_searcher *s, const char *path,
                          unsigned long number, char *line,
                          const ds_search_options *opt, FILE *out, char **err)
{
    char *tab = strchr(line, '\t');
    if (!tab || tab == line)
        return cli_fail(err, DS_ERR_USAGE, "%s:%lu: expected 'qid<TAB>query'",
                        path, number);
    *tab = '\0';
    ds_results *r = NULL;
    char *why = NULL;
    if (ds_search(s, tab + 1, opt, &r, &why) != DS_OK) {
        /* A query without searchable words retrieves nothing. */
        cli_warn("%s:%lu: %s", path, number, why);
        free(why);
        return DS_OK;
    }
    write_run(out, line, r);
    ds_results_free(r);
    if (ferror(out))
        return cli_fail(err, DS_ERR_IO, "writing the run: %s",
                        strerror(errno));
    return DS_OK;
}

ds_status cli_run_queries(ds_searcher *s, const char *path,
                          const ds_search_options *opt, FILE *out, char **err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return cli_fail(err, DS_ERR_IO, "cannot read '%s': %s", path,
                        strerror(errno));
    ds_search_options o = *opt;
    o.one_per_source = 1; /* TREC runs rank documents */
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long number = 0;
    ds_status st = DS_OK;
    while (st == DS_OK && (n = getline(&line, &cap, f)) >= 0) {
        number++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n > 0) st = run_line(s, path, number, line, &o, out, err);
    }
    free(line);
    fclose(f);
    return st;
}
