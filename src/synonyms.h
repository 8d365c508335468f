/*
 * synonyms.h — groups of words and phrases that mean the same thing
 * ("CEO, chief executive, chief executive officer"), loaded at index time
 * into Xapian's synonym table and expanded by its query parser.
 *
 * File format (corpus/synonyms.conf by default): one group per line, its
 * entries separated by commas; an entry may be several words; '#' starts a
 * comment.  Entries are analysed like any text (case, stemming).
 *
 * Xapian expands a single word, or a run of query words, into synonym
 * *terms*.  A phrase cannot be such a term, so each group with multi-word
 * entries gets a term of its own, DS_SYNONYM_PREFIX<group number>, indexed
 * wherever one of its phrases occurs; every entry of the group expands to
 * it.  So "CEO" finds "chief executive" and "chief executive" finds "CEO".
 */
#ifndef DEALSEARCH_SYNONYMS_H
#define DEALSEARCH_SYNONYMS_H

#include <stddef.h>

#include "../shim/shim.h"
#include "analyzer.h"

#define DS_SYNONYM_PREFIX "XSYN"

typedef struct {
    char **words;   /* lower-cased words as the query parser sees them */
    char **stems;
    size_t n;
} ds_syn_entry;

typedef struct {
    ds_syn_entry *entries;
    size_t n;
    int has_phrase;  /* some entry has several words */
} ds_syn_group;

typedef struct {
    ds_syn_group *groups;
    size_t n;
    char *text;      /* the file as read, kept in the index's metadata */
} ds_synonyms;

/* Parse `text`; `name` labels errors ("FILE:LINE: ...").  DS_ERR_USAGE on
 * a malformed line (an entry without words, a group of one). */
ds_status ds_synonyms_parse(ds_analyzer *a, const char *text,
                            const char *name, ds_synonyms **out, char **err);

/* Read and parse the file at `path` (DS_ERR_IO when it cannot be read). */
ds_status ds_synonyms_load(ds_analyzer *a, const char *path,
                           ds_synonyms **out, char **err);

void ds_synonyms_free(ds_synonyms *s);

/* Write the synonym table of an index being built. */
ds_status ds_synonyms_install(const ds_synonyms *s, dsx_writer *w,
                              char **err);

/* Add the group terms of the phrases occurring in `text` (normalised) to
 * `doc`, one occurrence per match. */
ds_status ds_synonyms_index(const ds_synonyms *s, ds_analyzer *a,
                            const char *text, size_t len, dsx_doc *doc,
                            char **err);

/* Does entry `e` (several words) occur in `words` at index `at`? */
int ds_synonyms_phrase_at(const ds_stemmed_words *words, size_t at,
                          const ds_syn_entry *e);

/* The group a DS_SYNONYM_PREFIX term stands for, or NULL. */
const ds_syn_group *ds_synonyms_group(const ds_synonyms *s, const char *term);

#endif
