/* update.c — see update.h. */
#define _POSIX_C_SOURCE 200809L
#include "update.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "changes.h"
#include "filerec.h"
#include "layout.h"
#include "neardup.h"
#include "ranking.h"
#include "record.h"
#include "scan.h"
#include "schema.h"
#include "shard.h"
#include "store.h"
#include "util.h"

/* A passage an update indexes: where it comes from and the document it
 * becomes. */
typedef struct {
    const ds_corpus_doc *doc;
    size_t passage;          /* 0-based in its article */
    unsigned docid;
    unsigned long length;
    ds_neardup_sig sig;
} new_passage;

/* An existing document the update keeps but changes. */
typedef struct {
    unsigned docid;
    ds_record rec;           /* as it will be (decoded, then edited) */
    const char *old_source;  /* renamed from (borrowed), or NULL */
    int record_changed;
} kept_doc;

/* Everything an update plans before it writes anything. */
typedef struct {
    const ds_update_params *p;
    dsx_writer *w;
    ds_filerecs recs;            /* as the index has them */
    ds_changes changes;
    ds_filerec *new_recs;        /* records to write, by change */
    ds_corpus_doc *docs;         /* the files read, by change */
    new_passage *adds;
    size_t n_adds, cap_adds;
    kept_doc *kept;
    size_t n_kept, cap_kept;
    unsigned *deletes;
    size_t n_deletes, cap_deletes;
    /* Per docid (0 .. max_docid): near-copy group before and after the
     * update (both 0 for the documents regrouping leaves alone); `live`
     * marks documents of the updated index. */
    unsigned long *groups, *new_groups;
    unsigned char *live;
    unsigned char *added;        /* per docid: a passage indexed now */
    ds_neardup_sig *sigs;        /* per docid, for a whole regrouping */
    int wrote;                   /* something to commit */
    /* The documents whose passage goes (their docid may be reused). */
    unsigned *retired;
    size_t n_retired_ids, cap_retired;
    unsigned max_docid, next_docid;
    unsigned long *last_local;   /* sharded: each shard's last document */
    /* Statistics, as they change. */
    double total_length;
    unsigned long passages, dated;
    unsigned long n_retired;     /* documents whose passage went */
    ds_analyzer *count_out;      /* counts the retired passages' words */
    ds_analyzer *count_in;       /* and the new ones' */
    ds_buf scratch;
    ds_reader *reader;
    ds_passage_job job;
    char *reason;                /* why only a full build will do */
} plan;

#define GROW(arr, n, cap)                                                    \
    do {                                                                     \
        if ((n) == (cap)) {                                                  \
            (cap) = (cap) ? 2 * (cap) : 64;                                  \
            (arr) = ds_xrealloc((arr), (cap) * sizeof *(arr));               \
        }                                                                    \
    } while (0)

static void notify(const plan *pl, const char *msg)
{
    if (pl->p->notice) pl->p->notice(pl->p->notice_ctx, msg);
}

/* ---- Reading what the index holds ---- */

static ds_status get_meta(plan *pl, const char *key, char **value, char **err)
{
    return dsx_writer_get_metadata(pl->w, key, value, err);
}

/* Why the settings the index was built with rule an update out, or NULL.
 * Read from `db`, opened for reading only: an index of an older format
 * may not open for writing at all (one built before termlists has no
 * termlist table), and it is to be rebuilt, not reported damaged. */
static char *settings_differ(const ds_update_params *p, dsx_db *db,
                             char **err, ds_status *st)
{
    static const struct {
        const char *key, *why;
    } reasons[] = {{DS_META_FORMAT, "the index format changed"},
                   {DS_META_ANALYSIS, "the analysis changed"},
                   {DS_META_READER, "the reader changed"},
                   {DS_META_CORPUS, "the corpus is another one"},
                   {DS_META_SYNONYMS, "the synonyms changed"}};
    for (size_t i = 0; i < p->n_expect && *st == DS_OK; i++) {
        char *have = NULL;
        *st = dsx_db_get_metadata(db, p->expect[i][0], &have, err);
        int same = *st == DS_OK && strcmp(have, p->expect[i][1]) == 0;
        free(have);
        if (*st != DS_OK || same) continue;
        for (size_t r = 0; r < sizeof reasons / sizeof *reasons; r++)
            if (strcmp(reasons[r].key, p->expect[i][0]) == 0)
                return ds_xstrdup(reasons[r].why);
        return ds_xasprintf("%s changed", p->expect[i][0]);
    }
    return NULL;
}

/* Whether the index was built with the settings asked for: *reason
 * (malloc'd) when only a whole build will do. */
static ds_status check_settings(const ds_update_params *p, char **reason,
                                char **err)
{
    dsx_db *db = NULL;
    ds_status st = dsx_db_open(p->db_path, ds_analyzer_stemmer(p->analyzer),
                               &db, err);
    if (st == DS_OK) *reason = settings_differ(p, db, err, &st);
    dsx_db_destroy(db);
    return st;
}

/* The stored normalisation, passage count, dated count and total length. */
static ds_status read_counts(plan *pl, dsx_length_norm *norm, char **err)
{
    char *lengths = NULL, *passages = NULL, *dated = NULL, *total = NULL;
    ds_status st = get_meta(pl, DS_META_LENGTHS, &lengths, err);
    if (st == DS_OK) st = get_meta(pl, DS_META_PASSAGES, &passages, err);
    if (st == DS_OK) st = get_meta(pl, DS_META_DATED, &dated, err);
    if (st == DS_OK) st = get_meta(pl, DS_META_LENGTH_TOTAL, &total, err);
    if (st == DS_OK && (ds_length_norm_parse(lengths, norm) != DS_OK ||
                        !*total))
        pl->reason = ds_xstrdup("the index has no record of its lengths");
    else if (st == DS_OK && fabs(norm->c - pl->p->c) > 1e-12)
        pl->reason = ds_xstrdup("the ranking's length setting changed");
    if (st == DS_OK) {
        pl->passages = strtoul(passages, NULL, 10);
        pl->dated = strtoul(dated, NULL, 10);
        pl->total_length = strtod(total, NULL);
    }
    free(lengths);
    free(passages);
    free(dated);
    free(total);
    return st;
}

/* The signatures and groups of every document, as committed. */
typedef struct {
    plan *pl;
    int groups;              /* reading groups, else signatures */
} value_reader;

static void ensure_docid(plan *pl, unsigned docid)
{
    if (docid <= pl->max_docid) return;
    unsigned old = pl->max_docid, cap = docid + docid / 4 + 16;
    pl->groups =
        ds_xrealloc(pl->groups, ((size_t)cap + 1) * sizeof *pl->groups);
    pl->new_groups = ds_xrealloc(pl->new_groups,
                                 ((size_t)cap + 1) * sizeof *pl->new_groups);
    pl->live = ds_xrealloc(pl->live, (size_t)cap + 1);
    pl->added = ds_xrealloc(pl->added, (size_t)cap + 1);
    for (size_t d = old ? (size_t)old + 1 : 0; d <= cap; d++) {
        pl->groups[d] = pl->new_groups[d] = 0;
        pl->live[d] = 0;
        pl->added[d] = 0;
    }
    pl->max_docid = cap;
}

static int take_value(void *ctx, unsigned docid, const char *data, size_t len)
{
    value_reader *vr = ctx;
    plan *pl = vr->pl;
    if (docid > pl->max_docid) return 0; /* none: max_docid >= the last */
    if (vr->groups)
        pl->groups[docid] = strtoul(data, NULL, 10) * (len > 0);
    else
        ds_neardup_sig_decode(data, len, &pl->sigs[docid]);
    return 0;
}

/* Where new documents are numbered from. */
static ds_status read_last_docid(plan *pl, char **err)
{
    unsigned last = 0;
    ds_status st = dsx_writer_last_docid(pl->w, &last, err);
    if (st != DS_OK) return st;
    ensure_docid(pl, last);
    pl->next_docid = last + 1;
    return DS_OK;
}

/* Every document's signature as committed, then the new passages' over
 * the docids they reuse. */
static ds_status read_signatures(plan *pl, char **err)
{
    pl->sigs = ds_xmalloc(((size_t)pl->max_docid + 1) * sizeof *pl->sigs);
    memset(pl->sigs, 0, ((size_t)pl->max_docid + 1) * sizeof *pl->sigs);
    value_reader vr = {pl, 0};
    ds_status st = dsx_writer_each_value(pl->w, DS_SLOT_SIGNATURE, take_value,
                                         &vr, err);
    for (size_t i = 0; i < pl->n_adds; i++)
        pl->sigs[pl->adds[i].docid] = pl->adds[i].sig;
    return st;
}

/* Only a whole regrouping needs every document's group. */
static ds_status read_groups(plan *pl, char **err)
{
    value_reader vr = {pl, 1};
    return dsx_writer_each_value(pl->w, DS_SLOT_GROUP, take_value, &vr, err);
}

static ds_status read_shared_count(plan *pl, unsigned long *shared,
                                   char **err)
{
    char *groups = NULL;
    ds_status st = get_meta(pl, DS_META_GROUPS, &groups, err);
    if (st == DS_OK) *shared = strtoul(groups, NULL, 10);
    free(groups);
    return st;
}

/* ---- Planning ---- */

/* Decode document `docid`'s record. */
static ds_status read_record(plan *pl, unsigned docid, ds_record *rec,
                             char **err)
{
    char *data = NULL;
    size_t len = 0;
    ds_status st = dsx_writer_get_value(pl->w, docid, DS_SLOT_RECORD, &data,
                                        &len, err);
    if (st == DS_OK && ds_record_decode(data, len, rec) != DS_OK)
        st = ds_fail(err, DS_ERR_DAMAGED, "document %u has no readable record",
                     docid);
    free(data);
    return st;
}

/* Count (for the spelling table) and measure a passage's indexed text. */
static unsigned long count_passage(plan *pl, ds_analyzer *counter,
                                   const char *heading,
                                   const char *text, size_t len,
                                   const char *title, int title_is_text,
                                   const char *author, ds_neardup_sig *sig)
{
    ds_indexed_text_set(&pl->job.text, heading, text, len, title,
                        title_is_text, author);
    ds_neardup_sig scratch;
    ds_scan_count_words(counter, &pl->job.text, sig ? sig : &scratch);
    return ds_passage_job_length(&pl->job);
}

/* A document leaves the index: its words, length and date go. */
static void retire(plan *pl, unsigned docid, const ds_record *rec)
{
    pl->total_length -= (double)count_passage(
        pl, pl->count_out, rec->heading, rec->text, rec->text_len, rec->title,
        rec->title_in_text, rec->author, NULL);
    pl->passages--;
    pl->n_retired++;
    pl->dated -= rec->date != NULL;
    pl->live[docid] = 0;
    GROW(pl->retired, pl->n_retired_ids, pl->cap_retired);
    pl->retired[pl->n_retired_ids++] = docid;
}

/* The passage's content as indexed: equal keys, equal documents (but for
 * the record's number and line, and the group). */
static int same_content(const ds_record *rec, const ds_corpus_doc *d,
                        size_t i)
{
    const ds_article *a = &d->article;
    const ds_passage *p = &a->items[i];
    const char *date = a->date[0] ? a->date : NULL;
#define SAME(x, y) ((!(x) && !(y)) || ((x) && (y) && strcmp((x), (y)) == 0))
    return rec->text_len == p->len &&
           memcmp(rec->text, p->text, p->len) == 0 &&
           SAME(rec->heading, p->heading) && SAME(rec->title, a->title) &&
           SAME(rec->author, a->author) && SAME(rec->date, date) &&
           !rec->title_in_text == !(a->title && d->title_is_text);
#undef SAME
}

static void add_kept(plan *pl, unsigned docid, ds_record *rec,
                     const char *old_source, int changed)
{
    GROW(pl->kept, pl->n_kept, pl->cap_kept);
    kept_doc *k = &pl->kept[pl->n_kept++];
    k->docid = docid;
    k->rec = *rec;
    k->old_source = old_source;
    k->record_changed = changed;
}

/* A passage to index as document `docid` (counted in). */
static void add_new(plan *pl, const ds_corpus_doc *d, size_t i,
                    unsigned docid)
{
    GROW(pl->adds, pl->n_adds, pl->cap_adds);
    new_passage *np = &pl->adds[pl->n_adds++];
    const ds_article *a = &d->article;
    const ds_passage *p = &a->items[i];
    np->doc = d;
    np->passage = i;
    np->docid = docid;
    np->length = count_passage(pl, pl->count_in, p->heading, p->text,
                               p->len, a->title,
                               a->title && d->title_is_text, a->author,
                               &np->sig);
    pl->total_length += (double)np->length;
    pl->passages++;
    pl->dated += a->date[0] != '\0';
    ensure_docid(pl, docid);
    pl->live[docid] = 1;
    pl->added[docid] = 1;
}

static void add_delete(plan *pl, unsigned docid)
{
    GROW(pl->deletes, pl->n_deletes, pl->cap_deletes);
    pl->deletes[pl->n_deletes++] = docid;
}

/* A new document's number: the database's next; in a sharded index the
 * next of the shard the file's name picks, as the stub numbers it (0 when
 * past Xapian's numbers: only a build can say so clearly). */
static unsigned new_docid(plan *pl, const char *source)
{
    size_t n = pl->p->shards;
    if (!n) return pl->next_docid++;
    size_t k = ds_layout_shard_of(source, n);
    unsigned long docid = ds_layout_docid(n, k, ++pl->last_local[k]);
    return docid > 0xffffffffUL ? 0 : (unsigned)docid;
}

/* The file's passages against its old documents: a passage whose content
 * an old document holds keeps it; the rest are indexed into the old
 * documents left over, then new ones; old documents still left are
 * deleted.  `out` gets the docids in passage order. */
static ds_status plan_file(plan *pl, const ds_corpus_doc *d,
                           const ds_filerec *old, ds_filerec *out,
                           char **err)
{
    size_t n_old = old ? old->n : 0, n_new = d->article.count;
    ds_record *recs = ds_xmalloc((n_old + 1) * sizeof *recs);
    unsigned char *used = ds_xmalloc(n_old + 1);
    memset(used, 0, n_old + 1);
    ds_status st = DS_OK;
    size_t loaded = 0;
    for (; loaded < n_old && st == DS_OK; loaded++)
        st = read_record(pl, old->docids[loaded], &recs[loaded], err);
    out->docids = ds_xmalloc((n_new + 1) * sizeof *out->docids);
    out->n = n_new;
    size_t *fresh = ds_xmalloc((n_new + 1) * sizeof *fresh), n_fresh = 0;
    for (size_t i = 0; i < n_new && st == DS_OK; i++) {
        size_t j = 0;
        while (j < n_old && (used[j] || !same_content(&recs[j], d, i))) j++;
        if (j == n_old) {
            fresh[n_fresh++] = i;
            continue;
        }
        used[j] = 1;
        out->docids[i] = old->docids[j];
        const ds_passage *p = &d->article.items[i];
        int moved = recs[j].passage != i + 1 || recs[j].line != p->first_line;
        recs[j].passage = i + 1;
        recs[j].line = p->first_line;
        add_kept(pl, old->docids[j], &recs[j], NULL, moved);
        memset(&recs[j], 0, sizeof recs[j]); /* owned by the kept doc */
    }
    size_t spare = 0;
    for (size_t f = 0; f < n_fresh && st == DS_OK; f++) {
        while (spare < n_old && used[spare]) spare++;
        unsigned docid = spare < n_old ? old->docids[spare]
                                       : new_docid(pl, d->source);
        if (!docid) {
            pl->reason = ds_xstrdup("its shards ran out of document numbers");
            break;
        }
        if (spare < n_old) {
            used[spare] = 1;
            retire(pl, docid, &recs[spare]);
        }
        out->docids[fresh[f]] = docid;
        add_new(pl, d, fresh[f], docid);
    }
    for (size_t j = 0; j < n_old && st == DS_OK; j++)
        if (!used[j]) {
            retire(pl, old->docids[j], &recs[j]);
            add_delete(pl, old->docids[j]);
        }
    for (size_t j = 0; j < loaded; j++) ds_record_free(&recs[j]);
    free(recs);
    free(used);
    free(fresh);
    return st;
}

/* A renamed file: its documents change their source only. */
static ds_status plan_rename(plan *pl, const ds_filerec *old,
                             const char *source, ds_filerec *out, char **err)
{
    out->docids = ds_xmalloc((old->n + 1) * sizeof *out->docids);
    out->n = old->n;
    ds_status st = DS_OK;
    for (size_t j = 0; j < old->n && st == DS_OK; j++) {
        ds_record rec;
        st = read_record(pl, old->docids[j], &rec, err);
        if (st != DS_OK) break;
        free(rec.source);
        rec.source = ds_xstrdup(source);
        out->docids[j] = old->docids[j];
        add_kept(pl, old->docids[j], &rec, old->source, 1);
    }
    return st;
}

static ds_status plan_removal(plan *pl, const ds_filerec *old, char **err)
{
    ds_status st = DS_OK;
    for (size_t j = 0; j < old->n && st == DS_OK; j++) {
        ds_record rec;
        st = read_record(pl, old->docids[j], &rec, err);
        if (st != DS_OK) break;
        retire(pl, old->docids[j], &rec);
        add_delete(pl, old->docids[j]);
        ds_record_free(&rec);
    }
    return st;
}

/* Read a changed or added file; one that cannot be read now is left as
 * the index has it (and reported). */
static int read_entry(plan *pl, size_t k, ds_index_stats *stats)
{
    const ds_change *c = &pl->changes.items[k];
    char *why = NULL;
    if (ds_corpus_read(pl->p->corpus, c->entry, pl->reader, &pl->scratch, 0,
                       &pl->docs[k], &why) == DS_OK) {
        if (pl->p->verbose) {
            const char *folder = ds_corpus_get_spec(pl->p->corpus)->path;
            char *msg = ds_xasprintf("%s/%s: %zu passages (%s)", folder,
                                     pl->docs[k].source,
                                     pl->docs[k].article.count,
                                     ds_change_name(c->kind));
            notify(pl, msg);
            free(msg);
        }
        return 1;
    }
    char *msg = ds_xasprintf("%s (skipped)", why);
    notify(pl, msg);
    free(msg);
    free(why);
    stats->files_failed++;
    return 0;
}

static ds_status plan_change(plan *pl, size_t k, ds_index_stats *stats,
                             char **err)
{
    const ds_change *c = &pl->changes.items[k];
    ds_filerec *out = &pl->new_recs[k];
    const char *name = c->kind == DS_CHANGE_REMOVED
                           ? c->rec->source
                           : ds_corpus_entry_name(pl->p->corpus, c->entry);
    out->source = ds_xstrdup(name);
    out->stamp = c->stamp;
    switch (c->kind) {
    case DS_CHANGE_REMOVED:
        stats->removed++;
        return plan_removal(pl, c->rec, err);
    case DS_CHANGE_RENAMED:
        stats->renamed++;
        return plan_rename(pl, c->rec, name, out, err);
    case DS_CHANGE_TOUCHED:
        stats->touched++;
        out->docids = ds_xmalloc((c->rec->n + 1) * sizeof *out->docids);
        if (c->rec->n)
            memcpy(out->docids, c->rec->docids,
                   c->rec->n * sizeof *out->docids);
        out->n = c->rec->n;
        return DS_OK;
    default:
        break;
    }
    if (!read_entry(pl, k, stats)) { /* keep what the index has */
        free(out->source);
        out->source = NULL;
        return DS_OK;
    }
    out->stamp = pl->docs[k].stamp;
    if (c->kind == DS_CHANGE_ADDED) stats->added++;
    else stats->changed++;
    stats->files++;
    stats->corpus_bytes += pl->docs[k].bytes;
    return plan_file(pl, &pl->docs[k], c->rec, out, err);
}

/* ---- Near-copy groups, over the whole corpus ---- */

/* The corpus's records after the update, in corpus order: the untouched
 * ones and the new ones. */
static const ds_filerec **records_after(plan *pl, size_t *n)
{
    size_t cap = pl->recs.count + pl->changes.count + 1, count = 0;
    const ds_filerec **all = ds_xmalloc(cap * sizeof *all);
    unsigned char *replaced = ds_xmalloc(pl->recs.count + 1);
    memset(replaced, 0, pl->recs.count + 1);
    for (size_t k = 0; k < pl->changes.count; k++) {
        const ds_change *c = &pl->changes.items[k];
        if (c->rec && pl->new_recs[k].source != NULL)
            replaced[c->rec - pl->recs.items] = 1;
        if (c->kind == DS_CHANGE_REMOVED)
            replaced[c->rec - pl->recs.items] = 1;
        if (c->kind != DS_CHANGE_REMOVED && pl->new_recs[k].source)
            all[count++] = &pl->new_recs[k];
    }
    for (size_t r = 0; r < pl->recs.count; r++)
        if (!replaced[r]) all[count++] = &pl->recs.items[r];
    free(replaced);
    qsort(all, count, sizeof *all, ds_filerec_compare_ptr);
    *n = count;
    return all;
}

/* Group the passages of `recs` (records after the update, in corpus
 * order) that `member` marks (every passage when NULL) as a build does,
 * in corpus order, from their signatures `sig_of` (per docid), giving
 * each group the id of its first passage: pl->new_groups.  Returns the
 * number of groups with more than one passage. */
static unsigned long group_in_order(plan *pl, const ds_filerec **recs,
                                    size_t n_recs,
                                    const unsigned char *member,
                                    const ds_neardup_sig *const *sig_of)
{
    size_t total = 0;
    for (size_t r = 0; r < n_recs; r++) total += recs[r]->n;
    unsigned *order = ds_xmalloc((total + 1) * sizeof *order);
    unsigned long *numbered = ds_xmalloc((total + 1) * sizeof *numbered);
    ds_neardup *nd = ds_neardup_new();
    size_t at = 0;
    for (size_t r = 0; r < n_recs; r++)
        for (size_t j = 0; j < recs[r]->n; j++) {
            unsigned d = recs[r]->docids[j];
            if (member && !member[d]) continue;
            order[at] = d;
            numbered[at++] = ds_neardup_add_signed(nd, sig_of[d]);
        }
    unsigned long shared = ds_neardup_shared_groups(nd);
    ds_neardup_free(nd);
    ds_group_ids ids;
    ds_group_ids_init(&ids, numbered, at);
    size_t i = 0;
    for (size_t r = 0; r < n_recs; r++)
        for (size_t j = 0; j < recs[r]->n; j++)
            if (!member || member[recs[r]->docids[j]])
                ds_group_ids_name(&ids, i++, recs[r]->source, j + 1);
    for (i = 0; i < at; i++)
        pl->new_groups[order[i]] = ds_group_ids_get(&ids, i);
    ds_group_ids_free(&ids);
    free(order);
    free(numbered);
    return shared;
}

/* Group every passage again, from every document's signature. */
static ds_status regroup_all(plan *pl, unsigned long *shared, char **err)
{
    ds_status st = read_signatures(pl, err);
    if (st == DS_OK) st = read_groups(pl, err);
    if (st != DS_OK) return st;
    const ds_neardup_sig **sig_of =
        ds_xmalloc(((size_t)pl->max_docid + 1) * sizeof *sig_of);
    for (size_t d = 0; d <= pl->max_docid; d++) sig_of[d] = &pl->sigs[d];
    size_t n_recs;
    const ds_filerec **recs = records_after(pl, &n_recs);
    *shared = group_in_order(pl, recs, n_recs, NULL, sig_of);
    free(recs);
    free(sig_of);
    return DS_OK;
}

/* ---- Regrouping only where groups can change ----
 *
 * A passage takes part in grouping only through the LSH bands of its
 * signature (neardup.c): it is compared with, and can join the group of,
 * only the first earlier passage of each of its band values.  So grouping
 * the passages of one connected part of the "shares a band value" graph,
 * in corpus order, gives them the groups a whole build gives them, and a
 * group never spans two parts.  An update regroups the part that holds
 * what it changes — the passages going out (as the index has them), those
 * coming in, and those whose name (source or number) moves — found from
 * the band terms' postings (schema.h), and leaves every other group as it
 * is.  The number of shared groups moves by what that part's count did.
 * Grouping starts afresh every DS_NEARDUP_WINDOW passages, which breaks
 * this: a corpus that large is regrouped whole.  So is one where finding
 * the part costs more than LOOKUPS_PER_PASSAGE of a lookup (a posting
 * list opened or a signature read, each a B-tree search) per passage of
 * the corpus: reading every signature in docid order and grouping them
 * all is then cheaper (many files changed at once; bench/README.md,
 * "Updates"). */

#define LOOKUPS_PER_PASSAGE (1.0 / 64)

/* The lookups allowed; DEALSEARCH_REGROUP=part or =whole forces one way
 * (the property test takes each in turn). */
static size_t lookup_budget(const plan *pl)
{
    const char *force = getenv("DEALSEARCH_REGROUP");
    if (force && strcmp(force, "part") == 0) return (size_t)-1 / 2;
    if (force && strcmp(force, "whole") == 0) return 0;
    return 64 + (size_t)((double)pl->passages * LOOKUPS_PER_PASSAGE);
}

typedef struct {
    plan *pl;
    unsigned char *seen;        /* per docid: in the part, as indexed */
    unsigned *docids;           /* the part's indexed documents */
    ds_neardup_sig *sigs;       /* and their signatures */
    size_t n, cap;
    size_t lookups, budget;     /* B-tree searches made, allowed */
    /* While a band's postings are read: */
    const ds_neardup_sig *sig;
    unsigned band;
    ds_status st;
    char **err;
} band_part;

static ds_status read_signature(plan *pl, unsigned docid,
                                ds_neardup_sig *sig, char **err)
{
    char *data = NULL;
    size_t len = 0;
    ds_status st = dsx_writer_get_value(pl->w, docid, DS_SLOT_SIGNATURE,
                                        &data, &len, err);
    ds_neardup_sig_decode(data, len, sig);
    free(data);
    return st;
}

static void add_member(band_part *bp, unsigned docid,
                       const ds_neardup_sig *sig)
{
    bp->seen[docid] = 1;
    if (bp->n == bp->cap) {
        bp->cap = bp->cap ? 2 * bp->cap : 256;
        bp->docids = ds_xrealloc(bp->docids, bp->cap * sizeof *bp->docids);
        bp->sigs = ds_xrealloc(bp->sigs, bp->cap * sizeof *bp->sigs);
    }
    bp->docids[bp->n] = docid;
    bp->sigs[bp->n++] = *sig;
}

/* A document of the band term read: a member when it has the band. */
static int take_candidate(void *ctx, unsigned docid)
{
    band_part *bp = ctx;
    if (docid > bp->pl->max_docid || bp->seen[docid]) return 0;
    ds_neardup_sig sig;
    bp->lookups++;
    bp->st = read_signature(bp->pl, docid, &sig, bp->err);
    if (bp->st == DS_OK && sig.valid &&
        ds_neardup_same_band(&sig, bp->sig, bp->band))
        add_member(bp, docid, &sig);
    return bp->st != DS_OK || bp->lookups > bp->budget;
}

/* Add every indexed document that shares a band with `sig`. */
static ds_status add_band_sharers(band_part *bp, const ds_neardup_sig *sig)
{
    ds_neardup_sig mine = *sig; /* bp->sigs may move */
    char term[DS_BAND_TERM_SIZE];
    ds_status st = DS_OK;
    for (unsigned b = 0; b < DS_NEARDUP_BANDS && mine.valid && st == DS_OK;
         b++) {
        ds_band_term(&mine, b, term);
        bp->lookups++;
        bp->sig = &mine;
        bp->band = b;
        bp->st = DS_OK;
        st = dsx_writer_each_posting(bp->pl->w, term, take_candidate, bp,
                                     bp->err);
        if (st == DS_OK) st = bp->st;
    }
    return st;
}

/* The part of the graph the update touches, over the indexed documents
 * (the new passages, not indexed yet, are its other members). */
static ds_status find_part(plan *pl, band_part *bp)
{
    ds_status st = DS_OK;
    for (size_t i = 0; i < pl->n_retired_ids + pl->n_kept && st == DS_OK;
         i++) {
        int retired = i < pl->n_retired_ids;
        if (!retired && !pl->kept[i - pl->n_retired_ids].record_changed)
            continue;
        unsigned d = retired ? pl->retired[i]
                             : pl->kept[i - pl->n_retired_ids].docid;
        ds_neardup_sig sig;
        bp->lookups += !bp->seen[d];
        if (!bp->seen[d]) st = read_signature(pl, d, &sig, bp->err);
        if (st == DS_OK && !bp->seen[d]) add_member(bp, d, &sig);
    }
    for (size_t i = 0;
         i < pl->n_adds && bp->lookups <= bp->budget && st == DS_OK; i++)
        st = add_band_sharers(bp, &pl->adds[i].sig);
    for (size_t i = 0; i < bp->n && bp->lookups <= bp->budget && st == DS_OK;
         i++)
        st = add_band_sharers(bp, &bp->sigs[i]);
    return st;
}

static int compare_ulong(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return (x > y) - (x < y);
}

/* The part's groups as indexed (into pl->groups); how many are shared. */
static ds_status read_part_groups(plan *pl, const band_part *bp,
                                  unsigned long *shared, char **err)
{
    unsigned long *ids = ds_xmalloc((bp->n + 1) * sizeof *ids);
    size_t n = 0;
    ds_status st = DS_OK;
    for (size_t i = 0; i < bp->n && st == DS_OK; i++) {
        char *data = NULL;
        size_t len = 0;
        st = dsx_writer_get_value(pl->w, bp->docids[i], DS_SLOT_GROUP, &data,
                                  &len, err);
        unsigned long g = st == DS_OK && len ? strtoul(data, NULL, 10) : 0;
        free(data);
        pl->groups[bp->docids[i]] = g;
        if (g) ids[n++] = g;
    }
    qsort(ids, n, sizeof *ids, compare_ulong);
    *shared = 0;
    for (size_t i = 0; i < n; i++) *shared += i == 0 || ids[i] != ids[i - 1];
    free(ids);
    return st;
}

/* Regroup the part; *whole is set instead when it is too large. */
static ds_status regroup_part(plan *pl, unsigned long *shared, int *whole,
                              char **err)
{
    band_part bp;
    memset(&bp, 0, sizeof bp);
    bp.pl = pl;
    bp.err = err;
    bp.budget = lookup_budget(pl);
    bp.seen = ds_xmalloc((size_t)pl->max_docid + 1);
    memset(bp.seen, 0, (size_t)pl->max_docid + 1);
    unsigned long before = 0;
    ds_status st = find_part(pl, &bp);
    *whole = bp.lookups > bp.budget;
    if (st == DS_OK && !*whole) st = read_part_groups(pl, &bp, &before, err);
    if (st == DS_OK && !*whole) {
        /* After the update the part holds its documents that stay and
         * the new passages. */
        const ds_neardup_sig **sig_of =
            ds_xmalloc(((size_t)pl->max_docid + 1) * sizeof *sig_of);
        unsigned char *member = bp.seen;
        for (size_t i = 0; i < bp.n; i++) {
            unsigned d = bp.docids[i];
            member[d] = pl->live[d] && !pl->added[d];
            sig_of[d] = &bp.sigs[i];
        }
        for (size_t i = 0; i < pl->n_adds; i++) {
            member[pl->adds[i].docid] = 1;
            sig_of[pl->adds[i].docid] = &pl->adds[i].sig;
        }
        size_t n_recs;
        const ds_filerec **recs = records_after(pl, &n_recs);
        unsigned long after = group_in_order(pl, recs, n_recs, member, sig_of);
        unsigned long total = 0;
        st = read_shared_count(pl, &total, err);
        *shared = total + after - before;
        free(recs);
        free(sig_of);
    }
    free(bp.seen);
    free(bp.docids);
    free(bp.sigs);
    return st;
}

/* The groups after the update: pl->groups and pl->new_groups, and the
 * number of shared groups. */
static ds_status regroup(plan *pl, size_t before, size_t after,
                         unsigned long *shared, char **err)
{
    int whole = before > DS_NEARDUP_WINDOW || after > DS_NEARDUP_WINDOW;
    ds_status st = whole ? DS_OK : regroup_part(pl, shared, &whole, err);
    if (st == DS_OK && whole) {
        memset(pl->groups, 0,
               ((size_t)pl->max_docid + 1) * sizeof *pl->groups);
        memset(pl->new_groups, 0,
               ((size_t)pl->max_docid + 1) * sizeof *pl->new_groups);
        st = regroup_all(pl, shared, err);
    }
    return st;
}

/* ---- Writing ---- */

/* The XG term of a group ("" for none). */
static void group_term(unsigned long group, char *out, size_t size)
{
    if (group) snprintf(out, size, DS_PREFIX_GROUP "%lu", group);
    else out[0] = '\0';
}

/* Amend a kept document: record, group, and for a renamed file its
 * source term and value. */
static ds_status write_kept(plan *pl, kept_doc *k, char **err)
{
    unsigned long was = pl->groups[k->docid];
    unsigned long now = pl->new_groups[k->docid];
    if (!k->record_changed && was == now) return DS_OK;
    char old_g[32], new_g[32], group[24];
    group_term(was, old_g, sizeof old_g);
    group_term(now, new_g, sizeof new_g);
    k->rec.group = now;
    ds_buf record;
    ds_buf_init(&record);
    ds_record_encode(&k->rec, &record);
    snprintf(group, sizeof group, "%lu", now);
    char *old_src = k->old_source ? ds_source_term(k->old_source) : NULL;
    char *new_src = k->old_source ? ds_source_term(k->rec.source) : NULL;
    ds_buf order;
    ds_buf_init(&order);
    ds_order_key(k->rec.source, strlen(k->rec.source), k->rec.passage,
                 &order);
    dsx_amendment a = {{was != now ? old_g : NULL, old_src},
                       {was != now && now ? new_g : NULL, new_src},
                       {{DS_SLOT_RECORD, record.data, record.len},
                        {DS_SLOT_GROUP, group, now ? strlen(group) : 0},
                        {DS_SLOT_ORDER, order.data, order.len},
                        {DS_SLOT_SOURCE,
                         new_src ? new_src + strlen(DS_PREFIX_SOURCE) : NULL,
                         new_src ? strlen(new_src) - strlen(DS_PREFIX_SOURCE)
                                 : 0}},
                       k->old_source ? 4u : 3u};
    if (a.remove[0] && !a.remove[0][0]) a.remove[0] = NULL;
    ds_status st = dsx_writer_amend(pl->w, k->docid, &a, err);
    free(old_src);
    free(new_src);
    ds_buf_free(&record);
    ds_buf_free(&order);
    return st;
}

static ds_status write_new(plan *pl, ds_shard *shard, const new_passage *np,
                           char **err)
{
    ds_passage_job_prepare(&pl->job, np->doc, np->passage,
                           pl->new_groups[np->docid],
                           &np->sig);
    return ds_shard_put(shard, np->docid, &pl->job, err);
}

/* Words counted in (from new passages) minus words counted out (from
 * retired ones): the spelling table's change.  Both lists come sorted. */
typedef struct {
    char *word;
    size_t len;
    long long count;
} word_count;

typedef struct {
    word_count *items;
    size_t n, cap;
} word_counts;

static int keep_word(void *ctx, const ds_word_entry *e)
{
    word_counts *wc = ctx;
    if (!e->count) return 0; /* cached before counting began */
    GROW(wc->items, wc->n, wc->cap);
    wc->items[wc->n++] = (word_count){ds_xstrndup(e->word, e->word_len),
                                      e->word_len, (long long)e->count};
    return 0;
}

static void free_counts(word_counts *wc)
{
    for (size_t i = 0; i < wc->n; i++) free(wc->items[i].word);
    free(wc->items);
}

static int compare_words(const word_count *a, const word_count *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->word, b->word, n);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

static ds_status apply_spelling(plan *pl, word_counts *out, word_counts *in,
                                char **err)
{
    size_t i = 0, o = 0;
    ds_status st = DS_OK;
    while (st == DS_OK && (i < in->n || o < out->n)) {
        int c = i == in->n    ? 1
                : o == out->n ? -1
                              : compare_words(&in->items[i], &out->items[o]);
        const word_count *w = c <= 0 ? &in->items[i] : &out->items[o];
        long long net = (c <= 0 ? in->items[i].count : 0) -
                        (c >= 0 ? out->items[o].count : 0);
        if (net > 0)
            st = dsx_writer_add_spelling(pl->w, w->word, w->len,
                                         (unsigned long)net, err);
        else if (net < 0)
            st = dsx_writer_remove_spelling(pl->w, w->word, w->len,
                                            (unsigned long)-net, err);
        i += c <= 0;
        o += c >= 0;
    }
    return st;
}

static ds_status write_records(plan *pl, char **err)
{
    ds_buf value;
    ds_buf_init(&value);
    ds_status st = DS_OK;
    for (size_t k = 0; k < pl->changes.count && st == DS_OK; k++) {
        const ds_change *c = &pl->changes.items[k];
        const ds_filerec *r = &pl->new_recs[k];
        if (c->rec && (c->kind == DS_CHANGE_REMOVED ||
                       c->kind == DS_CHANGE_RENAMED)) {
            char *key = ds_filerec_key(c->rec->source);
            st = dsx_writer_set_metadata(pl->w, key, "", err);
            free(key);
        }
        if (st != DS_OK || c->kind == DS_CHANGE_REMOVED || !r->source)
            continue;
        char *key = ds_filerec_key(r->source);
        ds_filerec_encode(r, &value);
        st = dsx_writer_set_metadata(pl->w, key, value.data, err);
        free(key);
    }
    ds_buf_free(&value);
    return st;
}

/* The number of files the index holds after the update. */
static unsigned long files_after(const plan *pl)
{
    unsigned long n = pl->recs.count;
    for (size_t k = 0; k < pl->changes.count; k++) {
        ds_change_kind kind = pl->changes.items[k].kind;
        if (kind == DS_CHANGE_ADDED) n++;
        if (kind == DS_CHANGE_REMOVED) n--;
    }
    return n;
}

static ds_status write_counts(plan *pl, unsigned long shared, char **err)
{
    char passages[32], dated[32], groups[32], total[48], build[64];
    snprintf(passages, sizeof passages, "%lu", pl->passages);
    snprintf(dated, sizeof dated, "%lu", pl->dated);
    snprintf(groups, sizeof groups, "%lu", shared);
    snprintf(total, sizeof total, "%.0f", pl->total_length);
    /* "when the index was last written", for `serve`'s /api/stats */
    snprintf(build, sizeof build, "%lld %lu", (long long)time(NULL),
             files_after(pl));
    const char *const pairs[][2] = {{DS_META_PASSAGES, passages},
                                    {DS_META_DATED, dated},
                                    {DS_META_GROUPS, groups},
                                    {DS_META_LENGTH_TOTAL, total},
                                    {DS_META_BUILD, build}};
    ds_status st = DS_OK;
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs && st == DS_OK; i++)
        st = dsx_writer_set_metadata(pl->w, pairs[i][0], pairs[i][1], err);
    return st;
}

/* Write everything planned, in one transaction. */
static ds_status write_plan(plan *pl, const dsx_length_norm *norm,
                            unsigned long shared, word_counts *out,
                            word_counts *in, char **err)
{
    ds_shard *shard = NULL;
    ds_status st = ds_shard_attach(pl->w, pl->p->analyzer, pl->p->synonyms,
                                   norm, &shard, err);
    for (size_t i = 0; i < pl->n_deletes && st == DS_OK; i++)
        st = dsx_writer_delete_doc(pl->w, pl->deletes[i], err);
    for (size_t i = 0; i < pl->n_adds && st == DS_OK; i++)
        st = write_new(pl, shard, &pl->adds[i], err);
    for (size_t i = 0; i < pl->n_kept && st == DS_OK; i++)
        st = write_kept(pl, &pl->kept[i], err);
    /* Documents no file changed, whose group did. */
    for (unsigned d = 1; d <= pl->max_docid && st == DS_OK; d++) {
        if (!pl->live[d] || pl->added[d] || pl->groups[d] == pl->new_groups[d])
            continue;
        ds_record rec;
        st = read_record(pl, d, &rec, err);
        if (st != DS_OK) break;
        kept_doc k = {d, rec, NULL, 1};
        st = write_kept(pl, &k, err);
        ds_record_free(&k.rec);
    }
    ds_shard_close(shard);
    if (st == DS_OK) st = apply_spelling(pl, out, in, err);
    if (st == DS_OK) st = write_records(pl, err);
    if (st == DS_OK) st = write_counts(pl, shared, err);
    return st;
}

/* ---- The update ---- */

static void plan_free(plan *pl)
{
    ds_filerecs_free(&pl->recs);
    for (size_t k = 0; pl->new_recs && k < pl->changes.count; k++) {
        ds_filerec_free(&pl->new_recs[k]);
        ds_corpus_doc_free(&pl->docs[k]);
    }
    ds_changes_free(&pl->changes);
    free(pl->new_recs);
    free(pl->docs);
    free(pl->adds);
    for (size_t i = 0; i < pl->n_kept; i++) ds_record_free(&pl->kept[i].rec);
    free(pl->kept);
    free(pl->deletes);
    free(pl->sigs);
    free(pl->retired);
    free(pl->last_local);
    free(pl->groups);
    free(pl->new_groups);
    free(pl->live);
    free(pl->added);
    ds_analyzer_free(pl->count_out);
    ds_analyzer_free(pl->count_in);
    ds_buf_free(&pl->scratch);
    ds_reader_free(pl->reader);
    ds_passage_job_free(&pl->job);
    dsx_writer_destroy(pl->w); /* cancels what was not committed */
}

/* Which documents are live before the update: those the records list;
 * and in a sharded index the last of each shard. */
static void mark_live(plan *pl)
{
    size_t n = pl->p->shards;
    pl->last_local = ds_xmalloc((n + 1) * sizeof *pl->last_local);
    memset(pl->last_local, 0, (n + 1) * sizeof *pl->last_local);
    for (size_t r = 0; r < pl->recs.count; r++)
        for (size_t j = 0; j < pl->recs.items[r].n; j++) {
            unsigned docid = pl->recs.items[r].docids[j];
            ensure_docid(pl, docid);
            pl->live[docid] = 1;
            unsigned long local;
            size_t k = n ? ds_layout_docid_shard(n, docid, &local) : n;
            if (k < n && local > pl->last_local[k]) pl->last_local[k] = local;
        }
}

/* Plan every change; the words of the passages that go out and of those
 * that come in are counted apart, for the spelling table. */
static ds_status plan_changes(plan *pl, ds_index_stats *stats,
                              word_counts *out, word_counts *in, char **err)
{
    size_t n = pl->changes.count;
    pl->new_recs = ds_xmalloc((n + 1) * sizeof *pl->new_recs);
    pl->docs = ds_xmalloc((n + 1) * sizeof *pl->docs);
    memset(pl->new_recs, 0, (n + 1) * sizeof *pl->new_recs);
    memset(pl->docs, 0, (n + 1) * sizeof *pl->docs);
    ds_analyzer_count_words(pl->count_out, 1);
    ds_analyzer_count_words(pl->count_in, 1);
    ds_status st = DS_OK;
    for (size_t k = 0; k < n && st == DS_OK; k++)
        st = plan_change(pl, k, stats, err);
    ds_analyzer_flush_words(pl->count_out, keep_word, out);
    ds_analyzer_flush_words(pl->count_in, keep_word, in);
    ds_analyzer_count_words(pl->count_out, 0);
    ds_analyzer_count_words(pl->count_in, 0);
    return st;
}

/* Plan, check the lengths have not drifted too far, regroup, write. */
static ds_status run_update(plan *pl, ds_index_stats *stats, char **err)
{
    dsx_length_norm norm;
    ds_status st = read_counts(pl, &norm, err);
    if (st != DS_OK || pl->reason) return st;
    st = ds_filerecs_load(NULL, pl->w, &pl->recs, err);
    if (st == DS_OK) st = read_last_docid(pl, err);
    if (st != DS_OK) return st;
    mark_live(pl);
    ds_changes_find(pl->p->corpus, &pl->recs, &pl->changes);
    /* Files touched but unchanged are not worth a commit (and the
     * vocabulary and manifest written after it): they are hashed again
     * next time, or recorded with the next real change. */
    size_t real = 0;
    for (size_t k = 0; k < pl->changes.count; k++)
        real += pl->changes.items[k].kind != DS_CHANGE_TOUCHED;
    if (!real) {
        stats->touched = pl->changes.count;
        return DS_OK;
    }
    word_counts out = {0}, in = {0};
    st = plan_changes(pl, stats, &out, &in, err);
    double avg = pl->passages ? pl->total_length / (double)pl->passages : 0;
    if (st == DS_OK && norm.avg_length > 0 &&
        fabs(avg / norm.avg_length - 1) > DS_MAX_LENGTH_DRIFT)
        pl->reason = ds_xasprintf(
            "the average passage length moved %+.1f%% from the %.2f words "
            "the index was normalised with",
            100 * (avg / norm.avg_length - 1), norm.avg_length);
    unsigned long shared = 0;
    if (st == DS_OK && !pl->reason) {
        size_t before = pl->passages + pl->n_retired - pl->n_adds;
        st = regroup(pl, before, pl->passages, &shared, err);
    }
    /* The files change from the first write on (store.h). */
    if (st == DS_OK && !pl->reason) st = ds_store_unseal(pl->p->db_path, err);
    if (st == DS_OK && !pl->reason) {
        pl->wrote = 1;
        st = write_plan(pl, &norm, shared, &out, &in, err);
    }
    if (st == DS_OK && !pl->reason) {
        stats->passages_in = pl->n_adds;
        stats->passages_out = pl->n_retired;
    }
    free_counts(&out);
    free_counts(&in);
    return st;
}

ds_status ds_update(const ds_update_params *p, ds_index_stats *stats,
                    char **reason, char **err)
{
    double start = ds_now();
    plan pl;
    memset(&pl, 0, sizeof pl);
    pl.p = p;
    *reason = NULL;
    ds_buf_init(&pl.scratch);
    pl.reader = ds_reader_new(ds_corpus_get_spec(p->corpus)->reader);
    pl.count_out = ds_analyzer_new();
    pl.count_in = ds_analyzer_new();
    ds_status st = pl.count_out && pl.count_in
                       ? check_settings(p, &pl.reason, err)
                       : ds_fail(err, DS_ERR_INTERNAL,
                                 "libstemmer has no English stemmer");
    if (st == DS_OK && !pl.reason)
        st = dsx_writer_open(p->db_path, ds_analyzer_stemmer(p->analyzer),
                             &pl.w, err);
    if (st == DS_OK && !pl.reason) st = run_update(&pl, stats, err);
    if (st == DS_OK && !pl.reason && pl.wrote) {
        /* (a stub's databases commit one by one: store.h) */
        int lock = p->shards ? ds_store_lock_commit(p->db_path, 1, 1) : -1;
        st = dsx_writer_commit(pl.w, err);
        ds_store_unlock(lock);
    }
    stats->passages = pl.passages;
    stats->searchable_seconds = ds_now() - start;
    stats->updated = st == DS_OK && !pl.reason;
    if (st == DS_OK && pl.reason) {
        *reason = pl.reason;
        pl.reason = NULL;
        st = DS_ERR_VERSION;
    }
    free(pl.reason);
    plan_free(&pl);
    return st;
}
