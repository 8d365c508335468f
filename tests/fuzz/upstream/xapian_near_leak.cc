// xapian_near_leak.cc — libxapian alone, no dealsearch code: the leak that
// fuzz_query found (tests/fuzz/README.md, "Leak inside libxapian's query
// parser").
//
//   c++ -fsanitize=address -g tests/fuzz/upstream/xapian_near_leak.cc \
//       -o /tmp/near_leak $(pkg-config --cflags --libs xapian-core)
//   /tmp/near_leak 'OR NEAR/3'
//
// With libxapian 1.4.22 LeakSanitizer reports one 96-byte object allocated
// in Xapian::QueryParser::Internal::parse_query, after the parser threw
// QueryParserError ("Syntax: <expression> OR <expression>").
#include <xapian.h>

#include <iostream>

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::cerr << "usage: " << argv[0] << " QUERY\n";
        return 2;
    }
    Xapian::QueryParser qp;
    try {
        Xapian::Query q = qp.parse_query(argv[1], Xapian::QueryParser::FLAG_BOOLEAN);
        std::cout << q.get_description() << std::endl;
    } catch (const Xapian::QueryParserError &e) {
        std::cout << "QueryParserError: " << e.get_msg() << std::endl;
    }
    return 0;
}
