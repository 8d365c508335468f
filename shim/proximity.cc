/*
 * proximity.cc — ranking passages whose query words stand close together
 * higher: the sequential dependence model's pairs of adjacent query words,
 * matched in order side by side (a phrase) and in any order within a
 * window, added to the query as optional, weighted parts.
 */
#include "private.hh"

#include <set>

namespace {

/* The query word `q` stands for, or "" when it is not a plain word: a
 * term without a field prefix, or a synonym group led by one (the word as
 * typed comes first, its synonyms after it). */
std::string word_of(const Xapian::Query &q)
{
    Xapian::Query leaf = q;
    if (q.get_type() == Xapian::Query::OP_SYNONYM)
        leaf = q.get_subquery(0);
    if (leaf.get_type() != Xapian::Query::LEAF_TERM) return std::string();
    std::string term = *leaf.get_terms_begin();
    return dsx::is_prefixed(term.c_str()) ? std::string() : term;
}

using Pair = std::pair<std::string, std::string>;

/* The pairs of words next to each other in `q`, in query order: among the
 * subqueries of an AND or OR (the parser's default operators), each word
 * and the word after it; other subqueries break the run and are searched
 * for runs of their own.  Of AND_NOT and FILTER only the left side ranks;
 * AND_MAYBE's sides are two runs. */
void collect_pairs(const Xapian::Query &q, std::vector<Pair> &pairs)
{
    size_t n = q.get_num_subqueries();
    switch (q.get_type()) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR: {
        std::string previous;
        for (size_t i = 0; i < n; ++i) {
            Xapian::Query sub = q.get_subquery(i);
            std::string word = word_of(sub);
            if (word.empty()) collect_pairs(sub, pairs);
            else if (!previous.empty() && previous != word)
                pairs.emplace_back(previous, word);
            previous = word;
        }
        return;
    }
    case Xapian::Query::OP_AND_MAYBE:
        collect_pairs(q.get_subquery(1), pairs);
        /* fall through */
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_FILTER:
        collect_pairs(q.get_subquery(0), pairs);
        return;
    default:
        return;
    }
}

/* Whether, as far as its operators tell, `q` matches every document
 * holding both words of `p`. */
bool holds_pair(const Xapian::Query &q, const Pair &p)
{
    switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM: {
        std::string term = *q.get_terms_begin();
        return term == p.first || term == p.second;
    }
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_SYNONYM: {
        bool every = q.get_type() == Xapian::Query::OP_AND;
        size_t n = q.get_num_subqueries();
        for (size_t i = 0; i < n; ++i)
            if (holds_pair(q.get_subquery(i), p) != every) return !every;
        return every && n > 0;
    }
    default:
        return false;
    }
}

/* Whether no document `q` matches can hold both words of `p`: `q` takes
 * away (AND_NOT) what matches every such document — as the search for a
 * query's typo variants takes away the query as written. */
bool pair_excluded(const Xapian::Query &q, const Pair &p)
{
    if (q.get_type() != Xapian::Query::OP_AND_NOT) return false;
    for (size_t i = 1; i < q.get_num_subqueries(); ++i)
        if (holds_pair(q.get_subquery(i), p)) return true;
    return false;
}

Xapian::Query pair_query(Xapian::Query::op op, const Pair &p,
                         Xapian::termcount window, double weight)
{
    Xapian::Query terms[2] = {Xapian::Query(p.first), Xapian::Query(p.second)};
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                         Xapian::Query(op, terms, terms + 2, window), weight);
}

} // namespace

namespace dsx {

Xapian::Query with_proximity(const Xapian::Query &q,
                             const dsx_search_params *sp)
{
    if (sp->ordered_weight <= 0 && sp->unordered_weight <= 0) return q;
    std::vector<Pair> pairs;
    collect_pairs(q, pairs);
    std::set<Pair> seen;
    std::vector<Xapian::Query> parts;
    for (const Pair &p : pairs) {
        /* A pair no result can hold would only cost its reading. */
        if (!seen.insert(p).second || pair_excluded(q, p)) continue;
        if (sp->ordered_weight > 0)
            parts.push_back(pair_query(Xapian::Query::OP_PHRASE, p, 2,
                                       sp->ordered_weight));
        if (sp->unordered_weight > 0)
            parts.push_back(pair_query(Xapian::Query::OP_NEAR, p,
                                       sp->window, sp->unordered_weight));
    }
    /* One AND_MAYBE per part: Xapian 1.4.22 weighs an AND_MAYBE whose
     * right side ORs positional subqueries wrongly — a document can score
     * for a phrase it does not hold (OrPostList::check() gives a side it
     * could not confirm the head after `did`, which ties with the other
     * side's next match).  Chained, each right side is one subquery. */
    Xapian::Query ranked = q;
    for (const Xapian::Query &part : parts)
        ranked = Xapian::Query(Xapian::Query::OP_AND_MAYBE, ranked, part);
    return ranked;
}

} // namespace dsx
