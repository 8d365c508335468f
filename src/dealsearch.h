/*
 * dealsearch.h — the dealsearch engine: index a folder of news articles as
 * passages (the paragraphs a reader would quote) and answer queries with
 * ranked passages.  The `dealsearch` command and every other front end use
 * only what this header declares.
 *
 *   ds_indexer   builds an index from a corpus and publishes it atomically
 *   ds_searcher  answers queries against a published index
 *   ds_results   one query's answer: hits, counts, how the query was read
 *
 * Errors.  Every function that can fail returns a ds_status (DS_OK is 0)
 * and, when it fails and `err` is not NULL, sets *err to a malloc'd
 * one-line message naming the file, index or query at fault; the caller
 * frees it with free().  On failure, handles passed out are set to NULL.
 * Functions documented as unable to fail return what they compute.
 * When the engine's own allocations fail the process prints one line and
 * exits with status 2; Xapian running out is DS_ERR_NOMEM.
 *
 * Threads.  Handles are not thread-safe; use one searcher per thread.  An
 * indexer may run while searchers in other threads or processes search
 * the index: they see the old generation or the new one, never a mix.
 */
#ifndef DEALSEARCH_H
#define DEALSEARCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(DEALSEARCH_BUILDING)
#define DS_API __attribute__((visibility("default")))
#else
#define DS_API
#endif

#define DEALSEARCH_VERSION "0.2.0"

typedef enum {
    DS_OK = 0,
    DS_ERR_USAGE,     /* an argument or option value is not valid */
    DS_ERR_NO_INDEX,  /* no index has been built at that place yet */
    DS_ERR_IO,        /* a file or folder cannot be read or written */
    DS_ERR_DAMAGED,   /* the index is damaged or is not a dealsearch index */
    DS_ERR_VERSION,   /* the index was built by another version: rebuild */
    DS_ERR_LOCKED,    /* another build holds the index */
    DS_ERR_QUERY,     /* the query cannot be searched (empty, too long) */
    DS_ERR_NOMEM,     /* out of memory inside Xapian */
    DS_ERR_INTERNAL   /* a defect: an unexpected exception */
} ds_status;

/* A short description of `status` ("index is damaged"); static. */
DS_API const char *ds_status_name(ds_status status);

/* Queries longer than this many bytes are refused (DS_ERR_QUERY). */
#define DS_MAX_QUERY_BYTES (256 * 1024)

/* ---- Corpora ------------------------------------------------------------ */

typedef enum {
    DS_CORPUS_FOLDER,  /* every *.txt file below a folder, one article each */
    DS_CORPUS_JSONL    /* {"id", "title", "text"} objects, one per line */
} ds_corpus_kind;

typedef enum {
    DS_READER_NEWS,    /* news articles: title, date, headings, boilerplate */
    DS_READER_PLAIN    /* every blank-line-separated block is a passage */
} ds_reader_kind;

/* Where a corpus is and how its articles are read.  The index records it,
 * so `ds_index_check` reads the corpus the same way. */
typedef struct {
    ds_corpus_kind kind;
    const char *path;       /* the folder or the JSON lines file */
    ds_reader_kind reader;  /* for a folder's files, or for JSON texts
                               when split */
    int split;              /* JSON lines: read each text as an article
                               and index its passages; otherwise a
                               document (with its title) is one passage */
} ds_corpus_spec;

/* Called with one line about a single file or line of the corpus that was
 * skipped or changed while reading ("corpus/a.txt:3: invalid UTF-8 ...").
 * The message is valid during the call. */
typedef void (*ds_notice_fn)(void *ctx, const char *message);

/* ---- Building an index -------------------------------------------------- */

/* How far a build has got, for a progress display.  A build reads the
 * corpus twice: pass 1 measures it (lengths, near-copies, spelling), pass
 * 2 indexes it; pass 3 writes the index out (commits, merges shards: no
 * counts). */
typedef struct {
    int pass;                          /* 1, 2 or 3 */
    unsigned long files, files_total;  /* entries read in this pass, of all */
    unsigned long passages;            /* passages read in this pass */
    unsigned long long bytes, bytes_total; /* the same in bytes (as listed) */
} ds_index_progress;

/* Called in the thread that builds, at the start of each pass and after
 * each file or so (often: the callee decides when to draw).  `p` is valid
 * during the call. */
typedef void (*ds_progress_fn)(void *ctx, const ds_index_progress *p);

typedef struct {
    ds_corpus_spec corpus;
    const char *index_dir;       /* created if missing */
    const char *synonyms_path;   /* NULL: FOLDER/synonyms.conf if present;
                                    "": none */
    unsigned jobs;               /* shards built at once, a thread each;
                                    0: one per core for a large corpus */
    int verbose;                 /* a notice per file: passages, title,
                                    date and the lines it dropped */
    ds_notice_fn notice;         /* problems with single files; NULL:
                                    not reported (they are counted) */
    void *notice_ctx;
    ds_progress_fn progress;     /* a whole build's progress; NULL: none
                                    (an update in place reports none) */
    void *progress_ctx;
    unsigned long spelling_words;/* tests: distinct words counted before
                                    they go to the spelling table (0:
                                    the default) */
    double length_average;       /* tests: normalise passage lengths with
                                    this average instead of the corpus's
                                    (0: measure it) */
    int shards;                  /* N > 0: a sharded index, a head
                                    database and N shards searched
                                    together (the README's "Shards"); 0:
                                    one database; -1 (the default): as
                                    the index being updated is */
    int part;                    /* with shards N > 0: DS_PART_ALL (the
                                    default) builds every database in one
                                    process; DS_PART_HEAD or K (0 .. N-1)
                                    only the head or shard K, as an index
                                    of its own that ds_index_join lists
                                    with the others (another process or
                                    machine builds each, from the same
                                    corpus) */
    const char *plan_path;       /* with a part: build it from this plan
                                    (ds_index_write_plan) instead of a
                                    first pass over the whole corpus: a
                                    shard reads only its own files; NULL:
                                    none */
} ds_index_options;

#define DS_PART_ALL (-1)
#define DS_PART_HEAD (-2)

/* Defaults: a news folder "corpus", index "corpus.index", no notices. */
DS_API void ds_index_options_init(ds_index_options *opt);

typedef struct {
    unsigned long files;          /* files (or JSON documents) indexed */
    unsigned long files_failed;   /* files or lines that could not be read */
    unsigned long passages;
    unsigned long shared_groups;  /* near-copy groups of 2+ passages */
    unsigned long terms;          /* distinct (stemmed) words */
    unsigned long long corpus_bytes;  /* of the files read */
    unsigned long long index_bytes;
    double seconds;
    /* ds_indexer_update: */
    int updated;                  /* changed in place (else built whole) */
    char rebuild_reason[160];     /* why it was built whole instead ("":
                                     there was no index yet) */
    unsigned long added, changed, removed, renamed, touched; /* files */
    unsigned long passages_in;    /* passages indexed */
    unsigned long passages_out;   /* passages taken out (changed or gone) */
    double searchable_seconds;    /* until the change was committed: what
                                     searches see from then on */
} ds_index_stats;

typedef struct ds_indexer ds_indexer;

/* Check the options, load the synonyms and lock the index folder for
 * building (creating it if missing).  `opt` is copied.  Fails with
 * DS_ERR_LOCKED when another build holds the lock, DS_ERR_DAMAGED when
 * the folder is not a dealsearch index, DS_ERR_IO or DS_ERR_USAGE for the
 * corpus or synonyms file.  Free with ds_indexer_close. */
DS_API ds_status ds_indexer_open(const ds_index_options *opt,
                                 ds_indexer **out, char **err);

/* Build a complete new index generation from the corpus and publish it.
 * Files that cannot be read are reported through the notice callback,
 * counted in stats->files_failed and skipped.  On failure nothing is
 * published: the previous index is still served. */
DS_API ds_status ds_indexer_build(ds_indexer *ix, ds_index_stats *stats,
                                  char **err);

/* Bring the index up to date with the corpus: only the files added,
 * changed, removed or renamed since it was built (by content digest) are
 * read, and the served database is changed in place, in one transaction
 * (searches see it before or after, never a mix; a failed or killed update
 * leaves it as it was).  When it cannot be updated — there is none yet,
 * the format, analysis, reader, corpus or synonyms changed, the average
 * passage length drifted too far, a JSON lines corpus — a whole new
 * generation is built instead, and stats->rebuild_reason says why.  In
 * stats, `passages` is the index's total, `files` and `corpus_bytes` those
 * read. */
DS_API ds_status ds_indexer_update(ds_indexer *ix, ds_index_stats *stats,
                                   char **err);

/* Unlock and free.  Accepts NULL. */
DS_API void ds_indexer_close(ds_indexer *ix);

/* "indexed 5 files (17.6 kB) into 80 passages (0 near-copy groups), 1234
 * distinct terms; index 1.1 MB; 0.05 s", after an update "3 added, 1
 * changed; 41 passages in, 17 out; 80 passages; index 1.1 MB; 0.01 s" —
 * malloc'd. */
DS_API char *ds_index_summary(const ds_index_stats *stats);

/* Write a plan for the parts of a sharded index built one by one
 * (opt->shards N > 0, no part): the first pass over the corpus, made once
 * (its average passage length, passage numbering and near-copy groups,
 * and the corpus listing with each file's digest), which each part then
 * reads (ds_index_options.plan_path) instead of making it again.  The
 * index folder is not touched.  In stats: files, files_failed,
 * corpus_bytes, passages, shared_groups, seconds.  DS_ERR_USAGE for the
 * options, DS_ERR_IO for the corpus or when `path` cannot be written
 * (it is written beside and renamed). */
DS_API ds_status ds_index_write_plan(const ds_index_options *opt,
                                     const char *path,
                                     ds_index_stats *stats, char **err);

/* Join the parts of a sharded index built one by one (`part` in the
 * options: the head and shards 0 .. N-1, each an index folder) into the
 * stub file `stub`: the head first, then the shards in order, each as
 * its folder's served database (FOLDER/current, absolute), so searching
 * the stub ranks exactly as one index of the corpus.  `parts` may come in
 * any order; `shards` > 0 is the N they must have been built for (0: as
 * they say).  DS_ERR_USAGE when a folder is not such a part, a part is
 * missing or given twice, or they were built for different N or from
 * different corpora or settings (their checks differ); DS_ERR_IO when the
 * stub cannot be written (it is written beside and renamed: a reader
 * sees the old stub or the new one). */
DS_API ds_status ds_index_join(const char *stub, const char *const *parts,
                               size_t n_parts, size_t shards, char **err);

/* ---- Searching ---------------------------------------------------------- */

typedef struct ds_searcher ds_searcher;

/* Open the index in `index_dir`.  DS_ERR_NO_INDEX when none has been
 * built there yet; DS_ERR_DAMAGED or DS_ERR_VERSION (rebuild it) when it
 * cannot be searched.  Free with ds_searcher_close. */
DS_API ds_status ds_searcher_open(const char *index_dir, ds_searcher **out,
                                  char **err);

/* How a searcher reaches the remote databases of a stub (an `--index` stub
 * file naming shards behind xapian-tcpsrv or xapian-progsrv). */
typedef struct {
    double connect_timeout;  /* seconds to connect to one (TCP); 0: 10 */
    double timeout;          /* seconds any one exchange with one may take
                                (a search waits that long for a shard
                                that hangs); 0: 10 */
    int partial;             /* answer without a remote database that
                                cannot be reached or stops answering
                                (ds_results_info.missing), trying it again
                                at most every 10 s, rather than fail with
                                DS_ERR_IO naming it */
} ds_searcher_options;

/* Defaults: Xapian's timeouts (10 s), not partial. */
DS_API void ds_searcher_options_init(ds_searcher_options *o);

/* ds_searcher_open with `options` (NULL: the defaults), read during the
 * call. */
DS_API ds_status ds_searcher_open_with(const char *index_dir,
                                       const ds_searcher_options *options,
                                       ds_searcher **out, char **err);

/* Accepts NULL.  Results of the searcher must be freed first. */
DS_API void ds_searcher_close(ds_searcher *s);

/* The order of the results. */
typedef enum {
    DS_SORT_RELEVANCE = 0,  /* best first (the default) */
    DS_SORT_DATE            /* the article's date, newest first; passages
                               without a date last; the same date by
                               relevance.  Within each tier of results
                               (the words as written, then typo variants,
                               then articles holding the words spread) */
} ds_sort;

typedef struct {
    unsigned offset, limit;  /* the page of results: ranks offset+1 ..
                                offset+limit */
    int match_any;     /* rank passages with any of the words, not only
                          those with all of them */
    int exact;         /* no spelling correction */
    int no_synonyms;   /* no synonym expansion */
    int plain;         /* no query syntax: the text is just words */
    int one_per_source;/* the best passage of each source only */
    int explain;       /* fill each hit's score parts */
    int all;           /* every passage, near-copies too (no grouping) */
    int feedback;      /* add the best words of the top passages to the
                          query (pseudo-relevance feedback) */
    ds_sort sort;      /* DS_SORT_RELEVANCE */
    int count_all;     /* count every match, so the total is always exact
                          (slower for a common word); otherwise a total
                          over 500 is estimated */
} ds_search_options;

/* Defaults: the first 10 results, all words, spelling and synonyms on. */
DS_API void ds_search_options_init(ds_search_options *opt);

/* A passage as the index stores it.  Strings are NUL-terminated UTF-8. */
typedef struct {
    char *source;            /* the file, relative to the corpus folder
                                (or the JSON document's id) */
    unsigned long passage;   /* 1-based number within its source */
    unsigned long line;      /* 1-based line of the file where it starts */
    char *text;              /* the passage as indexed */
    size_t text_len;
    char *title;             /* the article's title, or NULL */
    char *date;              /* the article's date "YYYY-MM-DD", or NULL */
    char *heading;           /* the heading the passage is under, or NULL */
    unsigned long group;     /* its near-copy group (0: none) */
    int title_in_text;       /* the title is part of its indexed text (a
                                JSON document that is one passage) */
    char *author;            /* the article's byline, or NULL */
} ds_record;

/* Another source's passage reporting what a hit reports: a near-copy of
 * it, or a passage whose sentence matching the query states the same
 * fact (the hit's passage is the best of them). */
typedef struct {
    char *source;
    unsigned long passage;
    char *sentence;          /* its sentence holding the most query words,
                                or NULL */
} ds_also;

typedef struct {
    char *label;             /* a term, or a phrase or synonym group
                                weighed whole */
    double weight;           /* its share of the score */
} ds_score_part;

typedef struct {
    double score;            /* IneB2's (ranking.h) */
    ds_record record;
    char **terms;            /* the query's terms (stems) it matched */
    size_t n_terms;
    ds_score_part *parts;    /* with `explain`: the score's parts */
    size_t n_parts;
    unsigned collapsed;      /* matching near-copies folded into it */
    ds_also *also;           /* the passages of other sources reporting
                                the same (at most 20): the passages
                                stating the same fact, best first, then
                                its near-copies */
    size_t n_also;
    int typo;                /* matched only through a similar spelling
                                of a query word (ds_typo): ranked after
                                every passage matching the words as
                                written */
    int article;             /* holds some of the words, its article
                                (passages and title) all of them: ranked
                                after the passages holding them all */
} ds_hit;

/* The ranking's parameter: IneB2's normalisation 2 c (ranking.h). */
typedef struct {
    double c;
} ds_ranking;

/* A query word the index may spell otherwise, offered, not applied. */
typedef struct {
    const char *word;        /* as typed */
    const char *suggestion;  /* an indexed word, in the typed word's case */
    unsigned long passages;  /* passages holding it in any form */
} ds_suggestion;

/* Typo tolerance: a query word, and the indexed words a typo away from
 * it that were searched too, for the passages the query as written does
 * not find. */
typedef struct {
    const char *word;        /* the query's word, lower-cased */
    const char *const *variants; /* as indexed, most frequent first */
    size_t n_variants;
} ds_typo;

/* What a search found, besides its hits. */
typedef struct {
    const char *query;       /* as given */
    const char *corrected;   /* the spelling-corrected query that was
                                run instead, or NULL (never with the
                                `exact` option) */
    const ds_suggestion *suggestions; /* spellings offered: "did you
                                         mean" */
    size_t n_suggestions;
    const char *parsed;      /* Xapian's description of the query run */
    const char *stopped;     /* stopwords left out, space-separated */
    int relaxed_syntax;      /* invalid syntax was read as plain words */
    const char *const *notices; /* what the search could not honour as
                                   written, and what it did instead (a
                                   leading wildcard, an operator with
                                   nothing to apply to, date: on an
                                   index without dates) */
    size_t n_notices;
    unsigned long total;     /* matching passages (estimated unless
                                total_exact), near-copies folded */
    int total_exact;
    unsigned long total_if_any; /* when no passage has every word: how
                                   many have some of them (else 0) */
    const ds_typo *typos;    /* the words searched with their variants
                                (none with the `exact` option, or when
                                the words as written match more passages
                                than are counted exactly) */
    size_t n_typos;
    unsigned long total_typo; /* of `total`, the passages matching only
                                 through a variant */
    unsigned long spread_articles; /* when no passage has every word but
                                      some articles do, between their
                                      title and passages: how many; the
                                      hits are then their passages with
                                      any of the words, those with the
                                      most first (else 0) */
    ds_search_options options;  /* as searched */
    ds_ranking ranking;      /* the ranking parameter in force */
    double avg_length;       /* the passages' average length, which the
                                ranking normalised with */
    const char *const *missing; /* partial results (ds_searcher_options):
                                   the remote databases searched without,
                                   as their stub lines name them ("remote
                                   HOST:PORT"); a notice says why */
    size_t n_missing;
} ds_results_info;

typedef struct ds_results ds_results;

/* Run `query` (UTF-8).  DS_OK also when nothing matches.  DS_ERR_QUERY
 * for an empty or too long query or one without searchable words;
 * DS_ERR_DAMAGED when the index fails while searching.  The results
 * borrow from the searcher: free them before closing it. */
DS_API ds_status ds_search(ds_searcher *s, const char *query,
                           const ds_search_options *opt, ds_results **out,
                           char **err);

/* Accepts NULL. */
DS_API void ds_results_free(ds_results *r);

/* Valid until ds_results_free. */
DS_API const ds_results_info *ds_results_get_info(const ds_results *r);
DS_API size_t ds_results_count(const ds_results *r);
/* Hit `i` (< ds_results_count), best first; valid until ds_results_free. */
DS_API const ds_hit *ds_results_hit(const ds_results *r, size_t i);

/* ---- Printing ------------------------------------------------------------ */

typedef enum { DS_FORMAT_HUMAN, DS_FORMAT_JSON } ds_format;

typedef struct {
    ds_format format;
    int color;              /* human: bold matches, coloured headers (ANSI) */
    int full;               /* human: whole passages instead of snippets */
    unsigned width;         /* human: wrap at this many columns (0: never) */
    size_t snippet_bytes;   /* snippet length in bytes of passage text */
    double took_ms;         /* JSON: reported as "took_ms" (how long the
                               search took); negative: left out */
    const char *path_base;  /* put before a source, it makes a path the
                               user can open ("corpus/", "/srv/news/", or
                               "" when the corpus is the current folder):
                               sources are printed as such paths, and the
                               JSON adds "path" beside "source".  NULL:
                               sources as the index names them, no
                               "path" (a JSON lines corpus; the server) */
} ds_print_options;

/* Defaults: human, no colour, snippets of 320 bytes, no wrapping, no
 * took_ms, no path_base. */
DS_API void ds_print_options_init(ds_print_options *opt);

/* The results as the user reads them: a listing with each hit's rank,
 * source, passage, score, title, date, heading and highlighted snippet,
 * or one JSON object (its fields are documented in README.md).  Every
 * string from the index is escaped for its output: the human form is
 * terminal-safe, the JSON always valid.  Returns a malloc'd string and
 * its length in *len. */
DS_API char *ds_results_print(const ds_results *r,
                              const ds_print_options *opt, size_t *len);

/* Where hit `i` (< ds_results_count) first matched in its text, as the
 * printers highlight it: 1 with the [start, end) byte offsets of the
 * first matched word in record.text, or 0 when no word of the text
 * matched (the hit matched by its title, heading or a filter only). */
DS_API int ds_results_first_match(const ds_results *r, size_t i,
                                  size_t *start, size_t *end);

/* ---- Reading one article ------------------------------------------------ */

/* How the reader reads the file at `path`: its title, date, passages
 * (number, line, heading, text) and the lines it dropped with the rule
 * that dropped each — as a human listing, or one JSON object on one line.
 * *out is malloc'd, *passages the number of passages. */
DS_API ds_status ds_describe_file(const char *path, ds_reader_kind reader,
                                  ds_format format, char **out,
                                  size_t *passages, char **err);

/* ---- Checking an index --------------------------------------------------- */

typedef enum {
    DS_CHECK_OK,       /* sound, and current with its corpus */
    DS_CHECK_STALE,    /* sound, but the corpus has changed: rebuild */
    DS_CHECK_DAMAGED   /* cannot be trusted: rebuild */
} ds_check_verdict;

/* Verify the index in `index_dir`: Xapian's checker over every table, the
 * format and analysis it was built with, its files as the build left
 * them, and its passages against its corpus read again as it was read
 * (the corpus it recorded, or `corpus` when not NULL: only its kind and
 * path are used).  *report is a malloc'd account, a line per finding and
 * a verdict line.  DS_OK when the check ran, whatever it found. */
DS_API ds_status ds_index_check(const char *index_dir,
                                const ds_corpus_spec *corpus,
                                ds_check_verdict *verdict, char **report,
                                char **err);

/* ---- Serving: a searcher kept open ------------------------------------ */

/* Follow rebuilds and updates: when a rebuild has published a new
 * generation, or an update has changed the served one, since `s` opened
 * its index, open it again in its place (`s` stays the same handle);
 * otherwise change nothing, at the cost of a readlink and two stats.
 * A stub's databases are checked at most once a second (each check: a
 * stat per stub file, an open of each local database, one round trip to
 * each remote one): when the stub, its head or a local database is
 * another (a rebuild behind `current`) or the head was committed to, it
 * is opened again in its place; shards committed to are caught up in
 * place (src/follow.h has the details).  A long-lived searcher calls it
 * before each search.  *reopened (when not NULL) says whether it
 * reopened or caught up.  Results of `s` must be freed first.  When the
 * new generation cannot be opened, or the index is gone
 * (DS_ERR_NO_INDEX), `s` is left as it was and can still search the
 * generation it has open; for a stub, each check tries again, and the
 * calls in between return the same failure. */
DS_API ds_status ds_searcher_refresh(ds_searcher *s, int *reopened,
                                     char **err);

/* The index a searcher has open. */
typedef struct {
    unsigned long generation;  /* its number: rebuilds count up from 1 */
    unsigned long files;       /* files (or JSON documents) indexed; 0 when
                                  the index does not record it (built by
                                  0.2.0 or before) */
    unsigned long passages;
    long long built;           /* when its build finished, in seconds since
                                  the epoch; 0 when not recorded */
} ds_index_info;

/* Describe the index `s` has open.  DS_ERR_DAMAGED when it cannot be
 * read. */
DS_API ds_status ds_searcher_stats(ds_searcher *s, ds_index_info *info,
                                   char **err);

/* At most this many passages of context on each side. */
#define DS_MAX_CONTEXT 20
/* Source names longer than this are never in an index. */
#define DS_MAX_SOURCE_BYTES 1024

/* Passage `n` (1-based) of `source` (as in a hit's record.source; a
 * folder's file also by its name without ".txt", as `source:`) with
 * up to `context` passages before and after it, as the index stores them:
 * *records (malloc'd, free with ds_records_free) holds *count records in
 * passage order, and *source_passages (when not NULL) is how many
 * passages `source` has.  The source is looked up in the index, never as
 * a file.  DS_OK with *count 0 and *records NULL when the index has no
 * such source or passage.  DS_ERR_USAGE when `source` is empty or over
 * DS_MAX_SOURCE_BYTES, `n` is 0 or `context` over DS_MAX_CONTEXT;
 * DS_ERR_DAMAGED when the index fails. */
DS_API ds_status ds_searcher_passage(ds_searcher *s, const char *source,
                                     unsigned long n, unsigned context,
                                     ds_record **records, size_t *count,
                                     unsigned long *source_passages,
                                     char **err);

/* Free what ds_searcher_passage returned.  Accepts NULL. */
DS_API void ds_records_free(ds_record *records, size_t count);

/* What ds_searcher_passage found for passage `n` of its source (which
 * must be among the `count` records), as the user reads it: the source
 * (as a path with opt->path_base), passage number and line, the article's
 * title, author and date, then each passage with its heading, passage `n`
 * marked — terminal-safe, wrapped at opt->width, passage `n` in bold with
 * opt->color — or one JSON object: {"source", "path" (with path_base),
 * "passage", "passages_in_source" (`of`), "title", "date", "author",
 * "passages": [{"passage", "line", "heading", "text"}]}.  Only format,
 * color, width and path_base of `opt` are used.  Returns a malloc'd
 * string and its length in *len. */
DS_API char *ds_passages_print(const ds_record *records, size_t count,
                               unsigned long n, unsigned long of,
                               const ds_print_options *opt, size_t *len);

/* The folder the index `s` has open was built from (absolute, as it was
 * when built), in *folder (malloc'd); NULL when it was built from JSON
 * lines.  DS_ERR_DAMAGED when the index does not say. */
DS_API ds_status ds_searcher_corpus_folder(ds_searcher *s, char **folder,
                                           char **err);

#ifdef __cplusplus
}
#endif

#endif
