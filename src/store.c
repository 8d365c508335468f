/* store.c — see store.h. */
#define _DEFAULT_SOURCE
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../shim/shim.h"
#include "util.h"

#define MARKER_NAME "dealsearch-index"
#define MARKER_TEXT "This directory is a dealsearch index; it is rebuilt by 'dealsearch index'.\n"
#define GEN_PREFIX "gen-"
#define MANIFEST_NAME "dealsearch-manifest"

char *ds_store_current_path(const char *index_dir)
{
    return ds_xasprintf("%s/current", index_dir);
}

static int is_ours(const char *index_dir)
{
    char *marker = ds_xasprintf("%s/" MARKER_NAME, index_dir);
    int ok = access(marker, F_OK) == 0;
    free(marker);
    return ok;
}

static int is_empty_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d) return 0;
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = 0;
    closedir(d);
    return empty;
}

static ds_status no_index(const char *index_dir, char **err)
{
    return ds_fail(err, DS_ERR_NO_INDEX,
                   "no index at '%s' — run 'dealsearch index'", index_dir);
}

ds_status ds_store_find(const char *index_dir, char **err)
{
    struct stat st;
    if (stat(index_dir, &st) != 0) return no_index(index_dir, err);
    if (!S_ISDIR(st.st_mode))
        return ds_fail(err, DS_ERR_DAMAGED, "index '%s' is not a directory",
                       index_dir);
    if (!is_ours(index_dir)) {
        if (is_empty_dir(index_dir)) return no_index(index_dir, err);
        return ds_fail(err, DS_ERR_DAMAGED,
                       "index '%s' is damaged or not a dealsearch index: no '"
                       MARKER_NAME "' marker — run 'dealsearch index' to "
                       "rebuild", index_dir);
    }
    char *current = ds_store_current_path(index_dir);
    int has = stat(current, &st) == 0;
    free(current);
    return has ? DS_OK : no_index(index_dir, err);
}

/* Generation number of a directory entry named gen-NNNNNN, else 0. */
static unsigned long gen_number(const char *name)
{
    if (strncmp(name, GEN_PREFIX, strlen(GEN_PREFIX)) != 0) return 0;
    char *end;
    unsigned long n = strtoul(name + strlen(GEN_PREFIX), &end, 10);
    return *end == '\0' ? n : 0;
}

/* What `current` points at ("gen-000007") into target[size]; 0 when it
 * cannot be read. */
static int current_target(const char *index_dir, char *target, size_t size)
{
    char *link = ds_store_current_path(index_dir);
    ssize_t n = readlink(link, target, size - 1);
    free(link);
    if (n <= 0) return 0;
    target[n] = '\0';
    return 1;
}

/* Generation that `current` points at, or 0. */
static unsigned long current_gen(const char *index_dir)
{
    char target[256];
    return current_target(index_dir, target, sizeof target)
               ? gen_number(target)
               : 0;
}

ds_status ds_store_current_gen(const char *index_dir, ds_store_gen *gen,
                               char **err)
{
    char target[256];
    struct stat st;
    memset(gen, 0, sizeof *gen);
    /* Number and identity from the one name read, so a swap in between
     * cannot pair one generation's number with another's directory. */
    char *dir = current_target(index_dir, target, sizeof target)
                    ? ds_xasprintf("%s/%s", index_dir, target)
                    : NULL;
    int found = dir && stat(dir, &st) == 0;
    free(dir);
    if (!found) return no_index(index_dir, err);
    gen->number = gen_number(target);
    gen->dev = (unsigned long long)st.st_dev;
    gen->ino = (unsigned long long)st.st_ino;
    return DS_OK;
}

void ds_remove_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *file = ds_xasprintf("%s/%s", path, e->d_name);
            struct stat st;
            if (lstat(file, &st) == 0 && S_ISDIR(st.st_mode))
                ds_remove_dir(file);
            else
                unlink(file);
            free(file);
        }
        closedir(d);
    }
    rmdir(path);
}

/* Remove every generation but `keep_a` and `keep_b`; return the highest
 * generation number seen. */
static unsigned long prune_generations(const char *index_dir,
                                       unsigned long keep_a,
                                       unsigned long keep_b)
{
    unsigned long highest = 0;
    DIR *d = opendir(index_dir);
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        unsigned long n = gen_number(e->d_name);
        if (!n) continue;
        if (n > highest) highest = n;
        if (n == keep_a || n == keep_b) continue;
        char *path = ds_xasprintf("%s/%s", index_dir, e->d_name);
        ds_remove_dir(path);
        free(path);
    }
    closedir(d);
    return highest;
}

/* The generation just before `gen` that still exists, or 0. */
static unsigned long previous_gen(const char *index_dir, unsigned long gen)
{
    unsigned long best = 0;
    DIR *d = opendir(index_dir);
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        unsigned long n = gen_number(e->d_name);
        if (n && n < gen && n > best) best = n;
    }
    closedir(d);
    return best;
}

static ds_status prepare_dir(const char *index_dir, char **err)
{
    if (mkdir(index_dir, 0755) != 0 && errno != EEXIST)
        return ds_fail(err, DS_ERR_IO,
                       "cannot create index directory '%s': %s", index_dir,
                       strerror(errno));
    if (is_ours(index_dir)) return DS_OK;
    if (!is_empty_dir(index_dir))
        return ds_fail(err, DS_ERR_DAMAGED,
                       "'%s' exists and is not a dealsearch index; refusing "
                       "to write into it", index_dir);
    char *marker = ds_xasprintf("%s/" MARKER_NAME, index_dir);
    FILE *f = fopen(marker, "w");
    int ok = f && fputs(MARKER_TEXT, f) >= 0;
    if (f && fclose(f) != 0) ok = 0;
    ds_status st = ok ? DS_OK
                      : ds_fail(err, DS_ERR_IO, "cannot write '%s': %s",
                                marker, strerror(errno));
    free(marker);
    return st;
}

/* Open and take the index's lock file; *fd is the held lock. */
static ds_status take_lock(const char *index_dir, int *fd, char **err)
{
    char *lock = ds_xasprintf("%s/lock", index_dir);
    *fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    ds_status st = DS_OK;
    if (*fd < 0)
        st = ds_fail(err, DS_ERR_IO, "cannot open '%s': %s", lock,
                     strerror(errno));
    else if (flock(*fd, LOCK_EX | LOCK_NB) != 0)
        st = errno == EWOULDBLOCK
                 ? ds_fail(err, DS_ERR_LOCKED,
                           "another 'dealsearch index' is already rebuilding "
                           "'%s'; try again when it has finished", index_dir)
                 : ds_fail(err, DS_ERR_IO, "cannot lock index '%s': %s",
                           index_dir, strerror(errno));
    free(lock);
    return st;
}

ds_status ds_rebuild_begin(const char *index_dir, ds_rebuild *rb, char **err)
{
    memset(rb, 0, sizeof *rb);
    rb->lock_fd = -1;
    int fd = -1;
    ds_status st = prepare_dir(index_dir, err);
    if (st == DS_OK) st = take_lock(index_dir, &fd, err);
    if (st != DS_OK) {
        if (fd >= 0) close(fd);
        return st;
    }
    /* We hold the lock: anything but the served generation and the one
     * before it is an abandoned rebuild or too old for any reader. */
    unsigned long cur = current_gen(index_dir);
    unsigned long highest =
        prune_generations(index_dir, cur, previous_gen(index_dir, cur));
    rb->index_dir = ds_xstrdup(index_dir);
    rb->gen = highest + 1;
    rb->gen_path = ds_xasprintf("%s/" GEN_PREFIX "%06lu", index_dir, rb->gen);
    rb->lock_fd = fd;
    return DS_OK;
}

/* fsync every file of `dir` and the directory itself. */
static int sync_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char *file = ds_xasprintf("%s/%s", dir, e->d_name);
        int fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) != 0) rc = -1;
        if (fd >= 0) close(fd);
        free(file);
    }
    closedir(d);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) rc = -1;
    if (fd >= 0) close(fd);
    return rc;
}

static void release(ds_rebuild *rb)
{
    if (rb->lock_fd >= 0) close(rb->lock_fd);
    free(rb->index_dir);
    free(rb->gen_path);
    memset(rb, 0, sizeof *rb);
    rb->lock_fd = -1;
}

/* ---- Manifest: what the generation's files were when published ---- */

/* The files a generation's manifest covers: all but the manifest and
 * Xapian's lock file. */
static int is_table_file(const char *name)
{
    return name[0] != '.' && strcmp(name, MANIFEST_NAME) != 0 &&
           !dsx_is_lock_file(name);
}

static int count_table_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) n += is_table_file(e->d_name);
    if (d) closedir(d);
    return n;
}

/* Write MANIFEST_NAME in `dir`: "name size mtime-seconds mtime-nanoseconds"
 * per file.  Searches compare it with the files (a few stat calls), so an
 * index file changed after the build — truncated, zeroed, garbled — is
 * reported as damaged even where Xapian would not notice. */
static int write_manifest(const char *dir)
{
    char *path = ds_xasprintf("%s/" MANIFEST_NAME, dir);
    FILE *f = fopen(path, "w");
    DIR *d = opendir(dir);
    int ok = f && d;
    struct dirent *e;
    int files = 0;
    while (ok && (e = readdir(d)) != NULL) {
        if (!is_table_file(e->d_name)) continue;
        char *file = ds_xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        ok = stat(file, &st) == 0 &&
             fprintf(f, "%s %lld %lld %ld\n", e->d_name, (long long)st.st_size,
                     (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec) > 0;
        free(file);
        files++;
    }
    /* The count at the end shows the list was not cut short. */
    if (ok) ok = fprintf(f, "end %d\n", files) > 0;
    if (d) closedir(d);
    if (f && fclose(f) != 0) ok = 0;
    free(path);
    return ok ? 0 : -1;
}

/* Compare one manifest line "name size sec nsec" with the file. */
static char *verify_entry(const char *dir, const char *line)
{
    char name[256];
    long long size, sec;
    long nsec;
    if (sscanf(line, "%255s %lld %lld %ld", name, &size, &sec, &nsec) != 4)
        return ds_xstrdup("its file list (" MANIFEST_NAME ") is damaged");
    char *file = ds_xasprintf("%s/%s", dir, name), *err = NULL;
    struct stat st;
    if (stat(file, &st) != 0)
        err = ds_xasprintf("%s is missing", name);
    else if ((long long)st.st_size != size ||
             (long long)st.st_mtim.tv_sec != sec || st.st_mtim.tv_nsec != nsec)
        err = ds_xasprintf("%s was changed after the index was built", name);
    free(file);
    return err;
}

/* The first difference between the files of the generation in `dir` and
 * its manifest (malloc'd), or NULL. */
static char *manifest_difference(const char *dir, FILE *f)
{
    char line[512], *why = NULL;
    int files = 0, listed = -1;
    while (!why && listed < 0 && fgets(line, sizeof line, f)) {
        if (sscanf(line, "end %d", &listed) == 1) break;
        why = verify_entry(dir, line);
        files++;
    }
    /* The count at the end shows the list was not cut short. */
    if (!why && (listed != files || files == 0))
        why = ds_xstrdup("its file list (" MANIFEST_NAME ") is damaged");
    else if (!why && count_table_files(dir) != files)
        why = ds_xstrdup("it holds files its file list (" MANIFEST_NAME
                         ") does not name");
    return why;
}

/* Check the files of the generation in `dir` against its manifest. */
static ds_status verify_generation(const char *dir, char **err)
{
    char *path = ds_xasprintf("%s/" MANIFEST_NAME, dir);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return ds_fail(err, DS_ERR_VERSION,
                       "its file list (" MANIFEST_NAME ") is missing");
    char *why = manifest_difference(dir, f);
    fclose(f);
    if (!why) return DS_OK;
    if (err) *err = why;
    else free(why);
    return DS_ERR_DAMAGED;
}

ds_status ds_store_verify(const char *index_dir, char **err)
{
    /* `current` is resolved once per check, so a rebuild publishing
     * meanwhile cannot mix two generations' files (seen once in 1,000
     * searches racing rebuilds); when one did publish, the new generation
     * is checked instead. */
    for (int attempt = 0;; attempt++) {
        unsigned long gen = current_gen(index_dir);
        char *dir = gen ? ds_xasprintf("%s/" GEN_PREFIX "%06lu", index_dir, gen)
                        : ds_store_current_path(index_dir);
        ds_status st = verify_generation(dir, err);
        free(dir);
        if (st == DS_OK || attempt == 2 || current_gen(index_dir) == gen)
            return st;
        if (err) free(*err);
    }
}

ds_status ds_rebuild_publish(ds_rebuild *rb, char **err)
{
    char *next = ds_xasprintf("%s/current.next", rb->index_dir);
    char *current = ds_store_current_path(rb->index_dir);
    char target[64];
    snprintf(target, sizeof target, GEN_PREFIX "%06lu", rb->gen);
    unsigned long old = current_gen(rb->index_dir);
    ds_status st = DS_OK;
    unlink(next);
    if (write_manifest(rb->gen_path) != 0 || sync_dir(rb->gen_path) != 0) {
        st = ds_fail(err, DS_ERR_IO, "cannot sync '%s': %s", rb->gen_path,
                     strerror(errno));
    } else if (symlink(target, next) != 0 || rename(next, current) != 0) {
        st = ds_fail(err, DS_ERR_IO, "cannot publish '%s': %s", current,
                     strerror(errno));
        unlink(next);
    } else {
        /* Published: a failure to sync the folder's entry now only risks
         * the swap on a crash, which leaves the old index served. */
        (void)sync_dir(rb->index_dir);
        prune_generations(rb->index_dir, rb->gen, old);
    }
    free(next);
    free(current);
    if (st != DS_OK) ds_remove_dir(rb->gen_path);
    release(rb);
    return st;
}

void ds_rebuild_abort(ds_rebuild *rb)
{
    if (rb->gen_path) ds_remove_dir(rb->gen_path);
    release(rb);
}

unsigned long long ds_dir_bytes(const char *dir)
{
    unsigned long long total = 0;
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *file = ds_xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(file, &st) == 0 && S_ISREG(st.st_mode))
            total += (unsigned long long)st.st_size;
        free(file);
    }
    closedir(d);
    return total;
}
