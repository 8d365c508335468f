/*
 * expand.cc — pseudo-relevance feedback: the best words of the top
 * documents (Xapian's expand set) added to a query.
 */
#include "private.hh"

#include <algorithm>
#include <cmath>
#include <map>

namespace {

/* One candidate expansion term: Xapian's ExpandStats for it. */
struct ExpandStats {
    Xapian::doccount rtermfreq = 0; /* top documents holding it */
    double multiplier = 0;
};

/* The words of a hit with their wdf as counted: the termlist's wdfs are
 * stored normalised for length (ranking.h), so the text it was indexed
 * from is indexed again (as the writer's TermGenerator does). */
std::map<std::string, Xapian::termcount>
document_words(dsx_db *db, const Xapian::MSetIterator &m,
               const dsx_search_params *sp)
{
    std::map<std::string, Xapian::termcount> words;
    Xapian::Document stored = m.get_document();
    std::string data = stored.get_value(sp->data_slot);
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
            if (w.first.empty() || dsx::is_prefixed(w.first.c_str()))
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

} // namespace

namespace dsx {

/* The best terms of the top documents, weighted (see dsx_search_params):
 * what feedback adds to the query. */
Xapian::Query feedback_terms(dsx_db *db, Xapian::Enquire &enquire,
                             const Xapian::Query &q,
                             const dsx_search_params *sp)
{
    if (!sp->indexed_text) return Xapian::Query();
    Xapian::MSet top = enquire.get_mset(0, sp->expand_docs);
    /* Fewer matches than that: too little evidence to learn words from. */
    if (top.size() < sp->expand_docs) return Xapian::Query();
    auto set = expand_set(db, q, top, sp);
    if (set.empty()) return Xapian::Query();
    double strongest = set.front().first;
    std::vector<Xapian::Query> extra;
    for (const auto &t : set)
        extra.push_back(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                      Xapian::Query(t.second),
                                      sp->expand_weight * t.first / strongest));
    return Xapian::Query(Xapian::Query::OP_OR, extra.begin(), extra.end());
}

} // namespace dsx
