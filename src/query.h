/*
 * query.h — reading what the user typed, before Xapian's query parser
 * does: the parts it would get wrong silently.
 *
 *   NEAR, NEAR/n, ADJ and ADJ/n between phrases or runs of words
 *   ("Saudi Arabia" NEAR oil, Saudi Arabia NEAR oil): Xapian 1.4 applies
 *   them to single words only.  Each such expression is cut out of the
 *   text, left to be built by the caller (ds_near_expr), and replaced by a
 *   placeholder word whose term the caller swaps for it.
 *   A leading wildcard (*oil) and an operator with nothing to apply to
 *   (oil AND, NEAR oil) cannot be honoured: a notice says what is searched
 *   instead.
 *   date:VALUE must be a date range (YYYY-MM-DD or YYYYMMDD, either end of
 *   FROM..TO may be left out) or one date, which is written as the range
 *   of that day for Xapian.
 */
#ifndef DEALSEARCH_QUERY_H
#define DEALSEARCH_QUERY_H

#include <stddef.h>

#include "dealsearch.h"
#include "util.h"

/* Placeholder words are this prefix and letters (one per expression). */
#define DS_NEAR_PLACEHOLDER "dsxnearq"

/* One NEAR or ADJ expression over phrases or runs of words. */
typedef struct {
    char **operands;     /* each operand's text: its words (malloc'd) */
    size_t n_operands;
    unsigned gap;        /* NEAR/n, ADJ/n: as Xapian reads n, all the
                            words within n + (words - 1) positions; 10
                            when not given */
    int ordered;         /* ADJ: the operands in the order written */
    char *placeholder;   /* the word standing for it in the text */
} ds_near_expr;

typedef struct {
    char *text;              /* the query to parse (malloc'd) */
    ds_near_expr *near;      /* expressions cut out of it */
    size_t n_near;
    char **notices;          /* what cannot be honoured (malloc'd) */
    size_t n_notices;
    int has_date;            /* it has a date: filter */
} ds_query_reading;

/* Read `query` (already normalised, ds_normalize).  DS_ERR_QUERY for a
 * date: value that is not a date range, naming it.  Free with
 * ds_query_reading_free. */
ds_status ds_query_read(const char *query, ds_query_reading *out,
                        char **err);

void ds_query_reading_free(ds_query_reading *r);

/* Whether the `len` bytes at `s` are an operator: AND, OR, NOT, XOR,
 * NEAR, ADJ, NEAR/n, ADJ/n. */
int ds_query_is_operator(const char *s, size_t len);

#endif
