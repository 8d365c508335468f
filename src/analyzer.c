/* analyzer.c — see analyzer.h. */
#include "analyzer.h"

#include <libstemmer.h>
#include <stdlib.h>

#include "util.h"

/* Entries the stem cache holds at most when not counting words (a search
 * needs few; an index build counts them all for the spelling table).  A
 * full cache is emptied and filled again: the common words are back in it
 * at once, and an indexing shard meeting a large vocabulary keeps caching
 * (rather than stemming every word beyond the first 65,536 afresh). */
#define STEM_CACHE_MAX 65536

struct ds_analyzer {
    struct sb_stemmer *stemmer;
    dsx_stemmer callback;
    ds_word_table *words;   /* stem cache, and counts while indexing */
    int counting;
};

static ds_word_entry *cached_stem(ds_analyzer *a, const char *word,
                                  size_t len);
static const char *snowball(ds_analyzer *a, const char *word, size_t len,
                            size_t *stem_len);

/* What Xapian's TermGenerator and QueryParser call. */
static const char *stem_callback(void *ctx, const char *word, size_t len,
                                 size_t *stem_len)
{
    return ds_analyzer_stem(ctx, word, len, stem_len);
}

ds_analyzer *ds_analyzer_new(void)
{
    struct sb_stemmer *stemmer = sb_stemmer_new("english", "UTF_8");
    if (!stemmer) return NULL;
    ds_analyzer *a = ds_xmalloc(sizeof *a);
    a->stemmer = stemmer;
    a->callback.stem = stem_callback;
    a->callback.ctx = a;
    a->callback.name = "snowball:english (libstemmer)";
    a->words = ds_word_table_new();
    a->counting = 0;
    return a;
}

void ds_analyzer_free(ds_analyzer *a)
{
    if (!a) return;
    sb_stemmer_delete(a->stemmer);
    ds_word_table_free(a->words);
    free(a);
}

void ds_analyzer_count_words(ds_analyzer *a, int on)
{
    a->counting = on;
}

typedef struct {
    ds_analyzer *analyzer;
    ds_stem_fn fn;
    void *ctx;
} each_stem_ctx;

static int each_word(void *ctx, const ds_token *tok)
{
    each_stem_ctx *c = ctx;
    ds_word_entry *e = cached_stem(c->analyzer, tok->term, tok->term_len);
    if (c->analyzer->counting) e->count++;
    if (c->fn) c->fn(c->ctx, e->stem, e->stem_len);
    return 0;
}

void ds_analyzer_each_stem(ds_analyzer *a, const char *text, size_t len,
                           ds_stem_fn fn, void *ctx)
{
    each_stem_ctx c = {a, fn, ctx};
    ds_tokenize(text, len, each_word, &c);
}

int ds_analyzer_flush_words(ds_analyzer *a,
                            int (*fn)(void *ctx, const ds_word_entry *e),
                            void *ctx)
{
    int rc = ds_word_table_each(a->words, fn, ctx);
    ds_word_table_clear(a->words);
    return rc;
}

size_t ds_analyzer_words(const ds_analyzer *a)
{
    return ds_word_table_size(a->words);
}

const dsx_stemmer *ds_analyzer_stemmer(ds_analyzer *a)
{
    return &a->callback;
}

/* Stem with libstemmer, bypassing the cache. */
static const char *snowball(ds_analyzer *a, const char *word, size_t len,
                            size_t *stem_len)
{
    const sb_symbol *stem =
        sb_stemmer_stem(a->stemmer, (const sb_symbol *)word, (int)len);
    if (!stem) { /* out of memory inside libstemmer */
        *stem_len = len;
        return word;
    }
    *stem_len = (size_t)sb_stemmer_length(a->stemmer);
    return (const char *)stem;
}

/* The cache entry for `word`, stemming and adding it if needed. */
static ds_word_entry *cached_stem(ds_analyzer *a, const char *word, size_t len)
{
    ds_word_entry *e = ds_word_table_find(a->words, word, len);
    if (e) return e;
    if (!a->counting && ds_word_table_size(a->words) >= STEM_CACHE_MAX)
        ds_word_table_clear(a->words);
    size_t stem_len;
    const char *stem = snowball(a, word, len, &stem_len);
    return ds_word_table_add(a->words, word, len, stem, stem_len);
}

const char *ds_analyzer_stem_uncached(ds_analyzer *a, const char *word,
                                      size_t len, size_t *stem_len)
{
    return snowball(a, word, len, stem_len);
}

const char *ds_analyzer_stem(ds_analyzer *a, const char *word, size_t len,
                             size_t *stem_len)
{
    ds_word_entry *e = cached_stem(a, word, len);
    *stem_len = e->stem_len;
    return e->stem;
}

/* ---- Tokenizer: a C transcription of Xapian 1.4's TermGenerator rules
 * (termgenerator_internal.cc, parse_terms), without CJK n-grams. ---- */

/* Xapian's check_infix() result meaning "skip this character". */
#define INFIX_IGNORE 0xFFFFFFFFu

typedef struct {
    const char *text;
    size_t len;
} cursor;

/* Code point at byte `i` and its length (invalid bytes read as Latin-1). */
static inline unsigned char_at(const cursor *c, size_t i, size_t *n)
{
    unsigned cp = (unsigned char)c->text[i];
    if (cp < 0x80) {
        *n = 1;
        return cp;
    }
    *n = ds_utf8_decode(c->text + i, c->len - i, &cp);
    if (*n) return cp;
    *n = 1;
    return (unsigned char)c->text[i];
}

/* ASCII word characters (letters, digits and '_', as Xapian's tables say:
 * a unit test compares them), lower-cased; 0 for the rest, and for the
 * bytes of other characters (0x80 and up). */
static const unsigned char ascii_wordchar[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['_'] = '_',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e',
    ['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j',
    ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o',
    ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't',
    ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
    ['z'] = 'z',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
    ['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
    ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
    ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
    ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
    ['Z'] = 'z',
};

/* The lower-cased character when it is part of words, else 0: ASCII from
 * the table (the tokenizer's hot path), the rest from Xapian. */
static inline unsigned check_wordchar(unsigned ch)
{
    if (ch < 0x80) return ascii_wordchar[ch];
    return dsx_unicode_is_wordchar(ch) ? dsx_unicode_tolower(ch) : 0;
}

int ds_is_wordchar(unsigned ch)
{
    return check_wordchar(ch) != 0;
}

static int is_digit(unsigned ch)
{
    return ch < 0x80 ? ch >= '0' && ch <= '9' : dsx_unicode_is_digit(ch);
}

static int is_ascii_upper(unsigned ch)
{
    return ch >= 'A' && ch <= 'Z';
}

static int is_zero_width(unsigned ch)
{
    return ch >= 0x200b && (ch <= 0x200d || ch == 0x2060 || ch == 0xfeff);
}

/* What ds_normalize() makes of a code point: 0 to remove it, or its
 * replacement (the code point itself when unchanged). */
static unsigned normalized_char(unsigned ch)
{
    switch (ch) {
    case 0x2018: case 0x2019: case 0x201b: case 0x2032:
        return '\'';
    case 0x201c: case 0x201d: case 0x201e: case 0x201f: case 0x2033:
        return '"';
    case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
        return '-';
    case 0x00a0: case 0x2007: case 0x2009: case 0x200a: case 0x202f:
        return ' ';
    case 0x00ad:
        return 0;
    }
    return ch;
}

void ds_normalize(const char *s, size_t len, ds_buf *out)
{
    ds_buf_reserve(out, len);
    size_t run = 0, i = 0;
    while (i < len) {
        unsigned cp;
        size_t n = (unsigned char)s[i] < 0x80 ? 1
                                               : ds_utf8_decode(s + i, len - i,
                                                                &cp);
        if (n <= 1) { /* ASCII, or invalid bytes kept as they are */
            i++;
            continue;
        }
        unsigned repl = normalized_char(cp);
        if (repl != cp) {
            ds_buf_append(out, s + run, i - run);
            if (repl) ds_buf_putc(out, (char)repl);
            run = i + n;
        }
        i += n;
    }
    ds_buf_append(out, s + run, len - run);
}

/* Xapian's check_infix() on normalised text: ‘ and ′ became ' there, and a
 * soft hyphen was removed, so here they act as ' and as nothing. */
static unsigned check_infix(unsigned ch)
{
    if (ch < 0x80) /* the common case: a space between words */
        return ch == '\'' || ch == '&' ? ch : 0;
    if (ch == 0xb7 || ch == 0x5f4 || ch == 0x2027)
        return ch;
    if (normalized_char(ch) == '\'') return '\'';
    if (ch == 0x00ad) return INFIX_IGNORE;
    return is_zero_width(ch) ? INFIX_IGNORE : 0;
}

static unsigned check_infix_digit(unsigned ch)
{
    switch (ch) {
    case ',': case '.': case ';': case 0x037e: case 0x0589: case 0x060d:
    case 0x07f8: case 0x2044: case 0xfe10: case 0xfe13: case 0xfe14:
        return ch;
    }
    return is_zero_width(ch) ? INFIX_IGNORE : 0;
}

static inline void append_cp(ds_buf *term, unsigned cp)
{
    if (cp < 0x80 && term->len + 1 < term->cap) { /* the common case */
        term->data[term->len++] = (char)cp;
        term->data[term->len] = '\0';
        return;
    }
    char enc[4];
    ds_buf_append(term, enc, ds_utf8_encode(cp, enc));
}

/* Try to read initials like "U.S." at `pos`; on success set *end. */
static int read_acronym(const cursor *c, size_t pos, ds_buf *term,
                        size_t *end)
{
    /* Most capitals start a word, not initials: no full stop follows. */
    if (pos + 1 == c->len || c->text[pos + 1] != '.') return 0;
    size_t n, p = pos;
    ds_buf_clear(term);
    do {
        unsigned ch = char_at(c, p, &n);
        append_cp(term, dsx_unicode_tolower(ch));
        p += n;
    } while (p < c->len && c->text[p] == '.' && ++p < c->len &&
             is_ascii_upper((unsigned char)c->text[p]));
    /* One letter is no acronym, and "U.S.A.x" is not one either. */
    if (term->len > 1 && (p == c->len || !check_wordchar(char_at(c, p, &n)))) {
        *end = p;
        return 1;
    }
    ds_buf_clear(term);
    return 0;
}

/* Append to `term` the ASCII word characters from `pos` on, lower-cased,
 * and return where they end: most words are mostly these, and read so
 * they need no decoding and no append_cp() a character. */
static size_t append_ascii(const cursor *c, size_t pos, ds_buf *term)
{
    size_t end = pos;
    while (end < c->len && ascii_wordchar[(unsigned char)c->text[end]]) end++;
    if (term->len + (end - pos) >= term->cap) ds_buf_reserve(term, end - pos);
    char *out = term->data + term->len;
    for (size_t i = pos; i < end; i++)
        *out++ = (char)ascii_wordchar[(unsigned char)c->text[i]];
    *out = '\0';
    term->len += end - pos;
    return end;
}

/* Read one word starting at `pos` (a word character) into `term`; returns
 * the byte offset just past it, and sets *word_end to the end of the
 * characters that made it into the term. */
static size_t read_word(const cursor *c, size_t pos, ds_buf *term,
                        size_t *word_end)
{
    size_t n;
    unsigned ch = check_wordchar(char_at(c, pos, &n));
    for (;;) {
        unsigned prev;
        do {
            append_cp(term, ch);
            prev = ch;
            pos += n;
            /* The ASCII word characters that follow, at once. */
            size_t end = append_ascii(c, pos, term);
            if (end > pos) prev = (unsigned char)term->data[term->len - 1];
            pos = end;
            *word_end = pos;
            if (pos == c->len) return pos;
            ch = check_wordchar(char_at(c, pos, &n));
        } while (ch);
        size_t next = pos + n, n_next;
        if (next >= c->len) break;
        unsigned next_raw = char_at(c, next, &n_next);
        unsigned next_ch = check_wordchar(next_raw);
        if (!next_ch) break;
        unsigned infix = char_at(c, pos, &n);
        infix = (is_digit(prev) && is_digit(next_raw))
                    ? check_infix_digit(infix)
                    : check_infix(infix);
        if (!infix) break;
        if (infix != INFIX_IGNORE) append_cp(term, infix);
        ch = next_ch;
        pos = next;
        n = n_next;
    }
    /* Up to three trailing '+' or '#' (C++, C#), unless a word follows. */
    size_t base_len = term->len, suffix_end = pos;
    unsigned count = 0;
    int dropped = 0;
    while (pos < c->len && (c->text[pos] == '+' || c->text[pos] == '#')) {
        if (++count > 3) {
            dropped = 1;
            break;
        }
        ds_buf_putc(term, c->text[pos]);
        suffix_end = ++pos;
    }
    if (dropped || (pos < c->len && check_wordchar(char_at(c, pos, &n))))
        term->len = base_len; /* "fish+chips" is "fish" and "chips" */
    else
        *word_end = suffix_end;
    term->data[term->len] = '\0';
    return pos;
}

void ds_tokenize(const char *text, size_t len, ds_token_fn fn, void *ctx)
{
    cursor c = {text, len};
    ds_buf term;
    ds_buf_init(&term);
    size_t pos = 0, n;
    for (;;) {
        while (pos < len && !check_wordchar(char_at(&c, pos, &n))) pos += n;
        if (pos >= len) break;
        size_t start = pos, word_end = pos;
        if (is_ascii_upper((unsigned char)text[pos]) &&
            read_acronym(&c, pos, &term, &pos)) {
            word_end = pos;
        } else {
            ds_buf_clear(&term);
            pos = read_word(&c, pos, &term, &word_end);
        }
        if (term.len == 0 || term.len > DS_MAX_WORD_BYTES) continue;
        ds_token tok = {start, word_end, term.data, term.len};
        if (fn(ctx, &tok)) break;
    }
    ds_buf_free(&term);
}

/* ---- Words with their stems ---- */

typedef struct {
    ds_analyzer *analyzer;
    ds_word_filter filter;
    void *filter_ctx;
    ds_stemmed_words *out;
} stem_ctx;

static int stem_word(void *ctx, const ds_token *tok)
{
    stem_ctx *c = ctx;
    ds_stemmed_words *w = c->out;
    if (w->count == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->items = ds_xrealloc(w->items, w->cap * sizeof *w->items);
    }
    ds_stemmed_word *word = &w->items[w->count++];
    word->start = tok->start;
    word->end = tok->end;
    word->stem = NULL;
    if (!c->filter || c->filter(c->filter_ctx, tok->term, tok->term_len)) {
        size_t len;
        const char *stem = ds_analyzer_stem(c->analyzer, tok->term,
                                            tok->term_len, &len);
        word->stem = ds_xstrndup(stem, len);
    }
    return 0;
}

void ds_stem_words(ds_analyzer *a, const char *text, size_t len,
                   ds_word_filter filter, void *filter_ctx,
                   ds_stemmed_words *out)
{
    stem_ctx c = {a, filter, filter_ctx, out};
    ds_tokenize(text, len, stem_word, &c);
}

void ds_stemmed_words_free(ds_stemmed_words *w)
{
    for (size_t i = 0; i < w->count; i++) free(w->items[i].stem);
    free(w->items);
    w->items = NULL;
    w->count = w->cap = 0;
}
