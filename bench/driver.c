/*
 * driver.c — dsbench, the benchmark driver.
 *
 *   dsbench --mode=full|quick|updates|levers --bin=DIR --data=DIR --results=DIR
 *           --queries=FILE [--dealsearch=./dealsearch] [--demo=corpus]
 *           [--news=MANIFEST [--baseline=PROG [--baseline-label=TEXT]]]
 *
 * full:   builds of the 1/8, 1/4, 1/2 and whole gcide corpus by FTS5, raw
 *         Xapian and dealsearch (3 runs each, the order of systems rotated
 *         every run), compaction, builds of the news corpora of MANIFEST
 *         with dealsearch's news reader (5 runs each; with --baseline,
 *         alternated with PROG, another tree's ds_peer), updates in place
 *         of a changed copy of the whole corpus (updates.h), the query set
 *         in-process on the whole corpus, and whole-process latency on the
 *         demo and gcide corpora.
 * quick:  the same on the 1/8 corpus and the first news corpus, with fewer
 *         repetitions.
 * updates: only the updates in place, on the whole corpus.
 * levers: raw-Xapian build levers on the 1/4 corpus and query levers on
 *         the whole corpus, each against the baseline.
 * Every program is a separate process (build peak RSS is the child's
 * ru_maxrss from wait4).  Writes MODE-latest.{txt,json} and a dated JSON
 * copy to the results directory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "measure.h"
#include "updates.h"

typedef struct {
    const char *mode, *bin, *data, *results, *queries, *dealsearch, *demo;
    const char *news, *baseline, *baseline_label;  /* NULL when not given */
} options;

static void parse_options(int argc, char **argv, options *o)
{
    *o = (options){"quick", "build/bench", "bench/data", "bench/results",
                   NULL, "./dealsearch", "corpus", NULL, NULL, "baseline"};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if ((v = bx_opt(a, "--mode"))) o->mode = v;
        else if ((v = bx_opt(a, "--bin"))) o->bin = v;
        else if ((v = bx_opt(a, "--data"))) o->data = v;
        else if ((v = bx_opt(a, "--results"))) o->results = v;
        else if ((v = bx_opt(a, "--queries"))) o->queries = v;
        else if ((v = bx_opt(a, "--dealsearch"))) o->dealsearch = v;
        else if ((v = bx_opt(a, "--demo"))) o->demo = v;
        else if ((v = bx_opt(a, "--news"))) o->news = v;
        else if ((v = bx_opt(a, "--baseline"))) o->baseline = v;
        else if ((v = bx_opt(a, "--baseline-label"))) o->baseline_label = v;
        else bx_die("unknown option '%s'", a);
    }
    if (strcmp(o->mode, "full") && strcmp(o->mode, "quick") && strcmp(o->mode, "updates") &&
        strcmp(o->mode, "levers"))
        bx_die("--mode takes full, quick, updates or levers");
    if (!o->queries) bx_die("--queries=FILE is required");
    if (o->baseline && !o->news) bx_die("--baseline needs --news=MANIFEST");
}

static int is_mode(const options *o, const char *m)
{
    return strcmp(o->mode, m) == 0;
}

/* ---- the machine ----------------------------------------------------------- */

/* The text after "key ... :" on the first matching line of `path`. */
static void proc_value(const char *path, const char *key, char *out, size_t size)
{
    snprintf(out, size, "?");
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, key, strlen(key)) != 0 || !colon) continue;
        colon += strspn(colon + 1, " \t") + 1;
        colon[strcspn(colon, "\n")] = '\0';
        snprintf(out, size, "%s", colon);
        break;
    }
    fclose(f);
}

/* The 1-minute load average: other work on the machine skews timings. */
static double load_average(void)
{
    double load = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f && fscanf(f, "%lf", &load) != 1) load = -1;
    if (f) fclose(f);
    return load;
}

/* Share of the machine's CPU that other processes used over `seconds`. */
static double others_share(double seconds)
{
    double busy0 = bx_machine_busy_seconds(), own0 = bx_own_cpu_seconds();
    double t0 = bx_now();
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
    double others = bx_machine_busy_seconds() - busy0 - (bx_own_cpu_seconds() - own0);
    return others / ((bx_now() - t0) * (double)sysconf(_SC_NPROCESSORS_ONLN));
}

/* Wait (at most `limit` seconds) until other processes use under 15% of
 * the CPU for 2 s: this machine is shared, and builds are timed. */
static void wait_for_quiet(double limit)
{
    double start = bx_now(), share;
    while ((share = others_share(2.0)) > 0.15 && bx_now() - start < limit)
        fprintf(stderr, "waiting for a quiet machine: other processes use %.0f%% of the CPU\n",
                100 * share);
}

static int on_path(const char *prog)
{
    const char *path = getenv("PATH");
    char *copy = bx_strdup(path ? path : "/usr/bin:/bin"), *save = NULL;
    int found = 0;
    for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char *full = bx_asprintf("%s/%s", d, prog);
        found = access(full, X_OK) == 0;
        free(full);
    }
    free(copy);
    return found;
}

/* First line of a command's output ("?" when it fails or is missing). */
static char *first_line(char *const argv[])
{
    if (!on_path(argv[0]) && access(argv[0], X_OK) != 0) return bx_strdup("?");
    bx_run r;
    bx_spawn(argv, 1, &r);
    r.out[strcspn(r.out, "\n")] = '\0';
    char *line = bx_strdup(r.exit_code == 0 && r.out[0] ? r.out : "?");
    free(r.out);
    return line;
}

static void describe_versions(bx_bench *b)
{
    char *xap[] = {b->sys[SYS_XAPIAN].prog, "version", NULL};
    char *fts[] = {b->sys[SYS_FTS5].prog, "version", NULL};
    char *rg[] = {"rg", "--version", NULL};
    char *quest[] = {"quest", "--version", NULL};
    char *v[4] = {first_line(xap), first_line(fts), first_line(rg), first_line(quest)};
    snprintf(b->versions, sizeof b->versions, "%s; %s; %s; %s", v[0], v[1], v[2], v[3]);
    for (int i = 0; i < 4; i++) free(v[i]);
    char *head[] = {"git", "rev-parse", "--short", "HEAD", NULL};
    char *dirty[] = {"git", "status", "--porcelain", "--", "src", "shim", NULL};
    char *rev = first_line(head), *changes = first_line(dirty);
    b->git = bx_asprintf("%s%s", rev, strcmp(changes, "?") ? " + uncommitted src/shim changes" : "");
    free(rev);
    free(changes);
}

static void describe_machine(bx_bench *b)
{
    time_t now = time(NULL);
    strftime(b->date, sizeof b->date, "%Y-%m-%d %H:%M:%S %Z", localtime(&now));
    b->nproc = sysconf(_SC_NPROCESSORS_ONLN);
    proc_value("/proc/cpuinfo", "model name", b->cpu, sizeof b->cpu);
    char kb[64];
    proc_value("/proc/meminfo", "MemTotal", kb, sizeof kb);
    snprintf(b->mem, sizeof b->mem, "%.1f GiB", atof(kb) / (1024.0 * 1024.0));
    struct utsname u;
    if (uname(&u) == 0) snprintf(b->kernel, sizeof b->kernel, "%.60s %.60s", u.sysname, u.release);
    describe_versions(b);
}

/* ---- corpora --------------------------------------------------------------- */

static void load_corpus(bx_corpus *c, const options *o, const char *name)
{
    char *path = bx_asprintf("%s/gcide.manifest", o->data);
    size_t len;
    char *text = bx_read_file(path, &len);
    size_t n = strlen(name);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, name, n) != 0 || line[n] != ' ') continue;
        c->name = bx_strdup(name);
        c->dir = bx_asprintf("%s/%s", o->data, name);
        c->files = (unsigned long)bx_field(line, "files");
        c->passages = (unsigned long)bx_field(line, "passages");
        c->bytes = (unsigned long long)bx_field(line, "bytes");
        const char *sha = strstr(line, "sha256=");
        snprintf(c->sha256, sizeof c->sha256, "%s", sha ? sha + 7 : "?");
    }
    free(text);
    free(path);
    if (!c->name) bx_die("%s is not in %s/gcide.manifest", name, o->data);
}

static bx_corpus *add_corpus(bx_bench *b, const options *o, const char *name)
{
    bx_corpus *c = &b->corpora[b->n_corpora++];
    memset(c, 0, sizeof *c);
    load_corpus(c, o, name);
    for (int s = 0; s < N_SYS; s++) c->build[s].label = b->sys[s].label;
    return c;
}

static char *index_path(const options *o, const char *corpus, const char *sys)
{
    return bx_asprintf("%s/idx/%s.%s", o->data, corpus, sys);
}

/* ---- builds ---------------------------------------------------------------- */

/* One timed build in a child process, recorded into `rec`. */
static void timed_build(bx_build *rec, char *const argv[], const char *path)
{
    bx_remove(path);
    bx_run r;
    bx_spawn_ok(argv, 1, &r);
    int i = rec->runs++;
    rec->wall[i] = r.wall;
    rec->cpu[i] = r.cpu;
    rec->rss_kb[i] = r.maxrss_kb;
    rec->passages = (unsigned long)bx_field(r.out, "passages");
    rec->index_bytes = bx_path_bytes(path);
    fprintf(stderr, "  %-40s run %d: %7.2f s wall, %6.1f MB peak RSS\n",
            rec->label, i + 1, r.wall, (double)r.maxrss_kb / 1024.0);
    free(r.out);
}

static void build_system(bx_bench *b, bx_corpus *c, int s, const options *o)
{
    char *path = index_path(o, c->name, b->sys[s].name);
    /* gcide is plain paragraphs, which dealsearch is told (the peers split
     * at blank lines anyway), so every system indexes the same passages. */
    char *argv[] = {b->sys[s].prog, "build", c->dir, path,
                    s == SYS_DS ? "--plain" : NULL, NULL};
    c->build[s].label = b->sys[s].label;
    timed_build(&c->build[s], argv, path);
    free(path);
}

/* xapian-compact (Xapian) or 'optimize' + VACUUM on a copy (FTS5). */
static void compact_system(bx_bench *b, bx_corpus *c, int s, const options *o)
{
    char *path = index_path(o, c->name, b->sys[s].name);
    char *src = s == SYS_DS ? bx_asprintf("%s/current", path) : bx_strdup(path);
    char *dst = bx_asprintf("%s.compact", path);
    bx_remove(dst);
    bx_run r;
    if (s == SYS_FTS5) {
        char *cp[] = {"cp", src, dst, NULL};
        bx_spawn_ok(cp, 0, &r);
        char *argv[] = {b->sys[s].prog, "compact", dst, NULL};
        bx_spawn_ok(argv, 0, &r);
    } else {
        char *argv[] = {"xapian-compact", src, dst, NULL};
        bx_spawn_ok(argv, 1, &r);
        free(r.out);
    }
    c->build[s].compact_seconds = r.wall;
    c->build[s].compact_bytes = bx_path_bytes(dst);
    free(path);
    free(src);
    free(dst);
}

static void run_builds(bx_bench *b, const options *o, int runs)
{
    char *idx = bx_asprintf("%s/idx", o->data);
    bx_mkdirs(idx);
    free(idx);
    for (size_t i = 0; i < b->n_corpora; i++) {
        bx_corpus *c = &b->corpora[i];
        fprintf(stderr, "building %s (%.1f MB, %lu passages)\n", c->name,
                (double)c->bytes / 1e6, c->passages);
        for (int run = 0; run < runs; run++)
            for (int k = 0; k < N_SYS; k++)
                build_system(b, c, (k + run) % N_SYS, o);
        for (int s = 0; s < N_SYS; s++) compact_system(b, c, s, o);
    }
}

/* ---- news-reader builds ------------------------------------------------------ */

/* The news manifest (bench.mk writes it): one line per corpus,
 *   NAME files=N bytes=N sha256=HEX dir=PATH
 * and "# ..." lines naming a corpus left out and why, which the report
 * repeats.  Quick mode keeps the first corpus only. */
static void load_news(bx_bench *b, const options *o)
{
    size_t len;
    char *text = bx_read_file(o->news, &len), *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#') {
            char *notes = bx_asprintf("%s  NOTE: %s\n", b->news_notes ? b->news_notes : "",
                                      line + strspn(line, "# "));
            free(b->news_notes);
            b->news_notes = notes;
            continue;
        }
        const char *dir = strstr(line, " dir=");
        if (!dir || b->n_news == BX_MAX_NEWS || (is_mode(o, "quick") && b->n_news == 1))
            continue;
        bx_news *n = &b->news[b->n_news++];
        memset(n, 0, sizeof *n);
        n->name = bx_strndup(line, strcspn(line, " "));
        n->dir = bx_strdup(dir + 5);
        n->files = (unsigned long)bx_field(line, "files");
        n->bytes = (unsigned long long)bx_field(line, "bytes");
        const char *sha = strstr(line, "sha256=");
        snprintf(n->sha256, sizeof n->sha256, "%.64s", sha ? sha + 7 : "?");
        n->build[NEWS_THIS].label = "dealsearch";
        n->build[NEWS_BASELINE].label = b->baseline_label;
    }
    free(text);
}

static void build_news(bx_bench *b, bx_news *n, int which, const options *o)
{
    char *prog = which == NEWS_THIS ? b->sys[SYS_DS].prog : (char *)o->baseline;
    char *path = index_path(o, n->name, which == NEWS_THIS ? "dealsearch" : "baseline");
    char *argv[] = {prog, "build", n->dir, path, NULL};
    timed_build(&n->build[which], argv, path);
    free(path);
}

/* Each corpus `runs` times by this tree and the baseline, alternated
 * (the order swapped every run), so both meet the machine's same spells. */
static void run_news_builds(bx_bench *b, const options *o, int runs)
{
    int builds = b->baseline_label ? N_NEWS_BUILDS : 1;
    for (size_t i = 0; i < b->n_news; i++) {
        bx_news *n = &b->news[i];
        fprintf(stderr, "building %s with the news reader (%.1f MB, %lu files)\n", n->name,
                (double)n->bytes / 1e6, n->files);
        for (int run = 0; run < runs; run++)
            for (int k = 0; k < builds; k++) build_news(b, n, (k + run) % builds, o);
    }
}

/* ---- in-process queries ------------------------------------------------------ */

static bx_qrun *add_qrun(bx_bench *b, const char *label, int sys, const char *mode,
                         size_t capacity)
{
    bx_qrun *q = &b->qruns[b->n_qruns++];
    size_t n = b->queries.count;
    *q = (bx_qrun){label, b->sys[sys].name, mode, n, 0, NULL, capacity,
                   NULL, NULL, NULL};
    q->samples = bx_malloc(n * capacity * sizeof *q->samples);
    q->ms = bx_malloc(n * sizeof *q->ms);
    q->hits = bx_malloc(n * sizeof *q->hits);
    q->matches = bx_malloc(n * sizeof *q->matches);
    return q;
}

/* Add the samples of one peer process ("Q i hits matches ns,ns,..."). */
static void parse_samples(bx_qrun *q, char *out, int reps)
{
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        size_t i;
        long hits, matches;
        int used;
        if (sscanf(line, "Q %zu %ld %ld %n", &i, &hits, &matches, &used) != 3 || i >= q->n)
            continue;
        q->hits[i] = hits;
        q->matches[i] = matches;
        char *p = line + used;
        for (int r = 0; r < reps; r++, p++)
            q->samples[i * q->capacity + q->per_query + (size_t)r] = strtod(p, &p) / 1e6;
    }
    q->per_query += (size_t)reps;
}

/* One peer process answering the query set `reps` times; `extra` holds
 * space-separated options (levers) or is NULL. */
static void run_peer_queries(bx_qrun *q, const char *prog, const char *index,
                             const char *queries, int reps, const char *extra)
{
    char reps_s[16], *argv[16], *buf = bx_strdup(extra ? extra : "");
    snprintf(reps_s, sizeof reps_s, "%d", reps);
    size_t n = 0;
    const char *fixed[] = {prog, "query", index, queries, q->mode, reps_s};
    for (size_t i = 0; i < 6; i++) argv[n++] = (char *)fixed[i];
    for (char *t = strtok(buf, " "); t && n < 15; t = strtok(NULL, " ")) argv[n++] = t;
    argv[n] = NULL;
    bx_run r;
    bx_spawn_ok(argv, 1, &r);
    parse_samples(q, r.out, reps);
    free(r.out);
    free(buf);
}

static void finish_qrun(bx_qrun *q)
{
    for (size_t i = 0; i < q->n; i++)
        q->ms[i] = bx_median(q->samples + i * q->capacity, q->per_query);
}

typedef struct {
    int sys;
    const char *mode;
} query_config;

static void run_queries(bx_bench *b, const options *o, const char *corpus)
{
    static const query_config configs[] = {
        {SYS_FTS5, "nosnip"}, {SYS_XAPIAN, "nosnip"}, {SYS_DS, "nosnip"},
        {SYS_FTS5, "snip"},   {SYS_XAPIAN, "snip"},   {SYS_DS, "snip"},
        {SYS_DS, "human"}};
    size_t n = sizeof configs / sizeof *configs, first = b->n_qruns;
    b->query_corpus = corpus;
    for (size_t k = 0; k < n; k++)
        add_qrun(b, b->sys[configs[k].sys].label, configs[k].sys, configs[k].mode,
                 (size_t)(b->query_rounds * b->query_reps));
    fprintf(stderr, "queries: %zu on %s, %d rounds x %d reps\n", b->queries.count,
            corpus, b->query_rounds, b->query_reps);
    for (int round = 0; round < b->query_rounds; round++)
        for (size_t k = 0; k < n; k++) {
            size_t c = (k + (size_t)round) % n;
            char *idx = index_path(o, corpus, b->sys[configs[c].sys].name);
            run_peer_queries(&b->qruns[first + c], b->sys[configs[c].sys].prog, idx,
                             o->queries, b->query_reps, NULL);
            free(idx);
        }
    for (size_t k = first; k < b->n_qruns; k++) finish_qrun(&b->qruns[k]);
}

/* ---- whole-process latency --------------------------------------------------- */

static bx_proc *proc_for(bx_bench *b, const char *tool, const char *corpus)
{
    for (size_t i = 0; i < b->n_procs; i++)
        if (!strcmp(b->procs[i].tool, tool) && !strcmp(b->procs[i].corpus, corpus))
            return &b->procs[i];
    if (b->n_procs == BX_MAX_PROCS) bx_die("too many process series");
    bx_proc *p = &b->procs[b->n_procs++];
    *p = (bx_proc){tool, corpus, NULL, 0, 0, 0};
    return p;
}

static void add_sample(bx_proc *p, double ms)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->ms = bx_realloc(p->ms, p->cap * sizeof *p->ms);
    }
    p->ms[p->n++] = ms;
}

typedef struct {
    const char *tool;
    char *argv[12];
} command;

/* Spawn once, stdout to /dev/null; exit status 0 or 1 (no match) is
 * fine.  A failure is reported and counted, not timed. */
static double time_command(const command *c, bx_proc *p)
{
    bx_run r;
    bx_spawn(c->argv, 0, &r);
    if (r.exit_code == 0 || r.exit_code == 1) return r.wall * 1e3;
    if (p && p->failures++ == 0) {
        fprintf(stderr, "%s failed (status %d):", c->tool, r.exit_code);
        for (char *const *a = c->argv; *a; a++) fprintf(stderr, " '%s'", *a);
        fputc('\n', stderr);
    }
    return -1;
}

/* Warm up, then `reps` rounds of every command in turn. */
static void time_commands(bx_bench *b, const command *cmds, size_t n,
                          const char *corpus, int reps)
{
    for (size_t i = 0; i < n; i++)
        for (int w = 0; w < 3; w++) time_command(&cmds[i], NULL);
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < n; i++) {
            bx_proc *p = proc_for(b, cmds[i].tool, corpus);
            double ms = time_command(&cmds[i], p);
            if (ms >= 0) add_sample(p, ms);
        }
}

typedef struct {
    char *ds, *xapian, *fts5;  /* index paths */
    const char *corpus_dir;
} indexes;

static char *sqlite_sql(const char *query)
{
    char *match = bx_fts5_match(query);
    char *sql = bx_asprintf("SELECT source, passage, snippet(passages, 2, '[', ']', "
                            "'…', 48) FROM passages WHERE passages MATCH '%s' "
                            "ORDER BY bm25(passages) LIMIT 10;", match);
    free(match);
    return sql;
}

/* rg gets the query's words as one literal (phrase quotes removed). */
static char *rg_pattern(const char *query)
{
    char *p = bx_strdup(query), *o = p;
    for (const char *s = query; *s; s++)
        if (*s != '"') *o++ = *s;
    *o = '\0';
    return p;
}

/* The four tools answering `query`; strings are malloc'd into `owned`. */
static size_t tool_commands(const options *o, const indexes *ix, const char *query,
                            command *cmds, char **owned)
{
    owned[0] = sqlite_sql(query);
    owned[1] = rg_pattern(query);
    command list[] = {
        {"dealsearch", {(char *)o->dealsearch, "--corpus", (char *)ix->corpus_dir,
                        "--index", ix->ds, (char *)query, NULL}},
        {"quest", {"quest", "-d", ix->xapian, "-o", "and", "-m", "10", (char *)query, NULL}},
        {"sqlite3", {"sqlite3", "-readonly", ix->fts5, owned[0], NULL}},
        {"rg -i", {"rg", "-i", "-F", owned[1], (char *)ix->corpus_dir, NULL}}};
    memcpy(cmds, list, sizeof list);
    return sizeof list / sizeof *list;
}

static void build_demo_indexes(bx_bench *b, const options *o, indexes *ix)
{
    ix->corpus_dir = o->demo;
    ix->ds = index_path(o, "demo", b->sys[SYS_DS].name);
    ix->xapian = index_path(o, "demo", b->sys[SYS_XAPIAN].name);
    ix->fts5 = index_path(o, "demo", b->sys[SYS_FTS5].name);
    char *paths[N_SYS] = {ix->fts5, ix->xapian, ix->ds};
    for (int s = 0; s < N_SYS; s++) {
        bx_remove(paths[s]);
        char *argv[] = {b->sys[s].prog, "build", (char *)o->demo, paths[s], NULL};
        bx_run r;
        bx_spawn_ok(argv, 1, &r);
        free(r.out);
    }
}

static void time_demo(bx_bench *b, const options *o, const indexes *ix)
{
    const char *q = "interim CEO";
    command cmds[6];
    char *owned[2];
    size_t n = tool_commands(o, ix, q, cmds, owned);
    cmds[n++] = (command){"floor (/bin/true)", {"/bin/true", NULL}};
    cmds[n++] = (command){"dealsearch --version", {(char *)o->dealsearch, "--version", NULL}};
    fprintf(stderr, "whole process: demo corpus, %d runs per tool\n", b->proc_reps);
    time_commands(b, cmds, n, "demo", b->proc_reps);
    free(owned[0]);
    free(owned[1]);
}

/* The first query of each class, each tool `reps` times (alternated). */
static void time_large(bx_bench *b, const options *o, const char *corpus)
{
    indexes ix = {index_path(o, corpus, b->sys[SYS_DS].name),
                  index_path(o, corpus, b->sys[SYS_XAPIAN].name),
                  index_path(o, corpus, b->sys[SYS_FTS5].name), NULL};
    char *dir = bx_asprintf("%s/%s", o->data, corpus);
    ix.corpus_dir = dir;
    int reps = b->proc_reps / 10 > 3 ? b->proc_reps / 10 : 3;
    fprintf(stderr, "whole process: %s, one query per class, %d runs each\n", corpus, reps);
    for (size_t i = 0; i < b->queries.count; i++) {
        if (i > 0 && !strcmp(b->queries.items[i].cls, b->queries.items[i - 1].cls)) continue;
        command cmds[4];
        char *owned[2];
        size_t n = tool_commands(o, &ix, b->queries.items[i].text, cmds, owned);
        time_commands(b, cmds, n, corpus, reps);
        free(owned[0]);
        free(owned[1]);
    }
    free(dir);
    free(ix.ds);
    free(ix.xapian);
    free(ix.fts5);
}

/* hyperfine's medians for dealsearch and quest on the demo corpus, as a
 * check on our own spawn timing (when hyperfine is installed). */
static void hyperfine_check(bx_bench *b, const options *o, const indexes *ix)
{
    if (!on_path("hyperfine")) return;
    char *json = bx_asprintf("%s/hyperfine-demo.json", o->results);
    char *ds = bx_asprintf("%s --corpus %s --index %s 'interim CEO'", o->dealsearch,
                           ix->corpus_dir, ix->ds);
    char *quest = bx_asprintf("quest -d %s -o and -m 10 'interim CEO'", ix->xapian);
    char *argv[] = {"hyperfine", "-N", "--warmup", "20", "--runs", "200", "--style",
                    "none", "--export-json", json, ds, quest, NULL};
    bx_run r;
    bx_spawn_ok(argv, 1, &r);
    free(r.out);
    size_t len;
    char *text = bx_read_file(json, &len), *p = text;
    double med[2] = {0, 0};
    for (int i = 0; i < 2 && (p = strstr(p, "\"median\":")); i++, p++)
        med[i] = atof(p + 9) * 1e3;
    b->hyperfine = bx_asprintf("hyperfine -N, demo corpus, median of 200: dealsearch "
                               "%.2f ms, quest %.2f ms", med[0], med[1]);
    free(text);
    free(json);
    free(ds);
    free(quest);
}

static void run_processes(bx_bench *b, const options *o, const char *large)
{
    indexes demo;
    build_demo_indexes(b, o, &demo);
    time_demo(b, o, &demo);
    time_large(b, o, large);
    hyperfine_check(b, o, &demo);
    free(demo.ds);
    free(demo.xapian);
    free(demo.fts5);
}

/* ---- raw-Xapian levers --------------------------------------------------------- */

typedef struct {
    const char *label;
    const char *args;  /* space-separated raw_xapian build options */
} lever;

static const lever BUILD_LEVERS[] = {
    {"baseline: STEM_SOME, default flags", ""},
    {"STEM_ALL", "--stem=all"},
    {"no stemming", "--stem=none"},
    {"DB_NO_SYNC", "--db-flags=nosync"},
    {"NO_SYNC|DANGEROUS|NO_TERMLIST", "--db-flags=nosync,dangerous,notermlist"},
    {"flush threshold 2000", "--flush=2000"},
    {"flush threshold 50000", "--flush=50000"},
    {"2 shards in parallel + compact", "--shards=2"},
    {"4 shards in parallel + compact", "--shards=4"},
    {"2 shards + stub (no merge)", "--shards=2 --merge=stub"},
    {"stem cache (hash map)", "--stem-cache"},
    {"spelling table (FLAG_SPELLING)", "--spelling"},
    {"3 values per document", "--values"},
    {"no positions (no phrase search)", "--no-positions"},
    {"tokenise+stem only, no database", "--no-db"},
    {"STEM_ALL + 3 flags + 2 shards", "--stem=all --db-flags=nosync,dangerous,notermlist --shards=2"},
};

/* argv for raw_xapian with `args` split on spaces (the copy is `buf`). */
static void lever_argv(char **argv, char *buf, const char *prog, const char *cmd,
                       const char *a1, const char *a2)
{
    size_t n = 0;
    argv[n++] = (char *)prog;
    argv[n++] = (char *)cmd;
    argv[n++] = (char *)a1;
    argv[n++] = (char *)a2;
    for (char *t = strtok(buf, " "); t; t = strtok(NULL, " ")) argv[n++] = t;
    argv[n] = NULL;
}

static void run_build_levers(bx_bench *b, const options *o, const char *corpus, int runs)
{
    size_t n = sizeof BUILD_LEVERS / sizeof *BUILD_LEVERS;
    char *dir = bx_asprintf("%s/%s", o->data, corpus);
    char *idx = bx_asprintf("%s/idx", o->data);
    bx_mkdirs(idx);
    free(idx);
    char *path = bx_asprintf("%s/idx/lever.xapian", o->data);
    b->lever_corpus = corpus;
    for (size_t i = 0; i < n; i++) {
        b->levers[i] = (bx_build){.label = BUILD_LEVERS[i].label};
        b->lever_args[i] = BUILD_LEVERS[i].args;
    }
    b->n_levers = n;
    fprintf(stderr, "build levers on %s, %d runs each\n", corpus, runs);
    for (int run = 0; run < runs; run++)
        for (size_t k = 0; k < n; k++) {
            size_t i = (k + (size_t)run) % n;
            char *argv[16], *buf = bx_strdup(BUILD_LEVERS[i].args);
            lever_argv(argv, buf, b->sys[SYS_XAPIAN].prog, "build", dir, path);
            timed_build(&b->levers[i], argv, path);
            free(buf);
        }
    bx_remove(path);
    free(path);
    free(dir);
}

typedef struct {
    const char *label, *mode, *index, *args;
} query_lever;

/* Indexes for the query levers: the baseline (built if missing), its
 * compacted copy, a STEM_ALL build and a 2-shard stub. */
static void prepare_lever_indexes(bx_bench *b, const options *o, const char *corpus)
{
    static const char *const variants[][2] = {
        {"xapian", ""}, {"xapian-stemall-values", "--stem=all --values"},
        {"xapian-stub", "--shards=2 --merge=stub"}};
    char *dir = bx_asprintf("%s/%s", o->data, corpus);
    for (size_t v = 0; v < 3; v++) {
        char *path = index_path(o, corpus, variants[v][0]);
        if (bx_path_bytes(path) == 0) {
            fprintf(stderr, "  building %s\n", path);
            char *argv[16], *buf = bx_strdup(variants[v][1]);
            lever_argv(argv, buf, b->sys[SYS_XAPIAN].prog, "build", dir, path);
            bx_run r;
            bx_spawn_ok(argv, 1, &r);
            free(r.out);
            free(buf);
        }
        free(path);
    }
    char *base = index_path(o, corpus, "xapian"), *compact = bx_asprintf("%s.compact", base);
    if (bx_path_bytes(compact) == 0) {
        char *argv[] = {"xapian-compact", base, compact, NULL};
        bx_run r;
        bx_spawn_ok(argv, 1, &r);
        free(r.out);
    }
    free(base);
    free(compact);
    free(dir);
}

static void run_query_levers(bx_bench *b, const options *o, const char *corpus)
{
    static const query_lever levers[] = {
        {"baseline", "nosnip", "xapian", ""},
        {"checkatleast 1000 (as dealsearch)", "nosnip", "xapian", "--check-at-least=1000"},
        {"matching terms per hit (as dealsearch)", "nosnip", "xapian", "--matching-terms"},
        {"compacted index", "nosnip", "xapian.compact", ""},
        {"STEM_ALL index (+3 values)", "nosnip", "xapian-stemall-values", "--stem=all"},
        {"STEM_ALL + collapse on a unique value", "nosnip", "xapian-stemall-values",
         "--stem=all --collapse=2"},
        {"STEM_ALL + collapse on the source", "nosnip", "xapian-stemall-values",
         "--stem=all --collapse=1"},
        {"2-shard stub", "nosnip", "xapian-stub", ""},
        {"baseline: MSet::snippet default flags", "snip", "xapian", ""},
        {"snippet without background model", "snip", "xapian", "--snippet-flags=exhaustive"},
        {"snippet flags 0", "snip", "xapian", "--snippet-flags=none"},
        {"snippet, compacted index", "snip", "xapian.compact", ""},
        {"snippet, STEM_ALL index", "snip", "xapian-stemall-values", "--stem=all"}};
    size_t n = sizeof levers / sizeof *levers, first = b->n_qruns;
    prepare_lever_indexes(b, o, corpus);
    b->query_corpus = corpus;
    for (size_t k = 0; k < n; k++)
        add_qrun(b, levers[k].label, SYS_XAPIAN, levers[k].mode,
                 (size_t)(b->query_rounds * b->query_reps));
    fprintf(stderr, "query levers on %s, %d rounds x %d reps\n", corpus,
            b->query_rounds, b->query_reps);
    for (int round = 0; round < b->query_rounds; round++)
        for (size_t k = 0; k < n; k++) {
            size_t i = (k + (size_t)round) % n;
            char *idx = index_path(o, corpus, levers[i].index);
            run_peer_queries(&b->qruns[first + i], b->sys[SYS_XAPIAN].prog, idx,
                             o->queries, b->query_reps,
                             levers[i].args[0] ? levers[i].args : NULL);
            free(idx);
        }
    for (size_t k = first; k < b->n_qruns; k++) finish_qrun(&b->qruns[k]);
}

/* ---- output ---------------------------------------------------------------------- */

static void write_file(const char *path, const bx_bench *b, int json)
{
    FILE *f = fopen(path, "w");
    if (!f) bx_die("%s: %s", path, strerror(errno));
    if (json) bx_report_json(f, b);
    else bx_report_table(f, b);
    if (fclose(f) != 0) bx_die("%s: %s", path, strerror(errno));
}

static void write_results(const bx_bench *b, const options *o)
{
    bx_mkdirs(o->results);
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
    char *dated = bx_asprintf("%s/%s-%s.json", o->results, b->mode, stamp);
    char *json = bx_asprintf("%s/%s-latest.json", o->results, b->mode);
    char *txt = bx_asprintf("%s/%s-latest.txt", o->results, b->mode);
    write_file(dated, b, 1);
    write_file(json, b, 1);
    write_file(txt, b, 0);
    bx_report_table(stdout, b);
    printf("\nresults: %s, %s, %s\n", txt, json, dated);
    free(dated);
    free(json);
    free(txt);
}

static void set_up(bx_bench *b, const options *o)
{
    memset(b, 0, sizeof *b);
    b->mode = o->mode;
    static const char *const names[N_SYS][2] = {
        {"fts5", "FTS5"}, {"xapian", "raw Xapian"}, {"dealsearch", "dealsearch"}};
    static const char *const progs[N_SYS] = {"fts5_peer", "raw_xapian", "ds_peer"};
    for (int s = 0; s < N_SYS; s++)
        b->sys[s] = (bx_system){names[s][0], names[s][1],
                                bx_asprintf("%s/%s", o->bin, progs[s])};
    describe_machine(b);
    b->queries_path = o->queries;
    bx_read_queries(o->queries, &b->queries);
    if (o->news) {
        b->baseline_label = o->baseline ? o->baseline_label : NULL;
        load_news(b, o);
    }
}

int main(int argc, char **argv)
{
    bx_set_program(argv[0]);
    options o;
    parse_options(argc, argv, &o);
    bx_bench b;
    set_up(&b, &o);
    wait_for_quiet(is_mode(&o, "quick") ? 10 : 120);
    double start = bx_now();
    double busy0 = bx_machine_busy_seconds(), own0 = bx_own_cpu_seconds();
    b.load_start = load_average();
    if (is_mode(&o, "updates")) {
        const bx_corpus *c = add_corpus(&b, &o, "gcide");
        bx_run_updates(&b.updates, b.sys[SYS_DS].prog, o.data, c->dir, c->name, 5);
    } else if (is_mode(&o, "levers")) {
        b.query_rounds = 3;
        b.query_reps = 3;
        add_corpus(&b, &o, "gcide");
        run_build_levers(&b, &o, "gcide-1of4", 3);
        run_query_levers(&b, &o, "gcide");
    } else {
        int full = is_mode(&o, "full");
        static const char *const all[] = {"gcide-1of8", "gcide-1of4", "gcide-1of2", "gcide"};
        size_t corpora = full ? 4 : 1;
        for (size_t i = 0; i < corpora; i++) add_corpus(&b, &o, all[i]);
        b.query_rounds = full ? 3 : 1;
        b.query_reps = 3;
        b.proc_reps = full ? 200 : 40;
        run_builds(&b, &o, 3);
        run_news_builds(&b, &o, full ? 5 : 3);
        const bx_corpus *last = &b.corpora[b.n_corpora - 1];
        bx_run_updates(&b.updates, b.sys[SYS_DS].prog, o.data, last->dir,
                       last->name, full ? 5 : 2);
        const char *large = b.corpora[b.n_corpora - 1].name;
        run_queries(&b, &o, large);
        run_processes(&b, &o, large);
    }
    b.seconds = bx_now() - start;
    double others = bx_machine_busy_seconds() - busy0 - (bx_own_cpu_seconds() - own0);
    b.others_cpu = others > 0 ? others / (b.seconds * (double)b.nproc) : 0;
    write_results(&b, &o);
    return 0;
}
