/* corpus.c — see corpus.h. */
#define _POSIX_C_SOURCE 200809L
#include "corpus.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "encoding.h"

static const char REPLACEMENT_CHAR[] = "\xEF\xBF\xBD"; /* U+FFFD */

static int ends_with_txt(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".txt") == 0;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
    char **items;
    size_t count, cap;
} path_vec;

static void path_vec_push(path_vec *v, char *path)
{
    if (v->count == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 32;
        v->items = ds_xrealloc(v->items, v->cap * sizeof *v->items);
    }
    v->items[v->count++] = path;
}

/* Collect `*.txt` files below root/rel into v.  Unreadable subdirectories
 * are reported and skipped: the rest of the corpus is still indexed. */
static int collect(const char *root, const char *rel, path_vec *v, char **err)
{
    char *dir_path = rel[0] ? ds_xasprintf("%s/%s", root, rel)
                            : ds_xstrdup(root);
    DIR *dir = opendir(dir_path);
    if (!dir) {
        int saved = errno;
        if (rel[0] == '\0') {
            *err = ds_xasprintf("corpus directory '%s': %s", root,
                                strerror(saved));
            free(dir_path);
            return -1;
        }
        ds_warn("%s: %s (skipped)", dir_path, strerror(saved));
        free(dir_path);
        return 0;
    }
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        const char *name = entry->d_name;
        if (name[0] == '.') continue; /* ., .., and hidden entries */
        char *child_rel = rel[0] ? ds_xasprintf("%s/%s", rel, name)
                                 : ds_xstrdup(name);
        char *child_path = ds_xasprintf("%s/%s", dir_path, name);
        struct stat st;
        if (lstat(child_path, &st) == 0 && S_ISDIR(st.st_mode)) {
            collect(root, child_rel, v, err);
            free(child_rel);
        } else if (ends_with_txt(name)) {
            /* Regular files and links to them; other kinds are reported
             * when read, so nothing is skipped silently. */
            path_vec_push(v, child_rel);
        } else {
            free(child_rel);
        }
        free(child_path);
    }
    closedir(dir);
    free(dir_path);
    return 0;
}

int ds_corpus_list(const char *dir, ds_file_list *out, char **err)
{
    path_vec v = {0};
    out->paths = NULL;
    out->count = 0;
    *err = NULL;
    struct stat st;
    if (stat(dir, &st) != 0) {
        *err = ds_xasprintf("corpus directory '%s': %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        *err = ds_xasprintf("corpus '%s' is not a directory", dir);
        return -1;
    }
    if (collect(dir, "", &v, err) != 0) return -1;
    if (v.count) qsort(v.items, v.count, sizeof *v.items, compare_paths);
    out->paths = v.items;
    out->count = v.count;
    return 0;
}

void ds_file_list_free(ds_file_list *list)
{
    for (size_t i = 0; i < list->count; i++) free(list->paths[i]);
    free(list->paths);
    list->paths = NULL;
    list->count = 0;
}

void ds_utf8_sanitize(const char *bytes, size_t len, ds_buf *out,
                      ds_bad_line_fn bad_line, void *ctx)
{
    unsigned long line = 1, last_reported = 0;
    size_t run_start = 0, i = 0;
    ds_buf_reserve(out, len);
    while (i < len) {
        unsigned char c = (unsigned char)bytes[i];
        if (c >= 0x01 && c < 0x80) {
            if (c == '\n') line++;
            i++;
            continue;
        }
        unsigned cp;
        size_t n = c ? ds_utf8_decode(bytes + i, len - i, &cp) : 0;
        if (n) {
            i += n;
            continue;
        }
        /* NUL or an invalid sequence: flush the good run, replace one
         * byte, and resynchronise at the next byte. */
        ds_buf_append(out, bytes + run_start, i - run_start);
        ds_buf_append(out, REPLACEMENT_CHAR, 3);
        if (bad_line && line != last_reported) {
            bad_line(ctx, line);
            last_reported = line;
        }
        i++;
        run_start = i;
    }
    ds_buf_append(out, bytes + run_start, len - run_start);
}

int ds_corpus_read(const char *path, ds_buf *out, ds_bad_line_fn bad_line,
                   void *ctx, char **err)
{
    *err = NULL;
    ds_buf_clear(out);
    /* O_NONBLOCK: a FIFO named *.txt must not hang the indexer. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *err = ds_xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *err = ds_xasprintf("%s: not a regular file", path);
        close(fd);
        return -1;
    }
    if ((size_t)st.st_size > DS_MAX_FILE_BYTES) {
        *err = ds_xasprintf("%s: %lld bytes is over the %zu MiB file limit",
                            path, (long long)st.st_size,
                            DS_MAX_FILE_BYTES >> 20);
        close(fd);
        return -1;
    }
    ds_buf raw;
    ds_buf_init(&raw);
    ds_buf_reserve(&raw, (size_t)st.st_size);
    for (;;) {
        ds_buf_reserve(&raw, 65536);
        ssize_t n = read(fd, raw.data + raw.len, raw.cap - raw.len - 1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            *err = ds_xasprintf("%s: %s", path, strerror(errno));
            close(fd);
            ds_buf_free(&raw);
            return -1;
        }
        if (n == 0) break;
        raw.len += (size_t)n;
        if (raw.len > DS_MAX_FILE_BYTES) {
            *err = ds_xasprintf("%s: over the %zu MiB file limit", path,
                                DS_MAX_FILE_BYTES >> 20);
            close(fd);
            ds_buf_free(&raw);
            return -1;
        }
    }
    close(fd);
    ds_text_decode(raw.data, raw.len, out, bad_line, ctx);
    ds_buf_free(&raw);
    return 0;
}
