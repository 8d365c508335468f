/*
 * xapian_shim.cc — C API over Xapian.  See xapian_shim.h for the contract.
 *
 * Every extern "C" function body runs inside GUARD(...), which catches every
 * exception and maps it to a dsx_status and a message stored in the handle.
 * Nothing C++ (exceptions, std::string, Xapian types) crosses into C.
 */
#include "xapian_shim.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

/* Map the exception being handled to a status and fill `msg`.  Must be
 * called from inside a catch block (it rethrows to inspect the type). */
dsx_status classify_current_exception(std::string &msg)
{
    try {
        throw;
    } catch (const Xapian::DatabaseCorruptError &e) {
        msg = e.get_description();
        return DSX_ERR_CORRUPT;
    } catch (const Xapian::DatabaseVersionError &e) {
        msg = e.get_description();
        return DSX_ERR_VERSION;
    } catch (const Xapian::DatabaseLockError &e) {
        msg = e.get_description();
        return DSX_ERR_LOCK;
    } catch (const Xapian::DatabaseNotFoundError &e) {
        msg = e.get_description();
        return DSX_ERR_OPEN;
    } catch (const Xapian::DatabaseOpeningError &e) {
        msg = e.get_description();
        return DSX_ERR_OPEN;
    } catch (const Xapian::QueryParserError &e) {
        msg = e.get_description();
        return DSX_ERR_QUERY;
    } catch (const Xapian::Error &e) {
        msg = e.get_description();
        return DSX_ERR_XAPIAN;
    } catch (const std::bad_alloc &) {
        msg = "out of memory";
        return DSX_ERR_NOMEM;
    } catch (const std::exception &e) {
        msg = e.what();
        return DSX_ERR_INTERNAL;
    } catch (...) {
        msg = "unknown C++ exception";
        return DSX_ERR_INTERNAL;
    }
}

/* Copy a message into malloc'd memory for constructors' `char **err`. */
char *malloc_message(const std::string &msg)
{
    char *copy = static_cast<char *>(std::malloc(msg.size() + 1));
    if (copy) std::memcpy(copy, msg.c_str(), msg.size() + 1);
    return copy;
}

/* Run the body (__VA_ARGS__, so commas need no parentheses) and report any exception into `handle->error`. */
#define GUARD(handle, ...)                                      \
    do {                                                         \
        try {                                                    \
            __VA_ARGS__;                                         \
            return DSX_OK;                                       \
        } catch (...) {                                          \
            std::string msg_;                                    \
            dsx_status st_ = classify_current_exception(msg_);   \
            try {                                                \
                (handle)->error = msg_;                          \
            } catch (...) {                                      \
                /* no memory even for the message */             \
            }                                                    \
            return st_;                                          \
        }                                                        \
    } while (0)

/* Run the body for a constructor: report into *err instead. */
#define GUARD_CREATE(err, ...)                                  \
    do {                                                         \
        if (err) *(err) = nullptr;                               \
        try {                                                    \
            __VA_ARGS__;                                         \
            return DSX_OK;                                       \
        } catch (...) {                                          \
            std::string msg_;                                    \
            dsx_status st_ = classify_current_exception(msg_);   \
            if (err) *(err) = malloc_message(msg_);              \
            return st_;                                          \
        }                                                        \
    } while (0)

/* Xapian's stemming hook, backed by the C side's libstemmer wrapper. */
class CallbackStemmer : public Xapian::StemImplementation {
    const dsx_stemmer *stemmer;

  public:
    explicit CallbackStemmer(const dsx_stemmer *s) : stemmer(s) {}

    std::string operator()(const std::string &word) override
    {
        size_t len = 0;
        const char *stem = stemmer->stem(stemmer->ctx, word.data(),
                                         word.size(), &len);
        /* Copy at once: the C buffer is reused by the next call. */
        return stem ? std::string(stem, len) : word;
    }

    std::string get_description() const override
    {
        return stemmer->name ? stemmer->name : "dealsearch stemmer";
    }
};

Xapian::Stem make_stem(const dsx_stemmer *s)
{
    return Xapian::Stem(new CallbackStemmer(s));
}

/* A stopword list searched in place: the C side's sorted static array. */
class SortedStopper : public Xapian::Stopper {
    const char *const *words;
    size_t n;

  public:
    SortedStopper(const char *const *w, size_t count) : words(w), n(count) {}

    bool operator()(const std::string &term) const override
    {
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = std::strcmp(words[mid], term.c_str());
            if (c == 0) return true;
            if (c < 0) lo = mid + 1;
            else hi = mid;
        }
        return false;
    }
};

/* Gap left between fields so that a phrase never spans two of them. */
const Xapian::termpos FIELD_GAP = 100;

/* How often a search is retried after the index was swapped under it. */
const int MODIFIED_RETRIES = 5;

/* Xapian's description of `q` without the "@N" query positions: two
 * subqueries for the same words at different places read the same. */
std::string describe_unplaced(const Xapian::Query &q)
{
    std::string d = q.get_description(), out;
    for (size_t i = 0; i < d.size(); ++i) {
        if (d[i] == '@' && i + 1 < d.size() && isdigit((unsigned char)d[i + 1])) {
            while (i + 1 < d.size() && isdigit((unsigned char)d[i + 1])) ++i;
            continue;
        }
        out += d[i];
    }
    return out;
}

/* Ops whose node we can rebuild from op and subqueries alone. */
bool rebuildable(Xapian::Query::op op)
{
    switch (op) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_SYNONYM:
        return true;
    default:
        return false;
    }
}

/* Xapian 1.4.22 crashes (SEGV in get_mset) on an XOR with two identical
 * subqueries and a wildcard beside other words, e.g.
 * "meta XOR a* XOR meta OR ai" (found by fuzzing; tests/fuzz/crashers).
 * Identical subqueries of an XOR cancel out in pairs (XOR matches an odd
 * number of them), so remove them: same matches, no crash. */
Xapian::Query cancel_xor_pairs(const Xapian::Query &q)
{
    Xapian::Query::op op = q.get_type();
    size_t n = q.get_num_subqueries();
    if (n == 0 || !rebuildable(op)) return q;
    std::vector<Xapian::Query> subs;
    std::vector<std::string> seen;
    bool changed = false;
    for (size_t i = 0; i < n; ++i) {
        Xapian::Query sub = cancel_xor_pairs(q.get_subquery(i));
        changed |= sub.get_description() != q.get_subquery(i).get_description();
        std::string d = describe_unplaced(sub);
        size_t j = 0;
        while (op == Xapian::Query::OP_XOR && j < seen.size() && seen[j] != d)
            ++j;
        if (op == Xapian::Query::OP_XOR && j < seen.size()) {
            subs.erase(subs.begin() + static_cast<long>(j));
            seen.erase(seen.begin() + static_cast<long>(j));
            changed = true;
            continue;
        }
        subs.push_back(sub);
        seen.push_back(d);
    }
    if (!changed) return q;
    if (subs.empty()) return Xapian::Query();
    if (subs.size() == 1 && op == Xapian::Query::OP_XOR) return subs[0];
    return Xapian::Query(op, subs.begin(), subs.end());
}

/* Whether `q` has an XOR anywhere: only then is cancel_xor_pairs, which
 * describes every subquery, worth its cost. */
bool has_xor(const Xapian::Query &q)
{
    if (q.get_type() == Xapian::Query::OP_XOR) return true;
    for (size_t i = 0; i < q.get_num_subqueries(); ++i)
        if (has_xor(q.get_subquery(i))) return true;
    return false;
}

} // namespace

struct dsx_writer {
    Xapian::WritableDatabase db;
    Xapian::Stem stem;
    std::string error;
};

struct dsx_doc {
    dsx_writer *writer;
    Xapian::Document doc;
    Xapian::TermGenerator generator;
    bool has_text = false;
    std::string error;
};

struct dsx_db {
    std::string path;
    Xapian::Database db;
    Xapian::QueryParser parser;
    Xapian::Stem stem;
    dsx_bm25 bm25 = {1.2, 0.0, 1.0, 0.5, 0.5}; /* Xapian's defaults */
    dsx_length_norm norm = {0, 0, 0, 0};       /* scale 0: none */
    std::string error;
};

struct dsx_query {
    Xapian::Query query;
    bool relaxed = false;
    std::string description;
    std::string stopped;
};

struct dsx_results {
    unsigned long estimate = 0, lower = 0, upper = 0;
    std::vector<double> scores;
    std::vector<unsigned> docids;
    std::vector<std::string> data;
    /* Each hit's matching terms, and C pointer arrays into them. */
    std::vector<std::vector<std::string>> terms;
    std::vector<std::vector<const char *>> term_ptrs;
    /* With explain: each hit's score parts, and C views of them. */
    std::vector<std::vector<std::pair<std::string, double>>> parts;
    std::vector<std::vector<dsx_part>> part_views;
};

/* ---- Writer ------------------------------------------------------------ */

extern "C" dsx_status dsx_writer_create(const char *path,
                                        const dsx_stemmer *stemmer,
                                        unsigned flags, dsx_writer **out,
                                        char **err)
{
    *out = nullptr;
    GUARD_CREATE(err, {
        int db_flags = Xapian::DB_CREATE;
        if (flags & DSX_WRITER_NO_SYNC) db_flags |= Xapian::DB_NO_SYNC;
        if (flags & DSX_WRITER_NO_TERMLIST) db_flags |= Xapian::DB_NO_TERMLIST;
        dsx_writer *w = new dsx_writer{
            Xapian::WritableDatabase(path, db_flags), make_stem(stemmer), ""};
        *out = w;
    });
}

extern "C" dsx_status dsx_writer_add_doc(dsx_writer *w, dsx_doc *doc)
{
    GUARD(w, {
        w->db.add_document(doc->doc);
        doc->doc = Xapian::Document();
        doc->generator.set_document(doc->doc);
        doc->has_text = false;
    });
}

extern "C" dsx_status dsx_writer_set_metadata(dsx_writer *w, const char *key,
                                              const char *value)
{
    GUARD(w, w->db.set_metadata(key, value));
}

extern "C" dsx_status dsx_writer_add_synonym(dsx_writer *w, const char *key,
                                             const char *value)
{
    GUARD(w, w->db.add_synonym(key, value));
}

extern "C" dsx_status dsx_writer_add_spelling(dsx_writer *w, const char *word,
                                              size_t len, unsigned long count)
{
    GUARD(w, w->db.add_spelling(std::string(word, len),
                                static_cast<Xapian::termcount>(count)));
}

extern "C" dsx_status dsx_writer_commit(dsx_writer *w)
{
    GUARD(w, w->db.commit());
}

namespace {

/* Distinct plain words (terms without an upper-case field prefix). */
unsigned long count_vocabulary(const Xapian::Database &db)
{
    unsigned long n = 0;
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
        unsigned char first = static_cast<unsigned char>((*t)[0]);
        if (!(first >= 'A' && first <= 'Z')) ++n;
    }
    return n;
}

} // namespace

extern "C" dsx_status dsx_writer_stats(dsx_writer *w, unsigned long *docs,
                                       unsigned long *vocabulary)
{
    GUARD(w, {
        *docs = w->db.get_doccount();
        *vocabulary = count_vocabulary(w->db);
    });
}

extern "C" dsx_status dsx_compact(const char *const *sources, size_t n,
                                  const char *dest, unsigned long *docs,
                                  unsigned long *vocabulary, char **err)
{
    GUARD_CREATE(err, {
        Xapian::Database all;
        for (size_t i = 0; i < n; ++i)
            all.add_database(Xapian::Database(sources[i]));
        all.compact(dest);
        Xapian::Database merged(dest);
        *docs = merged.get_doccount();
        *vocabulary = count_vocabulary(merged);
    });
}

extern "C" const char *dsx_writer_error(const dsx_writer *w)
{
    return w->error.c_str();
}

extern "C" void dsx_writer_destroy(dsx_writer *w)
{
    try {
        delete w;
    } catch (...) {
        /* Destructors of Xapian objects do not throw; be safe anyway. */
    }
}

/* ---- Document ------------------------------------------------------------ */

extern "C" dsx_status dsx_doc_create(dsx_writer *w, dsx_doc **out)
{
    *out = nullptr;
    GUARD(w, {
        dsx_doc *d = new dsx_doc;
        d->writer = w;
        d->generator.set_stemmer(w->stem);
        d->generator.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
        d->generator.set_document(d->doc);
        *out = d;
    });
}

extern "C" dsx_status dsx_doc_index_text(dsx_doc *doc, const char *text,
                                         size_t len, const char *prefix,
                                         unsigned wdf_inc)
{
    GUARD(doc, {
        if (doc->has_text) doc->generator.increase_termpos(FIELD_GAP);
        doc->generator.index_text(Xapian::Utf8Iterator(text, len), wdf_inc,
                                  prefix);
        doc->has_text = true;
    });
}

extern "C" dsx_status dsx_doc_add_term(dsx_doc *doc, const char *term)
{
    GUARD(doc, doc->doc.add_boolean_term(term));
}

extern "C" dsx_status dsx_doc_add_weighted_term(dsx_doc *doc,
                                                const char *term, unsigned wdf)
{
    GUARD(doc, doc->doc.add_term(term, wdf));
}

namespace {

/* Give `term` (now at `wdf`) the wdf `target`.  Xapian can only add to a
 * wdf, so lowering it means adding the term again: its positions with no
 * wdf, then the wdf. */
void set_wdf(Xapian::Document &doc, const std::string &term,
             Xapian::termcount wdf, Xapian::termcount target)
{
    if (target >= wdf) {
        if (target > wdf) doc.add_term(term, target - wdf);
        return;
    }
    std::vector<Xapian::termpos> positions;
    auto t = doc.termlist_begin();
    t.skip_to(term);
    if (t != doc.termlist_end() && *t == term)
        positions.assign(t.positionlist_begin(), t.positionlist_end());
    doc.remove_term(term);
    for (Xapian::termpos pos : positions) doc.add_posting(term, pos, 0);
    doc.add_term(term, target);
}

} // namespace

extern "C" dsx_status dsx_doc_normalise_lengths(dsx_doc *doc,
                                                const dsx_length_norm *norm)
{
    GUARD(doc, {
        Xapian::Document &d = doc->doc;
        std::vector<std::pair<std::string, Xapian::termcount>> terms;
        double length = 0;
        for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) {
            if (t.get_wdf() == 0) continue; /* boolean terms */
            terms.emplace_back(*t, t.get_wdf());
            length += t.get_wdf();
        }
        /* Xapian::BM25Weight::get_sumpart's denominator, without k1. */
        double relative =
            norm->avg_length > 0 ? length / norm->avg_length : 0;
        double per_wdf =
            norm->scale / ((1 - norm->b) +
                           norm->b * std::max(relative, norm->min_normlen));
        for (const auto &t : terms) {
            double scaled = std::round(t.second * per_wdf);
            set_wdf(d, t.first, t.second,
                    scaled < 1 ? 1 : static_cast<Xapian::termcount>(scaled));
        }
    });
}

extern "C" dsx_status dsx_doc_set_value(dsx_doc *doc, unsigned slot,
                                        const char *bytes, size_t len)
{
    GUARD(doc, doc->doc.add_value(slot, std::string(bytes, len)));
}

extern "C" dsx_status dsx_doc_set_data(dsx_doc *doc, const char *bytes,
                                       size_t len)
{
    GUARD(doc, doc->doc.set_data(std::string(bytes, len)));
}

extern "C" const char *dsx_doc_error(const dsx_doc *doc)
{
    return doc->error.c_str();
}

extern "C" void dsx_doc_destroy(dsx_doc *doc)
{
    try {
        delete doc;
    } catch (...) {
    }
}

/* ---- Database -------------------------------------------------------------- */

extern "C" dsx_status dsx_db_open(const char *path, const dsx_stemmer *stemmer,
                                  dsx_db **out, char **err)
{
    *out = nullptr;
    GUARD_CREATE(err, {
        dsx_db *d = new dsx_db;
        try {
            d->path = path;
            d->db = Xapian::Database(path);
            d->parser.set_database(d->db);
            d->stem = make_stem(stemmer);
            d->parser.set_stemmer(d->stem);
            d->parser.set_stemming_strategy(Xapian::QueryParser::STEM_ALL);
        } catch (...) {
            delete d;
            throw;
        }
        *out = d;
    });
}

extern "C" dsx_status dsx_db_get_metadata(dsx_db *db, const char *key,
                                          char **value)
{
    *value = nullptr;
    GUARD(db, {
        std::string v = db->db.get_metadata(key);
        *value = malloc_message(v);
        if (!*value) throw std::bad_alloc();
    });
}

extern "C" dsx_status dsx_db_doc_count(dsx_db *db, unsigned long *docs)
{
    GUARD(db, *docs = db->db.get_doccount());
}

extern "C" dsx_status dsx_db_add_prefix(dsx_db *db, const char *field,
                                        const char *prefix)
{
    GUARD(db, db->parser.add_prefix(field, prefix));
}

extern "C" dsx_status dsx_db_add_boolean_prefix(dsx_db *db, const char *field,
                                                const char *prefix)
{
    GUARD(db, db->parser.add_boolean_prefix(field, prefix));
}

extern "C" dsx_status dsx_db_add_date_range(dsx_db *db, unsigned slot,
                                            const char *prefix)
{
    GUARD(db, {
        /* The parser keeps a reference; release() hands ownership over. */
        db->parser.add_rangeprocessor(
            (new Xapian::DateRangeProcessor(slot, prefix))->release());
    });
}

extern "C" void dsx_db_set_bm25(dsx_db *db, const dsx_bm25 *p)
{
    /* Only copied here: the weight is built (and validated) per search. */
    db->bm25 = *p;
}

extern "C" void dsx_db_set_length_norm(dsx_db *db, const dsx_length_norm *norm)
{
    db->norm = *norm;
}

extern "C" dsx_status dsx_db_set_stopwords(dsx_db *db,
                                           const char *const *words, size_t n)
{
    GUARD(db, {
        /* The parser keeps a reference; release() hands ownership over. */
        db->parser.set_stopper(
            n ? (new SortedStopper(words, n))->release() : nullptr);
    });
}

extern "C" dsx_status dsx_db_term_exists(dsx_db *db, const char *term,
                                         int *exists)
{
    GUARD(db, *exists = db->db.term_exists(term));
}

extern "C" dsx_status dsx_db_spelling_suggestion(dsx_db *db, const char *word,
                                                 char **suggestion)
{
    *suggestion = nullptr;
    GUARD(db, {
        *suggestion = malloc_message(db->db.get_spelling_suggestion(word));
        if (!*suggestion) throw std::bad_alloc();
    });
}

extern "C" dsx_status dsx_check(const char *path, unsigned long *errors,
                                char **report, char **err)
{
    *report = nullptr;
    GUARD_CREATE(err, {
        std::ostringstream out;
        *errors = Xapian::Database::check(path, Xapian::DBCHECK_SHORT_TREE,
                                          &out);
        /* Xapian prints progress lines even for a clean index; only keep
         * them when something is wrong. */
        *report = malloc_message(*errors ? out.str() : std::string());
        if (!*report) throw std::bad_alloc();
    });
}

extern "C" const char *dsx_db_error(const dsx_db *db)
{
    return db->error.c_str();
}

extern "C" void dsx_db_destroy(dsx_db *db)
{
    try {
        delete db;
    } catch (...) {
    }
}

/* ---- Query ----------------------------------------------------------------- */

extern "C" dsx_status dsx_db_parse_query(dsx_db *db, const char *text,
                                         unsigned flags, dsx_query **out)
{
    *out = nullptr;
    GUARD(db, {
        std::unique_ptr<dsx_query> q(new dsx_query);
        db->parser.set_default_op((flags & DSX_QUERY_MATCH_ANY)
                                      ? Xapian::Query::OP_OR
                                      : Xapian::Query::OP_AND);
        const unsigned synonyms =
            (flags & DSX_QUERY_SYNONYMS)
                ? Xapian::QueryParser::FLAG_AUTO_SYNONYMS |
                      Xapian::QueryParser::FLAG_AUTO_MULTIWORD_SYNONYMS
                : 0;
        const unsigned syntax = Xapian::QueryParser::FLAG_PHRASE |
                                Xapian::QueryParser::FLAG_BOOLEAN |
                                Xapian::QueryParser::FLAG_LOVEHATE |
                                Xapian::QueryParser::FLAG_WILDCARD;
        if (flags & DSX_QUERY_PLAIN) {
            q->query = db->parser.parse_query(text, synonyms);
        } else {
            try {
                q->query = db->parser.parse_query(text, syntax | synonyms);
            } catch (const Xapian::QueryParserError &) {
                /* "AND", an unbalanced quote, "C++ AND": read as words. */
                q->query = db->parser.parse_query(text, synonyms);
                q->relaxed = true;
            }
        }
        if (has_xor(q->query)) q->query = cancel_xor_pairs(q->query);
        q->description = q->query.get_description();
        for (auto t = db->parser.stoplist_begin();
             t != db->parser.stoplist_end(); ++t) {
            if (!q->stopped.empty()) q->stopped += ' ';
            q->stopped += *t;
        }
        *out = q.release();
    });
}

extern "C" int dsx_query_is_empty(const dsx_query *q)
{
    return q->query.empty();
}

extern "C" int dsx_query_was_relaxed(const dsx_query *q)
{
    return q->relaxed;
}

extern "C" const char *dsx_query_describe(const dsx_query *q)
{
    return q->description.c_str();
}

extern "C" const char *dsx_query_stopped(const dsx_query *q)
{
    return q->stopped.c_str();
}

extern "C" void dsx_query_destroy(dsx_query *q)
{
    try {
        delete q;
    } catch (...) {
    }
}

/* ---- Search ---------------------------------------------------------------- */

namespace {

/* Accepts one document only: to weigh part of a query for that hit. */
class OnlyDocument : public Xapian::MatchDecider {
    Xapian::docid did;

  public:
    explicit OnlyDocument(Xapian::docid d) : did(d) {}
    bool operator()(const Xapian::Document &doc) const override
    {
        return doc.get_docid() == did;
    }
};

/* With wdfs normalised when written (dsx_doc_normalise_lengths), each
 * stored wdf is scale * wdf / N, N being BM25's length normalisation, and
 * BM25 with b = 0 and k1 * scale computes
 *   (k1 * scale + 1) * tw * (scale * wdf / N) / (k1 * scale + scale * wdf / N)
 *   = (k1 * scale + 1) * tw * wdf / (k1 * N + wdf),
 * BM25's own sum part times (k1 * scale + 1) / (k1 + 1): scores are
 * multiplied by score_scale() to give BM25's. */
Xapian::Weight *make_weight(const dsx_db *db)
{
    const dsx_bm25 &p = db->bm25;
    if (db->norm.scale > 0)
        return new Xapian::BM25Weight(p.k1 * db->norm.scale, 0, p.k3, 0,
                                      p.min_normlen);
    return new Xapian::BM25Weight(p.k1, p.k2, p.k3, p.b, p.min_normlen);
}

double score_scale(const dsx_db *db)
{
    double k1 = db->bm25.k1, scale = db->norm.scale;
    return scale > 0 ? (k1 + 1) / (k1 * scale + 1) : 1;
}

/* "Query((ceo@2 SYNONYM XSYN1@2))" -> "(ceo SYNONYM XSYN1)" */
std::string label_of(const Xapian::Query &q)
{
    std::string d = describe_unplaced(q);
    if (d.compare(0, 6, "Query(") == 0 && d.back() == ')')
        d = d.substr(6, d.size() - 7);
    return d;
}

/* Split `q` into the parts whose weights add up to its weight: the
 * children of AND/OR-like nodes, the left side of filters; anything else
 * (a term, phrase, synonym group, wildcard) is weighed as a unit. */
void explain_node(dsx_db *db, const Xapian::Query &q, Xapian::docid did,
                  std::vector<std::pair<std::string, double>> &parts)
{
    switch (q.get_type()) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_XOR:
        for (size_t i = 0; i < q.get_num_subqueries(); ++i)
            explain_node(db, q.get_subquery(i), did, parts);
        return;
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_FILTER:
        explain_node(db, q.get_subquery(0), did, parts);
        return;
    default:
        break;
    }
    Xapian::Enquire enquire(db->db);
    enquire.set_query(q);
    std::unique_ptr<Xapian::Weight> weight(make_weight(db));
    enquire.set_weighting_scheme(*weight);
    OnlyDocument only(did);
    Xapian::MSet m = enquire.get_mset(0, 1, 0, nullptr, &only);
    if (!m.empty() && m.begin().get_weight() > 0)
        parts.emplace_back(label_of(q),
                           m.begin().get_weight() * score_scale(db));
}

/* One candidate expansion term: Xapian's ExpandStats for it. */
struct ExpandStats {
    Xapian::doccount rtermfreq = 0; /* top documents holding it */
    double multiplier = 0;
};

/* The words of a hit with their wdf: the index keeps no termlists, so the
 * text it was indexed from is indexed again (as the writer's TermGenerator
 * does). */
std::map<std::string, Xapian::termcount>
document_words(dsx_db *db, const Xapian::MSetIterator &m,
               const dsx_search_params *sp)
{
    std::map<std::string, Xapian::termcount> words;
    Xapian::Document stored = m.get_document();
    std::string data =
        sp->data_slot >= 0
            ? stored.get_value(static_cast<Xapian::valueno>(sp->data_slot))
            : stored.get_data();
    const char *text = nullptr;
    size_t len = sp->indexed_text(sp->indexed_text_ctx, data.data(),
                                  data.size(), &text);
    if (!len) return words;
    Xapian::Document doc;
    Xapian::TermGenerator generator;
    generator.set_stemmer(db->stem);
    generator.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
    generator.set_document(doc);
    generator.index_text_without_positions(Xapian::Utf8Iterator(text, len));
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t)
        words[*t] = t.get_wdf();
    return words;
}

/* Xapian's expand set for the documents of `top`: TradEWeight with
 * expand_k = 1, the query's own terms and field terms left out, equal
 * weights going to the lexically smaller term (esetinternal.cc,
 * expandweight.h and tradeweight.cc of Xapian 1.4).  Computed here rather
 * than by Enquire::get_eset, which reads termlists, so that an index can
 * be built without them. */
std::vector<std::pair<double, std::string>>
expand_set(dsx_db *db, const Xapian::Query &q, const Xapian::MSet &top,
           const dsx_search_params *sp)
{
    const double expand_k = 1.0;
    /* Normalised wdfs make the database's lengths meaningless: a
     * document's is then the sum of its words' wdfs as indexed again. */
    bool normalised = db->norm.scale > 0;
    double avlen = normalised ? db->norm.avg_length : db->db.get_avlength();
    std::map<std::string, ExpandStats> stats;
    for (auto m = top.begin(); m != top.end(); ++m) {
        auto words = document_words(db, m, sp);
        double doclen = 0;
        if (normalised)
            for (const auto &w : words) doclen += w.second;
        else
            doclen = db->db.get_doclength(*m);
        for (const auto &w : words) {
            if (w.first.empty() || (w.first[0] >= 'A' && w.first[0] <= 'Z'))
                continue; /* field and filter terms */
            ExpandStats &s = stats[w.first];
            double wdf = w.second ? w.second : 1;
            s.rtermfreq++;
            s.multiplier +=
                (expand_k + 1) * wdf / (expand_k * doclen / avlen + wdf);
        }
    }
    for (auto t = q.get_terms_begin(); t != q.get_terms_end(); ++t)
        stats.erase(*t);
    double dbsize = db->db.get_doccount(), rsize = top.size();
    std::vector<std::pair<double, std::string>> set;
    for (const auto &c : stats) {
        double r = c.second.rtermfreq, n = db->db.get_termfreq(c.first);
        double rel_without = rsize - r;
        double w = c.second.multiplier *
                   std::log((r + 0.5) * (dbsize - n - rel_without + 0.5) /
                            ((n - r + 0.5) * (rel_without + 0.5)));
        if (w > 0) set.emplace_back(w, c.first);
    }
    /* Heaviest first; among equals the smaller term. */
    std::stable_sort(set.begin(), set.end(),
                     [](const std::pair<double, std::string> &a,
                        const std::pair<double, std::string> &b) {
                         return a.first > b.first;
                     });
    if (set.size() > sp->expand_terms) set.resize(sp->expand_terms);
    return set;
}

/* The query plus the best terms of its top documents (see
 * dsx_search_params). */
Xapian::Query expand_query(dsx_db *db, Xapian::Enquire &enquire,
                           const Xapian::Query &q, const dsx_search_params *sp)
{
    if (!sp->indexed_text) return q;
    Xapian::MSet top = enquire.get_mset(0, sp->expand_docs);
    /* Fewer matches than that: too little evidence to learn words from. */
    if (top.size() < sp->expand_docs) return q;
    auto set = expand_set(db, q, top, sp);
    if (set.empty()) return q;
    double strongest = set.front().first;
    std::vector<Xapian::Query> extra;
    for (const auto &t : set)
        extra.push_back(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                      Xapian::Query(t.second),
                                      sp->expand_weight * t.first / strongest));
    return Xapian::Query(Xapian::Query::OP_OR, q,
                         Xapian::Query(Xapian::Query::OP_OR, extra.begin(),
                                       extra.end()));
}

/* Does every document `q` matches hold every term of `q`?  True for a
 * term, and for AND, phrase and NEAR of such queries. */
bool every_term_required(const Xapian::Query &q)
{
    switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM:
        return true;
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_PHRASE:
    case Xapian::Query::OP_NEAR:
        for (size_t i = 0; i < q.get_num_subqueries(); ++i)
            if (!every_term_required(q.get_subquery(i))) return false;
        return true;
    default:
        return false;
    }
}

/* For each of `docids`, the terms of `q` it holds, in query order — what
 * Enquire::get_matching_terms reports.  When the query requires all its
 * terms that is all of them; otherwise they are read from the postlists
 * (one iterator per term, docids visited in ascending order), as the
 * index keeps no termlists. */
std::vector<std::vector<std::string>>
matching_terms(const Xapian::Database &db, const Xapian::Query &q,
               const std::vector<unsigned> &docids)
{
    std::vector<std::string> terms; /* unique, in query order */
    std::set<std::string> seen;
    for (auto t = q.get_terms_begin(); t != q.get_terms_end(); ++t)
        if (seen.insert(*t).second) terms.push_back(*t);
    if (every_term_required(q))
        return std::vector<std::vector<std::string>>(docids.size(), terms);
    std::vector<std::vector<std::string>> out(docids.size());
    std::vector<size_t> order(docids.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return docids[a] < docids[b]; });
    for (const std::string &term : terms) {
        Xapian::PostingIterator p = db.postlist_begin(term);
        for (size_t i : order) {
            p.skip_to(docids[i]);
            if (p == db.postlist_end(term)) break;
            if (*p == docids[i]) out[i].push_back(term);
        }
    }
    return out;
}

void run_search(dsx_db *db, const dsx_query *q, const dsx_search_params *sp,
                dsx_results *r)
{
    Xapian::Enquire enquire(db->db);
    const Xapian::Query &query = q->query;
    enquire.set_query(query);
    std::unique_ptr<Xapian::Weight> weight(make_weight(db));
    enquire.set_weighting_scheme(*weight);
    if (sp->expand_docs)
        enquire.set_query(expand_query(db, enquire, query, sp));
    if (sp->collapse_slot >= 0)
        enquire.set_collapse_key(static_cast<Xapian::valueno>(sp->collapse_slot));
    Xapian::MSet mset =
        enquire.get_mset(sp->offset, sp->limit, sp->check_at_least);
    r->estimate = mset.get_matches_estimated();
    r->lower = mset.get_matches_lower_bound();
    r->upper = mset.get_matches_upper_bound();
    for (auto m = mset.begin(); m != mset.end(); ++m) {
        r->scores.push_back(m.get_weight() * score_scale(db));
        r->docids.push_back(*m);
        Xapian::Document doc = m.get_document();
        r->data.push_back(sp->data_slot >= 0
                              ? doc.get_value(static_cast<Xapian::valueno>(
                                    sp->data_slot))
                              : doc.get_data());
        r->parts.emplace_back();
        if (sp->explain)
            explain_node(db, enquire.get_query(), *m, r->parts.back());
    }
    r->terms = matching_terms(db->db, enquire.get_query(), r->docids);
    for (auto &terms : r->terms) {
        std::vector<const char *> ptrs;
        for (auto &t : terms) ptrs.push_back(t.c_str());
        r->term_ptrs.push_back(std::move(ptrs));
    }
    for (auto &parts : r->parts) {
        std::vector<dsx_part> views;
        for (auto &p : parts) views.push_back({p.first.c_str(), p.second});
        r->part_views.push_back(std::move(views));
    }
}

} // namespace

extern "C" dsx_status dsx_db_search(dsx_db *db, const dsx_query *q,
                                    const dsx_search_params *params,
                                    dsx_results **out)
{
    *out = nullptr;
    GUARD(db, {
        for (int attempt = 0;; ++attempt) {
            std::unique_ptr<dsx_results> r(new dsx_results);
            try {
                run_search(db, q, params, r.get());
                *out = r.release();
                break;
            } catch (const Xapian::DatabaseModifiedError &) {
                if (attempt == MODIFIED_RETRIES) throw;
            } catch (const Xapian::DatabaseOpeningError &) {
                /* An old index generation was removed under us. */
                if (attempt == MODIFIED_RETRIES) throw;
            }
            /* Open the path afresh: a rebuild swaps in a new directory. */
            db->db = Xapian::Database(db->path);
            db->parser.set_database(db->db);
        }
    });
}

extern "C" size_t dsx_results_size(const dsx_results *r)
{
    return r->scores.size();
}

extern "C" void dsx_results_total(const dsx_results *r,
                                  unsigned long *estimate,
                                  unsigned long *lower, unsigned long *upper)
{
    *estimate = r->estimate;
    *lower = r->lower;
    *upper = r->upper;
}

extern "C" void dsx_results_hit(const dsx_results *r, size_t i, dsx_hit *hit)
{
    hit->score = r->scores[i];
    hit->docid = r->docids[i];
    hit->data = r->data[i].data();
    hit->data_len = r->data[i].size();
    hit->terms = r->term_ptrs[i].data();
    hit->n_terms = r->term_ptrs[i].size();
    hit->parts = r->part_views[i].data();
    hit->n_parts = r->part_views[i].size();
}

extern "C" void dsx_results_destroy(dsx_results *r)
{
    try {
        delete r;
    } catch (...) {
    }
}

/* ---- Unicode -------------------------------------------------------------- */

extern "C" int dsx_unicode_is_wordchar(unsigned ch)
{
    return Xapian::Unicode::is_wordchar(ch);
}

extern "C" int dsx_unicode_is_digit(unsigned ch)
{
    return Xapian::Unicode::get_category(ch) ==
           Xapian::Unicode::DECIMAL_DIGIT_NUMBER;
}

extern "C" unsigned dsx_unicode_tolower(unsigned ch)
{
    return Xapian::Unicode::tolower(ch);
}

extern "C" const char *dsx_status_name(dsx_status status)
{
    switch (status) {
    case DSX_OK: return "ok";
    case DSX_ERR_OPEN: return "cannot open database";
    case DSX_ERR_CORRUPT: return "database is damaged";
    case DSX_ERR_VERSION: return "database format is not supported";
    case DSX_ERR_LOCK: return "database is locked";
    case DSX_ERR_QUERY: return "query error";
    case DSX_ERR_NOMEM: return "out of memory";
    case DSX_ERR_XAPIAN: return "Xapian error";
    case DSX_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}
