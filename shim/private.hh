/*
 * private.hh — what the shim's files share: the handles' layouts, the
 * stemmer and stopword adapters, and the one exception guard every entry
 * point runs its body in.
 */
#ifndef DEALSEARCH_SHIM_PRIVATE_HH
#define DEALSEARCH_SHIM_PRIVATE_HH

#include <xapian.h>

#include <string>
#include <utility>
#include <vector>

#include "shim.h"

namespace dsx {

/* The status for the exception being handled, its message in `msg`.  Must
 * be called from inside a catch block (it rethrows to inspect the type);
 * never throws. */
ds_status classify_current_exception(std::string &msg) noexcept;

/* A malloc'd copy of `msg` (for C).  Out of memory ends the process, as
 * everywhere in dealsearch. */
char *malloc_copy(const std::string &msg) noexcept;

/* Run `body`; turn any exception it throws into a status and, when `err`
 * is not NULL, a malloc'd message in *err.  Every extern "C" entry point
 * that can fail is `return dsx::guard(err, [&] { ... });`. */
template <typename Body>
ds_status guard(char **err, Body &&body) noexcept
{
    if (err) *err = nullptr;
    try {
        body();
        return DS_OK;
    } catch (...) {
        std::string msg;
        ds_status status = classify_current_exception(msg);
        if (err) *err = malloc_copy(msg);
        return status;
    }
}

/* Xapian's stemming hook, backed by the C side's libstemmer wrapper. */
Xapian::Stem make_stem(const dsx_stemmer *s);

/* Is `term` a field term (Xapian's capital-letter prefix convention)? */
inline bool is_prefixed(const char *term)
{
    return term[0] >= 'A' && term[0] <= 'Z';
}

/* Parse db's queries as the index was analysed: `stemmer` (borrowed),
 * every word stemmed, over db->db. */
void set_analysis(dsx_db *db, const dsx_stemmer *stemmer);

/* Open (again) the databases `db` combines (dsx_db_open_parts): each
 * part, then the combination, parser included.  A remote part that cannot
 * be reached is left out when db->remote.partial, else the NetworkError
 * (naming it) is thrown. */
void open_parts(dsx_db *db);


/* Before a search: open again a combination whose last search failed,
 * and (at most every few seconds) try the parts left out. */
void refresh_parts(dsx_db *db);

/* Xapian's description of `q` without the "@N" query positions: two
 * subqueries for the same words at different places read the same. */
std::string describe_unplaced(const Xapian::Query &q);

/* The factor of an OP_SCALE_WEIGHT query: Xapian 1.4 has no accessor for
 * it, but describes it in full ("Query(0.10000000000000000555 * ...)"). */
double scale_factor(const Xapian::Query &q);

} // namespace dsx

struct dsx_writer {
    Xapian::WritableDatabase db;
    Xapian::Stem stem;
    bool in_transaction = false; /* an update (dsx_writer_open) */
};

struct dsx_doc {
    dsx_writer *writer;
    Xapian::Document doc;
    Xapian::TermGenerator generator;
    bool has_text = false;
};

/* One database of a combination (dsx_db_open_parts). */
struct dsx_member {
    std::string where;   /* a local path, or "remote ..." as a stub has it */
    bool remote = false;
    bool live = false;   /* opened and answering: in the combination */
    std::string why;     /* when not live: why (Xapian's message) */
    Xapian::Database db;
};

struct dsx_db {
    std::string path;
    Xapian::Database db;
    std::vector<dsx_member> parts; /* empty: opened from `path` alone */
    dsx_remote_options remote = {0, 0, 0};
    bool broken = false;           /* a search failed on the network */
    double retried = 0;            /* when parts left out were last tried
                                      (seconds, monotonic) */
    Xapian::QueryParser parser;
    Xapian::Stem stem;
    dsx_length_norm norm = {1, 0, 0};        /* scale 0: none */
    int order_slot = -1;                      /* dsx_db_set_order_slot */

    /* Opened by dsx_db_open_parts: several databases combined. */
    bool combined() const { return !parts.empty(); }
};

struct dsx_query {
    Xapian::Query query;
    bool relaxed = false;
    std::string description;
    std::string stopped;
};

struct dsx_results {
    dsx_db *db;
    Xapian::Query query;        /* as ranked, before weighed: feedback
                                   terms and proximity parts included */
    Xapian::Query matched;      /* the same without the proximity parts */
    dsx_search_params params;
    Xapian::MSet mset;
    dsx_counts counts = {0, 0, 0, 0, 0, 0, 0};
    std::vector<double> scores;
    std::vector<unsigned> docids;
    std::vector<unsigned> collapsed;
    std::vector<bool> loaded;
    std::vector<std::string> data;
    /* Each hit's matching terms, and C pointer arrays into them. */
    std::vector<std::vector<std::string>> terms;
    std::vector<std::vector<const char *>> term_ptrs;
    /* With explain: each hit's score parts, and C views of them. */
    std::vector<std::vector<std::pair<std::string, double>>> parts;
    std::vector<std::vector<dsx_part>> part_views;
};

namespace dsx {

/* The best terms of the top documents `enquire` ranks for `q`, weighted
 * (feedback; see dsx_search_params), to be OR-ed with the query; an empty
 * query when there are none.  expand.cc. */
Xapian::Query feedback_terms(dsx_db *db, Xapian::Enquire &enquire,
                             const Xapian::Query &q,
                             const dsx_search_params *sp);

/* `q` with its adjacent words' phrase and window matches as optional
 * parts (see dsx_search_params); `q` itself when it has no such pair or
 * the weights are 0.  proximity.cc. */
Xapian::Query with_proximity(const Xapian::Query &q,
                             const dsx_search_params *sp);

/* The weight searches rank with (IneB2: weighting.cc), and `q` with the
 * factors it needs on its words (`q` itself when the index's wdfs are
 * not normalised: Xapian's IneB2Weight then reads lengths and
 * frequencies itself).  Reads `sp`'s collection_freq. */
Xapian::Weight *make_weight(const dsx_db *db);
Xapian::Query weighed(const dsx_db *db, const Xapian::Query &q,
                      const dsx_search_params *sp);

} // namespace dsx

#endif
