/*
 * raw_xapian.cc — the raw-Xapian baseline: what a plain Xapian application
 * does with the same passages, and no dealsearch code.  TermGenerator with
 * Xapian::Stem("english") (STEM_SOME, Xapian's default), each document's
 * data "source:passage\ntext"; QueryParser (default flags, AND), Enquire
 * (BM25, Xapian's defaults) and MSet::snippet.
 *
 *   raw_xapian version
 *   raw_xapian build CORPUS_DIR DB [LEVERS]
 *   raw_xapian query DB QUERIES nosnip|snip REPS [LEVERS]
 *
 * Levers (off by default; the benchmark measures each against the
 * baseline):
 *   --stem=some|all|none       stemming strategy (index and query)
 *   --db-flags=F[,F]           nosync, dangerous, notermlist
 *   --flush=N                  XAPIAN_FLUSH_THRESHOLD (documents)
 *   --shards=K                 K processes build K shards side by side
 *   --merge=compact|stub       then merge them into one database with
 *                              Database::compact (default), or leave them
 *                              in DB/ with a DB/XAPIANDB stub listing them
 *   --no-positions             index without positions (no phrases!)
 *   --no-db                    tokenise and stem only; write nothing
 *   --snippet-flags=F          default, exhaustive (no background model),
 *                              none
 *   --check-at-least=N         Enquire::get_mset's checkatleast
 *   --matching-terms           list each hit's matching terms (as
 *                              dealsearch does)
 *   --collapse=SLOT            Enquire::set_collapse_key(SLOT) (needs an
 *                              index built with --values)
 */
#include <xapian.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "common.h"

namespace {

const size_t SNIPPET_BYTES = 320; // dealsearch's DS_SNIPPET_BYTES

struct levers {
    std::string stem = "some";
    int db_flags = 0;
    std::string flush;
    unsigned shards = 1;
    bool stub = false;
    bool stem_cache = false;
    bool spelling = false;
    bool values = false;
    int collapse = -1;
    bool positions = true;
    bool write = true;
    unsigned snippet_flags = Xapian::MSet::SNIPPET_BACKGROUND_MODEL |
                             Xapian::MSet::SNIPPET_EXHAUSTIVE;
    unsigned check_at_least = 0;
    bool matching_terms = false;
};

int parse_db_flags(const std::string &list)
{
    int flags = 0;
    size_t start = 0;
    while (start <= list.size()) {
        size_t comma = list.find(',', start);
        std::string f = list.substr(start, comma - start);
        if (f == "nosync") flags |= Xapian::DB_NO_SYNC;
        else if (f == "dangerous") flags |= Xapian::DB_DANGEROUS;
        else if (f == "notermlist") flags |= Xapian::DB_NO_TERMLIST;
        else bx_die("unknown db flag '%s'", f.c_str());
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return flags;
}

unsigned parse_snippet_flags(const std::string &f)
{
    if (f == "default")
        return Xapian::MSet::SNIPPET_BACKGROUND_MODEL |
               Xapian::MSet::SNIPPET_EXHAUSTIVE;
    if (f == "exhaustive") return Xapian::MSet::SNIPPET_EXHAUSTIVE;
    if (f == "none") return 0;
    bx_die("unknown snippet flags '%s'", f.c_str());
}

bool parse_merge(const std::string &m)
{
    if (m != "compact" && m != "stub") bx_die("--merge takes compact or stub");
    return m == "stub";
}

levers parse_levers(int argc, char **argv, int first)
{
    levers l;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i], *v;
        if ((v = bx_opt(a, "--stem"))) l.stem = v;
        else if ((v = bx_opt(a, "--db-flags"))) l.db_flags = parse_db_flags(v);
        else if ((v = bx_opt(a, "--flush"))) l.flush = v;
        else if ((v = bx_opt(a, "--shards"))) l.shards = unsigned(atoi(v));
        else if ((v = bx_opt(a, "--merge"))) l.stub = parse_merge(v);
        else if ((v = bx_opt(a, "--snippet-flags"))) l.snippet_flags = parse_snippet_flags(v);
        else if ((v = bx_opt(a, "--check-at-least"))) l.check_at_least = unsigned(atoi(v));
        else if (strcmp(a, "--no-positions") == 0) l.positions = false;
        else if (strcmp(a, "--stem-cache") == 0) l.stem_cache = true;
        else if (strcmp(a, "--spelling") == 0) l.spelling = true;
        else if (strcmp(a, "--values") == 0) l.values = true;
        else if ((v = bx_opt(a, "--collapse"))) l.collapse = atoi(v);
        else if (strcmp(a, "--no-db") == 0) l.write = false;
        else if (strcmp(a, "--matching-terms") == 0) l.matching_terms = true;
        else bx_die("unknown option '%s'", a);
    }
    if (l.stem != "some" && l.stem != "all" && l.stem != "none")
        bx_die("--stem takes some, all or none");
    if (l.shards < 1) bx_die("--shards must be positive");
    return l;
}

Xapian::TermGenerator::stem_strategy index_strategy(const std::string &s)
{
    if (s == "all") return Xapian::TermGenerator::STEM_ALL;
    if (s == "none") return Xapian::TermGenerator::STEM_NONE;
    return Xapian::TermGenerator::STEM_SOME;
}

Xapian::QueryParser::stem_strategy query_strategy(const std::string &s)
{
    if (s == "all") return Xapian::QueryParser::STEM_ALL;
    if (s == "none") return Xapian::QueryParser::STEM_NONE;
    return Xapian::QueryParser::STEM_SOME;
}

/* A stemmer that remembers every stem it has computed. */
class CachingStemmer : public Xapian::StemImplementation {
    Xapian::Stem stem;
    std::unordered_map<std::string, std::string> cache;

  public:
    explicit CachingStemmer(const Xapian::Stem &s) : stem(s) {}

    std::string operator()(const std::string &word) override
    {
        auto hit = cache.find(word);
        if (hit != cache.end()) return hit->second;
        return cache.emplace(word, stem(word)).first->second;
    }

    std::string get_description() const override { return "cached " + stem.get_description(); }
};

Xapian::Stem make_stemmer(const levers &l)
{
    Xapian::Stem plain(l.stem == "none" ? "none" : "english");
    return l.stem_cache ? Xapian::Stem(new CachingStemmer(plain)) : plain;
}

/* ---- build ---------------------------------------------------------------- */

struct builder {
    const levers *l;
    Xapian::WritableDatabase *db; // NULL with --no-db
    Xapian::TermGenerator tg;
    size_t sink = 0;
    unsigned long docs = 0;
};

void add_passage(void *ctx, const char *source, unsigned long number,
                 const char *text, size_t len)
{
    builder *b = static_cast<builder *>(ctx);
    Xapian::Document doc;
    b->tg.set_document(doc);
    if (b->l->positions)
        b->tg.index_text(Xapian::Utf8Iterator(text, len));
    else
        b->tg.index_text_without_positions(Xapian::Utf8Iterator(text, len));
    std::string data(source);
    data += ':' + std::to_string(number) + '\n';
    data.append(text, len);
    doc.set_data(data);
    if (b->l->values) {
        doc.add_value(0, "20250614");
        doc.add_value(1, source);
        doc.add_value(2, std::to_string(++b->docs));
    }
    if (b->db) b->db->add_document(doc);
    else b->sink += doc.termlist_count();
}

/* Build part `part` of `parts` of the corpus into `path`. */
unsigned long build_part(const char *corpus, const std::string &path,
                         const levers &l, unsigned part, unsigned parts,
                         unsigned long long *bytes)
{
    builder b;
    b.l = &l;
    b.tg.set_stemmer(make_stemmer(l));
    b.tg.set_stemming_strategy(index_strategy(l.stem));
    Xapian::WritableDatabase db;
    b.db = nullptr;
    if (l.write) {
        db = Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OVERWRITE | l.db_flags);
        b.db = &db;
        if (l.spelling) {
            b.tg.set_database(db);
            b.tg.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
        }
    }
    unsigned long n = bx_for_each_passage_part(corpus, part, parts, add_passage, &b, bytes);
    if (l.write) db.commit();
    else fprintf(stderr, "terms seen: %zu\n", b.sink);
    return n;
}

std::string shard_path(const std::string &path, const levers &l, unsigned i)
{
    return l.stub ? path + "/shard" + std::to_string(i)
                  : path + ".shard" + std::to_string(i);
}

/* Merge the shards into one database at `path` and remove them. */
void compact_shards(const std::string &path, const levers &l)
{
    Xapian::Database all;
    for (unsigned i = 0; i < l.shards; i++)
        all.add_database(Xapian::Database(shard_path(path, l, i)));
    all.compact(path);
    for (unsigned i = 0; i < l.shards; i++) {
        std::string cmd = "rm -rf '" + shard_path(path, l, i) + "'";
        if (system(cmd.c_str()) != 0) bx_die("cannot remove a shard");
    }
}

/* A stub database: DB/XAPIANDB lists the shards inside DB/. */
void write_stub(const std::string &path, const levers &l)
{
    FILE *f = fopen((path + "/XAPIANDB").c_str(), "w");
    if (!f) bx_die("%s: cannot write the stub", path.c_str());
    for (unsigned i = 0; i < l.shards; i++) fprintf(f, "auto shard%u\n", i);
    if (fclose(f) != 0) bx_die("%s: cannot write the stub", path.c_str());
}

/* K children build K shards side by side (contiguous runs of the files,
 * so document order is kept); the parent then merges them. */
unsigned long build_sharded(const char *corpus, const std::string &path,
                            const levers &l)
{
    if (l.stub && system(("rm -rf '" + path + "' && mkdir -p '" + path + "'").c_str()) != 0)
        bx_die("%s: cannot make the directory", path.c_str());
    std::vector<pid_t> kids;
    for (unsigned i = 0; i < l.shards; i++) {
        pid_t pid = fork();
        if (pid < 0) bx_die("fork failed");
        if (pid == 0) {
            unsigned long long b;
            build_part(corpus, shard_path(path, l, i), l, i, l.shards, &b);
            _exit(0);
        }
        kids.push_back(pid);
    }
    for (pid_t pid : kids) {
        int status;
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
            bx_die("a shard build failed");
    }
    if (l.stub) write_stub(path, l);
    else compact_shards(path, l);
    return Xapian::Database(path).get_doccount();
}

int build(const char *corpus, const char *path, const levers &l)
{
    if (!l.flush.empty()) setenv("XAPIAN_FLUSH_THRESHOLD", l.flush.c_str(), 1);
    unsigned long long bytes = 0; /* not summed over shard processes */
    unsigned long n = l.shards > 1 && l.write
                          ? build_sharded(corpus, path, l)
                          : build_part(corpus, path, l, 0, 1, &bytes);
    printf("passages=%lu bytes=%llu\n", n, bytes);
    return 0;
}

/* ---- query ---------------------------------------------------------------- */

struct searcher {
    const levers *l;
    Xapian::Database db;
    Xapian::QueryParser qp;
    Xapian::Stem stem;
    bool snippets;
};

long run_query(void *ctx, const char *text, long *matches, size_t *sink)
{
    searcher *s = static_cast<searcher *>(ctx);
    Xapian::Query query = s->qp.parse_query(text);
    Xapian::Enquire enquire(s->db);
    enquire.set_query(query);
    if (s->l->collapse >= 0) enquire.set_collapse_key(Xapian::valueno(s->l->collapse));
    Xapian::MSet mset = enquire.get_mset(0, 10, s->l->check_at_least);
    for (auto m = mset.begin(); m != mset.end(); ++m) {
        std::string data = m.get_document().get_data();
        *sink += data.size();
        if (s->l->matching_terms)
            for (auto t = enquire.get_matching_terms_begin(m);
                 t != enquire.get_matching_terms_end(m); ++t)
                *sink += (*t).size();
        if (!s->snippets) continue;
        std::string body = data.substr(data.find('\n') + 1);
        *sink += mset.snippet(body, SNIPPET_BYTES, s->stem, s->l->snippet_flags,
                              "[", "]", "…").size();
    }
    *matches = long(mset.get_matches_estimated());
    return long(mset.size());
}

int query(const char *path, const char *queries, const char *mode, int reps,
          const levers &l)
{
    searcher s;
    s.l = &l;
    s.snippets = strcmp(mode, "snip") == 0;
    if (!s.snippets && strcmp(mode, "nosnip") != 0) bx_die("unknown mode '%s'", mode);
    s.db = Xapian::Database(path);
    s.stem = make_stemmer(l);
    s.qp.set_database(s.db);
    s.qp.set_stemmer(s.stem);
    s.qp.set_stemming_strategy(query_strategy(l.stem));
    s.qp.set_default_op(Xapian::Query::OP_AND);
    bx_queries q;
    bx_read_queries(queries, &q);
    bx_time_queries(&q, reps, run_query, &s, stdout);
    bx_queries_free(&q);
    return 0;
}

int run(int argc, char **argv)
{
    std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "version") {
        printf("xapian %s\n", Xapian::version_string());
        return 0;
    }
    if (cmd == "build" && argc >= 4)
        return build(argv[2], argv[3], parse_levers(argc, argv, 4));
    if (cmd == "query" && argc >= 6)
        return query(argv[2], argv[3], argv[4], atoi(argv[5]),
                     parse_levers(argc, argv, 6));
    bx_die("usage: raw_xapian version | build CORPUS DB [LEVERS] | "
           "query DB QUERIES nosnip|snip REPS [LEVERS]");
}

} // namespace

int main(int argc, char **argv)
{
    bx_set_program(argv[0]);
    try {
        return run(argc, argv);
    } catch (const Xapian::Error &e) {
        bx_die("%s", e.get_description().c_str());
    } catch (const std::exception &e) {
        bx_die("%s", e.what());
    }
}
