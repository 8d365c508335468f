/*
 * bench.h — what the driver (dsbench) measures and the report prints: the
 * systems compared, build figures per corpus, per-query latencies, whole-
 * process latencies and the raw-Xapian levers.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stddef.h>

#include "common.h"

#define BX_MAX_RUNS 9
#define BX_MAX_CORPORA 4
#define BX_MAX_QRUNS 24
#define BX_MAX_PROCS 24
#define BX_MAX_LEVERS 24
#define BX_MAX_NEWS 4

enum { SYS_FTS5, SYS_XAPIAN, SYS_DS, N_SYS };

typedef struct {
    const char *name;   /* JSON key and index suffix: fts5, xapian, dealsearch */
    const char *label;  /* for people: FTS5, raw Xapian, dealsearch */
    char *prog;         /* the peer program */
} bx_system;

/* One system's builds of one corpus. */
typedef struct {
    const char *label;     /* what was built (system or lever) */
    int runs;
    double wall[BX_MAX_RUNS], cpu[BX_MAX_RUNS];
    long rss_kb[BX_MAX_RUNS];
    unsigned long passages;          /* as the system counted them */
    unsigned long long index_bytes;  /* after the last run */
    unsigned long long compact_bytes; /* xapian-compact / FTS5 optimize+VACUUM */
    double compact_seconds;
} bx_build;

typedef struct {
    char *name;  /* gcide, gcide-1of8, ... */
    char *dir;
    unsigned long files, passages;
    unsigned long long bytes;
    char sha256[65];
    bx_build build[N_SYS];
} bx_corpus;

/* A folder of news articles built with dealsearch's news reader (no
 * --plain): by this tree, and by a baseline (another tree's ds_peer) when
 * one is given, the two alternated run by run. */
enum { NEWS_THIS, NEWS_BASELINE, N_NEWS_BUILDS };
typedef struct {
    char *name;  /* reuters-shared, reuters-21578 */
    char *dir;
    unsigned long files;
    unsigned long long bytes;
    char sha256[65];
    bx_build build[N_NEWS_BUILDS];
} bx_news;

/* One kind of change updated in place (updates.h). */
#define BX_MAX_UPDATE_RUNS 16
typedef struct {
    const char *label;
    int runs;
    double wall[BX_MAX_UPDATE_RUNS], cpu[BX_MAX_UPDATE_RUNS];
    double searchable[BX_MAX_UPDATE_RUNS];  /* until committed, s */
    long rss_kb[BX_MAX_UPDATE_RUNS];
    unsigned long passages_in, passages_out;  /* of the last run */
} bx_update;

typedef struct {
    const char *corpus;          /* NULL: not run */
    bx_build build;              /* the whole build updated since */
    bx_update kinds[4];
    size_t n_kinds;
    size_t files_changed_pct;    /* files in "1% of the files" */
    unsigned long long index_bytes_after;
} bx_updates;

/* One system answering the query set in one mode, in-process and warm. */
typedef struct {
    const char *label;   /* system or lever */
    const char *sys;     /* system name */
    const char *mode;    /* nosnip, snip (JSON for dealsearch), human */
    size_t n;            /* queries */
    size_t per_query;    /* samples per query so far */
    double *samples;     /* n x capacity, ms */
    size_t capacity;
    double *ms;          /* per-query median, ms (filled at the end) */
    long *hits, *matches;
} bx_qrun;

/* Whole-process runs of one tool on one corpus. */
typedef struct {
    const char *tool;
    const char *corpus;  /* demo or the large corpus */
    double *ms;
    size_t n, cap;
    size_t failures;     /* runs that exited with an error (not timed) */
} bx_proc;

typedef struct {
    const char *mode;  /* full, quick, levers */
    char date[64], cpu[128], mem[64], kernel[128];
    long nproc;
    char versions[512];
    char *git;
    bx_system sys[N_SYS];
    bx_corpus corpora[BX_MAX_CORPORA];
    size_t n_corpora;
    const char *queries_path;
    bx_queries queries;
    const char *query_corpus;
    int query_rounds, query_reps;
    bx_qrun qruns[BX_MAX_QRUNS];
    size_t n_qruns;
    int proc_reps;
    bx_proc procs[BX_MAX_PROCS];
    size_t n_procs;
    char *hyperfine;   /* hyperfine's own medians, as a cross-check */
    bx_news news[BX_MAX_NEWS];
    size_t n_news;
    char *news_notes;  /* manifest lines on corpora left out, or NULL */
    const char *baseline_label;  /* NULL: no baseline build */
    bx_updates updates;
    const char *lever_corpus;
    bx_build levers[BX_MAX_LEVERS];
    const char *lever_args[BX_MAX_LEVERS];
    size_t n_levers;
    double seconds;    /* the whole run */
    double load_start;     /* 1-minute load average when the run began */
    double others_cpu;     /* share of the machine's CPU used by other
                              processes during the run (0..1) */
} bx_bench;

/* report.c */
void bx_report_table(FILE *out, const bx_bench *b);
void bx_report_json(FILE *out, const bx_bench *b);

/* Shared helpers for the report. */
double bx_build_median_wall(const bx_build *b);
double bx_build_median_rss_mb(const bx_build *b);
double bx_build_median_cpu(const bx_build *b);
double bx_proc_median(const bx_proc *p);

#endif
