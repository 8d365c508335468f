/*
 * unit.h — shared set-up for the cmocka unit tests: temporary directories
 * and files, removed when the test ends.
 */
#ifndef DEALSEARCH_UNIT_H
#define DEALSEARCH_UNIT_H

#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* A fresh empty directory under $TMPDIR; malloc'd path. */
static inline char *unit_tempdir(void)
{
    const char *base = getenv("TMPDIR");
    char *templ = malloc(512);
    snprintf(templ, 512, "%s/dealsearch-unit-XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(templ)) {
        perror("mkdtemp");
        abort();
    }
    return templ;
}

/* Remove a directory tree made by a test. */
static inline void unit_rmtree(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

/* Write `len` bytes to dir/name. */
static inline void unit_write(const char *dir, const char *name,
                              const char *bytes, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

#define UNIT_WRITE_STR(dir, name, s) unit_write(dir, name, s, strlen(s))

/* The whole file at `path` (malloc'd), its size in *len. */
static inline char *unit_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size >= 0);
    rewind(f);
    char *data = malloc((size_t)size + 1);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    data[size] = '\0';
    *len = (size_t)size;
    return data;
}

#endif
