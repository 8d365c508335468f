/*
 * fuzz_layout.c — libFuzzer target: a Xapian stub file as src/layout.c
 * reads it (an `--index` stub lists the databases of a sharded index,
 * local or remote).  The input is written to a file and read back.
 *
 * Properties checked:
 *   - ds_layout_read either fails with a message, or lists from 1 to
 *     1024 databases, each a non-empty path or a remote stub line
 *     ("remote " and something), flagged as such;
 *   - ds_layout_free leaves nothing behind (LeakSanitizer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/layout.h"

static char path[64];

static void write_stub(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/fuzz_layout_%ld.stub",
                 (long)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    write_stub(data, size);
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
