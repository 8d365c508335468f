/* prefilter.c — see prefilter.h.
 *
 * The expression is read as POSIX extended syntax, as glibc's regcomp
 * reads it with REG_EXTENDED.  What each part of it is known to match:
 *   exact  one of a few strings and nothing else ("is|was", "editor",
 *          "\.?": "." or "");
 *   sets   when not exact, sets of strings, one of each in every match;
 *   head   strings of up to END_LEN bytes, one of which starts every
 *          match; tail: one of which ends it;
 *   any    nothing (a bracket, a dot, a repeat that may be empty).
 * A concatenation joins neighbouring exact parts ("(is|was) " gives
 * "is ", "was "); an alternation of exact parts is exact, of others gives
 * the union of each one's best set; a repeat of at least once keeps what
 * its part needs.  Anything else, or anything unexpected, tells nothing.
 * A head is checked when the expression starts with "^", a tail when it
 * ends with "$". */
#include "prefilter.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_STRINGS 16 /* in a set: more would take longer than regexec */
#define MAX_LEN 32     /* bytes of one string */
#define MAX_SETS 4     /* kept for one part: those of the longest strings */
#define MIN_LEN 3      /* a set with a shorter string filters too little */
#define MAX_DEPTH 8    /* groups within groups */
#define END_LEN 4      /* bytes of a match's start and end that are kept */
#define MAX_ENDS 64
#define PAIR_BITS 1024 /* hashed pairs of bytes a string may start with */

typedef struct {
    char s[MAX_STRINGS][MAX_LEN + 1];
    size_t len[MAX_STRINGS];
    size_t n;
} set_t;

/* Strings of up to END_LEN bytes, one of which starts (or ends) every
 * match, when `known`.  A head string shorter than END_LEN is the whole
 * of an exact part's match. */
typedef struct {
    int known;
    char s[MAX_ENDS][END_LEN + 1];
    size_t len[MAX_ENDS];
    size_t n;
} ends_t;

enum { HEAD, TAIL };

/* What every match of a part of the expression is known to be. */
typedef struct {
    int exact;            /* it is one of `run`'s strings */
    set_t run;
    set_t sets[MAX_SETS]; /* not exact: it holds a string of each */
    size_t n_sets;
    ends_t head, tail;
} info_t;

typedef struct {
    const char *p;
    int icase;
    int failed; /* something this reader does not know: no condition */
    int depth;
    int top_alternation; /* a '|' outside any group */
} parser_t;

typedef struct {
    set_t set;
    size_t min_len;
    /* The strings' first two bytes, hashed: only where the text has such
     * a pair are the strings compared. */
    unsigned char pairs[PAIR_BITS / 8];
} need_t;

struct ds_prefilter {
    int icase;
    int use_head, use_tail; /* the text starts / ends with one of them */
    ends_t head, tail;
    unsigned char edge[2][256]; /* the heads' first bytes, the tails' last */
    need_t needs[MAX_SETS];     /* the longest strings first */
    size_t n_needs;
};

/* ======================================================================
 * Strings
 * ====================================================================== */

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* s[0..n) is `word` (ASCII letters without case when `icase`). */
static int same(const char *s, const char *word, size_t n, int icase)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((icase ? fold(c) : c) != (unsigned char)word[i]) return 0;
    }
    return 1;
}

static size_t min_len(const set_t *s)
{
    size_t m = s->n ? s->len[0] : 0;
    for (size_t i = 1; i < s->n; i++)
        if (s->len[i] < m) m = s->len[i];
    return m;
}

/* Is `a` the better filter: longer strings, else fewer of them? */
static int better(const set_t *a, const set_t *b)
{
    size_t ma = min_len(a), mb = min_len(b);
    return ma > mb || (ma == mb && a->n < b->n);
}

/* a = every string of a followed by every string of b, when that is at
 * most MAX_STRINGS strings of at most MAX_LEN bytes (else 0, a as it
 * was).  Mostly b is one character: that is appended in place. */
static int product(set_t *a, const set_t *b)
{
    if (a->n * b->n > MAX_STRINGS) return 0;
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++)
            if (a->len[i] + b->len[j] > MAX_LEN) return 0;
    if (b->n == 1) {
        for (size_t i = 0; i < a->n; i++) {
            memcpy(a->s[i] + a->len[i], b->s[0], b->len[0] + 1);
            a->len[i] += b->len[0];
        }
        return 1;
    }
    set_t r;
    r.n = 0;
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++, r.n++) {
            memcpy(r.s[r.n], a->s[i], a->len[i]);
            memcpy(r.s[r.n] + a->len[i], b->s[j], b->len[j] + 1);
            r.len[r.n] = a->len[i] + b->len[j];
        }
    *a = r;
    return 1;
}

/* a = the strings of a and of b, when they are at most MAX_STRINGS. */
static int add_all(set_t *a, const set_t *b)
{
    if (a->n + b->n > MAX_STRINGS) return 0;
    for (size_t j = 0; j < b->n; j++, a->n++) {
        memcpy(a->s[a->n], b->s[j], b->len[j] + 1);
        a->len[a->n] = b->len[j];
    }
    return 1;
}

/* x[0..xn) followed by y[0..yn) (each at most END_LEN bytes), its first
 * END_LEN bytes for a head, its last for a tail, into out (END_LEN + 1
 * bytes, which may be x); returns its length. */
static size_t cut_join(char *out, const char *x, size_t xn, const char *y,
                       size_t yn, int side)
{
    char joined[2 * END_LEN];
    memcpy(joined, x, xn);
    memcpy(joined + xn, y, yn);
    size_t n = xn + yn, from = side == TAIL && n > END_LEN ? n - END_LEN : 0;
    if (n - from > END_LEN) n = from + END_LEN;
    memmove(out, joined + from, n - from);
    out[n - from] = '\0';
    return n - from;
}

/* Add s[0..n) (at most END_LEN bytes) unless it is there; 0 when full. */
static int ends_add(ends_t *e, const char *s, size_t n)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->len[i] == n && memcmp(e->s[i], s, n) == 0) return 1;
    if (e->n == MAX_ENDS) return 0;
    memcpy(e->s[e->n], s, n);
    e->s[e->n][n] = '\0';
    e->len[e->n++] = n;
    return 1;
}

/* a = a's strings followed by b's, cut to END_LEN; 0 (a unchanged) when
 * too many.  One string in b (a character, mostly) is joined in place. */
static int ends_product(ends_t *a, const ends_t *b, int side)
{
    if (b->n == 1) {
        for (size_t i = 0; i < a->n; i++)
            a->len[i] = cut_join(a->s[i], a->s[i], a->len[i], b->s[0],
                                 b->len[0], side);
        return 1;
    }
    ends_t r;
    r.known = 1;
    r.n = 0;
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++) {
            char s[END_LEN + 1];
            size_t n = cut_join(s, a->s[i], a->len[i], b->s[j], b->len[j], side);
            if (!ends_add(&r, s, n)) return 0;
        }
    *a = r;
    return 1;
}

/* a = a's strings and b's (unknown when either is, or too many). */
static void ends_union(ends_t *a, const ends_t *b)
{
    a->known = a->known && b->known;
    for (size_t j = 0; a->known && j < b->n; j++)
        a->known = ends_add(a, b->s[j], b->len[j]);
}

/* ======================================================================
 * What a part is known to be
 * ====================================================================== */

static void info_any(info_t *x)
{
    x->exact = 0;
    x->n_sets = 0;
    x->head.known = x->tail.known = 0;
}

static void info_exact(info_t *x, const char *str, size_t n)
{
    x->exact = 1;
    memcpy(x->run.s[0], str, n);
    x->run.s[0][n] = '\0';
    x->run.len[0] = n;
    x->run.n = 1;
    x->n_sets = 0;
    x->head.known = x->tail.known = 1;
    x->head.n = x->tail.n = 1;
    x->head.len[0] = cut_join(x->head.s[0], str, n, "", 0, HEAD);
    x->tail.len[0] = cut_join(x->tail.s[0], str, n, "", 0, TAIL);
}

/* Keep `s` as a set every match holds a string of, if it filters enough;
 * of more than MAX_SETS, the best. */
static void add_set(info_t *x, const set_t *s)
{
    if (!s->n || min_len(s) < MIN_LEN) return;
    if (x->n_sets < MAX_SETS) {
        x->sets[x->n_sets++] = *s;
        return;
    }
    size_t worst = 0;
    for (size_t i = 1; i < x->n_sets; i++)
        if (better(&x->sets[worst], &x->sets[i])) worst = i;
    if (better(s, &x->sets[worst])) x->sets[worst] = *s;
}

/* An exact part holds one of its strings: say so as a set. */
static void demote(info_t *x)
{
    if (!x->exact) return;
    x->exact = 0;
    x->n_sets = 0;
    add_set(x, &x->run);
}

/* x, or nothing ("a?"): an exact part stays exact, with "" added. */
static void optional(info_t *x)
{
    static const ends_t empty = {.known = 1, .n = 1};
    set_t none = {.n = 1};
    if (!x->exact || !add_all(&x->run, &none)) {
        info_any(x);
        return;
    }
    ends_union(&x->head, &empty);
    ends_union(&x->tail, &empty);
}

/* The set that filters best, or NULL. */
static const set_t *best_set(const info_t *x)
{
    if (x->exact) return &x->run;
    const set_t *best = NULL;
    for (size_t i = 0; i < x->n_sets; i++)
        if (!best || better(&x->sets[i], best)) best = &x->sets[i];
    return best;
}

/* a = a or b. */
static void alternative(info_t *a, const info_t *b)
{
    ends_t head = a->head, tail = a->tail;
    ends_union(&head, &b->head);
    ends_union(&tail, &b->tail);
    if (!(a->exact && b->exact && add_all(&a->run, &b->run))) {
        const set_t *sa = best_set(a), *sb = best_set(b);
        set_t u;
        int fits = sa && sb;
        if (fits) {
            u = *sa;
            fits = add_all(&u, sb);
        }
        info_any(a);
        if (fits) add_set(a, &u);
    }
    a->head = head;
    a->tail = tail;
}

/* ======================================================================
 * Reading the expression
 * ====================================================================== */

static void parse_alternation(parser_t *ps, info_t *out);

/* Past a bracket expression ("[^.!?]", "[[:space:]]", "[]a]"). */
static void skip_bracket(parser_t *ps)
{
    const char *p = ps->p + 1;
    if (*p == '^') p++;
    if (*p == ']') p++;
    for (; *p && *p != ']'; p++) {
        if (p[0] != '[' || (p[1] != ':' && p[1] != '=' && p[1] != '.'))
            continue;
        const char close[3] = {p[1], ']', '\0'};
        const char *end = strstr(p + 2, close);
        if (!end) break;
        p = end + 1;
    }
    if (*p != ']') {
        ps->failed = 1;
        return;
    }
    ps->p = p + 1;
}

/* An escaped character that glibc reads as itself: ASCII punctuation but
 * for its word and buffer anchors (\< \> \` \'); letters and digits are
 * classes, anchors or back-references. */
static int literal_escape(char c)
{
    return c && strchr(".[]()*+?{}|^$\\/-:;,!\"#%&=@_~", c) != NULL;
}

/* One atom: a character, an escape, a bracket, a dot, an anchor or a
 * group. */
static void parse_atom(parser_t *ps, info_t *x)
{
    unsigned char c = (unsigned char)*ps->p;
    if (c == '(') {
        if (++ps->depth > MAX_DEPTH) {
            ps->failed = 1;
            return;
        }
        ps->p++;
        parse_alternation(ps, x);
        ps->depth--;
        if (*ps->p != ')') ps->failed = 1;
        else ps->p++;
    } else if (c == '[') {
        skip_bracket(ps);
        info_any(x);
    } else if (c == '^' || c == '$') {
        ps->p++;
        info_exact(x, "", 0); /* no characters of its own */
    } else if (c == '\\' && literal_escape(ps->p[1])) {
        char lit = ps->p[1];
        ps->p += 2;
        info_exact(x, &lit, 1);
    } else if (c == '\\' || c == '*' || c == '+' || c == '?' || c == '{') {
        ps->failed = 1;
    } else if (c == '.' || c >= 0x80) {
        ps->p++;
        info_any(x); /* a byte of a character a locale may fold or join */
    } else {
        char lit = (char)(ps->icase ? fold(c) : c);
        ps->p++;
        info_exact(x, &lit, 1);
    }
}

static unsigned long read_count(parser_t *ps)
{
    unsigned long n = 0;
    if (*ps->p < '0' || *ps->p > '9') ps->failed = 1;
    while (*ps->p >= '0' && *ps->p <= '9' && n < 100000)
        n = n * 10 + (unsigned long)(*ps->p++ - '0');
    return n;
}

/* "{n}", "{n,}", "{n,m}": the least and most repeats (most 0: no end). */
static void parse_interval(parser_t *ps, unsigned long *lo, unsigned long *hi)
{
    ps->p++;
    *lo = *hi = read_count(ps);
    if (*ps->p == ',') {
        ps->p++;
        *hi = *ps->p == '}' ? 0 : read_count(ps);
    }
    if (*ps->p != '}') ps->failed = 1;
    else ps->p++;
}

/* An atom and its repeats. */
static void parse_piece(parser_t *ps, info_t *x)
{
    parse_atom(ps, x);
    while (!ps->failed) {
        char c = *ps->p;
        unsigned long lo, hi;
        if (c == '*') {
            ps->p++;
            info_any(x);
        } else if (c == '?') {
            ps->p++;
            optional(x);
        } else if (c == '+') {
            ps->p++;
            demote(x);
        } else if (c == '{') {
            parse_interval(ps, &lo, &hi);
            if (lo == 0 && hi == 1) optional(x);
            else if (lo == 0) info_any(x);
            else if (lo != 1 || hi != 1) demote(x);
        } else {
            return;
        }
    }
}

/* Pieces one after another, up to a '|' or ')'. */
static void parse_branch(parser_t *ps, info_t *out)
{
    static const set_t empty = {.n = 1};
    static const ends_t nothing = {.known = 1, .n = 1};
    set_t run = empty; /* the exact pieces since the last other one */
    ends_t head = nothing, tail = nothing;
    int all_exact = 1, head_open = 1; /* exact pieces so far: extend it */
    info_t piece;
    info_any(out);
    while (*ps->p && *ps->p != '|' && *ps->p != ')' && !ps->failed) {
        parse_piece(ps, &piece);
        if (head_open)
            head_open = piece.head.known &&
                        ends_product(&head, &piece.head, HEAD) && piece.exact;
        /* A match ends with this piece's match, after the one before. */
        if (!piece.exact || !tail.known ||
            !ends_product(&tail, &piece.tail, TAIL))
            tail = piece.tail;
        if (piece.exact && product(&run, &piece.run)) continue;
        add_set(out, &run);
        all_exact = 0;
        if (piece.exact) {
            run = piece.run;
            continue;
        }
        for (size_t i = 0; i < piece.n_sets; i++) add_set(out, &piece.sets[i]);
        run = empty;
    }
    if (all_exact) {
        out->exact = 1;
        out->run = run;
    } else {
        add_set(out, &run);
    }
    out->head = head;
    out->tail = tail;
}

static void parse_alternation(parser_t *ps, info_t *out)
{
    info_t branch;
    parse_branch(ps, out);
    while (*ps->p == '|' && !ps->failed) {
        ps->top_alternation |= ps->depth == 0;
        ps->p++;
        parse_branch(ps, &branch);
        alternative(out, &branch);
    }
}

/* ======================================================================
 * The condition
 * ====================================================================== */

/* Known, and every string has a byte: an empty one lets any text in. */
static int ends_useful(const ends_t *e)
{
    if (!e->known || !e->n) return 0;
    for (size_t i = 0; i < e->n; i++)
        if (!e->len[i]) return 0;
    return 1;
}

/* A match can only start at the text's start: "^" begins the expression
 * (not repeated), and no '|' outside a group offers another way. */
static int starts_anchored(const char *ere, const parser_t *ps)
{
    return ere[0] == '^' && !strchr("*+?{", ere[1]) && !ps->top_alternation;
}

/* ... only end at its end: an unescaped "$" ends it. */
static int ends_anchored(const char *ere, const parser_t *ps)
{
    size_t n = strlen(ere), slashes = 0;
    if (!n || ere[n - 1] != '$' || ps->top_alternation) return 0;
    while (slashes + 1 < n && ere[n - 2 - slashes] == '\\') slashes++;
    return slashes % 2 == 0;
}

static unsigned pair_key(unsigned char a, unsigned char b)
{
    return ((unsigned)a << 5 ^ b) & (PAIR_BITS - 1);
}

/* The bytes the strings of `e` start (or end) with, in both cases. */
static void mark_edges(unsigned char *edge, const ends_t *e, int side,
                       int icase)
{
    for (size_t k = 0; k < e->n; k++) {
        if (!e->len[k]) continue;
        unsigned char c = (unsigned char)e->s[k][side == HEAD ? 0 : e->len[k] - 1];
        edge[c] = 1;
        if (icase && c >= 'a' && c <= 'z') edge[c - 32] = 1;
    }
}

static int compare_needs(const void *a, const void *b)
{
    size_t x = ((const need_t *)a)->min_len, y = ((const need_t *)b)->min_len;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void add_needs(ds_prefilter *f, const info_t *x)
{
    f->n_needs = x->n_sets;
    for (size_t i = 0; i < x->n_sets; i++) {
        need_t *n = &f->needs[i];
        n->set = x->sets[i];
        n->min_len = min_len(&n->set);
        for (size_t k = 0; k < n->set.n; k++) {
            unsigned key = pair_key((unsigned char)n->set.s[k][0],
                                    (unsigned char)n->set.s[k][1]);
            n->pairs[key >> 3] |= (unsigned char)(1u << (key & 7));
        }
    }
    qsort(f->needs, f->n_needs, sizeof *f->needs, compare_needs);
}

ds_prefilter *ds_prefilter_new(const char *ere, int icase)
{
    parser_t ps = {ere, icase, 0, 0, 0};
    info_t *x = ds_xmalloc(sizeof *x);
    parse_alternation(&ps, x);
    demote(x);
    ds_prefilter *f = NULL;
    int head = 0, tail = 0;
    if (!ps.failed && *ps.p == '\0') {
        head = starts_anchored(ere, &ps) && ends_useful(&x->head);
        tail = ends_anchored(ere, &ps) && ends_useful(&x->tail);
    }
    if (head || tail || (!ps.failed && *ps.p == '\0' && x->n_sets)) {
        f = ds_xmalloc(sizeof *f);
        memset(f, 0, sizeof *f);
        f->icase = icase;
        f->use_head = head;
        f->use_tail = tail;
        f->head = x->head;
        f->tail = x->tail;
        mark_edges(f->edge[HEAD], &f->head, HEAD, icase);
        mark_edges(f->edge[TAIL], &f->tail, TAIL, icase);
        add_needs(f, x);
    }
    free(x);
    return f;
}

void ds_prefilter_free(ds_prefilter *f)
{
    free(f);
}

/* ======================================================================
 * Checking a text
 * ====================================================================== */

/* Does s[0..len) start (or end) with one of the strings of `e`? */
static int has_end(const ds_prefilter *f, int side, const char *s, size_t len)
{
    const ends_t *e = side == HEAD ? &f->head : &f->tail;
    if (!len || !f->edge[side][(unsigned char)s[side == HEAD ? 0 : len - 1]])
        return 0;
    for (size_t k = 0; k < e->n; k++)
        if (e->len[k] <= len &&
            same(side == HEAD ? s : s + len - e->len[k], e->s[k], e->len[k],
                 f->icase))
            return 1;
    return 0;
}

/* Does s[0..len) hold one of the strings of `n`? */
static int holds_one(const need_t *n, int icase, const char *s, size_t len)
{
    if (len < n->min_len) return 0;
    unsigned char a = (unsigned char)s[0], b;
    if (icase) a = fold(a);
    for (size_t i = 0; i + n->min_len <= len; i++, a = b) {
        b = (unsigned char)s[i + 1]; /* min_len >= 2: still in the text */
        if (icase) b = fold(b);
        unsigned key = pair_key(a, b);
        if (!(n->pairs[key >> 3] & (1u << (key & 7)))) continue;
        for (size_t k = 0; k < n->set.n; k++)
            if (n->set.len[k] <= len - i &&
                same(s + i, n->set.s[k], n->set.len[k], icase))
                return 1;
    }
    return 0;
}

int ds_prefilter_may_match(const ds_prefilter *f, const char *s, size_t len)
{
    if (f->use_head && !has_end(f, HEAD, s, len)) return 0;
    if (f->use_tail && !has_end(f, TAIL, s, len)) return 0;
    for (size_t i = 0; i < f->n_needs; i++)
        if (!holds_one(&f->needs[i], f->icase, s, len)) return 0;
    return 1;
}
