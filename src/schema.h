/*
 * schema.h — how a passage is laid out in the Xapian index.  The writer
 * (indexer.c) and the searcher (search.c) both follow this file; nothing
 * else knows term prefixes or metadata keys.
 *
 * Terms (all text is matched after ds_normalize(): curly quotes, dashes,
 * odd spaces and soft hyphens made plain)
 *   <stem>             every word of the passage's heading and text,
 *                      stemmed (STEM_ALL), with positions (phrases, NEAR)
 * Weighted terms' wdfs are stored normalised for the passage's length
 * (IneB2's, ranking.h), so document lengths are never read.
 *   XH<stem>           the heading's words; queried as heading:WORDS
 *   S<stem>            the article title's words; queried as title:WORDS
 *   A<stem>            the article's byline; queried as author:NAME
 *   XSRC<source>       boolean: the source file's path relative to the
 *                      corpus, without ".txt"; queried as source:NAME
 *   XSYN<n>            synonym group n, wherever one of its multi-word
 *                      entries occurs (synonyms.h)
 *   XG<n>              boolean: near-copy group n (neardup.h), for the
 *                      passages of groups of two or more
 * Spelling table: every word of heading and text, with its count; also
 *   written beside the database as the file `vocabulary` (spelling.h,
 *   vocab.h) for corrections, suggestions and typo tolerance
 * Synonym table: the synonym groups (synonyms.h)
 * Values
 *   0  the article's date as YYYYMMDD; queried as date:FROM..TO
 *   1  the source name (as in XSRC), to keep one hit per source
 *   2  the near-copy group of a passage that has near-copies
 *      (neardup.h), decimal; searches collapse on it, so a report that
 *      several sources carry shows once
 *   4  the passage's near-copy signature (neardup.h: DS_NEARDUP_HASHES
 *      16-bit minimums, little-endian), when it is long enough to have
 *      one: an update groups the whole corpus again from these
 *   5  the passage's place in the corpus: its source name (as the record
 *      has it), a NUL, and its passage number as 4 big-endian bytes.
 *      It names one passage for explain's filter, which works over the
 *      remote backend where a MatchDecider does not.  (Passages of equal
 *      score rank in document-number order, which a build makes corpus
 *      order, in one database and across a stub's shards alike:
 *      indexer.c, second_pass_sharded)
 *   3  the passage record (record.h): what a hit shows.  A value, not the
 *      document data: glass compresses each document's data with zlib,
 *      which cost a sixth of the build for records this small (measured
 *      with callgrind), while values are stored uncompressed in chunks
 * Data: none (see value 3)
 * Metadata
 *   dealsearch.format    DS_INDEX_FORMAT
 *   dealsearch.analysis  DS_ANALYSIS_DESCRIPTION (analyzer.h)
 *   dealsearch.passages  number of passages, for `dealsearch check`
 *   dealsearch.synonyms  the synonyms file the index was built with
 *   dealsearch.groups    near-copy groups of two or more passages
 *   dealsearch.reader    how corpus files were read: "news" or "plain"
 *   dealsearch.corpus    which corpus: "folder PATH", "jsonl PATH" or
 *                        "jsonl-split PATH" (PATH absolute)
 *   dealsearch.dated     passages with a date (date: finds nothing
 *                        without any)
 *   dealsearch.lengths   the passages' average length and the IneB2
 *                        normalisation their wdfs were stored with
 *                        (ranking.h)
 *   dealsearch.length_total  the passages' lengths added up, now (an
 *                        update keeps it; with dealsearch.passages it
 *                        gives the average the normalisation drifted to)
 *   dealsearch.file.<hash>   one per corpus file: its stamp and its
 *                        passages' documents (filerec.h)
 *   dealsearch.build     when the build finished (seconds since the
 *                        epoch) and how many files it indexed: "1764672000
 *                        5" (absent from indexes built by 0.2.0)
 * Termlists are kept: an update replaces and deletes documents.
 */
#ifndef DEALSEARCH_SCHEMA_H
#define DEALSEARCH_SCHEMA_H

#include <stddef.h>

#include "neardup.h"
#include "util.h"

#define DS_PREFIX_SOURCE "XSRC"
#define DS_FIELD_SOURCE "source"
#define DS_PREFIX_TITLE "S"
#define DS_FIELD_TITLE "title"
#define DS_PREFIX_HEADING "XH"
#define DS_FIELD_HEADING "heading"
#define DS_PREFIX_AUTHOR "A"
#define DS_FIELD_AUTHOR "author"
#define DS_PREFIX_GROUP "XG"
/* A near-copy signature's LSH band (neardup.h), one term per band of a
 * passage long enough to be grouped: the passages that share a band are
 * each other's near-copy candidates, so an update finds the passages its
 * changes can regroup from these terms' postings (update.c).  A term
 * holds a 16-bit hash of the band's value, not the value: a few passages
 * share each (fewer distinct terms make a smaller, faster build), and
 * their signatures tell which really share the band. */
#define DS_PREFIX_BAND "XB"
#define DS_SLOT_DATE 0
#define DS_SLOT_SOURCE 1
#define DS_SLOT_GROUP 2
#define DS_SLOT_RECORD 3
#define DS_SLOT_SIGNATURE 4
#define DS_SLOT_ORDER 5
#define DS_FIELD_DATE "date:"

#define DS_META_FORMAT "dealsearch.format"
#define DS_META_ANALYSIS "dealsearch.analysis"
#define DS_META_PASSAGES "dealsearch.passages"
#define DS_META_SYNONYMS "dealsearch.synonyms"
#define DS_META_GROUPS "dealsearch.groups"
#define DS_META_READER "dealsearch.reader"
#define DS_META_LENGTHS "dealsearch.lengths"
#define DS_META_CORPUS "dealsearch.corpus"
#define DS_META_DATED "dealsearch.dated"
#define DS_META_LENGTH_TOTAL "dealsearch.length_total"
#define DS_META_FILE_PREFIX "dealsearch.file."
#define DS_META_BUILD "dealsearch.build"

/* Bump when the term scheme or record layout changes. */
#define DS_INDEX_FORMAT "15"

/* The boolean term of a folder's file ("a/b.txt" -> DS_PREFIX_SOURCE
 * "a/b"), malloc'd. */
char *ds_source_term(const char *source);

/* The DS_SLOT_ORDER value of passage `passage` (1-based) of `source`
 * (`len` bytes), into `out` (cleared first). */
void ds_order_key(const char *source, size_t len, unsigned long passage,
                  ds_buf *out);

/* The DS_PREFIX_BAND term of band `band` of a valid signature: "XB",
 * the band's number and the hash of its value in hex ("XB3" "1a2b"). */
#define DS_BAND_TERM_SIZE 16
void ds_band_term(const ds_neardup_sig *sig, unsigned band,
                  char out[DS_BAND_TERM_SIZE]);

/* A passage's text as it is indexed: each part normalised (ds_normalize);
 * an empty part is absent. */
typedef struct {
    ds_buf heading, body, title, author;
    int title_is_text;   /* the title is part of the passage's words */
} ds_indexed_text;

/* Fill `t` from a passage's body and its heading, article title and
 * author (each NULL when none). */
void ds_indexed_text_set(ds_indexed_text *t, const char *heading,
                         const char *body, size_t body_len,
                         const char *title, int title_is_text,
                         const char *author);

void ds_indexed_text_free(ds_indexed_text *t);

/* One text the index holds for a passage, under `prefix` ("": its words,
 * ranked and searched unprefixed). */
typedef struct {
    const ds_buf *text;
    const char *prefix;
} ds_field;

#define DS_MAX_FIELDS 6

/* The fields of `t` in the order they are written — the heading as words
 * and under heading:, the body, the title under title: and, when it is
 * part of the text, as words, the author under author: — leaving out
 * empty parts.  The writer, the
 * passage length the ranking normalises with and feedback's re-reading of a
 * passage all take the fields from here.  Returns how many. */
size_t ds_indexed_fields(const ds_indexed_text *t,
                         ds_field out[DS_MAX_FIELDS]);

#endif
