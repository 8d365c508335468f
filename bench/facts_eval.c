/*
 * facts_eval.c — measuring "the same fact" (src/facts.h) on labelled
 * passage pairs (bench/RELEVANCE.md, "The same fact").
 *
 *   facts_eval pairs PAIRS.tsv NAME=INDEX...
 *       PAIRS.tsv lines: split, label (same|diff), corpus NAME, query,
 *       source A, passage A, source B, passage B (tab-separated; # starts
 *       a comment).  Each pair is read as a search for the query reads
 *       it: both passages must be among its hits with --all, whose matched
 *       terms choose each passage's sentence.  Prints precision and recall
 *       per corpus and split, each pair judged wrongly (a "# ..." after
 *       the eighth field is a note), and for each split the most recall
 *       any threshold of the likeness (ds_fact_likeness) reaches at
 *       precision >= TARGET_PRECISION: what tuning the rule could give.
 *   facts_eval candidates INDEX QUERIES.txt
 *       For each query (one a line), every pair of its best 20 hits from
 *       different sources, as unlabelled PAIRS.tsv lines with the two
 *       sentences and the measures after them: the material to label.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/dealsearch.h"
#include "../src/facts.h"
#include "../src/search.h"
#include "../src/util.h"

#define MAX_HITS 20
/* The hits folding compares (DS_FACT_WINDOW in src/search.c). */
#define FOLD_WINDOW 10
/* The precision "the same fact" is to keep (bench/RELEVANCE.md). */
#define TARGET_PRECISION 0.95

static ds_analyzer *analyzer;

typedef struct {
    const char *name;
    ds_searcher *s;
} named_index;

static ds_results *search_all(ds_searcher *s, const char *query)
{
    ds_search_options so;
    ds_search_options_init(&so);
    so.all = 1;
    so.limit = MAX_HITS;
    ds_results *r = NULL;
    char *err = NULL;
    if (ds_search(s, query, &so, &r, &err) != DS_OK) {
        fprintf(stderr, "facts_eval: query '%s': %s\n", query, err);
        free(err);
        return NULL;
    }
    return r;
}

/* Hit h's fact, as folding reads it: a synonym group it matched read as
 * the group's words, its words weighed by the index's rarity. */
static void read_fact(const ds_results *r, const ds_hit *h, ds_fact *f)
{
    memset(f, 0, sizeof *f);
    ds_fact_read(analyzer, r->synonyms, r->rarity, h->record.text,
                 h->record.text_len, h->terms, h->n_terms, f);
}

static const ds_hit *find_hit(const ds_results *r, const char *source,
                              unsigned long passage)
{
    for (size_t i = 0; i < ds_results_count(r); i++) {
        const ds_hit *h = ds_results_hit(r, i);
        if (strcmp(h->record.source, source) == 0 &&
            h->record.passage == passage)
            return h;
    }
    return NULL;
}

/* The words common to the facts of r's best FOLD_WINDOW hits
 * (ds_fact_common), as folding sees them. */
static void common_of(const ds_results *r, ds_fact_set *common)
{
    size_t n = ds_results_count(r);
    if (n > FOLD_WINDOW) n = FOLD_WINDOW;
    ds_fact *facts = calloc(n + 1, sizeof *facts);
    for (size_t i = 0; i < n; i++) read_fact(r, ds_results_hit(r, i), &facts[i]);
    memset(common, 0, sizeof *common);
    ds_fact_common(facts, n, common);
    for (size_t i = 0; i < n; i++) ds_fact_free(&facts[i]);
    free(facts);
}

static void print_sentence(const ds_hit *h, const ds_fact *f)
{
    for (size_t i = f->start; i < f->end; i++)
        putchar(h->record.text[i] == '\t' || h->record.text[i] == '\n'
                    ? ' ' : h->record.text[i]);
}

static int candidates(const char *index, const char *queries)
{
    ds_searcher *s = NULL;
    char *err = NULL, line[1024];
    FILE *in = fopen(queries, "r");
    if (!in || ds_searcher_open(index, &s, &err) != DS_OK) {
        fprintf(stderr, "facts_eval: %s\n", err ? err : queries);
        return 2;
    }
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\n")] = '\0';
        ds_results *r = line[0] ? search_all(s, line) : NULL;
        size_t n = r ? ds_results_count(r) : 0;
        ds_fact_set common = {0};
        if (r) common_of(r, &common);
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) {
                const ds_hit *a = ds_results_hit(r, i), *b = ds_results_hit(r, j);
                if (strcmp(a->record.source, b->record.source) == 0) continue;
                ds_fact fa, fb;
                read_fact(r, a, &fa);
                read_fact(r, b, &fb);
                printf("dev\t?\tCORPUS\t%s\t%s\t%lu\t%s\t%lu\t# %s %.2f | ",
                       line, a->record.source, a->record.passage,
                       b->record.source, b->record.passage,
                       ds_fact_same(&fa, &fb, &common) ? "SAME" : "diff",
                       ds_fact_overlap(&fa, &fb, &common));
                print_sentence(a, &fa);
                printf(" | ");
                print_sentence(b, &fb);
                putchar('\n');
                ds_fact_free(&fa);
                ds_fact_free(&fb);
            }
        free(common.items);
        ds_results_free(r);
    }
    fclose(in);
    ds_searcher_close(s);
    return 0;
}

typedef struct {
    unsigned tp, fp, fn, tn;
} confusion;

/* The likeness of each pair of a split, and its label. */
typedef struct {
    double likeness;
    int same;
} scored;

typedef struct {
    scored *pairs;
    size_t n, cap;
} scored_list;

static void add_scored(scored_list *l, double likeness, int same)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->pairs = ds_xrealloc(l->pairs, l->cap * sizeof *l->pairs);
    }
    l->pairs[l->n++] = (scored){likeness, same};
}

static int by_likeness_down(const void *a, const void *b)
{
    double x = ((const scored *)a)->likeness, y = ((const scored *)b)->likeness;
    return (x < y) - (x > y);
}

/* The most recall any threshold above 0 gives at precision >=
 * TARGET_PRECISION: pairs said the same down to each distinct likeness. */
static void report_ceiling(const char *name, scored_list *l)
{
    qsort(l->pairs, l->n, sizeof *l->pairs, by_likeness_down);
    unsigned same = 0, tp = 0, said = 0, best_tp = 0;
    double best_at = 0;
    for (size_t i = 0; i < l->n; i++) same += l->pairs[i].same;
    for (size_t i = 0; i < l->n && l->pairs[i].likeness > 0; i++) {
        said++;
        tp += l->pairs[i].same;
        int last_of_equals = i + 1 == l->n ||
                             l->pairs[i + 1].likeness < l->pairs[i].likeness;
        if (last_of_equals && tp >= TARGET_PRECISION * said && tp > best_tp) {
            best_tp = tp;
            best_at = l->pairs[i].likeness;
        }
    }
    printf("%-13s any threshold: recall at most %.3f (%u/%u) at precision "
           ">= %.2f (likeness >= %.2f)\n", name,
           same ? (double)best_tp / same : 1.0, best_tp, same,
           TARGET_PRECISION, best_at);
}

static int split_of(const char *split)
{
    return strcmp(split, "dev") == 0 ? 0 : strcmp(split, "test") == 0 ? 1 : -1;
}

static void count(confusion *k, int said, int same)
{
    if (said && same) k->tp++;
    else if (said) k->fp++;
    else if (same) k->fn++;
    else k->tn++;
}

/* Judge one labelled line, counted in its split's `c` and its corpus and
 * split's `by_corpus` (2 * corpus + split), its likeness in its split's
 * `likeness`; -1 when it cannot be read. */
static int judge(char *line, named_index *idx, size_t n_idx, confusion *c,
                 confusion *by_corpus, scored_list *likeness, size_t lineno)
{
    char *f[8];
    size_t n = 0;
    for (char *p = line; n < 8; n++) {
        f[n] = p;
        p = strchr(p, '\t');
        if (!p) { n++; break; }
        *p++ = '\0';
    }
    if (n < 8) return -1;
    f[7][strcspn(f[7], "\t\n")] = '\0';
    int split = split_of(f[0]), same = strcmp(f[1], "same") == 0;
    ds_searcher *s = NULL;
    size_t corpus = 0;
    for (size_t i = 0; i < n_idx; i++)
        if (strcmp(idx[i].name, f[2]) == 0) {
            s = idx[i].s;
            corpus = i;
        }
    if (split < 0 || !s || (!same && strcmp(f[1], "diff") != 0)) return -1;
    ds_results *r = search_all(s, f[3]);
    const ds_hit *a = r ? find_hit(r, f[4], strtoul(f[5], NULL, 10)) : NULL;
    const ds_hit *b = r ? find_hit(r, f[6], strtoul(f[7], NULL, 10)) : NULL;
    if (!a || !b) {
        fprintf(stderr, "facts_eval: line %zu: a passage is not among the "
                "hits of '%s'\n", lineno, f[3]);
        ds_results_free(r);
        return -1;
    }
    ds_fact fa, fb;
    ds_fact_set common;
    common_of(r, &common);
    read_fact(r, a, &fa);
    read_fact(r, b, &fb);
    int said = ds_fact_same(&fa, &fb, &common);
    count(&c[split], said, same);
    count(&by_corpus[2 * corpus + split], said, same);
    add_scored(&likeness[split], ds_fact_likeness(&fa, &fb, &common), same);
    if (said != same) {
        printf("%s %s (%s) %s ¶%s ~ %s ¶%s, overlap %.2f:\n  ",
               said ? "FALSE SAME" : "MISSED", f[0], f[3], f[4], f[5], f[6],
               f[7], ds_fact_overlap(&fa, &fb, &common));
        print_sentence(a, &fa);
        printf("\n  ");
        print_sentence(b, &fb);
        putchar('\n');
    }
    ds_fact_free(&fa);
    ds_fact_free(&fb);
    free(common.items);
    ds_results_free(r);
    return 0;
}

static void report(const char *name, const confusion *c)
{
    unsigned said = c->tp + c->fp, same = c->tp + c->fn;
    if (said + c->fn + c->tn == 0) return;
    printf("%-13s %4u pairs (%3u same): precision %.3f (%u/%u), recall %.3f "
           "(%u/%u)\n", name, said + c->fn + c->tn, same,
           said ? (double)c->tp / said : 1.0, c->tp, said,
           same ? (double)c->tp / same : 1.0, c->tp, same);
}

static int pairs(const char *file, char **specs, int n_specs)
{
    named_index idx[8];
    size_t n_idx = 0;
    char *err = NULL;
    for (int i = 0; i < n_specs && n_idx < 8; i++) {
        char *eq = strchr(specs[i], '=');
        if (!eq) return 2;
        *eq = '\0';
        idx[n_idx].name = specs[i];
        if (ds_searcher_open(eq + 1, &idx[n_idx].s, &err) != DS_OK) {
            fprintf(stderr, "facts_eval: %s\n", err);
            return 2;
        }
        n_idx++;
    }
    FILE *in = fopen(file, "r");
    if (!in) {
        perror(file);
        return 2;
    }
    confusion c[2] = {{0}}, by_corpus[2 * 8] = {{0}};
    scored_list likeness[2] = {{0}};
    char line[8192];
    int bad = 0;
    for (size_t lineno = 1; fgets(line, sizeof line, in); lineno++) {
        if (line[0] == '#' || line[0] == '\n') continue;
        if (judge(line, idx, n_idx, c, by_corpus, likeness, lineno) != 0) {
            fprintf(stderr, "facts_eval: %s:%zu: unreadable pair\n", file,
                    lineno);
            bad = 1;
        }
    }
    fclose(in);
    for (size_t i = 0; i < n_idx; i++)
        for (int split = 0; split < 2; split++) {
            char name[64];
            snprintf(name, sizeof name, "%.40s %s", idx[i].name,
                     split ? "test" : "dev");
            report(name, &by_corpus[2 * i + split]);
        }
    report("dev", &c[0]);
    report("test", &c[1]);
    report_ceiling("dev", &likeness[0]);
    report_ceiling("test", &likeness[1]);
    free(likeness[0].pairs);
    free(likeness[1].pairs);
    for (size_t i = 0; i < n_idx; i++) ds_searcher_close(idx[i].s);
    return bad ? 2 : 0;
}

int main(int argc, char **argv)
{
    analyzer = ds_analyzer_new();
    int rc = 2;
    if (argc == 4 && strcmp(argv[1], "candidates") == 0)
        rc = candidates(argv[2], argv[3]);
    else if (argc >= 4 && strcmp(argv[1], "pairs") == 0)
        rc = pairs(argv[2], argv + 3, argc - 3);
    else
        fprintf(stderr, "usage: facts_eval pairs PAIRS.tsv NAME=INDEX...\n"
                        "       facts_eval candidates INDEX QUERIES.txt\n");
    ds_analyzer_free(analyzer);
    return rc;
}
