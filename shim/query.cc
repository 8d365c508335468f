/*
 * query.cc — parsing queries with Xapian's QueryParser, and working
 * around a Xapian 1.4.22 crash on some XOR queries.
 */
#include "private.hh"

#include <map>
#include <memory>

namespace {

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
        std::string d = dsx::describe_unplaced(sub);
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

void parse(dsx_db *db, const char *text, unsigned flags, dsx_query *q)
{
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
        return;
    }
    try {
        q->query = db->parser.parse_query(text, syntax | synonyms);
    } catch (const Xapian::QueryParserError &) {
        /* "AND", an unbalanced quote, "C++ AND": read as words. */
        q->query = db->parser.parse_query(text, synonyms);
        q->relaxed = true;
    }
}

} // namespace

extern "C" ds_status dsx_db_parse_query(dsx_db *db, const char *text,
                                        unsigned flags, dsx_query **out,
                                        char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        std::unique_ptr<dsx_query> q(new dsx_query);
        parse(db, text, flags, q.get());
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

extern "C" ds_status dsx_query_term(const char *term, size_t len,
                                    dsx_query **out, char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        std::unique_ptr<dsx_query> q(new dsx_query);
        q->query = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                 Xapian::Query(std::string(term, len)), 0);
        q->description = q->query.get_description();
        *out = q.release();
    });
}

extern "C" ds_status dsx_query_near(const dsx_query *const *operands,
                                    size_t n, unsigned gap, int ordered,
                                    dsx_query **out, char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        std::vector<Xapian::Query> terms, parts;
        for (size_t i = 0; i < n; ++i) {
            const Xapian::Query &op = operands[i]->query;
            for (auto t = op.get_terms_begin(); t != op.get_terms_end(); ++t)
                terms.emplace_back(*t);
            parts.push_back(op);
        }
        /* Xapian's window: all the terms within this many positions. */
        Xapian::termcount window = gap + static_cast<Xapian::termcount>(terms.size()) - 1;
        parts.insert(parts.begin(),
                     Xapian::Query(ordered ? Xapian::Query::OP_PHRASE
                                           : Xapian::Query::OP_NEAR,
                                   terms.begin(), terms.end(), window));
        std::unique_ptr<dsx_query> q(new dsx_query);
        q->query = Xapian::Query(Xapian::Query::OP_AND, parts.begin(),
                                 parts.end());
        q->description = q->query.get_description();
        *out = q.release();
    });
}

namespace {

/* `q` with the leaf term `placeholder` replaced by `with`. */
Xapian::Query replace_term(const Xapian::Query &q,
                           const std::string &placeholder,
                           const Xapian::Query &with, bool &found)
{
    if (q.get_type() == Xapian::Query::LEAF_TERM) {
        auto t = q.get_terms_begin();
        if (t != q.get_terms_end() && *t == placeholder) {
            found = true;
            return with;
        }
        return q;
    }
    size_t n = q.get_num_subqueries();
    if (n == 0 || !rebuildable(q.get_type())) return q;
    std::vector<Xapian::Query> subs;
    for (size_t i = 0; i < n; ++i)
        subs.push_back(replace_term(q.get_subquery(i), placeholder, with,
                                    found));
    return Xapian::Query(q.get_type(), subs.begin(), subs.end());
}

} // namespace

extern "C" ds_status dsx_query_replace(dsx_query *q, const char *placeholder,
                                       const dsx_query *with, char **err)
{
    return dsx::guard(err, [&] {
        bool found = false;
        Xapian::Query r = replace_term(q->query, placeholder, with->query,
                                       found);
        if (!found)
            throw Xapian::InvalidArgumentError(
                std::string("placeholder not found: ") + placeholder);
        q->query = r;
        q->description = q->query.get_description();
    });
}

namespace {

using variant_map = std::map<std::string, std::vector<std::string>>;

/* `q` with each leaf term of `v` (outside phrases, NEAR and other nodes
 * with parameters, which are left whole) OR-ed as one synonym with its
 * variants. */
Xapian::Query with_variants(const Xapian::Query &q, const variant_map &v,
                            bool &changed)
{
    if (q.get_type() == Xapian::Query::LEAF_TERM) {
        auto t = q.get_terms_begin();
        auto found = t != q.get_terms_end() ? v.find(*t) : v.end();
        if (found == v.end()) return q;
        std::vector<Xapian::Query> subs{q};
        for (const std::string &variant : found->second)
            subs.emplace_back(variant);
        changed = true;
        return Xapian::Query(Xapian::Query::OP_SYNONYM, subs.begin(),
                             subs.end());
    }
    size_t n = q.get_num_subqueries();
    if (n == 0 || !rebuildable(q.get_type())) return q;
    std::vector<Xapian::Query> subs;
    /* What AND_NOT takes away stays as written. */
    bool all = q.get_type() != Xapian::Query::OP_AND_NOT;
    for (size_t i = 0; i < n; ++i)
        subs.push_back(i == 0 || all
                           ? with_variants(q.get_subquery(i), v, changed)
                           : q.get_subquery(i));
    return Xapian::Query(q.get_type(), subs.begin(), subs.end());
}

} // namespace

extern "C" int dsx_query_has_plain_term(const dsx_query *q, const char *term)
{
    /* The same walk as dsx_query_with_variants, so that the two agree. */
    try {
        variant_map v{{term, {}}};
        bool changed = false;
        with_variants(q->query, v, changed);
        return changed;
    } catch (...) {
        return 0;
    }
}

extern "C" ds_status dsx_query_with_variants(const dsx_query *q,
                                             const dsx_term_variants *terms,
                                             size_t n, dsx_query **out,
                                             char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        variant_map v;
        for (size_t i = 0; i < n; ++i)
            v[terms[i].term].assign(terms[i].variants,
                                    terms[i].variants + terms[i].n);
        bool changed = false;
        Xapian::Query wider = with_variants(q->query, v, changed);
        if (!changed) return;
        std::unique_ptr<dsx_query> w(new dsx_query(*q));
        w->query = Xapian::Query(Xapian::Query::OP_AND_NOT, wider, q->query);
        w->description = w->query.get_description();
        *out = w.release();
    });
}

extern "C" ds_status dsx_query_filter(const dsx_query *q,
                                      const char *const *terms, size_t n,
                                      dsx_query **out, char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        std::unique_ptr<dsx_query> f(new dsx_query(*q));
        Xapian::Query any(Xapian::Query::OP_OR, terms, terms + n);
        f->query = Xapian::Query(Xapian::Query::OP_FILTER, q->query, any);
        f->description = f->query.get_description();
        *out = f.release();
    });
}

extern "C" ds_status dsx_query_and_not(const dsx_query *q,
                                       const dsx_query *except,
                                       dsx_query **out, char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        std::unique_ptr<dsx_query> r(new dsx_query(*q));
        r->query = Xapian::Query(Xapian::Query::OP_AND_NOT, q->query,
                                 except->query);
        r->description = r->query.get_description();
        *out = r.release();
    });
}

extern "C" ds_status dsx_query_any_term(const char *const *terms, size_t n,
                                        dsx_query **out, char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        std::unique_ptr<dsx_query> q(new dsx_query);
        q->query = Xapian::Query(Xapian::Query::OP_OR, terms, terms + n);
        q->description = q->query.get_description();
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
