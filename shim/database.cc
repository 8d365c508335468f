/*
 * database.cc — databases being read: opening, metadata, the query
 * parser's settings, spelling, and Xapian's consistency checker.
 */
#include "private.hh"

#include <cstring>
#include <memory>
#include <sstream>

namespace {

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

} // namespace

namespace dsx {

void set_analysis(dsx_db *db, const dsx_stemmer *stemmer)
{
    db->parser.set_database(db->db);
    db->stem = make_stem(stemmer);
    db->parser.set_stemmer(db->stem);
    db->parser.set_stemming_strategy(Xapian::QueryParser::STEM_ALL);
}

} // namespace dsx

extern "C" ds_status dsx_db_open(const char *path, const dsx_stemmer *stemmer,
                                 dsx_db **out, char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        std::unique_ptr<dsx_db> d(new dsx_db);
        d->path = path;
        d->db = Xapian::Database(path);
        dsx::set_analysis(d.get(), stemmer);
        *out = d.release();
    });
}

extern "C" ds_status dsx_db_get_metadata(dsx_db *db, const char *key,
                                         char **value, char **err)
{
    *value = nullptr;
    return dsx::guard(err, [&] {
        *value = dsx::malloc_copy(db->db.get_metadata(key));
    });
}

extern "C" ds_status dsx_db_doc_count(dsx_db *db, unsigned long *docs,
                                      char **err)
{
    return dsx::guard(err, [&] { *docs = db->db.get_doccount(); });
}

extern "C" ds_status dsx_db_add_prefix(dsx_db *db, const char *field,
                                       const char *prefix, char **err)
{
    return dsx::guard(err, [&] { db->parser.add_prefix(field, prefix); });
}

extern "C" ds_status dsx_db_add_boolean_prefix(dsx_db *db, const char *field,
                                               const char *prefix, char **err)
{
    return dsx::guard(err, [&] {
        db->parser.add_boolean_prefix(field, prefix);
    });
}

extern "C" ds_status dsx_db_add_date_range(dsx_db *db, unsigned slot,
                                           const char *prefix, char **err)
{
    return dsx::guard(err, [&] {
        /* The parser keeps a reference; release() hands ownership over. */
        db->parser.add_rangeprocessor(
            (new Xapian::DateRangeProcessor(slot, prefix))->release());
    });
}

extern "C" void dsx_db_set_length_norm(dsx_db *db, const dsx_length_norm *norm)
{
    db->norm = *norm;
}

extern "C" void dsx_db_set_order_slot(dsx_db *db, unsigned slot)
{
    db->order_slot = static_cast<int>(slot);
}

extern "C" ds_status dsx_db_set_stopwords(dsx_db *db,
                                          const char *const *words, size_t n,
                                          char **err)
{
    return dsx::guard(err, [&] {
        /* The parser keeps a reference; release() hands ownership over. */
        db->parser.set_stopper(
            n ? (new SortedStopper(words, n))->release() : nullptr);
    });
}

extern "C" ds_status dsx_db_term_freq(dsx_db *db, const char *term,
                                      unsigned long *freq, char **err)
{
    *freq = 0;
    return dsx::guard(err, [&] { *freq = db->db.get_termfreq(term); });
}

namespace {

void each_spelling(const Xapian::Database &db, dsx_word_fn fn, void *ctx)
{
    for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it) {
        const std::string &word = *it;
        if (fn(ctx, word.data(), word.size(), it.get_termfreq())) break;
    }
}

/* The database's identity and state: a file derived from it records
 * this to know it still describes it. */
std::string stamp_of(const Xapian::Database &db)
{
    return db.get_uuid() + ":" + std::to_string(db.get_revision());
}

} // namespace

extern "C" ds_status dsx_db_spellings(dsx_db *db, dsx_word_fn fn, void *ctx,
                                      char **err)
{
    return dsx::guard(err, [&] { each_spelling(db->db, fn, ctx); });
}

extern "C" ds_status dsx_db_stamp(dsx_db *db, char **stamp, char **err)
{
    *stamp = nullptr;
    return dsx::guard(err, [&] { *stamp = dsx::malloc_copy(stamp_of(db->db)); });
}

extern "C" ds_status dsx_stamp_at(const char *path, char **stamp, char **err)
{
    *stamp = nullptr;
    return dsx::guard(err, [&] {
        *stamp = dsx::malloc_copy(stamp_of(Xapian::Database(path)));
    });
}

extern "C" ds_status dsx_spellings_at(const char *path, dsx_word_fn fn,
                                      void *ctx, char **stamp, char **err)
{
    *stamp = nullptr;
    return dsx::guard(err, [&] {
        Xapian::Database db(path);
        each_spelling(db, fn, ctx);
        *stamp = dsx::malloc_copy(stamp_of(db));
    });
}

extern "C" void dsx_db_destroy(dsx_db *db)
{
    try {
        delete db;
    } catch (...) {
    }
}

extern "C" ds_status dsx_check(const char *path, unsigned long *errors,
                               char **report, char **err)
{
    *report = nullptr;
    return dsx::guard(err, [&] {
        std::ostringstream out;
        *errors = Xapian::Database::check(path, Xapian::DBCHECK_SHORT_TREE,
                                          &out);
        /* Xapian prints progress lines even for a clean index; only keep
         * them when something is wrong. */
        *report = dsx::malloc_copy(*errors ? out.str() : std::string());
    });
}
