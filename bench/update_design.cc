/*
 * update_design.cc — the two ways an index can follow a changing corpus,
 * priced on a real dealsearch index (issue: incremental indexing, point
 * 5).  Raw Xapian, no dealsearch code, so each figure is Xapian's own.
 *
 *   update_design DB QUERIES K
 *
 * DB is a copy of a dealsearch generation built WITH termlists (it is
 * modified); K source files (every (files/K)-th XSRC term) stand for the
 * edited articles: each of their passages is re-created as a new
 * document (its terms with positions and wdfs, its values, one extra term)
 * as an update would write it.  Then:
 *
 *   replace   replace_document() of each passage in DB, one commit;
 *   segment   the same documents added to a new delta database (no
 *             termlists), one commit; the edited files' passages in DB
 *             masked at query time by AND_NOT (OR of their source terms);
 * Times are CPU milliseconds of this process (commits' fsync excluded).
 *
 *   queries   the QUERIES (the benchmark's "class<TAB>query" lines,
 *             QueryParser STEM_ALL with Stem("english"), AND, BM25,
 *             top 10) on DB alone, and on DB + delta with the mask; median
 *             of 5 passes each;
 *   drift     what the segment design does to the statistics BM25 reads:
 *             for every term of the edited passages, its termfreq and the
 *             document count as base + delta report them against the true
 *             ones (an edited passage counted twice), and the relative
 *             change of its idf (log((N - n + 0.5) / (n + 0.5))).
 */
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <time.h>
#include <unistd.h>
#include <vector>

namespace {

/* CPU seconds of this process: the machine these run on is shared, and
 * wall time there measures the neighbours as much as Xapian. */
double now()
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A copy of `doc` as a new document: what re-indexing the passage gives. */
Xapian::Document recreate(const Xapian::Document &doc)
{
    Xapian::Document d;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        bool positioned = false;
        for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) {
            d.add_posting(*t, *p, 0);
            positioned = true;
        }
        if (t.get_wdf()) d.add_term(*t, t.get_wdf());
        else if (!positioned) d.add_boolean_term(*t);
    }
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v)
        d.add_value(v.get_valueno(), *v);
    d.add_boolean_term("XEDITED");
    return d;
}

double idf(double n_docs, double tf)
{
    return std::log((n_docs - tf + 0.5) / (tf + 0.5));
}

/* Median ms over `passes` runs of the query set. */
double time_queries(const Xapian::Database &db,
                    const std::vector<std::string> &queries,
                    const Xapian::Query *mask, int passes)
{
    Xapian::QueryParser qp;
    qp.set_stemmer(Xapian::Stem("english"));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_ALL);
    qp.set_default_op(Xapian::Query::OP_AND);
    qp.set_database(db);
    std::vector<double> runs;
    for (int pass = 0; pass <= passes; pass++) {
        double start = now();
        for (const auto &text : queries) {
            Xapian::Query q = qp.parse_query(text);
            if (mask) q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, *mask);
            Xapian::Enquire e(db);
            e.set_query(q);
            Xapian::MSet m = e.get_mset(0, 10);
            for (auto i = m.begin(); i != m.end(); ++i)
                (void)i.get_document().get_value(3);
        }
        if (pass) runs.push_back((now() - start) * 1e3); /* pass 0 warms */
    }
    std::sort(runs.begin(), runs.end());
    return runs[runs.size() / 2];
}

std::vector<std::string> read_queries(const char *path)
{
    std::ifstream in(path);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        size_t tab = line.find('\t');
        if (line.empty() || line[0] == '#' || tab == std::string::npos)
            continue;
        out.push_back(line.substr(tab + 1));
    }
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: update_design DB QUERIES K\n");
        return 2;
    }
    try {
        std::string path = argv[1];
        unsigned k = (unsigned)std::atoi(argv[3]);
        std::vector<std::string> queries = read_queries(argv[2]);
        Xapian::WritableDatabase db(path, Xapian::DB_OPEN);
        std::vector<std::string> sources;
        for (auto t = db.allterms_begin("XSRC"); t != db.allterms_end("XSRC");
             ++t)
            sources.push_back(*t);
        std::vector<std::string> edited;
        for (size_t i = 0; k && i < sources.size(); i += sources.size() / k)
            if (edited.size() < k) edited.push_back(sources[i]);

        std::vector<std::pair<Xapian::docid, Xapian::Document>> docs;
        for (const auto &src : edited)
            for (auto p = db.postlist_begin(src); p != db.postlist_end(src);
                 ++p)
                docs.emplace_back(*p, recreate(db.get_document(*p)));
        double n_docs = db.get_doccount();
        std::printf("corpus %s: %.0f passages, %zu sources; edited %zu "
                    "sources, %zu passages\n",
                    path.c_str(), n_docs, sources.size(), edited.size(),
                    docs.size());

        /* The segment design's statistics, read before DB changes. */
        std::string delta = path + ".delta";
        double start = now();
        {
            Xapian::WritableDatabase d(
                delta, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_TERMLIST);
            for (auto &doc : docs) d.add_document(doc.second);
            d.commit();
        }
        double segment_ms = (now() - start) * 1e3;
        Xapian::Database both(path);
        both.add_database(Xapian::Database(delta));
        std::vector<double> drift;
        for (auto &doc : docs)
            for (auto t = doc.second.termlist_begin();
                 t != doc.second.termlist_end(); ++t) {
                if (t.get_wdf() == 0) continue;
                double tf = db.get_termfreq(*t);
                double seg = idf(both.get_doccount(), both.get_termfreq(*t));
                double real = idf(n_docs, tf);
                if (real > 0) drift.push_back(std::fabs(seg / real - 1));
            }
        std::sort(drift.begin(), drift.end());
        if (!drift.empty())
            std::printf("segment idf drift over %zu term occurrences: median "
                        "%.2f%%, p90 %.2f%%, max %.2f%%\n",
                        drift.size(), 100 * drift[drift.size() / 2],
                        100 * drift[drift.size() * 9 / 10],
                        100 * drift.back());

        Xapian::Query mask(Xapian::Query::OP_OR, edited.begin(),
                           edited.end());
        double base_q = time_queries(db, queries, nullptr, 5);
        double seg_q = time_queries(both, queries, &mask, 5);

        start = now();
        for (auto &doc : docs) db.replace_document(doc.first, doc.second);
        db.commit();
        double replace_ms = (now() - start) * 1e3;
        double after_q = time_queries(db, queries, nullptr, 5);
        std::printf("update: replace_document %.1f ms; delta database %.1f "
                    "ms\n",
                    replace_ms, segment_ms);
        std::printf("%zu queries, median of 5 passes: one database %.1f ms "
                    "(after the replace %.1f ms); base + delta with the mask "
                    "%.1f ms (%.2fx)\n",
                    queries.size(), base_q, after_q, seg_q, seg_q / base_q);
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "update_design: %s\n",
                     e.get_description().c_str());
        return 2;
    }
    return 0;
}
