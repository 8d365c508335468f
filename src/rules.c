/* rules.c — see rules.h. */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int compile(ds_pattern *p, const char *name, const char *re,
                   unsigned long line, char **err)
{
    int rc = regcomp(&p->re, re, REG_EXTENDED | REG_ICASE);
    if (rc != 0) {
        char msg[200];
        regerror(rc, &p->re, msg, sizeof msg);
        *err = ds_xasprintf("rules line %lu: bad pattern '%s': %s", line, re,
                            msg);
        return -1;
    }
    p->name = ds_xstrdup(name);
    p->source = ds_xstrdup(re);
    p->needs = ds_prefilter_new(re, 1);
    return 0;
}

/* A pattern that starts "^" and then a word or a choice of words, not a
 * class of characters: the automaton of an alternation of such patterns
 * fails within the first few characters of most text.  ("^[^.!?]{0,40}
 * newsletter$" would carry every paragraph to its end.) */
static int keyword_led(const ds_pattern *p)
{
    return p->source[0] == '^' && p->source[1] != '[' && p->source[1] != '.';
}

/* One alternation of the list's keyword-led patterns, compiled once the
 * file is read: "^((a)|(b)|...)" for "^a", "^b" (still anchored, so that
 * regexec tries the start only, as it does for each alone).  Each
 * compiled alone, so together they do too.  None with fewer than two. */
static void compile_any(ds_pattern_list *list)
{
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++)
        n += keyword_led(&list->items[i]);
    if (n < 2) return;
    ds_buf b;
    ds_buf_init(&b);
    ds_buf_puts(&b, "^(");
    for (size_t i = 0, k = 0; i < list->count; i++) {
        if (!keyword_led(&list->items[i])) continue;
        ds_buf_puts(&b, k++ ? "|(" : "(");
        ds_buf_puts(&b, list->items[i].source + 1);
        ds_buf_putc(&b, ')');
    }
    ds_buf_putc(&b, ')');
    list->has_any = regcomp(&list->any, b.data, REG_EXTENDED | REG_ICASE |
                                                    REG_NOSUB) == 0;
    if (list->has_any) list->any_needs = ds_prefilter_new(b.data, 1);
    ds_buf_free(&b);
}

static int add_pattern(ds_pattern_list *list, const char *name,
                       const char *re, unsigned long line, char **err)
{
    list->items = ds_xrealloc(list->items,
                              (list->count + 1) * sizeof *list->items);
    if (compile(&list->items[list->count], name, re, line, err) != 0)
        return -1;
    list->count++;
    return 0;
}

static int set_value(ds_rules *r, const char *key, const char *value,
                     unsigned long line, char **err)
{
    char *end;
    unsigned long v = strtoul(value, &end, 10);
    if (*value == '\0' || *end != '\0' || v > 100000) {
        *err = ds_xasprintf("rules line %lu: '%s' needs a number", line, key);
        return -1;
    }
    if (strcmp(key, "heading.max_words") == 0) r->heading_max_words = v;
    else if (strcmp(key, "heading.max_bytes") == 0) r->heading_max_bytes = v;
    else if (strcmp(key, "title.max_words") == 0) r->title_max_words = v;
    else if (strcmp(key, "date.scan_lines") == 0) r->date_scan_lines = v;
    else if (strcmp(key, "chrome.max_bytes") == 0) r->chrome_max_bytes = v;
    else if (strcmp(key, "list.item_max_words") == 0)
        r->list_item_max_words = v;
    else {
        *err = ds_xasprintf("rules line %lu: unknown setting '%s'", line, key);
        return -1;
    }
    return 0;
}

/* Split off the next whitespace-separated word of *s. */
static char *next_word(char **s)
{
    char *p = *s;
    while (*p == ' ' || *p == '\t') p++;
    char *word = p;
    while (*p && *p != ' ' && *p != '\t') p++;
    if (*p) *p++ = '\0';
    while (*p == ' ' || *p == '\t') p++;
    *s = p;
    return word;
}

static int parse_line(ds_rules *r, char *line, unsigned long n, char **err)
{
    char *rest = line;
    char *verb = next_word(&rest);
    if (*verb == '\0' || *verb == '#') return 0;
    if (strcmp(verb, "set") == 0) {
        char *key = next_word(&rest);
        return set_value(r, key, next_word(&rest), n, err);
    }
    ds_pattern_list *named = strcmp(verb, "drop") == 0        ? &r->drops
                             : strcmp(verb, "drop-list") == 0 ? &r->list_drops
                             : strcmp(verb, "drop-end") == 0  ? &r->end_drops
                                                              : NULL;
    if (named) {
        char *name = next_word(&rest);
        return add_pattern(named, name, rest, n, err);
    }
    if (strcmp(verb, "date-label") == 0)
        return add_pattern(&r->date_labels, "date-label", rest, n, err);
    if (strcmp(verb, "byline-label") == 0)
        return add_pattern(&r->byline_labels, "byline-label", rest, n, err);
    if (strcmp(verb, "question") == 0 && !r->question.name)
        return compile(&r->question, "question", rest, n, err);
    if (strcmp(verb, "answer") == 0 && !r->answer.name)
        return compile(&r->answer, "answer", rest, n, err);
    *err = ds_xasprintf("rules line %lu: unknown rule '%s'", n, verb);
    return -1;
}

ds_status ds_rules_parse(const char *text, ds_rules **out, char **err)
{
    *out = NULL;
    char *why = NULL;
    ds_rules *r = ds_xmalloc(sizeof *r);
    memset(r, 0, sizeof *r);
    char *copy = ds_xstrdup(text), *p = copy;
    unsigned long n = 0;
    while (p && *p) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        n++;
        if (parse_line(r, p, n, &why) != 0) break;
        p = nl ? nl + 1 : NULL;
    }
    free(copy);
    compile_any(&r->drops);
    compile_any(&r->list_drops);
    compile_any(&r->end_drops);
    compile_any(&r->date_labels);
    compile_any(&r->byline_labels);
    if (!why && (!r->question.name || !r->answer.name))
        why = ds_xstrdup("rules: 'question' and 'answer' are required");
    if (why) {
        ds_rules_free(r);
        ds_status st = ds_fail(err, DS_ERR_USAGE, "%s", why);
        free(why);
        return st;
    }
    *out = r;
    return DS_OK;
}

static void free_pattern(ds_pattern *p)
{
    if (!p->name) return;
    regfree(&p->re);
    free(p->name);
    free(p->source);
    ds_prefilter_free(p->needs);
}

static void free_list(ds_pattern_list *list)
{
    for (size_t i = 0; i < list->count; i++) free_pattern(&list->items[i]);
    free(list->items);
    if (list->has_any) regfree(&list->any);
    ds_prefilter_free(list->any_needs);
}

void ds_rules_free(ds_rules *r)
{
    if (!r) return;
    free_list(&r->drops);
    free_list(&r->list_drops);
    free_list(&r->end_drops);
    free_list(&r->date_labels);
    free_list(&r->byline_labels);
    free_pattern(&r->question);
    free_pattern(&r->answer);
    free(r);
}

ds_rules *ds_rules_builtin_copy(void)
{
    char *err = NULL;
    ds_rules *r = NULL;
    if (ds_rules_parse(ds_builtin_rules_text, &r, &err) != DS_OK) {
        ds_warn("built-in news rules: %s", err);
        abort();
    }
    return r;
}

const ds_pattern *ds_pattern_list_match(const ds_pattern_list *list,
                                        const char *s, size_t *end)
{
    /* When no keyword-led pattern matches, only the others are tried. */
    int none_led =
        list->has_any &&
        ((list->any_needs &&
          !ds_prefilter_may_match(list->any_needs, s, strlen(s))) ||
         regexec(&list->any, s, 0, NULL, 0) != 0);
    for (size_t i = 0; i < list->count; i++)
        if (!(none_led && keyword_led(&list->items[i])) &&
            ds_pattern_match(&list->items[i], s, end))
            return &list->items[i];
    return NULL;
}

int ds_pattern_match(const ds_pattern *p, const char *s, size_t *end)
{
    regmatch_t m;
    /* Most text lacks what the pattern needs: no regexec then. */
    if (p->needs && !ds_prefilter_may_match(p->needs, s, strlen(s))) return 0;
    if (regexec(&p->re, s, 1, &m, 0) != 0) return 0;
    if (!end) return 1;
    if (m.rm_so != 0) return 0;
    *end = (size_t)m.rm_eo;
    return 1;
}
