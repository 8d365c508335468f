/*
 * search.cc — ranking documents for a query (with IneB2: weighting.cc),
 * the terms each hit matched, and each hit's score broken into its parts
 * (explain).
 */
#include "private.hh"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>

namespace {

/* How often a search is retried after the index was swapped under it. */
const int MODIFIED_RETRIES = 5;

/* Counts the documents the matcher examines, and notes which was the
 * bound-th: Xapian examines matches in document order, every one until it
 * has seen check_at_least of them (see dsx_counts); the bound is
 * sample_at, no more than that. */
class SampleSpy : public Xapian::MatchSpy {
  public:
    Xapian::doccount seen = 0, bound;
    Xapian::docid at_bound = 0;

    explicit SampleSpy(Xapian::doccount b) : bound(b) {}

    void operator()(const Xapian::Document &doc, double) override
    {
        if (++seen == bound) at_bound = doc.get_docid();
    }
};

} // namespace

namespace {

/* "Query((ceo@2 SYNONYM XSYN1@2))" -> "(ceo SYNONYM XSYN1)"; a scaled
 * part's factor, which Xapian writes in full
 * ("0.10000000000000000555 * ..."), as "0.1 * ...". */
std::string label_of(const Xapian::Query &q)
{
    std::string d = dsx::describe_unplaced(q);
    if (d.compare(0, 6, "Query(") == 0 && d.back() == ')')
        d = d.substr(6, d.size() - 7);
    size_t times = d.find(" * ");
    if (q.get_type() == Xapian::Query::OP_SCALE_WEIGHT &&
        times != std::string::npos) {
        char factor[32];
        std::snprintf(factor, sizeof factor, "%.3g", dsx::scale_factor(q));
        d = factor + d.substr(times);
    }
    return d;
}

/* Split `q` into the parts whose weights add up to its weight: the
 * children of AND/OR-like nodes, the left side of filters; anything else
 * (a term, phrase, synonym group, wildcard) is weighed as a unit. */
void explain_node(dsx_db *db, const dsx_search_params *sp,
                  const Xapian::Query &q, const std::string &key,
                  std::vector<std::pair<std::string, double>> &parts)
{
    switch (q.get_type()) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_XOR:
        for (size_t i = 0; i < q.get_num_subqueries(); ++i)
            explain_node(db, sp, q.get_subquery(i), key, parts);
        return;
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_FILTER:
        explain_node(db, sp, q.get_subquery(0), key, parts);
        return;
    default:
        break;
    }
    /* Only the hit: its order value names it alone (a MatchDecider would,
     * but the remote backend refuses one); a filter adds no weight. */
    Xapian::Enquire enquire(db->db);
    auto slot = static_cast<Xapian::valueno>(db->order_slot);
    enquire.set_query(Xapian::Query(
        Xapian::Query::OP_FILTER, dsx::weighed(db, q, sp),
        Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, key, key)));
    std::unique_ptr<Xapian::Weight> weight(dsx::make_weight(db));
    enquire.set_weighting_scheme(*weight);
    Xapian::MSet m = enquire.get_mset(0, 1);
    if (!m.empty() && m.begin().get_weight() > 0)
        parts.emplace_back(label_of(q), m.begin().get_weight());
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
 * terms that is all of them; otherwise they are read from each
 * document's termlist (every index keeps them): one lookup a document,
 * where reading the query's postlists costs one a term, and a query
 * widened to typo variants has dozens. */
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
    for (size_t i = 0; i < docids.size(); ++i) {
        std::set<std::string> held; /* the query's terms it has */
        Xapian::TermIterator t = db.termlist_begin(docids[i]);
        for (const std::string &term : seen) { /* ascending, as the list */
            t.skip_to(term);
            if (t == db.termlist_end(docids[i])) break;
            if (*t == term) held.insert(term);
        }
        for (const std::string &term : terms)
            if (held.count(term)) out[i].push_back(term);
    }
    return out;
}

void run_search(dsx_db *db, const dsx_query *q, const dsx_search_params *sp,
                dsx_results *r)
{
    Xapian::Enquire enquire(db->db);
    /* Proximity only reorders: counting needs none of it. */
    Xapian::Query ranked =
        sp->count_only ? q->query : dsx::with_proximity(q->query, sp);
    std::unique_ptr<Xapian::Weight> weight(
        sp->count_only ? new Xapian::BoolWeight : dsx::make_weight(db));
    enquire.set_weighting_scheme(*weight);
    enquire.set_query(sp->count_only ? ranked : dsx::weighed(db, ranked, sp));
    r->matched = q->query;
    if (sp->expand_docs) {
        Xapian::Query extra = dsx::feedback_terms(db, enquire, q->query, sp);
        if (!extra.empty()) {
            r->matched = Xapian::Query(Xapian::Query::OP_OR, q->query, extra);
            ranked = Xapian::Query(Xapian::Query::OP_OR, ranked, extra);
            enquire.set_query(dsx::weighed(db, ranked, sp));
        }
    }
    if (sp->collapse_slot >= 0)
        enquire.set_collapse_key(static_cast<Xapian::valueno>(sp->collapse_slot));
    /* Equal scores (and dates) rank by document number, Xapian's own
     * tie-break: a build numbers the documents in corpus order, those of
     * a sharded index's shards too (their stub interleaves them). */
    if (sp->sort_by_value && !sp->count_only)
        enquire.set_sort_by_value_then_relevance(
            static_cast<Xapian::valueno>(sp->sort_slot), true);
    /* Over several databases the matcher examines each in turn, not in
     * docid order, and a MatchSpy of our own cannot run in xapian-tcpsrv:
     * a total beyond check_at_least is then Xapian's estimate. */
    SampleSpy spy(sp->sample_at ? std::min(sp->sample_at, sp->check_at_least)
                                : sp->check_at_least);
    if (!db->combined()) enquire.add_matchspy(&spy);
    r->db = db;
    r->query = ranked;
    r->params = *sp;
    r->mset = enquire.get_mset(sp->offset, sp->limit, sp->check_at_least);
    enquire.clear_matchspies();
    const Xapian::MSet &m = r->mset;
    unsigned long lower = m.get_uncollapsed_matches_lower_bound();
    unsigned long upper = m.get_uncollapsed_matches_upper_bound();
    double share = spy.at_bound ? double(spy.bound) / spy.at_bound : 0;
    unsigned long seen = spy.seen, sampled =
        spy.seen < spy.bound
            ? spy.seen
            : static_cast<unsigned long>(share * db->db.get_lastdocid() + 0.5);
    if (db->combined()) {
        /* No spy: Xapian's count.  Fewer matches than it was told to
         * check means it examined them all, and its lower bound is the
         * count (its upper bound can stay one above: seen on the test
         * corpus); more is "at least the bound", estimated. */
        seen = lower;
        sampled = m.get_uncollapsed_matches_estimated();
    }
    r->counts = {m.get_matches_estimated(), m.get_matches_lower_bound(),
                 m.get_matches_upper_bound(), lower, upper, seen,
                 std::min(std::max(sampled, lower), upper)};
    for (auto m = r->mset.begin(); m != r->mset.end(); ++m) {
        r->scores.push_back(m.get_weight());
        r->docids.push_back(*m);
        r->collapsed.push_back(m.get_collapse_count());
    }
    size_t n = r->docids.size();
    r->loaded.assign(n, false);
    r->data.resize(n);
    r->terms.resize(n);
    r->term_ptrs.resize(n);
    r->parts.resize(n);
    r->part_views.resize(n);
}

/* Read hits from .. to-1 (see dsx_results_load). */
void load(dsx_results *r, size_t from, size_t to)
{
    /* In document order: a table's cursor keeps the blocks it read, which
     * records (and termlists) near each other share. */
    std::vector<size_t> order;
    for (size_t i = from; i < to; ++i)
        if (!r->loaded[i]) order.push_back(i);
    std::sort(order.begin(), order.end(), [r](size_t a, size_t b) {
        return r->docids[a] < r->docids[b];
    });
    std::vector<unsigned> docids;
    std::vector<size_t> which;
    for (size_t i : order) {
        Xapian::MSetIterator m = r->mset[static_cast<Xapian::doccount>(i)];
        Xapian::Document doc = m.get_document();
        r->data[i] = doc.get_value(r->params.data_slot);
        if (r->params.explain && r->db->order_slot >= 0)
            explain_node(r->db, &r->params, r->query,
                         doc.get_value(
                             static_cast<Xapian::valueno>(r->db->order_slot)),
                         r->parts[i]);
        docids.push_back(r->docids[i]);
        which.push_back(i);
    }
    auto terms = matching_terms(r->db->db, r->matched, docids);
    for (size_t k = 0; k < which.size(); ++k) {
        size_t i = which[k];
        r->terms[i] = std::move(terms[k]);
        for (auto &t : r->terms[i]) r->term_ptrs[i].push_back(t.c_str());
        for (auto &p : r->parts[i])
            r->part_views[i].push_back({p.first.c_str(), p.second});
        r->loaded[i] = true;
    }
}

} // namespace

extern "C" ds_status dsx_db_search(dsx_db *db, const dsx_query *q,
                                   const dsx_search_params *params,
                                   dsx_results **out, char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        dsx::refresh_parts(db);
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
            /* Open afresh: a rebuild swaps in a new directory. */
            if (!db->parts.empty()) {
                dsx::open_parts(db);
                continue;
            }
            db->db = Xapian::Database(db->path);
            db->parser.set_database(db->db);
        }
    });
}

extern "C" ds_status dsx_db_matches_at_least(dsx_db *db, const dsx_query *q,
                                             unsigned long *n, char **err)
{
    *n = 0;
    /* Of a conjunction (AND, phrase, filter, AND_NOT), Xapian's lower
     * bound is next to never above 0: not worth opening its postlists. */
    switch (q->query.get_type()) {
    case Xapian::Query::LEAF_TERM:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_AND_MAYBE:
        break;
    default:
        return DS_OK;
    }
    return dsx::guard(err, [&] {
        if (q->query.get_type() == Xapian::Query::LEAF_TERM) {
            /* Its frequency, without setting up a match. */
            *n = db->db.get_termfreq(*q->query.get_terms_begin());
            return;
        }
        Xapian::Enquire enquire(db->db);
        enquire.set_query(q->query);
        enquire.set_weighting_scheme(Xapian::BoolWeight());
        *n = enquire.get_mset(0u, 0u, 0u).get_matches_lower_bound();
    });
}

extern "C" size_t dsx_results_size(const dsx_results *r)
{
    return r->scores.size();
}

extern "C" void dsx_results_counts(const dsx_results *r, dsx_counts *counts)
{
    *counts = r->counts;
}

extern "C" ds_status dsx_results_load(dsx_results *r, size_t from, size_t n,
                                      char **err)
{
    size_t to = std::min(from + n, r->docids.size());
    return dsx::guard(err, [&] { load(r, std::min(from, to), to); });
}

extern "C" void dsx_results_hit(const dsx_results *r, size_t i, dsx_hit *hit)
{
    hit->score = r->scores[i];
    hit->docid = r->docids[i];
    hit->collapsed = r->collapsed[i];
    hit->data = r->loaded[i] ? r->data[i].data() : nullptr;
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

