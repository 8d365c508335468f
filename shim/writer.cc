/*
 * writer.cc — databases being written: creating one, adding documents,
 * metadata, synonyms and spelling words, committing, merging shards.
 */
#include "private.hh"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace {

/* Xapian reads its flush threshold from the environment when a database
 * is opened for writing; a value the user set wins. */
void set_flush_threshold(unsigned docs)
{
    static int user_set = -1; /* not yet looked at */
    if (user_set < 0) user_set = std::getenv("XAPIAN_FLUSH_THRESHOLD") != nullptr;
    if (user_set || docs == 0) return;
    char value[24];
    std::snprintf(value, sizeof value, "%u", docs);
    setenv("XAPIAN_FLUSH_THRESHOLD", value, 1);
}

/* Distinct words: terms without a field prefix. */
unsigned long count_vocabulary(const Xapian::Database &db)
{
    unsigned long n = 0;
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t)
        if (!dsx::is_prefixed((*t).c_str())) ++n;
    return n;
}

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

/* Gap left between fields so that a phrase never spans two of them. */
const Xapian::termpos FIELD_GAP = 100;

} // namespace

/* ---- Writer ---- */

extern "C" ds_status dsx_writer_create(const char *path,
                                       const dsx_stemmer *stemmer,
                                       unsigned flags, unsigned flush_docs,
                                       dsx_writer **out, char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        int db_flags = Xapian::DB_CREATE;
        if (flags & DSX_WRITER_NO_SYNC) db_flags |= Xapian::DB_NO_SYNC;
        set_flush_threshold(flush_docs);
        *out = new dsx_writer{Xapian::WritableDatabase(path, db_flags),
                              dsx::make_stem(stemmer)};
    });
}

extern "C" ds_status dsx_writer_add_doc(dsx_writer *w, dsx_doc *doc,
                                        char **err)
{
    return dsx::guard(err, [&] {
        w->db.add_document(doc->doc);
        doc->doc = Xapian::Document();
        doc->generator.set_document(doc->doc);
        doc->has_text = false;
    });
}

extern "C" ds_status dsx_writer_set_metadata(dsx_writer *w, const char *key,
                                             const char *value, char **err)
{
    return dsx::guard(err, [&] { w->db.set_metadata(key, value); });
}

extern "C" ds_status dsx_writer_add_synonym(dsx_writer *w, const char *words,
                                            const char *value, char **err)
{
    return dsx::guard(err, [&] {
        w->db.add_synonym(words, value);
        /* With stemming, QueryParser looks a single word up as typed and
         * then as "Z" + its stem. */
        std::string word(words);
        if (word.find(' ') == std::string::npos)
            w->db.add_synonym("Z" + w->stem(word), value);
    });
}

extern "C" ds_status dsx_writer_add_spelling(dsx_writer *w, const char *word,
                                             size_t len, unsigned long count,
                                             char **err)
{
    return dsx::guard(err, [&] {
        w->db.add_spelling(std::string(word, len),
                           static_cast<Xapian::termcount>(count));
    });
}

extern "C" ds_status dsx_writer_commit(dsx_writer *w, char **err)
{
    return dsx::guard(err, [&] {
        if (w->in_transaction) {
            w->in_transaction = false;
            w->db.commit_transaction();
        } else {
            w->db.commit();
        }
    });
}

extern "C" ds_status dsx_writer_stats(dsx_writer *w, unsigned long *docs,
                                      unsigned long *vocabulary, char **err)
{
    return dsx::guard(err, [&] {
        *docs = w->db.get_doccount();
        *vocabulary = count_vocabulary(w->db);
    });
}

extern "C" ds_status dsx_stats_at(const char *path, unsigned long *docs,
                                  unsigned long *vocabulary, char **err)
{
    return dsx::guard(err, [&] {
        Xapian::Database db(path);
        *docs = db.get_doccount();
        *vocabulary = count_vocabulary(db);
    });
}

extern "C" void dsx_writer_destroy(dsx_writer *w)
{
    try {
        if (w && w->in_transaction) w->db.cancel_transaction();
    } catch (...) {
        /* Closing the database below discards it all the same. */
    }
    try {
        delete w;
    } catch (...) {
        /* Destructors of Xapian objects do not throw; be safe anyway. */
    }
}

extern "C" ds_status dsx_compact(const char *const *sources, size_t n,
                                 const char *dest, unsigned long *docs,
                                 unsigned long *vocabulary, char **err)
{
    return dsx::guard(err, [&] {
        Xapian::Database all;
        for (size_t i = 0; i < n; ++i)
            all.add_database(Xapian::Database(sources[i]));
        all.compact(dest);
        Xapian::Database merged(dest);
        *docs = merged.get_doccount();
        *vocabulary = count_vocabulary(merged);
    });
}

extern "C" ds_status dsx_compact_keeping(const char *src, const char *dest,
                                         char **err)
{
    return dsx::guard(err, [&] {
        Xapian::Database(src).compact(dest, Xapian::DBCOMPACT_NO_RENUMBER);
    });
}

/* ---- Document ---- */

extern "C" ds_status dsx_doc_create(dsx_writer *w, dsx_doc **out, char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        std::unique_ptr<dsx_doc> d(new dsx_doc);
        d->writer = w;
        d->generator.set_stemmer(w->stem);
        d->generator.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
        d->generator.set_document(d->doc);
        *out = d.release();
    });
}

extern "C" ds_status dsx_doc_index_text(dsx_doc *doc, const char *text,
                                        size_t len, const char *prefix,
                                        unsigned wdf_inc, char **err)
{
    return dsx::guard(err, [&] {
        if (doc->has_text) doc->generator.increase_termpos(FIELD_GAP);
        doc->generator.index_text(Xapian::Utf8Iterator(text, len), wdf_inc,
                                  prefix);
        doc->has_text = true;
    });
}

extern "C" ds_status dsx_doc_add_term(dsx_doc *doc, const char *term,
                                      char **err)
{
    return dsx::guard(err, [&] { doc->doc.add_boolean_term(term); });
}

extern "C" ds_status dsx_doc_add_weighted_term(dsx_doc *doc, const char *term,
                                               unsigned wdf, char **err)
{
    return dsx::guard(err, [&] { doc->doc.add_term(term, wdf); });
}

extern "C" ds_status dsx_doc_normalise_lengths(dsx_doc *doc,
                                               const dsx_length_norm *norm,
                                               char **err)
{
    return dsx::guard(err, [&] {
        Xapian::Document &d = doc->doc;
        std::vector<std::pair<std::string, Xapian::termcount>> terms;
        double length = 0;
        for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) {
            if (t.get_wdf() == 0) continue; /* boolean terms */
            terms.emplace_back(*t, t.get_wdf());
            length += t.get_wdf();
        }
        /* Xapian::IneB2Weight::get_sumpart's, without its word's part. */
        double per_wdf =
            length > 0 ? std::log2(1 + norm->c * norm->avg_length / length)
                       : 0;
        for (const auto &t : terms) {
            double tfn = t.second * per_wdf;
            double scaled = std::round(norm->scale * tfn / (tfn + 1));
            set_wdf(d, t.first, t.second,
                    scaled < 1 ? 1 : static_cast<Xapian::termcount>(scaled));
        }
    });
}

extern "C" ds_status dsx_doc_set_value(dsx_doc *doc, unsigned slot,
                                       const char *bytes, size_t len,
                                       char **err)
{
    return dsx::guard(err, [&] {
        doc->doc.add_value(slot, std::string(bytes, len));
    });
}

extern "C" void dsx_doc_destroy(dsx_doc *doc)
{
    try {
        delete doc;
    } catch (...) {
    }
}
