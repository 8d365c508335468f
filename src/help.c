/*
 * help.c — `dealsearch --help` and each command's own (`dealsearch index
 * --help`), cli.h.  dealsearch.1 says the same at length; tests/e2e.sh
 * checks that every option shown here is in it.
 */
#include <string.h>

#include "cli.h"

static const char GENERAL[] =
    "usage: dealsearch [OPTIONS] QUERY...\n"
    "       dealsearch index [--corpus DIR | --jsonl FILE] [--rebuild] ...\n"
    "       dealsearch show SOURCE \xC2\xB6N [-C N] [--json]\n"
    "       dealsearch passages [--plain] [--json] FILE\n"
    "       dealsearch run --queries FILE.tsv [--format trec] [--limit N]\n"
    "       dealsearch check [--corpus DIR | --jsonl FILE] [--index DIR]\n"
    "       dealsearch watch [--corpus DIR [--plain]] [--index DIR]\n"
    "       dealsearch serve [--listen ADDR:PORT] [--corpus DIR | --index DIR]\n"
    "       dealsearch join --index STUB [--shards N] DIR...\n"
    "\n"
    "Search a folder of news articles and print the passages that answer\n"
    "QUERY, best first.  The words after the options form one query.\n"
    "'dealsearch COMMAND --help' describes a command; 'man dealsearch' all.\n"
    "\n"
    "Query syntax: words (all must match), \"exact phrase\", AND OR NOT, +word\n"
    "-word, a NEAR b, a NEAR/5 b, a ADJ b, prefix*, source:FILE (file name\n"
    "without .txt), title:WORDS, heading:WORDS, author:WORDS,\n"
    "date:2025-06-01..2025-06-30 (either end may be left out).\n"
    "\n"
    "Options:\n"
    "  --corpus DIR     article folder (default ./corpus, or $DEALSEARCH_CORPUS)\n"
    "  --index DIR      index folder (default DIR.index beside the corpus,\n"
    "                   or $DEALSEARCH_INDEX), or a Xapian stub file listing\n"
    "                   a head and shards, local or remote\n"
    "  -n, --limit N    show at most N results (default 10; with -l and\n"
    "                   --vimgrep, all)\n"
    "  --offset N       skip the first N results\n"
    "  --sort ORDER     relevance (default), or date: newest first, passages\n"
    "                   without a date last, the same date by relevance\n"
    "  --any            rank passages with any of the words\n"
    "  --exact          no spelling correction, no typo variants\n"
    "  --no-synonyms    no synonym expansion\n"
    "  --feedback       add the best words of the top passages to the query\n"
    "                   (pseudo-relevance feedback)\n"
    "  --explain        show how the query was read and each hit's score\n"
    "                   broken down by term (IneB2)\n"
    "  --all            list near-copies of a passage (the same report in\n"
    "                   other sources) as hits of their own\n"
    "  --full           show whole passages instead of snippets\n"
    "  --color=WHEN     highlight matches: auto (default), always, never;\n"
    "                   NO_COLOR in the environment means never for auto\n"
    "Output (one of):\n"
    "  --json           print one JSON object\n"
    "  -l, --files-with-matches\n"
    "                   print the matching files, one per line, best first\n"
    "  -c, --count      print the number of matching passages only (exact)\n"
    "  --vimgrep        print PATH:LINE:COLUMN:TEXT per passage, where its\n"
    "                   first matched word stands (ripgrep's format)\n"
    "Shards behind servers (an --index stub's remote lines):\n"
    "  --partial        answer without a shard that cannot be reached or\n"
    "                   stops answering: the results say \"partial\" and\n"
    "                   name it (else that is an error naming it)\n"
    "  --connect-timeout SECONDS, --query-timeout SECONDS\n"
    "                   to connect to a shard, and for each exchange with\n"
    "                   it (default 10 each)\n"
    "\n"
    "  -h, --help       show this help (after a command: the command's)\n"
    "  --version        show the version\n"
    "\n"
    "Exit status: 0 results found, 1 none, 2 error.\n";

static const char INDEX[] =
    "usage: dealsearch index [--corpus DIR [--plain] | --jsonl FILE [--split]]\n"
    "                        [--index DIR] [--synonyms FILE] [--jobs N]\n"
    "                        [--shards N [--shard K|head [--plan FILE]]]\n"
    "                        [--rebuild] [--verbose | --quiet]\n"
    "       dealsearch index --shards N --write-plan FILE [--corpus DIR ...]\n"
    "\n"
    "Bring the index up to date with the corpus: only the files added,\n"
    "changed, removed or renamed since it was built are read, unless a\n"
    "whole build is needed (the summary says why).  A build shows its\n"
    "progress on a terminal; the summary goes to stdout.\n"
    "\n"
    "Options:\n"
    "  --corpus DIR     article folder (default ./corpus, or $DEALSEARCH_CORPUS)\n"
    "  --index DIR      index folder (default DIR.index beside the corpus,\n"
    "                   or $DEALSEARCH_INDEX)\n"
    "  --plain          files are plain text, not news: every\n"
    "                   blank-line-separated block is one passage\n"
    "  --jsonl FILE     index {\"id\",\"title\",\"text\"} lines instead of a\n"
    "                   folder; --split cuts texts into passages\n"
    "  --synonyms FILE  synonym groups (default CORPUS/synonyms.conf)\n"
    "  -j, --jobs N     build N shards at once, one thread each, and merge\n"
    "                   them (default 0: one per core, up to 4, for a corpus\n"
    "                   over 4 MB)\n"
    "  --shards N       keep N shard databases and a head database, listed\n"
    "                   by a Xapian stub and searched as one (0: one\n"
    "                   database; default: as the index has)\n"
    "  --shard K|head   build only shard K (0 to N-1) or the head of those\n"
    "                   N, as an index of its own ('dealsearch join' lists\n"
    "                   the parts); each process or machine builds one from\n"
    "                   the same corpus\n"
    "  --write-plan FILE\n"
    "                   make the first pass over the corpus once and write\n"
    "                   it for the parts (builds nothing)\n"
    "  --plan FILE      with --shard: build the part from that plan, a shard\n"
    "                   reading only its own files (refused, exit 2, when\n"
    "                   the corpus or settings differ from the plan's)\n"
    "  --rebuild        build the whole index anew\n"
    "  -v, --verbose    report each file and the lines it dropped\n"
    "  -q, --quiet      no progress and no summary (errors only)\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 done, 2 error (also when a file could not be read).\n";

static const char SHOW[] =
    "usage: dealsearch show [--corpus DIR | --index DIR] [-C N] [--json]\n"
    "                       [--color=WHEN] SOURCE \xC2\xB6N\n"
    "       dealsearch show ... SOURCE:N\n"
    "\n"
    "Print passage N of SOURCE (a path as a search prints it, or the file's\n"
    "name in the corpus, .txt may be left out) with its article's title,\n"
    "byline and date and the heading it is under, as the index holds it.\n"
    "\n"
    "Options:\n"
    "  -C, --context N  also N passages before and after it (at most 20)\n"
    "  --json           print one JSON object\n"
    "  --color=WHEN     the passage in bold: auto (default), always, never\n"
    "  --corpus DIR, --index DIR   as for a search\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 shown, 1 no such passage, 2 error.\n";

static const char PASSAGES[] =
    "usage: dealsearch passages [--plain] [--json] FILE\n"
    "\n"
    "Show how FILE is read: its title, date, author, passages (number,\n"
    "line, heading, text) and the lines dropped, with the rule that dropped\n"
    "each.  Nothing is indexed.\n"
    "\n"
    "Options:\n"
    "  --plain          read it as plain text, not news\n"
    "  --json           print one JSON object\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 passages found, 1 none, 2 error.\n";

static const char RUN[] =
    "usage: dealsearch run --queries FILE.tsv [--format trec] [--limit N]\n"
    "                      [--exact] [--no-synonyms] [--no-feedback]\n"
    "                      [--corpus DIR | --index DIR]\n"
    "\n"
    "Answer each \"qid<TAB>query\" line of FILE.tsv and print a TREC run\n"
    "(qid Q0 docid rank score dealsearch), the words OR-ed, one line per\n"
    "document, for evaluation tools.\n"
    "\n"
    "Options:\n"
    "  --queries FILE   the queries\n"
    "  --format trec    the output format (the only one)\n"
    "  -n, --limit N    documents per query (default 100)\n"
    "  --exact          no spelling correction\n"
    "  --no-synonyms    no synonym expansion\n"
    "  --no-feedback    no pseudo-relevance feedback (on by default here)\n"
    "  --partial, --connect-timeout SECONDS, --query-timeout SECONDS\n"
    "                   as for a search\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 done, 2 error.\n";

static const char CHECK[] =
    "usage: dealsearch check [--corpus DIR | --jsonl FILE] [--index DIR]\n"
    "\n"
    "Verify the index: Xapian's checker over every table, its format, its\n"
    "files, and its passages against the corpus read again.\n"
    "\n"
    "Options:\n"
    "  --corpus DIR, --jsonl FILE   compare with this corpus instead of the\n"
    "                   one the index recorded\n"
    "  --index DIR      the index to check\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 sound and current, 1 out of date, 2 damaged or error.\n";

static const char WATCH[] =
    "usage: dealsearch watch [--corpus DIR [--plain]] [--index DIR]\n"
    "                        [--synonyms FILE]\n"
    "\n"
    "Update the index at once, then every time the corpus folder changes,\n"
    "printing each update's summary, until SIGINT or SIGTERM.\n"
    "\n"
    "Options:\n"
    "  --corpus DIR, --index DIR, --plain, --synonyms FILE   as for index\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 stopped by a signal, 2 error.\n";

static const char SERVE[] =
    "usage: dealsearch serve [--listen ADDR:PORT] [--corpus DIR | --index DIR]\n"
    "                        [--threads N] [--cors ORIGIN] [--quiet]\n"
    "                        [--max-connections N] [--max-per-ip N]\n"
    "                        [--timeout SECONDS]\n"
    "\n"
    "Serve a search page and a JSON API (/api/search, /api/passage,\n"
    "/api/stats, /api/health) over the index, following its rebuilds.\n"
    "\n"
    "Options:\n"
    "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; port 0:\n"
    "                   any free one)\n"
    "  --threads N      threads answering requests (default: one per core)\n"
    "  --cors ORIGIN    let scripts of ORIGIN (or *) read the API\n"
    "  --max-connections N, --max-per-ip N, --timeout SECONDS\n"
    "                   connections at once (512), from one address (128),\n"
    "                   and how long one may idle (10)\n"
    "  -q, --quiet      no access log on stderr\n"
    "  --corpus DIR, --index DIR   as for a search\n"
    "  --partial, --connect-timeout SECONDS, --query-timeout SECONDS\n"
    "                   as for a search: a search without a shard says\n"
    "                   \"partial\"; a shard left out is tried again every 10 s\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 stopped by a signal, 2 error.\n";

static const char JOIN[] =
    "usage: dealsearch join --index STUB [--shards N] DIR...\n"
    "\n"
    "List the parts of a sharded index built one by one ('dealsearch index\n"
    "--shards N --shard K|head', each into its folder DIR) in the Xapian\n"
    "stub file STUB, the head first: '--index STUB' then searches them as\n"
    "one index.  Refused when a part is missing or given twice, or the parts\n"
    "were built for different N or from a different corpus or settings.\n"
    "\n"
    "Options:\n"
    "  --index STUB     the stub file to write (replaced whole)\n"
    "  --shards N       the number of shards the parts must have\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 written, 2 error.\n";

static const struct {
    const char *command, *text;
} HELP[] = {{"index", INDEX}, {"show", SHOW},   {"passages", PASSAGES},
            {"run", RUN},     {"check", CHECK}, {"watch", WATCH},
            {"serve", SERVE}, {"join", JOIN}};

void cli_help(const char *command, FILE *out)
{
    for (size_t i = 0; command && i < sizeof HELP / sizeof *HELP; i++)
        if (strcmp(command, HELP[i].command) == 0) {
            fputs(HELP[i].text, out);
            return;
        }
    fputs(GENERAL, out);
}
