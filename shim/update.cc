/*
 * update.cc — a database changed in place: opening it for an update,
 * replacing, amending and deleting documents, taking words out of the
 * spelling table, and reading what an update needs (metadata by prefix,
 * a value slot of every document, one document's value).
 *
 * An update runs inside one Xapian transaction, so it is committed whole
 * or not at all: readers see the database before or after it, and a
 * writer destroyed (or killed) before dsx_writer_commit leaves it as it
 * was.
 */
#include "private.hh"

#include <memory>

namespace {

/* The terms and values `doc` is changed by (dsx_writer_amend). */
void amend(Xapian::Document &doc, const dsx_amendment *a)
{
    for (const char *term : a->remove) {
        if (!term) continue;
        auto t = doc.termlist_begin();
        t.skip_to(term);
        if (t != doc.termlist_end() && *t == term) doc.remove_term(term);
    }
    for (const char *term : a->add)
        if (term) doc.add_boolean_term(term);
    for (size_t i = 0; i < a->n_values; ++i) {
        if (a->values[i].len)
            doc.add_value(a->values[i].slot,
                          std::string(a->values[i].bytes, a->values[i].len));
        else if (!doc.get_value(a->values[i].slot).empty())
            doc.remove_value(a->values[i].slot);
    }
}

void each_metadata(const Xapian::Database &db, const char *prefix,
                   dsx_metadata_fn fn, void *ctx)
{
    for (auto k = db.metadata_keys_begin(prefix);
         k != db.metadata_keys_end(prefix); ++k) {
        std::string value = db.get_metadata(*k);
        if (fn(ctx, (*k).c_str(), value.data(), value.size())) break;
    }
}

} // namespace

extern "C" ds_status dsx_writer_open(const char *path,
                                     const dsx_stemmer *stemmer,
                                     dsx_writer **out, char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        std::unique_ptr<dsx_writer> w(new dsx_writer{
            Xapian::WritableDatabase(path, Xapian::DB_OPEN),
            dsx::make_stem(stemmer)});
        /* Everything until the commit is one transaction: nothing is
         * flushed half-way, and destroying the writer cancels it. */
        w->db.begin_transaction(true);
        w->in_transaction = true;
        *out = w.release();
    });
}

extern "C" ds_status dsx_writer_last_docid(dsx_writer *w, unsigned *docid,
                                           char **err)
{
    return dsx::guard(err, [&] { *docid = w->db.get_lastdocid(); });
}

extern "C" ds_status dsx_writer_replace_doc(dsx_writer *w, unsigned docid,
                                            dsx_doc *doc, char **err)
{
    return dsx::guard(err, [&] {
        w->db.replace_document(docid, doc->doc);
        doc->doc = Xapian::Document();
        doc->generator.set_document(doc->doc);
        doc->has_text = false;
    });
}

extern "C" ds_status dsx_writer_amend(dsx_writer *w, unsigned docid,
                                      const dsx_amendment *a, char **err)
{
    return dsx::guard(err, [&] {
        /* A document read from this database and given back is the case
         * Xapian updates cheaply: only what changed is rewritten. */
        Xapian::Document doc = w->db.get_document(docid);
        amend(doc, a);
        w->db.replace_document(docid, doc);
    });
}

extern "C" ds_status dsx_writer_delete_doc(dsx_writer *w, unsigned docid,
                                           char **err)
{
    return dsx::guard(err, [&] { w->db.delete_document(docid); });
}

extern "C" ds_status dsx_writer_get_value(dsx_writer *w, unsigned docid,
                                          unsigned slot, char **value,
                                          size_t *len, char **err)
{
    *value = nullptr;
    return dsx::guard(err, [&] {
        std::string v = w->db.get_document(docid).get_value(slot);
        *len = v.size();
        *value = dsx::malloc_copy(v);
    });
}

extern "C" ds_status dsx_writer_each_value(dsx_writer *w, unsigned slot,
                                           dsx_value_fn fn, void *ctx,
                                           char **err)
{
    return dsx::guard(err, [&] {
        for (auto v = w->db.valuestream_begin(slot);
             v != w->db.valuestream_end(slot); ++v) {
            const std::string &s = *v;
            if (fn(ctx, v.get_docid(), s.data(), s.size())) break;
        }
    });
}

extern "C" ds_status dsx_writer_each_posting(dsx_writer *w, const char *term,
                                             dsx_docid_fn fn, void *ctx,
                                             char **err)
{
    return dsx::guard(err, [&] {
        for (auto p = w->db.postlist_begin(term); p != w->db.postlist_end(term);
             ++p)
            if (fn(ctx, *p)) break;
    });
}

extern "C" ds_status dsx_writer_remove_spelling(dsx_writer *w,
                                                const char *word, size_t len,
                                                unsigned long count,
                                                char **err)
{
    return dsx::guard(err, [&] {
        w->db.remove_spelling(std::string(word, len),
                              static_cast<Xapian::termcount>(count));
    });
}

extern "C" ds_status dsx_writer_get_metadata(dsx_writer *w, const char *key,
                                             char **value, char **err)
{
    *value = nullptr;
    return dsx::guard(err, [&] {
        *value = dsx::malloc_copy(w->db.get_metadata(key));
    });
}

extern "C" ds_status dsx_writer_each_metadata(dsx_writer *w,
                                              const char *prefix,
                                              dsx_metadata_fn fn, void *ctx,
                                              char **err)
{
    return dsx::guard(err, [&] { each_metadata(w->db, prefix, fn, ctx); });
}

extern "C" ds_status dsx_db_each_metadata(dsx_db *db, const char *prefix,
                                          dsx_metadata_fn fn, void *ctx,
                                          char **err)
{
    return dsx::guard(err, [&] { each_metadata(db->db, prefix, fn, ctx); });
}

extern "C" ds_status dsx_db_revision(dsx_db *db, unsigned long *revision,
                                     char **err)
{
    return dsx::guard(err, [&] { *revision = db->db.get_revision(); });
}

extern "C" ds_status dsx_revision_at(const char *path, unsigned long *revision,
                                     char **err)
{
    return dsx::guard(err, [&] {
        *revision = Xapian::Database(path).get_revision();
    });
}
