/*
 * weighting.cc — ranking with IneB2, a model of Amati and van Rijsbergen's
 * divergence from randomness, on wdfs the writer stored already
 * normalised for length and saturated (dsx_doc_normalise_lengths).
 *
 * IneB2 weighs a word held tf times in a passage of `len` words as
 *   tfn / (tfn + 1) * (F + 1) / n * log2((N + 1) / (ne + 0.5))
 * with tfn = tf * log2(1 + c * avg / len) (normalisation 2), N passages,
 * n of them holding the word, F its occurrences in all of them, and
 * ne = N * (1 - e^(-F / N)).  The first factor depends on the passage
 * alone, so the writer stores it, times the scale, as the wdf; the rest
 * depends on the word alone, so it is put on each query word as an
 * OP_SCALE_WEIGHT factor, and Xapian's TfIdfWeight("nnn") (weight = wdf)
 * sums the products.  A search then reads no document lengths, and
 * xapian-tcpsrv shards, which run only Xapian's own weighting classes,
 * rank the same way.  F comes from the caller
 * (dsx_search_params.collection_freq): the stored wdfs no longer add up
 * to it.
 */
#include "private.hh"

#include <cmath>
#include <map>

namespace {

/* Terms of a wildcard whose frequencies are read for its factor. */
const unsigned WILDCARD_TERMS = 100;

/* A word's (or a group's) statistics: passages holding it, occurrences. */
struct Stats {
    double n = 0, F = 0;
};

class Weigher {
  public:
    Weigher(const dsx_db *db, const dsx_search_params *sp)
        : db(db), sp(sp), N(db->db.get_doccount()) {}

    Xapian::Query weigh(const Xapian::Query &q);

  private:
    const dsx_db *db;
    const dsx_search_params *sp;
    double N;
    std::map<std::string, Stats> seen;

    Stats term_stats(const std::string &term);
    Stats group_stats(const Xapian::Query &q);
    double factor(const Stats &s) const;
    double mean_factor(const Xapian::Query &q);
    Xapian::Query scaled(const Xapian::Query &q, double f) const;
    Xapian::Query weigh_chain(const Xapian::Query &q);
};

Stats Weigher::term_stats(const std::string &term)
{
    auto found = seen.find(term);
    if (found != seen.end()) return found->second;
    Stats s;
    s.n = db->db.get_termfreq(term);
    if (sp->collection_freq)
        s.F = sp->collection_freq(sp->collection_freq_ctx, term.data(),
                                  term.size());
    /* A word the caller does not count (a field term): as if each passage
     * holding it held it once. */
    if (s.F < s.n) s.F = s.n;
    seen[term] = s;
    return s;
}

/* A synonym group or wildcard, which Xapian weighs as one word whose wdf
 * is the sum of its members': their occurrences add up, and the passages
 * holding any of them are at most the sum of each's. */
Stats Weigher::group_stats(const Xapian::Query &q)
{
    Stats sum;
    auto add = [&](const std::string &term) {
        Stats s = term_stats(term);
        sum.n += s.n;
        sum.F += s.F;
    };
    if (q.get_type() == Xapian::Query::OP_WILDCARD) {
        /* "Query(WILDCARD SYNONYM pattern)": Xapian 1.4 has no accessor
         * for the pattern. */
        std::string d = dsx::describe_unplaced(q);
        size_t space = d.find(' ', d.find("WILDCARD ") + 9);
        std::string prefix = space == std::string::npos
                                 ? std::string()
                                 : d.substr(space + 1, d.size() - space - 2);
        unsigned k = 0;
        for (auto t = db->db.allterms_begin(prefix);
             t != db->db.allterms_end(prefix) && k < WILDCARD_TERMS; ++t, ++k)
            add(*t);
    } else {
        for (auto t = q.get_terms_begin(); t != q.get_terms_end(); ++t)
            add(*t);
    }
    if (sum.n > N) sum.n = N;
    return sum;
}

/* IneB2's factor of a word, divided by the scale the wdfs were stored
 * with: scores are then IneB2's. */
double Weigher::factor(const Stats &s) const
{
    if (s.n <= 0 || N <= 0) return 0;
    double ne = N * (1 - std::exp(-s.F / N));
    double idf = std::log2((N + 1) / (ne + 0.5));
    return (s.F + 1) / s.n * idf / db->norm.scale;
}

/* A phrase or window is weighed by Xapian as the sum of its words'
 * weights, which a factor can only scale as a whole (Xapian 1.4 refuses
 * scaled words inside it): by its words' mean factor. */
double Weigher::mean_factor(const Xapian::Query &q)
{
    double sum = 0;
    unsigned k = 0;
    for (auto t = q.get_terms_begin(); t != q.get_terms_end(); ++t, ++k)
        sum += factor(term_stats(*t));
    return k ? sum / k : 0;
}

Xapian::Query Weigher::scaled(const Xapian::Query &q, double f) const
{
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, f);
}

/* A chain of AND_MAYBEs, ((base AND_MAYBE a) AND_MAYBE b) ..., as
 * proximity builds one a pair (proximity.cc): thousands deep for a long
 * query, so walked without recursing down it. */
Xapian::Query Weigher::weigh_chain(const Xapian::Query &q)
{
    std::vector<Xapian::Query> maybes;
    Xapian::Query base = q;
    while (base.get_type() == Xapian::Query::OP_AND_MAYBE &&
           base.get_num_subqueries() == 2) {
        maybes.push_back(base.get_subquery(1));
        base = base.get_subquery(0);
    }
    Xapian::Query chain = weigh(base);
    for (auto m = maybes.rbegin(); m != maybes.rend(); ++m)
        chain = Xapian::Query(Xapian::Query::OP_AND_MAYBE, chain, weigh(*m));
    return chain;
}

Xapian::Query Weigher::weigh(const Xapian::Query &q)
{
    Xapian::Query::op op = q.get_type();
    size_t n = q.get_num_subqueries();
    switch (op) {
    case Xapian::Query::LEAF_TERM: {
        auto t = q.get_terms_begin();
        if (t == q.get_terms_end()) return q; /* MatchAll */
        return scaled(q, factor(term_stats(*t)));
    }
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_WILDCARD:
        return scaled(q, factor(group_stats(q)));
    case Xapian::Query::OP_PHRASE:
    case Xapian::Query::OP_NEAR:
        return scaled(q, mean_factor(q));
    case Xapian::Query::OP_SCALE_WEIGHT:
        return scaled(weigh(q.get_subquery(0)), dsx::scale_factor(q));
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_FILTER: {
        /* Only the left side is weighed. */
        std::vector<Xapian::Query> subs{weigh(q.get_subquery(0))};
        for (size_t i = 1; i < n; ++i) subs.push_back(q.get_subquery(i));
        return Xapian::Query(op, subs.begin(), subs.end());
    }
    case Xapian::Query::OP_AND_MAYBE:
        if (n == 2) return weigh_chain(q);
        [[fallthrough]];
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_MAX: {
        std::vector<Xapian::Query> subs;
        for (size_t i = 0; i < n; ++i) subs.push_back(weigh(q.get_subquery(i)));
        return Xapian::Query(op, subs.begin(), subs.end());
    }
    default:
        /* Value ranges and other weightless parts. */
        return q;
    }
}

} // namespace

namespace dsx {

Xapian::Weight *make_weight(const dsx_db *db)
{
    if (db->norm.scale > 0) return new Xapian::TfIdfWeight("nnn");
    return new Xapian::IneB2Weight(db->norm.c);
}

Xapian::Query weighed(const dsx_db *db, const Xapian::Query &q,
                      const dsx_search_params *sp)
{
    if (db->norm.scale <= 0 || q.empty()) return q;
    return Weigher(db, sp).weigh(q);
}

} // namespace dsx
