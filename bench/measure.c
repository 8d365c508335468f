/* measure.c — see measure.h. */
#define _GNU_SOURCE /* wait4, nftw's FTW_PHYS */
#include "measure.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

extern char **environ;

static double seconds_of(const struct rusage *ru);

static char *read_all(int fd)
{
    size_t len = 0, cap = 1 << 16;
    char *data = bx_malloc(cap);
    ssize_t n;
    while ((n = read(fd, data + len, cap - len - 1)) != 0) {
        if (n < 0) {
            if (errno == EINTR) continue;
            bx_die("reading a child's output: %s", strerror(errno));
        }
        len += (size_t)n;
        if (cap - len < 2) data = bx_realloc(data, cap *= 2);
    }
    data[len] = '\0';
    return data;
}

static void set_up_fds(posix_spawn_file_actions_t *fa, int capture, int pipe_fd[2])
{
    posix_spawn_file_actions_init(fa);
    posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
    if (capture) {
        if (pipe(pipe_fd) != 0) bx_die("pipe: %s", strerror(errno));
        posix_spawn_file_actions_adddup2(fa, pipe_fd[1], 1);
        posix_spawn_file_actions_addclose(fa, pipe_fd[0]);
        posix_spawn_file_actions_addclose(fa, pipe_fd[1]);
    } else {
        posix_spawn_file_actions_addopen(fa, 1, "/dev/null", O_WRONLY, 0);
    }
}

void bx_spawn(char *const argv[], int capture, bx_run *r)
{
    posix_spawn_file_actions_t fa;
    int pipe_fd[2] = {-1, -1};
    set_up_fds(&fa, capture, pipe_fd);
    fflush(NULL);
    pid_t pid;
    double start = bx_now();
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) bx_die("cannot run %s: %s", argv[0], strerror(rc));
    r->out = NULL;
    if (capture) {
        close(pipe_fd[1]);
        r->out = read_all(pipe_fd[0]);
        close(pipe_fd[0]);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) bx_die("wait4: %s", strerror(errno));
    r->wall = bx_now() - start;
    r->cpu = seconds_of(&ru);
    r->maxrss_kb = ru.ru_maxrss;
    r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void bx_spawn_ok(char *const argv[], int capture, bx_run *r)
{
    bx_spawn(argv, capture, r);
    if (r->exit_code == 0) return;
    fprintf(stderr, "failed (status %d):", r->exit_code);
    for (char *const *a = argv; *a; a++) fprintf(stderr, " %s", *a);
    fputc('\n', stderr);
    exit(2);
}

static unsigned long long tree_bytes;

static int add_file(const char *path, const struct stat *st, int type,
                    struct FTW *ftw)
{
    (void)path;
    (void)ftw;
    if (type == FTW_F && S_ISREG(st->st_mode))
        tree_bytes += (unsigned long long)st->st_size;
    return 0;
}

unsigned long long bx_path_bytes(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return 0;
    tree_bytes = 0;
    nftw(path, add_file, 16, FTW_PHYS);
    return tree_bytes;
}

void bx_remove(const char *path)
{
    char *argv[] = {"rm", "-rf", (char *)path, NULL};
    bx_run r;
    bx_spawn_ok(argv, 0, &r);
}

void bx_mkdirs(const char *path)
{
    char *argv[] = {"mkdir", "-p", (char *)path, NULL};
    bx_run r;
    bx_spawn_ok(argv, 0, &r);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bx_percentile(double *v, size_t n, double p)
{
    if (n == 0) return NAN;
    qsort(v, n, sizeof *v, compare_doubles);
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    return v[rank ? rank - 1 : 0];
}

double bx_median(double *v, size_t n)
{
    if (n == 0) return NAN;
    qsort(v, n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double bx_sum(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += v[i];
    return s;
}

double bx_machine_busy_seconds(void)
{
    unsigned long long v[8] = {0};
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return 0;
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                   &v[3], &v[4], &v[5], &v[6], &v[7]);
    fclose(f);
    if (n != 8) return 0;
    /* user nice system [idle iowait] irq softirq steal */
    unsigned long long busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    return (double)busy / (double)sysconf(_SC_CLK_TCK);
}

static double seconds_of(const struct rusage *ru)
{
    return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
           (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

double bx_own_cpu_seconds(void)
{
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    return seconds_of(&self) + seconds_of(&kids);
}

long long bx_field(const char *line, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = line; (p = strstr(p, key)) != NULL; p += n)
        if ((p == line || p[-1] == ' ' || p[-1] == '\n') && p[n] == '=')
            return strtoll(p + n + 1, NULL, 10);
    return -1;
}
