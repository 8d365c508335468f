/* passage.c — see passage.h for the rules, applied here in order. */
#include "passage.h"

#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "util.h"

/* How hard-wrapped text looks, whatever the article says: not settings of
 * news_rules.conf, which are about news. */
#define WRAP_MIN_WIDTH 30   /* narrower "wrapping" is a list of short lines */
#define WRAP_MAX_WIDTH 130  /* wider lines are paragraphs on one line */
#define WRAP_BAND 12        /* wrapped lines end within this of the width */
#define SHORT_WORDS 20      /* a short paragraph: a table row, a list item */
#define MAX_INDENT 64

typedef struct {
    char *text;           /* normalised and trimmed, malloc'd */
    size_t len;
    unsigned long number; /* 1-based line number */
    unsigned block;       /* lines between blank lines share a block */
    unsigned indent;      /* columns before its first visible character */
    unsigned width;       /* columns up to its last visible character */
    const char *dropped;  /* the rule that dropped it, or NULL */
} line_t;

typedef struct {
    ds_buf text;
    unsigned long first_line;
    const char *dropped;  /* the rule that dropped it, or NULL */
    unsigned char row;    /* short and no sentence: a table row, an item */
    unsigned char table;  /* a row among rows, one of them with figures */
} para_t;

typedef struct {
    line_t *lines;
    size_t n_lines;
    para_t *paras;
    size_t n_paras, cap_paras;
} work_t;

/* The article's layout, measured on its own lines. */
typedef struct {
    unsigned base;  /* the body's indentation */
    unsigned width; /* the wrap width; 0 when it is not hard-wrapped */
    int indented;   /* in a wrapped article, paragraphs start indented */
} layout_t;

/* ======================================================================
 * Text tests
 * ====================================================================== */

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ||
           c == '\n';
}

static int is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alpha(unsigned char c) { return is_lower(c) || is_upper(c); }
static int is_alnum(unsigned char c) { return is_alpha(c) || is_digit(c); }

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

/* Runs of ASCII letters and digits (the scorer's tokens), and how many of
 * them are figures. */
static size_t count_tokens(const char *s, size_t *figures)
{
    size_t n = 0, f = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (!is_alnum(*p)) {
            p++;
            continue;
        }
        n++;
        f += is_digit(*p);
        while (is_alnum(*p)) p++;
    }
    if (figures) *figures = f;
    return n;
}

static int has_suffix(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* Closing quotes and brackets after a sentence's last mark. */
static size_t strip_closers(const char *s, size_t len)
{
    static const char *const closers[] = {"\"", "'", ")", "]", "}",
                                          "\xE2\x80\x9D",  /* ” */
                                          "\xE2\x80\x99",  /* ’ */
                                          "\xC2\xBB"};     /* » */
    /* Most text ends in a letter or figure: nothing to strip. */
    if (len && is_alnum((unsigned char)s[len - 1])) return len;
    for (int again = 1; again && len;) {
        again = 0;
        for (size_t i = 0; i < sizeof closers / sizeof *closers; i++)
            if (has_suffix(s, len, closers[i])) {
                len -= strlen(closers[i]);
                again = 1;
            }
    }
    return len;
}

/* A sentence end: . ! ? or an ellipsis, then closing quotes or brackets. */
static int ends_sentence(const char *s, size_t len)
{
    len = strip_closers(s, len);
    return len && (s[len - 1] == '.' || s[len - 1] == '!' ||
                   s[len - 1] == '?' || has_suffix(s, len, "\xE2\x80\xA6"));
}

/* A sentence or clause end, so that a line starting in lower case after
 * it is not its continuation: also : and ; (behind closing quotes or
 * brackets; a closing quote alone ends nothing: "an 'always available'"
 * / "society," ...). */
static int ends_clause(const char *s, size_t len)
{
    if (ends_sentence(s, len)) return 1;
    len = strip_closers(s, len);
    return len && (s[len - 1] == ':' || s[len - 1] == ';');
}

/* A paragraph the way the scorer counts prose: a sentence of 6+ tokens. */
static int is_prose(const char *s, size_t len)
{
    return ends_sentence(s, len) && count_tokens(s, NULL) >= 6;
}

static char last_char(const char *s, size_t len)
{
    return len ? s[len - 1] : '\0';
}

/* "- item", "* item", "• item", "1. item", "2) item" */
static int is_list_item(const char *s)
{
    if ((s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == ' ') return 1;
    if (strncmp(s, "\xE2\x80\xA2", 3) == 0 || /* • */
        strncmp(s, "\xE2\x80\x93 ", 4) == 0)  /* – */
        return 1;
    size_t i = 0;
    while (is_digit((unsigned char)s[i])) i++;
    return i && i < 3 && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ';
}

/* Any letter or figure: ASCII ones, or a character past U+00BF that is
 * no punctuation or symbol (U+2000-U+2BFF, U+00D7, U+00F7).  "* * *",
 * "---" and "• • •" have none. */
static int has_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (is_alnum(c)) return 1;
            i++;
            continue;
        }
        unsigned cp;
        size_t n = ds_utf8_decode(s + i, len - i, &cp);
        if (!n) return 1;
        if (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 &&
            (cp < 0x2000 || cp > 0x2BFF))
            return 1;
        i += n;
    }
    return 0;
}

/* A word that starts with a capital (or a non-ASCII letter). */
static int capitalised(const char *s)
{
    unsigned char c = (unsigned char)s[0];
    return is_upper(c) || c >= 0xC3;
}

/* Columns of the first word of s. */
static unsigned word_width(const char *s)
{
    unsigned n = 0;
    for (; *s && *s != ' '; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* 2 in capitals, 1 in title case (four words in five of four or more
 * letters start with a capital), else 0. */
static int caps_or_title_case(const char *s)
{
    size_t upper = 0, lower = 0, long_words = 0, capital = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (!is_alpha(*p)) {
            p++;
            continue;
        }
        const unsigned char *w = p;
        for (; is_alpha(*p); p++) {
            upper += is_upper(*p);
            lower += is_lower(*p);
        }
        if (p - w >= 4) {
            long_words++;
            capital += is_upper(*w);
        }
    }
    if (upper >= 2 && lower == 0) return 2;
    return long_words >= 2 && capital * 5 >= long_words * 4;
}

/* ======================================================================
 * Lines
 * ====================================================================== */

/* Append `len` bytes to `b`, turning whitespace runs into one space and
 * dropping other ASCII control characters. */
static void append_normalised(ds_buf *b, const char *s, size_t len)
{
    size_t run = 0; /* start of the bytes not yet copied */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c > 0x20 && c != 0x7F) continue;
        if (c == ' ' && i > run && !is_space((unsigned char)s[i - 1]))
            continue; /* one space after text: copied with it */
        ds_buf_append(b, s + run, i - run);
        run = i + 1;
        if (is_space(c) && b->len && b->data[b->len - 1] != ' ')
            ds_buf_putc(b, ' ');
    }
    ds_buf_append(b, s + run, len - run);
}

/* The columns before a raw line's first visible character (a tab goes to
 * the next multiple of 8) and after its last; controls take none. */
static void measure(const char *s, size_t n, unsigned *indent,
                    unsigned *width)
{
    unsigned col = 0, first = 0, last = 0;
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\t') {
            col = (col / 8 + 1) * 8;
        } else if (c == ' ') {
            col++;
        } else if (c >= 0x20 && c != 0x7F && (c & 0xC0) != 0x80) {
            if (!seen) first = col;
            seen = 1;
            last = ++col;
        }
    }
    *indent = first;
    *width = last;
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
        size_t start = b.len && b.data[0] == ' ';
        size_t stop = b.len && b.data[b.len - 1] == ' ' ? b.len - 1 : b.len;
        if (stop <= start) {
            block++;
            p = nl ? nl + 1 : end;
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
        measure(p, n, &l->indent, &l->width);
        p = nl ? nl + 1 : end;
    }
    ds_buf_free(&b);
}

static void record_drop_text(ds_article *out, unsigned long line,
                             const char *rule, const char *text)
{
    if (out->n_dropped == out->dropped_cap) {
        out->dropped_cap = out->dropped_cap ? out->dropped_cap * 2 : 16;
        out->dropped = ds_xrealloc(out->dropped,
                                   out->dropped_cap * sizeof *out->dropped);
    }
    ds_dropped_line *d = &out->dropped[out->n_dropped++];
    d->line = line;
    d->rule = ds_xstrdup(rule);
    d->text = ds_xstrdup(text);
}

static void record_drop(ds_article *out, line_t *l, const char *rule)
{
    l->dropped = rule;
    record_drop_text(out, l->number, rule, l->text);
}

/* ======================================================================
 * Layout
 * ====================================================================== */

static int compare_desc(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return (x < y) - (x > y);
}

/* Does line j go on with the sentence of line j - 1 for certain: same
 * block, no clause end before it, lower case or a figure after? */
static int runs_on(const work_t *w, size_t j)
{
    const line_t *a = &w->lines[j - 1], *b = &w->lines[j];
    unsigned char c = (unsigned char)b->text[0];
    return a->block == b->block && !a->dropped && !b->dropped &&
           !ends_clause(a->text, a->len) && (is_lower(c) || is_digit(c));
}

/* The body's indentation: that of the lines that certainly continue a
 * sentence, the smallest; without such lines, the smallest that one in
 * five of the lines inside a block have (the first line of a block may be
 * indented as a paragraph start).  Deeper than MAX_INDENT is no body's. */
static unsigned body_indent(const work_t *w)
{
    size_t count[MAX_INDENT] = {0}, all = 0;
    unsigned least = MAX_INDENT;
    for (size_t j = 1; j < w->n_lines; j++) {
        const line_t *l = &w->lines[j];
        if (runs_on(w, j) && l->indent < least) least = l->indent;
        if (l->block != w->lines[j - 1].block || l->dropped ||
            w->lines[j - 1].dropped)
            continue;
        all++;
        if (l->indent < MAX_INDENT) count[l->indent]++;
    }
    if (least < MAX_INDENT) return least;
    for (unsigned v = 0; v < MAX_INDENT; v++)
        if (count[v] && count[v] * 5 >= all) return v;
    return 0;
}

/* The widest width that at least 3 in 10 (and 2) of the widths lie
 * within WRAP_BAND of; 0 when none.  `v` is sorted widest first. */
static unsigned wrap_width(const unsigned *v, size_t n)
{
    size_t need = (3 * n + 9) / 10 < 2 ? 2 : (3 * n + 9) / 10;
    for (size_t i = 0, j = 0; i < n; i++) {
        if (j < i) j = i;
        while (j < n && v[j] + WRAP_BAND >= v[i]) j++;
        if (j - i >= need) return v[i];
    }
    return 0;
}

/* The width the lines that run on into the next line of their block
 * cluster below (0 when they do not look wrapped: too few of them, or no
 * sign of a sentence running on); *indented tells whether lines inside a
 * block start indented.  Widths are taken of the lines at the body's
 * indentation when there are four or more (an indented first line's
 * width depends on what a tab was worth to the wrapper), else of all. */
static unsigned run_on_width(const work_t *w, unsigned base, int *indented)
{
    size_t cap = w->n_lines ? w->n_lines : 1;
    unsigned *v = ds_xmalloc(cap * sizeof *v);
    unsigned *vb = ds_xmalloc(cap * sizeof *vb);
    size_t n = 0, nb = 0, pairs = 0, starts = 0, lower = 0;
    for (size_t i = 0; i + 1 < w->n_lines; i++) {
        const line_t *a = &w->lines[i], *b = &w->lines[i + 1];
        if (a->block != b->block || a->dropped || b->dropped) continue;
        if (b->indent > base) {
            starts++;
            continue;
        }
        pairs++;
        if (a->width < 20 || ends_sentence(a->text, a->len)) continue;
        v[n++] = a->width;
        if (a->indent <= base) vb[nb++] = a->width;
        /* Signs of a sentence running on: the next line goes on in lower
         * case or with a figure, or an indented first line goes on flush. */
        lower += is_lower((unsigned char)b->text[0]) ||
                 is_digit((unsigned char)b->text[0]) || a->indent > base;
    }
    unsigned width = 0;
    if (n >= 2 && 10 * n >= 4 * pairs && lower && lower * 5 >= n) {
        unsigned *use = nb >= 4 ? vb : v;
        size_t count = nb >= 4 ? nb : n;
        qsort(use, count, sizeof *use, compare_desc);
        width = wrap_width(use, count);
    }
    free(v);
    free(vb);
    *indented = starts > 0;
    return width;
}

/* Do lines wider than `width` hold little of the text?  (Paragraphs on a
 * line each hold most of it; one long line, a list kept on a line, may be
 * wide.) */
static int mostly_within(const work_t *w, unsigned base, unsigned width)
{
    size_t wider = 0, wider_lines = 0, all = 0;
    for (size_t i = 0; i < w->n_lines; i++) {
        const line_t *l = &w->lines[i];
        if (l->dropped) continue;
        all += l->len;
        if (l->width > width + 4 && l->indent <= base) {
            wider += l->len;
            wider_lines++;
        }
    }
    return wider * 100 <= all * 15 || wider_lines < 2;
}

/* Hard-wrapped: the lines that run on into the next line of their block
 * (mid-sentence) cluster below a width between WRAP_MIN_WIDTH and
 * WRAP_MAX_WIDTH, they are 2 in 5 of the lines that have a next line, at
 * least one in 5 of them shows a sentence running on (the next line goes
 * on in lower case or with a figure, or an indented first line goes on
 * flush; a list of headlines does neither), and lines wider than that width
 * hold little of the text (paragraphs on a line each do; one long line,
 * a list kept on a line, may). */
static void measure_layout(work_t *w, layout_t *L)
{
    int indented;
    L->base = body_indent(w);
    L->width = 0;
    L->indented = 0;
    unsigned width = run_on_width(w, L->base, &indented);
    if (width < WRAP_MIN_WIDTH || width > WRAP_MAX_WIDTH ||
        !mostly_within(w, L->base, width))
        return;
    L->width = width;
    L->indented = indented;
}

/* ======================================================================
 * The top: chrome, date and byline lines, the title
 * ====================================================================== */

/* Length of a date label at the start of `s` (0 when none). */
static size_t label_length(const ds_rules *r, const char *s)
{
    size_t end = 0;
    return ds_pattern_list_match(&r->date_labels, s, &end) ? end : 0;
}

/* Separators between the items of a metadata line: spaces | , / - and
 * dashes, bullets and middle dots; and Markdown's emphasis (* _). */
static size_t separators(const char *s)
{
    size_t i = 0;
    for (;;) {
        if (s[i] == ' ' || s[i] == '|' || s[i] == ',' || s[i] == '/' ||
            s[i] == '-' || s[i] == '*' || s[i] == '_')
            i++;
        else if (strncmp(s + i, "\xE2\x80\x93", 3) == 0 || /* – */
                 strncmp(s + i, "\xE2\x80\x94", 3) == 0 || /* — */
                 strncmp(s + i, "\xE2\x80\xA2", 3) == 0)   /* • */
            i += 3;
        else if (strncmp(s + i, "\xC2\xB7", 2) == 0) /* · */
            i += 2;
        else
            return i;
    }
}

/* A word of a name: up to a space or , | ; */
static size_t name_word(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != ' ' && s[n] != ',' && s[n] != '|' && s[n] != ';')
        n++;
    return n;
}

static int name_connector(const char *s, size_t n)
{
    static const char *const words[] = {"and", "&",   "de", "van", "der",
                                        "von", "da",  "del", "di", "la",
                                        "le",  "bin", "al",  "dos"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strlen(words[i]) == n && strncmp(s, words[i], n) == 0) return 1;
    return 0;
}

/* After a connector: more connectors ("van der"), then a capitalised
 * word. */
static int connects_name(const char *s)
{
    while (*s == ' ') {
        s++;
        size_t n = name_word(s);
        if (!n || !name_connector(s, n)) return capitalised(s);
        s += n;
    }
    return 0;
}

/* A byline at `s`: a label ("By "), then a name of capitalised words (and
 * connectors such as "and", "van"), then maybe ", role" or " in Place".
 * Returns the bytes it takes (0 when it is none) and where the name is. */
static size_t byline(const ds_rules *r, const char *s, size_t *name_at,
                     size_t *name_len)
{
    size_t i = 0, end = 0;
    if (!ds_pattern_list_match(&r->byline_labels, s, &i)) return 0;
    size_t start = i;
    unsigned names = 0;
    while (names < 8) {
        size_t n = name_word(s + i);
        if (n && capitalised(s + i)) {
            names++;
            end = i + n;
        } else if (!(n && names && name_connector(s + i, n) &&
                     connects_name(s + i + n))) {
            break;
        }
        i += n;
        if (s[i] != ' ') break;
        i++;
    }
    if (!names) return 0;
    i = end;
    char iso[11];
    size_t used;
    if (s[i] == ',' && !ds_parse_timestamp(s + i + 1 + (s[i + 1] == ' '),
                                           iso, &used)) {
        /* ", Business reporter": a few words, no figures, no sentence */
        size_t j = i + 1;
        while (s[j] && s[j] != '|' && !is_digit((unsigned char)s[j]) &&
               s[j] != '.' && s[j] != '!' && s[j] != '?')
            j++;
        if (s[j] == '\0' || s[j] == '|') i = j;
    } else if (strncmp(s + i, " in ", 4) == 0 && capitalised(s + i + 4)) {
        i += 4;
        while (capitalised(s + i)) {
            i += name_word(s + i);
            if (s[i] != ' ' || !capitalised(s + i + 1)) break;
            i++;
        }
    }
    *name_at = start;
    *name_len = end - start;
    return i;
}

/* What a metadata line holds. */
typedef struct {
    char date[11];             /* the first date, or "" */
    const char *name;          /* the first byline's name, or NULL */
    size_t name_len;
} meta_t;

/* Is the whole of `s` metadata: time stamps, times of day (some sites
 * put the time first: "Page last updated at 14:02 GMT, Tuesday, 8 March
 * 2005"), each maybe labelled, and bylines, between separators? */
static int read_meta(const ds_rules *r, const char *s, meta_t *m)
{
    memset(m, 0, sizeof *m);
    size_t i = separators(s); /* "*Updated 14 March 2024*" */
    int items = 0;
    while (s[i]) {
        /* Dates and times have figures; without any, only a byline. */
        int figures = strpbrk(s + i, "0123456789") != NULL;
        size_t label = figures ? label_length(r, s + i) : 0, n, at, len;
        char iso[11];
        if (figures && ds_parse_timestamp(s + i + label, iso, &n)) {
            n += label;
            if (!m->date[0]) memcpy(m->date, iso, sizeof iso);
        } else if ((n = byline(r, s + i, &at, &len))) {
            if (!m->name) m->name = s + i + at, m->name_len = len;
        } else if (figures && (n = ds_parse_time(s + i + label))) {
            n += label;
        } else {
            return 0;
        }
        items++;
        i += n;
        size_t sep = separators(s + i);
        if (!sep && s[i]) return 0;
        i += sep;
    }
    return items > 0;
}

/* The rule a metadata line is dropped under. */
static const char *meta_rule(const meta_t *m)
{
    return m->date[0] ? "date" : m->name ? "byline" : "time";
}

/* Take what a metadata line says, when the article has none yet. */
static void take_meta(const meta_t *m, ds_article *out)
{
    if (m->date[0] && !out->date[0]) memcpy(out->date, m->date, 11);
    if (m->name && !out->author)
        out->author = ds_xstrndup(m->name, m->name_len);
}

static int is_qa(const ds_rules *r, const char *s)
{
    return ds_pattern_match(&r->question, s, NULL) ||
           ds_pattern_match(&r->answer, s, NULL);
}

/* Does a `drop` or `drop-list` pattern match all of this text? */
static const char *chrome_rule(const ds_rules *r, const char *s, size_t len)
{
    if (len > r->chrome_max_bytes) return NULL;
    const ds_pattern *p = ds_pattern_list_match(&r->drops, s, NULL);
    if (!p) p = ds_pattern_list_match(&r->list_drops, s, NULL);
    return p ? p->name : NULL;
}

/* Mostly figures: a table row. */
static int figures_row(const char *s)
{
    size_t figures, n = count_tokens(s, &figures);
    return n && figures * 3 >= n;
}

/* A line at the top that occurs again in the article is page furniture. */
static int repeated_line(const work_t *w, size_t i)
{
    const line_t *l = &w->lines[i];
    if (figures_row(l->text) || ends_sentence(l->text, l->len)) return 0;
    for (size_t j = 0; j < w->n_lines; j++)
        if (j != i && w->lines[j].len == l->len &&
            memcmp(w->lines[j].text, l->text, l->len) == 0)
            return 1;
    return 0;
}

/* A final full stop that does not make a line a sentence: an
 * abbreviation's ("TRADE DEAL WITH U.S."), or any in a line in capitals. */
static int headline_stop(const line_t *l)
{
    size_t k = l->len - 1;
    while (k > 0 && l->text[k - 1] != ' ') k--;
    return memchr(l->text + k, '.', l->len - 1 - k) != NULL ||
           caps_or_title_case(l->text) == 2;
}

/* A line that reads like a headline. */
static int headline_like(const ds_rules *r, const line_t *l)
{
    char last = last_char(l->text, l->len);
    return count_words(l->text) <= r->title_max_words &&
           (last != '.' || headline_stop(l)) &&
           last != ',' && last != ';' && last != ':' && last != '-' &&
           !is_lower((unsigned char)l->text[0]) &&
           count_tokens(l->text, NULL) &&
           !is_list_item(l->text) && !is_qa(r, l->text);
}

/* The first line of text is the title when it reads like a headline and
 * does not run on into the next line (passage.h, rule 3). */
static int is_title(const ds_rules *r, const layout_t *L, const work_t *w,
                    size_t i)
{
    const line_t *t = &w->lines[i];
    if (i + 1 >= w->n_lines || !headline_like(r, t)) return 0;
    const line_t *n = &w->lines[i + 1];
    meta_t m;
    if (n->block != t->block || n->indent > t->indent ||
        read_meta(r, n->text, &m) || chrome_rule(r, n->text, n->len))
        return 1;
    if (is_lower((unsigned char)n->text[0])) return 0;
    if (caps_or_title_case(t->text)) return 1;
    if (L->width) return t->width + 1 + word_width(n->text) <= L->width;
    /* One paragraph a line: a line without a full stop ("Can Smith work
     * Scottish wonders?") heads the rest. */
    char last = last_char(t->text, strip_closers(t->text, t->len));
    return last != '.' && last != '!';
}

/* A label and date, or a date and a dash or bar, at the start of the
 * first line of text ("date 2025-06-13 AI Startup ..."): the date, cut
 * off. */
static void cut_leading_date(const ds_rules *r, line_t *l, ds_article *out)
{
    char iso[11];
    size_t label = label_length(r, l->text), used;
    if (!ds_parse_timestamp(l->text + label, iso, &used)) return;
    used += label;
    size_t sep = separators(l->text + used);
    const char *gap = l->text + used;
    if (!label && !memchr(gap, '-', sep) && !memchr(gap, '|', sep) &&
        !memchr(gap, '\xE2', sep))
        return; /* unlabelled: "On June 13, 2025 the deal closed" */
    used += sep;
    if (used >= l->len) return;
    if (!out->date[0]) memcpy(out->date, iso, sizeof iso);
    memmove(l->text, l->text + used, l->len - used + 1);
    l->len -= used;
}

/* A byline's second line: after a byline, a few capitalised words, no
 * figures, no sentence ("Associated Press", "Business reporter"). */
static int byline_more(const work_t *w, size_t i)
{
    const line_t *l = &w->lines[i];
    size_t figures;
    return i && w->lines[i - 1].dropped &&
           strcmp(w->lines[i - 1].dropped, "byline") == 0 &&
           count_words(l->text) <= 4 && capitalised(l->text) &&
           count_tokens(l->text, &figures) && !figures &&
           !ends_clause(l->text, l->len);
}

/* Is line i followed (page chrome skipped) by a date or byline? */
static int before_meta(const ds_rules *r, const work_t *w, size_t i)
{
    size_t j = i + 1;
    while (j < w->n_lines && chrome_rule(r, w->lines[j].text, w->lines[j].len))
        j++;
    meta_t m;
    return j < w->n_lines && read_meta(r, w->lines[j].text, &m);
}

/* The bytes of a Markdown heading's mark ("# ", "## ") at s, or 0. */
static size_t markdown_heading(const char *s)
{
    size_t n = 0;
    while (n < 6 && s[n] == '#') n++;
    return n && s[n] == ' ' && s[n + 1] ? n + 1 : 0;
}

/* The title in a title line, without a Markdown heading's mark: of
 * "Headline | Section | Site" (a page's own title), the longest part. */
static char *headline(const char *s)
{
    s += markdown_heading(s);
    const char *best = s, *part = s;
    size_t best_len = 0;
    for (;;) {
        const char *bar = strstr(part, " | ");
        size_t len = bar ? (size_t)(bar - part) : strlen(part);
        if (len > best_len) best = part, best_len = len;
        if (!bar) break;
        part = bar + 3;
    }
    return ds_xstrndup(best, best_len);
}

/* A headline-like line after the headline that is its standfirst, not
 * the title under a site's name: a sentence-case line of eight words or
 * more, longer than the line before it ("OPEC agrees to cut its output
 * for the third month running" under "Oil prices surge"). */
static int standfirst(const line_t *l, const line_t *before)
{
    size_t words = count_words(l->text);
    return words >= 8 && words > count_words(before->text) &&
           !caps_or_title_case(l->text);
}

/* Does page chrome (navigation, furniture) come right before line i? */
static int after_chrome(const work_t *w, size_t i)
{
    const char *rule = i ? w->lines[i - 1].dropped : NULL;
    return rule && strcmp(rule, "date") != 0 && strcmp(rule, "byline") != 0;
}

/* Rule 3: the top of the article, up to its first line of text.  Of a few
 * headline-like lines in a row (a site's name, a section, the headline,
 * a standfirst) the title is the last that a date or byline follows
 * (unless that one reads as the standfirst of the one before); else the
 * first that does not come right after page chrome (a site's name among
 * its navigation), else the last.  The ones before it are the site's. */
static void read_top(const ds_rules *r, const layout_t *L, work_t *w,
                     ds_article *out)
{
    size_t heads[4], n = 0, i = 0;
    int closed = 0; /* metadata came after a headline: no more of them */
    for (unsigned seen = 0; i < w->n_lines && seen < r->date_scan_lines;
         i++, seen++) {
        line_t *l = &w->lines[i];
        const char *rule = chrome_rule(r, l->text, l->len);
        if (!rule && repeated_line(w, i)) rule = "repeated";
        meta_t m;
        if (rule) {
            record_drop(out, l, rule);
        } else if (read_meta(r, l->text, &m)) {
            take_meta(&m, out);
            record_drop(out, l, meta_rule(&m));
            closed = n > 0;
        } else if (n && byline_more(w, i)) {
            record_drop(out, l, "byline");
        } else if (!closed && n < 4 && is_title(r, L, w, i)) {
            heads[n++] = i;
        } else {
            cut_leading_date(r, l, out);
            break;
        }
    }
    if (!n) return;
    size_t title = n - 1;
    while (title > 0 && !before_meta(r, w, heads[title])) title--;
    if (title == 0 && !before_meta(r, w, heads[0]))
        while (title + 1 < n && after_chrome(w, heads[title])) title++;
    /* A standfirst between the headline and the byline is text. */
    if (title > 0 && !after_chrome(w, heads[title - 1]) &&
        standfirst(&w->lines[heads[title]], &w->lines[heads[title - 1]]))
        title--;
    for (size_t k = 0; k < title; k++)
        record_drop(out, &w->lines[heads[k]], "masthead");
    out->title = headline(w->lines[heads[title]].text);
    w->lines[heads[title]].dropped = "title";
}

/* ======================================================================
 * Paragraphs
 * ====================================================================== */

static para_t *push_para(work_t *w, unsigned long line)
{
    if (w->n_paras == w->cap_paras) {
        w->cap_paras = w->cap_paras ? w->cap_paras * 2 : 32;
        w->paras = ds_xrealloc(w->paras, w->cap_paras * sizeof *w->paras);
    }
    para_t *p = &w->paras[w->n_paras++];
    memset(p, 0, sizeof *p);
    ds_buf_init(&p->text);
    p->first_line = line;
    return p;
}

/* A new empty paragraph at index `at`. */
static para_t *insert_para(work_t *w, size_t at, unsigned long line)
{
    push_para(w, line);
    memmove(&w->paras[at + 1], &w->paras[at],
            (w->n_paras - 1 - at) * sizeof *w->paras);
    para_t *p = &w->paras[at];
    memset(p, 0, sizeof *p);
    ds_buf_init(&p->text);
    p->first_line = line;
    return p;
}

/* A short line that stands alone between a sentence's end and a new
 * paragraph: a heading, a sign-off. */
static int stray_line(const layout_t *L, const line_t *b, const line_t *after)
{
    return !ends_sentence(b->text, b->len) && b->width * 10 < L->width * 7 &&
           (!after || after->block != b->block || after->indent > L->base);
}

/* Does line b continue the paragraph that line a is in (rule 4)? */
static int continues(const ds_rules *r, const layout_t *L, const line_t *a,
                     const line_t *b, const line_t *after)
{
    if (b->indent > L->base) return 0;
    unsigned char first = (unsigned char)b->text[0];
    /* Mid-sentence, a line that goes on in lower case (or, wrapped, with a
     * figure: "sales were off" / "35.2 pct ...") continues it. */
    if ((is_lower(first) || (L->width && is_digit(first))) &&
        !ends_clause(a->text, a->len))
        return 1;
    if (!L->width) return 0;
    int a_ends = ends_sentence(a->text, a->len), join;
    if (a->width + 1 + word_width(b->text) > L->width)
        join = 1; /* the next word did not fit: wrapped */
    else if (L->indented)
        join = !(a_ends && stray_line(L, b, after));
    else
        join = !a_ends && a->width * 4 >= L->width * 3;
    /* Boilerplate after a sentence is not part of it. */
    if (join && a_ends && b->width * 10 < L->width * 7 &&
        chrome_rule(r, b->text, b->len))
        join = 0;
    return join;
}

static void build_paragraphs(const ds_rules *r, const layout_t *L, work_t *w)
{
    const line_t *prev = NULL;
    para_t *p = NULL;
    for (size_t i = 0; i < w->n_lines; i++) {
        const line_t *l = &w->lines[i];
        if (l->dropped) {
            prev = NULL;
            continue;
        }
        const line_t *after = i + 1 < w->n_lines && !w->lines[i + 1].dropped
                                  ? &w->lines[i + 1]
                                  : NULL;
        if (prev && prev->block == l->block &&
            continues(r, L, prev, l, after)) {
            ds_buf_putc(&p->text, ' ');
        } else {
            p = push_para(w, l->number);
        }
        ds_buf_append(&p->text, l->text, l->len);
        prev = l;
    }
}

/* ======================================================================
 * Paragraph rules
 * ====================================================================== */

/* s[0..n) is `word`, ignoring ASCII case. */
static int same_word(const char *s, size_t n, const char *word)
{
    if (strlen(word) != n) return 0;
    for (size_t i = 0; i < n; i++)
        if ((s[i] | 0x20) != word[i]) return 0;
    return 1;
}

/* Domain and file endings: "example.Com" is no lost paragraph break. */
static int is_ending(const char *s, size_t n)
{
    static const char *const endings[] = {
        "com", "org", "net", "gov", "edu", "int", "mil", "info", "biz", "io",
        "co",  "uk",  "us",  "de",  "fr",  "html", "htm", "php", "pdf", "www"};
    for (size_t i = 0; i < sizeof endings / sizeof *endings; i++)
        if (same_word(s, n, endings[i])) return 1;
    return 0;
}

/* Where a paragraph break was lost at s[i] (a . ! or ?): a word ends a
 * sentence, then, with no space, a capitalised word that a sentence goes
 * on from; returns where the new paragraph starts (0 when this is no such
 * place).  The word before is two or more lower-case letters, or, before
 * a full stop and a word and a space, a capitalised word of three or more
 * ("Festival.The jury").  So "U.S.A", "Yahoo!Inc", "St.Louis", "e.g.The",
 * "One.Tel, which" and "example.Com" are not. */
static size_t glued_break(const char *s, size_t len, size_t i)
{
    size_t k = i;
    while (k > 0 && is_lower((unsigned char)s[k - 1])) k--;
    int capital = s[i] == '.' && k > 0 && is_upper((unsigned char)s[k - 1]) &&
                  i - k >= 2;
    k -= capital;
    if (i - k < 2 || is_ending(s + k, i - k) ||
        (k > 0 && (is_alnum((unsigned char)s[k - 1]) || s[k - 1] == '.' ||
                   s[k - 1] == '@' || s[k - 1] == '/' || s[k - 1] == '-')))
        return 0;
    size_t j = i + 1;
    while (j < len && (s[j] == '"' || s[j] == '\'' || s[j] == ')'))
        j++;
    if (strncmp(s + j, "\xE2\x80\x9D", 3) == 0 || /* ” */
        strncmp(s + j, "\xE2\x80\x99", 3) == 0)   /* ’ */
        j += 3;
    size_t w = j;
    if (w >= len || !is_upper((unsigned char)s[w]) ||
        !is_lower((unsigned char)s[w + 1]))
        return 0;
    while (w < len && is_alpha((unsigned char)s[w])) w++;
    /* A sentence goes on: a space, or after a lower-case word a comma
     * ("industry.However, ..."; "One.Tel, which" is a name). */
    int goes_on = s[w] == ' ' ||
                  (!capital && (s[w] == ',' || s[w] == ';' || s[w] == ':') &&
                   s[w + 1] == ' ');
    if (!goes_on || is_ending(s + j, w - j)) return 0;
    return j;
}

/* Rule 5: "industry.One of the most ..." is two paragraphs, when each
 * side has four words or more.  All the cuts of a paragraph are found
 * first, then its pieces become paragraphs of the same line. */
static void split_glued(work_t *w)
{
    size_t *cuts = NULL, cap = 0;
    for (size_t i = 0; i < w->n_paras; i++) {
        const char *s = w->paras[i].text.data;
        size_t len = w->paras[i].text.len, total = count_words(s);
        size_t n = 0, words = 0, last = 0; /* words up to the last cut */
        for (size_t k = 0; k + 1 < len; k++) {
            words += s[k] != ' ' && (k == 0 || s[k - 1] == ' ');
            if (s[k] != '.' && s[k] != '!' && s[k] != '?') continue;
            size_t at = glued_break(s, len, k);
            if (!at || words - last < 4 || total - words + 1 < 4) continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 8;
                cuts = ds_xrealloc(cuts, cap * sizeof *cuts);
            }
            cuts[n++] = at;
            last = words - 1; /* the glued word's tail starts the next */
        }
        if (!n) continue;
        for (size_t c = n; c-- > 0;) {
            para_t *piece = insert_para(w, i + 1, w->paras[i].first_line);
            const ds_buf *t = &w->paras[i].text;
            size_t end = c + 1 < n ? cuts[c + 1] : t->len;
            ds_buf_append(&piece->text, t->data + cuts[c], end - cuts[c]);
        }
        w->paras[i].text.len = cuts[0];
        w->paras[i].text.data[cuts[0]] = '\0';
        i += n;
    }
    free(cuts);
}

/* A lead-in that ends with a dash: "LOUISVILLE, Ky., Feb 26 -". */
static int dash_lead_in(const para_t *p)
{
    const char *s = p->text.data;
    size_t len = p->text.len;
    size_t dash = has_suffix(s, len, "-") ? 1
                  : has_suffix(s, len, "\xE2\x80\x93") ||
                          has_suffix(s, len, "\xE2\x80\x94")
                      ? 3
                      : 0;
    if (!dash || len == dash || count_words(s) > 10) return 0;
    char before = s[len - dash - 1];
    return before == ' ' || is_digit((unsigned char)before);
}

/* Rule 5: a dateline alone on its line runs into the paragraph after it. */
static void join_lead_ins(work_t *w)
{
    for (size_t i = 0; i + 1 < w->n_paras; i++) {
        para_t *p = &w->paras[i], *next = &w->paras[i + 1];
        if (!dash_lead_in(p)) continue;
        ds_buf_putc(&p->text, ' ');
        ds_buf_append(&p->text, next->text.data, next->text.len);
        ds_buf_free(&next->text);
        next->text = p->text;
        next->first_line = p->first_line;
        ds_buf_init(&p->text);
        p->dropped = "joined"; /* removed without a report */
    }
}

static void drop_para(ds_article *out, para_t *p, const char *rule)
{
    p->dropped = rule;
    record_drop_text(out, p->first_line, rule, p->text.data);
}

/* The items of a list after its dropped heading ("Related stories"). */
static void drop_list_items(const ds_rules *r, work_t *w, size_t i,
                            const char *rule, ds_article *out)
{
    for (; i < w->n_paras; i++) {
        para_t *p = &w->paras[i];
        if (p->dropped) continue;
        if (count_words(p->text.data) > r->list_item_max_words ||
            last_char(p->text.data, p->text.len) == '.')
            return;
        /* An item that is boilerplate of its own kind is reported so. */
        const char *own = chrome_rule(r, p->text.data, p->text.len);
        drop_para(out, p, own ? own : rule);
    }
}

/* Rule 5: `drop` and `drop-list` patterns, and paragraphs that are only
 * metadata (a date: "date-only", the article's when no sentence came
 * before it and the top had none; a byline, whose name is the author when
 * the top had none). */
static void drop_boilerplate(const ds_rules *r, work_t *w, ds_article *out)
{
    int text_seen = 0; /* a sentence came before: no date line any more */
    for (size_t i = 0; i < w->n_paras; i++) {
        para_t *p = &w->paras[i];
        if (i && !w->paras[i - 1].dropped)
            text_seen |= ends_sentence(w->paras[i - 1].text.data,
                                       w->paras[i - 1].text.len);
        if (p->dropped || p->text.len > r->chrome_max_bytes) continue;
        const char *s = p->text.data;
        const ds_pattern *m = ds_pattern_list_match(&r->drops, s, NULL);
        meta_t meta;
        if (m) {
            drop_para(out, p, m->name);
        } else if ((m = ds_pattern_list_match(&r->list_drops, s, NULL))) {
            drop_para(out, p, m->name);
            drop_list_items(r, w, i + 1, m->name, out);
        } else if (read_meta(r, s, &meta) && (meta.date[0] || meta.name)) {
            /* (a time alone down here is text: a sports preview's
             * kick-off).  Before any sentence a date is the article's:
             * the top ended early, at a line such as "Associated Press". */
            if (!meta.date[0] || !text_seen) take_meta(&meta, out);
            drop_para(out, p, meta.date[0] ? "date-only" : "byline");
        } else if (!has_text(s, p->text.len)) {
            drop_para(out, p, "no-text"); /* "* * *", "---" */
        }
    }
}

/* Rows: short paragraphs that are no sentence or mostly figures.  A run
 * of rows with a row of figures in it is a table. */
static void mark_rows(work_t *w)
{
    for (size_t i = 0; i < w->n_paras; i++) {
        para_t *p = &w->paras[i];
        const char *s = p->text.data;
        p->row = !p->dropped && count_words(s) <= SHORT_WORDS &&
                 (!ends_sentence(s, p->text.len) || figures_row(s));
        p->table = 0;
    }
    for (size_t i = 0; i < w->n_paras;) {
        if (!w->paras[i].row) {
            i++;
            continue;
        }
        size_t j = i;
        int figures = 0;
        for (; j < w->n_paras && (w->paras[j].row || w->paras[j].dropped); j++)
            figures |= w->paras[j].row && figures_row(w->paras[j].text.data);
        for (size_t k = i; k < j; k++)
            w->paras[k].table = (unsigned char)figures;
        i = j;
    }
}

static int compare_para_text(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    return strcmp(x, y);
}

/* Rule 5: short paragraphs, not sentences nor table rows, that occur more
 * than once (here or as furniture at the top) are page furniture. */
static void drop_repeated(const ds_rules *r, work_t *w, ds_article *out)
{
    size_t n = 0;
    const char **texts = ds_xmalloc((w->n_paras + w->n_lines + 1) *
                                    sizeof *texts);
    for (size_t i = 0; i < w->n_lines; i++)
        if (w->lines[i].dropped &&
            strcmp(w->lines[i].dropped, "repeated") == 0)
            texts[n++] = w->lines[i].text;
    size_t top = n;
    for (size_t i = 0; i < w->n_paras; i++) {
        const para_t *p = &w->paras[i];
        if (!p->dropped && !p->table && p->text.len <= r->chrome_max_bytes &&
            !ends_sentence(p->text.data, p->text.len))
            texts[n++] = p->text.data;
    }
    if (n - top == 0) {
        free(texts);
        return;
    }
    qsort(texts, n, sizeof *texts, compare_para_text);
    for (size_t i = 0; i < w->n_paras; i++) {
        para_t *p = &w->paras[i];
        if (p->dropped || p->table || p->text.len > r->chrome_max_bytes ||
            ends_sentence(p->text.data, p->text.len))
            continue;
        const char **hit = bsearch(&p->text.data, texts, n, sizeof *texts,
                                   compare_para_text);
        if ((hit > texts && strcmp(hit[-1], p->text.data) == 0) ||
            (hit + 1 < texts + n && strcmp(hit[1], p->text.data) == 0))
            drop_para(out, p, "repeated");
    }
    free(texts);
}

/* The last paragraph not dropped before `end` (w->n_paras when none). */
static size_t last_kept(const work_t *w, size_t end)
{
    while (end-- > 0)
        if (!w->paras[end].dropped) return end;
    return w->n_paras;
}

/* Rule 5: `drop-end` patterns, from the last paragraph back. */
static void drop_end(const ds_rules *r, work_t *w, ds_article *out)
{
    for (size_t i = last_kept(w, w->n_paras); i < w->n_paras;
         i = last_kept(w, i)) {
        para_t *p = &w->paras[i];
        const ds_pattern *m =
            p->text.len <= r->chrome_max_bytes
                ? ds_pattern_list_match(&r->end_drops, p->text.data, NULL)
                : NULL;
        if (!m) return;
        drop_para(out, p, m->name);
    }
}

/* A wire's sign-off: one word ("Reuter", "MORE", "ends") with at most a
 * few dots or marks after it. */
static int sign_off(const char *s)
{
    size_t n = 0;
    while (is_alpha((unsigned char)s[n])) n++;
    if (n == 0 || n > 12) return 0;
    while (s[n] == '.' || s[n] == '!') n++;
    return s[n] == '\0';
}

/* Short, words rather than figures, no sentence (but a question), no
 * list item: it could head what follows. */
static int heading_like(const ds_rules *r, const char *s, size_t len)
{
    char last = last_char(s, strip_closers(s, len));
    size_t figures, tokens = count_tokens(s, &figures);
    return len <= r->heading_max_bytes &&
           count_words(s) <= r->heading_max_words && last != '.' &&
           last != ',' && last != ';' && last != ':' && last != '!' &&
           last != '-' && !has_suffix(s, len, "??") &&
           !is_lower((unsigned char)s[0]) && s[0] != '(' && tokens &&
           figures * 2 < tokens && !is_list_item(s) && !is_qa(r, s);
}

/* Rule 5: the last paragraph when it is a sign-off, or a heading-like
 * one without figures after a sentence (a widget's caption, "Quickly
 * understand ...").  Returns whether it dropped one. */
static int drop_tail(const ds_rules *r, work_t *w, ds_article *out)
{
    size_t last = last_kept(w, w->n_paras);
    if (last == w->n_paras || last_kept(w, last) == w->n_paras) return 0;
    if (sign_off(w->paras[last].text.data)) {
        drop_para(out, &w->paras[last], "sign-off");
        return 1;
    }
    para_t *p = &w->paras[last], *prev = &w->paras[last_kept(w, last)];
    size_t figures;
    count_tokens(p->text.data, &figures);
    if (!heading_like(r, p->text.data, p->text.len) || figures ||
        !ends_sentence(prev->text.data, prev->text.len))
        return 0;
    drop_para(out, p, "orphan-heading");
    return 1;
}

/* Rule 5 at the end of the article: `drop-end` patterns and the tail
 * rules, again while one of them finds something (an author's blurb
 * under a sign-off, a sign-off under a share line). */
static void drop_the_end(const ds_rules *r, work_t *w, ds_article *out)
{
    for (int round = 0; round < 4; round++) {
        drop_end(r, w, out);
        if (!drop_tail(r, w, out)) return;
    }
}

/* Remove the dropped paragraphs. */
static void compact(work_t *w)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n_paras; i++) {
        if (w->paras[i].dropped)
            ds_buf_free(&w->paras[i].text);
        else
            w->paras[n++] = w->paras[i];
    }
    w->n_paras = n;
}

/* Rule 6: "Q: ..." followed by "A: ..." is one passage. */
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
            i++;
        }
        w->paras[out++] = *p;
    }
    w->n_paras = out;
}

/* ======================================================================
 * Passages
 * ====================================================================== */

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

static void emit(ds_article *out, const char *s, size_t len,
                 unsigned long line, const char *heading)
{
    while (len > DS_MAX_PASSAGE_BYTES) {
        size_t cut = cut_point(s, DS_MAX_PASSAGE_BYTES);
        push_passage(out, s, cut, line, heading);
        s += cut;
        len -= cut;
        while (len && s[0] == ' ') s++, len--;
    }
    if (len) push_passage(out, s, len, line, heading);
}

/* Rule 7: a heading stands between a paragraph of text and one it
 * introduces, neither of them a row of figures. */
static int is_heading(const ds_rules *r, const work_t *w, size_t i)
{
    if (i == 0 || i + 1 >= w->n_paras) return 0;
    const ds_buf *t = &w->paras[i].text, *prev = &w->paras[i - 1].text,
                 *next = &w->paras[i + 1].text;
    return heading_like(r, t->data, t->len) &&
           is_prose(prev->data, prev->len) && !figures_row(prev->data) &&
           count_tokens(next->data, NULL) >= 6 &&
           (ends_sentence(next->data, next->len) ||
            count_words(next->data) >= 15) &&
           !figures_row(next->data);
}

/* Rules 7 and 8 while emitting: headings become the heading of what
 * follows; a run of rows is one passage. */
static void emit_passages(const ds_rules *r, work_t *w, ds_article *out)
{
    mark_rows(w);
    const char *heading = NULL;
    ds_buf run;
    ds_buf_init(&run);
    for (size_t i = 0; i < w->n_paras; i++) {
        const para_t *p = &w->paras[i];
        if (is_heading(r, w, i)) {
            heading = p->text.data + markdown_heading(p->text.data);
            continue;
        }
        size_t j = i + 1;
        while (p->row && j < w->n_paras && w->paras[j].row &&
               !is_heading(r, w, j))
            j++;
        if (j == i + 1) {
            emit(out, p->text.data, p->text.len, p->first_line, heading);
            continue;
        }
        ds_buf_clear(&run);
        for (size_t k = i; k < j; k++) {
            if (k > i) ds_buf_putc(&run, ' ');
            ds_buf_append(&run, w->paras[k].text.data, w->paras[k].text.len);
        }
        emit(out, run.data, run.len, p->first_line, heading);
        i = j - 1;
    }
    ds_buf_free(&run);
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
    layout_t layout;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) /* a BOM */
        text += 3, len -= 3;
    read_lines(text, len, &w);
    measure_layout(&w, &layout);
    read_top(rules, &layout, &w, out);
    measure_layout(&w, &layout); /* again, on the text without its top */
    build_paragraphs(rules, &layout, &w);
    split_glued(&w);
    join_lead_ins(&w);
    drop_boilerplate(rules, &w, out);
    mark_rows(&w);
    drop_repeated(rules, &w, out);
    drop_the_end(rules, &w, out);
    compact(&w);
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
    para_t *p = NULL;
    for (size_t i = 0; i < w.n_lines; i++) {
        const line_t *l = &w.lines[i];
        if (i == 0 || l->block != w.lines[i - 1].block)
            p = push_para(&w, l->number);
        else
            ds_buf_putc(&p->text, ' ');
        ds_buf_append(&p->text, l->text, l->len);
    }
    for (size_t i = 0; i < w.n_paras; i++)
        emit(out, w.paras[i].text.data, w.paras[i].text.len,
             w.paras[i].first_line, NULL);
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
    free(a->author);
    memset(a, 0, sizeof *a);
}
