/* layout.c — see layout.h. */
#define _POSIX_C_SOURCE 200809L /* fileno, st_mtim */
#include "layout.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* Stubs naming stubs: deeper than this is a loop. */
#define MAX_DEPTH 8
/* A stub line longer than this is not one Xapian's format has. */
#define MAX_LINE 4096
/* More databases than this in one stub is a mistake (a loop of stubs
 * through directories, say), not a cluster. */
#define MAX_DATABASES 1024

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The stub file `path` stands for, or NULL when it is a database
 * (malloc'd). */
static char *stub_file(const char *path)
{
    if (is_file(path)) return ds_xstrdup(path);
    char *inner = ds_xasprintf("%s/" DS_LAYOUT_STUB, path);
    if (is_dir(path) && is_file(inner)) return inner;
    free(inner);
    return NULL;
}

int ds_layout_is_stub(const char *path)
{
    char *stub = stub_file(path);
    free(stub);
    return stub != NULL;
}

static void add(ds_layout *l, char *where, int remote)
{
    l->dbs = ds_xrealloc(l->dbs, (l->n + 1) * sizeof *l->dbs);
    l->dbs[l->n].where = where;
    l->dbs[l->n].remote = remote;
    l->n++;
}

/* `rel` taken from the folder of the stub `stub` (malloc'd), as Xapian's
 * stub reader does. */
static char *resolve(const char *stub, const char *rel)
{
    const char *slash = strrchr(stub, '/');
    if (rel[0] == '/' || !slash) return ds_xstrdup(rel);
    return ds_xasprintf("%.*s/%s", (int)(slash - stub), stub, rel);
}

static ds_status read_into(const char *path, int depth, ds_layout *out,
                           char **err);

/* One line of the stub `stub` (without its newline). */
static ds_status read_line(const char *stub, unsigned line_no, char *line,
                           int depth, ds_layout *out, char **err)
{
    if (!line[0] || line[0] == '#') return DS_OK;
    if (out->n >= MAX_DATABASES)
        return ds_fail(err, DS_ERR_DAMAGED,
                       "%s:%u: more than %d databases", stub, line_no,
                       MAX_DATABASES);
    char *space = strchr(line, ' ');
    const char *rest = space ? space + 1 : "";
    if (space) *space = '\0';
    if ((strcmp(line, "auto") == 0 || strcmp(line, "glass") == 0 ||
         strcmp(line, "chert") == 0) && *rest) {
        char *where = resolve(stub, rest);
        ds_status st = read_into(where, depth + 1, out, err);
        free(where);
        return st;
    }
    if (strcmp(line, "remote") == 0 && *rest) {
        add(out, ds_xasprintf("remote %s", rest), 1);
        return DS_OK;
    }
    return ds_fail(err, DS_ERR_DAMAGED,
                   "%s:%u: not a line of a Xapian stub (auto PATH, glass "
                   "PATH, remote HOST:PORT or remote :PROGRAM ARGS)",
                   stub, line_no);
}

/* The identity of the file `st` describes, as ds_layout_stub keeps it. */
static ds_layout_stub stub_id(const struct stat *st)
{
    ds_layout_stub id = {NULL, (unsigned long long)st->st_dev,
                         (unsigned long long)st->st_ino,
                         (unsigned long long)st->st_size,
                         (long long)st->st_mtim.tv_sec * 1000000000LL +
                             st->st_mtim.tv_nsec};
    return id;
}

/* Note the stub file `f` (opened from `path`) as it is before it is read:
 * a change while it is read then shows at the next comparison. */
static void add_stub(ds_layout *l, const char *path, FILE *f)
{
    struct stat st;
    ds_layout_stub id = {NULL, 0, 0, 0, -1}; /* unknown: never the same */
    if (fstat(fileno(f), &st) == 0) id = stub_id(&st);
    id.path = ds_xstrdup(path);
    l->stubs = ds_xrealloc(l->stubs, (l->n_stubs + 1) * sizeof *l->stubs);
    l->stubs[l->n_stubs++] = id;
}

int ds_layout_stubs_changed(const ds_layout *l)
{
    for (size_t i = 0; i < l->n_stubs; i++) {
        const ds_layout_stub *was = &l->stubs[i];
        struct stat st;
        if (stat(was->path, &st) != 0) return 1;
        ds_layout_stub now = stub_id(&st);
        if (now.dev != was->dev || now.ino != was->ino ||
            now.size != was->size || now.mtime_ns != was->mtime_ns)
            return 1;
    }
    return 0;
}

static ds_status read_stub(const char *stub, int depth, ds_layout *out,
                           char **err)
{
    FILE *f = fopen(stub, "r");
    if (!f)
        return ds_fail(err, DS_ERR_IO, "cannot read '%s': %s", stub,
                       strerror(errno));
    add_stub(out, stub, f);
    char line[MAX_LINE + 2];
    unsigned line_no = 0;
    ds_status st = DS_OK;
    while (st == DS_OK && fgets(line, sizeof line, f)) {
        line_no++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n') line[--len] = '\0';
        if (len > MAX_LINE)
            st = ds_fail(err, DS_ERR_DAMAGED, "%s:%u: line too long", stub,
                         line_no);
        else
            st = read_line(stub, line_no, line, depth, out, err);
    }
    fclose(f);
    return st;
}

static ds_status read_into(const char *path, int depth, ds_layout *out,
                           char **err)
{
    if (depth > MAX_DEPTH)
        return ds_fail(err, DS_ERR_DAMAGED,
                       "'%s': stubs name stubs more than %d deep", path,
                       MAX_DEPTH);
    char *stub = stub_file(path);
    ds_status st = DS_OK;
    if (stub) st = read_stub(stub, depth, out, err);
    else add(out, ds_xstrdup(path), 0);
    free(stub);
    return st;
}

ds_status ds_layout_read(const char *path, ds_layout *out, char **err)
{
    memset(out, 0, sizeof *out);
    ds_status st = read_into(path, 0, out, err);
    if (st == DS_OK && out->n == 0)
        st = ds_fail(err, DS_ERR_DAMAGED, "'%s' lists no database", path);
    return st;
}

void ds_layout_free(ds_layout *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->dbs[i].where);
    free(l->dbs);
    for (size_t i = 0; i < l->n_stubs; i++) free(l->stubs[i].path);
    free(l->stubs);
    memset(l, 0, sizeof *l);
}

ds_status ds_layout_write_sharded(const char *gen_path, size_t n, char **err)
{
    char *path = ds_xasprintf("%s/" DS_LAYOUT_STUB, gen_path);
    FILE *f = fopen(path, "w");
    int ok = f && fprintf(f, "auto " DS_LAYOUT_HEAD "\n") > 0;
    for (size_t k = 0; ok && k < n; k++)
        ok = fprintf(f, "auto " DS_LAYOUT_SHARD "%zu\n", k) > 0;
    if (f && fclose(f) != 0) ok = 0;
    ds_status st = ok ? DS_OK
                      : ds_fail(err, DS_ERR_IO, "cannot write '%s': %s", path,
                                strerror(errno));
    free(path);
    return st;
}

size_t ds_layout_shard_of(const char *name, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (size_t)(h % n);
}

unsigned long ds_layout_docid(size_t n, size_t k, unsigned long local)
{
    return (local - 1) * (n + 1) + k + 2;
}

size_t ds_layout_docid_shard(size_t n, unsigned long docid,
                             unsigned long *local)
{
    size_t db = (size_t)((docid - 1) % (n + 1));
    *local = (docid - 1) / (n + 1) + 1;
    return db ? db - 1 : n;
}

size_t ds_layout_shards(const char *gen_path)
{
    size_t n = 0;
    for (;; n++) {
        char *shard = ds_xasprintf("%s/" DS_LAYOUT_SHARD "%zu", gen_path, n);
        int there = is_dir(shard);
        free(shard);
        if (!there) break;
    }
    return ds_layout_is_stub(gen_path) ? n : 0;
}

ds_status ds_layout_write_part(const char *gen_path, const ds_layout_part *p,
                               char **err)
{
    char *path = ds_xasprintf("%s/" DS_LAYOUT_PART, gen_path);
    FILE *f = fopen(path, "w");
    int ok = f && fprintf(f, DS_LAYOUT_PART " 1\nshards %zu\n", p->shards) > 0;
    if (ok && p->part == DS_PART_HEAD) ok = fputs("part head\n", f) >= 0;
    else if (ok) ok = fprintf(f, "part %d\n", p->part) > 0;
    if (ok) ok = fprintf(f, "check %s\n", p->check) > 0;
    if (f && fclose(f) != 0) ok = 0;
    ds_status st = ok ? DS_OK
                      : ds_fail(err, DS_ERR_IO, "cannot write '%s': %s", path,
                                strerror(errno));
    free(path);
    return st;
}

ds_status ds_layout_read_part(const char *gen_path, ds_layout_part *out,
                              char **err)
{
    memset(out, 0, sizeof *out);
    char *path = ds_xasprintf("%s/" DS_LAYOUT_PART, gen_path);
    FILE *f = fopen(path, "r");
    ds_status st = DS_OK;
    if (!f) {
        st = ds_fail(err, DS_ERR_NO_INDEX, "'%s' is not a part of a sharded "
                     "index (no " DS_LAYOUT_PART ")", gen_path);
    } else {
        char part[16];
        int version = 0;
        if (fscanf(f, DS_LAYOUT_PART " %d shards %zu part %15s check %39s",
                   &version, &out->shards, part, out->check) != 4 ||
            version != 1 || out->shards == 0 ||
            out->shards >= MAX_DATABASES || strlen(out->check) != 32) {
            st = ds_fail(err, DS_ERR_DAMAGED, "'%s' is damaged", path);
        } else if (strcmp(part, "head") == 0) {
            out->part = DS_PART_HEAD;
        } else {
            char *end;
            unsigned long k = strtoul(part, &end, 10);
            if (*end || part[0] == '-' || k >= out->shards)
                st = ds_fail(err, DS_ERR_DAMAGED, "'%s' is damaged", path);
            out->part = (int)k;
        }
        fclose(f);
    }
    free(path);
    return st;
}
