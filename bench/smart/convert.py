#!/usr/bin/env python3
"""Turn the Cranfield or CACM test collection (SMART format) into the
files `make eval` reads for CISI: docs.jsonl, queries.tsv, qrels.txt.

    convert.py cranfield SRC_DIR OUT_DIR   (cran.all.1400, cran.qry, cranqrel)
    convert.py cacm SRC_DIR OUT_DIR        (cacm.all, query.text, qrels.text)

Documents keep their .T title and .W text (CACM: 1,617 of its 3,204
documents have a title only); queries their .W text.  Judgments become
binary, as CISI's are: Cranfield's codes 1-4 are relevant (-1 marks a
query's non-relevant line); every CACM pair is relevant.  Cranfield's
judgments number the queries 1..225 in file order, not by their .I
(which skips numbers), so queries are numbered the same way.  CACM's
query file ends with an empty `.I 0` record, left out.

bench/RELEVANCE.md ("Proximity") says where the files came from; they
are read from SRC_DIR and never committed to this repository.
"""
import json
import os
import re
import sys

FIELD = re.compile(r'^\.([A-Z])(?:\s+(\S+))?\s*$')


def records(path):
    """The .I records of a SMART file: dicts of field letter -> lines."""
    out, cur, field = [], None, None
    with open(path, encoding='latin-1') as f:
        for line in f:
            line = line.rstrip('\r\n')
            m = FIELD.match(line)
            if m and m.group(1) == 'I':
                cur, field = {'I': m.group(2)}, None
                out.append(cur)
            elif m and cur is not None:
                field = m.group(1)
                cur.setdefault(field, [])
            elif cur is not None and field:
                cur[field].append(line)
    return out


def text(rec, field):
    return re.sub(r'\s+', ' ', ' '.join(rec.get(field, []))).strip()


def documents(path):
    return [{'id': str(int(r['I'])), 'title': text(r, 'T'),
             'text': text(r, 'W')} for r in records(path)]


def cranfield(src):
    docs = documents(os.path.join(src, 'cran.all.1400'))
    queries = [(str(i + 1), text(r, 'W'))
               for i, r in enumerate(records(os.path.join(src, 'cran.qry')))]
    qrels = set()
    with open(os.path.join(src, 'cranqrel')) as f:
        for line in f:
            p = line.split()
            if len(p) >= 3 and 1 <= int(p[2]) <= 4:
                qrels.add((int(p[0]), int(p[1])))
    return docs, queries, qrels


def cacm(src):
    docs = documents(os.path.join(src, 'cacm.all'))
    queries = [(str(int(r['I'])), text(r, 'W'))
               for r in records(os.path.join(src, 'query.text'))
               if int(r['I']) > 0]
    qrels = set()
    with open(os.path.join(src, 'qrels.text')) as f:
        for line in f:
            p = line.split()
            if len(p) >= 2:
                qrels.add((int(p[0]), int(p[1])))
    return docs, queries, qrels


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ('cranfield', 'cacm'):
        sys.exit('usage: convert.py cranfield|cacm SRC_DIR OUT_DIR')
    read = cranfield if sys.argv[1] == 'cranfield' else cacm
    docs, queries, qrels = read(sys.argv[2])
    out = sys.argv[3]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'docs.jsonl'), 'w') as f:
        for d in docs:
            f.write(json.dumps(d) + '\n')
    with open(os.path.join(out, 'queries.tsv'), 'w') as f:
        for qid, q in queries:
            f.write('%s\t%s\n' % (qid, q))
    with open(os.path.join(out, 'qrels.txt'), 'w') as f:
        for qid, did in sorted(qrels):
            f.write('%d 0 %d 1\n' % (qid, did))
    print('%s: %d documents, %d queries, %d relevant pairs for %d queries'
          % (sys.argv[1], len(docs), len(queries), len(qrels),
             len({q for q, _ in qrels})))


if __name__ == '__main__':
    main()
