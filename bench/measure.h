/*
 * measure.h — how the driver measures: running a child process (timed,
 * with its rusage from wait4), sizes on disk, and order statistics.
 */
#ifndef BENCH_MEASURE_H
#define BENCH_MEASURE_H

#include <stddef.h>

typedef struct {
    double wall;     /* seconds from spawn to reaped */
    double cpu;      /* user + system seconds of the child */
    long maxrss_kb;  /* the child's peak resident set (ru_maxrss) */
    int exit_code;   /* -1 when killed by a signal */
    char *out;       /* captured stdout (malloc'd), or NULL */
} bx_run;

/* Spawn argv[0] (found on PATH) with stdin from /dev/null and stdout
 * captured into r->out when `capture`, else sent to /dev/null; stderr is
 * inherited.  Exits when the program cannot be started. */
void bx_spawn(char *const argv[], int capture, bx_run *r);

/* bx_spawn, exiting with the command line when its status is not 0. */
void bx_spawn_ok(char *const argv[], int capture, bx_run *r);

/* Bytes of the regular files at `path` (a file, or a directory tree;
 * symbolic links are not followed).  0 when it does not exist. */
unsigned long long bx_path_bytes(const char *path);

/* rm -rf `path`; mkdir -p `path`. */
void bx_remove(const char *path);
void bx_mkdirs(const char *path);

/* Order statistics of v[0..n) (v is sorted in place).  The percentile is
 * nearest-rank: the smallest value with at least p% of values <= it. */
double bx_median(double *v, size_t n);
double bx_percentile(double *v, size_t n, double p);
double bx_sum(const double *v, size_t n);

/* CPU seconds the whole machine has been busy (all processes, from
 * /proc/stat), and CPU seconds used by this process and its reaped
 * children; their difference over a run is other people's work. */
double bx_machine_busy_seconds(void);
double bx_own_cpu_seconds(void);

/* The value of "key=" in a "k=v k=v" line, or -1. */
long long bx_field(const char *line, const char *key);

#endif
