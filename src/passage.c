/* passage.c — see passage.h for the rules, applied here in order. */
#include "passage.h"

#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "util.h"

typedef struct {
    char *text;           /* normalised and trimmed, malloc'd */
    size_t len;
    unsigned long number; /* 1-based line number */
    unsigned block;       /* lines between blank lines share a block */
    const char *dropped;  /* the rule that dropped it, or NULL */
} line_t;

typedef struct {
    ds_buf text;
    unsigned long first_line;
} para_t;

typedef struct {
    line_t *lines;
    size_t n_lines;
    para_t *paras;
    size_t n_paras;
} work_t;

/* ---- Lines ---- */

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ||
           c == '\n';
}

/* Append `len` bytes to `b`, turning whitespace runs into one space and
 * dropping other ASCII control characters. */
static void append_normalised(ds_buf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_space(c)) {
            if (b->len && b->data[b->len - 1] != ' ') ds_buf_putc(b, ' ');
        } else if (c >= 0x20 && c != 0x7F) {
            ds_buf_putc(b, (char)c);
        }
    }
}

static void read_lines(const char *text, size_t len, work_t *w)
{
    size_t cap = 0;
    unsigned long number = 0;
    unsigned block = 0;
    ds_buf b;
    ds_buf_init(&b);
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        number++;
        ds_buf_clear(&b);
        append_normalised(&b, p, n);
        p = nl ? nl + 1 : end;
        size_t start = b.len && b.data[0] == ' ';
        size_t stop = b.len && b.data[b.len - 1] == ' ' ? b.len - 1 : b.len;
        if (stop <= start) {
            block++;
            continue;
        }
        if (w->n_lines == cap) {
            cap = cap ? cap * 2 : 64;
            w->lines = ds_xrealloc(w->lines, cap * sizeof *w->lines);
        }
        line_t *l = &w->lines[w->n_lines++];
        l->text = ds_xstrndup(b.data + start, stop - start);
        l->len = stop - start;
        l->number = number;
        l->block = block;
        l->dropped = NULL;
    }
    ds_buf_free(&b);
}

static void record_drop(ds_article *out, line_t *l, const char *rule)
{
    l->dropped = rule;
    if (out->n_dropped == out->dropped_cap) {
        out->dropped_cap = out->dropped_cap ? out->dropped_cap * 2 : 16;
        out->dropped = ds_xrealloc(out->dropped,
                                   out->dropped_cap * sizeof *out->dropped);
    }
    ds_dropped_line *d = &out->dropped[out->n_dropped++];
    d->line = l->number;
    d->rule = ds_xstrdup(rule);
    d->text = ds_xstrdup(l->text);
}

static int compare_line_text(const void *a, const void *b)
{
    const line_t *x = *(line_t *const *)a, *y = *(line_t *const *)b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->number > y->number) - (x->number < y->number);
}

/* Rule 1: any line that occurs more than once is site chrome. */
static void drop_repeated(work_t *w, ds_article *out)
{
    if (w->n_lines < 2) return;
    line_t **sorted = ds_xmalloc(w->n_lines * sizeof *sorted);
    for (size_t i = 0; i < w->n_lines; i++) sorted[i] = &w->lines[i];
    qsort(sorted, w->n_lines, sizeof *sorted, compare_line_text);
    for (size_t i = 0; i < w->n_lines;) {
        size_t j = i + 1;
        while (j < w->n_lines && strcmp(sorted[i]->text, sorted[j]->text) == 0)
            j++;
        if (j - i > 1)
            for (size_t k = i; k < j; k++)
                if (!sorted[k]->dropped) record_drop(out, sorted[k], "repeated");
        i = j;
    }
    free(sorted);
}

/* Rule 1: boilerplate patterns. */
static void drop_boilerplate(const ds_rules *r, work_t *w, ds_article *out)
{
    for (size_t i = 0; i < w->n_lines; i++) {
        line_t *l = &w->lines[i];
        for (size_t p = 0; p < r->n_drops && !l->dropped; p++)
            if (ds_pattern_match(&r->drops[p], l->text, NULL))
                record_drop(out, l, r->drops[p].name);
    }
}

/* Length of a date label at the start of `s` (0 when none). */
static size_t label_length(const ds_rules *r, const char *s)
{
    size_t end;
    for (size_t i = 0; i < r->n_date_labels; i++)
        if (ds_pattern_match(&r->date_labels[i], s, &end)) return end;
    return 0;
}

/* A date (after an optional label) at the start of `s`: returns the bytes
 * it takes, with trailing separators, or 0. */
static size_t leading_date(const ds_rules *r, const char *s, char iso[11])
{
    size_t label = label_length(r, s), used;
    if (!ds_parse_date(s + label, iso, &used)) return 0;
    used += label;
    while (s[used] == ' ' || s[used] == '|' || s[used] == '-' ||
           s[used] == ',')
        used++;
    return used;
}

/* Rule 2: the publication date near the top; then every line that is only
 * a date is dropped. */
static void find_date(const ds_rules *r, work_t *w, ds_article *out)
{
    unsigned seen = 0;
    for (size_t i = 0; i < w->n_lines && seen < r->date_scan_lines; i++) {
        line_t *l = &w->lines[i];
        if (l->dropped) continue;
        seen++;
        char iso[11];
        size_t used = leading_date(r, l->text, iso);
        if (!used) continue;
        memcpy(out->date, iso, sizeof iso);
        if (used >= l->len) {
            record_drop(out, l, "date");
        } else {
            memmove(l->text, l->text + used, l->len - used + 1);
            l->len -= used;
        }
        break;
    }
    for (size_t i = 0; i < w->n_lines; i++) {
        line_t *l = &w->lines[i];
        char iso[11];
        if (!l->dropped && leading_date(r, l->text, iso) >= l->len)
            record_drop(out, l, "date-only");
    }
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    for (int in_word = 0; *s; s++) {
        int space = *s == ' ';
        if (!space && !in_word) n++;
        in_word = !space;
    }
    return n;
}

static char last_char(const char *s, size_t len)
{
    return len ? s[len - 1] : '\0';
}

static int is_qa(const ds_rules *r, const char *s)
{
    return ds_pattern_match(&r->question, s, NULL) ||
           ds_pattern_match(&r->answer, s, NULL);
}

/* Rule 3: a headline-like first line is the title. */
static void find_title(const ds_rules *r, work_t *w, ds_article *out)
{
    line_t *first = NULL, *second = NULL;
    for (size_t i = 0; i < w->n_lines && !second; i++) {
        if (w->lines[i].dropped) continue;
        if (!first) first = &w->lines[i];
        else second = &w->lines[i];
    }
    if (!first || !second) return;
    /* Not when the next line continues it: a broken or wrapped line. */
    if (second->block == first->block &&
        ((second->text[0] >= 'a' && second->text[0] <= 'z') ||
         (first->len >= DS_WRAP_MIN && first->len <= DS_WRAP_WIDTH &&
          second->len <= DS_WRAP_WIDTH)))
        return;
    char last = last_char(first->text, first->len);
    if (count_words(first->text) > r->title_max_words || last == '.' ||
        last == ':' || last == ',' || last == ';' || is_qa(r, first->text))
        return;
    out->title = ds_xstrdup(first->text);
    first->dropped = "title";
}

/* ---- Paragraphs ---- */

static para_t *push_para(work_t *w, size_t *cap, unsigned long line)
{
    if (w->n_paras == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        w->paras = ds_xrealloc(w->paras, *cap * sizeof *w->paras);
    }
    para_t *p = &w->paras[w->n_paras++];
    ds_buf_init(&p->text);
    p->first_line = line;
    return p;
}

/* Does the text end like a sentence or clause (so a following line is not
 * its continuation)?  Closing quotes and brackets count as endings. */
static int ends_sentence(const char *s, size_t len)
{
    static const char *const endings[] = {".", "!", "?", ":", ";", "\"", "'",
                                          ")", "]", "\xE2\x80\x9D", /* ” */
                                          "\xE2\x80\x99",           /* ’ */
                                          "\xE2\x80\xA6"};          /* … */
    for (size_t i = 0; i < sizeof endings / sizeof *endings; i++) {
        size_t n = strlen(endings[i]);
        if (len >= n && memcmp(s + len - n, endings[i], n) == 0) return 1;
    }
    return 0;
}

/* True when the block's kept lines read as one hard-wrapped paragraph:
 * every line fits the wrap width, all but the last fill most of it (a
 * short line inside means separate short items), and the wrapping broke a
 * sentence somewhere (else these are one-line paragraphs). */
static int is_wrapped_block(line_t **lines, size_t n)
{
    if (n < 2) return 0;
    int breaks_sentence = 0;
    for (size_t i = 0; i < n; i++) {
        if (lines[i]->len > DS_WRAP_WIDTH) return 0;
        if (i + 1 == n) break;
        if (lines[i]->len < DS_WRAP_MIN) return 0;
        breaks_sentence |= !ends_sentence(lines[i]->text, lines[i]->len);
    }
    return breaks_sentence;
}

static void split_block(work_t *w, size_t *cap, line_t **lines, size_t n)
{
    if (is_wrapped_block(lines, n)) {
        para_t *p = push_para(w, cap, lines[0]->number);
        for (size_t i = 0; i < n; i++) {
            if (i) ds_buf_putc(&p->text, ' ');
            ds_buf_append(&p->text, lines[i]->text, lines[i]->len);
        }
        return;
    }
    para_t *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const line_t *l = lines[i];
        /* Rule 4: a paragraph broken mid-sentence is joined. */
        if (prev && !ends_sentence(prev->text.data, prev->text.len) &&
            l->text[0] >= 'a' && l->text[0] <= 'z') {
            ds_buf_putc(&prev->text, ' ');
        } else {
            prev = push_para(w, cap, l->number);
        }
        ds_buf_append(&prev->text, l->text, l->len);
    }
}

static void build_paragraphs(work_t *w)
{
    size_t cap = 0, n = 0;
    line_t **block = ds_xmalloc((w->n_lines ? w->n_lines : 1) *
                                sizeof *block);
    for (size_t i = 0; i <= w->n_lines; i++) {
        int boundary = i == w->n_lines ||
                       (n && w->lines[i].block != block[n - 1]->block);
        if (boundary) {
            split_block(w, &cap, block, n);
            n = 0;
        }
        if (i < w->n_lines && !w->lines[i].dropped) block[n++] = &w->lines[i];
    }
    free(block);
}

/* Rule 5: "Q: ..." followed by "A: ..." is one passage. */
static void merge_qa(const ds_rules *r, work_t *w)
{
    size_t out = 0;
    for (size_t i = 0; i < w->n_paras; i++) {
        para_t *p = &w->paras[i];
        if (i + 1 < w->n_paras &&
            ds_pattern_match(&r->question, p->text.data, NULL) &&
            ds_pattern_match(&r->answer, w->paras[i + 1].text.data, NULL)) {
            ds_buf_putc(&p->text, ' ');
            ds_buf_append(&p->text, w->paras[i + 1].text.data,
                          w->paras[i + 1].text.len);
            ds_buf_free(&w->paras[i + 1].text);
            w->paras[out++] = *p;
            i++;
        } else {
            w->paras[out++] = *p;
        }
    }
    w->n_paras = out;
}

static int heading_like(const ds_rules *r, const para_t *p)
{
    const char *s = p->text.data;
    char last = last_char(s, p->text.len);
    return p->text.len <= r->heading_max_bytes &&
           count_words(s) <= r->heading_max_words && last != '.' &&
           last != ',' && last != ';' && last != ':' && last != '!' &&
           !(s[0] >= 'a' && s[0] <= 'z') && !is_qa(r, s);
}

/* ---- Output ---- */

/* Where to cut a too-long paragraph: the last space at or before `limit`,
 * else the last UTF-8 character boundary before it. */
static size_t cut_point(const char *s, size_t limit)
{
    for (size_t i = limit; i > limit / 2; i--)
        if (s[i] == ' ') return i;
    size_t i = limit;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
    return i ? i : limit;
}

static void push_passage(ds_article *out, const char *text, size_t len,
                         unsigned long line, const char *heading)
{
    if (out->count == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 32;
        out->items = ds_xrealloc(out->items, out->cap * sizeof *out->items);
    }
    ds_passage *p = &out->items[out->count++];
    p->text = ds_xstrndup(text, len);
    p->len = len;
    p->first_line = line;
    p->heading = heading ? ds_xstrdup(heading) : NULL;
}

static void emit(ds_article *out, const para_t *p, const char *heading)
{
    const char *s = p->text.data;
    size_t len = p->text.len;
    while (len > DS_MAX_PASSAGE_BYTES) {
        size_t cut = cut_point(s, DS_MAX_PASSAGE_BYTES);
        push_passage(out, s, cut, p->first_line, heading);
        s += cut;
        len -= cut;
        while (len && s[0] == ' ') s++, len--;
    }
    if (len) push_passage(out, s, len, p->first_line, heading);
}

/* Rule 6 while emitting: headings become the heading of what follows.  A
 * heading-like last line with nothing under it (a widget's caption) is
 * dropped, unless it is all the article has. */
static void emit_passages(const ds_rules *r, work_t *w, ds_article *out)
{
    const char *heading = NULL;
    for (size_t i = 0; i < w->n_paras; i++) {
        para_t *p = &w->paras[i];
        if (heading_like(r, p) && i + 1 < w->n_paras &&
            !heading_like(r, &w->paras[i + 1])) {
            heading = p->text.data;
            continue;
        }
        if (i + 1 == w->n_paras && i > 0 && heading_like(r, p)) {
            line_t orphan = {p->text.data, p->text.len, p->first_line, 0,
                             NULL};
            record_drop(out, &orphan, "orphan-heading");
            continue;
        }
        emit(out, p, heading);
    }
}

static int compare_dropped(const void *a, const void *b)
{
    const ds_dropped_line *x = a, *y = b;
    return (x->line > y->line) - (x->line < y->line);
}

static void work_free(work_t *w)
{
    for (size_t i = 0; i < w->n_lines; i++) free(w->lines[i].text);
    for (size_t i = 0; i < w->n_paras; i++) ds_buf_free(&w->paras[i].text);
    free(w->lines);
    free(w->paras);
}

void ds_article_split(const ds_rules *rules, const char *text, size_t len,
                      ds_article *out)
{
    work_t w = {0};
    read_lines(text, len, &w);
    find_date(rules, &w, out);
    drop_repeated(&w, out);
    drop_boilerplate(rules, &w, out);
    find_title(rules, &w, out);
    build_paragraphs(&w);
    merge_qa(rules, &w);
    emit_passages(rules, &w, out);
    if (out->n_dropped) /* in file order, whatever rule found them */
        qsort(out->dropped, out->n_dropped, sizeof *out->dropped,
              compare_dropped);
    work_free(&w);
}

void ds_paragraphs_split(const char *text, size_t len, ds_article *out)
{
    work_t w = {0};
    read_lines(text, len, &w);
    size_t cap = 0;
    para_t *p = NULL;
    for (size_t i = 0; i < w.n_lines; i++) {
        const line_t *l = &w.lines[i];
        if (i == 0 || l->block != w.lines[i - 1].block)
            p = push_para(&w, &cap, l->number);
        else
            ds_buf_putc(&p->text, ' ');
        ds_buf_append(&p->text, l->text, l->len);
    }
    for (size_t i = 0; i < w.n_paras; i++) emit(out, &w.paras[i], NULL);
    work_free(&w);
}

void ds_article_free(ds_article *a)
{
    for (size_t i = 0; i < a->count; i++) {
        free(a->items[i].text);
        free(a->items[i].heading);
    }
    for (size_t i = 0; i < a->n_dropped; i++) {
        free(a->dropped[i].text);
        free(a->dropped[i].rule);
    }
    free(a->items);
    free(a->dropped);
    free(a->title);
    memset(a, 0, sizeof *a);
}
