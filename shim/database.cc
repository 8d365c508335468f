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

extern "C" ds_status dsx_db_open(const char *path, const dsx_stemmer *stemmer,
                                 dsx_db **out, char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        std::unique_ptr<dsx_db> d(new dsx_db);
        d->path = path;
        d->db = Xapian::Database(path);
        d->parser.set_database(d->db);
        d->stem = dsx::make_stem(stemmer);
        d->parser.set_stemmer(d->stem);
        d->parser.set_stemming_strategy(Xapian::QueryParser::STEM_ALL);
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

extern "C" void dsx_db_set_bm25(dsx_db *db, const ds_bm25 *p)
{
    db->bm25 = *p;
}

extern "C" void dsx_db_set_length_norm(dsx_db *db, const dsx_length_norm *norm)
{
    db->norm = *norm;
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

extern "C" ds_status dsx_db_term_exists(dsx_db *db, const char *term,
                                        int *exists, char **err)
{
    return dsx::guard(err, [&] { *exists = db->db.term_exists(term); });
}

extern "C" ds_status dsx_db_spelling_suggestion(dsx_db *db, const char *word,
                                                char **suggestion, char **err)
{
    *suggestion = nullptr;
    return dsx::guard(err, [&] {
        *suggestion = dsx::malloc_copy(db->db.get_spelling_suggestion(word));
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
