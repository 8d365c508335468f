/*
 * gen_corpus.c — the large benchmark corpus, from Debian's dict-gcide.
 *
 *   gen_corpus GCIDE.dict.dz OUTDIR [--per-file=1000]
 *
 * Each blank-line-separated block of the dictionary is one passage.  Its
 * lines are joined into ONE line (every whitespace run becomes one space),
 * bytes that are not UTF-8 (a handful of Windows-1252 ones) are transcoded
 * and control characters dropped, so every system reads identical text.
 * Passages are written 1,000 to a file as OUTDIR/gcide/gcide-NNNN.txt, each
 * followed by a blank line.  OUTDIR/gcide-1of8, -1of4 and -1of2 hold hard
 * links to the first 1/8, 1/4 and 1/2 of the files.  OUTDIR/gcide.manifest
 * records, per set, the files, passages, bytes and the SHA-256 of the
 * files' contents concatenated in name order.  Same input, same output.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common.h"
#include "sha256.h"

typedef struct {
    char *data;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = bx_realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static char *read_gzip(const char *path, size_t *len)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz) bx_die("%s: cannot open", path);
    buf b = {0};
    char chunk[1 << 16];
    int n;
    while ((n = gzread(gz, chunk, sizeof chunk)) > 0) buf_add(&b, chunk, (size_t)n);
    if (n < 0) bx_die("%s: not gzip data", path);
    gzclose(gz);
    *len = b.len;
    return b.data;
}

/* Length of the valid UTF-8 sequence at s (0 when invalid). */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2
             : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
    if (n == 0 || n > avail) return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && s[1] < 0xA0) return 0;   /* overlong */
    if (c == 0xED && s[1] >= 0xA0) return 0;  /* surrogate */
    if (c == 0xF0 && s[1] < 0x90) return 0;   /* overlong */
    if (c == 0xF4 && s[1] >= 0x90) return 0;  /* past U+10FFFF */
    return n;
}

/* A byte that is not UTF-8, read as Windows-1252, appended as UTF-8. */
static void add_cp1252(buf *b, unsigned char c)
{
    static const unsigned short high[32] = {
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
    unsigned cp = c >= 0x80 && c < 0xA0 ? high[c - 0x80] : c;
    char out[3];
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        buf_add(b, out, 2);
    } else {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        buf_add(b, out, 3);
    }
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Append one source line to the passage: whitespace runs (and the line
 * break before the line) become one space, ASCII controls are dropped. */
static void add_line(buf *p, const char *line, size_t len)
{
    const unsigned char *s = (const unsigned char *)line;
    int space = p->len > 0;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_len(s + i, len - i);
        if (is_space(s[i])) {
            space = p->len > 0;
        } else if (n == 0) {
            if (space) buf_add(p, " ", 1);
            add_cp1252(p, s[i]);
            space = 0;
        } else if (s[i] >= 0x20 && s[i] != 0x7F) {
            if (space) buf_add(p, " ", 1);
            buf_add(p, line + i, n);
            space = 0;
        }
        i += n ? n : 1;
    }
}

typedef struct {
    const char *dir;
    unsigned per_file;
    FILE *out;
    unsigned long files, passages, in_file;
} writer;

static void write_passage(writer *w, const buf *p)
{
    if (w->out == NULL || w->in_file == w->per_file) {
        if (w->out && fclose(w->out) != 0) bx_die("write: %s", strerror(errno));
        char *path = bx_asprintf("%s/gcide-%04lu.txt", w->dir, ++w->files);
        if (!(w->out = fopen(path, "wb"))) bx_die("%s: %s", path, strerror(errno));
        free(path);
        w->in_file = 0;
    }
    fwrite(p->data, 1, p->len, w->out);
    fputs("\n\n", w->out);
    w->in_file++;
    w->passages++;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space((unsigned char)s[i])) return 0;
    return 1;
}

static void split_blocks(const char *text, size_t len, writer *w)
{
    buf passage = {0};
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        if (!is_blank(p, n)) {
            add_line(&passage, p, n);
        } else if (passage.len) {
            write_passage(w, &passage);
            passage.len = 0;
        }
        p = nl ? nl + 1 : end;
    }
    if (passage.len) write_passage(w, &passage);
    if (w->out && fclose(w->out) != 0) bx_die("write: %s", strerror(errno));
    free(passage.data);
}

static void make_dir(const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) bx_die("%s: %s", dir, strerror(errno));
}

/* Remove the *.txt files of `dir` (a previous run), creating it if needed. */
static void reset_dir(const char *dir)
{
    make_dir(dir);
    bx_names old;
    bx_list_txt(dir, &old);
    for (size_t i = 0; i < old.count; i++) {
        char *path = bx_asprintf("%s/%s", dir, old.names[i]);
        if (unlink(path) != 0) bx_die("%s: %s", path, strerror(errno));
        free(path);
    }
    bx_names_free(&old);
}

/* Files, passages (non-blank lines), bytes and SHA-256 of the first
 * `files` files of `dir`, written as one manifest line. */
static void describe_set(FILE *m, const char *name, const char *dir, size_t files)
{
    bx_names names;
    bx_list_txt(dir, &names);
    bx_sha256 sha;
    bx_sha256_init(&sha);
    unsigned long long bytes = 0;
    unsigned long passages = 0;
    for (size_t i = 0; i < files && i < names.count; i++) {
        char *path = bx_asprintf("%s/%s", dir, names.names[i]);
        size_t len;
        char *text = bx_read_file(path, &len);
        bx_sha256_update(&sha, text, len);
        bytes += len;
        for (size_t j = 0; j + 1 < len; j++)
            passages += text[j] != '\n' && text[j + 1] == '\n';
        free(text);
        free(path);
    }
    char hex[65];
    bx_sha256_hex(&sha, hex);
    fprintf(m, "%s files=%zu passages=%lu bytes=%llu sha256=%s\n", name,
            names.count < files ? names.count : files, passages, bytes, hex);
    bx_names_free(&names);
}

/* OUTDIR/gcide-1ofK: hard links to the first files of OUTDIR/gcide. */
static size_t make_prefix(const char *outdir, const char *full, unsigned k)
{
    char *dir = bx_asprintf("%s/gcide-1of%u", outdir, k);
    reset_dir(dir);
    bx_names names;
    bx_list_txt(full, &names);
    size_t n = (names.count + k - 1) / k;
    for (size_t i = 0; i < n; i++) {
        char *from = bx_asprintf("%s/%s", full, names.names[i]);
        char *to = bx_asprintf("%s/%s", dir, names.names[i]);
        if (link(from, to) != 0) bx_die("link %s: %s", to, strerror(errno));
        free(from);
        free(to);
    }
    bx_names_free(&names);
    free(dir);
    return n;
}

int main(int argc, char **argv)
{
    bx_set_program(argv[0]);
    if (argc < 3) bx_die("usage: gen_corpus GCIDE.dict.dz OUTDIR [--per-file=N]");
    unsigned per_file = 1000;
    if (argc > 3 && bx_opt(argv[3], "--per-file")) per_file = (unsigned)atoi(bx_opt(argv[3], "--per-file"));
    if (per_file == 0) bx_die("--per-file must be positive");
    const char *outdir = argv[2];
    make_dir(outdir);
    char *full = bx_asprintf("%s/gcide", outdir);
    reset_dir(full);
    size_t len;
    char *text = read_gzip(argv[1], &len);
    writer w = {full, per_file, NULL, 0, 0, 0};
    split_blocks(text, len, &w);
    free(text);
    char *manifest = bx_asprintf("%s/gcide.manifest", outdir);
    FILE *m = fopen(manifest, "w");
    if (!m) bx_die("%s: %s", manifest, strerror(errno));
    describe_set(m, "gcide", full, w.files);
    static const unsigned parts[] = {8, 4, 2};
    for (size_t i = 0; i < 3; i++) {
        size_t n = make_prefix(outdir, full, parts[i]);
        char *name = bx_asprintf("gcide-1of%u", parts[i]);
        describe_set(m, name, full, n);
        free(name);
    }
    if (fclose(m) != 0) bx_die("%s: %s", manifest, strerror(errno));
    text = bx_read_file(manifest, &len);
    fputs(text, stdout);
    free(text);
    free(manifest);
    free(full);
    return 0;
}
