/*
 * progress.c — a long build's progress on a terminal (cli.h): one line on
 * stderr, redrawn in place at most ten times a second, then cleared.
 *
 *   pass 1/2, reading: 1234/5000 files, 12.3 of 35.0 MB, 14.2 MB/s, 2 s left
 *   pass 2/2, indexing: 1234/5000 files, 56789 passages, 9.1 MB/s, 3 s left
 *   writing the index
 *
 * Nothing is drawn when stderr is not a terminal.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define REDRAW 0.1 /* seconds */
/* The speed is that of the last SAMPLES redraws (about two seconds): the
 * second pass reads ahead of the shards until their queues fill, so its
 * average from the start would promise too soon an end. */
#define SAMPLES 20

static struct {
    int on, drawn, pass;
    double drawn_at;
    struct {
        double t;
        unsigned long long bytes;
    } sample[SAMPLES];        /* a ring, `taken` of them */
    size_t taken;
} state;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_start(void)
{
    memset(&state, 0, sizeof state);
    state.on = isatty(STDERR_FILENO);
}

static unsigned width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

/* ", 14.2 MB/s, 3 s left" once the speed can be told, from the oldest
 * sample kept to `p`, read at `t`. */
static void speed(char *out, size_t size, const ds_index_progress *p,
                  double t)
{
    size_t n = state.taken < SAMPLES ? state.taken : SAMPLES;
    size_t oldest = state.taken < SAMPLES ? 0 : state.taken % SAMPLES;
    double span = n ? t - state.sample[oldest].t : 0;
    *out = '\0';
    if (span < 0.25 || p->bytes <= state.sample[oldest].bytes) return;
    double per_second = (double)(p->bytes - state.sample[oldest].bytes) / span;
    double left = (double)(p->bytes_total - p->bytes) / per_second;
    int minutes = left >= 90;
    snprintf(out, size, ", %.1f MB/s, %.0f %s left", per_second / 1e6,
             minutes ? left / 60 + 0.5 : left + 0.5, minutes ? "min" : "s");
}

static void describe(char *line, size_t size, const ds_index_progress *p,
                     double t)
{
    char rate[64];
    speed(rate, sizeof rate, p, t);
    if (p->pass == 1)
        snprintf(line, size, "pass 1/2, reading: %lu/%lu files, %.1f of "
                 "%.1f MB%s", p->files, p->files_total, (double)p->bytes / 1e6,
                 (double)p->bytes_total / 1e6, rate);
    else if (p->pass == 2)
        snprintf(line, size, "pass 2/2, indexing: %lu/%lu files, %lu "
                 "passages%s", p->files, p->files_total, p->passages, rate);
    else
        snprintf(line, size, "writing the index");
}

void cli_progress_tell(void *ctx, const ds_index_progress *p)
{
    (void)ctx;
    double t = now();
    if (p->pass != state.pass) {
        state.pass = p->pass;
        state.taken = 0;
    } else if (t - state.drawn_at < REDRAW) {
        return;
    }
    if (!state.on) return;
    char line[256];
    describe(line, sizeof line, p, t);
    state.sample[state.taken % SAMPLES].t = t;
    state.sample[state.taken % SAMPLES].bytes = p->bytes;
    state.taken++;
    unsigned cols = width() - 1;
    if (strlen(line) > cols) line[cols] = '\0';
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
    state.drawn = 1;
    state.drawn_at = t;
}

void cli_progress_clear(void)
{
    if (!state.drawn) return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    state.drawn = 0;
}
