/* query.c — see query.h. */
#include "query.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_GAP 10

typedef enum { T_WORD, T_PHRASE, T_OP, T_LPAREN, T_RPAREN } token_kind;
typedef enum { OP_BOOL, OP_NEAR, OP_ADJ } op_kind;

typedef struct {
    token_kind kind;
    size_t start, end;   /* bytes of the query (a phrase without quotes) */
    op_kind op;
    unsigned gap;        /* NEAR/n, ADJ/n */
} token;

typedef struct {
    token *items;
    size_t count, cap;
} tokens;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void push(tokens *t, token tok)
{
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->items = ds_xrealloc(t->items, t->cap * sizeof *t->items);
    }
    t->items[t->count++] = tok;
}

/* The operator `s` (len bytes) names, if any: AND, OR, NOT, XOR, NEAR,
 * ADJ, NEAR/n, ADJ/n. */
static int read_operator(const char *s, size_t len, token *tok)
{
    static const char *const bools[] = {"AND", "OR", "NOT", "XOR"};
    for (size_t i = 0; i < sizeof bools / sizeof *bools; i++)
        if (len == strlen(bools[i]) && memcmp(s, bools[i], len) == 0) {
            tok->op = OP_BOOL;
            return 1;
        }
    size_t n = len >= 4 && memcmp(s, "NEAR", 4) == 0 ? 4
               : len >= 3 && memcmp(s, "ADJ", 3) == 0 ? 3
                                                       : 0;
    if (!n) return 0;
    tok->op = n == 4 ? OP_NEAR : OP_ADJ;
    tok->gap = DEFAULT_GAP;
    if (len == n) return 1;
    if (s[n] != '/' || len == n + 1 || len > n + 4) return 0;
    unsigned gap = 0;
    for (size_t i = n + 1; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        gap = gap * 10 + (unsigned)(s[i] - '0');
    }
    tok->gap = gap;
    return 1;
}

int ds_query_is_operator(const char *s, size_t len)
{
    token tok;
    return read_operator(s, len, &tok);
}

/* Split the query into words, phrases, operators and brackets, as
 * Xapian's parser sees them closely enough for what query.h reads. */
static void scan(const char *q, tokens *out)
{
    size_t len = strlen(q), i = 0;
    while (i < len) {
        if (is_space(q[i])) {
            i++;
        } else if (q[i] == '"') {
            const char *close = strchr(q + i + 1, '"');
            size_t end = close ? (size_t)(close - q) : len;
            push(out, (token){T_PHRASE, i + 1, end, OP_BOOL, 0});
            i = close ? end + 1 : len;
        } else if (q[i] == '(' || q[i] == ')') {
            push(out, (token){q[i] == '(' ? T_LPAREN : T_RPAREN, i, i + 1,
                              OP_BOOL, 0});
            i++;
        } else {
            size_t start = i;
            while (i < len && !is_space(q[i]) && q[i] != '"' && q[i] != ')' &&
                   !(q[i] == '(' && i == start))
                i++;
            token tok = {T_WORD, start, i, OP_BOOL, 0};
            if (read_operator(q + start, i - start, &tok)) tok.kind = T_OP;
            push(out, tok);
        }
    }
}

/* A word that stands for itself: no field, sign, wildcard or symbol
 * only. */
static int plain_word(const char *q, const token *t)
{
    if (t->kind != T_WORD) return 0;
    const char *s = q + t->start;
    size_t len = t->end - t->start;
    if (s[0] == '+' || s[0] == '-' || s[len - 1] == '*' ||
        memchr(s, ':', len))
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80 || (s[i] >= '0' && s[i] <= '9') ||
            ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'))
            return 1;
    return 0;
}

static void notice(ds_query_reading *r, char *text)
{
    r->notices = ds_xrealloc(r->notices,
                             (r->n_notices + 1) * sizeof *r->notices);
    r->notices[r->n_notices++] = text;
}

static void append_token(ds_buf *text, const char *q, const token *k);

/* ---- NEAR and ADJ over phrases and runs of words ---- */

/* The operand ending at token `last` (going left) or starting at `first`
 * (going right): a phrase, or a run of plain words.  Returns its first and
 * last token, or 0 when there is none. */
static int operand(const char *q, const tokens *t, size_t at, int leftward,
                   size_t *from, size_t *to)
{
    if (at >= t->count) return 0;
    const token *k = &t->items[at];
    if (k->kind == T_PHRASE) {
        *from = *to = at;
        return 1;
    }
    if (!plain_word(q, k)) return 0;
    size_t a = at, b = at;
    if (leftward)
        while (a > 0 && plain_word(q, &t->items[a - 1])) a--;
    else
        while (b + 1 < t->count && plain_word(q, &t->items[b + 1])) b++;
    *from = a;
    *to = b;
    return 1;
}

/* The words of tokens from .. to (a phrase's words, or the run's). */
static char *operand_text(const char *q, const tokens *t, size_t from,
                          size_t to)
{
    size_t start = t->items[from].start, end = t->items[to].end;
    return ds_xstrndup(q + start, end - start);
}

/* Does the operand span tokens from .. to say more than one word? */
static int several_words(const char *q, const tokens *t, size_t from,
                         size_t to)
{
    if (from != to) return 1;
    const token *k = &t->items[from];
    if (k->kind != T_PHRASE) return 0;
    for (size_t i = k->start; i < k->end; i++)
        if (is_space(q[i])) return 1;
    return 0;
}

typedef struct {
    size_t start, end;     /* bytes of the query the expression takes */
    ds_near_expr expr;
} cut;

/* The NEAR or ADJ chain whose first operator is token `op`, when one of
 * its operands is a phrase or several words; *next is the token after
 * it. */
static int near_chain(const char *q, const tokens *t, size_t op, cut *c,
                      size_t *next)
{
    const token *o = &t->items[op];
    size_t from, to, first;
    memset(c, 0, sizeof *c);
    if (op == 0 || !operand(q, t, op - 1, 1, &from, &to)) return 0;
    first = from;
    int wide = several_words(q, t, from, to);
    c->expr.gap = o->gap;
    c->expr.ordered = o->op == OP_ADJ;
    char **ops = ds_xmalloc(sizeof *ops);
    size_t n = 0;
    ops[n++] = operand_text(q, t, from, to);
    size_t i = op;
    while (i < t->count && t->items[i].kind == T_OP &&
           t->items[i].op == o->op && t->items[i].gap == o->gap &&
           operand(q, t, i + 1, 0, &from, &to)) {
        wide |= several_words(q, t, from, to);
        ops = ds_xrealloc(ops, (n + 1) * sizeof *ops);
        ops[n++] = operand_text(q, t, from, to);
        i = to + 1;
    }
    c->expr.operands = ops;
    c->expr.n_operands = n;
    c->start = t->items[first].kind == T_PHRASE ? t->items[first].start - 1
                                                : t->items[first].start;
    const token *last = &t->items[i - 1];
    c->end = last->kind == T_PHRASE && q[last->end] == '"' ? last->end + 1
                                                           : last->end;
    *next = i;
    return wide && n > 1;
}

static void near_expr_free(ds_near_expr *e)
{
    for (size_t i = 0; i < e->n_operands; i++) free(e->operands[i]);
    free(e->operands);
    free(e->placeholder);
}

/* Copy the query from *copied up to `end`, token by token (append_token)
 * and the spaces between them. */
static void copy_upto(ds_buf *text, const char *q, const tokens *t,
                      size_t *copied, size_t end)
{
    if (end < *copied) return;
    for (size_t i = 0; i < t->count; i++) {
        const token *k = &t->items[i];
        if (k->start < *copied || k->end > end || k->kind != T_WORD) continue;
        ds_buf_append(text, q + *copied, k->start - *copied);
        append_token(text, q, k);
        *copied = k->end;
    }
    ds_buf_append(text, q + *copied, end - *copied);
    *copied = end;
}

/* Operator `i` joins the last expression cut to more words, another
 * NEAR or ADJ (a b NEAR/3 c d NEAR/5 e): one text cannot be cut twice,
 * so it is left out, and the words after it are searched as plain words,
 * saying so. */
static void drop_operator(const char *q, const tokens *t, size_t i,
                          ds_buf *text, size_t *copied, ds_query_reading *r)
{
    const token *k = &t->items[i];
    copy_upto(text, q, t, copied, k->start);
    if (k->end > *copied) *copied = k->end;
    notice(r, ds_xasprintf("'%.*s' follows another NEAR or ADJ over several "
                           "words: the words after it are searched as plain "
                           "words", (int)(k->end - k->start), q + k->start));
}

/* Cut the NEAR and ADJ expressions over phrases and runs of words out of
 * the text, leaving placeholders; write single dates as ranges. */
static void cut_near(const char *q, const tokens *t, ds_query_reading *r)
{
    ds_buf text;
    ds_buf_init(&text);
    size_t copied = 0;
    for (size_t i = 0; i < t->count;) {
        cut c;
        size_t next;
        if (t->items[i].kind != T_OP || t->items[i].op == OP_BOOL) {
            i++;
            continue;
        }
        if (!near_chain(q, t, i, &c, &next)) {
            near_expr_free(&c.expr);
            i++;
            continue;
        }
        if (c.start < copied) { /* its words reach back into the last cut */
            near_expr_free(&c.expr);
            drop_operator(q, t, i, &text, &copied, r);
            i++;
            continue;
        }
        char letter = (char)('a' + r->n_near % 26);
        c.expr.placeholder = ds_xasprintf(DS_NEAR_PLACEHOLDER "%c%zu", letter,
                                          r->n_near / 26);
        copy_upto(&text, q, t, &copied, c.start);
        ds_buf_printf(&text, " %s ", c.expr.placeholder);
        copied = c.end;
        r->near = ds_xrealloc(r->near, (r->n_near + 1) * sizeof *r->near);
        r->near[r->n_near++] = c.expr;
        i = next;
    }
    copy_upto(&text, q, t, &copied, strlen(q));
    r->text = ds_buf_steal(&text);
}

/* ---- What cannot be honoured ---- */

static int binary(const token *t)
{
    return t->kind == T_OP;
}

/* An operator with nothing on one side: at either end, or beside another
 * operator or a bracket it cannot apply to. */
static int dangling(const tokens *t, size_t i)
{
    const token *k = &t->items[i];
    int is_not = k->op == OP_BOOL && k->end - k->start == 3 &&
                 k->kind == T_OP; /* NOT may start an operand: a NOT b */
    const token *before = i ? &t->items[i - 1] : NULL;
    const token *after = i + 1 < t->count ? &t->items[i + 1] : NULL;
    if (!after || binary(after) || after->kind == T_RPAREN) return 1;
    if (!before || before->kind == T_LPAREN) return !is_not;
    return binary(before) && !is_not;
}

static void note_unhonoured(const char *q, const tokens *t,
                            ds_query_reading *r)
{
    for (size_t i = 0; i < t->count; i++) {
        const token *k = &t->items[i];
        int len = (int)(k->end - k->start);
        const char *s = q + k->start;
        if (k->kind == T_OP && dangling(t, i))
            notice(r, ds_xasprintf("'%.*s' has nothing to apply to: the "
                                   "query is searched as plain words",
                                   len, s));
        else if (k->kind == T_WORD && s[0] == '*' && len > 1)
            notice(r, ds_xasprintf("a wildcard must end a word: '%.*s' is "
                                   "searched as '%.*s'", len, s, len - 1,
                                   s + 1));
    }
}

/* ---- date: ---- */

/* A date as date ranges take it: YYYY-MM-DD or YYYYMMDD. */
static int is_date(const char *s, size_t len)
{
    char digits[8];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] >= '0' && s[i] <= '9' && n < 8) digits[n++] = s[i];
        else if (!(s[i] == '-' && len == 10 && (i == 4 || i == 7))) return 0;
    }
    if (n != 8 || (len != 8 && len != 10)) return 0;
    int month = (digits[4] - '0') * 10 + (digits[5] - '0');
    int day = (digits[6] - '0') * 10 + (digits[7] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* FROM..TO (either end may be left out), or one date. */
static int is_date_range(const char *v, size_t len)
{
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < len && !dots; i++)
        if (v[i] == '.' && v[i + 1] == '.') dots = v + i;
    if (!dots) return is_date(v, len);
    size_t from = (size_t)(dots - v), to = len - from - 2;
    return (from || to) && (!from || is_date(v, from)) &&
           (!to || is_date(dots + 2, to));
}

static int is_date_filter(const char *q, const token *k)
{
    return k->kind == T_WORD && k->end - k->start >= 5 &&
           memcmp(q + k->start, "date:", 5) == 0;
}

static ds_status check_dates(const char *q, const tokens *t,
                             ds_query_reading *r, char **err)
{
    for (size_t i = 0; i < t->count; i++) {
        const token *k = &t->items[i];
        const char *s = q + k->start;
        size_t len = k->end - k->start;
        if (!is_date_filter(q, k)) continue;
        r->has_date = 1;
        if (!is_date_range(s + 5, len - 5))
            return ds_fail(err, DS_ERR_QUERY,
                           "'%.*s' is not a date range: write date:FROM..TO "
                           "with dates as YYYY-MM-DD (either end may be "
                           "left out), or one date", (int)len, s);
    }
    return DS_OK;
}

/* Append token `k` to the text: date:D as the range date:D..D, which is
 * what Xapian's date ranges read. */
static void append_token(ds_buf *text, const char *q, const token *k)
{
    const char *s = q + k->start;
    size_t len = k->end - k->start;
    ds_buf_append(text, s, len);
    if (is_date_filter(q, k) && !strstr(s, ".."))
        ds_buf_printf(text, "..%.*s", (int)len - 5, s + 5);
}

ds_status ds_query_read(const char *query, ds_query_reading *out, char **err)
{
    memset(out, 0, sizeof *out);
    tokens t = {0};
    scan(query, &t);
    ds_status st = check_dates(query, &t, out, err);
    if (st == DS_OK) {
        note_unhonoured(query, &t, out);
        cut_near(query, &t, out);
    }
    free(t.items);
    if (st != DS_OK) ds_query_reading_free(out);
    return st;
}

void ds_query_reading_free(ds_query_reading *r)
{
    free(r->text);
    for (size_t i = 0; i < r->n_near; i++) near_expr_free(&r->near[i]);
    free(r->near);
    for (size_t i = 0; i < r->n_notices; i++) free(r->notices[i]);
    free(r->notices);
    memset(r, 0, sizeof *r);
}
