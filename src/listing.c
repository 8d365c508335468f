/*
 * listing.c — search results as other tools read them (cli.h): the
 * matching files, one per line (grep's -l), and ripgrep's --vimgrep
 * lines, PATH:LINE:COLUMN:TEXT, that editors' quickfix lists read.
 *
 * The index knows the line each passage starts on; the word a hit first
 * matched may stand on a later line of a wrapped paragraph.  So the
 * file is read again and the word looked for from the passage's first
 * line on, a word on its own; when it is not there as indexed (the file
 * changed since, or was not UTF-8, or the word was joined across a
 * hyphen), the passage's first line, column 1, is given instead, with the
 * passage's text.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Files read again for --vimgrep, at most this big (as the indexer). */
#define MAX_FILE_BYTES (64L * 1024 * 1024)

/* ---- -l ---- */

typedef struct {
    const char *source;
    size_t at;
} seen_source;

static int by_source_then_rank(const void *a, const void *b)
{
    const seen_source *x = a, *y = b;
    int c = strcmp(x->source, y->source);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

void cli_print_sources(const ds_results *r, const char *base, FILE *out)
{
    size_t n = ds_results_count(r);
    seen_source *v = malloc((n ? n : 1) * sizeof *v);
    unsigned char *repeated = calloc(n ? n : 1, 1);
    if (!v || !repeated) {
        fputs("dealsearch: out of memory\n", stderr);
        exit(EXIT_ERROR);
    }
    /* A source is listed at its best hit (several tiers may hold it). */
    for (size_t i = 0; i < n; i++)
        v[i] = (seen_source){ds_results_hit(r, i)->record.source, i};
    qsort(v, n, sizeof *v, by_source_then_rank);
    for (size_t i = 1; i < n; i++)
        if (strcmp(v[i].source, v[i - 1].source) == 0) repeated[v[i].at] = 1;
    for (size_t i = 0; i < n; i++) {
        if (repeated[i]) continue;
        if (base) cli_put_safe(base, out);
        cli_put_safe(ds_results_hit(r, i)->record.source, out);
        fputc('\n', out);
    }
    free(repeated);
    free(v);
}

/* ---- --vimgrep ---- */

/* The file at `path`, whole (malloc'd, NUL-terminated), or NULL. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *data = NULL;
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (size >= 0 && size <= MAX_FILE_BYTES && fseek(f, 0, SEEK_SET) == 0 &&
        (data = malloc((size_t)size + 1)) != NULL) {
        *len = fread(data, 1, (size_t)size, f);
        data[*len] = '\0';
    }
    fclose(f);
    return data;
}

static int is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

/* Where word[0..n) first stands on its own in data[from..limit). */
static const char *find_word(const char *data, size_t from, size_t limit,
                             const char *word, size_t n)
{
    for (size_t i = from; n && i + n <= limit; i++)
        if (memcmp(data + i, word, n) == 0 &&
            (i == 0 || !is_word_byte((unsigned char)data[i - 1])) &&
            !is_word_byte((unsigned char)data[i + n]))
            return data + i;
    return NULL;
}

typedef struct {
    unsigned long line, column;
    const char *text;     /* the line to show, or NULL: the passage */
    size_t len;
} place;

/* Where hit `i`'s first matched word stands in `data` (its file). */
static void locate(const ds_results *r, size_t i, const char *data,
                   size_t len, place *at)
{
    const ds_record *rec = &ds_results_hit(r, i)->record;
    size_t start, end, pos = 0;
    unsigned long line = 1;
    for (; line < rec->line && pos < len; pos++) line += data[pos] == '\n';
    if (line != rec->line || !ds_results_first_match(r, i, &start, &end))
        return;
    /* The passage, as far as its text could reach in the file. */
    size_t limit = pos + 2 * rec->text_len + 1024;
    const char *w = find_word(data, pos, limit < len ? limit : len,
                              rec->text + start, end - start);
    if (!w) return;
    const char *bol = data + pos;
    for (const char *p = data + pos; p < w; p++)
        if (*p == '\n') {
            line++;
            bol = p + 1;
        }
    const char *eol = strchr(w, '\n');
    eol = eol ? eol : data + len;
    if (eol > bol && eol[-1] == '\r') eol--;
    *at = (place){line, (unsigned long)(w - bol) + 1, bol,
                  (size_t)(eol - bol)};
}

void cli_print_vimgrep(const ds_results *r, const char *base, FILE *out)
{
    for (size_t i = 0; i < ds_results_count(r); i++) {
        const ds_record *rec = &ds_results_hit(r, i)->record;
        place at = {rec->line, 1, NULL, 0};
        size_t len = 0;
        char *path = base ? cli_concat(base, rec->source) : NULL;
        char *data = path ? read_file(path, &len) : NULL;
        if (data) locate(r, i, data, len, &at);
        if (base) cli_put_safe(base, out);
        cli_put_safe(rec->source, out);
        fprintf(out, ":%lu:%lu:", at.line, at.column);
        if (at.text)
            cli_put_safe_n(at.text, at.len, out);
        else
            cli_put_safe_n(rec->text, rec->text_len, out);
        fputc('\n', out);
        free(data);
        free(path);
    }
}
