/*
 * indexer.h — `dealsearch index`: read a corpus (a folder of articles, or
 * a collection in JSON lines), split it into passages and build a new index
 * generation, swapped in only once complete.
 */
#ifndef DEALSEARCH_INDEXER_H
#define DEALSEARCH_INDEXER_H

typedef struct {
    const char *corpus_dir;     /* a folder of *.txt articles */
    const char *index_dir;
    int verbose;                /* one line per file on stderr */
    const char *jsonl_path;     /* instead of the folder: a file of
                                   {"id","title","text"} lines */
    int split;                  /* JSON lines: split texts into passages
                                   (default: one passage per document) */
    const char *synonyms_path;  /* NULL: CORPUS/synonyms.conf if present */
    int plain;                  /* read files as plain paragraphs, not as
                                   news articles (ds_paragraphs_split) */
    unsigned jobs;              /* shards built at once, one thread each;
                                   0: one per core for a large corpus */
    unsigned long spelling_words; /* distinct words counted before they go
                                   to the spelling table (0: 300,000);
                                   tests lower it to make that happen
                                   mid-build */
} ds_index_options;

typedef struct {
    unsigned long files;          /* files (or JSON documents) indexed */
    unsigned long files_failed;   /* files or lines that could not be read */
    unsigned long passages;
    unsigned long shared_groups;  /* near-duplicate groups of 2+ passages */
    unsigned long terms;          /* distinct (stemmed) words */
    unsigned long long corpus_bytes;
    unsigned long long index_bytes;
    double seconds;
} ds_index_stats;

/* Build the index.  Problems with single files or lines (unreadable,
 * invalid UTF-8, bad JSON) are reported on stderr as "file[:line]: ..." and
 * counted; the rest of the corpus is still indexed.  Returns 0, or -1 with
 * *err a malloc'd message when no new index was published (the previous one
 * is still served). */
int ds_index_build(const ds_index_options *opt, ds_index_stats *stats,
                   char **err);

/* "indexed 5 files (17.6 kB) into 80 passages (0 near-copy groups), 1234
 * distinct terms; index 1.1 MB; 0.05 s" — malloc'd. */
char *ds_index_summary(const ds_index_stats *stats);

#endif
