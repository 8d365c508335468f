/*
 * boundary.cc — the shim's side of the C boundary: mapping exceptions to
 * statuses, the stemmer adapter, Xapian's conventions and character
 * tables.
 */
#include "private.hh"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

namespace dsx {

namespace {

/* The status for the exception being handled; its description in msg. */
ds_status classify(std::string &msg)
{
    try {
        throw;
    } catch (const Xapian::DatabaseCorruptError &e) {
        msg = e.get_description();
        return DS_ERR_DAMAGED;
    } catch (const Xapian::DatabaseVersionError &e) {
        msg = e.get_description();
        return DS_ERR_VERSION;
    } catch (const Xapian::DatabaseLockError &e) {
        msg = e.get_description();
        return DS_ERR_LOCKED;
    } catch (const Xapian::DatabaseOpeningError &e) {
        /* Also DatabaseNotFoundError: nothing (readable) there. */
        msg = e.get_description();
        return DS_ERR_IO;
    } catch (const Xapian::DatabaseError &e) {
        /* Reading or writing the files failed (a full disk, say). */
        msg = e.get_description();
        return DS_ERR_IO;
    } catch (const Xapian::NetworkError &e) {
        /* A remote shard down, unreachable or too slow (its description
         * names it: "remote:tcp(HOST:PORT)"). */
        msg = e.get_description();
        return DS_ERR_IO;
    } catch (const Xapian::QueryParserError &e) {
        msg = e.get_description();
        return DS_ERR_QUERY;
    } catch (const Xapian::Error &e) {
        msg = e.get_description();
        return DS_ERR_INTERNAL;
    } catch (const std::bad_alloc &) {
        msg = "out of memory";
        return DS_ERR_NOMEM;
    } catch (const std::exception &e) {
        msg = e.what();
        return DS_ERR_INTERNAL;
    } catch (...) {
        msg = "unknown C++ exception";
        return DS_ERR_INTERNAL;
    }
}

} // namespace

ds_status classify_current_exception(std::string &msg) noexcept
{
    try {
        return classify(msg);
    } catch (...) {
        /* No memory even for the message: the status says enough. */
        msg.clear();
        return DS_ERR_NOMEM;
    }
}

char *malloc_copy(const std::string &msg) noexcept
{
    char *copy = static_cast<char *>(std::malloc(msg.size() + 1));
    if (!copy) {
        std::fputs("dealsearch: out of memory\n", stderr);
        std::exit(2);
    }
    std::memcpy(copy, msg.c_str(), msg.size() + 1);
    return copy;
}

namespace {

class CallbackStemmer : public Xapian::StemImplementation {
    const dsx_stemmer *stemmer;

  public:
    explicit CallbackStemmer(const dsx_stemmer *s) : stemmer(s) {}

    std::string operator()(const std::string &word) override
    {
        size_t len = 0;
        const char *stem = stemmer->stem(stemmer->ctx, word.data(),
                                         word.size(), &len);
        /* Copy at once: the C buffer is reused by the next call. */
        return stem ? std::string(stem, len) : word;
    }

    std::string get_description() const override
    {
        return stemmer->name ? stemmer->name : "dealsearch stemmer";
    }
};

} // namespace

Xapian::Stem make_stem(const dsx_stemmer *s)
{
    return Xapian::Stem(new CallbackStemmer(s));
}

double scale_factor(const Xapian::Query &q)
{
    return std::strtod(q.get_description().c_str() + 6, nullptr);
}

std::string describe_unplaced(const Xapian::Query &q)
{
    std::string d = q.get_description(), out;
    for (size_t i = 0; i < d.size(); ++i) {
        if (d[i] == '@' && i + 1 < d.size() &&
            d[i + 1] >= '0' && d[i + 1] <= '9') {
            while (i + 1 < d.size() && d[i + 1] >= '0' && d[i + 1] <= '9')
                ++i;
            continue;
        }
        out += d[i];
    }
    return out;
}

} // namespace dsx

extern "C" int dsx_term_is_prefixed(const char *term)
{
    return dsx::is_prefixed(term);
}

extern "C" int dsx_is_lock_file(const char *name)
{
    /* The glass backend's lock file (it also serves chert databases). */
    return std::strcmp(name, "flintlock") == 0;
}

extern "C" int dsx_unicode_is_wordchar(unsigned ch)
{
    return Xapian::Unicode::is_wordchar(ch);
}

extern "C" int dsx_unicode_is_digit(unsigned ch)
{
    return Xapian::Unicode::get_category(ch) ==
           Xapian::Unicode::DECIMAL_DIGIT_NUMBER;
}

extern "C" unsigned dsx_unicode_tolower(unsigned ch)
{
    return Xapian::Unicode::tolower(ch);
}
