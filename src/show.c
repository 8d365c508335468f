/*
 * show.c — `dealsearch show SOURCE ¶N` (cli.h): a passage of the index
 * with its article's title, date and heading, and -C N passages of
 * context each side, looked up in the index (ds_searcher_passage, as the
 * server's /api/passage) and printed by ds_passages_print.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define PILCROW "\xC2\xB6" /* ¶ */

/* A passage number, "5" or "¶5". */
static int parse_number(const char *s, unsigned long *n)
{
    if (strncmp(s, PILCROW, 2) == 0) s += 2;
    char *end;
    errno = 0;
    *n = strtoul(s, &end, 10);
    return s[0] >= '0' && s[0] <= '9' && !*end && !errno && *n >= 1 &&
           *n <= 1000000000UL;
}

/* SOURCE and N from "SOURCE ¶N", "SOURCE N" or "SOURCE:N"; *source is
 * malloc'd.  0 when the words are not one of those. */
static int parse_target(const char *const *words, size_t n_words,
                        char **source, unsigned long *n)
{
    *source = NULL;
    if (n_words == 2) {
        if (!parse_number(words[1], n)) return 0;
        *source = cli_concat(words[0], "");
        return 1;
    }
    const char *colon = n_words == 1 ? strrchr(words[0], ':') : NULL;
    if (!colon || colon == words[0] || !parse_number(colon + 1, n)) return 0;
    *source = cli_concat(words[0], "");
    (*source)[colon - words[0]] = '\0';
    return 1;
}

/* Why nothing was found: the source has fewer passages, or is not in the
 * index at all.  Exit 1, as for a search that finds nothing. */
static int not_found(ds_searcher *s, const char *name, const char *typed,
                     unsigned long n)
{
    ds_record *recs = NULL;
    size_t count = 0;
    unsigned long of = 0;
    if (ds_searcher_passage(s, name, 1, 0, &recs, &count, &of, NULL) ==
            DS_OK && count)
        cli_warn("'%s' has %lu passage%s, not %lu", typed, of,
                 of == 1 ? "" : "s", n);
    else
        cli_warn("no source '%s' in the index (give a path as a search "
                 "prints it)", typed);
    ds_records_free(recs, count);
    return EXIT_NO_MATCH;
}

int cli_show(ds_searcher *s, const char *const *words, size_t n_words,
             unsigned context, const char *folder,
             const ds_print_options *po)
{
    char *typed, *err = NULL;
    unsigned long n;
    if (!parse_target(words, n_words, &typed, &n)) {
        cli_warn("'dealsearch show' takes SOURCE ¶N, SOURCE N or SOURCE:N, "
                 "N from 1 (see 'dealsearch show --help')");
        return EXIT_ERROR;
    }
    char *name = cli_source_name(typed, folder);
    ds_record *recs = NULL;
    size_t count = 0;
    unsigned long of = 0;
    int rc = EXIT_MATCH;
    if (ds_searcher_passage(s, name, n, context, &recs, &count, &of, &err) !=
        DS_OK) {
        cli_warn("%s", err);
        free(err);
        rc = EXIT_ERROR;
    } else if (!count) {
        rc = not_found(s, name, typed, n);
    } else {
        size_t len;
        char *out = ds_passages_print(recs, count, n, of, po, &len);
        fwrite(out, 1, len, stdout);
        free(out);
    }
    ds_records_free(recs, count);
    free(name);
    free(typed);
    return rc;
}
