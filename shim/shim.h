/*
 * shim.h — the only door from dealsearch's C code into Xapian (C++).
 *
 * Everything here is plain C: opaque handles, C strings, and the engine's
 * one error convention (dealsearch.h): a function that can fail returns a
 * ds_status and, on failure, sets *err (when `err` is not NULL) to a
 * malloc'd message the caller frees.  Every entry point catches every
 * exception (Xapian's, the standard library's, anything else); none
 * crosses into C.
 *
 * The shim knows Xapian and nothing of passages: the C side decides the
 * term scheme (src/schema.h) and hands over the stemmer to use, so
 * indexing and query parsing share one analysis by construction.  What
 * is Xapian's own convention — field prefixes are capital letters, the
 * files of a database folder, the flush threshold, how the query parser
 * looks up synonyms — is known here and only here.
 *
 * Files: boundary.cc (the exception guard's mapping, the stemmer adapter,
 * Unicode tables), writer.cc (databases being written, documents),
 * database.cc (opening, metadata, spelling, checking), update.cc
 * (changing a database in place), query.cc (parsing),
 * search.cc (ranking, matching terms, explanations), expand.cc (feedback
 * terms), proximity.cc (pairs of query words close together); private.hh
 * is their shared part.
 */
#ifndef DEALSEARCH_SHIM_H
#define DEALSEARCH_SHIM_H

#include <stddef.h>

#include "../src/dealsearch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A stemming function supplied by the C side.  It returns the stem of the
 * (already lower-cased, UTF-8) word and its length; the returned buffer
 * only needs to stay valid until the next call — the shim copies it at
 * once.  Returning NULL means "leave the word unstemmed". */
typedef const char *(*dsx_stem_fn)(void *ctx, const char *word, size_t len,
                                   size_t *stem_len);

typedef struct {
    dsx_stem_fn stem;  /* required */
    void *ctx;         /* passed to stem; must outlive every handle using it */
    const char *name;  /* human-readable description, e.g. "snowball:english" */
} dsx_stemmer;

/* The ranking's document-length normalisation (IneB2's normalisation 2,
 * see weighting.cc), done when a document is written
 * (dsx_doc_normalise_lengths) rather than when it is searched: Xapian 1.4
 * finds a document's length by decoding a list with an entry for every
 * document, which was most of a search's work on large indexes. */
typedef struct {
    double c;                /* normalisation 2's parameter */
    double avg_length;       /* the collection's average document length */
    double scale;            /* a saturated wdf of 1 would be stored as
                                this (rounded; larger is finer) */
} dsx_length_norm;

typedef struct dsx_writer dsx_writer;
typedef struct dsx_doc dsx_doc;
typedef struct dsx_db dsx_db;
typedef struct dsx_query dsx_query;
typedef struct dsx_results dsx_results;

/* Xapian's convention: a term starting with an ASCII capital letter
 * carries a field prefix; other terms are words.  Cannot fail. */
int dsx_term_is_prefixed(const char *term);

/* The name of the lock file Xapian keeps in a database folder (it changes
 * while the database is open; everything else there is the database). */
int dsx_is_lock_file(const char *name);

/* ---- Writer (writer.cc) ------------------------------------------------- */

/* Writer flags. */
enum {
    /* Skip fsync on commit: for an index built unpublished and swapped in
     * only after the caller has synced it. */
    DSX_WRITER_NO_SYNC = 1
    /* Termlists (each document's list of terms) are always kept: updates
     * read them, and a search reads a hit's matching terms from them. */
};

/* Create a new, empty database at `path` (which must not hold a database
 * yet).  `stemmer` is borrowed and must outlive the writer.  Xapian
 * writes added documents out every `flush_docs` documents (0: its
 * default), unless the user has set XAPIAN_FLUSH_THRESHOLD. */
ds_status dsx_writer_create(const char *path, const dsx_stemmer *stemmer,
                            unsigned flags, unsigned flush_docs,
                            dsx_writer **out, char **err);

/* Add `doc` as a new document and reset `doc` for reuse. */
ds_status dsx_writer_add_doc(dsx_writer *w, dsx_doc *doc, char **err);

/* Store a metadata key/value pair. */
ds_status dsx_writer_set_metadata(dsx_writer *w, const char *key,
                                  const char *value, char **err);

/* Make the query parser (with DSX_QUERY_SYNONYMS) expand `words` — one
 * lower-cased word, or several joined by single spaces, as typed — to
 * the index term `value` too.  A single word is also found when a query
 * holds another form of it (its stem is looked up as well). */
ds_status dsx_writer_add_synonym(dsx_writer *w, const char *words,
                                 const char *value, char **err);

/* Record `word` (lower-case) as occurring `count` times, for
 * dsx_db_spelling_suggestion(). */
ds_status dsx_writer_add_spelling(dsx_writer *w, const char *word,
                                  size_t len, unsigned long count,
                                  char **err);

/* Commit everything added so far (an update's transaction: all of it). */
ds_status dsx_writer_commit(dsx_writer *w, char **err);

/* Number of documents and of distinct words (terms without a prefix). */
ds_status dsx_writer_stats(dsx_writer *w, unsigned long *docs,
                           unsigned long *vocabulary, char **err);

/* Close the database without committing what was not committed, and free
 * `w`.  Accepts NULL. */
void dsx_writer_destroy(dsx_writer *w);

/* Merge the databases at sources[0..n) into a new, compacted database at
 * `dest` (a directory holding no database), documents numbered on in the
 * order given; user metadata and synonyms are taken from where they are,
 * spelling frequencies added up.  *docs and *vocabulary describe the
 * result as dsx_writer_stats does. */
ds_status dsx_compact(const char *const *sources, size_t n, const char *dest,
                      unsigned long *docs, unsigned long *vocabulary,
                      char **err);

/* Write the database at `src` compacted at `dest` (a directory holding no
 * database), every document keeping its number. */
ds_status dsx_compact_keeping(const char *src, const char *dest, char **err);

/* ---- Updating in place (update.cc) --------------------------------------- */

/* Open the existing database at `path` for an update: everything until
 * dsx_writer_commit is one transaction, which dsx_writer_destroy cancels.
 * `stemmer` as for dsx_writer_create. */
ds_status dsx_writer_open(const char *path, const dsx_stemmer *stemmer,
                          dsx_writer **out, char **err);

/* The highest document id used so far. */
ds_status dsx_writer_last_docid(dsx_writer *w, unsigned *docid, char **err);

/* Make `doc` document `docid` (replacing it, or adding it with that id),
 * and reset `doc` for reuse. */
ds_status dsx_writer_replace_doc(dsx_writer *w, unsigned docid, dsx_doc *doc,
                                 char **err);

typedef struct {
    unsigned slot;
    const char *bytes;       /* len 0: remove the value */
    size_t len;
} dsx_value;

/* A change to a document's boolean terms and values, leaving its words
 * as they are (Xapian then rewrites only what changed). */
typedef struct {
    const char *remove[2];   /* terms to remove (NULL: none; absent ones
                                are skipped) */
    const char *add[2];      /* boolean terms to add (NULL: none) */
    dsx_value values[4];
    size_t n_values;
} dsx_amendment;

ds_status dsx_writer_amend(dsx_writer *w, unsigned docid,
                           const dsx_amendment *a, char **err);

ds_status dsx_writer_delete_doc(dsx_writer *w, unsigned docid, char **err);

/* Value `slot` of document `docid` (malloc'd, *len bytes). */
ds_status dsx_writer_get_value(dsx_writer *w, unsigned docid, unsigned slot,
                               char **value, size_t *len, char **err);

/* Called with each document's value in a slot, in docid order; `data` is
 * valid during the call.  Non-zero stops. */
typedef int (*dsx_value_fn)(void *ctx, unsigned docid, const char *data,
                            size_t len);

ds_status dsx_writer_each_value(dsx_writer *w, unsigned slot, dsx_value_fn fn,
                                void *ctx, char **err);

/* Called with each document that holds `term`, in docid order (as
 * committed, or as changed since).  Non-zero stops. */
typedef int (*dsx_docid_fn)(void *ctx, unsigned docid);

ds_status dsx_writer_each_posting(dsx_writer *w, const char *term,
                                  dsx_docid_fn fn, void *ctx, char **err);

/* Take `count` occurrences of `word` out of the spelling table (it goes
 * when none are left). */
ds_status dsx_writer_remove_spelling(dsx_writer *w, const char *word,
                                     size_t len, unsigned long count,
                                     char **err);

/* Metadata `key` (malloc'd; "" when absent). */
ds_status dsx_writer_get_metadata(dsx_writer *w, const char *key,
                                  char **value, char **err);

/* Called with each metadata key starting with a prefix and its value
 * (valid during the call), in key order.  Non-zero stops. */
typedef int (*dsx_metadata_fn)(void *ctx, const char *key, const char *value,
                               size_t len);

ds_status dsx_writer_each_metadata(dsx_writer *w, const char *prefix,
                                   dsx_metadata_fn fn, void *ctx, char **err);
ds_status dsx_db_each_metadata(dsx_db *db, const char *prefix,
                               dsx_metadata_fn fn, void *ctx, char **err);

/* The database's revision (it grows by one with each commit). */
ds_status dsx_db_revision(dsx_db *db, unsigned long *revision, char **err);

/* Number of documents and of distinct words (terms without a prefix) of
 * the database at `path` (a stub too), opened for the call. */
ds_status dsx_stats_at(const char *path, unsigned long *docs,
                       unsigned long *vocabulary, char **err);

/* The identity and state of the database at `path` (dsx_db_stamp),
 * opened for the call. */
ds_status dsx_stamp_at(const char *path, char **stamp, char **err);

/* The revision of the database at `path`, opened for the call. */
ds_status dsx_revision_at(const char *path, unsigned long *revision,
                          char **err);

/* ---- Document (one passage being built; writer.cc) ---------------------- */

/* A document to fill and hand to dsx_writer_add_doc().  It tokenises text
 * with Xapian's TermGenerator using the writer's stemmer (STEM_ALL: every
 * word indexed as its stem, with positions).  `w` must outlive `doc`. */
ds_status dsx_doc_create(dsx_writer *w, dsx_doc **out, char **err);

/* Tokenise `text` into terms carrying `prefix` ("" for words), each
 * occurrence adding `wdf_inc` to the term's frequency.  Successive calls
 * continue the word positions, leaving a gap so phrases do not span
 * calls. */
ds_status dsx_doc_index_text(dsx_doc *doc, const char *text, size_t len,
                             const char *prefix, unsigned wdf_inc,
                             char **err);

/* Add a term verbatim (no positions, no frequency): boolean filters. */
ds_status dsx_doc_add_term(dsx_doc *doc, const char *term, char **err);

/* Add `wdf` occurrences of a term without positions (ranked like words). */
ds_status dsx_doc_add_weighted_term(dsx_doc *doc, const char *term,
                                    unsigned wdf, char **err);

/* Replace each weighted term's wdf with IneB2's normalised and saturated
 * one, scaled:
 *   tfn = wdf * log2(1 + c * avg_length / length),
 *   round(scale * tfn / (tfn + 1))   (at least 1)
 * where length is the document's (the sum of its wdfs).  Call it once,
 * after the document's last term.  A database searched with
 * dsx_db_set_length_norm() then ranks as IneB2 with `c` does, without
 * reading document lengths. */
ds_status dsx_doc_normalise_lengths(dsx_doc *doc,
                                    const dsx_length_norm *norm, char **err);

/* Store `len` bytes in value slot `slot` (ranges, collapsing, records). */
ds_status dsx_doc_set_value(dsx_doc *doc, unsigned slot, const char *bytes,
                            size_t len, char **err);

/* Free `doc`.  Accepts NULL. */
void dsx_doc_destroy(dsx_doc *doc);

/* ---- Database (reading; database.cc) ------------------------------------- */

/* Open the database at `path` (a directory or a Xapian stub file) for
 * reading.  `stemmer` is borrowed, must outlive the handle, and is used to
 * parse queries.  DS_ERR_IO when there is no database there,
 * DS_ERR_DAMAGED or DS_ERR_VERSION when it cannot be read. */
ds_status dsx_db_open(const char *path, const dsx_stemmer *stemmer,
                      dsx_db **out, char **err);

/* How remote databases are reached (dsx_db_open_parts). */
typedef struct {
    unsigned connect_timeout_ms; /* to connect to a remote database (TCP);
                                    0: Xapian's default, 10 s */
    unsigned timeout_ms;         /* for any one exchange with it (the
                                    first, of a program, included); 0:
                                    10 s */
    int partial;                 /* leave out a remote database that cannot
                                    be reached or stops answering, rather
                                    than fail (dsx_db_missing) */
} dsx_remote_options;

/* Open the `n` databases `parts` as one, as a stub listing them would
 * (Xapian numbers their documents interleaved, in this order), parsing
 * queries as dsx_db_open does.  Each part is a local path, or a stub's
 * remote line: "remote HOST:PORT" (xapian-tcpsrv) or "remote :PROGRAM
 * ARGS" (xapian-progsrv, through ssh say), reached with `remote`'s
 * timeouts (a stub cannot set them).  The first must be local.  Both
 * arrays are read during the call only.  DS_ERR_IO naming a remote part
 * that cannot be reached (unless partial), and as dsx_db_open.  Searches
 * of such a database run no MatchSpy (the remote backend refuses ours), so
 * totals past check_at_least are Xapian's estimate (dsx_counts.sampled). */
ds_status dsx_db_open_parts(const char *const *parts, size_t n,
                            const dsx_remote_options *remote,
                            const dsx_stemmer *stemmer, dsx_db **out,
                            char **err);

/* After a search of a combination failed, however it was reported: open
 * its parts again, as a remote failure can leave the other connections
 * out of step (answers unread); when partial, without those that cannot
 * be reached now.  DS_OK: search again; DS_ERR_IO naming a part that
 * cannot be reached (not partial).  Nothing to do for one database. */
ds_status dsx_db_recover(dsx_db *db, char **err);

/* How many parts are left out (partial only: none otherwise); part `i`
 * of them as given to dsx_db_open_parts, and why in *why.  Both strings
 * are valid until the next search or dsx_db_destroy.  A part left out is
 * tried again by a search at most every 10 seconds. */
size_t dsx_db_n_missing(const dsx_db *db);
const char *dsx_db_missing(const dsx_db *db, size_t i, const char **why);

/* ---- Following changes to the databases open (remote.cc) ----
 *
 * A handle kept open (a server's) sees the revision of each database it
 * opened, whatever is committed or published since.  These let it catch
 * up without opening everything again.  Results of `db` must be freed
 * before dsx_db_follow. */

/* How many databases `db` is made of: dsx_db_open_parts's n, or 1. */
size_t dsx_db_n_parts(const dsx_db *db);

typedef enum {
    DSX_PART_SAME,       /* what it had open, at the same revision */
    DSX_PART_MOVED,      /* the same database, committed to since */
    DSX_PART_REPLACED    /* another database (another uuid): a new build,
                            or a path that now leads elsewhere */
} dsx_part_state;

/* Compare part `i` (< dsx_db_n_parts) with what its path holds now, opened
 * for the call (a glass database: its version file and its tables' roots
 * are read; nothing is searched).  A remote part, or one left out, is
 * DSX_PART_SAME: only its server can tell (dsx_db_follow asks it).
 * Fails as dsx_db_open does when nothing can be opened there now; `db` is
 * not changed either way. */
ds_status dsx_db_part_state(dsx_db *db, size_t i, dsx_part_state *state,
                            char **err);

/* Catch parts `from` .. n-1 of `db` up with their databases: Xapian's
 * reopen() of each, which for a local part reads its version file again
 * and for a remote one is one round trip (xapian-tcpsrv's child reopens
 * its database and answers with its new statistics).  *moved counts the
 * parts that moved to a later revision, or were replaced as below (a
 * remote database at revision 0, never committed to, counts at every
 * call: its server's reopen() cannot tell).
 *
 * A part whose reopen() fails (its server's database was removed, as
 * xapian-replicate removes the copy it replaces with a full one; the
 * server was restarted; no answer in time) marks the whole combination
 * to be opened again before the next search, as a failed search does
 * (dsx_db_recover): counted in *moved.
 *
 * With `probe`, each remote part is also connected anew, and when the new
 * connection's database has another uuid it takes the old connection's
 * place: a server that opens a path through a symlink (INDEX/current)
 * swapped to a new database at the same revision number answers reopen()
 * with "unchanged", as its old files are still open.  A probe that cannot
 * connect changes nothing (the old connection may still answer).  The
 * remote timeouts are dsx_db_open_parts's.  Nothing to do for one
 * database.  Fails only when memory runs out. */
ds_status dsx_db_follow(dsx_db *db, size_t from, int probe, size_t *moved,
                        char **err);

/* Look up metadata `key`; *value is malloc'd ("" when absent). */
ds_status dsx_db_get_metadata(dsx_db *db, const char *key, char **value,
                              char **err);

ds_status dsx_db_doc_count(dsx_db *db, unsigned long *docs, char **err);

/* Let queries say `field:words` for text indexed under `prefix`. */
ds_status dsx_db_add_prefix(dsx_db *db, const char *field,
                            const char *prefix, char **err);

/* Let queries say `field:value` to filter on the boolean term
 * prefix+value. */
ds_status dsx_db_add_boolean_prefix(dsx_db *db, const char *field,
                                    const char *prefix, char **err);

/* Let queries say `PREFIXfrom..to` (either end optional) for dates stored
 * as YYYYMMDD in value `slot`; ends may be written YYYY-MM-DD or YYYYMMDD.
 * Documents without the value never match. */
ds_status dsx_db_add_date_range(dsx_db *db, unsigned slot,
                                const char *prefix, char **err);

/* The database's wdfs were normalised with `norm` when written: rank with
 * IneB2 without reading document lengths (the words' occurrences come
 * from dsx_search_params.collection_freq).  Without it, a database is
 * taken to hold raw wdfs, ranked by Xapian's IneB2Weight with c = 1. */
void dsx_db_set_length_norm(dsx_db *db, const dsx_length_norm *norm);

/* Value `slot` names one document: explain finds a hit by it (a
 * MatchDecider would, but the remote backend refuses one).  Without it
 * explain reports no parts. */
void dsx_db_set_order_slot(dsx_db *db, unsigned slot);

/* Words the query parser leaves out of queries (when other words remain).
 * `words` must be sorted in strcmp() order; the array is borrowed and must
 * outlive `db` (a static list: no copy is made, opening stays cheap). */
ds_status dsx_db_set_stopwords(dsx_db *db, const char *const *words,
                               size_t n, char **err);

/* How many documents `term` indexes (0: none). */
ds_status dsx_db_term_freq(dsx_db *db, const char *term, unsigned long *freq,
                           char **err);

/* Called with each word of a spelling table and its frequency; `word` is
 * valid during the call only.  Return nonzero to stop. */
typedef int (*dsx_word_fn)(void *ctx, const char *word, size_t len,
                           unsigned long freq);

/* Call `fn` for every word of `db`'s spelling table, in ascending byte
 * order. */
ds_status dsx_db_spellings(dsx_db *db, dsx_word_fn fn, void *ctx,
                           char **err);

/* *stamp (malloc'd): the database's identity and revision, which a file
 * derived from it records (src/vocab.h). */
ds_status dsx_db_stamp(dsx_db *db, char **stamp, char **err);

/* dsx_db_spellings and dsx_db_stamp for the database at `path`, opened
 * for the call. */
ds_status dsx_spellings_at(const char *path, dsx_word_fn fn, void *ctx,
                           char **stamp, char **err);

/* Free `db`.  Accepts NULL.  Queries and results made from it must be
 * freed first. */
void dsx_db_destroy(dsx_db *db);

/* Run Xapian's own consistency checker over the database at `path`;
 * *errors is the number of problems and *report a malloc'd account of
 * them (empty when clean).  DS_OK when the check ran. */
ds_status dsx_check(const char *path, unsigned long *errors, char **report,
                    char **err);

/* ---- Query (query.cc) ----------------------------------------------------- */

enum {
    DSX_QUERY_MATCH_ANY = 1, /* words are OR-ed (default: all must match) */
    DSX_QUERY_PLAIN = 2,     /* no syntax at all: the text is plain words */
    DSX_QUERY_SYNONYMS = 4   /* expand words and word groups to synonyms */
};

/* Parse `text` with Xapian's QueryParser: phrases, AND/OR/NOT/NEAR, +/-,
 * trailing-'*' wildcards and the prefixes added above.  Text that is not
 * valid syntax is parsed again as plain words, and dsx_query_was_relaxed()
 * says so; only if that also fails is DS_ERR_QUERY returned. */
ds_status dsx_db_parse_query(dsx_db *db, const char *text, unsigned flags,
                             dsx_query **out, char **err);

/* A query for the documents holding `term` (len bytes) exactly, as a
 * filter: every match weighs 0, so matches come in docid order.  For
 * terms the parser cannot spell: it writes a prefixed term whose value
 * starts with a capital letter as PREFIX:Value. */
ds_status dsx_query_term(const char *term, size_t len, dsx_query **out,
                         char **err);

/* True when the query holds no term at all (e.g. only punctuation). */
int dsx_query_is_empty(const dsx_query *q);

/* True when the syntax was invalid and the text was read as plain words. */
int dsx_query_was_relaxed(const dsx_query *q);

/* Xapian's description of the parsed query; owned by `q`. */
const char *dsx_query_describe(const dsx_query *q);

/* The stopwords left out of the query, space-separated; owned by `q`. */
const char *dsx_query_stopped(const dsx_query *q);

/* The operands (parsed queries, each a phrase or a word) within `gap`
 * words of one another — in the order given when `ordered` (ADJ) — and
 * each matching as it is: a NEAR or ADJ over phrases, which Xapian 1.4's
 * parser and NEAR take only over single terms.  The operands are
 * borrowed. */
ds_status dsx_query_near(const dsx_query *const *operands, size_t n,
                         unsigned gap, int ordered, dsx_query **out,
                         char **err);

/* Replace, in `q`, the term `placeholder` with the query `with`. */
ds_status dsx_query_replace(dsx_query *q, const char *placeholder,
                            const dsx_query *with, char **err);

/* A term and the terms that may stand for it (typo variants). */
typedef struct {
    const char *term;
    const char *const *variants;
    size_t n;
} dsx_term_variants;

/* *out: the documents `q` does not match but would if each term of
 * `terms` (where `q` has it as a plain word: not in a phrase, a NEAR or a
 * field) also matched its variants, as synonyms of it; NULL when `q` has
 * none of the terms. */
ds_status dsx_query_with_variants(const dsx_query *q,
                                  const dsx_term_variants *terms, size_t n,
                                  dsx_query **out, char **err);

/* Does `q` hold `term` where dsx_query_with_variants would widen it?
 * 0 on any failure (the term is then left alone). */
int dsx_query_has_plain_term(const dsx_query *q, const char *term);

/* `q` restricted to the documents holding any of `terms` (a boolean
 * filter: the scores stay q's). */
ds_status dsx_query_filter(const dsx_query *q, const char *const *terms,
                           size_t n, dsx_query **out, char **err);

/* The documents `q` matches and `except` does not, ranked as `q`. */
ds_status dsx_query_and_not(const dsx_query *q, const dsx_query *except,
                            dsx_query **out, char **err);

/* The documents holding any of `terms`, ranked as their OR. */
ds_status dsx_query_any_term(const char *const *terms, size_t n,
                             dsx_query **out, char **err);

void dsx_query_destroy(dsx_query *q);

/* ---- Search (search.cc, expand.cc) ---------------------------------------- */

typedef struct {
    unsigned offset, limit;     /* which ranks to return */
    unsigned check_at_least;    /* examine at least this many documents:
                                   the total is exact when there are no
                                   more matches */
    unsigned sample_at;         /* dsx_counts.seen / sampled count up to
                                   this many matches (no more than
                                   check_at_least); 0: check_at_least */
    int collapse_slot;          /* keep the best document per value in this
                                   slot (documents without one are never
                                   collapsed); -1 keeps all */
    /* Pseudo-relevance feedback: when expand_docs > 0, the best
     * expand_terms terms of the top expand_docs documents (Xapian's
     * expand set) are added to the query, their weights scaled so the
     * strongest counts expand_weight of an original word.  Queries with
     * fewer than expand_docs matches are left as they are. */
    unsigned expand_docs, expand_terms;
    double expand_weight;
    /* Proximity (the sequential dependence model; proximity.cc): each
     * pair of query words next to each other in the query also scores,
     * when a document holds them side by side in that order, its words'
     * weights there times ordered_weight, and when it holds them within
     * `window` words of each other in any order, times unordered_weight.
     * 0 and 0: none.  Matches stay those of the query. */
    double ordered_weight, unordered_weight;
    unsigned window;
    /* Order: by relevance, or when sort_by_value, by value `sort_slot`
     * in descending byte order (an empty value last), ties by relevance
     * (Xapian's sort_by_value_then_relevance).  Not when count_only. */
    int sort_by_value;
    unsigned sort_slot;
    int explain;                /* dsx_results_load fills dsx_hit.parts */
    int count_only;             /* no ranking: every match weighs 0, and
                                   Xapian stops once it has examined
                                   check_at_least of them (to count) */
    unsigned data_slot;         /* dsx_hit.data is this value */
    /* Feedback learns a top document's words with their counts (its
     * termlist's wdfs are normalised for length) by indexing again the
     * text it was indexed from: this returns that
     * text for a hit's data in *text, owned by the callee and valid until
     * the next call, and its length; 0 leaves the document out.  NULL: no
     * feedback. */
    size_t (*indexed_text)(void *ctx, const char *data, size_t data_len,
                           const char **text);
    void *indexed_text_ctx;
    /* How often the words of a term occur in the whole collection (the
     * ranking's F: normalised wdfs no longer add up to it); 0 when not
     * known (a field term), which counts the passages holding it.  NULL:
     * never known.  Called during dsx_db_search and dsx_results_load. */
    unsigned long (*collection_freq)(void *ctx, const char *term,
                                     size_t len);
    void *collection_freq_ctx;
} dsx_search_params;

/* One part of a hit's score: a term, or a phrase, synonym group or
 * wildcard weighted as a unit.  A hit's parts sum to its score. */
typedef struct {
    const char *label;          /* e.g. "interim", "(ceo SYNONYM XSYN1)" */
    double weight;
} dsx_part;

typedef struct {
    double score;
    unsigned docid;
    unsigned collapsed;         /* documents collapsed into this one */
    /* Once loaded (dsx_results_load), else NULL and 0: */
    const char *data;           /* value data_slot */
    size_t data_len;
    const char *const *terms;   /* the query's terms this document
                                   matches, in query order (wildcard
                                   expansions left out, as Xapian 1.4's
                                   get_matching_terms does) */
    size_t n_terms;
    const dsx_part *parts;      /* with params->explain: the score's parts
                                   that are not zero */
    size_t n_parts;
} dsx_hit;

/* Rank documents for `q` with IneB2 as `params` says: the documents, their
 * scores and the total; what each hit holds and matched is read when
 * loaded.  A rebuild that swapped the index mid-search makes it reopen
 * the database and retry a bounded number of times.  `db` and `q` must
 * outlive the results. */
ds_status dsx_db_search(dsx_db *db, const dsx_query *q,
                        const dsx_search_params *params, dsx_results **out,
                        char **err);

/* How many documents `q` matches at least, as Xapian knows from its
 * terms' frequencies without matching (MSet::get_matches_lower_bound of
 * a search that examines none): the frequency of a single term, the
 * largest of an OR's; 0 for a conjunction (AND, phrase, filter, AND_NOT),
 * whose bound is next to never more. */
ds_status dsx_db_matches_at_least(dsx_db *db, const dsx_query *q,
                                  unsigned long *n, char **err);

size_t dsx_results_size(const dsx_results *r);

/* How many documents match: Xapian's estimate and its bounds (equal when
 * the count is exact), with collapsed documents left out; its bounds with
 * them counted in; and the documents examined: `seen` (every match when
 * that is under sample_at), and `sampled`, an estimate from where the
 * sample_at-th match was (Xapian examines matches in the order of their
 * document numbers, so sample_at / that number is the share of documents
 * that match, if they are spread evenly), within those bounds.
 *
 * When seen < sample_at, Xapian examined every match (it skips none
 * before it has check_at_least), so with collapsing `lower` is the exact
 * count of the matches collapsed: its collapser saw each of them and
 * counts the distinct values plus the documents without one
 * (Collapser::get_matches_lower_bound in Xapian's matcher/collapser.cc),
 * whatever the ranks kept.  `estimate` is not: it scales the terms'
 * estimated frequency by the share of documents not collapsed. */
typedef struct {
    unsigned long estimate, lower, upper;
    unsigned long all_lower, all_upper;
    unsigned long seen, sampled;
} dsx_counts;

void dsx_results_counts(const dsx_results *r, dsx_counts *counts);

/* Read the data and matching terms (and with params->explain the score's
 * parts) of hits from .. from+n-1. */
ds_status dsx_results_load(dsx_results *r, size_t from, size_t n,
                           char **err);

/* Hit `i` (0-based, < dsx_results_size).  Pointers in *hit stay valid until
 * dsx_results_destroy(r). */
void dsx_results_hit(const dsx_results *r, size_t i, dsx_hit *hit);

/* Free `r`.  Accepts NULL. */
void dsx_results_destroy(dsx_results *r);

/* ---- Unicode (Xapian's own character tables; these cannot fail) --------- */

/* What TermGenerator counts as part of a word. */
int dsx_unicode_is_wordchar(unsigned codepoint);
/* A decimal digit (for "14.3" and "1,500", which stay one word). */
int dsx_unicode_is_digit(unsigned codepoint);
unsigned dsx_unicode_tolower(unsigned codepoint);

#ifdef __cplusplus
}
#endif

#endif
