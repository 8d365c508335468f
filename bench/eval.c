/*
 * eval.c — a trec_eval-compatible scorer for one TREC run against TREC qrels.
 *
 *   eval QRELS RUN [--per-query]        (either file may be "-" for stdin)
 *
 * Prints, to 4 decimals, the mean over the judged queries of
 *
 *   MAP         trec_eval map            AP = sum of precision at each
 *                                        relevant retrieved doc / number of
 *                                        relevant docs in the qrels
 *   nDCG@10     trec_eval ndcg_cut_10    gain = relevance grade, discount
 *                                        log2(rank + 1), ideal ranking from
 *                                        the qrels' grades
 *   P@10        trec_eval P_10           relevant in the top 10 / 10
 *   Recall@100  trec_eval recall_100     relevant in the top 100 / relevant
 *   MRR         trec_eval recip_rank     1 / rank of the first relevant doc
 *
 * then "queries N".  --per-query first prints one "query" line per judged
 * query (its five values, its number of relevant docs and of docs
 * retrieved).
 *
 * Compatible with current trec_eval (usnistgov/trec_eval, 9.x), metric by
 * metric as above, and in these rules:
 *
 *  - Which queries count: every query id that appears in the qrels, whether
 *    or not the run has results for it; a judged query absent from the run
 *    scores 0 on every metric.  This is `trec_eval -c` (without -c,
 *    trec_eval averages over the queries present in both files).  Run
 *    queries with no qrels lines are ignored.  As in trec_eval, a query
 *    whose qrels lines are all non-relevant still counts (and scores 0).
 *  - Relevance: a grade >= 1 is relevant (trec_eval's default -l1).  Grades
 *    are integers; a negative grade (trec_eval: "in the pool, unjudged") is
 *    neither relevant nor a gain.  Docs absent from the qrels are
 *    non-relevant.
 *  - Ranking: the run's rank column is ignored.  Each query's docs are
 *    ordered by score, descending; equal scores are ordered by docno
 *    descending in strcmp() byte order (trec_eval's comp_sim_docno in
 *    form_res_rels.c) — so of two tied docs "9" and "10", "9" ranks first.
 *    Scores are compared as C doubles, as trec_eval's atof() gives them.
 *  - nDCG uses the log2(rank + 1) discount of current trec_eval
 *    (m_ndcg_cut.c: gain / log2(i + 2), i counted from 0); older 9.0
 *    releases left rank 1 undiscounted and divided later ranks by
 *    log2(rank), which gives different values.  Only grades > 0 are
 *    gains, in the run and in the ideal ranking.
 *  - A docno listed twice for one query in either file is an error, as in
 *    trec_eval.  Blank lines and lines starting with '#' are skipped.
 *
 * Stricter than trec_eval: a qrels line must have exactly 4 fields
 * (qid iter docno grade) and a run line exactly 6 (qid Q0 docno rank score
 * tag); the grade must be an integer and the score a finite number.  Any
 * malformed line stops the program with "eval: FILE:LINE: reason" on stderr
 * and exit status 2 (also for usage errors and unreadable files).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NDCG_CUT 10
#define P_CUT 10
#define RECALL_CUT 100
#define EXIT_USAGE 2

/* One qrels line. */
typedef struct {
    const char *qid;
    const char *docno;
    long grade;
    long line;
} Judgment;

/* One run line. */
typedef struct {
    const char *qid;
    const char *docno;
    double score;
    long line;
} Retrieved;

/* A file read whole; the records point into `text`. */
typedef struct {
    const char *name;
    char *text;
    size_t len;
} TextFile;

typedef struct {
    TextFile file;
    Judgment *items;
    size_t count;
} Qrels;

typedef struct {
    TextFile file;
    Retrieved *items;
    size_t count;
} Run;

/* The scores of one query. */
typedef struct {
    double ap, ndcg, p, recall, rr;
    long num_rel, num_ret;
} Scores;

/* ------------------------------------------------------------------ errors */

static void error_at(const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "eval: FILE:LINE: message" (LINE omitted when 0). */
static void error_at(const char *file, long line, const char *fmt, ...)
{
    va_list ap;
    if (line > 0)
        fprintf(stderr, "eval: %s:%ld: ", file, line);
    else
        fprintf(stderr, "eval: %s: ", file);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ------------------------------------------------------------------ input */

static int read_stream(FILE *in, TextFile *tf)
{
    size_t cap = 1 << 16;
    tf->len = 0;
    tf->text = malloc(cap);
    if (!tf->text)
        return -1;
    for (;;) {
        size_t n = fread(tf->text + tf->len, 1, cap - tf->len - 1, in);
        tf->len += n;
        if (n == 0)
            break;
        if (tf->len + 1 == cap) {
            char *grown = cap > SIZE_MAX / 2 ? NULL : realloc(tf->text, cap * 2);
            if (!grown)
                return -1;
            tf->text = grown;
            cap *= 2;
        }
    }
    tf->text[tf->len] = '\0';
    return ferror(in) ? -1 : 0;
}

/* Read `name` ("-": stdin) whole and NUL-terminate it. */
static int read_text_file(const char *name, TextFile *tf)
{
    int is_stdin = strcmp(name, "-") == 0;
    FILE *in = is_stdin ? stdin : fopen(name, "rb");
    tf->name = is_stdin ? "<stdin>" : name;
    tf->text = NULL;
    if (!in) {
        error_at(name, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    errno = 0;
    int rc = read_stream(in, tf);
    int saved = errno;
    if (!is_stdin)
        fclose(in);
    if (rc != 0)
        error_at(tf->name, 0, "cannot read: %s",
                 saved ? strerror(saved) : "out of memory");
    return rc;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Split `line` in place at blanks.  Stores up to `max` fields and returns
 * how many there are in all. */
static size_t split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        while (is_blank(*p))
            p++;
        if (*p == '\0')
            return n;
        if (n < max)
            fields[n] = p;
        n++;
        while (*p && !is_blank(*p))
            p++;
        if (*p)
            *p++ = '\0';
    }
}

/* Calls `fn` for each non-blank, non-comment line of `tf` with its fields
 * split; stops at the first non-zero return.  Checks for NUL bytes. */
typedef int (*line_fn)(void *ctx, const TextFile *tf, long line,
                       char **fields, size_t nfields);

static int for_each_line(TextFile *tf, line_fn fn, void *ctx)
{
    char *fields[8];
    char *p = tf->text, *end = tf->text + tf->len;
    long line = 0;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *stop = nl ? nl : end;
        line++;
        if (memchr(p, '\0', (size_t)(stop - p))) {
            error_at(tf->name, line, "NUL byte in line (not a text file?)");
            return -1;
        }
        *stop = '\0';
        size_t n = split_fields(p, fields, 8);
        if (n > 0 && fields[0][0] != '#' && fn(ctx, tf, line, fields, n) != 0)
            return -1;
        p = stop + 1;
    }
    return 0;
}

static int grow(void **items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 1024;
    void *p = ncap > SIZE_MAX / size ? NULL : realloc(*items, ncap * size);
    if (!p)
        return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

static int parse_grade(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE || v < INT_MIN || v > INT_MAX)
        return -1;
    *out = v;
    return 0;
}

static int parse_score(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

typedef struct {
    Qrels *q;
    size_t cap;
} QrelsReader;

static int qrels_line(void *ctx, const TextFile *tf, long line, char **f, size_t n)
{
    QrelsReader *r = ctx;
    Judgment j;
    if (n != 4) {
        error_at(tf->name, line,
                 "expected 4 fields (qid iter docno relevance), found %zu", n);
        return -1;
    }
    if (parse_grade(f[3], &j.grade) != 0) {
        error_at(tf->name, line, "relevance \"%s\" is not an integer", f[3]);
        return -1;
    }
    j.qid = f[0];
    j.docno = f[2];
    j.line = line;
    if (grow((void **)&r->q->items, &r->cap, r->q->count, sizeof j) != 0) {
        error_at(tf->name, line, "out of memory");
        return -1;
    }
    r->q->items[r->q->count++] = j;
    return 0;
}

typedef struct {
    Run *run;
    size_t cap;
} RunReader;

static int run_line(void *ctx, const TextFile *tf, long line, char **f, size_t n)
{
    RunReader *r = ctx;
    Retrieved d;
    if (n != 6) {
        error_at(tf->name, line,
                 "expected 6 fields (qid Q0 docno rank score tag), found %zu", n);
        return -1;
    }
    if (parse_score(f[4], &d.score) != 0) {
        error_at(tf->name, line, "score \"%s\" is not a finite number", f[4]);
        return -1;
    }
    d.qid = f[0];
    d.docno = f[2];
    d.line = line;
    if (grow((void **)&r->run->items, &r->cap, r->run->count, sizeof d) != 0) {
        error_at(tf->name, line, "out of memory");
        return -1;
    }
    r->run->items[r->run->count++] = d;
    return 0;
}

/* ------------------------------------------------------------------ order */

static int all_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* A total order on query ids in which numeric ids come first, in numeric
 * order ("2" before "10"), then the others in byte order.  Equal only for
 * equal strings. */
static int cmp_qid(const char *a, const char *b)
{
    int da = all_digits(a), db = all_digits(b);
    if (da != db)
        return da ? -1 : 1;
    if (!da)
        return strcmp(a, b);
    const char *sa = a, *sb = b;
    while (*sa == '0' && sa[1])
        sa++;
    while (*sb == '0' && sb[1])
        sb++;
    size_t la = strlen(sa), lb = strlen(sb);
    if (la != lb)
        return la < lb ? -1 : 1;
    int c = strcmp(sa, sb);
    return c ? c : strcmp(a, b);
}

static int cmp_judgment(const void *pa, const void *pb)
{
    const Judgment *a = pa, *b = pb;
    int c = cmp_qid(a->qid, b->qid);
    if (!c)
        c = strcmp(a->docno, b->docno);
    if (!c)
        c = (a->line > b->line) - (a->line < b->line);
    return c;
}

static int cmp_retrieved_docno(const void *pa, const void *pb)
{
    const Retrieved *a = pa, *b = pb;
    int c = cmp_qid(a->qid, b->qid);
    if (!c)
        c = strcmp(a->docno, b->docno);
    if (!c)
        c = (a->line > b->line) - (a->line < b->line);
    return c;
}

/* trec_eval's ranking: score descending, then docno descending. */
static int cmp_retrieved_rank(const void *pa, const void *pb)
{
    const Retrieved *a = pa, *b = pb;
    int c = cmp_qid(a->qid, b->qid);
    if (c)
        return c;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return strcmp(b->docno, a->docno);
}

/* ------------------------------------------------------------------ load */

static int load_qrels(const char *name, Qrels *q)
{
    QrelsReader r = {q, 0};
    if (read_text_file(name, &q->file) != 0 ||
        for_each_line(&q->file, qrels_line, &r) != 0)
        return -1;
    if (q->count == 0) {
        error_at(q->file.name, 0, "no judgments");
        return -1;
    }
    qsort(q->items, q->count, sizeof *q->items, cmp_judgment);
    for (size_t i = 1; i < q->count; i++) {
        const Judgment *a = &q->items[i - 1], *b = &q->items[i];
        if (strcmp(a->qid, b->qid) == 0 && strcmp(a->docno, b->docno) == 0) {
            error_at(q->file.name, b->line,
                     "query %s judges document %s twice (first on line %ld)",
                     b->qid, b->docno, a->line);
            return -1;
        }
    }
    return 0;
}

static int load_run(const char *name, Run *run)
{
    RunReader r = {run, 0};
    if (read_text_file(name, &run->file) != 0 ||
        for_each_line(&run->file, run_line, &r) != 0)
        return -1;
    if (run->count == 0)
        return 0;
    qsort(run->items, run->count, sizeof *run->items, cmp_retrieved_docno);
    for (size_t i = 1; i < run->count; i++) {
        const Retrieved *a = &run->items[i - 1], *b = &run->items[i];
        if (strcmp(a->qid, b->qid) == 0 && strcmp(a->docno, b->docno) == 0) {
            error_at(run->file.name, b->line,
                     "query %s retrieves document %s twice (first on line %ld)",
                     b->qid, b->docno, a->line);
            return -1;
        }
    }
    qsort(run->items, run->count, sizeof *run->items, cmp_retrieved_rank);
    return 0;
}

/* ------------------------------------------------------------------ score */

/* Length of the run of records starting at `i` that share its qid. */
static size_t judgment_group(const Qrels *q, size_t i)
{
    size_t j = i + 1;
    while (j < q->count && strcmp(q->items[j].qid, q->items[i].qid) == 0)
        j++;
    return j - i;
}

/* The first run record of query `qid` (binary search), *n its count. */
static const Retrieved *run_group(const Run *run, const char *qid, size_t *n)
{
    size_t lo = 0, hi = run->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_qid(run->items[mid].qid, qid) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < run->count && strcmp(run->items[end].qid, qid) == 0)
        end++;
    *n = end - lo;
    return run->items + lo;
}

/* The grade of `docno` among one query's judgments (sorted by docno);
 * 0 when not judged. */
static long grade_of(const Judgment *js, size_t n, const char *docno)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(js[mid].docno, docno);
        if (c == 0)
            return js[mid].grade;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* DCG of the best possible ranking, cut at NDCG_CUT: the largest grades,
 * in descending order. */
static double ideal_dcg(const Judgment *js, size_t n)
{
    long top[NDCG_CUT];
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        long g = js[i].grade;
        if (g <= 0 || (kept == NDCG_CUT && g <= top[kept - 1]))
            continue;
        size_t k = kept < NDCG_CUT ? kept++ : kept - 1;
        while (k > 0 && top[k - 1] < g) {
            top[k] = top[k - 1];
            k--;
        }
        top[k] = g;
    }
    double sum = 0.0;
    for (size_t i = 0; i < kept; i++)
        sum += (double)top[i] / log2((double)(i + 2));
    return sum;
}

static Scores score_query(const Judgment *js, size_t nj,
                          const Retrieved *docs, size_t nd)
{
    Scores s = {0.0, 0.0, 0.0, 0.0, 0.0, 0, (long)nd};
    long rel_ret = 0, rel_at_p = 0, rel_at_recall = 0;
    double precision_sum = 0.0, dcg = 0.0;
    for (size_t i = 0; i < nj; i++)
        s.num_rel += js[i].grade >= 1;
    for (size_t i = 0; i < nd; i++) {
        long g = grade_of(js, nj, docs[i].docno);
        if (g > 0 && i < NDCG_CUT)
            dcg += (double)g / log2((double)(i + 2));
        if (g < 1)
            continue;
        rel_ret++;
        precision_sum += (double)rel_ret / (double)(i + 1);
        if (rel_ret == 1)
            s.rr = 1.0 / (double)(i + 1);
        rel_at_p += i < P_CUT;
        rel_at_recall += i < RECALL_CUT;
    }
    double ideal = ideal_dcg(js, nj);
    s.ndcg = ideal > 0.0 ? dcg / ideal : 0.0;
    s.p = (double)rel_at_p / P_CUT;
    if (s.num_rel > 0) {
        s.ap = precision_sum / (double)s.num_rel;
        s.recall = (double)rel_at_recall / (double)s.num_rel;
    }
    return s;
}

/* ------------------------------------------------------------------ output */

static void print_query(const char *qid, const Scores *s)
{
    printf("query %s %.4f %.4f %.4f %.4f %.4f %ld %ld\n", qid, s->ap, s->ndcg,
           s->p, s->recall, s->rr, s->num_rel, s->num_ret);
}

static void print_summary(const Scores *sum, long nq)
{
    double n = nq > 0 ? (double)nq : 1.0;
    printf("MAP        %.4f\n", sum->ap / n);
    printf("nDCG@10    %.4f\n", sum->ndcg / n);
    printf("P@10       %.4f\n", sum->p / n);
    printf("Recall@100 %.4f\n", sum->recall / n);
    printf("MRR        %.4f\n", sum->rr / n);
    printf("queries    %ld\n", nq);
}

static void add_scores(Scores *sum, const Scores *s)
{
    sum->ap += s->ap;
    sum->ndcg += s->ndcg;
    sum->p += s->p;
    sum->recall += s->recall;
    sum->rr += s->rr;
}

/* Score every judged query (in qid order) and print the table. */
static void evaluate(const Qrels *q, const Run *run, int per_query)
{
    Scores sum = {0.0, 0.0, 0.0, 0.0, 0.0, 0, 0};
    long nq = 0;
    if (per_query)
        printf("# query qid MAP nDCG@10 P@10 Recall@100 MRR relevant retrieved\n");
    for (size_t i = 0; i < q->count;) {
        size_t nj = judgment_group(q, i), nd;
        const Retrieved *docs = run_group(run, q->items[i].qid, &nd);
        Scores s = score_query(q->items + i, nj, docs, nd);
        if (per_query)
            print_query(q->items[i].qid, &s);
        add_scores(&sum, &s);
        nq++;
        i += nj;
    }
    print_summary(&sum, nq);
}

/* ------------------------------------------------------------------ main */

static void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* "eval: message (usage: ...)" on one line. */
static void usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("eval: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (usage: eval QRELS RUN [--per-query]; eval --help)\n", stderr);
}

static void usage(void)
{
    fputs("usage: eval QRELS RUN [--per-query]\n"
          "  QRELS  TREC qrels: qid iter docno relevance (relevance >= 1: "
          "relevant)\n"
          "  RUN    TREC run: qid Q0 docno rank score tag\n"
          "  Prints MAP, nDCG@10, P@10, Recall@100 and MRR averaged over the\n"
          "  queries in QRELS (trec_eval -c).  Either file may be - (stdin).\n",
          stdout);
}

/* Returns 0 and sets the file names, 1 for --help, -1 on a usage error. */
static int parse_args(int argc, char **argv, const char **files, int *per_query)
{
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--per-query") == 0)
            *per_query = 1;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            usage_error("unknown option %s", argv[i]);
            return -1;
        } else if (nfiles < 2)
            files[nfiles++] = argv[i];
        else {
            usage_error("too many arguments");
            return -1;
        }
    }
    if (nfiles != 2) {
        usage_error("need QRELS and RUN");
        return -1;
    }
    if (strcmp(files[0], "-") == 0 && strcmp(files[1], "-") == 0) {
        usage_error("QRELS and RUN cannot both be stdin");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL};
    int per_query = 0;
    int args = parse_args(argc, argv, files, &per_query);
    if (args != 0) {
        if (args > 0)
            usage();
        return args > 0 ? 0 : EXIT_USAGE;
    }
    Qrels q = {{NULL, NULL, 0}, NULL, 0};
    Run run = {{NULL, NULL, 0}, NULL, 0};
    int rc = EXIT_USAGE;
    if (load_qrels(files[0], &q) == 0 && load_run(files[1], &run) == 0) {
        evaluate(&q, &run, per_query);
        rc = fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
        if (rc)
            fprintf(stderr, "eval: cannot write the results\n");
    }
    free(q.items);
    free(q.file.text);
    free(run.items);
    free(run.file.text);
    return rc;
}
