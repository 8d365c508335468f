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
#include "digest.h"
#include "layout.h"
#include "util.h"

#define MARKER_NAME "dealsearch-index"
#define MARKER_TEXT "This directory is a dealsearch index; it is rebuilt by 'dealsearch index'.\n"
#define GEN_PREFIX "gen-"
#define MANIFEST_NAME "dealsearch-manifest"
#define READERS_NAME "readers"
#define COMMIT_LOCK_NAME "commit-lock"

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
    if (found) {
        gen->number = gen_number(target);
        gen->dev = (unsigned long long)st.st_dev;
        gen->ino = (unsigned long long)st.st_ino;
        /* An update renames a new manifest in when it starts and when it
         * is done; the time tells two apart that reuse one inode. */
        char *manifest = ds_xasprintf("%s/%s", dir, MANIFEST_NAME);
        if (stat(manifest, &st) == 0) {
            gen->manifest_ino = (unsigned long long)st.st_ino;
            gen->manifest_ns = (long long)st.st_mtim.tv_sec * 1000000000LL +
                               st.st_mtim.tv_nsec;
        }
        free(manifest);
    }
    free(dir);
    return found ? DS_OK : no_index(index_dir, err);
}

int ds_store_gen_same(const ds_store_gen *a, const ds_store_gen *b)
{
    return a->dev == b->dev && a->ino == b->ino &&
           a->manifest_ino == b->manifest_ino &&
           a->manifest_ns == b->manifest_ns;
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

static int remove_if_unread(const char *path);

/* Remove every generation but `keep` that no reader holds (an abandoned
 * build's has no readers file: it goes too); return the highest
 * generation number seen. */
static unsigned long prune_generations(const char *index_dir,
                                       unsigned long keep)
{
    unsigned long highest = 0;
    DIR *d = opendir(index_dir);
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        unsigned long n = gen_number(e->d_name);
        if (!n) continue;
        if (n > highest) highest = n;
        if (n == keep) continue;
        char *path = ds_xasprintf("%s/%s", index_dir, e->d_name);
        (void)remove_if_unread(path);
        free(path);
    }
    closedir(d);
    return highest;
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
    /* We hold the lock: anything but the served generation is an
     * abandoned build or superseded, and goes unless someone reads it. */
    unsigned long highest =
        prune_generations(index_dir, current_gen(index_dir));
    rb->index_dir = ds_xstrdup(index_dir);
    rb->gen = highest + 1;
    rb->gen_path = ds_xasprintf("%s/" GEN_PREFIX "%06lu", index_dir, rb->gen);
    rb->lock_fd = fd;
    return DS_OK;
}

/* fsync every file of `dir` (and of the folders in it: a sharded
 * generation's databases) and the directory itself. */
static int sync_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char *file = ds_xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(file, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (sync_dir(file) != 0) rc = -1; /* a shard's database */
        } else {
            int fd = open(file, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || fsync(fd) != 0) rc = -1;
            if (fd >= 0) close(fd);
        }
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

/* ---- Manifest: what the generation's files hold ----
 *
 * "dealsearch-manifest 2 REVISION" and, per file, "NAME SIZE MTIME_SEC
 * MTIME_NSEC INODE DIGEST", then "end COUNT".  The digest (digest.h) says
 * what the file holds; the size, time and inode only say the file is the
 * very one that was hashed, so that a search need not hash it again: a
 * file that is no longer that one (a copied, rsynced or restored index) is
 * hashed and judged by its digest alone.  REVISION is the Xapian revision
 * the files were sealed at.  An update writes into the files in place
 * (Xapian writes new blocks before it commits them), so before it writes
 * anything it opens the manifest — "dealsearch-manifest 2 open", no files
 * — and seals it again after its commit: while the manifest is open (an
 * update running, or killed) the files are judged by Xapian alone, and
 * `dealsearch index` seals them again. */

#define MANIFEST_HEADER "dealsearch-manifest 2"
#define MANIFEST_OPEN MANIFEST_HEADER " open\n"

/* The files a generation's manifest covers: all but the manifest, the
 * readers' and the commits' locks, Xapian's lock file, and files being
 * written to be renamed over others ("*.tmp": the manifest's and the
 * vocabulary's). */
static int is_table_file(const char *name)
{
    size_t len = strlen(name);
    return name[0] != '.' && strcmp(name, MANIFEST_NAME) != 0 &&
           strcmp(name, READERS_NAME) != 0 &&
           strcmp(name, COMMIT_LOCK_NAME) != 0 && !dsx_is_lock_file(name) &&
           !(len > 4 && strcmp(name + len - 4, ".tmp") == 0);
}

/* Call fn with each file the manifest covers in `dir`, by its name
 * relative to `dir` ("head/postlist.glass" in a sharded generation, whose
 * databases are folders of it); stop at the first non-zero return. */
typedef int (*table_fn)(void *ctx, const char *dir, const char *name);

static int each_table_file(const char *dir, const char *sub, table_fn fn,
                           void *ctx)
{
    char *path = sub ? ds_xasprintf("%s/%s", dir, sub) : ds_xstrdup(dir);
    DIR *d = opendir(path);
    int rc = d ? 0 : -1;
    struct dirent *e;
    while (rc == 0 && d && (e = readdir(d)) != NULL) {
        if (!is_table_file(e->d_name)) continue;
        char *name = sub ? ds_xasprintf("%s/%s", sub, e->d_name)
                         : ds_xstrdup(e->d_name);
        char *file = ds_xasprintf("%s/%s", dir, name);
        struct stat st;
        if (!sub && lstat(file, &st) == 0 && S_ISDIR(st.st_mode))
            rc = each_table_file(dir, name, fn, ctx);
        else
            rc = fn(ctx, dir, name);
        free(file);
        free(name);
    }
    if (d) closedir(d);
    free(path);
    return rc;
}

static int count_one(void *ctx, const char *dir, const char *name)
{
    (void)dir;
    (void)name;
    ++*(int *)ctx;
    return 0;
}

static int count_table_files(const char *dir)
{
    int n = 0;
    each_table_file(dir, NULL, count_one, &n);
    return n;
}

/* The Xapian revision a generation's manifest records: its database's;
 * 0 for a sharded one, which is written once and never updated in place
 * (its manifest is always judged whole). */
ds_status ds_store_revision(const char *gen_path, unsigned long *revision,
                            char **err)
{
    *revision = 0;
    return ds_layout_is_stub(gen_path)
               ? DS_OK
               : dsx_revision_at(gen_path, revision, err);
}

/* One manifest line for the file `name` in `dir`. */
static int manifest_line(FILE *f, const char *dir, const char *name)
{
    char *file = ds_xasprintf("%s/%s", dir, name);
    struct stat st;
    ds_digest digest;
    char hex[DS_DIGEST_HEX];
    int ok = stat(file, &st) == 0 &&
             ds_digest_file(file, &digest, NULL) == DS_OK;
    if (ok) {
        ds_digest_hex(&digest, hex);
        ok = fprintf(f, "%s %lld %lld %ld %llu %s\n", name,
                     (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                     st.st_mtim.tv_nsec, (unsigned long long)st.st_ino,
                     hex) > 0;
    }
    free(file);
    return ok;
}

/* A new manifest for `dir` is written beside the old one, then renamed
 * over it: a reader sees one or the other, whole. */
static FILE *open_manifest(const char *dir)
{
    char *path = ds_xasprintf("%s/" MANIFEST_NAME ".tmp", dir);
    FILE *f = fopen(path, "w");
    free(path);
    return f;
}

/* Sync and close `f` (NULL when it could not be opened) and put it in
 * place if everything written to it went well (`ok`). */
static ds_status install_manifest(const char *dir, FILE *f, int ok,
                                  char **err)
{
    char *path = ds_xasprintf("%s/" MANIFEST_NAME ".tmp", dir);
    char *final = ds_xasprintf("%s/" MANIFEST_NAME, dir);
    if (f && (fflush(f) != 0 || fsync(fileno(f)) != 0)) ok = 0;
    if (f && fclose(f) != 0) ok = 0;
    if (ok) ok = rename(path, final) == 0;
    ds_status st = ok ? DS_OK
                      : ds_fail(err, DS_ERR_IO, "cannot write '%s': %s",
                                final, strerror(errno));
    if (!ok) unlink(path);
    free(path);
    free(final);
    return st;
}

/* Writing a manifest: its file, how many lines, whether all went well. */
typedef struct {
    FILE *f;
    int files;
} manifest_writer;

static int write_line(void *ctx, const char *dir, const char *name)
{
    manifest_writer *m = ctx;
    m->files++;
    return manifest_line(m->f, dir, name) ? 0 : -1;
}

ds_status ds_store_seal(const char *dir, char **err)
{
    unsigned long revision = 0;
    char *why = NULL;
    if (ds_store_revision(dir, &revision, &why) != DS_OK) {
        ds_status st = ds_fail(err, DS_ERR_DAMAGED, "'%s': %s", dir, why);
        free(why);
        return st;
    }
    manifest_writer m = {open_manifest(dir), 0};
    int ok = m.f && fprintf(m.f, MANIFEST_HEADER " %lu\n", revision) > 0;
    if (ok) ok = each_table_file(dir, NULL, write_line, &m) == 0;
    /* The count at the end shows the list was not cut short. */
    if (ok) ok = fprintf(m.f, "end %d\n", m.files) > 0;
    return install_manifest(dir, m.f, ok, err);
}

/* Compare one manifest line with the file; *same_file is cleared when the
 * file is not the one hashed (it was judged by its digest). */
static char *verify_entry(const char *dir, const char *line, int force,
                          int *same_file)
{
    char name[256], hex[64];
    long long size, sec;
    long nsec;
    unsigned long long ino;
    ds_digest want, have;
    if (sscanf(line, "%255s %lld %lld %ld %llu %63s", name, &size, &sec,
               &nsec, &ino, hex) != 6 ||
        !ds_digest_parse(hex, strlen(hex), &want))
        return ds_xstrdup("its file list (" MANIFEST_NAME ") is damaged");
    char *file = ds_xasprintf("%s/%s", dir, name), *err = NULL;
    struct stat st;
    if (stat(file, &st) != 0) {
        err = ds_xasprintf("%s is missing", name);
    } else if ((long long)st.st_size != size) {
        err = ds_xasprintf("%s was changed after the index was built", name);
    } else if (force || (long long)st.st_mtim.tv_sec != sec ||
               st.st_mtim.tv_nsec != nsec ||
               (unsigned long long)st.st_ino != ino) {
        if ((long long)st.st_mtim.tv_sec != sec ||
            st.st_mtim.tv_nsec != nsec || (unsigned long long)st.st_ino != ino)
            *same_file = 0;
        if (ds_digest_file(file, &have, NULL) != DS_OK ||
            !ds_digest_equal(&want, &have))
            err = ds_xasprintf("%s was changed after the index was built",
                               name);
    }
    free(file);
    return err;
}

/* The first difference between the files in `dir` and its manifest
 * (malloc'd), or NULL; a manifest older than `db_revision` is not
 * judged by (see above). */
static char *manifest_difference(const char *dir, FILE *f,
                                 unsigned long db_revision, int force,
                                 int *same_files, int *other_format)
{
    char line[512] = "", *why = NULL;
    unsigned long revision;
    char end;
    if (!fgets(line, sizeof line, f)) line[0] = '\0';
    if (strcmp(line, MANIFEST_OPEN) == 0) {
        *same_files = 0; /* open: see above */
        return NULL;
    }
    if (sscanf(line, MANIFEST_HEADER " %lu%c", &revision, &end) != 2) {
        /* No header of this format: an older dealsearch's list (plain
         * file lines), or one cut short. */
        *other_format = line[0] && strncmp(line, MANIFEST_HEADER " ",
                                           strlen(MANIFEST_HEADER " ")) != 0;
        return ds_xstrdup(*other_format
                              ? "its file list (" MANIFEST_NAME ") is an "
                                "older dealsearch's"
                              : "its file list (" MANIFEST_NAME ") is damaged");
    }
    if (db_revision > revision) return NULL;
    int files = 0, listed = -1;
    while (!why && fgets(line, sizeof line, f)) {
        if (sscanf(line, "end %d", &listed) == 1) break;
        why = verify_entry(dir, line, force, same_files);
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

static ds_status verify_generation(const char *dir, unsigned long revision,
                                   int force, int *same_files, char **err)
{
    char *path = ds_xasprintf("%s/" MANIFEST_NAME, dir);
    FILE *f = fopen(path, "r");
    *same_files = 1;
    if (!f) {
        free(path);
        return ds_fail(err, DS_ERR_VERSION,
                       "its file list (" MANIFEST_NAME ") is missing");
    }
    int other_format = 0;
    char *why = manifest_difference(dir, f, revision, force, same_files,
                                    &other_format);
    /* An update that started meanwhile renamed an open manifest in before
     * writing: its files differ because it is writing, which the
     * database's revision keeps from the searcher (store.h). */
    struct stat was, now;
    if (why && fstat(fileno(f), &was) == 0 && stat(path, &now) == 0 &&
        (was.st_ino != now.st_ino || was.st_dev != now.st_dev)) {
        free(why);
        why = NULL;
    }
    free(path);
    fclose(f);
    if (!why) return DS_OK;
    if (err) *err = why;
    else free(why);
    return other_format ? DS_ERR_VERSION : DS_ERR_DAMAGED;
}

ds_status ds_store_verify(const char *gen_path, unsigned long revision,
                          int every_byte, char **err)
{
    int same_files;
    return verify_generation(gen_path, revision, every_byte, &same_files,
                             err);
}

ds_seal_state ds_store_seal_state(const char *gen_path)
{
    unsigned long revision = 0, sealed = 0;
    char *path = ds_xasprintf("%s/" MANIFEST_NAME, gen_path), line[128];
    FILE *f = fopen(path, "r");
    free(path);
    char end;
    int current = f && fgets(line, sizeof line, f) &&
                  sscanf(line, MANIFEST_HEADER " %lu%c", &sealed, &end) == 2 &&
                  ds_store_revision(gen_path, &revision, NULL) == DS_OK &&
                  sealed == revision;
    if (f) fclose(f);
    int same_files = 0;
    if (!current ||
        verify_generation(gen_path, revision, 0, &same_files, NULL) != DS_OK)
        return DS_SEAL_OPEN;
    return same_files ? DS_SEAL_CURRENT : DS_SEAL_COPIED;
}

int ds_store_is_sealed(const char *gen_path)
{
    return ds_store_seal_state(gen_path) == DS_SEAL_CURRENT;
}

ds_status ds_store_unseal(const char *dir, char **err)
{
    FILE *f = open_manifest(dir);
    return install_manifest(dir, f, f && fputs(MANIFEST_OPEN, f) >= 0, err);
}

char *ds_store_served_path(const char *index_dir)
{
    unsigned long gen = current_gen(index_dir);
    char *path =
        gen ? ds_xasprintf("%s/" GEN_PREFIX "%06lu", index_dir, gen) : NULL;
    struct stat st;
    if (path && stat(path, &st) != 0) { /* `current` dangles */
        free(path);
        path = NULL;
    }
    return path;
}

/* ---- Readers ---- */

/* Remove generation `path` unless a reader holds it; 1 when removed. */
static int remove_if_unread(const char *path)
{
    char *readers = ds_xasprintf("%s/" READERS_NAME, path);
    int fd = open(readers, O_RDONLY | O_CLOEXEC);
    free(readers);
    int removable = fd < 0 || flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (removable) ds_remove_dir(path);
    if (fd >= 0) close(fd);
    return removable;
}

ds_status ds_store_hold(const char *index_dir, ds_generation *gen)
{
    memset(gen, 0, sizeof *gen);
    gen->fd = -1;
    for (int attempt = 0; attempt < 5; attempt++) {
        unsigned long n = current_gen(index_dir);
        if (!n) break;
        char *path = ds_xasprintf("%s/" GEN_PREFIX "%06lu", index_dir, n);
        char *readers = ds_xasprintf("%s/" READERS_NAME, path);
        int fd = open(readers, O_RDONLY | O_CLOEXEC);
        free(readers);
        struct stat st;
        /* Held once locked while it still exists: a writer removes a
         * generation only while it holds that lock itself. */
        if (fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) == 0 &&
            stat(path, &st) == 0) {
            gen->path = path;
            gen->fd = fd;
            return DS_OK;
        }
        if (fd >= 0) close(fd);
        if (current_gen(index_dir) == n && stat(path, &st) == 0) {
            gen->path = path; /* not ours to protect (no readers file) */
            return DS_OK;
        }
        free(path); /* replaced meanwhile: take the new one */
    }
    /* `current` names no generation: opening it says what is wrong. */
    gen->path = ds_store_current_path(index_dir);
    return DS_OK;
}

void ds_store_release(const char *index_dir, ds_generation *gen)
{
    if (!gen->path) return;
    if (gen->fd >= 0) {
        close(gen->fd);
        char *served = ds_store_served_path(index_dir);
        /* Superseded, and read by no one else: it goes now. */
        if (served && strcmp(served, gen->path) != 0)
            (void)remove_if_unread(gen->path);
        free(served);
    }
    free(gen->path);
    gen->path = NULL;
    gen->fd = -1;
}

void ds_rebuild_release(ds_rebuild *rb)
{
    release(rb);
}

ds_status ds_rebuild_publish(ds_rebuild *rb, char **err)
{
    char *next = ds_xasprintf("%s/current.next", rb->index_dir);
    char *current = ds_store_current_path(rb->index_dir);
    char target[64];
    snprintf(target, sizeof target, GEN_PREFIX "%06lu", rb->gen);
    char *readers = ds_xasprintf("%s/" READERS_NAME, rb->gen_path);
    int fd = open(readers, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    free(readers);
    ds_status st = fd >= 0 ? ds_store_seal(rb->gen_path, err)
                           : ds_fail(err, DS_ERR_IO, "cannot write in '%s': "
                                     "%s", rb->gen_path, strerror(errno));
    if (fd >= 0) close(fd);
    unlink(next);
    if (st == DS_OK && sync_dir(rb->gen_path) != 0) {
        st = ds_fail(err, DS_ERR_IO, "cannot sync '%s': %s", rb->gen_path,
                     strerror(errno));
    } else if (st == DS_OK &&
               (symlink(target, next) != 0 || rename(next, current) != 0)) {
        st = ds_fail(err, DS_ERR_IO, "cannot publish '%s': %s", current,
                     strerror(errno));
        unlink(next);
    } else if (st == DS_OK) {
        /* Published: a failure to sync the folder's entry now only risks
         * the swap on a crash, which leaves the old index served. */
        (void)sync_dir(rb->index_dir);
        prune_generations(rb->index_dir, rb->gen);
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
        if (e->d_name[0] == '.') continue;
        char *file = ds_xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        int known = lstat(file, &st) == 0;
        if (known && S_ISREG(st.st_mode))
            total += (unsigned long long)st.st_size;
        else if (known && S_ISDIR(st.st_mode)) /* a sharded generation's */
            total += ds_dir_bytes(file);
        free(file);
    }
    closedir(d);
    return total;
}

int ds_store_lock_commit(const char *gen_path, int exclusive, int create)
{
    char *path = ds_xasprintf("%s/" COMMIT_LOCK_NAME, gen_path);
    int fd = create ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)
                    : open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    while (fd >= 0 && flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
        if (errno != EINTR) {
            close(fd);
            fd = -1;
        }
    }
    return fd;
}

void ds_store_unlock(int fd)
{
    if (fd >= 0) close(fd); /* (closing lets go of the lock) */
}
