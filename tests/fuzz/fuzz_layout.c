/*
 * fuzz_layout.c — libFuzzer target: the two files src/layout.c reads: a
 * Xapian stub file (an `--index` stub lists the databases of a sharded
 * index, local or remote) and a part's `dealsearch-part` file (a part of
 * a sharded index built on its own).  The input is written as each and
 * read back.
 *
 * Properties checked:
 *   - ds_layout_read either fails with a message, or lists from 1 to
 *     1024 databases, each a non-empty path or a remote stub line
 *     ("remote " and something), flagged as such;
 *   - ds_layout_read_part either fails with a message, or gives from 1
 *     to 1023 shards, the head or a shard below that number, and a check
 *     of 32 hex digits' length;
 *   - ds_layout_free leaves nothing behind (LeakSanitizer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/layout.h"

static char path[64], gen[64], part_path[128];

static void write_file(const char *name, const uint8_t *data, size_t size)
{
    FILE *f = fopen(name, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
}

static void remove_gen(void)
{
    rmdir(gen);
}

static void read_part(const uint8_t *data, size_t size)
{
    if (!gen[0]) {
        snprintf(gen, sizeof gen, "/tmp/fuzz_layout_%ld.gen", (long)getpid());
        snprintf(part_path, sizeof part_path, "%s/" DS_LAYOUT_PART, gen);
        if (mkdir(gen, 0700) != 0) abort();
        atexit(remove_gen);
    }
    write_file(part_path, data, size);
    ds_layout_part p;
    char *err = NULL;
    ds_status st = ds_layout_read_part(gen, &p, &err);
    unlink(part_path);
    if (st != DS_OK) {
        if (!err || !err[0]) abort();
        free(err);
        return;
    }
    if (err || p.shards == 0 || p.shards > 1023 ||
        (p.part != DS_PART_HEAD && (p.part < 0 || (size_t)p.part >= p.shards)) ||
        strlen(p.check) != 32)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_part(data, size);
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz_layout_%ld.stub",
                 (long)getpid());
    write_file(path, data, size);
    ds_layout l;
    char *err = NULL;
    ds_status st = ds_layout_read(path, &l, &err);
    unlink(path);
    if (st != DS_OK) {
        if (!err || !err[0]) abort();
        free(err);
        ds_layout_free(&l);
        return 0;
    }
    if (err || l.n == 0 || l.n > 1024) abort();
    for (size_t i = 0; i < l.n; i++) {
        const char *w = l.dbs[i].where;
        int remote = strncmp(w, "remote ", 7) == 0 && w[7];
        if (!w[0] || remote != l.dbs[i].remote) abort();
    }
    ds_layout_free(&l);
    return 0;
}
