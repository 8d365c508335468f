/* updates.c — see updates.h. */
#define _POSIX_C_SOURCE 200809L
#include "updates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure.h"

/* A paragraph of a plain-text file: [start, end) before its blank line. */
typedef struct {
    size_t start, end;
} span;

/* The paragraphs of `text` (blank-line separated), up to `max`. */
static size_t paragraphs(const char *text, size_t len, span *out, size_t max)
{
    size_t n = 0, at = 0;
    while (at < len && n < max) {
        while (at < len && text[at] == '\n') at++;
        if (at == len) break;
        const char *end = strstr(text + at, "\n\n");
        size_t stop = end ? (size_t)(end - text) : len;
        while (stop > at && text[stop - 1] == '\n') stop--;
        out[n++] = (span){at, stop};
        at = stop;
    }
    return n;
}

/* Write `text` to `path` through a new file renamed over it (a hard
 * link to the benchmark's corpus is left alone). */
static void write_over(const char *path, const char *text, size_t len)
{
    char *tmp = bx_asprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0 ||
        rename(tmp, path) != 0)
        bx_die("cannot write %s", path);
    free(tmp);
}

/* `text` with `insert` put at each of the `n` offsets (ascending). */
static char *inserted(const char *text, size_t len, const size_t *at, size_t n,
                      const char *insert, size_t *out_len)
{
    size_t ins = strlen(insert);
    char *out = bx_malloc(len + n * ins + 1);
    size_t o = 0, from = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(out + o, text + from, at[i] - from);
        o += at[i] - from;
        memcpy(out + o, insert, ins);
        o += ins;
        from = at[i];
    }
    memcpy(out + o, text + from, len - from);
    o += len - from;
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* A file of the copy and its original text. */
typedef struct {
    char *path, *text;
    size_t len;
} original;

static void load(original *f, const char *dir, const char *name)
{
    f->path = bx_asprintf("%s/%s", dir, name);
    f->text = bx_read_file(f->path, &f->len);
}

static void restore(const original *f)
{
    write_over(f->path, f->text, f->len);
}

static void unload(original *f)
{
    free(f->path);
    free(f->text);
}

#define MAX_PARAS 200000

/* Edit `f`: " (edited)" at the end of its middle paragraph, or of every
 * paragraph when `all`. */
static void edit_paragraphs(const original *f, int all)
{
    span *p = bx_malloc(MAX_PARAS * sizeof *p);
    size_t n = paragraphs(f->text, f->len, p, MAX_PARAS);
    if (!n) bx_die("%s has no paragraph", f->path);
    size_t *at = bx_malloc(n * sizeof *at), k = 0;
    for (size_t i = all ? 0 : n / 2; i < (all ? n : n / 2 + 1); i++)
        at[k++] = p[i].end;
    size_t len;
    char *text = inserted(f->text, f->len, at, k, " (edited)", &len);
    write_over(f->path, text, len);
    free(text);
    free(at);
    free(p);
}

/* Append to `to` a copy of `from`'s middle paragraph, one word added: a
 * near-copy of a passage already indexed. */
static void append_near_copy(const original *from, const original *to)
{
    span *p = bx_malloc(MAX_PARAS * sizeof *p);
    size_t n = paragraphs(from->text, from->len, p, MAX_PARAS);
    if (!n) bx_die("%s has no paragraph", from->path);
    const span *s = &p[n / 2];
    char *text = bx_asprintf("%.*s\n\n%.*s (copied)\n", (int)to->len, to->text,
                             (int)(s->end - s->start), from->text + s->start);
    write_over(to->path, text, strlen(text));
    free(text);
    free(p);
}

/* One timed `ds_peer update`, recorded into `u`. */
static void timed_update(bx_update *u, const char *prog, const char *corpus,
                         const char *index)
{
    char *argv[] = {(char *)prog, "update", (char *)corpus, (char *)index,
                    "--plain", NULL};
    bx_run r;
    bx_spawn_ok(argv, 1, &r);
    if (bx_field(r.out, "updated") != 1)
        bx_die("%s: not updated in place: %s", u->label, r.out);
    int i = u->runs++;
    u->wall[i] = r.wall;
    u->cpu[i] = r.cpu;
    u->rss_kb[i] = r.maxrss_kb;
    u->searchable[i] = (double)bx_field(r.out, "searchable_us") / 1e6;
    u->passages_in = (unsigned long)bx_field(r.out, "in");
    u->passages_out = (unsigned long)bx_field(r.out, "out");
    fprintf(stderr, "  %-44s run %d: %6.3f s wall, searchable after %6.3f s\n",
            u->label, i + 1, r.wall, u->searchable[i]);
    free(r.out);
}

static bx_update *next_update(bx_updates *us, const char *label)
{
    bx_update *u = &us->kinds[us->n_kinds++];
    memset(u, 0, sizeof *u);
    u->label = label;
    return u;
}

void bx_run_updates(bx_updates *us, const char *prog, const char *data,
                    const char *corpus, const char *name, int reps)
{
    if (reps * 2 > BX_MAX_UPDATE_RUNS) reps = BX_MAX_UPDATE_RUNS / 2;
    us->corpus = name;
    char *dir = bx_asprintf("%s/update/%s", data, name);
    char *index = bx_asprintf("%s/update/%s.index", data, name);
    bx_remove(dir);
    bx_remove(index);
    char *parent = bx_asprintf("%s/update", data);
    bx_mkdirs(parent);
    char *cp[] = {"cp", "-al", (char *)corpus, dir, NULL};
    bx_run r;
    bx_spawn_ok(cp, 0, &r);
    fprintf(stderr, "updating %s (a hard-linked copy, --plain)\n", name);
    char *build[] = {(char *)prog, "build", dir, index, "--plain", NULL};
    bx_spawn_ok(build, 1, &r);
    us->build.label = "full build";
    us->build.runs = 1;
    us->build.wall[0] = r.wall;
    us->build.cpu[0] = r.cpu;
    us->build.rss_kb[0] = r.maxrss_kb;
    us->build.passages = (unsigned long)bx_field(r.out, "passages");
    us->build.index_bytes = bx_path_bytes(index);
    free(r.out);

    bx_names names;
    bx_list_txt(dir, &names);
    if (names.count < 3) bx_die("%s: too few files to update", dir);
    original one, other;
    load(&one, dir, names.names[names.count / 2]);
    load(&other, dir, names.names[names.count / 3]);
    size_t n_pct = (names.count + 99) / 100;
    original *pct = bx_malloc(n_pct * sizeof *pct);
    for (size_t i = 0; i < n_pct; i++) load(&pct[i], dir, names.names[i]);

    bx_update *none = next_update(us, "nothing changed");
    bx_update *edit = next_update(us, "one passage edited");
    bx_update *copy = next_update(us, "a near-copy added (regroups)");
    bx_update *many = next_update(us, "1% of the files, every passage");
    us->files_changed_pct = n_pct;
    for (int rep = 0; rep < reps; rep++) {
        for (int k = 0; k < 2; k++) timed_update(none, prog, dir, index);
        edit_paragraphs(&one, 0);
        timed_update(edit, prog, dir, index);
        restore(&one);
        timed_update(edit, prog, dir, index);
        append_near_copy(&one, &other);
        timed_update(copy, prog, dir, index);
        restore(&other);
        timed_update(copy, prog, dir, index);
        for (size_t i = 0; i < n_pct; i++) edit_paragraphs(&pct[i], 1);
        timed_update(many, prog, dir, index);
        for (size_t i = 0; i < n_pct; i++) restore(&pct[i]);
        timed_update(many, prog, dir, index);
    }
    us->index_bytes_after = bx_path_bytes(index);
    for (size_t i = 0; i < n_pct; i++) unload(&pct[i]);
    free(pct);
    unload(&one);
    unload(&other);
    bx_names_free(&names);
    free(parent);
    free(dir);
    free(index);
}
