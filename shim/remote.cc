/*
 * remote.cc — a database combining several, some of them remote
 * (xapian-tcpsrv, xapian-progsrv), opened part by part rather than from a
 * stub file so that the remote ones get our timeouts, and so that a part
 * that stops answering can be left out (a partial answer) instead of
 * failing every search; and following what changes in the parts of a
 * database kept open (dsx_db_part_state, dsx_db_follow).
 */
#include "private.hh"

#include <cstdlib>
#include <ctime>
#include <memory>

namespace {

/* Xapian's default for both timeouts (Remote::open). */
const unsigned DEFAULT_TIMEOUT_MS = 10000;
/* Parts left out are tried again at most this often. */
const double RETRY_SECONDS = 10;
const char REMOTE[] = "remote ";

double now_seconds()
{
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

/* Remote::open takes milliseconds; 0 would mean no timeout at all. */
unsigned millis(unsigned ms)
{
    return ms ? ms : DEFAULT_TIMEOUT_MS;
}

/* A stub's remote line after "remote ", read as Xapian's stub reader
 * reads it (backends/databasehelpers.h): ":PROGRAM ARGS" or HOST:PORT. */
Xapian::Database open_remote(const std::string &line,
                             const dsx_remote_options &o)
{
    if (!line.empty() && line[0] == ':') {
        std::string::size_type space = line.find(' ');
        std::string program = line.substr(1, space == std::string::npos
                                                 ? std::string::npos
                                                 : space - 1);
        std::string args =
            space == std::string::npos ? "" : line.substr(space + 1);
        return Xapian::Remote::open(program, args, millis(o.timeout_ms));
    }
    std::string::size_type colon = line.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == line.size())
        throw Xapian::DatabaseOpeningError("not HOST:PORT: " + line);
    std::string host = line.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2); /* an IPv6 address */
    unsigned port = unsigned(std::atoi(line.c_str() + colon + 1));
    return Xapian::Remote::open(host, port, millis(o.timeout_ms),
                                millis(o.connect_timeout_ms));
}

/* Open one part; a remote one that cannot be reached is left out when
 * partial (else the error, naming it, is thrown). */
void open_part(dsx_member &p, const dsx_remote_options &o)
{
    p.live = false;
    if (!p.remote) {
        p.db = Xapian::Database(p.where);
        p.live = true;
        return;
    }
    try {
        p.db = open_remote(p.where.substr(sizeof REMOTE - 1), o);
        p.live = true;
        p.why.clear();
    } catch (const Xapian::NetworkError &e) {
        if (!o.partial)
            throw Xapian::NetworkError(p.where + ": " + e.get_msg(),
                                       e.get_context(), e.get_error_string());
        p.db = Xapian::Database();
        p.why = e.get_description();
    }
}

/* The combination of the live parts, and the parser over it. */
void combine(dsx_db *db)
{
    Xapian::Database all;
    for (auto &p : db->parts)
        if (p.live) all.add_database(p.db);
    db->db = all;
    db->parser.set_database(db->db);
    db->broken = false;
}

} // namespace

namespace dsx {

void open_parts(dsx_db *db)
{
    db->broken = true; /* until combined: a part that fails is tried again */
    for (auto &p : db->parts) open_part(p, db->remote);
    db->retried = now_seconds();
    combine(db);
}

void refresh_parts(dsx_db *db)
{
    if (db->parts.empty()) return;
    bool missing = false;
    for (auto &p : db->parts) missing |= !p.live;
    if (db->broken || (missing && now_seconds() - db->retried >= RETRY_SECONDS))
        open_parts(db);
}

} // namespace dsx

extern "C" ds_status dsx_db_open_parts(const char *const *parts, size_t n,
                                       const dsx_remote_options *remote,
                                       const dsx_stemmer *stemmer,
                                       dsx_db **out, char **err)
{
    *out = nullptr;
    return dsx::guard(err, [&] {
        std::unique_ptr<dsx_db> d(new dsx_db);
        d->remote = *remote;
        for (size_t i = 0; i < n; ++i) {
            dsx_member p;
            p.where = parts[i];
            p.remote = p.where.compare(0, sizeof REMOTE - 1, REMOTE) == 0;
            if (i == 0 && p.remote)
                throw Xapian::InvalidArgumentError(
                    "the first database must be local: " + p.where);
            d->parts.push_back(std::move(p));
        }
        d->path = n ? parts[0] : "";
        dsx::open_parts(d.get());
        dsx::set_analysis(d.get(), stemmer);
        *out = d.release();
    });
}

extern "C" ds_status dsx_db_recover(dsx_db *db, char **err)
{
    return dsx::guard(err, [&] {
        if (!db->parts.empty()) dsx::open_parts(db);
    });
}

extern "C" size_t dsx_db_n_missing(const dsx_db *db)
{
    size_t n = 0;
    for (auto &p : db->parts) n += !p.live;
    return n;
}

extern "C" const char *dsx_db_missing(const dsx_db *db, size_t i,
                                      const char **why)
{
    for (auto &p : db->parts) {
        if (p.live) continue;
        if (i-- == 0) {
            *why = p.why.c_str();
            return p.where.c_str();
        }
    }
    *why = "";
    return "";
}

/* ---- Following changes ---- */

namespace {

/* Reopen part `p`; true when it moved.  A failure marks the combination
 * to be opened again before the next search (dsx::refresh_parts). */
bool reopen_part(dsx_db *db, dsx_member &p)
{
    try {
        if (p.remote) return p.db.reopen();
        /* Glass's reopen() says "maybe changed" every time for a database
         * at revision 0 (one never committed to: an empty shard). */
        Xapian::rev was = p.db.get_revision();
        return p.db.reopen() && p.db.get_revision() != was;
    } catch (const Xapian::Error &) {
        db->broken = true;
        return true;
    }
}

/* Connect to the remote part `p` anew: true when the server now serves
 * another database than p's connection has (the new connection then
 * replaces it). */
bool probe_part(dsx_db *db, dsx_member &p)
{
    Xapian::Database fresh;
    try {
        fresh = open_remote(p.where.substr(sizeof REMOTE - 1), db->remote);
        if (fresh.get_uuid() == p.db.get_uuid()) return false;
    } catch (const Xapian::Error &) {
        return false; /* the old connection is left to answer, or not */
    }
    p.db = fresh;
    return true;
}

} // namespace

extern "C" size_t dsx_db_n_parts(const dsx_db *db)
{
    return db->parts.empty() ? 1 : db->parts.size();
}

extern "C" ds_status dsx_db_part_state(dsx_db *db, size_t i,
                                       dsx_part_state *state, char **err)
{
    *state = DSX_PART_SAME;
    return dsx::guard(err, [&] {
        if (i >= dsx_db_n_parts(db))
            throw Xapian::InvalidArgumentError("no such part");
        bool one = db->parts.empty();
        if (!one && (db->parts[i].remote || !db->parts[i].live)) return;
        const std::string &path = one ? db->path : db->parts[i].where;
        const Xapian::Database &open = one ? db->db : db->parts[i].db;
        Xapian::Database now(path);
        if (now.get_uuid() != open.get_uuid())
            *state = DSX_PART_REPLACED;
        else if (now.get_revision() != open.get_revision())
            *state = DSX_PART_MOVED;
    });
}

extern "C" ds_status dsx_db_follow(dsx_db *db, size_t from, int probe,
                                   size_t *moved, char **err)
{
    *moved = 0;
    return dsx::guard(err, [&] {
        bool replaced = false;
        /* A broken combination is opened again before the next search. */
        for (size_t i = from; i < db->parts.size() && !db->broken; ++i) {
            dsx_member &p = db->parts[i];
            if (!p.live) continue; /* tried again by refresh_parts */
            if (reopen_part(db, p)) {
                ++*moved;
            } else if (probe && p.remote && probe_part(db, p)) {
                replaced = true;
                ++*moved;
            }
        }
        if (replaced && !db->broken) combine(db);
    });
}
