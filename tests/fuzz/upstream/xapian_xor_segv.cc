// xapian_xor_segv.cc — libxapian alone, no dealsearch code: the SEGV that
// fuzz_query found (tests/fuzz/README.md, "SEGV inside libxapian").
//
//   ./dealsearch --corpus corpus --index /tmp/demo.index index
//   c++ -g tests/fuzz/upstream/xapian_xor_segv.cc -o /tmp/xor_segv \
//       $(pkg-config --cflags --libs xapian-core)
//   /tmp/xor_segv /tmp/demo.index/current 'meta XOR a* XOR meta OR ai' 1000
//
// Crashes (SIGSEGV in Enquire::get_mset) with libxapian 1.4.22 when
// checkatleast >= the number of documents (58 on the demo index); 57 or
// 0 runs fine.
#include <xapian.h>

#include <cstdlib>
#include <iostream>

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::cerr << "usage: " << argv[0] << " DB QUERY [CHECKATLEAST]\n";
        return 2;
    }
    Xapian::Database db(argv[1]);
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_stemmer(Xapian::Stem("english"));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_ALL);
    qp.set_default_op(Xapian::Query::OP_OR);
    Xapian::Query q = qp.parse_query(argv[2], Xapian::QueryParser::FLAG_BOOLEAN |
                                                  Xapian::QueryParser::FLAG_WILDCARD);
    std::cout << q.get_description() << std::endl;
    Xapian::Enquire enquire(db);
    enquire.set_query(q);
    unsigned check = argc > 3 ? unsigned(std::atoi(argv[3])) : 1000;
    Xapian::MSet m = enquire.get_mset(0, 10, check);
    std::cout << m.size() << " of " << m.get_matches_estimated() << std::endl;
    return 0;
}
