/*
 * watch.c — `dealsearch watch`: keep the index current as the corpus
 * folder changes.  inotify watches the folder and every folder below it;
 * a burst of events (an editor saving, a copy of many files) is let
 * settle for WATCH_QUIET_MS and then answered with one update
 * (ds_indexer_update: only what changed is read).  The folder itself
 * moved or deleted ends it with one line and exit 2; SIGINT or SIGTERM
 * ends it after the update under way, exit 0.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Quiet after the last event before updating: long enough to take a
 * burst as one change, short enough for a saved article to be searchable
 * within a second. */
#define WATCH_QUIET_MS 200

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

#define EVENTS                                                               \
    (IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |  \
     IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

/* Watch `path` and the folders below it (hidden ones are not indexed). */
static void watch_tree(int fd, const char *path, int *root_wd)
{
    int wd = inotify_add_watch(fd, path, EVENTS | IN_ONLYDIR);
    if (root_wd && *root_wd < 0) *root_wd = wd;
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char child[PATH_MAX];
        struct stat st;
        if (snprintf(child, sizeof child, "%s/%s", path, e->d_name) <
                (int)sizeof child &&
            lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
            watch_tree(fd, child, NULL);
    }
    if (d) closedir(d);
}

/* Read the pending events; 1 when something under the folder changed,
 * -1 when the folder itself went. */
static int drain(int fd, int root_wd, const char *corpus)
{
    _Alignas(struct inotify_event) char buf[16384];
    int changed = 0;
    ssize_t n = read(fd, buf, sizeof buf);
    for (char *p = buf; n > 0 && p < buf + n;) {
        const struct inotify_event *ev = (const struct inotify_event *)p;
        if (ev->wd == root_wd && (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)))
            return -1;
        if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO)))
            watch_tree(fd, corpus, NULL); /* a new folder: watch it too */
        if (ev->mask & IN_Q_OVERFLOW) changed = 1;
        if (!(ev->mask & IN_IGNORED)) changed = 1;
        p += sizeof *ev + ev->len;
    }
    return changed;
}

/* One update; its summary on stdout, its failure on stderr. */
static int update(const ds_index_options *opt)
{
    ds_indexer *ix = NULL;
    ds_index_stats stats;
    char *err = NULL;
    ds_status st = ds_indexer_open(opt, &ix, &err);
    if (st == DS_OK) st = ds_indexer_update(ix, &stats, &err);
    ds_indexer_close(ix);
    if (st != DS_OK) {
        cli_warn("%s", err);
        free(err);
        return st == DS_ERR_LOCKED ? 0 : -1; /* locked: try again later */
    }
    char *summary = ds_index_summary(&stats);
    printf("%s\n", summary);
    fflush(stdout);
    free(summary);
    return 1;
}

int cli_watch(const ds_index_options *opt)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd < 0) {
        cli_warn("cannot watch '%s': %s", opt->corpus.path, strerror(errno));
        return EXIT_ERROR;
    }
    int root_wd = -1;
    watch_tree(fd, opt->corpus.path, &root_wd);
    int rc = EXIT_MATCH;
    if (root_wd < 0) {
        cli_warn("cannot watch '%s': %s", opt->corpus.path, strerror(errno));
        rc = EXIT_ERROR;
    } else if (update(opt) < 0) {
        rc = EXIT_ERROR;
    }
    int pending = 0;
    while (rc == EXIT_MATCH && !stop) {
        struct pollfd p = {fd, POLLIN, 0};
        int ready = poll(&p, 1, pending ? WATCH_QUIET_MS : -1);
        if (ready < 0 && errno != EINTR) break;
        if (ready > 0) {
            int got = drain(fd, root_wd, opt->corpus.path);
            if (got < 0) {
                cli_warn("corpus folder '%s' was moved or deleted; stopped "
                         "watching", opt->corpus.path);
                rc = EXIT_ERROR;
            }
            pending |= got > 0;
        } else if (ready == 0 && pending) { /* quiet: one update for all */
            int done = update(opt);
            if (done < 0) rc = EXIT_ERROR;
            pending = done == 0; /* another build held the lock: later */
        }
    }
    close(fd);
    return rc;
}
