/*
 * rules.h — the rules that say how a news article is read: boilerplate
 * patterns, heading/title/date thresholds, date and byline labels, Q&A
 * markers.  They live in src/news_rules.conf (format described there),
 * compiled into the binary.
 */
#ifndef DEALSEARCH_RULES_H
#define DEALSEARCH_RULES_H

#include <regex.h>
#include <stddef.h>

#include "prefilter.h"
#include "util.h"

typedef struct {
    char *name;
    char *source;    /* the regex as written */
    regex_t re;
    ds_prefilter *needs; /* what its matches contain, or NULL */
} ds_pattern;

/* Patterns tried in order.  `any`, when two or more patterns start with a
 * word ("^(share|tweet)..."), is all of those as one alternation: one
 * regexec tells that none of them matches, which is what most paragraphs
 * are told. */
typedef struct {
    ds_pattern *items;
    size_t count;
    regex_t any;
    int has_any;
    ds_prefilter *any_needs; /* what `any`'s matches contain, or NULL */
} ds_pattern_list;

typedef struct {
    unsigned heading_max_words, heading_max_bytes;
    unsigned title_max_words;
    unsigned date_scan_lines;
    unsigned chrome_max_bytes;      /* longer paragraphs are never chrome */
    unsigned list_item_max_words;   /* items of a dropped list */
    ds_pattern_list drops;          /* "drop": boilerplate anywhere */
    ds_pattern_list list_drops;     /* "drop-list": it and the list after */
    ds_pattern_list end_drops;      /* "drop-end": only at the very end */
    ds_pattern_list date_labels;
    ds_pattern_list byline_labels;
    ds_pattern question, answer;
} ds_rules;

/* Parse rules from `text` into *out (free with ds_rules_free).
 * DS_ERR_USAGE, *out NULL and *err naming the offending line, when the
 * text is not valid. */
ds_status ds_rules_parse(const char *text, ds_rules **out, char **err);
void ds_rules_free(ds_rules *rules);

/* A new copy of the built-in rules (free with ds_rules_free).  A broken
 * built-in file is a build defect: it aborts with a message (and the unit
 * tests catch it first). */
ds_rules *ds_rules_builtin_copy(void);

/* The text of src/news_rules.conf (generated into the build). */
extern const char ds_builtin_rules_text[];

/* True when `re` matches the NUL-terminated `s`; with `end`, the match
 * must start at 0 and *end receives where it stops. */
int ds_pattern_match(const ds_pattern *p, const char *s, size_t *end);

/* The first pattern of `list` that matches `s` (NULL when none); with
 * `end`, as ds_pattern_match(). */
const ds_pattern *ds_pattern_list_match(const ds_pattern_list *list,
                                        const char *s, size_t *end);

#endif
