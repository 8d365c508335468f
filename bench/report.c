/*
 * report.c — the benchmark's table (for people) and JSON (for programs).
 *
 * Build figures are medians over the runs; MB/s and passages/s use the
 * corpus's bytes and passages and the median wall time.  Query figures are
 * per query the median of its samples; p50/p95/p99 are nearest-rank over
 * the queries of a class, "total" their sum.  Ratios are dealsearch's
 * figure over the peer's (below 1: dealsearch is faster/smaller).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "measure.h"

/* ---- figures ------------------------------------------------------------- */

static double median_of(const double *v, int n)
{
    double copy[BX_MAX_RUNS];
    memcpy(copy, v, (size_t)n * sizeof *v);
    return bx_median(copy, (size_t)n);
}

double bx_build_median_wall(const bx_build *b)
{
    return median_of(b->wall, b->runs);
}

double bx_build_median_cpu(const bx_build *b)
{
    return median_of(b->cpu, b->runs);
}

double bx_build_median_rss_mb(const bx_build *b)
{
    double mb[BX_MAX_RUNS];
    for (int i = 0; i < b->runs; i++) mb[i] = (double)b->rss_kb[i] / 1024.0;
    return bx_median(mb, (size_t)b->runs);
}

double bx_proc_median(const bx_proc *p)
{
    double *copy = bx_malloc(p->n * sizeof *copy);
    memcpy(copy, p->ms, p->n * sizeof *copy);
    double m = bx_median(copy, p->n);
    free(copy);
    return m;
}

typedef struct {
    size_t n;
    double total, p50, p95, p99;
} class_stats;

/* Stats of run `q` over the queries of class `cls` (NULL: all). */
static class_stats stats_of(const bx_bench *b, const bx_qrun *q, const char *cls)
{
    double *v = bx_malloc(q->n * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < q->n; i++)
        if (!cls || !strcmp(b->queries.items[i].cls, cls)) v[n++] = q->ms[i];
    class_stats s = {n, bx_sum(v, n), bx_percentile(v, n, 50),
                     bx_percentile(v, n, 95), bx_percentile(v, n, 99)};
    free(v);
    return s;
}

/* The distinct query classes, in file order (at most 16). */
static size_t classes(const bx_bench *b, const char **out)
{
    size_t n = 0;
    for (size_t i = 0; i < b->queries.count && n < 16; i++) {
        size_t k = 0;
        while (k < n && strcmp(out[k], b->queries.items[i].cls)) k++;
        if (k == n) out[n++] = b->queries.items[i].cls;
    }
    return n;
}

static const bx_qrun *find_qrun(const bx_bench *b, const char *sys, const char *mode)
{
    for (size_t i = 0; i < b->n_qruns; i++)
        if (!strcmp(b->qruns[i].sys, sys) && !strcmp(b->qruns[i].mode, mode))
            return &b->qruns[i];
    return NULL;
}

static const bx_proc *find_proc(const bx_bench *b, const char *tool, const char *corpus)
{
    for (size_t i = 0; i < b->n_procs; i++)
        if (!strcmp(b->procs[i].tool, tool) && !strcmp(b->procs[i].corpus, corpus))
            return &b->procs[i];
    return NULL;
}

static size_t zero_hit_queries(const bx_qrun *q)
{
    size_t n = 0;
    for (size_t i = 0; i < q->n; i++) n += q->hits[i] == 0;
    return n;
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : NAN;
}

/* ---- table ------------------------------------------------------------------ */

static void table_header(FILE *f, const bx_bench *b)
{
    fprintf(f, "== dealsearch benchmark (%s) — %s — %.0f s ==\n", b->mode, b->date, b->seconds);
    fprintf(f, "machine: %s, %ld cores, %s RAM; %s\n", b->cpu, b->nproc, b->mem, b->kernel);
    fprintf(f, "versions: %s; dealsearch %s\n", b->versions, b->git);
    fprintf(f, "other processes used %.0f%% of the machine's CPU during the run "
            "(load average %.2f at the start)\n", 100 * b->others_cpu, b->load_start);
    if (b->others_cpu > 0.10)
        fprintf(f, "WARNING: the machine was busy with other work; timings are skewed\n");
    for (size_t i = 0; i < b->n_corpora; i++) {
        const bx_corpus *c = &b->corpora[i];
        fprintf(f, "corpus %-10s %3lu files, %6lu passages, %5.1f MB, sha256 %.16s…\n",
                c->name, c->files, c->passages, (double)c->bytes / 1e6, c->sha256);
    }
    for (size_t i = 0; i < b->n_news; i++) {
        const bx_news *n = &b->news[i];
        fprintf(f, "news corpus %-14s %5lu files, %5.1f MB, sha256 %.16s…, %s\n", n->name,
                n->files, (double)n->bytes / 1e6, n->sha256, n->dir);
    }
}

static void build_row(FILE *f, const bx_corpus *c, const bx_build *r)
{
    double wall = bx_build_median_wall(r);
    fprintf(f, "%-11s %-11s %8.2f %7.2f %10.0f %8.1f %7.2f %9.1f %9.1f\n", c->name,
            r->label, wall, (double)c->bytes / 1e6 / wall, (double)c->passages / wall,
            bx_build_median_rss_mb(r), bx_build_median_cpu(r), (double)r->index_bytes / 1e6,
            (double)r->compact_bytes / 1e6);
}

static void build_ratios(FILE *f, const bx_corpus *c)
{
    const bx_build *fts = &c->build[SYS_FTS5], *x = &c->build[SYS_XAPIAN],
                   *d = &c->build[SYS_DS];
    double w = bx_build_median_wall(d), r = bx_build_median_rss_mb(d);
    fprintf(f, "  %s ratios dealsearch/FTS5, dealsearch/raw Xapian: wall %.2fx, %.2fx; "
            "peak RSS %.2fx, %.2fx; index %.2fx, %.2fx; compacted %.2fx, %.2fx\n",
            c->name, ratio(w, bx_build_median_wall(fts)), ratio(w, bx_build_median_wall(x)),
            ratio(r, bx_build_median_rss_mb(fts)), ratio(r, bx_build_median_rss_mb(x)),
            ratio((double)d->index_bytes, (double)fts->index_bytes),
            ratio((double)d->index_bytes, (double)x->index_bytes),
            ratio((double)d->compact_bytes, (double)fts->compact_bytes),
            ratio((double)d->compact_bytes, (double)x->compact_bytes));
}

static void table_builds(FILE *f, const bx_bench *b)
{
    if (b->n_corpora == 0 || b->corpora[0].build[0].runs == 0) return;
    fprintf(f, "\nINDEX BUILD — median of %d runs, order of systems rotated each run\n",
            b->corpora[0].build[0].runs);
    fprintf(f, "%-11s %-11s %8s %7s %10s %8s %7s %9s %9s\n", "corpus", "system", "wall s",
            "MB/s", "passages/s", "RSS MB", "CPU s", "index MB", "compact");
    for (size_t i = 0; i < b->n_corpora; i++)
        for (int s = 0; s < N_SYS; s++) build_row(f, &b->corpora[i], &b->corpora[i].build[s]);
    for (size_t i = 0; i < b->n_corpora; i++) build_ratios(f, &b->corpora[i]);
    for (size_t i = 0; i < b->n_corpora; i++)
        for (int s = 0; s < N_SYS; s++)
            if (b->corpora[i].build[s].passages != b->corpora[i].passages)
                fprintf(f, "  NOTE: %s indexed %lu passages of %s's %lu\n",
                        b->corpora[i].build[s].label, b->corpora[i].build[s].passages,
                        b->corpora[i].name, b->corpora[i].passages);
    fprintf(f, "  (compact: Xapian after xapian-compact; FTS5 after 'optimize' + VACUUM)\n");
}

static void news_row(FILE *f, const bx_news *n, const bx_build *r)
{
    double wall = bx_build_median_wall(r);
    fprintf(f, "%-14s %-14s %7.2f %6.2f %8.0f %9lu %7.1f %7.2f %9.1f\n", n->name, r->label,
            wall, (double)n->bytes / 1e6 / wall, (double)n->files / wall, r->passages,
            bx_build_median_rss_mb(r), bx_build_median_cpu(r), (double)r->index_bytes / 1e6);
}

/* This tree over the baseline: the same files, so the throughput ratio is
 * the inverse of the wall-time one. */
static void news_ratios(FILE *f, const bx_bench *b, const bx_news *n)
{
    const bx_build *d = &n->build[NEWS_THIS], *o = &n->build[NEWS_BASELINE];
    double w = ratio(bx_build_median_wall(d), bx_build_median_wall(o));
    fprintf(f, "  %s dealsearch/%s: throughput %.2fx (wall %.2fx); CPU %.2fx; peak RSS "
            "%.2fx; index %.2fx; passages %.2fx\n", n->name, b->baseline_label, 1 / w, w,
            ratio(bx_build_median_cpu(d), bx_build_median_cpu(o)),
            ratio(bx_build_median_rss_mb(d), bx_build_median_rss_mb(o)),
            ratio((double)d->index_bytes, (double)o->index_bytes),
            ratio((double)d->passages, (double)o->passages));
}

/* Medians of one kind of update, from its samples. */
typedef struct {
    double wall, cpu, searchable, rss_mb, max_searchable;
} update_medians;

static update_medians update_stats(const bx_update *u)
{
    double w[BX_MAX_UPDATE_RUNS], c[BX_MAX_UPDATE_RUNS], s[BX_MAX_UPDATE_RUNS],
        r[BX_MAX_UPDATE_RUNS];
    size_t n = (size_t)u->runs;
    for (size_t i = 0; i < n; i++) {
        w[i] = u->wall[i];
        c[i] = u->cpu[i];
        s[i] = u->searchable[i];
        r[i] = (double)u->rss_kb[i] / 1024.0;
    }
    update_medians m = {bx_median(w, n), bx_median(c, n), bx_median(s, n),
                        bx_median(r, n), 0};
    for (size_t i = 0; i < n; i++)
        if (s[i] > m.max_searchable) m.max_searchable = s[i];
    return m;
}

static void table_updates(FILE *f, const bx_bench *b)
{
    const bx_updates *us = &b->updates;
    if (!us->corpus) return;
    const bx_build *full = &us->build;
    fprintf(f, "\nUPDATES — dealsearch index on a changed copy of %s (--plain), each change "
            "made and undone, median of %d updates\n", us->corpus, us->kinds[0].runs);
    fprintf(f, "%-32s %7s %7s %12s %8s %7s %11s %9s\n", "change", "wall s", "CPU s",
            "searchable s", "(max)", "RSS MB", "in / out", "x faster");
    fprintf(f, "%-32s %7.2f %7.2f %12s %8s %7.1f %11lu %9s\n", "full build (the reference)",
            full->wall[0], full->cpu[0], "", "", (double)full->rss_kb[0] / 1024.0,
            full->passages, "");
    for (size_t k = 0; k < us->n_kinds; k++) {
        const bx_update *u = &us->kinds[k];
        update_medians m = update_stats(u);
        char io[32];
        snprintf(io, sizeof io, "%lu / %lu", u->passages_in, u->passages_out);
        fprintf(f, "%-32s %7.3f %7.3f %12.3f %8.3f %7.1f %11s %8.0fx\n", u->label, m.wall,
                m.cpu, m.searchable, m.max_searchable, m.rss_mb, io,
                ratio(full->wall[0], m.searchable));
    }
    fprintf(f, "  (x faster: the full build's wall time over the update's time until "
            "searchable; 1%% = %zu files; index %.1f MB built, %.1f MB after the "
            "updates)\n", us->files_changed_pct, (double)full->index_bytes / 1e6,
            (double)us->index_bytes_after / 1e6);
}

static void table_news(FILE *f, const bx_bench *b)
{
    if (b->n_news == 0 || b->news[0].build[NEWS_THIS].runs == 0) {
        if (b->news_notes) fprintf(f, "\nNEWS READER BUILD\n%s", b->news_notes);
        return;
    }
    int builds = b->baseline_label ? N_NEWS_BUILDS : 1;
    fprintf(f, "\nNEWS READER BUILD — dealsearch's news reader (no --plain), median of %d "
            "runs%s\n", b->news[0].build[NEWS_THIS].runs,
            builds > 1 ? ", builds alternated run by run" : "");
    fprintf(f, "%-14s %-14s %7s %6s %8s %9s %7s %7s %9s\n", "corpus", "build", "wall s",
            "MB/s", "files/s", "passages", "RSS MB", "CPU s", "index MB");
    for (size_t i = 0; i < b->n_news; i++)
        for (int k = 0; k < builds; k++) news_row(f, &b->news[i], &b->news[i].build[k]);
    for (size_t i = 0; i < b->n_news && builds > 1; i++) news_ratios(f, b, &b->news[i]);
    if (b->news_notes) fputs(b->news_notes, f);
}

static void query_cell(FILE *f, const class_stats *s)
{
    fprintf(f, " %8.1f [%5.2f %5.2f %5.2f]", s->total, s->p50, s->p95, s->p99);
}

static void query_row(FILE *f, const bx_bench *b, const char *cls, const char *mode)
{
    class_stats s[N_SYS];
    const char *names[N_SYS] = {"fts5", "xapian", "dealsearch"};
    fprintf(f, "%-12s", cls ? cls : "ALL");
    for (int k = 0; k < N_SYS; k++) {
        const bx_qrun *q = find_qrun(b, names[k], mode);
        s[k] = q ? stats_of(b, q, cls) : (class_stats){0, NAN, NAN, NAN, NAN};
        if (k == 0) fprintf(f, " %4zu", s[k].n);
        query_cell(f, &s[k]);
    }
    fprintf(f, " %7.2f %7.2f\n", ratio(s[SYS_DS].total, s[SYS_FTS5].total),
            ratio(s[SYS_DS].total, s[SYS_XAPIAN].total));
}

static void table_query_mode(FILE *f, const bx_bench *b, const char *mode, const char *title)
{
    const char *cls[16];
    size_t n = classes(b, cls);
    fprintf(f, "\n%s — ms: total over the class [p50 p95 p99 per query]\n", title);
    fprintf(f, "%-12s %4s %-29s %-29s %-29s %7s %7s\n", "class", "n", " FTS5", " raw Xapian",
            " dealsearch", "ds/FTS5", "ds/Xap");
    for (size_t i = 0; i < n; i++) query_row(f, b, cls[i], mode);
    query_row(f, b, NULL, mode);
}

static void table_queries(FILE *f, const bx_bench *b)
{
    if (!find_qrun(b, "dealsearch", "nosnip")) return;
    fprintf(f, "\nQUERIES in-process on %s: %zu queries (%s), index opened once, warm; "
            "per query the median of %d samples (%d rounds x %d reps)\n",
            b->query_corpus, b->queries.count, b->queries_path,
            b->query_rounds * b->query_reps, b->query_rounds, b->query_reps);
    table_query_mode(f, b, "nosnip", "WITHOUT SNIPPETS (top 10, passage text fetched)");
    table_query_mode(f, b, "snip", "WITH SNIPPETS (FTS5 snippet(); MSet::snippet; "
                                   "dealsearch ds_render JSON)");
    const bx_qrun *h = find_qrun(b, "dealsearch", "human");
    if (h) {
        class_stats s = stats_of(b, h, NULL);
        fprintf(f, "dealsearch ds_render human listing: total %.1f ms [p50 %.2f p95 %.2f "
                "p99 %.2f]\n", s.total, s.p50, s.p95, s.p99);
    }
    for (size_t i = 0; i < b->n_qruns; i++)
        if (zero_hit_queries(&b->qruns[i]))
            fprintf(f, "WARNING: %s (%s) found nothing for %zu queries\n", b->qruns[i].label,
                    b->qruns[i].mode, zero_hit_queries(&b->qruns[i]));
}

static void proc_cell(FILE *f, const bx_bench *b, const char *tool, const char *corpus)
{
    const bx_proc *p = find_proc(b, tool, corpus);
    if (p && p->n) fprintf(f, " %12.2f", bx_proc_median(p));
    else fprintf(f, " %12s", "-");
}

static double proc_median(const bx_bench *b, const char *tool, const char *corpus)
{
    const bx_proc *p = find_proc(b, tool, corpus);
    return p ? bx_proc_median(p) : NAN;
}

static void table_processes(FILE *f, const bx_bench *b)
{
    static const char *const tools[] = {"floor (/bin/true)", "dealsearch --version",
                                        "dealsearch", "quest", "sqlite3", "rg -i"};
    if (b->n_procs == 0) return;
    fprintf(f, "\nWHOLE PROCESS — median ms per run, tools alternated (demo: 'interim CEO', "
            "%d runs each; large: first query of each class)\n", b->proc_reps);
    fprintf(f, "%-11s %12s %12s %12s %12s %12s %12s %8s %8s\n", "corpus", "/bin/true",
            "ds --version", "dealsearch", "quest", "sqlite3", "rg -i", "ds/quest", "ds/sql");
    const char *corpora[2] = {"demo", b->query_corpus};
    for (int c = 0; c < 2; c++) {
        fprintf(f, "%-11s", corpora[c]);
        for (size_t t = 0; t < 6; t++) proc_cell(f, b, tools[t], corpora[c]);
        double d = proc_median(b, "dealsearch", corpora[c]);
        fprintf(f, " %8.2f %8.2f\n", ratio(d, proc_median(b, "quest", corpora[c])),
                ratio(d, proc_median(b, "sqlite3", corpora[c])));
    }
    if (b->hyperfine) fprintf(f, "  cross-check: %s\n", b->hyperfine);
    for (size_t i = 0; i < b->n_procs; i++)
        if (b->procs[i].failures)
            fprintf(f, "WARNING: %s on %s failed %zu times (not timed)\n", b->procs[i].tool,
                    b->procs[i].corpus, b->procs[i].failures);
}

static void table_levers(FILE *f, const bx_bench *b)
{
    if (b->n_levers == 0) return;
    double base = bx_build_median_wall(&b->levers[0]);
    fprintf(f, "\nRAW-XAPIAN BUILD LEVERS on %s — median of %d runs, rotated\n",
            b->lever_corpus, b->levers[0].runs);
    fprintf(f, "%-38s %8s %8s %8s %7s %9s\n", "lever", "wall s", "vs base", "RSS MB",
            "CPU s", "index MB");
    for (size_t i = 0; i < b->n_levers; i++) {
        const bx_build *l = &b->levers[i];
        double w = bx_build_median_wall(l);
        fprintf(f, "%-38s %8.2f %7.2fx %8.1f %7.2f %9.1f\n", l->label, w, ratio(w, base),
                bx_build_median_rss_mb(l), bx_build_median_cpu(l),
                (double)l->index_bytes / 1e6);
    }
    fprintf(f, "\nRAW-XAPIAN QUERY LEVERS on %s — %zu queries, ms\n", b->query_corpus,
            b->queries.count);
    fprintf(f, "%-40s %-7s %9s %6s %6s %6s %8s\n", "lever", "mode", "total", "p50", "p95",
            "p99", "vs base");
    double base_total[2] = {NAN, NAN};
    for (size_t i = 0; i < b->n_qruns; i++) {
        const bx_qrun *q = &b->qruns[i];
        class_stats s = stats_of(b, q, NULL);
        int snip = !strcmp(q->mode, "snip");
        if (isnan(base_total[snip])) base_total[snip] = s.total;
        fprintf(f, "%-40s %-7s %9.1f %6.3f %6.3f %6.3f %7.2fx\n", q->label, q->mode, s.total,
                s.p50, s.p95, s.p99, ratio(s.total, base_total[snip]));
    }
}

void bx_report_table(FILE *f, const bx_bench *b)
{
    table_header(f, b);
    table_builds(f, b);
    table_news(f, b);
    table_updates(f, b);
    table_queries(f, b);
    table_processes(f, b);
    table_levers(f, b);
}

/* ---- JSON ------------------------------------------------------------------ */

typedef struct {
    FILE *f;
    int depth;
    int first[16];
} json;

static void j_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

static void j_key(json *j, const char *key)
{
    if (!j->first[j->depth]) fputc(',', j->f);
    j->first[j->depth] = 0;
    fprintf(j->f, "\n%*s", 2 * j->depth, "");
    if (key) {
        j_string(j->f, key);
        fputs(": ", j->f);
    }
}

static void j_open(json *j, const char *key, char bracket)
{
    j_key(j, key);
    fputc(bracket, j->f);
    j->first[++j->depth] = 1;
}

static void j_close(json *j, char bracket)
{
    j->depth--;
    fprintf(j->f, "\n%*s%c", 2 * j->depth, "", bracket);
}

static void j_str(json *j, const char *key, const char *v)
{
    j_key(j, key);
    j_string(j->f, v ? v : "");
}

static void j_raw_num(FILE *f, double v)
{
    if (isnan(v) || isinf(v)) fputs("null", f);
    else fprintf(f, "%.6g", v);
}

static void j_num(json *j, const char *key, double v)
{
    j_key(j, key);
    j_raw_num(j->f, v);
}

static void j_nums(json *j, const char *key, const double *v, size_t n)
{
    j_key(j, key);
    fputc('[', j->f);
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(", ", j->f);
        j_raw_num(j->f, v[i]);
    }
    fputc(']', j->f);
}

static void j_longs(json *j, const char *key, const long *v, size_t n)
{
    double *d = bx_malloc(n * sizeof *d);
    for (size_t i = 0; i < n; i++) d[i] = (double)v[i];
    j_nums(j, key, d, n);
    free(d);
}

static void json_machine(json *j, const bx_bench *b)
{
    j_open(j, "machine", '{');
    j_str(j, "cpu", b->cpu);
    j_num(j, "nproc", (double)b->nproc);
    j_str(j, "memory", b->mem);
    j_str(j, "kernel", b->kernel);
    j_str(j, "versions", b->versions);
    j_str(j, "dealsearch_git", b->git);
    j_num(j, "load_average_start", b->load_start);
    j_num(j, "others_cpu_share", b->others_cpu);
    j_close(j, '}');
}

/* A build's figures; with `bytes` (not 0) its MB/s and `count` units a
 * second under `rate_key` (passages_per_s, files_per_s). */
static void json_build(json *j, const char *key, const bx_build *r, double bytes,
                       const char *rate_key, double count)
{
    double wall = bx_build_median_wall(r), rss[BX_MAX_RUNS];
    for (int i = 0; i < r->runs; i++) rss[i] = (double)r->rss_kb[i] / 1024.0;
    j_open(j, key, '{');
    j_str(j, "label", r->label);
    j_num(j, "runs", r->runs);
    j_nums(j, "wall_s", r->wall, (size_t)r->runs);
    j_nums(j, "cpu_s", r->cpu, (size_t)r->runs);
    j_nums(j, "peak_rss_mb", rss, (size_t)r->runs);
    j_num(j, "median_wall_s", wall);
    j_num(j, "median_cpu_s", bx_build_median_cpu(r));
    j_num(j, "median_peak_rss_mb", bx_build_median_rss_mb(r));
    if (bytes > 0) {
        j_num(j, "mb_per_s", bytes / 1e6 / wall);
        j_num(j, rate_key, count / wall);
    }
    j_num(j, "passages_indexed", (double)r->passages);
    j_num(j, "index_bytes", (double)r->index_bytes);
    j_num(j, "compacted_bytes", (double)r->compact_bytes);
    j_num(j, "compact_s", r->compact_seconds);
    j_close(j, '}');
}

static void json_corpus(json *j, const bx_bench *b, const bx_corpus *c)
{
    j_open(j, NULL, '{');
    j_str(j, "name", c->name);
    j_str(j, "dir", c->dir);
    j_num(j, "files", (double)c->files);
    j_num(j, "passages", (double)c->passages);
    j_num(j, "bytes", (double)c->bytes);
    j_str(j, "sha256", c->sha256);
    if (c->build[0].runs) {
        j_open(j, "builds", '{');
        for (int s = 0; s < N_SYS; s++)
            json_build(j, b->sys[s].name, &c->build[s], (double)c->bytes, "passages_per_s",
                       (double)c->passages);
        j_close(j, '}');
        double w = bx_build_median_wall(&c->build[SYS_DS]);
        j_open(j, "ratios", '{');
        j_num(j, "wall_ds_over_fts5", ratio(w, bx_build_median_wall(&c->build[SYS_FTS5])));
        j_num(j, "wall_ds_over_xapian", ratio(w, bx_build_median_wall(&c->build[SYS_XAPIAN])));
        j_num(j, "compacted_ds_over_fts5", ratio((double)c->build[SYS_DS].compact_bytes,
                                                 (double)c->build[SYS_FTS5].compact_bytes));
        j_close(j, '}');
    }
    j_close(j, '}');
}

static void json_news(json *j, const bx_bench *b)
{
    j_open(j, "news", '{');
    j_str(j, "baseline", b->baseline_label);
    j_str(j, "notes", b->news_notes);
    j_open(j, "corpora", '[');
    for (size_t i = 0; i < b->n_news; i++) {
        const bx_news *n = &b->news[i];
        j_open(j, NULL, '{');
        j_str(j, "name", n->name);
        j_str(j, "dir", n->dir);
        j_num(j, "files", (double)n->files);
        j_num(j, "bytes", (double)n->bytes);
        j_str(j, "sha256", n->sha256);
        j_open(j, "builds", '{');
        for (int k = 0; k < N_NEWS_BUILDS; k++) {
            if (n->build[k].runs)
                json_build(j, k == NEWS_THIS ? "dealsearch" : "baseline", &n->build[k],
                           (double)n->bytes, "files_per_s", (double)n->files);
        }
        j_close(j, '}');
        j_close(j, '}');
    }
    j_close(j, ']');
    j_close(j, '}');
}

static void json_updates(json *j, const bx_bench *b)
{
    const bx_updates *us = &b->updates;
    j_open(j, "updates", '{');
    j_str(j, "corpus", us->corpus);
    json_build(j, "full_build", &us->build, 0, NULL, 0);
    j_num(j, "files_in_1_percent", (double)us->files_changed_pct);
    j_num(j, "index_bytes_after", (double)us->index_bytes_after);
    j_open(j, "changes", '[');
    for (size_t k = 0; k < us->n_kinds; k++) {
        const bx_update *u = &us->kinds[k];
        update_medians m = update_stats(u);
        j_open(j, NULL, '{');
        j_str(j, "change", u->label);
        j_nums(j, "wall_s", u->wall, (size_t)u->runs);
        j_nums(j, "cpu_s", u->cpu, (size_t)u->runs);
        j_nums(j, "searchable_s", u->searchable, (size_t)u->runs);
        j_num(j, "median_wall_s", m.wall);
        j_num(j, "median_cpu_s", m.cpu);
        j_num(j, "median_searchable_s", m.searchable);
        j_num(j, "median_peak_rss_mb", m.rss_mb);
        j_num(j, "passages_in", (double)u->passages_in);
        j_num(j, "passages_out", (double)u->passages_out);
        j_num(j, "full_build_wall_over_searchable", ratio(us->build.wall[0], m.searchable));
        j_close(j, '}');
    }
    j_close(j, ']');
    j_close(j, '}');
}

static void json_class_stats(json *j, const char *key, class_stats s)
{
    j_open(j, key, '{');
    j_num(j, "n", (double)s.n);
    j_num(j, "total_ms", s.total);
    j_num(j, "p50_ms", s.p50);
    j_num(j, "p95_ms", s.p95);
    j_num(j, "p99_ms", s.p99);
    j_close(j, '}');
}

static void json_qrun(json *j, const bx_bench *b, const bx_qrun *q)
{
    const char *cls[16];
    size_t n = classes(b, cls);
    j_open(j, NULL, '{');
    j_str(j, "label", q->label);
    j_str(j, "system", q->sys);
    j_str(j, "mode", q->mode);
    j_num(j, "samples_per_query", (double)q->per_query);
    j_num(j, "zero_hit_queries", (double)zero_hit_queries(q));
    json_class_stats(j, "all", stats_of(b, q, NULL));
    j_open(j, "classes", '{');
    for (size_t i = 0; i < n; i++) json_class_stats(j, cls[i], stats_of(b, q, cls[i]));
    j_close(j, '}');
    j_nums(j, "median_ms", q->ms, q->n);
    j_longs(j, "hits", q->hits, q->n);
    j_longs(j, "matches", q->matches, q->n);
    j_close(j, '}');
}

static void json_queries(json *j, const bx_bench *b)
{
    j_open(j, "queries", '{');
    j_str(j, "file", b->queries_path);
    j_str(j, "corpus", b->query_corpus);
    j_num(j, "rounds", b->query_rounds);
    j_num(j, "reps", b->query_reps);
    j_open(j, "set", '[');
    for (size_t i = 0; i < b->queries.count; i++) {
        j_open(j, NULL, '[');
        j_str(j, NULL, b->queries.items[i].cls);
        j_str(j, NULL, b->queries.items[i].text);
        j_close(j, ']');
    }
    j_close(j, ']');
    j_open(j, "runs", '[');
    for (size_t i = 0; i < b->n_qruns; i++) json_qrun(j, b, &b->qruns[i]);
    j_close(j, ']');
    j_close(j, '}');
}

static void json_processes(json *j, const bx_bench *b)
{
    j_open(j, "process", '{');
    j_num(j, "demo_runs_per_tool", b->proc_reps);
    j_str(j, "hyperfine", b->hyperfine);
    j_open(j, "series", '[');
    for (size_t i = 0; i < b->n_procs; i++) {
        const bx_proc *p = &b->procs[i];
        double *copy = bx_malloc(p->n * sizeof *copy);
        memcpy(copy, p->ms, p->n * sizeof *copy);
        j_open(j, NULL, '{');
        j_str(j, "tool", p->tool);
        j_str(j, "corpus", p->corpus);
        j_num(j, "runs", (double)p->n);
        j_num(j, "failures", (double)p->failures);
        j_num(j, "median_ms", bx_median(copy, p->n));
        j_num(j, "p95_ms", bx_percentile(copy, p->n, 95));
        j_num(j, "min_ms", p->n ? copy[0] : NAN);
        j_close(j, '}');
        free(copy);
    }
    j_close(j, ']');
    j_close(j, '}');
}

static void json_levers(json *j, const bx_bench *b)
{
    j_open(j, "build_levers", '{');
    j_str(j, "corpus", b->lever_corpus);
    j_open(j, "levers", '[');
    for (size_t i = 0; i < b->n_levers; i++) {
        j_open(j, NULL, '{');
        j_str(j, "args", b->lever_args[i]);
        j_num(j, "vs_baseline", ratio(bx_build_median_wall(&b->levers[i]),
                                      bx_build_median_wall(&b->levers[0])));
        json_build(j, "build", &b->levers[i], 0, NULL, 0);
        j_close(j, '}');
    }
    j_close(j, ']');
    j_close(j, '}');
}

void bx_report_json(FILE *f, const bx_bench *b)
{
    json j = {f, 0, {1}};
    fputc('{', f);
    j_str(&j, "mode", b->mode);
    j_str(&j, "date", b->date);
    j_num(&j, "seconds", b->seconds);
    json_machine(&j, b);
    j_open(&j, "corpora", '[');
    for (size_t i = 0; i < b->n_corpora; i++) json_corpus(&j, b, &b->corpora[i]);
    j_close(&j, ']');
    if (b->n_news || b->news_notes) json_news(&j, b);
    if (b->updates.corpus) json_updates(&j, b);
    if (b->n_qruns) json_queries(&j, b);
    if (b->n_procs) json_processes(&j, b);
    if (b->n_levers) json_levers(&j, b);
    fputs("\n}\n", f);
}
