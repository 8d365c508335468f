/*
 * main.c — the dealsearch command line.
 *
 *   dealsearch [OPTIONS] QUERY...     search (builds the index first if
 *                                     there is none yet)
 *   dealsearch index [OPTIONS]        rebuild the index from the corpus
 *   dealsearch passages FILE          show how one article is split
 *
 * Exit status follows grep: 0 results, 1 none, 2 error.
 */
#define _DEFAULT_SOURCE /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "check.h"
#include "corpus.h"
#include "indexer.h"
#include "reader.h"
#include "render.h"
#include "search.h"
#include "util.h"

#ifndef DEALSEARCH_VERSION
#define DEALSEARCH_VERSION "0.1.0"
#endif

static const char USAGE[] =
    "usage: dealsearch [OPTIONS] QUERY...\n"
    "       dealsearch index [--corpus DIR [--plain] | --jsonl FILE [--split]]\n"
    "                        [--index DIR] [--synonyms FILE] [--jobs N]\n"
    "                        [--verbose]\n"
    "       dealsearch run --queries FILE.tsv [--format trec] [--limit N]\n"
    "       dealsearch passages [--plain] [--json] FILE\n"
    "       dealsearch check [--corpus DIR] [--index DIR]\n"
    "\n"
    "Search a folder of news articles and print the passages that answer\n"
    "QUERY, best first.  The words after the options form one query.\n"
    "\n"
    "Query syntax: words (all must match), \"exact phrase\", AND OR NOT, +word\n"
    "-word, a NEAR b, prefix*, source:FILE (file name without .txt),\n"
    "title:WORDS, heading:WORDS, date:2025-06-01..2025-06-30 (either end\n"
    "may be left out).\n"
    "\n"
    "Options:\n"
    "  --corpus DIR     article folder (default ./corpus, or $DEALSEARCH_CORPUS)\n"
    "  --index DIR      index folder (default DIR.index beside the corpus,\n"
    "                   or $DEALSEARCH_INDEX)\n"
    "  -n, --limit N    show at most N results (default 10)\n"
    "  --offset N       skip the first N results\n"
    "  --any            rank passages with any of the words\n"
    "  --exact          no spelling correction\n"
    "  --no-synonyms    no synonym expansion\n"
    "  --feedback       add the best words of the top passages to the query\n"
    "                   (pseudo-relevance feedback; on for 'run', where\n"
    "                   --no-feedback turns it off)\n"
    "  --explain        show how the query was read and each hit's score\n"
    "                   broken down by term (BM25)\n"
    "  --json           print one JSON object\n"
    "  --full           show whole passages instead of snippets\n"
    "  --all            list near-copies of a passage (the same report in\n"
    "                   other sources) as hits of their own\n"
    "  --color=WHEN     highlight matches: auto (default), always, never;\n"
    "                   NO_COLOR in the environment means never for auto\n"
    "  --verbose        (index) report each file and the lines it dropped\n"
    "  --plain          (index, passages) files are plain text, not news:\n"
    "                   every blank-line-separated block is one passage\n"
    "  --jsonl FILE     (index) index {\"id\",\"title\",\"text\"} lines instead\n"
    "                   of a folder; --split cuts texts into passages\n"
    "  --synonyms FILE  (index) synonym groups (default CORPUS/synonyms.conf)\n"
    "  -j, --jobs N     (index) build N shards at once, one thread each, and\n"
    "                   merge them (default: one per core, up to 4, for a\n"
    "                   corpus over 4 MB; 0 is the default)\n"
    "  --queries FILE   (run) answer each \"qid<TAB>query\" line; prints a\n"
    "                   TREC run (qid Q0 docid rank score tag), words OR-ed,\n"
    "                   one line per document\n"
    "  -h, --help       show this help\n"
    "  --version        show the version\n"
    "\n"
    "Exit status: 0 results found, 1 none, 2 error.\n";

typedef enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color_mode;
typedef enum { CMD_SEARCH, CMD_INDEX, CMD_PASSAGES, CMD_RUN, CMD_CHECK } command;

typedef struct {
    const char *corpus;
    const char *index;
    unsigned limit, offset, jobs;
    int limit_given;
    int any, json, full, verbose, exact, no_synonyms, split, explain,
        feedback, no_feedback, all, plain;
    color_mode color;
    command command;
    const char *file;      /* for CMD_PASSAGES */
    const char *jsonl;     /* for CMD_INDEX */
    const char *synonyms;  /* for CMD_INDEX */
    const char *queries;   /* for CMD_RUN */
    const char *format;    /* for CMD_RUN */
    ds_buf query;
} cli;

static int usage_error(const char *fmt, const char *arg)
{
    fputs("dealsearch: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see 'dealsearch --help')\n", stderr);
    return -1;
}

static int parse_count(const char *opt, const char *s, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || errno || v > 1000000 || s[0] == '-') {
        fputs("dealsearch: ", stderr);
        fprintf(stderr, "%s needs a number from 0 to 1000000, not '%s'\n",
                opt, s);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/* The value of option `name` at argv[*i], as "--name=V" or "--name V". */
static const char *option_value(int argc, char **argv, int *i,
                                const char *name)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0) return NULL;
    if (arg[n] == '=') return arg + n + 1;
    if (arg[n] != '\0') return NULL;
    if (*i + 1 >= argc) {
        usage_error("%s needs a value", name);
        return "";
    }
    return argv[++*i];
}

static void add_query_word(cli *c, const char *word)
{
    if (c->query.len) ds_buf_putc(&c->query, ' ');
    ds_buf_puts(&c->query, word);
}

/* Returns 0, 1 when help/version was printed, or -1 on a usage error. */
static int parse_args(int argc, char **argv, cli *c)
{
    int only_words = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (only_words || a[0] != '-' || a[1] == '\0') {
            int first = c->command == CMD_SEARCH && c->query.len == 0 &&
                        !only_words;
            if (first && strcmp(a, "index") == 0) {
                c->command = CMD_INDEX;
            } else if (first && strcmp(a, "run") == 0) {
                c->command = CMD_RUN;
            } else if (first && strcmp(a, "check") == 0) {
                c->command = CMD_CHECK;
            } else if (first && strcmp(a, "passages") == 0) {
                c->command = CMD_PASSAGES;
            } else if (c->command == CMD_PASSAGES && !c->file) {
                c->file = a;
            } else if (c->command != CMD_SEARCH) {
                return usage_error("unexpected argument '%s'", a);
            } else {
                add_query_word(c, a);
            }
        } else if (strcmp(a, "--") == 0) {
            only_words = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(USAGE, stdout);
            return 1;
        } else if (strcmp(a, "--version") == 0) {
            printf("dealsearch %s\n", DEALSEARCH_VERSION);
            return 1;
        } else if ((v = option_value(argc, argv, &i, "--corpus"))) {
            if (!*v) return -1;
            c->corpus = v;
        } else if ((v = option_value(argc, argv, &i, "--index"))) {
            if (!*v) return -1;
            c->index = v;
        } else if ((v = option_value(argc, argv, &i, "--limit")) ||
                   (v = option_value(argc, argv, &i, "-n"))) {
            if (parse_count("--limit", v, &c->limit)) return -1;
            c->limit_given = 1;
        } else if ((v = option_value(argc, argv, &i, "--jsonl"))) {
            if (!*v) return -1;
            c->jsonl = v;
        } else if ((v = option_value(argc, argv, &i, "--synonyms"))) {
            c->synonyms = v;
        } else if ((v = option_value(argc, argv, &i, "--queries"))) {
            if (!*v) return -1;
            c->queries = v;
        } else if ((v = option_value(argc, argv, &i, "--format"))) {
            if (strcmp(v, "trec") != 0)
                return usage_error("--format takes trec, not '%s'", v);
            c->format = v;
        } else if ((v = option_value(argc, argv, &i, "--offset"))) {
            if (parse_count("--offset", v, &c->offset)) return -1;
        } else if ((v = option_value(argc, argv, &i, "--jobs")) ||
                   (v = option_value(argc, argv, &i, "-j"))) {
            if (parse_count("--jobs", v, &c->jobs)) return -1;
            if (c->jobs > 64) return usage_error("--jobs is at most 64, not %s", v);
        } else if ((v = option_value(argc, argv, &i, "--color")) ||
                   (v = option_value(argc, argv, &i, "--colour"))) {
            if (strcmp(v, "auto") == 0) c->color = COLOR_AUTO;
            else if (strcmp(v, "always") == 0) c->color = COLOR_ALWAYS;
            else if (strcmp(v, "never") == 0) c->color = COLOR_NEVER;
            else return usage_error("--color takes auto, always or never, "
                                    "not '%s'", v);
        } else if (strcmp(a, "--any") == 0) {
            c->any = 1;
        } else if (strcmp(a, "--exact") == 0) {
            c->exact = 1;
        } else if (strcmp(a, "--no-synonyms") == 0) {
            c->no_synonyms = 1;
        } else if (strcmp(a, "--split") == 0) {
            c->split = 1;
        } else if (strcmp(a, "--plain") == 0) {
            c->plain = 1;
        } else if (strcmp(a, "--explain") == 0) {
            c->explain = 1;
        } else if (strcmp(a, "--feedback") == 0) {
            c->feedback = 1;
        } else if (strcmp(a, "--no-feedback") == 0) {
            c->no_feedback = 1;
        } else if (strcmp(a, "--all") == 0) {
            c->all = 1;
        } else if (strcmp(a, "--json") == 0) {
            c->json = 1;
        } else if (strcmp(a, "--full") == 0) {
            c->full = 1;
        } else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            c->verbose = 1;
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    return 0;
}

/* Default index location: beside the corpus, named CORPUS.index. */
static char *default_index_dir(const char *corpus)
{
    size_t len = strlen(corpus);
    while (len > 1 && corpus[len - 1] == '/') len--;
    char *trimmed = ds_xstrndup(corpus, len);
    const char *base = strrchr(trimmed, '/');
    base = base ? base + 1 : trimmed;
    if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
        strcmp(trimmed, "/") == 0) {
        char resolved[PATH_MAX];
        if (realpath(trimmed, resolved)) {
            free(trimmed);
            trimmed = ds_xstrdup(resolved);
        }
    }
    char *index = ds_xasprintf("%s.index", trimmed);
    free(trimmed);
    return index;
}

static int run_index(const cli *c, int quiet)
{
    ds_index_options opt = {.corpus_dir = c->corpus,
                            .index_dir = c->index,
                            .verbose = c->verbose,
                            .jsonl_path = c->jsonl,
                            .split = c->split,
                            .synonyms_path = c->synonyms,
                            .plain = c->plain,
                            .jobs = c->jobs};
    ds_index_stats stats;
    char *err = NULL;
    if (ds_index_build(&opt, &stats, &err) != 0) {
        ds_warn("%s", err);
        free(err);
        return DS_EXIT_ERROR;
    }
    char *summary = ds_index_summary(&stats);
    if (quiet)
        ds_warn("%s", summary);
    else
        printf("%s\n", summary);
    free(summary);
    /* Like grep: the work was done, but some input could not be read. */
    return stats.files_failed ? DS_EXIT_ERROR : DS_EXIT_MATCH;
}

/* `dealsearch passages FILE`: how the indexer reads one article. */
static int run_passages(const char *file, int plain, int json)
{
    if (!file) {
        ds_warn("'dealsearch passages' needs a FILE (see 'dealsearch --help')");
        return DS_EXIT_ERROR;
    }
    ds_buf text, out;
    ds_buf_init(&text);
    char *err = NULL;
    if (ds_corpus_read(file, &text, NULL, NULL, &err) != 0) {
        ds_warn("%s", err);
        free(err);
        ds_buf_free(&text);
        return DS_EXIT_ERROR;
    }
    ds_article a = {0};
    ds_reader *reader = ds_reader_new(plain ? DS_READER_PLAIN : DS_READER_NEWS);
    ds_reader_split(reader, text.data, text.len, &a);
    ds_reader_free(reader);
    ds_buf_init(&out);
    if (json)
        ds_article_json(&out, file, &a);
    else
        ds_article_describe(&out, &a);
    fwrite(out.data, 1, out.len, stdout);
    int rc = a.count ? DS_EXIT_MATCH : DS_EXIT_NO_MATCH;
    ds_article_free(&a);
    ds_buf_free(&out);
    ds_buf_free(&text);
    return rc;
}

/* `dealsearch check`: exit 0 sound and current, 1 out of date, 2 damaged. */
static int run_check(const cli *c)
{
    ds_buf report;
    ds_buf_init(&report);
    int rc = ds_index_check(c->index, c->jsonl ? NULL : c->corpus, &report);
    fputs(report.data, stdout);
    ds_buf_free(&report);
    return rc;
}

/* `dealsearch run --queries FILE`: a TREC run for evaluation. */
static int run_batch(const cli *c)
{
    if (!c->queries) {
        ds_warn("'dealsearch run' needs --queries FILE (see 'dealsearch "
                "--help')");
        return DS_EXIT_ERROR;
    }
    ds_searcher *s = NULL;
    char *err = NULL;
    if (ds_searcher_open(c->index, &s, &err) != DS_SEARCH_OK) {
        ds_warn("%s", err);
        free(err);
        return DS_EXIT_ERROR;
    }
    ds_search_options so = {.limit = c->limit_given ? c->limit : 100,
                            .match_any = 1,
                            .exact = c->exact,
                            .no_synonyms = c->no_synonyms,
                            .plain = 1,
                            .feedback = !c->no_feedback};
    int rc = ds_run_queries(s, c->queries, &so, stdout, &err);
    if (rc == DS_EXIT_ERROR) {
        ds_warn("%s", err);
        free(err);
    }
    ds_searcher_close(s);
    return rc;
}

static unsigned terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

static int open_searcher(const cli *c, ds_searcher **s)
{
    char *err = NULL;
    ds_search_status st = ds_searcher_open(c->index, s, &err);
    struct stat corpus;
    if (st == DS_SEARCH_NO_INDEX && !c->jsonl &&
        (stat(c->corpus, &corpus) != 0 || !S_ISDIR(corpus.st_mode))) {
        free(err);
        ds_warn("no index at '%s', and no corpus directory '%s' to build "
                "it from", c->index, c->corpus);
        return -1;
    }
    if (st == DS_SEARCH_NO_INDEX) {
        free(err);
        ds_warn("no index at '%s' yet; building it from '%s' first",
                c->index, c->corpus);
        run_index(c, 1);
        st = ds_searcher_open(c->index, s, &err);
        if (st == DS_SEARCH_NO_INDEX) { /* the build said why */
            free(err);
            return -1;
        }
    }
    if (st != DS_SEARCH_OK) {
        ds_warn("%s", err);
        free(err);
        return -1;
    }
    return 0;
}

static int run_search(const cli *c)
{
    ds_searcher *s = NULL;
    if (open_searcher(c, &s) != 0) return DS_EXIT_ERROR;
    ds_search_options so = {.offset = c->offset,
                            .limit = c->limit,
                            .match_any = c->any,
                            .exact = c->exact,
                            .no_synonyms = c->no_synonyms,
                            .explain = c->explain,
                            .all = c->all,
                            .feedback = c->feedback};
    ds_results r;
    char *err = NULL;
    if (ds_search(s, c->query.data, &so, &r, &err) != 0) {
        ds_warn("%s", err);
        free(err);
        ds_searcher_close(s);
        return DS_EXIT_ERROR;
    }
    int tty = isatty(STDOUT_FILENO);
    int color = c->color == COLOR_ALWAYS ||
                (c->color == COLOR_AUTO && tty && !getenv("NO_COLOR"));
    ds_render_options ro = {c->json, color, c->full,
                            tty ? terminal_width() : 0, DS_SNIPPET_BYTES};
    ds_buf out;
    ds_buf_init(&out);
    ds_render(&out, c->query.data, &r, &so, ds_searcher_analyzer(s), &ro);
    int rc = r.count ? DS_EXIT_MATCH : DS_EXIT_NO_MATCH;
    if (fwrite(out.data, 1, out.len, stdout) != out.len ||
        fflush(stdout) != 0) {
        ds_warn("writing results: %s", strerror(errno));
        rc = DS_EXIT_ERROR;
    }
    ds_buf_free(&out);
    ds_results_free(&r);
    ds_searcher_close(s);
    return rc;
}

int main(int argc, char **argv)
{
    cli c = {0};
    c.limit = 10;
    ds_buf_init(&c.query);
    int parsed = parse_args(argc, argv, &c);
    int rc = DS_EXIT_ERROR;
    if (parsed > 0) {
        rc = DS_EXIT_MATCH;
        goto done;
    }
    if (parsed < 0) goto done;
    if (!c.corpus) c.corpus = getenv("DEALSEARCH_CORPUS");
    if (!c.corpus || !*c.corpus) c.corpus = "corpus";
    if (!c.index) c.index = getenv("DEALSEARCH_INDEX");
    char *default_index = NULL;
    if (!c.index || !*c.index) c.index = default_index =
        default_index_dir(c.corpus);
    if (c.command == CMD_INDEX) {
        rc = run_index(&c, 0);
    } else if (c.command == CMD_PASSAGES) {
        rc = run_passages(c.file, c.plain, c.json);
    } else if (c.command == CMD_RUN) {
        rc = run_batch(&c);
    } else if (c.command == CMD_CHECK) {
        rc = run_check(&c);
    } else if (c.query.len == 0) {
        ds_warn("no query given (see 'dealsearch --help')");
    } else {
        rc = run_search(&c);
    }
    free(default_index);
done:
    ds_buf_free(&c.query);
    return rc;
}
