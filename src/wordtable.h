/*
 * wordtable.h — a hash table of words with their stems and counts: the
 * analyzer's stem cache (stemming a word costs far more than looking it
 * up), and while indexing, the word counts that become the spelling table.
 */
#ifndef DEALSEARCH_WORDTABLE_H
#define DEALSEARCH_WORDTABLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *word, *stem;   /* owned by the table, not NUL-terminated */
    uint32_t word_len, stem_len;
    uint64_t count;
} ds_word_entry;

typedef struct ds_word_table ds_word_table;

ds_word_table *ds_word_table_new(void);
void ds_word_table_free(ds_word_table *t);

/* The entry for `word`, or NULL. */
ds_word_entry *ds_word_table_find(ds_word_table *t, const char *word,
                                  size_t len);

/* Add `word` (absent) with its stem and a count of 0. */
ds_word_entry *ds_word_table_add(ds_word_table *t, const char *word,
                                 size_t len, const char *stem,
                                 size_t stem_len);

size_t ds_word_table_size(const ds_word_table *t);

/* Empty the table and release its memory (a whole corpus's words can
 * be tens of megabytes). */
void ds_word_table_clear(ds_word_table *t);

/* Call `fn` for every entry, in byte order of the words; non-zero stops. */
int ds_word_table_each(ds_word_table *t,
                       int (*fn)(void *ctx, const ds_word_entry *e),
                       void *ctx);

#endif
