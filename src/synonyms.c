/* synonyms.c — see synonyms.h. */
#define _POSIX_C_SOURCE 200809L
#include "synonyms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "util.h"

/* ---- Parsing ---- */

typedef struct {
    ds_analyzer *analyzer;
    ds_syn_entry *entry;
} entry_ctx;

static int add_word(void *ctx, const ds_token *tok)
{
    entry_ctx *c = ctx;
    ds_syn_entry *e = c->entry;
    size_t stem_len;
    const char *stem =
        ds_analyzer_stem(c->analyzer, tok->term, tok->term_len, &stem_len);
    e->words = ds_xrealloc(e->words, (e->n + 1) * sizeof *e->words);
    e->stems = ds_xrealloc(e->stems, (e->n + 1) * sizeof *e->stems);
    e->words[e->n] = ds_xstrndup(tok->term, tok->term_len);
    e->stems[e->n] = ds_xstrndup(stem, stem_len);
    e->n++;
    return 0;
}

static void free_entry(ds_syn_entry *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->words[i]);
        free(e->stems[i]);
    }
    free(e->words);
    free(e->stems);
}

static void free_group(ds_syn_group *g)
{
    for (size_t i = 0; i < g->n; i++) free_entry(&g->entries[i]);
    free(g->entries);
}

/* Parse one line into `g`; returns 0, 1 for a blank line, -1 on error. */
static int parse_group(ds_analyzer *a, char *line, ds_syn_group *g,
                       const char **problem)
{
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    memset(g, 0, sizeof *g);
    ds_buf norm;
    ds_buf_init(&norm);
    for (char *p = line, *comma; p; p = comma ? comma + 1 : NULL) {
        comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        ds_syn_entry e = {NULL, NULL, 0};
        ds_buf_clear(&norm);
        ds_normalize(p, len, &norm);
        entry_ctx c = {a, &e};
        ds_tokenize(norm.data, norm.len, add_word, &c);
        if (e.n == 0) {
            if (!comma && g->n == 0) break; /* blank or comment line */
            *problem = "an entry has no words";
            free_group(g);
            ds_buf_free(&norm);
            return -1;
        }
        g->entries = ds_xrealloc(g->entries, (g->n + 1) * sizeof *g->entries);
        g->entries[g->n++] = e;
        g->has_phrase |= e.n > 1;
    }
    ds_buf_free(&norm);
    if (g->n == 0) return 1;
    if (g->n == 1) {
        *problem = "a group needs at least two entries";
        free_group(g);
        return -1;
    }
    return 0;
}

ds_status ds_synonyms_parse(ds_analyzer *a, const char *text,
                            const char *name, ds_synonyms **out, char **err)
{
    ds_synonyms *s = ds_xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->text = ds_xstrdup(text);
    char *copy = ds_xstrdup(text);
    unsigned long n = 0;
    ds_status st = DS_OK;
    for (char *line = copy, *nl; line && st == DS_OK;
         line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        n++;
        ds_syn_group g;
        const char *problem = NULL;
        int rc = parse_group(a, line, &g, &problem);
        if (rc < 0) {
            st = ds_fail(err, DS_ERR_USAGE, "%s:%lu: %s", name, n, problem);
        } else if (rc == 0) {
            s->groups = ds_xrealloc(s->groups, (s->n + 1) * sizeof *s->groups);
            s->groups[s->n++] = g;
        }
    }
    free(copy);
    if (st != DS_OK) {
        ds_synonyms_free(s);
        s = NULL;
    }
    *out = s;
    return st;
}

ds_status ds_synonyms_load(ds_analyzer *a, const char *path,
                           ds_synonyms **out, char **err)
{
    *out = NULL;
    ds_buf text;
    ds_buf_init(&text);
    ds_status st = ds_read_text_file(path, &text, NULL, NULL, NULL, err);
    if (st == DS_OK) st = ds_synonyms_parse(a, text.data, path, out, err);
    ds_buf_free(&text);
    return st;
}

void ds_synonyms_free(ds_synonyms *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) free_group(&s->groups[i]);
    free(s->groups);
    free(s->text);
    free(s);
}

/* ---- The synonym table ---- */

static char *group_term(size_t g)
{
    return ds_xasprintf(DS_SYNONYM_PREFIX "%zu", g + 1);
}

/* Add every term of group `g` except `self` as a synonym of `words`. */
static ds_status add_values(dsx_writer *w, const ds_syn_group *g,
                            const char *group, const char *words,
                            const char *self, char **err)
{
    ds_status st = DS_OK;
    for (size_t i = 0; i < g->n && st == DS_OK; i++) {
        const ds_syn_entry *e = &g->entries[i];
        if (e->n == 1 && (!self || strcmp(e->stems[0], self) != 0))
            st = dsx_writer_add_synonym(w, words, e->stems[0], err);
    }
    if (st == DS_OK && g->has_phrase)
        st = dsx_writer_add_synonym(w, words, group, err);
    return st;
}

/* The words of an entry as the query parser sees them typed:
 * "chief executive". */
static char *entry_words(const ds_syn_entry *e)
{
    ds_buf words;
    ds_buf_init(&words);
    for (size_t i = 0; i < e->n; i++) {
        if (i) ds_buf_putc(&words, ' ');
        ds_buf_puts(&words, e->words[i]);
    }
    return ds_buf_steal(&words);
}

ds_status ds_synonyms_install(const ds_synonyms *s, dsx_writer *w,
                              char **err)
{
    ds_status st = DS_OK;
    for (size_t gi = 0; gi < s->n && st == DS_OK; gi++) {
        const ds_syn_group *g = &s->groups[gi];
        char *group = group_term(gi);
        for (size_t i = 0; i < g->n && st == DS_OK; i++) {
            const ds_syn_entry *e = &g->entries[i];
            char *words = entry_words(e);
            st = add_values(w, g, group, words,
                            e->n == 1 ? e->stems[0] : NULL, err);
            free(words);
        }
        free(group);
    }
    return st;
}

/* ---- Indexing phrases ---- */

int ds_synonyms_phrase_at(const ds_stemmed_words *words, size_t at,
                          const ds_syn_entry *e)
{
    if (at + e->n > words->count) return 0;
    for (size_t k = 0; k < e->n; k++) {
        const char *stem = words->items[at + k].stem;
        if (!stem || strcmp(stem, e->stems[k]) != 0) return 0;
    }
    return 1;
}

ds_status ds_synonyms_index(const ds_synonyms *s, ds_analyzer *a,
                            const char *text, size_t len, dsx_doc *doc,
                            char **err)
{
    int any_phrase = 0;
    for (size_t g = 0; g < s->n; g++) any_phrase |= s->groups[g].has_phrase;
    if (!any_phrase) return DS_OK;
    ds_stemmed_words words = {0};
    ds_stem_words(a, text, len, NULL, NULL, &words);
    ds_status st = DS_OK;
    for (size_t gi = 0; gi < s->n && st == DS_OK; gi++) {
        const ds_syn_group *g = &s->groups[gi];
        unsigned count = 0;
        for (size_t i = 0; g->has_phrase && i < g->n; i++)
            for (size_t at = 0; g->entries[i].n > 1 && at < words.count; at++)
                count += ds_synonyms_phrase_at(&words, at, &g->entries[i]);
        if (count) {
            char *term = group_term(gi);
            st = dsx_doc_add_weighted_term(doc, term, count, err);
            free(term);
        }
    }
    ds_stemmed_words_free(&words);
    return st;
}

const ds_syn_group *ds_synonyms_group(const ds_synonyms *s, const char *term)
{
    size_t n = strlen(DS_SYNONYM_PREFIX);
    if (!s || strncmp(term, DS_SYNONYM_PREFIX, n) != 0) return NULL;
    char *end;
    unsigned long g = strtoul(term + n, &end, 10);
    return (*end == '\0' && g >= 1 && g <= s->n) ? &s->groups[g - 1] : NULL;
}
