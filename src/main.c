/*
 * main.c — the dealsearch command line, over the engine's public API
 * (dealsearch.h) and nothing else.
 *
 *   dealsearch [OPTIONS] QUERY...     search (builds the index first if
 *                                     there is none yet)
 *   dealsearch index [OPTIONS]        bring the index up to date with the
 *                                     corpus (--rebuild: build it anew)
 *   dealsearch show SOURCE ¶N         a passage of the index, in context
 *                                     (show.c)
 *   dealsearch passages FILE          show how one article is read
 *   dealsearch run --queries FILE     a TREC run, for evaluation
 *   dealsearch check                  verify the index against its corpus
 *   dealsearch watch                  keep the index current (watch.c)
 *   dealsearch serve                  the HTTP JSON API and web page
 *   dealsearch join --index STUB DIR...
 *                                     list the parts of a sharded index
 *                                     built one by one (index --shard)
 *
 * Options come from one table saying which commands each applies to; a
 * missing value, a bad one, or an option that does not apply is one
 * usage line on stderr and exit 2.  Exit status follows grep: 0 results,
 * 1 none, 2 error.
 */
#define _DEFAULT_SOURCE /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "server.h"

/* ---- Commands and options ---- */

typedef enum {
    CMD_SEARCH = 1,
    CMD_INDEX = 2,
    CMD_PASSAGES = 4,
    CMD_RUN = 8,
    CMD_CHECK = 16,
    CMD_WATCH = 32,
    CMD_SERVE = 64,
    CMD_SHOW = 128,
    CMD_JOIN = 256
} command;
#define CMD_ALL                                                              \
    (CMD_SEARCH | CMD_INDEX | CMD_PASSAGES | CMD_RUN | CMD_CHECK | CMD_WATCH | \
     CMD_SERVE | CMD_SHOW | CMD_JOIN)
/* Those that open an index another command may have built. */
#define CMD_INDEXED                                                          \
    (CMD_SEARCH | CMD_INDEX | CMD_RUN | CMD_CHECK | CMD_WATCH | CMD_SERVE |   \
     CMD_SHOW)

typedef enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color_mode;

/* -n and --offset at most; all of -l's and --vimgrep's hits. */
#define MAX_LIMIT 1000000

typedef struct {
    command command;
    const char *corpus, *index, *jsonl, *synonyms, *queries, *file;
    const char *listen, *cors;          /* serve */
    const char *plan, *write_plan;      /* index --plan, --write-plan */
    unsigned threads, max_connections, max_per_ip, timeout;
    int quiet;
    int corpus_given;         /* --corpus or --jsonl on the command line */
    unsigned limit, offset, jobs, context, shards;
    int shards_given;
    int part;                 /* --shard: DS_PART_HEAD or K; */
    int part_given;
    int index_given;          /* --index on the command line */
    const char **parts;       /* join's folders (argv's strings) */
    size_t n_parts;
    ds_searcher_options remote;  /* --partial, --*-timeout */
    int limit_given;
    int any, json, full, verbose, exact, no_synonyms, split, explain,
        feedback, no_feedback, all, plain, rebuild, help, version;
    int files_with_matches, count, vimgrep;   /* other outputs */
    ds_sort sort;
    color_mode color;
    const char *words[2];     /* show's SOURCE and ¶N */
    size_t n_words;
    char *query;              /* the words, joined by spaces */
    size_t query_len;
} cli;

typedef enum {
    OPT_CORPUS, OPT_INDEX, OPT_LIMIT, OPT_OFFSET, OPT_ANY, OPT_EXACT,
    OPT_NO_SYNONYMS, OPT_FEEDBACK, OPT_NO_FEEDBACK, OPT_EXPLAIN, OPT_JSON,
    OPT_FULL, OPT_ALL, OPT_COLOR, OPT_VERBOSE, OPT_PLAIN, OPT_JSONL,
    OPT_SPLIT, OPT_SYNONYMS, OPT_JOBS, OPT_SHARDS, OPT_SHARD, OPT_PLAN,
    OPT_WRITE_PLAN, OPT_QUERIES,
    OPT_FORMAT,
    OPT_REBUILD,
    OPT_HELP, OPT_VERSION, OPT_LISTEN, OPT_THREADS, OPT_CORS,
    OPT_MAX_CONNECTIONS, OPT_MAX_PER_IP, OPT_TIMEOUT, OPT_QUIET, OPT_SORT,
    OPT_PARTIAL, OPT_CONNECT_TIMEOUT, OPT_QUERY_TIMEOUT,
    OPT_FILES_WITH_MATCHES, OPT_COUNT, OPT_VIMGREP, OPT_CONTEXT
} option_id;

typedef struct {
    const char *name;      /* "--limit" */
    const char *alias;     /* "-n", or NULL */
    int takes_value;
    unsigned commands;     /* those it applies to */
    option_id id;
} option_def;

static const option_def OPTIONS[] = {
    {"--corpus", NULL, 1, CMD_INDEXED, OPT_CORPUS},
    {"--index", NULL, 1, CMD_INDEXED | CMD_JOIN, OPT_INDEX},
    {"--limit", "-n", 1, CMD_SEARCH | CMD_RUN, OPT_LIMIT},
    {"--offset", NULL, 1, CMD_SEARCH, OPT_OFFSET},
    {"--sort", NULL, 1, CMD_SEARCH, OPT_SORT},
    {"--files-with-matches", "-l", 0, CMD_SEARCH, OPT_FILES_WITH_MATCHES},
    {"--count", "-c", 0, CMD_SEARCH, OPT_COUNT},
    {"--vimgrep", NULL, 0, CMD_SEARCH, OPT_VIMGREP},
    {"--context", "-C", 1, CMD_SHOW, OPT_CONTEXT},
    {"--any", NULL, 0, CMD_SEARCH, OPT_ANY},
    {"--exact", NULL, 0, CMD_SEARCH | CMD_RUN, OPT_EXACT},
    {"--no-synonyms", NULL, 0, CMD_SEARCH | CMD_RUN, OPT_NO_SYNONYMS},
    {"--feedback", NULL, 0, CMD_SEARCH, OPT_FEEDBACK},
    {"--no-feedback", NULL, 0, CMD_RUN, OPT_NO_FEEDBACK},
    {"--explain", NULL, 0, CMD_SEARCH, OPT_EXPLAIN},
    {"--json", NULL, 0, CMD_SEARCH | CMD_PASSAGES | CMD_SHOW, OPT_JSON},
    {"--full", NULL, 0, CMD_SEARCH, OPT_FULL},
    {"--all", NULL, 0, CMD_SEARCH, OPT_ALL},
    {"--color", "--colour", 1, CMD_SEARCH | CMD_SHOW, OPT_COLOR},
    {"--verbose", "-v", 0, CMD_INDEX, OPT_VERBOSE},
    {"--plain", NULL, 0, CMD_INDEX | CMD_PASSAGES | CMD_WATCH, OPT_PLAIN},
    {"--jsonl", NULL, 1, CMD_INDEX | CMD_CHECK, OPT_JSONL},
    {"--split", NULL, 0, CMD_INDEX, OPT_SPLIT},
    {"--synonyms", NULL, 1, CMD_INDEX | CMD_WATCH, OPT_SYNONYMS},
    {"--jobs", "-j", 1, CMD_INDEX, OPT_JOBS},
    {"--shards", NULL, 1, CMD_INDEX | CMD_JOIN, OPT_SHARDS},
    {"--shard", NULL, 1, CMD_INDEX, OPT_SHARD},
    {"--plan", NULL, 1, CMD_INDEX, OPT_PLAN},
    {"--write-plan", NULL, 1, CMD_INDEX, OPT_WRITE_PLAN},
    {"--rebuild", NULL, 0, CMD_INDEX, OPT_REBUILD},
    {"--queries", NULL, 1, CMD_RUN, OPT_QUERIES},
    {"--format", NULL, 1, CMD_RUN, OPT_FORMAT},
    {"--listen", NULL, 1, CMD_SERVE, OPT_LISTEN},
    {"--threads", NULL, 1, CMD_SERVE, OPT_THREADS},
    {"--cors", NULL, 1, CMD_SERVE, OPT_CORS},
    {"--max-connections", NULL, 1, CMD_SERVE, OPT_MAX_CONNECTIONS},
    {"--max-per-ip", NULL, 1, CMD_SERVE, OPT_MAX_PER_IP},
    {"--timeout", NULL, 1, CMD_SERVE, OPT_TIMEOUT},
    {"--partial", NULL, 0, CMD_SEARCH | CMD_RUN | CMD_SERVE, OPT_PARTIAL},
    {"--connect-timeout", NULL, 1, CMD_SEARCH | CMD_RUN | CMD_SERVE,
     OPT_CONNECT_TIMEOUT},
    {"--query-timeout", NULL, 1, CMD_SEARCH | CMD_RUN | CMD_SERVE,
     OPT_QUERY_TIMEOUT},
    {"--quiet", "-q", 0, CMD_INDEX | CMD_SERVE, OPT_QUIET},
    {"--help", "-h", 0, CMD_ALL, OPT_HELP},
    {"--version", NULL, 0, CMD_ALL, OPT_VERSION},
};

static const struct {
    const char *name;
    command command;
} COMMANDS[] = {{"index", CMD_INDEX},
                {"passages", CMD_PASSAGES},
                {"run", CMD_RUN},
                {"check", CMD_CHECK},
                {"watch", CMD_WATCH},
                {"serve", CMD_SERVE},
                {"show", CMD_SHOW},
                {"join", CMD_JOIN}};

/* "searching", or "'dealsearch index'": for messages. */
static const char *command_phrase(command c)
{
    static const char *const phrases[] = {
        "'dealsearch index'", "'dealsearch passages'", "'dealsearch run'",
        "'dealsearch check'", "'dealsearch watch'", "'dealsearch serve'",
        "'dealsearch show'", "'dealsearch join'"};
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        if (COMMANDS[i].command == c) return phrases[i];
    return "searching";
}

void cli_put_safe_n(const char *s, size_t len, FILE *f)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    for (; p < end; p++) {
        if (*p < 0x20 || *p == 0x7F) {
            fputc('?', f);
        } else if (*p == 0xC2 && p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9F) {
            fputc('?', f);
            p++;
        } else {
            fputc(*p, f);
        }
    }
}

void cli_put_safe(const char *s, FILE *f)
{
    cli_put_safe_n(s, strlen(s), f);
}

char *cli_concat(const char *a, const char *b)
{
    size_t n = strlen(a);
    char *s = malloc(n + strlen(b) + 1);
    if (!s) {
        fputs("dealsearch: out of memory\n", stderr);
        exit(EXIT_ERROR);
    }
    memcpy(s, a, n);
    strcpy(s + n, b);
    return s;
}

/* malloc'd vprintf; exits on out of memory, like the library. */
static char *vformat(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = malloc(n > 0 ? (size_t)n + 1 : 1);
    if (!s) {
        fputs("dealsearch: out of memory\n", stderr);
        exit(EXIT_ERROR);
    }
    vsnprintf(s, n > 0 ? (size_t)n + 1 : 1, fmt, again);
    va_end(again);
    return s;
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    fputs("dealsearch: ", stderr);
    cli_put_safe(msg, stderr);
    fputc('\n', stderr);
    free(msg);
}

ds_status cli_fail(char **err, ds_status status, const char *fmt, ...)
{
    if (!err) return status;
    va_list ap;
    va_start(ap, fmt);
    *err = vformat(fmt, ap);
    va_end(ap);
    return status;
}

/* The option `arg` names ("--name", "--name=VALUE", or an alias); *value
 * points to what follows '=' (NULL when nothing does). */
static const option_def *find_option(const char *arg, const char **value)
{
    *value = NULL;
    for (size_t i = 0; i < sizeof OPTIONS / sizeof *OPTIONS; i++) {
        const char *names[] = {OPTIONS[i].name, OPTIONS[i].alias};
        for (size_t k = 0; k < 2 && names[k]; k++) {
            size_t n = strlen(names[k]);
            if (strncmp(arg, names[k], n) != 0) continue;
            if (arg[n] == '\0') return &OPTIONS[i];
            if (arg[n] == '=' && OPTIONS[i].takes_value) {
                *value = arg + n + 1;
                return &OPTIONS[i];
            }
        }
    }
    return NULL;
}

static int is_option(const char *arg)
{
    return arg[0] == '-' && arg[1] != '\0';
}

/* The command: the first word that is neither an option nor an option's
 * value, when it names one (else a search); *at is its index or 0. */
static command find_command(int argc, char **argv, int *at)
{
    *at = 0;
    for (int i = 1; i < argc; i++) {
        const char *value;
        if (strcmp(argv[i], "--") == 0) break;
        if (!is_option(argv[i])) {
            for (size_t c = 0; c < sizeof COMMANDS / sizeof *COMMANDS; c++)
                if (strcmp(argv[i], COMMANDS[c].name) == 0) {
                    *at = i;
                    return COMMANDS[c].command;
                }
            break;
        }
        const option_def *o = find_option(argv[i], &value);
        if (o && o->takes_value && !value) i++;
    }
    return CMD_SEARCH;
}

/* ---- Option values ---- */

static ds_status parse_count(const char *opt, const char *s, unsigned max,
                             unsigned *out, char **err)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || errno || v > max || s[0] == '-')
        return cli_fail(err, DS_ERR_USAGE,
                        "%s needs a number from 0 to %u, not '%s'", opt, max,
                        s);
    *out = (unsigned)v;
    return DS_OK;
}

static ds_status parse_positive(const char *opt, const char *s,
                                unsigned max, unsigned *out, char **err)
{
    if (parse_count(opt, s, max, out, NULL) == DS_OK && *out > 0)
        return DS_OK;
    return cli_fail(err, DS_ERR_USAGE,
                    "%s needs a number from 1 to %u, not '%s'", opt, max, s);
}

/* Seconds, fractions allowed: 0.001 to 3600. */
static ds_status parse_seconds(const char *opt, const char *s, double *out,
                               char **err)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !(v >= 0.001 && v <= 3600))
        return cli_fail(err, DS_ERR_USAGE,
                        "%s needs seconds from 0.001 to 3600, not '%s'", opt,
                        s);
    *out = v;
    return DS_OK;
}

static ds_status set_color(cli *c, const char *v, char **err)
{
    if (strcmp(v, "auto") == 0) c->color = COLOR_AUTO;
    else if (strcmp(v, "always") == 0) c->color = COLOR_ALWAYS;
    else if (strcmp(v, "never") == 0) c->color = COLOR_NEVER;
    else return cli_fail(err, DS_ERR_USAGE,
                         "--color takes auto, always or never, not '%s'", v);
    return DS_OK;
}

/* --shard head, or K from 0 (whether --shards has that many, the
 * indexer says). */
static ds_status set_part(cli *c, const char *v, char **err)
{
    unsigned k = 0;
    c->part_given = 1;
    c->part = DS_PART_HEAD;
    if (strcmp(v, "head") == 0) return DS_OK;
    if (parse_count("--shard", v, 63, &k, NULL) != DS_OK)
        return cli_fail(err, DS_ERR_USAGE,
                        "--shard takes 'head' or a shard's number from 0 to "
                        "63, not '%s'", v);
    c->part = (int)k;
    return DS_OK;
}

static ds_status set_sort(cli *c, const char *v, char **err)
{
    if (strcmp(v, "relevance") == 0) c->sort = DS_SORT_RELEVANCE;
    else if (strcmp(v, "date") == 0) c->sort = DS_SORT_DATE;
    else return cli_fail(err, DS_ERR_USAGE,
                         "--sort takes relevance or date, not '%s'", v);
    return DS_OK;
}

/* A string option's value must not be empty. */
static ds_status set_path(const char **field, const char *name,
                          const char *v, char **err)
{
    if (!*v)
        return cli_fail(err, DS_ERR_USAGE, "%s needs a value, not ''", name);
    *field = v;
    return DS_OK;
}

static ds_status set_value(cli *c, const option_def *o, const char *v,
                           char **err)
{
    const char *n = o->name;
    switch (o->id) {
    case OPT_CORPUS: c->corpus_given = 1; return set_path(&c->corpus, n, v, err);
    case OPT_INDEX: c->index_given = 1; return set_path(&c->index, n, v, err);
    case OPT_JSONL: c->corpus_given = 1; return set_path(&c->jsonl, n, v, err);
    case OPT_SYNONYMS: return set_path(&c->synonyms, n, v, err);
    case OPT_QUERIES: return set_path(&c->queries, n, v, err);
    case OPT_LIMIT:
        c->limit_given = 1;
        return parse_count(n, v, MAX_LIMIT, &c->limit, err);
    case OPT_OFFSET: return parse_count(n, v, MAX_LIMIT, &c->offset, err);
    case OPT_JOBS: return parse_count(n, v, 64, &c->jobs, err);
    case OPT_SHARDS:
        c->shards_given = 1;
        return parse_count(n, v, 64, &c->shards, err);
    case OPT_SHARD: return set_part(c, v, err);
    case OPT_PLAN: return set_path(&c->plan, n, v, err);
    case OPT_WRITE_PLAN: return set_path(&c->write_plan, n, v, err);
    case OPT_LISTEN: return set_path(&c->listen, n, v, err);
    case OPT_CORS: return set_path(&c->cors, n, v, err);
    case OPT_THREADS: return parse_count(n, v, 256, &c->threads, err);
    case OPT_MAX_CONNECTIONS:
        return parse_positive(n, v, 100000, &c->max_connections, err);
    case OPT_MAX_PER_IP:
        return parse_positive(n, v, 100000, &c->max_per_ip, err);
    case OPT_TIMEOUT: return parse_positive(n, v, 3600, &c->timeout, err);
    case OPT_CONNECT_TIMEOUT:
        return parse_seconds(n, v, &c->remote.connect_timeout, err);
    case OPT_QUERY_TIMEOUT:
        return parse_seconds(n, v, &c->remote.timeout, err);
    case OPT_COLOR: return set_color(c, v, err);
    case OPT_CONTEXT: return parse_count(n, v, DS_MAX_CONTEXT, &c->context, err);
    case OPT_SORT: return set_sort(c, v, err);
    case OPT_FORMAT:
        return strcmp(v, "trec") == 0
                   ? DS_OK
                   : cli_fail(err, DS_ERR_USAGE,
                              "--format takes trec, not '%s'", v);
    default: return cli_fail(err, DS_ERR_USAGE, "%s takes no value", n);
    }
}

static void set_flag(cli *c, option_id id)
{
    int *flags[] = {
        [OPT_ANY] = &c->any, [OPT_EXACT] = &c->exact,
        [OPT_NO_SYNONYMS] = &c->no_synonyms, [OPT_FEEDBACK] = &c->feedback,
        [OPT_NO_FEEDBACK] = &c->no_feedback, [OPT_EXPLAIN] = &c->explain,
        [OPT_JSON] = &c->json, [OPT_FULL] = &c->full, [OPT_ALL] = &c->all,
        [OPT_VERBOSE] = &c->verbose, [OPT_PLAIN] = &c->plain,
        [OPT_SPLIT] = &c->split, [OPT_REBUILD] = &c->rebuild,
        [OPT_HELP] = &c->help, [OPT_VERSION] = &c->version,
        [OPT_QUIET] = &c->quiet, [OPT_PARTIAL] = &c->remote.partial,
        [OPT_FILES_WITH_MATCHES] = &c->files_with_matches,
        [OPT_COUNT] = &c->count, [OPT_VIMGREP] = &c->vimgrep};
    *flags[id] = 1;
}

/* The option at argv[*i] (its value may be the next argument). */
static ds_status parse_option(cli *c, int argc, char **argv, int *i,
                              char **err)
{
    const char *arg = argv[*i], *value;
    const option_def *o = find_option(arg, &value);
    if (!o) return cli_fail(err, DS_ERR_USAGE, "unknown option '%s'", arg);
    if (!(o->commands & c->command))
        return cli_fail(err, DS_ERR_USAGE, "%s does not apply to %s",
                        o->name, command_phrase(c->command));
    if (!o->takes_value) {
        set_flag(c, o->id);
        return DS_OK;
    }
    if (!value) {
        if (*i + 1 >= argc)
            return cli_fail(err, DS_ERR_USAGE, "%s needs a value", o->name);
        value = argv[++*i];
    }
    return set_value(c, o, value, err);
}

static void add_query_word(cli *c, const char *word)
{
    size_t len = strlen(word);
    c->query = realloc(c->query, c->query_len + len + 2);
    if (!c->query) {
        fputs("dealsearch: out of memory\n", stderr);
        exit(EXIT_ERROR);
    }
    if (c->query_len) c->query[c->query_len++] = ' ';
    memcpy(c->query + c->query_len, word, len + 1);
    c->query_len += len;
}

/* A word that is not an option: the query's, the passages FILE, or
 * show's SOURCE and ¶N. */
static ds_status parse_word(cli *c, const char *word, char **err)
{
    if (c->command == CMD_SEARCH) {
        add_query_word(c, word);
        return DS_OK;
    }
    if (c->command == CMD_PASSAGES && !c->file) {
        c->file = word;
        return DS_OK;
    }
    if (c->command == CMD_SHOW && c->n_words < 2) {
        c->words[c->n_words++] = word;
        return DS_OK;
    }
    if (c->command == CMD_JOIN) {
        c->parts = realloc(c->parts, (c->n_parts + 1) * sizeof *c->parts);
        if (!c->parts) {
            fputs("dealsearch: out of memory\n", stderr);
            exit(EXIT_ERROR);
        }
        c->parts[c->n_parts++] = word;
        return DS_OK;
    }
    return cli_fail(err, DS_ERR_USAGE, "unexpected argument '%s'", word);
}

static ds_status parse_args(int argc, char **argv, cli *c, char **err)
{
    int command_at, only_words = 0;
    c->command = find_command(argc, argv, &command_at);
    ds_status st = DS_OK;
    for (int i = 1; i < argc && st == DS_OK; i++) {
        if (i == command_at) continue;
        if (only_words || !is_option(argv[i]))
            st = parse_word(c, argv[i], err);
        else if (strcmp(argv[i], "--") == 0)
            only_words = 1;
        else
            st = parse_option(c, argc, argv, &i, err);
    }
    return st;
}

/* ---- Commands ---- */

/* Default index location: beside the corpus, named CORPUS.index. */
static char *default_index_dir(const char *corpus)
{
    size_t len = strlen(corpus);
    while (len > 1 && corpus[len - 1] == '/') len--;
    char resolved[PATH_MAX];
    char *trimmed = strndup(corpus, len);
    const char *base = strrchr(trimmed, '/');
    base = base ? base + 1 : trimmed;
    int dots = strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
               strcmp(trimmed, "/") == 0;
    const char *dir = dots && realpath(trimmed, resolved) ? resolved : trimmed;
    char *index = malloc(strlen(dir) + sizeof ".index");
    if (!trimmed || !index) {
        fputs("dealsearch: out of memory\n", stderr);
        exit(EXIT_ERROR);
    }
    strcpy(index, dir);
    strcat(index, ".index");
    free(trimmed);
    return index;
}

static void print_notice(void *ctx, const char *message)
{
    (void)ctx;
    cli_progress_clear();
    cli_warn("%s", message);
}

static ds_corpus_spec corpus_spec(const cli *c)
{
    ds_corpus_spec spec = {c->jsonl ? DS_CORPUS_JSONL : DS_CORPUS_FOLDER,
                           c->jsonl ? c->jsonl : c->corpus,
                           c->plain ? DS_READER_PLAIN : DS_READER_NEWS,
                           c->split};
    return spec;
}

static ds_index_options index_options(const cli *c)
{
    ds_index_options opt;
    ds_index_options_init(&opt);
    opt.corpus = corpus_spec(c);
    opt.index_dir = c->index;
    opt.synonyms_path = c->synonyms;
    opt.jobs = c->jobs;
    opt.shards = c->shards_given ? (int)c->shards : -1;
    opt.part = c->part_given ? c->part : DS_PART_ALL;
    opt.plan_path = c->plan;
    opt.verbose = c->verbose;
    opt.notice = print_notice;
    return opt;
}

/* `dealsearch index --shards N --write-plan FILE`: the first pass,
 * written for the parts built one by one (--plan FILE).  Its summary goes
 * to stdout, unless --quiet. */
static int run_write_plan(const cli *c)
{
    ds_index_options opt = index_options(c);
    if (!c->quiet) {
        cli_progress_start();
        opt.progress = cli_progress_tell;
    }
    ds_index_stats stats;
    char *err = NULL;
    ds_status st = ds_index_write_plan(&opt, c->write_plan, &stats, &err);
    cli_progress_clear();
    if (st != DS_OK) {
        cli_warn("%s", err);
        free(err);
        return EXIT_ERROR;
    }
    if (!c->quiet)
        printf("planned %lu file%s (%.1f MB) into %lu passages (%lu "
               "near-copy groups) for %u shards: %s; %.2f s\n", stats.files,
               stats.files == 1 ? "" : "s", (double)stats.corpus_bytes / 1e6,
               stats.passages, stats.shared_groups, c->shards, c->write_plan,
               stats.seconds);
    return stats.files_failed ? EXIT_ERROR : EXIT_MATCH;
}

/* Build the index; its summary goes to stdout, or stderr when `quiet`
 * (none with --quiet).  A build shows its progress on a terminal, unless
 * --quiet, or --verbose has a line per file to say. */
static int run_index(const cli *c, int quiet)
{
    int silent = c->quiet && c->command == CMD_INDEX;
    ds_index_options opt = index_options(c);
    if (!c->verbose && !silent) {
        cli_progress_start();
        opt.progress = cli_progress_tell;
    }
    ds_indexer *ix = NULL;
    ds_index_stats stats;
    char *err = NULL;
    ds_status st = ds_indexer_open(&opt, &ix, &err);
    if (st == DS_OK)
        st = c->rebuild ? ds_indexer_build(ix, &stats, &err)
                        : ds_indexer_update(ix, &stats, &err);
    ds_indexer_close(ix);
    cli_progress_clear();
    if (st != DS_OK) {
        cli_warn("%s", err);
        free(err);
        return EXIT_ERROR;
    }
    char *summary = silent ? NULL : ds_index_summary(&stats);
    if (summary && quiet)
        cli_warn("%s", summary);
    else if (summary)
        printf("%s\n", summary);
    free(summary);
    /* Like grep: the work was done, but some input could not be read. */
    return stats.files_failed ? EXIT_ERROR : EXIT_MATCH;
}

/* `dealsearch join --index STUB DIR...`: the parts built one by one,
 * listed in a stub to search as one index. */
static int run_join(const cli *c)
{
    if (!c->index_given || !c->n_parts) {
        cli_warn("'dealsearch join' needs --index STUB and the folders of "
                 "the parts (see 'dealsearch join --help')");
        return EXIT_ERROR;
    }
    char *err = NULL;
    if (ds_index_join(c->index, c->parts, c->n_parts,
                      c->shards_given ? c->shards : 0, &err) == DS_OK)
        return EXIT_MATCH;
    cli_warn("%s", err);
    free(err);
    return EXIT_ERROR;
}

/* `dealsearch passages FILE`: how the indexer reads one article. */
static int run_passages(const cli *c)
{
    if (!c->file) {
        cli_warn("'dealsearch passages' needs a FILE (see 'dealsearch "
                 "--help')");
        return EXIT_ERROR;
    }
    char *listing = NULL, *err = NULL;
    size_t passages = 0;
    if (ds_describe_file(c->file, c->plain ? DS_READER_PLAIN : DS_READER_NEWS,
                         c->json ? DS_FORMAT_JSON : DS_FORMAT_HUMAN,
                         &listing, &passages, &err) != DS_OK) {
        cli_warn("%s", err);
        free(err);
        return EXIT_ERROR;
    }
    fputs(listing, stdout);
    free(listing);
    return passages ? EXIT_MATCH : EXIT_NO_MATCH;
}

/* `dealsearch check`: exit 0 sound and current, 1 out of date, 2 damaged. */
static int run_check(const cli *c)
{
    ds_corpus_spec given = corpus_spec(c);
    ds_check_verdict verdict;
    char *report = NULL, *err = NULL;
    if (ds_index_check(c->index, c->corpus_given ? &given : NULL, &verdict,
                       &report, &err) != DS_OK) {
        cli_warn("%s", err);
        free(err);
        return EXIT_ERROR;
    }
    fputs(report, stdout);
    free(report);
    return verdict == DS_CHECK_OK      ? EXIT_MATCH
           : verdict == DS_CHECK_STALE ? EXIT_NO_MATCH
                                       : EXIT_ERROR;
}

/* `dealsearch run --queries FILE`: a TREC run for evaluation. */
static int run_batch(const cli *c)
{
    if (!c->queries) {
        cli_warn("'dealsearch run' needs --queries FILE (see 'dealsearch "
                 "--help')");
        return EXIT_ERROR;
    }
    ds_searcher *s = NULL;
    char *err = NULL;
    ds_search_options so;
    ds_search_options_init(&so);
    so.limit = c->limit_given ? c->limit : 100;
    so.match_any = 1;
    so.exact = c->exact;
    so.no_synonyms = c->no_synonyms;
    so.plain = 1;
    so.feedback = !c->no_feedback;
    ds_status st = ds_searcher_open_with(c->index, &c->remote, &s, &err);
    if (st == DS_OK) st = cli_run_queries(s, c->queries, &so, stdout, &err);
    ds_searcher_close(s);
    if (st == DS_OK) return EXIT_MATCH;
    cli_warn("%s", err);
    free(err);
    return EXIT_ERROR;
}

static unsigned terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

/* The searcher; when no index has been built yet, build it first (from
 * the corpus folder, with a notice on stderr).  Failures are reported
 * here. */
static ds_status open_searcher(const cli *c, ds_searcher **s)
{
    char *err = NULL;
    ds_status st = ds_searcher_open_with(c->index, &c->remote, s, &err);
    struct stat corpus;
    int have_corpus = stat(c->corpus, &corpus) == 0 && S_ISDIR(corpus.st_mode);
    if (st == DS_ERR_NO_INDEX && have_corpus) {
        free(err);
        err = NULL;
        cli_warn("no index at '%s' yet; building it from '%s' first",
                 c->index, c->corpus);
        run_index(c, 1); /* reports its own failure */
        st = ds_searcher_open_with(c->index, &c->remote, s, &err);
        if (st == DS_ERR_NO_INDEX) { /* the build said why */
            free(err);
            return st;
        }
    } else if (st == DS_ERR_NO_INDEX) {
        free(err);
        cli_warn("no index at '%s', and no corpus directory '%s' to build "
                 "it from", c->index, c->corpus);
        return st;
    }
    if (st != DS_OK) cli_warn("%s", err);
    free(err);
    return st;
}

/* The prefix that makes the sources of the index `s` has open paths the
 * user can open (cli_path_base), and in *folder its corpus folder; both
 * NULL for a JSON lines corpus.  Failures are reported here. */
static ds_status path_base(ds_searcher *s, char **folder, char **base)
{
    char *err = NULL;
    *base = NULL;
    ds_status st = ds_searcher_corpus_folder(s, folder, &err);
    if (st != DS_OK) {
        cli_warn("%s", err);
        free(err);
    } else if (*folder) {
        *base = cli_path_base(*folder);
    }
    return st;
}

static ds_print_options print_options(const cli *c, const char *base)
{
    int tty = isatty(STDOUT_FILENO);
    ds_print_options po;
    ds_print_options_init(&po);
    po.format = c->json ? DS_FORMAT_JSON : DS_FORMAT_HUMAN;
    po.color = c->color == COLOR_ALWAYS ||
               (c->color == COLOR_AUTO && tty && !getenv("NO_COLOR"));
    po.full = c->full;
    po.width = tty ? terminal_width() : 0;
    po.path_base = base;
    return po;
}

/* The search as the options ask for it: -l wants one hit per source,
 * -c the exact count only; both -l and --vimgrep every hit unless -n,
 * --vimgrep every location (nothing folded into "also reported in"). */
static ds_search_options search_options(const cli *c)
{
    ds_search_options so;
    ds_search_options_init(&so);
    so.offset = c->offset;
    so.limit = c->limit;
    if ((c->files_with_matches || c->vimgrep) && !c->limit_given)
        so.limit = MAX_LIMIT;
    so.match_any = c->any;
    so.exact = c->exact;
    so.no_synonyms = c->no_synonyms;
    so.explain = c->explain;
    so.all = c->all || c->vimgrep;
    so.feedback = c->feedback;
    so.sort = c->sort;
    so.one_per_source = c->files_with_matches;
    if (c->count) {
        so.limit = 0;
        so.count_all = 1;
    }
    return so;
}

/* Print the results in the output asked for. */
static void print_results(const cli *c, const ds_results *r,
                          const char *base)
{
    if (c->count) {
        printf("%lu\n", ds_results_get_info(r)->total);
    } else if (c->files_with_matches) {
        cli_print_sources(r, base, stdout);
    } else if (c->vimgrep) {
        cli_print_vimgrep(r, base, stdout);
    } else {
        ds_print_options po = print_options(c, base);
        size_t len;
        char *out = ds_results_print(r, &po, &len);
        fwrite(out, 1, len, stdout);
        free(out);
    }
}

/* Open the index (building it first when there is none), learn how its
 * sources are printed as paths, and `use` it; failures are reported. */
static int with_index(const cli *c,
                      int (*use)(const cli *c, ds_searcher *s,
                                 const char *folder, const char *base))
{
    ds_searcher *s = NULL;
    if (open_searcher(c, &s) != DS_OK) return EXIT_ERROR;
    char *folder = NULL, *base = NULL;
    int rc = path_base(s, &folder, &base) == DS_OK ? use(c, s, folder, base)
                                                   : EXIT_ERROR;
    free(base);
    free(folder);
    ds_searcher_close(s);
    return rc;
}

static int search_in(const cli *c, ds_searcher *s, const char *folder,
                     const char *base)
{
    (void)folder;
    ds_search_options so = search_options(c);
    ds_results *r = NULL;
    char *err = NULL;
    if (ds_search(s, c->query, &so, &r, &err) != DS_OK) {
        cli_warn("%s", err);
        free(err);
        return EXIT_ERROR;
    }
    const ds_results_info *info = ds_results_get_info(r);
    for (size_t i = 0; i < info->n_notices; i++)
        cli_warn("%s", info->notices[i]);
    print_results(c, r, base);
    /* Matches on another page (or a count only, -n 0) are matches. */
    int rc = ds_results_count(r) || info->total ? EXIT_MATCH : EXIT_NO_MATCH;
    ds_results_free(r);
    return rc;
}

static int run_search(const cli *c)
{
    if (!c->query) {
        cli_warn("no query given (see 'dealsearch --help')");
        return EXIT_ERROR;
    }
    if (c->json + c->files_with_matches + c->count + c->vimgrep > 1) {
        cli_warn("--json, -l, -c and --vimgrep are different outputs: give "
                 "one (see 'dealsearch --help')");
        return EXIT_ERROR;
    }
    return with_index(c, search_in);
}

/* `dealsearch show SOURCE ¶N`. */
static int show_in(const cli *c, ds_searcher *s, const char *folder,
                   const char *base)
{
    ds_print_options po = print_options(c, base);
    return cli_show(s, c->words, c->n_words, c->context, folder, &po);
}

/* `dealsearch serve`: as a search does, build the index first when there
 * is none yet but there is a corpus; then serve until a signal. */
static int run_serve(const cli *c)
{
    ds_searcher *s = NULL;
    struct stat corpus;
    if (ds_searcher_open(c->index, &s, NULL) == DS_ERR_NO_INDEX &&
        stat(c->corpus, &corpus) == 0 && S_ISDIR(corpus.st_mode)) {
        cli_warn("no index at '%s' yet; building it from '%s' first",
                 c->index, c->corpus);
        run_index(c, 1); /* reports its own failure */
    }
    ds_searcher_close(s);
    ds_server_config sc;
    ds_server_config_init(&sc);
    if (c->listen) sc.listen = c->listen;
    sc.index_dir = c->index;
    sc.cors_origin = c->cors;
    sc.threads = c->threads;
    if (c->max_connections) sc.max_connections = c->max_connections;
    if (c->max_per_ip) sc.max_per_ip = c->max_per_ip;
    if (c->timeout) sc.timeout = c->timeout;
    sc.quiet = c->quiet;
    sc.searcher = c->remote;
    char *err = NULL;
    if (ds_serve(&sc, &err) == DS_OK) return EXIT_MATCH;
    cli_warn("%s", err);
    free(err);
    return EXIT_ERROR;
}

static int run_command(cli *c)
{
    if (c->help) {
        const char *name = NULL;
        for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
            if (COMMANDS[i].command == c->command) name = COMMANDS[i].name;
        cli_help(name, stdout);
        return EXIT_MATCH;
    }
    if (c->version) {
        printf("dealsearch %s\n", DEALSEARCH_VERSION);
        return EXIT_MATCH;
    }
    switch (c->command) {
    case CMD_INDEX: return c->write_plan ? run_write_plan(c) : run_index(c, 0);
    case CMD_PASSAGES: return run_passages(c);
    case CMD_RUN: return run_batch(c);
    case CMD_CHECK: return run_check(c);
    case CMD_WATCH: {
        ds_index_options opt = index_options(c);
        return cli_watch(&opt);
    }
    case CMD_SERVE: return run_serve(c);
    case CMD_SHOW: return with_index(c, show_in);
    case CMD_JOIN: return run_join(c);
    default: return run_search(c);
    }
}

/* Output that could not be written is an error (a full disk), never a
 * silent success; said once, unless the command has failed already. */
static int finish_output(int rc)
{
    if (fflush(stdout) == 0 && !ferror(stdout)) return rc;
    if (rc != EXIT_ERROR)
        cli_warn("writing output: %s", strerror(errno ? errno : EIO));
    return EXIT_ERROR;
}

int main(int argc, char **argv)
{
    cli c = {0};
    c.limit = 10;
    char *err = NULL;
    if (parse_args(argc, argv, &c, &err) != DS_OK) {
        cli_warn("%s (see 'dealsearch --help')", err);
        free(err);
        free(c.query);
        free(c.parts);
        return EXIT_ERROR;
    }
    if (!c.corpus) c.corpus = getenv("DEALSEARCH_CORPUS");
    if (!c.corpus || !*c.corpus) c.corpus = "corpus";
    if (!c.index) c.index = getenv("DEALSEARCH_INDEX");
    char *default_index = NULL;
    if (!c.index || !*c.index)
        c.index = default_index = default_index_dir(c.corpus);
    int rc = finish_output(run_command(&c));
    free(default_index);
    free(c.query);
    free(c.parts);
    return rc;
}
