/*
 * search.cc — ranking documents for a query with BM25, the terms each hit
 * matched, and each hit's score broken into its parts (explain).
 */
#include "private.hh"

#include <algorithm>
#include <memory>
#include <set>

namespace {

/* How often a search is retried after the index was swapped under it. */
const int MODIFIED_RETRIES = 5;

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

} // namespace

namespace dsx {

/* With wdfs normalised when written (dsx_doc_normalise_lengths), each
 * stored wdf is scale * wdf / N, N being BM25's length normalisation, and
 * BM25 with b = 0 and k1 * scale computes
 *   (k1 * scale + 1) * tw * (scale * wdf / N) / (k1 * scale + scale * wdf / N)
 *   = (k1 * scale + 1) * tw * wdf / (k1 * N + wdf),
 * BM25's own sum part times (k1 * scale + 1) / (k1 + 1): scores are
 * multiplied by score_scale() to give BM25's. */
Xapian::Weight *make_weight(const dsx_db *db)
{
    const ds_bm25 &p = db->bm25;
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

} // namespace dsx

namespace {

/* "Query((ceo@2 SYNONYM XSYN1@2))" -> "(ceo SYNONYM XSYN1)" */
std::string label_of(const Xapian::Query &q)
{
    std::string d = dsx::describe_unplaced(q);
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
    std::unique_ptr<Xapian::Weight> weight(dsx::make_weight(db));
    enquire.set_weighting_scheme(*weight);
    OnlyDocument only(did);
    Xapian::MSet m = enquire.get_mset(0, 1, 0, nullptr, &only);
    if (!m.empty() && m.begin().get_weight() > 0)
        parts.emplace_back(label_of(q),
                           m.begin().get_weight() * dsx::score_scale(db));
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
    std::unique_ptr<Xapian::Weight> weight(dsx::make_weight(db));
    enquire.set_weighting_scheme(*weight);
    if (sp->expand_docs)
        enquire.set_query(dsx::expand_query(db, enquire, query, sp));
    if (sp->collapse_slot >= 0)
        enquire.set_collapse_key(static_cast<Xapian::valueno>(sp->collapse_slot));
    Xapian::MSet mset =
        enquire.get_mset(sp->offset, sp->limit, sp->check_at_least);
    r->estimate = mset.get_matches_estimated();
    r->lower = mset.get_matches_lower_bound();
    r->upper = mset.get_matches_upper_bound();
    for (auto m = mset.begin(); m != mset.end(); ++m) {
        r->scores.push_back(m.get_weight() * dsx::score_scale(db));
        r->docids.push_back(*m);
        Xapian::Document doc = m.get_document();
        r->data.push_back(doc.get_value(sp->data_slot));
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

extern "C" ds_status dsx_db_search(dsx_db *db, const dsx_query *q,
                                   const dsx_search_params *params,
                                   dsx_results **out, char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        for (int attempt = 0;; ++attempt) {
            std::unique_ptr<dsx_results> r(new dsx_results);
            try {
                run_search(db, q, params, r.get());
                *out = r.release();
                return;
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

