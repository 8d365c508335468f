/*
 * reader.h — how a corpus file becomes an article: the reader (news or
 * plain text) that splits its text into passages, and the account of the
 * result that `dealsearch passages` prints.
 *
 * The news reader applies the rules of passage.h with the patterns of
 * src/news_rules.conf; the plain reader makes every blank-line-separated
 * block one passage.  A reader holds compiled patterns that glibc's
 * regexec serialises, so each thread uses a reader of its own.
 */
#ifndef DEALSEARCH_READER_H
#define DEALSEARCH_READER_H

#include <stddef.h>

#include "dealsearch.h"
#include "passage.h"
#include "util.h"

/* "news" or "plain": the name the index records. */
const char *ds_reader_kind_name(ds_reader_kind kind);

/* Whether `name` names a kind, and *kind that kind. */
int ds_reader_kind_parse(const char *name, ds_reader_kind *kind);

typedef struct ds_reader ds_reader;

/* A reader of `kind`.  Not thread-safe: one per thread.  Cannot fail. */
ds_reader *ds_reader_new(ds_reader_kind kind);
void ds_reader_free(ds_reader *r);

/* Read the article in text[0..len) (valid UTF-8) into `out`, which the
 * caller zero-initialises and frees with ds_article_free(). */
void ds_reader_split(ds_reader *r, const char *text, size_t len,
                     ds_article *out);

/* Append a plain-text account of how an article was read: title, date,
 * each passage with its number, line and heading, and each dropped line
 * with the rule that dropped it.  Terminal-safe. */
void ds_article_describe(ds_buf *out, const ds_article *a);

/* The same as one JSON object on one line (with a newline):
 *   {"file": FILE, "title": ..., "date": "YYYY-MM-DD"|null, "author": ...,
 *    "passages": [{"text", "heading", "line"}],
 *    "dropped": [{"line", "rule", "text"}]} */
void ds_article_json(ds_buf *out, const char *file, const ds_article *a);

#endif
